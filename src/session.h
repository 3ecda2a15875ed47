/* SPDX-License-Identifier: MIT */
/*
 * A kcrash session: the dump (and, later, the vmlinux) being examined and
 * what the shell and commands share. Commands print to the FILE they are
 * given and return errors; the front end decides where errors go.
 */
#ifndef KC_SESSION_H
#define KC_SESSION_H

#include <stdbool.h>
#include <stdio.h>

#include "arm64/mmu.h"
#include "debuginfo.h"
#include "error.h"
#include "symtab.h"
#include "vmcore/dump.h"
#include "vmcoreinfo.h"

struct kc_datasyms;
struct kc_dwarf;
struct kc_types;
struct kc_kernel_state;
struct kc_modules;
struct kc_module_btfs;
struct kc_task_list;

/* Which type source to prefer when several are there. */
enum kc_types_preference {
	KC_TYPES_AUTO,  /* --btf, the vmlinux's BTF, its DWARF, the dump's BTF */
	KC_TYPES_DWARF, /* only the vmlinux's DWARF */
	KC_TYPES_BTF,   /* only BTF: --btf FILE, the vmlinux's .BTF, the dump's */
};

struct kc_session {
	struct kc_dump *dump;              /* NULL when no dump was opened */
	struct kc_vmcoreinfo *vmcoreinfo;  /* NULL when the dump has none */
	char *vmlinux_path;                /* NULL when none was given or found */
	/* Where vmlinux_path came from: "command line", or the search's
	 * source ("--debug-dir D", "/usr/lib/debug", "debuginfod URL"). */
	char *vmlinux_source;
	/* The search for it when none was given (debuginfo.h), or NULL. */
	struct kc_debuginfo_result *vmlinux_search;
	/* Kernel symbols: the vmlinux's, a System.map's or the dump's own
	 * kallsyms (symtab->origin says which), or NULL, and then why. */
	struct kc_symtab *symtab;
	struct kc_error *symbols_error;
	/* Virtual memory; NULL when it cannot be set up, and mmu_error says why. */
	struct kc_arm64_mmu *mmu;
	struct kc_error *mmu_error;
	/* The vmlinux DWARF, opened on first use (kernel.h), and member cache. */
	struct kc_dwarf *dwarf;
	struct kc_error *dwarf_error;
	/* Where kernel types come from (kernel.h), chosen on first use. */
	enum kc_types_preference types_preference;
	char *btf_path;                    /* --btf FILE, or NULL */
	struct kc_types *types;
	struct kc_error *types_error;
	struct kc_kernel_state *kernel_state;
	/* Loaded modules and their symbols, read on first use (modules.h). */
	struct kc_modules *modules;
	/* Modules' BTF from the dump, read on first use (modbtf.h). */
	struct kc_module_btfs *module_btfs;
	struct kc_error *module_btfs_error;
	/* The tasks (tasks.h), read on first use, and the current context. */
	struct kc_task_list *task_list;
	uint64_t context_task;             /* 0: the panic task */
	/* gdb's value history number ("$1 = "), one history per session as crash has. */
	unsigned value_history;
	/* Data symbols the symbol source lacks, found on first use (datasyms.h),
	 * and whether each is also found by its image route and compared. */
	struct kc_datasyms *datasyms;
	bool verify_data_symbols;
	/* Non-fatal messages produced while opening, for the front end. */
	char **open_warnings;
	size_t nr_open_warnings;
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

/*
 * Run one command line (no ';' splitting): tokenized with shell-like
 * quoting, looked up in the command table, run with output to OUT.
 * Returns the command's error, KC_ERR_STOP for quit, NULL on success.
 */
struct kc_error *kc_session_run_line(struct kc_session *session,
				     const char *line, FILE *out);

/*
 * Split LINE into words: whitespace separates, '...' and "..." quote,
 * backslash escapes the next character. *ARGV is a malloc'd NULL-terminated
 * array of malloc'd strings (free with kc_free_argv).
 */
struct kc_error *kc_split_words(const char *line, int *argc, char ***argv);
void kc_free_argv(int argc, char **argv);

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

#endif
