/* SPDX-License-Identifier: MIT */
/*
 * kcrash/disasm.h: Capstone's arm64 decoding (arm64/insn.h) with the
 * operands rewritten the way binutils writes them, and adrp pairs followed.
 */
#include <kcrash/disasm.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm64/insn.h"

struct kc_disasm {
	struct kc_arm64_decoder *decoder;
	/* adrp results per general register, valid while unclobbered. */
	bool page_valid[31];
	uint64_t page[31];
	bool have_next;
	uint64_t next_addr;     /* where a consecutive decode would be */
};

struct kc_error *kc_disasm_create(struct kc_disasm **ret)
{
	struct kc_disasm *dis = calloc(1, sizeof(*dis));
	if (!dis)
		return &kc_error_nomem;
	struct kc_error *err = kc_arm64_decoder_open(&dis->decoder);
	if (err) {
		free(dis);
		return err;
	}
	*ret = dis;
	return NULL;
}

void kc_disasm_destroy(struct kc_disasm *dis)
{
	if (!dis)
		return;
	kc_arm64_decoder_close(dis->decoder);
	free(dis);
}

void kc_disasm_forget(struct kc_disasm *dis)
{
	memset(dis->page_valid, 0, sizeof(dis->page_valid));
	dis->have_next = false;
}

/* Append to OUT (of SIZE bytes) at *POS, always NUL-terminated. */
static void put(char *out, size_t size, size_t *pos, const char *text, size_t len)
{
	if (*pos + 1 >= size)
		return;
	size_t room = size - 1 - *pos;
	if (len > room)
		len = room;
	memcpy(out + *pos, text, len);
	*pos += len;
	out[*pos] = '\0';
}

/*
 * Capstone writes every immediate in hex with '#'. binutils writes memory
 * offsets (inside [...] and a post-index "], #imm") in decimal, and branch
 * and address operands without '#': rewrite OPS that way. TARGET_OPERAND:
 * the '#0x...' holding an address (the last one) loses its '#'.
 */
static void rewrite_operands(const char *ops, bool target_operand, bool bit_number,
			     char *out, size_t size)
{
	size_t pos = 0;
	out[0] = '\0';
	const char *last_hash = target_operand ? strrchr(ops, '#') : NULL;
	bool in_mem = false, after_mem = false;
	for (const char *p = ops; *p;) {
		if (*p == '[') {
			in_mem = true;
		} else if (*p == ']') {
			in_mem = false;
			after_mem = true;
		}
		/* tbz/tbnz's bit number: decimal, as binutils writes it. */
		if (bit_number && p[0] == '#' && p[1] == '0' && p[2] == 'x' && p != last_hash) {
			char *end;
			unsigned long long v = strtoull(p + 3, &end, 16);
			char buf[32];
			int n = snprintf(buf, sizeof(buf), "#%llu", v);
			put(out, size, &pos, buf, (size_t)n);
			p = end;
			continue;
		}
		if (*p == '#' && p == last_hash) {
			p++; /* "0x..." stays as it is */
			continue;
		}
		bool hex = p[0] == '#' && ((p[1] == '0' && p[2] == 'x') ||
					   (p[1] == '-' && p[2] == '0' && p[3] == 'x'));
		if (hex && (in_mem || after_mem)) {
			bool negative = p[1] == '-';
			const char *digits = p + (negative ? 4 : 3);
			char *end;
			unsigned long long v = strtoull(digits, &end, 16);
			/* A post-index written as a 64-bit two's complement. */
			if (!negative && v >> 63) {
				negative = true;
				v = -v;
			}
			char buf[40];
			int n = snprintf(buf, sizeof(buf), "#%s%llu", negative ? "-" : "", v);
			put(out, size, &pos, buf, (size_t)n);
			p = end;
			continue;
		}
		put(out, size, &pos, p, 1);
		p++;
	}
}

/* Shift and bitfield instructions, whose immediates binutils writes in decimal. */
static bool decimal_immediates(const char *mnemonic)
{
	static const char *const names[] = {"lsl", "lsr", "asr", "ror", "ubfx", "sbfx", "ubfiz",
					    "sbfiz", "bfi", "bfxil", "bfc", "extr", NULL};
	for (const char *const *n = names; *n; n++)
		if (!strcmp(mnemonic, *n))
			return true;
	return false;
}

/*
 * Immediates outside memory operands: Capstone writes 0-9 in decimal and
 * larger ones in hex; binutils writes hex, except for shift amounts
 * ("lsl #12") and the shift/bitfield instructions' operands.
 */
static void rewrite_immediates(const char *mnemonic, char *ops, size_t size)
{
	char out[sizeof(((struct kc_insn *)0)->operands)];
	size_t pos = 0;
	out[0] = '\0';
	bool all_decimal = decimal_immediates(mnemonic);
	bool in_mem = false, after_mem = false;
	for (const char *p = ops; *p;) {
		if (*p == '[') {
			in_mem = true;
		} else if (*p == ']') {
			in_mem = false;
			after_mem = true;
		}
		if (*p != '#' || in_mem || after_mem || !(isdigit((unsigned char)p[1]) || p[1] == '-')) {
			put(out, sizeof(out), &pos, p, 1);
			p++;
			continue;
		}
		/* A shift or extend amount: "lsl #12", "uxtw #2". */
		bool shift = false;
		static const char *const shifts[] = {"lsl ", "lsr ", "asr ", "msl ", "ror ", "uxtb ",
						     "uxth ", "uxtw ", "uxtx ", "sxtb ", "sxth ",
						     "sxtw ", "sxtx ", NULL};
		for (const char *const *k = shifts; *k && !shift; k++) {
			size_t klen = strlen(*k);
			shift = (size_t)(p - ops) >= klen && !strncmp(p - klen, *k, klen);
		}
		bool negative = p[1] == '-';
		const char *digits = p + 1 + negative;
		char *end;
		unsigned long long v = strtoull(digits, &end, 0);
		if (*end == '.' || end == digits) { /* a float (fmov #1.0): as it is */
			put(out, sizeof(out), &pos, p, 1);
			p++;
			continue;
		}
		char buf[48];
		int n;
		if (shift || all_decimal)
			n = snprintf(buf, sizeof(buf), "#%s%llu", negative ? "-" : "", v);
		else
			n = snprintf(buf, sizeof(buf), "#%s0x%llx", negative ? "-" : "", v);
		put(out, sizeof(out), &pos, buf, (size_t)n);
		p = end;
	}
	snprintf(ops, size, "%s", out);
}

/* HINT space instructions binutils names (Capstone 4 writes "hint #N"). */
static const char *hint_name(uint32_t word)
{
	if ((word & 0xfffff01f) != 0xd503201f)
		return NULL;
	switch ((word >> 5) & 0x7f) {
	case 0x07: return "xpaclri";
	case 0x08: return "pacia1716";
	case 0x0a: return "pacib1716";
	case 0x0c: return "autia1716";
	case 0x0e: return "autib1716";
	case 0x10: return "esb";
	case 0x11: return "psb csync";
	case 0x12: return "tsb csync";
	case 0x14: return "csdb";
	case 0x16: return "clearbhb";
	case 0x18: return "paciaz";
	case 0x19: return "paciasp";
	case 0x1a: return "pacibz";
	case 0x1b: return "pacibsp";
	case 0x1c: return "autiaz";
	case 0x1d: return "autiasp";
	case 0x1e: return "autibz";
	case 0x1f: return "autibsp";
	case 0x20: return "bti";
	case 0x22: return "bti c";
	case 0x24: return "bti j";
	case 0x26: return "bti jc";
	default: return NULL;
	}
}

/* Replace a trailing condition operand "lo"/"hs" by binutils' "cc"/"cs". */
static void rewrite_condition(char *ops)
{
	size_t len = strlen(ops);
	if (len >= 4 && (!strcmp(ops + len - 4, ", lo") || !strcmp(ops + len - 4, ", hs")))
		memcpy(ops + len - 2, ops[len - 2] == 'l' ? "cc" : "cs", 2);
}

/*
 * The alias binutils prints for a move-wide or orr-immediate: "mov Rd, #V"
 * (aarch64-opc.c: movz/movn unless a zero immediate is shifted; orr from
 * the zero register). False when no alias applies.
 */
static bool mov_alias(const cs_insn *ci, char *mnemonic, size_t mlen, char *ops, size_t olen)
{
	const cs_arm64 *a = &ci->detail->arm64;
	if (a->op_count < 2 || a->operands[0].type != ARM64_OP_REG)
		return false;
	unsigned reg = a->operands[0].reg;
	bool wide = !(reg >= ARM64_REG_W0 && reg <= ARM64_REG_W30) && reg != ARM64_REG_WZR &&
		    reg != ARM64_REG_WSP;
	uint64_t mask = wide ? UINT64_MAX : UINT32_MAX;
	uint64_t value;
	if ((ci->id == ARM64_INS_MOVZ || ci->id == ARM64_INS_MOVN) &&
	    a->operands[1].type == ARM64_OP_IMM) {
		uint64_t imm = (uint64_t)a->operands[1].imm & 0xffff;
		unsigned shift = a->operands[1].shift.type == ARM64_SFT_LSL ?
				 a->operands[1].shift.value : 0;
		if (imm == 0 && shift != 0)
			return false;
		if (ci->id == ARM64_INS_MOVN && !wide && imm == 0xffff)
			return false;
		value = imm << shift;
		if (ci->id == ARM64_INS_MOVN)
			value = ~value;
	} else if (ci->id == ARM64_INS_ORR && a->op_count == 3 &&
		   a->operands[1].type == ARM64_OP_REG &&
		   (a->operands[1].reg == ARM64_REG_XZR || a->operands[1].reg == ARM64_REG_WZR) &&
		   a->operands[2].type == ARM64_OP_IMM) {
		value = (uint64_t)a->operands[2].imm;
	} else {
		return false;
	}
	value &= mask;
	const char *comma = strchr(ops, ',');
	if (!comma)
		return false;
	char reg_name[16];
	snprintf(reg_name, sizeof(reg_name), "%.*s", (int)(comma - ops), ops);
	/* binutils writes a negative 64-bit movn result as signed ("#-2" is "#0xfffffffffffffffe"). */
	snprintf(ops, olen, "%s, #0x%llx", reg_name, (unsigned long long)value);
	snprintf(mnemonic, mlen, "mov");
	return true;
}

static bool is_branch_id(unsigned id)
{
	switch (id) {
	case ARM64_INS_B: case ARM64_INS_BL: case ARM64_INS_CBZ: case ARM64_INS_CBNZ:
	case ARM64_INS_TBZ: case ARM64_INS_TBNZ:
		return true;
	default:
		return false;
	}
}

static bool is_return_id(unsigned id)
{
	switch (id) {
	case ARM64_INS_RET: case ARM64_INS_ERET:
		return true;
	default:
		return false;
	}
}

/* The destination general register of an instruction that writes one, else -1. */
static int written_gpr(const cs_insn *insn)
{
	const cs_arm64 *a = &insn->detail->arm64;
	if (a->op_count == 0 || a->operands[0].type != ARM64_OP_REG)
		return -1;
	/* Stores name their data register first but do not write it. */
	const char *m = insn->mnemonic;
	if (!strncmp(m, "st", 2) || !strncmp(m, "cb", 2) || !strncmp(m, "tb", 2) ||
	    !strncmp(m, "cmp", 3) || !strncmp(m, "cmn", 3) || !strncmp(m, "tst", 3) ||
	    !strncmp(m, "prfm", 4) || !strcmp(m, "msr") || !strncmp(m, "br", 2) ||
	    !strncmp(m, "blr", 3))
		return -1;
	return kc_arm64_gpr(a->operands[0].reg);
}

void kc_disasm_decode(struct kc_disasm *dis, uint64_t addr, const uint8_t *code,
		      size_t len, struct kc_insn *insn)
{
	memset(insn, 0, sizeof(*insn));
	insn->addr = addr;
	if (len >= 4)
		insn->word = (uint32_t)code[0] | (uint32_t)code[1] << 8 |
			     (uint32_t)code[2] << 16 | (uint32_t)code[3] << 24;
	if (!dis->have_next || dis->next_addr != addr)
		kc_disasm_forget(dis);
	dis->have_next = true;
	dis->next_addr = addr + 4;
	if (!kc_arm64_decode(dis->decoder, code, len, addr)) {
		if (len >= 4 && (insn->word >> 16) == 0) {
			/* UDF #imm16 (BUG() in v5.x+ uses brk; udf pads and traps). */
			insn->valid = true;
			snprintf(insn->mnemonic, sizeof(insn->mnemonic), "udf");
			snprintf(insn->operands, sizeof(insn->operands), "#%" PRIu32, insn->word);
		} else {
			snprintf(insn->mnemonic, sizeof(insn->mnemonic), ".inst");
			snprintf(insn->operands, sizeof(insn->operands), "0x%08" PRIx32, insn->word);
		}
		kc_disasm_forget(dis);
		dis->have_next = true;
		return;
	}
	insn->valid = true;
	if (insn->word == 0xd50330ff) { /* SB, which Capstone 4 writes as an msr */
		snprintf(insn->mnemonic, sizeof(insn->mnemonic), "sb");
		return;
	}
	const cs_insn *ci = dis->decoder->insn;
	const cs_arm64 *a = &ci->detail->arm64;
	snprintf(insn->mnemonic, sizeof(insn->mnemonic), "%s", ci->mnemonic);
	insn->is_call = kc_arm64_is_call(ci);
	insn->is_return = is_return_id(ci->id);

	const cs_arm64_op *last = a->op_count ? &a->operands[a->op_count - 1] : NULL;
	bool last_imm = last && last->type == ARM64_OP_IMM;
	bool literal = last_imm && (ci->id == ARM64_INS_LDR || ci->id == ARM64_INS_LDRSW ||
				    ci->id == ARM64_INS_PRFM) && a->op_count == 2;
	if (last_imm && is_branch_id(ci->id)) {
		insn->target_kind = KC_INSN_TARGET_BRANCH;
		insn->target = (uint64_t)last->imm;
	} else if (last_imm && (ci->id == ARM64_INS_ADR || literal)) {
		insn->target_kind = KC_INSN_TARGET_ADR;
		insn->target = (uint64_t)last->imm;
	} else if (last_imm && ci->id == ARM64_INS_ADRP) {
		insn->target_kind = KC_INSN_TARGET_PAGE;
		insn->target = (uint64_t)last->imm;
	}
	rewrite_operands(ci->op_str, insn->target_kind != KC_INSN_TARGET_NONE,
			 ci->id == ARM64_INS_TBZ || ci->id == ARM64_INS_TBNZ,
			 insn->operands, sizeof(insn->operands));
	if (!mov_alias(ci, insn->mnemonic, sizeof(insn->mnemonic), insn->operands,
		       sizeof(insn->operands)) &&
	    insn->target_kind == KC_INSN_TARGET_NONE)
		rewrite_immediates(insn->mnemonic, insn->operands, sizeof(insn->operands));
	rewrite_condition(insn->operands);
	if (!strcmp(insn->mnemonic, "b.lo"))
		snprintf(insn->mnemonic, sizeof(insn->mnemonic), "b.cc");
	else if (!strcmp(insn->mnemonic, "b.hs"))
		snprintf(insn->mnemonic, sizeof(insn->mnemonic), "b.cs");
	const char *hint = hint_name(insn->word);
	if (hint) {
		const char *space = strchr(hint, ' ');
		snprintf(insn->mnemonic, sizeof(insn->mnemonic), "%.*s",
			 space ? (int)(space - hint) : (int)strlen(hint), hint);
		snprintf(insn->operands, sizeof(insn->operands), "%s", space ? space + 1 : "");
	}

	/* adrp pairs: add Xd, Xn, #lo12 and ldr/str Xt, [Xn, #lo12] with Xn from an adrp. */
	int base = -1;
	int64_t offset = 0;
	if (ci->id == ARM64_INS_ADD && a->op_count == 3 && a->operands[1].type == ARM64_OP_REG &&
	    a->operands[2].type == ARM64_OP_IMM && a->operands[2].shift.type == ARM64_SFT_INVALID) {
		base = kc_arm64_gpr(a->operands[1].reg);
		offset = a->operands[2].imm;
	} else if (a->op_count == 2 && a->operands[1].type == ARM64_OP_MEM &&
		   a->operands[1].mem.index == ARM64_REG_INVALID && !a->writeback &&
		   kc_arm64_access_size(ci)) {
		base = kc_arm64_gpr(a->operands[1].mem.base);
		offset = a->operands[1].mem.disp;
	}
	if (base >= 0 && dis->page_valid[base]) {
		insn->target_kind = KC_INSN_TARGET_PAIR;
		insn->target = dis->page[base] + (uint64_t)offset;
	}
	int written = written_gpr(ci);
	if (written >= 0)
		dis->page_valid[written] = false;
	if (ci->id == ARM64_INS_ADRP && written >= 0) {
		dis->page_valid[written] = true;
		dis->page[written] = insn->target;
	}
	/* Control leaves the straight line: what follows starts afresh. */
	if (insn->target_kind == KC_INSN_TARGET_BRANCH || insn->is_return ||
	    ci->id == ARM64_INS_BR || ci->id == ARM64_INS_BLR) {
		memset(dis->page_valid, 0, sizeof(dis->page_valid));
	}
}
