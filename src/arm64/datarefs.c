/* SPDX-License-Identifier: MIT */
#include "datarefs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What the scanner knows a general register holds. */
enum reg_kind {
	REG_UNKNOWN,
	REG_PAGE,     /* adrp's page: value */
	REG_ADDR,     /* a completed address: refs[ref].target */
	REG_TPIDR,    /* this CPU's per-CPU offset */
	REG_ELEMENT,  /* &table[i] with 8-byte entries, table = refs[ref] */
	REG_ENTRY,    /* table[i] loaded from refs[ref] (an offset, say) */
	REG_LOADED,   /* the 8 bytes loaded from refs[ref].target */
	REG_PERCPU,   /* this CPU's copy of refs[ref].target */
};

struct reg {
	enum reg_kind kind;
	uint64_t value;
	size_t ref;
	size_t since; /* instruction count when set */
};

struct scan {
	struct reg regs[31];
	size_t now;
	struct kc_arm64_refs *out;
	kc_arm64_classify_call_fn classify_call;
	void *ctx;
};

static uint32_t get_word(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void forget_all(struct scan *s)
{
	memset(s->regs, 0, sizeof(s->regs));
}

/* Register N's state, or unknown once it is older than the window. */
static struct reg state_of(const struct scan *s, int n)
{
	struct reg none = {0};
	if (n < 0 || n > 30)
		return none;
	const struct reg *r = &s->regs[n];
	if (r->kind == REG_UNKNOWN || s->now - r->since > KC_ARM64_REF_WINDOW)
		return none;
	return *r;
}

static void set_reg(struct scan *s, int n, enum reg_kind kind, uint64_t value,
		    size_t ref)
{
	if (n < 0 || n > 30)
		return;
	s->regs[n] = (struct reg){kind, value, ref, s->now};
}

static struct kc_error *add_ref(struct scan *s, uint64_t target, uint64_t insn,
				enum kc_arm64_ref_kind kind, unsigned size,
				size_t *index)
{
	struct kc_arm64_refs *out = s->out;
	if (out->count == out->capacity) {
		size_t capacity = out->capacity ? out->capacity * 2 : 64;
		struct kc_arm64_ref *grown = realloc(out->refs, capacity * sizeof(*grown));
		if (!grown)
			return &kc_error_nomem;
		out->refs = grown;
		out->capacity = capacity;
	}
	*index = out->count;
	out->refs[out->count++] = (struct kc_arm64_ref){
		.target = target, .insn = insn, .kind = kind,
		.sizes = size ? 1u << __builtin_ctz(size) : 0,
	};
	return NULL;
}

static struct kc_arm64_ref *ref_at(struct scan *s, size_t index)
{
	return &s->out->refs[index];
}

/*
 * A sum of A and B: per-CPU uses of addresses and pointers. Returns the
 * ref whose this-CPU copy the sum is, or SIZE_MAX.
 */
static size_t note_sum(struct scan *s, struct reg a, struct reg b)
{
	size_t percpu = SIZE_MAX;
	for (int pass = 0; pass < 2; pass++) {
		struct reg x = pass ? b : a, y = pass ? a : b;
		if (x.kind == REG_ADDR && y.kind == REG_TPIDR) {
			ref_at(s, x.ref)->flags |= KC_ARM64_REF_PERCPU;
			percpu = x.ref;
		} else if (x.kind == REG_ADDR && y.kind == REG_ENTRY) {
			ref_at(s, x.ref)->flags |= KC_ARM64_REF_PERCPU_INDEXED;
			ref_at(s, x.ref)->table = ref_at(s, y.ref)->target;
			ref_at(s, y.ref)->flags |= KC_ARM64_REF_OFFSET_TABLE;
		} else if (x.kind == REG_LOADED && y.kind == REG_TPIDR) {
			ref_at(s, x.ref)->flags |= KC_ARM64_REF_HOLDS_PERCPU;
		} else if (x.kind == REG_LOADED && y.kind == REG_ENTRY) {
			ref_at(s, x.ref)->flags |= KC_ARM64_REF_HOLDS_PERCPU;
			ref_at(s, y.ref)->flags |= KC_ARM64_REF_OFFSET_TABLE;
		}
	}
	return percpu;
}

static const cs_arm64_op *mem_operand(const cs_arm64 *d)
{
	for (unsigned i = 0; i < d->op_count; i++)
		if (d->operands[i].type == ARM64_OP_MEM)
			return &d->operands[i];
	return NULL;
}

/* The one 64-bit general register a load writes, or -1. */
static int single_x_destination(const cs_arm64 *d)
{
	int dest = -1, count = 0;
	for (unsigned i = 0; i < d->op_count; i++) {
		const cs_arm64_op *op = &d->operands[i];
		if (op->type == ARM64_OP_REG && (op->access & CS_AC_WRITE)) {
			count++;
			if ((op->reg >= ARM64_REG_X0 && op->reg <= ARM64_REG_X28) ||
			    op->reg == ARM64_REG_X29 || op->reg == ARM64_REG_X30)
				dest = kc_arm64_gpr(op->reg);
		}
	}
	return count == 1 ? dest : -1;
}

static bool writes_data_register(const cs_arm64 *d)
{
	for (unsigned i = 0; i < d->op_count; i++)
		if (d->operands[i].type == ARM64_OP_REG &&
		    (d->operands[i].access & CS_AC_WRITE))
			return true;
	return false;
}

/*
 * A load or store. Returns the register the instruction sets to a tracked
 * value (DEST_KIND etc.), applied after every written register is
 * forgotten.
 */
struct pending {
	int reg;
	enum reg_kind kind;
	uint64_t value;
	size_t ref;
};

/* A post-indexed access ([x0], #8) has its offset as an extra operand. */
static bool post_indexed(const cs_arm64 *d)
{
	return d->op_count > 0 && d->operands[d->op_count - 1].type == ARM64_OP_IMM;
}

static struct kc_error *memory_access(struct scan *s, const cs_insn *insn,
				      struct pending *set, struct pending *base_set)
{
	const cs_arm64 *d = &insn->detail->arm64;
	const cs_arm64_op *mem = mem_operand(d);
	unsigned size = kc_arm64_access_size(insn);
	if (!mem || !size)
		return NULL;
	bool is_load = writes_data_register(d);
	int base_reg = kc_arm64_gpr(mem->mem.base);
	int index_reg = mem->mem.index ? kc_arm64_gpr(mem->mem.index) : -1;
	struct reg base = state_of(s, base_reg);
	bool has_index = mem->mem.index != ARM64_REG_INVALID;
	int dest = is_load ? single_x_destination(d) : -1;
	size_t index;
	if (!has_index && base.kind == REG_PAGE) {
		struct kc_error *err = add_ref(s, base.value + (uint64_t)(int64_t)mem->mem.disp,
					       insn->address,
					       is_load ? KC_ARM64_REF_LOAD : KC_ARM64_REF_STORE,
					       size, &index);
		if (err)
			return err;
		if (dest >= 0 && size == 8)
			*set = (struct pending){dest, REG_LOADED, 0, index};
		return NULL;
	}
	if (!has_index && base.kind == REG_ADDR && mem->mem.disp == 0) {
		ref_at(s, base.ref)->sizes |= 1u << __builtin_ctz(size);
		if (dest >= 0 && size == 8)
			*set = (struct pending){dest, REG_LOADED, 0, base.ref};
		return NULL;
	}
	if (!has_index && base.kind == REG_ADDR) {
		uint64_t target = base.value + (uint64_t)(int64_t)mem->mem.disp;
		struct kc_error *err = add_ref(s, target, insn->address,
					       is_load ? KC_ARM64_REF_LOAD : KC_ARM64_REF_STORE,
					       size, &index);
		if (err)
			return err;
		ref_at(s, index)->flags |= KC_ARM64_REF_ANCHORED;
		ref_at(s, index)->base = base.value;
		if (dest >= 0 && size == 8)
			*set = (struct pending){dest, REG_LOADED, 0, index};
		/* Pre-indexed ([x20, #48]!): the base now holds that address. */
		if (d->writeback && !post_indexed(d))
			*base_set = (struct pending){base_reg, REG_ADDR, target, index};
		return NULL;
	}
	if (!has_index && base.kind == REG_PERCPU && mem->mem.disp == 0 && is_load) {
		ref_at(s, base.ref)->flags |= KC_ARM64_REF_PERCPU_LOADED;
		return NULL;
	}
	if (!has_index && base.kind == REG_ELEMENT && mem->mem.disp == 0 &&
	    is_load && size == 8) {
		ref_at(s, base.ref)->flags |= KC_ARM64_REF_TABLE;
		if (dest >= 0)
			*set = (struct pending){dest, REG_ENTRY, 0, base.ref};
		return NULL;
	}
	if (!has_index)
		return NULL;
	struct reg idx = state_of(s, index_reg);
	/* The index's own tracked value does not matter: code order is not flow. */
	if (base.kind == REG_ADDR && idx.kind != REG_TPIDR && idx.kind != REG_ENTRY &&
	    mem->shift.type == ARM64_SFT_LSL && mem->shift.value == 3 &&
	    is_load && size == 8) {
		ref_at(s, base.ref)->flags |= KC_ARM64_REF_TABLE;
		if (dest >= 0)
			*set = (struct pending){dest, REG_ENTRY, 0, base.ref};
		return NULL;
	}
	/* [addr, offset]: the variable's copy at that CPU's offset. */
	if (mem->shift.type == ARM64_SFT_INVALID || mem->shift.value == 0) {
		size_t percpu = note_sum(s, base, idx);
		if (percpu != SIZE_MAX && is_load)
			ref_at(s, percpu)->flags |= KC_ARM64_REF_PERCPU_LOADED;
	}
	return NULL;
}

static struct kc_error *step(struct scan *s, const struct kc_arm64_decoder *decoder,
			      const cs_insn *insn)
{
	const cs_arm64 *d = &insn->detail->arm64;
	const cs_arm64_op *op = d->operands;
	struct pending set = {.reg = -1}, base_set = {.reg = -1};
	struct kc_error *err = NULL;
	size_t index;
	switch (insn->id) {
	case ARM64_INS_ADRP:
		if (d->op_count == 2 && op[1].type == ARM64_OP_IMM)
			set = (struct pending){kc_arm64_gpr(op[0].reg), REG_PAGE,
					       (uint64_t)op[1].imm, 0};
		break;
	case ARM64_INS_ADR:
		if (d->op_count == 2 && op[1].type == ARM64_OP_IMM) {
			err = add_ref(s, (uint64_t)op[1].imm, insn->address,
				      KC_ARM64_REF_ADDR, 0, &index);
			set = (struct pending){kc_arm64_gpr(op[0].reg), REG_ADDR,
					       (uint64_t)op[1].imm, index};
		}
		break;
	case ARM64_INS_ADD:
		if (d->op_count != 3 || op[1].type != ARM64_OP_REG)
			break;
		if (op[2].type == ARM64_OP_IMM) {
			struct reg src = state_of(s, kc_arm64_gpr(op[1].reg));
			bool unshifted = op[2].shift.type == ARM64_SFT_INVALID ||
					 op[2].shift.value == 0;
			if ((src.kind == REG_PAGE || src.kind == REG_ADDR) && unshifted &&
			    op[2].imm >= 0 && op[2].imm < 4096) {
				uint64_t target = src.value + (uint64_t)op[2].imm;
				err = add_ref(s, target, insn->address, KC_ARM64_REF_ADDR,
					      0, &index);
				if (!err && src.kind == REG_ADDR) {
					ref_at(s, index)->flags |= KC_ARM64_REF_ANCHORED;
					ref_at(s, index)->base = src.value;
				}
				set = (struct pending){kc_arm64_gpr(op[0].reg), REG_ADDR,
						       target, index};
			}
		} else if (op[2].type == ARM64_OP_REG) {
			struct reg a = state_of(s, kc_arm64_gpr(op[1].reg));
			struct reg b = state_of(s, kc_arm64_gpr(op[2].reg));
			bool plain = (op[2].shift.type == ARM64_SFT_INVALID ||
				      op[2].shift.value == 0) &&
				     op[2].ext == ARM64_EXT_INVALID;
			size_t percpu = plain ? note_sum(s, a, b) : SIZE_MAX;
			if (percpu != SIZE_MAX)
				set = (struct pending){kc_arm64_gpr(op[0].reg), REG_PERCPU,
						       0, percpu};
			else if (!plain && a.kind == REG_ADDR && b.kind != REG_TPIDR &&
				 b.kind != REG_ENTRY &&
				 op[2].shift.type == ARM64_SFT_LSL && op[2].shift.value == 3)
				set = (struct pending){kc_arm64_gpr(op[0].reg),
						       REG_ELEMENT, 0, a.ref};
		}
		break;
	case ARM64_INS_MOV:
		/* A 64-bit register copy keeps what the register holds. */
		if (d->op_count == 2 && op[1].type == ARM64_OP_REG &&
		    op[0].reg >= ARM64_REG_X0 && op[0].reg <= ARM64_REG_X28 &&
		    op[1].reg >= ARM64_REG_X0 && op[1].reg <= ARM64_REG_X28) {
			struct reg src = state_of(s, kc_arm64_gpr(op[1].reg));
			if (src.kind != REG_UNKNOWN)
				set = (struct pending){kc_arm64_gpr(op[0].reg), src.kind,
						       src.value, src.ref};
		}
		break;
	case ARM64_INS_MRS: {
		int sysreg = kc_arm64_mrs_sysreg(insn);
		if (sysreg == KC_ARM64_SYSREG_TPIDR_EL1 || sysreg == KC_ARM64_SYSREG_TPIDR_EL2)
			set = (struct pending){kc_arm64_gpr(op[0].reg), REG_TPIDR, 0, 0};
		break;
	}
	default:
		err = memory_access(s, insn, &set, &base_set);
		break;
	}
	if (err)
		return err;
	/* Whatever the instruction writes no longer holds a tracked value. */
	cs_regs written;
	uint8_t nr_written = 0;
	if (kc_arm64_regs_written(decoder, insn, written, &nr_written)) {
		for (unsigned i = 0; i < nr_written; i++) {
			int n = kc_arm64_gpr(written[i]);
			if (n >= 0)
				s->regs[n].kind = REG_UNKNOWN;
		}
	} else {
		forget_all(s);
	}
	if (d->writeback) {
		const cs_arm64_op *mem = mem_operand(d);
		int base = mem ? kc_arm64_gpr(mem->mem.base) : -1;
		if (base >= 0)
			s->regs[base].kind = REG_UNKNOWN;
	}
	/*
	 * A call returns in x0 (and x1). The other caller-saved registers are
	 * not forgotten: compiled code reads one after a call only when it
	 * knows the callee keeps it (GCC's -fipa-ra does that for
	 * __kern_my_cpu_offset in v5.10), and otherwise writes it first.
	 */
	if (kc_arm64_is_call(insn)) {
		s->regs[0].kind = s->regs[1].kind = REG_UNKNOWN;
		if (insn->id == ARM64_INS_BL && d->op_count == 1 && d->operands[0].type == ARM64_OP_IMM &&
		    s->classify_call &&
		    s->classify_call(s->ctx, (uint64_t)d->operands[0].imm) == KC_ARM64_CALL_RETURNS_TPIDR)
			set_reg(s, 0, REG_TPIDR, 0, 0);
	}
	if (set.reg >= 0)
		set_reg(s, set.reg, set.kind, set.value, set.ref);
	if (base_set.reg >= 0 && base_set.reg != set.reg)
		set_reg(s, base_set.reg, base_set.kind, base_set.value, base_set.ref);
	return NULL;
}

/* HINT-space instructions (nop, paciasp, autiasp, bti): no data effect. */
static bool is_hint(uint32_t word)
{
	return (word & 0xfffff01fu) == 0xd503201fu;
}

enum kc_arm64_call_kind kc_arm64_classify_callee(const uint8_t *code, size_t len)
{
	size_t at = 0;
	while (at + 4 <= len && is_hint(get_word(code + at)))
		at += 4;
	if (at + 4 > len)
		return KC_ARM64_CALL_OTHER;
	uint32_t mrs = get_word(code + at);
	/* mrs x0, tpidr_el1 (or tpidr_el2), then ret or retaa. */
	if (mrs != (0xd5300000u | ((uint32_t)(KC_ARM64_SYSREG_TPIDR_EL1 & 0x7fff) << 5)) &&
	    mrs != (0xd5300000u | ((uint32_t)(KC_ARM64_SYSREG_TPIDR_EL2 & 0x7fff) << 5)))
		return KC_ARM64_CALL_OTHER;
	for (at += 4; at + 4 <= len && is_hint(get_word(code + at)); at += 4)
		;
	if (at + 4 > len)
		return KC_ARM64_CALL_OTHER;
	uint32_t ret = get_word(code + at);
	return ret == 0xd65f03c0u || ret == 0xd65f0bffu ? KC_ARM64_CALL_RETURNS_TPIDR
							 : KC_ARM64_CALL_OTHER;
}

struct kc_error *kc_arm64_scan_refs(struct kc_arm64_decoder *decoder,
				    const uint8_t *code, size_t len,
				    uint64_t addr, kc_arm64_classify_call_fn classify_call,
				    void *ctx, struct kc_arm64_refs *refs)
{
	struct scan s = {.out = refs, .classify_call = classify_call, .ctx = ctx};
	for (size_t off = 0; off + 4 <= len; off += 4, s.now++) {
		if (!kc_arm64_decode(decoder, code + off, len - off, addr + off)) {
			forget_all(&s);
			continue;
		}
		struct kc_error *err = step(&s, decoder, decoder->insn);
		if (err)
			return err;
	}
	return NULL;
}

void kc_arm64_refs_free(struct kc_arm64_refs *refs)
{
	free(refs->refs);
	*refs = (struct kc_arm64_refs){0};
}
