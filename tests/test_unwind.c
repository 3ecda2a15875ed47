/* SPDX-License-Identifier: MIT */
/*
 * The arm64 unwinder on synthetic stacks built from the kernel's own
 * definitions (frame records, struct pt_regs of v6.1: 336 bytes with
 * stackframe at 304, THREAD_SIZE 16K stacks), corrupt variants of them,
 * and on the real fixtures: the panicking CPU's NT_PRSTATUS registers must
 * give the kernel's own oops "Call trace:", and the test module's sleeping
 * kthread must unwind through the module to ret_from_fork.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btfmt.h"
#include "arm64/unwind.h"
#include "harness.h"
#include "kernel.h"
#include "session.h"

/* ---- synthetic kernel memory ---- */

#define PT_REGS_SIZE 336     /* sizeof(struct pt_regs), v6.1 */
#define PT_REGS_SF_OFFSET 304 /* offsetof(struct pt_regs, stackframe), v6.1 */
#define STACK_SIZE 0x4000     /* THREAD_SIZE = IRQ_STACK_SIZE, 4K pages */

#define TEXT_BASE 0xffff800008010000ull
#define TEXT_END (TEXT_BASE + 0x20000)
#define ENTRY_BASE (TEXT_BASE + 0x10000)
#define ENTRY_END (ENTRY_BASE + 0x1000)

#define F_HANDLER0 (TEXT_BASE + 0x1000)
#define F_HANDLER1 (TEXT_BASE + 0x2000)
#define F_FUNC_A (TEXT_BASE + 0x3000)
#define F_FUNC_B (TEXT_BASE + 0x4000)
#define F_DO_SYSCALL (TEXT_BASE + 0x5000)
#define F_EL0_HANDLER (TEXT_BASE + 0x6000)
#define F_KTHREAD (TEXT_BASE + 0x7000)
#define F_EL1_IRQ (ENTRY_BASE + 0x100)
#define F_EL0_SYNC (ENTRY_BASE + 0x800)
#define F_RET_FROM_FORK (ENTRY_BASE + 0xc00)

#define TASK_LOW 0xffff800010000000ull
#define IRQ_LOW 0xffff800010100000ull
#define OVF_LOW 0xffff800010200000ull
#define BIG_LOW 0xffff800010400000ull
#define BIG_SIZE 0x10000

struct synth_region {
	uint64_t base;
	size_t size;
	uint8_t *data;
};

struct synth_mem {
	struct synth_region regions[4];
	size_t nr_regions;
	uint64_t hole_low, hole_high; /* reads touching this range fail */
};

static void synth_add(struct synth_mem *mem, uint64_t base, size_t size)
{
	struct synth_region *region = &mem->regions[mem->nr_regions++];
	region->base = base;
	region->size = size;
	region->data = calloc(1, size);
}

static void synth_free(struct synth_mem *mem)
{
	for (size_t i = 0; i < mem->nr_regions; i++)
		free(mem->regions[i].data);
}

static uint8_t *synth_ptr(struct synth_mem *mem, uint64_t addr, size_t len)
{
	for (size_t i = 0; i < mem->nr_regions; i++) {
		struct synth_region *region = &mem->regions[i];
		if (addr >= region->base && addr - region->base <= region->size &&
		    region->size - (addr - region->base) >= len)
			return region->data + (addr - region->base);
	}
	return NULL;
}

static void put_u64(struct synth_mem *mem, uint64_t addr, uint64_t value)
{
	uint8_t *p = synth_ptr(mem, addr, 8);
	if (p)
		memcpy(p, &value, 8);
	else
		CHECK_MSG(false, "synthetic write outside memory at %#" PRIx64, addr);
}

static void put_record(struct synth_mem *mem, uint64_t at, uint64_t fp,
		       uint64_t lr)
{
	put_u64(mem, at, fp);
	put_u64(mem, at + 8, lr);
}

/* A struct pt_regs (v6.1 layout) at AT. */
static void put_pt_regs(struct synth_mem *mem, uint64_t at,
			const struct kc_arm64_regs *regs, uint64_t sf_fp,
			uint64_t sf_lr)
{
	for (int i = 0; i < 31; i++)
		put_u64(mem, at + 8 * i, regs->x[i]);
	put_u64(mem, at + 248, regs->sp);
	put_u64(mem, at + 256, regs->pc);
	put_u64(mem, at + 264, regs->pstate);
	put_u64(mem, at + 272, regs->orig_x0);
	put_u64(mem, at + 280, regs->syscallno);
	put_record(mem, at + PT_REGS_SF_OFFSET, sf_fp, sf_lr);
}

static struct kc_error *synth_read(void *arg, uint64_t addr, void *buf,
				   size_t len)
{
	struct synth_mem *mem = arg;
	if (addr < mem->hole_high && addr + len > mem->hole_low)
		return kc_error_address(KC_ERR_EXCLUDED, addr,
					"page at %#" PRIx64 " excluded", addr);
	uint8_t *p = synth_ptr(mem, addr, len);
	if (!p)
		return kc_error_address(KC_ERR_FAULT, addr,
					"%#" PRIx64 " not mapped", addr);
	memcpy(buf, p, len);
	return NULL;
}

static enum kc_arm64_text_kind synth_text(void *arg, uint64_t addr)
{
	(void)arg;
	if (addr >= ENTRY_BASE && addr < ENTRY_END)
		return KC_ARM64_ENTRY_TEXT;
	if (addr >= TEXT_BASE && addr < TEXT_END)
		return KC_ARM64_TEXT;
	return KC_ARM64_NOT_TEXT;
}

/* ADDR signed with a made-up PAC in bits 63:56 and 54:48 (VA_BITS 48). */
static uint64_t pac48(uint64_t addr)
{
	return (addr & 0x0000ffffffffffffull) | (1ull << 55) |
	       (0xa5ull << 56) | (0x2bull << 48);
}

static const struct kc_arm64_stack synth_stacks[] = {
	{KC_ARM64_STACK_IRQ, IRQ_LOW, IRQ_LOW + STACK_SIZE},
	{KC_ARM64_STACK_TASK, TASK_LOW, TASK_LOW + STACK_SIZE},
	{KC_ARM64_STACK_OVERFLOW, OVF_LOW, OVF_LOW + 0x1000},
};

static struct kc_arm64_unwind_input synth_input(struct synth_mem *mem)
{
	struct kc_arm64_unwind_input in = {
		.stacks = synth_stacks,
		.nr_stacks = sizeof(synth_stacks) / sizeof(synth_stacks[0]),
		.va_bits = 48,
		.pt_regs_size = PT_REGS_SIZE,
		.pt_regs_stackframe_offset = PT_REGS_SF_OFFSET,
		.read = synth_read,
		.text_kind = synth_text,
		.arg = mem,
	};
	return in;
}

static void synth_init(struct synth_mem *mem)
{
	memset(mem, 0, sizeof(*mem));
	synth_add(mem, TASK_LOW, STACK_SIZE);
	synth_add(mem, IRQ_LOW, STACK_SIZE);
	synth_add(mem, OVF_LOW, 0x1000);
}

/*
 * A syscall (EL0 pt_regs at the top of the task stack) interrupted in
 * kernel mode (EL1 pt_regs below), the IRQ handled on the IRQ stack whose
 * outermost record links back to the EL1 pt_regs' stackframe (v5.10
 * irq_stack_entry keeps x29). Addresses of everything built, for checks.
 */
struct irq_in_syscall {
	uint64_t user_regs, user_sf, r_el0_handler, r_syscall, r_func_a, r_func_b;
	uint64_t kregs, ksf, h1, h0;
	struct kc_arm64_regs user, kernel, start;
};

static void build_irq_in_syscall(struct synth_mem *mem, struct irq_in_syscall *s)
{
	memset(s, 0, sizeof(*s));
	uint64_t top = TASK_LOW + STACK_SIZE;
	s->user_regs = top - PT_REGS_SIZE;
	s->user_sf = s->user_regs + PT_REGS_SF_OFFSET;
	s->r_el0_handler = s->user_regs - 0x40;
	s->r_syscall = s->r_el0_handler - 0x60;
	s->r_func_a = s->r_syscall - 0x50;
	s->r_func_b = s->r_func_a - 0x40;
	s->kregs = s->r_func_b - 0x20 - PT_REGS_SIZE;
	s->ksf = s->kregs + PT_REGS_SF_OFFSET;
	s->h1 = IRQ_LOW + STACK_SIZE - 0x20;
	s->h0 = s->h1 - 0x40;

	for (int i = 0; i < 31; i++)
		s->user.x[i] = 0x1000 + i;
	s->user.sp = 0xffffc0001230;
	s->user.pc = 0x400abc;
	s->user.pstate = 0x20000000; /* EL0t, C set */
	s->user.orig_x0 = 3;
	s->user.syscallno = 64;       /* __NR_write */
	put_pt_regs(mem, s->user_regs, &s->user, 0, 0);

	put_record(mem, s->r_el0_handler, s->user_sf, F_EL0_SYNC + 0x148);
	put_record(mem, s->r_syscall, s->r_el0_handler, F_EL0_HANDLER + 0x20);
	put_record(mem, s->r_func_a, s->r_syscall, pac48(F_DO_SYSCALL + 0x30));
	put_record(mem, s->r_func_b, s->r_func_a, F_FUNC_A + 0x10);

	for (int i = 0; i < 29; i++)
		s->kernel.x[i] = 0xffff000000000000ull + i;
	s->kernel.x[29] = s->r_func_b;
	s->kernel.x[30] = pac48(F_FUNC_A + 0x10);
	s->kernel.sp = s->kregs + PT_REGS_SIZE;
	s->kernel.pc = F_FUNC_B + 0x44;
	s->kernel.pstate = 0x60000005; /* EL1h */
	s->kernel.orig_x0 = 0;
	s->kernel.syscallno = 0xffffffff;
	put_pt_regs(mem, s->kregs, &s->kernel, s->r_func_b, F_FUNC_B + 0x44);

	put_record(mem, s->h1, s->ksf, F_EL1_IRQ + 0x80);
	put_record(mem, s->h0, s->h1, pac48(F_HANDLER1 + 0x18));
	s->start.pc = F_HANDLER0 + 0x8;
	s->start.x[29] = s->h0;
	s->start.x[30] = pac48(F_HANDLER1 + 0x18);
	s->start.sp = s->h0 - 0x20;
}

struct expect {
	uint64_t pc, fp;
	enum kc_arm64_stack_kind stack;
	bool exception;
};

static void check_frames(const struct kc_arm64_unwind *unwind,
			 const struct expect *expect, size_t nr)
{
	CHECK_MSG(unwind->nr_frames == nr, "%zu frames, expected %zu (%s)",
		  unwind->nr_frames, nr, unwind->reason);
	for (size_t i = 0; i < nr && i < unwind->nr_frames; i++) {
		const struct kc_arm64_frame *f = &unwind->frames[i];
		CHECK_EQ_U64(f->index, i);
		CHECK_MSG(f->pc == expect[i].pc, "frame %zu pc %#" PRIx64
			  ", expected %#" PRIx64, i, f->pc, expect[i].pc);
		CHECK_MSG(f->fp == expect[i].fp, "frame %zu fp %#" PRIx64
			  ", expected %#" PRIx64, i, f->fp, expect[i].fp);
		CHECK_MSG(f->stack_kind == expect[i].stack, "frame %zu on the %s stack",
			  i, kc_arm64_stack_kind_name(f->stack_kind));
		CHECK_MSG(f->is_exception_frame == expect[i].exception,
			  "frame %zu exception %d", i, f->is_exception_frame);
	}
}

KC_TEST(unwind_irq_in_syscall)
{
	struct synth_mem mem;
	synth_init(&mem);
	struct irq_in_syscall s;
	build_irq_in_syscall(&mem, &s);
	struct kc_arm64_unwind_input in = synth_input(&mem);
	in.regs = s.start;
	struct kc_arm64_unwind unwind;
	REQUIRE_OK(kc_arm64_unwind(&in, &unwind));

	const struct expect expect[] = {
		{F_HANDLER0 + 0x8, s.h0, KC_ARM64_STACK_IRQ, false},
		{F_HANDLER1 + 0x18, s.h1, KC_ARM64_STACK_IRQ, false},
		{F_EL1_IRQ + 0x80, s.ksf, KC_ARM64_STACK_TASK, true},
		{F_FUNC_B + 0x44, s.r_func_b, KC_ARM64_STACK_TASK, false},
		{F_FUNC_A + 0x10, s.r_func_a, KC_ARM64_STACK_TASK, false},
		{F_DO_SYSCALL + 0x30, s.r_syscall, KC_ARM64_STACK_TASK, false},
		{F_EL0_HANDLER + 0x20, s.r_el0_handler, KC_ARM64_STACK_TASK, false},
		{F_EL0_SYNC + 0x148, s.user_sf, KC_ARM64_STACK_TASK, true},
	};
	check_frames(&unwind, expect, sizeof(expect) / sizeof(expect[0]));
	CHECK_MSG(unwind.end == KC_ARM64_UNWIND_USER, "end %s: %s",
		  kc_arm64_unwind_end_name(unwind.end), unwind.reason);
	if (unwind.nr_frames == 8) {
		const struct kc_arm64_frame *f = unwind.frames;
		/* crash's "#N [sp]" is each frame's fp. */
		CHECK_EQ_U64(f[0].sp, s.h0);
		CHECK(f[0].pc_from_regs && f[0].has_reg_sp);
		CHECK_EQ_U64(f[0].reg_sp, s.start.sp);
		/* PAC stripped from the pc, kept in the lr as found. */
		CHECK_EQ_U64(f[1].lr, pac48(F_HANDLER1 + 0x18));
		CHECK_EQ_U64(f[5].lr, pac48(F_DO_SYSCALL + 0x30));
		CHECK(!f[1].pc_from_regs);
		CHECK(f[2].text_kind == KC_ARM64_ENTRY_TEXT);
		CHECK(!f[2].user_mode);
		CHECK_EQ_U64(f[2].regs_addr, s.kregs);
		CHECK(memcmp(&f[2].regs, &s.kernel, sizeof(s.kernel)) == 0);
		/* The interrupted context resumes from the pt_regs. */
		CHECK(f[3].pc_from_regs && f[3].has_reg_sp);
		CHECK_EQ_U64(f[3].reg_sp, s.kernel.sp);
		CHECK_EQ_U64(f[3].lr, s.kernel.x[30]);
		CHECK(f[7].user_mode);
		CHECK_EQ_U64(f[7].regs_addr, s.user_regs);
		CHECK(memcmp(&f[7].regs, &s.user, sizeof(s.user)) == 0);
	}
	kc_arm64_unwind_free(&unwind);
	synth_free(&mem);
}

KC_TEST(unwind_pac_mask_from_vmcoreinfo)
{
	/* 16K/47-bit: KERNELPACMASK 0xffff800000000000 (the 16k47 fixture). */
	uint64_t mask = 0xffff800000000000ull;
	uint64_t lr = 0xffffdb20c2790420ull;
	uint64_t signed_lr = (lr & 0x00007fffffffffffull) | (1ull << 55) |
			     (0x3cull << 56) | (0x55ull << 47);
	CHECK_EQ_U64(kc_arm64_strip_pac(signed_lr, kc_arm64_pac_mask(mask, 47)), lr);
	/* Without the number the mask comes from VA_BITS. */
	CHECK_EQ_U64(kc_arm64_pac_mask(0, 47), mask);
	CHECK_EQ_U64(kc_arm64_pac_mask(0, 0), 0xffff000000000000ull);
	/* User addresses (bit 55 clear) are left alone. */
	CHECK_EQ_U64(kc_arm64_strip_pac(0x400abc, mask), 0x400abc);
	CHECK_EQ_U64(kc_arm64_strip_pac(lr, mask), lr);
}

/* A kernel thread sleeping: cpu_context registers, final record at the top. */
static void build_kthread(struct synth_mem *mem, bool v510, uint64_t *k0,
			  uint64_t *k1)
{
	uint64_t top = TASK_LOW + STACK_SIZE;
	uint64_t regs_at = top - PT_REGS_SIZE;
	/* copy_thread(): zeroed pt_regs; v6.1 sets pstate EL1h. */
	struct kc_arm64_regs placeholder = {.pstate = v510 ? 0 : 0x5};
	put_pt_regs(mem, regs_at, &placeholder, 0, 0);
	*k1 = regs_at - 0x30;
	*k0 = *k1 - 0x40;
	/* v6.1: kthread's caller fp is &childregs->stackframe; v5.10: 0. */
	put_record(mem, *k1, v510 ? 0 : regs_at + PT_REGS_SF_OFFSET,
		   F_RET_FROM_FORK + 0x10);
	put_record(mem, *k0, *k1, F_KTHREAD + 0x20);
}

KC_TEST(unwind_kthread_final_record)
{
	for (int v510 = 0; v510 <= 1; v510++) {
		struct synth_mem mem;
		synth_init(&mem);
		uint64_t k0, k1;
		build_kthread(&mem, v510, &k0, &k1);
		struct kc_arm64_unwind_input in = synth_input(&mem);
		in.regs.pc = F_FUNC_A + 0x4;
		in.regs.x[29] = k0;
		in.regs.sp = k0;
		struct kc_arm64_unwind unwind;
		REQUIRE_OK(kc_arm64_unwind(&in, &unwind));
		uint64_t regs_at = TASK_LOW + STACK_SIZE - PT_REGS_SIZE;
		const struct expect expect[] = {
			{F_FUNC_A + 0x4, k0, KC_ARM64_STACK_TASK, false},
			{F_KTHREAD + 0x20, k1, KC_ARM64_STACK_TASK, false},
			{F_RET_FROM_FORK + 0x10,
			 v510 ? 0 : regs_at + PT_REGS_SF_OFFSET,
			 KC_ARM64_STACK_TASK, false},
		};
		check_frames(&unwind, expect, 3);
		CHECK_MSG(unwind.end == KC_ARM64_UNWIND_FINAL, "v5.10 %d: end %s: %s",
			  v510, kc_arm64_unwind_end_name(unwind.end), unwind.reason);
		/* crash shows a frame with fp 0 at the pt_regs on the stack top. */
		if (v510 && unwind.nr_frames == 3)
			CHECK_EQ_U64(unwind.frames[2].sp, regs_at);
		kc_arm64_unwind_free(&unwind);
		synth_free(&mem);
	}
}

/* Unwind from a frame record at FP; the end must be ERROR with REASON. */
static void check_error(struct synth_mem *mem, uint64_t fp, size_t max_frames,
			size_t nr_frames, const char *reason)
{
	struct kc_arm64_unwind_input in = synth_input(mem);
	in.regs.pc = F_FUNC_A;
	in.regs.x[29] = fp;
	in.max_frames = max_frames;
	struct kc_arm64_unwind unwind;
	REQUIRE_OK(kc_arm64_unwind(&in, &unwind));
	CHECK_MSG(unwind.end == KC_ARM64_UNWIND_ERROR, "end %s (%s), expected error \"%s\"",
		  kc_arm64_unwind_end_name(unwind.end), unwind.reason, reason);
	CHECK_MSG(strstr(unwind.reason, reason), "reason \"%s\", expected \"%s\"",
		  unwind.reason, reason);
	CHECK_MSG(unwind.nr_frames == nr_frames, "%zu frames, expected %zu (%s)",
		  unwind.nr_frames, nr_frames, reason);
	kc_arm64_unwind_free(&unwind);
}

KC_TEST(unwind_corrupt_loops)
{
	struct synth_mem mem;
	synth_init(&mem);
	uint64_t a = TASK_LOW + 0x1000, b = TASK_LOW + 0x1100;
	/* A record whose fp points to itself. */
	put_record(&mem, a, a, F_FUNC_B + 4);
	check_error(&mem, a, 0, 2, "links to itself");
	/* A record pointing back to an earlier frame. */
	put_record(&mem, a, b, F_FUNC_B + 4);
	put_record(&mem, b, a, F_DO_SYSCALL + 4);
	check_error(&mem, a, 0, 3, "goes backwards");
	synth_free(&mem);
}

KC_TEST(unwind_corrupt_pointers)
{
	struct synth_mem mem;
	synth_init(&mem);
	uint64_t a = TASK_LOW + 0x1000, b = TASK_LOW + 0x1100;
	put_record(&mem, a, 0xffff900000000000ull, F_FUNC_B + 4);
	check_error(&mem, a, 0, 2, "outside every stack");
	put_record(&mem, a, b + 4, F_FUNC_B + 4);
	check_error(&mem, a, 0, 2, "not 8-byte aligned");
	/* The starting fp itself is bad: only frame 0. */
	check_error(&mem, TASK_LOW + STACK_SIZE + 0x100, 0, 1, "outside every stack");
	/* A record at the very top that would not fit on the stack. */
	check_error(&mem, TASK_LOW + STACK_SIZE - 8, 0, 1, "outside every stack");
	/* Unreadable memory under the next record. */
	put_record(&mem, a, b, F_FUNC_B + 4);
	put_record(&mem, b, 0, 0);
	mem.hole_low = b;
	mem.hole_high = b + 0x10;
	check_error(&mem, a, 0, 2, "cannot read the frame record at 0xffff800010001100: "
		    "page at 0xffff800010001100 excluded");
	synth_free(&mem);
}

KC_TEST(unwind_corrupt_transitions)
{
	struct synth_mem mem;
	synth_init(&mem);
	uint64_t t = TASK_LOW + 0x1000;
	uint64_t i0 = IRQ_LOW + 0x800, i1 = IRQ_LOW + 0x900;
	uint64_t o0 = OVF_LOW + 0x100;
	/* The task stack is the last: leaving it for the IRQ stack is corrupt. */
	put_record(&mem, t, i0, F_FUNC_B + 4);
	check_error(&mem, t, 0, 2, "leaves the task stack for the IRQ stack");
	/* IRQ -> overflow -> IRQ again: each stack is visited once. */
	put_record(&mem, i0, o0, F_FUNC_B + 4);
	put_record(&mem, o0, i1, F_FUNC_A + 8);
	check_error(&mem, i0, 0, 3, "returns to the IRQ stack");
	/* IRQ -> overflow -> task is allowed and ends at {0, 0}. */
	put_record(&mem, o0, t, F_FUNC_A + 8);
	put_record(&mem, t, 0, 0);
	struct kc_arm64_unwind_input in = synth_input(&mem);
	in.regs.pc = F_HANDLER0;
	in.regs.x[29] = i0;
	struct kc_arm64_unwind unwind;
	REQUIRE_OK(kc_arm64_unwind(&in, &unwind));
	const struct expect expect[] = {
		{F_HANDLER0, i0, KC_ARM64_STACK_IRQ, false},
		{F_FUNC_B + 4, o0, KC_ARM64_STACK_OVERFLOW, false},
		{F_FUNC_A + 8, t, KC_ARM64_STACK_TASK, false},
	};
	check_frames(&unwind, expect, 3);
	CHECK_MSG(unwind.end == KC_ARM64_UNWIND_FINAL, "%s", unwind.reason);
	kc_arm64_unwind_free(&unwind);
	synth_free(&mem);
}

KC_TEST(unwind_max_frames)
{
	struct synth_mem mem;
	memset(&mem, 0, sizeof(mem));
	synth_add(&mem, BIG_LOW, BIG_SIZE);
	/* 600 well-formed records, 32 bytes apart, then {0, 0}. */
	for (unsigned i = 0; i < 600; i++) {
		uint64_t at = BIG_LOW + 32 * i;
		put_record(&mem, at, i == 599 ? 0 : at + 32,
			   i == 599 ? 0 : F_FUNC_A + 4 * i);
	}
	struct kc_arm64_stack big = {KC_ARM64_STACK_TASK, BIG_LOW, BIG_LOW + BIG_SIZE};
	struct kc_arm64_unwind_input in = synth_input(&mem);
	in.stacks = &big;
	in.nr_stacks = 1;
	in.regs.pc = F_FUNC_B;
	in.regs.x[29] = BIG_LOW;
	struct kc_arm64_unwind unwind;
	REQUIRE_OK(kc_arm64_unwind(&in, &unwind));
	CHECK_EQ_U64(unwind.nr_frames, KC_ARM64_UNWIND_MAX_FRAMES);
	CHECK(unwind.end == KC_ARM64_UNWIND_ERROR);
	CHECK_STR(unwind.reason, "more than 512 frames");
	kc_arm64_unwind_free(&unwind);
	/* Under a larger bound the same chain ends at its {0, 0} record. */
	in.max_frames = 1000;
	REQUIRE_OK(kc_arm64_unwind(&in, &unwind));
	CHECK_EQ_U64(unwind.nr_frames, 600);
	CHECK_MSG(unwind.end == KC_ARM64_UNWIND_FINAL, "%s", unwind.reason);
	kc_arm64_unwind_free(&unwind);
	synth_free(&mem);
}

KC_TEST(unwind_bad_input)
{
	struct kc_arm64_unwind_input in = {.pt_regs_size = 100, .read = synth_read};
	struct kc_arm64_unwind unwind;
	struct kc_error *err = kc_arm64_unwind(&in, &unwind);
	CHECK(err && err->code == KC_ERR_INVALID_ARG);
	kc_error_destroy(err);
}

/* ---- the crash-format exception frame ---- */

static bool synth_symbolize(void *arg, uint64_t addr, char *name, size_t len,
			    uint64_t *offset)
{
	(void)arg;
	static const struct {
		uint64_t addr;
		const char *name;
	} syms[] = {{F_FUNC_A, "func_a"}, {F_FUNC_B, "func_b"}};
	for (size_t i = 0; i < 2; i++) {
		if (addr >= syms[i].addr && addr < syms[i].addr + 0x1000) {
			snprintf(name, len, "%s", syms[i].name);
			*offset = addr - syms[i].addr;
			return true;
		}
	}
	return false;
}

static char *print_frame(const struct kc_arm64_regs *regs, bool user_mode)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	kc_bt_print_exception_frame(out, regs, user_mode, 0xffff000000000000ull,
				       synth_symbolize, NULL);
	fclose(out);
	return text;
}

static void fill_regs(struct kc_arm64_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	for (int i = 0; i < 31; i++)
		regs->x[i] = 0x1111000000000000ull * (i % 2) + i;
}

KC_TEST(unwind_print_kernel_exception_frame)
{
	struct kc_arm64_regs regs;
	fill_regs(&regs);
	regs.pc = F_FUNC_B + 0x44;
	regs.x[30] = pac48(F_FUNC_A + 0x10);
	regs.sp = 0xffff800010003e00ull;
	regs.pstate = 0x60000005;
	char *text = print_frame(&regs, false);
	/* crash-utility arm64.c arm64_print_exception_frame(), KERNEL_MODE. */
	CHECK_STR(text,
		  "     PC: ffff800008014044  [func_b+0x44]\n"
		  "     LR: ffff800008013010  [func_a+0x10]\n"
		  "     SP: ffff800010003e00  PSTATE: 60000005\n"
		  "    X29: 111100000000001d  X28: 000000000000001c  X27: 111100000000001b\n"
		  "    X26: 000000000000001a  X25: 1111000000000019  X24: 0000000000000018\n"
		  "    X23: 1111000000000017  X22: 0000000000000016  X21: 1111000000000015\n"
		  "    X20: 0000000000000014  X19: 1111000000000013  X18: 0000000000000012\n"
		  "    X17: 1111000000000011  X16: 0000000000000010  X15: 111100000000000f\n"
		  "    X14: 000000000000000e  X13: 111100000000000d  X12: 000000000000000c\n"
		  "    X11: 111100000000000b  X10: 000000000000000a   X9: 1111000000000009\n"
		  "     X8: 0000000000000008   X7: 1111000000000007   X6: 0000000000000006\n"
		  "     X5: 1111000000000005   X4: 0000000000000004   X3: 1111000000000003\n"
		  "     X2: 0000000000000002   X1: 1111000000000001   X0: 0000000000000000\n");
	free(text);
	/* A pc with no symbol. */
	regs.pc = 0x1234;
	text = print_frame(&regs, false);
	CHECK(strncmp(text, "     PC: 0000000000001234  [unknown or invalid address]\n",
		      56) == 0);
	free(text);
}

KC_TEST(unwind_print_user_exception_frame)
{
	struct kc_arm64_regs regs;
	fill_regs(&regs);
	regs.pc = 0x41fa5c;
	regs.x[30] = 0x400e14;
	regs.sp = 0xffffd9a8b6f0ull;
	regs.pstate = 0x20001000;
	regs.orig_x0 = 1;
	regs.syscallno = 0x40;
	char *text = print_frame(&regs, true);
	CHECK_STR(text,
		  "     PC: 000000000041fa5c   LR: 0000000000400e14   SP: 0000ffffd9a8b6f0\n"
		  "    X29: 111100000000001d  X28: 000000000000001c  X27: 111100000000001b\n"
		  "    X26: 000000000000001a  X25: 1111000000000019  X24: 0000000000000018\n"
		  "    X23: 1111000000000017  X22: 0000000000000016  X21: 1111000000000015\n"
		  "    X20: 0000000000000014  X19: 1111000000000013  X18: 0000000000000012\n"
		  "    X17: 1111000000000011  X16: 0000000000000010  X15: 111100000000000f\n"
		  "    X14: 000000000000000e  X13: 111100000000000d  X12: 000000000000000c\n"
		  "    X11: 111100000000000b  X10: 000000000000000a   X9: 1111000000000009\n"
		  "     X8: 0000000000000008   X7: 1111000000000007   X6: 0000000000000006\n"
		  "     X5: 1111000000000005   X4: 0000000000000004   X3: 1111000000000003\n"
		  "     X2: 0000000000000002   X1: 1111000000000001   X0: 0000000000000000\n"
		  "    ORIG_X0: 0000000000000001  SYSCALLNO: 40  PSTATE: 20001000\n");
	free(text);
	/* An AArch32 task: 32-bit registers r12..r0, four a row. */
	regs.pstate = 0x10 | 0x20000000;
	regs.x[13] = 0xffeed000;
	regs.x[14] = 0x10a3c;
	regs.pc = 0x10b00;
	text = print_frame(&regs, true);
	CHECK_STR(text,
		  "     PC: 00010b00  LR: 00010a3c  SP: ffeed000  PSTATE: 20000010\n"
		  "    X12: 0000000c X11: 111100000000000b X10: 0000000a  X9: 1111000000000009\n"
		  "     X8: 00000008  X7: 1111000000000007  X6: 00000006  X5: 1111000000000005\n"
		  "     X4: 00000004  X3: 1111000000000003  X2: 00000002  X1: 1111000000000001\n"
		  "     X0: 00000000\n");
	free(text);
}

/* ---- the real fixtures ---- */

#define MAX_MODSYMS 32

/* What the callbacks need: text ranges and module symbols from facts.txt. */
struct real_ctx {
	struct kc_session *session;
	uint64_t kaslr;
	uint64_t text_start, text_end;
	uint64_t entry_start, entry_end;
	uint64_t module_base, module_end;
	struct {
		uint64_t addr;
		char name[64];
	} modsyms[MAX_MODSYMS];
	size_t nr_modsyms;
};

static struct kc_error *real_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct real_ctx *ctx = arg;
	return kc_kernel_read(ctx->session, addr, buf, len);
}

static enum kc_arm64_text_kind real_text(void *arg, uint64_t addr)
{
	struct real_ctx *ctx = arg;
	if (addr >= ctx->entry_start && addr < ctx->entry_end)
		return KC_ARM64_ENTRY_TEXT;
	if ((addr >= ctx->text_start && addr < ctx->text_end) ||
	    (addr >= ctx->module_base && addr < ctx->module_end))
		return KC_ARM64_TEXT;
	return KC_ARM64_NOT_TEXT;
}

/* The function containing PC: vmlinux symbols, or the module's from facts. */
static const char *real_function(struct real_ctx *ctx, uint64_t pc)
{
	if (pc >= ctx->module_base && pc < ctx->module_end) {
		const char *best = NULL;
		uint64_t best_addr = 0;
		for (size_t i = 0; i < ctx->nr_modsyms; i++) {
			if (ctx->modsyms[i].addr <= pc && ctx->modsyms[i].addr >= best_addr) {
				best = ctx->modsyms[i].name;
				best_addr = ctx->modsyms[i].addr;
			}
		}
		return best ? best : "?";
	}
	const struct kc_symbol *sym =
		kc_symtab_lookup_addr(ctx->session->symtab, pc - ctx->kaslr);
	return sym ? sym->name : "?";
}

static bool real_symbolize(void *arg, uint64_t addr, char *name, size_t len,
			   uint64_t *offset)
{
	struct real_ctx *ctx = arg;
	if (real_text(ctx, addr) == KC_ARM64_NOT_TEXT ||
	    (addr >= ctx->module_base && addr < ctx->module_end))
		return false;
	const struct kc_symbol *sym =
		kc_symtab_lookup_addr(ctx->session->symtab, addr - ctx->kaslr);
	if (!sym)
		return false;
	snprintf(name, len, "%s", sym->name);
	*offset = addr - ctx->kaslr - sym->addr;
	return true;
}

static void load_modsyms(struct real_ctx *ctx, const char *fixture)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/facts.txt",
		 kc_test_fixtures_dir(), fixture);
	char *text = kc_test_read_file(path, NULL);
	if (!text)
		return;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char name[64];
		uint64_t addr;
		if (ctx->nr_modsyms < MAX_MODSYMS &&
		    sscanf(line, "modsym.%63[^=]=%" SCNx64, name, &addr) == 2) {
			ctx->modsyms[ctx->nr_modsyms].addr = addr;
			snprintf(ctx->modsyms[ctx->nr_modsyms].name,
				 sizeof(ctx->modsyms[0].name), "%s", name);
			ctx->nr_modsyms++;
		}
	}
	free(text);
}

static uint64_t fact_u64(const char *fixture, const char *key)
{
	char *text = kc_test_fact(fixture, key);
	uint64_t value = text ? strtoull(text, NULL, 0) : 0;
	if (!text)
		CHECK_MSG(false, "%s: no fact %s", fixture, key);
	free(text);
	return value;
}

static uint64_t fact_hex(const char *fixture, const char *key)
{
	char *text = kc_test_fact(fixture, key);
	uint64_t value = text ? strtoull(text, NULL, 16) : 0;
	if (!text)
		CHECK_MSG(false, "%s: no fact %s", fixture, key);
	free(text);
	return value;
}

static bool symbol_pair(struct kc_session *session, const char *start,
			const char *end, uint64_t *lo, uint64_t *hi)
{
	struct kc_error *err = kc_kernel_symbol(session, start, lo);
	if (!err)
		err = kc_kernel_symbol(session, end, hi);
	if (err) {
		kc_error_destroy(err);
		return false;
	}
	return true;
}

static bool real_ctx_init(struct real_ctx *ctx, struct kc_session *session,
			  const char *fixture)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->session = session;
	ctx->kaslr = session->mmu->layout.kaslr_offset.value;
	if (!CHECK(symbol_pair(session, "_stext", "_etext", &ctx->text_start,
			       &ctx->text_end)))
		return false;
	/* The exception entry text: __entry_text_* (v5.10, v6.1). */
	if (!symbol_pair(session, "__entry_text_start", "__entry_text_end",
			 &ctx->entry_start, &ctx->entry_end) &&
	    !CHECK(symbol_pair(session, "__exception_text_start",
			       "__exception_text_end", &ctx->entry_start,
			       &ctx->entry_end)))
		return false;
	ctx->module_base = fact_u64(fixture, "module.kcrash_testmod.base");
	ctx->module_end = ctx->module_base +
			  fact_u64(fixture, "module.kcrash_testmod.size");
	load_modsyms(ctx, fixture);
	return true;
}

/*
 * THREAD_SIZE: sizeof(union thread_union) from DWARF, else the arm64 rule
 * (asm/memory.h, v5.10/v6.1, VMAP_STACK and no KASAN as in every fixture's
 * config): THREAD_SHIFT = max(14, PAGE_SHIFT).
 */
static uint64_t thread_size(struct kc_session *session)
{
	uint64_t size;
	struct kc_error *err = kc_kernel_sizeof(session, "union thread_union", &size);
	if (!err)
		return size;
	kc_error_destroy(err);
	uint64_t page = session->mmu->layout.page_size.value;
	return page > 0x4000 ? page : 0x4000;
}

/*
 * The stacks a task on CPU may use: its task stack, and CPU's IRQ stack
 * (per-CPU irq_stack_ptr, IRQ_STACK_SIZE = THREAD_SIZE), overflow stack
 * (per-CPU array overflow_stack, its symbol's size) and SDEI stacks when
 * the kernel has them.
 */
static size_t real_stacks(struct kc_session *session, uint64_t task_stack,
			  unsigned cpu, struct kc_arm64_stack *stacks)
{
	uint64_t size = thread_size(session);
	size_t n = 0;
	stacks[n++] = (struct kc_arm64_stack){KC_ARM64_STACK_TASK, task_stack,
					      task_stack + size};
	static const struct {
		const char *var;
		enum kc_arm64_stack_kind kind;
	} pointers[] = {
		{"irq_stack_ptr", KC_ARM64_STACK_IRQ},
		{"sdei_stack_normal_ptr", KC_ARM64_STACK_SDEI_NORMAL},
		{"sdei_stack_critical_ptr", KC_ARM64_STACK_SDEI_CRITICAL},
	};
	for (size_t i = 0; i < sizeof(pointers) / sizeof(pointers[0]); i++) {
		uint64_t var, addr, base;
		struct kc_error *err = kc_kernel_symbol(session, pointers[i].var, &var);
		if (!err)
			err = kc_kernel_percpu(session, var, cpu, &addr);
		if (!err)
			err = kc_kernel_read_u64(session, addr, &base);
		if (err) {
			kc_error_destroy(err);
			continue;
		}
		if (base)
			stacks[n++] = (struct kc_arm64_stack){pointers[i].kind, base,
							      base + size};
	}
	const struct kc_symbol *overflow =
		kc_symtab_lookup(session->symtab, "overflow_stack");
	uint64_t addr;
	if (overflow && overflow->size &&
	    !kc_kernel_percpu(session, overflow->addr + session->mmu->layout.kaslr_offset.value,
			      cpu, &addr))
		stacks[n++] = (struct kc_arm64_stack){KC_ARM64_STACK_OVERFLOW, addr,
						      addr + overflow->size};
	return n;
}

static bool real_input(struct kc_session *session, struct real_ctx *ctx,
		       struct kc_arm64_unwind_input *in)
{
	memset(in, 0, sizeof(*in));
	const struct kc_kernel_member *stackframe;
	struct kc_error *err = kc_kernel_sizeof(session, "struct pt_regs",
						&in->pt_regs_size);
	if (!err)
		err = kc_kernel_member(session, "struct pt_regs", "stackframe",
				       &stackframe);
	if (err) {
		CHECK_MSG(false, "pt_regs layout: %s", kc_error_message(err));
		kc_error_destroy(err);
		return false;
	}
	in->pt_regs_stackframe_offset = stackframe->offset;
	int64_t pac_mask = 0;
	err = kc_vmcoreinfo_number(session->vmcoreinfo, "KERNELPACMASK", &pac_mask);
	kc_error_destroy(err);
	in->pac_mask = (uint64_t)pac_mask;
	in->va_bits = (unsigned)(session->mmu->layout.va_bits_actual.known
					 ? session->mmu->layout.va_bits_actual.value
					 : session->mmu->layout.va_bits.value);
	in->read = real_read;
	in->text_kind = real_text;
	in->arg = ctx;
	return true;
}

/* The function names of panic.txt's "Call trace:", in order. */
static size_t kernel_call_trace(const char *fixture, char names[][64], size_t max)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/panic.txt",
		 kc_test_fixtures_dir(), fixture);
	char *text = kc_test_read_file(path, NULL);
	if (!text)
		return 0;
	size_t n = 0;
	bool in_trace = false;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (strstr(line, "Call trace:")) {
			in_trace = true;
			continue;
		}
		char name[64];
		char *body = strchr(line, ']');
		if (in_trace && body && n < max &&
		    sscanf(body + 1, " %63[^+]+0x", name) == 1 && strstr(body, "+0x"))
			snprintf(names[n++], 64, "%s", name);
		else if (in_trace)
			break;
	}
	free(text);
	return n;
}

static void check_panic_backtrace(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	struct real_ctx ctx;
	struct kc_arm64_unwind_input in;
	if (!real_ctx_init(&ctx, session, fixture) || !real_input(session, &ctx, &in))
		goto out;
	int32_t pid = (int32_t)fact_u64(fixture, "crash.pid");
	unsigned cpu = (unsigned)fact_u64(fixture, "crash.cpu");
	const struct kc_prstatus *prstatus = NULL;
	for (size_t i = 0; i < session->dump->nr_prstatus; i++)
		if (session->dump->prstatus[i].pid == pid)
			prstatus = &session->dump->prstatus[i];
	if (!CHECK_MSG(prstatus, "%s: no NT_PRSTATUS for pid %d", fixture, pid))
		goto out;
	memcpy(in.regs.x, prstatus->regs, sizeof(in.regs.x));
	in.regs.sp = prstatus->sp;
	in.regs.pc = prstatus->pc;
	in.regs.pstate = prstatus->pstate;
	/* The task stack: the THREAD_SIZE-aligned block holding sp. */
	uint64_t size = thread_size(session);
	struct kc_arm64_stack stacks[8];
	in.stacks = stacks;
	in.nr_stacks = real_stacks(session, prstatus->sp & ~(size - 1), cpu, stacks);

	struct kc_arm64_unwind unwind;
	struct kc_error *err = kc_arm64_unwind(&in, &unwind);
	if (err) {
		CHECK_MSG(false, "%s: %s", fixture, kc_error_message(err));
		kc_error_destroy(err);
		goto out;
	}
	char expected[64][64];
	size_t nr_expected = kernel_call_trace(fixture, expected, 64);
	size_t kernel_panic = 0, our_panic = SIZE_MAX;
	while (kernel_panic < nr_expected && strcmp(expected[kernel_panic], "panic"))
		kernel_panic++;
	CHECK_MSG(kernel_panic < nr_expected, "%s: no panic in the Call trace", fixture);
	for (size_t i = 0; i < unwind.nr_frames && our_panic == SIZE_MAX; i++)
		if (!strcmp(real_function(&ctx, unwind.frames[i].pc), "panic"))
			our_panic = i;
	/*
	 * From panic down, the frames must be the kernel's own, in order and
	 * nothing after (above panic the kernel was in dump_stack, we in the
	 * crash_kexec path that saved the registers).
	 */
	size_t nr_common = nr_expected - kernel_panic;
	CHECK_MSG(our_panic != SIZE_MAX && our_panic + nr_common == unwind.nr_frames,
		  "%s: panic at frame %zu of %zu, kernel trace has %zu from panic (%s)",
		  fixture, our_panic, unwind.nr_frames, nr_common, unwind.reason);
	for (size_t i = 0; our_panic != SIZE_MAX && i < nr_common &&
			   our_panic + i < unwind.nr_frames; i++) {
		const char *ours = real_function(&ctx, unwind.frames[our_panic + i].pc);
		CHECK_MSG(!strcmp(ours, expected[kernel_panic + i]),
			  "%s: frame %zu is %s, the kernel's trace has %s", fixture,
			  our_panic + i, ours, expected[kernel_panic + i]);
	}
	if (getenv("KC_TEST_VERBOSE")) {
		for (size_t i = 0; i < unwind.nr_frames; i++) {
			const struct kc_arm64_frame *f = &unwind.frames[i];
			printf("%s #%zu [%016" PRIx64 "] %s lr %016" PRIx64 " %s%s\n",
			       fixture, i, f->sp, real_function(&ctx, f->pc), f->lr,
			       kc_arm64_stack_kind_name(f->stack_kind),
			       f->is_exception_frame ? " EXCEPTION" : "");
			if (f->is_exception_frame)
				kc_bt_print_exception_frame(stdout, &f->regs, f->user_mode,
							       kc_arm64_pac_mask(in.pac_mask, in.va_bits),
							       real_symbolize, &ctx);
		}
		printf("%s end: %s\n", fixture, unwind.reason);
	}
	/* It ends in the EL0 pt_regs at the top of the stack: write(2). */
	CHECK_MSG(unwind.end == KC_ARM64_UNWIND_USER, "%s: end %s: %s", fixture,
		  kc_arm64_unwind_end_name(unwind.end), unwind.reason);
	if (unwind.nr_frames) {
		const struct kc_arm64_frame *last = &unwind.frames[unwind.nr_frames - 1];
		CHECK(last->is_exception_frame && last->user_mode);
		CHECK_EQ_U64(last->regs_addr, stacks[0].high - in.pt_regs_size);
		CHECK_EQ_U64((uint32_t)last->regs.syscallno, 64); /* __NR_write */
		CHECK(last->regs.pc < (1ull << 48) && last->regs.sp < (1ull << 48));
	}
	kc_arm64_unwind_free(&unwind);
out:
	kc_session_destroy(session);
}

KC_TEST(unwind_fixture_panic_backtrace)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++)
		check_panic_backtrace(kc_test_fixture_names[i]);
}

static void check_kthread_backtrace(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	struct real_ctx ctx;
	struct kc_arm64_unwind_input in;
	if (!real_ctx_init(&ctx, session, fixture) || !real_input(session, &ctx, &in))
		goto out;
	uint64_t task = fact_hex(fixture, "testmod.kthread.task");
	uint64_t stack = fact_hex(fixture, "testmod.kthread.stack");
	uint64_t task_stack, fp, sp, pc;
	struct kc_error *err = kc_kernel_read_member(session, task, "struct task_struct",
						     "stack", &task_stack);
	if (!err)
		err = kc_kernel_read_member(session, task, "struct task_struct",
					    "thread.cpu_context.fp", &fp);
	if (!err)
		err = kc_kernel_read_member(session, task, "struct task_struct",
					    "thread.cpu_context.sp", &sp);
	if (!err)
		err = kc_kernel_read_member(session, task, "struct task_struct",
					    "thread.cpu_context.pc", &pc);
	if (err) {
		CHECK_MSG(false, "%s: %s", fixture, kc_error_message(err));
		kc_error_destroy(err);
		goto out;
	}
	CHECK_EQ_U64(task_stack, stack);
	in.regs.x[29] = fp;
	in.regs.sp = sp;
	in.regs.pc = pc;
	struct kc_arm64_stack stacks[8];
	in.stacks = stacks;
	in.nr_stacks = real_stacks(session, stack, 0, stacks);
	in.nr_stacks = 1; /* a sleeping task uses its task stack only */
	struct kc_arm64_unwind unwind;
	err = kc_arm64_unwind(&in, &unwind);
	if (err) {
		CHECK_MSG(false, "%s: %s", fixture, kc_error_message(err));
		kc_error_destroy(err);
		goto out;
	}
	bool saw_module = false;
	for (size_t i = 0; i < unwind.nr_frames; i++) {
		const char *name = real_function(&ctx, unwind.frames[i].pc);
		if (!strncmp(name, "kcrash_wait", 11) || !strcmp(name, "kcrash_kthread_fn"))
			saw_module = true;
		if (getenv("KC_TEST_VERBOSE"))
			printf("%s kthread #%zu [%016" PRIx64 "] %s\n", fixture, i,
			       unwind.frames[i].sp, name);
	}
	if (getenv("KC_TEST_VERBOSE"))
		printf("%s kthread end: %s\n", fixture, unwind.reason);
	CHECK_MSG(saw_module, "%s: no kcrash_wait/kcrash_kthread_fn frame", fixture);
	CHECK_MSG(unwind.end == KC_ARM64_UNWIND_FINAL, "%s: end %s: %s", fixture,
		  kc_arm64_unwind_end_name(unwind.end), unwind.reason);
	if (unwind.nr_frames) {
		const struct kc_arm64_frame *last = &unwind.frames[unwind.nr_frames - 1];
		CHECK_STR(real_function(&ctx, last->pc), "ret_from_fork");
		/*
		 * ret_from_fork's frame is task_pt_regs(task)->stackframe (v6.1)
		 * or has fp 0 and is shown at task_pt_regs(task) (v5.10).
		 */
		uint64_t regs_at = stacks[0].high - in.pt_regs_size;
		CHECK_MSG(last->sp == regs_at ||
			  last->sp == regs_at + in.pt_regs_stackframe_offset,
			  "%s: ret_from_fork at %#" PRIx64 ", pt_regs at %#" PRIx64,
			  fixture, last->sp, regs_at);
	}
	kc_arm64_unwind_free(&unwind);
out:
	kc_session_destroy(session);
}

KC_TEST(unwind_fixture_kthread_backtrace)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++)
		check_kthread_backtrace(kc_test_fixture_names[i]);
}
