/* SPDX-License-Identifier: MIT */
/*
 * What test_sched.c, test_sig.c and test_net.c share: the Debian workload
 * dumps opened alone (BTF, the dump's kallsyms), their ground-truth files,
 * and a command's output captured (and, for --json, parsed by Python).
 */
#ifndef KC_TEST_WORKLOAD_H
#define KC_TEST_WORKLOAD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kcrash/kcrash.h>
#include <kcrash/commands.h>

#include "harness.h"

struct workload {
	const char *name;       /* the fixture directory under tests/fixtures */
	const char *sched_debug; /* ground-truth path of the scheduler's debug file */
	bool ipis_are_irqs;     /* arm64 IPIs are IRQs 1-7 (v5.10+, both here) */
};

static const struct workload workloads[] = {
	{"debian-6.1-arm64-workload", "sched-debug.txt", true},
	{"debian-5.10-arm64-workload", "proc/sched_debug.txt", true},
};
#define NR_WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

static inline struct kc_session *open_workload(const struct workload *w)
{
	char dir[4096];
	return kc_test_open_debian_alone(w->name, dir, sizeof(dir));
}

/* FILE of W's ground truth, malloc'd (NULL and a failure when missing). */
static inline char *workload_file(const struct workload *w, const char *file)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/fixtures/%s/ground-truth/%s", kc_test_source_dir(),
		 w->name, file);
	char *text = kc_test_read_file(path, NULL);
	CHECK_MSG(text != NULL, "cannot read %s", path);
	return text;
}

/* The pid of ROLE ("kc_spin0", "sleep (stopped") in workload-pids.txt; -1 when none. */
static inline int workload_pid(const struct workload *w, const char *role)
{
	char *text = workload_file(w, "workload-pids.txt");
	int pid = -1;
	for (char *line = text ? strtok(text, "\n") : NULL; line && pid < 0;
	     line = strtok(NULL, "\n")) {
		char *space = strchr(line, ' ');
		if (space && strncmp(space + 1, role, strlen(role)) == 0)
			pid = atoi(line);
	}
	free(text);
	return pid;
}

/* LINE's output (malloc'd), or NULL after recording the command's failure. */
static inline char *run_command(struct kc_session *session, const char *line)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		return NULL;
	struct kc_error *err = kc_session_run_line(session, line, out);
	fclose(out);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s: %s", line, kc_error_message(err));
		kc_error_destroy(err);
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * LINE's --json output through Python's json.load, then PYTHON (a program
 * reading `d`) printing its answer: the answer, malloc'd, or NULL after a
 * failure.
 */
static inline char *json_query(struct kc_session *session, const char *line, const char *python)
{
	char *text = run_command(session, line);
	if (!text)
		return NULL;
	char path[4096];
	snprintf(path, sizeof(path), "%s/sched-json-%d.json", kc_test_scratch_dir(), (int)getpid());
	FILE *f = fopen(path, "w");
	if (!f) {
		free(text);
		return NULL;
	}
	fputs(text, f);
	fclose(f);
	free(text);
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "python3 -c 'import json,sys\nd=json.load(open(sys.argv[1]))\n%s' '%s' 2>&1",
		 python, path);
	FILE *p = popen(cmd, "r");
	if (!p)
		return NULL;
	char *answer = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&answer, &len);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		fwrite(chunk, 1, n, mem);
	fclose(mem);
	int status = pclose(p);
	unlink(path);
	if (status != 0) {
		kc_test_fail(__FILE__, __LINE__, "%s: the JSON does not parse: %s", line,
			     answer ? answer : "");
		free(answer);
		return NULL;
	}
	return answer;
}

#endif
