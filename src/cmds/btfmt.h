/* SPDX-License-Identifier: MIT */
/* Printing backtraces and exception frames the way crash's bt does. */
#ifndef KC_CMDS_BTFMT_H
#define KC_CMDS_BTFMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <kcrash/backtrace.h>

/*
 * Symbol for ADDR: writes its name into NAME (LEN bytes) and the offset
 * into *OFFSET; false when ADDR is not kernel text or has no symbol.
 */
typedef bool (*kc_bt_symbolize_fn)(void *arg, uint64_t addr, char *name,
				      size_t len, uint64_t *offset);

/*
 * Print REGS as crash's arm64_print_exception_frame does: the kernel-mode
 * layout (PC/LR with [symbol+off], SP and PSTATE, X29..X0 three a row) or,
 * when USER_MODE, the user layout (ending with ORIG_X0/SYSCALLNO/PSTATE;
 * AArch32 tasks get the 32-bit layout). LR gets PAC_MASK ORed in when that
 * makes it kernel text.
 */
void kc_bt_print_exception_frame(FILE *out, const struct kc_arm64_regs *regs,
				    bool user_mode, uint64_t pac_mask,
				    kc_bt_symbolize_fn symbolize, void *arg);

enum {
	KC_BT_FULL = 1 << 0,    /* -f: the stack words of each frame */
	KC_BT_LINES = 1 << 1,   /* -l: file and line under each frame */
	KC_BT_OFFSETS = 1 << 2, /* -s: name+offset */
};

/* crash's task header line (print_task_header). */
void kc_bt_print_header(const struct kc_task *task, FILE *out);
/*
 * bt -e: the exception frames found by searching the task's stacks (crash's
 * KERNEL-MODE EXCEPTION FRAME AT: blocks), then the user-mode frame of a
 * user task.
 */
void kc_bt_print_eframes(struct kc_session *session, const struct kc_backtrace *bt,
			 FILE *out);
/* The trace in crash's layout (arm64_back_trace_cmd), after the header. */
void kc_bt_print(struct kc_session *session, const struct kc_backtrace *bt,
		 unsigned flags, FILE *out);
/* One JSON object: the task header fields, frames, exception frames. */
void kc_bt_print_json(struct kc_session *session, const struct kc_backtrace *bt,
		      FILE *out);

#endif
