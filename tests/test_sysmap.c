/* SPDX-License-Identifier: MIT */
/*
 * System.map and /proc/kallsyms copies (src/sysmap.c) against the real
 * fixtures: every symbol a fixture's System.map lists must be in its
 * vmlinux's ELF symtab at the same link-time address; the guest's own
 * /proc/kallsyms (run-time addresses, KASLR on) must load to the System.map's
 * link-time addresses; bad input must give one-line errors naming the line.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "harness.h"
#include "symtab.h"
#include "sysmap.h"
#include "vmcoreinfo.h"

/* What the dump says about where the kernel ran (the fixture's VMCOREINFO). */
struct runtime_facts {
	uint64_t stext;        /* SYMBOL(_stext): run-time */
	uint64_t kaslr_offset; /* KERNELOFFSET */
};

static bool read_runtime_facts(const char *fixture, struct runtime_facts *facts)
{
	const char *path = kc_test_fixture(fixture, "vmcoreinfo.txt");
	if (!path)
		return false;
	size_t len = 0;
	char *text = kc_test_read_file(path, &len);
	struct kc_vmcoreinfo *info = NULL;
	struct kc_error *err = text ? kc_vmcoreinfo_parse(text, len, &info) : &kc_error_nomem;
	if (!err)
		err = kc_vmcoreinfo_symbol(info, "_stext", &facts->stext);
	if (!err)
		err = kc_vmcoreinfo_u64(info, "KERNELOFFSET", &facts->kaslr_offset);
	bool ok = !err;
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s: %s", path, kc_error_message(err));
		kc_error_destroy(err);
	}
	kc_vmcoreinfo_destroy(info);
	free(text);
	return ok;
}

/* The symbol NAME at ADDR in SYMTAB (names repeat: static functions), or NULL. */
static const struct kc_symbol *symbol_at(const struct kc_symtab *symtab, const char *name,
					 uint64_t addr)
{
	size_t lo = 0, hi = symtab->nr_symbols;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (symtab->by_addr[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < symtab->nr_symbols && symtab->by_addr[lo].addr == addr; lo++) {
		if (strcmp(symtab->by_addr[lo].name, name) == 0)
			return &symtab->by_addr[lo];
	}
	return NULL;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* KC_SYSMAP_LOAD's error message (malloc'd), or NULL after recording that it loaded. */
static char *load_error(const char *path, uint64_t runtime_stext, bool kaslr_known,
			uint64_t kaslr_offset)
{
	struct kc_symtab *symtab = NULL;
	struct kc_error *err = kc_sysmap_load(path, runtime_stext, kaslr_known, kaslr_offset,
					      &symtab);
	if (!err) {
		kc_test_fail(__FILE__, __LINE__, "%s loaded (%zu symbols), expected an error",
			     path, symtab->nr_symbols);
		kc_symtab_destroy(symtab);
		return NULL;
	}
	char *message = strdup(kc_error_message(err));
	kc_error_destroy(err);
	if (getenv("KC_TEST_VERBOSE"))
		printf("  %s\n", message);
	CHECK_MSG(message && !strchr(message, '\n'), "not one line: %s", message);
	return message;
}

/* A scratch file NAME holding LEN bytes of DATA; its path (static buffer). */
static const char *write_scratch(const char *name, const void *data, size_t len)
{
	static char path[4096];
	snprintf(path, sizeof(path), "%s/sysmap-%s", kc_test_scratch_dir(), name);
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(data, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = false;
	CHECK_MSG(ok, "could not write %s", path);
	return path;
}

static struct kc_symtab *load_ok(const char *path, uint64_t runtime_stext, bool kaslr_known,
				 uint64_t kaslr_offset)
{
	struct kc_symtab *symtab = NULL;
	struct kc_error *err = kc_sysmap_load(path, runtime_stext, kaslr_known, kaslr_offset,
					      &symtab);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s: %s", path, kc_error_message(err));
		kc_error_destroy(err);
		return NULL;
	}
	return symtab;
}

/*
 * What a fixture's System.map leaves out of the vmlinux's ELF symtab:
 * local absolute symbols (scripts/mksysmap drops ' a '; here only
 * _GLOBAL_OFFSET_TABLE_) and, from v6.1, the export tables' strings
 * (__kstrtab_*, __kstrtabns_*; 8460 of them on 6.1, none listed on 5.10).
 * Nothing else: the counts must agree exactly once these are set aside.
 */
static bool mksysmap_drops(const struct kc_symbol *sym, bool v6)
{
	return sym->type == 'a' ||
	       (v6 && (starts_with(sym->name, "__kstrtab_") || starts_with(sym->name, "__kstrtabns_")));
}

static void check_map_against_vmlinux(const char *fixture)
{
	struct runtime_facts facts;
	if (!read_runtime_facts(fixture, &facts))
		return;
	const char *vmlinux_path = kc_test_fixture_vmlinux(fixture);
	const char *map_path = kc_test_fixture(fixture, "System.map");
	if (!vmlinux_path || !map_path)
		return;
	struct kc_symtab *map = load_ok(map_path, facts.stext, true, facts.kaslr_offset);
	struct kc_symtab *elf = NULL;
	struct kc_error *err = kc_symtab_load(vmlinux_path, &elf);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s: %s", fixture, kc_error_message(err));
		kc_error_destroy(err);
	}
	if (!map || !elf) {
		kc_symtab_destroy(map);
		kc_symtab_destroy(elf);
		return;
	}
	char origin[4200];
	snprintf(origin, sizeof(origin), "System.map %s", map_path);
	CHECK_STR(map->origin, origin);

	/* Every System.map symbol, in the ELF symtab at its address, same type. */
	size_t matched = 0, same_type = 0, missing = 0;
	for (size_t i = 0; i < map->nr_symbols; i++) {
		const struct kc_symbol *sym = &map->by_addr[i];
		CHECK(sym->size == 0);
		const struct kc_symbol *in_elf = symbol_at(elf, sym->name, sym->addr);
		if (!in_elf) {
			if (missing++ < 10)
				kc_test_fail(__FILE__, __LINE__, "%s: System.map's %c %s at 0x%llx is not in the vmlinux symtab there",
					     fixture, sym->type, sym->name, (unsigned long long)sym->addr);
			continue;
		}
		matched++;
		if (in_elf->type == sym->type)
			same_type++;
		else
			CHECK_MSG(false, "%s: %s is '%c' in System.map, '%c' in the symtab", fixture,
				  sym->name, sym->type, in_elf->type);
	}
	/* And the other way round, but for what mksysmap drops. */
	bool v6 = strstr(fixture, "-6.") != NULL;
	size_t dropped = 0, unlisted = 0;
	for (size_t i = 0; i < elf->nr_symbols; i++) {
		const struct kc_symbol *sym = &elf->by_addr[i];
		if (mksysmap_drops(sym, v6)) {
			dropped++;
			continue;
		}
		if (!symbol_at(map, sym->name, sym->addr) && unlisted++ < 10)
			kc_test_fail(__FILE__, __LINE__, "%s: the symtab's %c %s at 0x%llx is not in System.map",
				     fixture, sym->type, sym->name, (unsigned long long)sym->addr);
	}
	CHECK_MSG(map->nr_symbols + dropped == elf->nr_symbols,
		  "%s: %zu System.map symbols + %zu dropped by mksysmap != %zu in the symtab",
		  fixture, map->nr_symbols, dropped, elf->nr_symbols);
	CHECK_MSG(map->nr_symbols > 20000, "%s: only %zu symbols", fixture, map->nr_symbols);

	static const char *const landmarks[] = {
		"_stext", "_text", "_etext", "init_task", "swapper_pg_dir",
	};
	for (size_t i = 0; i < sizeof(landmarks) / sizeof(landmarks[0]); i++) {
		const struct kc_symbol *in_map = kc_symtab_lookup(map, landmarks[i]);
		const struct kc_symbol *in_elf = kc_symtab_lookup(elf, landmarks[i]);
		if (CHECK_MSG(in_map && in_elf, "%s: %s missing", fixture, landmarks[i]))
			CHECK_EQ_U64(in_map->addr, in_elf->addr);
	}
	/* Link-time: the dump's run-time _stext is KASLR_OFFSET above it. */
	const struct kc_symbol *stext = kc_symtab_lookup(map, "_stext");
	if (stext)
		CHECK_EQ_U64(stext->addr + facts.kaslr_offset, facts.stext);
	/* Name and address lookups: the symbols the ELF symtab gives. */
	const struct kc_symbol *init_task = kc_symtab_lookup(map, "init_task");
	if (init_task) {
		const struct kc_symbol *at = kc_symtab_lookup_addr(map, init_task->addr + 8);
		CHECK(at && strcmp(at->name, "init_task") == 0);
	}
	printf("    %s: %zu System.map symbols, all %zu at their symtab address and type (%zu); symtab %zu = %zu + %zu mksysmap drops\n",
	       fixture, map->nr_symbols, matched, same_type, elf->nr_symbols, map->nr_symbols,
	       dropped);
	kc_symtab_destroy(map);
	kc_symtab_destroy(elf);
}

KC_TEST(sysmap_matches_vmlinux_every_fixture)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++)
		check_map_against_vmlinux(kc_test_fixture_names[f]);
}

/* The whole of gzip file PATH (malloc'd, NUL-terminated), or NULL. */
static char *gunzip_file(const char *path, size_t *len_ret)
{
	gzFile gz = gzopen(path, "rb");
	if (!gz)
		return NULL;
	size_t capacity = 1 << 20, len = 0;
	char *text = malloc(capacity + 1);
	int n = 0;
	while (text && (n = gzread(gz, text + len, (unsigned)(capacity - len))) > 0) {
		len += (size_t)n;
		if (len == capacity) {
			char *bigger = realloc(text, 2 * capacity + 1);
			if (!bigger) {
				free(text);
				text = NULL;
				break;
			}
			text = bigger;
			capacity *= 2;
		}
	}
	gzclose(gz);
	if (n < 0) {
		free(text);
		return NULL;
	}
	if (text) {
		text[len] = '\0';
		*len_ret = len;
	}
	return text;
}

/* A fixture's /proc/kallsyms from the crashed boot, unpacked into the scratch directory. */
static char *unpack_kallsyms(const char *fixture, size_t *len)
{
	const char *gz_path = kc_test_fixture(fixture, "ground-truth/kallsyms.full.gz");
	if (!gz_path)
		return NULL;
	char *text = gunzip_file(gz_path, len);
	CHECK_MSG(text != NULL, "could not gunzip %s", gz_path);
	return text;
}

/* Lines of TEXT with a "[module]" suffix, and the names on them. */
static size_t count_module_lines(const char *text)
{
	size_t count = 0;
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (memchr(line, '[', len))
			count++;
		line += len + (end != NULL);
	}
	return count;
}

static size_t count_lines(const char *text)
{
	size_t count = 0;
	for (; *text; text++)
		count += *text == '\n';
	return count;
}

/*
 * What /proc/kallsyms leaves out of System.map: absolute symbols and
 * scripts/kallsyms' own tables (kallsyms_names, kallsyms_offsets, ...).
 */
static bool kallsyms_omits(const struct kc_symbol *sym)
{
	static const char *const tables[] = {
		"kallsyms_addresses", "kallsyms_offsets", "kallsyms_relative_base",
		"kallsyms_num_syms", "kallsyms_names", "kallsyms_markers",
		"kallsyms_token_table", "kallsyms_token_index", "kallsyms_seqs_of_names",
	};
	if (sym->type == 'A' || sym->type == 'a')
		return true;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (strcmp(sym->name, tables[i]) == 0)
			return true;
	}
	return false;
}

static void check_kallsyms_copy(const char *fixture)
{
	struct runtime_facts facts;
	if (!read_runtime_facts(fixture, &facts))
		return;
	const char *map_path = kc_test_fixture(fixture, "System.map");
	size_t len = 0;
	char *text = map_path ? unpack_kallsyms(fixture, &len) : NULL;
	if (!text)
		return;
	char name[64];
	snprintf(name, sizeof(name), "kallsyms-%s", fixture);
	char *copy_path = strdup(write_scratch(name, text, len));
	struct kc_symtab *map = load_ok(map_path, facts.stext, true, facts.kaslr_offset);
	struct kc_symtab *copy = copy_path ? load_ok(copy_path, facts.stext, true, facts.kaslr_offset)
					   : NULL;
	if (!map || !copy)
		goto out;
	char origin[4200];
	snprintf(origin, sizeof(origin),
		 "kallsyms copy %s (run-time addresses, KASLR offset 0x%llx subtracted)", copy_path,
		 (unsigned long long)facts.kaslr_offset);
	CHECK_STR(copy->origin, origin);

	/* Every core line kept, every module line left out. */
	size_t module_lines = count_module_lines(text);
	CHECK_MSG(module_lines >= 20, "%s: %zu module lines", fixture, module_lines);
	CHECK_MSG(copy->nr_symbols == count_lines(text) - module_lines,
		  "%s: %zu symbols from %zu lines, %zu of them modules'", fixture,
		  copy->nr_symbols, count_lines(text), module_lines);
	CHECK(kc_symtab_lookup(copy, "kcrash_vbuf") == NULL);
	CHECK(kc_symtab_lookup(copy, "__ksymtab_kcrash_vbuf") == NULL);

	/* Each at its System.map link-time address with its type. */
	size_t matched = 0, wrong = 0;
	for (size_t i = 0; i < copy->nr_symbols; i++) {
		const struct kc_symbol *sym = &copy->by_addr[i];
		const struct kc_symbol *in_map = symbol_at(map, sym->name, sym->addr);
		if (in_map && in_map->type == sym->type) {
			matched++;
			continue;
		}
		if (wrong++ < 10)
			kc_test_fail(__FILE__, __LINE__, "%s: kallsyms' %c %s is at link-time 0x%llx, not in System.map there",
				     fixture, sym->type, sym->name, (unsigned long long)sym->addr);
	}
	/* And each System.map symbol but what kallsyms omits is in the copy. */
	size_t omitted = 0, absent = 0;
	for (size_t i = 0; i < map->nr_symbols; i++) {
		const struct kc_symbol *sym = &map->by_addr[i];
		if (kallsyms_omits(sym)) {
			omitted++;
			continue;
		}
		if (!symbol_at(copy, sym->name, sym->addr) && absent++ < 10)
			kc_test_fail(__FILE__, __LINE__, "%s: System.map's %c %s at 0x%llx is not in the kallsyms copy",
				     fixture, sym->type, sym->name, (unsigned long long)sym->addr);
	}
	CHECK_MSG(copy->nr_symbols + omitted == map->nr_symbols,
		  "%s: %zu kallsyms + %zu omitted != %zu System.map symbols", fixture,
		  copy->nr_symbols, omitted, map->nr_symbols);
	printf("    %s: kallsyms copy %zu core symbols (%zu module lines skipped), %zu at System.map's link-time address; System.map %zu = %zu + %zu absolute or kallsyms tables\n",
	       fixture, copy->nr_symbols, module_lines, matched, map->nr_symbols, copy->nr_symbols,
	       omitted);
out:
	kc_symtab_destroy(map);
	kc_symtab_destroy(copy);
	free(copy_path);
	free(text);
}

KC_TEST(sysmap_kallsyms_copy_every_fixture)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++)
		check_kallsyms_copy(kc_test_fixture_names[f]);
}

/* The same copy with every address zeroed, as a non-root cat prints it. */
KC_TEST(sysmap_kallsyms_copy_without_root)
{
	const char *fixture = "arm64-6.1-4k48";
	size_t len = 0;
	char *text = unpack_kallsyms(fixture, &len);
	if (!text)
		return;
	for (char *line = text; line < text + len;) {
		for (char *c = line; c < text + len && *c != ' ' && *c != '\n'; c++)
			*c = '0';
		char *end = memchr(line, '\n', (size_t)(text + len - line));
		line = end ? end + 1 : text + len;
	}
	const char *path = write_scratch("kallsyms-zero", text, len);
	char *message = load_error(path, 0xffffa220d1210000ull, true, 0x2220c9200000ull);
	CHECK_MSG(message && strstr(message, "addresses are all zero: copied without root (kptr_restrict)") &&
		  starts_with(message, path), "%s", message);
	free(message);
	free(text);
}

/* Another kernel's map: both _stext addresses named. */
KC_TEST(sysmap_wrong_kernel)
{
	struct runtime_facts facts;
	if (!read_runtime_facts("arm64-6.1-4k48", &facts))
		return;
	KC_FIXTURE_OR_RETURN(other_map, "arm64-5.10-4k39", "System.map");
	char *message = load_error(other_map, facts.stext, true, facts.kaslr_offset);
	CHECK_MSG(message && strstr(message, "0xffffffc010000800") &&
		  strstr(message, "0xffffa220d1210000") && strstr(message, "another kernel"),
		  "%s", message);
	free(message);
	/* The run-time copy of a 6.1 boot against the other 6.1 builds' dumps. */
	struct runtime_facts other;
	if (!read_runtime_facts("arm64-6.1-16k47", &other))
		return;
	size_t len = 0;
	char *text = unpack_kallsyms("arm64-6.1-4k48", &len);
	if (!text)
		return;
	const char *path = write_scratch("kallsyms-4k48", text, len);
	message = load_error(path, other.stext, true, other.kaslr_offset);
	CHECK_MSG(message && strstr(message, "0xffffa220d1210000") &&
		  strstr(message, "0xffffdb2113610000"), "%s", message);
	free(message);
	free(text);
}

/* With nothing to check against, a map is taken as link-time as it is. */
KC_TEST(sysmap_runtime_unknown)
{
	KC_FIXTURE_OR_RETURN(map_path, "arm64-5.10-4k39", "System.map");
	struct kc_symtab *map = load_ok(map_path, 0, false, 0);
	if (!map)
		return;
	const struct kc_symbol *stext = kc_symtab_lookup(map, "_stext");
	CHECK(stext && stext->addr == 0xffffffc010000800ull && stext->type == 'T');
	CHECK(starts_with(map->origin, "System.map "));
	/* 30643 lines, no module or undefined ones to skip. */
	CHECK_EQ_U64(map->nr_symbols, 30643);
	kc_symtab_destroy(map);
}

/* The real 4k48 map with line LINE_NR replaced by REPLACEMENT. */
static char *map_with_line(const char *map, size_t line_nr, const char *replacement, size_t *len)
{
	const char *line = map;
	for (size_t n = 1; n < line_nr && line; n++) {
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	if (!line)
		return NULL;
	const char *rest = strchr(line, '\n');
	rest = rest ? rest : line + strlen(line);
	size_t head = (size_t)(line - map), repl = strlen(replacement);
	char *text = malloc(head + repl + strlen(rest) + 1);
	if (!text)
		return NULL;
	memcpy(text, map, head);
	memcpy(text + head, replacement, repl);
	strcpy(text + head + repl, rest);
	*len = head + repl + strlen(rest);
	return text;
}

KC_TEST(sysmap_bad_lines)
{
	KC_FIXTURE_OR_RETURN(map_path, "arm64-6.1-4k48", "System.map");
	char *map = kc_test_read_file(map_path, NULL);
	REQUIRE(map);
	static const struct {
		const char *line, *problem;
	} cases[] = {
		{"ffff800008123456 T", "no name after the type"},
		{"ffff800008123456", "nothing after the address"},
		{"ffff80000812", "nothing after the address"},
		{"ffff800008123456 ", "no type after the address"},
		{"hello world", "no hex address at the start"},
		{"ffff80000812345g T x", "a non-hex character in the address"},
		{"1ffff800008123456 T x", "an address of more than 16 hex digits"},
		{"ffff800008123456 Tt x", "a type of more than one letter"},
		{"ffff800008123456 1 x", "a type that is not a letter"},
		{"ffff800008123456 T two names", "text after the name"},
		{"ffff800008123456 T x\t[mod", "an unterminated [module]"},
		{"ffff800008123456 T x\t[mod] y", "text after the [module]"},
		{"ffff800008123456 T caf\xc3\xa9", "a control or non-ASCII byte in the name"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = 0;
		char *text = map_with_line(map, 1234, cases[i].line, &len);
		REQUIRE(text);
		const char *path = write_scratch("bad-line", text, len);
		char *message = load_error(path, 0xffffa220d1210000ull, true, 0x2220c9200000ull);
		char want[4200];
		snprintf(want, sizeof(want), "%s:1234: expected 'ADDRESS TYPE NAME', got %s", path,
			 cases[i].problem);
		CHECK_MSG(message && starts_with(message, want), "case \"%s\": %s", cases[i].line,
			  message);
		free(message);
		free(text);
	}
	/* A NUL byte inside a name, named as such. */
	size_t len = 0;
	char *text = map_with_line(map, 7, "ffff800008123456 T ab", &len);
	REQUIRE(text);
	char *nul = strstr(text, " T ab");
	REQUIRE(nul);
	nul[4] = '\0';
	const char *path = write_scratch("nul", text, len);
	char *message = load_error(path, 0, false, 0);
	CHECK_MSG(message && strstr(message, ":7: expected 'ADDRESS TYPE NAME', got a NUL byte at column 21 in \"ffff800008123456 T a\\x00\""),
		  "%s", message);
	free(message);
	free(text);
	free(map);
}

KC_TEST(sysmap_empty_garbage_and_no_stext)
{
	const char *path = write_scratch("empty", "", 0);
	char *message = load_error(path, 0, false, 0);
	CHECK_MSG(message && strstr(message, "empty file"), "%s", message);
	free(message);

	static const char blank[] = "\n  \r\n\t\n";
	path = write_scratch("blank", blank, sizeof(blank) - 1);
	message = load_error(path, 0, false, 0);
	CHECK_MSG(message && strstr(message, "no kernel symbols"), "%s", message);
	free(message);

	static const char modules_only[] =
		"ffffa220830d3024 r _note_10\t[kcrash_testmod]\n"
		"ffffa220830d2000 t kcrash_crash\t[kcrash_testmod]\n"
		"0000000000000000 U printk\n";
	path = write_scratch("modules-only", modules_only, sizeof(modules_only) - 1);
	message = load_error(path, 0, false, 0);
	CHECK_MSG(message && strstr(message, "no kernel symbols"), "%s", message);
	free(message);

	static const char no_stext[] = "ffff800008000000 T _text\nffff800008010000 T gic_handle_irq\n";
	path = write_scratch("no-stext", no_stext, sizeof(no_stext) - 1);
	message = load_error(path, 0, false, 0);
	CHECK_MSG(message && strstr(message, "no _stext symbol"), "%s", message);
	free(message);

	/* Debian's /boot/System.map-RELEASE (linux-image-6.1.0-57-arm64 6.1.192-3). */
	static const char placeholder[] =
		"ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n";
	path = write_scratch("debian-placeholder", placeholder, sizeof(placeholder) - 1);
	message = load_error(path, 0, false, 0);
	CHECK_MSG(message && strstr(message, "a placeholder") &&
		  strstr(message, "leave out --symbols"), "%s", message);
	free(message);

	/* A vmlinux given for a map: its ELF header is line 1. */
	const char *vmlinux = kc_test_fixture_vmlinux("arm64-6.1-4k48");
	if (vmlinux) {
		message = load_error(vmlinux, 0, false, 0);
		CHECK_MSG(message && strstr(message, ":1: expected 'ADDRESS TYPE NAME', got no hex address at the start"),
			  "%s", message);
		free(message);
	}
	/* Endless binary input: read up to its first NUL, not forever. */
	message = load_error("/dev/zero", 0, false, 0);
	CHECK_MSG(message && strstr(message, "/dev/zero:1: expected 'ADDRESS TYPE NAME', got a NUL byte at column 1"),
		  "%s", message);
	free(message);
	char missing[4200];
	snprintf(missing, sizeof(missing), "%s/sysmap-does-not-exist", kc_test_scratch_dir());
	message = load_error(missing, 0, false, 0);
	CHECK_MSG(message && strstr(message, "No such file"), "%s", message);
	free(message);
}

/* CRLF, no newline at the end, blank lines, long names: all load. */
KC_TEST(sysmap_tolerated_forms)
{
	static const char crlf[] =
		"0000000000000200 A PECOFF_FILE_ALIGNMENT\r\n"
		"\r\n"
		"ffff800008000000 T _text\r\n"
		"ffff800008010000 t $x\r\n"
		"ffff800008010000 T _stext\r\n"
		"0000000000000000 w __weak_undefined\r\n"
		"ffff800008010100 W weak_defined\r\n"
		"ffff800008010200 t last_without_newline";
	const char *path = write_scratch("crlf", crlf, sizeof(crlf) - 1);
	struct kc_symtab *map = load_ok(path, 0xffffa220d1210000ull, true,
					0xffffa220d1210000ull - 0xffff800008010000ull);
	if (!map)
		return;
	/* $x (a mapping symbol) and w (undefined) left out, A kept. */
	CHECK_EQ_U64(map->nr_symbols, 5);
	const struct kc_symbol *sym = kc_symtab_lookup(map, "last_without_newline");
	CHECK(sym && sym->addr == 0xffff800008010200ull && sym->type == 't');
	sym = kc_symtab_lookup(map, "PECOFF_FILE_ALIGNMENT");
	CHECK(sym && sym->addr == 0x200 && sym->type == 'A');
	CHECK(kc_symtab_lookup(map, "$x") == NULL);
	CHECK(kc_symtab_lookup(map, "__weak_undefined") == NULL);
	sym = kc_symtab_lookup_addr(map, 0xffff800008010010ull);
	CHECK(sym && strcmp(sym->name, "_stext") == 0);
	kc_symtab_destroy(map);

	/* A 1 MiB name is bounded by the file, not by a fixed buffer. */
	size_t name_len = 1 << 20;
	char *text = malloc(name_len + 64);
	REQUIRE(text);
	int head = sprintf(text, "ffff800008010000 T _stext\nffff800008020000 t ");
	memset(text + head, 'x', name_len);
	path = write_scratch("long-name", text, (size_t)head + name_len);
	map = load_ok(path, 0, false, 0);
	if (map) {
		sym = kc_symtab_lookup_addr(map, 0xffff800008020000ull);
		CHECK(sym && strlen(sym->name) == name_len);
		kc_symtab_destroy(map);
	}
	free(text);
}

/* A run-time copy's absolute symbols are not moved by KASLR. */
KC_TEST(sysmap_runtime_copy_keeps_absolute)
{
	static const char copy[] =
		"0000000000000200 A PECOFF_FILE_ALIGNMENT\n"
		"ffffa220d1210000 T _stext\n"
		"ffffa220d1210100 t helper\n"
		"ffffa220830d2000 t kcrash_crash\t[kcrash_testmod]\n";
	const char *path = write_scratch("runtime-absolute", copy, sizeof(copy) - 1);
	struct kc_symtab *map = load_ok(path, 0xffffa220d1210000ull, true, 0x2220c9200000ull);
	if (!map)
		return;
	CHECK_EQ_U64(map->nr_symbols, 3);
	const struct kc_symbol *sym = kc_symtab_lookup(map, "PECOFF_FILE_ALIGNMENT");
	CHECK(sym && sym->addr == 0x200);
	sym = kc_symtab_lookup(map, "helper");
	CHECK(sym && sym->addr == 0xffff800008010100ull);
	CHECK(kc_symtab_lookup(map, "kcrash_crash") == NULL);
	CHECK(starts_with(map->origin, "kallsyms copy "));
	kc_symtab_destroy(map);

	/* A "run-time" address below the offset is no kernel address. */
	static const char low[] = "ffffa220d1210000 T _stext\n0000000000001000 t low\n";
	path = write_scratch("runtime-low", low, sizeof(low) - 1);
	char *message = load_error(path, 0xffffa220d1210000ull, true, 0x2220c9200000ull);
	CHECK_MSG(message && strstr(message, "low at 0x1000, below the KASLR offset 0x2220c9200000"),
		  "%s", message);
	free(message);
}
