// SPDX-License-Identifier: MIT
/*
 * Frame registers and variables (kc_bt_frame_registers,
 * kc_bt_frame_variables) on the real fixtures: the registers the CFI
 * recovers must agree with the frame records the unwinder followed on
 * its own, and the crashing task's variables must hold what the guest's
 * crash trigger (fixture src/kc_crasher: "echo c > /proc/sysrq-trigger")
 * passed down the write path.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/kcrash.h>

#include "harness.h"

/* The sysrq key the fixture's crasher wrote, from its script; 0 if not found. */
static char crasher_sysrq_key(const char *fixture)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/src/kc_crasher", kc_test_fixtures_dir(), fixture);
	char *script = kc_test_read_file(path, NULL);
	if (!script)
		return 0;
	char key = 0;
	for (char *line = strtok(script, "\n"); line; line = strtok(NULL, "\n")) {
		char c;
		if (sscanf(line, "echo %c > /proc/sysrq-trigger", &c) == 1)
			key = c;
	}
	free(script);
	return key;
}

KC_TEST(framevars_cfi_registers_agree_with_frame_records)
{
	size_t compared = 0;
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			continue;
		const struct kc_task_list *list;
		REQUIRE_OK(kc_tasks(session, &list));
		for (size_t t = 0; t < list->nr_tasks; t++) {
			struct kc_backtrace bt;
			if (kc_backtrace_task(session, &list->tasks[t], &bt))
				continue;
			for (size_t i = 1; i < bt.unwind.nr_frames; i++) {
				const struct kc_arm64_frame *frame = &bt.unwind.frames[i];
				if (frame->pc_from_regs)
					continue;
				struct kc_frame_registers regs;
				REQUIRE_OK(kc_bt_frame_registers(session, &bt, i, &regs));
				/*
				 * x30 comes only from the CFI (the callee's saved lr):
				 * it must be the return address the frame record held.
				 */
				if (!(regs.known & (UINT64_C(1) << 30)))
					continue;
				CHECK_MSG(regs.x[30] == frame->lr,
					  "%s pid %d frame #%zu: CFI x30 %" PRIx64 ", record %" PRIx64,
					  fixture, list->tasks[t].pid, i, regs.x[30], frame->lr);
				CHECK_MSG(regs.x[29] == frame->fp,
					  "%s pid %d frame #%zu: CFI x29 %" PRIx64 ", record %" PRIx64,
					  fixture, list->tasks[t].pid, i, regs.x[29], frame->fp);
				/* The caller's sp is at or above its callee's frame record. */
				CHECK(regs.known & (UINT64_C(1) << KC_FRAME_REG_SP));
				CHECK(regs.sp > bt.unwind.frames[i - 1].fp);
				compared++;
			}
			kc_backtrace_free(&bt);
		}
		kc_session_destroy(session);
	}
	fprintf(stderr, "    %zu frames: CFI registers equal the frame records\n", compared);
	CHECK(compared > 200);
}

struct wanted {
	const char *function;
	const char *name;
	bool found;
	struct kc_frame_variable var;
};

static struct kc_error *find_variable(void *ctx, const struct kc_frame_variable *var)
{
	struct wanted *w = ctx;
	if (var->function && !strcmp(var->function, w->function) && !strcmp(var->name, w->name)) {
		w->found = true;
		w->var = *var;
		return kc_error_create(KC_ERR_STOP, "found");
	}
	return NULL;
}

/* The value of FUNCTION's variable NAME in the first frame that has it. */
static bool frame_value(struct kc_session *session, const struct kc_backtrace *bt,
			const char *function, const char *name, uint64_t *value)
{
	for (size_t i = 0; i < bt->unwind.nr_frames; i++) {
		struct wanted w = {function, name, false, {0}};
		struct kc_error *err = kc_bt_frame_variables(session, bt, i, find_variable, &w);
		kc_error_destroy(err);
		if (!w.found)
			continue;
		if (w.var.state == KC_FRAME_VAR_VALUE) {
			*value = w.var.value;
			return true;
		}
		if (w.var.state == KC_FRAME_VAR_MEMORY) {
			uint64_t size = 8;
			kc_type_size(&w.var.type, &size);
			uint64_t bytes = 0;
			err = kc_kernel_read(session, w.var.address, &bytes, size < 8 ? size : 8);
			kc_error_destroy(err);
			*value = bytes;
			return !err;
		}
		CHECK_MSG(false, "%s's %s: %s", function, name, w.var.reason);
		return false;
	}
	CHECK_MSG(false, "no frame has %s's %s", function, name);
	return false;
}

KC_TEST(framevars_crashing_write_path)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		char key = crasher_sysrq_key(fixture);
		if (!CHECK_MSG(key != 0, "%s: no sysrq key in src/kc_crasher", fixture))
			continue;
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			continue;
		const struct kc_task *task;
		REQUIRE_OK(kc_session_context(session, &task));
		struct kc_backtrace bt;
		REQUIRE_OK(kc_backtrace_task(session, task, &bt));
		uint64_t value = 0;
		/* drivers/tty/sysrq.c: __handle_sysrq(key, ...) got the byte written. */
		if (frame_value(session, &bt, "__handle_sysrq", "key", &value))
			CHECK_MSG(value == (uint64_t)key, "%s: key %#" PRIx64 ", wrote '%c'",
				  fixture, value, key);
		/* echo wrote the key and a newline. */
		if (frame_value(session, &bt, "write_sysrq_trigger", "count", &value))
			CHECK_EQ_U64(value, 2);
		if (frame_value(session, &bt, "vfs_write", "count", &value))
			CHECK_EQ_U64(value, 2);
		/* The syscall's pt_regs: the user registers bt found at the stack top. */
		CHECK(bt.has_user_regs);
		if (frame_value(session, &bt, "__invoke_syscall", "regs", &value))
			CHECK_EQ_U64(value, bt.user_regs_addr);

		/* Out of range; no frame variables past the trace. */
		struct wanted w = {"x", "y", false, {0}};
		struct kc_error *err = kc_bt_frame_variables(session, &bt, bt.unwind.nr_frames,
							    find_variable, &w);
		CHECK(err && err->code == KC_ERR_INVALID_ARG);
		kc_error_destroy(err);
		kc_backtrace_free(&bt);
		kc_session_destroy(session);
	}
}

struct count_ctx {
	size_t total, known;
};

static struct kc_error *count_variables(void *ctx, const struct kc_frame_variable *var)
{
	struct count_ctx *c = ctx;
	c->total++;
	if (var->state != KC_FRAME_VAR_UNAVAILABLE)
		c->known++;
	else
		CHECK(var->reason[0] != '\0');
	return NULL;
}

KC_TEST(framevars_sleeping_tasks_and_modules)
{
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session)
		return;
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	struct count_ctx counts = {0};
	size_t module_frames = 0;
	for (size_t t = 0; t < list->nr_tasks; t++) {
		struct kc_backtrace bt;
		if (kc_backtrace_task(session, &list->tasks[t], &bt))
			continue;
		for (size_t i = 0; i < bt.unwind.nr_frames; i++) {
			struct kc_error *err = kc_bt_frame_variables(session, &bt, i,
								    count_variables, &counts);
			if (err) {
				/* Only module frames and unit-less entry code may fail. */
				struct kc_symbolized sym;
				struct kc_error *serr = kc_symbolize(session, bt.unwind.frames[i].pc - 4, &sym);
				bool module = !serr && sym.module;
				kc_error_destroy(serr);
				if (module) {
					CHECK(err->code == KC_ERR_UNSUPPORTED);
					module_frames++;
				} else {
					CHECK_MSG(err->code == KC_ERR_LOOKUP, "%s", kc_error_message(err));
				}
				kc_error_destroy(err);
			}
		}
		kc_backtrace_free(&bt);
	}
	fprintf(stderr, "    %zu variables, %zu with a location; %zu module frames\n",
		counts.total, counts.known, module_frames);
	CHECK(counts.total > 100);
	CHECK(counts.known * 3 > counts.total);
	kc_session_destroy(session);
}

KC_TEST(framevars_need_dwarf)
{
	char dump[4096];
	snprintf(dump, sizeof(dump), "%s/fixtures/debian-6.1-arm64/vmcore.kdump-zlib",
		 kc_test_source_dir());
	const char *dumps[] = {dump};
	struct kc_session_options opts = {.dump_paths = dumps, .nr_dump_paths = 1,
					  .no_debuginfod = true};
	struct kc_session *session;
	REQUIRE_OK(kc_session_open(&opts, &session));
	const struct kc_task *task;
	REQUIRE_OK(kc_session_context(session, &task));
	struct kc_backtrace bt;
	REQUIRE_OK(kc_backtrace_task(session, task, &bt));
	struct kc_frame_registers regs;
	struct kc_error *err = kc_bt_frame_registers(session, &bt, 1, &regs);
	CHECK(err && strstr(kc_error_message(err), "DWARF"));
	kc_error_destroy(err);
	kc_backtrace_free(&bt);
	kc_session_destroy(session);
}
