/* SPDX-License-Identifier: MIT */
#include "symbols.h"

#include <stdlib.h>
#include <string.h>

#include "dwarf.h"
#include "kernel.h"
#include "modules.h"

static uint64_t kaslr_offset(const struct kc_session *session)
{
	if (session->mmu && session->mmu->layout.kaslr_offset.known)
		return session->mmu->layout.kaslr_offset.value;
	return 0;
}

/* The link-time end of the image (_end), or UINT64_MAX when unknown. */
static uint64_t vmlinux_end(const struct kc_symtab *symtab)
{
	const struct kc_symbol *end = kc_symtab_lookup(symtab, "_end");
	return end ? end->addr : UINT64_MAX;
}

/* The next symbol above SYM's address, or END. */
static uint64_t vmlinux_next(const struct kc_symtab *symtab,
			     const struct kc_symbol *sym, uint64_t end)
{
	for (size_t i = (size_t)(sym - symtab->by_addr) + 1; i < symtab->nr_symbols; i++) {
		const struct kc_symbol *next = &symtab->by_addr[i];
		if (next->addr > sym->addr && next->type != 'a' && next->type != 'A')
			return next->addr < end ? next->addr : end;
	}
	return end;
}

static bool symbolize_vmlinux(const struct kc_session *session, uint64_t addr,
			      struct kc_symbolized *ret)
{
	const struct kc_symtab *symtab = session->symtab;
	if (!symtab)
		return false;
	uint64_t link = addr - kaslr_offset(session);
	uint64_t end = vmlinux_end(symtab);
	if (link > end)
		return false;
	const struct kc_symbol *sym = kc_symtab_lookup_addr(symtab, link);
	if (!sym)
		return false;
	/* Past the last symbol below _end there is nothing (but _end itself). */
	uint64_t next = vmlinux_next(symtab, sym, end);
	if (link >= next && link != sym->addr)
		return false;
	*ret = (struct kc_symbolized){
		.name = sym->name,
		.addr = sym->addr + kaslr_offset(session),
		.offset = link - sym->addr,
		.size = sym->size ? sym->size : (next > sym->addr ? next - sym->addr : 0),
		.type = sym->type,
	};
	return true;
}

/* The end of the region of MOD holding ADDR. */
static uint64_t region_end(const struct kc_module *mod, uint64_t addr)
{
	for (int t = 0; t < KC_MOD_MEM_NUM; t++) {
		const struct kc_module_region *r = &mod->mem[t];
		if (r->size && addr >= r->base && addr - r->base < r->size)
			return r->base + r->size;
	}
	return addr;
}

/* Index of the last symbol of MOD at or below ADDR that is a name, or -1. */
static ptrdiff_t module_symbol_below(const struct kc_module *mod, uint64_t addr)
{
	size_t lo = 0, hi = mod->nr_symbols;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (mod->symbols[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0 && mod->symbols[lo - 1].is_mapping)
		lo--;
	if (lo == 0)
		return -1;
	/* At one address, the first in sort order. */
	uint64_t at = mod->symbols[lo - 1].addr;
	while (lo > 1 && mod->symbols[lo - 2].addr == at && !mod->symbols[lo - 2].is_mapping)
		lo--;
	return (ptrdiff_t)lo - 1;
}

static bool symbolize_module(const struct kc_module *mod, uint64_t addr,
			     struct kc_symbolized *ret)
{
	ptrdiff_t i = module_symbol_below(mod, addr);
	if (i < 0)
		return false;
	const struct kc_module_symbol *sym = &mod->symbols[i];
	uint64_t end = region_end(mod, addr);
	/* The symbol must be in the same region as ADDR. */
	if (!kc_module_contains(mod, sym->addr) || region_end(mod, sym->addr) != end)
		return false;
	uint64_t next = end;
	for (size_t j = (size_t)i + 1; j < mod->nr_symbols; j++) {
		if (mod->symbols[j].addr > sym->addr && !mod->symbols[j].is_mapping) {
			if (mod->symbols[j].addr < next)
				next = mod->symbols[j].addr;
			break;
		}
	}
	*ret = (struct kc_symbolized){
		.name = sym->name,
		.addr = sym->addr,
		.offset = addr - sym->addr,
		.size = sym->size ? sym->size : next - sym->addr,
		.type = sym->type,
		.module = mod->name,
	};
	return true;
}

struct kc_error *kc_symbolize(struct kc_session *session, uint64_t addr,
			      struct kc_symbolized *ret)
{
	if (symbolize_vmlinux(session, addr, ret))
		return NULL;
	const struct kc_modules *modules;
	struct kc_error *err = kc_modules_get(session, &modules);
	if (err)
		return kc_error_prefix(err, "no vmlinux symbol at 0x%llx and no modules",
				       (unsigned long long)addr);
	const struct kc_module *mod = kc_module_by_address(modules, addr);
	if (mod && symbolize_module(mod, addr, ret))
		return NULL;
	return kc_error_address(KC_ERR_LOOKUP, addr, "no symbol at 0x%llx",
				(unsigned long long)addr);
}

static bool lookup_in_module(const struct kc_module *mod, const char *name,
			     uint64_t *addr)
{
	for (size_t i = 0; i < mod->nr_symbols; i++) {
		if (strcmp(mod->symbols[i].name, name) == 0) {
			*addr = mod->symbols[i].addr;
			return true;
		}
	}
	return false;
}

struct kc_error *kc_symbol_lookup(struct kc_session *session, const char *name,
				  const char *module, uint64_t *addr)
{
	if (!module) {
		struct kc_error *err = kc_session_symbol(session, name, addr);
		if (!err)
			return NULL;
		kc_error_destroy(err);
	}
	const struct kc_modules *modules;
	struct kc_error *err = kc_modules_get(session, &modules);
	if (err)
		return kc_error_prefix(err, "symbol %s", name);
	if (module) {
		const struct kc_module *mod = kc_module_find(modules, module);
		if (!mod)
			return kc_error_create(KC_ERR_LOOKUP, "%s: not a loaded module name", module);
		if (lookup_in_module(mod, name, addr))
			return NULL;
		return kc_error_create(KC_ERR_LOOKUP, "no symbol %s in module %s", name, module);
	}
	for (size_t i = 0; i < modules->nr_modules; i++) {
		if (lookup_in_module(&modules->modules[i], name, addr))
			return NULL;
	}
	return kc_error_create(KC_ERR_LOOKUP, "no symbol %s", name);
}

static int compare_symbolized(const void *a, const void *b)
{
	const struct kc_symbolized *sa = a, *sb = b;
	if (sa->addr != sb->addr)
		return sa->addr < sb->addr ? -1 : 1;
	return strcmp(sa->name, sb->name);
}

struct symbol_list {
	struct kc_symbolized *items;
	size_t count, capacity;
};

static bool list_add(struct symbol_list *list, const struct kc_symbolized *sym)
{
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 1024;
		struct kc_symbolized *items = realloc(list->items, capacity * sizeof(*items));
		if (!items)
			return false;
		list->items = items;
		list->capacity = capacity;
	}
	list->items[list->count++] = *sym;
	return true;
}

static bool add_vmlinux(const struct kc_session *session, struct symbol_list *list)
{
	const struct kc_symtab *symtab = session->symtab;
	uint64_t offset = kaslr_offset(session);
	for (size_t i = 0; symtab && i < symtab->nr_symbols; i++) {
		const struct kc_symbol *sym = &symtab->by_addr[i];
		bool absolute = sym->type == 'a' || sym->type == 'A';
		struct kc_symbolized s = {
			.name = sym->name,
			.addr = sym->addr + (absolute ? 0 : offset),
			.size = sym->size,
			.type = sym->type,
		};
		if (!list_add(list, &s))
			return false;
	}
	return true;
}

static bool add_module(const struct kc_module *mod, struct symbol_list *list)
{
	for (size_t i = 0; i < mod->nr_symbols; i++) {
		const struct kc_module_symbol *sym = &mod->symbols[i];
		if (sym->is_mapping)
			continue;
		struct kc_symbolized s = {
			.name = sym->name, .addr = sym->addr, .size = sym->size,
			.type = sym->type, .module = mod->name,
		};
		if (!list_add(list, &s))
			return false;
	}
	return true;
}

struct kc_error *kc_symbols_all(struct kc_session *session, const char *module,
				struct kc_symbolized **ret, size_t *count)
{
	struct symbol_list list = {0};
	const struct kc_modules *modules = NULL;
	struct kc_error *err = kc_modules_get(session, &modules);
	if (err && module)
		return err;
	kc_error_destroy(err); /* no modules: the vmlinux alone */
	bool ok = true;
	if (module) {
		const struct kc_module *mod = kc_module_find(modules, module);
		if (!mod)
			return kc_error_create(KC_ERR_LOOKUP, "%s: not a loaded module name", module);
		ok = add_module(mod, &list);
	} else {
		ok = add_vmlinux(session, &list);
		for (size_t i = 0; ok && modules && i < modules->nr_modules; i++)
			ok = add_module(&modules->modules[i], &list);
	}
	if (!ok) {
		free(list.items);
		return &kc_error_nomem;
	}
	qsort(list.items, list.count, sizeof(*list.items), compare_symbolized);
	*ret = list.items;
	*count = list.count;
	return NULL;
}

struct kc_error *kc_symbol_source_line(struct kc_session *session, uint64_t addr,
				       const char **file, int *line)
{
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err)
		return err;
	struct kc_dwarf *dwarf;
	err = kc_session_dwarf(session, &dwarf);
	if (err)
		return err;
	/* DWARF has link-time addresses. */
	return kc_dwarf_source_line(dwarf, addr - mmu->layout.kaslr_offset.value,
				    file, line);
}
