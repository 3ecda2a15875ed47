/* SPDX-License-Identifier: MIT */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int compare_records(const void *a, const void *b)
{
	const struct kc_flat_record *ra = a, *rb = b;
	if (ra->logical_offset != rb->logical_offset)
		return ra->logical_offset < rb->logical_offset ? -1 : 1;
	if (ra->seq != rb->seq)
		return ra->seq < rb->seq ? -1 : 1;
	return 0;
}

/* Index the records of a flattened file: headers only, data is not read. */
static struct kc_error *index_flattened(struct kc_file *file)
{
	const uint8_t *hdr = file->map;
	uint64_t type = kc_get_be64(hdr + 16), version = kc_get_be64(hdr + 24);
	if (type != KC_FLAT_TYPE)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: offset 0x10: flattened header type %llu, expected %d",
				       file->path, (unsigned long long)type,
				       KC_FLAT_TYPE);
	if (version != KC_FLAT_VERSION)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "%s: offset 0x18: flattened header version %llu, expected %d",
				       file->path, (unsigned long long)version,
				       KC_FLAT_VERSION);

	size_t capacity = 0;
	uint64_t pos = KC_FLAT_HEADER_SIZE;
	file->flat_unterminated = true;
	while (pos + 16 <= file->map_size) {
		int64_t offset = (int64_t)kc_get_be64(file->map + pos);
		int64_t size = (int64_t)kc_get_be64(file->map + pos + 8);
		if (offset == -1 && size == -1) {
			file->flat_unterminated = false;
			break;
		}
		if (offset < 0 || size < 0)
			return kc_error_create(KC_ERR_FORMAT,
					       "%s: offset 0x%llx: flattened record with offset %lld size %lld, expected non-negative values",
					       file->path, (unsigned long long)pos,
					       (long long)offset, (long long)size);
		uint64_t data = pos + 16;
		/* A record cut short by truncation keeps what it has. */
		uint64_t avail = file->map_size - data;
		uint64_t usize = (uint64_t)size < avail ? (uint64_t)size : avail;
		if ((uint64_t)offset > UINT64_MAX - usize)
			return kc_error_create(KC_ERR_FORMAT,
					       "%s: offset 0x%llx: flattened record at logical offset 0x%llx overflows",
					       file->path, (unsigned long long)pos,
					       (unsigned long long)offset);
		if (usize) {
			if (file->nr_records == capacity) {
				capacity = capacity ? capacity * 2 : 1024;
				void *grown = realloc(file->records,
						      capacity * sizeof(*file->records));
				if (!grown)
					return &kc_error_nomem;
				file->records = grown;
			}
			file->records[file->nr_records] = (struct kc_flat_record){
				.logical_offset = (uint64_t)offset,
				.size = usize,
				.file_offset = data,
				.seq = file->nr_records,
			};
			file->nr_records++;
			if (usize > file->max_record_size)
				file->max_record_size = usize;
			if ((uint64_t)offset + usize > file->size)
				file->size = (uint64_t)offset + usize;
		}
		if (usize < (uint64_t)size)
			break; /* truncated inside this record's data */
		pos = data + usize;
	}
	if (file->nr_records) /* records is NULL then: qsort(NULL) is UB */
		qsort(file->records, file->nr_records, sizeof(*file->records),
		      compare_records);
	for (size_t i = 1; i < file->nr_records; i++) {
		const struct kc_flat_record *prev = &file->records[i - 1];
		if (prev->logical_offset + prev->size > file->records[i].logical_offset) {
			file->flat_overlaps = true;
			break;
		}
	}
	return NULL;
}

struct kc_error *kc_file_open(const char *path, struct kc_file **ret)
{
	struct kc_file *file = calloc(1, sizeof(*file));
	if (!file)
		return &kc_error_nomem;
	file->fd = -1;
	struct kc_error *err = NULL;
	file->path = strdup(path);
	file->touched = calloc(1, sizeof(*file->touched));
	if (!file->path || !file->touched) {
		err = &kc_error_nomem;
		goto fail;
	}
	file->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (file->fd < 0) {
		err = kc_error_os(errno, "%s", path);
		goto fail;
	}
	struct stat st;
	if (fstat(file->fd, &st) < 0) {
		err = kc_error_os(errno, "%s", path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		err = kc_error_create(KC_ERR_FORMAT, "%s: not a regular file",
				      path);
		goto fail;
	}
	file->map_size = (uint64_t)st.st_size;
	if (file->map_size == 0) {
		err = kc_error_create(KC_ERR_TRUNCATED,
				      "%s: offset 0x0: file is empty, expected a dump header",
				      path);
		goto fail;
	}
	void *map = mmap(NULL, file->map_size, PROT_READ, MAP_PRIVATE,
			 file->fd, 0);
	if (map == MAP_FAILED) {
		err = kc_error_os(errno, "%s: mmap", path);
		goto fail;
	}
	file->map = map;
	file->size = file->map_size;
	if (file->map_size >= KC_FLAT_HEADER_SIZE &&
	    memcmp(file->map, KC_FLAT_SIGNATURE, sizeof(KC_FLAT_SIGNATURE)) == 0) {
		file->flattened = true;
		file->size = 0;
		err = index_flattened(file);
		if (err)
			goto fail;
	}
	*ret = file;
	return NULL;

fail:
	kc_file_close(file);
	return err;
}

void kc_file_close(struct kc_file *file)
{
	if (!file)
		return;
	if (file->map)
		munmap((void *)file->map, file->map_size);
	if (file->fd >= 0)
		close(file->fd);
	free(file->records);
	free(file->path);
	free(file->touched);
	free(file);
}

/*
 * Count LEN more bytes read from the mapping and release its pages past
 * KC_FILE_RESIDENT_BYTES. The mapping is private, read-only and never
 * written, so a released page faults back in with the same bytes: pointers
 * into it (headers, notes, bitmaps kept by the readers) stay valid.
 */
static void note_read(const struct kc_file *file, size_t len)
{
	*file->touched += len > KC_FILE_FAULT_AROUND_BYTES ? len : KC_FILE_FAULT_AROUND_BYTES;
	if (*file->touched < KC_FILE_RESIDENT_BYTES)
		return;
	madvise((void *)file->map, file->map_size, MADV_DONTNEED);
	*file->touched = 0;
}

/* Index of the last record starting at or before OFFSET, or -1. */
static ptrdiff_t last_record_at_or_before(const struct kc_file *file,
					  uint64_t offset)
{
	size_t lo = 0, hi = file->nr_records;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (file->records[mid].logical_offset <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo - 1;
}

/*
 * The record that supplies the byte at OFFSET: the latest one covering it.
 * *RUN is set to how many bytes from OFFSET that record supplies before
 * another record could take over.
 */
static const struct kc_flat_record *record_for(const struct kc_file *file,
					       uint64_t offset, uint64_t *run)
{
	ptrdiff_t i = last_record_at_or_before(file, offset);
	const struct kc_flat_record *best = NULL;
	for (; i >= 0; i--) {
		const struct kc_flat_record *rec = &file->records[i];
		if (rec->logical_offset + file->max_record_size <= offset)
			break;
		if (offset < rec->logical_offset + rec->size &&
		    (!best || rec->seq > best->seq))
			best = rec;
		if (!file->flat_overlaps)
			break;
	}
	if (!best)
		return NULL;
	*run = best->logical_offset + best->size - offset;
	if (file->flat_overlaps) {
		/* A later record starting inside BEST cuts its run short. */
		ptrdiff_t j = last_record_at_or_before(file, offset) + 1;
		for (; (size_t)j < file->nr_records; j++) {
			const struct kc_flat_record *rec = &file->records[j];
			if (rec->logical_offset >= offset + *run)
				break;
			if (rec->seq > best->seq) {
				*run = rec->logical_offset - offset;
				break;
			}
		}
	}
	return best;
}

const uint8_t *kc_file_ptr(const struct kc_file *file, uint64_t offset,
			   size_t len)
{
	if (offset > file->size || len > file->size - offset)
		return NULL;
	note_read(file, len);
	if (!file->flattened)
		return file->map + offset;
	uint64_t run;
	const struct kc_flat_record *rec = record_for(file, offset, &run);
	if (!rec || run < len)
		return NULL;
	return file->map + rec->file_offset + (offset - rec->logical_offset);
}

struct kc_error *kc_file_read(const struct kc_file *file, uint64_t offset,
			      void *buf, size_t len, const char *what)
{
	if (offset > file->size || len > file->size - offset)
		return kc_error_create(KC_ERR_TRUNCATED,
				       "%s: offset 0x%llx: file ends at 0x%llx, expected %zu bytes of %s",
				       file->path, (unsigned long long)offset,
				       (unsigned long long)file->size, len, what);
	note_read(file, len);
	if (!file->flattened) {
		memcpy(buf, file->map + offset, len);
		return NULL;
	}
	uint8_t *out = buf;
	while (len) {
		uint64_t run;
		const struct kc_flat_record *rec = record_for(file, offset, &run);
		if (!rec)
			return kc_error_create(KC_ERR_TRUNCATED,
					       "%s: logical offset 0x%llx: no flattened record holds it, expected %s",
					       file->path,
					       (unsigned long long)offset, what);
		size_t chunk = run < len ? (size_t)run : len;
		memcpy(out, file->map + rec->file_offset +
				    (offset - rec->logical_offset),
		       chunk);
		out += chunk;
		offset += chunk;
		len -= chunk;
	}
	return NULL;
}
