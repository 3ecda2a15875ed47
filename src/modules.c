/* SPDX-License-Identifier: MIT */
#include "modules.h"

#include <ctype.h>
#include <dirent.h>
#include <gelf.h>
#include <libelf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel.h"
#include "vmcore/file.h"

/* Bounds against corrupt memory: no kernel has this many of either. */
#define MAX_MODULES 65536
#define MAX_MODULE_SYMBOLS (1u << 20)
#define KSYM_NAME_LEN 512   /* v6.1 include/linux/kallsyms.h */
#define ELF64_SYM_SIZE 24

/* ---- regions ------------------------------------------------------------- */

static struct kc_error *read_u64_member(struct kc_session *session, uint64_t obj,
					const char *type, const char *member,
					uint64_t *value)
{
	return kc_kernel_read_member(session, obj, type, member, value);
}

/*
 * v6.4+: struct module_memory mem[MOD_MEM_NUM_TYPES] {base, size}, indexed
 * by enum mod_mem_type (whose values the DWARF gives when it has them).
 */
static struct kc_error *read_mem_array(struct kc_session *session,
				       struct kc_module *mod)
{
	static const char *const names[KC_MOD_MEM_NUM] = {
		"MOD_TEXT", "MOD_DATA", "MOD_RODATA", "MOD_RO_AFTER_INIT",
		"MOD_INIT_TEXT", "MOD_INIT_DATA", "MOD_INIT_RODATA",
	};
	struct kc_types *types;
	struct kc_error *err = kc_session_types(session, &types);
	if (err)
		return err;
	for (int t = 0; t < KC_MOD_MEM_NUM; t++) {
		int64_t index = t;
		struct kc_error *e = kc_types_find_enumerator(types, names[t], &index, NULL);
		kc_error_destroy(e);
		char base[32], size[32];
		snprintf(base, sizeof(base), "mem[%lld].base", (long long)index);
		snprintf(size, sizeof(size), "mem[%lld].size", (long long)index);
		err = read_u64_member(session, mod->addr, "struct module", base,
				      &mod->mem[t].base);
		if (!err)
			err = read_u64_member(session, mod->addr, "struct module", size,
					      &mod->mem[t].size);
		if (err)
			return err;
		mod->size += mod->mem[t].size;
	}
	return NULL;
}

struct layout {
	uint64_t base, size, text_size, ro_size, ro_after_init_size;
};

/* struct module_layout (v4.5..v6.3): {base, size, text_size, ro_size, ro_after_init_size}. */
static struct kc_error *read_layout(struct kc_session *session, uint64_t mod,
				    const char *which, struct layout *ret)
{
	static const char *const fields[] = {"base", "size", "text_size", "ro_size"};
	uint64_t *values[] = {&ret->base, &ret->size, &ret->text_size, &ret->ro_size};
	char member[64];
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < 4; i++) {
		snprintf(member, sizeof(member), "%s.%s", which, fields[i]);
		struct kc_error *err = read_u64_member(session, mod, "struct module",
						       member, values[i]);
		if (err)
			return err;
	}
	/* ro_after_init_size arrived in v4.8. */
	snprintf(member, sizeof(member), "%s.ro_after_init_size", which);
	ret->ro_after_init_size = ret->ro_size;
	if (kc_kernel_has_member(session, "struct module", member))
		return read_u64_member(session, mod, "struct module", member,
				       &ret->ro_after_init_size);
	return NULL;
}

/* Before v4.5 the same facts were loose members: module_core, core_size, ... */
static struct kc_error *read_old_layout(struct kc_session *session, uint64_t mod,
					const char *which, struct layout *ret)
{
	char member[4][32];
	snprintf(member[0], 32, "module_%s", which);
	snprintf(member[1], 32, "%s_size", which);
	snprintf(member[2], 32, "%s_text_size", which);
	snprintf(member[3], 32, "%s_ro_size", which);
	uint64_t *values[] = {&ret->base, &ret->size, &ret->text_size, &ret->ro_size};
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < 4; i++) {
		if (i == 3 && !kc_kernel_has_member(session, "struct module", member[i])) {
			ret->ro_size = ret->text_size;
			continue;
		}
		struct kc_error *err = read_u64_member(session, mod, "struct module",
						       member[i], values[i]);
		if (err)
			return err;
	}
	ret->ro_after_init_size = ret->ro_size;
	return NULL;
}

/* Split a layout into text | rodata | ro_after_init | data, as the kernel laid it out. */
static void layout_regions(const struct layout *l, struct kc_module_region *text,
			   struct kc_module_region *rodata,
			   struct kc_module_region *ro_after_init,
			   struct kc_module_region *data)
{
	uint64_t text_end = l->text_size <= l->size ? l->text_size : l->size;
	uint64_t ro_end = l->ro_size >= text_end && l->ro_size <= l->size ? l->ro_size : text_end;
	uint64_t roai_end = l->ro_after_init_size >= ro_end &&
			    l->ro_after_init_size <= l->size ? l->ro_after_init_size : ro_end;
	*text = (struct kc_module_region){l->base, text_end};
	*rodata = (struct kc_module_region){l->base + text_end, ro_end - text_end};
	if (ro_after_init)
		*ro_after_init = (struct kc_module_region){l->base + ro_end, roai_end - ro_end};
	else
		roai_end = ro_end;
	*data = (struct kc_module_region){l->base + roai_end, l->size - roai_end};
}

static struct kc_error *read_layouts(struct kc_session *session,
				     struct kc_module *mod)
{
	bool old = !kc_kernel_has_member(session, "struct module", "core_layout");
	struct layout core, init;
	struct kc_error *err = old ? read_old_layout(session, mod->addr, "core", &core)
				   : read_layout(session, mod->addr, "core_layout", &core);
	if (!err)
		err = old ? read_old_layout(session, mod->addr, "init", &init)
			  : read_layout(session, mod->addr, "init_layout", &init);
	if (err)
		return err;
	struct kc_module_region *m = mod->mem;
	layout_regions(&core, &m[KC_MOD_TEXT], &m[KC_MOD_RODATA],
		       &m[KC_MOD_RO_AFTER_INIT], &m[KC_MOD_DATA]);
	layout_regions(&init, &m[KC_MOD_INIT_TEXT], &m[KC_MOD_INIT_RODATA], NULL,
		       &m[KC_MOD_INIT_DATA]);
	mod->size = core.size + init.size;
	/*
	 * CONFIG_ARCH_WANTS_MODULES_DATA_IN_VMALLOC (v5.19..v6.3, powerpc/32):
	 * writable data lives apart in data_layout; count it as data.
	 */
	if (!old && kc_kernel_has_member(session, "struct module", "data_layout")) {
		struct layout data;
		err = read_layout(session, mod->addr, "data_layout", &data);
		if (err)
			return err;
		if (data.size) {
			m[KC_MOD_DATA] = (struct kc_module_region){data.base, data.size};
			mod->size += data.size;
		}
	}
	return NULL;
}

static struct kc_error *read_regions(struct kc_session *session,
				     struct kc_module *mod)
{
	struct kc_error *err;
	if (kc_kernel_has_member(session, "struct module", "mem"))
		err = read_mem_array(session, mod);
	else
		err = read_layouts(session, mod);
	mod->text_base = mod->mem[KC_MOD_TEXT].base;
	return err;
}

bool kc_module_contains(const struct kc_module *module, uint64_t addr)
{
	for (int t = 0; t < KC_MOD_MEM_NUM; t++) {
		const struct kc_module_region *r = &module->mem[t];
		if (r->size && addr >= r->base && addr - r->base < r->size)
			return true;
	}
	return false;
}

/* ---- kallsyms ------------------------------------------------------------ */

struct kallsyms_location {
	uint64_t symtab, num_symtab, strtab, typetab; /* typetab 0: none */
};

/*
 * Where the module's symbols are: mod->kallsyms (struct mod_kallsyms, v4.5+;
 * its typetab since v5.2), else the loose symtab/num_symtab/strtab members.
 */
static struct kc_error *locate_kallsyms(struct kc_session *session, uint64_t mod,
					struct kallsyms_location *loc)
{
	memset(loc, 0, sizeof(*loc));
	struct kc_error *err;
	uint64_t obj = mod;
	const char *type = "struct module";
	if (kc_kernel_has_member(session, "struct module", "kallsyms")) {
		err = kc_kernel_read_member(session, mod, "struct module", "kallsyms", &obj);
		if (err)
			return err;
		type = "struct mod_kallsyms";
	}
	err = kc_kernel_read_member(session, obj, type, "symtab", &loc->symtab);
	if (!err)
		err = kc_kernel_read_member(session, obj, type, "num_symtab", &loc->num_symtab);
	if (!err)
		err = kc_kernel_read_member(session, obj, type, "strtab", &loc->strtab);
	if (!err && kc_kernel_has_member(session, type, "typetab"))
		err = kc_kernel_read_member(session, obj, type, "typetab", &loc->typetab);
	return err;
}

/*
 * The nm letter when the kernel kept no typetab: v4.5..v5.1 stored it in
 * st_info; before that, guess from the ELF symbol as nm would without
 * section flags.
 */
static char letter_from_elf(uint8_t st_info, uint16_t st_shndx)
{
	if (isalpha(st_info))
		return (char)st_info;
	char c;
	if (st_shndx == SHN_UNDEF)
		return 'U';
	if (st_shndx == SHN_ABS)
		c = 'a';
	else if (GELF_ST_TYPE(st_info) == STT_FUNC)
		c = 't';
	else
		c = 'd';
	if (GELF_ST_BIND(st_info) == STB_GLOBAL)
		c = (char)toupper(c);
	return c;
}

static int compare_symbols(const void *a, const void *b)
{
	const struct kc_module_symbol *sa = a, *sb = b;
	if (sa->addr != sb->addr)
		return sa->addr < sb->addr ? -1 : 1;
	return strcmp(sa->name, sb->name);
}

/*
 * The strtab: all names up to the last one in one read, the last name
 * (its length unknown) by itself so no read runs past the table.
 */
static struct kc_error *read_strtab(struct kc_session *session, uint64_t strtab,
				    uint64_t max_name, char **ret)
{
	char *buf = malloc(max_name + KSYM_NAME_LEN + 1);
	if (!buf)
		return &kc_error_nomem;
	struct kc_error *err = max_name ? kc_kernel_read(session, strtab, buf, max_name) : NULL;
	if (!err)
		err = kc_kernel_read_string(session, strtab + max_name, buf + max_name,
					    KSYM_NAME_LEN);
	if (err) {
		free(buf);
		return kc_error_prefix(err, "module strtab at 0x%llx",
				       (unsigned long long)strtab);
	}
	buf[max_name + KSYM_NAME_LEN] = '\0';
	*ret = buf;
	return NULL;
}

static struct kc_error *read_kallsyms(struct kc_session *session,
				      struct kc_module *mod)
{
	struct kallsyms_location loc;
	struct kc_error *err = locate_kallsyms(session, mod->addr, &loc);
	if (err)
		return err;
	if (loc.num_symtab > MAX_MODULE_SYMBOLS)
		return kc_error_create(KC_ERR_FORMAT,
				       "module %s: num_symtab %llu is implausible (corrupt?)",
				       mod->name, (unsigned long long)loc.num_symtab);
	size_t n = (size_t)loc.num_symtab;
	uint8_t *syms = malloc(n * ELF64_SYM_SIZE + 1);
	uint8_t *types = malloc(n + 1);
	mod->symbols = calloc(n + 1, sizeof(*mod->symbols));
	if (!syms || !types || !mod->symbols) {
		err = &kc_error_nomem;
		goto out;
	}
	err = kc_kernel_read(session, loc.symtab, syms, n * ELF64_SYM_SIZE);
	if (!err && loc.typetab)
		err = kc_kernel_read(session, loc.typetab, types, n);
	if (err) {
		err = kc_error_prefix(err, "module %s symbol table", mod->name);
		goto out;
	}
	uint64_t max_name = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t st_name = kc_get_le32(syms + i * ELF64_SYM_SIZE);
		if (st_name > max_name && st_name < (1u << 24))
			max_name = st_name;
	}
	err = read_strtab(session, loc.strtab, max_name, &mod->strtab);
	if (err)
		goto out;
	/* Elf64_Sym: st_name u32 @0, st_info @4, st_other @5, st_shndx u16 @6, st_value @8, st_size @16. */
	for (size_t i = 0; i < n; i++) {
		const uint8_t *s = syms + i * ELF64_SYM_SIZE;
		uint32_t st_name = kc_get_le32(s);
		if (st_name > max_name || !mod->strtab[st_name])
			continue; /* the null symbol, or unnamed: /proc/kallsyms skips them */
		struct kc_module_symbol *sym = &mod->symbols[mod->nr_symbols++];
		sym->name = mod->strtab + st_name;
		sym->addr = kc_get_le64(s + 8);
		sym->size = kc_get_le64(s + 16);
		sym->type = loc.typetab ? (char)types[i] : letter_from_elf(s[4], kc_get_le16(s + 6));
		sym->is_mapping = kc_symtab_is_mapping_symbol(sym->name, strlen(sym->name));
	}
	qsort(mod->symbols, mod->nr_symbols, sizeof(*mod->symbols), compare_symbols);
out:
	free(syms);
	free(types);
	return err;
}

/* ---- exports ------------------------------------------------------------- */

/*
 * The address and name of export I of the struct kernel_symbol array at
 * TABLE: place-relative ints with CONFIG_HAVE_ARCH_PREL32_RELOCATIONS
 * (v4.19+, arm64), else absolute pointers.
 */
static struct kc_error *read_export(struct kc_session *session, uint64_t table,
				    uint64_t i, uint64_t entry_size, bool prel32,
				    uint64_t *value, char *name, size_t len)
{
	uint64_t entry = table + i * entry_size, name_addr;
	const char *type = "struct kernel_symbol";
	struct kc_error *err;
	if (prel32) {
		const struct kc_kernel_member *v, *n;
		uint64_t value_offset, name_offset;
		err = kc_kernel_member(session, type, "value_offset", &v);
		if (!err)
			err = kc_kernel_member(session, type, "name_offset", &n);
		if (!err)
			err = kc_kernel_read_member(session, entry, type, "value_offset", &value_offset);
		if (!err)
			err = kc_kernel_read_member(session, entry, type, "name_offset", &name_offset);
		if (err)
			return err;
		*value = entry + v->offset + value_offset;
		name_addr = entry + n->offset + name_offset;
	} else {
		err = kc_kernel_read_member(session, entry, type, "value", value);
		if (!err)
			err = kc_kernel_read_member(session, entry, type, "name", &name_addr);
		if (err)
			return err;
	}
	return kc_kernel_read_string(session, name_addr, name, len);
}

/*
 * /proc/kallsyms shows a module symbol upper-case when the module exports
 * it, lower-case otherwise (kernel/kallsyms.c s_show); do the same.
 */
static struct kc_error *mark_exports(struct kc_session *session, struct kc_module *mod)
{
	static const char *const tables[][2] = {{"syms", "num_syms"},
						{"gpl_syms", "num_gpl_syms"}};
	uint64_t entry_size;
	struct kc_error *err = kc_kernel_sizeof(session, "struct kernel_symbol", &entry_size);
	if (err)
		return err;
	bool prel32 = kc_kernel_has_member(session, "struct kernel_symbol", "value_offset");
	for (size_t i = 0; i < mod->nr_symbols; i++)
		mod->symbols[i].type = (char)tolower(mod->symbols[i].type);
	for (size_t t = 0; t < 2; t++) {
		uint64_t table, count;
		if (!kc_kernel_has_member(session, "struct module", tables[t][0]))
			continue;
		err = kc_kernel_read_member(session, mod->addr, "struct module", tables[t][0], &table);
		if (!err)
			err = kc_kernel_read_member(session, mod->addr, "struct module",
						    tables[t][1], &count);
		if (err)
			return err;
		if (count > MAX_MODULE_SYMBOLS)
			return kc_error_create(KC_ERR_FORMAT, "module %s: %llu exports (corrupt?)",
					       mod->name, (unsigned long long)count);
		for (uint64_t e = 0; e < count; e++) {
			uint64_t value;
			char name[KSYM_NAME_LEN];
			err = read_export(session, table, e, entry_size, prel32, &value,
					  name, sizeof(name));
			if (err)
				return kc_error_prefix(err, "module %s export %llu", mod->name,
						       (unsigned long long)e);
			for (size_t i = 0; i < mod->nr_symbols; i++) {
				struct kc_module_symbol *sym = &mod->symbols[i];
				if (sym->addr == value && strcmp(sym->name, name) == 0)
					sym->type = (char)toupper(sym->type);
			}
		}
	}
	return NULL;
}

/* ---- the list ------------------------------------------------------------ */

struct walk_ctx {
	struct kc_session *session;
	uint64_t list_offset;
	struct kc_modules *modules;
	size_t capacity;
};

static struct kc_error *read_module(struct kc_session *session, uint64_t addr,
				    struct kc_module *mod)
{
	mod->addr = addr;
	size_t size;
	struct kc_error *err = kc_kernel_read_member_bytes(session, addr, "struct module",
							   "name", mod->name,
							   sizeof(mod->name) - 1, &size);
	if (err)
		return err;
	mod->name[sizeof(mod->name) - 1] = '\0';
	err = kc_kernel_read_member(session, addr, "struct module", "state",
				    (uint64_t *)&mod->state);
	if (!err)
		err = read_regions(session, mod);
	if (err)
		return kc_error_prefix(err, "module %s at 0x%llx", mod->name,
				       (unsigned long long)addr);
	/* Symbols are optional: a module without them is still listed. */
	mod->symbols_error = read_kallsyms(session, mod);
	if (mod->symbols_error && mod->symbols_error->code == KC_ERR_INTERRUPTED) {
		err = mod->symbols_error;
		mod->symbols_error = NULL;
		return err;
	}
	if (!mod->symbols_error) {
		/* Without the exports the letters stay the typetab's. */
		struct kc_error *e = mark_exports(session, mod);
		kc_error_destroy(e);
	}
	return NULL;
}

static void module_free(struct kc_module *mod);

static struct kc_error *visit_module(void *arg, uint64_t node)
{
	struct walk_ctx *ctx = arg;
	struct kc_modules *modules = ctx->modules;
	if (modules->nr_modules == ctx->capacity) {
		size_t capacity = ctx->capacity ? ctx->capacity * 2 : 32;
		struct kc_module *grown = realloc(modules->modules, capacity * sizeof(*grown));
		if (!grown)
			return &kc_error_nomem;
		modules->modules = grown;
		ctx->capacity = capacity;
	}
	struct kc_module *mod = &modules->modules[modules->nr_modules];
	memset(mod, 0, sizeof(*mod));
	struct kc_error *err = read_module(ctx->session, node - ctx->list_offset, mod);
	if (err) {
		module_free(mod); /* only modules read whole are listed */
		return err;
	}
	modules->nr_modules++;
	return NULL;
}

static void module_free(struct kc_module *mod)
{
	free(mod->symbols);
	free(mod->strtab);
	kc_error_destroy(mod->symbols_error);
	free(mod->debuginfo_path);
	kc_dwarf_close(mod->dwarf);
}

static void modules_free(struct kc_modules *modules)
{
	if (!modules)
		return;
	for (size_t i = 0; i < modules->nr_modules; i++)
		module_free(&modules->modules[i]);
	free(modules->modules);
	free(modules->broken);
	free(modules);
}

static struct kc_error *walk_modules(struct kc_session *session,
				     struct kc_modules **ret)
{
	uint64_t head;
	struct kc_error *err = kc_kernel_symbol(session, "modules", &head);
	if (err)
		return kc_error_prefix(err, "the module list");
	const struct kc_kernel_member *list;
	err = kc_kernel_member(session, "struct module", "list", &list);
	if (err)
		return err;
	struct kc_modules *modules = calloc(1, sizeof(*modules));
	if (!modules)
		return &kc_error_nomem;
	struct walk_ctx ctx = {session, list->offset, modules, 0};
	err = kc_kernel_list_walk(session, head, MAX_MODULES, visit_module, &ctx);
	if (err && err != &kc_error_nomem && err->code != KC_ERR_INTERRUPTED &&
	    modules->nr_modules) {
		/* A corrupt link: keep the modules read before it. */
		err = kc_error_prefix(err, "module list broken after %s",
				      modules->modules[modules->nr_modules - 1].name);
		modules->broken = strdup(kc_error_message(err));
		kc_error_destroy(err);
		err = modules->broken ? NULL : &kc_error_nomem;
	}
	if (err) {
		modules_free(modules);
		return kc_error_prefix(err, "module list");
	}
	*ret = modules;
	return NULL;
}

struct kc_error *kc_modules_get(struct kc_session *session,
				const struct kc_modules **ret)
{
	if (!session->modules) {
		struct kc_error *err = walk_modules(session, &session->modules);
		if (err)
			return err;
	}
	*ret = session->modules;
	return NULL;
}

void kc_modules_destroy(struct kc_session *session)
{
	modules_free(session->modules);
	session->modules = NULL;
}

struct kc_module *kc_module_find(const struct kc_modules *modules,
				 const char *name)
{
	for (size_t i = 0; i < modules->nr_modules; i++) {
		if (strcmp(modules->modules[i].name, name) == 0)
			return &modules->modules[i];
	}
	return NULL;
}

const struct kc_module *kc_module_by_address(const struct kc_modules *modules,
					     uint64_t addr)
{
	for (size_t i = 0; i < modules->nr_modules; i++) {
		if (kc_module_contains(&modules->modules[i], addr))
			return &modules->modules[i];
	}
	return NULL;
}

/* ---- debuginfo ----------------------------------------------------------- */

/* The "name=" entry of the .ko's .modinfo section, malloc'd, or NULL. */
static char *modinfo_name(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	char *name = NULL;
	size_t shstrndx;
	if (elf && elf_getshdrstrndx(elf, &shstrndx) == 0) {
		Elf_Scn *scn = NULL;
		while (!name && (scn = elf_nextscn(elf, scn))) {
			GElf_Shdr shdr;
			const char *sname;
			if (!gelf_getshdr(scn, &shdr) ||
			    !(sname = elf_strptr(elf, shstrndx, shdr.sh_name)) ||
			    strcmp(sname, ".modinfo") != 0)
				continue;
			Elf_Data *data = elf_getdata(scn, NULL);
			for (size_t off = 0; data && off < data->d_size;) {
				const char *entry = (const char *)data->d_buf + off;
				size_t len = strnlen(entry, data->d_size - off);
				if (len > 5 && len < data->d_size - off &&
				    strncmp(entry, "name=", 5) == 0) {
					name = strndup(entry + 5, len - 5);
					break;
				}
				off += len + 1;
			}
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return name;
}

/* Module names treat '-' and '_' alike (kernel/params.c parameq). */
static bool same_module_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char ca = *a == '-' ? '_' : *a, cb = *b == '-' ? '_' : *b;
		if (ca != cb)
			return false;
	}
	return *a == *b;
}

struct kc_error *kc_module_load_debuginfo(struct kc_session *session,
					  const char *name, const char *path)
{
	const struct kc_modules *modules;
	struct kc_error *err = kc_modules_get(session, &modules);
	if (err)
		return err;
	struct kc_module *mod = kc_module_find(modules, name);
	if (!mod)
		return kc_error_create(KC_ERR_LOOKUP, "%s: not a loaded module name", name);
	char *own = modinfo_name(path);
	if (own && !same_module_name(own, name)) {
		err = kc_error_create(KC_ERR_INVALID_ARG,
				      "%s is the object file of module %s, not %s",
				      path, own, name);
		free(own);
		return err;
	}
	free(own);
	struct kc_dwarf *dwarf;
	err = kc_dwarf_open(path, NULL, 0, &dwarf);
	if (!err)
		err = kc_dwarf_load_index(dwarf);
	if (err) {
		if (!err->message || !strstr(err->message, path))
			err = kc_error_prefix(err, "%s", path);
		return err;
	}
	char *copy = realpath(path, NULL);
	if (!copy)
		copy = strdup(path);
	if (!copy) {
		kc_dwarf_close(dwarf);
		return &kc_error_nomem;
	}
	kc_dwarf_close(mod->dwarf);
	free(mod->debuginfo_path);
	mod->dwarf = dwarf;
	mod->debuginfo_path = copy;
	/* Member lookups that failed before may succeed now. */
	kc_kernel_forget_failures(session);
	return NULL;
}

static bool object_name_matches(const char *file, const char *name)
{
	size_t len = strlen(file);
	const char *suffixes[] = {".ko", ".ko.debug"};
	for (size_t i = 0; i < 2; i++) {
		size_t slen = strlen(suffixes[i]);
		if (len <= slen || strcmp(file + len - slen, suffixes[i]) != 0)
			continue;
		char base[512];
		if (len - slen >= sizeof(base))
			continue;
		memcpy(base, file, len - slen);
		base[len - slen] = '\0';
		if (same_module_name(base, name))
			return true;
	}
	return false;
}

/* Depth-first, bounded in depth; symlinked directories are not followed. */
static char *search_tree(const char *dir, const char *name, int depth)
{
	if (depth > 16)
		return NULL;
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char *found = NULL;
	struct dirent *de;
	while (!found && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *path;
		if (asprintf(&path, "%s/%s", dir, de->d_name) < 0)
			break;
		struct stat st;
		if (lstat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				found = search_tree(path, name, depth + 1);
			else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) &&
				 object_name_matches(de->d_name, name))
				found = strdup(path);
		}
		free(path);
	}
	closedir(d);
	return found;
}

struct kc_error *kc_module_find_object(const char *dir, const char *name,
				       char **path)
{
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return kc_error_create(KC_ERR_INVALID_ARG, "%s is not a directory", dir);
	*path = search_tree(dir, name, 0);
	if (!*path)
		return kc_error_create(KC_ERR_LOOKUP, "no %s.ko under %s", name, dir);
	return NULL;
}

struct kc_error *kc_modules_find_type(struct kc_session *session,
				      const char *type, struct kc_type *ret)
{
	const struct kc_modules *modules = session->modules;
	for (size_t i = 0; modules && i < modules->nr_modules; i++) {
		struct kc_dwarf *dwarf = modules->modules[i].dwarf;
		if (!dwarf)
			continue;
		struct kc_error *err = kc_dwarf_find_type(dwarf, type, ret);
		if (!err)
			return NULL;
		kc_error_destroy(err);
	}
	return kc_error_create(KC_ERR_LOOKUP, "no type named `%s' in the loaded module debuginfo",
			       type);
}
