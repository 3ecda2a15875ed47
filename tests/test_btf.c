/* SPDX-License-Identifier: MIT */
/*
 * BTF as a type source, checked against DWARF of the same program: the
 * test programs' DWARF (dwarf_sample.c, DWARF 4 and 5) and every real
 * fixture's vmlinux, each turned into BTF by pahole (the tool the kernel
 * build uses for CONFIG_DEBUG_INFO_BTF). Then every command's output and
 * every (type, member) the commands looked up must be the same through
 * both sources. Damaged BTF must give errors, never a crash.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf.h"
#include "btf_walk.h"
#include "debugcopy.h"
#include "dwarf.h"
#include "harness.h"
#include "kernel.h"
#include "session.h"
#include "typefmt.h"

static const char *const samples[] = {KC_DWARF_SAMPLE4, KC_DWARF_SAMPLE5};

static char *text_of_declaration(const struct kc_type *type)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	struct kc_error *err = kc_typefmt_declaration(f, type, "x");
	kc_error_destroy(err);
	fputc('\n', f);
	err = kc_typefmt_definition(f, type, KC_TYPEFMT_OFFSETS | KC_TYPEFMT_SIZE);
	kc_error_destroy(err);
	fclose(f);
	return text;
}

/*
 * DWARF's text as BTF can say it: pahole writes "[0]" and "[]" alike, as
 * 0 elements (kcrash tells them apart except for the last member, which
 * it prints as "[]"), and flattens "[3][4]" into "[12]". In place.
 */
static void as_btf_says_it(char *text)
{
	char *out = text;
	for (const char *p = text; *p;) {
		bool after_name = out > text && (isalnum((unsigned char)out[-1]) || out[-1] == '_');
		const char *next_line = strchr(p, '\n');
		while (next_line && *next_line && isspace((unsigned char)*next_line))
			next_line++;
		bool last_member = next_line && *next_line == '}';
		if (after_name && last_member && strncmp(p, "[0];", 4) == 0) {
			memcpy(out, "[]", 2);
			out += 2;
			p += 3;
			continue;
		}
		unsigned long long a, b;
		int n = 0;
		if (after_name && *p == '[' && sscanf(p, "[%llu][%llu]%n", &a, &b, &n) == 2 && n > 0) {
			out += sprintf(out, "[%llu]", a * b);
			p += n;
			continue;
		}
		*out++ = *p++;
	}
	*out = '\0';
}

/* TYPE's facts through DWARF (A) and BTF (B), members recursively. */
static void compare_types(const char *what, const struct kc_type *a,
			  const struct kc_type *b, int depth)
{
	struct kc_type sa = kc_type_strip(a), sb = kc_type_strip(b);
	CHECK_MSG(kc_type_kind(&sa) == kc_type_kind(&sb), "%s: kind %d vs %d", what,
		  kc_type_kind(&sa), kc_type_kind(&sb));
	uint64_t size_a = 0, size_b = 0;
	struct kc_error *ea = kc_type_size(&sa, &size_a), *eb = kc_type_size(&sb, &size_b);
	CHECK_MSG(!ea == !eb && size_a == size_b, "%s: size %llu vs %llu", what,
		  (unsigned long long)size_a, (unsigned long long)size_b);
	kc_error_destroy(ea);
	kc_error_destroy(eb);
	CHECK_MSG(kc_type_is_signed(&sa) == kc_type_is_signed(&sb), "%s: signedness", what);
	if (depth > 3)
		return;
	struct kc_member_iter ia, ib;
	kc_member_iter_init(&ia, &sa);
	kc_member_iter_init(&ib, &sb);
	for (;;) {
		struct kc_member ma, mb;
		bool da, db;
		REQUIRE_OK(kc_member_iter_next(&ia, &ma, &da));
		REQUIRE_OK(kc_member_iter_next(&ib, &mb, &db));
		CHECK_MSG(da == db, "%s: member counts differ", what);
		if (da || db)
			break;
		char inner[512];
		snprintf(inner, sizeof(inner), "%s.%s", what, ma.name ? ma.name : "(anon)");
		CHECK_MSG((!ma.name && !mb.name) ||
			  (ma.name && mb.name && strcmp(ma.name, mb.name) == 0),
			  "%s: member name %s vs %s", inner, ma.name ? ma.name : "(anon)",
			  mb.name ? mb.name : "(anon)");
		CHECK_MSG(ma.bit_offset == mb.bit_offset && ma.bit_size == mb.bit_size,
			  "%s: bits %llu:%llu vs %llu:%llu", inner,
			  (unsigned long long)ma.bit_offset, (unsigned long long)ma.bit_size,
			  (unsigned long long)mb.bit_offset, (unsigned long long)mb.bit_size);
		compare_types(inner, &ma.type, &mb.type, depth + 1);
	}
	struct kc_enumerator_iter ea_it, eb_it;
	kc_enumerator_iter_init(&ea_it, &sa);
	kc_enumerator_iter_init(&eb_it, &sb);
	for (;;) {
		const char *na = NULL, *nb = NULL;
		int64_t va = 0, vb = 0;
		bool da, db;
		REQUIRE_OK(kc_enumerator_iter_next(&ea_it, &na, &va, &da));
		REQUIRE_OK(kc_enumerator_iter_next(&eb_it, &nb, &vb, &db));
		CHECK_MSG(da == db, "%s: enumerator counts differ", what);
		if (da || db)
			break;
		CHECK_MSG(na && nb && strcmp(na, nb) == 0 && va == vb,
			  "%s: enumerator %s = %lld vs %s = %lld", what, na ? na : "?",
			  (long long)va, nb ? nb : "?", (long long)vb);
	}
}

KC_TEST(btf_sample_types_match_dwarf)
{
	static const char *const names[] = {
		"struct sample_task", "struct sample_bits", "struct sample_inner",
		"struct sample_context", "struct sample_thread", "struct list_head",
		"union sample_u", "struct sample_zero", "enum sample_color",
		"enum sample_signed", "enum sample_wide", "sample_u32",
		"sample_cv_u32", "unsigned long", "int",
	};
	for (size_t s = 0; s < 2; s++) {
		const char *btf_path = kc_test_pahole_btf(samples[s], s ? "sample5" : "sample4");
		REQUIRE(btf_path);
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s/dwarf-cache", kc_test_scratch_dir());
		mkdir(dir, 0755);
		setenv("KCRASH_CACHE_DIR", dir, 1);
		struct kc_dwarf *dw;
		struct kc_btf *btf;
		REQUIRE_OK(kc_dwarf_open(samples[s], NULL, 0, &dw));
		REQUIRE_OK(kc_btf_open_file(btf_path, &btf));
		CHECK(strstr(kc_btf_description(btf), btf_path) != NULL);
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			struct kc_type a, b;
			struct kc_error *err = kc_dwarf_find_type(dw, names[i], &a);
			if (err) {
				CHECK_MSG(false, "DWARF %s: %s", names[i], kc_error_message(err));
				kc_error_destroy(err);
				continue;
			}
			err = kc_btf_find_type(btf, names[i], &b);
			if (err) {
				CHECK_MSG(false, "BTF %s: %s", names[i], kc_error_message(err));
				kc_error_destroy(err);
				continue;
			}
			CHECK_STR(kc_type_source(&a), "DWARF");
			CHECK_STR(kc_type_source(&b), "BTF");
			compare_types(names[i], &a, &b, 0);
			char *ta = text_of_declaration(&a), *tb = text_of_declaration(&b);
			if (ta)
				as_btf_says_it(ta);
			CHECK_MSG(ta && tb && strcmp(ta, tb) == 0,
				  "%s printed differently:\nDWARF:\n%s\nBTF:\n%s", names[i],
				  ta ? ta : "", tb ? tb : "");
			free(ta);
			free(tb);
		}
		/* Enumerators by name, members by path, a miss. */
		int64_t value;
		struct kc_type color;
		REQUIRE_OK(kc_btf_find_enumerator(btf, "SAMPLE_BLUE", &value, &color));
		CHECK_EQ_U64(value, 6);
		CHECK_STR(kc_type_name(&color), "sample_color");
		REQUIRE_OK(kc_btf_find_enumerator(btf, "SAMPLE_NEG", &value, NULL));
		CHECK_EQ_U64(value, (uint64_t)-3);
		struct kc_type task;
		struct kc_member m_dw, m_btf;
		REQUIRE_OK(kc_btf_find_type(btf, "struct sample_task", &task));
		REQUIRE_OK(kc_type_member(&task, "thread.cpu_context.sp", &m_btf));
		struct kc_type task_dw;
		REQUIRE_OK(kc_dwarf_find_type(dw, "struct sample_task", &task_dw));
		REQUIRE_OK(kc_type_member(&task_dw, "thread.cpu_context.sp", &m_dw));
		CHECK_EQ_U64(m_btf.offset, m_dw.offset);
		struct kc_error *err = kc_btf_find_type(btf, "struct no_such_thing", &task);
		CHECK(err && err->code == KC_ERR_LOOKUP &&
		      strstr(kc_error_message(err), "no_such_thing"));
		kc_error_destroy(err);
		kc_btf_close(btf);
		kc_dwarf_close(dw);
	}
}

/* ---- real fixtures ------------------------------------------------------ */

static const char *const fixture_commands[] = {
	"sys", "ps", "ps -k", "mod", "bt", "bt -a", "foreach bt", "log", "log -m",
	"triage --json", "p jiffies", "p init_task.comm", "p runqueues:1",
	"p avenrun", "whatis init_task", "whatis task_struct", "struct -o list_head",
	"struct task_struct.pid,comm,tasks init_task", "ps --json", "bt --json",
	"mod --json", "sys --json",
	/* The second tier (issue 13): the same answers whichever type source. */
	"kmem -i", "kmem -s", "kmem -f", "kmem -z", "kmem -V", "kmem -v", "kmem -n",
	"kmem -h", "kmem -s --json", "files", "vm", "vm -p", "mount", "swap", "dev", "dev -d",
	"runq", "runq -t", "irq", "irq -s", "timer", "timer -r", "sig", "task -R pid,comm",
	"net", "tree -t rbtree -p vmap_area_root", "dis -l schedule 8", "foreach files",
	"foreach vm",
};

static char *run_all(struct kc_session *session)
{
	return kc_test_run_commands(session, fixture_commands,
				    sizeof(fixture_commands) / sizeof(fixture_commands[0]));
}

/* Fail with the first line where two command outputs part, labelled. */
static void check_same_output(const char *fixture, const char *out_a, const char *label_a,
			      const char *out_b, const char *label_b)
{
	if (strcmp(out_a, out_b) == 0)
		return;
	const char *p = out_a, *q = out_b;
	while (*p && *p == *q)
		p++, q++;
	while (p > out_a && p[-1] != '\n')
		p--, q--;
	CHECK_MSG(false, "%s: output differs:\n  %s: %.*s\n  %s: %.*s", fixture, label_a,
		  (int)strcspn(p, "\n"), p, label_b, (int)strcspn(q, "\n"), q);
}

static struct kc_session *open_with(const char *fixture, const char *dump_file,
				    enum kc_types_preference pref, const char *btf)
{
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, dump_file);
	if (!vmlinux || !dump)
		return NULL;
	struct kc_session_options opts = {
		.vmlinux_path = vmlinux, .dump_paths = &dump, .nr_dump_paths = 1,
		.types_preference = pref, .btf_path = btf,
	};
	struct kc_session *session;
	struct kc_error *err = kc_session_open(&opts, &session);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s: %s", fixture, kc_error_message(err));
		kc_error_destroy(err);
		return NULL;
	}
	return session;
}

struct member_check {
	struct kc_session *dwarf, *btf;
	size_t checked, missing_both;
	const char *fixture;
};

static void check_member(void *ctx, const char *type, const char *member)
{
	struct member_check *mc = ctx;
	struct kc_type ta, tb;
	struct kc_member ma, mb;
	struct kc_error *ea = kc_kernel_type(mc->dwarf, type, &ta);
	if (!ea)
		ea = kc_type_member(&ta, member, &ma);
	struct kc_error *eb = kc_kernel_type(mc->btf, type, &tb);
	if (!eb)
		eb = kc_type_member(&tb, member, &mb);
	/* Layouts kcrash probes for other releases are absent from both. */
	CHECK_MSG(!ea == !eb, "%s: %s.%s: DWARF %s, BTF %s", mc->fixture, type, member,
		  ea ? kc_error_message(ea) : "found", eb ? kc_error_message(eb) : "found");
	if (!ea && !eb) {
		uint64_t sa = 0, sb = 0;
		struct kc_error *za = kc_type_size(&ma.type, &sa);
		struct kc_error *zb = kc_type_size(&mb.type, &sb);
		CHECK_MSG(ma.offset == mb.offset && ma.bit_offset == mb.bit_offset &&
			  ma.bit_size == mb.bit_size && sa == sb && !za == !zb,
			  "%s: %s.%s: DWARF bit %llu+%llu size %llu, BTF bit %llu+%llu size %llu",
			  mc->fixture, type, member, (unsigned long long)ma.bit_offset,
			  (unsigned long long)ma.bit_size, (unsigned long long)sa,
			  (unsigned long long)mb.bit_offset, (unsigned long long)mb.bit_size,
			  (unsigned long long)sb);
		kc_error_destroy(za);
		kc_error_destroy(zb);
		mc->checked++;
	} else if (ea && eb) {
		mc->missing_both++;
	}
	kc_error_destroy(ea);
	kc_error_destroy(eb);
}

KC_TEST(btf_fixture_commands_match_dwarf)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++) {
		const char *fx = kc_test_fixture_names[i];
		const char *vmlinux = kc_test_fixture_vmlinux(fx);
		if (!vmlinux)
			return;
		const char *btf = kc_test_pahole_btf(vmlinux, fx);
		REQUIRE(btf);
		struct kc_session *a = open_with(fx, "vmcore.kdump-zlib", KC_TYPES_DWARF, NULL);
		struct kc_session *b = open_with(fx, "vmcore.kdump-zlib", KC_TYPES_BTF, btf);
		if (!a || !b) {
			kc_session_destroy(a);
			kc_session_destroy(b);
			return;
		}
		char *out_a = run_all(a), *out_b = run_all(b);
		struct kc_types *types;
		REQUIRE_OK(kc_session_types(b, &types));
		CHECK(kc_types_btf(types) != NULL);
		CHECK(strstr(kc_types_description(types), btf) != NULL);
		REQUIRE_OK(kc_session_types(a, &types));
		CHECK(kc_types_dwarf(types) != NULL);
		CHECK(strstr(out_a, "error:") == NULL || strcmp(fx, "") != 0);
		check_same_output(fx, out_a, "DWARF", out_b, "BTF  ");
		struct member_check mc = {.dwarf = a, .btf = b, .fixture = fx};
		kc_kernel_for_each_member_key(a, check_member, &mc);
		printf("    %s: %zu bytes of output identical; %zu (type, member) pairs compared, %zu absent from both\n",
		       fx, strlen(out_a), mc.checked, mc.missing_both);
		CHECK(mc.checked > 60);
		free(out_a);
		free(out_b);
		kc_session_destroy(a);
		kc_session_destroy(b);
	}
}

/* ---- damaged BTF -------------------------------------------------------- */

KC_TEST(btf_damaged_gives_errors)
{
	const char *path = kc_test_pahole_btf(samples[1], "sample5");
	REQUIRE(path);
	size_t len;
	char *blob = kc_test_read_file(path, &len);
	REQUIRE(blob && len > 64);
	FILE *sink = fopen("/dev/null", "w");
	REQUIRE(sink);

	struct kc_btf *btf;
	REQUIRE_OK(kc_btf_open_data(blob, len, NULL, "sample BTF", &btf));
	size_t intact = kc_btf_walk_all(btf, sink);
	CHECK(intact == kc_btf_nr_types(btf) && intact > 20);
	CHECK_EQ_U64(kc_btf_blob_size(blob, len), len);
	kc_btf_close(btf);

	/* Every truncation is refused with a message naming the source. */
	size_t refused = 0;
	for (size_t cut = 0; cut < len; cut += len / 37 + 1) {
		struct kc_error *err = kc_btf_open_data(blob, cut, NULL, "cut BTF", &btf);
		if (err) {
			CHECK(strstr(kc_error_message(err), "cut BTF") != NULL);
			kc_error_destroy(err);
			refused++;
		} else {
			kc_btf_walk_all(btf, sink);
			kc_btf_close(btf);
		}
	}
	CHECK(refused > 30);

	/* Bytes of the type section flipped: errors or fewer facts, never a crash. */
	char *copy = malloc(len);
	REQUIRE(copy);
	size_t opened = 0, flips = 0;
	for (size_t at = 24; at < len; at += 3, flips++) {
		memcpy(copy, blob, len);
		copy[at] ^= (char)(0x5a + at);
		struct kc_error *err = kc_btf_open_data(copy, len, NULL, "flipped BTF", &btf);
		if (err) {
			kc_error_destroy(err);
			continue;
		}
		opened++;
		kc_btf_walk_all(btf, sink);
		struct kc_type t;
		kc_error_destroy(kc_btf_find_type(btf, "struct sample_task", &t));
		kc_btf_close(btf);
	}
	printf("    %zu flips: %zu opened and walked, %zu refused\n", flips, opened,
	       flips - opened);
	CHECK(opened > 0);
	free(copy);

	/* A header claiming more than there is. */
	CHECK_EQ_U64(kc_btf_blob_size("\x9f\xeb\x01\x00", 4), 0);
	fclose(sink);
	free(blob);
}

KC_TEST(btf_cli_option_and_bad_file)
{
	const char *vmlinux = kc_test_fixture_vmlinux("arm64-6.1-4k48");
	const char *dump = kc_test_fixture("arm64-6.1-4k48", "vmcore.kdump-zstd");
	if (!vmlinux || !dump)
		return;
	const char *btf = kc_test_pahole_btf(vmlinux, "arm64-6.1-4k48");
	REQUIRE(btf);
	char *out_d = NULL, *err_d = NULL, *out_b = NULL, *err_b = NULL;
	int rc = kc_test_run_kcrashf(&out_d, &err_d, "-s -c 'ps; mod' '%s' '%s'", vmlinux, dump);
	CHECK_EQ_U64(rc, 0);
	rc = kc_test_run_kcrashf(&out_b, &err_b, "-s --btf '%s' -c 'ps; mod' '%s' '%s'", btf,
				 vmlinux, dump);
	CHECK_EQ_U64(rc, 0);
	CHECK(out_d && out_b && strcmp(out_d, out_b) == 0 && strlen(out_b) > 1000);
	free(out_d);
	free(err_d);
	free(out_b);
	free(err_b);
	/* A missing BTF file: the command fails with one line naming it. */
	rc = kc_test_run_kcrashf(&out_b, &err_b, "-s --btf /nonexistent.btf -c 'ps' '%s'", dump);
	CHECK_EQ_U64(rc, 1);
	CHECK(err_b && strstr(err_b, "/nonexistent.btf") && strchr(err_b, '\n') ==
	      err_b + strlen(err_b) - 1);
	free(out_b);
	free(err_b);
	rc = kc_test_run_kcrashf(&out_b, &err_b, "-s --types nonsense -c 'ps' '%s'", dump);
	CHECK_EQ_U64(rc, 2);
	CHECK(err_b && strstr(err_b, "auto, dwarf or btf"));
	free(out_b);
	free(err_b);
}

/* ---- the DWARF index built only as far as lookups need ------------------- */

struct die_check {
	struct kc_session *partial, *complete;
	size_t checked;
	const char *fixture;
};

/* The type each (type, member) key names resolves to the same DIE both ways. */
static void check_same_die(void *ctx, const char *type, const char *member)
{
	struct die_check *dc = ctx;
	(void)member;
	struct kc_type ta, tb;
	struct kc_error *ea = kc_kernel_type(dc->partial, type, &ta);
	struct kc_error *eb = kc_kernel_type(dc->complete, type, &tb);
	CHECK_MSG(!ea == !eb, "%s: %s: partial index %s, complete index %s", dc->fixture, type,
		  ea ? kc_error_message(ea) : "found", eb ? kc_error_message(eb) : "found");
	if (!ea && !eb) {
		CHECK_MSG(dwarf_dieoffset(&ta.die) == dwarf_dieoffset(&tb.die),
			  "%s: %s: DIE 0x%llx from the partial index, 0x%llx from the complete one",
			  dc->fixture, type, (unsigned long long)dwarf_dieoffset(&ta.die),
			  (unsigned long long)dwarf_dieoffset(&tb.die));
		dc->checked++;
	}
	kc_error_destroy(ea);
	kc_error_destroy(eb);
}

/*
 * PARTIAL (an index or copy built only as far as lookups went) answers as
 * COMPLETE does: every type the commands use is the same DIE (the first
 * unit's), and every fixture command prints the same.
 */
static void check_partial_matches(const char *fixture, struct kc_session *partial,
				  const char *partial_label, struct kc_session *complete,
				  const char *complete_label)
{
	struct die_check dc = {.partial = partial, .complete = complete, .fixture = fixture};
	kc_kernel_for_each_member_key(partial, check_same_die, &dc);
	CHECK_MSG(dc.checked > 40, "%s: %zu types compared", fixture, dc.checked);
	char *out_a = run_all(partial), *out_b = run_all(complete);
	check_same_output(fixture, out_a, partial_label, out_b, complete_label);
	free(out_a);
	free(out_b);
}

static struct kc_dwarf *session_dwarf(struct kc_session *session)
{
	struct kc_types *types;
	struct kc_error *err = kc_session_types(session, &types);
	if (err) {
		kc_error_destroy(err);
		return NULL;
	}
	return kc_types_dwarf(types);
}

/*
 * Without a cache file the DWARF index grows unit by unit as lookups need
 * names (src/dwarf.h). ps and mod stay within the first units; every name
 * and every command's output is the same as with the complete index, and a
 * name no unit has completes the index.
 */
KC_TEST(dwarf_partial_index_matches_complete)
{
	char *saved_copy = kc_test_getenv_copy("KCRASH_CACHE_DIR");
	for (size_t i = 0; i < kc_test_nr_fixtures; i++) {
		const char *fx = kc_test_fixture_names[i];
		if (!kc_test_fixture_vmlinux(fx))
			break;
		setenv("KCRASH_CACHE_DIR", "", 1); /* no cache: the index starts empty */
		struct kc_session *partial = open_with(fx, "vmcore.kdump-zlib", KC_TYPES_DWARF, NULL);
		kc_test_restore_env("KCRASH_CACHE_DIR", saved_copy);
		struct kc_session *complete = open_with(fx, "vmcore.kdump-zlib", KC_TYPES_DWARF, NULL);
		if (!partial || !complete) {
			kc_session_destroy(partial);
			kc_session_destroy(complete);
			break;
		}
		struct kc_dwarf *dw_partial = session_dwarf(partial);
		struct kc_dwarf *dw_complete = session_dwarf(complete);
		REQUIRE(dw_partial && dw_complete);
		REQUIRE_OK(kc_dwarf_load_index(dw_complete));
		struct kc_dwarf_index_info pinfo, cinfo;
		kc_dwarf_index_info(dw_complete, &cinfo);
		CHECK(cinfo.built && !cinfo.partial && cinfo.nr_entries > 10000);
		Dwarf *dwarf;
		REQUIRE_OK(kc_dwarf_handle(dw_complete, &dwarf));
		size_t nr_units = 0;
		for (Dwarf_CU *cu = NULL; dwarf_get_units(dwarf, cu, &cu, NULL, NULL, NULL, NULL) == 0;)
			nr_units++;

		setenv("KCRASH_CACHE_DIR", "", 1);
		const char *first[] = {"ps", "mod"};
		char *out_first = kc_test_run_commands(partial, first, 2);
		kc_dwarf_index_info(dw_partial, &pinfo);
		CHECK_MSG(pinfo.partial && pinfo.units_scanned > 0 &&
			  pinfo.units_scanned * 4 < nr_units,
			  "%s: ps and mod scanned %zu of %zu units", fx, pinfo.units_scanned, nr_units);
		printf("    %s: ps and mod scanned %zu of %zu units (%zu of %zu index entries)\n", fx,
		       pinfo.units_scanned, nr_units, pinfo.nr_entries, cinfo.nr_entries);
		char *expect_first = kc_test_run_commands(complete, first, 2);
		CHECK(strcmp(out_first, expect_first) == 0);

		check_partial_matches(fx, partial, "partial ", complete, "complete");
		/* A miss scans every unit: the index is complete, answers unchanged. */
		struct kc_type t;
		struct kc_error *err = kc_dwarf_find_type(dw_partial, "struct kcrash_no_such_type", &t);
		CHECK(err && err->code == KC_ERR_LOOKUP);
		kc_error_destroy(err);
		kc_dwarf_index_info(dw_partial, &pinfo);
		CHECK_MSG(!pinfo.partial && pinfo.units_scanned == nr_units &&
			  pinfo.nr_entries == cinfo.nr_entries && !pinfo.cache_written,
			  "%s: after a miss: partial %d, %zu of %zu units, %zu of %zu entries, cache written %d",
			  fx, pinfo.partial, pinfo.units_scanned, nr_units, pinfo.nr_entries,
			  cinfo.nr_entries, pinfo.cache_written);
		char *again = kc_test_run_commands(partial, first, 2);
		CHECK(strcmp(again, expect_first) == 0);
		kc_test_restore_env("KCRASH_CACHE_DIR", saved_copy);
		free(out_first);
		free(expect_first);
		free(again);
		kc_session_destroy(partial);
		kc_session_destroy(complete);
	}
	free(saved_copy);
}

/*
 * A vmlinux with compressed debug sections (the 4k48 fixture's), cold: the
 * copy is inflated in memory unit by unit as lookups need (with the part
 * of .debug_abbrev those units use: src/debugcopy.h), so ps and mod
 * inflate only the first units and write nothing to the cache; every
 * command prints what the complete copy gives, and the first one that
 * needs more (dis -l's source lines) completes the copy and writes it to
 * the cache, byte for byte the file the whole-copy writer makes. With
 * ISA-L built in, all of it again with zlib, and the two files compared.
 * *COPY_FILE: the whole copy's path.
 */
static void partial_debug_copy_round(const char *fx, const char *round, char **copy_file)
{
	char *dirs[2], *cmd = NULL;
	for (int i = 0; i < 2; i++) {
		REQUIRE(asprintf(&dirs[i], "%s/partial-copy-%s-%d", kc_test_scratch_dir(), round, i) > 0);
		REQUIRE(asprintf(&cmd, "rm -rf '%s' && mkdir -p '%s'", dirs[i], dirs[i]) > 0);
		REQUIRE(system(cmd) == 0);
		free(cmd);
	}
	setenv("KCRASH_CACHE_DIR", dirs[0], 1);
	struct kc_session *partial = open_with(fx, "vmcore.kdump-zlib", KC_TYPES_DWARF, NULL);
	setenv("KCRASH_CACHE_DIR", dirs[1], 1);
	struct kc_session *complete = open_with(fx, "vmcore.kdump-zlib", KC_TYPES_DWARF, NULL);
	REQUIRE(partial && complete);
	struct kc_dwarf *dw_partial = session_dwarf(partial), *dw_complete = session_dwarf(complete);
	REQUIRE(dw_partial && dw_complete);
	REQUIRE_OK(kc_dwarf_load_index(dw_complete));
	struct kc_dwarf_index_info pinfo, cinfo;
	kc_dwarf_index_info(dw_complete, &cinfo);
	CHECK(cinfo.uses_debug_copy && !cinfo.debug_copy_partial);

	setenv("KCRASH_CACHE_DIR", dirs[0], 1);
	const char *first[] = {"ps", "mod"};
	char *out_first = kc_test_run_commands(partial, first, 2);
	kc_dwarf_index_info(dw_partial, &pinfo);
	CHECK_MSG(pinfo.uses_debug_copy && pinfo.debug_copy_partial && pinfo.partial,
		  "%s: after ps and mod: copy %d, partial copy %d, partial index %d", round,
		  pinfo.uses_debug_copy, pinfo.debug_copy_partial, pinfo.partial);
	REQUIRE(asprintf(&cmd, "ls -A '%s' | grep -q .", dirs[0]) > 0);
	CHECK_MSG(system(cmd) != 0, "%s: a partial copy leaves nothing in the cache", round);
	free(cmd);
	char *expect_first = kc_test_run_commands(complete, first, 2);
	CHECK(strcmp(out_first, expect_first) == 0);
	check_partial_matches(fx, partial, "partial copy ", complete, "complete copy");
	kc_dwarf_index_info(dw_partial, &pinfo);
	CHECK_MSG(!pinfo.debug_copy_partial, "%s: dis -l completes the copy", round);
	char *completed = kc_test_only_file(dirs[0], ".debug");
	*copy_file = kc_test_only_file(dirs[1], ".debug");
	CHECK_MSG(completed && *copy_file && kc_test_same_bytes(completed, *copy_file),
		  "%s: the completed copy is in the cache, the same bytes as the whole copy", round);
	free(completed);
	free(out_first);
	free(expect_first);
	free(dirs[0]);
	free(dirs[1]);
	kc_session_destroy(partial);
	kc_session_destroy(complete);
}

KC_TEST(dwarf_partial_debug_copy_matches_complete)
{
	const char *fx = "arm64-6.1-4k48";
	if (!kc_test_fixture_vmlinux(fx))
		return;
	char *saved_copy = kc_test_getenv_copy("KCRASH_CACHE_DIR");
	char *isal_copy = NULL, *zlib_copy = NULL;
	bool isal = kc_debugcopy_uses_isal();
	partial_debug_copy_round(fx, isal ? "isal" : "zlib", isal ? &isal_copy : &zlib_copy);
	if (isal) {
		kc_debugcopy_set_zlib_only(true);
		CHECK(!kc_debugcopy_uses_isal());
		partial_debug_copy_round(fx, "zlib", &zlib_copy);
		kc_debugcopy_set_zlib_only(false);
		CHECK_MSG(isal_copy && zlib_copy && kc_test_same_bytes(isal_copy, zlib_copy),
			  "ISA-L and zlib inflate the same copy");
	} else {
		printf("    built without ISA-L: zlib only\n");
	}
	kc_test_restore_env("KCRASH_CACHE_DIR", saved_copy);
	free(saved_copy);
	free(isal_copy);
	free(zlib_copy);
}
