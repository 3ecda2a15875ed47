// SPDX-License-Identifier: MIT
/*
 * A frame's registers and variables, from the vmlinux's DWARF: the call
 * frame information (.debug_frame, read by libdw's dwarf_cfi_addrframe)
 * carries registers from the frame the trace started in to its callers,
 * and each variable's DW_AT_location is evaluated with them.
 *
 * arm64 DWARF register numbers (DWARF for the Arm 64-bit Architecture,
 * "DWARF register names"): 0..30 are x0..x30, 31 is sp.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "dwarf.h"
#include "kernel.h"
#include "session.h"

#define ALL_X_REGS ((UINT64_C(1) << 31) - 1)
#define BIT(n) (UINT64_C(1) << (n))
/* Bound on the DWARF expression stack (location expressions are short). */
#define EXPR_STACK_MAX 64

struct frame_ctx {
	struct kc_session *session;
	Dwarf *dwarf;
	Dwarf_CFI *cfi;
	uint64_t kaslr_offset;
	uint64_t text_start, text_end; /* run-time kernel text */
	uint64_t init_start, init_end; /* .init.text (0, 0 when unknown) */
};

static struct kc_error *frame_ctx_init(struct kc_session *session, struct frame_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->session = session;
	struct kc_dwarf *dw;
	struct kc_error *err = kc_session_dwarf(session, &dw);
	if (!err)
		err = kc_dwarf_handle(dw, &ctx->dwarf);
	if (err)
		return kc_error_prefix(err, "frame registers and variables need the vmlinux's DWARF");
	ctx->cfi = dwarf_getcfi(ctx->dwarf);
	struct kc_arm64_mmu *mmu;
	err = kc_session_mmu(session, &mmu);
	if (err)
		return err;
	ctx->kaslr_offset = mmu->layout.kaslr_offset.value;
	err = kc_kernel_symbol(session, "_stext", &ctx->text_start);
	if (!err)
		err = kc_kernel_symbol(session, "_etext", &ctx->text_end);
	if (err)
		return err;
	/* Init code stays in the vmlinux's DWARF after it is freed. */
	err = kc_kernel_symbol(session, "_sinittext", &ctx->init_start);
	if (!err)
		err = kc_kernel_symbol(session, "_einittext", &ctx->init_end);
	if (err)
		ctx->init_start = ctx->init_end = 0;
	kc_error_destroy(err);
	return NULL;
}

/* The pc to look up DWARF at: inside the call for a return address. */
static uint64_t lookup_pc(const struct kc_arm64_frame *frame)
{
	return frame->pc_from_regs ? frame->pc : frame->pc - 4;
}

static bool in_vmlinux_text(const struct frame_ctx *ctx, uint64_t pc)
{
	return (pc >= ctx->text_start && pc < ctx->text_end) ||
	       (pc >= ctx->init_start && pc < ctx->init_end);
}

/* ---- a small DWARF expression evaluator ---- */

enum expr_result {
	EXPR_ADDRESS,  /* the top of the stack is a memory location */
	EXPR_VALUE,    /* DW_OP_stack_value / implicit value: the value itself */
	EXPR_REGISTER, /* DW_OP_regN: the value is in register N */
	EXPR_UNAVAILABLE,
};

struct expr_env {
	const struct frame_ctx *ctx;
	const struct kc_frame_registers *regs;
	bool has_frame_base;
	uint64_t frame_base;
	char *reason;         /* REASON_LEN bytes, set for EXPR_UNAVAILABLE */
	size_t reason_len;
};

static bool reg_known(const struct kc_frame_registers *regs, unsigned regno)
{
	return regno <= 31 && (regs->known & BIT(regno));
}

static uint64_t reg_value(const struct kc_frame_registers *regs, unsigned regno)
{
	return regno == 31 ? regs->sp : regs->x[regno];
}

__attribute__((format(printf, 2, 3)))
static enum expr_result unavailable(struct expr_env *env, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(env->reason, env->reason_len, fmt, ap);
	va_end(ap);
	return EXPR_UNAVAILABLE;
}

/*
 * Evaluate OPS (NOPS of them) with INITIAL pushed first when HAS_INITIAL.
 * *RESULT gets the address, value or register number.
 */
static enum expr_result eval_expr(struct expr_env *env, const Dwarf_Op *ops, size_t nops,
				  bool has_initial, uint64_t initial, uint64_t *result)
{
	uint64_t stack[EXPR_STACK_MAX];
	size_t depth = 0;
	if (has_initial)
		stack[depth++] = initial;
	for (size_t i = 0; i < nops; i++) {
		const Dwarf_Op *op = &ops[i];
		uint8_t atom = op->atom;
		if (depth + 1 >= EXPR_STACK_MAX)
			return unavailable(env, "location expression too deep");
		if (atom >= DW_OP_lit0 && atom <= DW_OP_lit31) {
			stack[depth++] = atom - DW_OP_lit0;
		} else if (atom >= DW_OP_reg0 && atom <= DW_OP_reg31) {
			if (i + 1 != nops)
				return unavailable(env, "split into pieces");
			*result = atom - DW_OP_reg0;
			return EXPR_REGISTER;
		} else if (atom == DW_OP_regx) {
			if (i + 1 != nops)
				return unavailable(env, "split into pieces");
			*result = op->number;
			return EXPR_REGISTER;
		} else if ((atom >= DW_OP_breg0 && atom <= DW_OP_breg31) || atom == DW_OP_bregx) {
			unsigned regno = atom == DW_OP_bregx ? (unsigned)op->number
							     : (unsigned)(atom - DW_OP_breg0);
			int64_t offset = atom == DW_OP_bregx ? (int64_t)op->number2
							     : (int64_t)op->number;
			if (!reg_known(env->regs, regno))
				return unavailable(env, "based on %s%u, not recoverable in this frame",
						   regno == 31 ? "sp" : "x", regno == 31 ? 0 : regno);
			stack[depth++] = reg_value(env->regs, regno) + (uint64_t)offset;
		} else if (atom == DW_OP_fbreg) {
			if (!env->has_frame_base)
				return unavailable(env, "the frame base is not known here");
			stack[depth++] = env->frame_base + op->number;
		} else if (atom == DW_OP_call_frame_cfa) {
			if (!env->regs->has_cfa)
				return unavailable(env, "the frame's CFA is not known");
			stack[depth++] = env->regs->cfa;
		} else if (atom == DW_OP_addr) {
			/* A link-time address in the vmlinux (a static variable). */
			stack[depth++] = op->number + env->ctx->kaslr_offset;
		} else if (atom == DW_OP_const1u || atom == DW_OP_const2u || atom == DW_OP_const4u ||
			   atom == DW_OP_const8u || atom == DW_OP_constu || atom == DW_OP_const1s ||
			   atom == DW_OP_const2s || atom == DW_OP_const4s || atom == DW_OP_const8s ||
			   atom == DW_OP_consts) {
			stack[depth++] = op->number;
		} else if (atom == DW_OP_plus_uconst) {
			if (!depth)
				return unavailable(env, "malformed location expression");
			stack[depth - 1] += op->number;
		} else if (atom == DW_OP_plus || atom == DW_OP_minus || atom == DW_OP_and ||
			   atom == DW_OP_or || atom == DW_OP_mul || atom == DW_OP_shl ||
			   atom == DW_OP_shr) {
			if (depth < 2)
				return unavailable(env, "malformed location expression");
			uint64_t b = stack[--depth], a = stack[depth - 1];
			uint64_t r = atom == DW_OP_plus ? a + b : atom == DW_OP_minus ? a - b :
				     atom == DW_OP_and ? a & b : atom == DW_OP_or ? a | b :
				     atom == DW_OP_mul ? a * b : atom == DW_OP_shl ? (b < 64 ? a << b : 0) :
				     (b < 64 ? a >> b : 0);
			stack[depth - 1] = r;
		} else if (atom == DW_OP_neg) {
			if (!depth)
				return unavailable(env, "malformed location expression");
			stack[depth - 1] = -stack[depth - 1];
		} else if (atom == DW_OP_deref) {
			if (!depth)
				return unavailable(env, "malformed location expression");
			uint64_t value;
			struct kc_error *err = kc_kernel_read_u64(env->ctx->session,
								  stack[depth - 1], &value);
			if (err) {
				enum expr_result r = unavailable(env, "%s", kc_error_message(err));
				kc_error_destroy(err);
				return r;
			}
			stack[depth - 1] = value;
		} else if (atom == DW_OP_stack_value) {
			if (!depth)
				return unavailable(env, "malformed location expression");
			*result = stack[depth - 1];
			return EXPR_VALUE;
		} else if (atom == DW_OP_implicit_value) {
			/* op->number is the length; the bytes follow in the block. */
			if (op->number > 8)
				return unavailable(env, "an implicit value of %" PRIu64 " bytes",
						   (uint64_t)op->number);
			uint64_t value = 0;
			memcpy(&value, (const void *)(uintptr_t)op->number2, (size_t)op->number);
			*result = value;
			return EXPR_VALUE;
		} else if (atom == DW_OP_piece || atom == DW_OP_bit_piece) {
			return unavailable(env, "split into pieces");
		} else if (atom == DW_OP_entry_value || atom == DW_OP_GNU_entry_value) {
			return unavailable(env, "only known as the value at function entry");
		} else {
			return unavailable(env, "unsupported DWARF operation 0x%x", atom);
		}
	}
	if (!depth)
		return unavailable(env, "empty location expression");
	*result = stack[depth - 1];
	return EXPR_ADDRESS;
}

/* ---- registers through CFI ---- */

/* The registers FRAME starts with when the trace got them directly. */
static bool direct_registers(const struct kc_backtrace *bt, size_t index,
			     struct kc_frame_registers *regs)
{
	const struct kc_arm64_frame *frames = bt->unwind.frames;
	const struct kc_arm64_regs *src = NULL;
	uint64_t known = 0;
	if (index == 0) {
		src = &bt->start_regs;
		switch (bt->start) {
		case KC_BT_START_REGS:
		case KC_BT_START_GIVEN:
			known = ALL_X_REGS | BIT(KC_FRAME_REG_SP) | BIT(KC_FRAME_REG_PC);
			break;
		case KC_BT_START_SLEEPING:
			/* cpu_switch_to saves x19..x28, fp, sp and lr as pc. */
			known = (ALL_X_REGS & ~(BIT(19) - 1) & ~BIT(30)) |
				BIT(KC_FRAME_REG_SP) | BIT(KC_FRAME_REG_PC);
			break;
		case KC_BT_START_KDUMP:
		case KC_BT_START_USER:
			/* A frame found on the stack: its record, not its sp. */
			known = BIT(29) | BIT(KC_FRAME_REG_PC);
			break;
		}
	} else if (frames[index].pc_from_regs && frames[index - 1].is_exception_frame) {
		src = &frames[index - 1].regs;
		known = ALL_X_REGS | BIT(KC_FRAME_REG_SP) | BIT(KC_FRAME_REG_PC);
	} else {
		return false;
	}
	memset(regs, 0, sizeof(*regs));
	memcpy(regs->x, src->x, sizeof(regs->x));
	regs->sp = frames[index].has_reg_sp ? frames[index].reg_sp : src->sp;
	if (!(known & BIT(KC_FRAME_REG_SP)))
		regs->sp = 0;
	regs->pc = frames[index].pc;
	regs->x[29] = frames[index].fp;
	regs->known = known | BIT(29) | BIT(KC_FRAME_REG_PC);
	return true;
}

/* REGS's CFA at FRAME's pc, from the CFI; false when it cannot be told. */
static bool frame_cfa(const struct frame_ctx *ctx, const struct kc_arm64_frame *frame,
		      struct kc_frame_registers *regs, Dwarf_Frame **cfi_frame)
{
	*cfi_frame = NULL;
	uint64_t pc = lookup_pc(frame);
	if (!ctx->cfi || !in_vmlinux_text(ctx, pc))
		return false;
	if (dwarf_cfi_addrframe(ctx->cfi, pc - ctx->kaslr_offset, cfi_frame) != 0)
		return false;
	Dwarf_Op *ops;
	size_t nops;
	if (dwarf_frame_cfa(*cfi_frame, &ops, &nops) != 0 || nops == 0)
		return false;
	char reason[64];
	struct expr_env env = {.ctx = ctx, .regs = regs, .reason = reason,
			       .reason_len = sizeof(reason)};
	uint64_t cfa;
	if (eval_expr(&env, ops, nops, false, 0, &cfa) == EXPR_ADDRESS) {
		regs->cfa = cfa;
		regs->has_cfa = true;
		return true;
	}
	/*
	 * GCC's arm64 CFI defines the CFA from sp, which is not known in a
	 * frame found by its frame record alone. But x29 points to the
	 * frame's record, and the record is where the CFI says x29 is saved
	 * (CFA + N): so CFA = x29 - N once the prologue has run.
	 */
	Dwarf_Op ops_mem[3], *fp_ops;
	size_t fp_nops;
	if (!(regs->known & BIT(29)) ||
	    dwarf_frame_register(*cfi_frame, 29, ops_mem, &fp_ops, &fp_nops) != 0 ||
	    fp_ops != ops_mem || fp_nops != 2 || fp_ops[0].atom != DW_OP_call_frame_cfa ||
	    fp_ops[1].atom != DW_OP_plus_uconst)
		return false;
	regs->cfa = regs->x[29] - fp_ops[1].number;
	regs->has_cfa = true;
	return true;
}

/* From frame INDEX's registers (REGS, CFA set) to its caller's. */
static void unwind_registers(const struct frame_ctx *ctx, Dwarf_Frame *cfi_frame,
			     const struct kc_arm64_frame *caller,
			     const struct kc_frame_registers *regs,
			     struct kc_frame_registers *next)
{
	memset(next, 0, sizeof(*next));
	char reason[64];
	struct expr_env env = {.ctx = ctx, .regs = regs, .reason = reason,
			       .reason_len = sizeof(reason)};
	for (int regno = 0; regno <= 30 && cfi_frame; regno++) {
		Dwarf_Op ops_mem[3], *ops;
		size_t nops;
		if (dwarf_frame_register(cfi_frame, regno, ops_mem, &ops, &nops) != 0)
			continue;
		if (nops == 0) {
			/* NULL: same value as in the callee; ops_mem: undefined. */
			if (!ops && (regs->known & BIT(regno))) {
				next->x[regno] = regs->x[regno];
				next->known |= BIT(regno);
			}
			continue;
		}
		/* An expression rule starts with the CFA pushed (DWARF 5, 6.4.1). */
		bool expression = ops != ops_mem;
		uint64_t result;
		enum expr_result kind = eval_expr(&env, ops, nops, expression, regs->cfa, &result);
		if (kind == EXPR_VALUE) {
			next->x[regno] = result;
			next->known |= BIT(regno);
		} else if (kind == EXPR_ADDRESS) {
			uint64_t value;
			struct kc_error *err = kc_kernel_read_u64(ctx->session, result, &value);
			if (!err) {
				next->x[regno] = value;
				next->known |= BIT(regno);
			}
			kc_error_destroy(err);
		} else if (kind == EXPR_REGISTER && reg_known(regs, (unsigned)result)) {
			next->x[regno] = reg_value(regs, (unsigned)result);
			next->known |= BIT(regno);
		}
	}
	if (regs->has_cfa) {
		next->sp = regs->cfa;
		next->known |= BIT(KC_FRAME_REG_SP);
	}
	/* The unwinder followed the frame records: its fp and pc are the caller's. */
	if (!(next->known & BIT(29))) {
		next->x[29] = caller->fp;
		next->known |= BIT(29);
	}
	next->pc = caller->pc;
	next->known |= BIT(KC_FRAME_REG_PC);
}

static struct kc_error *registers_of(const struct frame_ctx *ctx, const struct kc_backtrace *bt,
				     size_t index, struct kc_frame_registers *ret)
{
	if (index >= bt->unwind.nr_frames)
		return kc_error_create(KC_ERR_INVALID_ARG, "frame #%zu: the trace has %zu frames",
				       index, bt->unwind.nr_frames);
	/* The nearest frame at or below INDEX whose registers are direct. */
	size_t start = index;
	struct kc_frame_registers regs;
	while (!direct_registers(bt, start, &regs)) {
		if (start == 0) {
			memset(&regs, 0, sizeof(regs));
			break;
		}
		start--;
	}
	const struct kc_arm64_frame *frames = bt->unwind.frames;
	for (size_t k = start; k < index; k++) {
		Dwarf_Frame *cfi_frame;
		frame_cfa(ctx, &frames[k], &regs, &cfi_frame);
		struct kc_frame_registers next;
		unwind_registers(ctx, cfi_frame, &frames[k + 1], &regs, &next);
		free(cfi_frame);
		if (!direct_registers(bt, k + 1, &regs))
			regs = next;
	}
	Dwarf_Frame *cfi_frame;
	frame_cfa(ctx, &frames[index], &regs, &cfi_frame);
	free(cfi_frame);
	*ret = regs;
	return NULL;
}

struct kc_error *kc_bt_frame_registers(struct kc_session *session,
				       const struct kc_backtrace *bt, size_t frame,
				       struct kc_frame_registers *ret)
{
	struct frame_ctx ctx;
	struct kc_error *err = frame_ctx_init(session, &ctx);
	if (err)
		return err;
	return registers_of(&ctx, bt, frame, ret);
}

/* ---- variables ---- */

/* DIE's name, through DW_AT_abstract_origin for an inlined instance. */
static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
}

/* The DIE that carries DIE's type and name (its abstract origin, if any). */
static Dwarf_Die *origin_of(Dwarf_Die *die, Dwarf_Die *mem)
{
	Dwarf_Attribute attr;
	for (int hops = 0; hops < 4; hops++) {
		if (!dwarf_attr(die, DW_AT_abstract_origin, &attr) &&
		    !dwarf_attr(die, DW_AT_specification, &attr))
			return die;
		if (!dwarf_formref_die(&attr, mem))
			return die;
		die = mem;
	}
	return die;
}

struct var_walk {
	const struct frame_ctx *ctx;
	const struct kc_frame_registers *regs;
	uint64_t link_pc;
	bool has_frame_base;
	uint64_t frame_base;
	kc_frame_variable_fn visit;
	void *visit_ctx;
};

static struct kc_error *report_variable(struct var_walk *w, Dwarf_Die *die,
					const char *function, bool inlined)
{
	struct kc_frame_variable var;
	memset(&var, 0, sizeof(var));
	Dwarf_Die origin_mem;
	Dwarf_Die *origin = origin_of(die, &origin_mem);
	var.name = die_name(die);
	if (!var.name)
		return NULL; /* artificial or anonymous: nothing to show */
	var.is_parameter = dwarf_tag(die) == DW_TAG_formal_parameter;
	var.function = function;
	var.inlined = inlined;
	struct kc_error *err = kc_type_of_die(origin, &var.type);
	if (err)
		return err;
	Dwarf_Attribute attr;
	struct expr_env env = {.ctx = w->ctx, .regs = w->regs,
			       .has_frame_base = w->has_frame_base, .frame_base = w->frame_base,
			       .reason = var.reason, .reason_len = sizeof(var.reason)};
	if (!dwarf_attr(die, DW_AT_location, &attr)) {
		Dwarf_Attribute cv;
		Dwarf_Word value;
		if (dwarf_attr_integrate(die, DW_AT_const_value, &cv) &&
		    dwarf_formudata(&cv, &value) == 0) {
			var.state = KC_FRAME_VAR_VALUE;
			var.value = value;
		} else {
			var.state = KC_FRAME_VAR_UNAVAILABLE;
			snprintf(var.reason, sizeof(var.reason), "optimized out");
		}
		return w->visit(w->visit_ctx, &var);
	}
	Dwarf_Op *expr;
	size_t exprlen;
	int n = dwarf_getlocation_addr(&attr, w->link_pc, &expr, &exprlen, 1);
	if (n <= 0) {
		var.state = KC_FRAME_VAR_UNAVAILABLE;
		snprintf(var.reason, sizeof(var.reason), n == 0 ? "optimized out at this pc"
				 : "unreadable location: %s", dwarf_errmsg(-1));
		return w->visit(w->visit_ctx, &var);
	}
	uint64_t result;
	switch (eval_expr(&env, expr, exprlen, false, 0, &result)) {
	case EXPR_ADDRESS:
		var.state = KC_FRAME_VAR_MEMORY;
		var.address = result;
		break;
	case EXPR_VALUE:
		var.state = KC_FRAME_VAR_VALUE;
		var.value = result;
		break;
	case EXPR_REGISTER:
		if (reg_known(w->regs, (unsigned)result)) {
			var.state = KC_FRAME_VAR_VALUE;
			var.value = reg_value(w->regs, (unsigned)result);
		} else {
			var.state = KC_FRAME_VAR_UNAVAILABLE;
			snprintf(var.reason, sizeof(var.reason),
				 "in register x%u, not recoverable in this frame", (unsigned)result);
		}
		break;
	case EXPR_UNAVAILABLE:
		var.state = KC_FRAME_VAR_UNAVAILABLE;
		break;
	}
	return w->visit(w->visit_ctx, &var);
}

/* The function SCOPES[I] belongs to: the nearest (inlined) function at or above it. */
static const char *scope_function(Dwarf_Die *scopes, int nscopes, int i, bool *inlined)
{
	for (; i < nscopes; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram) {
			*inlined = tag == DW_TAG_inlined_subroutine;
			return die_name(&scopes[i]);
		}
	}
	*inlined = false;
	return NULL;
}

struct kc_error *kc_bt_frame_variables(struct kc_session *session,
				       const struct kc_backtrace *bt, size_t index,
				       kc_frame_variable_fn visit, void *ctx)
{
	struct frame_ctx fctx;
	struct kc_error *err = frame_ctx_init(session, &fctx);
	if (err)
		return err;
	struct kc_frame_registers regs;
	err = registers_of(&fctx, bt, index, &regs);
	if (err)
		return err;
	uint64_t pc = lookup_pc(&bt->unwind.frames[index]);
	if (!in_vmlinux_text(&fctx, pc))
		return kc_error_address(KC_ERR_UNSUPPORTED, pc,
					"frame #%zu: 0x%" PRIx64 " is not in the vmlinux's text "
					"(module frames have no DWARF here)", index, pc);
	uint64_t link_pc = pc - fctx.kaslr_offset;
	Dwarf_Die cu;
	if (!kc_dwarf_unit_holding(fctx.dwarf, link_pc, &cu))
		return kc_error_address(KC_ERR_LOOKUP, pc, "frame #%zu: no DWARF unit covers 0x%"
					PRIx64, index, pc);
	Dwarf_Die *scopes = NULL;
	int nscopes = dwarf_getscopes(&cu, link_pc, &scopes);
	if (nscopes <= 0)
		return kc_error_address(KC_ERR_LOOKUP, pc, "frame #%zu: no DWARF scope holds 0x%"
					PRIx64, index, pc);
	struct var_walk w = {.ctx = &fctx, .regs = &regs, .link_pc = link_pc,
			     .visit = visit, .visit_ctx = ctx};
	/* The frame base is the (outermost) function's DW_AT_frame_base. */
	for (int i = 0; i < nscopes; i++) {
		if (dwarf_tag(&scopes[i]) != DW_TAG_subprogram)
			continue;
		Dwarf_Attribute attr;
		Dwarf_Op *expr;
		size_t exprlen;
		if (dwarf_attr(&scopes[i], DW_AT_frame_base, &attr) &&
		    dwarf_getlocation_addr(&attr, link_pc, &expr, &exprlen, 1) == 1) {
			char reason[64];
			struct expr_env env = {.ctx = &fctx, .regs = &regs, .reason = reason,
					       .reason_len = sizeof(reason)};
			uint64_t base;
			enum expr_result kind = eval_expr(&env, expr, exprlen, false, 0, &base);
			if (kind == EXPR_ADDRESS || kind == EXPR_VALUE) {
				w.frame_base = base;
				w.has_frame_base = true;
			} else if (kind == EXPR_REGISTER && reg_known(&regs, (unsigned)base)) {
				w.frame_base = reg_value(&regs, (unsigned)base);
				w.has_frame_base = true;
			}
		}
		break;
	}
	for (int i = 0; i < nscopes && !err; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_compile_unit)
			break;
		bool inlined;
		const char *function = scope_function(scopes, nscopes, i, &inlined);
		Dwarf_Die child;
		if (dwarf_child(&scopes[i], &child) != 0)
			goto next_scope;
		do {
			int child_tag = dwarf_tag(&child);
			if (child_tag == DW_TAG_variable || child_tag == DW_TAG_formal_parameter)
				err = report_variable(&w, &child, function, inlined);
		} while (!err && dwarf_siblingof(&child, &child) == 0);
next_scope:
		if (tag == DW_TAG_subprogram)
			break;
	}
	free(scopes);
	if (err && err->code == KC_ERR_STOP) {
		kc_error_destroy(err);
		err = NULL;
	}
	return err;
}
