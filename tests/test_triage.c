/* SPDX-License-Identifier: MIT */
/*
 * triage on the real fixtures: the JSON parses (python3's json module, an
 * independent parser), names the sysrq crash, the crashing task and CPU of
 * facts.txt, a backtrace equal to bt's, and the out-of-tree test module as
 * the taint; a dump of a running system (QEMU's) has no crash; a session
 * without vmlinux still gives valid JSON with the reasons in "errors".
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Run python3 on kcrash's JSON: prints one summary line we compare. */
static char *summarize(const char *kcrash_args, const char *python)
{
	char cmd[16384], path[4096];
	snprintf(path, sizeof(path), "%s/triage-%d.json", kc_test_scratch_dir(), (int)getpid());
	snprintf(cmd, sizeof(cmd), "'%s' %s > '%s' </dev/null 2>/dev/null", kc_test_kcrash_bin(),
		 kcrash_args, path);
	int rc = system(cmd);
	CHECK_MSG(rc == 0, "kcrash %s: exit %d", kcrash_args, rc);
	snprintf(cmd, sizeof(cmd), "python3 -c '%s' '%s' 2>&1", python, path);
	FILE *p = popen(cmd, "r");
	if (!p)
		return NULL;
	char *out = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&out, &len);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, mem);
	pclose(p);
	fclose(mem);
	unlink(path);
	return out;
}

static void check_triage(const char *fixture, const char *dump_file)
{
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, dump_file);
	if (!vmlinux || !dump)
		return;
	char args[8192];
	snprintf(args, sizeof(args), "--triage --json '%s' '%s'", vmlinux, dump);
	char *got = summarize(args,
		"import json,sys; d=json.load(open(sys.argv[1])); "
		"print(d[\"schema\"], d[\"reason\"][\"kind\"], d[\"task\"][\"pid\"], d[\"task\"][\"comm\"], d[\"cpu\"], "
		"d[\"tainted\"][\"flags\"], [m[\"name\"] for m in d[\"tainted\"][\"modules\"]], "
		"d[\"panic_message\"], len(d[\"errors\"]), any(\"Kernel panic\" in l for l in d[\"log_tail\"]))");
	char *pid = kc_test_fact(fixture, "crash.pid"), *comm = kc_test_fact(fixture, "crash.comm");
	char *cpu = kc_test_fact(fixture, "crash.cpu"), *panic = kc_test_fact(fixture, "crash.panic_string");
	REQUIRE(got && pid && comm && cpu && panic);
	/* The test module is out of tree: 'O' (TAINT_OOT_MODULE), as the log says. */
	char expected[512];
	snprintf(expected, sizeof(expected),
		 "kcrash-triage/3 sysrq %s %s %s O ['kcrash_testmod'] %s 0 True\n", pid, comm, cpu, panic);
	CHECK_MSG(strcmp(got, expected) == 0, "%s/%s: got %s expected %s", fixture, dump_file, got, expected);
	free(got);

	/* The backtrace is bt's, frame for frame. */
	snprintf(args, sizeof(args), "--triage --json '%s' '%s'", vmlinux, dump);
	char *triage_frames = summarize(args,
		"import json,sys; d=json.load(open(sys.argv[1])); "
		"print([f[\"function\"] for f in d[\"backtrace\"][\"frames\"]])");
	snprintf(args, sizeof(args), "-s -c \"bt --json %s\" '%s' '%s'", pid, vmlinux, dump);
	char *bt_frames = summarize(args,
		"import json,sys; d=json.load(open(sys.argv[1])); "
		"print([f[\"function\"] for f in d[0][\"frames\"]])");
	CHECK_MSG(triage_frames && bt_frames && strcmp(triage_frames, bt_frames) == 0 &&
		  strstr(bt_frames, "'panic'"),
		  "%s: triage frames %s, bt frames %s", fixture, triage_frames, bt_frames);
	free(triage_frames);
	free(bt_frames);

	/* cpus: every CPU's active task and its trace, as bt -a gives them. */
	snprintf(args, sizeof(args), "--triage --json '%s' '%s'", vmlinux, dump);
	char *triage_cpus = summarize(args,
		"import json,sys; d=json.load(open(sys.argv[1])); "
		"print([(c[\"cpu\"], c[\"pid\"], [f[\"function\"] for f in c[\"backtrace\"][\"frames\"]]) "
		"for c in d[\"cpus\"]])");
	snprintf(args, sizeof(args), "-s -c \"bt -a --json\" '%s' '%s'", vmlinux, dump);
	char *bt_all = summarize(args,
		"import json,sys; d=json.load(open(sys.argv[1])); "
		"print([(t[\"cpu\"], t[\"pid\"], [f[\"function\"] for f in t[\"frames\"]]) for t in d])");
	CHECK_MSG(triage_cpus && bt_all && strcmp(triage_cpus, bt_all) == 0 && strstr(bt_all, "), ("),
		  "%s: triage cpus %s, bt -a %s", fixture, triage_cpus, bt_all);
	free(triage_cpus);
	free(bt_all);
	free(pid);
	free(comm);
	free(cpu);
	free(panic);
}

/*
 * A hung task's panic comes from khungtaskd; the report names the blocked
 * task, whose own trace (from the dump) is the triage's subject.
 */
KC_TEST(triage_hung_task_subject)
{
	char dump[4096], facts_path[4096];
	snprintf(dump, sizeof(dump), "%s/fixtures/crashes/hung-task/vmcore.kdump-zlib",
		 kc_test_source_dir());
	snprintf(facts_path, sizeof(facts_path), "%s/fixtures/crashes/hung-task/facts.txt",
		 kc_test_source_dir());
	char *facts = kc_test_read_file(facts_path, NULL);
	REQUIRE(facts);
	const char *trigger = strstr(facts, "trigger_line: KC_TRIGGER kind=HUNG_TASK pid=");
	REQUIRE(trigger);
	int blocked_pid = atoi(trigger + strlen("trigger_line: KC_TRIGGER kind=HUNG_TASK pid="));
	const char *oops = strstr(facts, "oops_task_line: CPU: ");
	REQUIRE(oops && strstr(oops, " PID: "));
	int panic_pid = atoi(strstr(oops, " PID: ") + 6);
	free(facts);
	char args[8192];
	snprintf(args, sizeof(args), "--triage --json --no-debuginfod '%s'", dump);
	char *got = summarize(args,
		"import json,sys; d=json.load(open(sys.argv[1])); s=d[\"subject\"]; "
		"print(d[\"task\"][\"pid\"], s[\"pid\"], s[\"comm\"], s[\"state\"], "
		"\"kc_hung_task\" in [f[\"function\"] for f in s[\"backtrace\"][\"frames\"]], "
		"sorted(c[\"cpu\"] for c in d[\"cpus\"]))");
	char expected[256];
	snprintf(expected, sizeof(expected), "%d %d kc_trigger UN True [0, 1]\n", panic_pid,
		 blocked_pid);
	CHECK_MSG(got && strcmp(got, expected) == 0, "got %s expected %s", got ? got : "(null)",
		  expected);
	free(got);
}

KC_TEST(triage_4k48) { check_triage("arm64-6.1-4k48", "vmcore.kdump-zlib"); }
KC_TEST(triage_4k48_elf) { check_triage("arm64-6.1-4k48", "vmcore.elf.zst"); }
KC_TEST(triage_16k47) { check_triage("arm64-6.1-16k47", "vmcore.kdump-zlib"); }
KC_TEST(triage_64k52) { check_triage("arm64-6.1-64k52", "vmcore.kdump-zlib"); }
KC_TEST(triage_5_10_4k39) { check_triage("arm64-5.10-4k39", "vmcore.kdump-zlib"); }

/* QEMU dumped a running system: no reason, no task, still valid JSON. */
KC_TEST(triage_running_system)
{
	const char *fixture = "arm64-6.1-4k48";
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, "qemu.kdump-zlib.flat");
	if (!vmlinux || !dump)
		return;
	char args[8192];
	snprintf(args, sizeof(args), "--triage --json '%s' '%s'", vmlinux, dump);
	char *got = summarize(args,
		"import json,sys; d=json.load(open(sys.argv[1])); "
		"print(d[\"reason\"][\"kind\"], d[\"task\"], d[\"cpu\"], d[\"backtrace\"])");
	CHECK_STR(got, "none None None None\n");
	free(got);
}

/* Without the vmlinux, parts fail: still one valid document, reasons listed. */
KC_TEST(triage_without_vmlinux_is_still_json)
{
	const char *dump = kc_test_fixture("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!dump)
		return;
	char args[8192];
	snprintf(args, sizeof(args), "--triage --json '%s'", dump);
	char *got = summarize(args,
		"import json,sys; d=json.load(open(sys.argv[1])); "
		"print(d[\"reason\"][\"kind\"], d[\"kernel\"][\"release\"], len(d[\"errors\"]) > 0, "
		"all(isinstance(e, str) for e in d[\"errors\"]))");
	CHECK_STR(got, "sysrq 6.1.176-kcfx True True\n");
	free(got);
}

/*
 * Schema 2 adds the reports of the dump's own log: the sysrq panic's title
 * in syzkaller's form, its kind, the culprit with its file:line from the
 * vmlinux DWARF, a 16-digit signature, every report listed.
 */
KC_TEST(triage_reports_from_the_log)
{
	const char *fixture = "arm64-6.1-4k48";
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, "vmcore.kdump-zlib");
	if (!vmlinux || !dump)
		return;
	char args[8192];
	snprintf(args, sizeof(args), "--triage --json '%s' '%s'", vmlinux, dump);
	char *got = summarize(args,
		"import json,sys; d=json.load(open(sys.argv[1])); c=d[\"culprit\"]; "
		"print(d[\"title\"], d[\"kind\"], c[\"file\"].endswith(\"drivers/tty/sysrq.c\"), c[\"line\"] > 0, "
		"len(d[\"signature\"]), len(d[\"reports\"]), d[\"reports\"][0][\"signature\"] == d[\"signature\"])");
	CHECK_STR(got, "kernel panic: sysrq triggered crash sysrq True True 16 1 True\n");
	free(got);
}

/*
 * The ESR of an oops, as the kernel printed it ("ESR = 0x0000000096000006"
 * in console.log), is the triage's esr. Its record's text in the ring is
 * not NUL-terminated: the value was once read on into the next record's
 * bytes (0x9600000606).
 */
KC_TEST(triage_esr_is_the_logged_one)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/fixtures/crashes/null-read", kc_test_source_dir());
	char log_path[4200], dump_path[4200];
	snprintf(log_path, sizeof(log_path), "%s/console.log", dir);
	snprintf(dump_path, sizeof(dump_path), "%s/vmcore.kdump-zlib", dir);
	char *console = kc_test_read_file(log_path, NULL);
	REQUIRE_MSG(console != NULL, "no %s", log_path);
	const char *esr = strstr(console, "ESR = 0x");
	REQUIRE_MSG(esr != NULL, "%s has no ESR line", log_path);
	unsigned long long logged = strtoull(esr + 6, NULL, 16);
	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrashf(&out, &err, "-s -c 'triage --json' '%s'", dump_path);
	REQUIRE_MSG(rc == 0 && out, "exit %d: %s", rc, err ? err : "");
	char expected[64];
	snprintf(expected, sizeof(expected), "\"esr\": \"0x%llx\"", logged);
	CHECK_MSG(strstr(out, expected) != NULL, "%s not in the triage JSON", expected);
	free(console);
	free(out);
	free(err);
}

/*
 * In every real crash dump whose other CPU was stopped by the crash IPI,
 * that CPU's trace starts where it saved its registers (crash_save_cpu,
 * called from ipi_handler on the IRQ stack) and goes on into what it was
 * interrupted in, as crash's does; the panicking CPU's goes through
 * __crash_kexec. (A 6.12 KASAN kernel leaves crash_save_cpu's address,
 * not a return address, on the idle task's stack: it must not be taken
 * for the kdump frame.)
 */
KC_TEST(triage_real_crashes_other_cpu)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/fixtures/crashes", kc_test_source_dir());
	DIR *d = opendir(dir);
	REQUIRE(d);
	struct dirent *ent;
	size_t checked = 0;
	while ((ent = readdir(d))) {
		char dump[8192], console[8192];
		snprintf(dump, sizeof(dump), "%s/%s/vmcore.kdump-zlib", dir, ent->d_name);
		snprintf(console, sizeof(console), "%s/%s/console.log", dir, ent->d_name);
		if (ent->d_name[0] == '.' || access(dump, R_OK))
			continue;
		/* Where the other CPU did not stop (the console says so), it saved nothing. */
		char *log = kc_test_read_file(console, NULL);
		bool stopped = log && !strstr(log, "SMP: failed to stop secondary CPUs");
		free(log);
		if (!stopped)
			continue;
		char args[8400];
		snprintf(args, sizeof(args), "-s --no-debuginfod -c \"bt -a --json\" '%s'", dump);
		char *got = summarize(args,
			"import json,sys; d=json.load(open(sys.argv[1])); "
			"fs=[[f[\"function\"] for f in t[\"frames\"]] for t in d]; "
			"p=[f for f in fs if \"__crash_kexec\" in f]; "
			"o=[f for f in fs if f[:2]==[\"crash_save_cpu\",\"ipi_handler\"]]; "
			"print(len(p), len(o), all(len(f)>8 for f in o))");
		CHECK_MSG(got && strcmp(got, "1 1 True\n") == 0, "%s: panicking / other CPUs / other "
			  "starts in crash_save_cpu <- ipi_handler: %s", ent->d_name, got ? got : "(null)");
		free(got);
		checked++;
	}
	closedir(d);
	CHECK_MSG(checked >= 10, "%zu dumps checked", checked);
}
