/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the arm64 unwinder (src/arm64/unwind.h) over a fuzzed stack.
 * Input: pc, sp, fp, lr (8 bytes each), then the stack's bytes, mapped at
 * STACK_BASE as a task stack whose upper half is also given as an IRQ
 * stack, so stack transitions are tried. Kernel addresses off the stack are
 * text, with a fixed entry-text range, so exception frames get decoded.
 */
#include <stdint.h>
#include <stdlib.h>

#include "btfmt.h"
#include "arm64/unwind.h"
#include "fuzz_common.h"

#define STACK_BASE 0xffff800008000000ull
#define ENTRY_START 0xffff800008010000ull
#define ENTRY_END   0xffff800008012000ull

struct memory {
	const uint8_t *bytes;
	size_t size;
};

static struct kc_error *read_stack(void *arg, uint64_t addr, void *buf,
				   size_t len)
{
	const struct memory *mem = arg;
	if (addr < STACK_BASE || addr - STACK_BASE > mem->size ||
	    len > mem->size - (addr - STACK_BASE))
		return kc_error_create(KC_ERR_FAULT, "0x%llx: not mapped",
				       (unsigned long long)addr);
	memcpy(buf, mem->bytes + (addr - STACK_BASE), len);
	return NULL;
}

/*
 * Entry text is a fixed range; any other kernel address off the stack is
 * text, so the real return addresses of the seed stacks count as text.
 */
static enum kc_arm64_text_kind text_kind(void *arg, uint64_t addr)
{
	const struct memory *mem = arg;
	if (addr >= ENTRY_START && addr < ENTRY_END)
		return KC_ARM64_ENTRY_TEXT;
	if (mem && addr >= STACK_BASE && addr - STACK_BASE < mem->size)
		return KC_ARM64_NOT_TEXT;
	return addr >> 48 == 0xffff ? KC_ARM64_TEXT : KC_ARM64_NOT_TEXT;
}

static bool symbolize(void *arg, uint64_t addr, char *name, size_t len,
		      uint64_t *offset)
{
	(void)arg;
	if (text_kind(NULL, addr) == KC_ARM64_NOT_TEXT)
		return false;
	snprintf(name, len, "fuzz_text");
	*offset = addr & 0xfff;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kc_arm64_unwind_input input = {0};
	input.regs.pc = fuzz_take_u64(&data, &size);
	input.regs.sp = fuzz_take_u64(&data, &size);
	input.regs.x[29] = fuzz_take_u64(&data, &size);
	input.regs.x[30] = fuzz_take_u64(&data, &size);
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	struct memory mem = {copy, size};
	struct kc_arm64_stack stacks[2] = {
		{KC_ARM64_STACK_TASK, STACK_BASE, STACK_BASE + size / 2},
		{KC_ARM64_STACK_IRQ, STACK_BASE + size / 2, STACK_BASE + size},
	};
	input.stacks = stacks;
	input.nr_stacks = 2;
	input.va_bits = 48;
	input.pt_regs_size = 0x150;            /* v6.1 struct pt_regs */
	input.pt_regs_stackframe_offset = 0x130;
	input.max_frames = 64;
	input.read = read_stack;
	input.text_kind = text_kind;
	input.arg = &mem;
	struct kc_arm64_unwind unwind;
	struct kc_error *err = kc_arm64_unwind(&input, &unwind);
	if (err) {
		fuzz_drop_error(err);
		free(copy);
		return 0;
	}
	if (unwind.nr_frames > input.max_frames)
		abort(); /* the frame bound was not kept */
	FILE *devnull = fopen("/dev/null", "w");
	for (size_t i = 0; i < unwind.nr_frames && devnull; i++)
		if (unwind.frames[i].is_exception_frame)
			kc_bt_print_exception_frame(devnull,
						       &unwind.frames[i].regs,
						       unwind.frames[i].user_mode,
						       0, symbolize, NULL);
	if (devnull)
		fclose(devnull);
	kc_arm64_unwind_free(&unwind);
	free(copy);
	return 0;
}
