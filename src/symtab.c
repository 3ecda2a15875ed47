/* SPDX-License-Identifier: MIT */
#include "symtab.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * nm's letter for a symbol (binutils nm: decode_symbol_type, simplified),
 * SECTION_TYPES holding the lowercase letter of each of the NR_SECTIONS
 * sections ('?' for one that could not be read).
 */
static char symbol_type(unsigned bind, uint16_t shndx, const char *section_types,
			size_t nr_sections)
{
	char type;
	if (shndx == SHN_ABS)
		type = 'a';
	else if (shndx == SHN_UNDEF)
		type = 'u';
	else
		type = shndx < nr_sections ? section_types[shndx] : '?';
	if (bind == STB_WEAK)
		return type == 'u' ? 'w' : 'W';
	if (bind == STB_GLOBAL && type >= 'a' && type <= 'z')
		type = (char)(type - 'a' + 'A');
	return type;
}

/* The letter symbols in each section of ELF get (symbol_type), read once. */
static char *section_types(Elf *elf, size_t *nr)
{
	size_t count = 0;
	if (elf_getshdrnum(elf, &count) != 0)
		count = 0;
	char *types = malloc(count ? count : 1);
	if (!types)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		Elf_Scn *scn = elf_getscn(elf, i);
		GElf_Shdr shdr;
		if (!scn || !gelf_getshdr(scn, &shdr))
			types[i] = '?';
		else if (shdr.sh_flags & SHF_EXECINSTR)
			types[i] = 't';
		else if (shdr.sh_type == SHT_NOBITS)
			types[i] = 'b';
		else if (shdr.sh_flags & SHF_WRITE)
			types[i] = 'd';
		else
			types[i] = 'r';
	}
	*nr = count;
	return types;
}

/* NAME ends with SUFFIX. */
static bool ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);
	return n >= k && strcmp(name + n - k, suffix) == 0;
}

/*
 * Which of several names at one address the kernel prints
 * (scripts/kallsyms.c compare_symbols, v6.1; the first wins): lower is
 * preferred. Weak symbols last, then names the linker script makes
 * (__start_X, __stop_X, __end_X, __X_start, __X_end), then by the number of
 * leading underscores.
 */
static int name_preference(const struct kc_symbol *sym)
{
	const char *name = sym->name;
	int weak = sym->type == 'W' || sym->type == 'w';
	int linker = strlen(name) >= 8 && name[0] == '_' && name[1] == '_' &&
		     (strncmp(name + 2, "start_", 6) == 0 || strncmp(name + 2, "stop_", 5) == 0 ||
		      strncmp(name + 2, "end_", 4) == 0 || ends_with(name, "_start") ||
		      ends_with(name, "_end"));
	int underscores = (int)strspn(name, "_");
	return weak * 4096 + linker * 1024 + (underscores < 1023 ? underscores : 1023);
}

static int compare_by_addr(const void *a, const void *b)
{
	const struct kc_symbol *sa = a, *sb = b;
	if (sa->addr != sb->addr)
		return sa->addr < sb->addr ? -1 : 1;
	/*
	 * At one address, prefer a symbol with a size (a function or object)
	 * over a section marker (gic_handle_irq over __irqentry_text_start),
	 * then global symbols, then by name.
	 */
	int sized_a = sa->size != 0, sized_b = sb->size != 0;
	if (sized_a != sized_b)
		return sized_b - sized_a;
	int ga = sa->type >= 'A' && sa->type <= 'Z';
	int gb = sb->type >= 'A' && sb->type <= 'Z';
	if (ga != gb)
		return gb - ga;
	return strcmp(sa->name, sb->name);
}

/*
 * A list without sizes (System.map): at one address the name the kernel
 * itself prints (name_preference), whether global or not, as
 * /proc/kallsyms does, then compare_by_addr's order.
 */
static int compare_listed_by_addr(const void *a, const void *b)
{
	const struct kc_symbol *sa = a, *sb = b;
	if (sa->addr == sb->addr) {
		int pa = name_preference(sa), pb = name_preference(sb);
		if (pa != pb)
			return pa - pb;
	}
	return compare_by_addr(a, b);
}

/*
 * by_addr in compare_by_addr's order, faster than qsort on a vmlinux's ~190k
 * symbols: a stable LSD radix sort of (address, index) pairs, 11 bits a
 * pass (the counts stay in L1) over only the bits where addresses differ
 * (a kernel's share their top 30 or so), then compare_by_addr within each
 * run of one address.
 */
struct addr_key {
	uint64_t addr;
	size_t index;
};

enum { RADIX_BITS = 11 };

static void radix_pass(const struct addr_key *from, struct addr_key *to, size_t n,
		       unsigned shift, size_t *count)
{
	const uint64_t mask = (1u << RADIX_BITS) - 1;
	memset(count, 0, sizeof(*count) << RADIX_BITS);
	for (size_t i = 0; i < n; i++)
		count[(from[i].addr >> shift) & mask]++;
	size_t sum = 0;
	for (size_t d = 0; d < 1u << RADIX_BITS; d++) {
		size_t c = count[d];
		count[d] = sum;
		sum += c;
	}
	for (size_t i = 0; i < n; i++)
		to[count[(from[i].addr >> shift) & mask]++] = from[i];
}

/* How symbols at one address are ordered, the first naming it. */
enum tie_order {
	TIES_ELF,         /* compare_by_addr */
	TIES_LISTED,      /* compare_listed_by_addr */
	TIES_INPUT_ORDER, /* as given (kallsyms' own order) */
};

static struct kc_error *sort_by_addr(struct kc_symtab *symtab, enum tie_order ties)
{
	size_t n = symtab->nr_symbols;
	if (n < 2)
		return NULL;
	struct addr_key *keys = malloc(2 * n * sizeof(*keys));
	size_t *count = malloc(sizeof(*count) << RADIX_BITS);
	struct kc_symbol *sorted = malloc(n * sizeof(*sorted));
	if (!keys || !count || !sorted) {
		free(keys);
		free(count);
		free(sorted);
		return &kc_error_nomem;
	}
	struct addr_key *from = keys, *to = keys + n;
	uint64_t all_set = 0, all_clear = ~UINT64_C(0);
	for (size_t i = 0; i < n; i++) {
		from[i] = (struct addr_key){symtab->by_addr[i].addr, i};
		all_set |= from[i].addr;
		all_clear &= from[i].addr;
	}
	uint64_t differ = all_set ^ all_clear; /* the bits worth sorting on */
	for (unsigned shift = 0; shift < 64 && differ >> shift; shift += RADIX_BITS) {
		if (!((differ >> shift) & ((1u << RADIX_BITS) - 1)))
			continue;
		radix_pass(from, to, n, shift, count);
		struct addr_key *t = from;
		from = to;
		to = t;
	}
	for (size_t i = 0; i < n; i++)
		sorted[i] = symtab->by_addr[from[i].index];
	for (size_t start = 0, end; start < n; start = end) {
		for (end = start + 1; end < n && sorted[end].addr == sorted[start].addr; end++)
			;
		if (end - start > 1 && ties != TIES_INPUT_ORDER)
			qsort(sorted + start, end - start, sizeof(*sorted),
			      ties == TIES_ELF ? compare_by_addr : compare_listed_by_addr);
	}
	free(keys);
	free(count);
	free(symtab->by_addr);
	symtab->by_addr = sorted;
	return NULL;
}

static uint64_t hash_name(const char *name)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 1099511628211ull;
	return h;
}

static struct kc_error *build_name_hash(struct kc_symtab *symtab)
{
	size_t size = 16;
	while (size < symtab->nr_symbols * 2)
		size *= 2;
	symtab->name_hash = calloc(size, sizeof(*symtab->name_hash));
	symtab->name_tags = malloc(size * sizeof(*symtab->name_tags));
	if (!symtab->name_hash || !symtab->name_tags)
		return &kc_error_nomem;
	symtab->hash_size = size;
	for (size_t i = 0; i < symtab->nr_symbols; i++) {
		uint64_t hash = hash_name(symtab->by_addr[i].name);
		uint32_t tag = (uint32_t)(hash >> 32);
		size_t slot = hash & (size - 1);
		/* Keep the first (lowest-address) symbol of a name. */
		for (;;) {
			uint32_t cur = symtab->name_hash[slot];
			if (!cur) {
				symtab->name_hash[slot] = (uint32_t)i + 1;
				symtab->name_tags[slot] = tag;
				break;
			}
			if (symtab->name_tags[slot] == tag &&
			    strcmp(symtab->by_addr[cur - 1].name, symtab->by_addr[i].name) == 0)
				break;
			slot = (slot + 1) & (size - 1);
		}
	}
	return NULL;
}

bool kc_symtab_is_mapping_symbol(const char *name, size_t len)
{
	return len >= 2 && name[0] == '$' && (name[1] == 'x' || name[1] == 'd') &&
	       (len == 2 || name[2] == '.');
}

static struct kc_error *read_symbols(struct kc_symtab *symtab, Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	while ((scn = elf_nextscn(elf, scn))) {
		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == SHT_SYMTAB)
			break;
	}
	if (!scn)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: no .symtab section (a stripped kernel image?); kcrash needs the vmlinux with symbols",
				       symtab->path);
	Elf_Data *data = elf_getdata(scn, NULL);
	if (!data || shdr.sh_entsize == 0)
		return kc_error_create(KC_ERR_FORMAT, "%s: .symtab: %s",
				       symtab->path, elf_errmsg(-1));
	size_t count = shdr.sh_size / shdr.sh_entsize;
	/*
	 * Names straight from the string table, checked once to end in a NUL
	 * (elf_strptr checks each, a fifth of the load).
	 */
	Elf_Scn *strscn = elf_getscn(elf, shdr.sh_link);
	Elf_Data *strdata = strscn ? elf_getdata(strscn, NULL) : NULL;
	if (!strdata || !strdata->d_size || ((const char *)strdata->d_buf)[strdata->d_size - 1])
		return kc_error_create(KC_ERR_FORMAT, "%s: .symtab's string table: %s",
				       symtab->path, strdata ? "not NUL-terminated" : elf_errmsg(-1));
	const char *strings = strdata->d_buf;
	size_t nr_sections = 0;
	char *types = section_types(elf, &nr_sections);
	symtab->by_addr = malloc((count ? count : 1) * sizeof(*symtab->by_addr));
	if (!symtab->by_addr || !types) {
		free(types);
		return &kc_error_nomem;
	}
	/* An ELF64 table in memory is an array of Elf64_Sym (libelf converted its byte order). */
	const Elf64_Sym *syms64 = gelf_getclass(elf) == ELFCLASS64 && data->d_type == ELF_T_SYM &&
					  data->d_size >= count * sizeof(Elf64_Sym)
				  ? data->d_buf
				  : NULL;
	for (size_t i = 1; i < count; i++) {
		GElf_Sym sym;
		if (syms64)
			sym = syms64[i];
		else if (!gelf_getsym(data, (int)i, &sym))
			continue;
		unsigned type = GELF_ST_TYPE(sym.st_info);
		if (type == STT_SECTION || type == STT_FILE || sym.st_name == 0 ||
		    sym.st_shndx == SHN_UNDEF || sym.st_name >= strdata->d_size)
			continue;
		const char *name = strings + sym.st_name;
		if (!*name || (name[0] == '$' && kc_symtab_is_mapping_symbol(name, strlen(name))))
			continue;
		symtab->by_addr[symtab->nr_symbols++] = (struct kc_symbol){
			.addr = sym.st_value,
			.size = sym.st_size,
			.name = name,
			.type = symbol_type(GELF_ST_BIND(sym.st_info), sym.st_shndx, types,
					    nr_sections),
		};
	}
	free(types);
	struct kc_error *err = sort_by_addr(symtab, TIES_ELF);
	if (err)
		return err;
	return build_name_hash(symtab);
}

static void read_build_id(struct kc_symtab *symtab, Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		size_t offset = 0, name_off, desc_off;
		GElf_Nhdr nhdr;
		while (data && (offset = gelf_getnote(data, offset, &nhdr,
						      &name_off, &desc_off)) > 0) {
			if (nhdr.n_type == NT_GNU_BUILD_ID && nhdr.n_namesz == 4 &&
			    memcmp((char *)data->d_buf + name_off, "GNU", 4) == 0 &&
			    nhdr.n_descsz <= sizeof(symtab->build_id)) {
				memcpy(symtab->build_id,
				       (char *)data->d_buf + desc_off, nhdr.n_descsz);
				symtab->build_id_len = nhdr.n_descsz;
				return;
			}
		}
	}
}

struct kc_error *kc_symtab_load(const char *path, struct kc_symtab **ret)
{
	struct kc_symtab *symtab = calloc(1, sizeof(*symtab));
	if (!symtab)
		return &kc_error_nomem;
	symtab->fd = -1;
	struct kc_error *err = NULL;
	symtab->path = strdup(path);
	if (symtab->path && asprintf(&symtab->origin, "vmlinux %s", path) < 0)
		symtab->origin = NULL;
	if (!symtab->path || !symtab->origin) {
		err = &kc_error_nomem;
		goto fail;
	}
	elf_version(EV_CURRENT);
	symtab->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (symtab->fd < 0) {
		err = kc_error_os(errno, "%s", path);
		goto fail;
	}
	Elf *elf = elf_begin(symtab->fd, ELF_C_READ_MMAP, NULL);
	symtab->elf = elf;
	GElf_Ehdr ehdr;
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr)) {
		err = kc_error_create(KC_ERR_FORMAT, "%s: not an ELF file: %s",
				      path, elf_errmsg(-1));
		goto fail;
	}
	symtab->e_machine = ehdr.e_machine;
	if (ehdr.e_machine != EM_AARCH64) {
		err = kc_error_create(KC_ERR_UNSUPPORTED,
				      "%s: e_machine %u, expected %u (AArch64)",
				      path, ehdr.e_machine, EM_AARCH64);
		goto fail;
	}
	err = read_symbols(symtab, elf);
	if (err)
		goto fail;
	read_build_id(symtab, elf);
	*ret = symtab;
	return NULL;

fail:
	kc_symtab_destroy(symtab);
	return err;
}

static struct kc_error *create(const char *path, const char *origin,
			       struct kc_symbol *symbols, size_t nr, char *names,
			       enum tie_order ties, struct kc_symtab **ret)
{
	struct kc_symtab *symtab = calloc(1, sizeof(*symtab));
	if (!symtab) {
		free(symbols);
		free(names);
		return &kc_error_nomem;
	}
	symtab->fd = -1;
	symtab->by_addr = symbols;
	symtab->nr_symbols = nr;
	symtab->names = names;
	symtab->path = strdup(path);
	symtab->origin = strdup(origin);
	struct kc_error *err = NULL;
	if (!symtab->path || !symtab->origin)
		err = &kc_error_nomem;
	if (!err && nr > UINT32_MAX - 1)
		err = kc_error_create(KC_ERR_FORMAT, "%s: %zu symbols, more than a table holds",
				      path, nr);
	if (!err)
		err = sort_by_addr(symtab, ties);
	if (!err)
		err = build_name_hash(symtab);
	if (err) {
		kc_symtab_destroy(symtab);
		return err;
	}
	*ret = symtab;
	return NULL;
}

struct kc_error *kc_symtab_create(const char *path, const char *origin,
				  struct kc_symbol *symbols, size_t nr,
				  char *names, struct kc_symtab **ret)
{
	return create(path, origin, symbols, nr, names, TIES_LISTED, ret);
}

struct kc_error *kc_symtab_create_ordered(const char *path, const char *origin,
					  struct kc_symbol *symbols, size_t nr,
					  char *names, struct kc_symtab **ret)
{
	return create(path, origin, symbols, nr, names, TIES_INPUT_ORDER, ret);
}

void kc_symtab_destroy(struct kc_symtab *symtab)
{
	if (!symtab)
		return;
	if (symtab->elf)
		elf_end(symtab->elf);
	if (symtab->fd >= 0)
		close(symtab->fd);
	free(symtab->by_addr);
	free(symtab->name_hash);
	free(symtab->name_tags);
	free(symtab->names);
	free(symtab->path);
	free(symtab->origin);
	free(symtab);
}

const struct kc_symbol *kc_symtab_lookup(const struct kc_symtab *symtab,
					 const char *name)
{
	if (!symtab->hash_size)
		return NULL;
	uint64_t hash = hash_name(name);
	uint32_t tag = (uint32_t)(hash >> 32);
	size_t slot = hash & (symtab->hash_size - 1);
	for (;;) {
		uint32_t cur = symtab->name_hash[slot];
		if (!cur)
			return NULL;
		if (symtab->name_tags[slot] == tag && strcmp(symtab->by_addr[cur - 1].name, name) == 0)
			return &symtab->by_addr[cur - 1];
		slot = (slot + 1) & (symtab->hash_size - 1);
	}
}

const struct kc_symbol *kc_symtab_lookup_addr(const struct kc_symtab *symtab,
					      uint64_t addr)
{
	size_t lo = 0, hi = symtab->nr_symbols;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (symtab->by_addr[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* The last symbol at or below ADDR that is not absolute. */
	while (lo > 0) {
		const struct kc_symbol *sym = &symtab->by_addr[lo - 1];
		if (sym->type != 'a' && sym->type != 'A') {
			/* At one address, the first in sort order (global) wins. */
			while (lo > 1 && symtab->by_addr[lo - 2].addr == sym->addr &&
			       symtab->by_addr[lo - 2].type != 'a' &&
			       symtab->by_addr[lo - 2].type != 'A')
				sym = &symtab->by_addr[--lo - 1];
			return sym;
		}
		lo--;
	}
	return NULL;
}

void kc_symtab_build_id_hex(const struct kc_symtab *symtab, char *buf)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < symtab->build_id_len; i++) {
		buf[2 * i] = digits[symtab->build_id[i] >> 4];
		buf[2 * i + 1] = digits[symtab->build_id[i] & 15];
	}
	buf[2 * symtab->build_id_len] = '\0';
}

struct kc_error *kc_symtab_read_string(const struct kc_symtab *symtab,
				       uint64_t addr, char *buf, size_t len)
{
	Elf *elf = symtab->elf;
	if (!elf)
		return kc_error_create(KC_ERR_LOOKUP,
				       "%s: symbols only, no contents at 0x%llx",
				       symtab->origin, (unsigned long long)addr);
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) || !(shdr.sh_flags & SHF_ALLOC) ||
		    shdr.sh_type == SHT_NOBITS || addr < shdr.sh_addr ||
		    addr - shdr.sh_addr >= shdr.sh_size)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data || data->d_size != shdr.sh_size)
			break;
		size_t at = (size_t)(addr - shdr.sh_addr);
		size_t n = data->d_size - at < len - 1 ? data->d_size - at : len - 1;
		memcpy(buf, (const char *)data->d_buf + at, n);
		buf[n] = '\0';
		return NULL;
	}
	return kc_error_create(KC_ERR_LOOKUP,
			       "%s: no section holds the contents of 0x%llx",
			       symtab->path, (unsigned long long)addr);
}

struct kc_error *kc_symtab_keep_kallsyms_like(struct kc_symtab *symtab)
{
	const struct kc_symbol *stext = kc_symtab_lookup(symtab, "_stext");
	const struct kc_symbol *etext = kc_symtab_lookup(symtab, "_etext");
	const struct kc_symbol *sinit = kc_symtab_lookup(symtab, "_sinittext");
	const struct kc_symbol *einit = kc_symtab_lookup(symtab, "_einittext");
	if (!stext || !etext)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: no _stext/_etext to tell text from data",
				       symtab->path);
	/* Addresses first: the loop below overwrites the array they point into. */
	uint64_t text_start = stext->addr, text_end = etext->addr;
	bool has_init = sinit && einit;
	uint64_t init_start = has_init ? sinit->addr : 0;
	uint64_t init_end = has_init ? einit->addr : 0;
	size_t kept = 0;
	for (size_t i = 0; i < symtab->nr_symbols; i++) {
		struct kc_symbol sym = symtab->by_addr[i];
		bool text = (sym.addr >= text_start && sym.addr <= text_end) ||
			    (has_init && sym.addr >= init_start && sym.addr <= init_end);
		/*
		 * scripts/kallsyms.c (v5.10, v6.1) drops other symbols at
		 * _etext and _einittext: they may move between its passes.
		 */
		if ((sym.addr == text_end && strcmp(sym.name, "_etext") != 0) ||
		    (has_init && sym.addr == init_end && strcmp(sym.name, "_einittext") != 0))
			text = false;
		if (!text)
			continue;
		sym.size = 0; /* kallsyms has no sizes */
		symtab->by_addr[kept++] = sym;
	}
	symtab->nr_symbols = kept;
	free(symtab->name_hash);
	free(symtab->name_tags);
	symtab->name_hash = NULL;
	symtab->name_tags = NULL;
	symtab->hash_size = 0;
	return build_name_hash(symtab);
}
