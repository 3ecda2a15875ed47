/* SPDX-License-Identifier: MIT */
/*
 * Finding the dump's vmlinux when none is named (debuginfo.h): debug
 * directories, the system paths (under a scratch root), the banner check
 * for dumps without a build id, and a real debuginfod server started here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "debuginfo.h"
#include "error.h"
#include "harness.h"
#include "session.h"

#define FX "arm64-6.1-4k48"
#define OTHER_FX "arm64-6.1-16k47" /* the same release, another build */
#define DUMP "vmcore.kdump-zstd"

/* A fresh scratch directory for one test: SCRATCH/NAME-PID. */
static char *fresh_dir(const char *name)
{
	char *dir = NULL, *cmd = NULL;
	if (asprintf(&dir, "%s/%s-%d", kc_test_scratch_dir(), name, (int)getpid()) < 0)
		return NULL;
	if (asprintf(&cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir) < 0 || system(cmd) != 0) {
		free(cmd);
		free(dir);
		return NULL;
	}
	free(cmd);
	return dir;
}

static void remove_dir(char *dir)
{
	char *cmd = NULL;
	if (dir && asprintf(&cmd, "rm -rf '%s'", dir) >= 0 && system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	free(dir);
}

/* A symlink at DIR/REL (parents made) to TARGET. */
static bool place(const char *dir, const char *rel, const char *target)
{
	char *cmd = NULL;
	bool ok = asprintf(&cmd, "mkdir -p \"$(dirname '%s/%s')\" && ln -sf '%s' '%s/%s'",
			   dir, rel, target, dir, rel) >= 0 && system(cmd) == 0;
	free(cmd);
	return ok;
}

/* The VMCOREINFO value KEY of fixture FX, from its ground truth. */
static char *vmcoreinfo_fact(const char *fixture, const char *key)
{
	char *name = NULL;
	if (asprintf(&name, "vmcoreinfo.%s", key) < 0)
		return NULL;
	char *value = kc_test_fact(fixture, name);
	free(name);
	return value;
}

static bool contains(const char *haystack, const char *needle)
{
	return haystack && needle && strstr(haystack, needle);
}

static bool in_ci(void)
{
	const char *ci = getenv("CI");
	return ci && *ci && strcmp(ci, "0") != 0 && strcmp(ci, "false") != 0;
}

/* `ps` through the vmlinux named on the command line: what every search must equal. */
static char *explicit_ps(const char *vmlinux, const char *dump)
{
	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrashf(&out, &err, "-s -c ps '%s' '%s'", vmlinux, dump);
	if (rc != 0 || !out || !contains(out, "swapper/0")) {
		kc_test_fail(__FILE__, __LINE__, "ps with the vmlinux: exit %d, stderr %s",
			     rc, err ? err : "");
		free(out);
		out = NULL;
	}
	free(err);
	return out;
}

KC_TEST(debuginfo_debug_dir_cli)
{
	const char *vmlinux = kc_test_fixture_vmlinux(FX);
	const char *wrong = kc_test_fixture_vmlinux(OTHER_FX);
	KC_FIXTURE_OR_RETURN(dump, FX, DUMP);
	if (!vmlinux || !wrong)
		return;
	char *build_id = vmcoreinfo_fact(FX, "BUILD-ID");
	char *release = vmcoreinfo_fact(FX, "OSRELEASE");
	char *other_release = vmcoreinfo_fact(OTHER_FX, "OSRELEASE");
	char *other_id = vmcoreinfo_fact(OTHER_FX, "BUILD-ID");
	char *root = fresh_dir("debuginfo-dirs");
	char *expected = explicit_ps(vmlinux, dump);
	REQUIRE(build_id && release && other_release && other_id && root && expected);
	/* The other fixture has the same release: only its build id differs. */
	CHECK_STR(other_release, release);
	CHECK(strcmp(other_id, build_id) != 0);

	/* by_id: the build-id link. by_release: the wrong kernel at boot/, the right one under lib/modules. */
	char *by_id = NULL, *by_release = NULL, *rel = NULL, *boot_rel = NULL, *mod_rel = NULL;
	REQUIRE(asprintf(&by_id, "%s/by-id", root) >= 0 &&
		asprintf(&by_release, "%s/by-release", root) >= 0 &&
		asprintf(&rel, ".build-id/%.2s/%s.debug", build_id, build_id + 2) >= 0 &&
		asprintf(&boot_rel, "boot/vmlinux-%s", release) >= 0 &&
		asprintf(&mod_rel, "lib/modules/%s/vmlinux", release) >= 0);
	REQUIRE(place(by_id, rel, vmlinux));
	REQUIRE(place(by_release, boot_rel, wrong));
	REQUIRE(place(by_release, mod_rel, vmlinux));

	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrashf(&out, &err, "-s -c ps '%s' --debug-dir '%s'", dump, by_id);
	CHECK_MSG(rc == 0, "exit %d, stderr: %s", rc, err ? err : "");
	CHECK_STR(out, expected);
	CHECK_MSG(err && !*err, "-s keeps startup quiet, stderr: %s", err ? err : "");
	free(out);
	free(err);

	/* Without -s: one line naming the file, and the skipped wrong kernel. */
	rc = kc_test_run_kcrashf(&out, &err, "-c ps '%s' --debug-dir '%s'", dump, by_release);
	CHECK_MSG(rc == 0, "exit %d, stderr: %s", rc, err ? err : "");
	CHECK(contains(out, expected));
	char *line = NULL, *skipped = NULL;
	REQUIRE(asprintf(&line, "vmlinux: %s/%s (build id matches the dump; from --debug-dir %s)\n",
			 by_release, mod_rel, by_release) >= 0);
	REQUIRE(asprintf(&skipped, "vmlinux: skipped %s/%s: build id %s, the dump's kernel has %s",
			 by_release, boot_rel, other_id, build_id) >= 0);
	CHECK_MSG(contains(err, line), "stderr: %s", err ? err : "");
	CHECK_MSG(contains(err, skipped), "stderr: %s", err ? err : "");
	free(out);
	free(err);
	free(line);

	/* Directories are searched in order; the first match wins. */
	rc = kc_test_run_kcrashf(&out, &err, "-c 'sys --json' '%s' --debug-dir '%s' --debug-dir '%s'",
				 dump, by_id, by_release);
	CHECK(rc == 0);
	REQUIRE(asprintf(&line, "\"kernel\": \"%s/%s\"", by_id, rel) >= 0);
	CHECK_MSG(contains(out, line), "sys --json: %s", out ? out : "");
	free(line);
	REQUIRE(asprintf(&line, "\"kernel_source\": \"--debug-dir %s\"", by_id) >= 0);
	CHECK_MSG(contains(out, line), "sys --json: %s", out ? out : "");
	CHECK(!contains(err, "skipped")); /* by_release was never reached */
	free(line);
	free(out);
	free(err);

	/* The vmlinux on the command line wins over any search. */
	rc = kc_test_run_kcrashf(&out, &err, "-c 'sys --json' '%s' '%s' --debug-dir '%s'",
				 dump, vmlinux, by_release);
	CHECK(rc == 0);
	CHECK(contains(out, "\"kernel_source\": \"command line\""));
	CHECK(!contains(err, "vmlinux:"));
	free(out);
	free(err);

	/* Only the wrong kernel: skipped, the dump opens alone. */
	char *only_wrong = NULL;
	REQUIRE(asprintf(&only_wrong, "%s/only-wrong", root) >= 0);
	REQUIRE(place(only_wrong, boot_rel, wrong));
	rc = kc_test_run_kcrashf(&out, &err, "-c ps '%s' --debug-dir '%s' --no-debuginfod",
				 dump, only_wrong);
	CHECK(rc == 1); /* ps needs the kernel's types */
	CHECK(contains(err, "skipped"));
	CHECK(contains(err, "debuginfod: not asked (--no-debuginfod); opening the dump alone\n"));
	free(out);
	free(err);

	free(only_wrong);
	free(skipped);
	free(rel);
	free(boot_rel);
	free(mod_rel);
	free(by_id);
	free(by_release);
	free(expected);
	free(build_id);
	free(release);
	free(other_release);
	free(other_id);
	remove_dir(root);
}

KC_TEST(debuginfo_none_found)
{
	KC_FIXTURE_OR_RETURN(dump, FX, DUMP);
	char *build_id = vmcoreinfo_fact(FX, "BUILD-ID");
	char *release = vmcoreinfo_fact(FX, "OSRELEASE");
	REQUIRE(build_id && release);
	char *line = NULL;
	REQUIRE(asprintf(&line, "vmlinux: none found for build id %s (release %s) in /usr/lib/debug, /boot, /lib/modules/%s/build; debuginfod: not asked: DEBUGINFOD_URLS is not set; opening the dump alone\n",
			 build_id, release, release) >= 0);
	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrashf(&out, &err, "-c 'sys; ps' '%s'", dump);
	CHECK(rc == 1); /* sys works alone, ps does not */
	CHECK_MSG(contains(err, line), "stderr: %s", err ? err : "");
	CHECK(contains(out, "KERNEL: (none given)"));
	free(out);
	free(err);
	/* -s: quiet */
	rc = kc_test_run_kcrashf(&out, &err, "-s -c sys '%s'", dump);
	CHECK(rc == 0);
	CHECK_MSG(err && !*err, "stderr: %s", err ? err : "");
	free(out);
	free(err);
	free(line);
	free(build_id);
	free(release);
}

/* The system paths in order, under a scratch root. */
KC_TEST(debuginfo_system_paths_in_order)
{
	const char *vmlinux = kc_test_fixture_vmlinux(FX);
	const char *wrong = kc_test_fixture_vmlinux(OTHER_FX);
	if (!vmlinux || !wrong)
		return;
	char *build_id = vmcoreinfo_fact(FX, "BUILD-ID");
	char *release = vmcoreinfo_fact(FX, "OSRELEASE");
	char *root = fresh_dir("debuginfo-root");
	REQUIRE(build_id && release && root);
	char *rel[3] = {NULL};
	REQUIRE(asprintf(&rel[0], "usr/lib/debug/boot/vmlinux-%s", release) >= 0 &&
		asprintf(&rel[1], "boot/vmlinux-%s", release) >= 0 &&
		asprintf(&rel[2], "lib/modules/%s/build/vmlinux", release) >= 0);
	REQUIRE(place(root, rel[0], wrong));
	REQUIRE(place(root, rel[2], vmlinux));
	struct kc_debuginfo_request req = {
		.build_id = build_id, .release = release, .system_root = root,
		.no_debuginfod = true,
	};
	struct kc_debuginfo_result result;
	REQUIRE_OK(kc_debuginfo_find(&req, &result));
	char *want = NULL;
	REQUIRE(asprintf(&want, "%s/%s", root, rel[2]) >= 0);
	CHECK_STR(result.path, want);
	CHECK(result.nr_notes == 1 && contains(result.notes[0], rel[0]));
	CHECK(!result.downloaded && !result.cancelled);
	kc_debuginfo_result_clear(&result);
	free(want);

	/* /boot comes before /lib/modules/R/build. */
	REQUIRE(place(root, rel[1], vmlinux));
	REQUIRE_OK(kc_debuginfo_find(&req, &result));
	REQUIRE(asprintf(&want, "%s/%s", root, rel[1]) >= 0);
	CHECK_STR(result.path, want);
	CHECK(contains(result.source, "/boot"));
	kc_debuginfo_result_clear(&result);
	free(want);

	/* A build-id link in /usr/lib/debug comes first of all. */
	char *link = NULL;
	REQUIRE(asprintf(&link, "usr/lib/debug/.build-id/%.2s/%s.debug", build_id, build_id + 2) >= 0);
	REQUIRE(place(root, link, vmlinux));
	REQUIRE_OK(kc_debuginfo_find(&req, &result));
	REQUIRE(asprintf(&want, "%s/%s", root, link) >= 0);
	CHECK_STR(result.path, want);
	CHECK(result.nr_notes == 0);
	CHECK(contains(result.summary, "(build id matches the dump; from "));
	kc_debuginfo_result_clear(&result);
	free(want);
	free(link);

	/* Hostile values from a corrupt dump never become paths outside the tree. */
	req.release = "../../../etc";
	req.build_id = "zz";
	REQUIRE_OK(kc_debuginfo_find(&req, &result));
	CHECK(result.path == NULL);
	CHECK(result.nr_notes == 2);
	CHECK(contains(result.summary, "no build id or release"));
	kc_debuginfo_result_clear(&result);

	for (int i = 0; i < 3; i++)
		free(rel[i]);
	free(build_id);
	free(release);
	remove_dir(root);
}

static struct kc_error *check_banner(void *session, const char *path)
{
	return kc_session_check_banner(session, path);
}

/* Before v5.9 the dump has no build id: linux_banner in its memory decides. */
KC_TEST(debuginfo_banner_without_build_id)
{
	const char *vmlinux = kc_test_fixture_vmlinux(FX);
	const char *wrong = kc_test_fixture_vmlinux(OTHER_FX);
	const char *old = kc_test_fixture_vmlinux("arm64-5.10-4k39");
	KC_FIXTURE_OR_RETURN(dump, FX, DUMP);
	if (!vmlinux || !wrong || !old)
		return;
	const char *dumps[] = {dump};
	struct kc_session_options opts = {.dump_paths = dumps, .nr_dump_paths = 1};
	struct kc_session *session;
	REQUIRE_OK(kc_session_open(&opts, &session));
	CHECK(session->vmlinux_search == NULL); /* find_vmlinux was not asked */
	REQUIRE_OK(kc_session_check_banner(session, vmlinux));
	struct kc_error *err = kc_session_check_banner(session, wrong);
	CHECK_MSG(err && contains(kc_error_message(err), "linux_banner"), "%s",
		  err ? kc_error_message(err) : "matched");
	kc_error_destroy(err);
	err = kc_session_check_banner(session, old);
	CHECK_MSG(err && contains(kc_error_message(err), "OSRELEASE"), "%s",
		  err ? kc_error_message(err) : "matched");
	kc_error_destroy(err);

	char *release = vmcoreinfo_fact(FX, "OSRELEASE");
	char *root = fresh_dir("debuginfo-banner");
	REQUIRE(release && root);
	char *boot = NULL, *mod = NULL;
	REQUIRE(asprintf(&boot, "boot/vmlinux-%s", release) >= 0 &&
		asprintf(&mod, "lib/modules/%s/vmlinux", release) >= 0);
	REQUIRE(place(root, boot, wrong));
	REQUIRE(place(root, mod, vmlinux));
	const char *dirs[] = {root};
	struct kc_debuginfo_request req = {
		.release = release, .debug_dirs = dirs, .nr_debug_dirs = 1,
		.system_root = root, /* nothing of the machine's own */
		.verify = check_banner,
		.verify_arg = session,
	};
	struct kc_debuginfo_result result;
	REQUIRE_OK(kc_debuginfo_find(&req, &result));
	char *want = NULL;
	REQUIRE(asprintf(&want, "%s/%s", root, mod) >= 0);
	CHECK_STR(result.path, want);
	CHECK(contains(result.summary, "linux_banner matches the dump"));
	CHECK(result.nr_notes == 1 && contains(result.notes[0], boot));
	kc_debuginfo_result_clear(&result);

	/* Nothing to verify with: nothing is taken. */
	req.verify = NULL;
	REQUIRE_OK(kc_debuginfo_find(&req, &result));
	CHECK(result.path == NULL);
	CHECK(contains(result.summary, "debuginfod: not asked: the dump has no build id"));
	kc_debuginfo_result_clear(&result);

	free(want);
	free(boot);
	free(mod);
	free(release);
	remove_dir(root);
	kc_session_destroy(session);
}

/* A free localhost TCP port (the kernel picks it; released for the server). */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(addr);
	int port = -1;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
		port = ntohs(addr.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* GET PATH from localhost:PORT; the response (headers and body), or NULL. */
static char *http_get(int port, const char *path)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd < 0)
		return NULL;
	struct timeval tv = {.tv_sec = 2};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	char request[256];
	int n = snprintf(request, sizeof(request), "GET %s HTTP/1.0\r\n\r\n", path);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
	    write(fd, request, (size_t)n) != n) {
		close(fd);
		return NULL;
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	ssize_t got;
	while (buf && len < cap - 1 && (got = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)got;
	close(fd);
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* Start a program; its stdout and stderr go to LOG. */
static pid_t spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		signal(SIGINT, SIG_DFL);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait up to SECONDS for PID; its exit status, or -1 if it is still running. */
static int wait_bounded(pid_t pid, double seconds)
{
	double end = now() + seconds;
	int status;
	do {
		pid_t got = waitpid(pid, &status, WNOHANG);
		if (got == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (got < 0)
			return -2;
		usleep(20000);
	} while (now() < end);
	return -1;
}

/* Stop PID whatever state it is in, and reap it. */
static void stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	if (wait_bounded(pid, 5) == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* The number after NEEDLE in TEXT (a /metrics line), or -1. */
static long metric(const char *text, const char *needle)
{
	const char *p = text ? strstr(text, needle) : NULL;
	return p ? strtol(p + strlen(needle), NULL, 10) : -1;
}

KC_TEST(debuginfo_debuginfod_server)
{
	const char *vmlinux = kc_test_fixture_vmlinux(FX);
	KC_FIXTURE_OR_RETURN(dump, FX, DUMP);
	if (!vmlinux)
		return;
	if (system("command -v debuginfod >/dev/null 2>&1") != 0) {
		if (in_ci())
			kc_test_fail(__FILE__, __LINE__, "debuginfod is not installed (Debian package debuginfod)");
		else
			kc_test_skip("debuginfod is not installed (Debian package debuginfod)");
		return;
	}
	char *build_id = vmcoreinfo_fact(FX, "BUILD-ID");
	char *dir = fresh_dir("debuginfod");
	char *expected = explicit_ps(vmlinux, dump);
	REQUIRE(build_id && dir && expected);
	char *served = NULL, *db = NULL, *log = NULL, *cache = NULL, *urls = NULL, *port_arg = NULL;
	int port = free_port();
	REQUIRE(port > 0);
	REQUIRE(asprintf(&served, "%s/served", dir) >= 0 && asprintf(&db, "%s/index.sqlite", dir) >= 0 &&
		asprintf(&log, "%s/debuginfod.log", dir) >= 0 && asprintf(&cache, "%s/cache", dir) >= 0 &&
		asprintf(&urls, "http://127.0.0.1:%d", port) >= 0 &&
		asprintf(&port_arg, "%d", port) >= 0);
	REQUIRE(place(served, "vmlinux", vmlinux));
	/* -L: follow the symlink; no rescans or grooming while the test runs. */
	char *argv[] = {"debuginfod", "-F", "-L", "--disable-source-scan", "-p", port_arg,
			"-d", db, "-t", "0", "-g", "0", served, NULL};
	pid_t server = spawn(argv, log);
	REQUIRE(server > 0);

	/* Bounded wait for the server to have indexed the one file. */
	bool ready = false, died = false;
	for (double end = now() + 15; !ready && !died && now() < end; usleep(50000)) {
		char *metrics = http_get(port, "/metrics");
		ready = metric(metrics, "scanned_files_total{source=\"file\"} ") >= 1 &&
			metric(metrics, "thread_work_pending{role=\"scan\"} ") == 0 &&
			metric(metrics, "thread_busy{role=\"scan\"} ") == 0;
		free(metrics);
		died = waitpid(server, NULL, WNOHANG) == server;
	}
	if (!ready) {
		char *text = kc_test_read_file(log, NULL);
		kc_test_fail(__FILE__, __LINE__, "debuginfod on port %d %s; its log: %.2000s",
			     port, died ? "exited before indexing the vmlinux"
					: "had not indexed the vmlinux after 15 s",
			     text ? text : "(none)");
		free(text);
		if (!died)
			stop(server);
		server = 0;
		goto out;
	}

	setenv("DEBUGINFOD_URLS", urls, 1);
	setenv("DEBUGINFOD_CACHE_PATH", cache, 1);
	char *out = NULL, *err = NULL, *want = NULL;
	double start = now();
	int rc = kc_test_run_kcrashf(&out, &err, "-c ps '%s'", dump);
	double first_seconds = now() - start;
	CHECK_MSG(rc == 0, "exit %d, stderr: %s", rc, err ? err : "");
	CHECK(contains(out, expected));
	REQUIRE(asprintf(&want, "downloading vmlinux %s from %s/buildid/%s/debuginfo\n",
			 build_id, urls, build_id) >= 0);
	CHECK_MSG(contains(err, want), "stderr: %s", err ? err : "");
	free(want);
	REQUIRE(asprintf(&want, "vmlinux: %s/%s/debuginfo (build id matches the dump; downloaded from %s/",
			 cache, build_id, urls) >= 0);
	CHECK_MSG(contains(err, want), "stderr: %s", err ? err : "");
	free(want);
	free(out);
	free(err);

	/* The second run reads libdebuginfod's cache: no download. */
	rc = kc_test_run_kcrashf(&out, &err, "-s -c ps '%s'", dump);
	CHECK(rc == 0);
	CHECK_STR(out, expected);
	CHECK_MSG(err && !*err, "-s: stderr %s", err ? err : "");
	free(out);
	free(err);
	rc = kc_test_run_kcrashf(&out, &err, "-c 'sys --json' '%s'", dump);
	CHECK(rc == 0);
	CHECK(contains(out, "\"kernel_source\": \"debuginfod cache\""));
	CHECK_MSG(!contains(err, "downloading") && contains(err, "from the debuginfod cache)"),
		  "stderr: %s", err ? err : "");
	free(out);
	free(err);

	/* --no-debuginfod: not even the cache. */
	rc = kc_test_run_kcrashf(&out, &err, "-c sys --no-debuginfod '%s'", dump);
	CHECK(rc == 0);
	CHECK(contains(err, "debuginfod: not asked (--no-debuginfod)"));
	free(out);
	free(err);
	unsetenv("DEBUGINFOD_URLS");
	unsetenv("DEBUGINFOD_CACHE_PATH");
	printf("    debuginfod: first run with the download %.2f s\n", first_seconds);

out:
	stop(server);
	unsetenv("DEBUGINFOD_URLS");
	unsetenv("DEBUGINFOD_CACHE_PATH");
	free(served);
	free(db);
	free(log);
	free(cache);
	free(urls);
	free(port_arg);
	free(expected);
	free(build_id);
	remove_dir(dir);
}

/*
 * A server that answers 200 with a long body it sends 1 KB at a time,
 * until the client goes: a download that only Ctrl-C ends.
 */
static void trickle_server(int listen_fd)
{
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		int fd = accept(listen_fd, NULL, NULL);
		if (fd < 0)
			_exit(0);
		char request[4096];
		if (read(fd, request, sizeof(request)) <= 0) {
			close(fd);
			continue;
		}
		static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n";
		char block[1024] = {0};
		ssize_t ok = write(fd, head, sizeof(head) - 1);
		while (ok > 0) {
			ok = write(fd, block, sizeof(block));
			usleep(20000);
		}
		close(fd);
	}
}

KC_TEST(debuginfo_download_cancelled_by_ctrl_c)
{
	KC_FIXTURE_OR_RETURN(dump, FX, DUMP);
	char *build_id = vmcoreinfo_fact(FX, "BUILD-ID");
	char *dir = fresh_dir("debuginfod-cancel");
	REQUIRE(build_id && dir);
	int listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(addr);
	REQUIRE(listen_fd >= 0 && bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
		listen(listen_fd, 4) == 0 &&
		getsockname(listen_fd, (struct sockaddr *)&addr, &len) == 0);
	pid_t server = fork();
	if (server == 0)
		trickle_server(listen_fd);
	close(listen_fd);
	REQUIRE(server > 0);

	char *urls = NULL, *cache = NULL, *log = NULL, *negative = NULL;
	REQUIRE(asprintf(&urls, "http://127.0.0.1:%d", ntohs(addr.sin_port)) >= 0 &&
		asprintf(&cache, "%s/cache", dir) >= 0 && asprintf(&log, "%s/kcrash.log", dir) >= 0 &&
		asprintf(&negative, "%s/%s/debuginfo", cache, build_id) >= 0);
	setenv("DEBUGINFOD_URLS", urls, 1);
	setenv("DEBUGINFOD_CACHE_PATH", cache, 1);
	char *argv[] = {(char *)kc_test_kcrash_bin(), "-s", "-c", "sys", (char *)dump, NULL};
	pid_t kcrash = spawn(argv, log);
	unsetenv("DEBUGINFOD_URLS");
	unsetenv("DEBUGINFOD_CACHE_PATH");
	REQUIRE(kcrash > 0);
	/* Ctrl-C once the download shows. */
	char *text = NULL;
	bool downloading = false;
	for (double end = now() + 10; !downloading && now() < end; usleep(20000)) {
		free(text);
		text = kc_test_read_file(log, NULL);
		downloading = contains(text, "downloading vmlinux");
	}
	CHECK_MSG(downloading, "no download shown: %s", text ? text : "");
	double sent = now();
	kill(kcrash, SIGINT);
	int rc = wait_bounded(kcrash, 10);
	double latency = now() - sent;
	if (rc == -1)
		kill(kcrash, SIGKILL), waitpid(kcrash, NULL, 0);
	stop(server);
	CHECK_MSG(rc == 0, "kcrash exit %d after Ctrl-C", rc); /* sys runs on the dump alone */
	CHECK_MSG(latency < 2, "%.2f s from Ctrl-C to exit", latency);
	free(text);
	text = kc_test_read_file(log, NULL);
	CHECK_MSG(contains(text, "was cancelled; opening the dump alone\n"), "output: %s", text ? text : "");
	CHECK(contains(text, "KERNEL: (none given)"));
	/* A cancel is not a "not found": nothing is cached against the next try. */
	struct stat st;
	CHECK_MSG(stat(negative, &st) != 0, "%s left in the cache", negative);
	printf("    Ctrl-C to exit: %.2f s\n", latency);
	free(text);
	free(urls);
	free(cache);
	free(log);
	free(negative);
	free(build_id);
	remove_dir(dir);
}
