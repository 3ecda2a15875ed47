/* SPDX-License-Identifier: MIT */
/*
 * kcrash-bench-datasyms: how long finding the kernel's data symbols in the
 * dump takes (src/datasyms.c), on a session whose vmlinux symbol table is
 * cut down to what kallsyms without CONFIG_KALLSYMS_ALL lists.
 *
 *   kcrash-bench-datasyms [-n REPS] VMLINUX DUMP
 *
 * Best of REPS (default 5), CLOCK_MONOTONIC and process CPU time, each repetition on a session
 * opened afresh (the open is not timed, the dump's page cache starts
 * empty): "all" finds every symbol datasyms knows, in help -k's order;
 * "ps" is the first ps (task list, finding init_task, runqueues, ... on the
 * way) without data symbols and, for comparison, with the full symbol
 * table. Then one line per symbol with the time its first lookup took in
 * the last "all" run (the functions it scanned first count for it, and
 * symbols it depends on, which are then remembered for later ones).
 * Every found address is compared with the full symbol table's; a
 * mismatch prints MISMATCH and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "datasyms.h"
#include "error.h"
#include "session.h"
#include "symtab.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time: on a machine shared with other jobs, wall time says little. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct kc_session *open_session(const char *vmlinux, const char *dump, bool bare)
{
	struct kc_session_options opts = {
		.vmlinux_path = vmlinux, .dump_paths = &dump, .nr_dump_paths = 1,
		.kallsyms_like_symbols = bare};
	struct kc_session *session;
	struct kc_error *err = kc_session_open(&opts, &session);
	if (err) {
		fprintf(stderr, "kcrash-bench-datasyms: %s\n", kc_error_message(err));
		exit(2);
	}
	return session;
}

static double time_ps(const char *vmlinux, const char *dump, bool bare, double *cpu)
{
	struct kc_session *session = open_session(vmlinux, dump, bare);
	FILE *null = fopen("/dev/null", "w");
	double start = now(), cpu_start = cpu_now();
	struct kc_error *err = kc_session_run_line(session, "ps", null);
	double seconds = now() - start;
	*cpu = cpu_now() - cpu_start;
	fclose(null);
	if (err) {
		fprintf(stderr, "kcrash-bench-datasyms: ps: %s\n", kc_error_message(err));
		exit(2);
	}
	kc_session_destroy(session);
	return seconds;
}

int main(int argc, char **argv)
{
	int reps = 5, opt;
	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt == 'n' && atoi(optarg) > 0) {
			reps = atoi(optarg);
		} else {
			fprintf(stderr, "usage: kcrash-bench-datasyms [-n REPS] VMLINUX DUMP\n");
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: kcrash-bench-datasyms [-n REPS] VMLINUX DUMP\n");
		return 2;
	}
	const char *vmlinux = argv[optind], *dump = argv[optind + 1];
	struct kc_session *full = open_session(vmlinux, dump, false);
	uint64_t kaslr = full->mmu->layout.kaslr_offset.value;
	double best_all = 1e9, best_ps_bare = 1e9, best_ps_full = 1e9;
	double cpu_all = 1e9, cpu_ps_bare = 1e9, cpu_ps_full = 1e9, cpu;
	size_t found = 0, mismatches = 0;
	double per_symbol[64] = {0};
	char *why[64] = {0};
	for (int rep = 0; rep < reps; rep++) {
		struct kc_session *bare = open_session(vmlinux, dump, true);
		double start = now(), cpu_start = cpu_now();
		found = 0;
		for (size_t i = 0; i < kc_datasym_nr_names && i < 64; i++) {
			const struct kc_datasym *sym;
			struct kc_error *err = kc_datasym_find(bare, kc_datasym_names[i], &sym);
			per_symbol[i] = -1;
			if (err) {
				free(why[i]);
				why[i] = strdup(kc_error_message(err));
				kc_error_destroy(err);
				continue;
			}
			per_symbol[i] = sym->seconds;
			found++;
			const struct kc_symbol *truth = kc_symtab_lookup(full->symtab, kc_datasym_names[i]);
			if (!truth || truth->addr + kaslr != sym->addr) {
				printf("MISMATCH %s: found 0x%llx, symbol table %s\n", kc_datasym_names[i],
				       (unsigned long long)sym->addr, truth ? "differs" : "has none");
				mismatches++;
			}
		}
		double seconds = now() - start;
		cpu = cpu_now() - cpu_start;
		if (seconds < best_all)
			best_all = seconds;
		if (cpu < cpu_all)
			cpu_all = cpu;
		kc_session_destroy(bare);
		double ps = time_ps(vmlinux, dump, true, &cpu);
		if (ps < best_ps_bare)
			best_ps_bare = ps;
		if (cpu < cpu_ps_bare)
			cpu_ps_bare = cpu;
		ps = time_ps(vmlinux, dump, false, &cpu);
		if (ps < best_ps_full)
			best_ps_full = ps;
		if (cpu < cpu_ps_full)
			cpu_ps_full = cpu;
	}
	kc_session_destroy(full);
	printf("dump=%s symbols=%zu found=%zu all_ms=%.2f ps_without_ms=%.2f ps_with_ms=%.2f "
	       "all_cpu_ms=%.2f ps_without_cpu_ms=%.2f ps_with_cpu_ms=%.2f reps=%d\n",
	       dump, kc_datasym_nr_names, found, best_all * 1e3, best_ps_bare * 1e3,
	       best_ps_full * 1e3, cpu_all * 1e3, cpu_ps_bare * 1e3, cpu_ps_full * 1e3, reps);
	for (size_t i = 0; i < kc_datasym_nr_names && i < 64; i++) {
		if (per_symbol[i] < 0)
			printf("  %-20s %s\n", kc_datasym_names[i], why[i] ? why[i] : "not found");
		else
			printf("  %-20s %8.3f ms\n", kc_datasym_names[i], per_symbol[i] * 1e3);
		free(why[i]);
	}
	return mismatches ? 1 : 0;
}
