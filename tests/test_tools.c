// SPDX-License-Identifier: MIT
/*
 * eval, ascii, btop, ptob, pte, tree, alias and foreach:
 *  - eval's and ascii's text for values worked out by hand (crash's
 *    print_number layout), symbols through the symbol table;
 *  - btop/ptob with each fixture's page size; pte on the leaf descriptor
 *    of a real walk (its physical address and flags as vtop decodes them)
 *    and on the swap entry of a page the Debian workload swapped out
 *    (kc_workload-info.txt: /swap/swapfile, offset 1);
 *  - tree against the library's walkers and the guests' own lists:
 *    vmap_area_root in order equals kc_walk_rbtree's nodes and top-down
 *    holds the same nodes with positions that lead to them; the pid IDR
 *    as an XArray equals kc_walk_idr's entries; kc_sleeper's mm_mt equals
 *    its /proc/PID/maps;
 *  - alias definitions and expansion; foreach with ps, set, bt and vtop;
 *  - --json of btop, ptob, pte, ascii, alias and ptov, read by python3's
 *    json module (an independent parser) and compared with the text
 *    output and with the facts: each fixture's page size, vtop's leaf
 *    entry and physical address, the swap entry's file and offset, the
 *    bytes of the values.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kcrash/kcrash.h>

#include "alias.h"
#include "command.h"
#include "harness.h"

static char *run1(struct kc_session *session, const char *command)
{
	const char *commands[] = {command};
	return kc_test_run_commands(session, commands, 1);
}

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* The output of a run1 after its "kcrash> COMMAND" line. */
static const char *body(const char *out)
{
	const char *nl = out ? strchr(out, '\n') : NULL;
	return nl ? nl + 1 : "";
}

/*
 * python3 on the JSON a run1 printed (after its "kcrash> COMMAND" line):
 * PYTHON runs with d the parsed document and prints what we compare.
 * Returns its output (malloc'd; a traceback when the JSON does not parse).
 */
static char *json_query(const char *out, const char *python)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/tools-json-%d.json", kc_test_scratch_dir(), (int)getpid());
	FILE *f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs(body(out), f);
	fclose(f);
	char *cmd = NULL;
	if (asprintf(&cmd, "python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))\n%s' '%s' 2>&1",
		     python, path) < 0)
		return NULL;
	FILE *p = popen(cmd, "r");
	free(cmd);
	if (!p)
		return NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, mem);
	pclose(p);
	fclose(mem);
	unlink(path);
	return text;
}

KC_TEST(tools_eval_and_ascii)
{
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session)
		return;
	char *out = run1(session, "eval 128m");
	CHECK_STR(out, "kcrash> eval 128m\n"
		  "hexadecimal: 8000000  (128MB)\n"
		  "    decimal: 134217728  \n"
		  "      octal: 1000000000\n"
		  "     binary: 0000000000000000000000000000000000001000000000000000000000000000\n");
	free(out);
	out = run1(session, "eval -b 0x1234");
	CHECK(strstr(out, "hexadecimal: 1234  \n    decimal: 4660  \n      octal: 11064\n") &&
	      strstr(out, "   bits set: 12 9 5 4 2 \n"));
	free(out);
	/* Precedence, parentheses, a negative value, decimal/hex numbers, power. */
	static const struct {
		const char *expr;
		uint64_t value;
	} cases[] = {
		{"(1<<40) + 5", (UINT64_C(1) << 40) + 5}, {"2 + 3 * 4", 14}, {"10 / 3", 3},
		{"-1", UINT64_MAX}, {"ff", 255}, {"100", 100}, {"0x100 | 1", 257},
		{"2 # 10", 1024}, {"4k", 4096}, {"~0 ^ 0xf", ~UINT64_C(0xf)}, {"1g / 2", 1 << 29},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cmd[128], expected[64];
		snprintf(cmd, sizeof(cmd), "eval --json %s", cases[i].expr);
		snprintf(expected, sizeof(expected), "{\"value\": %" PRIu64 ",", cases[i].value);
		out = run1(session, cmd);
		CHECK_MSG(strstr(out, expected) != NULL, "%s: %s", cases[i].expr, out);
		free(out);
	}
	out = run1(session, "eval -1");
	CHECK(strstr(out, "decimal: 18446744073709551615  (-1)\n") != NULL);
	free(out);
	/* A symbol is its address. */
	uint64_t jiffies;
	REQUIRE_OK(kc_kernel_symbol(session, "jiffies", &jiffies));
	char expected[64];
	snprintf(expected, sizeof(expected), "hexadecimal: %" PRIx64 "  ", jiffies + 8);
	out = run1(session, "eval jiffies + 8");
	CHECK(strstr(out, expected) != NULL);
	free(out);
	out = run1(session, "eval 1/0");
	CHECK(strstr(out, "division by zero") != NULL);
	free(out);
	out = run1(session, "eval no_such_symbol_kc");
	CHECK(strstr(out, "error: eval: invalid expression") != NULL);
	free(out);

	out = run1(session, "ascii 62696c2f7273752f");
	CHECK(strstr(out, "62696c2f7273752f: /usr/lib\n") != NULL);
	free(out);
	out = run1(session, "ascii 0x0a00ff41");
	CHECK(strstr(out, "000000000a00ff41: A<ff><NUL><LF><NUL><NUL><NUL><NUL>\n") != NULL);
	free(out);
	out = run1(session, "ascii");
	CHECK(strstr(out, "  A |  LF SUB  *   :   J   Z   j   z\n") != NULL);
	free(out);
	kc_session_destroy(session);
}

/* ascii --json: the text's lines, the values' bytes; the chart. */
KC_TEST(tools_ascii_json)
{
	static const uint64_t values[] = {UINT64_C(0x62696c2f7273752f), UINT64_C(0x0a00ff41),
					  UINT64_C(0x7f80), UINT64_C(0x2227205c3c3e7b7d)};
	char *text = run1(NULL, "ascii 62696c2f7273752f 0x0a00ff41 7f80 2227205c3c3e7b7d");
	char *json = run1(NULL, "ascii --json 62696c2f7273752f 0x0a00ff41 7f80 2227205c3c3e7b7d");
	REQUIRE(text && json);
	CHECK(strstr(text, "62696c2f7273752f: /usr/lib\n") != NULL);
	char *got = json_query(json, "for o in d: print(\"%016x: %s\" % (int(o[\"value\"], 16), o[\"text\"]))");
	CHECK_MSG(got && !strcmp(got, body(text)), "ascii --json gives %s, the text %s", got, body(text));
	free(got);
	/* Each value's bytes, least significant first; chars make up text. */
	got = json_query(json, "for o in d: print(\",\".join(str(b) for b in o[\"bytes\"]), "
			       "\"\".join(o[\"chars\"]) == o[\"text\"], len(o[\"chars\"]), "
			       "bytes(o[\"bytes\"]) == int(o[\"value\"], 16).to_bytes(8, \"little\"))");
	char expected[1024] = "";
	size_t used = 0;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		for (unsigned b = 0; b < 8; b++)
			used += (size_t)snprintf(expected + used, sizeof(expected) - used, "%s%u", b ? "," : "",
						 (unsigned)(values[i] >> (8 * b)) & 0xff);
		used += (size_t)snprintf(expected + used, sizeof(expected) - used, " True 8 True\n");
	}
	CHECK_MSG(got && !strcmp(got, expected), "ascii --json bytes: %s, expected %s", got, expected);
	free(got);
	got = json_query(json, "print(d[1][\"chars\"][1:4], d[2][\"chars\"][:2])");
	CHECK_STR(got, "['<ff>', '<NUL>', '<LF>'] ['<80>', '<DEL>']\n");
	free(got);
	free(text);
	free(json);
	/* The chart: codes 0 to 127, control characters by name. */
	json = run1(NULL, "ascii --json");
	got = json_query(json, "print(len(d), [o[\"code\"] for o in d] == list(range(128)), "
			       "all(o[\"char\"] == chr(o[\"code\"]) for o in d[33:127]), "
			       "d[0][\"char\"], d[10][\"char\"], d[27][\"char\"], d[32][\"char\"], d[127][\"char\"])");
	CHECK_STR(got, "128 True True NUL LF ESC SP DEL\n");
	free(got);
	free(json);
	text = run1(NULL, "ascii --json 12 zz");
	CHECK_MSG(!strncmp(body(text), "error: ascii: ", 14), "%s", text);
	free(text);
}

KC_TEST(tools_btop_ptob_pte)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			continue;
		char *page_text = kc_test_fact(fixture, "vmcoreinfo.PAGESIZE");
		REQUIRE(page_text);
		uint64_t page = strtoull(page_text, NULL, 0);
		free(page_text);
		char expected[512];
		char *out = run1(session, "btop 512000");
		snprintf(expected, sizeof(expected), "512000: %" PRIx64 "\n", UINT64_C(0x512000) / page);
		CHECK(strstr(out, expected) != NULL);
		free(out);
		out = run1(session, "ptob 1234");
		snprintf(expected, sizeof(expected), "4d2: %" PRIx64 "\n", UINT64_C(1234) * page);
		CHECK(strstr(out, expected) != NULL);
		free(out);

		/* The leaf descriptor of a real walk: vmalloc buffer page 0. */
		char *va = kc_test_fact(fixture, "testmod.vbuf.va");
		REQUIRE(va);
		struct kc_arm64_mmu *mmu;
		REQUIRE_OK(kc_session_mmu(session, &mmu));
		struct kc_pgtable_walk walk;
		REQUIRE_OK(kc_arm64_walk(mmu, false, 0, strtoull(va, NULL, 16), &walk));
		free(va);
		uint64_t desc = walk.entries[walk.nr_entries - 1].value;
		char cmd[64];
		snprintf(cmd, sizeof(cmd), "pte %" PRIx64, desc);
		out = run1(session, cmd);
		char flags[256];
		kc_pgtable_flags_string(kc_pgtable_desc_flags(kc_arm64_mmu_geometry(mmu), desc, 3) &
					~KC_PTE_F_TYPE_MASK, flags, sizeof(flags));
		snprintf(expected, sizeof(expected), "%" PRIx64 "  %8" PRIx64 "  (%s)\n", desc,
			 walk.paddr & ~(page - 1), flags);
		CHECK_MSG(strstr(out, expected) != NULL, "%s: no \"%s\" in %s", fixture, expected, out);
		CHECK(strstr(out, "PHYSICAL  FLAGS\n") && strstr(flags, "VALID"));
		free(out);
		kc_session_destroy(session);
	}
}

/* A page kc_workload swapped out: its PTE names the swap file and the offset. */
KC_TEST(tools_pte_swap_entry)
{
	char dump[4096];
	snprintf(dump, sizeof(dump), "%s/fixtures/debian-6.1-arm64-workload/vmcore.kdump-zlib",
		 kc_test_source_dir());
	const char *dumps[] = {dump};
	struct kc_session_options opts = {.dump_paths = dumps, .nr_dump_paths = 1,
					  .no_debuginfod = true};
	struct kc_session *session;
	REQUIRE_OK(kc_session_open(&opts, &session));
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	const struct kc_task *task = kc_task_by_pid(list, 146);
	REQUIRE(task);
	uint64_t pgd, pgd_paddr;
	REQUIRE_OK(kc_task_pgd(session, task, &pgd, &pgd_paddr));
	struct kc_arm64_mmu *mmu;
	REQUIRE_OK(kc_session_mmu(session, &mmu));
	/* kc_workload-info.txt: "page anon-swapped va 0xffffbc04f000 ... swap_type 0 swap_offset 0x1". */
	struct kc_pgtable_walk walk;
	struct kc_error *err = kc_arm64_walk(mmu, true, pgd_paddr, UINT64_C(0xffffbc04f000), &walk);
	CHECK(err != NULL && walk.status == KC_PGTABLE_INVALID);
	kc_error_destroy(err);
	uint64_t desc = walk.entries[walk.nr_entries - 1].value;
	REQUIRE(desc != 0);
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "pte %" PRIx64, desc);
	char *out = run1(session, cmd);
	CHECK_MSG(strstr(out, "SWAP") && strstr(out, "/swap/swapfile") && strstr(out, "OFFSET"),
		  "%s", out);
	/* The offset column: 1. */
	const char *row = strstr(out, "/swap/swapfile");
	CHECK(row && strtoull(row + strlen("/swap/swapfile"), NULL, 10) == 1);
	free(out);
	/* --json: the same type, file and offset (kc_workload-info.txt's). */
	snprintf(cmd, sizeof(cmd), "pte --json %" PRIx64, desc);
	out = run1(session, cmd);
	char *got = json_query(out, "p = d[0]; print(len(d), p[\"pte\"], p[\"type\"], p[\"swap_type\"], "
				    "p[\"swap_offset\"], p[\"swap_file\"], p[\"paddr\"], p[\"flags\"])");
	char expected[256];
	snprintf(expected, sizeof(expected), "1 0x%" PRIx64 " swap 0 1 /swap/swapfile None None\n", desc);
	CHECK_MSG(got && !strcmp(got, expected), "pte --json: %s, expected %s", got, expected);
	free(got);
	free(out);
	kc_session_destroy(session);
}

/* btop/ptob --json: the text's values, each fixture's page size (facts.txt). */
KC_TEST(tools_btop_ptob_json)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			continue;
		char *page_text = kc_test_fact(fixture, "vmcoreinfo.PAGESIZE");
		REQUIRE(page_text);
		uint64_t page = strtoull(page_text, NULL, 0);
		free(page_text);
		char expected[512];
		/* btop: ADDRESS: PFN lines rebuilt from the JSON are the text's, and the facts'. */
		char *text = run1(session, "btop 512000 1234 fffff");
		char *json = run1(session, "btop --json 512000 1234 fffff");
		snprintf(expected, sizeof(expected), "512000: %" PRIx64 "\n1234: %" PRIx64 "\nfffff: %" PRIx64 "\n",
			 UINT64_C(0x512000) / page, UINT64_C(0x1234) / page, UINT64_C(0xfffff) / page);
		CHECK_STR(body(text), expected);
		char *got = json_query(json, "for o in d: print(\"%x: %x\" % (int(o[\"address\"], 16), o[\"pfn\"]))");
		CHECK_MSG(got && !strcmp(got, body(text)), "%s: btop --json gives %s, the text %s", fixture,
			  got, body(text));
		free(got);
		got = json_query(json, "print(len(d), set(o[\"page_size\"] for o in d), "
				       "all(o[\"address\"].startswith(\"0x\") for o in d))");
		snprintf(expected, sizeof(expected), "3 {%" PRIu64 "} True\n", page);
		CHECK_MSG(got && !strcmp(got, expected), "%s: %s, expected %s", fixture, got, expected);
		free(got);
		free(text);
		free(json);
		/* ptob: PFN: ADDRESS lines (1234 decimal, 0x10 and ff hexadecimal). */
		text = run1(session, "ptob 1234 0x10 ff");
		json = run1(session, "ptob 1234 --json 0x10 ff");
		snprintf(expected, sizeof(expected), "4d2: %" PRIx64 "\n10: %" PRIx64 "\nff: %" PRIx64 "\n",
			 UINT64_C(1234) * page, UINT64_C(0x10) * page, UINT64_C(0xff) * page);
		CHECK_STR(body(text), expected);
		got = json_query(json, "for o in d: print(\"%x: %x\" % (o[\"pfn\"], int(o[\"address\"], 16)))");
		CHECK_MSG(got && !strcmp(got, body(text)), "%s: ptob --json gives %s, the text %s", fixture,
			  got, body(text));
		free(got);
		got = json_query(json, "print(set(o[\"page_size\"] for o in d))");
		snprintf(expected, sizeof(expected), "{%" PRIu64 "}\n", page);
		CHECK_STR(got, expected);
		free(got);
		free(text);
		free(json);
		/* An argument that does not parse: the error alone, no partial document. */
		text = run1(session, "btop --json 1000 zz");
		CHECK_MSG(!strncmp(body(text), "error: btop: ", 13), "%s", text);
		free(text);
		text = run1(session, "ptob --json");
		CHECK(strstr(text, "error: ptob: usage: ptob [--json] PFN...") != NULL);
		free(text);
		kc_session_destroy(session);
	}
}

/*
 * pte --json on vtop's leaf entry of a kernel (vmalloc) address: vtop's
 * page and flags, facts.txt's physical page; ptov --json of that physical
 * address: a linear-map address vtop takes back to it.
 */
KC_TEST(tools_pte_ptov_json)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			continue;
		char *va = kc_test_fact(fixture, "testmod.vbuf.va");
		char *page0 = kc_test_fact(fixture, "testmod.vbuf.page0"); /* VA->PA */
		REQUIRE(va && page0 && strstr(page0, "->"));
		uint64_t fact_pa = strtoull(strstr(page0, "->") + 2, NULL, 16);
		char cmd[256], expected[1024];
		snprintf(cmd, sizeof(cmd), "vtop --json %s", va);
		char *vt = run1(session, cmd);
		char *got = json_query(vt, "o=d[0]; print(o[\"levels\"][-1][\"value\"], o[\"page\"], o[\"paddr\"], "
					   "\"|\".join(o[\"flags\"]))");
		uint64_t leaf = 0, page = 0, paddr = 0;
		char flags[256] = "";
		REQUIRE_MSG(got && sscanf(got, "%" SCNx64 " %" SCNx64 " %" SCNx64 " %255s", &leaf, &page, &paddr,
					  flags) == 4, "%s: vtop --json: %s", fixture, got);
		free(got);
		free(vt);
		CHECK_EQ_U64(paddr, fact_pa);
		CHECK_EQ_U64(page, fact_pa);
		/* pte --json: that entry (and a zero one) decoded. */
		snprintf(cmd, sizeof(cmd), "pte --json %" PRIx64 " 0", leaf);
		char *json = run1(session, cmd);
		got = json_query(json, "p, z = d\n"
				       "print(p[\"pte\"], p[\"type\"], p[\"paddr\"], \"|\".join(p[\"flags\"]), "
				       "p[\"swap_type\"], p[\"swap_offset\"], p[\"swap_file\"])\n"
				       "print(z[\"pte\"], z[\"type\"], z[\"paddr\"], z[\"flags\"], z[\"swap_file\"])");
		snprintf(expected, sizeof(expected),
			 "0x%" PRIx64 " physical 0x%" PRIx64 " %s None None None\n0x0 none None None None\n",
			 leaf, page, flags);
		CHECK_MSG(got && !strcmp(got, expected), "%s: pte --json: %s, expected %s", fixture, got,
			  expected);
		free(got);
		free(json);
		/* The text: the same physical address and flags. */
		snprintf(cmd, sizeof(cmd), "pte %" PRIx64, leaf);
		char *text = run1(session, cmd);
		snprintf(expected, sizeof(expected), "%" PRIx64 "  %8" PRIx64 "  (%s)\n", leaf, page, flags);
		CHECK_MSG(strstr(text, expected) != NULL, "%s: no \"%s\" in %s", fixture, expected, text);
		free(text);

		/* ptov: the text's line, and vtop of the address it gives is the physical one. */
		uint64_t pa = fact_pa + 0x123;
		snprintf(cmd, sizeof(cmd), "ptov --json %" PRIx64 " %" PRIx64, pa, fact_pa);
		json = run1(session, cmd);
		got = json_query(json, "for o in d: print(o[\"vaddr\"], o[\"paddr\"])");
		uint64_t vaddr = 0, back = 0, vaddr0 = 0;
		REQUIRE_MSG(got && sscanf(got, "%" SCNx64 " %" SCNx64 " %" SCNx64, &vaddr, &back, &vaddr0) == 3,
			    "%s: ptov --json: %s", fixture, got);
		free(got);
		free(json);
		CHECK_EQ_U64(back, pa);
		CHECK_EQ_U64(vaddr - vaddr0, 0x123);
		struct kc_arm64_mmu *mmu;
		REQUIRE_OK(kc_session_mmu(session, &mmu));
		CHECK(kc_arm64_is_kernel_addr(mmu, vaddr));
		snprintf(cmd, sizeof(cmd), "ptov %" PRIx64 " %" PRIx64, pa, fact_pa);
		text = run1(session, cmd);
		snprintf(expected, sizeof(expected), "VIRTUAL           PHYSICAL\n%-16" PRIx64 "  %" PRIx64
			 "\n%-16" PRIx64 "  %" PRIx64 "\n", vaddr, pa, vaddr0, fact_pa);
		CHECK_STR(body(text), expected);
		free(text);
		snprintf(cmd, sizeof(cmd), "vtop --json %" PRIx64, vaddr);
		vt = run1(session, cmd);
		got = json_query(vt, "print(d[0][\"space\"], d[0][\"mapped\"], d[0][\"paddr\"])");
		snprintf(expected, sizeof(expected), "kernel True 0x%" PRIx64 "\n", pa);
		CHECK_MSG(got && !strcmp(got, expected), "%s: vtop of ptov's 0x%" PRIx64 ": %s", fixture,
			  vaddr, got);
		free(got);
		free(vt);
		free(va);
		free(page0);
		kc_session_destroy(session);
	}
}

/* ---- tree ---- */

static uint64_t member_offset(struct kc_session *session, const char *type, const char *member)
{
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_member(session, type, member, &m);
	if (err) {
		kc_error_destroy(err);
		return UINT64_MAX;
	}
	return m->offset;
}

/* The addresses a tree command printed (lines that are only hex). */
static size_t parse_addresses(const char *out, uint64_t *addrs, size_t max)
{
	size_t n = 0;
	for (const char *p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char *end;
		uint64_t v = strtoull(p, &end, 16);
		if (end != p && *end == '\n' && n < max && end - p == 16)
			addrs[n++] = v;
	}
	return n;
}

KC_TEST(tools_tree_rbtree_vmap_area)
{
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session)
		return;
	uint64_t root;
	REQUIRE_OK(kc_kernel_symbol(session, "vmap_area_root", &root));
	uint64_t off = member_offset(session, "struct vmap_area", "rb_node");
	uint64_t *nodes;
	size_t n;
	REQUIRE_OK(kc_walk_rbtree_collect(session, root, false, 100000, &nodes, &n));
	REQUIRE(n > 30);
	uint64_t *got = calloc(n + 8, sizeof(uint64_t));
	/* -l: in order, as the library's walker. */
	char *out = run1(session, "tree -t rbtree -o vmap_area.rb_node -l vmap_area_root");
	size_t m = parse_addresses(out, got, n + 8);
	CHECK_EQ_U64(m, n);
	for (size_t i = 0; i < n && i < m; i++)
		CHECK_EQ_U64(got[i], nodes[i] - off);
	free(out);
	/* Top-down with positions: the root first, each position leads to its node. */
	out = run1(session, "tree -t rbtree -o vmap_area.rb_node -p vmap_area_root");
	m = parse_addresses(out, got, n + 8);
	CHECK_EQ_U64(m, n);
	struct kc_rb_layout layout;
	REQUIRE_OK(kc_rb_layout(session, &layout));
	uint64_t top;
	REQUIRE_OK(kc_kernel_read_u64(session, root + layout.root_node, &top));
	CHECK_EQ_U64(got[0], top - off);
	size_t checked = 0;
	for (const char *p = strstr(out, "  position: "); p; p = strstr(p + 1, "  position: ")) {
		const char *path = p + strlen("  position: root");
		uint64_t node = top;
		for (; *path == '/'; path += 2) {
			uint64_t next = 0;
			REQUIRE_OK(kc_kernel_read_u64(session, node + (path[1] == 'l' ? layout.left :
								       layout.right), &next));
			node = next;
		}
		CHECK_EQ_U64(node - off, got[checked]);
		checked++;
	}
	CHECK_EQ_U64(checked, n);
	free(out);
	/* -s: the members as struct prints them; -N from the top node. */
	out = run1(session, "tree -t rbtree -o vmap_area.rb_node -s vmap_area.va_start,va_end vmap_area_root");
	CHECK_EQ_U64(count(out, "  va_start = "), n);
	CHECK_EQ_U64(count(out, "  va_end = "), n);
	free(out);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "tree -o vmap_area.rb_node -N %" PRIx64, top);
	out = run1(session, cmd);
	CHECK_EQ_U64(parse_addresses(out, got, n + 8), n);
	free(out);
	/* A node that is not a tree's: an error naming it. */
	snprintf(cmd, sizeof(cmd), "tree -t rbtree -l 0x%" PRIx64, nodes[n / 2]);
	out = run1(session, cmd);
	CHECK(strstr(out, "error: tree:") != NULL);
	free(out);
	free(got);
	free(nodes);
	kc_session_destroy(session);
}

KC_TEST(tools_tree_xarray_and_maple)
{
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session)
		return;
	/* The pid IDR's XArray (idr_base is 0 for pids): kc_walk_idr's entries. */
	uint64_t ns;
	REQUIRE_OK(kc_kernel_symbol(session, "init_pid_ns", &ns));
	uint64_t idr = ns + member_offset(session, "struct pid_namespace", "idr");
	struct kc_xa_entry *entries;
	size_t n;
	REQUIRE_OK(kc_walk_idr_collect(session, idr, 100000, &entries, &n));
	REQUIRE(n > 20);
	char *out = run1(session, "tree -t xarray -p -r pid_namespace.idr init_pid_ns");
	uint64_t *got = calloc(n + 8, sizeof(uint64_t));
	size_t m = parse_addresses(out, got, n + 8);
	CHECK_EQ_U64(m, n);
	for (size_t i = 0; i < n && i < m; i++)
		CHECK_EQ_U64(got[i], entries[i].entry);
	char line[64];
	snprintf(line, sizeof(line), "  index: %" PRIu64 "  position: root/", entries[n - 1].index);
	CHECK(strstr(out, line) != NULL);
	free(out);
	free(entries);
	free(got);

	/* kc_sleeper's VMAs: the maple tree's entries are its /proc/PID/maps lines. */
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	const struct kc_task *t = kc_task_by_pid(list, 46);
	REQUIRE(t && t->mm);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "tree -t maple -r mm_struct.mm_mt -p -s vm_area_struct.vm_start %" PRIx64,
		 t->mm);
	out = run1(session, cmd);
	char path[4096];
	snprintf(path, sizeof(path), "%s/arm64-6.1-4k48/ground-truth/kdump-snapshot/kcproc-maps.txt",
		 kc_test_fixtures_dir());
	char *maps = kc_test_read_file(path, NULL);
	REQUIRE(maps);
	const char *section = strstr(maps, "== pid 46");
	REQUIRE(section);
	size_t vmas = 0;
	for (const char *p = strchr(section, '\n'); p && p[1] && strncmp(p + 1, "==", 2);
	     p = strchr(p + 1, '\n')) {
		unsigned long long start;
		if (sscanf(p + 1, "%llx-", &start) != 1)
			continue;
		char expected[64];
		snprintf(expected, sizeof(expected), "  vm_start = %llu,\n", start);
		CHECK_MSG(strstr(out, expected) != NULL, "VMA at 0x%llx not in the maple tree", start);
		vmas++;
	}
	CHECK(vmas > 4);
	CHECK_EQ_U64(count(out, "  vm_start = "), vmas);
	CHECK_EQ_U64(count(out, "  index: "), vmas);
	snprintf(line, sizeof(line), "  index: %zu  position: root", vmas);
	CHECK(strstr(out, line) != NULL);
	free(maps);
	free(out);
	/* Options that do not apply. */
	out = run1(session, "tree -t maple -l 0xffff000000000000");
	CHECK(strstr(out, "-l option is not applicable") != NULL);
	free(out);
	kc_session_destroy(session);
}

/* ---- alias, foreach ---- */

KC_TEST(tools_alias)
{
	char *e = kc_alias_expand("  man eval");
	CHECK_STR(e, "help eval");
	free(e);
	CHECK(kc_alias_expand("help") == NULL);
	CHECK(kc_alias_expand("no-such-alias x") == NULL);
	const char *commands[] = {"alias", "alias kt ps -k", "alias kt", "alias ps x",
				  "alias zz nosuch", "alias kt \"\""};
	char *out = kc_test_run_commands(NULL, commands, 6);
	REQUIRE(out);
	CHECK(strstr(out, "ORIGIN   ALIAS    COMMAND\nbuiltin  man      help \n") != NULL);
	CHECK(strstr(out, "builtin  for      foreach \n") != NULL);
	CHECK_EQ_U64(count(out, "runtime  kt       ps -k \n"), 2);
	CHECK(strstr(out, "cannot alias existing command name: ps") != NULL);
	CHECK(strstr(out, "non-existent command: nosuch") != NULL);
	CHECK(strstr(out, "alias deleted: kt") != NULL);
	free(out);
	e = kc_alias_expand("kt");
	CHECK(e == NULL);
	free(e);
}

/* alias --json: the table's rows; a definition, its display and removal. */
KC_TEST(tools_alias_json)
{
	char *text = run1(NULL, "alias");
	char *json = run1(NULL, "alias --json");
	REQUIRE(text && json);
	char *got = json_query(json, "print(\"ORIGIN   ALIAS    COMMAND\")\n"
				     "for o in d: print(\"%s  %-7s  %s\" % (o[\"origin\"], o[\"alias\"], "
				     "\"\".join(w + \" \" for w in o[\"words\"])))");
	CHECK_MSG(got && !strcmp(got, body(text)), "alias --json gives %s, the text %s", got, body(text));
	free(got);
	got = json_query(json, "print(all(o[\"command\"] == \" \".join(o[\"words\"]) for o in d), "
			       "[o[\"alias\"] for o in d if o[\"origin\"] == \"builtin\"])");
	CHECK_STR(got, "True ['man', '?', 'px', 'pd', 'for', 'dmesg', 'lsmod']\n");
	free(got);
	free(text);
	free(json);
	/* Defined with --json: that alias, runtime; shown with --json after NAME too. */
	static const char *const commands[] = {"alias --json kj ps -k", "alias kj --json"};
	for (size_t i = 0; i < 2; i++) {
		json = run1(NULL, commands[i]);
		got = json_query(json, "print(len(d), d[0][\"origin\"], d[0][\"alias\"], d[0][\"command\"], "
				       "d[0][\"words\"])");
		CHECK_MSG(got && !strcmp(got, "1 runtime kj ps -k ['ps', '-k']\n"), "%s: %s", commands[i], got);
		free(got);
		free(json);
	}
	text = run1(NULL, "alias kj");
	CHECK_STR(body(text), "ORIGIN   ALIAS    COMMAND\nruntime  kj       ps -k \n");
	free(text);
	char *e = kc_alias_expand("kj -p");
	CHECK_STR(e, "ps -k -p");
	free(e);
	/* Removed with --json: now no such alias, []. */
	json = run1(NULL, "alias --json kj \"\"");
	CHECK_STR(body(json), "[]\n");
	free(json);
	CHECK(kc_alias_expand("kj") == NULL);
	json = run1(NULL, "alias --json kj");
	got = json_query(json, "print(d)");
	CHECK_STR(got, "[]\n");
	free(got);
	free(json);
	text = run1(NULL, "alias --json kj nosuch");
	CHECK(strstr(text, "error: alias: invalid alias attempt on non-existent command: nosuch") != NULL);
	free(text);
}

KC_TEST(tools_foreach)
{
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session)
		return;
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	/* set: crash's header, then the context block, for each task in pid order. */
	char *out = run1(session, "foreach kc_busy kc_sleeper set");
	const char *a = strstr(out, "PID: 46 "), *b = strstr(out, "PID: 48 ");
	CHECK(a && b && a < b);
	CHECK_EQ_U64(count(out, "COMMAND: \"kc_sleeper\"\n"), 2);
	CHECK_EQ_U64(count(out, "\n  STATE: "), 2);
	free(out);
	/* The context is back to the panic task afterwards. */
	CHECK(!kc_session_has_context(session));
	/* ps: one table. */
	out = run1(session, "foreach 1 2 ps");
	CHECK_EQ_U64(count(out, "   PID    PPID  CPU"), 1);
	CHECK(strstr(out, "  init\n") && strstr(out, "[kthreadd]\n"));
	free(out);
	/* Filters: kernel IN tasks only. */
	out = run1(session, "foreach kernel IN ps");
	size_t expected = 0;
	for (size_t i = 0; i < list->nr_tasks; i++)
		expected += list->tasks[i].is_kernel_thread && !list->tasks[i].warning &&
			    !strcmp(list->tasks[i].state_code, "IN");
	CHECK_EQ_U64(count(out, "  IN  "), expected);
	CHECK_EQ_U64(count(out, "\n"), expected + 2);
	free(out);
	/* bt: the user tasks' traces, one header each; --json one array. */
	out = run1(session, "foreach user bt");
	size_t users = 0;
	for (size_t i = 0; i < list->nr_tasks; i++)
		users += !list->tasks[i].is_kernel_thread && !list->tasks[i].warning;
	CHECK_EQ_U64(count(out, "PID: "), users);
	free(out);
	out = run1(session, "foreach 46 47 bt --json");
	CHECK_EQ_U64(count(out, "\n[\n"), 1);
	CHECK_EQ_U64(count(out, "{\"pid\": "), 2);
	free(out);
	/* vtop with each task's page tables. */
	out = run1(session, "foreach kc_sleeper vtop 0x400000");
	CHECK(strstr(out, "PID: 46 ") && strstr(out, "VIRTUAL") && strstr(out, "PAGE DIRECTORY"));
	free(out);
	/* A command that fails for a task: a line, and the walk goes on. */
	out = run1(session, "foreach 2 46 vtop 0x400000");
	CHECK(strstr(out, "foreach: vtop:") && strstr(out, "PID: 46 "));
	free(out);
	/* Per-task --json documents in one array (set has none: errors as elements). */
	out = run1(session, "foreach 46 47 set --json");
	CHECK_EQ_U64(count(out, "\"error\": "), 2);
	free(out);
	/* A command printing its own header (files, when built): no second one. */
	if (kc_command_find("files")) {
		out = run1(session, "foreach 46 files");
		CHECK_EQ_U64(count(out, "PID: 46 "), 1);
		free(out);
	}
	out = run1(session, "foreach 46");
	CHECK(strstr(out, "no command given") != NULL);
	free(out);
	out = run1(session, "foreach kernel user ps");
	CHECK(strstr(out, "mutually exclusive") != NULL);
	free(out);
	kc_session_destroy(session);
}
