/* SPDX-License-Identifier: MIT */
/*
 * timer: the timer wheel in crash's layout (crash kernel.c
 * dump_timer_data_timer_bases: JIFFIES, then per CPU and base
 * "TIMER_BASES[cpu][BASE_STD]: addr" and EXPIRES TTE TIMER_LIST FUNCTION
 * rows by expiry), and timer -r, the hrtimers (dump_hrtimer_data: per CPU
 * HRTIMER_CPU_BASE, per clock base CURRENT and SOFTEXPIRES EXPIRES TTE
 * HRTIMER FUNCTION, column widths from the values as crash sizes them).
 */
#include "command.h"
#include "json.h"
#include "object.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/memory.h>
#include <kcrash/sched.h>
#include <kcrash/symbols.h>

/* crash's mkstring(CENTER): the odd space goes left when JUSTIFY_RIGHT. */
static void centered(FILE *out, const char *text, int width, bool justify_right)
{
	int len = (int)strlen(text);
	int extra = width > len ? width - len : 0;
	int left = extra / 2, right = extra / 2;
	if (extra % 2) {
		if (justify_right)
			left++;
		else
			right++;
	}
	fprintf(out, "%*s%s%*s", left, "", text, right, "");
}

/* crash's value_to_symstr: "name" or "name+offset", "" when no symbol holds it. */
static void symstr(struct kc_session *session, uint64_t addr, char *buf, size_t len)
{
	struct kc_symbolized sym;
	struct kc_error *err = kc_symbolize(session, addr, &sym);
	if (err) {
		kc_error_destroy(err);
		buf[0] = '\0';
		return;
	}
	if (sym.offset)
		snprintf(buf, len, "%s+%llu", sym.name, (unsigned long long)sym.offset);
	else
		snprintf(buf, len, "%s", sym.name);
}

static void print_wheel_base(struct kc_session *session, const struct kc_timer_wheel *w,
			     const struct kc_timer_base *b, int flen, FILE *out)
{
	/* v6.9+ has three bases: BASE_LOCAL, BASE_GLOBAL, BASE_DEF (kernel/time/timer.c). */
	static const char *const two[] = {"BASE_STD", "BASE_DEF"};
	static const char *const three[] = {"BASE_LOCAL", "BASE_GLOBAL", "BASE_DEF"};
	const char *name = w->bases_per_cpu == 3 && b->index < 3 ? three[b->index]
			   : b->index < 2 ? two[b->index] : "?";
	fprintf(out, "TIMER_BASES[%u][%s]: %llx\n", b->cpu, name, (unsigned long long)b->base);
	uint64_t highest = 0;
	for (size_t i = 0; i < b->nr_timers; i++) {
		int64_t tte = (int64_t)(b->timers[i].expires - w->jiffies);
		uint64_t magnitude = tte < 0 ? (uint64_t)-tte : (uint64_t)tte;
		if (magnitude > highest)
			highest = magnitude;
	}
	char buf[64];
	int tlen = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)highest) + 1;
	if (tlen < 3)
		tlen = 3;
	fprintf(out, "  %-*s     %-*s     TIMER_LIST     FUNCTION\n", flen, "EXPIRES", tlen, "TTE");
	for (size_t i = 0; i < b->nr_timers; i++) {
		const struct kc_timer *t = &b->timers[i];
		char sym[256];
		symstr(session, t->function, sym, sizeof(sym));
		fprintf(out, "  %*llu  %*lld  %16llx  %16llx  <%s>\n", flen,
			(unsigned long long)t->expires, tlen, (long long)(t->expires - w->jiffies),
			(unsigned long long)t->timer, (unsigned long long)t->function, sym);
	}
	if (!b->nr_timers)
		fputs("  (none)\n", out);
	if (b->error)
		fprintf(out, "WARNING: TIMER_BASES[%u][%u]: %s\n", b->cpu, b->index, b->error);
}

static int decimal_len(long long v)
{
	char buf[32];
	return snprintf(buf, sizeof(buf), "%lld", v);
}

static void print_clock(struct kc_session *session, const struct kc_hrtimer_clock *c, FILE *out)
{
	char sym[256], buf[64];
	symstr(session, c->get_time, sym, sizeof(sym));
	fprintf(out, "  CLOCK: %u  HRTIMER_CLOCK_BASE: %llx  [%s]\n", c->index,
		(unsigned long long)c->base, sym);
	if (c->error)
		fprintf(out, "WARNING: %s\n", c->error);
	if (!c->nr_timers) {
		fputs("  (empty)\n", out);
		return;
	}
	/* crash sizes each column by the last timer's value. */
	const struct kc_hrtimer *last = &c->timers[c->nr_timers - 1];
	int expires_len = decimal_len(last->expires);
	if (expires_len < 7)
		expires_len = 7;
	int soft_len = decimal_len(last->softexpires);
	if (soft_len < 11)
		soft_len = 11;
	int tte_len = decimal_len(last->expires - c->now);
	fputs("  ", out);
	centered(out, "CURRENT", soft_len, true);
	fputs("\n  ", out);
	snprintf(buf, sizeof(buf), "%lld", (long long)c->now);
	centered(out, buf, soft_len, true);
	fputs("\n  ", out);
	centered(out, "SOFTEXPIRES", soft_len, true);
	fputs("  ", out);
	centered(out, "EXPIRES", expires_len, true);
	fputs("  ", out);
	centered(out, "TTE", tte_len, true);
	fputs("  ", out);
	centered(out, "HRTIMER", 16, false);
	fputs("  ", out);
	centered(out, "FUNCTION", 16, false);
	fputc('\n', out);
	for (size_t i = 0; i < c->nr_timers; i++) {
		const struct kc_hrtimer *t = &c->timers[i];
		fputs("  ", out);
		snprintf(buf, sizeof(buf), "%lld", (long long)t->softexpires);
		centered(out, buf, soft_len, true);
		fputs("  ", out);
		snprintf(buf, sizeof(buf), "%lld", (long long)t->expires);
		centered(out, buf, expires_len, true);
		symstr(session, t->function, sym, sizeof(sym));
		fprintf(out, "  %*lld  %llx  %llx  <%s>\n", tte_len, (long long)(t->expires - c->now),
			(unsigned long long)t->hrtimer, (unsigned long long)t->function, sym);
	}
}

static void json_symbol(struct kc_session *session, uint64_t addr, FILE *out)
{
	char sym[256];
	symstr(session, addr, sym, sizeof(sym));
	kc_json_string(out, sym[0] ? sym : NULL);
}

static struct kc_error *run_wheel(struct kc_session *session, const bool *cpus, bool json,
				  FILE *out)
{
	struct kc_timer_wheel w;
	struct kc_error *err = kc_timer_wheel_read(session, &w);
	if (err)
		return err;
	if (json) {
		fprintf(out, "{\"jiffies\": %llu, \"bases\": [", (unsigned long long)w.jiffies);
		bool first = true;
		for (size_t i = 0; i < (size_t)w.nr_cpus * w.bases_per_cpu; i++) {
			const struct kc_timer_base *b = &w.bases[i];
			if (cpus && (b->cpu >= w.nr_cpus || !cpus[b->cpu]))
				continue;
			fprintf(out, "%s\n  {\"cpu\": %u, \"base\": %u, \"timer_base\": \"0x%llx\", \"timers\": [",
				first ? "" : ",", b->cpu, b->index, (unsigned long long)b->base);
			first = false;
			for (size_t k = 0; k < b->nr_timers; k++) {
				const struct kc_timer *t = &b->timers[k];
				fprintf(out, "%s{\"expires\": %llu, \"tte\": %lld, \"timer_list\": \"0x%llx\", "
					"\"function\": \"0x%llx\", \"symbol\": ", k ? ", " : "",
					(unsigned long long)t->expires, (long long)(t->expires - w.jiffies),
					(unsigned long long)t->timer, (unsigned long long)t->function);
				json_symbol(session, t->function, out);
				fputc('}', out);
			}
			fputs("], \"error\": ", out);
			kc_json_string(out, b->error);
			fputc('}', out);
		}
		fputs(first ? "]}\n" : "\n]}\n", out);
	} else {
		char buf[32];
		int flen = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)w.jiffies);
		if (flen < 7)
			flen = 7;
		fprintf(out, "%-*s\n%*s\n\n", flen, "JIFFIES", flen, buf);
		bool first = true;
		for (unsigned cpu = 0; cpu < w.nr_cpus; cpu++) {
			if (cpus && !cpus[cpu])
				continue;
			if (!first)
				fputc('\n', out);
			first = false;
			for (unsigned i = 0; i < w.bases_per_cpu; i++)
				print_wheel_base(session, &w, &w.bases[cpu * w.bases_per_cpu + i], flen,
						 out);
		}
	}
	kc_timer_wheel_free(&w);
	return NULL;
}

static struct kc_error *run_hrtimers(struct kc_session *session, const bool *cpus, bool json,
				     FILE *out)
{
	struct kc_hrtimers h;
	struct kc_error *err = kc_hrtimers_read(session, &h);
	if (err)
		return err;
	if (json)
		fprintf(out, "{\"monotonic\": %lld, \"cpus\": [", (long long)h.monotonic);
	bool first = true;
	for (unsigned cpu = 0; cpu < h.nr_cpus; cpu++) {
		if (cpus && !cpus[cpu])
			continue;
		const struct kc_hrtimer_cpu *c = &h.cpus[cpu];
		if (json) {
			fprintf(out, "%s\n  {\"cpu\": %u, \"hrtimer_cpu_base\": \"0x%llx\", \"clocks\": [",
				first ? "" : ",", cpu, (unsigned long long)c->base);
		} else {
			if (!first)
				fputc('\n', out);
			fprintf(out, "CPU: %u  HRTIMER_CPU_BASE: %llx\n", cpu, (unsigned long long)c->base);
		}
		first = false;
		for (size_t i = 0; i < c->nr_clocks; i++) {
			const struct kc_hrtimer_clock *clk = &c->clocks[i];
			if (!json) {
				if (i)
					fputc('\n', out);
				print_clock(session, clk, out);
				continue;
			}
			fprintf(out, "%s{\"clock\": %u, \"hrtimer_clock_base\": \"0x%llx\", \"get_time\": ",
				i ? ", " : "", clk->index, (unsigned long long)clk->base);
			json_symbol(session, clk->get_time, out);
			fprintf(out, ", \"offset\": %lld, \"current\": %lld, \"timers\": [",
				(long long)clk->offset, (long long)clk->now);
			for (size_t k = 0; k < clk->nr_timers; k++) {
				const struct kc_hrtimer *t = &clk->timers[k];
				fprintf(out, "%s{\"softexpires\": %lld, \"expires\": %lld, \"tte\": %lld, "
					"\"hrtimer\": \"0x%llx\", \"function\": \"0x%llx\", \"symbol\": ",
					k ? ", " : "", (long long)t->softexpires, (long long)t->expires,
					(long long)(t->expires - clk->now), (unsigned long long)t->hrtimer,
					(unsigned long long)t->function);
				json_symbol(session, t->function, out);
				fputc('}', out);
			}
			fputs("], \"error\": ", out);
			kc_json_string(out, clk->error);
			fputc('}', out);
		}
		if (json)
			fputs("]}", out);
	}
	if (json)
		fputs(first ? "]}\n" : "\n]}\n", out);
	kc_hrtimers_free(&h);
	return NULL;
}

static struct kc_error *cmd_timer(struct kc_session *session, int argc, char **argv, FILE *out)
{
	bool json = false, hrtimers = false;
	const char *cpuspec = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-r"))
			hrtimers = true;
		else if (!strcmp(argv[i], "-C") && i + 1 < argc)
			cpuspec = argv[++i];
		else
			return kc_usage_error(&kc_cmd_timer);
	}
	bool *cpus = NULL;
	if (cpuspec) {
		unsigned nr = kc_kernel_nr_cpus(session);
		cpus = calloc(nr ? nr : 1, sizeof(bool));
		if (!cpus)
			return &kc_error_nomem;
		struct kc_error *err = kc_parse_cpuspec(cpuspec, nr, cpus);
		if (err) {
			free(cpus);
			return err;
		}
	}
	struct kc_error *err = hrtimers ? run_hrtimers(session, cpus, json, out)
					: run_wheel(session, cpus, json, out);
	free(cpus);
	return err;
}

const struct kc_command kc_cmd_timer = {
	.name = "timer",
	.summary = "timer queue data",
	.usage = "timer [-r] [-C CPUS] [--json]",
	.help = "The timer wheel as crash prints it: JIFFIES, then for each CPU and\n"
		"base (BASE_STD, BASE_DEF) \"TIMER_BASES[cpu][base]: timer_base\" and its\n"
		"pending timer_lists by expiry: EXPIRES (jiffies), TTE (jiffies to go,\n"
		"negative when overdue), TIMER_LIST, FUNCTION and its symbol.\n"
		"  -r        the hrtimers instead: for each CPU its HRTIMER_CPU_BASE, for\n"
		"            each clock base its get_time function, CURRENT (the\n"
		"            timekeeper's CLOCK_MONOTONIC at the last tick plus the\n"
		"            base's offset; crash derives it from jiffies) and its queued\n"
		"            hrtimers by expiry: SOFTEXPIRES, EXPIRES, TTE (ns), HRTIMER,\n"
		"            FUNCTION\n"
		"  -C CPUS   only these CPUs (\"1\", \"0,2-3\", \"all\")\n"
		"  --json    timer wheel: {jiffies, bases [{cpu, base, timer_base, timers\n"
		"            [{expires, tte, timer_list, function, symbol}], error}]};\n"
		"            -r: {monotonic, cpus [{cpu, hrtimer_cpu_base, clocks [{clock,\n"
		"            hrtimer_clock_base, get_time, offset, current, timers\n"
		"            [{softexpires, expires, tte, hrtimer, function, symbol}],\n"
		"            error}]}]}\n",
	.needs_dump = true,
	.run = cmd_timer,
};
