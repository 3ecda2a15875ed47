/* SPDX-License-Identifier: MIT */
/*
 * A kernel dump as the library sees it, whatever its format (ELF core,
 * makedumpfile's kdump-compressed or flattened files): what the file says
 * about itself and its physical memory. Page states are reported exactly:
 * present, excluded by makedumpfile's filter, missing, or not in the dump.
 */
#ifndef KCRASH_DUMP_H
#define KCRASH_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>

struct kc_dump_ops;

/* The decompressed-page cache a session gets unless told otherwise. */
#define KC_DUMP_DEFAULT_CACHE_BYTES (64u << 20)

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

/*
 * A dump as its reader found it: read-only for users of the API, which
 * read memory through kc_dump_read_phys (or the session).
 */
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

/*
 * Read LEN bytes of physical memory at PADDR, across pages. On failure
 * nothing is promised about BUF, and the error names the first unreadable
 * address and why.
 */
struct kc_error *kc_dump_read_phys(struct kc_dump *dump, uint64_t paddr,
				   void *buf, size_t len);
enum kc_page_state kc_dump_page_state(struct kc_dump *dump, uint64_t paddr);

#endif
