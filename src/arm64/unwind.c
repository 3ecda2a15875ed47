/* SPDX-License-Identifier: MIT */
/*
 * arm64 frame-record unwinder; see unwind.h for the rules it enforces.
 *
 * Layout facts (arch/arm64, v5.10 and v6.1):
 * - A frame record is {saved x29, saved x30}, 16 bytes, at the address in
 *   x29; the kernel's unwinder requires it 8-byte aligned (v6.1 relaxed
 *   v5.10's 16) and wholly on one stack.
 * - Exception entry (kernel_entry in entry.S) pushes struct pt_regs, sets
 *   pt_regs->stackframe to {x29, elr} for an exception from EL1 or {0, 0}
 *   from EL0, and points x29 at it; the handler it calls from entry text
 *   therefore has a frame record whose fp is &pt_regs->stackframe.
 * - The task's final frame record is task_pt_regs(task)->stackframe, at
 *   the top of the task stack (v5.13+ stops there; v5.10 stops at {0, 0}).
 * - pt_regs starts with user_pt_regs {regs[31], sp, pc, pstate} then
 *   orig_x0 and syscallno (s32): offsets 0..0x118, the same in every
 *   release since v3.7.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "unwind.h"

#define FRAME_RECORD_SIZE 16
#define PT_REGS_ORIG_X0_OFFSET 272
#define PT_REGS_SYSCALLNO_OFFSET 280
#define PT_REGS_MIN_SIZE 288

const char *kc_arm64_stack_kind_name(enum kc_arm64_stack_kind kind)
{
	switch (kind) {
	case KC_ARM64_STACK_TASK:
		return "task";
	case KC_ARM64_STACK_IRQ:
		return "IRQ";
	case KC_ARM64_STACK_OVERFLOW:
		return "overflow";
	case KC_ARM64_STACK_SDEI_NORMAL:
		return "SDEI normal";
	case KC_ARM64_STACK_SDEI_CRITICAL:
		return "SDEI critical";
	case KC_ARM64_STACK_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *kc_arm64_unwind_end_name(enum kc_arm64_unwind_end end)
{
	switch (end) {
	case KC_ARM64_UNWIND_FINAL:
		return "final frame";
	case KC_ARM64_UNWIND_USER:
		return "user mode";
	case KC_ARM64_UNWIND_ERROR:
		break;
	}
	return "error";
}

uint64_t kc_arm64_pac_mask(uint64_t pac_mask, unsigned va_bits)
{
	if (pac_mask)
		return pac_mask;
	if (va_bits == 0 || va_bits >= 64)
		va_bits = 48;
	return ~0ull << va_bits;
}

uint64_t kc_arm64_strip_pac(uint64_t addr, uint64_t mask)
{
	/* Bit 55 selects the TTBR1 (kernel) half and is never part of a PAC. */
	if (addr & (1ull << 55))
		return addr | mask;
	return addr;
}

/* The walk's state. */
struct unwinder {
	const struct kc_arm64_unwind_input *in;
	struct kc_arm64_unwind *out;
	size_t capacity;
	uint64_t pac_mask;
	size_t max_frames;
	bool *visited;       /* per stack: the walk has been on it */
	ptrdiff_t cur_stack; /* index of the stack of the last frame, or -1 */
	uint64_t prev_fp;
	/* &task_pt_regs(task)->stackframe, 0 when unknown. */
	uint64_t final_record;
	/* task_pt_regs(task), 0 when unknown. */
	uint64_t task_pt_regs;
};

__attribute__((format(printf, 3, 4)))
static void finish(struct unwinder *u, enum kc_arm64_unwind_end end,
		   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->out->reason, sizeof(u->out->reason), fmt, ap);
	va_end(ap);
	u->out->end = end;
}

static struct kc_error *push_frame(struct unwinder *u,
				   const struct kc_arm64_frame *frame)
{
	if (u->out->nr_frames == u->capacity) {
		size_t capacity = u->capacity ? 2 * u->capacity : 32;
		struct kc_arm64_frame *frames =
			realloc(u->out->frames, capacity * sizeof(*frames));
		if (!frames)
			return &kc_error_nomem;
		u->out->frames = frames;
		u->capacity = capacity;
	}
	u->out->frames[u->out->nr_frames] = *frame;
	u->out->frames[u->out->nr_frames].index = (unsigned)u->out->nr_frames;
	u->out->nr_frames++;
	return NULL;
}

static ptrdiff_t find_stack(const struct unwinder *u, uint64_t addr,
			    uint64_t len)
{
	for (size_t i = 0; i < u->in->nr_stacks; i++) {
		const struct kc_arm64_stack *stack = &u->in->stacks[i];
		if (addr >= stack->low && addr < stack->high &&
		    stack->high - addr >= len)
			return (ptrdiff_t)i;
	}
	return -1;
}

static const char *stack_name(const struct unwinder *u, ptrdiff_t index)
{
	return kc_arm64_stack_kind_name(u->in->stacks[index].kind);
}

/*
 * Place FRAME on a stack and check that its fp is a legal next step from
 * the previous frame's (unwind_next()/on_accessible_stack(), v5.10/v6.1).
 * On failure the reason is written and false returned.
 */
static bool locate_frame(struct unwinder *u, struct kc_arm64_frame *frame)
{
	uint64_t fp = frame->fp;

	frame->stack_kind = KC_ARM64_STACK_UNKNOWN;
	if (fp == 0) {
		/* The outermost frame (v5.10 kernel threads: from ret_from_fork). */
		if (u->cur_stack >= 0) {
			frame->stack_kind = u->in->stacks[u->cur_stack].kind;
			if (frame->stack_kind == KC_ARM64_STACK_TASK)
				frame->sp = u->task_pt_regs;
		}
		return true;
	}
	frame->sp = fp;
	if (fp & 7) {
		finish(u, KC_ARM64_UNWIND_ERROR,
		       "frame pointer %#" PRIx64 " is not 8-byte aligned", fp);
		return false;
	}
	ptrdiff_t index = find_stack(u, fp, FRAME_RECORD_SIZE);
	if (index < 0) {
		finish(u, KC_ARM64_UNWIND_ERROR,
		       "frame pointer %#" PRIx64 " is outside every stack", fp);
		return false;
	}
	frame->stack_kind = u->in->stacks[index].kind;
	if (u->cur_stack == index) {
		if (fp == u->prev_fp) {
			finish(u, KC_ARM64_UNWIND_ERROR,
			       "frame record at %#" PRIx64 " links to itself", fp);
			return false;
		}
		if (fp < u->prev_fp) {
			finish(u, KC_ARM64_UNWIND_ERROR,
			       "frame pointer %#" PRIx64 " goes backwards from %#"
			       PRIx64 " on the %s stack", fp, u->prev_fp,
			       stack_name(u, index));
			return false;
		}
	} else if (u->cur_stack >= 0) {
		/* Stacks nest onto the task stack, which is always last. */
		if (u->in->stacks[u->cur_stack].kind == KC_ARM64_STACK_TASK) {
			finish(u, KC_ARM64_UNWIND_ERROR,
			       "frame pointer %#" PRIx64
			       " leaves the task stack for the %s stack", fp,
			       stack_name(u, index));
			return false;
		}
		if (u->visited[index]) {
			finish(u, KC_ARM64_UNWIND_ERROR,
			       "frame pointer %#" PRIx64
			       " returns to the %s stack, already unwound", fp,
			       stack_name(u, index));
			return false;
		}
	}
	u->visited[index] = true;
	u->cur_stack = index;
	u->prev_fp = fp;
	return true;
}

static struct kc_error *read_pt_regs(const struct unwinder *u, uint64_t addr,
				     struct kc_arm64_regs *regs)
{
	uint64_t words[PT_REGS_MIN_SIZE / 8];
	struct kc_error *err = u->in->read(u->in->arg, addr, words, sizeof(words));
	if (err)
		return err;
	memset(regs, 0, sizeof(*regs));
	memcpy(regs->x, words, sizeof(regs->x));
	regs->sp = words[31];
	regs->pc = words[32];
	regs->pstate = words[33];
	regs->orig_x0 = words[PT_REGS_ORIG_X0_OFFSET / 8];
	regs->syscallno = words[PT_REGS_SYSCALLNO_OFFSET / 8];
	return NULL;
}

static enum kc_arm64_text_kind text_kind(const struct unwinder *u,
					 uint64_t addr)
{
	return u->in->text_kind ? u->in->text_kind(u->in->arg, addr)
				: KC_ARM64_NOT_TEXT;
}

static bool is_kernel_mode(uint64_t pstate)
{
	switch (pstate & KC_ARM64_PSR_MODE_MASK) {
	case KC_ARM64_PSR_MODE_EL1T:
	case KC_ARM64_PSR_MODE_EL1H:
	case KC_ARM64_PSR_MODE_EL2T: /* VHE: the kernel runs at EL2 */
	case KC_ARM64_PSR_MODE_EL2H:
		return !(pstate & KC_ARM64_PSR_MODE32_BIT);
	default:
		return false;
	}
}

enum step {
	STEP_CONTINUE, /* NEXT holds the caller's frame */
	STEP_DONE,     /* the walk ended; u->out says how */
	STEP_NOT_REGS, /* no exception frame here after all */
};

/*
 * FRAME's fp may be the stackframe member of a struct pt_regs: decode it.
 * From EL0 the walk ends; from EL1 it resumes at the interrupted context.
 */
static enum step unwind_exception(struct unwinder *u,
				  struct kc_arm64_frame *frame,
				  struct kc_arm64_frame *next)
{
	const struct kc_arm64_stack *stack = &u->in->stacks[u->cur_stack];
	uint64_t size = u->in->pt_regs_size;
	bool at_final = frame->fp == u->final_record;

	if (frame->fp < u->in->pt_regs_stackframe_offset)
		return STEP_NOT_REGS;
	uint64_t addr = frame->fp - u->in->pt_regs_stackframe_offset;
	if (addr < stack->low || addr >= stack->high || stack->high - addr < size)
		return STEP_NOT_REGS;
	struct kc_arm64_regs regs;
	struct kc_error *err = read_pt_regs(u, addr, &regs);
	if (err) {
		finish(u, KC_ARM64_UNWIND_ERROR,
		       "cannot read the pt_regs at %#" PRIx64 ": %s", addr,
		       kc_error_message(err));
		kc_error_destroy(err);
		return STEP_DONE;
	}
	if (regs.pstate >> 32)
		return STEP_NOT_REGS;
	if ((regs.pstate & KC_ARM64_PSR_MODE_MASK) == KC_ARM64_PSR_MODE_EL0T) {
		/* A kernel thread's pt_regs at the stack top are all zero. */
		if (at_final && regs.pc == 0 && regs.sp == 0)
			return STEP_NOT_REGS;
		frame->is_exception_frame = true;
		frame->user_mode = true;
		frame->regs_addr = addr;
		frame->regs = regs;
		finish(u, KC_ARM64_UNWIND_USER,
		       "exception from user mode, pt_regs at %#" PRIx64, addr);
		return STEP_DONE;
	}
	/*
	 * EL1 registers at the very top of the task stack are the placeholder
	 * copy_thread() leaves for a kernel thread, not an exception.
	 */
	if (at_final || !is_kernel_mode(regs.pstate) ||
	    (u->in->text_kind && text_kind(u, regs.pc) == KC_ARM64_NOT_TEXT))
		return STEP_NOT_REGS;
	frame->is_exception_frame = true;
	frame->regs_addr = addr;
	frame->regs = regs;
	memset(next, 0, sizeof(*next));
	next->pc = kc_arm64_strip_pac(regs.pc, u->pac_mask);
	next->lr = regs.x[30];
	next->fp = regs.x[29];
	next->pc_from_regs = true;
	next->has_reg_sp = true;
	next->reg_sp = regs.sp;
	return STEP_CONTINUE;
}

/* From FRAME (already located and recorded) to its caller. */
static enum step unwind_step(struct unwinder *u, struct kc_arm64_frame *frame,
			     struct kc_arm64_frame *next)
{
	bool at_final = u->final_record && frame->fp == u->final_record;

	if (u->in->pt_regs_size &&
	    (at_final || frame->text_kind == KC_ARM64_ENTRY_TEXT)) {
		enum step step = unwind_exception(u, frame, next);
		if (step != STEP_NOT_REGS)
			return step;
	}
	if (at_final) {
		finish(u, KC_ARM64_UNWIND_FINAL,
		       "reached the final frame record at %#" PRIx64, frame->fp);
		return STEP_DONE;
	}
	uint64_t record[2];
	struct kc_error *err = u->in->read(u->in->arg, frame->fp, record,
					   sizeof(record));
	if (err) {
		finish(u, KC_ARM64_UNWIND_ERROR,
		       "cannot read the frame record at %#" PRIx64 ": %s",
		       frame->fp, kc_error_message(err));
		kc_error_destroy(err);
		return STEP_DONE;
	}
	if (record[0] == 0 && record[1] == 0) {
		finish(u, KC_ARM64_UNWIND_FINAL,
		       "reached the terminal frame record {0, 0} at %#" PRIx64,
		       frame->fp);
		return STEP_DONE;
	}
	memset(next, 0, sizeof(*next));
	next->fp = record[0];
	next->lr = record[1];
	next->pc = kc_arm64_strip_pac(record[1], u->pac_mask);
	return STEP_CONTINUE;
}

static void first_frame(const struct kc_arm64_unwind_input *in, uint64_t mask,
			struct kc_arm64_frame *frame)
{
	memset(frame, 0, sizeof(*frame));
	frame->pc = kc_arm64_strip_pac(in->regs.pc, mask);
	frame->lr = in->regs.x[30];
	frame->fp = in->regs.x[29];
	frame->pc_from_regs = true;
	frame->has_reg_sp = true;
	frame->reg_sp = in->regs.sp;
}

/* &task_pt_regs(task)->stackframe for the first task stack given. */
static void find_final_record(struct unwinder *u)
{
	const struct kc_arm64_unwind_input *in = u->in;
	for (size_t i = 0; i < in->nr_stacks; i++) {
		const struct kc_arm64_stack *stack = &in->stacks[i];
		if (stack->kind != KC_ARM64_STACK_TASK || !in->pt_regs_size ||
		    stack->high - stack->low < in->pt_regs_size)
			continue;
		u->task_pt_regs = stack->high - in->pt_regs_size;
		u->final_record = u->task_pt_regs + in->pt_regs_stackframe_offset;
		return;
	}
}

static struct kc_error *check_input(const struct kc_arm64_unwind_input *in)
{
	if (!in->read)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "arm64 unwind: no memory-read callback");
	if (in->pt_regs_size &&
	    (in->pt_regs_size < PT_REGS_MIN_SIZE ||
	     in->pt_regs_stackframe_offset + FRAME_RECORD_SIZE > in->pt_regs_size))
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "arm64 unwind: struct pt_regs of %" PRIu64
				       " bytes with stackframe at %" PRIu64
				       " is not a plausible layout",
				       in->pt_regs_size,
				       in->pt_regs_stackframe_offset);
	for (size_t i = 0; i < in->nr_stacks; i++) {
		if (in->stacks[i].low >= in->stacks[i].high)
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "arm64 unwind: empty %s stack at %#"
					       PRIx64,
					       kc_arm64_stack_kind_name(in->stacks[i].kind),
					       in->stacks[i].low);
	}
	return NULL;
}

struct kc_error *kc_arm64_unwind(const struct kc_arm64_unwind_input *in,
				 struct kc_arm64_unwind *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct kc_error *err = check_input(in);
	if (err)
		return err;
	struct unwinder u = {
		.in = in,
		.out = ret,
		.pac_mask = kc_arm64_pac_mask(in->pac_mask, in->va_bits),
		.max_frames = in->max_frames ? in->max_frames
					     : KC_ARM64_UNWIND_MAX_FRAMES,
		.cur_stack = -1,
	};
	u.visited = calloc(in->nr_stacks ? in->nr_stacks : 1, sizeof(bool));
	if (!u.visited)
		return &kc_error_nomem;
	find_final_record(&u);

	struct kc_arm64_frame frame;
	first_frame(in, u.pac_mask, &frame);
	for (;;) {
		if (ret->nr_frames == u.max_frames) {
			finish(&u, KC_ARM64_UNWIND_ERROR,
			       "more than %zu frames", u.max_frames);
			break;
		}
		frame.text_kind = text_kind(&u, frame.pc);
		bool located = locate_frame(&u, &frame);
		err = push_frame(&u, &frame);
		if (err || !located)
			break;
		if (frame.fp == 0) {
			finish(&u, KC_ARM64_UNWIND_FINAL,
			       "reached the outermost frame (frame pointer 0)");
			break;
		}
		struct kc_arm64_frame *recorded = &ret->frames[ret->nr_frames - 1];
		if (unwind_step(&u, recorded, &frame) == STEP_DONE)
			break;
	}
	free(u.visited);
	if (err)
		kc_arm64_unwind_free(ret);
	return err;
}

void kc_arm64_unwind_free(struct kc_arm64_unwind *unwind)
{
	free(unwind->frames);
	unwind->frames = NULL;
	unwind->nr_frames = 0;
}
