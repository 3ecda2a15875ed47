/* SPDX-License-Identifier: MIT */
/*
 * The type commands (struct, union, p, whatis, list) on the real fixtures,
 * through the kcrash binary, against what the running kernel wrote into
 * ground-truth/facts.txt and against other code paths (rd, the kernel
 * layer's own list walk).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf.h"
#include "harness.h"
#include "kernel.h"
#include "session.h"

/* kcrash -s -c COMMANDS on the fixture's kdump; stdout and stderr. */
static bool run_commands(const char *fixture, const char *commands, char **out,
			 char **err)
{
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, "vmcore.kdump-zlib");
	*out = *err = NULL;
	if (!vmlinux || !dump)
		return false;
	char args[8192];
	snprintf(args, sizeof(args), "-s -c \"%s\" '%s' '%s'", commands, vmlinux, dump);
	kc_test_run_kcrash(args, out, err);
	CHECK_MSG(*out && *err, "%s: kcrash did not run", fixture);
	return *out && *err;
}

static void free_output(char *out, char *err)
{
	free(out);
	free(err);
}

static uint64_t fact_u64(const char *fixture, const char *key)
{
	char *text = kc_test_fact(fixture, key);
	uint64_t value = text ? strtoull(text, NULL, 0) : 0;
	free(text);
	return value;
}

/* struct with members, p of a member, whatis, struct -o. */
static void check_struct_and_whatis(const char *fixture)
{
	char *out, *err;
	if (!run_commands(fixture,
			  "struct task_struct.comm,pid init_task; whatis init_task; "
			  "struct list_head -o; struct task_struct.comm,pid init_task --json",
			  &out, &err))
		return;
	const char *expected =
		"  comm = \"swapper/0\\000\\000\\000\\000\\000\\000\",\n"
		"  pid = 0,\n"
		"struct task_struct init_task;\n"
		"struct list_head {\n"
		"   [0] struct list_head *next;\n"
		"   [8] struct list_head *prev;\n"
		"}\n"
		"SIZE: 16\n"
		"{\"comm\": \"swapper/0\", \"pid\": 0}\n";
	CHECK_MSG(strcmp(out, expected) == 0, "%s printed:\n%s\nstderr: %s", fixture, out, err);
	free_output(out, err);
}

/* p of a plain variable against rd of the same symbol; p of a member. */
static void check_p(const char *fixture)
{
	char *out, *err;
	if (!run_commands(fixture, "p jiffies; rd -64 jiffies 1; p init_task.comm; "
			  "p --json init_task.tasks",
			  &out, &err))
		return;
	unsigned long long jiffies = 0, rd_value = 0, rd_addr = 0;
	unsigned history;
	const char *rd_line = strchr(out, '\n');
	CHECK_MSG(sscanf(out, "jiffies = $%u = %llu\n", &history, &jiffies) == 2,
		  "%s: p jiffies printed: %s", fixture, out);
	CHECK(rd_line && sscanf(rd_line + 1, "%llx:  %llx", &rd_addr, &rd_value) == 2);
	CHECK_EQ_U64(jiffies, rd_value);
	/* INITIAL_JIFFIES is 2^32 - 300 s of ticks; the dumps are minutes old. */
	CHECK_MSG(jiffies > 0x100000000ull - 300 * 1000 && jiffies < 0x100000000ull + 3600 * 1000,
		  "%s: implausible jiffies %llu", fixture, jiffies);
	CHECK_MSG(strstr(out, "\n$") && strstr(out, " = \"swapper/0\\000\\000\\000\\000\\000\\000\"\n"),
		  "%s: p init_task.comm printed: %s", fixture, out);
	CHECK_MSG(strstr(out, "\n{\"next\": \"0x") && strstr(out, "\", \"prev\": \"0x"),
		  "%s: p --json printed: %s", fixture, out);
	CHECK_MSG(err[0] == '\0', "%s: stderr: %s", fixture, err);
	free_output(out, err);
}

/* A per-CPU variable: its addresses, and each CPU's copy. */
static void check_percpu(const char *fixture)
{
	char *out, *err;
	if (!run_commands(fixture, "p runqueues; p -c 0 runqueues; p runqueues:1; "
			  "struct rq.cpu runqueues:a",
			  &out, &err))
		return;
	unsigned long long cpu0 = 0, cpu1 = 0;
	const char *addresses = strstr(out, "PER-CPU ADDRESSES:\n");
	CHECK_MSG(strncmp(out, "PER-CPU DATA TYPE:\n  struct rq runqueues;\n", 42) == 0,
		  "%s: p runqueues printed: %.300s", fixture, out);
	CHECK(addresses && sscanf(addresses, "PER-CPU ADDRESSES:\n  [0]: %llx\n  [1]: %llx",
				  &cpu0, &cpu1) == 2);
	CHECK(cpu0 && cpu1 && cpu0 != cpu1);
	const char *p0 = strstr(out, "per_cpu(runqueues, 0) = $");
	const char *p1 = strstr(out, "per_cpu(runqueues, 1) = $");
	CHECK_MSG(p0 && p1 && p0 < p1, "%s: per_cpu lines missing", fixture);
	const char *cpu_is_0 = p0 ? strstr(p0, "\n  cpu = 0,\n") : NULL;
	const char *cpu_is_1 = p1 ? strstr(p1, "\n  cpu = 1,\n") : NULL;
	CHECK(cpu_is_0 && cpu_is_0 < p1);
	CHECK(cpu_is_1);
	/* struct with :a heads each CPU's copy with the same addresses. */
	char expected[256];
	snprintf(expected, sizeof(expected), "[0]: %llx\n  cpu = 0,\n[1]: %llx\n  cpu = 1,\n",
		 cpu0, cpu1);
	CHECK_MSG(strstr(out, expected), "%s: struct rq.cpu runqueues:a, expected:\n%s", fixture,
		  expected);
	CHECK_MSG(err[0] == '\0', "%s: stderr: %s", fixture, err);
	free_output(out, err);
}

/* The crasher, found by list -H on init_task.tasks with -s. */
static void check_task_list(const char *fixture)
{
	char *crash_pid = kc_test_fact(fixture, "crash.pid");
	char *crash_comm = kc_test_fact(fixture, "crash.comm");
	REQUIRE(crash_pid && crash_comm);
	char *out, *err;
	if (run_commands(fixture,
			 "list -o task_struct.tasks -s task_struct.pid,comm -H init_task.tasks; "
			 "p &init_task; list task_struct.tasks -h init_task",
			 &out, &err)) {
		char pid_line[64];
		snprintf(pid_line, sizeof(pid_line), "\n  pid = %s,\n  comm = \"", crash_pid);
		const char *found = strstr(out, pid_line);
		CHECK_MSG(found, "%s: pid %s not on the list", fixture, crash_pid);
		if (found) {
			const char *comm = found + strlen(pid_line);
			CHECK_MSG(strncmp(comm, crash_comm, strlen(crash_comm)) == 0 &&
				  (comm[strlen(crash_comm)] == '"' || comm[strlen(crash_comm)] == '\\'),
				  "%s: comm of pid %s: %.40s", fixture, crash_pid, comm);
		}
		/* Entries: one address line then two member lines each. */
		unsigned entries = 0;
		for (const char *p = out; (p = strstr(p, "\n  pid = ")); p++)
			entries++;
		/* -h starts at init_task itself: its address, then the same entries. */
		unsigned long long init_task = 0;
		const char *amp = strstr(out, " = (struct task_struct *) 0x");
		CHECK(amp && sscanf(amp, " = (struct task_struct *) 0x%llx\n", &init_task) == 1);
		const char *h_list = amp ? strchr(amp, '\n') : NULL;
		unsigned long long first = 0;
		CHECK(h_list && sscanf(h_list + 1, "%llx\n", &first) == 1 && first == init_task);
		unsigned h_entries = 0;
		for (const char *p = h_list; p && *p; p++)
			h_entries += *p == '\n';
		CHECK_MSG(entries > 10 && h_entries == entries + 2,
			  "%s: %u entries with -H, %u lines with -h", fixture, entries, h_entries);
		CHECK_MSG(err[0] == '\0', "%s: stderr: %s", fixture, err);
		printf("    %s: %u tasks after init_task; pid %s is %s\n", fixture, entries,
		       crash_pid, crash_comm);
	}
	free_output(out, err);
	free(crash_pid);
	free(crash_comm);
}

/* Damaged lists end in an error naming the address, with what was read. */
static void check_damaged_lists(const char *fixture)
{
	char *out, *err;
	/*
	 * init_task.tasks.prev as a list head: its next is the last task, whose
	 * ring never comes back to it; walked singly it is the same loop.
	 */
	if (!run_commands(fixture, "list -H 0xdead000000001000; list -H init_task.tasks.prev; "
			  "list init_task.tasks.prev",
			  &out, &err))
		return;
	CHECK_MSG(strstr(err, "list head 0xdead000000001000"), "%s: stderr: %s", fixture, err);
	CHECK_MSG(strstr(err, ": cycle at 0x") && strstr(err, "does not return to the head"),
		  "%s: stderr: %s", fixture, err);
	CHECK_MSG(strstr(err, ": loop at 0x") && strstr(err, "does not return to the start"),
		  "%s: stderr: %s", fixture, err);
	unsigned lines = 0;
	for (const char *p = out; *p; p++)
		lines += *p == '\n';
	CHECK_MSG(lines > 20, "%s: only %u entries printed before the loop", fixture, lines);
	free_output(out, err);
	/* A singly-linked walk into unmapped memory: entries so far, then the address. */
	if (!run_commands(fixture, "list -o 8 init_task", &out, &err))
		return;
	CHECK_MSG(strstr(err, "next pointer of entry 0x"), "%s: stderr: %s", fixture, err);
	CHECK(out[0] != '\0');
	free_output(out, err);
}

/*
 * A copy of the module with its debug sections relocated: in a .ko (ET_REL)
 * every DW_FORM_strp and section offset is 0 plus a RELA addend, which libdw
 * does not apply (libdwfl would; the "mod -s" work owns that). ABS32/ABS64
 * against section symbols are all the aarch64 debug relocations there are.
 */
/* The test module's objects, with its types from `mod -s` (its .ko DWARF). */
static void check_module_object(const char *fixture)
{
	const char *ko = kc_test_fixture(fixture, "kcrash_testmod.ko");
	uint64_t obj0 = fact_u64(fixture, "testmod.obj0");
	if (!ko)
		return;
	REQUIRE(obj0);
	char commands[4096];
	snprintf(commands, sizeof(commands),
		 "mod -s kcrash_testmod %s; struct -x kcrash_obj %llx; struct kcrash_obj %llx --json",
		 ko, (unsigned long long)obj0, (unsigned long long)obj0);
	char *text, *err;
	if (!run_commands(fixture, commands, &text, &err))
		return;
	CHECK_MSG(*err == '\0', "%s: %s", fixture, err);
	const char *obj = strstr(text, "struct kcrash_obj {\n");
	CHECK_MSG(obj && strncmp(obj, "struct kcrash_obj {\n  magic = 0x4b435241534f424a,\n  id = 0x0,\n"
				  "  name = \"kcrash-obj-0\", '\\000' <repeats 19 times>,\n", 89) == 0,
		  "%s printed:\n%s", fixture, text);
	CHECK_MSG(strstr(text, "{\"magic\": 5423268816808264266, \"id\": 0, \"name\": \"kcrash-obj-0\", \"list\": {\"next\": \"0x"),
		  "%s printed:\n%s", fixture, text);
	free_output(text, err);
}

static void check_fixture(const char *fixture)
{
	check_struct_and_whatis(fixture);
	check_p(fixture);
	check_percpu(fixture);
	check_task_list(fixture);
	check_damaged_lists(fixture);
	check_module_object(fixture);
}

KC_TEST(types_fixture_4k48) { check_fixture("arm64-6.1-4k48"); }
KC_TEST(types_fixture_16k47) { check_fixture("arm64-6.1-16k47"); }
KC_TEST(types_fixture_64k52) { check_fixture("arm64-6.1-64k52"); }
KC_TEST(types_fixture_5_10_4k39) { check_fixture("arm64-5.10-4k39"); }

/* Argument forms that need no dump: definitions, member offsets, errors. */
KC_TEST(struct_definitions_and_errors)
{
	char *out, *err;
	if (!run_commands("arm64-6.1-4k48",
			  "struct task_struct.pid; struct list_head -o -x; whatis pid_t; "
			  "whatis atomic_t; struct no_such_type; p no_such_symbol; "
			  "struct task_struct.no_such_member",
			  &out, &err))
		return;
	CHECK_MSG(strstr(out, "struct task_struct {\n   [") && strstr(out, "] pid_t pid;\n}\n"),
		  "printed:\n%s", out);
	CHECK_MSG(strstr(out, "[0x8] struct list_head *prev;\n}\nSIZE: 0x10\n"),
		  "printed:\n%s", out);
	CHECK(strstr(out, "typedef int pid_t;\nSIZE: 4\n"));
	CHECK(strstr(out, "typedef struct {\n    int counter;\n} atomic_t;\nSIZE: 4\n"));
	CHECK_MSG(strstr(err, "struct: invalid data structure reference: no_such_type\n"), "%s", err);
	CHECK_MSG(strstr(err, "p: No symbol \"no_such_symbol\" in current context.\n"), "%s", err);
	CHECK_MSG(strstr(err, "no_such_member"), "%s", err);
	free_output(out, err);
}
