/* SPDX-License-Identifier: MIT */
/*
 * The session's state, for the library's own modules; its public
 * interface is include/kcrash/session.h.
 */
#ifndef KC_SESSION_H
#define KC_SESSION_H

#include <kcrash/session.h>

#include "arm64/mmu.h"
#include "symtab.h"
#include "vmcore/dump.h"

struct kc_datasym;
struct kc_datasyms;
struct kc_dwarf;
struct kc_types;
struct kc_kernel_state;
struct kc_modules;
struct kc_module_btfs;
struct kc_task_list;

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

#endif
