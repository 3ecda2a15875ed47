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
#include "error.h"
#include "symtab.h"
#include "vmcore/dump.h"
#include "vmcoreinfo.h"

struct kc_datasyms;
struct kc_dwarf;
struct kc_kernel_state;
struct kc_modules;
struct kc_task_list;

struct kc_session {
	struct kc_dump *dump;              /* NULL when no dump was opened */
	struct kc_vmcoreinfo *vmcoreinfo;  /* NULL when the dump has none */
	char *vmlinux_path;                /* NULL when none was given */
	struct kc_symtab *symtab;          /* vmlinux symbols, or NULL */
	/* Virtual memory; NULL when it cannot be set up, and mmu_error says why. */
	struct kc_arm64_mmu *mmu;
	struct kc_error *mmu_error;
	/* The vmlinux DWARF, opened on first use (kernel.h), and member cache. */
	struct kc_dwarf *dwarf;
	struct kc_error *dwarf_error;
	struct kc_kernel_state *kernel_state;
	/* Loaded modules and their symbols, read on first use (modules.h). */
	struct kc_modules *modules;
	/* The tasks (tasks.h), read on first use, and the current context. */
	struct kc_task_list *task_list;
	uint64_t context_task;             /* 0: the panic task */
	/* Data symbols the symbol source lacks, found on first use (datasyms.h). */
	struct kc_datasyms *datasyms;
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
	/*
	 * Keep only the vmlinux symbols a kernel without CONFIG_KALLSYMS_ALL
	 * lists in kallsyms (functions, no sizes): for tests of the paths
	 * that find data symbols in the dump (datasyms.h).
	 */
	bool kallsyms_like_symbols;
};

struct kc_error *kc_session_open(const struct kc_session_options *opts,
				 struct kc_session **ret);
void kc_session_destroy(struct kc_session *session);

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
};
struct kc_error *kc_classify_file(const char *path, enum kc_file_kind *kind);

#endif
