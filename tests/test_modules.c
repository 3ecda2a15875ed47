/* SPDX-License-Identifier: MIT */
/*
 * Modules and symbols on the real fixtures, against what the running
 * kernel wrote: /proc/modules (kdump-snapshot/modules.txt, facts.txt),
 * /proc/kallsyms (kallsyms.full.gz: run-time addresses, KASLR and modules
 * included) and the test module's own report of its kmalloc'd objects.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "harness.h"
#include "kernel.h"
#include "modules.h"
#include "session.h"
#include "symbols.h"

static char *ground_truth(const char *fixture, const char *file)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/%s", kc_test_fixtures_dir(),
		 fixture, file);
	return kc_test_read_file(path, NULL);
}

/* ---- /proc/modules ------------------------------------------------------- */

static void check_module_list(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	char *text = ground_truth(fixture, "kdump-snapshot/modules.txt");
	REQUIRE(text);
	const struct kc_modules *modules;
	struct kc_error *err = kc_modules_get(session, &modules);
	CHECK_MSG(!err, "%s: %s", fixture, err ? kc_error_message(err) : "");
	kc_error_destroy(err);
	size_t expected = 0;
	for (char *line = strtok(text, "\n"); !err && line; line = strtok(NULL, "\n")) {
		/* name size refcount deps state base [taint] */
		char name[64], deps[256], state[32];
		unsigned long long size, base;
		int refs;
		if (sscanf(line, "%63s %llu %d %255s %31s %llx", name, &size, &refs, deps,
			   state, &base) != 6)
			continue;
		expected++;
		const struct kc_module *mod = kc_module_find(modules, name);
		CHECK_MSG(mod, "%s: module %s not found", fixture, name);
		if (!mod)
			continue;
		CHECK_EQ_U64(mod->size, size);
		CHECK_EQ_U64(mod->text_base, base);
		CHECK_MSG(mod->state == 0, "%s: %s state %lld", fixture, name, (long long)mod->state);
		CHECK_MSG(mod->symbols && mod->nr_symbols > 0, "%s: %s has no symbols", fixture, name);
	}
	if (!err)
		CHECK_EQ_U64(modules->nr_modules, expected);
	char *base = kc_test_fact(fixture, "module.kcrash_testmod.base");
	char *size = kc_test_fact(fixture, "module.kcrash_testmod.size");
	const struct kc_module *mod = err ? NULL : kc_module_find(modules, "kcrash_testmod");
	CHECK(base && size && mod);
	if (base && size && mod) {
		CHECK_EQ_U64(mod->text_base, strtoull(base, NULL, 16));
		CHECK_EQ_U64(mod->size, strtoull(size, NULL, 10));
		CHECK(kc_module_by_address(modules, mod->text_base) == mod);
		CHECK(kc_module_by_address(modules, mod->text_base - 1) == NULL ||
		      kc_module_by_address(modules, mod->text_base - 1) != mod);
	}
	free(base);
	free(size);
	free(text);
	kc_session_destroy(session);
}

KC_TEST(modules_list_matches_proc_modules)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++)
		check_module_list(kc_test_fixture_names[i]);
}

/* ---- /proc/kallsyms ------------------------------------------------------ */

struct ksym {
	uint64_t addr;
	char type;
	char *name;
	char *module; /* NULL for the core kernel */
};

struct kallsyms {
	struct ksym *syms;
	size_t count;
};

static int compare_by_name(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->addr > y->addr) - (x->addr < y->addr);
}

static int compare_by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	return (x->addr > y->addr) - (x->addr < y->addr);
}

static bool read_kallsyms(const char *fixture, struct kallsyms *ks)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/kallsyms.full.gz",
		 kc_test_fixtures_dir(), fixture);
	gzFile gz = gzopen(path, "rb");
	if (!gz)
		return false;
	size_t capacity = 0;
	char line[1024];
	memset(ks, 0, sizeof(*ks));
	while (gzgets(gz, line, sizeof(line))) {
		char name[512], module[128] = "";
		unsigned long long addr;
		char type;
		int n = sscanf(line, "%llx %c %511s [%127[^]]]", &addr, &type, name, module);
		if (n < 3)
			continue;
		if (ks->count == capacity) {
			capacity = capacity ? capacity * 2 : 65536;
			ks->syms = realloc(ks->syms, capacity * sizeof(*ks->syms));
		}
		ks->syms[ks->count++] = (struct ksym){addr, type, strdup(name),
						      n == 4 ? strdup(module) : NULL};
	}
	gzclose(gz);
	return ks->count > 0;
}

static void free_kallsyms(struct kallsyms *ks)
{
	for (size_t i = 0; i < ks->count; i++) {
		free(ks->syms[i].name);
		free(ks->syms[i].module);
	}
	free(ks->syms);
}

/* Entries of BY_NAME (sorted by name) called NAME in MODULE (NULL: core). */
static bool name_has_address(const struct kallsyms *by_name, const char *name,
			     const char *module, uint64_t addr)
{
	struct ksym key = {0, 0, (char *)name, NULL};
	size_t lo = 0, hi = by_name->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(by_name->syms[mid].name, key.name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < by_name->count && strcmp(by_name->syms[lo].name, name) == 0; lo++) {
		const struct ksym *s = &by_name->syms[lo];
		bool same_module = module ? s->module && strcmp(s->module, module) == 0 : !s->module;
		if (same_module && s->addr == addr)
			return true;
	}
	return false;
}

/* Whether some symbol of BY_ADDR (sorted by address) at ADDR is called NAME. */
static bool address_has_name(const struct kallsyms *by_addr, uint64_t addr,
			     const char *name)
{
	size_t lo = 0, hi = by_addr->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (by_addr->syms[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < by_addr->count && by_addr->syms[lo].addr == addr; lo++) {
		if (strcmp(by_addr->syms[lo].name, name) == 0)
			return true;
	}
	return false;
}

static bool is_mapping(const char *name)
{
	return name[0] == '$';
}

struct sym_stats {
	size_t core_checked, module_checked, failures;
};

static void check_one(struct kc_session *session, const char *fixture,
		      const struct ksym *s, const struct kallsyms *by_name,
		      const struct kallsyms *by_addr, uint64_t next_addr,
		      struct sym_stats *stats)
{
	/* name -> address (any of several same-named symbols is right). */
	uint64_t addr = 0;
	struct kc_error *err = kc_symbol_lookup(session, s->name, s->module, &addr);
	bool ok = !err && name_has_address(by_name, s->name, s->module, addr);
	if (!ok && stats->failures++ < 10)
		CHECK_MSG(false, "%s: name %s%s%s -> %s 0x%llx, kallsyms 0x%llx", fixture,
			  s->name, s->module ? " in " : "", s->module ? s->module : "",
			  err ? kc_error_message(err) : "", (unsigned long long)addr,
			  (unsigned long long)s->addr);
	kc_error_destroy(err);
	if (is_mapping(s->name))
		return;
	/* address -> name (any symbol at that address is right). */
	struct kc_symbolized sym;
	err = kc_symbolize(session, s->addr, &sym);
	ok = !err && sym.offset == 0 && address_has_name(by_addr, s->addr, sym.name) &&
	     (s->module ? sym.module && strcmp(sym.module, s->module) == 0 : !sym.module);
	if (!ok && stats->failures++ < 10)
		CHECK_MSG(false, "%s: 0x%llx -> %s+0x%llx [%s], kallsyms %s", fixture,
			  (unsigned long long)s->addr, err ? kc_error_message(err) : sym.name,
			  err ? 0ull : (unsigned long long)sym.offset,
			  err || !sym.module ? "" : sym.module, s->name);
	kc_error_destroy(err);
	/* An address inside a function resolves to it with the offset. */
	if ((s->type == 'T' || s->type == 't') && !err && next_addr > s->addr + 4) {
		err = kc_symbolize(session, s->addr + 4, &sym);
		CHECK_MSG(!err && sym.offset == 4, "%s: 0x%llx+4", fixture,
			  (unsigned long long)s->addr);
		kc_error_destroy(err);
	}
}

static void check_symbols(const char *fixture)
{
	struct kallsyms by_name, by_addr;
	if (!read_kallsyms(fixture, &by_name)) {
		CHECK_MSG(false, "%s: cannot read kallsyms.full.gz", fixture);
		return;
	}
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session) {
		free_kallsyms(&by_name);
		return;
	}
	by_addr = by_name;
	by_addr.syms = malloc(by_name.count * sizeof(*by_addr.syms));
	memcpy(by_addr.syms, by_name.syms, by_name.count * sizeof(*by_addr.syms));
	qsort(by_addr.syms, by_addr.count, sizeof(*by_addr.syms), compare_by_addr);
	qsort(by_name.syms, by_name.count, sizeof(*by_name.syms), compare_by_name);
	/* Sampled in address order, so the sample spans the whole image. */
	struct sym_stats stats = {0};
	size_t core_index = 0;
	for (size_t i = 0; i < by_addr.count; i++) {
		const struct ksym *s = &by_addr.syms[i];
		if (s->type == 'a' || s->type == 'A')
			continue;
		uint64_t next_addr = s->addr;
		for (size_t j = i + 1; j < by_addr.count && next_addr == s->addr; j++)
			next_addr = by_addr.syms[j].addr;
		if (s->module) {
			check_one(session, fixture, s, &by_name, &by_addr, next_addr, &stats);
			stats.module_checked++;
		} else if (core_index++ % 5 == 0) {
			check_one(session, fixture, s, &by_name, &by_addr, next_addr, &stats);
			stats.core_checked++;
		}
	}
	CHECK_MSG(stats.core_checked >= 2000, "%s: only %zu core symbols checked", fixture,
		  stats.core_checked);
	CHECK_MSG(stats.module_checked >= 20, "%s: only %zu module symbols", fixture,
		  stats.module_checked);
	CHECK_MSG(stats.failures == 0, "%s: %zu symbol mismatches", fixture, stats.failures);
	free(by_addr.syms);
	free_kallsyms(&by_name);
	kc_session_destroy(session);
}

KC_TEST(sym_agrees_with_proc_kallsyms)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++)
		check_symbols(kc_test_fixture_names[i]);
}

/* The type letters of a module's symbols are the kernel's (its typetab). */
static void check_module_types(const char *fixture)
{
	struct kallsyms ks;
	if (!read_kallsyms(fixture, &ks))
		return;
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	struct kc_symbolized *all = NULL;
	size_t count = 0;
	struct kc_error *err = session ? kc_symbols_all(session, "kcrash_testmod", &all, &count)
				       : NULL;
	CHECK_MSG(!err, "%s: %s", fixture, err ? kc_error_message(err) : "");
	kc_error_destroy(err);
	size_t matched = 0;
	for (size_t i = 0; i < ks.count; i++) {
		const struct ksym *s = &ks.syms[i];
		if (!s->module || strcmp(s->module, "kcrash_testmod") != 0 || is_mapping(s->name))
			continue;
		bool found = false;
		for (size_t j = 0; j < count && !found; j++)
			found = all[j].addr == s->addr && strcmp(all[j].name, s->name) == 0 &&
				all[j].type == s->type;
		CHECK_MSG(found, "%s: %c %s not listed with that type", fixture, s->type, s->name);
		matched += found;
	}
	CHECK_MSG(matched > 10 && matched == count, "%s: %zu of %zu module symbols", fixture,
		  matched, count);
	free(all);
	free_kallsyms(&ks);
	if (session)
		kc_session_destroy(session);
}

KC_TEST(sym_module_types_match_kallsyms)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++)
		check_module_types(kc_test_fixture_names[i]);
}

/* ---- module debuginfo ---------------------------------------------------- */

/* The layout the module was compiled with (LP64: AAPCS64 and the host agree). */
struct kcrash_obj_replica {
	uint64_t magic;
	int id;
	char name[32];
	struct { void *next, *prev; } list;
	uint64_t payload[8];
};

#define KCRASH_OBJ_MAGIC 0x4b435241534f424aull /* fixtures/testmod/kcrash_testmod.c */

struct obj_walk {
	struct kc_session *session;
	uint64_t list_offset;
	uint64_t objs[16];
	size_t count;
};

static struct kc_error *collect_obj(void *arg, uint64_t node)
{
	struct obj_walk *walk = arg;
	if (walk->count < 16)
		walk->objs[walk->count] = node - walk->list_offset;
	walk->count++;
	return NULL;
}

static void check_module_types_after_load(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	const char *ko = kc_test_fixture(fixture, "kcrash_testmod.ko");
	struct kc_type type;
	struct kc_error *err = kc_kernel_type(session, "struct kcrash_obj", &type);
	CHECK_MSG(err && err->code == KC_ERR_LOOKUP, "%s: kcrash_obj found before mod -s",
		  fixture);
	kc_error_destroy(err);
	CHECK(!kc_kernel_has_member(session, "struct kcrash_obj", "magic"));
	if (!ko) {
		kc_session_destroy(session);
		return;
	}
	REQUIRE_OK(kc_module_load_debuginfo(session, "kcrash_testmod", ko));
	REQUIRE_OK(kc_kernel_type(session, "struct kcrash_obj", &type));
	static const struct {
		const char *member;
		size_t offset;
	} members[] = {
		{"magic", offsetof(struct kcrash_obj_replica, magic)},
		{"id", offsetof(struct kcrash_obj_replica, id)},
		{"name", offsetof(struct kcrash_obj_replica, name)},
		{"list", offsetof(struct kcrash_obj_replica, list)},
		{"payload", offsetof(struct kcrash_obj_replica, payload)},
	};
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		const struct kc_kernel_member *m;
		err = kc_kernel_member(session, "struct kcrash_obj", members[i].member, &m);
		CHECK_MSG(!err && m->offset == members[i].offset, "%s: kcrash_obj.%s", fixture,
			  members[i].member);
		kc_error_destroy(err);
	}
	uint64_t size;
	REQUIRE_OK(kc_kernel_sizeof(session, "struct kcrash_obj", &size));
	CHECK_EQ_U64(size, sizeof(struct kcrash_obj_replica));

	/* The objects themselves, found through the module's own list. */
	char *report = ground_truth(fixture, "kdump-snapshot/kcrash_testmod.txt");
	REQUIRE(report);
	uint64_t objs[16] = {0}, list_head = 0;
	size_t nr_objs = 0;
	for (char *line = strtok(report, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned idx;
		unsigned long long va;
		if (sscanf(line, "obj %u va %llx", &idx, &va) == 2 && idx < 16) {
			objs[idx] = va;
			nr_objs = idx + 1 > nr_objs ? idx + 1 : nr_objs;
		} else if (sscanf(line, "kcrash_list %llx", &va) == 1) {
			list_head = va;
		}
	}
	free(report);
	REQUIRE(nr_objs > 0 && list_head);
	uint64_t sym_list;
	REQUIRE_OK(kc_symbol_lookup(session, "kcrash_list", "kcrash_testmod", &sym_list));
	CHECK_EQ_U64(sym_list, list_head);
	const struct kc_kernel_member *list;
	REQUIRE_OK(kc_kernel_member(session, "struct kcrash_obj", "list", &list));
	struct obj_walk walk = {session, list->offset, {0}, 0};
	REQUIRE_OK(kc_kernel_list_walk(session, list_head, 64, collect_obj, &walk));
	CHECK_EQ_U64(walk.count, nr_objs);
	for (size_t i = 0; i < nr_objs && i < walk.count; i++) {
		uint64_t obj = objs[i], magic, id;
		bool listed = false;
		for (size_t j = 0; j < walk.count; j++)
			listed |= walk.objs[j] == obj;
		CHECK_MSG(listed, "%s: obj %zu not on kcrash_list", fixture, i);
		REQUIRE_OK(kc_kernel_read_member(session, obj, "struct kcrash_obj", "magic", &magic));
		REQUIRE_OK(kc_kernel_read_member(session, obj, "struct kcrash_obj", "id", &id));
		CHECK_EQ_U64(magic, KCRASH_OBJ_MAGIC);
		CHECK_EQ_U64(id, i);
		char name[32], expected[32];
		REQUIRE_OK(kc_kernel_read_member_bytes(session, obj, "struct kcrash_obj", "name",
						       name, sizeof(name), NULL));
		name[31] = '\0';
		snprintf(expected, sizeof(expected), "kcrash-obj-%zu", i);
		CHECK_STR(name, expected);
	}
	kc_session_destroy(session);
}

KC_TEST(mod_load_debuginfo_finds_module_types)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++)
		check_module_types_after_load(kc_test_fixture_names[i]);
}

/* ---- the commands -------------------------------------------------------- */

/* A minimal JSON syntax check: value := object | array | string | number | literal. */
static const char *json_value(const char *p);

static const char *json_space(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (; *p && *p != '"'; p++) {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\' && !*++p)
			return NULL;
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *json_list(const char *p, char close, bool keys)
{
	p = json_space(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (keys) {
			if (!(p = json_string(json_space(p))))
				return NULL;
			p = json_space(p);
			if (*p++ != ':')
				return NULL;
		}
		if (!(p = json_value(p)))
			return NULL;
		p = json_space(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *p)
{
	p = json_space(p);
	if (*p == '{')
		return json_list(p, '}', true);
	if (*p == '[')
		return json_list(p, ']', false);
	if (*p == '"')
		return json_string(p);
	if (strncmp(p, "null", 4) == 0 || strncmp(p, "true", 4) == 0)
		return p + 4;
	if (strncmp(p, "false", 5) == 0)
		return p + 5;
	const char *start = p;
	if (*p == '-')
		p++;
	while (*p >= '0' && *p <= '9')
		p++;
	return p > start ? p : NULL;
}

static int run(const char *fixture, const char *commands, char **out)
{
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, "vmcore.kdump-zlib");
	if (!vmlinux || !dump)
		return -1;
	char *args = NULL, *err = NULL;
	if (asprintf(&args, "-s -c '%s' %s %s", commands, vmlinux, dump) < 0)
		return -1;
	int rc = kc_test_run_kcrash(args, out, &err);
	if (rc != 0)
		CHECK_MSG(false, "%s: kcrash -c '%s': %d: %s", fixture, commands, rc, err ? err : "");
	free(args);
	free(err);
	return rc;
}

static void check_mod_command(const char *fixture)
{
	char *base = kc_test_fact(fixture, "module.kcrash_testmod.base");
	char *size = kc_test_fact(fixture, "module.kcrash_testmod.size");
	char *out = NULL;
	if (!base || !size || run(fixture, "mod", &out) != 0) {
		CHECK_MSG(false, "%s: no facts or mod failed", fixture);
		goto out;
	}
	/* crash 8: MODULE and TEXT_BASE centred in 16 columns, NAME and SIZE as wide as their longest value. */
	char expected[512];
	int width = (int)strlen(size);
	snprintf(expected, sizeof(expected), "     MODULE       %-14s     TEXT_BASE      %*s  OBJECT FILE\n",
		 "NAME", width < 4 ? 4 : width, "SIZE");
	CHECK_MSG(strncmp(out, expected, strlen(expected)) == 0, "%s: header\n%s", fixture, out);
	char *line = strchr(out, '\n');
	unsigned long long module = 0, text = 0;
	char name[64] = "", size_text[32] = "", rest[64] = "";
	CHECK(line && sscanf(line + 1, "%llx %63s %llx %31s %63[^\n]", &module, name, &text,
			     size_text, rest) == 5);
	CHECK_STR(name, "kcrash_testmod");
	CHECK_EQ_U64(text, strtoull(base, NULL, 16));
	CHECK_STR(size_text, size);
	CHECK_STR(rest, "(not loaded)  [CONFIG_KALLSYMS]");
	free(out);
	out = NULL;
	if (run(fixture, "mod --json", &out) == 0) {
		const char *end = json_value(out);
		CHECK_MSG(end && *json_space(end) == '\0', "%s: mod --json does not parse:\n%s",
			  fixture, out);
		CHECK(strstr(out, "\"name\": \"kcrash_testmod\""));
	}
	free(out);
	out = NULL;
	/* mod -S DIR finds the .ko in the fixture directory and shows its path. */
	char *commands = NULL;
	if (asprintf(&commands, "mod -S %s/%s; mod", kc_test_fixtures_dir(), fixture) >= 0 &&
	    run(fixture, commands, &out) == 0)
		CHECK_MSG(strstr(out, "/kcrash_testmod.ko\n") && !strstr(out, "(not loaded)"),
			  "%s: mod -S:\n%s", fixture, out);
	free(commands);
out:
	free(out);
	free(base);
	free(size);
}

KC_TEST(mod_command_columns_and_json)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++)
		check_mod_command(kc_test_fixture_names[i]);
}

static void check_sym_command(const char *fixture)
{
	char commands[256], *out = NULL;
	unsigned long long describe = 0, addr;
	if (run(fixture, "sym kcrash_describe", &out) != 0) {
		free(out);
		return;
	}
	CHECK(sscanf(out, "%llx (t) kcrash_describe [kcrash_testmod]", &describe) == 1);
	free(out);
	out = NULL;
	snprintf(commands, sizeof(commands), "sym _stext; sym %llx; sym kcrash_list; sym -q kcrash_wai",
		 describe + 0x1c);
	if (run(fixture, commands, &out) != 0) {
		free(out);
		return;
	}
	char *lines[4] = {0};
	size_t n = 0;
	for (char *l = strtok(out, "\n"); l && n < 4; l = strtok(NULL, "\n"))
		lines[n++] = l;
	REQUIRE(n == 4);
	char rest[256];
	CHECK(sscanf(lines[0], "%llx (T) %255s", &addr, rest) == 2);
	CHECK_STR(rest, "_stext");
	char expected[256];
	snprintf(expected, sizeof(expected), "%llx (t) kcrash_describe+0x1c [kcrash_testmod]",
		 describe + 0x1c);
	CHECK_STR(lines[1], expected);
	CHECK(strstr(lines[2], " (d) kcrash_list [kcrash_testmod]") != NULL);
	CHECK(strstr(lines[3], " (t) kcrash_wait") && strstr(lines[3], "[kcrash_testmod]"));
	free(out);
}

KC_TEST(sym_command_formats)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++)
		check_sym_command(kc_test_fixture_names[i]);
}
