/* SPDX-License-Identifier: MIT */
/*
 * Task backtraces on arm64: where a task's trace starts (its CPU's
 * registers at the dump when it was running, crash's machine_kexec /
 * crash_save_cpu frame for a kdump, thread.cpu_context when it slept),
 * the stacks it may be on, the unwind (arm64/unwind.h), and crash's `bt`
 * layout for printing it.
 */
#ifndef KCRASH_BACKTRACE_H
#define KCRASH_BACKTRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <kcrash/arm64/unwind.h>
#include <kcrash/error.h>
#include <kcrash/session.h>
#include <kcrash/tasks.h>
#include <kcrash/types.h>

/* How the trace was started. */
enum kc_bt_start {
	KC_BT_START_SLEEPING, /* task->thread.cpu_context (x19..x28, fp, sp, pc) */
	KC_BT_START_REGS,     /* its CPU's registers in the dump */
	/*
	 * The last machine_kexec / crash_save_cpu (or crash_kexec) return
	 * address found below the registers' frame, as crash starts a kdump
	 * trace (arm64_in_kdump_text).
	 */
	KC_BT_START_KDUMP,
	KC_BT_START_USER,     /* the CPU was in user mode: no kernel frames */
	KC_BT_START_GIVEN,    /* registers the caller passed */
};

const char *kc_bt_start_name(enum kc_bt_start start);

#define KC_BT_MAX_STACKS 6

struct kc_backtrace {
	const struct kc_task *task;
	enum kc_bt_start start;
	struct kc_arm64_regs start_regs;   /* what the unwind started from */
	struct kc_arm64_stack stacks[KC_BT_MAX_STACKS];
	size_t nr_stacks;                  /* stacks[0] is the task stack */
	uint64_t pt_regs_size;
	uint64_t pac_mask;                 /* the effective mask */
	struct kc_arm64_unwind unwind;
	/* The user registers the trace ends with (crash's USER-MODE frame). */
	bool has_user_regs;
	uint64_t user_regs_addr;
	struct kc_arm64_regs user_regs;
	char note[256];                    /* a warning about the start, or "" */
};

/*
 * The registers CPU had at the dump: its NT_PRSTATUS note (kdump ELF and
 * kdump-compressed dumps, QEMU dumps), else its crash_notes buffer in
 * kernel memory. *PID gets the note's pr_pid.
 */
struct kc_error *kc_cpu_registers(struct kc_session *session, unsigned cpu,
				  struct kc_arm64_regs *regs, int32_t *pid);

/*
 * TASK's backtrace. Errors are for what stops a trace from starting (an
 * unreadable task_struct or stack pointer); a corrupt stack is a normal
 * result whose unwind ends with KC_ARM64_UNWIND_ERROR and a reason.
 */
struct kc_error *kc_backtrace_task(struct kc_session *session,
				   const struct kc_task *task,
				   struct kc_backtrace *ret);
/* The same from REGS (pc, sp, x29) on TASK's stacks. */
struct kc_error *kc_backtrace_from_regs(struct kc_session *session,
					const struct kc_task *task,
					const struct kc_arm64_regs *regs,
					struct kc_backtrace *ret);
void kc_backtrace_free(struct kc_backtrace *bt);

/*
 * A frame as crash shows it: the address of the branch (a return address
 * less 4, arm64_print_stackframe_entry), its function and offset, and the
 * module ("" for the vmlinux). False when no symbol holds it.
 */
struct kc_bt_symbol {
	uint64_t pc;
	char function[128];
	uint64_t offset;
	char module[64];
};
bool kc_bt_frame_symbol(struct kc_session *session,
			const struct kc_arm64_frame *frame,
			struct kc_bt_symbol *ret);

/* A symbolizer for kc_arm64_print_exception_frame (ARG is the session). */
bool kc_bt_symbolize(void *session, uint64_t addr, char *name, size_t len,
		     uint64_t *offset);

/*
 * The address crash shows as "#N [addr]" for FRAME: its frame record, or
 * for the last frame of a task stack, the pt_regs at the stack's top.
 */
uint64_t kc_bt_frame_address(const struct kc_backtrace *bt,
			     const struct kc_arm64_frame *frame);

/*
 * Search BT's stacks for the struct pt_regs an EL1 exception left (crash's
 * test in arm64_eframe_search: sp and x29 in the same stack, an AArch64
 * EL1 pstate, pc and lr in kernel text). VISIT gets each one's address and
 * registers, or, for a stack that cannot be read, its base and the error
 * (REGS NULL).
 */
typedef void (*kc_bt_eframe_fn)(void *ctx, uint64_t addr,
				const struct kc_arm64_regs *regs,
				const struct kc_error *stack_error);
void kc_bt_search_eframes(struct kc_session *session, const struct kc_backtrace *bt,
			  kc_bt_eframe_fn visit, void *ctx);

/* ---- registers and variables of a frame (DWARF) ---- */

/*
 * A frame's registers as far as they can be known: the registers the
 * trace started from (all of them for a CPU's registers or an exception
 * frame; x19..x29, sp and pc for a sleeping task's cpu_context), carried to
 * each caller by the vmlinux's call frame information (.debug_frame): the
 * callee-saved registers a callee stored on its stack are read back, the
 * CFA becomes the caller's sp, call-clobbered registers become unknown.
 */
struct kc_frame_registers {
	uint64_t x[31];
	uint64_t sp;
	uint64_t pc;
	uint64_t known;     /* bit N: x[N] (N < 31); bit 31: sp; bit 32: pc */
	bool has_cfa;
	uint64_t cfa;       /* the frame's canonical frame address */
};
#define KC_FRAME_REG_SP 31
#define KC_FRAME_REG_PC 32

/*
 * FRAME's registers (an index into BT's frames). An error when the frame
 * is out of range or there is no DWARF; registers CFI cannot recover are
 * just not in KNOWN.
 */
struct kc_error *kc_bt_frame_registers(struct kc_session *session,
				       const struct kc_backtrace *bt, size_t frame,
				       struct kc_frame_registers *ret);

enum kc_frame_var_state {
	KC_FRAME_VAR_MEMORY,      /* in kernel memory at ADDRESS */
	KC_FRAME_VAR_VALUE,       /* its value is VALUE (a register's, a constant) */
	KC_FRAME_VAR_UNAVAILABLE, /* optimized out, or not recoverable: REASON */
};

/* A local variable or parameter of a frame, from the vmlinux's DWARF. */
struct kc_frame_variable {
	const char *name;
	struct kc_type type;
	bool is_parameter;
	/* The function it belongs to: the frame's, or an inlined one's. */
	const char *function;
	bool inlined;
	enum kc_frame_var_state state;
	uint64_t address;
	uint64_t value;
	char reason[160];
};

typedef struct kc_error *(*kc_frame_variable_fn)(void *ctx,
						 const struct kc_frame_variable *var);

/*
 * The variables in scope at FRAME's pc, innermost scope first (inlined
 * functions' before the function they were inlined into), each with
 * where its value is at that pc: DW_AT_location evaluated with the
 * frame's registers and CFA. VISIT returning non-NULL stops the walk
 * (KC_ERR_STOP: without error). Module frames have no DWARF here
 * (KC_ERR_UNSUPPORTED).
 */
struct kc_error *kc_bt_frame_variables(struct kc_session *session,
				       const struct kc_backtrace *bt, size_t frame,
				       kc_frame_variable_fn visit, void *ctx);

#endif
