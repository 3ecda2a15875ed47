/* SPDX-License-Identifier: MIT */
/*
 * Task backtraces; see backtrace.h. Layout facts (arm64, v5.10 and v6.1):
 * - THREAD_SIZE is sizeof(union thread_union), else max(16K, PAGE_SIZE)
 *   (asm/memory.h, VMAP_STACK, no KASAN); IRQ_STACK_SIZE is THREAD_SIZE.
 * - A sleeping task's callee-saved registers are task->thread.cpu_context,
 *   saved by cpu_switch_to (its pc is the return address into __switch_to).
 * - crash_notes is a per-CPU note_buf_t: an ELF note "CORE" NT_PRSTATUS
 *   whose struct elf_prstatus holds pr_pid at 32 and pr_reg at 112
 *   (include/uapi/linux/elfcore.h, arm64 64-bit layout).
 */
#include "backtrace.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "symbols.h"
#include "vmcore/file.h"

#define PRSTATUS_PID_OFFSET 32
#define PRSTATUS_REG_OFFSET 112
#define NT_PRSTATUS_TYPE 1

const char *kc_bt_start_name(enum kc_bt_start start)
{
	switch (start) {
	case KC_BT_START_SLEEPING:
		return "thread.cpu_context";
	case KC_BT_START_REGS:
		return "CPU registers";
	case KC_BT_START_KDUMP:
		return "kdump frame";
	case KC_BT_START_USER:
		return "user space";
	case KC_BT_START_GIVEN:
		break;
	}
	return "given registers";
}

/* ---- registers at the dump ---- */

static void regs_from_prstatus(const struct kc_prstatus *note,
			       struct kc_arm64_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	memcpy(regs->x, note->regs, sizeof(regs->x));
	regs->sp = note->sp;
	regs->pc = note->pc;
	regs->pstate = note->pstate;
}

/*
 * The note of CPU: the kernel writes one per possible CPU in CPU order and
 * QEMU one per vCPU, so with as many notes as CPUs note i is CPU i; else a
 * note naming a task (pr_pid > 0) is that task's CPU's, and the pid-0 notes
 * (idle CPUs) go to the remaining CPUs in order.
 */
static const struct kc_prstatus *note_of_cpu(struct kc_session *session,
					     unsigned cpu)
{
	const struct kc_dump *dump = session->dump;
	if (!dump || !dump->nr_prstatus)
		return NULL;
	unsigned nr_cpus = kc_kernel_nr_cpus(session);
	if (dump->nr_prstatus == nr_cpus)
		return cpu < dump->nr_prstatus ? &dump->prstatus[cpu] : NULL;
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err) {
		kc_error_destroy(err);
		return cpu < dump->nr_prstatus ? &dump->prstatus[cpu] : NULL;
	}
	bool taken[64] = {false};
	for (size_t i = 0; i < dump->nr_prstatus; i++) {
		const struct kc_task *t = dump->prstatus[i].pid > 0
			? kc_task_by_pid(list, dump->prstatus[i].pid) : NULL;
		if (t && t->cpu >= 0 && t->cpu < 64) {
			if ((unsigned)t->cpu == cpu)
				return &dump->prstatus[i];
			taken[t->cpu] = true;
		}
	}
	unsigned next_cpu = 0;
	for (size_t i = 0; i < dump->nr_prstatus; i++) {
		if (dump->prstatus[i].pid > 0 &&
		    kc_task_by_pid(list, dump->prstatus[i].pid))
			continue;
		while (next_cpu < 64 && taken[next_cpu])
			next_cpu++;
		if (next_cpu == cpu)
			return &dump->prstatus[i];
		next_cpu++;
	}
	return NULL;
}

/* CPU's crash_notes buffer in kernel memory (per-CPU note_buf_t). */
static struct kc_error *crash_note_registers(struct kc_session *session,
					     unsigned cpu,
					     struct kc_arm64_regs *regs,
					     int32_t *pid)
{
	uint64_t var, base, note;
	struct kc_error *err = kc_kernel_symbol(session, "crash_notes", &var);
	if (!err)
		err = kc_kernel_read_u64(session, var, &base);
	if (!err && !base)
		err = kc_error_create(KC_ERR_LOOKUP, "crash_notes is NULL");
	if (!err)
		err = kc_kernel_percpu(session, base, cpu, &note);
	uint8_t buf[512];
	if (!err)
		err = kc_kernel_read(session, note, buf, sizeof(buf));
	if (err)
		return kc_error_prefix(err, "CPU %u: no registers in the dump's notes or crash_notes",
				       cpu);
	uint32_t namesz = kc_get_le32(buf), descsz = kc_get_le32(buf + 4);
	uint32_t type = kc_get_le32(buf + 8);
	size_t desc = 12 + ((namesz + 3) & ~3u);
	if (type != NT_PRSTATUS_TYPE || namesz == 0 || namesz > 8 ||
	    descsz < PRSTATUS_REG_OFFSET + 34 * 8 ||
	    desc + PRSTATUS_REG_OFFSET + 34 * 8 > sizeof(buf))
		return kc_error_address(KC_ERR_FORMAT, note,
					"CPU %u: crash_notes at 0x%llx holds no NT_PRSTATUS note (type %u, name size %u); the CPU did not save its registers",
					cpu, (unsigned long long)note, type, namesz);
	const uint8_t *prstatus = buf + desc;
	memset(regs, 0, sizeof(*regs));
	for (int i = 0; i < 31; i++)
		regs->x[i] = kc_get_le64(prstatus + PRSTATUS_REG_OFFSET + 8 * i);
	regs->sp = kc_get_le64(prstatus + PRSTATUS_REG_OFFSET + 31 * 8);
	regs->pc = kc_get_le64(prstatus + PRSTATUS_REG_OFFSET + 32 * 8);
	regs->pstate = kc_get_le64(prstatus + PRSTATUS_REG_OFFSET + 33 * 8);
	*pid = (int32_t)kc_get_le32(prstatus + PRSTATUS_PID_OFFSET);
	if (!regs->sp && !regs->pc)
		return kc_error_create(KC_ERR_LOOKUP,
				       "CPU %u: its crash_notes registers are empty", cpu);
	return NULL;
}

struct kc_error *kc_cpu_registers(struct kc_session *session, unsigned cpu,
				  struct kc_arm64_regs *regs, int32_t *pid)
{
	const struct kc_prstatus *note = note_of_cpu(session, cpu);
	if (note) {
		regs_from_prstatus(note, regs);
		*pid = note->pid;
		return NULL;
	}
	return crash_note_registers(session, cpu, regs, pid);
}

/* ---- what the unwinder needs ---- */

struct text_ranges {
	struct kc_session *session;
	uint64_t text_start, text_end;
	uint64_t entry_start, entry_end;
};

static bool symbol_range(struct kc_session *session, const char *start,
			 const char *end, uint64_t *lo, uint64_t *hi)
{
	struct kc_error *err = kc_kernel_symbol(session, start, lo);
	if (!err)
		err = kc_kernel_symbol(session, end, hi);
	kc_error_destroy(err);
	return !err;
}

static void text_ranges_init(struct kc_session *session, struct text_ranges *t)
{
	memset(t, 0, sizeof(*t));
	t->session = session;
	symbol_range(session, "_stext", "_etext", &t->text_start, &t->text_end);
	/* The exception entry text: __entry_text_* (v5.10, v6.1). */
	if (!symbol_range(session, "__entry_text_start", "__entry_text_end",
			  &t->entry_start, &t->entry_end))
		symbol_range(session, "__exception_text_start",
			     "__exception_text_end", &t->entry_start, &t->entry_end);
}

static struct kc_error *read_kernel(void *arg, uint64_t addr, void *buf,
				    size_t len)
{
	struct text_ranges *t = arg;
	return kc_kernel_read(t->session, addr, buf, len);
}

static bool is_module_text(struct kc_session *session, uint64_t addr)
{
	struct kc_symbolized sym;
	struct kc_error *err = kc_symbolize(session, addr, &sym);
	if (err) {
		kc_error_destroy(err);
		return false;
	}
	return sym.module && (sym.type == 't' || sym.type == 'T');
}

static enum kc_arm64_text_kind text_kind(void *arg, uint64_t addr)
{
	struct text_ranges *t = arg;
	if (addr >= t->entry_start && addr < t->entry_end)
		return KC_ARM64_ENTRY_TEXT;
	if (addr >= t->text_start && addr < t->text_end)
		return KC_ARM64_TEXT;
	return is_module_text(t->session, addr) ? KC_ARM64_TEXT : KC_ARM64_NOT_TEXT;
}

static uint64_t thread_size(struct kc_session *session)
{
	uint64_t size;
	struct kc_error *err = kc_kernel_sizeof(session, "union thread_union", &size);
	if (!err)
		return size;
	kc_error_destroy(err);
	uint64_t page = session->mmu ? session->mmu->layout.page_size.value : 0x1000;
	return page > 0x4000 ? page : 0x4000;
}

/*
 * CPU's IRQ stack (irq_stack_ptr), SDEI stacks when the kernel has them
 * (sdei_stack_*_ptr) and overflow stack (the per-CPU array overflow_stack).
 */
static void add_cpu_stacks(struct kc_session *session, unsigned cpu,
			   uint64_t size, struct kc_backtrace *bt)
{
	static const struct {
		const char *var;
		enum kc_arm64_stack_kind kind;
	} pointers[] = {
		{"irq_stack_ptr", KC_ARM64_STACK_IRQ},
		{"sdei_stack_normal_ptr", KC_ARM64_STACK_SDEI_NORMAL},
		{"sdei_stack_critical_ptr", KC_ARM64_STACK_SDEI_CRITICAL},
	};
	for (size_t i = 0; i < sizeof(pointers) / sizeof(pointers[0]); i++) {
		uint64_t var, addr, base;
		struct kc_error *err = kc_kernel_symbol(session, pointers[i].var, &var);
		if (!err)
			err = kc_kernel_percpu(session, var, cpu, &addr);
		if (!err)
			err = kc_kernel_read_u64(session, addr, &base);
		kc_error_destroy(err);
		if (!err && base && bt->nr_stacks < KC_BT_MAX_STACKS)
			bt->stacks[bt->nr_stacks++] =
				(struct kc_arm64_stack){pointers[i].kind, base, base + size};
	}
	uint64_t overflow, overflow_size, addr;
	struct kc_error *err = kc_kernel_symbol_sized(session, "overflow_stack", &overflow,
						      &overflow_size);
	if (!err && overflow_size && bt->nr_stacks < KC_BT_MAX_STACKS)
		err = kc_kernel_percpu(session, overflow, cpu, &addr);
	if (!err && overflow_size && bt->nr_stacks < KC_BT_MAX_STACKS)
		bt->stacks[bt->nr_stacks++] = (struct kc_arm64_stack){
			KC_ARM64_STACK_OVERFLOW, addr, addr + overflow_size};
	kc_error_destroy(err);
}

static struct kc_error *unwind_layout(struct kc_session *session,
				      struct kc_arm64_unwind_input *in)
{
	const struct kc_kernel_member *stackframe;
	struct kc_error *err = kc_kernel_sizeof(session, "struct pt_regs",
						&in->pt_regs_size);
	if (!err)
		err = kc_kernel_member(session, "struct pt_regs", "stackframe",
				       &stackframe);
	if (err)
		return kc_error_prefix(err, "struct pt_regs layout");
	in->pt_regs_stackframe_offset = stackframe->offset;
	int64_t pac_mask = 0;
	if (session->vmcoreinfo)
		kc_error_destroy(kc_vmcoreinfo_number(session->vmcoreinfo,
						      "KERNELPACMASK", &pac_mask));
	in->pac_mask = (uint64_t)pac_mask;
	if (session->mmu)
		in->va_bits = (unsigned)(session->mmu->layout.va_bits_actual.known
						 ? session->mmu->layout.va_bits_actual.value
						 : session->mmu->layout.va_bits.value);
	return NULL;
}

static struct kc_error *read_pt_regs(struct kc_session *session, uint64_t addr,
				     struct kc_arm64_regs *regs)
{
	uint64_t words[36];
	struct kc_error *err = kc_kernel_read(session, addr, words, sizeof(words));
	if (err)
		return err;
	memcpy(regs->x, words, sizeof(regs->x));
	regs->sp = words[31];
	regs->pc = words[32];
	regs->pstate = words[33];
	regs->orig_x0 = words[34];
	regs->syscallno = words[35];
	return NULL;
}

/* ---- where the trace starts ---- */

static struct kc_error *sleeping_regs(struct kc_session *session,
				      const struct kc_task *task,
				      struct kc_arm64_regs *regs)
{
	static const char *const names[] = {
		"x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28",
	};
	memset(regs, 0, sizeof(*regs));
	char path[64];
	struct kc_error *err = NULL;
	for (int i = 0; i < 10 && !err; i++) {
		snprintf(path, sizeof(path), "thread.cpu_context.%s", names[i]);
		err = kc_kernel_read_member(session, task->task, "struct task_struct",
					    path, &regs->x[19 + i]);
	}
	if (!err)
		err = kc_kernel_read_member(session, task->task, "struct task_struct",
					    "thread.cpu_context.fp", &regs->x[29]);
	if (!err)
		err = kc_kernel_read_member(session, task->task, "struct task_struct",
					    "thread.cpu_context.sp", &regs->sp);
	if (!err)
		err = kc_kernel_read_member(session, task->task, "struct task_struct",
					    "thread.cpu_context.pc", &regs->pc);
	if (err)
		return kc_error_prefix(err, "PID %d: task_struct 0x%llx's thread.cpu_context",
				       task->pid, (unsigned long long)task->task);
	regs->pstate = KC_ARM64_PSR_MODE_EL1H;
	return NULL;
}

struct kdump_ranges {
	uint64_t start[3], end[3]; /* machine_kexec, crash_save_cpu, crash_kexec */
};

static bool function_range(struct kc_session *session, const char *name,
			   uint64_t *start, uint64_t *end)
{
	struct kc_symbolized sym;
	struct kc_error *err = kc_kernel_symbol(session, name, start);
	if (!err)
		err = kc_symbolize(session, *start, &sym);
	if (err) {
		kc_error_destroy(err);
		*start = *end = 0;
		return false;
	}
	*end = sym.addr + sym.size;
	return true;
}

/*
 * crash's arm64_in_kdump_text: scanning STACK down from FROM (exclusive),
 * the first word that returns into machine_kexec or crash_save_cpu, else
 * the first into crash_kexec; *AT gets the word's address.
 */
static bool find_kdump_frame(struct kc_session *session,
			     const struct kdump_ranges *r,
			     const struct kc_arm64_stack *stack, uint64_t from,
			     uint64_t pac_mask, uint64_t *at)
{
	size_t len = stack->high - stack->low;
	uint64_t *words = malloc(len);
	if (!words)
		return false;
	struct kc_error *err = kc_kernel_read(session, stack->low, words, len);
	if (err) {
		kc_error_destroy(err);
		free(words);
		return false;
	}
	uint64_t crash_kexec_at = 0;
	bool found = false;
	size_t top = (size_t)((from - stack->low) / 8);
	for (size_t i = top; i-- > 1 && !found;) {
		uint64_t value = kc_arm64_strip_pac(words[i], pac_mask);
		/*
		 * A return address lies past a call inside the function: never
		 * at its first instruction (a word equal to it is a function
		 * pointer, as a 6.12 KASAN kernel leaves crash_save_cpu's on
		 * the idle task's stack).
		 */
		for (int k = 0; k < 2; k++) {
			if (value > r->start[k] && value < r->end[k]) {
				*at = stack->low + 8 * i;
				found = true;
			}
		}
		if (!crash_kexec_at && value > r->start[2] && value < r->end[2])
			crash_kexec_at = stack->low + 8 * i;
	}
	free(words);
	if (!found && crash_kexec_at) {
		*at = crash_kexec_at;
		found = true;
	}
	return found;
}

static bool in_stack(const struct kc_arm64_stack *stack, uint64_t addr)
{
	return addr >= stack->low && addr < stack->high;
}

/*
 * An active task: its CPU's registers, moved to the kdump frame as crash
 * does when one is found on the task stack (below the registers' fp, or
 * anywhere when the CPU was in user mode) or on the IRQ stack.
 */
static struct kc_error *active_start(struct kc_session *session,
				     struct kc_backtrace *bt,
				     struct kc_arm64_regs *regs, uint64_t pac_mask)
{
	int32_t pid;
	struct kc_error *err = kc_cpu_registers(session, (unsigned)bt->task->cpu,
						regs, &pid);
	if (err)
		return err;
	bool user = (regs->pstate & KC_ARM64_PSR_MODE_MASK) == KC_ARM64_PSR_MODE_EL0T ||
		    (regs->pstate & KC_ARM64_PSR_MODE32_BIT);
	bt->start = user ? KC_BT_START_USER : KC_BT_START_REGS;
	struct kdump_ranges r;
	if (!function_range(session, "machine_kexec", &r.start[0], &r.end[0]) ||
	    !function_range(session, "crash_save_cpu", &r.start[1], &r.end[1]))
		return NULL;
	function_range(session, "crash_kexec", &r.start[2], &r.end[2]);
	const struct kc_arm64_stack *task_stack = &bt->stacks[0];
	uint64_t from = !user && in_stack(task_stack, regs->x[29])
				? regs->x[29] - 56 : task_stack->high - 56;
	uint64_t at = 0;
	bool found = find_kdump_frame(session, &r, task_stack, from, pac_mask, &at);
	for (size_t i = 1; !found && i < bt->nr_stacks; i++)
		if (bt->stacks[i].kind == KC_ARM64_STACK_IRQ)
			found = find_kdump_frame(session, &r, &bt->stacks[i],
						 bt->stacks[i].high - 56, pac_mask, &at);
	uint64_t record[2];
	if (!found || kc_kernel_read(session, at - 8, record, sizeof(record)))
		return NULL;
	memset(regs, 0, sizeof(*regs));
	regs->x[29] = record[0];
	regs->pc = record[1];
	regs->sp = at + 8;
	regs->pstate = KC_ARM64_PSR_MODE_EL1H;
	bt->start = KC_BT_START_KDUMP;
	return NULL;
}

static bool is_user_pt_regs(const struct kc_arm64_regs *regs)
{
	return (regs->pstate >> 32) == 0 &&
	       (regs->pstate & KC_ARM64_PSR_MODE_MASK) == KC_ARM64_PSR_MODE_EL0T &&
	       (regs->pc || regs->sp);
}

/* The user registers a user task's trace ends with (crash's complete_user). */
static void find_user_regs(struct kc_session *session, struct kc_backtrace *bt)
{
	const struct kc_arm64_unwind *u = &bt->unwind;
	if (u->end == KC_ARM64_UNWIND_USER && u->nr_frames) {
		const struct kc_arm64_frame *last = &u->frames[u->nr_frames - 1];
		bt->has_user_regs = true;
		bt->user_regs_addr = last->regs_addr;
		bt->user_regs = last->regs;
		return;
	}
	if (bt->task && bt->task->is_kernel_thread)
		return;
	uint64_t addr = bt->stacks[0].high - bt->pt_regs_size;
	struct kc_error *err = read_pt_regs(session, addr, &bt->user_regs);
	if (err) {
		kc_error_destroy(err);
		return;
	}
	if (is_user_pt_regs(&bt->user_regs)) {
		bt->has_user_regs = true;
		bt->user_regs_addr = addr;
	}
}

static struct kc_error *prepare(struct kc_session *session,
				const struct kc_task *task,
				struct kc_backtrace *bt,
				struct kc_arm64_unwind_input *in)
{
	memset(bt, 0, sizeof(*bt));
	memset(in, 0, sizeof(*in));
	bt->task = task;
	struct kc_error *err = unwind_layout(session, in);
	if (err)
		return err;
	bt->pt_regs_size = in->pt_regs_size;
	bt->pac_mask = kc_arm64_pac_mask(in->pac_mask, in->va_bits);
	uint64_t stack;
	err = kc_kernel_read_member(session, task->task, "struct task_struct",
				    "stack", &stack);
	if (err)
		return kc_error_prefix(err, "PID %d: task_struct 0x%llx's stack",
				       task->pid, (unsigned long long)task->task);
	uint64_t size = thread_size(session);
	if (!stack || (stack & (0x1000 - 1)))
		return kc_error_address(KC_ERR_FORMAT, stack,
					"PID %d: task_struct 0x%llx has stack 0x%llx, not a page-aligned stack",
					task->pid, (unsigned long long)task->task,
					(unsigned long long)stack);
	bt->stacks[bt->nr_stacks++] =
		(struct kc_arm64_stack){KC_ARM64_STACK_TASK, stack, stack + size};
	return NULL;
}

static struct kc_error *run_unwind(struct kc_session *session,
				   struct kc_backtrace *bt,
				   struct kc_arm64_unwind_input *in)
{
	struct text_ranges ranges;
	text_ranges_init(session, &ranges);
	in->regs = bt->start_regs;
	in->stacks = bt->stacks;
	in->nr_stacks = bt->nr_stacks;
	in->read = read_kernel;
	in->text_kind = text_kind;
	in->arg = &ranges;
	if (bt->start == KC_BT_START_USER) {
		bt->unwind.end = KC_ARM64_UNWIND_USER;
		snprintf(bt->unwind.reason, sizeof(bt->unwind.reason),
			 "the CPU was in user mode");
	} else {
		struct kc_error *err = kc_arm64_unwind(in, &bt->unwind);
		if (err)
			return err;
	}
	find_user_regs(session, bt);
	return NULL;
}

struct kc_error *kc_backtrace_task(struct kc_session *session,
				   const struct kc_task *task,
				   struct kc_backtrace *bt)
{
	struct kc_arm64_unwind_input in;
	struct kc_error *err = prepare(session, task, bt, &in);
	if (err)
		return err;
	bool from_cpu = task->is_active && task->cpu >= 0 && session->dump;
	if (from_cpu) {
		add_cpu_stacks(session, (unsigned)task->cpu,
			       bt->stacks[0].high - bt->stacks[0].low, bt);
		err = active_start(session, bt, &bt->start_regs, bt->pac_mask);
		if (err) {
			snprintf(bt->note, sizeof(bt->note),
				 "%s; trace from thread.cpu_context",
				 kc_error_message(err));
			kc_error_destroy(err);
			from_cpu = false;
			bt->nr_stacks = 1;
		}
	}
	if (!from_cpu) {
		bt->start = KC_BT_START_SLEEPING;
		err = sleeping_regs(session, task, &bt->start_regs);
		if (err)
			return err;
	}
	return run_unwind(session, bt, &in);
}

struct kc_error *kc_backtrace_from_regs(struct kc_session *session,
					const struct kc_task *task,
					const struct kc_arm64_regs *regs,
					struct kc_backtrace *bt)
{
	struct kc_arm64_unwind_input in;
	struct kc_error *err = prepare(session, task, bt, &in);
	if (err)
		return err;
	bt->start = KC_BT_START_GIVEN;
	bt->start_regs = *regs;
	return run_unwind(session, bt, &in);
}

void kc_backtrace_free(struct kc_backtrace *bt)
{
	kc_arm64_unwind_free(&bt->unwind);
}

/* ---- symbols ---- */

bool kc_bt_symbolize(void *arg, uint64_t addr, char *name, size_t len,
		     uint64_t *offset)
{
	struct kc_session *session = arg;
	struct text_ranges ranges;
	text_ranges_init(session, &ranges);
	if (text_kind(&ranges, addr) == KC_ARM64_NOT_TEXT)
		return false;
	struct kc_symbolized sym;
	struct kc_error *err = kc_symbolize(session, addr, &sym);
	if (err) {
		kc_error_destroy(err);
		return false;
	}
	snprintf(name, len, "%s", sym.name);
	*offset = sym.offset;
	return true;
}

bool kc_bt_frame_symbol(struct kc_session *session,
			const struct kc_arm64_frame *frame,
			struct kc_bt_symbol *ret)
{
	memset(ret, 0, sizeof(*ret));
	/* crash shows every frame at pc - 4 (the branch, for a return address). */
	ret->pc = frame->pc - 4;
	struct kc_symbolized sym;
	struct kc_error *err = kc_symbolize(session, ret->pc, &sym);
	if (err) {
		kc_error_destroy(err);
		return false;
	}
	snprintf(ret->function, sizeof(ret->function), "%s", sym.name);
	ret->offset = sym.offset;
	if (sym.module)
		snprintf(ret->module, sizeof(ret->module), "%s", sym.module);
	return true;
}

uint64_t kc_bt_frame_address(const struct kc_backtrace *bt,
			     const struct kc_arm64_frame *frame)
{
	return frame->sp ? frame->sp : bt->stacks[0].high - bt->pt_regs_size;
}

/* ---- bt -e: searching the stacks for exception frames ---- */

/*
 * A struct pt_regs that an EL1 exception left at ADDR, by crash's test
 * (arm64.c arm64_eframe_search): its sp and x29 inside the same stack, a
 * 32-bit AArch64 pstate in EL1, and pc and lr in kernel text.
 */
static bool plausible_el1_regs(const struct kc_arm64_regs *regs,
			       const struct kc_arm64_stack *stack,
			       struct text_ranges *ranges, uint64_t pac_mask)
{
	uint64_t mode = regs->pstate & KC_ARM64_PSR_MODE_MASK;
	return in_stack(stack, regs->sp) && in_stack(stack, regs->x[29]) &&
	       !(regs->pstate & (UINT64_C(0xffffffff00000000) | KC_ARM64_PSR_MODE32_BIT)) &&
	       (mode == KC_ARM64_PSR_MODE_EL1H || mode == KC_ARM64_PSR_MODE_EL1T) &&
	       text_kind(ranges, regs->pc) != KC_ARM64_NOT_TEXT &&
	       text_kind(ranges, kc_arm64_strip_pac(regs->x[30], pac_mask)) != KC_ARM64_NOT_TEXT;
}

void kc_bt_search_eframes(struct kc_session *session, const struct kc_backtrace *bt,
			  kc_bt_eframe_fn visit, void *ctx)
{
	struct text_ranges ranges;
	text_ranges_init(session, &ranges);
	for (size_t s = 0; s < bt->nr_stacks; s++) {
		const struct kc_arm64_stack *stack = &bt->stacks[s];
		uint64_t size = stack->high - stack->low;
		if (!size || size > (UINT64_C(1) << 20) || size < bt->pt_regs_size)
			continue;
		uint8_t *buf = malloc(size);
		if (!buf)
			return;
		struct kc_error *err = kc_kernel_read(session, stack->low, buf, size);
		if (err) {
			visit(ctx, stack->low, NULL, err);
			kc_error_destroy(err);
			free(buf);
			continue;
		}
		for (uint64_t off = 0; off + bt->pt_regs_size <= size; off += 8) {
			struct kc_arm64_regs regs = {0};
			const uint8_t *p = buf + off;
			for (int r = 0; r < 31; r++)
				regs.x[r] = kc_get_le64(p + 8 * r);
			regs.sp = kc_get_le64(p + 8 * 31);
			regs.pc = kc_get_le64(p + 8 * 32);
			regs.pstate = kc_get_le64(p + 8 * 33);
			regs.orig_x0 = kc_get_le64(p + 8 * 34);
			regs.syscallno = kc_get_le64(p + 8 * 35);
			if (plausible_el1_regs(&regs, stack, &ranges, bt->pac_mask))
				visit(ctx, stack->low + off, &regs, NULL);
		}
		free(buf);
	}
}
