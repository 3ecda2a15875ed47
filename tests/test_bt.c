/* SPDX-License-Identifier: MIT */
/*
 * bt on the real fixtures (kdump-compressed and ELF dumps of each): the
 * panic task's trace against the kernel's own oops "Call trace:", every
 * kc_* thread's against /proc/PID/task/TID/stack of the kdump snapshot,
 * kernel threads to ret_from_fork, bt -a and foreach bt through the
 * command line, drgn's stack_trace() for every task where drgn is
 * installed, and a trace started from a garbage stack pointer.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btfmt.h"
#include "backtrace.h"
#include "harness.h"
#include "kernel.h"
#include "session.h"
#include "tasks.h"

static const char *const dump_files[] = {"vmcore.kdump-zlib", "vmcore.elf.zst"};
#define NR_DUMPS (sizeof(dump_files) / sizeof(dump_files[0]))

#define MAX_NAMES 128

/* A trace's function names as bt shows them (crash's pc - 4 rule). */
struct names {
	char name[MAX_NAMES][128];
	char module[MAX_NAMES][64];
	size_t n;
};

static bool trace_names(struct kc_session *session, const struct kc_task *t,
			struct kc_backtrace *bt, struct names *names)
{
	struct kc_error *err = kc_backtrace_task(session, t, bt);
	if (err) {
		CHECK_MSG(false, "PID %d: %s", t->pid, kc_error_message(err));
		kc_error_destroy(err);
		return false;
	}
	names->n = 0;
	for (size_t i = 0; i < bt->unwind.nr_frames && names->n < MAX_NAMES; i++) {
		struct kc_bt_symbol sym;
		kc_bt_frame_symbol(session, &bt->unwind.frames[i], &sym);
		snprintf(names->name[names->n], 128, "%s", sym.function[0] ? sym.function : "?");
		snprintf(names->module[names->n], 64, "%s", sym.module);
		names->n++;
	}
	return true;
}

static void names_text(const struct names *names, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < names->n; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", i ? " " : "", names->name[i]);
	}
}

/* EXPECTED[0..N) appear in NAMES in this order (a subsequence). */
static bool has_subsequence(const struct names *names, char expected[][128], size_t n)
{
	size_t j = 0;
	for (size_t i = 0; i < names->n && j < n; i++)
		if (!strcmp(names->name[i], expected[j]))
			j++;
	return j == n;
}

/*
 * The function a ground-truth "name+0xoff/0xsize" line means: a return
 * address at offset 0 is the end of the function before it (a call to a
 * noreturn function as its last instruction), which the build's
 * System.map names.
 */
static void function_of(const char *fixture, const char *name, unsigned long offset,
			char *out, size_t len)
{
	snprintf(out, len, "%s", name);
	if (offset)
		return;
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/System.map", kc_test_fixtures_dir(), fixture);
	char *map = kc_test_read_file(path, NULL);
	if (!map)
		return;
	char prev[128] = "", *save;
	for (char *line = strtok_r(map, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char type, sym[128];
		uint64_t addr;
		if (sscanf(line, "%" SCNx64 " %c %127s", &addr, &type, sym) != 3)
			continue;
		if (!strcmp(sym, name)) {
			if (prev[0])
				snprintf(out, len, "%s", prev);
			break;
		}
		if ((type == 't' || type == 'T') && strncmp(sym, "$x", 2))
			snprintf(prev, sizeof(prev), "%s", sym);
	}
	free(map);
}

/* panic.txt's "Call trace:" from panic down, as function names. */
static size_t kernel_call_trace(const char *fixture, char names[][128], size_t max)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/panic.txt",
		 kc_test_fixtures_dir(), fixture);
	char *text = kc_test_read_file(path, NULL);
	if (!text)
		return 0;
	size_t n = 0;
	bool in_trace = false, from_panic = false;
	char *save;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "Call trace:")) {
			in_trace = true;
			continue;
		}
		char name[128];
		unsigned long offset;
		char *body = strchr(line, ']');
		if (!in_trace)
			continue;
		if (!body || sscanf(body + 1, " %127[^+]+0x%lx/", name, &offset) != 2)
			break;
		from_panic |= !strcmp(name, "panic");
		if (from_panic && n < max)
			function_of(fixture, name, offset, names[n++], 128);
	}
	free(text);
	return n;
}

static const struct kc_task *panic_task(struct kc_session *session)
{
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err) {
		CHECK_MSG(false, "%s", kc_error_message(err));
		kc_error_destroy(err);
		return NULL;
	}
	return kc_task_by_addr(list, list->panic_task);
}

static void check_panic_trace(const char *fixture, const char *dump_file)
{
	struct kc_session *session = kc_test_open_session(fixture, dump_file);
	if (!session)
		return;
	const struct kc_task *t = panic_task(session);
	char crash_pid[32];
	char *fact = kc_test_fact(fixture, "crash.pid");
	snprintf(crash_pid, sizeof(crash_pid), "%s", fact ? fact : "?");
	free(fact);
	struct kc_backtrace bt;
	struct names names;
	if (CHECK_MSG(t && t->pid == atoi(crash_pid), "%s/%s: panic task is not pid %s",
		      fixture, dump_file, crash_pid) &&
	    trace_names(session, t, &bt, &names)) {
		char expected[64][128];
		size_t n = kernel_call_trace(fixture, expected, 64);
		char text[8192];
		names_text(&names, text, sizeof(text));
		CHECK_MSG(n >= 5, "%s: Call trace has %zu frames from panic", fixture, n);
		CHECK_MSG(has_subsequence(&names, expected, n),
			  "%s/%s: the kernel's Call trace from panic is not in order in: %s",
			  fixture, dump_file, text);
		/* crash starts a kdump trace at the frame machine_kexec left. */
		CHECK_MSG(bt.start == KC_BT_START_KDUMP, "%s/%s: started from %s", fixture,
			  dump_file, kc_bt_start_name(bt.start));
		CHECK_MSG(names.n && (!strcmp(names.name[0], "machine_kexec") ||
				      !strcmp(names.name[0], "crash_save_cpu")),
			  "%s/%s: #0 is %s", fixture, dump_file, names.n ? names.name[0] : "-");
		CHECK_MSG(bt.has_user_regs && (uint32_t)bt.user_regs.syscallno == 64,
			  "%s/%s: no write(2) user frame", fixture, dump_file);
		kc_backtrace_free(&bt);
	}
	kc_session_destroy(session);
}

KC_TEST(bt_panic_task_call_trace)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++)
		for (size_t d = 0; d < NR_DUMPS; d++)
			check_panic_trace(kc_test_fixture_names[i], dump_files[d]);
}

/* ---- user threads against /proc/PID/task/TID/stack ---- */

/* arm64 asm-generic/unistd.h numbers of the system calls the kc_* block in. */
static int syscall_number(const char *entry)
{
	static const struct {
		const char *name;
		int nr;
	} table[] = {
		{"__arm64_sys_read", 63},
		{"__arm64_sys_nanosleep", 101},
		{"__arm64_sys_clock_nanosleep", 115},
		{"__arm64_sys_futex", 98},
		{"__arm64_sys_ppoll", 73},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(entry, table[i].name))
			return table[i].nr;
	return -1;
}

struct gt_thread {
	int tid;
	char comm[32];
	char funcs[32][128];
	size_t n;
};

static size_t read_stacks(const char *fixture, struct gt_thread *threads, size_t max)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/kdump-snapshot/stacks.txt",
		 kc_test_fixtures_dir(), fixture);
	char *text = kc_test_read_file(path, NULL);
	if (!CHECK_MSG(text, "%s: no stacks.txt", fixture))
		return 0;
	size_t n = 0;
	struct gt_thread *cur = NULL;
	char *save;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int tid, tgid;
		char comm[32], name[128];
		unsigned long offset;
		if (sscanf(line, "== tid %d tgid %d comm %31s", &tid, &tgid, comm) == 3) {
			cur = strncmp(comm, "kc_", 3) || n == max ? NULL : &threads[n++];
			if (cur) {
				memset(cur, 0, sizeof(*cur));
				cur->tid = tid;
				snprintf(cur->comm, sizeof(cur->comm), "%s", comm);
			}
		} else if (cur && cur->n < 32 &&
			   sscanf(line, "[<%*[^>]>] %127[^+]+0x%lx/", name, &offset) == 2) {
			function_of(fixture, name, offset, cur->funcs[cur->n++], 128);
		}
	}
	free(text);
	return n;
}

static void check_user_thread(struct kc_session *session, const char *where,
			      const struct kc_task_list *list, const struct gt_thread *gt)
{
	const struct kc_task *t = kc_task_by_pid(list, gt->tid);
	if (!CHECK_MSG(t, "%s: no task %d (%s)", where, gt->tid, gt->comm))
		return;
	/* kc_busy runs: its snapshot stack is wherever it was at that instant. */
	if (t->is_active)
		return;
	struct kc_backtrace bt;
	struct names names;
	if (!trace_names(session, t, &bt, &names))
		return;
	char text[8192];
	names_text(&names, text, sizeof(text));
	/* /proc/PID/stack starts with __switch_to in v5.10, not in v6.1. */
	size_t first = gt->n && !strcmp(gt->funcs[0], "__switch_to") ? 1 : 0;
	CHECK_MSG(names.n && (!strcmp(names.name[0], "__switch_to") ||
			      !strcmp(names.name[0], "cpu_switch_to")),
		  "%s: %s (%d) starts at %s", where, gt->comm, gt->tid, text);
	CHECK_MSG(has_subsequence(&names, (char (*)[128])gt->funcs[first], gt->n - first),
		  "%s: %s (%d): /proc stack not in order in: %s", where, gt->comm, gt->tid, text);
	int nr = -1;
	for (size_t i = 0; i < gt->n && nr < 0; i++)
		nr = syscall_number(gt->funcs[i]);
	CHECK_MSG(nr >= 0, "%s: %s: no known system call in /proc stack", where, gt->comm);
	CHECK_MSG(bt.has_user_regs && (int32_t)bt.user_regs.syscallno == nr,
		  "%s: %s (%d): SYSCALLNO %d, expected %d", where, gt->comm, gt->tid,
		  bt.has_user_regs ? (int32_t)bt.user_regs.syscallno : -1, nr);
	if (getenv("KC_TEST_VERBOSE"))
		printf("%s %s %d: %s\n", where, gt->comm, gt->tid, text);
	kc_backtrace_free(&bt);
}

static void check_user_threads(const char *fixture, const char *dump_file)
{
	struct gt_thread threads[32];
	size_t n = read_stacks(fixture, threads, 32);
	struct kc_session *session = kc_test_open_session(fixture, dump_file);
	if (!session)
		return;
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err) {
		CHECK_MSG(false, "%s", kc_error_message(err));
		kc_error_destroy(err);
		kc_session_destroy(session);
		return;
	}
	char where[256];
	snprintf(where, sizeof(where), "%s/%s", fixture, dump_file);
	size_t checked = 0;
	for (size_t i = 0; i < n; i++) {
		/* kc_busy spins in user mode: /proc shows no kernel stack. */
		if (threads[i].n == 0 || !strcmp(threads[i].comm, "kc_busy"))
			continue;
		check_user_thread(session, where, list, &threads[i]);
		checked++;
	}
	CHECK_MSG(checked >= 5, "%s: only %zu kc_* threads with stacks", where, checked);
	kc_session_destroy(session);
}

KC_TEST(bt_user_threads_match_proc_stack)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++)
		for (size_t d = 0; d < NR_DUMPS; d++)
			check_user_threads(kc_test_fixture_names[i], dump_files[d]);
}

/* ---- kernel threads ---- */

static void check_kernel_threads(const char *fixture, const char *dump_file)
{
	struct kc_session *session = kc_test_open_session(fixture, dump_file);
	if (!session)
		return;
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err) {
		CHECK_MSG(false, "%s", kc_error_message(err));
		kc_error_destroy(err);
		kc_session_destroy(session);
		return;
	}
	size_t nr_kthreads = 0;
	bool saw_testmod = false;
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const struct kc_task *t = &list->tasks[i];
		if (!t->is_kernel_thread || t->is_idle || t->is_active || t->warning)
			continue;
		struct kc_backtrace bt;
		struct names names;
		if (!trace_names(session, t, &bt, &names))
			continue;
		char text[8192];
		names_text(&names, text, sizeof(text));
		nr_kthreads++;
		CHECK_MSG(names.n >= 2 && !strcmp(names.name[names.n - 1], "ret_from_fork") &&
			  bt.unwind.end == KC_ARM64_UNWIND_FINAL,
			  "%s/%s: PID %d (%s) ends %s (%s): %s", fixture, dump_file, t->pid,
			  t->comm, kc_arm64_unwind_end_name(bt.unwind.end), bt.unwind.reason, text);
		if (!strcmp(t->comm, "kcrash_kthread")) {
			saw_testmod = true;
			bool wait = false, fn = false;
			for (size_t k = 0; k < names.n; k++) {
				wait |= !strncmp(names.name[k], "kcrash_wait", 11) &&
					!strcmp(names.module[k], "kcrash_testmod");
				fn |= !strcmp(names.name[k], "kcrash_kthread_fn") &&
				      !strcmp(names.module[k], "kcrash_testmod");
			}
			CHECK_MSG(wait && fn, "%s/%s: kcrash_kthread: %s", fixture, dump_file, text);
		}
		kc_backtrace_free(&bt);
	}
	CHECK_MSG(nr_kthreads >= 5, "%s: %zu kernel threads", fixture, nr_kthreads);
	CHECK_MSG(saw_testmod, "%s/%s: no kcrash_kthread task", fixture, dump_file);
	kc_session_destroy(session);
}

KC_TEST(bt_kernel_threads_reach_ret_from_fork)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++)
		for (size_t d = 0; d < NR_DUMPS; d++)
			check_kernel_threads(kc_test_fixture_names[i], dump_files[d]);
}

/* ---- the command line ---- */

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static char *run(const char *fixture, const char *dump_file, const char *commands,
		 int *status)
{
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, dump_file);
	if (!vmlinux || !dump)
		return NULL;
	char args[8192];
	snprintf(args, sizeof(args), "-s -c '%s' %s %s", commands, vmlinux, dump);
	char *out = NULL, *err = NULL;
	*status = kc_test_run_kcrash(args, &out, &err);
	if (*status != 0)
		printf("%s/%s %s: stderr: %s\n", fixture, dump_file, commands, err ? err : "");
	free(err);
	return out;
}

KC_TEST(bt_all_cpus_and_foreach)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		const char *dump_file = dump_files[f % NR_DUMPS];
		struct kc_session *session = kc_test_open_session(fixture, dump_file);
		if (!session)
			continue;
		const struct kc_task_list *list;
		struct kc_error *err = kc_tasks(session, &list);
		REQUIRE_OK(err);
		size_t nr_tasks = 0;
		for (size_t i = 0; i < list->nr_tasks; i++)
			nr_tasks += !list->tasks[i].warning;
		unsigned nr_cpus = list->nr_cpus;
		kc_session_destroy(session);

		int status;
		char *out = run(fixture, dump_file, "bt -a", &status);
		CHECK_MSG(status == 0 && out, "%s: bt -a failed", fixture);
		if (out) {
			CHECK_MSG(count(out, "PID: ") == nr_cpus, "%s: bt -a shows %zu tasks, %u CPUs",
				  fixture, count(out, "PID: "), nr_cpus);
			for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
				char header[32];
				snprintf(header, sizeof(header), "CPU: %-3u  COMMAND", cpu);
				CHECK_MSG(strstr(out, header), "%s: bt -a has no CPU %u", fixture, cpu);
			}
			CHECK_MSG(strstr(out, " #0 ["), "%s: bt -a has no frames", fixture);
		}
		free(out);
		out = run(fixture, dump_file, "foreach bt", &status);
		CHECK_MSG(status == 0 && out, "%s: foreach bt failed", fixture);
		if (out) {
			CHECK_MSG(count(out, "PID: ") == nr_tasks,
				  "%s: foreach bt shows %zu of %zu tasks", fixture,
				  count(out, "PID: "), nr_tasks);
			CHECK_MSG(!strstr(out, "cannot start the trace"),
				  "%s: foreach bt could not start a trace", fixture);
			/* Like crash, kernel threads' text stops at kthread. */
			CHECK_MSG(strstr(out, "] kthread at ") && !strstr(out, "] ret_from_fork at "),
				  "%s: kernel thread traces do not stop at kthread", fixture);
		}
		free(out);
		out = run(fixture, dump_file, "foreach 1 kc_sleeper bt -l", &status);
		CHECK_MSG(status == 0 && out && count(out, "PID: ") == 2 &&
			  strstr(out, "sched/core.c: "),
			  "%s: foreach 1 kc_sleeper bt -l: %s", fixture, out ? out : "");
		free(out);
		out = run(fixture, dump_file, "bt --json kc_piperd", &status);
		CHECK_MSG(status == 0 && out && strstr(out, "\"function\": \"pipe_read\"") &&
			  strstr(out, "\"syscallno\": 63") && strstr(out, "\"line\": "),
			  "%s: bt --json kc_piperd: %s", fixture, out ? out : "");
		free(out);
	}
}

/* ---- a garbage stack pointer ---- */

KC_TEST(bt_garbage_stack_pointer)
{
	const char *fixture = kc_test_fixture_names[0];
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	const struct kc_task *t = kc_task_by_pid(list, 1);
	REQUIRE(t);
	static const uint64_t garbage[] = {
		0xdeadbeefdeadbee8ull, /* outside every stack */
		0x4141414141414141ull, /* a user-looking value */
		0,                     /* no frame pointer at all */
	};
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		struct kc_arm64_regs regs = {0};
		regs.pc = 0xffff000012345678ull;
		regs.sp = garbage[i];
		regs.x[29] = garbage[i];
		struct kc_backtrace bt;
		REQUIRE_OK(kc_backtrace_from_regs(session, t, &regs, &bt));
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);
		kc_bt_print(session, &bt, KC_BT_FULL | KC_BT_LINES, out);
		fclose(out);
		CHECK_MSG(bt.unwind.nr_frames <= 1, "garbage fp %#" PRIx64 ": %zu frames",
			  garbage[i], bt.unwind.nr_frames);
		if (garbage[i])
			CHECK_MSG(bt.unwind.end == KC_ARM64_UNWIND_ERROR &&
				  strstr(text, "bt: unwind stopped: frame pointer 0x") &&
				  (strstr(text, "outside every stack") ||
				   strstr(text, "not 8-byte aligned")),
				  "garbage fp %#" PRIx64 ": %s", garbage[i], text);
		CHECK_MSG(strstr(text, " #0 [") && strstr(text, "(unknown) at"),
			  "garbage fp %#" PRIx64 ": %s", garbage[i], text);
		free(text);
		kc_backtrace_free(&bt);
	}
	/* A task_struct whose stack pointer is garbage cannot start at all. */
	struct kc_task fake = *t;
	fake.task = 0xffff000000000100ull;
	fake.is_active = false;
	struct kc_backtrace bt;
	struct kc_error *err = kc_backtrace_task(session, &fake, &bt);
	CHECK_MSG(err && strstr(kc_error_message(err), "PID 1"),
		  "no clear error for an unreadable task_struct: %s",
		  err ? kc_error_message(err) : "(none)");
	if (err)
		kc_error_destroy(err);
	else
		kc_backtrace_free(&bt);
	kc_session_destroy(session);
}

/* ---- drgn ---- */

struct drgn_trace {
	int pid;
	char *names; /* space-separated, or "!message" */
};

static bool have_drgn(void)
{
	return system("/usr/bin/python3 -c 'import drgn' >/dev/null 2>&1") == 0;
}

/* The drgn names of PID from drgn_bt.py's output, NULL when absent. */
static const char *drgn_names(char *output, int pid, char *buf, size_t len)
{
	char prefix[32];
	int plen = snprintf(prefix, sizeof(prefix), "%d ", pid);
	for (char *line = output; line && *line;) {
		char *end = strchr(line, '\n');
		size_t l = end ? (size_t)(end - line) : strlen(line);
		if (!strncmp(line, prefix, (size_t)plen)) {
			snprintf(buf, len, "%.*s", (int)(l - (size_t)plen), line + plen);
			return buf;
		}
		line = end ? end + 1 : NULL;
	}
	return NULL;
}

/* "?" in drgn's list matches anything; true when the lists are equal. */
static bool same_names(char drgn[][128], size_t nd, const struct names *ours, size_t from)
{
	if (ours->n - from != nd)
		return false;
	for (size_t i = 0; i < nd; i++)
		if (strcmp(drgn[i], "?") && strcmp(drgn[i], ours->name[from + i]))
			return false;
	return true;
}

static void compare_with_drgn(const char *fixture, const char *dump_file)
{
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, dump_file);
	if (!vmlinux || !dump)
		return;
	char cmd[8192], *output = NULL;
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/drgn_bt.py %s %s %s/%s/kcrash_testmod.ko",
		 KC_SOURCE_ROOT, vmlinux, dump, kc_test_fixtures_dir(), fixture);
	FILE *pipe = popen(cmd, "r");
	if (!CHECK_MSG(pipe, "cannot run drgn"))
		return;
	size_t len = 0;
	FILE *mem = open_memstream(&output, &len);
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), pipe)) > 0)
		fwrite(chunk, 1, got, mem);
	fclose(mem);
	pclose(pipe);

	struct kc_session *session = kc_test_open_session(fixture, dump_file);
	const struct kc_task_list *list;
	if (!session || kc_tasks(session, &list)) {
		free(output);
		if (session)
			kc_session_destroy(session);
		return;
	}
	size_t compared = 0, same = 0, known = 0;
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const struct kc_task *t = &list->tasks[i];
		char buf[8192];
		if (t->warning || (t->is_idle && t->pid == 0 && t->cpu != 0) ||
		    !drgn_names(output, t->pid, buf, sizeof(buf)))
			continue;
		if (t->is_idle)
			continue; /* drgn's for_each_task has only CPU 0's idle task */
		struct kc_backtrace bt;
		struct names ours;
		if (!trace_names(session, t, &bt, &ours))
			continue;
		compared++;
		char drgn[MAX_NAMES][128];
		size_t nd = 0;
		char *save;
		for (char *tok = strtok_r(buf, " ", &save); tok && nd < MAX_NAMES;
		     tok = strtok_r(NULL, " ", &save))
			snprintf(drgn[nd++], 128, "%s", tok);
		char text[8192];
		names_text(&ours, text, sizeof(text));
		if (nd && !same_names(drgn, nd, &ours, 0)) {
			/*
			 * Known differences, both from where a running task's trace
			 * starts: (1) crash (and bt) start a kdump's active task at
			 * the machine_kexec/crash_save_cpu frame left on its stack,
			 * drgn at the registers, so drgn's frames are the tail of ours;
			 * (2) a CPU stopped in user mode has user registers in its
			 * note: drgn shows that one user frame ("?"), bt the kernel
			 * path that saved them (the fixture README documents drgn
			 * 0.0.22's crashed_thread issue with these notes).
			 */
			bool user_cpu = t->is_active && nd == 1 && !strcmp(drgn[0], "?");
			bool tail = !user_cpu && t->is_active && ours.n > nd &&
				    same_names(drgn, nd, &ours, ours.n - nd);
			printf("%s/%s: PID %d (%s) differs from drgn%s\n  drgn:",
			       fixture, dump_file, t->pid, t->comm,
			       tail ? " (known: kdump start frame)"
				    : user_cpu ? " (known: CPU in user mode)" : "");
			for (size_t k = 0; k < nd; k++)
				printf(" %s", drgn[k]);
			printf("\n  bt:   %s\n", text);
			CHECK_MSG(tail || user_cpu, "%s/%s: PID %d (%s) differs from drgn",
				  fixture, dump_file, t->pid, t->comm);
			known += tail || user_cpu;
		} else {
			same++;
		}
		kc_backtrace_free(&bt);
	}
	printf("%s/%s: drgn comparison: %zu tasks, %zu identical, %zu known differences\n",
	       fixture, dump_file, compared, same, known);
	CHECK_MSG(compared >= 10, "%s/%s: compared only %zu tasks with drgn", fixture,
		  dump_file, compared);
	free(output);
	kc_session_destroy(session);
}

KC_TEST(bt_matches_drgn_stack_trace)
{
	if (!have_drgn()) {
		kc_test_skip("python3-drgn is not installed");
		return;
	}
	for (size_t i = 0; i < kc_test_nr_fixtures; i++)
		for (size_t d = 0; d < NR_DUMPS; d++)
			compare_with_drgn(kc_test_fixture_names[i], dump_files[d]);
}

/* bt -e: crash's exception-frame search on the crasher's stack. */
KC_TEST(bt_exception_frame_search)
{
	const char *fixture = "arm64-6.1-4k48";
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, "vmcore.kdump-zlib");
	char *pid = kc_test_fact(fixture, "crash.pid");
	if (!vmlinux || !dump || !pid) {
		free(pid);
		return;
	}
	char args[8192], *out = NULL, *err = NULL;
	snprintf(args, sizeof(args), "-s -c 'bt -e %s' '%s' '%s'", pid, vmlinux, dump);
	CHECK(kc_test_run_kcrash(args, &out, &err) == 0);
	REQUIRE(out);
	/* crash_setup_regs() leaves a pt_regs of __crash_kexec on the stack. */
	CHECK_MSG(strstr(out, "KERNEL-MODE EXCEPTION FRAME AT: ") && strstr(out, "[__crash_kexec+"),
		  "bt -e printed:\n%s", out);
	/* The write(2) that triggered sysrq: syscall 64 (0x40). */
	CHECK_MSG(strstr(out, "USER-MODE EXCEPTION FRAME AT: ") && strstr(out, "SYSCALLNO: 40"),
		  "bt -e printed:\n%s", out);
	free(out);
	free(err);
	free(pid);
}

/*
 * A dump whose notes lost their NT_PRSTATUS (a copy of the kdump file with
 * the note types changed): the registers come from the per-CPU crash_notes
 * the kernel filled in memory, and the panic trace is the same.
 */
KC_TEST(bt_registers_from_crash_notes)
{
	const char *fixture = "arm64-6.1-4k48";
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, "vmcore.kdump-zlib");
	if (!vmlinux || !dump)
		return;
	size_t len;
	char *bytes = kc_test_read_file(dump, &len);
	REQUIRE(bytes && len > 8192);
	/* kdump_sub_header at block_size: offset_note at +48, size_note at +56. */
	uint32_t block_size;
	memcpy(&block_size, bytes + 428, 4);
	uint64_t note_off, note_size;
	memcpy(&note_off, bytes + block_size + 48, 8);
	memcpy(&note_size, bytes + block_size + 56, 8);
	REQUIRE(note_off + note_size <= len);
	unsigned changed = 0;
	for (uint64_t pos = note_off; pos + 12 <= note_off + note_size;) {
		uint32_t namesz, descsz, type;
		memcpy(&namesz, bytes + pos, 4);
		memcpy(&descsz, bytes + pos + 4, 4);
		memcpy(&type, bytes + pos + 8, 4);
		if (!namesz)
			break;
		if (type == 1 && !memcmp(bytes + pos + 12, "CORE", 4)) {
			uint32_t other = 0x4b43; /* not NT_PRSTATUS */
			memcpy(bytes + pos + 8, &other, 4);
			changed++;
		}
		pos += 12 + ((namesz + 3) & ~3u) + ((descsz + 3) & ~3u);
	}
	CHECK_EQ_U64(changed, 2);
	char copy[4096];
	snprintf(copy, sizeof(copy), "%s/no-prstatus.kdump-zlib", kc_test_scratch_dir());
	FILE *f = fopen(copy, "wb");
	REQUIRE(f);
	fwrite(bytes, 1, len, f);
	fclose(f);
	free(bytes);

	char args[8192], *with = NULL, *without = NULL, *err = NULL;
	snprintf(args, sizeof(args), "-s -c 'help -D | grep -c \"^  \\[\"; bt' '%s' '%s'", vmlinux, copy);
	CHECK(kc_test_run_kcrash(args, &without, &err) == 0);
	free(err);
	snprintf(args, sizeof(args), "-s -c 'bt' '%s' '%s'", vmlinux, dump);
	CHECK(kc_test_run_kcrash(args, &with, &err) == 0);
	free(err);
	REQUIRE(with && without);
	/* No PRSTATUS left in the copy's notes, and the same panic trace. */
	CHECK_MSG(strncmp(without, "0\n", 2) == 0, "notes still listed: %.40s", without);
	CHECK_MSG(strcmp(without + 2, with) == 0, "with crash_notes:\n%s\nwith the dump's notes:\n%s",
		  without + 2, with);
	CHECK(strstr(with, "] panic at "));
	free(with);
	free(without);
}
