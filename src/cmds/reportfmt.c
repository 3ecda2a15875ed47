/* SPDX-License-Identifier: MIT */
#include "reportfmt.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static const struct kc_report_frame *culprit(const struct kc_report *r)
{
	return r->culprit_frame == KC_REPORT_NO_FRAME ? NULL : &r->frames[r->culprit_frame];
}

static void print_frame_text(FILE *out, const struct kc_report_frame *f)
{
	if (f->function)
		fprintf(out, "%s", f->function);
	if (f->has_offset)
		fprintf(out, "+0x%" PRIx64 "/0x%" PRIx64, f->offset, f->size);
	if (!f->function && f->has_address)
		fprintf(out, "0x%" PRIx64, f->address);
	if (f->module)
		fprintf(out, " [%s]", f->module);
	if (f->file)
		fprintf(out, " %s:%d", f->file, f->line);
}

void kc_reportfmt_text(FILE *out, const struct kc_report_list *list)
{
	if (!list->count) {
		fprintf(out, "%12s: (no kernel report in the log: %zu lines read)\n", "TITLE",
			list->nr_lines);
		return;
	}
	const struct kc_report *r = &list->reports[0];
	fprintf(out, "%12s: %s%s\n", "TITLE", r->title, r->corrupted ? "  (corrupted)" : "");
	fprintf(out, "%12s: %s\n", "KIND", r->kind);
	const struct kc_report_frame *c = culprit(r);
	if (c) {
		fprintf(out, "%12s: %s", "CULPRIT", c->function ? c->function : "?");
		if (c->module)
			fprintf(out, " [%s]", c->module);
		if (r->culprit_file)
			fprintf(out, " at %s:%d", r->culprit_file, r->culprit_line);
		fputc('\n', out);
	}
	fprintf(out, "%12s: %s\n", "SIGNATURE", r->signature);
	if (r->has_esr) {
		fprintf(out, "%12s: 0x%" PRIx64 " (%s", "ESR", r->esr, r->esr_info.class_name);
		if (r->esr_info.is_abort)
			fprintf(out, ", %s, %s", r->esr_info.access, r->esr_info.fault);
		if (r->esr_info.level >= 0)
			fprintf(out, ", level %d", r->esr_info.level);
		fputs(")\n", out);
	}
	if (r->has_fault_address)
		fprintf(out, "%12s: 0x%" PRIx64 "\n", "ADDRESS", r->fault_address);
	if (r->pid >= 0)
		fprintf(out, "%12s: %d (\"%s\") on CPU %d\n", "TASK", r->pid, r->comm ? r->comm : "",
			r->cpu);
	if (r->panic)
		fprintf(out, "%12s: \"%s\"\n", "PANIC", r->panic);
	fprintf(out, "%12s: %zu-%zu%s\n", "LINES", r->start_line, r->end_line,
		r->truncated ? " (cut off: the log ends inside the report)" : "");
	bool header = false;
	for (size_t i = 0; i < r->nr_frames; i++) {
		const struct kc_report_frame *f = &r->frames[i];
		if (f->stack != 0 || f->unreliable)
			continue;
		if (!header) {
			fputs("\nGUILTY TRACE:\n", out);
			header = true;
		}
		fprintf(out, "  %s ", i == r->culprit_frame ? "=>" : f->skipped ? " -" : "  ");
		print_frame_text(out, f);
		fputc('\n', out);
	}
	fprintf(out, "\nREPORTS (%zu):\n", list->count);
	for (size_t i = 0; i < list->count; i++)
		fprintf(out, "  #%zu line %zu: %s  [%s %s]\n", i, list->reports[i].start_line,
			list->reports[i].title, list->reports[i].kind, list->reports[i].signature);
}

static void key_string(FILE *out, const char *key, const char *value)
{
	fprintf(out, "\"%s\": ", key);
	kc_json_string(out, value);
}

static void culprit_json(FILE *out, const struct kc_report *r)
{
	const struct kc_report_frame *c = culprit(r);
	if (!c) {
		fputs("null", out);
		return;
	}
	fputc('{', out);
	key_string(out, "function", c->function);
	fputs(", ", out);
	key_string(out, "module", c->module);
	fputs(", ", out);
	key_string(out, "file", r->culprit_file);
	fputs(", \"line\": ", out);
	if (r->culprit_file)
		fprintf(out, "%d", r->culprit_line);
	else
		fputs("null", out);
	fprintf(out, ", \"frame\": %zu}", r->culprit_frame);
}

static void report_json(FILE *out, const struct kc_report *r)
{
	fputc('{', out);
	key_string(out, "title", r->title);
	fputs(", ", out);
	key_string(out, "kind", r->kind);
	fprintf(out, ", \"corrupted\": %s, ", r->corrupted ? "true" : "false");
	key_string(out, "corrupted_reason", r->corrupted_reason);
	fprintf(out, ", \"truncated\": %s, \"start_line\": %zu, \"end_line\": %zu, ",
		r->truncated ? "true" : "false", r->start_line, r->end_line);
	key_string(out, "caller", r->caller[0] ? r->caller : NULL);
	fputs(", ", out);
	key_string(out, "header", r->header);
	fputs(", ", out);
	key_string(out, "panic", r->panic);
	fputs(", \"cpu\": ", out);
	if (r->cpu >= 0)
		fprintf(out, "%d", r->cpu);
	else
		fputs("null", out);
	fputs(", \"pid\": ", out);
	if (r->pid >= 0)
		fprintf(out, "%d", r->pid);
	else
		fputs("null", out);
	fputs(", ", out);
	key_string(out, "comm", r->comm);
	fputs(", \"esr\": ", out);
	if (r->has_esr) {
		fprintf(out, "{\"value\": \"0x%" PRIx64 "\", \"ec\": \"0x%02x\", ", r->esr,
			r->esr_info.ec);
		key_string(out, "class", r->esr_info.class_name);
		fputs(", ", out);
		key_string(out, "access", r->esr_info.access);
		fputs(", ", out);
		key_string(out, "fault", r->esr_info.fault);
		fputs(", \"level\": ", out);
		if (r->esr_info.level >= 0)
			fprintf(out, "%d", r->esr_info.level);
		else
			fputs("null", out);
		fputc('}', out);
	} else {
		fputs("null", out);
	}
	fputs(", \"fault_address\": ", out);
	if (r->has_fault_address)
		fprintf(out, "\"0x%" PRIx64 "\"", r->fault_address);
	else
		fputs("null", out);
	fputs(", ", out);
	key_string(out, "pc", r->pc);
	fputs(", ", out);
	key_string(out, "lr", r->lr);
	fputs(", \"culprit\": ", out);
	culprit_json(out, r);
	fputs(", \"title_frame\": ", out);
	if (r->title_frame != KC_REPORT_NO_FRAME)
		fprintf(out, "%zu", r->title_frame);
	else
		fputs("null", out);
	fputs(", ", out);
	key_string(out, "signature", r->signature);
	fputs(", ", out);
	key_string(out, "signature_input", r->signature_input);
	fputs(", \"frames\": [", out);
	for (size_t i = 0; i < r->nr_frames; i++) {
		const struct kc_report_frame *f = &r->frames[i];
		fputs(i ? ", {" : "{", out);
		key_string(out, "function", f->function);
		fputs(", ", out);
		key_string(out, "name", f->name);
		fputs(", \"offset\": ", out);
		if (f->has_offset)
			fprintf(out, "\"0x%" PRIx64 "\", \"size\": \"0x%" PRIx64 "\"", f->offset, f->size);
		else
			fputs("null, \"size\": null", out);
		fputs(", ", out);
		key_string(out, "module", f->module);
		fputs(", \"address\": ", out);
		if (f->has_address)
			fprintf(out, "\"0x%" PRIx64 "\"", f->address);
		else
			fputs("null", out);
		fprintf(out, ", \"unreliable\": %s, \"pc\": %s, \"skipped\": %s, ",
			f->unreliable ? "true" : "false", f->is_pc ? "true" : "false",
			f->skipped ? "true" : "false");
		key_string(out, "file", f->file);
		fputs(", \"line\": ", out);
		if (f->file)
			fprintf(out, "%d", f->line);
		else
			fputs("null", out);
		fprintf(out, ", \"stack\": %u, ", f->stack);
		key_string(out, "stack_label", f->stack_label);
		fputc('}', out);
	}
	fputs("]}", out);
}

void kc_reportfmt_json_members(FILE *out, const struct kc_report_list *list)
{
	const struct kc_report *r = list->count ? &list->reports[0] : NULL;
	key_string(out, "title", r ? r->title : NULL);
	fputs(", ", out);
	key_string(out, "kind", r ? r->kind : NULL);
	fputs(", \"culprit\": ", out);
	if (r)
		culprit_json(out, r);
	else
		fputs("null", out);
	fputs(", ", out);
	key_string(out, "signature", r ? r->signature : NULL);
	fputs(", \"corrupted\": ", out);
	fputs(r ? (r->corrupted ? "true" : "false") : "null", out);
	fputs(", \"reports\": [", out);
	for (size_t i = 0; i < list->count; i++) {
		if (i)
			fputs(", ", out);
		report_json(out, &list->reports[i]);
	}
	fputc(']', out);
}

void kc_reportfmt_null_reasons(const struct kc_report_list *list,
			       void (*add)(void *ctx, const char *reason), void *ctx)
{
	if (!list->count) {
		add(ctx, "title: no kernel report (Oops, BUG, WARNING, panic...) in the log");
		return;
	}
	const struct kc_report *r = &list->reports[0];
	char buf[1024];
	if (r->culprit_frame == KC_REPORT_NO_FRAME) {
		snprintf(buf, sizeof(buf), "culprit: the report has no guilty frame%s%s",
			 r->corrupted_reason ? " (" : "", r->corrupted_reason ? r->corrupted_reason : "");
		if (r->corrupted_reason)
			strncat(buf, ")", sizeof(buf) - strlen(buf) - 1);
		add(ctx, buf);
	} else if (!r->culprit_file) {
		snprintf(buf, sizeof(buf), "culprit.file: %s",
			 r->culprit_source_error ? r->culprit_source_error :
			 "no kernel image given for source lines");
		add(ctx, buf);
	}
}
