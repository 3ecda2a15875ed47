/* SPDX-License-Identifier: MIT */
#include "insn.h"

#include <stdlib.h>

#include "../dynload.h"

/* Capstone, loaded when the first decoder is opened (src/dynload.h). */
static struct {
	__typeof__(cs_open) *open;
	__typeof__(cs_option) *option;
	__typeof__(cs_malloc) *malloc;
	__typeof__(cs_free) *free;
	__typeof__(cs_close) *close;
	__typeof__(cs_disasm_iter) *disasm_iter;
	__typeof__(cs_strerror) *strerror;
	__typeof__(cs_regs_access) *regs_access;
} capstone;

/* The soname follows the API's major version (libcapstone.so.4 in Debian 12). */
#define CAPSTONE_SONAME_(major) "libcapstone.so." #major
#define CAPSTONE_SONAME(major) CAPSTONE_SONAME_(major)

static struct kc_error *load_capstone(void)
{
	const struct kc_dynload_symbol symbols[] = {
		{"cs_open", (void **)&capstone.open},
		{"cs_option", (void **)&capstone.option},
		{"cs_malloc", (void **)&capstone.malloc},
		{"cs_free", (void **)&capstone.free},
		{"cs_close", (void **)&capstone.close},
		{"cs_disasm_iter", (void **)&capstone.disasm_iter},
		{"cs_strerror", (void **)&capstone.strerror},
		{"cs_regs_access", (void **)&capstone.regs_access},
	};
	return kc_dynload(CAPSTONE_SONAME(CS_API_MAJOR), symbols, sizeof(symbols) / sizeof(symbols[0]));
}

struct kc_error *kc_arm64_decoder_open(struct kc_arm64_decoder **ret)
{
	struct kc_error *err = load_capstone();
	if (err)
		return kc_error_prefix(err, "Capstone cannot decode arm64");
	struct kc_arm64_decoder *decoder = calloc(1, sizeof(*decoder));
	if (!decoder)
		return &kc_error_nomem;
	cs_err cerr = capstone.open(CS_ARCH_ARM64, CS_MODE_ARM, &decoder->handle);
	if (cerr != CS_ERR_OK) {
		free(decoder);
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "Capstone cannot decode arm64: %s",
				       capstone.strerror(cerr));
	}
	cerr = capstone.option(decoder->handle, CS_OPT_DETAIL, CS_OPT_ON);
	if (cerr == CS_ERR_OK) {
		decoder->insn = capstone.malloc(decoder->handle);
		if (!decoder->insn)
			cerr = CS_ERR_MEM;
	}
	if (cerr != CS_ERR_OK) {
		capstone.close(&decoder->handle);
		free(decoder);
		return cerr == CS_ERR_MEM ? &kc_error_nomem
			: kc_error_create(KC_ERR_UNSUPPORTED,
					  "Capstone: no instruction details: %s",
					  capstone.strerror(cerr));
	}
	*ret = decoder;
	return NULL;
}

void kc_arm64_decoder_close(struct kc_arm64_decoder *decoder)
{
	if (!decoder)
		return;
	if (decoder->insn)
		capstone.free(decoder->insn, 1);
	capstone.close(&decoder->handle);
	free(decoder);
}

bool kc_arm64_decode(struct kc_arm64_decoder *decoder, const uint8_t *code,
		     size_t len, uint64_t addr)
{
	if (len < 4)
		return false;
	size_t size = 4;
	return capstone.disasm_iter(decoder->handle, &code, &size, &addr, decoder->insn);
}

bool kc_arm64_regs_written(const struct kc_arm64_decoder *decoder, const cs_insn *insn,
			   uint16_t *written, uint8_t *nr_written)
{
	cs_regs read;
	uint8_t nr_read = 0;
	return capstone.regs_access(decoder->handle, insn, read, &nr_read, written, nr_written) ==
	       CS_ERR_OK;
}

uint32_t kc_arm64_insn_word(const cs_insn *insn)
{
	return (uint32_t)insn->bytes[0] | (uint32_t)insn->bytes[1] << 8 |
	       (uint32_t)insn->bytes[2] << 16 | (uint32_t)insn->bytes[3] << 24;
}

int kc_arm64_gpr(unsigned reg)
{
	if (reg >= ARM64_REG_X0 && reg <= ARM64_REG_X28)
		return (int)(reg - ARM64_REG_X0);
	if (reg == ARM64_REG_X29)
		return 29;
	if (reg == ARM64_REG_X30)
		return 30;
	if (reg >= ARM64_REG_W0 && reg <= ARM64_REG_W30)
		return (int)(reg - ARM64_REG_W0);
	return -1;
}

bool kc_arm64_is_call(const cs_insn *insn)
{
	return insn->id == ARM64_INS_BL || insn->id == ARM64_INS_BLR;
}

/* Width of a data register: W 4, X 8, B/H/S/D/Q 1/2/4/8/16. */
static unsigned register_bytes(unsigned reg)
{
	if ((reg >= ARM64_REG_W0 && reg <= ARM64_REG_W30) || reg == ARM64_REG_WZR)
		return 4;
	if ((reg >= ARM64_REG_X0 && reg <= ARM64_REG_X28) || reg == ARM64_REG_X29 ||
	    reg == ARM64_REG_X30 || reg == ARM64_REG_XZR)
		return 8;
	if (reg >= ARM64_REG_B0 && reg <= ARM64_REG_B31)
		return 1;
	if (reg >= ARM64_REG_H0 && reg <= ARM64_REG_H31)
		return 2;
	if (reg >= ARM64_REG_S0 && reg <= ARM64_REG_S31)
		return 4;
	if (reg >= ARM64_REG_D0 && reg <= ARM64_REG_D31)
		return 8;
	if (reg >= ARM64_REG_Q0 && reg <= ARM64_REG_Q31)
		return 16;
	return 0;
}

unsigned kc_arm64_access_size(const cs_insn *insn)
{
	switch (insn->id) {
	case ARM64_INS_LDRB: case ARM64_INS_LDURB: case ARM64_INS_LDRSB:
	case ARM64_INS_LDURSB: case ARM64_INS_LDARB: case ARM64_INS_LDAXRB:
	case ARM64_INS_LDXRB: case ARM64_INS_LDTRB: case ARM64_INS_LDTRSB:
	case ARM64_INS_STRB: case ARM64_INS_STURB: case ARM64_INS_STLRB:
	case ARM64_INS_STLXRB: case ARM64_INS_STXRB: case ARM64_INS_STTRB:
		return 1;
	case ARM64_INS_LDRH: case ARM64_INS_LDURH: case ARM64_INS_LDRSH:
	case ARM64_INS_LDURSH: case ARM64_INS_LDARH: case ARM64_INS_LDAXRH:
	case ARM64_INS_LDXRH: case ARM64_INS_LDTRH: case ARM64_INS_LDTRSH:
	case ARM64_INS_STRH: case ARM64_INS_STURH: case ARM64_INS_STLRH:
	case ARM64_INS_STLXRH: case ARM64_INS_STXRH: case ARM64_INS_STTRH:
		return 2;
	case ARM64_INS_LDRSW: case ARM64_INS_LDURSW: case ARM64_INS_LDPSW:
	case ARM64_INS_LDTRSW:
		return 4;
	default:
		break;
	}
	const cs_arm64 *d = &insn->detail->arm64;
	bool has_mem = false;
	unsigned size = 0;
	for (unsigned i = 0; i < d->op_count; i++) {
		if (d->operands[i].type == ARM64_OP_MEM)
			has_mem = true;
		else if (d->operands[i].type == ARM64_OP_REG && !size)
			size = register_bytes(d->operands[i].reg);
	}
	/* st*xr's first register is the status, not data: take the last. */
	if (has_mem && (insn->id == ARM64_INS_STXR || insn->id == ARM64_INS_STLXR) &&
	    d->op_count >= 3 && d->operands[1].type == ARM64_OP_REG)
		size = register_bytes(d->operands[1].reg);
	return has_mem ? size : 0;
}

int kc_arm64_mrs_sysreg(const cs_insn *insn)
{
	uint32_t word = kc_arm64_insn_word(insn);
	/* MRS Xt, <sysreg>: 1101 0101 0011 o0 op1 CRn CRm op2 Rt (op0 = 2 + o0). */
	if ((word & 0xfff00000u) != 0xd5300000u)
		return -1;
	return (int)(((word >> 5) & 0x7fffu) | 0x8000u);
}
