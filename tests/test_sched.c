// SPDX-License-Identifier: MIT
/*
 * Run queues, IRQs, timers and wait queues (include/kcrash/sched.h) and the
 * runq, irq, timer, waitq and task commands, against the guests' own
 * ground truth.
 *
 * The Debian workload dumps (opened alone: BTF, the dump's kallsyms, no
 * data symbols) were snapshotted seconds before the crash, so:
 *  - exact: IRQ numbers, hwirqs and action names; hrtimers armed long
 *    before and expiring long after (it_real_fn, timerfd_tmrproc, the
 *    sleeps' hrtimer_wakeup): CPU, clock, function, soft and hard expiry;
 *    task priorities; the empty pipe's two readers; the per-CPU variables
 *    placed from BTF (each base names its own CPU);
 *  - bounded: IRQ counts only grow (and by less than a minute's worth);
 *    the run queues: the pinned spinners are runnable on their own CPU in
 *    both, every queued task is runnable on that CPU in kcrash's task list.
 * The four shared fixtures (DWARF vmlinux) give /proc/interrupts and the
 * CFS timelines; their kernels have no networking.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

/* ---- run queues ---- */

static bool queued_on(const struct kc_runq *r, uint64_t task)
{
	for (size_t i = 0; i < r->nr_rt; i++)
		if (r->rt[i].task == task)
			return true;
	for (size_t i = 0; i < r->nr_cfs; i++)
		if (r->cfs[i].task == task)
			return true;
	return false;
}

/* Every queued task is a runnable task of the list on that CPU; the current one runs there. */
static size_t check_runqueues(struct kc_session *session, const char *label,
			      const struct kc_runqueues *rqs)
{
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (!CHECK_MSG(!err, "%s: tasks", label)) {
		kc_error_destroy(err);
		return 0;
	}
	CHECK_EQ_U64(rqs->nr_cpus, list->nr_cpus);
	size_t queued = 0;
	for (unsigned cpu = 0; cpu < rqs->nr_cpus; cpu++) {
		const struct kc_runq *r = &rqs->cpus[cpu];
		CHECK_MSG(!r->error, "%s: CPU %u: %s", label, cpu, r->error);
		const struct kc_task *curr = kc_task_by_addr(list, r->curr);
		CHECK_MSG(curr && curr->is_active && curr->cpu == (int)cpu,
			  "%s: CPU %u's rq->curr 0x%llx is not its active task", label, cpu,
			  (unsigned long long)r->curr);
		CHECK_MSG(r->nr_rt + r->nr_cfs <= r->nr_running, "%s: CPU %u: %zu + %zu queued, nr_running %u",
			  label, cpu, r->nr_rt, r->nr_cfs, r->nr_running);
		CHECK_MSG(r->rt_nr_running >= r->nr_rt, "%s: CPU %u: %zu RT queued, rt_nr_running %u",
			  label, cpu, r->nr_rt, r->rt_nr_running);
		for (size_t i = 0; i < r->nr_rt + r->nr_cfs; i++) {
			const struct kc_runq_task *q = i < r->nr_rt ? &r->rt[i] : &r->cfs[i - r->nr_rt];
			const struct kc_task *t = kc_task_by_addr(list, q->task);
			CHECK_MSG(t && t->cpu == (int)cpu && strcmp(t->state_code, "RU") == 0 &&
					  t->task != r->curr,
				  "%s: CPU %u queues 0x%llx (%s %s)", label, cpu,
				  (unsigned long long)q->task, t ? t->comm : "not a task",
				  t ? t->state_code : "");
			/* CFS prio is task->prio: 100 + 20 + nice for normal tasks. */
			if (i >= r->nr_rt)
				CHECK_MSG(q->prio >= 100 && q->prio < 140, "%s: CFS prio %d", label, q->prio);
		}
		queued += r->nr_rt + r->nr_cfs;
	}
	return queued;
}

/* "R" tasks (running or runnable) of CPU in a sched_debug file: pid -> prio, by pid. */
static int snapshot_prio(const char *text, unsigned cpu, int pid, bool *runnable)
{
	char header[32];
	snprintf(header, sizeof(header), "\ncpu#%u", cpu);
	const char *p = strstr(text, header);
	const char *next = p ? strstr(p + 1, "\ncpu#") : NULL;
	const char *tasks = p ? strstr(p, "runnable tasks:") : NULL;
	if (!tasks || (next && tasks > next))
		return -1;
	for (const char *line = strchr(tasks, '\n'); line && (!next || line < next);
	     line = strchr(line + 1, '\n')) {
		char state[4], comm[64];
		int tpid, prio;
		long switches;
		double key;
		if (sscanf(line + 1, " %3s %63s %d %lf %ld %d", state, comm, &tpid, &key, &switches,
			   &prio) == 6 && tpid == pid) {
			*runnable = strchr(state, 'R') != NULL;
			return prio;
		}
	}
	return -1;
}

KC_TEST(sched_runq_workload)
{
	for (size_t w = 0; w < NR_WORKLOADS; w++) {
		struct kc_session *session = open_workload(&workloads[w]);
		if (!session)
			continue;
		const char *label = workloads[w].name;
		struct kc_runqueues rqs;
		REQUIRE_OK(kc_runqueues_read(session, &rqs));
		size_t queued = check_runqueues(session, label, &rqs);
		char *sched = workload_file(&workloads[w], workloads[w].sched_debug);
		const struct kc_task_list *list;
		REQUIRE_OK(kc_tasks(session, &list));
		/* The pinned spinners: runnable on their CPU in the snapshot and in the dump. */
		for (unsigned cpu = 0; cpu < 2 && sched; cpu++) {
			char role[16];
			snprintf(role, sizeof(role), "kc_spin%u", cpu);
			int pid = workload_pid(&workloads[w], role);
			const struct kc_task *t = kc_task_by_pid(list, pid);
			REQUIRE_MSG(pid > 0 && t, "%s: no %s", label, role);
			bool runnable = false;
			int prio = snapshot_prio(sched, cpu, pid, &runnable);
			CHECK_MSG(runnable && prio == 139, "%s: %s in the snapshot: prio %d", label, role, prio);
			const struct kc_runq *r = &rqs.cpus[cpu];
			CHECK_MSG(r->curr == t->task || queued_on(r, t->task),
				  "%s: %s (pid %d) is neither current nor queued on CPU %u", label, role,
				  pid, cpu);
		}
		/* Every queued CFS task the snapshot lists on that CPU has the same prio. */
		size_t prios = 0;
		for (unsigned cpu = 0; cpu < rqs.nr_cpus && sched; cpu++) {
			const struct kc_runq *r = &rqs.cpus[cpu];
			for (size_t i = 0; i < r->nr_cfs; i++) {
				const struct kc_task *t = kc_task_by_addr(list, r->cfs[i].task);
				bool runnable;
				int prio = t ? snapshot_prio(sched, cpu, t->pid, &runnable) : -1;
				if (prio < 0)
					continue;
				CHECK_MSG(prio == r->cfs[i].prio, "%s: pid %d prio %d, snapshot %d", label,
					  t->pid, r->cfs[i].prio, prio);
				prios++;
			}
		}
		CHECK(prios >= 1);
		printf("    %s: %zu queued tasks, %zu prios equal to the snapshot's\n", label, queued,
		       prios);

		/* The command: crash's layout, and its JSON. */
		char *text = run_command(session, "runq");
		if (text) {
			CHECK(strstr(text, "CPU 0 RUNQUEUE: ") == text);
			CHECK(strstr(text, "\nCPU 1 RUNQUEUE: "));
			CHECK(strstr(text, "  CURRENT: PID: "));
			CHECK(strstr(text, "  RT PRIO_ARRAY: "));
			CHECK(strstr(text, "  CFS RB_ROOT: "));
			char line[128];
			const struct kc_task *spin1 = kc_task_by_pid(list, workload_pid(&workloads[w], "kc_spin1"));
			if (spin1 && spin1->task != rqs.cpus[1].curr) {
				snprintf(line, sizeof(line), "     [139] PID: %-5d  TASK: %" PRIx64 "  COMMAND: \"kc_spin1\"\n",
					 spin1->pid, spin1->task);
				CHECK_MSG(strstr(text, line), "%s: runq has no line %s", label, line);
			}
		}
		free(text);
		text = run_command(session, "runq -t");
		CHECK(text && strstr(text, " CPU 0: ") == text);
		free(text);
		text = run_command(session, "runq -c 1");
		CHECK(text && strstr(text, "CPU 1 RUNQUEUE") == text && !strstr(text, "CPU 0"));
		free(text);
		char *answer = json_query(session, "runq --json",
					  "print(len(d), sum(len(c[\"cfs\"]) + len(c[\"rt\"]) for c in d))");
		char expect[64];
		snprintf(expect, sizeof(expect), "%u %zu\n", rqs.nr_cpus, queued);
		CHECK_STR(answer, expect);
		free(answer);
		free(sched);
		kc_runqueues_free(&rqs);
		kc_session_destroy(session);
	}
}

KC_TEST(sched_runq_fixtures)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		struct kc_session *session = kc_test_open_session(kc_test_fixture_names[f],
								 "vmcore.kdump-zlib");
		if (!session)
			continue;
		struct kc_runqueues rqs;
		REQUIRE_OK(kc_runqueues_read(session, &rqs));
		size_t queued = check_runqueues(session, kc_test_fixture_names[f], &rqs);
		printf("    %s: %zu queued tasks\n", kc_test_fixture_names[f], queued);
		kc_runqueues_free(&rqs);
		kc_session_destroy(session);
	}
}

/* ---- IRQs ---- */

static const struct kc_irq *irq_by_number(const struct kc_irqs *irqs, unsigned n)
{
	for (size_t i = 0; i < irqs->nr_irqs_found; i++)
		if (irqs->irqs[i].irq == n)
			return &irqs->irqs[i];
	return NULL;
}

static void action_names(const struct kc_irq *irq, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t k = 0; k < irq->nr_actions; k++) {
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", k ? "," : "", irq->actions[k].name);
	}
}

/* Counts grow, by less than a minute of a 1000 Hz tick on every line. */
#define COUNT_GROWTH_BOUND 60000u

static void check_counts(const char *label, const struct kc_irq *irq, const unsigned *snapshot,
			 unsigned nr)
{
	if (!CHECK_MSG(irq->has_counts, "%s: IRQ %u has no counts", label, irq->irq))
		return;
	for (unsigned cpu = 0; cpu < nr; cpu++)
		CHECK_MSG(irq->counts[cpu] >= snapshot[cpu] &&
				  irq->counts[cpu] - snapshot[cpu] < COUNT_GROWTH_BOUND,
			  "%s: IRQ %u CPU %u: %u in the dump, %u in the snapshot", label, irq->irq, cpu,
			  irq->counts[cpu], snapshot[cpu]);
}

/* Every numbered line of /proc/interrupts (and IPIn: as IRQ n + 1): name and counts. */
static size_t check_proc_interrupts(const char *label, const struct kc_irqs *irqs,
				    char *text, bool ipis_are_irqs)
{
	size_t checked = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned n, counts[8] = {0};
		int used = 0;
		bool ipi = false;
		if (sscanf(line, " IPI%u:%n", &n, &used) == 1 && used) {
			if (!ipis_are_irqs)
				continue;
			ipi = true;
			n += 1; /* IPI0 is IRQ 1 (arch/arm64/kernel/smp.c's ipi_irq_base, v5.10+) */
		} else if (sscanf(line, " %u:%n", &n, &used) != 1 || !used) {
			continue;
		}
		const char *p = line + used;
		unsigned nr = 0;
		for (; nr < irqs->nr_cpus && nr < 8; nr++) {
			char *end;
			counts[nr] = (unsigned)strtoul(p, &end, 10);
			if (end == p)
				break;
			p = end;
		}
		const struct kc_irq *irq = irq_by_number(irqs, n);
		if (!CHECK_MSG(irq, "%s: IRQ %u of /proc/interrupts is not in the dump", label, n))
			continue;
		if (!ipi) {
			/* The line ends with the action names. */
			const char *name = strrchr(line, ' ');
			char names[256];
			action_names(irq, names, sizeof(names));
			CHECK_MSG(name && strcmp(name + 1, names) == 0,
				  "%s: IRQ %u: \"%s\" in the dump, line \"%s\"", label, n, names, line);
		}
		check_counts(label, irq, counts, nr);
		checked++;
	}
	return checked;
}

KC_TEST(sched_irqs_workload)
{
	for (size_t w = 0; w < NR_WORKLOADS; w++) {
		struct kc_session *session = open_workload(&workloads[w]);
		if (!session)
			continue;
		const char *label = workloads[w].name;
		struct kc_irqs irqs;
		REQUIRE_OK(kc_irqs_read(session, &irqs));
		CHECK(irqs.tree_source && strstr(irqs.tree_source, "irq_to_desc"));
		CHECK(irqs.nr_irqs > irqs.irqs[irqs.nr_irqs_found - 1].irq);
		/* /sys/kernel/irq/N: every descriptor, hwirq and actions exact, counts bounded. */
		char *text = workload_file(&workloads[w], "irqs.txt");
		size_t exact = 0;
		for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
			unsigned n;
			unsigned long long hwirq;
			if (sscanf(line, "irq %u ", &n) != 1)
				continue;
			const char *h = strstr(line, " hwirq=");
			const char *a = strstr(line, " actions=");
			const char *c = strstr(line, " per_cpu_count=");
			REQUIRE(h && a && c);
			hwirq = strtoull(h + 7, NULL, 10);
			const struct kc_irq *irq = irq_by_number(&irqs, n);
			if (!CHECK_MSG(irq, "%s: IRQ %u is not in the dump", label, n))
				continue;
			CHECK_MSG(irq->hwirq == hwirq, "%s: IRQ %u hwirq %llu, sysfs %llu", label, n,
				  (unsigned long long)irq->hwirq, hwirq);
			char want[256], names[256];
			snprintf(want, sizeof(want), "%.*s", (int)strcspn(a + 9, " "), a + 9);
			if (strcmp(want, "(null)") == 0)
				want[0] = '\0';  /* an action without a name */
			action_names(irq, names, sizeof(names));
			CHECK_MSG(strcmp(names, want) == 0 || (!want[0] && irq->nr_actions == 1 &&
							       !irq->actions[0].name[0]),
				  "%s: IRQ %u actions \"%s\", sysfs \"%s\"", label, n, names, want);
			unsigned counts[8] = {0}, nr = 0;
			for (const char *p = c + 15; nr < 8 && isdigit((unsigned char)*p); nr++) {
				char *end;
				counts[nr] = (unsigned)strtoul(p, &end, 10);
				p = *end == ',' ? end + 1 : end;
			}
			check_counts(label, irq, counts, nr);
			exact++;
		}
		free(text);
		CHECK_MSG(exact == irqs.nr_irqs_found, "%s: %zu sysfs IRQs, %zu descriptors", label,
			  exact, irqs.nr_irqs_found);
		text = workload_file(&workloads[w], "proc/interrupts.txt");
		size_t lines = text ? check_proc_interrupts(label, &irqs, text, workloads[w].ipis_are_irqs) : 0;
		CHECK(lines >= 10);
		free(text);
		printf("    %s: %zu descriptors (%s %s), %zu /proc/interrupts lines\n", label,
		       irqs.nr_irqs_found, irqs.tree_name, irqs.tree_source, lines);

		text = run_command(session, "irq");
		CHECK(text && strncmp(text, " IRQ   IRQ_DESC/_DATA      IRQACTION      NAME\n", 47) == 0);
		CHECK(text && strstr(text, "  \"arch_timer\"\n"));
		CHECK(text && strstr(text, "  0       (unused)          (unused)      \n"));
		free(text);
		text = run_command(session, "irq -s");
		CHECK(text && strncmp(text, "           CPU0       CPU1 \n", 27) == 0);
		CHECK(text && strstr(text, " 11: "));
		free(text);
		char *answer = json_query(session, "irq --json",
					  "print(len(d[\"irqs\"]), [i[\"actions\"][0][\"name\"] for i in d[\"irqs\"] if i[\"irq\"] == 11])");
		char expect[64];
		snprintf(expect, sizeof(expect), "%zu ['arch_timer']\n", irqs.nr_irqs_found);
		CHECK_STR(answer, expect);
		free(answer);
		kc_irqs_free(&irqs);
		kc_session_destroy(session);
	}
}

KC_TEST(sched_irqs_fixtures)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			continue;
		struct kc_irqs irqs;
		REQUIRE_OK(kc_irqs_read(session, &irqs));
		CHECK_STR(irqs.tree_source, "the symbol table");
		/* nr_irqs from the symbol table: the kernel's own value. */
		uint64_t addr;
		uint32_t nr_irqs = 0;
		REQUIRE_OK(kc_kernel_symbol(session, "nr_irqs", &addr));
		REQUIRE_OK(kc_kernel_read(session, addr, &nr_irqs, sizeof(nr_irqs)));
		CHECK_EQ_U64(irqs.nr_irqs, nr_irqs);
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s/ground-truth/kdump-snapshot/interrupts.txt",
			 kc_test_fixtures_dir(), fixture);
		char *text = kc_test_read_file(path, NULL);
		REQUIRE(text);
		size_t lines = check_proc_interrupts(fixture, &irqs, text, true);
		CHECK(lines >= 4);
		printf("    %s: %zu descriptors, %zu /proc/interrupts lines\n", fixture,
		       irqs.nr_irqs_found, lines);
		free(text);
		kc_irqs_free(&irqs);
		kc_session_destroy(session);
	}
}

/* ---- timers ---- */

struct listed_hrtimer {
	unsigned cpu, clock;
	char function[64];
	long long soft, hard;
};

/* /proc/timer_list's active hrtimers; *NOW gets its "now at". */
static size_t parse_timer_list(char *text, struct listed_hrtimer *out, size_t max, long long *now)
{
	size_t n = 0;
	unsigned cpu = 0, clock = 0;
	char *pending = NULL;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (sscanf(line, "now at %lld", now) == 1)
			continue;
		if (sscanf(line, "cpu: %u", &cpu) == 1)
			continue;
		if (sscanf(line, " clock %u:", &clock) == 1)
			continue;
		if (strncmp(line, " #", 2) == 0 && strstr(line, ">, ")) {
			pending = strstr(line, ">, ") + 3;
			continue;
		}
		long long soft, hard;
		if (pending && sscanf(line, " # expires at %lld-%lld", &soft, &hard) == 2 && n < max) {
			struct listed_hrtimer *t = &out[n++];
			t->cpu = cpu;
			t->clock = clock;
			snprintf(t->function, sizeof(t->function), "%.*s", (int)strcspn(pending, ","), pending);
			t->soft = soft;
			t->hard = hard;
			pending = NULL;
		}
	}
	return n;
}

static bool function_is(struct kc_session *session, uint64_t addr, const char *name)
{
	struct kc_symbolized sym;
	struct kc_error *err = kc_symbolize(session, addr, &sym);
	bool same = !err && sym.offset == 0 && strcmp(sym.name, name) == 0;
	kc_error_destroy(err);
	return same;
}

KC_TEST(sched_hrtimers_workload)
{
	for (size_t w = 0; w < NR_WORKLOADS; w++) {
		struct kc_session *session = open_workload(&workloads[w]);
		if (!session)
			continue;
		const char *label = workloads[w].name;
		struct kc_hrtimers h;
		REQUIRE_OK(kc_hrtimers_read(session, &h));
		char *text = workload_file(&workloads[w], "proc/timer_list.txt");
		static struct listed_hrtimer listed[512];
		long long snapshot_now = 0;
		size_t n = text ? parse_timer_list(text, listed, 512, &snapshot_now) : 0;
		free(text);
		CHECK(n >= 10);
		/* The crash comes seconds after the snapshot. */
		CHECK_MSG(h.monotonic > snapshot_now && h.monotonic - snapshot_now < 120000000000LL,
			  "%s: monotonic %lld, snapshot's now %lld", label, (long long)h.monotonic,
			  snapshot_now);
		size_t exact = 0;
		for (size_t i = 0; i < n; i++) {
			const struct listed_hrtimer *l = &listed[i];
			/* Periodic ones re-arm, and the short ones fire before the crash. */
			if (l->soft <= h.monotonic + 60000000000LL || !strcmp(l->function, "tick_sched_timer") ||
			    !strcmp(l->function, "watchdog_timer_fn"))
				continue;
			bool found = false;
			REQUIRE(l->cpu < h.nr_cpus && l->clock < h.cpus[l->cpu].nr_clocks);
			const struct kc_hrtimer_clock *c = &h.cpus[l->cpu].clocks[l->clock];
			for (size_t k = 0; k < c->nr_timers && !found; k++)
				found = c->timers[k].softexpires == l->soft && c->timers[k].expires == l->hard &&
					function_is(session, c->timers[k].function, l->function);
			CHECK_MSG(found, "%s: CPU %u clock %u: %s expiring at %lld-%lld is not in the dump",
				  label, l->cpu, l->clock, l->function, l->soft, l->hard);
			exact += found;
		}
		/* it_real_fn, timerfd_tmrproc, and the sleeps' hrtimer_wakeup at least. */
		CHECK(exact >= 6);
		for (unsigned cpu = 0; cpu < h.nr_cpus; cpu++)
			for (size_t k = 0; k < h.cpus[cpu].nr_clocks; k++) {
				const struct kc_hrtimer_clock *c = &h.cpus[cpu].clocks[k];
				CHECK_MSG(!c->error, "%s: %s", label, c->error);
				for (size_t i = 1; i < c->nr_timers; i++)
					CHECK(c->timers[i - 1].expires <= c->timers[i].expires);
			}
		/* hrtimer_bases placed from BTF's per-CPU offset: each names its CPU. */
		uint64_t bases;
		REQUIRE_OK(kc_percpu_symbol(session, "hrtimer_bases", &bases));
		for (unsigned cpu = 0; cpu < h.nr_cpus; cpu++) {
			uint64_t cpu_field;
			REQUIRE_OK(kc_kernel_read_member(session, h.cpus[cpu].base, "struct hrtimer_cpu_base",
							 "cpu", &cpu_field));
			CHECK_EQ_U64(cpu_field, cpu);
		}
		printf("    %s: %zu hrtimers of /proc/timer_list found exactly\n", label, exact);
		char *answer = json_query(session, "timer -r --json",
					  "print(len(d[\"cpus\"]), sum(len(c[\"timers\"]) for x in d[\"cpus\"] for c in x[\"clocks\"]) > 0)");
		CHECK_STR(answer, "2 True\n");
		free(answer);
		text = run_command(session, "timer -r");
		CHECK(text && strncmp(text, "CPU: 0  HRTIMER_CPU_BASE: ", 26) == 0);
		CHECK(text && strstr(text, "  CLOCK: 0  HRTIMER_CLOCK_BASE: ") && strstr(text, "  [ktime_get]\n"));
		CHECK(text && strstr(text, "<it_real_fn>\n") && strstr(text, "<timerfd_tmrproc>\n"));
		free(text);
		kc_hrtimers_free(&h);
		kc_session_destroy(session);
	}
}

KC_TEST(sched_timer_wheel_workload)
{
	for (size_t w = 0; w < NR_WORKLOADS; w++) {
		struct kc_session *session = open_workload(&workloads[w]);
		if (!session)
			continue;
		const char *label = workloads[w].name;
		struct kc_timer_wheel wheel;
		REQUIRE_OK(kc_timer_wheel_read(session, &wheel));
		uint64_t jiffies_addr, jiffies;
		REQUIRE_OK(kc_kernel_symbol(session, "jiffies", &jiffies_addr));
		REQUIRE_OK(kc_kernel_read_u64(session, jiffies_addr, &jiffies));
		CHECK_EQ_U64(wheel.jiffies, jiffies);
		CHECK_EQ_U64(wheel.bases_per_cpu, 2);  /* CONFIG_NO_HZ_COMMON: BASE_STD, BASE_DEF */
		/* eth0's dev_watchdog timer is net_device.watchdog_timer of eth0. */
		struct kc_net_devices devs;
		REQUIRE_OK(kc_net_devices_read(session, 0, &devs));
		uint64_t eth0 = 0;
		for (size_t i = 0; i < devs.nr_devs; i++)
			if (!strcmp(devs.devs[i].name, "eth0"))
				eth0 = devs.devs[i].dev;
		kc_net_devices_free(&devs);
		const struct kc_kernel_member *wd;
		REQUIRE_OK(kc_kernel_member(session, "struct net_device", "watchdog_timer", &wd));
		size_t timers = 0, watchdogs = 0;
		for (size_t i = 0; i < (size_t)wheel.nr_cpus * wheel.bases_per_cpu; i++) {
			const struct kc_timer_base *b = &wheel.bases[i];
			CHECK_MSG(!b->error, "%s: %s", label, b->error);
			uint64_t cpu_field;
			REQUIRE_OK(kc_kernel_read_member(session, b->base, "struct timer_base", "cpu",
							 &cpu_field));
			CHECK_EQ_U64(cpu_field, b->cpu);
			for (size_t k = 0; k < b->nr_timers; k++) {
				const struct kc_timer *t = &b->timers[k];
				struct kc_symbolized sym;
				struct kc_error *err = kc_symbolize(session, t->function, &sym);
				CHECK_MSG(!err, "%s: timer 0x%llx's function 0x%llx", label,
					  (unsigned long long)t->timer, (unsigned long long)t->function);
				kc_error_destroy(err);
				if (k)
					CHECK(b->timers[k - 1].expires <= t->expires);
				if (function_is(session, t->function, "dev_watchdog")) {
					CHECK_EQ_U64(t->timer, eth0 + wd->offset);
					watchdogs++;
				}
			}
			timers += b->nr_timers;
		}
		/* Armed while eth0 transmits (6.1's dump has it; 5.10's had gone quiet). */
		CHECK(watchdogs <= 1);
		printf("    %s: %zu wheel timers, %zu of them eth0's watchdog\n", label, timers, watchdogs);
		char *text = run_command(session, "timer");
		CHECK(text && strncmp(text, "JIFFIES   \n", 11) == 0);
		CHECK(text && strstr(text, "TIMER_BASES[1][BASE_DEF]: "));
		CHECK(text && (watchdogs == 0 || strstr(text, "  <dev_watchdog>\n")));
		free(text);
		char *answer = json_query(session, "timer --json", "print(len(d[\"bases\"]), d[\"jiffies\"])");
		char expect[64];
		snprintf(expect, sizeof(expect), "%u %llu\n", wheel.nr_cpus * wheel.bases_per_cpu,
			 (unsigned long long)jiffies);
		CHECK_STR(answer, expect);
		free(answer);
		kc_timer_wheel_free(&wheel);
		kc_session_destroy(session);
	}
}

KC_TEST(sched_commands_fixtures)
{
	static const char *const lines[] = {
		"runq", "runq -t", "runq --json", "irq", "irq -u", "irq -s", "irq --json",
		"timer", "timer --json", "timer -r", "timer -r --json", "sig", "sig -g",
		"sig --json", "task", "task -R pid,comm", "task --json",
	};
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		struct kc_session *session = kc_test_open_session(kc_test_fixture_names[f],
								 "vmcore.kdump-zlib");
		if (!session)
			continue;
		for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
			char *text = run_command(session, lines[i]);
			CHECK_MSG(text && strlen(text) > 20, "%s: %s", kc_test_fixture_names[f], lines[i]);
			CHECK_MSG(!text || !strstr(text, "WARNING"), "%s: %s: %s", kc_test_fixture_names[f],
				  lines[i], text);
			free(text);
		}
		/* The per-CPU symbols from the vmlinux: the symbol table's. */
		uint64_t a, b;
		REQUIRE_OK(kc_percpu_symbol(session, "timer_bases", &a));
		REQUIRE_OK(kc_kernel_symbol(session, "timer_bases", &b));
		CHECK_EQ_U64(a, b);
		kc_session_destroy(session);
	}
}

/* ---- wait queues, task ---- */

/* The struct file of PID's fd FD, read through files->fdt->fd[]. */
static uint64_t task_file(struct kc_session *session, uint64_t task, unsigned fd)
{
	uint64_t files = 0, fdt = 0, array = 0, file = 0;
	struct kc_error *err = kc_kernel_read_member(session, task, "struct task_struct", "files", &files);
	if (!err)
		err = kc_kernel_read_member(session, files, "struct files_struct", "fdt", &fdt);
	if (!err)
		err = kc_kernel_read_member(session, fdt, "struct fdtable", "fd", &array);
	if (!err)
		err = kc_kernel_read_u64(session, array + 8 * fd, &file);
	CHECK_MSG(!err, "fd %u: %s", fd, err ? kc_error_message(err) : "");
	kc_error_destroy(err);
	return file;
}

KC_TEST(sched_waitq_pipe_readers)
{
	for (size_t w = 0; w < NR_WORKLOADS; w++) {
		struct kc_session *session = open_workload(&workloads[w]);
		if (!session)
			continue;
		const char *label = workloads[w].name;
		const struct kc_task_list *list;
		REQUIRE_OK(kc_tasks(session, &list));
		int holder = workload_pid(&workloads[w], "kc_workload");
		int child = workload_pid(&workloads[w], "kc_piperd2");
		const struct kc_task *t = kc_task_by_pid(list, holder);
		REQUIRE(t && child > 0);
		/* fd 6 is the empty pipe (fd-all.txt: "pipe:[N]", kc_workload-info.txt). */
		char *fds = workload_file(&workloads[w], "fd-all.txt");
		char want[64];
		snprintf(want, sizeof(want), "%d kc_workload fd 6 pipe:[", holder);
		CHECK(fds && strstr(fds, want));
		free(fds);
		uint64_t file = task_file(session, t->task, 6), pipe = 0;
		REQUIRE_OK(kc_kernel_read_member(session, file, "struct file", "private_data", &pipe));
		const struct kc_kernel_member *rd_wait;
		REQUIRE_OK(kc_kernel_member(session, "struct pipe_inode_info", "rd_wait", &rd_wait));
		struct kc_waitq_entry *entries;
		size_t n;
		REQUIRE_OK(kc_waitqueue_read(session, pipe + rd_wait->offset, &entries, &n));
		/* The kc_piperd thread, the forked kc_piperd2, and the epoll watching fd 6. */
		size_t readers = 0, others = 0;
		for (size_t i = 0; i < n; i++) {
			const struct kc_task *waiter = kc_task_by_addr(list, entries[i].private);
			if (waiter && ((waiter->tgid == holder && !strcmp(waiter->comm, "kc_piperd")) ||
				       waiter->pid == child))
				readers++;
			else
				others++;
		}
		CHECK_MSG(readers == 2 && others <= 1, "%s: %zu readers, %zu other entries", label,
			  readers, others);
		free(entries);
		char line[256];
		snprintf(line, sizeof(line), "waitq pipe_inode_info.rd_wait %llx", (unsigned long long)pipe);
		char *text = run_command(session, line);
		snprintf(want, sizeof(want), "PID: %-7d  TASK: ", child);
		CHECK(text && strstr(text, want) && strstr(text, "COMMAND: \"kc_piperd\"\n"));
		free(text);
		snprintf(line, sizeof(line), "waitq pipe_inode_info.wr_wait %llx", (unsigned long long)pipe);
		text = run_command(session, line);
		CHECK(text && strstr(text, " is empty\n"));
		free(text);
		snprintf(line, sizeof(line), "waitq --json %llx",
			 (unsigned long long)(pipe + rd_wait->offset));
		char *answer = json_query(session, line,
					  "print(sorted(e[\"comm\"] for e in d[\"entries\"] if e[\"pid\"]))");
		CHECK_STR(answer, "['kc_piperd', 'kc_piperd2']\n");
		free(answer);
		printf("    %s: the empty pipe's rd_wait holds %zu readers and %zu other entries\n",
		       label, readers, others);

		/* task: the task_struct members as crash prints them. */
		snprintf(line, sizeof(line), "task -R pid,tgid %d", child);
		text = run_command(session, line);
		snprintf(want, sizeof(want), "  pid = %d,\n  tgid = %d,\n", child, child);
		CHECK_MSG(text && strstr(text, want), "%s: %s", line, text ? text : "");
		free(text);
		snprintf(line, sizeof(line), "task --json %d", child);
		answer = json_query(session, line, "print(d[0][\"task_struct\"][\"pid\"], \"thread_info\" in d[0])");
		snprintf(want, sizeof(want), "%d True\n", child);
		CHECK_STR(answer, want);
		free(answer);
		kc_session_destroy(session);
	}
}
