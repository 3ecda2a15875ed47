/* SPDX-License-Identifier: MIT */
/*
 * The arm64 kernel stack unwinder: walks AAPCS64 frame records (x29 points
 * to {saved x29, saved x30}) across the stacks a task may be using, and
 * decodes the struct pt_regs that exception entry pushes.
 *
 * It knows nothing of tasks, symbols or the dump: the caller passes the
 * starting registers, the stacks (with their kinds), the pt_regs layout,
 * and callbacks for reading kernel virtual memory and classifying text
 * addresses. A corrupt stack ends the walk with a reason, never a loop:
 * each step must move to a strictly higher frame record on the same stack
 * or to a stack not visited yet, never off the task stack, and the number
 * of frames is bounded (the rules of the kernel's own unwinder,
 * arch/arm64/kernel/stacktrace.c, v5.10 and v6.1).
 */
#ifndef KCRASH_ARM64_UNWIND_H
#define KCRASH_ARM64_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <kcrash/error.h>

/* The registers of struct pt_regs / NT_PRSTATUS (user_pt_regs + two). */
struct kc_arm64_regs {
	uint64_t x[31];     /* x0..x30; x[29] is fp, x[30] is lr */
	uint64_t sp;
	uint64_t pc;
	uint64_t pstate;
	/*
	 * From struct pt_regs only: orig_x0 and the 64-bit word holding
	 * syscallno (s32) and its padding, read as one word like crash does.
	 */
	uint64_t orig_x0;
	uint64_t syscallno;
};

/* PSTATE fields (arch/arm64/include/uapi/asm/ptrace.h). */
#define KC_ARM64_PSR_MODE_MASK 0xfu
#define KC_ARM64_PSR_MODE_EL0T 0x0u
#define KC_ARM64_PSR_MODE_EL1T 0x4u
#define KC_ARM64_PSR_MODE_EL1H 0x5u
#define KC_ARM64_PSR_MODE_EL2T 0x8u
#define KC_ARM64_PSR_MODE_EL2H 0x9u
#define KC_ARM64_PSR_MODE32_BIT 0x10u

/* The stacks of arch/arm64/include/asm/stacktrace.h (enum stack_type). */
enum kc_arm64_stack_kind {
	KC_ARM64_STACK_UNKNOWN, /* a frame whose fp lies on no given stack */
	KC_ARM64_STACK_TASK,
	KC_ARM64_STACK_IRQ,           /* per-CPU irq_stack_ptr */
	KC_ARM64_STACK_OVERFLOW,      /* per-CPU overflow_stack */
	KC_ARM64_STACK_SDEI_NORMAL,   /* per-CPU sdei_stack_normal_ptr */
	KC_ARM64_STACK_SDEI_CRITICAL, /* per-CPU sdei_stack_critical_ptr */
};

const char *kc_arm64_stack_kind_name(enum kc_arm64_stack_kind kind);

/* A stack as [low, high): high is the address just above its top. */
struct kc_arm64_stack {
	enum kc_arm64_stack_kind kind;
	uint64_t low;
	uint64_t high;
};

/* What kind of address a return address is. */
enum kc_arm64_text_kind {
	KC_ARM64_NOT_TEXT,
	KC_ARM64_TEXT,
	/* __entry_text_start.. __entry_text_end (or __exception_text_*). */
	KC_ARM64_ENTRY_TEXT,
};

/* Read LEN bytes of kernel virtual memory at ADDR. */
typedef struct kc_error *(*kc_arm64_read_fn)(void *arg, uint64_t addr,
					     void *buf, size_t len);
/* Classify ADDR (already PAC-stripped). */
typedef enum kc_arm64_text_kind (*kc_arm64_text_fn)(void *arg, uint64_t addr);

#define KC_ARM64_UNWIND_MAX_FRAMES 512

struct kc_arm64_unwind_input {
	/* Starting registers; only pc, sp, x29 and x30 are needed. */
	struct kc_arm64_regs regs;
	const struct kc_arm64_stack *stacks;
	size_t nr_stacks;
	/*
	 * NUMBER(KERNELPACMASK) from VMCOREINFO; 0 when absent, and then
	 * GENMASK(63, va_bits) is used (va_bits 0 means 48).
	 */
	uint64_t pac_mask;
	unsigned va_bits;
	/*
	 * sizeof(struct pt_regs) and offsetof(struct pt_regs, stackframe),
	 * from DWARF; pt_regs_size 0 disables exception-frame decoding.
	 */
	uint64_t pt_regs_size;
	uint64_t pt_regs_stackframe_offset;
	size_t max_frames; /* 0: KC_ARM64_UNWIND_MAX_FRAMES */
	kc_arm64_read_fn read;
	kc_arm64_text_fn text_kind; /* NULL: no address is entry text */
	void *arg;
};

struct kc_arm64_frame {
	unsigned index;
	/*
	 * The address crash shows as "#N [sp]": the frame's fp (x29, the
	 * address of its frame record), or, for a frame with fp 0 on the task
	 * stack, the struct pt_regs at the stack top (crash's
	 * stacktop - USER_EFRAME_OFFSET); 0 when neither is known.
	 */
	uint64_t sp;
	uint64_t pc; /* PAC-stripped */
	/*
	 * The word PC came from, as found: the saved x30 of a frame record,
	 * or the x30 register for frames that start from registers.
	 */
	uint64_t lr;
	uint64_t fp;
	/* PC is an exact pc (registers), not a return address (a record). */
	bool pc_from_regs;
	/* The real stack pointer, when the frame starts from registers. */
	bool has_reg_sp;
	uint64_t reg_sp;
	enum kc_arm64_stack_kind stack_kind;
	enum kc_arm64_text_kind text_kind;

	/* FP is the stackframe member of a struct pt_regs at REGS_ADDR. */
	bool is_exception_frame;
	bool user_mode; /* the exception was taken from EL0 */
	uint64_t regs_addr;
	struct kc_arm64_regs regs;
};

enum kc_arm64_unwind_end {
	KC_ARM64_UNWIND_FINAL, /* the final frame record (or fp 0) */
	KC_ARM64_UNWIND_USER,  /* an exception frame from user mode */
	KC_ARM64_UNWIND_ERROR, /* corrupt or unreadable; see reason */
};

struct kc_arm64_unwind {
	struct kc_arm64_frame *frames;
	size_t nr_frames;
	enum kc_arm64_unwind_end end;
	char reason[256];
};

/*
 * Walk the stack from INPUT->regs. Errors are only for bad arguments and
 * memory exhaustion; a corrupt stack is a normal result (end ERROR with
 * the frames found before it). Free the result with kc_arm64_unwind_free.
 */
struct kc_error *kc_arm64_unwind(const struct kc_arm64_unwind_input *input,
				 struct kc_arm64_unwind *ret);
void kc_arm64_unwind_free(struct kc_arm64_unwind *unwind);

const char *kc_arm64_unwind_end_name(enum kc_arm64_unwind_end end);

/* The PAC mask used for PAC_MASK/VA_BITS as described above. */
uint64_t kc_arm64_pac_mask(uint64_t pac_mask, unsigned va_bits);
/*
 * ADDR without its pointer-authentication code: kernel addresses (bit 55
 * set) get MASK ORed in, as ptrauth_strip_kernel_insn_pac() does (v6.1).
 */
uint64_t kc_arm64_strip_pac(uint64_t addr, uint64_t mask);

#endif
