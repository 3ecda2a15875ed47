/* SPDX-License-Identifier: MIT */
/*
 * Tasks, ps, set and user-address translation on the real fixtures,
 * checked against what the running kernel wrote into ground-truth/: the
 * process and thread lists of the snapshot taken just before the crash,
 * the crashing pid and CPU, and the kc_* processes' heap buffers.
 */
#include <ctype.h>
#include <stdlib.h>
#include <unistd.h>

#include "arm64/mmu.h"
#include "harness.h"
#include "kernel.h"
#include "session.h"
#include "tasks.h"

static int fact_int(const char *fixture, const char *key)
{
	char *text = kc_test_fact(fixture, key);
	int v = text ? atoi(text) : -1;
	free(text);
	return v;
}

/* One line of ground-truth/kdump-snapshot/threads.txt: "pid ppid S comm cpu=N". */
struct snap_task {
	int pid, ppid;
	char state;
	char comm[64];
};

static size_t read_snapshot(const char *fixture, struct snap_task *tasks, size_t max)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/kdump-snapshot/threads.txt",
		 kc_test_fixtures_dir(), fixture);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = 0;
	char line[256];
	while (n < max && fgets(line, sizeof(line), f)) {
		struct snap_task *t = &tasks[n];
		int used = 0;
		if (sscanf(line, "%d %d %c %n", &t->pid, &t->ppid, &t->state, &used) != 3)
			continue;
		char *comm = line + used, *cpu = strstr(comm, " cpu=");
		if (cpu)
			*cpu = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		snprintf(t->comm, sizeof(t->comm), "%s", comm);
		n++;
	}
	fclose(f);
	return n;
}

/*
 * Processes the ground-truth collector and the init script start and end
 * around the snapshot (the README's "transient sleep, cat, awk etc."), and
 * workqueue kworkers, whose names and pids change.
 */
static bool is_transient(const char *comm)
{
	static const char *const names[] = {"sleep", "cat", "awk", "sh", "ls", "sed",
					    "grep", "head", "tail", "cut", "tr", "wc",
					    "sort", "find", "dmesg", "readlink", "taskset"};
	if (strncmp(comm, "kworker/", 8) == 0)
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(comm, names[i]) == 0)
			return true;
	return false;
}

/* /proc's state letter as crash shows it. */
static const char *crash_state(char letter)
{
	switch (letter) {
	case 'R': return "RU";
	case 'S': return "IN";
	case 'D': return "UN";
	case 'I': return "ID";
	case 'T': return "ST";
	case 't': return "TR";
	case 'Z': return "ZO";
	case 'X': return "DE";
	case 'P': return "PA";
	}
	return "??";
}

/* /proc/pid/stat names workqueue kworkers "kworker/0:1-events"; comm is "kworker/0:1". */
static bool same_comm(const char *snapshot, const char *comm)
{
	if (strcmp(snapshot, comm) == 0)
		return true;
	size_t len = strlen(comm);
	return strncmp(comm, "kworker/", 8) == 0 && strncmp(snapshot, comm, len) == 0 &&
	       snapshot[len] == '-';
}

static void check_task_list(const char *fixture, const char *dump_file)
{
	struct kc_session *session = kc_test_open_session(fixture, dump_file);
	if (!session)
		return;
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err) {
		CHECK_MSG(false, "%s %s: %s", fixture, dump_file, kc_error_message(err));
		kc_error_destroy(err);
		kc_session_destroy(session);
		return;
	}
	for (size_t i = 0; i < list->nr_warnings; i++)
		CHECK_MSG(false, "%s: warning %s", fixture, list->warnings[i]);
	static struct snap_task snap[1024];
	size_t nr_snap = read_snapshot(fixture, snap, 1024);
	REQUIRE(nr_snap > 20);
	int crash_pid = fact_int(fixture, "crash.pid");
	int crash_cpu = fact_int(fixture, "crash.cpu");

	/* Every snapshot thread is in the dump, with its parent and state. */
	for (size_t i = 0; i < nr_snap; i++) {
		const struct kc_task *t = kc_task_by_pid(list, snap[i].pid);
		if (!t || !same_comm(snap[i].comm, t->comm)) {
			CHECK_MSG(is_transient(snap[i].comm), "%s %s: pid %d (%s) of the snapshot is %s",
				  fixture, dump_file, snap[i].pid, snap[i].comm,
				  t ? t->comm : "missing");
			continue;
		}
		CHECK_MSG(t->ppid == snap[i].ppid, "%s: pid %d ppid %d, snapshot %d",
			  fixture, t->pid, t->ppid, snap[i].ppid);
		CHECK_MSG(t->tgid > 0 && !t->warning, "%s: pid %d", fixture, t->pid);
		/* Kernel threads wake and sleep; user tasks here stay put. */
		if (!t->is_kernel_thread || strcmp(t->comm, "kcrash_kthread") == 0)
			CHECK_MSG(strcmp(t->state_code, crash_state(snap[i].state)) == 0,
				  "%s: pid %d (%s) is %s, snapshot %c", fixture, t->pid,
				  t->comm, t->state_code, snap[i].state);
		CHECK_MSG(t->is_kernel_thread == (snap[i].ppid == 2 || snap[i].pid == 2),
			  "%s: pid %d kernel thread %d", fixture, t->pid, t->is_kernel_thread);
	}
	/* Every dump task is in the snapshot, or is an idle task, the crasher or transient. */
	unsigned idle_per_cpu[64] = {0};
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const struct kc_task *t = &list->tasks[i];
		if (i > 0)
			CHECK(list->tasks[i - 1].pid <= t->pid);
		if (t->pid == 0) {
			CHECK(t->is_idle && t->is_kernel_thread);
			if (t->cpu >= 0 && t->cpu < 64)
				idle_per_cpu[t->cpu]++;
			char name[32];
			snprintf(name, sizeof(name), "swapper/%d", t->cpu);
			CHECK_STR(t->comm, name);
			continue;
		}
		if (t->pid == crash_pid)
			continue;
		bool in_snapshot = false;
		for (size_t j = 0; j < nr_snap && !in_snapshot; j++)
			in_snapshot = snap[j].pid == t->pid && same_comm(snap[j].comm, t->comm);
		CHECK_MSG(in_snapshot || is_transient(t->comm), "%s %s: pid %d (%s) not in the snapshot",
			  fixture, dump_file, t->pid, t->comm);
	}
	CHECK_EQ_U64(list->nr_cpus, 2);
	for (unsigned cpu = 0; cpu < list->nr_cpus; cpu++)
		CHECK_MSG(idle_per_cpu[cpu] == 1, "%s: CPU %u has %u idle tasks", fixture, cpu,
			  idle_per_cpu[cpu]);
	/* The kc_threads group: leader and kc_thr0..2 share the tgid and mm. */
	const struct kc_task *leader = kc_task_by_pid(list, fact_int(fixture, "user.kc_threads.pid"));
	REQUIRE(leader);
	unsigned threads = 0;
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const struct kc_task *t = &list->tasks[i];
		if (t->tgid == leader->pid && t != leader) {
			CHECK(strncmp(t->comm, "kc_thr", 6) == 0 && t->mm == leader->mm);
			threads++;
		}
	}
	CHECK_EQ_U64(threads, 3);

	/* The crasher: running on the crash CPU, the panic task and the context. */
	const struct kc_task *crasher = kc_task_by_pid(list, crash_pid);
	REQUIRE(crasher);
	CHECK_STR(crasher->comm, "kc_crasher");
	CHECK_STR(crasher->state_code, "RU");
	CHECK(crasher->is_active && !crasher->is_kernel_thread);
	CHECK_EQ_U64(crasher->cpu, crash_cpu);
	CHECK_EQ_U64(list->panic_cpu, crash_cpu);
	CHECK_EQ_U64(list->panic_task, crasher->task);
	const struct kc_task *context;
	REQUIRE_OK(kc_session_context(session, &context));
	CHECK(context == crasher);
	unsigned active = 0;
	for (size_t i = 0; i < list->nr_tasks; i++)
		active += list->tasks[i].is_active;
	CHECK_EQ_U64(active, list->nr_cpus);
	/* Each CPU's active task: the crasher on the crash CPU, one per CPU. */
	CHECK(kc_task_active_on(list, (int)crash_cpu) == crasher);
	for (unsigned cpu = 0; cpu < list->nr_cpus; cpu++) {
		const struct kc_task *t = kc_task_active_on(list, (int)cpu);
		CHECK_MSG(t && t->is_active && t->cpu == (int)cpu, "CPU %u: no active task", cpu);
	}
	CHECK(kc_task_active_on(list, (int)list->nr_cpus) == NULL);
	/* Memory: the user processes have an mm, a size and a share of RAM. */
	CHECK(list->totalram_pages > 0);
	CHECK(crasher->mm && crasher->total_vm > 0 && crasher->rss > 0 &&
	      crasher->rss <= crasher->total_vm && crasher->mem_percent > 0);
	kc_session_destroy(session);
}

KC_TEST(tasks_match_snapshot_4k48) { check_task_list("arm64-6.1-4k48", "vmcore.kdump-zlib"); }
KC_TEST(tasks_match_snapshot_16k47) { check_task_list("arm64-6.1-16k47", "vmcore.kdump-zlib"); }
KC_TEST(tasks_match_snapshot_64k52) { check_task_list("arm64-6.1-64k52", "vmcore.kdump-zlib"); }
KC_TEST(tasks_match_snapshot_5_10_4k39) { check_task_list("arm64-5.10-4k39", "vmcore.kdump-zlib"); }
KC_TEST(tasks_match_snapshot_elf_4k48) { check_task_list("arm64-6.1-4k48", "vmcore.elf.zst"); }
KC_TEST(tasks_match_snapshot_elf_16k47) { check_task_list("arm64-6.1-16k47", "vmcore.elf.zst"); }
KC_TEST(tasks_match_snapshot_elf_64k52) { check_task_list("arm64-6.1-64k52", "vmcore.elf.zst"); }
KC_TEST(tasks_match_snapshot_elf_5_10_4k39) { check_task_list("arm64-5.10-4k39", "vmcore.elf.zst"); }

/* VSZ is the mm's total_vm: what /proc/pid/stat's vsize said (bytes). */
static void check_vsz(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/kdump-snapshot/ps-stat.txt",
		 kc_test_fixtures_dir(), fixture);
	char *text = kc_test_read_file(path, NULL);
	REQUIRE(text);
	unsigned checked = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		int pid = atoi(line);
		char *close = strrchr(line, ')');
		if (!close || !strstr(line, "(kc_"))
			continue;
		/* Fields after the comm: state is field 3, vsize field 23. */
		unsigned long long vsize = 0;
		char *p = close + 2;
		for (int field = 3; field < 23 && p; field++) {
			p = strchr(p, ' ');
			if (p)
				p++;
		}
		REQUIRE(p);
		vsize = strtoull(p, NULL, 10);
		const struct kc_task *t = kc_task_by_pid(list, pid);
		REQUIRE(t);
		uint64_t page_size = UINT64_C(1) << session->mmu->geo.page_shift;
		CHECK_MSG(t->total_vm * page_size == vsize, "%s: pid %d total_vm %llu pages, vsize %llu",
			  fixture, pid, (unsigned long long)t->total_vm, vsize);
		checked++;
	}
	CHECK(checked >= 4);
	free(text);
	kc_session_destroy(session);
}

KC_TEST(tasks_vsz_4k48) { check_vsz("arm64-6.1-4k48"); }
KC_TEST(tasks_vsz_5_10_4k39) { check_vsz("arm64-5.10-4k39"); }
KC_TEST(tasks_vsz_64k52) { check_vsz("arm64-6.1-64k52"); }

static char *run(const char *fixture, const char *dump_file, const char *commands)
{
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, dump_file);
	if (!vmlinux || !dump)
		return NULL;
	char args[8192];
	snprintf(args, sizeof(args), "-s -c '%s' '%s' '%s'", commands, vmlinux, dump);
	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrash(args, &out, &err);
	CHECK_MSG(rc == 0, "kcrash %s: exit %d, stderr: %s", commands, rc, err ? err : "");
	free(err);
	return out;
}

/* A ps row's PID and TASK; false for other lines. */
static bool parse_row(const char *line, int *pid, unsigned long long *task, bool *active)
{
	char cpu[8], state[8];
	int ppid;
	if (strncmp(line, "> ", 2) != 0 && strncmp(line, "  ", 2) != 0)
		return false;
	*active = line[0] == '>';
	return sscanf(line + 2, "%d %d %7s %llx %7s", pid, &ppid, cpu, task, state) == 5;
}

static size_t count_rows(const char *out, unsigned long long *tasks, size_t max)
{
	size_t n = 0;
	char *copy = strdup(out ? out : "");
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
		int pid;
		unsigned long long task;
		bool active;
		if (parse_row(line, &pid, &task, &active) && n < max)
			tasks[n++] = task;
	}
	free(copy);
	return n;
}

static void check_ps_command(const char *fixture)
{
	int crash_pid = fact_int(fixture, "crash.pid");
	int crash_cpu = fact_int(fixture, "crash.cpu");
	char *out = run(fixture, "vmcore.kdump-zlib", "ps");
	REQUIRE(out);
	CHECK(strncmp(out, "   PID    PPID  CPU       TASK        ST  %MEM     VSZ    RSS  COMM\n",
		      68) == 0);
	CHECK(strstr(out, "  [kthreadd]\n") && strstr(out, "  [swapper/0]\n"));
	CHECK(!strstr(out, "WARNING"));
	/* The crasher's row: active, on the crash CPU, RU, a user command. */
	char *line = out;
	bool found = false;
	for (; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		int pid, ppid, cpu;
		unsigned long long task;
		char state[8], mem[16], comm[32];
		unsigned long long vsz, rss;
		if (line[0] != '>' ||
		    sscanf(line + 2, "%d %d %d %llx %7s %15s %llu %llu %31s", &pid, &ppid, &cpu,
			   &task, state, mem, &vsz, &rss, comm) != 9 || pid != crash_pid)
			continue;
		found = true;
		CHECK_EQ_U64(cpu, crash_cpu);
		CHECK_STR(state, "RU");
		CHECK_STR(comm, "kc_crasher");
		CHECK(vsz > 0 && rss > 0 && rss <= vsz);
		/* crash's column ends: PID at 7, PPID at 14, CPU at 18, TASK at 36. */
		CHECK(line[6] != ' ' && line[13] != ' ' && line[17] != ' ' && line[35] != ' ' &&
		      line[36] == ' ');
	}
	CHECK_MSG(found, "%s: no active kc_crasher row in\n%s", fixture, out);

	/* -k and -u partition the list. */
	static unsigned long long all[4096], kernel[4096], user[4096];
	size_t nr_all = count_rows(out, all, 4096);
	free(out);
	out = run(fixture, "vmcore.kdump-zlib", "ps -k");
	size_t nr_kernel = count_rows(out, kernel, 4096);
	CHECK(out && !strstr(out, "kc_crasher") && strstr(out, "[kthreadd]"));
	free(out);
	out = run(fixture, "vmcore.kdump-zlib", "ps -u");
	size_t nr_user = count_rows(out, user, 4096);
	CHECK(out && strstr(out, "kc_crasher") && !strstr(out, "["));
	free(out);
	CHECK_MSG(nr_kernel + nr_user == nr_all && nr_kernel > 0 && nr_user > 0,
		  "%s: %zu kernel + %zu user != %zu", fixture, nr_kernel, nr_user, nr_all);
	for (size_t i = 0; i < nr_kernel; i++)
		for (size_t j = 0; j < nr_user; j++)
			CHECK(kernel[i] != user[j]);

	/* Filters: by pid, by command, by task address. */
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "ps %d kc_sleeper", crash_pid);
	out = run(fixture, "vmcore.kdump-zlib", cmd);
	CHECK_EQ_U64(count_rows(out, all, 4096), 2);
	free(out);
	out = run(fixture, "vmcore.kdump-zlib", "ps 0");
	CHECK_EQ_U64(count_rows(out, all, 4096), 2);
	free(out);
	snprintf(cmd, sizeof(cmd), "ps %llx", all[1]);
	out = run(fixture, "vmcore.kdump-zlib", cmd);
	CHECK_EQ_U64(count_rows(out, kernel, 4096), 1);
	CHECK_EQ_U64(kernel[0], all[1]);
	free(out);

	/* -p: swapper/0, then init, then the crasher, one more space each. */
	snprintf(cmd, sizeof(cmd), "ps -p %d", crash_pid);
	out = run(fixture, "vmcore.kdump-zlib", cmd);
	CHECK_MSG(out && strncmp(out, "PID: 0      TASK: ", 18) == 0 &&
		  strstr(out, "COMMAND: \"swapper/0\"\n PID: 1      TASK: ") &&
		  strstr(out, "COMMAND: \"init\"\n  PID: "), "ps -p printed:\n%s", out ? out : "");
	char expected[64];
	snprintf(expected, sizeof(expected), "  PID: %-5d  TASK: ", crash_pid);
	CHECK(out && strstr(out, expected) && strstr(out, "COMMAND: \"kc_crasher\"\n"));
	free(out);
	/* -c: init's children include the kc_* processes. */
	out = run(fixture, "vmcore.kdump-zlib", "ps -c 1");
	CHECK(out && strncmp(out, "PID: 1      TASK: ", 18) == 0 &&
	      strstr(out, "COMMAND: \"kc_sleeper\"") && strstr(out, "\n  PID: "));
	free(out);
	out = run(fixture, "vmcore.kdump-zlib", "ps -c kc_sleeper");
	CHECK(out && strstr(out, "  (no children)\n"));
	free(out);
}

KC_TEST(ps_command_4k48) { check_ps_command("arm64-6.1-4k48"); }
KC_TEST(ps_command_5_10_4k39) { check_ps_command("arm64-5.10-4k39"); }
KC_TEST(ps_command_16k47) { check_ps_command("arm64-6.1-16k47"); }
KC_TEST(ps_command_64k52) { check_ps_command("arm64-6.1-64k52"); }

/* ps --json parses (python3's json) and says what the task list says. */
static void check_ps_json(const char *fixture)
{
	char *out = run(fixture, "vmcore.kdump-zlib", "ps --json");
	REQUIRE(out);
	char json_path[4096], canon_path[4096];
	snprintf(json_path, sizeof(json_path), "%s/ps-%s.json", kc_test_scratch_dir(), fixture);
	snprintf(canon_path, sizeof(canon_path), "%s/ps-%s.txt", kc_test_scratch_dir(), fixture);
	FILE *f = fopen(json_path, "w");
	REQUIRE(f);
	fputs(out, f);
	fclose(f);
	free(out);
	char cmd[16384];
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys\n"
		 "for t in json.load(open(sys.argv[1])):\n"
		 "    print(t[\"pid\"], t[\"ppid\"], t[\"cpu\"], int(t[\"task\"], 16), t[\"state\"],"
		 " t[\"comm\"], int(t[\"kernel_thread\"]), int(t[\"active\"]), t[\"vsz\"], t[\"rss\"],"
		 " t[\"mem_percent\"])' '%s' > '%s'",
		 json_path, canon_path);
	REQUIRE(system(cmd) == 0);
	char *canon = kc_test_read_file(canon_path, NULL);
	REQUIRE(canon);
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session) {
		free(canon);
		return;
	}
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	uint64_t page_kb = (UINT64_C(1) << session->mmu->geo.page_shift) / 1024;
	size_t i = 0;
	for (char *line = strtok(canon, "\n"); line; line = strtok(NULL, "\n"), i++) {
		REQUIRE(i < list->nr_tasks);
		const struct kc_task *t = &list->tasks[i];
		char expected[256];
		snprintf(expected, sizeof(expected), "%d %d %d %llu %s %s %d %d %llu %llu",
			 t->pid, t->ppid, t->cpu, (unsigned long long)t->task, t->state_code,
			 t->comm, t->is_kernel_thread, t->is_active,
			 (unsigned long long)(t->total_vm * page_kb),
			 (unsigned long long)(t->rss * page_kb));
		CHECK_MSG(strncmp(line, expected, strlen(expected)) == 0, "json: %s, list: %s", line,
			  expected);
	}
	CHECK_EQ_U64(i, list->nr_tasks);
	free(canon);
	kc_session_destroy(session);
}

KC_TEST(ps_json_4k48) { check_ps_json("arm64-6.1-4k48"); }
KC_TEST(ps_json_5_10_4k39) { check_ps_json("arm64-5.10-4k39"); }

/* set: the crasher by default, as crash shows it; set PID changes it. */
static void check_set(const char *fixture)
{
	int crash_pid = fact_int(fixture, "crash.pid");
	int crash_cpu = fact_int(fixture, "crash.cpu");
	char *out = run(fixture, "vmcore.kdump-zlib", "set; set 1; set; set -p");
	REQUIRE(out);
	char expected[256];
	snprintf(expected, sizeof(expected), "    PID: %d\nCOMMAND: \"kc_crasher\"\n   TASK: ",
		 crash_pid);
	CHECK_MSG(strncmp(out, expected, strlen(expected)) == 0, "set printed:\n%s", out);
	snprintf(expected, sizeof(expected), "\n    CPU: %d\n  STATE: TASK_RUNNING (PANIC)\n"
		 "    PID: 1\nCOMMAND: \"init\"\n", crash_cpu);
	CHECK_MSG(strstr(out, expected), "set printed:\n%s", out);
	CHECK(strstr(out, "  STATE: TASK_INTERRUPTIBLE \n    PID: 1\n"));
	CHECK(strstr(out, "[THREAD_INFO: "));
	/* set -p goes back to the crasher. */
	snprintf(expected, sizeof(expected), "    PID: %d\nCOMMAND: \"kc_crasher\"\n", crash_pid);
	const char *last = out, *p;
	while ((p = strstr(last + 1, "    PID: ")))
		last = p;
	CHECK(strncmp(last, expected, strlen(expected)) == 0);
	free(out);
	/* The idle tasks share pid 0: crash says "(1 of N)". */
	out = run(fixture, "vmcore.kdump-zlib", "set 0");
	CHECK(out && strstr(out, "COMMAND: \"swapper/0\"\n") && strstr(out, "  (1 of 2)  [THREAD_INFO"));
	free(out);
}

KC_TEST(tasks_set_context_4k48) { check_set("arm64-6.1-4k48"); }
KC_TEST(tasks_set_context_5_10_4k39) { check_set("arm64-5.10-4k39"); }

/* The kc_* heap buffers: word i == 0x4b43555300000000 | (pid << 16) | (i & 0xffff). */
static void check_user_buffers(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.elf.zst");
	if (!session)
		return;
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	static const char *const names[] = {"kc_sleeper", "kc_piperd", "kc_busy", "kc_threads"};
	static uint64_t words[8192];
	for (size_t n = 0; n < 4; n++) {
		char key[64];
		snprintf(key, sizeof(key), "user.%s.pid", names[n]);
		int pid = fact_int(fixture, key);
		snprintf(key, sizeof(key), "user.pid%d.heapbuf", pid);
		char *pair = kc_test_fact(fixture, key);
		REQUIRE(pair);
		unsigned long long va = strtoull(pair, NULL, 0);
		unsigned long long pa = strtoull(strstr(pair, "->") + 2, NULL, 0);
		free(pair);
		const struct kc_task *t = kc_task_by_pid(list, pid);
		REQUIRE(t);
		uint64_t pgd, pgd_paddr, got;
		REQUIRE_OK(kc_task_pgd(session, t, &pgd, &pgd_paddr));
		REQUIRE_OK(kc_arm64_uvtop(session->mmu, pgd_paddr, va, &got));
		CHECK_EQ_U64(got, pa);
		REQUIRE_OK(kc_arm64_read_uvirt(session->mmu, pgd_paddr, va, words, sizeof(words)));
		unsigned bad = 0;
		for (uint64_t i = 0; i < 8192; i++)
			bad += words[i] != (UINT64_C(0x4b43555300000000) | ((uint64_t)pid << 16) |
					    (i & 0xffff));
		CHECK_MSG(bad == 0, "%s: pid %d: %u of 8192 words differ", fixture, pid, bad);

		/* The same through the commands: vtop -c PID, and rd -u after set PID. */
		char cmd[256], expected[256];
		snprintf(cmd, sizeof(cmd), "vtop -c %d %llx; set %d; rd -u %llx 2", pid, va, pid, va);
		char *out = run(fixture, "vmcore.elf.zst", cmd);
		REQUIRE(out);
		snprintf(expected, sizeof(expected), "VIRTUAL           PHYSICAL        \n%-16llx  %-16llx\n\n"
			 "PAGE DIRECTORY: %llx\n", va, pa, (unsigned long long)pgd);
		CHECK_MSG(strncmp(out, expected, strlen(expected)) == 0, "vtop printed:\n%s", out);
		snprintf(expected, sizeof(expected), "%16llx:  %016llx %016llx ", va,
			 0x4b43555300000000ull | ((unsigned long long)pid << 16),
			 0x4b43555300000001ull | ((unsigned long long)pid << 16));
		CHECK_MSG(strstr(out, expected), "rd -u printed:\n%s", out);
		free(out);
	}
	kc_session_destroy(session);
}

KC_TEST(tasks_user_buffers_4k48) { check_user_buffers("arm64-6.1-4k48"); }
KC_TEST(tasks_user_buffers_16k47) { check_user_buffers("arm64-6.1-16k47"); }
KC_TEST(tasks_user_buffers_64k52) { check_user_buffers("arm64-6.1-64k52"); }
KC_TEST(tasks_user_buffers_5_10_4k39) { check_user_buffers("arm64-5.10-4k39"); }

/* -d 31 dumps drop user pages: reading one says it was excluded; kernel threads have no mm. */
static void check_user_excluded(const char *fixture)
{
	int pid = fact_int(fixture, "user.kc_sleeper.pid");
	char key[64];
	snprintf(key, sizeof(key), "user.pid%d.heapbuf", pid);
	char *pair = kc_test_fact(fixture, key);
	REQUIRE(pair);
	unsigned long long va = strtoull(pair, NULL, 0);
	free(pair);
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, "vmcore.kdump-zlib");
	if (!vmlinux || !dump)
		return;
	char args[8192];
	snprintf(args, sizeof(args), "-s -c 'set %d; rd -u %llx' '%s' '%s'", pid, va, vmlinux, dump);
	char *out = NULL, *err = NULL;
	CHECK(kc_test_run_kcrash(args, &out, &err) != 0);
	CHECK_MSG(err && strstr(err, "excluded"), "stderr: %s", err ? err : "");
	free(out);
	free(err);
	snprintf(args, sizeof(args), "-s -c 'vtop -c 2 %llx' '%s' '%s'", va, vmlinux, dump);
	CHECK(kc_test_run_kcrash(args, &out, &err) != 0);
	CHECK_MSG(err && strstr(err, "kernel thread") && strstr(err, "kthreadd"), "stderr: %s",
		  err ? err : "");
	free(out);
	free(err);
}

KC_TEST(tasks_user_excluded_4k48) { check_user_excluded("arm64-6.1-4k48"); }
KC_TEST(tasks_user_excluded_5_10_4k39) { check_user_excluded("arm64-5.10-4k39"); }

/* The file offset of physical address PADDR in the ELF core at PATH. */
static bool elf_offset(const char *path, uint64_t paddr, long *offset)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	uint8_t ehdr[64];
	bool found = false;
	if (fread(ehdr, 1, 64, f) == 64) {
		uint64_t phoff;
		uint16_t phentsize, phnum;
		memcpy(&phoff, ehdr + 32, 8);
		memcpy(&phentsize, ehdr + 54, 2);
		memcpy(&phnum, ehdr + 56, 2);
		for (uint16_t i = 0; i < phnum && !found; i++) {
			uint8_t ph[56];
			if (fseek(f, (long)(phoff + (uint64_t)i * phentsize), SEEK_SET) ||
			    fread(ph, 1, 56, f) != 56)
				break;
			uint32_t type;
			uint64_t off, pa, filesz;
			memcpy(&type, ph, 4);
			memcpy(&off, ph + 8, 8);
			memcpy(&pa, ph + 24, 8);
			memcpy(&filesz, ph + 32, 8);
			if (type == 1 && paddr >= pa && paddr - pa < filesz) {
				*offset = (long)(off + (paddr - pa));
				found = true;
			}
		}
	}
	fclose(f);
	return found;
}

/*
 * A corrupt task list (kc_sleeper's tasks.next pointing at unmapped
 * memory) gives the tasks read so far and a WARNING, not a failure.
 */
KC_TEST(tasks_corrupt_list_warns)
{
	const char *fixture = "arm64-6.1-4k48";
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, "vmcore.elf-d31.zst");
	if (!vmlinux || !dump)
		return;
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.elf-d31.zst");
	REQUIRE(session);
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	const struct kc_task *sleeper = kc_task_by_pid(list, fact_int(fixture, "user.kc_sleeper.pid"));
	REQUIRE(sleeper);
	const struct kc_kernel_member *tasks;
	REQUIRE_OK(kc_kernel_member(session, "struct task_struct", "tasks", &tasks));
	uint64_t next_paddr;
	REQUIRE_OK(kc_arm64_kvtop(session->mmu, sleeper->task + tasks->offset, &next_paddr));
	size_t nr_before = 0, nr_all = list->nr_tasks;
	for (size_t i = 0; i < list->nr_tasks; i++)
		nr_before += list->tasks[i].pid <= sleeper->pid;
	kc_session_destroy(session);

	char copy[4096], cmd[8300];
	snprintf(copy, sizeof(copy), "%s/corrupt-tasks.elf", kc_test_scratch_dir());
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", dump, copy);
	REQUIRE(system(cmd) == 0);
	long offset;
	REQUIRE(elf_offset(copy, next_paddr, &offset));
	FILE *f = fopen(copy, "r+b");
	REQUIRE(f);
	uint64_t bad = UINT64_C(0xffff7fff00000000); /* no kernel mapping there */
	CHECK(fseek(f, offset, SEEK_SET) == 0 && fwrite(&bad, 8, 1, f) == 1);
	fclose(f);

	char args[8192];
	snprintf(args, sizeof(args), "-s -c 'ps' '%s' '%s'", vmlinux, copy);
	char *out = NULL, *err = NULL;
	CHECK(kc_test_run_kcrash(args, &out, &err) == 0);
	CHECK_MSG(out && strstr(out, "WARNING: init_task.tasks") && strstr(out, "kc_sleeper"),
		  "ps printed:\n%s\nstderr: %s", out ? out : "", err ? err : "");
	/* The processes after kc_sleeper on the list are lost, the ones before kept. */
	static unsigned long long rows_tasks[4096];
	size_t rows = count_rows(out, rows_tasks, 4096);
	CHECK_MSG(rows >= nr_before && rows < nr_all, "%zu rows, %zu up to kc_sleeper, %zu in all",
		  rows, nr_before, nr_all);
	free(out);
	free(err);
	unlink(copy);
}
