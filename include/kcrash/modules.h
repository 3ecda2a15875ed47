/* SPDX-License-Identifier: MIT */
/*
 * Loaded kernel modules, read from the dump: the `modules` list, each
 * module's memory regions and its kallsyms (the symbol table the kernel
 * keeps for /proc/kallsyms). Read once per session and cached; every read
 * can fail and the list walk is bounded and cycle-checked.
 *
 * A module's debuginfo (.ko) can be attached (`mod -s`), after which
 * kc_kernel_type also finds the module's own types.
 */
#ifndef KCRASH_MODULES_H
#define KCRASH_MODULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>
#include <kcrash/types.h>

/*
 * The kernel's enum mod_mem_type (v6.4+). Older layouts (core_layout /
 * init_layout / data_layout) are mapped onto the same regions.
 */
enum kc_module_mem {
	KC_MOD_TEXT,
	KC_MOD_DATA,
	KC_MOD_RODATA,
	KC_MOD_RO_AFTER_INIT,
	KC_MOD_INIT_TEXT,
	KC_MOD_INIT_DATA,
	KC_MOD_INIT_RODATA,
	KC_MOD_MEM_NUM,
};

struct kc_module_region {
	uint64_t base;
	uint64_t size;
};

/* A kallsyms symbol of a module (run-time address). */
struct kc_module_symbol {
	uint64_t addr;
	uint64_t size;       /* st_size; 0 when unknown */
	const char *name;    /* points into the module's copied strtab */
	char type;           /* nm letter: t T d D b B r R ... */
	bool is_mapping;     /* an arm64 mapping symbol ($x, $d): not a name */
};

struct kc_dwarf;

struct kc_module {
	uint64_t addr;       /* the struct module */
	char name[64];
	int64_t state;       /* enum module_state: 0 live, 1 coming, 2 going, 3 unformed */
	struct kc_module_region mem[KC_MOD_MEM_NUM];
	uint64_t text_base;  /* mem[KC_MOD_TEXT].base */
	uint64_t size;       /* total bytes, as /proc/modules counts them */
	/* Kallsyms, sorted by address then name; NULL when they could not be read. */
	struct kc_module_symbol *symbols;
	size_t nr_symbols;
	char *strtab;
	struct kc_error *symbols_error; /* why there are none, or NULL */
	/* Debuginfo attached by kc_module_load_debuginfo, or NULL. */
	char *debuginfo_path;
	struct kc_dwarf *dwarf;
};

struct kc_modules {
	struct kc_module *modules; /* in list order */
	size_t nr_modules;
	/*
	 * Why the walk stopped early (a corrupt list), or NULL: the modules
	 * before the break are kept.
	 */
	char *broken;
};

/* The loaded modules (walked on first use, then cached in the session). */
struct kc_error *kc_modules_get(struct kc_session *session,
				const struct kc_modules **ret);
/* The module called NAME, or NULL. */
struct kc_module *kc_module_find(const struct kc_modules *modules,
				 const char *name);
/* The module one of whose regions holds ADDR, or NULL. */
const struct kc_module *kc_module_by_address(const struct kc_modules *modules,
					     uint64_t addr);
/* Whether ADDR is inside one of MODULE's regions. */
bool kc_module_contains(const struct kc_module *module, uint64_t addr);

/*
 * Attach PATH (the module's .ko with DWARF) as NAME's debuginfo. The file's
 * .modinfo name, when present, must be NAME.
 */
struct kc_error *kc_module_load_debuginfo(struct kc_session *session,
					  const char *name, const char *path);
/*
 * Search DIR recursively for NAME.ko (or NAME.ko.debug; '-' and '_' are
 * the same in module names, as modprobe treats them). *PATH is malloc'd.
 */
struct kc_error *kc_module_find_object(const char *dir, const char *name,
				       char **path);

/*
 * TYPE from the attached module debuginfo, searched in list order;
 * KC_ERR_LOOKUP when no attached module has it.
 */
struct kc_error *kc_modules_find_type(struct kc_session *session,
				      const char *type, struct kc_type *ret);

/* ---- modules' BTF in the dump (struct module.btf_data, v5.11+) ---- */

struct kc_btf;

struct kc_module_btf {
	char name[64];        /* the module's name */
	struct kc_btf *btf;   /* NULL when it could not be read (error says why) */
	char *error;
};

struct kc_module_btfs {
	struct kc_module_btf *modules;
	size_t nr_modules;
	char *broken;         /* why the list walk stopped early, or NULL */
};

/*
 * The modules' BTF, read on first use when the session's types are BTF
 * (split BTF needs the vmlinux BTF it was made against).
 */
struct kc_error *kc_module_btfs_get(struct kc_session *session,
				    const struct kc_module_btfs **ret);

#endif
