/* SPDX-License-Identifier: MIT */
#include "dump.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"

const char *kc_page_state_name(enum kc_page_state state)
{
	switch (state) {
	case KC_PAGE_PRESENT:
		return "present";
	case KC_PAGE_EXCLUDED:
		return "excluded";
	case KC_PAGE_MISSING:
		return "missing";
	case KC_PAGE_NOT_IN_DUMP:
		return "not in dump";
	}
	return "unknown";
}

/* Enough of the head of a file to tell the formats apart. */
#define PROBE_BYTES 64

struct kc_error *kc_dump_open_files(const char *const *paths, size_t nr_paths,
				    const struct kc_dump_options *opts,
				    struct kc_dump **ret)
{
	static const struct kc_dump_options default_opts;
	if (!opts)
		opts = &default_opts;
	if (nr_paths == 0)
		return kc_error_create(KC_ERR_INVALID_ARG, "no dump file given");

	struct kc_error *err = NULL;
	struct kc_file **files = calloc(nr_paths, sizeof(*files));
	struct kc_dump *dump = calloc(1, sizeof(*dump));
	if (!files || !dump) {
		err = &kc_error_nomem;
		goto fail;
	}
	dump->dump_level = -1;
	dump->path = strdup(paths[0]);
	if (!dump->path) {
		err = &kc_error_nomem;
		goto fail;
	}
	for (size_t i = 0; i < nr_paths; i++) {
		err = kc_file_open(paths[i], &files[i]);
		if (err)
			goto fail;
	}

	uint8_t head[PROBE_BYTES] = {0};
	size_t head_len = files[0]->size < PROBE_BYTES ? (size_t)files[0]->size
						       : PROBE_BYTES;
	err = kc_file_read(files[0], 0, head, head_len, "dump header");
	if (err)
		goto fail;
	dump->flattened = files[0]->flattened;
	dump->nr_files = (unsigned)nr_paths;

	if (kc_kdump_probe(head, head_len)) {
		err = kc_kdump_open(dump, files, nr_paths, opts);
	} else if (kc_elf_dump_probe(head, head_len)) {
		if (nr_paths > 1) {
			err = kc_error_create(KC_ERR_UNSUPPORTED,
					      "%s: an ELF dump is one file; several were given",
					      paths[0]);
			goto fail;
		}
		err = kc_elf_dump_open(dump, files[0]);
	} else {
		err = kc_error_create(KC_ERR_FORMAT,
				      "%s: offset 0x0: not a kernel dump (expected an ELF64 core, a kdump-compressed \"KDUMP   \" header or a flattened \"makedumpfile\" header)",
				      paths[0]);
	}
	if (err)
		goto fail;
	free(files); /* the reader owns the files now */
	kc_dump_normalize_ranges(dump);
	*ret = dump;
	return NULL;

fail:
	if (files) {
		for (size_t i = 0; i < nr_paths; i++)
			kc_file_close(files[i]);
	}
	free(files);
	if (dump)
		kc_dump_free_common(dump);
	return err;
}

struct kc_error *kc_dump_open(const char *path,
			      const struct kc_dump_options *opts,
			      struct kc_dump **ret)
{
	return kc_dump_open_files(&path, 1, opts, ret);
}

void kc_dump_close(struct kc_dump *dump)
{
	if (!dump)
		return;
	if (dump->ops && dump->ops->destroy)
		dump->ops->destroy(dump);
	kc_dump_free_common(dump);
}

void kc_dump_free_common(struct kc_dump *dump)
{
	free(dump->path);
	free(dump->format_name);
	free(dump->compression);
	free(dump->utsname_release);
	free(dump->utsname_machine);
	free(dump->utsname_nodename);
	free(dump->utsname_version);
	free(dump->vmcoreinfo);
	free(dump->ranges);
	free(dump->prstatus);
	for (size_t i = 0; i < dump->nr_fields; i++) {
		free(dump->fields[i].name);
		free(dump->fields[i].value);
	}
	free(dump->fields);
	for (size_t i = 0; i < dump->nr_warnings; i++)
		free(dump->warnings[i]);
	free(dump->warnings);
	free(dump);
}

struct kc_error *kc_dump_read_phys(struct kc_dump *dump, uint64_t paddr,
				   void *buf, size_t len)
{
	uint8_t *out = buf;
	uint64_t page_size = dump->page_size ? dump->page_size : 4096;
	if (len && paddr > UINT64_MAX - (len - 1))
		return kc_error_address(KC_ERR_NOT_IN_DUMP, paddr,
					"physical address 0x%llx + 0x%zx wraps around",
					(unsigned long long)paddr, len);
	while (len) {
		uint64_t in_page = page_size - (paddr & (page_size - 1));
		size_t chunk = in_page < len ? (size_t)in_page : len;
		struct kc_error *err = kc_check_interrupt();
		if (err)
			return err;
		err = dump->ops->read(dump, paddr, out, chunk);
		if (err)
			return err;
		out += chunk;
		paddr += chunk;
		len -= chunk;
	}
	return NULL;
}

enum kc_page_state kc_dump_page_state(struct kc_dump *dump, uint64_t paddr)
{
	return dump->ops->page_state(dump, paddr);
}

/*
 * Grow *ARRAY (of N elements of SIZE) so it can take one more: doubling
 * when N reaches a power of two keeps appends amortised O(1) without a
 * separate capacity field.
 */
static bool grow_for_append(void **array, size_t n, size_t size)
{
	if (n >= 8 && (n & (n - 1)) != 0)
		return true;
	size_t capacity = n < 8 ? 8 : n * 2;
	void *grown = realloc(*array, capacity * size);
	if (!grown)
		return false;
	*array = grown;
	return true;
}

static char *vformat(const char *fmt, va_list ap)
{
	char *out = NULL;
	return vasprintf(&out, fmt, ap) < 0 ? NULL : out;
}

struct kc_error *kc_dump_add_field(struct kc_dump *dump, const char *name,
				   const char *fmt, ...)
{
	if (!grow_for_append((void **)&dump->fields, dump->nr_fields,
			     sizeof(*dump->fields)))
		return &kc_error_nomem;
	va_list ap;
	va_start(ap, fmt);
	char *value = vformat(fmt, ap);
	va_end(ap);
	char *name_copy = strdup(name);
	if (!value || !name_copy) {
		free(value);
		free(name_copy);
		return &kc_error_nomem;
	}
	dump->fields[dump->nr_fields++] = (struct kc_dump_field){name_copy, value};
	return NULL;
}

struct kc_error *kc_dump_add_warning(struct kc_dump *dump, const char *fmt, ...)
{
	if (!grow_for_append((void **)&dump->warnings, dump->nr_warnings,
			     sizeof(*dump->warnings)))
		return &kc_error_nomem;
	va_list ap;
	va_start(ap, fmt);
	char *text = vformat(fmt, ap);
	va_end(ap);
	if (!text)
		return &kc_error_nomem;
	dump->warnings[dump->nr_warnings++] = text;
	return NULL;
}

static int compare_ranges(const void *a, const void *b)
{
	const struct kc_dump_range *ra = a, *rb = b;
	if (ra->start != rb->start)
		return ra->start < rb->start ? -1 : 1;
	return 0;
}

void kc_dump_normalize_ranges(struct kc_dump *dump)
{
	if (dump->nr_ranges == 0)
		return;
	qsort(dump->ranges, dump->nr_ranges, sizeof(*dump->ranges),
	      compare_ranges);
	size_t out = 0;
	for (size_t i = 1; i < dump->nr_ranges; i++) {
		struct kc_dump_range *cur = &dump->ranges[out];
		if (dump->ranges[i].start <= cur->end) {
			if (dump->ranges[i].end > cur->end)
				cur->end = dump->ranges[i].end;
		} else {
			dump->ranges[++out] = dump->ranges[i];
		}
	}
	dump->nr_ranges = out + 1;
}
