/* SPDX-License-Identifier: MIT */
/*
 * Real kdumps of Debian's own arm64 kernels (tests/fixtures/debian-*:
 * CONFIG_DEBUG_INFO_BTF=y, no CONFIG_KALLSYMS_ALL, crashed under QEMU by
 * bench/debian-dump/make.sh), opened as a user without the 300 MB -dbg
 * package would: the dump alone. Symbols from its kallsyms, types from its
 * BTF, data symbols found in it; every answer against what the guest
 * kernel itself wrote before and while it crashed (ground-truth/).
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "command.h"
#include "harness.h"
#include "kernel.h"
#include "session.h"
#include "symtab.h"
#include "types.h"

struct debian_dump {
	char dir[2048];
	char dump[2300];  /* vmcore.kdump-zlib (the kdump path) or qemu.kdump-zlib */
	bool crashed;     /* ground-truth/panic.txt: a kdump of the panic */
	struct kc_session *session;
};

/* The committed Debian fixtures, each opened alone; NULL-terminated. */
static size_t open_debian_dumps(struct debian_dump *dumps, size_t max)
{
	char root[2200];
	snprintf(root, sizeof(root), "%.2100s/fixtures", kc_test_source_dir());
	DIR *d = opendir(root);
	size_t n = 0;
	struct dirent *e;
	while (d && n < max && (e = readdir(d))) {
		if (strncmp(e->d_name, "debian-", 7) != 0)
			continue;
		struct debian_dump *dd = &dumps[n];
		snprintf(dd->dir, sizeof(dd->dir), "%.1800s/%.200s", root, e->d_name);
		/*
		 * The kdump path's file where makedumpfile could write one;
		 * QEMU's (taken before the crash) where it could not (6.12's
		 * 4K/52-bit LPA2 layout, which makedumpfile 1.7.6 refuses).
		 */
		snprintf(dd->dump, sizeof(dd->dump), "%.2000s/vmcore.kdump-zlib", dd->dir);
		if (access(dd->dump, R_OK) != 0)
			snprintf(dd->dump, sizeof(dd->dump), "%.2000s/qemu.kdump-zlib", dd->dir);
		char panic[2300];
		snprintf(panic, sizeof(panic), "%.2000s/ground-truth/panic.txt", dd->dir);
		dd->crashed = access(panic, R_OK) == 0;
		const char *dump = dd->dump;
		const char *paths[] = {dump};
		struct kc_session_options opts = {.dump_paths = paths, .nr_dump_paths = 1};
		struct kc_error *err = kc_session_open(&opts, &dd->session);
		if (err) {
			kc_test_fail(__FILE__, __LINE__, "%s: %s", dump, kc_error_message(err));
			kc_error_destroy(err);
			continue;
		}
		n++;
	}
	if (d)
		closedir(d);
	/* They are in the repository: none found is a failure, not a skip. */
	CHECK_MSG(n > 0, "no tests/fixtures/debian-* dump");
	return n;
}

static void close_debian_dumps(struct debian_dump *dumps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kc_session_destroy(dumps[i].session);
}

static char *ground_truth(const struct debian_dump *dd, const char *file)
{
	char path[2400];
	snprintf(path, sizeof(path), "%.2000s/ground-truth/%.200s", dd->dir, file);
	char *text = kc_test_read_file(path, NULL);
	CHECK_MSG(text != NULL, "cannot read %s", path);
	return text;
}

/* The line after L's (its NUL at the end). */
static const char *next_line(const char *l)
{
	l += strcspn(l, "\n");
	return *l ? l + 1 : l;
}

static char *run(struct kc_session *session, const char *line)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	struct kc_error *err = kc_session_run_line(session, line, f);
	if (err) {
		fprintf(f, "error: %s\n", kc_error_message(err));
		kc_test_fail(__FILE__, __LINE__, "%s: %s", line, kc_error_message(err));
		kc_error_destroy(err);
	}
	fclose(f);
	return text;
}

/* Does the guest's /proc/kallsyms (ground-truth/kallsyms.full.gz) list NAME? */
static bool proc_kallsyms_has(const struct debian_dump *dd, const char *name)
{
	char path[2400];
	snprintf(path, sizeof(path), "%.2000s/ground-truth/kallsyms.full.gz", dd->dir);
	gzFile gz = gzopen(path, "rb");
	CHECK_MSG(gz != NULL, "cannot read %s", path);
	char line[1024], sym[600];
	bool found = false;
	while (gz && !found && gzgets(gz, line, sizeof(line)))
		found = sscanf(line, "%*x %*c %599s", sym) == 1 && strcmp(sym, name) == 0;
	if (gz)
		gzclose(gz);
	return found;
}

/* The sources a distro kernel's dump alone gives: its kallsyms and BTF. */
KC_TEST(debian_dump_alone_sources)
{
	struct debian_dump dumps[8];
	size_t n = open_debian_dumps(dumps, 8);
	for (size_t i = 0; i < n; i++) {
		struct kc_session *s = dumps[i].session;
		REQUIRE(s->symtab);
		CHECK_MSG(strstr(s->symtab->origin, "kallsyms in dump") != NULL, "%s: %s",
			  dumps[i].dir, s->symtab->origin);
		/* Data symbols as the kernel's own kallsyms has them: not at all
		 * without CONFIG_KALLSYMS_ALL (Debian's 6.1), all with it (6.12). */
		CHECK_EQ_U64(kc_symtab_lookup(s->symtab, "init_task") != NULL,
			     proc_kallsyms_has(&dumps[i], "init_task"));
		struct kc_types *types;
		REQUIRE_OK(kc_session_types(s, &types));
		CHECK_MSG(strstr(kc_types_description(types), "BTF in the dump") != NULL, "%s: %s",
			  dumps[i].dir, kc_types_description(types));
		printf("    %s: %s, %zu symbols; %s\n", strrchr(dumps[i].dir, '/') + 1,
		       s->symtab->origin, s->symtab->nr_symbols, kc_types_description(types));
	}
	close_debian_dumps(dumps, n);
}

/* The decoded table is the guest's /proc/kallsyms, in order. */
KC_TEST(debian_kallsyms_match_proc_kallsyms)
{
	struct debian_dump dumps[8];
	size_t n = open_debian_dumps(dumps, 8);
	for (size_t i = 0; i < n; i++) {
		const struct kc_symtab *symtab = dumps[i].session->symtab;
		REQUIRE(symtab);
		char path[2400];
		snprintf(path, sizeof(path), "%.2000s/ground-truth/kallsyms.full.gz", dumps[i].dir);
		CHECK(kc_test_check_proc_kallsyms(symtab, dumps[i].session->mmu->layout.kaslr_offset.value,
						  path, dumps[i].dir) > 40000);
	}
	close_debian_dumps(dumps, n);
}

/*
 * ps: every process of the guest's snapshot (ground-truth/ps.txt: pid,
 * ppid, state, /proc comm; taken by init shortly before the crash) with
 * the same parent and name (comm holds 15 characters, /proc adds a
 * kworker's workqueue); tasks it lacks are only ones started after it.
 */
KC_TEST(debian_ps_matches_guest)
{
	struct debian_dump dumps[8];
	size_t n = open_debian_dumps(dumps, 8);
	for (size_t i = 0; i < n; i++) {
		char *truth = ground_truth(&dumps[i], "ps.txt");
		char *out = run(dumps[i].session, "ps");
		REQUIRE(truth && out);
		size_t checked = 0;
		unsigned max_pid = 0;
		for (char *line = strtok(truth, "\n"); line; line = strtok(NULL, "\n")) {
			unsigned pid, ppid;
			char state, comm[64];
			if (sscanf(line, "%u %u %c %63[^\n]", &pid, &ppid, &state, comm) != 4)
				continue;
			max_pid = pid > max_pid ? pid : max_pid;
			/* kcrash: " PID PPID CPU TASK ST %MEM VSZ RSS COMM", threads too. */
			bool found = false;
			for (const char *l = out; *l && !found; l = next_line(l)) {
				unsigned kpid, kppid;
				char kcomm[64];
				if (sscanf(l + (*l == '>'), " %u %u %*u %*x %*s %*s %*u %*u %63[^\n]",
					   &kpid, &kppid, kcomm) != 3 || kpid != pid)
					continue;
				char *name = kcomm[0] == '[' ? kcomm + 1 : kcomm;
				name[strcspn(name, "]")] = '\0';
				/* /proc names a workqueue worker "comm-workqueue"
				 * (wq_worker_comm, v4.18+); comm keeps 15 characters. */
				size_t len = strlen(name);
				found = kppid == ppid &&
					(strncmp(name, comm, 15) == 0 ||
					 (strncmp(comm, "kworker/", 8) == 0 &&
					  strncmp(comm, name, len) == 0 && comm[len] == '-'));
			}
			CHECK_MSG(found, "%s: pid %u (ppid %u, %s) not in ps as the guest had it",
				  dumps[i].dir, pid, ppid, comm);
			checked++;
		}
		CHECK(checked > 30);
		CHECK(!dumps[i].crashed || strstr(out, " kc_crasher\n") != NULL);
		printf("    %s: %zu processes as the guest listed them (pids up to %u)\n",
		       strrchr(dumps[i].dir, '/') + 1, checked, max_pid);
		free(truth);
		free(out);
	}
	close_debian_dumps(dumps, n);
}

/* mod: each module of /proc/modules with its size and base address. */
KC_TEST(debian_mod_matches_proc_modules)
{
	struct debian_dump dumps[8];
	size_t n = open_debian_dumps(dumps, 8);
	for (size_t i = 0; i < n; i++) {
		char *truth = ground_truth(&dumps[i], "modules.txt");
		char *out = run(dumps[i].session, "mod");
		REQUIRE(truth && out);
		size_t modules = 0, lines = 0;
		for (const char *l = out; *l; l = next_line(l))
			lines += isxdigit((unsigned char)*l) != 0;
		for (char *line = strtok(truth, "\n"); line; line = strtok(NULL, "\n")) {
			char name[64];
			unsigned long size;
			unsigned long long base;
			if (sscanf(line, "%63s %lu %*d %*s %*s %llx", name, &size, &base) != 3)
				continue;
			bool found = false;
			for (const char *l = out; *l && !found; l = next_line(l)) {
				char kname[64];
				unsigned long long kbase;
				unsigned long ksize;
				found = sscanf(l, "%*x %63s %llx %lu", kname, &kbase, &ksize) == 3 &&
					strcmp(kname, name) == 0 && kbase == base && ksize == size;
			}
			CHECK_MSG(found, "%s: module %s at %llx, %lu bytes, not in mod", dumps[i].dir,
				  name, base, size);
			modules++;
		}
		CHECK(modules > 0);
		CHECK_EQ_U64(lines, modules);
		free(truth);
		free(out);
	}
	close_debian_dumps(dumps, n);
}

/*
 * log: makedumpfile --dump-dmesg's lines, less its caller column, where the
 * capture kernel wrote them; else the guest's dmesg taken before the dump,
 * which the log must begin with.
 */
KC_TEST(debian_log_matches_guest)
{
	struct debian_dump dumps[8];
	size_t n = open_debian_dumps(dumps, 8);
	for (size_t i = 0; i < n; i++) {
		char *out = run(dumps[i].session, "log");
		REQUIRE(out);
		if (!dumps[i].crashed) {
			char *dmesg = ground_truth(&dumps[i], "dmesg.txt");
			REQUIRE(dmesg);
			CHECK_MSG(strncmp(out, dmesg, strlen(dmesg)) == 0,
				  "%s: log does not begin with the guest's dmesg (%zu bytes)",
				  dumps[i].dir, strlen(dmesg));
			CHECK(strlen(dmesg) > 1000);
			free(dmesg);
			free(out);
			continue;
		}
		char *truth = ground_truth(&dumps[i], "makedumpfile-dump-dmesg.txt");
		REQUIRE(truth);
		/* "[    1.234567] [    T123] text" -> "[    1.234567] text" */
		char *expected = malloc(strlen(truth) + 1), *w = expected;
		REQUIRE(expected);
		for (const char *l = truth; *l;) {
			size_t len = strcspn(l, "\n");
			const char *close = memchr(l, ']', len);
			const char *caller = close ? close + 1 : NULL;
			if (caller && caller[0] == ' ' && caller[1] == '[' && memchr(caller, ']', len - (size_t)(caller - l))) {
				const char *end = strchr(caller + 1, ']') + 1;
				memcpy(w, l, (size_t)(caller - l));
				w += caller - l;
				memcpy(w, end, len - (size_t)(end - l));
				w += len - (size_t)(end - l);
			} else {
				memcpy(w, l, len);
				w += len;
			}
			l += len;
			if (*l == '\n')
				*w++ = *l++;
		}
		*w = '\0';
		CHECK_MSG(strcmp(out, expected) == 0, "%s: log differs from makedumpfile's (%zu vs %zu bytes)",
			  dumps[i].dir, strlen(out), strlen(expected));
		free(expected);
		free(truth);
		free(out);
	}
	close_debian_dumps(dumps, n);
}

/*
 * bt of the panicking task: the kernel's own "Call trace:" from panic
 * down, in order. The kernel prints a return address that is the first
 * instruction of the next function as that function ("+0x0"), which
 * kcrash, looking up the call, names as the caller: those are skipped.
 */
KC_TEST(debian_bt_panic_task_follows_call_trace)
{
	struct debian_dump dumps[8];
	size_t n = open_debian_dumps(dumps, 8);
	size_t crashed = 0;
	for (size_t i = 0; i < n; i++) {
		if (!dumps[i].crashed)
			continue;
		crashed++;
		char *panic = ground_truth(&dumps[i], "panic.txt");
		char *out = run(dumps[i].session, "bt");
		REQUIRE(panic && out);
		CHECK(strstr(out, "COMMAND: \"kc_crasher\"") != NULL);
		const char *trace = strstr(panic, "Call trace:");
		REQUIRE(trace);
		bool from_panic = false;
		const char *at = out;
		size_t matched = 0;
		for (const char *l = trace; *l; l = next_line(l)) {
			char fn[256], off[64];
			const char *p = strchr(l, ']');
			if (!p || sscanf(p + 1, " %255[^+]+%63[^/]", fn, off) != 2)
				continue;
			if (strcmp(fn, "panic") == 0)
				from_panic = true;
			if (!from_panic || strcmp(off, "0x0") == 0)
				continue;
			char want[300];
			snprintf(want, sizeof(want), "] %s at ", fn);
			const char *found = strstr(at, want);
			CHECK_MSG(found != NULL, "%s: %s (from the kernel's trace) not in bt after the previous frame",
				  dumps[i].dir, fn);
			if (found) {
				at = found;
				matched++;
			}
		}
		CHECK(matched >= 10);
		/* Source lines need DWARF: one line says so, then the same trace. */
		char *with_lines = run(dumps[i].session, "bt -l");
		CHECK(with_lines && strncmp(with_lines, "bt: -l: no source lines", 23) == 0 &&
		      strcmp(strchr(with_lines, '\n') + 1, out) == 0);
		free(with_lines);
		free(panic);
		free(out);
	}
	CHECK(crashed > 0);
	close_debian_dumps(dumps, n);
}

/* kcrash --triage --json on the dump alone names the crash. */
KC_TEST(debian_triage_json_dump_alone)
{
	struct debian_dump dumps[8];
	size_t n = open_debian_dumps(dumps, 8);
	for (size_t i = 0; i < n; i++) {
		char *out = NULL, *err = NULL;
		int rc = kc_test_run_kcrashf(&out, &err, "--triage --json --no-debuginfod '%s'",
					     dumps[i].dump);
		CHECK_EQ_U64(rc, 0);
		if (dumps[i].crashed)
			CHECK_MSG(out && strstr(out, "\"kind\": \"sysrq\"") &&
				  strstr(out, "\"comm\": \"kc_crasher\"") &&
				  strstr(out, "\"function\": \"sysrq_handle_crash\"") &&
				  strstr(out, "\"panic_message\": \"sysrq triggered crash\""),
				  "%s: %.300s", dumps[i].dir, out ? out : "");
		else /* QEMU stopped the guest before it crashed */
			CHECK_MSG(out && strstr(out, "\"kind\": \"none\"") &&
				  strstr(out, "\"panic_message\": null"),
				  "%s: %.300s", dumps[i].dir, out ? out : "");
		free(out);
		free(err);
	}
	close_debian_dumps(dumps, n);
}

/* The startup line says what the dump alone gave: kallsyms, BTF, modules' BTF. */
KC_TEST(debian_startup_line_names_sources)
{
	struct debian_dump dumps[8];
	size_t n = open_debian_dumps(dumps, 8);
	for (size_t i = 0; i < n; i++) {
		char *modules = ground_truth(&dumps[i], "modules.txt");
		REQUIRE(modules);
		size_t nr_modules = 0;
		for (const char *p = modules; *p; p++)
			nr_modules += *p == '\n';
		char *out = NULL, *err = NULL;
		int rc = kc_test_run_kcrashf(&out, &err, "--no-debuginfod -c 'sym schedule' '%s'",
					     dumps[i].dump);
		CHECK_EQ_U64(rc, 0);
		/* Modules' BTF (CONFIG_DEBUG_INFO_BTF_MODULES) came in v5.11. */
		char *uname = ground_truth(&dumps[i], "uname.txt");
		bool modules_btf = uname && !strstr(uname, " 5.10.");
		free(uname);
		char want[128];
		if (modules_btf)
			snprintf(want, sizeof(want), ", BTF of %zu of %zu modules\n", nr_modules,
				 nr_modules);
		else
			snprintf(want, sizeof(want), ", no modules' BTF (");
		CHECK_MSG(err && strstr(err, "symbols: kallsyms in dump (") &&
			  strstr(err, "; types: BTF in the dump at 0x") && strstr(err, want),
			  "%s: stderr: %s", dumps[i].dir, err ? err : "");
		free(modules);
		free(out);
		free(err);
	}
	close_debian_dumps(dumps, n);
}

/*
 * --verify-symbols: each data symbol the code route finds is found again
 * by its image route, the same address (by default the image routes run
 * only where the code finds nothing).
 */
KC_TEST(debian_data_symbols_verified_by_both_routes)
{
	struct debian_dump dumps[8];
	size_t n = open_debian_dumps(dumps, 8);
	for (size_t i = 0; i < n; i++) {
		const char *paths[] = {dumps[i].dump};
		struct kc_session_options opts = {.dump_paths = paths, .nr_dump_paths = 1,
						  .verify_data_symbols = true};
		struct kc_session *verified;
		REQUIRE_OK(kc_session_open(&opts, &verified));
		char *plain = run(dumps[i].session, "help -k");
		char *both = run(verified, "help -k");
		REQUIRE(plain && both);
		size_t same = 0, symbols = 0;
		for (const char *a = plain, *b = both; *a && *b; a = next_line(a), b = next_line(b)) {
			char na[64], nb[64], aa[32], ab[32];
			if (sscanf(a, "%63s %31s", na, aa) != 2 || sscanf(b, "%63s %31s", nb, ab) != 2)
				continue;
			CHECK_MSG(strcmp(na, nb) == 0 && strcmp(aa, ab) == 0,
				  "%s: %s at %s, verified %s at %s", dumps[i].dir, na, aa, nb, ab);
			symbols++;
			const char *end = b + strcspn(b, "\n");
			const char *at = strstr(b, ", the same;");
			same += at && at < end;
		}
		/* init_task, task_state_array, taint_flags, __start_BTF where the
		 * code finds them (kallsyms with KALLSYMS_ALL lists them instead). */
		CHECK(symbols >= 20);
		printf("    %s: %zu data symbols, %zu confirmed by the image route\n",
		       strrchr(dumps[i].dir, '/') + 1, symbols, same);
		if (!proc_kallsyms_has(&dumps[i], "init_task"))
			CHECK(same >= 3);
		free(plain);
		free(both);
		kc_session_destroy(verified);
	}
	close_debian_dumps(dumps, n);
}
