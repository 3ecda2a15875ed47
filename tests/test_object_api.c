/* SPDX-License-Identifier: MIT */
/*
 * The typed-object API (include/kcrash/object.h) on the real fixtures
 * (DWARF from their vmlinux) and the Debian dumps opened alone (BTF from
 * the dump, kallsyms): every answer is compared with what kcrash's own
 * task and module readers give, and with the fixtures' ground truth. Then
 * what must fail: unmapped pointers, missing members, deref of a
 * non-pointer, lists that loop.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kcrash/kcrash.h>
#include <kcrash/object.h>

#include "harness.h"

/* Fail the test with ERR's message (and free it) unless it is NULL. */
#define OK(expr) REQUIRE_OK(expr)

/* An error of CODE whose message contains TEXT; frees it. */
static bool error_is(struct kc_error *err, enum kc_error_code code, const char *text)
{
	bool ok = err && err->code == code && strstr(kc_error_message(err), text);
	if (!ok)
		kc_test_fail(__FILE__, __LINE__, "expected error %d containing \"%s\", got %s (%d)",
			     code, text, err ? kc_error_message(err) : "success",
			     err ? (int)err->code : 0);
	kc_error_destroy(err);
	return ok;
}

/* ---- processes: init_task.tasks walked with objects, against kc_tasks() ---- */

struct walk_tasks {
	const struct kc_task_list *list;
	const char *label;
	size_t nr_seen, nr_matched;
	int crash_pid;
	bool crash_seen;
	char crash_comm[64];
};

static struct kc_error *visit_task(void *ctx, const struct kc_object *task)
{
	struct walk_tasks *w = ctx;
	struct kc_object pid, comm, parent_tgid;
	int64_t pid_value, ppid_value;
	char comm_text[32];
	size_t comm_length;
	struct kc_error *err = kc_object_member(task, "pid", &pid);
	if (!err)
		err = kc_object_read_signed(&pid, &pid_value);
	if (!err)
		err = kc_object_member(task, "comm", &comm);
	if (!err)
		err = kc_object_read_string(&comm, comm_text, sizeof(comm_text), &comm_length);
	/* A "->" step follows the pointer inside the path. */
	if (!err)
		err = kc_object_member(task, "real_parent->tgid", &parent_tgid);
	if (!err)
		err = kc_object_read_signed(&parent_tgid, &ppid_value);
	if (err)
		return err;
	w->nr_seen++;
	const struct kc_task *t = kc_task_by_addr(w->list, task->address);
	if (CHECK_MSG(t != NULL, "%s: task 0x%" PRIx64 " (pid %" PRId64 ") not in kc_tasks()",
		      w->label, task->address, pid_value)) {
		CHECK_MSG(t->pid == pid_value && t->ppid == ppid_value &&
				  strcmp(t->comm, comm_text) == 0 && comm_length == strlen(t->comm),
			  "%s: task 0x%" PRIx64 ": objects say pid %" PRId64 " ppid %" PRId64
			  " %s, kc_tasks() %d %d %s",
			  w->label, task->address, pid_value, ppid_value, comm_text, t->pid, t->ppid,
			  t->comm);
		w->nr_matched++;
	}
	if (pid_value == w->crash_pid) {
		w->crash_seen = true;
		CHECK_STR(comm_text, w->crash_comm);
	}
	return NULL;
}

/* Every process on init_task.tasks, read through objects, is kc_tasks()'s. */
static void check_processes(struct kc_session *session, const char *label, int crash_pid,
			    const char *crash_comm)
{
	const struct kc_task_list *list;
	OK(kc_tasks(session, &list));
	struct kc_object init_task, tasks;
	struct kc_type task_type;
	OK(kc_object_from_symbol(session, "init_task", &init_task));
	OK(kc_kernel_type(session, "struct task_struct", &task_type));
	OK(kc_object_member(&init_task, "tasks", &tasks));
	struct walk_tasks w = {.list = list, .label = label, .crash_pid = crash_pid};
	snprintf(w.crash_comm, sizeof(w.crash_comm), "%s", crash_comm ? crash_comm : "");
	OK(kc_object_list_for_each_entry(&tasks, &task_type, "tasks", 0, visit_task, &w));
	/* Every thread group leader but init_task (the head) is on the list. */
	size_t leaders = 0;
	for (size_t i = 0; i < list->nr_tasks; i++)
		leaders += !list->tasks[i].is_idle && list->tasks[i].pid == list->tasks[i].tgid;
	CHECK_MSG(w.nr_seen == leaders && w.nr_matched == leaders,
		  "%s: %zu processes on the list (%zu matched), kc_tasks() has %zu leaders", label,
		  w.nr_seen, w.nr_matched, leaders);
	if (crash_pid > 0)
		CHECK_MSG(w.crash_seen, "%s: the crashing pid %d not found", label, crash_pid);

	/* init_task itself: pid 0, "swapper/0", at its symbol's address. */
	struct kc_object pid, comm, first_char;
	int64_t value;
	char text[32];
	uint64_t address;
	OK(kc_kernel_symbol(session, "init_task", &address));
	CHECK_EQ_U64(init_task.address, address);
	OK(kc_object_member(&init_task, "pid", &pid));
	OK(kc_object_read_signed(&pid, &value));
	CHECK_EQ_U64(value, 0);
	OK(kc_object_member(&init_task, "comm", &comm));
	OK(kc_object_read_string(&comm, text, sizeof(text), NULL));
	CHECK_STR(text, "swapper/0");
	OK(kc_object_index(&comm, 1, &first_char));
	OK(kc_object_read_signed(&first_char, &value));
	CHECK_EQ_U64(value, 'w');
	/*
	 * files->fdt of init (pid 1): DWARF may type task_struct.files as a
	 * pointer to a declaration; its definition is found by name.
	 */
	const struct kc_task *init = kc_task_by_pid(list, 1);
	REQUIRE(init != NULL);
	struct kc_type task_type_for_files, files_type, completed;
	struct kc_member files_member;
	uint64_t files_size, completed_size;
	OK(kc_kernel_type(session, "struct task_struct", &task_type_for_files));
	OK(kc_type_member(&task_type_for_files, "files", &files_member));
	OK(kc_type_target(&files_member.type, &files_type));
	kc_object_complete_type(session, &files_type, &completed);
	OK(kc_type_size(&completed, &completed_size));
	OK(kc_kernel_sizeof(session, "struct files_struct", &files_size));
	CHECK_EQ_U64(completed_size, files_size);
	struct kc_object init_obj, max_fds;
	OK(kc_object_at(session, &task_type_for_files, init->task, &init_obj));
	OK(kc_object_member(&init_obj, "files->fdt->max_fds", &max_fds));
	OK(kc_object_read_unsigned(&max_fds, &files_size));
	CHECK_MSG(files_size >= 64 && files_size % 64 == 0, "%s: init's max_fds %" PRIu64, label,
		  files_size);
	/* A short buffer cuts the string, NUL-terminated. */
	OK(kc_object_read_string(&comm, text, 4, NULL));
	CHECK_STR(text, "swa");
}

KC_TEST(object_api_processes_match_kcrash_tasks)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			continue;
		char *pid = kc_test_fact(fixture, "crash.pid");
		char *comm = kc_test_fact(fixture, "crash.comm");
		check_processes(session, fixture, pid ? atoi(pid) : -1, comm);
		free(pid);
		free(comm);
		kc_session_destroy(session);
	}
}

/* ---- per-CPU: runqueues' curr against the active tasks ---- */

static void check_runqueues(struct kc_session *session, const char *label)
{
	const struct kc_task_list *list;
	OK(kc_tasks(session, &list));
	struct kc_object runqueues, runqueues_ptr;
	OK(kc_object_from_symbol(session, "runqueues", &runqueues));
	OK(kc_object_address_of(&runqueues, &runqueues_ptr));
	unsigned nr_cpus = kc_kernel_nr_cpus(session);
	REQUIRE(nr_cpus >= 1);
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		struct kc_object rq, rq_cpu, curr, moved_ptr;
		int64_t rq_cpu_value;
		uint64_t curr_address, moved_address;
		OK(kc_object_per_cpu(&runqueues, cpu, &rq));
		OK(kc_object_member(&rq, "cpu", &rq_cpu));
		OK(kc_object_read_signed(&rq_cpu, &rq_cpu_value));
		CHECK_MSG(rq_cpu_value == cpu, "%s: runqueues on CPU %u says cpu %" PRId64, label,
			  cpu, rq_cpu_value);
		/* per_cpu_ptr(&runqueues, cpu) == &per_cpu(runqueues, cpu). */
		OK(kc_object_per_cpu_ptr(&runqueues_ptr, cpu, &moved_ptr));
		OK(kc_object_read_unsigned(&moved_ptr, &moved_address));
		CHECK_EQ_U64(moved_address, rq.address);
		OK(kc_object_member(&rq, "curr", &curr));
		OK(kc_object_read_unsigned(&curr, &curr_address));
		const struct kc_task *t = kc_task_by_addr(list, curr_address);
		CHECK_MSG(t && t->is_active && t->cpu == (int)cpu,
			  "%s: CPU %u's curr 0x%" PRIx64 " is not kc_tasks()'s active task there",
			  label, cpu, curr_address);
	}
	struct kc_object beyond;
	error_is(kc_object_per_cpu(&runqueues, nr_cpus, &beyond), KC_ERR_INVALID_ARG,
		 "possible CPUs");
	/* per_cpu_ptr() of a struct is refused. */
	error_is(kc_object_per_cpu_ptr(&runqueues, 0, &beyond), KC_ERR_INVALID_ARG,
		 "needs a pointer");
}

KC_TEST(object_api_per_cpu_runqueues)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			continue;
		check_runqueues(session, fixture);
		kc_session_destroy(session);
	}
}

/* ---- modules: the modules list against kc_modules_get() ---- */

struct walk_modules {
	const struct kc_modules *modules;
	size_t index;
	const char *label;
};

static struct kc_error *visit_module(void *ctx, const struct kc_object *module)
{
	struct walk_modules *w = ctx;
	struct kc_object name;
	char text[64];
	struct kc_error *err = kc_object_member(module, "name", &name);
	if (!err)
		err = kc_object_read_string(&name, text, sizeof(text), NULL);
	if (err)
		return err;
	if (CHECK_MSG(w->index < w->modules->nr_modules, "%s: more modules than kc_modules_get()",
		      w->label)) {
		const struct kc_module *m = &w->modules->modules[w->index];
		CHECK_STR(text, m->name);
		CHECK_EQ_U64(module->address, m->addr);
	}
	w->index++;
	return NULL;
}

KC_TEST(object_api_modules_match_kcrash_modules)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			continue;
		const struct kc_modules *modules;
		struct kc_object head;
		struct kc_type module_type;
		OK(kc_modules_get(session, &modules));
		OK(kc_object_from_symbol(session, "modules", &head));
		OK(kc_kernel_type(session, "struct module", &module_type));
		struct walk_modules w = {modules, 0, fixture};
		OK(kc_object_list_for_each_entry(&head, &module_type, "list", 1000, visit_module,
						 &w));
		CHECK_EQ_U64(w.index, modules->nr_modules);
		/* The fixtures' one module, as the running kernel listed it. */
		char *base = kc_test_fact(fixture, "module.kcrash_testmod.base");
		CHECK_MSG(base && modules->nr_modules == 1 &&
				  strcmp(modules->modules[0].name, "kcrash_testmod") == 0 &&
				  modules->modules[0].text_base == strtoull(base, NULL, 16),
			  "%s: kcrash_testmod at %s", fixture, base ? base : "?");
		free(base);
		kc_session_destroy(session);
	}
}

/* ---- values, casts, names ---- */

KC_TEST(object_api_values_casts_and_names)
{
	const char *fixture = "arm64-6.1-4k48";
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	struct kc_object init_task, tasks_next, first, pid, comm, as_long, deref, ptr;
	struct kc_type task_type, ulong_type, int_type;
	char name[256];
	uint64_t u, size, kernel_size;
	int64_t s;
	OK(kc_object_from_symbol(session, "init_task", &init_task));
	OK(kc_kernel_type(session, "struct task_struct", &task_type));
	OK(kc_kernel_type(session, "unsigned long", &ulong_type));
	OK(kc_kernel_type(session, "int", &int_type));
	CHECK(kc_object_kind(&init_task) == KC_TYPE_STRUCT);
	OK(kc_object_size(&init_task, &size));
	OK(kc_kernel_sizeof(session, "struct task_struct", &kernel_size));
	CHECK_EQ_U64(size, kernel_size);

	/* Type names as C spells them. */
	kc_object_type_name(&init_task.type, name, sizeof(name));
	CHECK_STR(name, "struct task_struct");
	OK(kc_object_member(&init_task, "comm", &comm));
	kc_object_type_name(&comm.type, name, sizeof(name));
	CHECK_STR(name, "char [16]");
	OK(kc_object_member(&init_task, "tasks.next", &tasks_next));
	kc_object_type_name(&tasks_next.type, name, sizeof(name));
	CHECK_STR(name, "struct list_head *");
	struct kc_type fops;
	struct kc_member read_member;
	OK(kc_kernel_type(session, "struct file_operations", &fops));
	OK(kc_type_member(&fops, "read", &read_member));
	kc_object_type_name(&read_member.type, name, sizeof(name));
	CHECK_MSG(strncmp(name, "ssize_t (*)(struct file *, char *, size_t, loff_t *)", 60) == 0,
		  "file_operations.read is \"%s\"", name);

	/* container_of(init_task.tasks.next) is the first process on the list. */
	OK(kc_object_container_of(&tasks_next, &task_type, "tasks", &first));
	OK(kc_object_read_unsigned(&first, &u));
	OK(kc_object_read_unsigned(&tasks_next, &size));
	struct kc_member tasks_member;
	OK(kc_type_member(&task_type, "tasks", &tasks_member));
	CHECK_EQ_U64(u, size - tasks_member.offset);
	/* ...which is init (pid 1), read through the pointer: obj.member derefs. */
	OK(kc_object_member(&first, "pid", &pid));
	OK(kc_object_read_signed(&pid, &s));
	CHECK_EQ_U64(s, 1);
	OK(kc_object_deref(&first, &deref));
	CHECK_EQ_U64(deref.address, u);

	/* &init_task is its address; a cast to unsigned long keeps it. */
	OK(kc_object_address_of(&init_task, &ptr));
	OK(kc_object_cast(&ptr, &ulong_type, &as_long));
	CHECK(!as_long.is_reference);
	OK(kc_object_read_unsigned(&as_long, &u));
	CHECK_EQ_U64(u, init_task.address);
	/* An int holding 0xffffffff is -1 signed; cast to unsigned long it extends. */
	struct kc_object minus_one, widened;
	OK(kc_object_from_integer(session, &int_type, 0xffffffffu, &minus_one));
	OK(kc_object_read_signed(&minus_one, &s));
	CHECK_EQ_U64(s, -1);
	OK(kc_object_cast(&minus_one, &ulong_type, &widened));
	OK(kc_object_read_unsigned(&widened, &u));
	CHECK_EQ_U64(u, UINT64_MAX);
	bool truth;
	OK(kc_object_read_bool(&minus_one, &truth));
	CHECK(truth);

	/* comm's bytes, and comm reinterpreted as an unsigned long: the same memory. */
	uint8_t bytes[16];
	size_t got;
	OK(kc_object_read_bytes(&comm, bytes, sizeof(bytes), &got));
	CHECK_EQ_U64(got, 16);
	CHECK(memcmp(bytes, "swapper/0", 10) == 0);
	struct kc_object reread;
	OK(kc_object_reinterpret(&comm, &ulong_type, &reread));
	OK(kc_object_read_unsigned(&reread, &u));
	uint64_t expect = 0;
	for (int i = 7; i >= 0; i--)
		expect = expect << 8 | bytes[i];
	CHECK_EQ_U64(u, expect);
	/* deref of an array is its first element. */
	OK(kc_object_deref(&comm, &deref));
	OK(kc_object_read_signed(&deref, &s));
	CHECK_EQ_U64(s, 's');

	/* A bitfield: the bits of the byte(s) it sits in. */
	struct kc_object bits, whole;
	struct kc_member member;
	OK(kc_type_member(&task_type, "sched_reset_on_fork", &member));
	CHECK(member.bit_size == 1);
	const struct kc_task_list *list;
	OK(kc_tasks(session, &list));
	for (size_t i = 0; i < list->nr_tasks; i++) {
		struct kc_object task;
		uint8_t byte;
		OK(kc_object_at_named(session, "struct task_struct", list->tasks[i].task, &task));
		OK(kc_object_member(&task, "sched_reset_on_fork", &bits));
		CHECK(bits.bit_size == 1 && bits.address == task.address + member.offset);
		OK(kc_object_read_unsigned(&bits, &u));
		OK(kc_object_at(session, &int_type, bits.address, &whole));
		OK(kc_kernel_read(session, bits.address, &byte, 1));
		CHECK_EQ_U64(u, (byte >> bits.bit_offset) & 1);
	}
	/* A bitfield has no address. */
	error_is(kc_object_address_of(&bits, &ptr), KC_ERR_INVALID_ARG, "bitfield");
	kc_session_destroy(session);
}

/* ---- what must fail ---- */

/* A list_head object at ADDRESS (not a real list head). */
static struct kc_error *list_head_at(struct kc_session *session, uint64_t address,
				     struct kc_object *ret)
{
	return kc_object_at_named(session, "struct list_head", address, ret);
}

static struct kc_error *count_entry(void *ctx, const struct kc_object *entry)
{
	(void)entry;
	(*(size_t *)ctx)++;
	return NULL;
}

static void check_errors(struct kc_session *session, const char *label)
{
	struct kc_object init_task, pid, comm, out, null_ptr;
	struct kc_type task_type, task_ptr_type, list_type;
	uint64_t u;
	char text[32];
	OK(kc_object_from_symbol(session, "init_task", &init_task));
	OK(kc_kernel_type(session, "struct task_struct", &task_type));
	OK(kc_kernel_type(session, "struct task_struct *", &task_ptr_type));
	OK(kc_kernel_type(session, "struct list_head", &list_type));
	OK(kc_object_member(&init_task, "pid", &pid));
	OK(kc_object_member(&init_task, "comm", &comm));

	/* An unmapped pointer: the error names the address read. */
	OK(kc_object_from_integer(session, &task_ptr_type, 0x10, &null_ptr));
	OK(kc_object_member(&null_ptr, "pid", &out));
	struct kc_member pid_member;
	OK(kc_type_member(&task_type, "pid", &pid_member));
	struct kc_error *err = kc_object_read_unsigned(&out, &u);
	char want[64];
	snprintf(want, sizeof(want), "0x%" PRIx64, 0x10 + pid_member.offset);
	CHECK_MSG(err && err->has_address && err->address == 0x10 + pid_member.offset &&
			  strstr(kc_error_message(err), want) &&
			  strstr(kc_error_message(err), "pid_t"),
		  "%s: read through 0x10: %s", label, err ? kc_error_message(err) : "no error");
	kc_error_destroy(err);
	/* An object larger than the buffer given is refused before any read. */
	struct kc_object unmapped;
	OK(kc_object_at(session, &task_type, 8, &unmapped));
	err = kc_object_read_bytes(&unmapped, text, sizeof(text), NULL);
	CHECK(err && err->code == KC_ERR_INVALID_ARG);
	kc_error_destroy(err);

	/* Members: missing, of a non-struct; deref of a non-pointer. */
	error_is(kc_object_member(&init_task, "no_such_member", &out), KC_ERR_LOOKUP,
		 "no member `no_such_member'");
	error_is(kc_object_member(&init_task, "tasks.nope", &out), KC_ERR_LOOKUP, "tasks.nope");
	error_is(kc_object_member(&pid, "x", &out), KC_ERR_INVALID_ARG, "pid_t");
	error_is(kc_object_deref(&pid, &out), KC_ERR_INVALID_ARG, "not a pointer");
	error_is(kc_object_member(&init_task, "mm->", &out), KC_ERR_INVALID_ARG,
		 "bad member path");
	error_is(kc_object_index(&comm, 16, &out), KC_ERR_INVALID_ARG, "out of bounds");
	error_is(kc_object_index(&pid, 0, &out), KC_ERR_INVALID_ARG, "not an array or pointer");
	error_is(kc_object_read_string(&pid, text, sizeof(text), NULL), KC_ERR_INVALID_ARG,
		 "no string");
	error_is(kc_object_read_unsigned(&init_task, &u), KC_ERR_INVALID_ARG,
		 "struct task_struct");
	error_is(kc_object_cast(&init_task, &task_ptr_type, &out), KC_ERR_INVALID_ARG,
		 "cannot cast");
	error_is(kc_object_cast(&pid, &task_type, &out), KC_ERR_INVALID_ARG, "cannot cast to");
	error_is(kc_object_from_integer(session, &task_type, 1, &out), KC_ERR_INVALID_ARG,
		 "not an integer or pointer type");
	error_is(kc_object_from_symbol(session, "no_such_variable_kc", &out), KC_ERR_LOOKUP,
		 "no_such_variable_kc");
	error_is(kc_object_at_named(session, "struct no_such_struct_kc", 0, &out),
		 KC_ERR_LOOKUP, "no_such_struct_kc");
	error_is(kc_object_container_of(&pid, &task_type, "nope", &out), KC_ERR_LOOKUP, "nope");
	error_is(kc_object_reinterpret(&null_ptr, &task_type, &out), KC_ERR_INVALID_ARG,
		 "in memory");

	/*
	 * A list that loops without coming back: an empty list_head H (next
	 * == prev == H) seen from H + 8, whose "next" is H's prev (H). The
	 * walk reaches H, whose next is H again: a cycle named at H.
	 */
	const struct kc_task_list *list;
	OK(kc_tasks(session, &list));
	uint64_t empty = 0;
	for (size_t i = 0; i < list->nr_tasks && !empty; i++) {
		struct kc_object task, children, next;
		OK(kc_object_at(session, &task_type, list->tasks[i].task, &task));
		OK(kc_object_member(&task, "children", &children));
		OK(kc_object_member(&children, "next", &next));
		OK(kc_object_read_unsigned(&next, &u));
		if (u == children.address)
			empty = u;
	}
	REQUIRE(empty != 0);
	struct kc_object fake;
	size_t visited = 0;
	OK(list_head_at(session, empty + 8, &fake));
	err = kc_object_list_for_each_entry(&fake, &list_type, "next", 100, count_entry,
					    &visited);
	CHECK_MSG(err && err->has_address && err->address == empty &&
			  strstr(kc_error_message(err), "cycle"),
		  "%s: looping list from 0x%" PRIx64 ": %s", label, empty + 8,
		  err ? kc_error_message(err) : "no error");
	CHECK_EQ_U64(visited, 1);
	kc_error_destroy(err);
	/* A "list" whose next is text ("swapper/"): its entry cannot be followed. */
	OK(list_head_at(session, comm.address, &fake));
	visited = 0;
	err = kc_object_list_for_each_entry(&fake, &list_type, "next", 100, count_entry,
					    &visited);
	uint64_t garbage;
	OK(kc_kernel_read_u64(session, comm.address, &garbage));
	CHECK_MSG(err && err->has_address && err->address == garbage,
		  "%s: list of text: %s", label, err ? kc_error_message(err) : "no error");
	kc_error_destroy(err);
}

KC_TEST(object_api_errors)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			continue;
		check_errors(session, fixture);
		kc_session_destroy(session);
	}
}

/* ---- the Debian dumps alone: BTF types, kallsyms symbols ---- */

KC_TEST(object_api_debian_dumps_alone)
{
	char root[2200];
	snprintf(root, sizeof(root), "%.2100s/fixtures", kc_test_source_dir());
	DIR *d = opendir(root);
	REQUIRE(d != NULL);
	size_t opened = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "debian-", 7) != 0)
			continue;
		char dump[2600], ps_path[2600];
		snprintf(dump, sizeof(dump), "%.2100s/%.200s/vmcore.kdump-zlib", root, e->d_name);
		if (access(dump, R_OK) != 0)
			snprintf(dump, sizeof(dump), "%.2100s/%.200s/qemu.kdump-zlib", root,
				 e->d_name);
		snprintf(ps_path, sizeof(ps_path), "%.2100s/%.200s/ground-truth/ps.txt", root,
			 e->d_name);
		const char *paths[] = {dump};
		struct kc_session_options opts = {.dump_paths = paths, .nr_dump_paths = 1};
		struct kc_session *session;
		struct kc_error *err = kc_session_open(&opts, &session);
		if (err) {
			CHECK_MSG(false, "%s: %s", dump, kc_error_message(err));
			kc_error_destroy(err);
			continue;
		}
		opened++;
		check_processes(session, e->d_name, -1, NULL);
		check_runqueues(session, e->d_name);
		check_errors(session, e->d_name);
		/* The guest's own ps: each pid with its name is a task read through objects. */
		char *ps = kc_test_read_file(ps_path, NULL);
		const struct kc_task_list *list;
		struct kc_error *tasks_err = kc_tasks(session, &list);
		if (CHECK(ps && !tasks_err)) {
			size_t compared = 0;
			for (char *line = strtok(ps, "\n"); line; line = strtok(NULL, "\n")) {
				int pid, ppid;
				char state, comm[64];
				if (sscanf(line, "%d %d %c %63s", &pid, &ppid, &state, comm) != 4 ||
				    strncmp(comm, "kworker", 7) == 0)
					continue;
				const struct kc_task *t = kc_task_by_pid(list, pid);
				if (!t)
					continue; /* ps itself and its pipeline */
				struct kc_object task, comm_obj;
				char text[32];
				OK(kc_object_at_named(session, "struct task_struct", t->task, &task));
				OK(kc_object_member(&task, "comm", &comm_obj));
				OK(kc_object_read_string(&comm_obj, text, sizeof(text), NULL));
				CHECK_MSG(strncmp(comm, text, 15) == 0, "%s: pid %d is %s, guest says %s",
					  e->d_name, pid, text, comm);
				compared++;
			}
			CHECK_MSG(compared > 20, "%s: %zu tasks compared", e->d_name, compared);
		}
		kc_error_destroy(tasks_err);
		free(ps);
		kc_session_destroy(session);
	}
	closedir(d);
	CHECK_MSG(opened >= 4, "%zu Debian dumps opened", opened);
}
