/* SPDX-License-Identifier: MIT */
/*
 * arm64 disassembly for `dis`: one instruction word at a time, decoded by
 * Capstone, with its operands written the way GNU objdump and gdb (and so
 * crash) write them: memory offsets in decimal ("[sp, #-32]!"), branch and
 * adr/adrp targets as plain addresses ("bl 0xffff800008e3b9b0"), so the
 * caller can append "<symbol+offset>". The decoder also follows adrp/add
 * and adrp/ldr/str pairs so that the address a pair builds is known at the
 * instruction that completes it.
 */
#ifndef KCRASH_DISASM_H
#define KCRASH_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>

/* A decoder; not thread-safe, one per command run. */
struct kc_disasm;

/* What an instruction's target address is. */
enum kc_insn_target {
	KC_INSN_TARGET_NONE,
	KC_INSN_TARGET_BRANCH, /* b, bl, b.cond, cbz, cbnz, tbz, tbnz */
	KC_INSN_TARGET_ADR,    /* adr: an address */
	KC_INSN_TARGET_PAGE,   /* adrp: a 4K page, completed by a later insn */
	KC_INSN_TARGET_PAIR,   /* add/ldr/str completing an adrp: the full address */
};

/* One decoded instruction. */
struct kc_insn {
	uint64_t addr;
	uint32_t word;          /* the instruction word (little-endian in memory) */
	bool valid;             /* false: no instruction (data, an undefined encoding) */
	char mnemonic[32];      /* "bl", "b.ne", ".inst" when not valid */
	char operands[160];     /* "x29, x30, [sp, #-32]!"; the word in hex when not valid */
	enum kc_insn_target target_kind;
	uint64_t target;        /* the address the target kind names */
	bool is_call;           /* bl, blr */
	bool is_return;         /* ret, eret and their authenticated forms */
};

/* A decoder (KC_ERR_UNSUPPORTED when Capstone cannot decode arm64). */
struct kc_error *kc_disasm_create(struct kc_disasm **ret);
void kc_disasm_destroy(struct kc_disasm *dis);

/*
 * Decode the instruction at ADDR from CODE (LEN bytes, at least 4 used).
 * Fills *INSN in every case: an undecodable word comes back with valid
 * false as ".inst 0xWORD". Consecutive calls on consecutive addresses
 * track adrp results per register, so the add/ldr/str that completes a
 * pair gets KC_INSN_TARGET_PAIR; a call on a non-consecutive address, a
 * branch, or kc_disasm_forget starts afresh.
 */
void kc_disasm_decode(struct kc_disasm *dis, uint64_t addr, const uint8_t *code,
		      size_t len, struct kc_insn *insn);

/* Forget the adrp values tracked so far (a new, unrelated range follows). */
void kc_disasm_forget(struct kc_disasm *dis);

#endif
