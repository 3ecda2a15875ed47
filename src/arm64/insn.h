/* SPDX-License-Identifier: MIT */
/*
 * arm64 instruction decoding through Capstone: one decoder (a Capstone
 * handle with operand details on) that the code scanners and the
 * disassembler share, and the few facts about operands they all need
 * (which general register a Capstone register is, how many bytes a load
 * or store moves, which system register an MRS reads).
 */
#ifndef KC_ARM64_INSN_H
#define KC_ARM64_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capstone/capstone.h>

#include "../error.h"

struct kc_arm64_decoder {
	csh handle;
	cs_insn *insn; /* the last decoded instruction (cs_malloc'd) */
};

struct kc_error *kc_arm64_decoder_open(struct kc_arm64_decoder **ret);
void kc_arm64_decoder_close(struct kc_arm64_decoder *decoder);

/*
 * Decode the instruction at CODE (LEN bytes available, ADDR its address)
 * into decoder->insn. False when the word is not a valid instruction
 * (data in text, an undefined encoding) or fewer than 4 bytes remain.
 */
bool kc_arm64_decode(struct kc_arm64_decoder *decoder, const uint8_t *code,
		     size_t len, uint64_t addr);

/*
 * The registers INSN (decoded by DECODER) writes, into WRITTEN (a cs_regs)
 * and *NR_WRITTEN; false when Capstone cannot tell.
 */
bool kc_arm64_regs_written(const struct kc_arm64_decoder *decoder, const cs_insn *insn,
			   uint16_t *written, uint8_t *nr_written);

/* The instruction's 32-bit word (arm64 code is little-endian). */
uint32_t kc_arm64_insn_word(const cs_insn *insn);

/*
 * The general-purpose register number (0-30) of a Capstone register (Xn
 * or its Wn half), or -1 for anything else (SP, XZR, FP/SIMD registers).
 */
int kc_arm64_gpr(unsigned reg);

/* Whether INSN is a BL or BLR (a call: x0-x18 and x30 do not survive it). */
bool kc_arm64_is_call(const cs_insn *insn);

/*
 * Bytes a load or store moves per data register (1, 2, 4, 8 or 16),
 * from its mnemonic (ldrb, ldrsh, ldrsw) or its data register's width;
 * 0 when INSN does not access memory through a data register.
 */
unsigned kc_arm64_access_size(const cs_insn *insn);

/*
 * The system register an MRS reads, as its 16-bit encoding
 * (op0:op1:CRn:CRm:op2) taken from the instruction word, so the answer
 * does not depend on Capstone's register naming; -1 if INSN is no MRS.
 */
int kc_arm64_mrs_sysreg(const cs_insn *insn);

/* TPIDR_EL1 (S3_0_C13_C0_4) and TPIDR_EL2 (S3_4_C13_C0_2): per-CPU offsets. */
#define KC_ARM64_SYSREG_TPIDR_EL1 0xc684
#define KC_ARM64_SYSREG_TPIDR_EL2 0xe682

#endif
