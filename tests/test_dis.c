// SPDX-License-Identifier: MIT
/*
 * dis and kcrash/disasm.h, against ground truth:
 *  - known encodings (what binutils' objdump writes for each word, fixed
 *    here: stp/ldp offsets, bl/adrp targets, aliases, hints, udf, .inst);
 *  - the code bytes read from each fixture's dump equal the vmlinux's own
 *    bytes with KASLR applied (but for the words the kernel patched at
 *    boot: alternatives, static keys, the BHB loop count);
 *  - the decoder's mnemonics and operands equal aarch64-linux-gnu-objdump's
 *    (binutils', which ./dev installs: llvm-objdump writes another syntax,
 *    b.hs for b.cs, decimal immediates, upper-case system registers) on the same bytes over 20000 instructions of each
 *    vmlinux, but for the few Capstone 4 cannot name (newer system
 *    registers, dc/ssbs aliases), when such a tool is installed;
 *  - the command: whole functions, -r/-f ranges, one instruction, symbols
 *    of branch targets and adrp pairs (the panic string), -l lines from
 *    DWARF, -s with and without the source, a module's function equal to
 *    objdump of its .ko, -u user code, --json.
 */
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kcrash/kcrash.h>
#include <kcrash/disasm.h>
#include <kcrash/symbols.h>

#include "command.h"
#include "harness.h"

struct known {
	uint32_t word;
	const char *mnemonic;
	const char *operands;
	enum kc_insn_target kind;
	uint64_t target;
};

#define BASE UINT64_C(0xffff800008010000)

KC_TEST(dis_known_encodings)
{
	/* objdump -D -b binary -m aarch64 --adjust-vma=BASE of these words, in order. */
	static const struct known known[] = {
		{0xa9be7bfd, "stp", "x29, x30, [sp, #-32]!", KC_INSN_TARGET_NONE, 0},
		{0x910003fd, "mov", "x29, sp", KC_INSN_TARGET_NONE, 0},
		{0xd5384113, "mrs", "x19, sp_el0", KC_INSN_TARGET_NONE, 0},
		{0x94000040, "bl", "0xffff80000801010c", KC_INSN_TARGET_BRANCH, BASE + 0x10c},
		{0xd0000b00, "adrp", "x0, 0xffff800008172000", KC_INSN_TARGET_PAGE, BASE + 0x162000},
		{0x913a2000, "add", "x0, x0, #0xe88", KC_INSN_TARGET_PAIR, BASE + 0x162e88},
		{0xa8c67bfd, "ldp", "x29, x30, [sp], #96", KC_INSN_TARGET_NONE, 0},
		{0x00000000, "udf", "#0", KC_INSN_TARGET_NONE, 0},
		{0xd503233f, "paciasp", "", KC_INSN_TARGET_NONE, 0},
		{0xd503245f, "bti", "c", KC_INSN_TARGET_NONE, 0},
		{0xd50323bf, "autiasp", "", KC_INSN_TARGET_NONE, 0},
		{0xd2800020, "mov", "x0, #0x1", KC_INSN_TARGET_NONE, 0},
		{0x92800000, "mov", "x0, #0xffffffffffffffff", KC_INSN_TARGET_NONE, 0},
		{0x54000003, "b.cc", "0xffff800008010034", KC_INSN_TARGET_BRANCH, BASE + 0x34},
		{0x37600c40, "tbnz", "w0, #12, 0xffff8000080101c0", KC_INSN_TARGET_BRANCH, BASE + 0x1c0},
		{0xb9401a60, "ldr", "w0, [x19, #24]", KC_INSN_TARGET_NONE, 0},
		{0xf9400000, "ldr", "x0, [x0]", KC_INSN_TARGET_NONE, 0},
		{0xd65f03c0, "ret", "", KC_INSN_TARGET_NONE, 0},
		{0xffffffff, ".inst", "0xffffffff", KC_INSN_TARGET_NONE, 0},
		{0x9ac00800, "udiv", "x0, x0, x0", KC_INSN_TARGET_NONE, 0},
		{0xd3441c00, "ubfx", "x0, x0, #4, #4", KC_INSN_TARGET_NONE, 0},
		{0x8b214800, "add", "x0, x0, w1, uxtw #2", KC_INSN_TARGET_NONE, 0},
		{0x5400004a, "b.ge", "0xffff800008010060", KC_INSN_TARGET_BRANCH, BASE + 0x60},
	};
	struct kc_disasm *dis;
	REQUIRE_OK(kc_disasm_create(&dis));
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		uint8_t code[4];
		for (int b = 0; b < 4; b++)
			code[b] = (uint8_t)(known[i].word >> (8 * b));
		struct kc_insn insn;
		kc_disasm_decode(dis, BASE + 4 * i, code, 4, &insn);
		CHECK_EQ_U64(insn.word, known[i].word);
		CHECK_STR(insn.mnemonic, known[i].mnemonic);
		CHECK_STR(insn.operands, known[i].operands);
		CHECK_MSG(insn.target_kind == known[i].kind, "0x%08x: target kind %d, expected %d",
			  known[i].word, insn.target_kind, known[i].kind);
		if (known[i].kind != KC_INSN_TARGET_NONE)
			CHECK_EQ_U64(insn.target, known[i].target);
		CHECK(insn.valid == (known[i].word != 0xffffffff));
	}
	/* bl is a call, ret a return; a jump elsewhere forgets the adrp. */
	uint8_t bl[4] = {0x40, 0x00, 0x00, 0x94}, ret[4] = {0xc0, 0x03, 0x5f, 0xd6};
	uint8_t adrp[4] = {0x00, 0x0b, 0x00, 0xd0}, add[4] = {0x00, 0x20, 0x3a, 0x91};
	struct kc_insn insn;
	kc_disasm_decode(dis, BASE, bl, 4, &insn);
	CHECK(insn.is_call && !insn.is_return);
	kc_disasm_decode(dis, BASE + 4, ret, 4, &insn);
	CHECK(insn.is_return);
	kc_disasm_decode(dis, BASE + 8, adrp, 4, &insn);
	kc_disasm_forget(dis);
	kc_disasm_decode(dis, BASE + 12, add, 4, &insn);
	CHECK(insn.target_kind == KC_INSN_TARGET_NONE);
	kc_disasm_decode(dis, BASE + 16, adrp, 4, &insn);
	kc_disasm_decode(dis, BASE + 0x100, add, 4, &insn); /* not consecutive */
	CHECK(insn.target_kind == KC_INSN_TARGET_NONE);
	/* Fewer than 4 bytes: no instruction. */
	kc_disasm_decode(dis, BASE, bl, 2, &insn);
	CHECK(!insn.valid);
	kc_disasm_destroy(dis);
}

/* LEN bytes of the vmlinux file at link-time address ADDR (an allocated section). */
static bool vmlinux_bytes(const char *path, uint64_t addr, uint8_t *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	bool ok = false;
	Elf_Scn *scn = NULL;
	while (elf && !ok && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_ALLOC))
			continue;
		if (addr < sh.sh_addr || addr + len > sh.sh_addr + sh.sh_size)
			continue;
		ok = pread(fd, buf, len, (off_t)(sh.sh_offset + (addr - sh.sh_addr))) == (ssize_t)len;
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return ok;
}

static uint64_t kaslr(struct kc_session *session)
{
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err) {
		kc_error_destroy(err);
		return 0;
	}
	return kc_arm64_mmu_layout(mmu)->kaslr_offset.value;
}

/* Words of [ADDR, ADDR + LEN) that differ between the dump and the vmlinux. */
static size_t differing_words(struct kc_session *session, const char *vmlinux, uint64_t addr,
			      size_t len, size_t *compared)
{
	uint8_t *dump = malloc(len), *file = malloc(len);
	size_t differ = SIZE_MAX;
	*compared = 0;
	if (dump && file && vmlinux_bytes(vmlinux, addr - kaslr(session), file, len)) {
		struct kc_error *err = kc_kernel_read(session, addr, dump, len);
		if (!err) {
			differ = 0;
			for (size_t i = 0; i + 4 <= len; i += 4)
				differ += memcmp(dump + i, file + i, 4) != 0;
			*compared = len / 4;
		}
		kc_error_destroy(err);
	}
	free(dump);
	free(file);
	return differ;
}

static void text_bytes_fixture(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	REQUIRE(vmlinux);
	/* Functions no boot-time patching touches: byte for byte. */
	static const char *const exact[] = {"sysrq_handle_crash", "panic", "kthread"};
	for (size_t i = 0; i < 3; i++) {
		uint64_t addr;
		REQUIRE_OK(kc_kernel_symbol(session, exact[i], &addr));
		struct kc_symbolized sym;
		REQUIRE_OK(kc_symbolize(session, addr, &sym));
		size_t compared;
		size_t differ = differing_words(session, vmlinux, addr, (size_t)sym.size, &compared);
		CHECK_MSG(differ == 0 && compared == sym.size / 4, "%s: %s: %zu of %zu words differ",
			  fixture, exact[i], differ, compared);
	}
	/* The first MiB of text: all but the words patched at boot. */
	uint64_t stext;
	REQUIRE_OK(kc_kernel_symbol(session, "_stext", &stext));
	size_t compared;
	size_t differ = differing_words(session, vmlinux, stext, 1 << 20, &compared);
	CHECK_MSG(compared == (1 << 18) && differ < compared / 200,
		  "%s: %zu of %zu text words differ", fixture, differ, compared);
	printf("    %s: first MiB of text: %zu of %zu words as in the vmlinux (the rest patched at boot)\n",
	       fixture, compared - differ, compared);
	kc_session_destroy(session);
}

KC_TEST(dis_text_bytes_4k48) { text_bytes_fixture("arm64-6.1-4k48"); }
KC_TEST(dis_text_bytes_16k47) { text_bytes_fixture("arm64-6.1-16k47"); }
KC_TEST(dis_text_bytes_64k52) { text_bytes_fixture("arm64-6.1-64k52"); }
KC_TEST(dis_text_bytes_5_10_4k39) { text_bytes_fixture("arm64-5.10-4k39"); }

/* binutils' objdump for aarch64, or NULL (llvm-objdump is no reference: its
 * syntax differs, see the top of this file). */
static const char *objdump_tool(void)
{
	if (system("command -v aarch64-linux-gnu-objdump >/dev/null 2>&1") == 0)
		return "aarch64-linux-gnu-objdump";
	return NULL;
}

/* objdump's text for an operand list: no "<sym>", no "// comment", no ";". */
static void clean_operands(char *ops)
{
	char *cut = strstr(ops, "//");
	if (cut)
		*cut = '\0';
	cut = strchr(ops, ';');
	if (cut)
		*cut = '\0';
	cut = strchr(ops, '<');
	if (cut)
		*cut = '\0';
	size_t len = strlen(ops);
	while (len && (ops[len - 1] == ' ' || ops[len - 1] == '\t'))
		ops[--len] = '\0';
}

/* Same text once "0x" prefixes (objdump writes bare hex addresses) are removed. */
static bool same_operands(const char *mine, const char *ref)
{
	char a[256], b[256];
	size_t n = 0;
	for (const char *p = mine; *p && n < sizeof(a) - 1; p++) {
		if (p[0] == '0' && p[1] == 'x' && (p == mine || p[-1] == ' ') && strlen(p) > 10) {
			p++;
			continue;
		}
		a[n++] = *p;
	}
	a[n] = '\0';
	snprintf(b, sizeof(b), "%s", ref);
	for (char *p = b; *p; p++)
		if (p[0] == '0' && p[1] == 'x' && (p == b || p[-1] == ' ') && strlen(p) > 10)
			memmove(p, p + 2, strlen(p + 2) + 1);
	return !strcmp(a, b);
}

/* What Capstone 4 cannot name: system registers newer than it, dc/ssbs aliases. */
static bool capstone_gap(const char *ref_mnemonic, const char *mnemonic, const char *ops)
{
	return (!strcmp(ref_mnemonic, "dc") && !strcmp(mnemonic, "sys")) ||
	       (!strcmp(ref_mnemonic, "msr") && !strcmp(mnemonic, ".inst")) ||
	       ((!strcmp(mnemonic, "mrs") || !strcmp(mnemonic, "msr")) && strstr(ops, "s3_"));
}

static void objdump_fixture(const char *fixture)
{
	const char *tool = objdump_tool();
	if (!tool) {
		kc_test_skip("no aarch64-linux-gnu-objdump (binutils-aarch64-linux-gnu) on this machine");
		return;
	}
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	REQUIRE(vmlinux);
	uint64_t stext;
	REQUIRE_OK(kc_kernel_symbol(session, "_stext", &stext));
	uint64_t start = stext - kaslr(session) + 0x40000;
	enum { N = 20000 };
	uint8_t *code = malloc(4 * N);
	REQUIRE(code && vmlinux_bytes(vmlinux, start, code, 4 * N));
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "%s -d --no-show-raw-insn --start-address=0x%" PRIx64
		 " --stop-address=0x%" PRIx64 " '%s'", tool, start, start + 4 * N, vmlinux);
	FILE *p = popen(cmd, "r");
	REQUIRE(p);
	struct kc_disasm *dis;
	REQUIRE_OK(kc_disasm_create(&dis));
	char line[1024];
	size_t compared = 0, same = 0, gaps = 0;
	while (fgets(line, sizeof(line), p)) {
		unsigned long long addr;
		char mnemonic[64], ops[512] = "";
		int consumed = 0;
		if (sscanf(line, " %llx: %63s%n", &addr, mnemonic, &consumed) != 2 || addr < start ||
		    addr >= start + 4 * N || !strchr(line, ':'))
			continue;
		const char *rest = line + consumed;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		snprintf(ops, sizeof(ops), "%s", rest);
		ops[strcspn(ops, "\n")] = '\0';
		clean_operands(ops);
		struct kc_insn insn;
		kc_disasm_decode(dis, addr, code + (addr - start), 4, &insn);
		compared++;
		if (!strcmp(insn.mnemonic, mnemonic) && same_operands(insn.operands, ops)) {
			same++;
		} else if (capstone_gap(mnemonic, insn.mnemonic, insn.operands)) {
			gaps++;
		} else {
			CHECK_MSG(false, "%s: 0x%llx: objdump \"%s %s\", kcrash \"%s %s\"", fixture, addr,
				  mnemonic, ops, insn.mnemonic, insn.operands);
		}
	}
	pclose(p);
	CHECK_MSG(compared >= N - 100, "%s: only %zu instructions from %s", fixture, compared, tool);
	CHECK(gaps * 1000 < compared);
	printf("    %s: %zu of %zu instructions as %s writes them (%zu Capstone 4 cannot name)\n",
	       fixture, same, compared, tool, gaps);
	kc_disasm_destroy(dis);
	free(code);
	kc_session_destroy(session);
}

KC_TEST(dis_matches_objdump_4k48) { objdump_fixture("arm64-6.1-4k48"); }
KC_TEST(dis_matches_objdump_16k47) { objdump_fixture("arm64-6.1-16k47"); }
KC_TEST(dis_matches_objdump_64k52) { objdump_fixture("arm64-6.1-64k52"); }
KC_TEST(dis_matches_objdump_5_10_4k39) { objdump_fixture("arm64-5.10-4k39"); }

static char *run(struct kc_session *session, const char *command)
{
	const char *commands[] = {command};
	return kc_test_run_commands(session, commands, 1);
}

static size_t count_lines(const char *text, const char *prefix)
{
	size_t n = 0;
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

KC_TEST(dis_command_on_fixture)
{
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session)
		return;
	uint64_t addr, panic;
	REQUIRE_OK(kc_kernel_symbol(session, "sysrq_handle_crash", &addr));
	REQUIRE_OK(kc_kernel_symbol(session, "panic", &panic));
	struct kc_symbolized sym;
	REQUIRE_OK(kc_symbolize(session, addr, &sym));

	/* The whole function: one line per instruction, crash's layout. */
	char *out = run(session, "dis sysrq_handle_crash");
	char first[128], call[128];
	snprintf(first, sizeof(first), "0x%" PRIx64 " <sysrq_handle_crash>:\t", addr);
	snprintf(call, sizeof(call), "bl\t0x%" PRIx64 " <panic>\n", panic);
	CHECK_EQ_U64(count_lines(out, "0x"), sym.size / 4);
	CHECK(strstr(out, first) != NULL);
	CHECK(strstr(out, call) != NULL);
	/* The adrp/add pair builds the panic message's address. */
	const char *pair = strstr(out, "// 0x");
	REQUIRE(pair);
	uint64_t message = strtoull(pair + 3, NULL, 16);
	char text[64];
	REQUIRE_OK(kc_kernel_read_string(session, message, text, sizeof(text)));
	CHECK_STR(text, "sysrq triggered crash\n");
	free(out);

	/* -r: start to ADDR; ADDR inside: one instruction; COUNT; -f to the end. */
	char cmd[128];
	out = run(session, "dis -r sysrq_handle_crash+8");
	CHECK_EQ_U64(count_lines(out, "0x"), 3);
	free(out);
	snprintf(cmd, sizeof(cmd), "dis 0x%" PRIx64, addr + 4);
	out = run(session, cmd);
	CHECK_EQ_U64(count_lines(out, "0x"), 1);
	free(out);
	out = run(session, "dis schedule 5");
	CHECK_EQ_U64(count_lines(out, "0x"), 5);
	free(out);
	out = run(session, "dis -f sysrq_handle_crash+8");
	CHECK_EQ_U64(count_lines(out, "0x"), sym.size / 4 - 2);
	free(out);

	/* -l: the DWARF's file and line before the lines they cover. */
	out = run(session, "dis -l sysrq_handle_crash");
	const char *file;
	int line;
	REQUIRE_OK(kc_symbol_source_line(session, addr + 8, &file, &line));
	char header[512];
	snprintf(header, sizeof(header), "%s: %d\n", file, line);
	CHECK(strstr(out, header) != NULL && strstr(file, "drivers/tty/sysrq.c"));
	free(out);
	/* -s without the source says so once; with it, the line's text. */
	unsetenv("KCRASH_SOURCE_DIR");
	out = run(session, "dis -s sysrq_handle_crash");
	CHECK_EQ_U64(count_lines(out, "dis: -s:"), 1);
	free(out);
	char dir[4096], path[4200];
	snprintf(dir, sizeof(dir), "%s/dis-src", kc_test_scratch_dir());
	snprintf(path, sizeof(path), "mkdir -p '%s/drivers/tty'", dir);
	REQUIRE(system(path) == 0);
	snprintf(path, sizeof(path), "%s/drivers/tty/sysrq.c", dir);
	FILE *f = fopen(path, "w");
	REQUIRE(f);
	for (int i = 1; i <= 400; i++)
		fprintf(f, "source line %d of sysrq.c\n", i);
	fclose(f);
	setenv("KCRASH_SOURCE_DIR", dir, 1);
	out = run(session, "dis -s sysrq_handle_crash");
	char expected[128];
	snprintf(expected, sizeof(expected), "  %-6dsource line %d of sysrq.c\n", line, line);
	CHECK(strstr(out, expected) != NULL);
	CHECK_EQ_U64(count_lines(out, "dis: -s:"), 0);
	free(out);
	unsetenv("KCRASH_SOURCE_DIR");

	/* --json: one object per instruction, the call's target named. */
	out = run(session, "dis --json sysrq_handle_crash");
	CHECK_EQ_U64(count_lines(out, "  {\"address\""), sym.size / 4);
	CHECK(strstr(out, "\"target_symbol\": \"panic\"") != NULL);
	free(out);

	/* Errors: not a symbol; a misaligned address. */
	out = run(session, "dis no_such_function_kc");
	CHECK(strstr(out, "error: dis:") != NULL);
	free(out);
	snprintf(cmd, sizeof(cmd), "dis 0x%" PRIx64, addr + 2);
	out = run(session, cmd);
	CHECK(strstr(out, "not 4-byte aligned") != NULL);
	free(out);
	kc_session_destroy(session);
}

/* The module's function from the dump against objdump of the .ko (mnemonics). */
KC_TEST(dis_module_function)
{
	const char *tool = objdump_tool();
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session)
		return;
	char *out = run(session, "dis kcrash_kthread_fn");
	CHECK(strstr(out, "<kcrash_kthread_fn>:\t") != NULL);
	size_t lines = count_lines(out, "0x");
	CHECK(lines > 4);
	if (tool) {
		char cmd[8192];
		snprintf(cmd, sizeof(cmd), "%s -d --no-show-raw-insn '%s/arm64-6.1-4k48/kcrash_testmod.ko'",
			 tool, kc_test_fixtures_dir());
		FILE *p = popen(cmd, "r");
		REQUIRE(p);
		char line[1024];
		bool in = false;
		size_t n = 0, same = 0;
		const char *cursor = out;
		while (fgets(line, sizeof(line), p)) {
			if (strstr(line, "<kcrash_kthread_fn>:")) {
				in = true;
				continue;
			}
			if (!in)
				continue;
			if (line[0] == '\n')
				break;
			unsigned long long a;
			char mnemonic[64];
			if (sscanf(line, " %llx: %63s", &a, mnemonic) != 2)
				continue;
			const char *mine = strstr(cursor, ">:\t");
			if (!mine)
				break;
			mine += 3;
			n++;
			same += !strncmp(mine, mnemonic, strlen(mnemonic)) &&
				(mine[strlen(mnemonic)] == '\t' || mine[strlen(mnemonic)] == '\n');
			cursor = mine;
		}
		pclose(p);
		CHECK_EQ_U64(n, lines);
		CHECK_EQ_U64(same, n);
	} else {
		kc_test_skip("no aarch64-linux-gnu-objdump (binutils-aarch64-linux-gnu) on this machine");
	}
	free(out);
	kc_session_destroy(session);
}

/* -u: user code of the current context, from its own page tables. */
KC_TEST(dis_user_code)
{
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.elf.zst");
	struct kc_session *filtered = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session || !filtered) {
		kc_session_destroy(session);
		kc_session_destroy(filtered);
		return;
	}
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	const struct kc_task *task = kc_task_by_pid(list, 46);
	REQUIRE(task);
	REQUIRE_OK(kc_session_set_context(session, task));
	uint8_t code[16];
	REQUIRE_OK(kc_task_read_user(session, task, 0x400000, code, sizeof(code)));
	char *out = run(session, "dis --json -u 0x400000 4");
	for (int i = 0; i < 4; i++) {
		char word[32];
		snprintf(word, sizeof(word), "\"word\": \"0x%02x%02x%02x%02x\"", code[4 * i + 3],
			 code[4 * i + 2], code[4 * i + 1], code[4 * i]);
		CHECK_MSG(strstr(out, word) != NULL, "%s not in %s", word, out);
	}
	free(out);
	/* The -d 31 kdump has no user pages: an error naming the address. */
	REQUIRE_OK(kc_tasks(filtered, &list));
	REQUIRE_OK(kc_session_set_context(filtered, kc_task_by_pid(list, 46)));
	out = run(filtered, "dis -u 0x400000 4");
	CHECK(strstr(out, "error: dis:") && strstr(out, "0x400000"));
	free(out);
	kc_session_destroy(session);
	kc_session_destroy(filtered);
}

/* Without the vmlinux: symbols from kallsyms, no source lines (said once). */
KC_TEST(dis_dump_alone)
{
	char dump[4096];
	snprintf(dump, sizeof(dump), "%s/fixtures/debian-6.1-arm64/vmcore.kdump-zlib",
		 kc_test_source_dir());
	const char *dumps[] = {dump};
	struct kc_session_options opts = {.dump_paths = dumps, .nr_dump_paths = 1,
					  .no_debuginfod = true};
	struct kc_session *session;
	REQUIRE_OK(kc_session_open(&opts, &session));
	char *out = run(session, "dis -l sysrq_handle_crash");
	CHECK(strstr(out, "no source lines") != NULL);
	CHECK(strstr(out, "<sysrq_handle_crash>:\t") != NULL);
	CHECK(strstr(out, " <panic>\n") != NULL);
	free(out);
	kc_session_destroy(session);
}
