/* SPDX-License-Identifier: MIT */
/* sys against what the running kernel wrote into ground-truth/. */
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

static char *ground_truth(const char *fixture, const char *file)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/%s", kc_test_fixtures_dir(), fixture, file);
	return kc_test_read_file(path, NULL);
}

/* Sum of the top-level "System RAM" ranges of /proc/iomem, in bytes. */
static uint64_t iomem_ram(const char *iomem)
{
	uint64_t total = 0;
	for (const char *line = iomem; line && *line;) {
		unsigned long long start, end;
		if (line[0] != ' ' && sscanf(line, "%llx-%llx", &start, &end) == 2 &&
		    strstr(line, ": System RAM") && strstr(line, ": System RAM") < strchr(line, '\n'))
			total += end - start + 1;
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return total;
}

static void check_sys(const char *fixture)
{
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, "vmcore.kdump-zlib");
	if (!vmlinux || !dump)
		return;
	char args[8192], *out = NULL, *err = NULL;
	snprintf(args, sizeof(args), "-s -c 'sys; sys --json; ps' '%s' '%s'", vmlinux, dump);
	CHECK(kc_test_run_kcrash(args, &out, &err) == 0);
	REQUIRE(out);
	CHECK_MSG(err && *err == '\0', "%s: stderr: %s", fixture, err ? err : "");
	char *uname = ground_truth(fixture, "kdump-snapshot/uname.txt");
	char *uptime = ground_truth(fixture, "kdump-snapshot/uptime.txt");
	char *iomem = ground_truth(fixture, "kdump-snapshot/iomem.txt");
	char *panic = kc_test_fact(fixture, "crash.panic_string");
	REQUIRE(uname && uptime && iomem && panic);
	/* uname -a: "Linux kcfx 6.1.176-kcfx #1 SMP ... aarch64 GNU/Linux" */
	char sysname[65], nodename[65], release[65];
	REQUIRE(sscanf(uname, "%64s %64s %64s", sysname, nodename, release) == 3);
	char expected[256];
	snprintf(expected, sizeof(expected), "\n    NODENAME: %s\n     RELEASE: %s\n", nodename, release);
	CHECK_MSG(strstr(out, expected), "%s: no \"%s\" in:\n%s", fixture, expected, out);
	CHECK(strstr(out, "\n        CPUS: 2\n"));
	snprintf(expected, sizeof(expected), "\n       PANIC: \"%s\"\n", panic);
	CHECK_MSG(strstr(out, expected), "%s: no \"%s\"", fixture, expected);
	/* MEMORY: the node's present pages are System RAM. */
	snprintf(expected, sizeof(expected), "\"memory_bytes\": %llu,",
		 (unsigned long long)iomem_ram(iomem));
	CHECK_MSG(strstr(out, expected), "%s: no %s in:\n%s", fixture, expected, out);
	/* UPTIME: after the snapshot's, within the seconds the crash took to follow. */
	double snapshot_uptime = atof(uptime);
	const char *u = strstr(out, "\"uptime_seconds\": ");
	REQUIRE(u);
	double dump_uptime = atof(u + strlen("\"uptime_seconds\": "));
	CHECK_MSG(dump_uptime >= (double)(long)snapshot_uptime && dump_uptime <= snapshot_uptime + 30,
		  "%s: uptime %.0f, snapshot %.2f", fixture, dump_uptime, snapshot_uptime);
	/* TASKS is the number of tasks ps lists. */
	unsigned ps_lines = 0;
	for (const char *p = strstr(out, "   PID    PPID"); p && (p = strchr(p, '\n')) && p[1]; p++)
		ps_lines++;
	const char *t = strstr(out, "\n       TASKS: ");
	REQUIRE(t);
	CHECK_EQ_U64(strtoul(t + strlen("\n       TASKS: "), NULL, 10), ps_lines);
	CHECK(strstr(out, "\"errors\": []"));
	free(uname);
	free(uptime);
	free(iomem);
	free(panic);
	free(out);
	free(err);
}

KC_TEST(sys_ground_truth_4k48) { check_sys("arm64-6.1-4k48"); }
KC_TEST(sys_ground_truth_16k47) { check_sys("arm64-6.1-16k47"); }
KC_TEST(sys_ground_truth_64k52) { check_sys("arm64-6.1-64k52"); }
KC_TEST(sys_ground_truth_5_10_4k39) { check_sys("arm64-5.10-4k39"); }
