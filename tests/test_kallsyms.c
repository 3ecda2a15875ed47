/* SPDX-License-Identifier: MIT */
/*
 * The dump's own kallsyms (src/kallsyms.c) on the real fixtures: the 6.1
 * kernels export the tables in VMCOREINFO, the 5.10 one does not (found
 * by scanning). What comes out must be, symbol for symbol and in order,
 * what the guest's own /proc/kallsyms printed (ground-truth/
 * kallsyms.full.gz: the same table, expanded by the running kernel), and
 * the commands opened on the dump alone with BTF must print what they
 * print with the DWARF vmlinux.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "kallsyms.h"
#include "session.h"
#include "symtab.h"
#include "vmcoreinfo.h"

static struct kc_session *open_alone(const char *fixture, const char *dump_file,
				     const struct kc_session_options *extra)
{
	struct kc_session_options none = {0};
	return kc_test_open_session_with(fixture, dump_file, extra ? extra : &none);
}

/* SESSION's table against the guest's /proc/kallsyms, in order. */
static void check_against_proc(struct kc_session *session, const char *fixture)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/kallsyms.full.gz",
		 kc_test_fixtures_dir(), fixture);
	size_t n = kc_test_check_proc_kallsyms(session->symtab,
					       session->mmu->layout.kaslr_offset.value, path,
					       fixture);
	printf("    %s: %zu symbols (%s)\n", fixture, n, session->symtab->origin);
}

/* A session on the dump alone that must have symbols (NULL: failure recorded). */
static struct kc_session *open_alone_with_symbols(const char *fixture,
						  const struct kc_session_options *extra)
{
	struct kc_session *session = open_alone(fixture, "vmcore.kdump-zlib", extra);
	if (session && !session->symtab) {
		kc_test_fail(__FILE__, __LINE__, "%s: no symbols: %s", fixture,
			     session->symbols_error ? kc_error_message(session->symbols_error)
						    : "(no reason)");
		kc_session_destroy(session);
		return NULL;
	}
	return session;
}

KC_TEST(kallsyms_from_dump_match_proc_kallsyms_every_fixture)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = open_alone_with_symbols(fixture, NULL);
		if (!session)
			continue;
		/* 6.1 exports the tables; 5.10 predates the exports. */
		bool exported = kc_vmcoreinfo_get(session->vmcoreinfo,
						  "SYMBOL(kallsyms_names)") != NULL;
		CHECK_MSG(strstr(session->symtab->origin,
				 exported ? "(VMCOREINFO)" : "found by scanning") != NULL,
			  "%s: origin \"%s\"", fixture, session->symtab->origin);
		check_against_proc(session, fixture);
		kc_session_destroy(session);
	}
}

/* The scan finds the very tables VMCOREINFO names, where it names them. */
KC_TEST(kallsyms_scan_equals_vmcoreinfo_exports)
{
	size_t compared = 0;
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session_options scan = {.scan_dump_kallsyms = true};
		struct kc_session *a = open_alone(fixture, "vmcore.kdump-zlib", NULL);
		struct kc_session *b = open_alone(fixture, "vmcore.kdump-zlib", &scan);
		if (!a || !b || !a->symtab || !b->symtab) {
			CHECK_MSG(a && b && a->symtab && b->symtab, "%s: no symbols", fixture);
			kc_session_destroy(a);
			kc_session_destroy(b);
			continue;
		}
		CHECK(strstr(b->symtab->origin, "found by scanning") != NULL);
		struct kc_kallsyms_location loc;
		struct kc_error *err = kc_kallsyms_locate_vmcoreinfo(a->vmcoreinfo, &loc);
		if (!err) {
			uint64_t names = 0;
			REQUIRE_OK(kc_vmcoreinfo_symbol(a->vmcoreinfo, "kallsyms_token_index", &names));
			char expect[64];
			snprintf(expect, sizeof(expect), "token index at 0x%llx",
				 (unsigned long long)names);
			CHECK_MSG(strstr(b->symtab->origin, expect) != NULL, "%s: \"%s\", expected %s",
				  fixture, b->symtab->origin, expect);
		}
		kc_error_destroy(err);
		CHECK_EQ_U64(a->symtab->nr_symbols, b->symtab->nr_symbols);
		for (size_t i = 0; i < a->symtab->nr_symbols && i < b->symtab->nr_symbols; i++) {
			const struct kc_symbol *x = &a->symtab->by_addr[i], *y = &b->symtab->by_addr[i];
			if (x->addr != y->addr || x->type != y->type || strcmp(x->name, y->name)) {
				CHECK_MSG(false, "%s: symbol %zu: %s vs %s", fixture, i, x->name, y->name);
				break;
			}
		}
		compared++;
		kc_session_destroy(a);
		kc_session_destroy(b);
	}
	CHECK_EQ_U64(compared, kc_test_nr_fixtures);
}

/*
 * Kernels before v5.13 (without the backport) have no SYMBOL(_stext) in
 * VMCOREINFO: the scan starts at the image's start and the tables' own
 * _stext must fall in it. Same table, symbol for symbol.
 */
KC_TEST(kallsyms_without_vmcoreinfo_stext_every_fixture)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session_options no_stext = {.scan_dump_kallsyms = true,
						      .ignore_vmcoreinfo_stext = true};
		struct kc_session *session = open_alone_with_symbols(fixture, &no_stext);
		if (!session)
			continue;
		CHECK(strstr(session->symtab->origin, "found by scanning") != NULL);
		check_against_proc(session, fixture);
		kc_session_destroy(session);
	}
}

/* ---- the commands on the dump alone -------------------------------------- */

static const char *const alone_commands[] = {
	"ps", "ps -k", "mod", "bt", "bt -a", "foreach bt", "log", "sys",
	"p jiffies", "p init_task.comm", "sym schedule", "struct task_struct.pid,comm init_task",
	"ps --json", "mod --json", "log -m",
};

static char *run_commands(struct kc_session *session)
{
	return kc_test_run_commands(session, alone_commands,
				    sizeof(alone_commands) / sizeof(alone_commands[0]));
}

/* sys's KERNEL line names the vmlinux, or "(none given)": dropped from both. */
static char *without_kernel_line(char *text)
{
	char *out = malloc(strlen(text) + 1), *w = out;
	for (const char *line = text; out && *line;) {
		size_t len = strcspn(line, "\n");
		if (strncmp(line, "      KERNEL: ", 14) != 0) {
			memcpy(w, line, len);
			w += len;
			if (line[len])
				*w++ = '\n';
		}
		line += len + (line[len] != 0);
	}
	if (out)
		*w = '\0';
	free(text);
	return out;
}

static void compare_outputs(const char *fixture, const char *what, char *a, char *b)
{
	if (strcmp(a, b) == 0)
		return;
	const char *p = a, *q = b;
	while (*p && *p == *q)
		p++, q++;
	while (p > a && p[-1] != '\n')
		p--, q--;
	CHECK_MSG(false, "%s (%s): output differs:\n  vmlinux:    %.*s\n  dump alone: %.*s",
		  fixture, what, (int)strcspn(p, "\n"), p, (int)strcspn(q, "\n"), q);
}

/*
 * ps, mod, bt of every task, log, sys, p, struct on the dump alone (its
 * kallsyms, BTF as a distro kernel carries) print what they print with
 * the DWARF vmlinux. Once with the whole table (these kernels have
 * CONFIG_KALLSYMS_ALL), once with only what kallsyms of a distro kernel
 * (no KALLSYMS_ALL) lists, so that the data symbols are found in the dump;
 * and with the fixture's System.map instead (--symbols), as kernel CI keeps.
 */
KC_TEST(kallsyms_dump_alone_commands_match_vmlinux)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		const char *vmlinux = kc_test_fixture_vmlinux(fixture);
		if (!vmlinux)
			return;
		const char *btf = kc_test_pahole_btf(vmlinux, fixture);
		REQUIRE(btf);
		const char *dump = kc_test_fixture(fixture, "vmcore.kdump-zlib");
		REQUIRE(dump);
		struct kc_session_options with_vmlinux = {
			.vmlinux_path = vmlinux, .dump_paths = &dump, .nr_dump_paths = 1,
			.types_preference = KC_TYPES_DWARF};
		struct kc_session *a;
		REQUIRE_OK(kc_session_open(&with_vmlinux, &a));
		char *out_a = without_kernel_line(run_commands(a));
		REQUIRE(out_a);
		const char *system_map = kc_test_fixture(fixture, "System.map");
		REQUIRE(system_map);
		static const char *const variants[] = {
			"kallsyms", "kallsyms without data symbols", "System.map"};
		for (int v = 0; v < 3; v++) {
			struct kc_session_options alone = {
				.btf_path = btf, .types_preference = KC_TYPES_BTF,
				.kallsyms_like_symbols = v == 1,
				.symbols_path = v == 2 ? system_map : NULL};
			struct kc_session *b = open_alone(fixture, "vmcore.kdump-zlib", &alone);
			if (!b)
				continue;
			CHECK(b->symtab && strstr(b->symtab->origin,
						  v == 2 ? "System.map" : "kallsyms in dump"));
			if (v == 1)
				CHECK(b->symtab && !kc_symtab_lookup(b->symtab, "init_task"));
			char *out_b = without_kernel_line(run_commands(b));
			REQUIRE(out_b);
			compare_outputs(fixture, variants[v], out_a, out_b);
			CHECK(strstr(out_b, "kc_crasher") != NULL);
			printf("    %s, %s: %zu bytes of output identical\n", fixture, variants[v],
			       strlen(out_a));
			free(out_b);
			kc_session_destroy(b);
		}
		free(out_a);
		kc_session_destroy(a);
	}
}

/* ---- damage --------------------------------------------------------------- */

/* The dump's memory with one range overwritten, for the decoder. */
struct patched_memory {
	struct kc_session *session;
	uint64_t at;
	const uint8_t *bytes;
	size_t len;
};

static struct kc_error *read_patched(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct patched_memory *pm = arg;
	struct kc_error *err = kc_arm64_read_kvirt(pm->session->mmu, addr, buf, len);
	if (err)
		return err;
	for (size_t i = 0; i < pm->len; i++) {
		if (pm->at + i >= addr && pm->at + i < addr + len)
			((uint8_t *)buf)[pm->at + i - addr] = pm->bytes[i];
	}
	return NULL;
}

static void expect_error(struct kc_session *session, const struct kc_kallsyms_location *loc,
			 uint64_t stext, uint64_t at, const void *bytes, size_t len,
			 const char *want)
{
	struct patched_memory pm = {session, at, bytes, len};
	struct kc_symtab *symtab = NULL;
	struct kc_kallsyms_expect expect = {.stext = stext};
	struct kc_error *err = kc_kallsyms_decode(read_patched, &pm, loc, &expect,
						  session->mmu->layout.kaslr_offset.value, &symtab);
	CHECK_MSG(err && strstr(kc_error_message(err), want),
		  "patch at 0x%llx: expected an error with \"%s\", got %s",
		  (unsigned long long)at, want, err ? kc_error_message(err) : "a table");
	kc_error_destroy(err);
	kc_symtab_destroy(symtab);
}

KC_TEST(kallsyms_damaged_tables_are_errors)
{
	const char *fixture = "arm64-6.1-4k48";
	struct kc_session_options none = {.no_dump_kallsyms = true};
	struct kc_session *session = open_alone(fixture, "vmcore.kdump-zlib", &none);
	if (!session)
		return;
	CHECK(session->symtab == NULL);
	struct kc_kallsyms_location loc;
	REQUIRE_OK(kc_kallsyms_locate_vmcoreinfo(session->vmcoreinfo, &loc));
	uint64_t stext;
	REQUIRE_OK(kc_vmcoreinfo_symbol(session->vmcoreinfo, "_stext", &stext));
	/* Intact, through the same reader: a table. */
	struct patched_memory pm = {session, 0, NULL, 0};
	struct kc_symtab *symtab = NULL;
	struct kc_kallsyms_expect expect = {.stext = stext};
	REQUIRE_OK(kc_kallsyms_decode(read_patched, &pm, &loc, &expect,
				      session->mmu->layout.kaslr_offset.value, &symtab));
	kc_symtab_destroy(symtab);
	/* Another kernel's _stext: refused, saying both. */
	symtab = NULL;
	struct kc_kallsyms_expect other = {.stext = stext + 0x1000};
	struct kc_error *err = kc_kallsyms_decode(read_patched, &pm, &loc, &other,
						  session->mmu->layout.kaslr_offset.value, &symtab);
	CHECK(err && strstr(kc_error_message(err), "does not match the dump"));
	kc_error_destroy(err);
	kc_symtab_destroy(symtab);

	/* Without VMCOREINFO's _stext: its _stext must be in the image. */
	struct kc_kallsyms_expect elsewhere = {.image_start = stext + 0x100000,
					       .image_end = stext + 0x200000};
	symtab = NULL;
	err = kc_kallsyms_decode(read_patched, &pm, &loc, &elsewhere,
				 session->mmu->layout.kaslr_offset.value, &symtab);
	CHECK(err && strstr(kc_error_message(err), "outside the kernel image"));
	kc_error_destroy(err);
	kc_symtab_destroy(symtab);

	const uint32_t huge = 0x7fffffff;
	expect_error(session, &loc, stext, loc.num_syms, &huge, 4, "kallsyms_num_syms");
	const uint16_t bad_index[2] = {0, 0};
	expect_error(session, &loc, stext, loc.token_index + 8, bad_index, 4,
		     "kallsyms_token_table");
	const uint8_t zero_len = 0;
	expect_error(session, &loc, stext, loc.names, &zero_len, 1, "zero-length entry");
	/* Offsets out of order: no encoding sorts them. */
	const uint32_t backwards[2] = {0x00ffffff, 0};
	expect_error(session, &loc, stext, loc.offsets + 400, backwards, 8, "not sorted");
	kc_session_destroy(session);
}

/* kcrash DUMP says what it uses for symbols, and sym answers from it. */
KC_TEST(kallsyms_cli_dump_alone_startup_line)
{
	KC_FIXTURE_OR_RETURN(dump, "arm64-5.10-4k39", "vmcore.kdump-zlib");
	const char *vmlinux = kc_test_fixture_vmlinux("arm64-5.10-4k39");
	if (!vmlinux)
		return;
	char *out = NULL, *err = NULL, *out_v = NULL, *err_v = NULL;
	int rc = kc_test_run_kcrashf(&out, &err, "--no-debuginfod -c 'sym schedule' '%s'", dump);
	int rc_v = kc_test_run_kcrashf(&out_v, &err_v, "-s -c 'sym schedule' '%s' '%s'", vmlinux, dump);
	CHECK_EQ_U64(rc, 0);
	CHECK_EQ_U64(rc_v, 0);
	CHECK_MSG(err && strstr(err, "symbols: kallsyms in dump (found by scanning the kernel image"),
		  "stderr: %s", err ? err : "(none)");
	const char *line = out ? strstr(out, "(T) schedule") : NULL;
	CHECK_MSG(line && out_v && strstr(out_v, "(T) schedule"), "stdout: %s", out ? out : "");
	if (line && out_v) {
		while (line > out && line[-1] != '\n')
			line--;
		CHECK(strncmp(line, out_v, strcspn(out_v, "\n")) == 0);
	}
	free(out);
	free(err);
	free(out_v);
	free(err_v);
}

/* ---- layouts the fixtures lack ------------------------------------------- */

/* tests/fuzz/make-kallsyms-seeds.py's images: 64-byte header, tables after. */
#define SEED_BASE 0xffff800010000000ull

struct seed_memory {
	const uint8_t *bytes;
	size_t len;
};

static struct kc_error *read_seed(void *arg, uint64_t addr, void *buf, size_t len)
{
	const struct seed_memory *mem = arg;
	if (addr < SEED_BASE || addr - SEED_BASE > mem->len ||
	    len > mem->len - (addr - SEED_BASE))
		return kc_error_address(KC_ERR_NOT_IN_DUMP, addr, "0x%llx: outside the image",
					(unsigned long long)addr);
	memcpy(buf, mem->bytes + (addr - SEED_BASE), len);
	return NULL;
}

/*
 * The v6.4+ order (offsets after the token index) and absolute
 * kallsyms_addresses, which no fixture has, from tables written the way
 * scripts/kallsyms.c lays them out: the scan finds them where the header
 * says they are, and both decode to the names and addresses written.
 */
KC_TEST(kallsyms_synthetic_layouts_scan_and_decode)
{
	char *cmd = NULL;
	const char *scratch = kc_test_scratch_dir();
	REQUIRE(asprintf(&cmd, "python3 '%s/fuzz/make-kallsyms-seeds.py' '%s/kallsyms-seeds'",
			 kc_test_source_dir(), scratch) > 0);
	int rc = system(cmd);
	free(cmd);
	REQUIRE(rc == 0);
	static const struct {
		const char *file;
		unsigned nsyms;
		bool absolute;
	} seeds[] = {{"kallsyms-old-600", 600, false}, {"kallsyms-new-600", 600, false},
		     {"kallsyms-new-1000", 1000, false}, {"kallsyms-old-abs-300", 300, true}};
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		char path[4200];
		snprintf(path, sizeof(path), "%.4000s/kallsyms-seeds/%s", scratch, seeds[i].file);
		size_t len;
		uint8_t *bytes = (uint8_t *)kc_test_read_file(path, &len);
		REQUIRE(bytes && len > 64);
		struct seed_memory mem = {bytes, len};
		uint32_t header[8];
		memcpy(header, bytes, sizeof(header));
		struct kc_kallsyms_location loc;
		REQUIRE_OK(kc_kallsyms_locate_scan(read_seed, &mem, SEED_BASE, SEED_BASE + len, &loc));
		CHECK_EQ_U64(loc.token_index, SEED_BASE + header[4]);
		CHECK_EQ_U64(loc.names, SEED_BASE + header[1]);
		CHECK_EQ_U64(loc.offsets, SEED_BASE + header[5]);
		CHECK_EQ_U64(loc.absolute, seeds[i].absolute);
		uint64_t stext = SEED_BASE + 0x10000 + 7 * 0x40;
		struct kc_symtab *symtab = NULL;
		struct kc_kallsyms_expect expect = {.stext = stext};
		REQUIRE_OK(kc_kallsyms_decode(read_seed, &mem, &loc, &expect, 0x1000, &symtab));
		CHECK_EQ_U64(symtab->nr_symbols, seeds[i].nsyms);
		const struct kc_symbol *sym = kc_symtab_lookup(symtab, "_stext");
		CHECK(sym && sym->addr == stext - 0x1000 && sym->type == 'T');
		sym = kc_symtab_lookup(symtab, "fn_0297");
		CHECK(sym && sym->addr == SEED_BASE + 0x10000 + 297 * 0x40 - 0x1000 &&
		      sym->type == 't');
		kc_symtab_destroy(symtab);
		free(bytes);
	}
}
