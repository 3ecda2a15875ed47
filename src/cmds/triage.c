/* SPDX-License-Identifier: MIT */
/*
 * triage: what happened, in one command, for a person with a minute or a
 * bot: the kernel, when it crashed, why (sysrq, Oops with its ESR, BUG,
 * watchdog, OOM, other panic), on which CPU and task, that task's
 * backtrace, the taint flags and the modules that set them, and the last
 * log lines. --json follows the versioned schema in kcrash(1) and stays
 * valid JSON when parts fail: each failure is an entry of "errors".
 */
#include "command.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ctype.h>
#include <kcrash/backtrace.h>
#include "btfmt.h"
#include "json.h"
#include <kcrash/memory.h>
#include <kcrash/modules.h>
#include <kcrash/printk.h>
#include <kcrash/report.h>
#include "logfmt.h"
#include "reportfmt.h"
#include <kcrash/sysinfo.h>
#include <kcrash/tasks.h>

#define TRIAGE_SCHEMA "kcrash-triage/3"
#define TRIAGE_LOG_LINES 20
#define TRIAGE_MAX_ERRORS 16

struct triage {
	struct kc_sysinfo sys;
	/* Why: classified from the log, newest evidence first. */
	const char *reason;         /* sysrq, oops, bug, watchdog, oom, panic, none */
	char reason_line[512];      /* the log line it was found in */
	bool has_esr;
	uint64_t esr;
	/* Who. */
	const struct kc_task *task;
	int cpu;
	struct kc_backtrace bt;
	bool has_bt;
	/*
	 * The task the first report is about when it is not the one that
	 * panicked: a hung task's blocked task, a lockup's spinning task.
	 */
	const struct kc_task *subject;
	const char *subject_why;
	struct kc_backtrace subject_bt;
	bool has_subject_bt;
	/* Every CPU's active task and its backtrace, as bt -a gives them. */
	struct triage_cpu {
		const struct kc_task *task;
		struct kc_backtrace bt;
		bool has_bt;
	} *cpus;
	size_t nr_cpus;
	/* Taint. */
	bool has_taint;
	uint64_t tainted_mask;
	char taint_letters[64];
	char taint_modules[1024];   /* "name(O) name(E)" */
	/* The log's tail. */
	char *log_text;
	size_t log_len;
	/* The log's reports: title, kind, culprit, signature (<kcrash/report.h>). */
	struct kc_report_list reports;
	bool has_reports;
	char *errors[TRIAGE_MAX_ERRORS];
	size_t nr_errors;
};

/* A reason a report member is null (kc_reportfmt_null_reasons). */
static void add_reason(void *arg, const char *reason)
{
	struct triage *t = arg;
	if (t->nr_errors < TRIAGE_MAX_ERRORS)
		t->errors[t->nr_errors++] = strdup(reason);
	if (t->nr_errors && !t->errors[t->nr_errors - 1])
		t->nr_errors--;
}

static void add_error(struct triage *t, const char *what, struct kc_error *err)
{
	if (t->nr_errors < TRIAGE_MAX_ERRORS) {
		char *text = NULL;
		if (asprintf(&text, "%s: %s", what, kc_error_message(err)) >= 0)
			t->errors[t->nr_errors++] = text;
	}
	kc_error_destroy(err);
}

/* TASK's backtrace into *BT: true, else false with the error listed under WHAT. */
static bool backtrace_of(struct kc_session *session, struct triage *t, const struct kc_task *task,
			 struct kc_backtrace *bt, const char *what)
{
	struct kc_error *err = kc_backtrace_task(session, task, bt);
	if (err)
		add_error(t, what, err);
	return !err;
}

/* Log lines that say why the kernel died, strongest first per record. */
static const struct {
	const char *needle;
	const char *reason;
} reason_markers[] = {
	{"sysrq: Trigger a crash", "sysrq"},
	{"sysrq triggered crash", "sysrq"},
	{"Watchdog detected hard LOCKUP", "watchdog"},
	{"soft lockup - CPU#", "watchdog"},
	{"softlockup: hung tasks", "watchdog"},
	{"hung_task: blocked tasks", "watchdog"},
	{"rcu_sched self-detected stall", "watchdog"},
	{"Out of memory and no killable processes", "oom"},
	{"System is deadlocked on memory", "oom"},
	{"Out of memory: Killed process", "oom"},
	{"kernel BUG at ", "bug"},
	{"Internal error: Oops", "oops"},
	{"Unable to handle kernel ", "oops"},
	{"Kernel panic - not syncing: ", "panic"},
};

struct log_scan {
	struct triage *t;
	int best;   /* index into reason_markers of the reason kept, -1 none */
	FILE *lines; /* the log as a console shows it, for kc_report_parse */
};

/* REC as console lines: "[  12.345678][  T123] text" per line of its text. */
static void console_lines(FILE *out, const struct kc_printk_record *rec)
{
	char prefix[64];
	int n = snprintf(prefix, sizeof(prefix), "[%5llu.%06llu]",
			 (unsigned long long)(rec->ts_nsec / 1000000000),
			 (unsigned long long)(rec->ts_nsec % 1000000000 / 1000));
	if (rec->has_caller_id && n > 0 && (size_t)n < sizeof(prefix))
		snprintf(prefix + n, sizeof(prefix) - (size_t)n, "[%6s%u]",
			 rec->caller_id & KC_PRINTK_CALLER_CPU ? "C" : "T",
			 rec->caller_id & ~KC_PRINTK_CALLER_CPU);
	const char *p = rec->text, *end = rec->text + rec->text_len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		fprintf(out, "%s ", prefix);
		fwrite(p, 1, len, out);
		fputc('\n', out);
		p += len + 1;
	}
}

static struct kc_error *scan_record(void *arg, const struct kc_printk_record *rec)
{
	struct log_scan *scan = arg;
	if (rec->corrupt || !rec->text)
		return NULL;
	if (scan->lines)
		console_lines(scan->lines, rec);
	for (size_t i = 0; i < sizeof(reason_markers) / sizeof(reason_markers[0]); i++) {
		size_t nlen = strlen(reason_markers[i].needle);
		if (!memmem(rec->text, rec->text_len, reason_markers[i].needle, nlen))
			continue;
		/*
		 * A specific cause beats the generic panic line that follows it
		 * ("Fatal exception" after an Oops); among specific causes the
		 * first one in the log is the origin.
		 */
		bool specific = strcmp(reason_markers[i].reason, "panic") != 0;
		if (scan->best < 0 || (specific && strcmp(reason_markers[scan->best].reason, "panic") == 0)) {
			scan->best = (int)i;
			size_t len = rec->text_len < sizeof(scan->t->reason_line) - 1 ?
				rec->text_len : sizeof(scan->t->reason_line) - 1;
			memcpy(scan->t->reason_line, rec->text, len);
			scan->t->reason_line[len] = '\0';
			char *nl = strchr(scan->t->reason_line, '\n');
			if (nl)
				*nl = '\0';
		}
		break;
	}
	return NULL;
}

static void collect_reason_and_log(struct kc_session *session, struct triage *t)
{
	char *lines = NULL;
	size_t lines_len = 0;
	struct log_scan scan = {t, -1, open_memstream(&lines, &lines_len)};
	struct kc_error *err = kc_printk_session_walk(session, scan_record, &scan, NULL);
	if (err)
		add_error(t, "log", err);
	t->reason = scan.best >= 0 ? reason_markers[scan.best].reason : "none";
	/* The reports in the log, as a console log would show them. */
	if (scan.lines && fclose(scan.lines) == 0 && lines) {
		err = kc_report_parse(lines, lines_len, &t->reports);
		if (err) {
			add_error(t, "reports", err);
		} else {
			t->has_reports = true;
			/* The ESR of the first report that prints one (an abort's, the
			 * stack overflow's, an SError's code: src/report/parse.c). */
			for (size_t i = 0; i < t->reports.count && !t->has_esr; i++) {
				t->has_esr = t->reports.reports[i].has_esr;
				t->esr = t->reports.reports[i].esr;
			}
			err = kc_report_session_lines(session, &t->reports);
			if (err)
				add_error(t, "culprit", err);
		}
	}
	free(lines);
	FILE *out = open_memstream(&t->log_text, &t->log_len);
	if (!out)
		return;
	struct kc_printk_print_options opts = {0};
	struct kc_printk_printer printer;
	kc_printk_printer_init(&printer, out, &opts);
	err = kc_printk_session_walk(session, kc_printk_print_record, &printer, NULL);
	kc_printk_printer_finish(&printer);
	fclose(out);
	kc_error_destroy(err); /* already reported by the first walk */
}

/* taint_flags[] (kernel/panic.c, v4.10+): {c_true, c_false, module} per bit. */
static void taint_letters(struct kc_session *session, uint64_t mask, char *buf,
			  size_t len)
{
	buf[0] = '\0';
	uint64_t table;
	struct kc_variable var;
	struct kc_type elem;
	uint64_t count = 0, elem_size = 0;
	bool complete;
	struct kc_error *err = kc_kernel_symbol(session, "taint_flags", &table);
	if (!err)
		err = kc_kernel_variable(session, "taint_flags", &var);
	if (!err)
		err = kc_type_array(&var.type, &elem, &count, &complete);
	if (!err)
		err = kc_type_size(&elem, &elem_size);
	/* Bounds unknown (BTF, no symbol size): every set bit has its entry. */
	if (!err && !complete)
		count = 64;
	size_t n = 0;
	for (uint64_t bit = 0; bit < 64 && n + 1 < len; bit++) {
		if (!(mask & (UINT64_C(1) << bit)))
			continue;
		/* A letter that cannot be read is '?', never left out. */
		char c = '?';
		if (!err && bit < count) {
			struct kc_error *read_err = kc_kernel_read(session, table + bit * elem_size,
								   &c, 1);
			if (read_err)
				c = '?';
			kc_error_destroy(read_err);
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	kc_error_destroy(err);
}

static void collect_taint(struct kc_session *session, struct triage *t)
{
	uint64_t addr;
	struct kc_error *err = kc_kernel_symbol(session, "tainted_mask", &addr);
	if (!err)
		err = kc_kernel_read_u64(session, addr, &t->tainted_mask);
	if (err) {
		add_error(t, "tainted_mask", err);
		return;
	}
	t->has_taint = true;
	taint_letters(session, t->tainted_mask, t->taint_letters, sizeof(t->taint_letters));
	const struct kc_modules *modules;
	err = kc_modules_get(session, &modules);
	if (err) {
		add_error(t, "modules", err);
		return;
	}
	size_t used = 0;
	for (size_t i = 0; i < modules->nr_modules; i++) {
		uint64_t taints;
		err = kc_kernel_read_member(session, modules->modules[i].addr, "struct module",
					    "taints", &taints);
		if (err) {
			kc_error_destroy(err);
			continue;
		}
		if (!taints)
			continue;
		char letters[64];
		taint_letters(session, taints, letters, sizeof(letters));
		int n = snprintf(t->taint_modules + used, sizeof(t->taint_modules) - used,
				 "%s%s(%s)", used ? " " : "", modules->modules[i].name, letters);
		if (n < 0 || (size_t)n >= sizeof(t->taint_modules) - used)
			break;
		used += (size_t)n;
	}
}

/* The number after the last ':' of [START, END): "comm:123" -> 123; -1 if none. */
static int64_t pid_after_colon(const char *start, const char *end)
{
	const char *colon = NULL;
	for (const char *p = start; p < end; p++)
		if (*p == ':')
			colon = p;
	if (!colon || !isdigit((unsigned char)colon[1]))
		return -1;
	return strtoll(colon + 1, NULL, 10);
}

/*
 * Which task the first report is about, from its header: "INFO: task
 * comm:PID blocked for more than N seconds." (hung task), "... stuck for
 * Ns! [comm:PID]" (soft lockup), "Watchdog detected hard LOCKUP on cpu N"
 * (that CPU's active task), else the task its "CPU: N PID: P" line names.
 */
static void collect_subject(struct kc_session *session, struct triage *t,
			    const struct kc_task_list *tasks)
{
	if (!t->has_reports || !t->reports.count)
		return;
	const struct kc_report *r = &t->reports.reports[0];
	const char *h = r->header ? r->header : "";
	const struct kc_task *subject = NULL;
	const char *why = NULL, *p;
	if (strcmp(r->kind, "hung-task") == 0 && (p = strstr(h, " blocked for more than"))) {
		int64_t pid = pid_after_colon(h, p);
		subject = pid > 0 ? kc_task_by_pid(tasks, pid) : NULL;
		why = "the blocked task the report names";
	} else if (strcmp(r->kind, "soft-lockup") == 0 && (p = strrchr(h, '['))) {
		const char *close = strchr(p, ']');
		int64_t pid = close ? pid_after_colon(p, close) : -1;
		subject = pid > 0 ? kc_task_by_pid(tasks, pid) : NULL;
		why = "the task spinning on the locked-up CPU";
	} else if (strcmp(r->kind, "hard-lockup") == 0 && (p = strstr(h, "on cpu "))) {
		subject = kc_task_active_on(tasks, atoi(p + 7));
		why = "the active task of the locked-up CPU";
	} else if (r->pid > 0) {
		subject = kc_task_by_pid(tasks, r->pid);
		why = "the task the report names";
	}
	if (!subject || subject == t->task)
		return;
	t->subject = subject;
	t->subject_why = why;
	t->has_subject_bt = backtrace_of(session, t, subject, &t->subject_bt, "subject.backtrace");
}

/* Every CPU's active task, by CPU, with its backtrace. */
static void collect_cpus(struct kc_session *session, struct triage *t,
			 const struct kc_task_list *tasks)
{
	t->cpus = calloc(tasks->nr_cpus ? tasks->nr_cpus : 1, sizeof(*t->cpus));
	if (!t->cpus) {
		add_error(t, "cpus", &kc_error_nomem);
		return;
	}
	for (unsigned cpu = 0; cpu < tasks->nr_cpus; cpu++) {
		const struct kc_task *task = kc_task_active_on(tasks, (int)cpu);
		if (!task)
			continue;
		struct triage_cpu *c = &t->cpus[t->nr_cpus++];
		c->task = task;
		c->has_bt = backtrace_of(session, t, task, &c->bt, "cpus.backtrace");
	}
}

static void collect(struct kc_session *session, struct triage *t)
{
	memset(t, 0, sizeof(*t));
	t->cpu = -1;
	kc_sysinfo_collect(session, &t->sys);
	struct kc_error *mmu_err = kc_session_mmu(session, &(struct kc_arm64_mmu *){NULL});
	if (mmu_err) {
		add_error(t, "memory", mmu_err);
		t->reason = "none";
		return;
	}
	collect_reason_and_log(session, t);
	const struct kc_task_list *tasks = NULL;
	struct kc_error *err = kc_tasks(session, &tasks);
	if (err) {
		tasks = NULL;
		add_error(t, "tasks", err);
	} else if (tasks->panic_task) {
		t->task = kc_task_by_addr(tasks, tasks->panic_task);
		t->cpu = tasks->panic_cpu >= 0 ? tasks->panic_cpu : (t->task ? t->task->cpu : -1);
	}
	if (t->task)
		t->has_bt = backtrace_of(session, t, t->task, &t->bt, "backtrace");
	if (tasks) {
		collect_subject(session, t, tasks);
		collect_cpus(session, t, tasks);
	}
	collect_taint(session, t);
}

static void release(struct triage *t)
{
	if (t->has_bt)
		kc_backtrace_free(&t->bt);
	if (t->has_subject_bt)
		kc_backtrace_free(&t->subject_bt);
	for (size_t i = 0; i < t->nr_cpus; i++)
		if (t->cpus[i].has_bt)
			kc_backtrace_free(&t->cpus[i].bt);
	free(t->cpus);
	if (t->has_reports)
		kc_report_list_free(&t->reports);
	kc_sysinfo_fini(&t->sys);
	free(t->log_text);
	for (size_t i = 0; i < t->nr_errors; i++)
		free(t->errors[i]);
}

/*
 * The LINES log lines leading up to the panic: ending with the last
 * "Kernel panic" line when there is one (what follows is the panic's own
 * backtrace and the shutdown), else the last lines of the log. *LEN gets
 * the length.
 */
static const char *log_tail(const struct triage *t, unsigned lines, size_t *len)
{
	if (!t->log_text || !t->log_len)
		return NULL;
	const char *end = t->log_text + t->log_len;
	const char *panic = NULL;
	for (const char *p = t->log_text; (p = memmem(p, (size_t)(end - p), "Kernel panic - not syncing",
						      26)); p++)
		panic = p;
	if (panic) {
		const char *nl = memchr(panic, '\n', (size_t)(end - panic));
		end = nl ? nl + 1 : end;
	}
	const char *p = end;
	if (p > t->log_text && p[-1] == '\n')
		p--;
	unsigned seen = 0;
	while (p > t->log_text) {
		if (p[-1] == '\n' && ++seen == lines)
			break;
		p--;
	}
	*len = (size_t)(end - p);
	return p;
}

static void print_text(struct kc_session *session, struct triage *t, FILE *out)
{
	char buf[128];
	fprintf(out, "%12s: %s\n", "RELEASE", t->sys.release[0] ? t->sys.release : "(unknown)");
	if (t->sys.version[0])
		fprintf(out, "%12s: %s\n", "BUILD", t->sys.version);
	if (t->sys.has_crash_time) {
		time_t when = (time_t)t->sys.crash_time;
		struct tm tm;
		if (localtime_r(&when, &tm) && strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Z %Y", &tm))
			fprintf(out, "%12s: %s\n", "DATE", buf);
	}
	if (t->sys.has_uptime) {
		kc_sysinfo_format_uptime(t->sys.uptime_seconds, buf, sizeof(buf));
		fprintf(out, "%12s: %s\n", "UPTIME", buf);
	}
	fprintf(out, "%12s: %s", "REASON", t->reason);
	if (t->reason_line[0])
		fprintf(out, " (\"%s\")", t->reason_line);
	fputc('\n', out);
	if (t->has_esr)
		fprintf(out, "%12s: 0x%llx\n", "ESR", (unsigned long long)t->esr);
	if (t->sys.has_panic)
		fprintf(out, "%12s: \"%s\"\n", "PANIC", t->sys.panic);
	if (t->task)
		fprintf(out, "%12s: %d (\"%s\", task %llx) on CPU %d\n", "TASK", t->task->pid,
			t->task->comm, (unsigned long long)t->task->task, t->cpu);
	if (t->has_taint)
		fprintf(out, "%12s: %s%s%s\n", "TAINTED",
			t->tainted_mask ? t->taint_letters : "(not tainted)",
			t->taint_modules[0] ? "  modules: " : "", t->taint_modules);
	if (t->has_reports && t->reports.count) {
		const struct kc_report *r = &t->reports.reports[0];
		fprintf(out, "%12s: %s\n", "TITLE", r->title);
		fprintf(out, "%12s: %s\n", "KIND", r->kind);
		if (r->culprit_frame != KC_REPORT_NO_FRAME) {
			const struct kc_report_frame *f = &r->frames[r->culprit_frame];
			fprintf(out, "%12s: %s", "CULPRIT", f->function ? f->function : "?");
			if (f->module)
				fprintf(out, " [%s]", f->module);
			if (r->culprit_file)
				fprintf(out, " at %s:%d", r->culprit_file, r->culprit_line);
			fputc('\n', out);
		}
		fprintf(out, "%12s: %s\n", "SIGNATURE", r->signature);
		if (t->reports.count > 1)
			fprintf(out, "%12s: %zu in the log (the first gives the title)\n", "REPORTS",
				t->reports.count);
	}
	if (t->has_bt) {
		fputs("\nBACKTRACE:\n", out);
		kc_bt_print(session, &t->bt, 0, out);
	}
	if (t->has_subject_bt) {
		fprintf(out, "\nSUBJECT (%s):\n", t->subject_why);
		kc_bt_print_header(t->subject, out);
		kc_bt_print(session, &t->subject_bt, 0, out);
	}
	if (t->nr_cpus) {
		fputs("\nACTIVE TASKS (bt -a):\n", out);
		for (size_t i = 0; i < t->nr_cpus; i++) {
			if (!t->cpus[i].has_bt)
				continue;
			kc_bt_print_header(t->cpus[i].task, out);
			kc_bt_print(session, &t->cpus[i].bt, 0, out);
			if (i + 1 < t->nr_cpus)
				fputc('\n', out);
		}
	}
	size_t tail_len;
	const char *tail = log_tail(t, TRIAGE_LOG_LINES, &tail_len);
	if (tail) {
		fprintf(out, "\nLOG (the %d lines up to the panic):\n", TRIAGE_LOG_LINES);
		fwrite(tail, 1, tail_len, out);
	}
	for (size_t i = 0; i < t->nr_errors; i++)
		fprintf(out, "WARNING: %s\n", t->errors[i]);
}

static void json_key_string(FILE *out, const char *key, const char *value)
{
	fprintf(out, "\"%s\": ", key);
	if (value && *value)
		kc_json_string(out, value);
	else
		fputs("null", out);
}

static void print_json(struct kc_session *session, struct triage *t, FILE *out)
{
	const struct kc_dump *dump = kc_session_dump(session);
	fprintf(out, "{\"schema\": \"%s\", \"kcrash_version\": \"%s\", ", TRIAGE_SCHEMA,
		KCRASH_VERSION);
	fputs("\"kernel\": {", out);
	json_key_string(out, "release", t->sys.release);
	fputs(", ", out);
	json_key_string(out, "version", t->sys.version);
	fputs(", ", out);
	json_key_string(out, "build_id", kc_session_vmcoreinfo(session) ?
			kc_vmcoreinfo_get(kc_session_vmcoreinfo(session), "BUILD-ID") : NULL);
	fputs(", ", out);
	json_key_string(out, "vmlinux", kc_session_vmlinux_path(session));
	fputs("}, \"dump\": {", out);
	json_key_string(out, "path", dump->path);
	fputs(", ", out);
	json_key_string(out, "format", dump->format_name);
	fputs(", ", out);
	json_key_string(out, "compression", dump->compression);
	fprintf(out, ", \"partial\": %s, \"incomplete\": %s}, ",
		dump->dump_level > 0 ? "true" : "false", dump->incomplete ? "true" : "false");
	if (t->sys.has_crash_time)
		fprintf(out, "\"crash_time\": %lld, ", (long long)t->sys.crash_time);
	else
		fputs("\"crash_time\": null, ", out);
	if (t->sys.has_uptime)
		fprintf(out, "\"uptime_seconds\": %llu, ", (unsigned long long)t->sys.uptime_seconds);
	else
		fputs("\"uptime_seconds\": null, ", out);
	fprintf(out, "\"reason\": {\"kind\": \"%s\", ", t->reason ? t->reason : "none");
	json_key_string(out, "log_line", t->reason_line);
	if (t->has_esr)
		fprintf(out, ", \"esr\": \"0x%llx\"}, ", (unsigned long long)t->esr);
	else
		fputs(", \"esr\": null}, ", out);
	json_key_string(out, "panic_message", t->sys.has_panic ? t->sys.panic : NULL);
	fprintf(out, ", \"cpu\": ");
	if (t->cpu >= 0)
		fprintf(out, "%d", t->cpu);
	else
		fputs("null", out);
	fputs(", \"task\": ", out);
	if (t->task) {
		fprintf(out, "{\"pid\": %d, \"comm\": ", t->task->pid);
		kc_json_string(out, t->task->comm);
		fprintf(out, ", \"address\": \"0x%llx\", \"state\": \"%s\"}",
			(unsigned long long)t->task->task, t->task->state_code);
	} else {
		fputs("null", out);
	}
	fputs(", \"backtrace\": ", out);
	if (t->has_bt)
		kc_bt_print_json(session, &t->bt, out);
	else
		fputs("null", out);
	fputs(", \"subject\": ", out);
	if (t->subject) {
		fputs("{\"why\": ", out);
		kc_json_string(out, t->subject_why);
		fprintf(out, ", \"pid\": %d, \"comm\": ", t->subject->pid);
		kc_json_string(out, t->subject->comm);
		fprintf(out, ", \"cpu\": %d, \"address\": \"0x%llx\", \"state\": \"%s\", \"backtrace\": ",
			t->subject->cpu, (unsigned long long)t->subject->task,
			t->subject->state_code);
		if (t->has_subject_bt)
			kc_bt_print_json(session, &t->subject_bt, out);
		else
			fputs("null", out);
		fputc('}', out);
	} else {
		fputs("null", out);
	}
	fputs(", \"cpus\": [", out);
	for (size_t i = 0; i < t->nr_cpus; i++) {
		const struct kc_task *task = t->cpus[i].task;
		fprintf(out, "%s{\"cpu\": %d, \"pid\": %d, \"comm\": ", i ? ", " : "", task->cpu,
			task->pid);
		kc_json_string(out, task->comm);
		fprintf(out, ", \"address\": \"0x%llx\", \"backtrace\": ",
			(unsigned long long)task->task);
		if (t->cpus[i].has_bt)
			kc_bt_print_json(session, &t->cpus[i].bt, out);
		else
			fputs("null", out);
		fputc('}', out);
	}
	fputc(']', out);
	fputs(", \"tainted\": ", out);
	if (t->has_taint) {
		fprintf(out, "{\"mask\": \"0x%llx\", ", (unsigned long long)t->tainted_mask);
		json_key_string(out, "flags", t->taint_letters);
		fputs(", \"modules\": [", out);
		bool first = true;
		for (char *m = t->taint_modules; *m;) {
			char *end = strchr(m, ' ');
			size_t len = end ? (size_t)(end - m) : strlen(m);
			char *paren = memchr(m, '(', len);
			fprintf(out, "%s{\"name\": ", first ? "" : ", ");
			kc_json_string_n(out, m, paren ? (size_t)(paren - m) : len);
			fputs(", \"flags\": ", out);
			if (paren)
				kc_json_string_n(out, paren + 1, len - (size_t)(paren - m) - 2);
			else
				fputs("null", out);
			fputc('}', out);
			first = false;
			m += len;
			while (*m == ' ')
				m++;
		}
		fputs("]}", out);
	} else {
		fputs("null", out);
	}
	fputs(", \"log_tail\": [", out);
	size_t tail_len = 0;
	const char *tail = log_tail(t, TRIAGE_LOG_LINES, &tail_len);
	for (const char *line = tail, *end = tail ? tail + tail_len : NULL; line && line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
		if (line != tail)
			fputs(", ", out);
		kc_json_string_n(out, line, len);
		line += len + (nl ? 1 : 0);
	}
	fputs("], ", out);
	if (t->has_reports) {
		kc_reportfmt_json_members(out, &t->reports);
		kc_reportfmt_null_reasons(&t->reports, add_reason, t);
	} else {
		fputs("\"title\": null, \"kind\": null, \"culprit\": null, \"signature\": null, "
		      "\"corrupted\": null, \"reports\": null", out);
	}
	fputs(", \"errors\": [", out);
	size_t nr = 0;
	for (size_t i = 0; i < t->sys.nr_errors; i++, nr++) {
		fputs(nr ? ", " : "", out);
		kc_json_string(out, t->sys.errors[i]);
	}
	for (size_t i = 0; i < t->nr_errors; i++, nr++) {
		fputs(nr ? ", " : "", out);
		kc_json_string(out, t->errors[i]);
	}
	fputs("]}\n", out);
}

static struct kc_error *cmd_triage(struct kc_session *session, int argc,
				   char **argv, FILE *out)
{
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return kc_usage_error(&kc_cmd_triage);
	}
	struct triage *t = calloc(1, sizeof(*t));
	if (!t)
		return &kc_error_nomem;
	collect(session, t);
	if (json)
		print_json(session, t, out);
	else
		print_text(session, t, out);
	release(t);
	free(t);
	return NULL;
}

const struct kc_command kc_cmd_triage = {
	.name = "triage",
	.summary = "what happened: reason, task, backtrace, taint, last log lines",
	.usage = "triage [--json]",
	.help = "Prints the kernel release and build, crash time and uptime, the\n"
		"REASON (sysrq, oops, bug, watchdog, oom, panic or none, with the log\n"
		"line it was found in, and the ESR of a memory abort), the panic\n"
		"message, the crashing CPU and task, its backtrace (as bt prints it),\n"
		"the taint flags and the modules that set them, the 20 log lines\n"
		"up to the panic (the last 20 when there is none), and the reports in\n"
		"the log: the first one's TITLE (syzkaller's form), KIND, CULPRIT (with\n"
		"file:line from the DWARF) and SIGNATURE (stable across KASLR and\n"
		"reboots). --json prints one JSON object with the schema \"kcrash-triage/3\"\n"
		"described in kcrash(1); it is valid JSON even when parts fail, and\n"
		"\"errors\" says which and why. kcrash --triage [--json] VMLINUX DUMP\n"
		"runs it and exits.\n",
	.needs_dump = true,
	.run = cmd_triage,
};
