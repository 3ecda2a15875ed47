/* SPDX-License-Identifier: MIT */
/*
 * A kcrash session: a dump (and the vmlinux, symbols and types found for
 * it) opened for reading. Everything else in the API takes one. The
 * library never prints: errors come back as struct kc_error values.
 */
#ifndef KCRASH_SESSION_H
#define KCRASH_SESSION_H

#include <stdbool.h>
#include <stdio.h>

#include <kcrash/arm64/mmu.h>
#include <kcrash/debuginfo.h>
#include <kcrash/dump.h>
#include <kcrash/error.h>
#include <kcrash/vmcoreinfo.h>

/* An open dump and what was found about it; opaque (see the accessors). */
struct kc_session;

/* Which type source to prefer when several are there. */
enum kc_types_preference {
	KC_TYPES_AUTO,  /* --btf, the vmlinux's BTF, its DWARF, the dump's BTF */
	KC_TYPES_DWARF, /* only the vmlinux's DWARF */
	KC_TYPES_BTF,   /* only BTF: --btf FILE, the vmlinux's .BTF, the dump's */
};


struct kc_session_options {
	const char *vmlinux_path;
	const char *const *dump_paths;
	size_t nr_dump_paths;
	size_t cache_bytes;
	/* Open even when the vmlinux does not match the dump (a warning then). */
	bool force;
	enum kc_types_preference types_preference;
	/* BTF to read types from: an ELF file's .BTF or a raw blob. */
	const char *btf_path;
	/* Without vmlinux_path: look for the dump's vmlinux (debuginfo.h). */
	bool find_vmlinux;
	const char *const *debug_dirs;
	size_t nr_debug_dirs;
	bool no_debuginfod;
	int (*download_progress)(void *arg, const struct kc_debuginfo_progress *progress);
	void *download_progress_arg;
	/*
	 * Keep only the vmlinux symbols a kernel without CONFIG_KALLSYMS_ALL
	 * lists in kallsyms (functions, no sizes): for tests of the paths
	 * that find data symbols in the dump (datasyms.h).
	 */
	bool kallsyms_like_symbols;
	/* Without a vmlinux: symbols from this System.map or /proc/kallsyms
	 * copy (sysmap.h) instead of the dump's kallsyms. */
	const char *symbols_path;
	/* Without a vmlinux: do not read the dump's own kallsyms tables. */
	bool no_dump_kallsyms;
	/* Without a vmlinux: do not use VMCOREINFO's kallsyms exports, find
	 * the tables by scanning the kernel image (for tests of the scan). */
	bool scan_dump_kallsyms;
	/* Act as if VMCOREINFO had no SYMBOL(_stext) (before v5.13), for
	 * tests of the kallsyms checks that work without it. */
	bool ignore_vmcoreinfo_stext;
	/* Find each data symbol by both routes and compare (datasyms.c). */
	bool verify_data_symbols;
};

struct kc_error *kc_session_open(const struct kc_session_options *opts,
				 struct kc_session **ret);
void kc_session_destroy(struct kc_session *session);

/*
 * Whether the vmlinux at PATH is the kernel of SESSION's dump by its
 * linux_banner: the file's must be in the dump's memory at the same
 * (KASLR-relocated) address, byte for byte, and name VMCOREINFO's
 * OSRELEASE. How a vmlinux found by release is checked when the dump has
 * no build id (before v5.9).
 */
struct kc_error *kc_session_check_banner(struct kc_session *session,
					 const char *path);

/* The MMU, or a copy of the reason there is none (prefixed for messages). */
struct kc_error *kc_session_mmu(struct kc_session *session,
				struct kc_arm64_mmu **mmu);

/*
 * The run-time address of kernel symbol NAME: the vmlinux symbol plus the
 * KASLR offset, else VMCOREINFO's SYMBOL(NAME), else, for the data symbols
 * datasyms.h knows, the address it finds in the dump.
 */
struct kc_error *kc_session_symbol(struct kc_session *session, const char *name,
				   uint64_t *addr);

/* The kernel release: VMCOREINFO OSRELEASE, else the dump header's. */
const char *kc_session_release(const struct kc_session *session);

/* What kind of file PATH is, from its first bytes. */
enum kc_file_kind {
	KC_FILE_UNKNOWN,
	KC_FILE_VMLINUX, /* ELF executable (ET_EXEC/ET_DYN) */
	KC_FILE_DUMP,    /* ELF core, kdump-compressed or flattened */
	/* A boot image without symbols: an arm64 Image (magic "ARM\x64" at
	 * 56, Documentation/arm64/booting.rst), as Debian's vmlinuz is. */
	KC_FILE_BOOT_IMAGE,
	KC_FILE_COMPRESSED, /* gzip, xz or zstd: a .gz vmlinuz, or a packed dump */
};
struct kc_error *kc_classify_file(const char *path, enum kc_file_kind *kind);

/* ---- what the session was opened with and found ---- */

/* The dump (read-only), or NULL when the session has none. */
const struct kc_dump *kc_session_dump(const struct kc_session *session);
/* Read LEN bytes of the dump's physical memory at PADDR. */
struct kc_error *kc_session_read_phys(struct kc_session *session, uint64_t paddr,
				      void *buf, size_t len);
/* The dump's VMCOREINFO, or NULL when it has none. */
const struct kc_vmcoreinfo *kc_session_vmcoreinfo(const struct kc_session *session);
/* The vmlinux in use, or NULL (the dump alone). */
const char *kc_session_vmlinux_path(const struct kc_session *session);
/*
 * Where the vmlinux came from: "command line", or the search's source
 * ("--debug-dir D", "/usr/lib/debug", "debuginfod URL"); NULL without one.
 */
const char *kc_session_vmlinux_source(const struct kc_session *session);
/* The search for the vmlinux when none was given, or NULL. */
const struct kc_debuginfo_result *kc_session_vmlinux_search(const struct kc_session *session);
/*
 * The symbol source: "vmlinux PATH", "System.map PATH", "kallsyms in dump
 * (VMCOREINFO)", ...; NULL when there are no symbols, and then
 * kc_session_symbols_error says why. *NR_SYMBOLS (may be NULL) gets the count.
 */
const char *kc_session_symbols_origin(const struct kc_session *session,
				      size_t *nr_symbols);
const struct kc_error *kc_session_symbols_error(const struct kc_session *session);
/*
 * NAME in the symbol source (vmlinux, System.map or the dump's kallsyms)
 * itself, not VMCOREINFO nor a data symbol found in the dump: its run-time
 * address and st_size (0 when the source has none). KC_ERR_LOOKUP when the
 * source does not list it.
 */
struct kc_error *kc_session_symtab_symbol(struct kc_session *session, const char *name,
					  uint64_t *addr, uint64_t *size);
/* Whether the symbol source is the vmlinux's ELF symbol table. */
bool kc_session_symbols_from_vmlinux(const struct kc_session *session);
/*
 * The non-fatal problems found while opening (the dump's, then the
 * session's), I from 0; NULL past the last.
 */
const char *kc_session_warning(const struct kc_session *session, size_t i);
/*
 * gdb's value history: the number the next printed value gets ("$1 = "),
 * one history per session as in crash.
 */
unsigned kc_session_next_value_number(struct kc_session *session);

#endif
