/* SPDX-License-Identifier: MIT */
/*
 * The kernel-object layer on the real fixtures: member reads through DWARF
 * and the MMU, and bounded list walks, checked against what the running
 * kernel wrote into ground-truth/.
 */
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "kernel.h"
#include "session.h"

struct count_ctx {
	struct kc_session *session;
	uint64_t tasks_offset;
	unsigned count;
	bool saw_crasher;
	int32_t crash_pid;
};

static struct kc_error *count_task(void *arg, uint64_t node)
{
	struct count_ctx *ctx = arg;
	uint64_t task = node - ctx->tasks_offset, pid;
	struct kc_error *err = kc_kernel_read_member(ctx->session, task,
						     "struct task_struct", "pid", &pid);
	if (err)
		return err;
	ctx->count++;
	if ((int32_t)pid == ctx->crash_pid)
		ctx->saw_crasher = true;
	return NULL;
}

static void check_tasks(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	uint64_t init_task;
	REQUIRE_OK(kc_kernel_symbol(session, "init_task", &init_task));
	char comm[16];
	size_t size;
	REQUIRE_OK(kc_kernel_read_member_bytes(session, init_task, "struct task_struct",
					       "comm", comm, sizeof(comm), &size));
	CHECK_EQ_U64(size, 16);
	CHECK_STR(comm, "swapper/0");
	const struct kc_kernel_member *tasks;
	REQUIRE_OK(kc_kernel_member(session, "struct task_struct", "tasks", &tasks));
	char *pid_text = kc_test_fact(fixture, "crash.pid");
	REQUIRE(pid_text);
	struct count_ctx ctx = {session, tasks->offset, 0, false, atoi(pid_text)};
	free(pid_text);
	REQUIRE_OK(kc_kernel_list_walk(session, init_task + tasks->offset,
				       KC_KERNEL_LIST_MAX, count_task, &ctx));
	/*
	 * The task list holds thread-group leaders: the processes of the
	 * snapshot taken just before the crash, give or take the collector's
	 * transient processes, plus the crasher itself.
	 */
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/kdump-snapshot/ps.txt",
		 kc_test_fixtures_dir(), fixture);
	char *ps = kc_test_read_file(path, NULL);
	REQUIRE(ps);
	unsigned snapshot = 0;
	for (char *p = ps; *p; p++)
		snapshot += *p == '\n';
	free(ps);
	printf("    %s: %u tasks on init_task.tasks, %u processes in the snapshot\n",
	       fixture, ctx.count, snapshot);
	CHECK(ctx.count + 8 >= snapshot && ctx.count <= snapshot + 8);
	CHECK(ctx.saw_crasher);
	/* State member changed name in v5.14. */
	CHECK(kc_kernel_has_member(session, "struct task_struct", "__state") !=
	      kc_kernel_has_member(session, "struct task_struct", "state"));
	kc_session_destroy(session);
}

KC_TEST(kernel_task_list_4k48) { check_tasks("arm64-6.1-4k48"); }
KC_TEST(kernel_task_list_16k47) { check_tasks("arm64-6.1-16k47"); }
KC_TEST(kernel_task_list_64k52) { check_tasks("arm64-6.1-64k52"); }
KC_TEST(kernel_task_list_5_10_4k39) { check_tasks("arm64-5.10-4k39"); }

static struct kc_error *never(void *ctx, uint64_t node)
{
	(void)ctx;
	(void)node;
	return NULL;
}

/* Bounded walks: a limit below the list's length is an error, not a hang. */
KC_TEST(kernel_list_walk_bounded)
{
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session)
		return;
	uint64_t init_task;
	REQUIRE_OK(kc_kernel_symbol(session, "init_task", &init_task));
	const struct kc_kernel_member *tasks;
	REQUIRE_OK(kc_kernel_member(session, "struct task_struct", "tasks", &tasks));
	struct kc_error *err = kc_kernel_list_walk(session, init_task + tasks->offset, 5,
						   never, NULL);
	CHECK(err && err->code == KC_ERR_FORMAT && strstr(err->message, "more than 5"));
	kc_error_destroy(err);
	/* An unmapped head is an error naming it. */
	err = kc_kernel_list_walk(session, 0xffff800000000000ull, 5, never, NULL);
	CHECK(err && strstr(err->message, "0xffff800000000000"));
	kc_error_destroy(err);
	/* A missing member is a one-line error naming type and member. */
	const struct kc_kernel_member *m;
	err = kc_kernel_member(session, "struct task_struct", "no_such_member", &m);
	CHECK(err && strstr(err->message, "no_such_member"));
	kc_error_destroy(err);
	kc_session_destroy(session);
}
