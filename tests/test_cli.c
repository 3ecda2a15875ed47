/* SPDX-License-Identifier: MIT */
/* The kcrash binary as users and bots run it: arguments, batch, exit codes. */
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "dynload.h"
#include "error.h"
#include "harness.h"
#include "cmds/command.h"
#include "session.h"
#include "vmcore/dump.h"

#define FX "arm64-6.1-4k48"

static const char *sample_dump(void)
{
	return kc_test_fixture(FX, "vmcore.kdump-zlib");
}

static const char *sample_vmlinux(void)
{
	return kc_test_fixture(FX, "vmlinux");
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;
	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

KC_TEST(cli_split_words)
{
	int argc;
	char **argv;
	REQUIRE_OK(kc_split_words("  rd -p  'a b' \"c\\\"d\" e\\ f ", &argc, &argv));
	CHECK(argc == 5);
	if (argc == 5) {
		CHECK_STR(argv[0], "rd");
		CHECK_STR(argv[2], "a b");
		CHECK_STR(argv[3], "c\"d");
		CHECK_STR(argv[4], "e f");
		CHECK(argv[5] == NULL);
	}
	kc_free_argv(argc, argv);
	struct kc_error *err = kc_split_words("rd 'open", &argc, &argv);
	CHECK(err && err->code == KC_ERR_INVALID_ARG);
	kc_error_destroy(err);
}

KC_TEST(cli_sys_either_order_and_dump_alone)
{
	const char *dump = sample_dump();
	const char *vmlinux = sample_vmlinux();
	if (!dump || !vmlinux)
		return;
	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrashf(&out, &err, "-s -c sys '%s' '%s'", vmlinux, dump);
	CHECK_MSG(rc == 0, "exit %d, stderr: %s", rc, err ? err : "");
	REQUIRE(out);
	CHECK(strstr(out, "     RELEASE: 6.1.176-kcfx\n") != NULL);
	CHECK(strstr(out, "        CPUS: 2\n") != NULL);
	CHECK(strstr(out, "      KERNEL: ") != NULL);
	CHECK(strstr(out, "  [PARTIAL DUMP]") != NULL);
	char *first = out;
	out = NULL;
	free(err);
	rc = kc_test_run_kcrashf(&out, &err, "-s -c sys '%s' '%s'", dump, vmlinux);
	CHECK(rc == 0);
	CHECK_STR(out, first); /* the order of the arguments does not matter */
	free(out);
	free(err);
	free(first);
	rc = kc_test_run_kcrashf(&out, &err, "-s -c sys '%s'", dump);
	CHECK(rc == 0);
	CHECK(out && strstr(out, "KERNEL: (none given)") != NULL);
	free(out);
	free(err);
}

KC_TEST(cli_banner_unless_silent)
{
	const char *dump = sample_dump();
	if (!dump)
		return;
	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrashf(&out, &err, "-c 'help rd' '%s'", dump);
	CHECK(rc == 0);
	CHECK(out && strncmp(out, "kcrash ", 7) == 0);
	CHECK(out && strstr(out, "SYNOPSIS\n  rd [-p|-k|-u]") != NULL);
	free(out);
	free(err);
}

/* rd -p on linux_banner: crash's layout, values computed from the text. */
KC_TEST(cli_rd_physical_layout)
{
	const char *dump_path = sample_dump();
	if (!dump_path)
		return;
	/* Find "Linux version " in the dump through the reader. */
	char *map = NULL;
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/System.map", kc_test_fixtures_dir(), FX);
	map = kc_test_read_file(path, NULL);
	REQUIRE(map);
	const char *sym = strstr(map, " D linux_banner\n");
	REQUIRE(sym);
	uint64_t link = strtoull(sym - 16, NULL, 16);
	free(map);
	char *kaslr = kc_test_fact(FX, "vmcoreinfo.KERNELOFFSET");
	char *voff = kc_test_fact(FX, "vmcoreinfo.NUMBER(kimage_voffset)");
	REQUIRE(kaslr && voff);
	uint64_t paddr = link + strtoull(kaslr, NULL, 16) - strtoull(voff, NULL, 16);
	free(kaslr);
	free(voff);

	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrashf(&out, &err, "-s -c 'rd -p %llx 2' '%s'", (unsigned long long)paddr, dump_path);
	CHECK_MSG(rc == 0, "exit %d: %s", rc, err ? err : "");
	const char text[] = "Linux version 6.";
	uint64_t w0 = 0, w1 = 0;
	for (int i = 7; i >= 0; i--) {
		w0 = w0 << 8 | (uint8_t)text[i];
		w1 = w1 << 8 | (uint8_t)text[8 + i];
	}
	char expected[256];
	snprintf(expected, sizeof(expected), "%16llx:  %016llx %016llx   %s\n",
		 (unsigned long long)paddr, (unsigned long long)w0,
		 (unsigned long long)w1, text);
	CHECK_STR(out, expected);
	free(out);
	free(err);

	/* -8 with 16 bytes: one line, 16 values, the same ASCII. */
	rc = kc_test_run_kcrashf(&out, &err, "-s -c 'rd -p -8 %llx 16' '%s'", (unsigned long long)paddr, dump_path);
	CHECK(rc == 0);
	char *p = expected + snprintf(expected, sizeof(expected), "%16llx:  ",
				      (unsigned long long)paddr);
	for (int i = 0; i < 16; i++)
		p += sprintf(p, "%02x ", (uint8_t)text[i]);
	sprintf(p, "  %s\n", text);
	CHECK_STR(out, expected);
	free(out);
	free(err);

	/* A partial last line pads so the ASCII column lines up (crash's pad_line). */
	rc = kc_test_run_kcrashf(&out, &err, "-s -c 'rd -p -32 %llx 5' '%s'", (unsigned long long)paddr, dump_path);
	CHECK(rc == 0);
	char *second = out ? strchr(out, '\n') : NULL;
	REQUIRE(second);
	second++;
	CHECK(strlen(second) == 16 + 3 + 4 * 9 + 2 + 4 + 1);
	CHECK(strncmp(second + 16 + 3 + 9, "     ", 5) == 0);
	free(out);
	free(err);
}

KC_TEST(cli_batch_errors_and_exit_codes)
{
	const char *dump_path = sample_dump();
	if (!dump_path)
		return;
	struct kc_dump *dump;
	REQUIRE_OK(kc_dump_open(dump_path, NULL, &dump));
	uint64_t excluded = UINT64_MAX;
	for (size_t r = 0; r < dump->nr_ranges && excluded == UINT64_MAX; r++)
		for (uint64_t a = dump->ranges[r].start; a < dump->ranges[r].end; a += dump->page_size)
			if (kc_dump_page_state(dump, a) == KC_PAGE_EXCLUDED) {
				excluded = a;
				break;
			}
	kc_dump_close(dump);
	REQUIRE(excluded != UINT64_MAX);

	char script[4096];
	snprintf(script, sizeof(script), "%s/cli-batch.cmds", kc_test_scratch_dir());
	FILE *f = fopen(script, "w");
	REQUIRE(f);
	fprintf(f, "# comment lines are skipped\nrd -p %llx\nnosuchcommand\nrd -p zz\nsys\n",
		(unsigned long long)excluded);
	fclose(f);
	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrashf(&out, &err, "-s -i '%s' '%s'", script, dump_path);
	CHECK_MSG(rc == 1, "exit %d, expected 1 (a command failed)", rc);
	CHECK(out && strstr(out, "RELEASE: 6.1.176-kcfx") != NULL); /* batch went on */
	CHECK_MSG(count_lines(err) == 3, "stderr has %u lines: %s", count_lines(err), err ? err : "");
	char addr[32];
	snprintf(addr, sizeof(addr), "%llx", (unsigned long long)excluded);
	CHECK(err && strstr(err, "rd: ") && strstr(err, "excluded") && strstr(err, addr));
	CHECK(err && strstr(err, "nosuchcommand: command not found"));
	CHECK(err && strstr(err, "rd: invalid hexadecimal number: \"zz\""));
	free(out);
	free(err);

	/* quit stops the batch; everything before it succeeded: exit 0. */
	rc = kc_test_run_kcrashf(&out, &err, "-s -c 'sys; quit; rd -p zz' '%s'", dump_path);
	CHECK(rc == 0);
	CHECK(err && *err == '\0');
	free(out);
	free(err);
}

KC_TEST(cli_bad_files_exit_2)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/not-a-dump.txt", kc_test_scratch_dir());
	FILE *f = fopen(path, "w");
	REQUIRE(f);
	fputs("hello, this is not a kernel dump\n", f);
	fclose(f);
	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrashf(&out, &err, "-s -c sys '%s'", path);
	CHECK(rc == 2);
	CHECK(err && strstr(err, path) && count_lines(err) == 1);
	free(out);
	free(err);
	rc = kc_test_run_kcrashf(&out, &err, "-s -c sys /nonexistent/vmcore");
	CHECK(rc == 2);
	CHECK(err && strstr(err, "/nonexistent/vmcore") && strstr(err, "No such file"));
	free(out);
	free(err);
	rc = kc_test_run_kcrashf(&out, &err, "--bogus-option");
	CHECK(rc == 2);
	free(out);
	free(err);
	/* A boot Image (Debian's vmlinuz): its header's magic at 56. */
	snprintf(path, sizeof(path), "%s/vmlinuz-like", kc_test_scratch_dir());
	unsigned char image[64] = {0};
	memcpy(image + 56, "ARM\x64", 4);
	f = fopen(path, "wb");
	REQUIRE(f);
	fwrite(image, 1, sizeof(image), f);
	fclose(f);
	rc = kc_test_run_kcrashf(&out, &err, "-s -c sys '%s'", path);
	CHECK(rc == 2);
	CHECK_MSG(err && strstr(err, "an arm64 boot Image") && count_lines(err) == 1, "%s", err);
	free(out);
	free(err);
	/* A gzip'd file: decompress first. */
	snprintf(path, sizeof(path), "%s/vmcore.gz", kc_test_scratch_dir());
	f = fopen(path, "wb");
	REQUIRE(f);
	fwrite("\x1f\x8b\x08\0\0\0\0\0", 1, 8, f);
	fclose(f);
	rc = kc_test_run_kcrashf(&out, &err, "-s -c sys '%s'", path);
	CHECK(rc == 2);
	CHECK_MSG(err && strstr(err, "decompress it first") && count_lines(err) == 1, "%s", err);
	free(out);
	free(err);
}

KC_TEST(cli_help_dump_header_and_pipes)
{
	const char *dump = sample_dump();
	if (!dump)
		return;
	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrashf(&out, &err, "-s -c 'help -D' '%s'", dump);
	CHECK(rc == 0);
	CHECK(out && strstr(out, "VMCOREINFO:\nOSRELEASE=6.1.176-kcfx\n"));
	CHECK(out && strstr(out, "compression: zlib"));
	free(out);
	free(err);
	rc = kc_test_run_kcrashf(&out, &err, "-s -c 'help -D | grep -c ^OSRELEASE=' '%s'", dump);
	CHECK(rc == 0);
	CHECK_STR(out, "1\n");
	free(out);
	free(err);
	char target[4096];
	snprintf(target, sizeof(target), "%s/cli-redirect.txt", kc_test_scratch_dir());
	rc = kc_test_run_kcrashf(&out, &err, "-s -c 'sys > %s' '%s'", target, dump);
	CHECK(rc == 0);
	CHECK_STR(out, "");
	char *written = kc_test_read_file(target, NULL);
	CHECK(written && strstr(written, "RELEASE: 6.1.176-kcfx"));
	free(written);
	free(out);
	free(err);
}

KC_TEST(cli_commands_from_stdin_when_not_a_terminal)
{
	const char *dump = sample_dump();
	if (!dump)
		return;
	char cmd[8192], out_path[4096];
	snprintf(out_path, sizeof(out_path), "%s/cli-stdin.out", kc_test_scratch_dir());
	snprintf(cmd, sizeof(cmd), "printf 'sys\\nhelp quit\\n' | '%s' -s '%s' >'%s' 2>&1",
		 kc_test_kcrash_bin(), dump, out_path);
	CHECK(system(cmd) == 0);
	char *out = kc_test_read_file(out_path, NULL);
	CHECK(out && strstr(out, "RELEASE: 6.1.176-kcfx") && strstr(out, "NAME\n  quit"));
	free(out);
}

/* kcrash(1) documents every command in the table and every option. */
KC_TEST(cli_man_page_covers_commands_and_options)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/../man/kcrash.1", kc_test_source_dir());
	char *man = kc_test_read_file(path, NULL);
	REQUIRE(man);
	for (size_t i = 0; i < kc_nr_commands; i++) {
		char needle[64];
		snprintf(needle, sizeof(needle), "\n.B %s", kc_commands[i]->name);
		char alt[64];
		snprintf(alt, sizeof(alt), "\\fB%s", kc_commands[i]->name);
		char alt2[64];
		snprintf(alt2, sizeof(alt2), "\n.BR %s ", kc_commands[i]->name);
		CHECK_MSG(strstr(man, needle) || strstr(man, alt) || strstr(man, alt2),
			  "man page does not document command %s", kc_commands[i]->name);
	}
	char *out = NULL, *err = NULL;
	CHECK(kc_test_run_kcrash("--help", &out, &err) == 0);
	static const char *const options[] = {"-i", "-c", "-s", "--cache", "--force", "--debug-dir", "--no-debuginfod", "--help", "--version"};
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		CHECK_MSG(out && strstr(out, options[i]), "--help lacks %s", options[i]);
		/* In roff, '-' is written '\-'. */
		char roff[32] = "";
		char *p = roff;
		for (const char *o = options[i]; *o; o++) {
			if (*o == '-')
				*p++ = '\\';
			*p++ = *o;
		}
		*p = '\0';
		CHECK_MSG(strstr(man, roff), "man page lacks option %s", options[i]);
	}
	free(out);
	free(err);
	free(man);
}

/* A vmlinux of another kernel is refused (exit 2) unless --force. */
KC_TEST(cli_vmlinux_mismatch_needs_force)
{
	const char *vmlinux = kc_test_fixture("arm64-6.1-4k48", "vmlinux");
	const char *other = kc_test_fixture("arm64-6.1-16k47", "vmcore.kdump-zlib");
	const char *same = sample_dump();
	if (!vmlinux || !other || !same)
		return;
	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrashf(&out, &err, "-s -c sys '%s' '%s'", vmlinux, other);
	CHECK(rc == 2);
	CHECK(err && strstr(err, "does not match the dump") && strstr(err, "build id") &&
	      strstr(err, "--force") && count_lines(err) == 1);
	free(out);
	free(err);
	rc = kc_test_run_kcrashf(&out, &err, "--force -s -c sys '%s' '%s'", vmlinux, other);
	CHECK(rc == 0);
	CHECK(err && strstr(err, "warning: --force:"));
	CHECK(out && strstr(out, "RELEASE: 6.1.176-kcfx"));
	free(out);
	free(err);
	/* The matching pair opens without a word on stderr. */
	rc = kc_test_run_kcrashf(&out, &err, "-s -c sys '%s' '%s'", vmlinux, same);
	CHECK(rc == 0);
	CHECK_STR(err, "");
	free(out);
	free(err);
}

/* "->" in an expression is C, not a redirection to a file. */
KC_TEST(cli_arrow_is_not_a_redirection)
{
	const char *vmlinux = sample_vmlinux();
	const char *dump = sample_dump();
	if (!vmlinux || !dump)
		return;
	char *out = NULL, *err = NULL;
	char cwd[4096];
	REQUIRE(getcwd(cwd, sizeof(cwd)));
	REQUIRE(chdir(kc_test_scratch_dir()) == 0);
	unlink("next");
	int rc = kc_test_run_kcrashf(&out, &err, "-s -c 'p init_task.tasks.next->next' '%s' '%s'", vmlinux, dump);
	CHECK(rc == 0);
	CHECK(out && strstr(out, "$1 = (struct list_head *) 0x"));
	CHECK(access("next", F_OK) != 0);
	REQUIRE(chdir(cwd) == 0);
	free(out);
	free(err);
}

/*
 * The libraries a run may never call are loaded when first called
 * (src/dynload.h, src/pyplugin.c), not linked: each linked one cost every
 * run its relocations (8-11 ms of a 20 ms `ps; mod`, libdebuginfod's curl
 * and GnuTLS most of it). The binary asks ld.so for none of them, and a
 * library that is not there gives an error naming it.
 */
KC_TEST(cli_loads_rarely_used_libraries_on_first_use)
{
	int fd = open(kc_test_kcrash_bin(), O_RDONLY);
	REQUIRE(fd >= 0);
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	REQUIRE(elf);
	Elf_Scn *scn = NULL;
	int needed = 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_DYNAMIC)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && i < shdr.sh_size / shdr.sh_entsize; i++) {
			GElf_Dyn dyn;
			if (!gelf_getdyn(data, (int)i, &dyn) || dyn.d_tag != DT_NEEDED)
				continue;
			const char *name = elf_strptr(elf, shdr.sh_link, dyn.d_un.d_val);
			REQUIRE(name);
			needed++;
			CHECK_MSG(!strstr(name, "debuginfod") && !strstr(name, "capstone") &&
				  !strstr(name, "snappy") && !strstr(name, "python"),
				  "kcrash is linked with %s", name);
		}
	}
	CHECK_MSG(needed > 0, "kcrash has DT_NEEDED entries (libelf, libdw, ...)");
	elf_end(elf);
	close(fd);

	void *fn = NULL;
	const struct kc_dynload_symbol missing_lib[] = {{"f", &fn}};
	struct kc_error *err = kc_dynload("libkcrash-no-such-library.so.0", missing_lib, 1);
	CHECK_MSG(err && strstr(kc_error_message(err), "libkcrash-no-such-library.so.0 could not be loaded: "),
		  "%s", err ? kc_error_message(err) : "no error");
	kc_error_destroy(err);
	const struct kc_dynload_symbol missing_symbol[] = {{"kcrash_no_such_function", &fn}};
	err = kc_dynload("libz.so.1", missing_symbol, 1);
	CHECK_MSG(err && strcmp(kc_error_message(err), "libz.so.1 has no kcrash_no_such_function") == 0,
		  "%s", err ? kc_error_message(err) : "no error");
	kc_error_destroy(err);
	const struct kc_dynload_symbol present[] = {{"zlibVersion", &fn}};
	REQUIRE_OK(kc_dynload("libz.so.1", present, 1));
	CHECK(fn != NULL);
}
