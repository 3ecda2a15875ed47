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

#include "../error.h"

enum kc_dump_format {
	KC_DUMP_ELF,   /* ELF64 core: /proc/vmcore copy, makedumpfile -E, QEMU elf */
	KC_DUMP_KDUMP, /* makedumpfile's kdump-compressed (diskdump) format */
};

enum kc_page_state {
	KC_PAGE_PRESENT,     /* stored (possibly as a shared zero page) */
	KC_PAGE_EXCLUDED,    /* in RAM, filtered out by makedumpfile -d */
	KC_PAGE_MISSING,     /* the dump should hold it but its data is absent */
	KC_PAGE_NOT_IN_DUMP, /* outside every memory range of the dump */
};

const char *kc_page_state_name(enum kc_page_state state);

/* A physical memory range the dump describes, [start, end). */
struct kc_dump_range {
	uint64_t start;
	uint64_t end;
};

/* arm64 NT_PRSTATUS (struct elf_prstatus, include/uapi/linux/elfcore.h). */
struct kc_prstatus {
	uint32_t note_index; /* order among the dump's PRSTATUS notes */
	int32_t pid;
	uint64_t regs[31];   /* x0..x30 */
	uint64_t sp;
	uint64_t pc;
	uint64_t pstate;
};

/* A header field for `help -D`: the reader says what it found, as text. */
struct kc_dump_field {
	char *name;
	char *value;
};

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

#define KC_DUMP_DEFAULT_CACHE_BYTES (64u << 20)

struct kc_dump {
	const struct kc_dump_ops *ops;
	char *path;              /* the (first) file opened */
	enum kc_dump_format format;
	char *format_name;       /* e.g. "kdump-compressed v6", "ELF64 core" */
	char *compression;       /* "none", "zlib", "lzo", "snappy", "zstd", or a '+'-joined mix */
	bool flattened;          /* read through makedumpfile's flattened format */
	unsigned nr_files;       /* > 1 for makedumpfile --split dumps */
	uint32_t page_size;      /* the dump's page (block) size */
	bool incomplete;         /* makedumpfile flagged the dump incomplete */

	/* From the dump's own header, when it has one. */
	char *utsname_release;
	char *utsname_machine;
	char *utsname_nodename;
	char *utsname_version;
	bool has_timestamp;
	int64_t timestamp_sec;
	int64_t timestamp_usec;
	uint32_t header_nr_cpus; /* 0 when the header does not say */
	int dump_level;          /* makedumpfile -d level; -1 when unknown */

	char *vmcoreinfo;        /* NUL-terminated VMCOREINFO text, or NULL */
	size_t vmcoreinfo_size;

	struct kc_dump_range *ranges; /* sorted, merged physical ranges */
	size_t nr_ranges;

	struct kc_prstatus *prstatus; /* in note order */
	size_t nr_prstatus;

	struct kc_dump_field *fields; /* header fields for help -D */
	size_t nr_fields;

	char **warnings;         /* non-fatal problems found at open */
	size_t nr_warnings;

	/* Counters for benchmarks and tests. */
	uint64_t cache_hits;
	uint64_t cache_misses;

	void *priv;              /* the reader's own state */
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

/*
 * Read LEN bytes of physical memory at PADDR, across pages. On failure
 * nothing is promised about BUF, and the error names the first unreadable
 * address and why.
 */
struct kc_error *kc_dump_read_phys(struct kc_dump *dump, uint64_t paddr,
				   void *buf, size_t len);
enum kc_page_state kc_dump_page_state(struct kc_dump *dump, uint64_t paddr);

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
