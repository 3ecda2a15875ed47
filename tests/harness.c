/* SPDX-License-Identifier: MIT */
#include "command.h"
#include "harness.h"

#include "error.h"
#include "session.h"
#include "symtab.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

const char *const kc_test_fixture_names[] = {
	"arm64-6.1-4k48",
	"arm64-6.1-16k47",
	"arm64-6.1-64k52",
	"arm64-5.10-4k39",
};
const size_t kc_test_nr_fixtures =
	sizeof(kc_test_fixture_names) / sizeof(kc_test_fixture_names[0]);

static struct kc_test *tests_head, **tests_tail = &tests_head;
static bool cur_failed, cur_skipped;
static char cur_skip_reason[512];
static bool in_ci;

void kc_test_register(struct kc_test *test)
{
	*tests_tail = test;
	tests_tail = &test->next;
}

static void report_failure(const char *file, int line, const char *fmt,
			   va_list ap)
{
	fprintf(stdout, "    %s:%d: ", file, line);
	vfprintf(stdout, fmt, ap);
	fputc('\n', stdout);
	cur_failed = true;
}

void kc_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_failure(file, line, fmt, ap);
	va_end(ap);
}

bool kc_test_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	if (ok)
		return true;
	va_list ap;
	va_start(ap, fmt);
	report_failure(file, line, fmt, ap);
	va_end(ap);
	return false;
}

void kc_test_skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cur_skip_reason, sizeof(cur_skip_reason), fmt, ap);
	va_end(ap);
	cur_skipped = true;
}

bool kc_test_failed(void)
{
	return cur_failed;
}

const char *kc_test_fixtures_dir(void)
{
	const char *env = getenv("KCRASH_FIXTURES");
	return env && *env ? env : KC_SOURCE_ROOT "/../shared/fixtures";
}

const char *kc_test_scratch_dir(void)
{
	static char path[4096];
	if (!path[0]) {
		snprintf(path, sizeof(path), "%s/test-scratch", KC_BUILD_ROOT);
		mkdir(path, 0755);
	}
	return path;
}

const char *kc_test_kcrash_bin(void)
{
	const char *env = getenv("KCRASH_BIN");
	return env && *env ? env : KC_BUILD_ROOT "/kcrash";
}

const char *kc_test_source_dir(void)
{
	return KC_SOURCE_ROOT "/tests";
}

/* Interned paths handed out to tests; freed at exit. */
static char **interned;
static size_t nr_interned;

static const char *intern(char *path)
{
	char **grown = realloc(interned, (nr_interned + 1) * sizeof(*grown));
	if (!grown) {
		free(path);
		return NULL;
	}
	interned = grown;
	interned[nr_interned++] = path;
	return path;
}

static void missing_fixture(const char *path)
{
	if (in_ci)
		kc_test_fail(__FILE__, __LINE__,
			     "fixture %s is missing (CI requires every real fixture)",
			     path);
	else
		kc_test_skip("fixture %s not found", path);
}

const char *kc_test_fixture(const char *fixture, const char *file)
{
	char *src = NULL;
	if (asprintf(&src, "%s/%s/%s", kc_test_fixtures_dir(), fixture, file) < 0)
		return NULL;
	if (access(src, R_OK) != 0) {
		missing_fixture(src);
		free(src);
		return NULL;
	}
	size_t len = strlen(file);
	if (len < 4 || strcmp(file + len - 4, ".zst") != 0)
		return intern(src);

	char *dir = NULL, *dst = NULL, *tmp = NULL, *cmd = NULL;
	if (asprintf(&dir, "%s/%s", kc_test_scratch_dir(), fixture) < 0 ||
	    asprintf(&dst, "%s/%.*s", dir, (int)(len - 4), file) < 0 ||
	    asprintf(&tmp, "%s.tmp.%d", dst, (int)getpid()) < 0) {
		free(src);
		free(dir);
		free(dst);
		return NULL;
	}
	mkdir(dir, 0755);
	struct stat st_src, st_dst;
	/* Reuse an unpacked copy newer than its source. */
	if (stat(dst, &st_dst) == 0 && stat(src, &st_src) == 0 &&
	    st_dst.st_mtime >= st_src.st_mtime) {
		free(src);
		free(dir);
		free(tmp);
		return intern(dst);
	}
	if (asprintf(&cmd, "zstd -q -d --long=27 -f -o '%s' '%s'", tmp, src) < 0)
		cmd = NULL;
	int rc = cmd ? system(cmd) : -1;
	if (rc != 0 || rename(tmp, dst) != 0) {
		kc_test_fail(__FILE__, __LINE__, "could not unpack %s (zstd exit %d)",
			     src, rc);
		unlink(tmp);
		free(dst);
		dst = NULL;
	}
	free(cmd);
	free(src);
	free(dir);
	free(tmp);
	return dst ? intern(dst) : NULL;
}

const char *kc_test_fixture_vmlinux(const char *fixture)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/vmlinux", kc_test_fixtures_dir(), fixture);
	return access(path, R_OK) == 0 ? kc_test_fixture(fixture, "vmlinux")
				       : kc_test_fixture(fixture, "vmlinux.zst");
}

struct kc_session *kc_test_open_debian_alone(const char *name, char *dir, size_t len)
{
	snprintf(dir, len, "%s/fixtures/%s", kc_test_source_dir(), name);
	char dump[4200];
	snprintf(dump, sizeof(dump), "%s/vmcore.kdump-zlib", dir);
	const char *paths[] = {dump};
	struct kc_session_options opts = {.dump_paths = paths, .nr_dump_paths = 1,
					  .no_debuginfod = true};
	struct kc_session *session;
	struct kc_error *err = kc_session_open(&opts, &session);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s: %s", dump, kc_error_message(err));
		kc_error_destroy(err);
		return NULL;
	}
	snprintf(dir + strlen(dir), len - strlen(dir), "/ground-truth");
	return session;
}

struct kc_session *kc_test_open_session(const char *fixture, const char *dump_file)
{
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	if (!vmlinux)
		return NULL;
	struct kc_session_options opts = {.vmlinux_path = vmlinux};
	return kc_test_open_session_with(fixture, dump_file, &opts);
}

struct kc_session *kc_test_open_session_with(const char *fixture, const char *dump_file,
					     const struct kc_session_options *template)
{
	const char *dump = kc_test_fixture(fixture, dump_file);
	if (!dump)
		return NULL;
	struct kc_session_options opts = *template;
	opts.dump_paths = &dump;
	opts.nr_dump_paths = 1;
	struct kc_session *session;
	struct kc_error *err = kc_session_open(&opts, &session);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s/%s: %s", fixture, dump_file,
			     kc_error_message(err));
		kc_error_destroy(err);
		return NULL;
	}
	return session;
}

char *kc_test_read_file(const char *path, size_t *len_ret)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len < cap)
			break;
		cap *= 2;
		char *grown = realloc(buf, cap + 1);
		if (!grown) {
			free(buf);
			buf = NULL;
		}
		buf = grown;
	}
	fclose(f);
	if (!buf)
		return NULL;
	buf[len] = '\0';
	if (len_ret)
		*len_ret = len;
	return buf;
}

char *kc_test_only_file(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char *found = NULL;
	bool several = false;
	size_t suffix_len = strlen(suffix);
	struct dirent *ent;
	while ((ent = readdir(d))) {
		size_t len = strlen(ent->d_name);
		if (len < suffix_len || strcmp(ent->d_name + len - suffix_len, suffix) != 0)
			continue;
		if (found) {
			several = true;
			break;
		}
		if (asprintf(&found, "%s/%s", dir, ent->d_name) < 0)
			found = NULL;
	}
	closedir(d);
	if (several) {
		free(found);
		found = NULL;
	}
	return found;
}

bool kc_test_same_bytes(const char *a, const char *b)
{
	size_t a_len = 0, b_len = 0;
	char *a_bytes = kc_test_read_file(a, &a_len), *b_bytes = kc_test_read_file(b, &b_len);
	bool same = a_bytes && b_bytes && a_len == b_len && memcmp(a_bytes, b_bytes, a_len) == 0;
	free(a_bytes);
	free(b_bytes);
	return same;
}

char *kc_test_fact(const char *fixture, const char *key)
{
	char *path = NULL;
	if (asprintf(&path, "%s/%s/ground-truth/facts.txt",
		     kc_test_fixtures_dir(), fixture) < 0)
		return NULL;
	char *text = kc_test_read_file(path, NULL);
	free(path);
	if (!text)
		return NULL;
	size_t key_len = strlen(key);
	char *result = NULL;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, key, key_len) == 0 && line[key_len] == '=') {
			result = strdup(line + key_len + 1);
			break;
		}
	}
	free(text);
	return result;
}

int kc_test_run_kcrash(const char *args, char **out, char **err)
{
	const char *dir = kc_test_scratch_dir();
	char *out_path = NULL, *err_path = NULL, *cmd = NULL;
	int pid = (int)getpid();
	static unsigned counter;
	unsigned n = counter++;
	if (asprintf(&out_path, "%s/run-%d-%u.out", dir, pid, n) < 0 ||
	    asprintf(&err_path, "%s/run-%d-%u.err", dir, pid, n) < 0 ||
	    asprintf(&cmd, "'%s' %s </dev/null >'%s' 2>'%s'", kc_test_kcrash_bin(),
		     args, out_path, err_path) < 0)
		return -1;
	int status = system(cmd);
	int rc = status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (out)
		*out = kc_test_read_file(out_path, NULL);
	if (err)
		*err = kc_test_read_file(err_path, NULL);
	unlink(out_path);
	unlink(err_path);
	free(out_path);
	free(err_path);
	free(cmd);
	return rc;
}

int kc_test_run_kcrashf(char **out, char **err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *args = NULL;
	if (vasprintf(&args, fmt, ap) < 0)
		args = NULL;
	va_end(ap);
	int rc = args ? kc_test_run_kcrash(args, out, err) : -1;
	free(args);
	return rc;
}

/*
 * Which tests run: those whose names contain one of the arguments (all when
 * there is none), less those containing an argument given as -SUBSTRING.
 */
static bool selected(const char *name, int argc, char **argv)
{
	bool any_include = false, included = false;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-') {
			if (argv[i][1] && strstr(name, argv[i] + 1))
				return false;
			continue;
		}
		any_include = true;
		if (strstr(name, argv[i]))
			included = true;
	}
	return !any_include || included;
}

int main(int argc, char **argv)
{
	const char *ci = getenv("CI");
	in_ci = ci && *ci && strcmp(ci, "0") != 0 && strcmp(ci, "false") != 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Keep the DWARF index cache inside the build tree, not in $HOME. */
	char *cache_dir = NULL;
	if (asprintf(&cache_dir, "%s/dwarf-cache", kc_test_scratch_dir()) >= 0) {
		setenv("KCRASH_CACHE_DIR", cache_dir, 0);
		free(cache_dir);
	}
	/*
	 * kcrash asks debuginfod servers for a dump's vmlinux when DEBUGINFOD_URLS
	 * is set (Debian's login profile may set it): the tests set it themselves.
	 */
	unsetenv("DEBUGINFOD_URLS");
	unsigned passed = 0, failed = 0, skipped = 0;
	for (struct kc_test *t = tests_head; t; t = t->next) {
		if (!selected(t->name, argc, argv))
			continue;
		cur_failed = cur_skipped = false;
		cur_skip_reason[0] = '\0';
		t->fn();
		if (cur_failed) {
			printf("FAIL %s\n", t->name);
			failed++;
		} else if (cur_skipped) {
			printf("skip %s: %s\n", t->name, cur_skip_reason);
			skipped++;
		} else {
			printf("ok   %s\n", t->name);
			passed++;
		}
	}
	for (size_t i = 0; i < nr_interned; i++)
		free(interned[i]);
	free(interned);
	printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}

/* PATH's DWARF as BTF, made once per run by pahole into the scratch dir. */
const char *kc_test_pahole_btf(const char *path, const char *name)
{
	static char out[8][4096];
	static size_t next;
	char *dir = NULL;
	if (asprintf(&dir, "%s/btf", kc_test_scratch_dir()) < 0)
		return NULL;
	mkdir(dir, 0755);
	char *slot = out[next++ % 8];
	snprintf(slot, sizeof(out[0]), "%.3000s/%.500s.btf", dir, name);
	free(dir);
	struct stat st_src, st_dst;
	if (stat(slot, &st_dst) == 0 && stat(path, &st_src) == 0 &&
	    st_dst.st_mtime >= st_src.st_mtime && st_dst.st_size > 0)
		return slot;
	char *cmd = NULL;
	if (asprintf(&cmd, "pahole --btf_gen_floats --btf_encode_detached='%s.tmp' '%s' >/dev/null 2>&1 && mv '%s.tmp' '%s'",
		     slot, path, slot, slot) < 0)
		return NULL;
	int rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		kc_test_fail(__FILE__, __LINE__, "pahole could not make BTF of %s (exit %d; Debian package dwarves)",
			     path, rc);
		return NULL;
	}
	return slot;
}

char *kc_test_run_commands(struct kc_session *session, const char *const *commands,
			   size_t nr_commands)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	for (size_t i = 0; i < nr_commands; i++) {
		fprintf(f, "kcrash> %s\n", commands[i]);
		struct kc_error *err = kc_session_run_line(session, commands[i], f);
		if (err) {
			fprintf(f, "error: %s\n", kc_error_message(err));
			kc_error_destroy(err);
		}
	}
	fclose(f);
	return text;
}

size_t kc_test_check_proc_kallsyms(const struct kc_symtab *symtab, uint64_t kaslr_offset,
				   const char *gz_path, const char *label)
{
	gzFile gz = gzopen(gz_path, "rb");
	if (!gz) {
		kc_test_fail(__FILE__, __LINE__, "%s: cannot read %s", label, gz_path);
		return 0;
	}
	char line[1024];
	size_t at = 0, bad = 0;
	while (gzgets(gz, line, sizeof(line))) {
		char name[600], type;
		unsigned long long addr;
		/* The kernel's own lines: module lines end in "[module]". */
		if (strchr(line, '[') || sscanf(line, "%llx %c %599s", &addr, &type, name) != 3)
			continue;
		const struct kc_symbol *sym = at < symtab->nr_symbols ? &symtab->by_addr[at] : NULL;
		if ((!sym || sym->addr + kaslr_offset != addr || sym->type != type ||
		     strcmp(sym->name, name) != 0) && bad++ < 5)
			kc_test_fail(__FILE__, __LINE__,
				     "%s: symbol %zu: /proc/kallsyms %llx %c %s, decoded %llx %c %s",
				     label, at, addr, type, name,
				     sym ? (unsigned long long)(sym->addr + kaslr_offset) : 0ull,
				     sym ? sym->type : '-', sym ? sym->name : "(none)");
		at++;
	}
	gzclose(gz);
	if (at != symtab->nr_symbols)
		kc_test_fail(__FILE__, __LINE__, "%s: %zu symbols decoded, /proc/kallsyms has %zu",
			     label, symtab->nr_symbols, at);
	if (bad)
		kc_test_fail(__FILE__, __LINE__, "%s: %zu symbols differ from /proc/kallsyms",
			     label, bad);
	return at;
}

char *kc_test_getenv_copy(const char *name)
{
	const char *value = getenv(name);
	return value ? strdup(value) : NULL;
}

void kc_test_restore_env(const char *name, const char *saved)
{
	if (saved)
		setenv(name, saved, 1);
	else
		unsetenv(name);
}
