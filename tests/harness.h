/* SPDX-License-Identifier: MIT */
/*
 * kcrash's test harness: tests register themselves with KC_TEST, the runner
 * (harness.c) runs them all (or those whose names contain an argument, less
 * those containing an argument given as -SUBSTRING) and
 * ends with the line "N passed, N failed, N skipped".
 *
 * A test that needs a real fixture from ../shared/fixtures and cannot find
 * it is skipped locally but fails when CI is set: in CI every real-fixture
 * test must run.
 */
#ifndef KC_TEST_HARNESS_H
#define KC_TEST_HARNESS_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct kc_test {
	const char *name;
	void (*fn)(void);
	struct kc_test *next;
};

void kc_test_register(struct kc_test *test);

#define KC_TEST(name)                                                        \
	static void name(void);                                               \
	static struct kc_test kc_test_##name = {#name, name, NULL};           \
	__attribute__((constructor)) static void kc_test_reg_##name(void)     \
	{                                                                     \
		kc_test_register(&kc_test_##name);                            \
	}                                                                     \
	static void name(void)

/* Record a failure (the test goes on) / a skip (the caller returns). */
void kc_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void kc_test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* NAME's value, malloc'd, or NULL when unset; and putting it back (unset
 * when SAVED is NULL), for tests that change the environment for a while. */
char *kc_test_getenv_copy(const char *name);
void kc_test_restore_env(const char *name, const char *saved);
bool kc_test_failed(void);

/* Record a failure unless OK; returns OK (usable as a statement or a test). */
bool kc_test_check(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define CHECK(cond) kc_test_check(!!(cond), __FILE__, __LINE__, "CHECK(%s)", #cond)
#define CHECK_MSG(cond, ...) kc_test_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_EQ_U64(a, b)                                                   \
	do {                                                                  \
		uint64_t kc_a_ = (uint64_t)(a), kc_b_ = (uint64_t)(b);        \
		if (kc_a_ != kc_b_)                                           \
			kc_test_fail(__FILE__, __LINE__,                      \
				     "%s == 0x%" PRIx64 ", expected %s == 0x%" PRIx64, \
				     #a, kc_a_, #b, kc_b_);                    \
	} while (0)
#define CHECK_STR(a, b)                                                      \
	do {                                                                  \
		const char *kc_a_ = (a), *kc_b_ = (b);                        \
		if (!kc_a_ || !kc_b_ || strcmp(kc_a_, kc_b_) != 0)            \
			kc_test_fail(__FILE__, __LINE__,                      \
				     "%s == \"%s\", expected \"%s\"", #a,      \
				     kc_a_ ? kc_a_ : "(null)",                 \
				     kc_b_ ? kc_b_ : "(null)");                \
	} while (0)
/* A check whose failure makes the rest of the test meaningless. */
#define REQUIRE(cond)                                                        \
	do {                                                                  \
		if (!(cond)) {                                                \
			kc_test_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond); \
			return;                                               \
		}                                                             \
	} while (0)
/* REQUIRE with a printf-style message. */
#define REQUIRE_MSG(cond, ...)                                               \
	do {                                                                  \
		if (!(cond)) {                                                \
			kc_test_fail(__FILE__, __LINE__, __VA_ARGS__);        \
			return;                                               \
		}                                                             \
	} while (0)
/* Fail with the error's message when ERR (a struct kc_error *) is set. */
#define REQUIRE_OK(expr)                                                     \
	do {                                                                  \
		struct kc_error *kc_err_ = (expr);                            \
		if (kc_err_) {                                                \
			kc_test_fail(__FILE__, __LINE__, "%s: %s", #expr,     \
				     kc_error_message(kc_err_));               \
			kc_error_destroy(kc_err_);                            \
			return;                                               \
		}                                                             \
	} while (0)

/* Directory of the shared fixtures (../shared/fixtures by default). */
const char *kc_test_fixtures_dir(void);
/* A scratch directory in the build tree for this run's files. */
const char *kc_test_scratch_dir(void);
/* The kcrash binary built with the tests. */
const char *kc_test_kcrash_bin(void);
/* The source tree's tests/ directory. */
const char *kc_test_source_dir(void);

/*
 * Path of FILE in fixture directory FIXTURE ("arm64-6.1-4k48"). A name
 * ending in ".zst" is unpacked once (zstd -d --long=27) into the scratch
 * directory and that copy's path returned. Returns NULL after recording a
 * skip (or, in CI, a failure) when the fixture is not there.
 */
const char *kc_test_fixture(const char *fixture, const char *file);
#define KC_FIXTURE_OR_RETURN(var, fixture, file)                             \
	const char *var = kc_test_fixture(fixture, file);                     \
	if (!var)                                                             \
		return

/* FIXTURE's vmlinux: the plain file, or vmlinux.zst unpacked (NULL: skip/fail recorded). */
const char *kc_test_fixture_vmlinux(const char *fixture);
/*
 * A session on FIXTURE's DUMP_FILE with its vmlinux, as kcrash opens them;
 * NULL after recording a skip (missing fixture) or a failure (open error).
 */
struct kc_session;
struct kc_session_options;
struct kc_session *kc_test_open_session(const char *fixture, const char *dump_file);
/*
 * tests/fixtures/NAME's vmcore.kdump-zlib opened alone (no vmlinux, no
 * debuginfod); DIR (LEN bytes) gets its ground-truth directory. NULL after
 * recording a failure.
 */
struct kc_session *kc_test_open_debian_alone(const char *name, char *dir, size_t len);
/* The same with TEMPLATE's options (its dump paths replaced by DUMP_FILE's). */
struct kc_session *kc_test_open_session_with(const char *fixture, const char *dump_file,
					     const struct kc_session_options *template);
/*
 * Each of COMMANDS run on SESSION, as "kcrash> CMD" then its output (or
 * "error: MESSAGE"), into one malloc'd string.
 */
char *kc_test_run_commands(struct kc_session *session, const char *const *commands,
			   size_t nr_commands);

/*
 * PATH's DWARF as BTF (a raw blob, as /sys/kernel/btf/vmlinux), made once
 * per run by pahole (Debian's dwarves) into the scratch dir as NAME.btf;
 * NULL after recording a failure.
 */
const char *kc_test_pahole_btf(const char *path, const char *name);

/*
 * SYMTAB (link-time addresses, by address with the kernel's order for
 * aliases) against a guest's /proc/kallsyms copy at GZ_PATH (gzip'd,
 * run-time addresses): every line of the kernel's own, in order, at
 * address - KASLR_OFFSET with the same type and name. Failures are
 * recorded under LABEL; returns the number of lines compared.
 */
struct kc_symtab;
size_t kc_test_check_proc_kallsyms(const struct kc_symtab *symtab, uint64_t kaslr_offset,
				   const char *gz_path, const char *label);

/* The four real fixtures' directory names. */
extern const char *const kc_test_fixture_names[];
extern const size_t kc_test_nr_fixtures;

/* Read a whole file into a malloc'd NUL-terminated buffer; NULL on error. */
char *kc_test_read_file(const char *path, size_t *len);
/* The one file in DIR whose name ends in SUFFIX (a malloc'd path); NULL when none or several. */
char *kc_test_only_file(const char *dir, const char *suffix);
/* Whether the files at A and B hold the same bytes (false when either cannot be read). */
bool kc_test_same_bytes(const char *a, const char *b);
/* Value of KEY in a fixture's ground-truth/facts.txt (malloc'd), or NULL. */
char *kc_test_fact(const char *fixture, const char *key);

/*
 * Run the kcrash binary with ARGS (a shell-quoted string), capturing stdout
 * and stderr into malloc'd strings; returns the exit status (or -1).
 */
int kc_test_run_kcrash(const char *args, char **out, char **err);
/* kc_test_run_kcrash with the arguments formatted printf-style. */
int kc_test_run_kcrashf(char **out, char **err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
