/* SPDX-License-Identifier: MIT */
/*
 * Backtraces as crash's `bt` prints them (arm64_back_trace_cmd,
 * arm64_print_exception_frame) and as JSON, from the library's
 * kc_backtrace (kcrash/backtrace.h).
 */
#include "btfmt.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/memory.h>
#include <kcrash/symbols.h>

/* "[name+0xoff]\n" as crash prints a PC or LR, or its "unknown" text. */
static void print_symbol(FILE *out, uint64_t addr,
			 kc_bt_symbolize_fn symbolize, void *arg)
{
	char name[256];
	uint64_t offset;
	if (!symbolize || !symbolize(arg, addr, name, sizeof(name), &offset)) {
		fputs("[unknown or invalid address]\n", out);
		return;
	}
	fprintf(out, "[%s", name);
	if (offset)
		fprintf(out, "+0x%" PRIx64, offset);
	fputs("]\n", out);
}

static bool is_symbolized(uint64_t addr, kc_bt_symbolize_fn symbolize,
			  void *arg)
{
	char name[256];
	uint64_t offset;
	return symbolize && symbolize(arg, addr, name, sizeof(name), &offset);
}

/*
 * The general registers from TOP down to x0, ROWS to a line (crash's
 * layout: 64-bit rows of three, AArch32 rows of four).
 */
static void print_gprs(FILE *out, const struct kc_arm64_regs *regs, int top,
		       int rows, bool is_64bit, bool user_mode)
{
	for (int i = top, r = 1; i >= 0; i--, r++) {
		fprintf(out, "%sX%d: ", i < 10 ? " " : "", i);
		if (is_64bit)
			fprintf(out, "%016" PRIx64, regs->x[i]);
		else
			fprintf(out, "%08" PRIx64, regs->x[i]);
		if (i == 0 && !is_64bit)
			fputs("\n", out);
		else if (i == 0)
			fputs(user_mode ? "\n    " : "\n", out);
		else if (r % rows == 0)
			fputs("\n    ", out);
		else
			fputs(is_64bit ? "  " : " ", out);
	}
}

void kc_bt_print_exception_frame(FILE *out, const struct kc_arm64_regs *regs,
				    bool user_mode, uint64_t pac_mask,
				    kc_bt_symbolize_fn symbolize, void *arg)
{
	bool compat = user_mode && (regs->pstate & KC_ARM64_PSR_MODE32_BIT);

	if (compat) {
		/* AArch32: lr is r14, sp is r13 (compat_lr/compat_sp). */
		fprintf(out,
			"     PC: %08" PRIx64 "  LR: %08" PRIx64 "  SP: %08" PRIx64
			"  PSTATE: %08" PRIx64 "\n    ",
			regs->pc, regs->x[14], regs->x[13], regs->pstate);
		print_gprs(out, regs, 12, 4, false, true);
		return;
	}
	uint64_t lr = regs->x[30];
	if (is_symbolized(lr | pac_mask, symbolize, arg))
		lr |= pac_mask;
	if (user_mode) {
		fprintf(out,
			"     PC: %016" PRIx64 "   LR: %016" PRIx64
			"   SP: %016" PRIx64 "\n    ",
			regs->pc, lr, regs->sp);
	} else {
		fprintf(out, "     PC: %016" PRIx64 "  ", regs->pc);
		print_symbol(out, regs->pc, symbolize, arg);
		fprintf(out, "     LR: %016" PRIx64 "  ", lr);
		print_symbol(out, lr, symbolize, arg);
		fprintf(out, "     SP: %016" PRIx64 "  PSTATE: %08" PRIx64 "\n    ",
			regs->sp, regs->pstate);
	}
	print_gprs(out, regs, 29, 3, true, user_mode);
	if (user_mode)
		fprintf(out,
			"ORIG_X0: %016" PRIx64 "  SYSCALLNO: %" PRIx64
			"  PSTATE: %08" PRIx64 "\n",
			regs->orig_x0, regs->syscallno, regs->pstate);
}

void kc_bt_print_header(const struct kc_task *task, FILE *out)
{
	char cpu[16];
	if (task->cpu >= 0)
		snprintf(cpu, sizeof(cpu), "%d", task->cpu);
	else
		snprintf(cpu, sizeof(cpu), "-");
	fprintf(out, "PID: %-7d  TASK: %llx  CPU: %-3s  COMMAND: \"%s\"\n",
		task->pid, (unsigned long long)task->task, cpu, task->comm);
}

/* The file and line of a frame (vmlinux only: modules have no DWARF here). */
static bool source_line(struct kc_session *session, const struct kc_bt_symbol *sym,
			const char **file, int *line)
{
	if (sym->module[0])
		return false;
	struct kc_error *err = kc_symbol_source_line(session, sym->pc, file, line);
	kc_error_destroy(err);
	return !err;
}

/* A stack word as crash's format_stack_entry shows it. */
static void print_stack_word(struct kc_session *session, uint64_t value, FILE *out)
{
	char name[160];
	uint64_t offset;
	if (kc_bt_symbolize(session, value, name, sizeof(name), &offset)) {
		if (offset)
			fprintf(out, "%s+%" PRIu64 " ", name, offset);
		else
			fprintf(out, "%s ", name);
	} else {
		fprintf(out, "%016" PRIx64 " ", value);
	}
}

/* crash's arm64_display_full_frame: the words from LOW up to HIGH. */
static void print_full_frame(struct kc_session *session, uint64_t low,
			     uint64_t high, FILE *out)
{
	if (high <= low || high - low > 0x10000)
		return;
	size_t words = (size_t)((high - low) / 8);
	uint64_t *buf = malloc(words * 8);
	if (!buf)
		return;
	struct kc_error *err = kc_kernel_read(session, low, buf, words * 8);
	if (err) {
		fprintf(out, "    (%s)\n", kc_error_message(err));
		kc_error_destroy(err);
		free(buf);
		return;
	}
	for (size_t i = 0; i < words; i++) {
		if (!(i & 1))
			fprintf(out, "%s    %" PRIx64 ": ", i ? "\n" : "", low + 8 * i);
		print_stack_word(session, buf[i], out);
	}
	fputc('\n', out);
	free(buf);
}

static bool ends_kernel_trace(const char *name)
{
	/* Where crash stops (arm64_print_stackframe_entry). */
	return !strcmp(name, "start_kernel") ||
	       !strcmp(name, "secondary_start_kernel") ||
	       !strcmp(name, "kthread") || !strcmp(name, "kthreadd");
}

static void print_user_regs(struct kc_session *session,
			    const struct kc_backtrace *bt, FILE *out)
{
	kc_bt_print_exception_frame(out, &bt->user_regs, true, bt->pac_mask,
				       kc_bt_symbolize, session);
}

/* One frame line (and -l's source line); true when crash stops after it. */
static bool print_frame_line(struct kc_session *session,
			     const struct kc_backtrace *bt, size_t i,
			     unsigned flags, FILE *out)
{
	const struct kc_arm64_frame *frame = &bt->unwind.frames[i];
	struct kc_bt_symbol sym;
	bool known = kc_bt_frame_symbol(session, frame, &sym);
	fprintf(out, "%s#%zu [%8" PRIx64 "] ", i < 10 ? " " : "", i,
		kc_bt_frame_address(bt, frame));
	if (!known)
		fputs("(unknown)", out);
	else if ((flags & KC_BT_OFFSETS) && sym.offset)
		fprintf(out, "%s+%" PRIu64, sym.function, sym.offset);
	else
		fputs(sym.function, out);
	fprintf(out, " at %" PRIx64, sym.pc);
	if (sym.module[0])
		fprintf(out, " [%s]", sym.module);
	fputc('\n', out);
	const char *file;
	int line;
	if ((flags & KC_BT_LINES) && known && source_line(session, &sym, &file, &line))
		fprintf(out, "    %s: %d\n", file, line);
	return known && ends_kernel_trace(sym.function);
}

void kc_bt_print(struct kc_session *session, const struct kc_backtrace *bt,
		 unsigned flags, FILE *out)
{
	if (bt->note[0])
		fprintf(out, "bt: WARNING: %s\n", bt->note);
	if (bt->start == KC_BT_START_USER) {
		if (bt->has_user_regs)
			print_user_regs(session, bt, out);
		fputs(" #0 [user space]\n", out);
		return;
	}
	const struct kc_arm64_unwind *u = &bt->unwind;
	for (size_t i = 0; i < u->nr_frames; i++) {
		const struct kc_arm64_frame *frame = &u->frames[i];
		if ((flags & KC_BT_FULL) && i > 0 &&
		    frame->stack_kind == u->frames[i - 1].stack_kind)
			print_full_frame(session, kc_bt_frame_address(bt, &u->frames[i - 1]),
					 kc_bt_frame_address(bt, frame), out);
		if (print_frame_line(session, bt, i, flags, out))
			return;
		if (frame->is_exception_frame && !frame->user_mode)
			kc_bt_print_exception_frame(out, &frame->regs, false,
						       bt->pac_mask, kc_bt_symbolize,
						       session);
		if (i + 1 < u->nr_frames && frame->stack_kind != u->frames[i + 1].stack_kind) {
			if (frame->stack_kind == KC_ARM64_STACK_IRQ)
				fputs("--- <IRQ stack> ---\n", out);
			else if (frame->stack_kind == KC_ARM64_STACK_OVERFLOW)
				fputs("--- <Overflow stack> ---\n", out);
		}
	}
	if (u->end == KC_ARM64_UNWIND_ERROR)
		fprintf(out, "bt: unwind stopped: %s\n", u->reason);
	if (bt->has_user_regs)
		print_user_regs(session, bt, out);
}

static void json_string(const char *s, FILE *out)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_regs(const struct kc_arm64_regs *regs, bool user_mode,
		      uint64_t addr, FILE *out)
{
	fprintf(out, "{\"address\": \"0x%" PRIx64 "\", \"mode\": \"%s\", \"pc\": \"0x%"
		PRIx64 "\", \"sp\": \"0x%" PRIx64 "\", \"pstate\": \"0x%" PRIx64 "\", \"x\": [",
		addr, user_mode ? "user" : "kernel", regs->pc, regs->sp, regs->pstate);
	for (int i = 0; i < 31; i++)
		fprintf(out, "%s\"0x%" PRIx64 "\"", i ? ", " : "", regs->x[i]);
	fputc(']', out);
	if (user_mode)
		fprintf(out, ", \"orig_x0\": \"0x%" PRIx64 "\", \"syscallno\": %d",
			regs->orig_x0, (int32_t)regs->syscallno);
	fputc('}', out);
}

static void json_frame(struct kc_session *session, const struct kc_backtrace *bt,
		       const struct kc_arm64_frame *frame, FILE *out)
{
	struct kc_bt_symbol sym;
	bool known = kc_bt_frame_symbol(session, frame, &sym);
	fprintf(out, "{\"index\": %u, \"sp\": \"0x%" PRIx64 "\", \"pc\": \"0x%" PRIx64
		"\", \"return_address\": \"0x%" PRIx64 "\", \"function\": ",
		frame->index, kc_bt_frame_address(bt, frame), sym.pc, frame->pc);
	if (known)
		json_string(sym.function, out);
	else
		fputs("null", out);
	fprintf(out, ", \"offset\": %" PRIu64 ", \"module\": ", sym.offset);
	if (sym.module[0])
		json_string(sym.module, out);
	else
		fputs("null", out);
	const char *file;
	int line;
	if (known && source_line(session, &sym, &file, &line)) {
		fputs(", \"file\": ", out);
		json_string(file, out);
		fprintf(out, ", \"line\": %d", line);
	} else {
		fputs(", \"file\": null, \"line\": null", out);
	}
	fprintf(out, ", \"stack\": \"%s\"", kc_arm64_stack_kind_name(frame->stack_kind));
	if (frame->is_exception_frame && !frame->user_mode) {
		fputs(", \"exception_frame\": ", out);
		json_regs(&frame->regs, false, frame->regs_addr, out);
	}
	fputc('}', out);
}

void kc_bt_print_json(struct kc_session *session, const struct kc_backtrace *bt,
		      FILE *out)
{
	const struct kc_task *t = bt->task;
	fprintf(out, "{\"pid\": %d, \"task\": \"0x%llx\", \"cpu\": ", t->pid,
		(unsigned long long)t->task);
	if (t->cpu >= 0)
		fprintf(out, "%d", t->cpu);
	else
		fputs("null", out);
	fputs(", \"command\": ", out);
	json_string(t->comm, out);
	fprintf(out, ", \"active\": %s, \"kernel_thread\": %s, \"start\": \"%s\", \"frames\": [",
		t->is_active ? "true" : "false", t->is_kernel_thread ? "true" : "false",
		kc_bt_start_name(bt->start));
	for (size_t i = 0; i < bt->unwind.nr_frames; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		json_frame(session, bt, &bt->unwind.frames[i], out);
	}
	fprintf(out, "], \"end\": \"%s\", \"reason\": ",
		kc_arm64_unwind_end_name(bt->unwind.end));
	json_string(bt->unwind.reason, out);
	fputs(", \"user_regs\": ", out);
	if (bt->has_user_regs)
		json_regs(&bt->user_regs, true, bt->user_regs_addr, out);
	else
		fputs("null", out);
	if (bt->note[0]) {
		fputs(", \"warning\": ", out);
		json_string(bt->note, out);
	}
	fputs("}", out);
}

struct eframe_printer {
	FILE *out;
	struct kc_session *session;
	const struct kc_backtrace *bt;
	unsigned found;
};

static void print_eframe(void *ctx, uint64_t addr, const struct kc_arm64_regs *regs,
			 const struct kc_error *stack_error)
{
	struct eframe_printer *p = ctx;
	if (stack_error) {
		fprintf(p->out, "bt -e: %s\n", kc_error_message(stack_error));
		return;
	}
	fprintf(p->out, "%sKERNEL-MODE EXCEPTION FRAME AT: %llx\n", p->found++ ? "\n" : "",
		(unsigned long long)addr);
	kc_bt_print_exception_frame(p->out, regs, false, p->bt->pac_mask,
				    kc_bt_symbolize, p->session);
}

void kc_bt_print_eframes(struct kc_session *session, const struct kc_backtrace *bt,
			 FILE *out)
{
	struct eframe_printer p = {out, session, bt, 0};
	kc_bt_search_eframes(session, bt, print_eframe, &p);
	if (bt->has_user_regs) {
		fprintf(out, "%sUSER-MODE EXCEPTION FRAME AT: %llx\n", p.found++ ? "\n" : "",
			(unsigned long long)bt->user_regs_addr);
		kc_bt_print_exception_frame(out, &bt->user_regs, true, bt->pac_mask,
					    kc_bt_symbolize, session);
	}
	if (!p.found)
		fputs("(no exception frames found)\n", out);
}
