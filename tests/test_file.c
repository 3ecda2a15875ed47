/* SPDX-License-Identifier: MIT */
/* The logical-file layer: plain files and makedumpfile's flattened format. */
#include <stdlib.h>
#include <unistd.h>

#include "error.h"
#include "harness.h"
#include "vmcore/file.h"

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

struct flat_builder {
	uint8_t *buf;
	size_t len;
};

static void flat_append(struct flat_builder *b, const void *data, size_t len)
{
	b->buf = realloc(b->buf, b->len + len);
	memcpy(b->buf + b->len, data, len);
	b->len += len;
}

static void flat_header(struct flat_builder *b, uint64_t type, uint64_t version)
{
	uint8_t hdr[KC_FLAT_HEADER_SIZE] = {0};
	memcpy(hdr, KC_FLAT_SIGNATURE, sizeof(KC_FLAT_SIGNATURE));
	put_be64(hdr + 16, type);
	put_be64(hdr + 24, version);
	flat_append(b, hdr, sizeof(hdr));
}

static void flat_record(struct flat_builder *b, int64_t offset, int64_t size,
			const void *data)
{
	uint8_t rec[16];
	put_be64(rec, (uint64_t)offset);
	put_be64(rec + 8, (uint64_t)size);
	flat_append(b, rec, sizeof(rec));
	if (data && size > 0)
		flat_append(b, data, (size_t)size);
}

static const char *write_scratch(const char *name, const void *data, size_t len)
{
	static char path[4096];
	snprintf(path, sizeof(path), "%s/%s", kc_test_scratch_dir(), name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return NULL;
	fwrite(data, 1, len, f);
	fclose(f);
	return path;
}

KC_TEST(file_plain_read_and_bounds)
{
	uint8_t data[100];
	for (int i = 0; i < 100; i++)
		data[i] = (uint8_t)i;
	const char *path = write_scratch("plain.bin", data, sizeof(data));
	REQUIRE(path);
	struct kc_file *file;
	REQUIRE_OK(kc_file_open(path, &file));
	CHECK(!file->flattened);
	CHECK_EQ_U64(file->size, 100);
	uint8_t buf[10];
	REQUIRE_OK(kc_file_read(file, 90, buf, 10, "tail"));
	CHECK(buf[0] == 90 && buf[9] == 99);
	struct kc_error *err = kc_file_read(file, 95, buf, 10, "tail");
	CHECK(err && err->code == KC_ERR_TRUNCATED);
	if (err) {
		CHECK(strstr(err->message, path) != NULL);
		CHECK(strstr(err->message, "0x5f") != NULL);
	}
	kc_error_destroy(err);
	CHECK(kc_file_ptr(file, 10, 5) == file->map + 10);
	CHECK(kc_file_ptr(file, 99, 2) == NULL);
	kc_file_close(file);
}

KC_TEST(file_empty_and_missing)
{
	const char *path = write_scratch("empty.bin", "", 0);
	REQUIRE(path);
	struct kc_file *file = NULL;
	struct kc_error *err = kc_file_open(path, &file);
	CHECK(err && err->code == KC_ERR_TRUNCATED);
	kc_error_destroy(err);
	err = kc_file_open("/nonexistent/kcrash-dump", &file);
	CHECK(err && err->code == KC_ERR_OS);
	if (err)
		CHECK(strstr(err->message, "/nonexistent/kcrash-dump") != NULL);
	kc_error_destroy(err);
}

KC_TEST(file_flattened_records)
{
	struct flat_builder b = {0};
	flat_header(&b, 1, 1);
	/* Out-of-order records with a hole at [8, 12). */
	flat_record(&b, 12, 4, "MNOP");
	flat_record(&b, 0, 8, "ABCDEFGH");
	flat_record(&b, 16, 4, "QRST");
	flat_record(&b, -1, -1, NULL);
	const char *path = write_scratch("flat.bin", b.buf, b.len);
	free(b.buf);
	REQUIRE(path);
	struct kc_file *file;
	REQUIRE_OK(kc_file_open(path, &file));
	CHECK(file->flattened);
	CHECK(!file->flat_unterminated);
	CHECK_EQ_U64(file->size, 20);
	char buf[9] = {0};
	REQUIRE_OK(kc_file_read(file, 0, buf, 8, "head"));
	CHECK_STR(buf, "ABCDEFGH");
	/* Across two records. */
	memset(buf, 0, sizeof(buf));
	REQUIRE_OK(kc_file_read(file, 14, buf, 4, "middle"));
	CHECK_STR(buf, "OPQR");
	CHECK(kc_file_ptr(file, 14, 4) == NULL); /* not contiguous */
	CHECK(kc_file_ptr(file, 12, 4) != NULL);
	struct kc_error *err = kc_file_read(file, 6, buf, 4, "hole");
	CHECK(err && err->code == KC_ERR_TRUNCATED);
	if (err)
		CHECK(strstr(err->message, "0x8") != NULL);
	kc_error_destroy(err);
	kc_file_close(file);
}

KC_TEST(file_flattened_later_record_wins)
{
	struct flat_builder b = {0};
	flat_header(&b, 1, 1);
	flat_record(&b, 0, 8, "aaaaaaaa");
	flat_record(&b, 2, 3, "XYZ");   /* overwrites bytes 2..4 */
	flat_record(&b, 6, 4, "QQQQ");  /* overlaps the end of the first */
	flat_record(&b, -1, -1, NULL);
	const char *path = write_scratch("flat-overlap.bin", b.buf, b.len);
	free(b.buf);
	REQUIRE(path);
	struct kc_file *file;
	REQUIRE_OK(kc_file_open(path, &file));
	CHECK(file->flat_overlaps);
	char buf[11] = {0};
	REQUIRE_OK(kc_file_read(file, 0, buf, 10, "all"));
	CHECK_STR(buf, "aaXYZaQQQQ");
	kc_file_close(file);
}

KC_TEST(file_flattened_bad_and_truncated)
{
	struct flat_builder b = {0};
	flat_header(&b, 2, 1);
	const char *path = write_scratch("flat-type.bin", b.buf, b.len);
	free(b.buf);
	struct kc_file *file = NULL;
	struct kc_error *err = kc_file_open(path, &file);
	CHECK(err && err->code == KC_ERR_FORMAT);
	kc_error_destroy(err);

	memset(&b, 0, sizeof(b));
	flat_header(&b, 1, 1);
	flat_record(&b, -5, 4, "abcd");
	path = write_scratch("flat-neg.bin", b.buf, b.len);
	free(b.buf);
	err = kc_file_open(path, &file);
	CHECK(err && err->code == KC_ERR_FORMAT);
	if (err)
		CHECK(strstr(err->message, "offset 0x1000") != NULL);
	kc_error_destroy(err);

	/* Cut inside a record's data: what is there is served. */
	memset(&b, 0, sizeof(b));
	flat_header(&b, 1, 1);
	flat_record(&b, 0, 8, "ABCDEFGH");
	path = write_scratch("flat-cut.bin", b.buf, b.len - 3);
	free(b.buf);
	REQUIRE_OK(kc_file_open(path, &file));
	CHECK(file->flat_unterminated);
	CHECK_EQ_U64(file->size, 5);
	char buf[6] = {0};
	REQUIRE_OK(kc_file_read(file, 0, buf, 5, "cut"));
	CHECK_STR(buf, "ABCDE");
	kc_file_close(file);
}
