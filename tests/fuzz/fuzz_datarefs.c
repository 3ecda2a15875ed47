/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the arm64 data-address scanner (src/arm64/datarefs.h) and the
 * callee classifier over arbitrary code. Input: the code's address (8
 * bytes, little-endian; made 4-aligned), then the code. A BL whose target
 * is inside the input is classified from the input's own words there, as
 * datasyms.c does from the dump's memory. Checks what must hold for any
 * code: every reported instruction lies in the input, a PERCPU_INDEXED
 * ref's table is another reported address, at most one address per
 * instruction, and the scan is deterministic.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arm64/datarefs.h"
#include "arm64/insn.h"
#include "fuzz_common.h"

struct code {
	const uint8_t *bytes;
	size_t len;
	uint64_t addr;
};

static enum kc_arm64_call_kind classify(void *arg, uint64_t target)
{
	const struct code *code = arg;
	if (target < code->addr || target - code->addr >= code->len)
		return KC_ARM64_CALL_OTHER;
	size_t at = (size_t)(target - code->addr);
	return kc_arm64_classify_callee(code->bytes + at, code->len - at);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kc_arm64_decoder *decoder;
	if (!decoder && kc_arm64_decoder_open(&decoder))
		abort();
	if (size < 8)
		return 0;
	uint64_t addr = 0;
	for (int i = 0; i < 8; i++)
		addr |= (uint64_t)data[i] << (8 * i);
	struct code code = {data + 8, size - 8, addr & ~UINT64_C(3)};
	if (code.addr + code.len < code.addr)
		code.addr = 0; /* the code must not wrap around the address space */
	struct kc_arm64_refs first = {0}, second = {0};
	struct kc_error *err = kc_arm64_scan_refs(decoder, code.bytes, code.len, code.addr,
						  classify, &code, &first);
	if (!err)
		err = kc_arm64_scan_refs(decoder, code.bytes, code.len, code.addr, classify,
					 &code, &second);
	if (err) {
		if (err != &kc_error_nomem)
			abort(); /* the scanner fails only for memory */
		kc_arm64_refs_free(&first);
		kc_arm64_refs_free(&second);
		return 0;
	}
	if (first.count != second.count ||
	    (first.count && memcmp(first.refs, second.refs, first.count * sizeof(*first.refs))))
		abort();
	for (size_t i = 0; i < first.count; i++) {
		const struct kc_arm64_ref *ref = &first.refs[i];
		if (ref->insn < code.addr || ref->insn - code.addr >= code.len || ref->insn % 4)
			abort();
		if (ref->flags & KC_ARM64_REF_PERCPU_INDEXED) {
			bool named = false;
			for (size_t j = 0; j < first.count && !named; j++)
				named = first.refs[j].target == ref->table;
			if (!named)
				abort(); /* the table is an address the code completed */
		}
		if (ref->kind != KC_ARM64_REF_ADDR && ref->kind != KC_ARM64_REF_LOAD &&
		    ref->kind != KC_ARM64_REF_STORE)
			abort();
	}
	/* At most one completed address per instruction. */
	if (first.count > code.len / 4)
		abort();
	kc_arm64_refs_free(&first);
	kc_arm64_refs_free(&second);
	return 0;
}
