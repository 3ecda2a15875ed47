/* SPDX-License-Identifier: MIT */
/*
 * One interface over every dump format kcrash reads.
 *
 * A reader (elf.c, kdump.c) fills a struct kc_dump at open with what the
 * file says about itself and supplies the ops to read physical memory. Page
 * states are reported exactly: present, excluded by makedumpfile's filter,
 * missing (the dump promised it but the file ends or is incomplete), or not
 * in the dump at all. Address translation lives elsewhere (src/arm64/): this
 * layer knows only physical addresses.
 */
#ifndef KC_VMCORE_DUMP_H
#define KC_VMCORE_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/dump.h>

struct kc_dump;

struct kc_dump_ops {
	/*
	 * Read LEN bytes at PADDR into BUF; the range never crosses a
	 * dump->page_size boundary. Failure names the first address that
	 * could not be read and its state (KC_ERR_EXCLUDED, KC_ERR_NOT_IN_DUMP,
	 * KC_ERR_TRUNCATED for missing data, KC_ERR_DECOMPRESS, ...).
	 */
	struct kc_error *(*read)(struct kc_dump *dump, uint64_t paddr,
				 void *buf, size_t len);
	/* State of the dump page holding PADDR. */
	enum kc_page_state (*page_state)(struct kc_dump *dump, uint64_t paddr);
	void (*destroy)(struct kc_dump *dump);
};

struct kc_dump_options {
	/* Upper bound of the decompressed-page cache; 0 means the default. */
	size_t cache_bytes;
};


/* Open one dump file, whatever its format. */
struct kc_error *kc_dump_open(const char *path,
			      const struct kc_dump_options *opts,
			      struct kc_dump **ret);
/* Open the files of a makedumpfile --split dump together (or just one). */
struct kc_error *kc_dump_open_files(const char *const *paths, size_t nr_paths,
				    const struct kc_dump_options *opts,
				    struct kc_dump **ret);
void kc_dump_close(struct kc_dump *dump);

/* Helpers for readers filling struct kc_dump. */
struct kc_error *kc_dump_add_field(struct kc_dump *dump, const char *name,
				   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct kc_error *kc_dump_add_warning(struct kc_dump *dump, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Sort and merge overlapping or adjacent ranges in place. */
void kc_dump_normalize_ranges(struct kc_dump *dump);
/* Free everything common; readers' destroy ops free priv first. */
void kc_dump_free_common(struct kc_dump *dump);

/*
 * Reader entry points, tried by kc_dump_open in turn. On success a reader
 * owns the kc_file(s) it was given and closes them in its destroy op; on
 * failure the caller still owns them.
 */
struct kc_file;
bool kc_elf_dump_probe(const uint8_t *head, size_t len);
struct kc_error *kc_elf_dump_open(struct kc_dump *dump, struct kc_file *file);
bool kc_kdump_probe(const uint8_t *head, size_t len);
struct kc_error *kc_kdump_open(struct kc_dump *dump, struct kc_file **files,
			       size_t nr_files,
			       const struct kc_dump_options *opts);

#endif
