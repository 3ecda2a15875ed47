/* SPDX-License-Identifier: MIT */
/*
 * Data symbols found in the dump (src/datasyms.c) on the real fixtures.
 * Their vmlinux symbol tables have every data symbol, so a session that
 * keeps only what kallsyms without CONFIG_KALLSYMS_ALL would list must
 * find each one at exactly the symbol table's address, and the commands
 * must print exactly what they print with the full symbol table.
 */
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "datasyms.h"
#include "harness.h"
#include "kernel.h"
#include "session.h"
#include "symtab.h"

/* The kdump-compressed dump each fixture has. */
static const char *const dump_files[] = {
	"vmcore.kdump-zlib", "vmcore.kdump-zlib", "vmcore.kdump-zlib", "vmcore.kdump-zlib",
};

static struct kc_session *open_kallsyms_like(const char *fixture, const char *dump_file)
{
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	if (!vmlinux)
		return NULL;
	struct kc_session_options opts = {.vmlinux_path = vmlinux, .kallsyms_like_symbols = true};
	return kc_test_open_session_with(fixture, dump_file, &opts);
}

/* The symbols the fixture kernels have (no BTF, no SDEI, no NUMA). */
static bool fixture_has(const char *name)
{
	return strcmp(name, "btf_modules") != 0 && strcmp(name, "__start_BTF") != 0 &&
	       strcmp(name, "__stop_BTF") != 0;
}

KC_TEST(datasyms_match_symtab_every_fixture)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *full = kc_test_open_session(fixture, dump_files[f]);
		struct kc_session *bare = open_kallsyms_like(fixture, dump_files[f]);
		if (!full || !bare) {
			kc_session_destroy(full);
			kc_session_destroy(bare);
			return;
		}
		CHECK(kc_symtab_lookup(bare->symtab, "init_task") == NULL);
		CHECK(kc_symtab_lookup(bare->symtab, "show_state_filter") != NULL);
		uint64_t kaslr = full->mmu->layout.kaslr_offset.value;
		for (size_t i = 0; i < kc_datasym_nr_names; i++) {
			const char *name = kc_datasym_names[i];
			const struct kc_symbol *truth = kc_symtab_lookup(full->symtab, name);
			const struct kc_datasym *found;
			struct kc_error *err = kc_datasym_find(bare, name, &found);
			if (!truth || !fixture_has(name)) {
				CHECK_MSG(err != NULL, "%s: %s found at 0x%llx, but the kernel has none",
					  fixture, name, err ? 0ull : (unsigned long long)found->addr);
				if (getenv("KC_TEST_VERBOSE") && err)
					printf("  %s %s: %s\n", fixture, name, kc_error_message(err));
				kc_error_destroy(err);
				continue;
			}
			if (err) {
				kc_test_fail(__FILE__, __LINE__, "%s: %s", fixture,
					     kc_error_message(err));
				kc_error_destroy(err);
				continue;
			}
			CHECK_MSG(found->addr == truth->addr + kaslr,
				  "%s: %s at 0x%llx, the symbol table says 0x%llx (%s)", fixture,
				  name, (unsigned long long)found->addr,
				  (unsigned long long)(truth->addr + kaslr), found->provenance);
			if (found->size && truth->size)
				CHECK_MSG(found->size == truth->size,
					  "%s: %s is %llu bytes, the symbol table says %llu", fixture,
					  name, (unsigned long long)found->size,
					  (unsigned long long)truth->size);
			if (getenv("KC_TEST_VERBOSE"))
				printf("  %s %s: %.3f ms %s\n", fixture, name, found->seconds * 1e3,
				       found->provenance);
		}
		kc_session_destroy(full);
		kc_session_destroy(bare);
	}
}

/* COMMAND's output (and error, if any) in SESSION, as one string. */
static char *run_command(struct kc_session *session, const char *command)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return NULL;
	struct kc_error *err = kc_session_run_line(session, command, out);
	if (err) {
		fprintf(out, "error: %s\n", kc_error_message(err));
		kc_error_destroy(err);
	}
	fclose(out);
	return text;
}

/* p's value-history numbers ("$3") count across sessions: "$N" instead. */
static void strip_history_numbers(char *text)
{
	char *out = text;
	for (const char *in = text; *in;) {
		*out++ = *in;
		if (*in++ == '$') {
			while (*in >= '0' && *in <= '9')
				in++;
			*out++ = 'N';
		}
	}
	*out = '\0';
}

/* The first line where A and B differ, for the failure message. */
static void first_difference(const char *a, const char *b, char *buf, size_t len)
{
	size_t line = 1;
	const char *la = a, *lb = b;
	while (*a && *a == *b) {
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
		a++;
		b++;
	}
	snprintf(buf, len, "line %zu: \"%.*s\" vs \"%.*s\"", line, (int)strcspn(la, "\n"), la,
		 (int)strcspn(lb, "\n"), lb);
}

/* The same commands' output with and without data symbols, on DUMP_FILE. */
static void compare_commands(const char *fixture, const char *dump_file)
{
	static const char *const commands[] = {
		"ps", "mod", "bt -a", "sys", "log", "triage --json", "p jiffies", "foreach bt",
	};
	for (int once = 0; once < 1; once++) {
		struct kc_session *full = kc_test_open_session(fixture, dump_file);
		struct kc_session *bare = open_kallsyms_like(fixture, dump_file);
		if (!full || !bare) {
			kc_session_destroy(full);
			kc_session_destroy(bare);
			return;
		}
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
			char *want = run_command(full, commands[i]);
			char *got = run_command(bare, commands[i]);
			REQUIRE(want && got);
			strip_history_numbers(want);
			strip_history_numbers(got);
			if (getenv("KC_TEST_VERBOSE"))
				printf("  %s/%s %s: %zu bytes\n", fixture, dump_file, commands[i],
				       strlen(want));
			CHECK_MSG(strstr(want, "error:") == NULL, "%s/%s: %s fails with the full symbol table: %.200s",
				  fixture, dump_file, commands[i], want);
			if (strcmp(want, got) != 0) {
				char diff[512];
				first_difference(want, got, diff, sizeof(diff));
				kc_test_fail(__FILE__, __LINE__, "%s/%s: \"%s\" differs without data symbols: %s",
					     fixture, dump_file, commands[i], diff);
			}
			free(want);
			free(got);
		}
		kc_session_destroy(full);
		kc_session_destroy(bare);
	}
}

KC_TEST(datasyms_commands_same_output_every_fixture)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++)
		compare_commands(kc_test_fixture_names[f], dump_files[f]);
}

/* QEMU's dumps of the running guests: no panic, no crash_notes. */
KC_TEST(datasyms_commands_same_output_qemu_dumps)
{
	compare_commands("arm64-6.1-16k47", "qemu.kdump-zlib");
	compare_commands("arm64-6.1-64k52", "qemu.kdump-zlib");
	compare_commands("arm64-6.1-4k48", "qemu.kdump-zlib.flat");
}

/* --- damaged memory: a wrong address must be an error, never an answer --- */

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arm64/mmu.h"
#include "vmcore/elf.h"

#define DAMAGE_FIXTURE "arm64-6.1-4k48"

/* A private copy of the fixture's filtered ELF dump (it has the text and data pages). */
static const char *damage_copy(void)
{
	static char copy[4096];
	const char *path = kc_test_fixture(DAMAGE_FIXTURE, "vmcore.elf-d31.zst");
	if (!path)
		return NULL;
	snprintf(copy, sizeof(copy), "%s/datasyms-damage.elf", kc_test_scratch_dir());
	size_t len = 0;
	char *bytes = kc_test_read_file(path, &len);
	FILE *out = bytes ? fopen(copy, "wb") : NULL;
	bool ok = out && fwrite(bytes, 1, len, out) == len;
	if (out)
		ok = fclose(out) == 0 && ok;
	free(bytes);
	return ok ? copy : NULL;
}

static struct kc_session *open_dump(const char *dump, bool kallsyms_like)
{
	const char *vmlinux = kc_test_fixture_vmlinux(DAMAGE_FIXTURE);
	if (!vmlinux)
		return NULL;
	struct kc_session_options opts = {
		.vmlinux_path = vmlinux, .dump_paths = &dump, .nr_dump_paths = 1,
		.kallsyms_like_symbols = kallsyms_like};
	struct kc_session *session;
	struct kc_error *err = kc_session_open(&opts, &session);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s: %s", dump, kc_error_message(err));
		kc_error_destroy(err);
		return NULL;
	}
	return session;
}

/* Overwrite LEN bytes at kernel virtual address VADDR of the ELF dump at PATH. */
static bool poke(struct kc_session *session, const char *path, uint64_t vaddr,
		 const void *bytes, size_t len)
{
	uint64_t paddr;
	struct kc_error *err = kc_arm64_kvtop(session->mmu, vaddr, &paddr);
	if (err) {
		kc_error_destroy(err);
		return false;
	}
	const struct kc_elf_segment *segs;
	size_t n = kc_elf_dump_segments(session->dump, &segs);
	for (size_t i = 0; i < n; i++) {
		if (paddr < segs[i].paddr || paddr - segs[i].paddr >= segs[i].filesz)
			continue;
		int fd = open(path, O_WRONLY);
		bool ok = fd >= 0 &&
			  pwrite(fd, bytes, len, (off_t)(segs[i].offset + paddr - segs[i].paddr)) ==
				  (ssize_t)len;
		if (fd >= 0)
			close(fd);
		return ok;
	}
	return false;
}

KC_TEST(datasyms_corrupt_init_task_pid_is_an_error)
{
	const char *copy = damage_copy();
	REQUIRE(copy);
	struct kc_session *full = open_dump(copy, false);
	REQUIRE(full);
	uint64_t init_task;
	const struct kc_kernel_member *pid;
	REQUIRE_OK(kc_kernel_symbol(full, "init_task", &init_task));
	REQUIRE_OK(kc_kernel_member(full, "struct task_struct", "pid", &pid));
	int32_t bad = 4660;
	REQUIRE(poke(full, copy, init_task + pid->offset, &bad, sizeof(bad)));
	kc_session_destroy(full);

	struct kc_session *bare = open_dump(copy, true);
	REQUIRE(bare);
	const struct kc_datasym *found;
	struct kc_error *err = kc_datasym_find(bare, "init_task", &found);
	CHECK_MSG(err != NULL, "init_task found at 0x%llx with its pid corrupted: %s",
		  err ? 0ull : (unsigned long long)found->addr, err ? "" : found->provenance);
	if (err) {
		if (getenv("KC_TEST_VERBOSE"))
			printf("  %s\n", kc_error_message(err));
		CHECK_MSG(strstr(kc_error_message(err), "pid 4660, not 0"),
			  "the error does not say why: %s", kc_error_message(err));
		kc_error_destroy(err);
	}
	char *ps = run_command(bare, "ps");
	REQUIRE(ps);
	CHECK_MSG(strncmp(ps, "error: ", 7) == 0 && strstr(ps, "init_task not found") &&
		  !strstr(ps, "kc_crasher"), "ps printed:\n%.600s", ps);
	free(ps);
	kc_session_destroy(bare);
}

/*
 * get_taint's load is redirected (in the dump's copy of its code) to
 * another word that looks like a taint mask: the functions that use
 * tainted_mask now disagree, and triage must say so instead of printing
 * the wrong word's taint.
 */
KC_TEST(datasyms_disagreeing_functions_are_an_error)
{
	const char *copy = damage_copy();
	REQUIRE(copy);
	struct kc_session *full = open_dump(copy, false);
	REQUIRE(full);
	uint64_t get_taint, tainted_mask;
	REQUIRE_OK(kc_kernel_symbol(full, "get_taint", &get_taint));
	REQUIRE_OK(kc_kernel_symbol(full, "tainted_mask", &tainted_mask));
	/* get_taint is "adrp x0, page; ldr x0, [x0, #lo12]; ret" (v5.10, v6.1). */
	uint8_t code[8];
	REQUIRE_OK(kc_kernel_read(full, get_taint, code, sizeof(code)));
	uint32_t adrp = (uint32_t)code[0] | (uint32_t)code[1] << 8 | (uint32_t)code[2] << 16 |
			(uint32_t)code[3] << 24;
	uint32_t ldr = (uint32_t)code[4] | (uint32_t)code[5] << 8 | (uint32_t)code[6] << 16 |
		       (uint32_t)code[7] << 24;
	REQUIRE((adrp & 0x9f000000u) == 0x90000000u && (ldr & 0xffc00000u) == 0xf9400000u);
	uint64_t page = tainted_mask & ~UINT64_C(0xfff);
	uint32_t imm = (ldr >> 10) & 0xfff, other = 0;
	for (uint32_t k = 0; k < 512 && !other; k++) {
		uint32_t candidate = (uint32_t)((imm + 1 + k) & 0x1ff);
		uint64_t value;
		if (page + 8ull * candidate == tainted_mask ||
		    kc_kernel_read_u64(full, page + 8ull * candidate, &value) || value >> 24)
			continue;
		other = candidate;
	}
	REQUIRE(other);
	uint32_t patched = (ldr & ~(0xfffu << 10)) | other << 10;
	uint8_t bytes[4] = {(uint8_t)patched, (uint8_t)(patched >> 8), (uint8_t)(patched >> 16),
			    (uint8_t)(patched >> 24)};
	REQUIRE(poke(full, copy, get_taint + 4, bytes, sizeof(bytes)));
	kc_session_destroy(full);

	struct kc_session *bare = open_dump(copy, true);
	REQUIRE(bare);
	const struct kc_datasym *found;
	struct kc_error *err = kc_datasym_find(bare, "tainted_mask", &found);
	CHECK_MSG(err != NULL, "tainted_mask found at 0x%llx: %s",
		  err ? 0ull : (unsigned long long)found->addr, err ? "" : found->provenance);
	if (err) {
		if (getenv("KC_TEST_VERBOSE"))
			printf("  %s\n", kc_error_message(err));
		CHECK_MSG(strstr(kc_error_message(err), "disagree") &&
			  strstr(kc_error_message(err), "get_taint"),
			  "the error does not name the disagreement: %s", kc_error_message(err));
		kc_error_destroy(err);
	}
	char *triage = run_command(bare, "triage --json");
	REQUIRE(triage);
	CHECK_MSG(strstr(triage, "tainted_mask not found"), "triage --json printed:\n%.2000s", triage);
	free(triage);
	kc_session_destroy(bare);
}

KC_TEST(datasyms_help_k_lists_sources)
{
	struct kc_session *bare = open_kallsyms_like(DAMAGE_FIXTURE, "vmcore.kdump-zlib");
	struct kc_session *full = kc_test_open_session(DAMAGE_FIXTURE, "vmcore.kdump-zlib");
	if (!bare || !full) {
		kc_session_destroy(bare);
		kc_session_destroy(full);
		return;
	}
	char *found = run_command(bare, "help -k");
	char *listed = run_command(full, "help -k");
	REQUIRE(found && listed);
	/* Without data symbols each comes from the dump, with its provenance. */
	const char *line = strstr(found, "\ninit_task ");
	CHECK_MSG(line && strstr(line, "found in") && strstr(line, "show_state_filter+0x") &&
		  strstr(line, "validated: pid 0, comm swapper/0"), "help -k:\n%s", found);
	line = strstr(found, "\nmodules ");
	CHECK_MSG(line && strstr(line, "kcrash_testmod"), "help -k:\n%s", found);
	CHECK_MSG(strstr(found, "\nbtf_modules          (not found)"), "help -k:\n%s", found);
	/* With them, the symbol table is the source and nothing is searched. */
	line = strstr(listed, "\ninit_task ");
	CHECK_MSG(line && strncmp(strchr(line + 1, '\n') - 20, "vmlinux symbol table", 20) == 0,
		  "help -k:\n%s", listed);
	free(found);
	free(listed);
	kc_session_destroy(bare);
	kc_session_destroy(full);
}
