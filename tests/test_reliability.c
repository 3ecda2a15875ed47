/* SPDX-License-Identifier: MIT */
/*
 * Resource bounds and the shell's behaviour around terminals and Ctrl-C:
 * the decompressed-page cache stays within --cache, ps on the largest
 * fixture stays within a fixed RSS, thousands of batch commands leak no
 * file descriptor and no memory, batch mode never waits for a terminal,
 * and Ctrl-C in the interactive shell stops a long rd without leaving the
 * shell (driven through a pseudo-terminal).
 */
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "command.h"
#include "harness.h"
#include "session.h"
#include "shell.h"
#include "vmcore/dump.h"

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define KC_BUILT_WITH_ASAN 1
#else
#define KC_BUILT_WITH_ASAN 0
#endif

/*
 * The sanitized build's RSS is dominated by shadow memory and quarantine
 * (and its kcrash binary is sanitized too): RSS bounds are not measured.
 */
static bool sanitized(void)
{
	const char *env = getenv("KCRASH_SANITIZED");
	return KC_BUILT_WITH_ASAN || (env && *env && strcmp(env, "0") != 0);
}

static long status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long value = -1;
	size_t len = strlen(key);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':')
			value = atol(line + len + 1);
	if (f)
		fclose(f);
	return value;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Run kcrash with ARGV (NULL-terminated, argv[0] ignored) and stdin set up by
 * STDIN_MODE: 'n' /dev/null, 'c' closed, 'p' a pipe nobody writes to (kept
 * open). Output goes to /dev/null. Returns the exit status, -2 on timeout
 * (the child is killed), and the child's peak RSS in *MAXRSS_KB.
 */
static int spawn_kcrash(char *const argv[], char stdin_mode, double timeout,
			long *maxrss_kb)
{
	int pipefd[2] = {-1, -1};
	if (stdin_mode == 'p' && pipe(pipefd) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		if (stdin_mode == 'n')
			dup2(devnull, 0);
		else if (stdin_mode == 'c')
			close(0);
		else
			dup2(pipefd[0], 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(kc_test_kcrash_bin(), argv);
		_exit(127);
	}
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	int status = 0;
	struct rusage ru = {0};
	double deadline = now() + timeout;
	pid_t done = 0;
	while ((done = wait4(pid, &status, WNOHANG, &ru)) == 0 && now() < deadline)
		usleep(20000);
	if (done == 0) {
		kill(pid, SIGKILL);
		wait4(pid, &status, 0, &ru);
	}
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (maxrss_kb)
		*maxrss_kb = ru.ru_maxrss;
	if (done == 0)
		return -2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * The page cache is bounded by --cache: reading 8 bytes of every stored
 * page (the cached path; whole-page reads bypass the cache) of a dump whose
 * present pages decompress to more than the cache, twice over. Measured in
 * a child so the runner's own memory does not count: its peak RSS may grow
 * by at most the cache plus 8 MiB (codec contexts, bitmaps and the
 * descriptor index measured at 3.5 MiB for these fixtures).
 */
static long cache_growth_kb(const char *path, size_t cache_mb, size_t *pages)
{
	int fds[2];
	if (pipe(fds) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		struct kc_dump_options opts = {.cache_bytes = cache_mb << 20};
		struct kc_dump *dump;
		long result[2] = {-1, 0};
		struct kc_error *err = kc_dump_open(path, &opts, &dump);
		if (!err) {
			/*
			 * A forked child shares the runner's resident heap: the
			 * cache must come from fresh pages (its own mapping,
			 * free heap pages returned), or filling it would not
			 * show. It also inherits the runner's high-water mark:
			 * reset that to the current RSS (proc(5), clear_refs 5).
			 */
			mallopt(M_MMAP_THRESHOLD, 128 * 1024);
			malloc_trim(0);
			int fd = open("/proc/self/clear_refs", O_WRONLY);
			if (fd < 0 || write(fd, "5", 1) != 1)
				_exit(1);
			close(fd);
			long start = status_kb("VmRSS");
			uint8_t buf[8];
			for (int pass = 0; pass < 2; pass++)
				for (size_t r = 0; r < dump->nr_ranges; r++)
					for (uint64_t p = dump->ranges[r].start; p < dump->ranges[r].end;
					     p += dump->page_size) {
						struct kc_error *e = kc_dump_read_phys(dump, p + 8, buf, 8);
						result[1] += !e;
						kc_error_destroy(e);
					}
			result[0] = status_kb("VmHWM") - start;
			kc_dump_close(dump);
		}
		if (write(fds[1], result, sizeof(result)) != sizeof(result))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	long result[2] = {-1, 0};
	if (read(fds[0], result, sizeof(result)) != sizeof(result))
		result[0] = -1;
	close(fds[0]);
	waitpid(pid, NULL, 0);
	*pages = (size_t)result[1] / 2;
	return result[0];
}

KC_TEST(reliability_page_cache_bounded)
{
	if (sanitized()) {
		kc_test_skip("RSS bounds are measured in the unsanitized build");
		return;
	}
	const struct {
		const char *fixture, *file;
	} dumps[] = {
		{"arm64-6.1-64k52", "vmcore.kdump-zlib"},
		{"arm64-6.1-4k48", "vmcore.kdump-zstd"},
	};
	for (size_t i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++) {
		KC_FIXTURE_OR_RETURN(path, dumps[i].fixture, dumps[i].file);
		const size_t caches[] = {4, 16};
		long growths[2] = {0, 0};
		for (size_t c = 0; c < 2; c++) {
			size_t pages = 0;
			long growth = growths[c] = cache_growth_kb(path, caches[c], &pages);
			CHECK_MSG(growth >= 0, "%s: the child failed", path);
			long bound = (long)(caches[c] + 8) * 1024;
			printf("    %s %s --cache %zu: %zu pages read, peak RSS +%ld KiB (bound %ld)\n",
			       dumps[i].fixture, dumps[i].file, caches[c], pages, growth, bound);
			CHECK_MSG(growth <= bound, "%s --cache %zu: RSS grew %ld KiB, bound %ld KiB",
				  path, caches[c], growth, bound);
		}
		/* The reads do fill the cache, or the bound would say nothing. */
		CHECK_MSG(growths[1] - growths[0] >= 8 * 1024,
			  "%s: --cache 16 grew only %ld KiB more than --cache 4", path,
			  growths[1] - growths[0]);
	}
}

/*
 * Opening the largest fixture (64k52's unfiltered ELF, 678 MB) and running
 * ps: measured 15.5 MB peak RSS (16.5 MB on its kdump). The dump is mapped,
 * not read, so only touched pages count. The bound, 96 MB, is that plus the
 * whole 64 MB default page cache plus room for allocator differences: it
 * fails if the file's pages were kept resident, the cache outgrew its
 * limit, or a per-page index of physical memory appeared.
 *
 * kcrash's own VmHWM is read by a command it pipes into (/proc/$PPID of
 * the pipe's shell): a forked child's rusage would count the test runner's
 * memory it was copied from.
 */
KC_TEST(reliability_peak_rss_ps)
{
	if (sanitized()) {
		kc_test_skip("RSS bounds are measured in the unsanitized build");
		return;
	}
	const char *fixture = "arm64-6.1-64k52";
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *files[] = {"vmcore.elf.zst", "vmcore.kdump-zlib"};
	for (size_t i = 0; vmlinux && i < 2; i++) {
		KC_FIXTURE_OR_RETURN(dump, fixture, files[i]);
		char args[8192];
		snprintf(args, sizeof(args),
			 "-s -c 'ps > /dev/null; mach | grep VmHWM /proc/$PPID/status' '%s' '%s'",
			 vmlinux, dump);
		char *out = NULL, *err = NULL;
		int rc = kc_test_run_kcrash(args, &out, &err);
		long rss = -1;
		const char *hwm = out ? strstr(out, "VmHWM:") : NULL;
		if (hwm)
			rss = atol(hwm + 6);
		CHECK_MSG(rc == 0 && rss > 0, "%s: exit %d, output:\n%s%s", files[i], rc,
			  out ? out : "", err ? err : "");
		printf("    %s: open + ps peak RSS %ld KiB (bound 98304)\n", files[i], rss);
		CHECK_MSG(rss <= 96 * 1024, "%s: peak RSS %ld KiB", files[i], rss);
		free(out);
		free(err);
	}
}

/*
 * A scan of every page (search over all kernel and then all physical
 * memory, a value that is nowhere) of the same 678 MB unfiltered ELF:
 * the file is mapped, and without releasing its pages (src/vmcore/file.c,
 * KC_FILE_RESIDENT_BYTES) the whole file ended up in RSS (1.9 GB for a
 * 2 GB guest's dump). Measured 56 MB; the bound is the ps bound above plus
 * the 16 MB of the file allowed to stay mapped, and slack.
 */
KC_TEST(reliability_peak_rss_full_scan)
{
	if (sanitized()) {
		kc_test_skip("RSS bounds are measured in the unsanitized build");
		return;
	}
	const char *fixture = "arm64-6.1-64k52";
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	KC_FIXTURE_OR_RETURN(dump, fixture, "vmcore.elf.zst");
	REQUIRE(vmlinux);
	char args[8192];
	snprintf(args, sizeof(args),
		 "-s -c 'search -k 0xdeadbeefcafef00d; search -p 0xdeadbeefcafef00d; "
		 "search --json -p 0xdeadbeefcafef00d | grep -o bytes_searched.[^,]*; "
		 "mach | grep VmHWM /proc/$PPID/status' '%s' '%s'",
		 vmlinux, dump);
	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrash(args, &out, &err);
	const char *hwm = out ? strstr(out, "VmHWM:") : NULL;
	const char *searched = out ? strstr(out, "bytes_searched\": ") : NULL;
	long rss = hwm ? atol(hwm + 6) : -1;
	long long bytes = searched ? atoll(searched + 17) : -1;
	CHECK_MSG(rc == 0 && rss > 0 && bytes > 0, "exit %d, output:\n%s%s", rc,
		  out ? out : "", err ? err : "");
	/* The whole file was read: at least the RAM it holds (640 MB). */
	CHECK_MSG(bytes >= 600LL << 20, "searched %lld bytes", bytes);
	printf("    %s: %lld bytes searched, peak RSS %ld KiB (bound 131072)\n", dump, bytes, rss);
	CHECK_MSG(rss <= 128 * 1024, "peak RSS %ld KiB", rss);
	free(out);
	free(err);
}

/* Batch mode (-c, -i, piped stdin) never reads a terminal or waits for one. */
KC_TEST(reliability_batch_never_waits)
{
	const char *fixture = "arm64-6.1-4k48";
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	KC_FIXTURE_OR_RETURN(dump, fixture, "vmcore.kdump-zstd");
	REQUIRE(vmlinux);
	char script[4096];
	snprintf(script, sizeof(script), "%s/batch-script.txt", kc_test_scratch_dir());
	FILE *f = fopen(script, "w");
	REQUIRE(f);
	fputs("sys\nps\n", f);
	fclose(f);
	char *with_c[] = {"kcrash", "-s", "-c", "sys; mod", (char *)vmlinux, (char *)dump, NULL};
	char *with_i[] = {"kcrash", "-s", "-i", script, (char *)vmlinux, (char *)dump, NULL};
	const char modes[] = {'n', 'c', 'p'};
	const char *mode_names[] = {"/dev/null", "closed", "an idle pipe"};
	for (size_t m = 0; m < 3; m++) {
		int rc = spawn_kcrash(with_c, modes[m], 60, NULL);
		CHECK_MSG(rc == 0, "-c with stdin %s: %s %d", mode_names[m],
			  rc == -2 ? "still running after 60 s" : "exit", rc);
		rc = spawn_kcrash(with_i, modes[m], 60, NULL);
		CHECK_MSG(rc == 0, "-i with stdin %s: %s %d", mode_names[m],
			  rc == -2 ? "still running after 60 s" : "exit", rc);
	}
	unlink(script);
}

static size_t count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	size_t n = 0;
	for (struct dirent *e; dir && (e = readdir(dir));)
		n += e->d_name[0] != '.';
	if (dir)
		closedir(dir);
	return n;
}

/* A mix of commands, failing ones included, as a long batch would run. */
static const char *const batch_commands[] = {
	"sys", "ps", "ps -k", "mod", "sym jiffies", "rd jiffies", "rd -p 40000000 8",
	"p jiffies", "whatis struct list_head", "struct list_head", "vtop jiffies",
	"ptov 40000000", "mach", "set 1", "nosuch", "rd 0", "help ps", "ps --json",
	"mod --json", "rd -p ffffffffff000 8",
};
#define NR_BATCH_COMMANDS (sizeof(batch_commands) / sizeof(batch_commands[0]))

/*
 * Thousands of commands in one session leak no file descriptor, and after
 * a first round has filled the caches (DWARF types, tasks, modules) the
 * heap stops growing.
 */
KC_TEST(reliability_batch_no_leaks_in_process)
{
	const char *fixture = "arm64-6.1-4k48";
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	KC_FIXTURE_OR_RETURN(dump, fixture, "vmcore.elf.zst");
	REQUIRE(vmlinux);
	size_t fds_before = count_fds();
	struct kc_session_options opts = {
		.vmlinux_path = vmlinux, .dump_paths = &dump, .nr_dump_paths = 1};
	struct kc_session *session;
	REQUIRE_OK(kc_session_open(&opts, &session));
	FILE *out = fopen("/dev/null", "w");
	REQUIRE(out);
	size_t heap_after_warmup = 0, fds_after_warmup = 0;
	const size_t rounds = 150; /* 3000 commands */
	for (size_t round = 0; round < rounds; round++) {
		for (size_t i = 0; i < NR_BATCH_COMMANDS; i++)
			kc_error_destroy(kc_session_run_line(session, batch_commands[i], out));
		if (round == 9) {
			heap_after_warmup = mallinfo2().uordblks;
			fds_after_warmup = count_fds();
		}
	}
	size_t heap_end = mallinfo2().uordblks, fds_end = count_fds();
	fclose(out);
	kc_session_destroy(session);
	size_t fds_after = count_fds();
	printf("    %zu commands: fds %zu -> %zu (closed: %zu); heap after 200: %zu KiB, after %zu: %zu KiB\n",
	       rounds * NR_BATCH_COMMANDS, fds_after_warmup, fds_end, fds_after,
	       heap_after_warmup >> 10, rounds * NR_BATCH_COMMANDS, heap_end >> 10);
	CHECK_MSG(fds_end == fds_after_warmup, "fds grew from %zu to %zu", fds_after_warmup, fds_end);
	CHECK_MSG(fds_after == fds_before, "%zu fds before the session, %zu after", fds_before,
		  fds_after);
	/* mallinfo is the ASan allocator's there and says nothing. */
	if (!sanitized())
		CHECK_MSG(heap_end <= heap_after_warmup + (256u << 10),
			  "heap grew from %zu to %zu bytes over %zu commands", heap_after_warmup,
			  heap_end, (rounds - 10) * NR_BATCH_COMMANDS);
}

/*
 * The same through the binary and a script file (-i). In the ASan+UBSan
 * build LeakSanitizer checks the whole run at exit: any leak is a report
 * on stderr and a failing exit status.
 */
KC_TEST(reliability_batch_script_thousands)
{
	const char *fixture = "arm64-6.1-4k48";
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	KC_FIXTURE_OR_RETURN(dump, fixture, "vmcore.kdump-zstd");
	REQUIRE(vmlinux);
	char script[4096];
	snprintf(script, sizeof(script), "%s/batch-thousands.txt", kc_test_scratch_dir());
	FILE *f = fopen(script, "w");
	REQUIRE(f);
	size_t lines = 0;
	const size_t rounds = 150; /* 3000 commands */
	for (size_t round = 0; round < rounds; round++)
		for (size_t i = 0; i < NR_BATCH_COMMANDS; i++, lines++)
			fprintf(f, "%s\n", batch_commands[i]);
	fclose(f);
	char args[8192];
	snprintf(args, sizeof(args), "-s -i '%s' '%s' '%s'", script, vmlinux, dump);
	char *out = NULL, *err = NULL;
	double start = now();
	int rc = kc_test_run_kcrash(args, &out, &err);
	double took = now() - start;
	/* Some commands fail on purpose: exit status 1, never a crash. */
	CHECK_MSG(rc == 1, "exit status %d", rc);
	CHECK_MSG(err && !strstr(err, "Sanitizer") && !strstr(err, "runtime error"),
		  "sanitizer report:\n%.4000s", err ? err : "");
	size_t nr_ps = 0;
	for (const char *p = out; p && (p = strstr(p, "[kcrash_kthread]")); p++)
		nr_ps++;
	/* ps and ps -k list it every round: every command ran. */
	CHECK_MSG(nr_ps == 2 * rounds, "the kthread was listed %zu times, expected %zu", nr_ps,
		  2 * rounds);
	printf("    %zu commands in %.1f s\n", lines, took);
	free(out);
	free(err);
	unlink(script);
}

/* Read from the pty into the transcript until NEEDLE appears after FROM. */
static bool pty_wait(int fd, char **buf, size_t *len, size_t *cap, size_t from,
		     const char *needle, double timeout)
{
	double deadline = now() + timeout;
	while (now() < deadline) {
		if (*len > from && memmem(*buf + from, *len - from, needle, strlen(needle)))
			return true;
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 100) <= 0)
			continue;
		if (*cap - *len < 65536) {
			*cap = *cap * 2 + 65536;
			*buf = realloc(*buf, *cap);
		}
		ssize_t n = read(fd, *buf + *len, *cap - *len - 1);
		if (n <= 0)
			return false;
		*len += (size_t)n;
		/* Keep the transcript small: rd floods it. */
		if (*len > (8u << 20) && from < *len - 4096) {
			size_t drop = *len - 4096;
			memmove(*buf, *buf + drop, *len - drop);
			*len -= drop;
			from = from > drop ? from - drop : 0;
		}
	}
	return false;
}

/*
 * Ctrl-C during `rd -p 40000000 100000000` (32 GiB of output) in the
 * interactive shell: rd stops with "interrupted", the prompt comes back,
 * sys works; Ctrl-C at the prompt drops the typed line; quit exits normally.
 */
KC_TEST(reliability_ctrl_c_interrupts_rd)
{
	const char *fixture = "arm64-6.1-4k48";
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	KC_FIXTURE_OR_RETURN(dump, fixture, "vmcore.elf.zst");
	REQUIRE(vmlinux);
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, NULL);
	REQUIRE(pid >= 0);
	if (pid == 0) {
		setenv("KCRASH_HISTORY", "", 1);
		setenv("TERM", "dumb", 1);
		execl(kc_test_kcrash_bin(), "kcrash", "-s", vmlinux, dump, (char *)NULL);
		_exit(127);
	}
	char *buf = malloc(65536);
	size_t len = 0, cap = 65536;
	bool prompt = pty_wait(master, &buf, &len, &cap, 0, "kcrash> ", 60);
	CHECK_MSG(prompt, "no prompt");
	const char *rd = "rd -p 40000000 100000000\r";
	bool flooding = prompt && write(master, rd, strlen(rd)) > 0 &&
			pty_wait(master, &buf, &len, &cap, len, "40001000:", 30);
	CHECK_MSG(flooding, "rd printed nothing");
	size_t mark = len;
	bool interrupted = flooding && write(master, "\x03", 1) == 1 &&
			   pty_wait(master, &buf, &len, &cap, mark, "rd: interrupted", 20);
	CHECK_MSG(interrupted, "no \"rd: interrupted\" within 20 s of Ctrl-C");
	mark = len;
	bool again = interrupted && pty_wait(master, &buf, &len, &cap, mark - 20, "kcrash> ", 10);
	CHECK_MSG(again, "no prompt after the interrupt");
	mark = len;
	bool sys = again && write(master, "sys\r", 4) == 4 &&
		   pty_wait(master, &buf, &len, &cap, mark, "RELEASE:", 20);
	CHECK_MSG(sys, "sys after the interrupt printed no RELEASE line");
	/* Ctrl-C at the prompt drops the typed line, as a shell does. */
	bool prompt_again = sys && pty_wait(master, &buf, &len, &cap, mark, "kcrash> ", 10);
	mark = len;
	bool dropped = prompt_again && write(master, "xyz", 3) == 3 &&
		       pty_wait(master, &buf, &len, &cap, mark, "xyz", 10) &&
		       write(master, "\x03", 1) == 1 &&
		       pty_wait(master, &buf, &len, &cap, mark + 3, "kcrash> ", 10) &&
		       write(master, "sys\r", 4) == 4 &&
		       pty_wait(master, &buf, &len, &cap, mark, "RELEASE:", 20);
	CHECK_MSG(dropped && !memmem(buf + mark, len - mark, "xyzsys", 6),
		  "Ctrl-C at the prompt did not drop the line: %.*s", (int)(len - mark), buf + mark);
	if (sys && write(master, "quit\r", 5) == 5) {
		mark = len;
		pty_wait(master, &buf, &len, &cap, mark, "\x04", 5); /* drain until it exits */
	}
	int status = 0;
	double deadline = now() + 20;
	pid_t done;
	while ((done = waitpid(pid, &status, WNOHANG)) == 0 && now() < deadline)
		usleep(20000);
	if (done == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	/* rd failed (interrupted), so the exit status is 1; a signal death is not. */
	CHECK_MSG(done == pid && WIFEXITED(status) && WEXITSTATUS(status) == 1,
		  "kcrash did not exit 1 after quit (status 0x%x)", status);
	close(master);
	free(buf);
}
