/* SPDX-License-Identifier: MIT */
/*
 * Parsed crash reports (<kcrash/report.h>) as triage prints them: the text
 * summary and the JSON members, shared by the triage command (a dump's own
 * log) and kcrash --console (a console log alone).
 */
#ifndef KC_REPORTFMT_H
#define KC_REPORTFMT_H

#include <stdbool.h>
#include <stdio.h>

#include <kcrash/report.h>

/* The text summary: TITLE, KIND, CULPRIT, SIGNATURE..., then every report. */
void kc_reportfmt_text(FILE *out, const struct kc_report_list *list);

/*
 * The JSON members "title", "kind", "culprit", "signature", "corrupted" and
 * "reports" (no surrounding braces, no trailing comma), as kcrash(1)
 * documents them under TRIAGE JSON.
 */
void kc_reportfmt_json_members(FILE *out, const struct kc_report_list *list);

/*
 * Why members of kc_reportfmt_json_members are null: each reason, as
 * "member: why", passed to ADD (called once per reason).
 */
void kc_reportfmt_null_reasons(const struct kc_report_list *list,
			       void (*add)(void *ctx, const char *reason), void *ctx);

/*
 * kcrash --console LOG [--json] [VMLINUX]: triage LOG (a serial console or
 * dmesg capture) with no dump; with VMLINUX, raw addresses are named and
 * the culprit gets its file:line. The summary or the JSON document to OUT,
 * problems to ERR. Returns the exit status: 0, or 2 when LOG cannot be
 * read.
 */
int kc_console_triage(const char *log, const char *vmlinux, bool json, FILE *out, FILE *err);

#endif
