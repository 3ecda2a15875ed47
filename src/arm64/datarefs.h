/* SPDX-License-Identifier: MIT */
/*
 * The data addresses a piece of arm64 kernel code materializes. The kernel
 * reaches a global through a PC-relative page and a low-12-bit offset:
 *
 *   adrp x0, sym            adrp x0, sym
 *   add  x0, x0, :lo12:sym  ldr  w1, [x0, :lo12:sym]   (or str, ldp, ...)
 *
 * and a per-CPU variable by adding this CPU's offset (tpidr_el1, or
 * tpidr_el2 on VHE) or another CPU's (__per_cpu_offset[cpu]):
 *
 *   adrp x1, var; add x1, x1, :lo12:var; mrs x2, tpidr_el1; ldr x0, [x1, x2]
 *   ldr x3, [x22, w0, sxtw #3]  (x22 = __per_cpu_offset);  add x0, x3, x20
 *
 * The scanner follows registers through straight-line code (branches are
 * not followed: code is read in address order, which is where the
 * compiler puts the adrp and its use), forgets a register when anything
 * else writes it, when a call clobbers it, or after a window of
 * instructions, and reports each completed address with the instruction
 * that completed it and how the code used it. It knows nothing about the
 * kernel: which address is which variable is for the caller to decide.
 */
#ifndef KC_ARM64_DATAREFS_H
#define KC_ARM64_DATAREFS_H

#include <stddef.h>
#include <stdint.h>

#include "../error.h"
#include "insn.h"

enum kc_arm64_ref_kind {
	KC_ARM64_REF_ADDR,  /* adrp + add (or adr): the address itself */
	KC_ARM64_REF_LOAD,  /* adrp + ldr: a load from it */
	KC_ARM64_REF_STORE, /* adrp + str: a store to it */
};

/* How the code went on to use an address (flags, or-ed over its uses). */
enum {
	/* Added to tpidr_el1/tpidr_el2: this CPU's copy of a per-CPU variable. */
	KC_ARM64_REF_PERCPU = 1u << 0,
	/* Added to an entry of a table indexed by a register: per_cpu(var, cpu). */
	KC_ARM64_REF_PERCPU_INDEXED = 1u << 1,
	/* Loaded from as table[reg << 3]: an array of 8-byte entries. */
	KC_ARM64_REF_TABLE = 1u << 2,
	/* Its indexed entries were added to another address (__per_cpu_offset). */
	KC_ARM64_REF_OFFSET_TABLE = 1u << 3,
	/* The value loaded from it was added to a CPU's offset (a __percpu pointer). */
	KC_ARM64_REF_HOLDS_PERCPU = 1u << 4,
	/* This CPU's copy was loaded from (this_cpu_read), not just addressed. */
	KC_ARM64_REF_PERCPU_LOADED = 1u << 5,
	/*
	 * An offset from another completed address: GCC's section anchors
	 * reach a file's static variables from one adrp/add of their block
	 * (adrp x20, anchor; add x20, x20, :lo12:anchor; ldr x19, [x20, #48]).
	 */
	KC_ARM64_REF_ANCHORED = 1u << 6,
};

struct kc_arm64_ref {
	uint64_t target;      /* the address the code materialized */
	uint64_t insn;        /* the instruction that completed it */
	enum kc_arm64_ref_kind kind;
	unsigned sizes;       /* bit N set: an access of 2^N bytes (loads, stores) */
	unsigned flags;       /* KC_ARM64_REF_* */
	uint64_t table;       /* PERCPU_INDEXED: the table whose entry was added */
	uint64_t base;        /* ANCHORED: the address it is an offset from */
};

struct kc_arm64_refs {
	struct kc_arm64_ref *refs;
	size_t count, capacity;
};

/* What a called function does that the scanner cares about. */
enum kc_arm64_call_kind {
	KC_ARM64_CALL_OTHER,
	/* mrs x0, tpidr_el1; ret: __kern_my_cpu_offset left out of line. */
	KC_ARM64_CALL_RETURNS_TPIDR,
};
typedef enum kc_arm64_call_kind (*kc_arm64_classify_call_fn)(void *ctx, uint64_t target);

/* Which kind of function the code at CODE (its first LEN bytes) is. */
enum kc_arm64_call_kind kc_arm64_classify_callee(const uint8_t *code, size_t len);

/* Instructions a register's page or address is remembered for. */
#define KC_ARM64_REF_WINDOW 256

/*
 * Scan LEN bytes of code at CODE, whose first instruction is at ADDR, and
 * append what it materializes to REFS (one entry per completing
 * instruction; an address used several times appears several times).
 * CLASSIFY_CALL (may be NULL) says what a BL's target does. Undecodable
 * words are skipped (and forget every register). Fails only when memory
 * runs out.
 */
struct kc_error *kc_arm64_scan_refs(struct kc_arm64_decoder *decoder,
				    const uint8_t *code, size_t len,
				    uint64_t addr, kc_arm64_classify_call_fn classify_call,
				    void *ctx, struct kc_arm64_refs *refs);

void kc_arm64_refs_free(struct kc_arm64_refs *refs);

#endif
