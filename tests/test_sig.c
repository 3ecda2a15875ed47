// SPDX-License-Identifier: MIT
/*
 * Signals (kc_task_signals_read, the sig command) against each process's
 * /proc/PID/status (status-all.txt) and each workload thread's
 * (tasks/PID-COMM/threads.txt) of the Debian workload dumps: SigPnd,
 * ShdPnd, SigBlk, SigIgn and SigCgt exactly (nothing in the workload
 * changes them between the snapshot and the crash; the snapshot's own
 * shell commands are gone from the dump), and the queued siginfos the
 * workload left: RT signal 40 twice for kc_futex, SIGUSR2 for the main
 * thread, SIGUSR1 for the process and for the stopped sleep.
 */
#include <stdlib.h>
#include <string.h>

#include "workload.h"

struct status_sigs {
	int pid;
	char comm[64];
	uint64_t pnd, shd, blk, ign, cgt;
	unsigned seen;  /* one bit per field */
};

/* The signal fields of a status text's block starting at P; returns where it ends. */
static const char *parse_status(const char *p, const char *pid_key, struct status_sigs *s)
{
	memset(s, 0, sizeof(*s));
	s->pid = -1;
	const char *end = p;
	while (*end) {
		const char *nl = strchr(end, '\n');
		size_t len = nl ? (size_t)(nl - end) : strlen(end);
		char line[256];
		snprintf(line, sizeof(line), "%.*s", (int)len, end);
		if ((!strncmp(line, "Name:", 5) || !strncmp(line, "== tid", 6)) && end != p)
			break;
		char key[32];
		unsigned long long v;
		if (sscanf(line, "%31[^:]:\t%llx", key, &v) == 2) {
			if (!strcmp(key, pid_key)) { s->pid = (int)strtol(line + strlen(key) + 1, NULL, 10); }
			else if (!strcmp(key, "SigPnd")) { s->pnd = v; s->seen |= 1; }
			else if (!strcmp(key, "ShdPnd")) { s->shd = v; s->seen |= 2; }
			else if (!strcmp(key, "SigBlk")) { s->blk = v; s->seen |= 4; }
			else if (!strcmp(key, "SigIgn")) { s->ign = v; s->seen |= 8; }
			else if (!strcmp(key, "SigCgt")) { s->cgt = v; s->seen |= 16; }
		}
		if (sscanf(line, "== tid %d comm %63s", &s->pid, s->comm) == 2)
			s->seen |= 32;
		if (!strncmp(line, "Name:\t", 6))
			snprintf(s->comm, sizeof(s->comm), "%.63s", line + 6);
		end = nl ? nl + 1 : end + len;
	}
	return end;
}

/* Compare TEXT's blocks with the dump; returns how many tasks matched. */
static size_t check_statuses(struct kc_session *session, const char *label, const char *text,
			     const char *pid_key, size_t *absent)
{
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err) {
		CHECK_MSG(false, "%s: %s", label, kc_error_message(err));
		kc_error_destroy(err);
		return 0;
	}
	size_t matched = 0;
	for (const char *p = text; *p;) {
		struct status_sigs s;
		p = parse_status(p, pid_key, &s);
		if (s.pid < 0 || (s.seen & 31) != 31)
			continue;
		const struct kc_task *t = kc_task_by_pid(list, s.pid);
		if (!t || strncmp(t->comm, s.comm, 15) != 0) {
			(*absent)++;  /* the snapshot's own commands */
			continue;
		}
		struct kc_task_signals sig;
		err = kc_task_signals_read(session, t->task, &sig);
		if (!CHECK_MSG(!err, "%s: pid %d: %s", label, s.pid, err ? kc_error_message(err) : "")) {
			kc_error_destroy(err);
			continue;
		}
		CHECK_MSG(sig.pending == s.pnd && sig.shared_pending == s.shd && sig.blocked == s.blk &&
				  sig.ignored == s.ign && sig.caught == s.cgt,
			  "%s: pid %d (%s): dump %llx %llx %llx %llx %llx, status %llx %llx %llx %llx %llx",
			  label, s.pid, s.comm, (unsigned long long)sig.pending,
			  (unsigned long long)sig.shared_pending, (unsigned long long)sig.blocked,
			  (unsigned long long)sig.ignored, (unsigned long long)sig.caught,
			  (unsigned long long)s.pnd, (unsigned long long)s.shd, (unsigned long long)s.blk,
			  (unsigned long long)s.ign, (unsigned long long)s.cgt);
		/* A pending unblocked signal would have been delivered: SIGPENDING says so. */
		if ((sig.pending | sig.shared_pending) & ~sig.blocked && strcmp(t->state_code, "ST") &&
		    strcmp(t->state_code, "TR"))
			CHECK_MSG(sig.sigpending, "%s: pid %d has a deliverable signal, no TIF_SIGPENDING",
				  label, s.pid);
		kc_task_signals_free(&sig);
		matched++;
	}
	return matched;
}

static size_t count_signo(const struct kc_sigqueue *q, size_t n, int signo)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += q[i].signo == signo;
	return c;
}

KC_TEST(sig_status_workload)
{
	for (size_t w = 0; w < NR_WORKLOADS; w++) {
		struct kc_session *session = open_workload(&workloads[w]);
		if (!session)
			continue;
		const char *label = workloads[w].name;
		char *text = workload_file(&workloads[w], "status-all.txt");
		size_t absent = 0;
		size_t procs = text ? check_statuses(session, label, text, "Pid", &absent) : 0;
		free(text);
		CHECK(procs >= 30);
		int holder = workload_pid(&workloads[w], "kc_workload");
		char file[128];
		snprintf(file, sizeof(file), "tasks/%d-kc_workload/threads.txt", holder);
		text = workload_file(&workloads[w], file);
		size_t absent_threads = 0;
		size_t threads = text ? check_statuses(session, label, text, "-", &absent_threads) : 0;
		free(text);
		CHECK_EQ_U64(threads, 4);
		CHECK_EQ_U64(absent_threads, 0);
		printf("    %s: %zu processes' and %zu threads' signal masks equal /proc's (%zu snapshot-only processes)\n",
		       label, procs, threads, absent);

		/* The queues the workload left. */
		const struct kc_task_list *list;
		REQUIRE_OK(kc_tasks(session, &list));
		for (size_t i = 0; i < list->nr_tasks; i++) {
			const struct kc_task *t = &list->tasks[i];
			if (t->tgid != holder)
				continue;
			struct kc_task_signals sig;
			REQUIRE_OK(kc_task_signals_read(session, t->task, &sig));
			CHECK_EQ_U64(count_signo(sig.shared_queue, sig.nr_shared, 10), 1);
			if (!strcmp(t->comm, "kc_futex"))
				CHECK_EQ_U64(count_signo(sig.private_queue, sig.nr_private, 40), 2);
			if (t->pid == holder) {
				CHECK_EQ_U64(count_signo(sig.private_queue, sig.nr_private, 12), 1);
				/* SIGINT: SA_RESETHAND; SIGTERM: SA_RESTART (kc_workload-info.txt). */
				CHECK(sig.actions[1].flags & 0x80000000u);
				CHECK(sig.actions[14].flags & 0x10000000u);
				CHECK_EQ_U64(sig.actions[0].handler, 1);  /* SIGHUP: SIG_IGN */
			}
			kc_task_signals_free(&sig);
		}
		int stopped = workload_pid(&workloads[w], "sleep (stopped");
		const struct kc_task *t = kc_task_by_pid(list, stopped);
		REQUIRE(t);
		struct kc_task_signals sig;
		REQUIRE_OK(kc_task_signals_read(session, t->task, &sig));
		CHECK_EQ_U64(sig.shared_pending, 1u << 9);
		CHECK_EQ_U64(count_signo(sig.shared_queue, sig.nr_shared, 10), 1);
		kc_task_signals_free(&sig);

		/* The command, crash's layout. */
		char line[64];
		snprintf(line, sizeof(line), "sig %d", holder);
		char *out = run_command(session, line);
		CHECK(out && strstr(out, "SIGNAL_STRUCT: ") && strstr(out, "  NR_THREADS: 4\n"));
		CHECK(out && strstr(out, " SIG    SIGACTION        HANDLER       MASK       FLAGS           \n"));
		CHECK(out && strstr(out, "   BLOCKED: 0000008000000a00\nPRIVATE_PENDING\n    SIGNAL: 0000000000000800\n"));
		CHECK(out && strstr(out, "SHARED_PENDING\n    SIGNAL: 0000000000000200\n  SIGQUEUE:  SIG      SIGINFO     \n              10  "));
		CHECK(out && strstr(out, " [1] ") && strstr(out, "    SIG_IGN ") && strstr(out, "SA_RESETHAND)\n"));
		free(out);
		snprintf(line, sizeof(line), "sig -g %d", holder);
		out = run_command(session, line);
		size_t headers = 0;
		for (const char *p = out; p && (p = strstr(p, "  PID: ")); p++)
			headers++;
		CHECK_MSG(headers == 4, "%s: sig -g shows %zu threads", label, headers);
		free(out);
		out = run_command(session, "sig -l");
		CHECK(out && strstr(out, "[10] SIGUSR1\n") && strstr(out, "[64] SIGRTMAX\n"));
		free(out);
		snprintf(line, sizeof(line), "sig --json %d", holder);
		char *answer = json_query(session, line,
					  "x=d[0]; print(x[\"blocked\"], x[\"pending\"], x[\"shared_pending\"], x[\"ignored\"], x[\"caught\"], len(x[\"actions\"]))");
		CHECK_STR(answer, "0000008000000a00 0000000000000800 0000000000000200 0000000000000005 0000000000004002 64\n");
		free(answer);
		kc_session_destroy(session);
	}
}
