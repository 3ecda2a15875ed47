/* SPDX-License-Identifier: MIT */
/*
 * Tests of the DWARF type layer and the type/value formatter: a sample
 * program's DWARF 4 and 5 against what this compiler says of the same
 * types (dwarf_sample.h), then each fixture vmlinux against the layout its
 * kernel states in VMCOREINFO, and the index cache (reuse, corruption).
 */
#include "harness.h"

#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debugcopy.h"
#include "dwarf.h"
#include "dwarf_sample.h"
#include "typefmt.h"
#include "vmcoreinfo.h"

static const char *const samples[] = {KC_DWARF_SAMPLE4, KC_DWARF_SAMPLE5};

/* A per-run cache directory in the build tree, never the user's. */
static const char *use_test_cache(void)
{
	static char dir[4096];
	snprintf(dir, sizeof(dir), "%s/dwarf-cache", kc_test_scratch_dir());
	mkdir(dir, 0755);
	setenv("KCRASH_CACHE_DIR", dir, 1);
	return dir;
}

static struct kc_error *open_sample(size_t i, struct kc_dwarf **dw)
{
	use_test_cache();
	return kc_dwarf_open(samples[i], NULL, 0, dw);
}

/* A string the formatter wrote, malloc'd. */
struct capture {
	char *text;
	size_t len;
	FILE *f;
};

static FILE *capture_start(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->text, &c->len);
	return c->f;
}

static char *capture_end(struct capture *c)
{
	fclose(c->f);
	return c->text;
}

#define CHECK_MEMBER(dw_type, path, expected)                                \
	do {                                                                  \
		struct kc_member m_;                                          \
		struct kc_error *e_ = kc_type_member(dw_type, path, &m_);     \
		if (e_) {                                                     \
			CHECK_MSG(false, "%s: %s", path, kc_error_message(e_)); \
			kc_error_destroy(e_);                                 \
		} else {                                                      \
			CHECK_EQ_U64(m_.offset, expected);                    \
			CHECK_EQ_U64(m_.bit_size, 0);                         \
		}                                                             \
	} while (0)

KC_TEST(dwarf_sample_members)
{
	for (size_t i = 0; i < 2; i++) {
		struct kc_dwarf *dw;
		struct kc_type task;
		uint64_t size;
		REQUIRE_OK(open_sample(i, &dw));
		REQUIRE_OK(kc_dwarf_find_type(dw, "struct sample_task", &task));
		REQUIRE_OK(kc_type_size(&task, &size));
		CHECK_EQ_U64(size, sizeof(struct sample_task));
		CHECK_EQ_U64(kc_type_kind(&task), KC_TYPE_STRUCT);
		CHECK_MEMBER(&task, "state", offsetof(struct sample_task, state));
		CHECK_MEMBER(&task, "thread.cpu_context.sp",
			     offsetof(struct sample_task, thread.cpu_context.sp));
		CHECK_MEMBER(&task, "thread.flags",
			     offsetof(struct sample_task, thread.flags));
		/* Through anonymous unions and structs, two deep. */
		CHECK_MEMBER(&task, "u_int", offsetof(struct sample_task, u_int));
		CHECK_MEMBER(&task, "u_bytes", offsetof(struct sample_task, u_bytes));
		CHECK_MEMBER(&task, "anon_x", offsetof(struct sample_task, anon_x));
		CHECK_MEMBER(&task, "anon_deep",
			     offsetof(struct sample_task, anon_deep));
		CHECK_MEMBER(&task, "comm", offsetof(struct sample_task, comm));
		CHECK_MEMBER(&task, "matrix[2][3]",
			     offsetof(struct sample_task, matrix[2][3]));
		CHECK_MEMBER(&task, "inners[1].b",
			     offsetof(struct sample_task, inners[1].b));
		CHECK_MEMBER(&task, "u.b[3]", offsetof(struct sample_task, u.b[3]));
		CHECK_MEMBER(&task, "tasks.prev",
			     offsetof(struct sample_task, tasks.prev));
		CHECK_MEMBER(&task, "flex", offsetof(struct sample_task, flex));
		CHECK_MEMBER(&task, "d", offsetof(struct sample_task, d));

		/* Arrays: dimensions, the flexible one, [0]. */
		struct kc_member m;
		struct kc_type element, zero;
		uint64_t length;
		bool complete;
		REQUIRE_OK(kc_type_member(&task, "matrix", &m));
		REQUIRE_OK(kc_type_array(&m.type, &element, &length, &complete));
		CHECK_EQ_U64(length, 3);
		CHECK(complete);
		REQUIRE_OK(kc_type_size(&element, &size));
		CHECK_EQ_U64(size, sizeof(((struct sample_task *)0)->matrix[0]));
		REQUIRE_OK(kc_type_size(&m.type, &size));
		CHECK_EQ_U64(size, sizeof(((struct sample_task *)0)->matrix));
		REQUIRE_OK(kc_type_member(&task, "flex", &m));
		REQUIRE_OK(kc_type_array(&m.type, &element, &length, &complete));
		CHECK(!complete);
		CHECK_EQ_U64(length, 0);
		REQUIRE_OK(kc_dwarf_find_type(dw, "struct sample_zero", &zero));
		REQUIRE_OK(kc_type_member(&zero, "data", &m));
		REQUIRE_OK(kc_type_array(&m.type, &element, &length, &complete));
		CHECK_EQ_U64(length, 0);
		REQUIRE_OK(kc_type_size(&zero, &size));
		CHECK_EQ_U64(size, sizeof(struct sample_zero));

		/* Function pointers, arrays of them, unions. */
		struct kc_type target;
		REQUIRE_OK(kc_type_member(&task, "callback", &m));
		CHECK_EQ_U64(kc_type_kind(&m.type), KC_TYPE_POINTER);
		REQUIRE_OK(kc_type_target(&m.type, &target));
		CHECK_EQ_U64(kc_type_kind(&target), KC_TYPE_FUNCTION);
		REQUIRE_OK(kc_type_member(&task, "u", &m));
		CHECK_EQ_U64(kc_type_kind(&m.type), KC_TYPE_UNION);
		REQUIRE_OK(kc_type_size(&m.type, &size));
		CHECK_EQ_U64(size, sizeof(union sample_u));

		/* Errors say what was missing, in what. */
		struct kc_error *err = kc_type_member(&task, "__state", &m);
		CHECK(err && strcmp(kc_error_message(err),
				    "struct sample_task has no member `__state'") == 0);
		kc_error_destroy(err);
		err = kc_type_member(&task, "thread.cpu_context.lr", &m);
		CHECK(err && strstr(kc_error_message(err), "struct sample_context has no `lr'"));
		kc_error_destroy(err);
		err = kc_type_member(&task, "next.a", &m);
		CHECK(err && strstr(kc_error_message(err), "do not follow pointers"));
		kc_error_destroy(err);
		err = kc_type_member(&task, "matrix[3]", &m);
		CHECK(err && strstr(kc_error_message(err), "out of bounds"));
		kc_error_destroy(err);
		CHECK(kc_type_has_member(&task, "state"));
		CHECK(!kc_type_has_member(&task, "__state"));
		kc_dwarf_close(dw);
	}
}

/* Where this compiler puts a bitfield: set it to all ones, see which bits. */
#define BITFIELD_LAYOUT(field, first, count)                                 \
	do {                                                                  \
		struct sample_bits b_;                                        \
		memset(&b_, 0, sizeof(b_));                                   \
		b_.field = -1;                                                \
		const uint8_t *p_ = (const uint8_t *)&b_;                     \
		first = count = 0;                                            \
		bool seen_ = false;                                           \
		for (size_t i_ = 0; i_ < sizeof(b_) * 8; i_++) {              \
			if ((p_[i_ / 8] >> (i_ % 8)) & 1) {                   \
				if (!seen_)                                   \
					first = i_;                           \
				seen_ = true;                                 \
				count++;                                      \
			}                                                     \
		}                                                             \
	} while (0)

KC_TEST(dwarf_sample_bitfields)
{
	static const char *const fields[] = {"lo", "mid", "neg", "wide", "after"};
	for (size_t i = 0; i < 2; i++) {
		struct kc_dwarf *dw;
		struct kc_type bits;
		REQUIRE_OK(open_sample(i, &dw));
		REQUIRE_OK(kc_dwarf_find_type(dw, "struct sample_bits", &bits));
		for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
			uint64_t first = 0, count = 0;
			switch (f) {
			case 0: BITFIELD_LAYOUT(lo, first, count); break;
			case 1: BITFIELD_LAYOUT(mid, first, count); break;
			case 2: BITFIELD_LAYOUT(neg, first, count); break;
			case 3: BITFIELD_LAYOUT(wide, first, count); break;
			default: BITFIELD_LAYOUT(after, first, count); break;
			}
			struct kc_member m;
			REQUIRE_OK(kc_type_member(&bits, fields[f], &m));
			CHECK_MSG(m.bit_offset == first && m.bit_size == count,
				  "%s (DWARF %zu): bits %" PRIu64 "+%" PRIu64
				  ", compiler says %" PRIu64 "+%" PRIu64,
				  fields[f], i + 4, m.bit_offset, m.bit_size, first, count);
		}
		CHECK_MEMBER(&bits, "byte", offsetof(struct sample_bits, byte));
		kc_dwarf_close(dw);
	}
}

KC_TEST(dwarf_sample_types)
{
	for (size_t i = 0; i < 2; i++) {
		struct kc_dwarf *dw;
		struct kc_type t, s;
		uint64_t size;
		int64_t value;
		REQUIRE_OK(open_sample(i, &dw));
		/* A typedef chain with qualifiers resolves to unsigned int. */
		REQUIRE_OK(kc_dwarf_find_type(dw, "sample_cv_u32", &t));
		CHECK_EQ_U64(kc_type_kind(&t), KC_TYPE_TYPEDEF);
		s = kc_type_strip(&t);
		CHECK_EQ_U64(kc_type_kind(&s), KC_TYPE_INT);
		CHECK(!kc_type_is_signed(&s));
		REQUIRE_OK(kc_type_size(&t, &size));
		CHECK_EQ_U64(size, sizeof(sample_cv_u32));
		/* Base types under either compiler's spelling. */
		REQUIRE_OK(kc_dwarf_find_type(dw, "unsigned long", &t));
		REQUIRE_OK(kc_type_size(&t, &size));
		CHECK_EQ_U64(size, sizeof(unsigned long));
		REQUIRE_OK(kc_dwarf_find_type(dw, "  int ", &t));
		CHECK(kc_type_is_signed(&t));
		/* C name spaces, and a bare struct name as crash allows. */
		REQUIRE_OK(kc_dwarf_find_type(dw, "union sample_u", &t));
		CHECK_EQ_U64(kc_type_kind(&t), KC_TYPE_UNION);
		REQUIRE_OK(kc_dwarf_find_type(dw, "sample_task", &t));
		CHECK_EQ_U64(kc_type_kind(&t), KC_TYPE_STRUCT);
		REQUIRE_OK(kc_dwarf_find_type(dw, "enum sample_color", &t));
		CHECK_EQ_U64(kc_type_kind(&t), KC_TYPE_ENUM);
		struct kc_error *err = kc_dwarf_find_type(dw, "struct sample_color", &t);
		CHECK(err && strcmp(kc_error_message(err),
				    "no type named `struct sample_color'") == 0);
		kc_error_destroy(err);
		/* Enumerators, signed and unsigned, named enum or not. */
		REQUIRE_OK(kc_dwarf_find_enumerator(dw, "SAMPLE_GREEN", &value, &t));
		CHECK_EQ_U64(value, SAMPLE_GREEN);
		CHECK_STR(kc_type_name(&t), "sample_color");
		REQUIRE_OK(kc_dwarf_find_enumerator(dw, "SAMPLE_BLUE", &value, NULL));
		CHECK_EQ_U64(value, SAMPLE_BLUE);
		REQUIRE_OK(kc_dwarf_find_enumerator(dw, "SAMPLE_NEG", &value, NULL));
		CHECK(value == SAMPLE_NEG);
		REQUIRE_OK(kc_dwarf_find_enumerator(dw, "SAMPLE_ANON_B", &value, NULL));
		CHECK_EQ_U64(value, SAMPLE_ANON_B);
		REQUIRE_OK(kc_dwarf_find_enumerator(dw, "SAMPLE_WIDE_MAX", &value, NULL));
		CHECK_EQ_U64(value, SAMPLE_WIDE_MAX);
		err = kc_dwarf_find_enumerator(dw, "SAMPLE_PURPLE", &value, NULL);
		CHECK(err && err->code == KC_ERR_LOOKUP);
		kc_error_destroy(err);
		/* Variables: definitions, with their types and addresses. */
		struct kc_variable var;
		REQUIRE_OK(kc_dwarf_find_variable(dw, "sample_task_var", &var));
		CHECK_STR(kc_type_name(&var.type), "sample_task");
		CHECK(var.has_address && !var.is_percpu);
		REQUIRE_OK(kc_dwarf_find_variable(dw, "sample_static_var", &var));
		REQUIRE_OK(kc_type_size(&var.type, &size));
		CHECK_EQ_U64(size, sizeof(int));
		err = kc_dwarf_find_variable(dw, "no_such_var", &var);
		CHECK(err && strcmp(kc_error_message(err),
				    "no variable named `no_such_var'") == 0);
		kc_error_destroy(err);
		kc_dwarf_close(dw);
	}
}

static const char list_head_definition[] =
	"struct list_head {\n"
	"   [0] struct list_head *next;\n"
	"   [8] struct list_head *prev;\n"
	"}\n"
	"SIZE: 16\n";

static void check_list_head_definition(struct kc_dwarf *dw)
{
	struct kc_type t;
	struct capture c;
	REQUIRE_OK(kc_dwarf_find_type(dw, "struct list_head", &t));
	struct kc_error *err = kc_typefmt_definition(
		capture_start(&c), &t, KC_TYPEFMT_OFFSETS | KC_TYPEFMT_SIZE);
	char *text = capture_end(&c);
	CHECK(!err);
	kc_error_destroy(err);
	CHECK_STR(text, list_head_definition);
	free(text);
}

KC_TEST(dwarf_sample_typefmt)
{
	struct kc_dwarf *dw;
	struct kc_type task, member_type;
	struct capture c;
	REQUIRE_OK(open_sample(1, &dw));
	check_list_head_definition(dw);
	REQUIRE_OK(kc_dwarf_find_type(dw, "struct sample_task", &task));

	REQUIRE_OK(kc_typefmt_definition(capture_start(&c), &task,
					 KC_TYPEFMT_OFFSETS | KC_TYPEFMT_SIZE));
	char *text = capture_end(&c);
	char line[256];
	snprintf(line, sizeof(line), "  [%zu] int (*callback)(struct sample_task *, const char *);\n",
		 offsetof(struct sample_task, callback));
	CHECK_MSG(strstr(text, line), "no `%s' in:\n%s", line, text);
	CHECK(strstr(text, "] void (*handlers[2])(void);\n"));
	CHECK(strstr(text, "] int matrix[3][4];\n"));
	CHECK(strstr(text, "] unsigned long flex[];\n"));
	CHECK(strstr(text, "] sample_cv_u32 cv;\n"));
	CHECK(strstr(text, "] const char *name;\n"));
	CHECK(strstr(text, "] enum {SAMPLE_ANON_A = 100, SAMPLE_ANON_B} anon_enum;\n"));
	CHECK(strstr(text, "       union {\n"));
	CHECK(strstr(text, "] union sample_u u;\n"));
	free(text);

	struct kc_member m;
	REQUIRE_OK(kc_type_member(&task, "bits", &m));
	member_type = m.type;
	REQUIRE_OK(kc_typefmt_definition(capture_start(&c), &member_type,
					 KC_TYPEFMT_OFFSETS | KC_TYPEFMT_HEX));
	text = capture_end(&c);
	CHECK_MSG(strstr(text, "  [0x0] unsigned int lo : 3;\n"), "%s", text);
	free(text);

	/* A value from this program's own bytes. */
	struct sample_task value;
	memset(&value, 0, sizeof(value));
	value.state = -1;
	value.thread.cpu_context.sp = 0xffff800008003f00ull;
	strcpy(value.comm, "kc_crasher");
	value.color = SAMPLE_GREEN;
	value.sign = SAMPLE_NEG;
	value.bits.lo = 5;
	value.bits.neg = -3;
	value.bits.wide = 0x123456789aull;
	value.u_int = 0x41;
	value.matrix[1][2] = 7;
	value.next = (struct sample_inner *)(uintptr_t)0xffff000012345678ull;
	value.flag = 1;
	value.d = 2.5;
	REQUIRE_OK(kc_typefmt_value(capture_start(&c), &task, &value, sizeof(value)));
	text = capture_end(&c);
	static const char *const expected[] = {
		"struct sample_task {\n  state = -1,\n  thread = {\n    cpu_context = {\n",
		"      sp = 18446603336355430144,\n",
		"  comm = \"kc_crasher\\000\\000\\000\\000\\000\",\n",
		"  color = SAMPLE_GREEN,\n",
		"  sign = SAMPLE_NEG,\n",
		"    lo = 5,\n",
		"    neg = -3,\n",
		"    wide = 78187493530,\n",
		"    u_int = 65,\n",
		"  matrix = {{0, 0, 0, 0}, {0, 0, 7, 0}, {0, 0, 0, 0}},\n",
		"  next = 0xffff000012345678,\n",
		"  flag = true,\n",
		"  d = 2.5,\n",
		"  name = 0x0,\n",
	};
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		CHECK_MSG(strstr(text, expected[i]), "no `%s' in:\n%s", expected[i], text);
	CHECK(text[strlen(text) - 2] == '}');
	free(text);

	struct kc_error *err = kc_typefmt_value(capture_start(&c), &task, &value, 8);
	free(capture_end(&c));
	CHECK(err && err->code == KC_ERR_INVALID_ARG);
	kc_error_destroy(err);
	kc_dwarf_close(dw);
}

/* ---- the index cache ---------------------------------------------------- */

static char *cache_file_of(struct kc_dwarf *dw, const char *dir)
{
	(void)dw;
	/* The only .idx file written for the sample: find it by build id. */
	char *cmd = NULL, *path = NULL;
	if (asprintf(&cmd, "eu-readelf -n '%s' | sed -n 's/.*Build ID: //p'",
		     samples[1]) < 0)
		return NULL;
	FILE *p = popen(cmd, "r");
	char id[256] = "";
	if (p) {
		if (!fgets(id, sizeof(id), p))
			id[0] = '\0';
		pclose(p);
	}
	free(cmd);
	id[strcspn(id, "\n")] = '\0';
	if (!id[0] || asprintf(&path, "%s/%s.idx", dir, id) < 0)
		return NULL;
	return path;
}

static void open_and_info(struct kc_dwarf_index_info *info)
{
	struct kc_dwarf *dw;
	struct kc_type t;
	uint64_t size;
	REQUIRE_OK(kc_dwarf_open(samples[1], NULL, 0, &dw));
	REQUIRE_OK(kc_dwarf_find_type(dw, "struct sample_task", &t));
	REQUIRE_OK(kc_type_size(&t, &size));
	CHECK_EQ_U64(size, sizeof(struct sample_task));
	/* A lookup indexes only the units it needs; the cache holds them all. */
	REQUIRE_OK(kc_dwarf_load_index(dw));
	kc_dwarf_index_info(dw, info);
	kc_dwarf_close(dw);
}

/* Overwrite LEN bytes at OFFSET of PATH (or truncate it to OFFSET). */
static void damage(const char *path, long offset, const void *bytes, size_t len,
		   bool truncate_file)
{
	if (truncate_file) {
		CHECK(truncate(path, offset) == 0);
		return;
	}
	FILE *f = fopen(path, "r+b");
	REQUIRE(f);
	fseek(f, offset, SEEK_SET);
	fwrite(bytes, 1, len, f);
	fclose(f);
}

KC_TEST(dwarf_cache_reuse_and_corruption)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/dwarf-cache-damage", kc_test_scratch_dir());
	mkdir(dir, 0755);
	setenv("KCRASH_CACHE_DIR", dir, 1);
	char *path = cache_file_of(NULL, dir);
	REQUIRE(path);
	unlink(path);

	struct kc_dwarf_index_info info;
	open_and_info(&info);
	CHECK(info.built && !info.from_cache && info.cache_written);
	open_and_info(&info);
	CHECK(info.from_cache && !info.cache_rejected);

	/* Header damage: truncated, wrong magic, wrong build id, stale. */
	damage(path, 100, NULL, 0, true);
	open_and_info(&info);
	CHECK(!info.from_cache && info.cache_rejected && info.cache_written);
	damage(path, 0, "XXXX", 4, false);
	open_and_info(&info);
	CHECK(!info.from_cache && info.cache_rejected && info.cache_written);
	damage(path, 16, "\xff\xfe", 2, false); /* build_id starts at 16 */
	open_and_info(&info);
	CHECK(!info.from_cache && info.cache_rejected && info.cache_written);
	open_and_info(&info);
	CHECK(info.from_cache && !info.cache_rejected);

	/*
	 * Entry damage the header cannot show: every entry's DIE offset
	 * garbled. The lookup notices the DIE is not what the index says and
	 * rebuilds.
	 */
	size_t len;
	char *blob = kc_test_read_file(path, &len);
	REQUIRE(blob);
	uint64_t entries_offset, nr_entries32;
	memcpy(&entries_offset, blob + 8 + 4 + 4 + 64 + 4 + 4 + 8 + 8 + 8, 8);
	uint32_t nr_entries;
	memcpy(&nr_entries, blob + 8 + 4 + 4 + 64 + 4, 4);
	nr_entries32 = nr_entries;
	for (uint64_t i = 0; i < nr_entries32; i++) {
		uint64_t off = entries_offset + i * 24;
		if (off + 8 <= len)
			memset(blob + off, 0x11, 4);
	}
	FILE *f = fopen(path, "wb");
	REQUIRE(f);
	fwrite(blob, 1, len, f);
	fclose(f);
	free(blob);
	open_and_info(&info);
	CHECK(!info.from_cache && info.cache_rejected);

	/* KCRASH_CACHE_DIR="" turns the cache off. */
	unlink(path);
	setenv("KCRASH_CACHE_DIR", "", 1);
	open_and_info(&info);
	CHECK(info.built && !info.cache_written);
	CHECK(access(path, F_OK) != 0);
	free(path);
}

/* ---- the fixtures' kernels ---------------------------------------------- */

static struct kc_vmcoreinfo *fixture_vmcoreinfo(const char *fixture)
{
	const char *path = kc_test_fixture(fixture, "vmcoreinfo.txt");
	size_t len;
	char *text = path ? kc_test_read_file(path, &len) : NULL;
	struct kc_vmcoreinfo *info = NULL;
	if (text) {
		struct kc_error *err = kc_vmcoreinfo_parse(text, len, &info);
		CHECK(!err);
		kc_error_destroy(err);
	}
	free(text);
	return info;
}

/* KEY is "OFFSET(type.member)" etc.: the parenthesized part. */
static bool key_argument(const char *key, const char *prefix, char *buf,
			 size_t size)
{
	size_t n = strlen(prefix);
	size_t len = strlen(key);
	if (strncmp(key, prefix, n) != 0 || len < n + 2 || key[len - 1] != ')' ||
	    len - n - 1 >= size)
		return false;
	memcpy(buf, key + n, len - n - 1);
	buf[len - n - 1] = '\0';
	return true;
}

static void check_vmcoreinfo_entry(struct kc_dwarf *dw, const char *fixture,
				   const char *key, const char *value,
				   unsigned *checked)
{
	char arg[256];
	long long expected = strtoll(value, NULL, 0);
	struct kc_type t;
	struct kc_member m;
	uint64_t got = 0;
	if (key_argument(key, "SIZE(", arg, sizeof(arg))) {
		struct kc_error *err = kc_dwarf_find_type(dw, arg, &t);
		if (!err)
			err = kc_type_size(&t, &got);
		CHECK_MSG(!err && got == (uint64_t)expected, "%s: %s=%s, kcrash: %s %" PRIu64,
			  fixture, key, value, err ? kc_error_message(err) : "", got);
		kc_error_destroy(err);
		++*checked;
		return;
	}
	bool is_offset = key_argument(key, "OFFSET(", arg, sizeof(arg));
	bool is_length = !is_offset && key_argument(key, "LENGTH(", arg, sizeof(arg));
	char *dot = (is_offset || is_length) ? strchr(arg, '.') : NULL;
	if (!dot)
		return; /* LENGTH(mem_section) etc. are not type facts */
	*dot = '\0';
	struct kc_error *err = kc_dwarf_find_type(dw, arg, &t);
	if (!err)
		err = kc_type_member(&t, dot + 1, &m);
	if (!err && is_offset) {
		got = m.offset;
	} else if (!err) {
		struct kc_type element;
		bool complete;
		err = kc_type_array(&m.type, &element, &got, &complete);
	}
	CHECK_MSG(!err && got == (uint64_t)expected, "%s: %s=%s, kcrash: %s %" PRIu64,
		  fixture, key, value, err ? kc_error_message(err) : "", got);
	kc_error_destroy(err);
	++*checked;
}

/* NUMBER(X) where X is an enumerator (NR_FREE_PAGES, PG_lru, ...). */
static void check_vmcoreinfo_number(struct kc_dwarf *dw, const char *fixture,
				    const char *key, const char *value,
				    unsigned *checked)
{
	char arg[256];
	int64_t got = 0;
	if (!key_argument(key, "NUMBER(", arg, sizeof(arg)))
		return;
	struct kc_error *err = kc_dwarf_find_enumerator(dw, arg, &got, NULL);
	if (err) { /* a #define, not an enumerator */
		kc_error_destroy(err);
		return;
	}
	CHECK_MSG(got == strtoll(value, NULL, 0), "%s: %s=%s, kcrash: %" PRId64,
		  fixture, key, value, got);
	++*checked;
}

static void check_fixture(const char *fixture)
{
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	if (!vmlinux)
		return;
	struct kc_vmcoreinfo *info = fixture_vmcoreinfo(fixture);
	REQUIRE(info);
	struct kc_dwarf *dw;
	use_test_cache();
	REQUIRE_OK(kc_dwarf_open(vmlinux, NULL, 0, &dw));
	unsigned checked = 0, numbers = 0;
	for (size_t i = 0; i < info->nr_entries; i++) {
		check_vmcoreinfo_entry(dw, fixture, info->entries[i].key,
				       info->entries[i].value, &checked);
		check_vmcoreinfo_number(dw, fixture, info->entries[i].key,
					info->entries[i].value, &numbers);
	}
	CHECK_MSG(checked >= 60, "%s: only %u OFFSET/SIZE/LENGTH checked", fixture,
		  checked);
	CHECK_MSG(numbers >= 6, "%s: only %u enumerators checked", fixture, numbers);
	kc_vmcoreinfo_destroy(info);

	/* Layouts that moved between releases, found by name. */
	struct kc_type task, module;
	bool is_5_10 = strstr(fixture, "5.10") != NULL;
	REQUIRE_OK(kc_dwarf_find_type(dw, "struct task_struct", &task));
	CHECK(kc_type_has_member(&task, "__state") == !is_5_10);
	CHECK(kc_type_has_member(&task, "state") == is_5_10);
	CHECK(kc_type_has_member(&task, "thread.cpu_context.sp"));
	REQUIRE_OK(kc_dwarf_find_type(dw, "struct module", &module));
	CHECK(kc_type_has_member(&module, "core_layout.base")); /* before 6.4 */
	CHECK(!kc_type_has_member(&module, "mem"));
	int64_t live;
	REQUIRE_OK(kc_dwarf_find_enumerator(dw, "MODULE_STATE_LIVE", &live, NULL));
	CHECK_EQ_U64(live, 0);
	REQUIRE_OK(kc_dwarf_find_enumerator(dw, "PIDTYPE_PID", &live, NULL));
	CHECK_EQ_U64(live, 0);
	struct kc_variable var;
	REQUIRE_OK(kc_dwarf_find_variable(dw, "runqueues", &var));
	CHECK(var.is_percpu);
	CHECK_STR(kc_type_name(&var.type), "rq");
	REQUIRE_OK(kc_dwarf_find_variable(dw, "init_task", &var));
	CHECK(var.has_address && !var.is_percpu);
	check_list_head_definition(dw);
	kc_dwarf_close(dw);
}

KC_TEST(dwarf_fixture_vmcoreinfo_layout)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++)
		check_fixture(kc_test_fixture_names[i]);
}

KC_TEST(dwarf_fixture_cached_index)
{
	/* Uncompressed, so libdw maps it rather than inflating it. */
	const char *vmlinux = kc_test_fixture_vmlinux("arm64-5.10-4k39");
	if (!vmlinux)
		return;
	use_test_cache();
	for (int pass = 0; pass < 2; pass++) {
		struct kc_dwarf *dw;
		struct kc_type t;
		struct kc_member m;
		struct kc_dwarf_index_info info;
		REQUIRE_OK(kc_dwarf_open(vmlinux, NULL, 0, &dw));
		REQUIRE_OK(kc_dwarf_find_type(dw, "struct task_struct", &t));
		REQUIRE_OK(kc_type_member(&t, "tasks", &m));
		kc_dwarf_index_info(dw, &info);
		/* Whatever the first pass found, the second reuses its file. */
		CHECK(info.built);
		if (pass == 1)
			CHECK(info.from_cache);
		CHECK(info.nr_entries > 10000);
		kc_dwarf_close(dw);
	}
}

/* struct task_struct's size and thread.cpu_context.pc's offset in DW. */
static void task_struct_layout(struct kc_dwarf *dw, uint64_t *size, uint64_t *pc_offset)
{
	struct kc_type task;
	struct kc_member member;
	REQUIRE_OK(kc_dwarf_find_type(dw, "struct task_struct", &task));
	REQUIRE_OK(kc_type_size(&task, size));
	REQUIRE_OK(kc_type_member(&task, "thread.cpu_context.pc", &member));
	*pc_offset = member.offset;
}

/*
 * A vmlinux with compressed debug sections (the 4k48 fixture's) is read
 * through an uncompressed copy written once into the cache; the copy gives
 * the same types, and a damaged copy is replaced rather than trusted.
 */
KC_TEST(dwarf_compressed_debug_copy)
{
	const char *vmlinux = kc_test_fixture("arm64-6.1-4k48", "vmlinux");
	if (!vmlinux)
		return;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/debugcopy-cache", kc_test_scratch_dir());
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	REQUIRE(system(cmd) == 0);
	char *saved_copy = kc_test_getenv_copy("KCRASH_CACHE_DIR");
	setenv("KCRASH_CACHE_DIR", dir, 1);

	uint64_t sizes[3] = {0}, offsets[3] = {0};
	bool used_copy[3] = {false};
	for (int round = 0; round < 3; round++) {
		if (round == 2) {
			/* Cut the copy short: it must be rejected and written again. */
			snprintf(cmd, sizeof(cmd), "truncate -s 100000 '%s'/*.debug", dir);
			CHECK(system(cmd) == 0);
		}
		struct kc_dwarf *dw;
		REQUIRE_OK(kc_dwarf_open(vmlinux, NULL, 0, &dw));
		task_struct_layout(dw, &sizes[round], &offsets[round]);
		struct kc_dwarf_index_info info;
		kc_dwarf_index_info(dw, &info);
		CHECK(info.compressed_debug);
		used_copy[round] = info.uses_debug_copy;
		/* The whole index reads every unit: the copy is completed and cached. */
		REQUIRE_OK(kc_dwarf_load_index(dw));
		kc_dwarf_index_info(dw, &info);
		CHECK(!info.debug_copy_partial);
		char *copy = kc_test_only_file(dir, ".debug");
		CHECK(copy != NULL);
		free(copy);
		kc_dwarf_close(dw);
	}
	CHECK(used_copy[0] && used_copy[1] && used_copy[2]);
	CHECK(sizes[0] > 1000 && sizes[0] == sizes[1] && sizes[1] == sizes[2]);
	CHECK(offsets[0] == offsets[1] && offsets[1] == offsets[2]);
	/* Without a cache directory, the vmlinux's own sections are inflated. */
	setenv("KCRASH_CACHE_DIR", "", 1);
	struct kc_dwarf *dw;
	REQUIRE_OK(kc_dwarf_open(vmlinux, NULL, 0, &dw));
	struct kc_type task;
	uint64_t size = 0;
	REQUIRE_OK(kc_dwarf_find_type(dw, "struct task_struct", &task));
	REQUIRE_OK(kc_type_size(&task, &size));
	struct kc_dwarf_index_info info;
	kc_dwarf_index_info(dw, &info);
	CHECK(!info.uses_debug_copy);
	CHECK_EQ_U64(size, sizes[0]);
	kc_dwarf_close(dw);
	kc_test_restore_env("KCRASH_CACHE_DIR", saved_copy);
	free(saved_copy);
}

/*
 * ELFCOMPRESS_ZSTD sections (objcopy --compress-debug-sections=zstd, binutils
 * 2.40) are inflated into the cache copy as zlib ones are, and give the same
 * types as the uncompressed vmlinux.
 */
KC_TEST(dwarf_zstd_compressed_debug_copy)
{
	const char *vmlinux = kc_test_fixture_vmlinux("arm64-5.10-4k39");
	if (!vmlinux)
		return;
	if (system("command -v aarch64-linux-gnu-objcopy >/dev/null 2>&1") != 0) {
		kc_test_skip("no aarch64-linux-gnu-objcopy (binutils-aarch64-linux-gnu)");
		return;
	}
	char zstd_path[4096], dir[4096], cmd[16384];
	snprintf(zstd_path, sizeof(zstd_path), "%s/vmlinux-5.10-zstd-debug", kc_test_scratch_dir());
	snprintf(dir, sizeof(dir), "%s/debugcopy-zstd-cache", kc_test_scratch_dir());
	snprintf(cmd, sizeof(cmd),
		 "rm -rf '%s' && aarch64-linux-gnu-objcopy --compress-debug-sections=zstd '%s' '%s'",
		 dir, vmlinux, zstd_path);
	REQUIRE(system(cmd) == 0);
	char *saved_copy = kc_test_getenv_copy("KCRASH_CACHE_DIR");
	setenv("KCRASH_CACHE_DIR", dir, 1);
	uint64_t sizes[2] = {0}, offsets[2] = {0};
	const char *paths[2] = {vmlinux, zstd_path};
	for (int i = 0; i < 2; i++) {
		struct kc_dwarf *dw;
		REQUIRE_OK(kc_dwarf_open(paths[i], NULL, 0, &dw));
		task_struct_layout(dw, &sizes[i], &offsets[i]);
		struct kc_dwarf_index_info info;
		kc_dwarf_index_info(dw, &info);
		CHECK(info.compressed_debug == (i == 1) && info.uses_debug_copy == (i == 1));
		kc_dwarf_close(dw);
	}
	CHECK(sizes[0] > 1000 && sizes[0] == sizes[1] && offsets[0] == offsets[1]);
	kc_test_restore_env("KCRASH_CACHE_DIR", saved_copy);
	free(saved_copy);
	unlink(zstd_path);
}

/*
 * A damaged compressed .debug_info (bytes flipped early in its zlib
 * stream): the lookup fails with one error that names the section, neither
 * a crash nor a type read from garbage.
 */
KC_TEST(dwarf_damaged_compressed_debug_info)
{
	const char *vmlinux = kc_test_fixture("arm64-6.1-4k48", "vmlinux");
	if (!vmlinux)
		return;
	char *bad = NULL, *dir = NULL, *cmd = NULL;
	REQUIRE(asprintf(&bad, "%s/vmlinux-4k48-damaged", kc_test_scratch_dir()) > 0);
	REQUIRE(asprintf(&dir, "%s/damaged-copy-cache", kc_test_scratch_dir()) > 0);
	REQUIRE(asprintf(&cmd, "rm -rf '%s' && cp '%s' '%s'", dir, vmlinux, bad) > 0);
	REQUIRE(system(cmd) == 0);
	/* .debug_info's offset, from its section header (ELF64, little-endian). */
	size_t len;
	char *image = kc_test_read_file(bad, &len);
	REQUIRE(image && len > 64);
	uint64_t shoff;
	uint16_t shentsize, shnum, shstrndx;
	memcpy(&shoff, image + 0x28, 8);
	memcpy(&shentsize, image + 0x3a, 2);
	memcpy(&shnum, image + 0x3c, 2);
	memcpy(&shstrndx, image + 0x3e, 2);
	REQUIRE(shoff + (uint64_t)shnum * shentsize <= len && shstrndx < shnum);
	uint64_t strtab;
	memcpy(&strtab, image + shoff + (uint64_t)shstrndx * shentsize + 24, 8);
	uint64_t info_offset = 0;
	for (uint16_t i = 0; i < shnum; i++) {
		const char *sh = image + shoff + (uint64_t)i * shentsize;
		uint32_t name;
		memcpy(&name, sh, 4);
		if (strtab + name < len && strcmp(image + strtab + name, ".debug_info") == 0)
			memcpy(&info_offset, sh + 24, 8);
	}
	REQUIRE(info_offset && info_offset + 24 + 2000 < len);
	for (size_t i = 0; i < 64; i++)
		image[info_offset + 24 + 1000 + i] ^= 0x5a;
	FILE *f = fopen(bad, "wb");
	REQUIRE(f);
	fwrite(image, 1, len, f);
	fclose(f);
	free(image);
	char *saved_copy = kc_test_getenv_copy("KCRASH_CACHE_DIR");
	setenv("KCRASH_CACHE_DIR", dir, 1);
	struct kc_dwarf *dw;
	REQUIRE_OK(kc_dwarf_open(bad, NULL, 0, &dw));
	struct kc_type task;
	struct kc_error *err = kc_dwarf_find_type(dw, "struct task_struct", &task);
	CHECK_MSG(err && strstr(kc_error_message(err), ".debug_info") &&
		  !strchr(kc_error_message(err), '\n'),
		  "damaged .debug_info: %s", err ? kc_error_message(err) : "no error");
	kc_error_destroy(err);
	kc_dwarf_close(dw);
	kc_test_restore_env("KCRASH_CACHE_DIR", saved_copy);
	free(saved_copy);
	unlink(bad);
	free(bad);
	free(dir);
	free(cmd);
}

/* ---- the partial copy's abbreviation streaming, on a made-up ELF --------- */

static size_t put_uleb(uint8_t *p, uint64_t value)
{
	size_t n = 0;
	do {
		uint8_t byte = value & 0x7f;
		value >>= 7;
		p[n++] = (uint8_t)(byte | (value ? 0x80 : 0));
	} while (value);
	return n;
}

/*
 * One abbreviation table (code 1: a compile unit without children, its
 * DW_AT_name a DW_FORM_string, then ATTR with FORM when ATTR is non-zero)
 * at P; its length.
 */
static size_t put_abbrev_table(uint8_t *p, uint64_t attr, uint64_t form)
{
	size_t n = 0;
	n += put_uleb(p + n, 1);
	n += put_uleb(p + n, 0x11); /* DW_TAG_compile_unit */
	p[n++] = 0;                 /* DW_CHILDREN_no */
	n += put_uleb(p + n, 0x03); /* DW_AT_name */
	n += put_uleb(p + n, 0x08); /* DW_FORM_string */
	if (attr) {
		n += put_uleb(p + n, attr);
		n += put_uleb(p + n, form);
	}
	p[n++] = 0;
	p[n++] = 0;
	p[n++] = 0; /* the table's end */
	return n;
}

/* A DWARF 4 unit at P: its one DIE named NAME (NAME_LEN bytes of 'a'), then EXTRA zero bytes. */
static size_t put_unit(uint8_t *p, uint32_t abbrev_offset, size_t name_len, size_t extra)
{
	size_t n = 4;
	p[n++] = 4; /* version */
	p[n++] = 0;
	memcpy(p + n, &abbrev_offset, 4);
	n += 4;
	p[n++] = 8; /* address size */
	p[n++] = 1; /* abbreviation code */
	memset(p + n, 'a', name_len);
	n += name_len;
	p[n++] = 0;
	memset(p + n, 0, extra);
	n += extra;
	uint32_t length = (uint32_t)(n - 4);
	memcpy(p, &length, 4);
	return n;
}

static void add_section(Elf *elf, size_t name_offset, void *bytes, size_t len)
{
	Elf_Scn *scn = elf_newscn(elf);
	REQUIRE(scn);
	Elf_Data *data = elf_newdata(scn);
	REQUIRE(data);
	data->d_buf = bytes;
	data->d_size = len;
	data->d_type = ELF_T_BYTE;
	data->d_align = 1;
	GElf_Shdr shdr;
	REQUIRE(gelf_getshdr(scn, &shdr));
	shdr.sh_name = (Elf64_Word)name_offset;
	shdr.sh_type = SHT_PROGBITS;
	shdr.sh_addralign = 1;
	REQUIRE(gelf_update_shdr(scn, &shdr));
	REQUIRE_MSG(elf_compress(scn, ELFCOMPRESS_ZLIB, 0) == 1, "elf_compress: %s",
		    elf_errmsg(-1));
}

/*
 * Three units, each with its own abbreviation table, in an ELF whose
 * .debug_info and .debug_abbrev are zlib-compressed: the first two units'
 * tables keep to their unit, the third's has a DW_FORM_ref_addr (it may
 * point into any unit). Ensuring the first two inflates no more than they
 * and their tables need (tables 256 KB apart, the second unit 256 KB long);
 * ensuring the third inflates both sections whole before libdw could read
 * it.
 */
KC_TEST(debugcopy_streams_abbrevs_until_a_unit_reaches_others)
{
	enum { GAP = 256 << 10 };
	static uint8_t abbrev[3 * GAP], info[GAP + 4096];
	size_t table_at[3];
	for (int i = 0; i < 3; i++) {
		table_at[i] = (size_t)i * GAP;
		put_abbrev_table(abbrev + table_at[i], i == 2 ? 0x18 /* DW_AT_import */ : 0,
				 i == 2 ? 0x10 /* DW_FORM_ref_addr */ : 0);
	}
	size_t unit_at[3], unit_end[3], pos = 0;
	for (int i = 0; i < 3; i++) {
		unit_at[i] = pos;
		/* The second is long; the third's 4 bytes are DW_AT_import's offset, 0. */
		pos += put_unit(info + pos, (uint32_t)table_at[i], 8,
				i == 1 ? GAP - 64 : i == 2 ? 4 : 0);
		unit_end[i] = pos;
	}
	char *path = NULL;
	REQUIRE(asprintf(&path, "%s/debugcopy-ref-addr.elf", kc_test_scratch_dir()) > 0);
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	REQUIRE(fd >= 0);
	Elf *out = elf_begin(fd, ELF_C_WRITE, NULL);
	REQUIRE(out && gelf_newehdr(out, ELFCLASS64));
	GElf_Ehdr ehdr;
	REQUIRE(gelf_getehdr(out, &ehdr));
	ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
	ehdr.e_type = ET_EXEC;
	ehdr.e_machine = EM_AARCH64;
	ehdr.e_version = EV_CURRENT;
	static char names[] = "\0.shstrtab\0.debug_info\0.debug_abbrev";
	Elf_Scn *strtab = elf_newscn(out);
	Elf_Data *strdata = elf_newdata(strtab);
	strdata->d_buf = names;
	strdata->d_size = sizeof(names);
	strdata->d_type = ELF_T_BYTE;
	GElf_Shdr shdr;
	REQUIRE(gelf_getshdr(strtab, &shdr));
	shdr.sh_name = 1;
	shdr.sh_type = SHT_STRTAB;
	REQUIRE(gelf_update_shdr(strtab, &shdr));
	ehdr.e_shstrndx = (Elf64_Half)elf_ndxscn(strtab);
	REQUIRE(gelf_update_ehdr(out, &ehdr));
	add_section(out, 11, info, pos);                /* .debug_info */
	add_section(out, 23, abbrev, sizeof(abbrev));   /* .debug_abbrev */
	REQUIRE_MSG(elf_update(out, ELF_C_WRITE) > 0, "elf_update: %s", elf_errmsg(-1));
	elf_end(out);
	close(fd);

	fd = open(path, O_RDONLY);
	REQUIRE(fd >= 0);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	REQUIRE(elf);
	for (int zlib = 0; zlib < 2; zlib++) {
		kc_debugcopy_set_zlib_only(zlib == 1);
		struct kc_debugcopy *copy;
		char *cache = NULL;
		REQUIRE(asprintf(&cache, "%s/debugcopy-ref-addr.debug", kc_test_scratch_dir()) > 0);
		REQUIRE_OK(kc_debugcopy_begin(elf, cache, &copy));
		uint64_t end, info_bytes, abbrev_bytes;
		REQUIRE_OK(kc_debugcopy_ensure_unit(copy, unit_at[0], &end));
		kc_debugcopy_progress(copy, &info_bytes, &abbrev_bytes);
		CHECK_EQ_U64(end, unit_end[0]);
		/* The header read may reach a few bytes into the next unit. */
		CHECK_MSG(info_bytes >= unit_end[0] && info_bytes < unit_end[1] &&
			  abbrev_bytes < table_at[1],
			  "first unit: %llu of .debug_info (unit ends at %zu), %llu of .debug_abbrev",
			  (unsigned long long)info_bytes, unit_end[0], (unsigned long long)abbrev_bytes);
		REQUIRE_OK(kc_debugcopy_ensure_unit(copy, unit_at[1], &end));
		kc_debugcopy_progress(copy, &info_bytes, &abbrev_bytes);
		CHECK_EQ_U64(end, unit_end[1]);
		CHECK_MSG(info_bytes >= unit_end[1] && info_bytes < unit_end[2] &&
			  abbrev_bytes > table_at[1] &&
			  abbrev_bytes < table_at[2],
			  "second unit: %llu of .debug_info (unit ends at %zu), %llu of .debug_abbrev",
			  (unsigned long long)info_bytes, unit_end[1], (unsigned long long)abbrev_bytes);
		size_t image_size;
		const uint8_t *image = kc_debugcopy_image(copy, &image_size);
		CHECK(image && image_size > pos + sizeof(abbrev));
		REQUIRE_OK(kc_debugcopy_ensure_unit(copy, unit_at[2], &end));
		kc_debugcopy_progress(copy, &info_bytes, &abbrev_bytes);
		CHECK_EQ_U64(end, unit_end[2]);
		CHECK_MSG(info_bytes == pos && abbrev_bytes == sizeof(abbrev),
			  "a unit whose forms reach other units: %llu of %zu .debug_info, %llu of %zu .debug_abbrev",
			  (unsigned long long)info_bytes, pos, (unsigned long long)abbrev_bytes,
			  sizeof(abbrev));
		/* The image holds the sections' own bytes, where libdw reads them. */
		Elf *copy_elf = elf_memory((char *)(uintptr_t)image, image_size);
		REQUIRE(copy_elf);
		size_t shstrndx;
		REQUIRE(elf_getshdrstrndx(copy_elf, &shstrndx) == 0);
		Elf_Scn *scn = NULL;
		int matched = 0;
		while ((scn = elf_nextscn(copy_elf, scn))) {
			GElf_Shdr sh;
			REQUIRE(gelf_getshdr(scn, &sh));
			const char *name = elf_strptr(copy_elf, shstrndx, sh.sh_name);
			Elf_Data *data = elf_rawdata(scn, NULL);
			if (name && data && strcmp(name, ".debug_info") == 0)
				matched += data->d_size == pos && memcmp(data->d_buf, info, pos) == 0;
			if (name && data && strcmp(name, ".debug_abbrev") == 0)
				matched += data->d_size == sizeof(abbrev) &&
					   memcmp(data->d_buf, abbrev, sizeof(abbrev)) == 0;
		}
		CHECK_MSG(matched == 2, "%s: both sections inflated to their own bytes",
			  zlib ? "zlib" : "default inflater");
		elf_end(copy_elf);
		kc_debugcopy_free(copy);
		free(cache);
	}
	kc_debugcopy_set_zlib_only(false);
	elf_end(elf);
	close(fd);
	unlink(path);
	free(path);
}

/*
 * The index built by reading units straight from their bytes
 * (src/dwarfskim.c) is the index libdw's walk builds, byte for byte: on
 * gcc's and clang's DWARF 4 and 5 of a sample with the cases the reader
 * handles (names through DW_AT_specification, types nested in a struct,
 * enumerators; clang's DWARF 5 names through string offsets and is left to
 * libdw), and on every fixture's vmlinux.
 */
/* *FILE: the index file of PATH built with (SKIM) or without the reader, or NULL. */
static void index_file(const char *path, bool skim, const char *tag, char **file)
{
	char *dir = NULL, *cmd = NULL;
	*file = NULL;
	REQUIRE(asprintf(&dir, "%s/skim-index-%s-%d", kc_test_scratch_dir(), tag, skim) > 0);
	REQUIRE(asprintf(&cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir) > 0);
	REQUIRE(system(cmd) == 0);
	free(cmd);
	char *saved = kc_test_getenv_copy("KCRASH_CACHE_DIR");
	setenv("KCRASH_CACHE_DIR", dir, 1);
	kc_dwarf_set_skim(skim);
	struct kc_dwarf *dw = NULL;
	struct kc_error *err = kc_dwarf_open(path, NULL, 0, &dw);
	if (!err)
		err = kc_dwarf_load_index(dw);
	kc_dwarf_set_skim(true);
	CHECK_MSG(!err, "%s: %s", path, err ? kc_error_message(err) : "");
	kc_error_destroy(err);
	struct kc_dwarf_index_info info = {0};
	if (dw)
		kc_dwarf_index_info(dw, &info);
	CHECK_MSG(info.cache_written && info.nr_entries > 0, "%s: index of %zu entries written %d",
		  path, info.nr_entries, info.cache_written);
	kc_dwarf_close(dw);
	kc_test_restore_env("KCRASH_CACHE_DIR", saved);
	free(saved);
	*file = kc_test_only_file(dir, ".idx");
	free(dir);
}

static void check_same_index(const char *path, const char *tag)
{
	char *skimmed, *walked;
	index_file(path, true, tag, &skimmed);
	index_file(path, false, tag, &walked);
	CHECK_MSG(skimmed && walked, "%s: both index files written", path);
	if (skimmed && walked) {
		CHECK_MSG(kc_test_same_bytes(skimmed, walked),
			  "%s: the index read from the bytes differs from libdw's", path);
	}
	free(skimmed);
	free(walked);
}

KC_TEST(dwarf_index_skimmed_matches_libdw_walk)
{
	static const char *const samples_built[] = {"dwarf-skim-cc-dwarf4", "dwarf-skim-cc-dwarf5",
						   "dwarf-skim-clang-dwarf4",
						   "dwarf-skim-clang-dwarf5",
						   "dwarf-skim-cxx-dwarf4", "dwarf-skim-cxx-dwarf5"};
	int found = 0;
	for (size_t i = 0; i < sizeof(samples_built) / sizeof(samples_built[0]); i++) {
		char *path = NULL;
		REQUIRE(asprintf(&path, "%s/%s", KC_DWARF_SKIM_SAMPLES, samples_built[i]) > 0);
		if (access(path, R_OK) == 0) {
			found++;
			check_same_index(path, samples_built[i]);
			/* The sample's cases are in the index, by name (cold: a cache of its own). */
			char *dir = NULL, *cmd = NULL;
			REQUIRE(asprintf(&dir, "%s/skim-lookup-%s", kc_test_scratch_dir(),
					 samples_built[i]) > 0);
			REQUIRE(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
			REQUIRE(system(cmd) == 0);
			char *saved = kc_test_getenv_copy("KCRASH_CACHE_DIR");
			setenv("KCRASH_CACHE_DIR", dir, 1);
			struct kc_dwarf *dw;
			REQUIRE_OK(kc_dwarf_open(path, NULL, 0, &dw));
			static const char *const types[] = {"struct skim_outer", "struct skim_inner",
							    "union skim_deep", "enum skim_mode",
							    "enum skim_color", "skim_outer_t",
							    "struct skim_deepest"};
			bool cxx = strstr(samples_built[i], "cxx") != NULL;
			for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
				/* The typedef is the C sample's; skim_deepest the C++ one's. */
				if (t == (cxx ? 5u : 6u))
					continue;
				struct kc_type type;
				struct kc_error *err = kc_dwarf_find_type(dw, types[t], &type);
				CHECK_MSG(!err, "%s: %s: %s", samples_built[i], types[t],
					  err ? kc_error_message(err) : "");
				kc_error_destroy(err);
			}
			kc_dwarf_close(dw);
			kc_test_restore_env("KCRASH_CACHE_DIR", saved);
			free(saved);
			free(cmd);
			free(dir);
		}
		free(path);
	}
	CHECK_MSG(found >= 2, "gcc's samples are built (%d found)", found);
	static const char *const fixtures[] = {"arm64-5.10-4k39", "arm64-6.1-4k48", "arm64-6.1-16k47",
					       "arm64-6.1-64k52"};
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		const char *vmlinux = kc_test_fixture_vmlinux(fixtures[i]);
		if (vmlinux)
			check_same_index(vmlinux, fixtures[i]);
	}
}
