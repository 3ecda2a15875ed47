/* SPDX-License-Identifier: MIT */
/* Shared between the files of src/report; the public part is <kcrash/report.h>. */
#ifndef KC_REPORT_INTERNAL_H
#define KC_REPORT_INTERNAL_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include <kcrash/report.h>

/* A growable string (NUL-terminated when buf is not NULL). */
struct kc_sbuf {
	char *buf;
	size_t len, cap;
	bool nomem;
};

void kc_sbuf_addn(struct kc_sbuf *sb, const char *s, size_t n);
void kc_sbuf_add(struct kc_sbuf *sb, const char *s);
void kc_sbuf_addc(struct kc_sbuf *sb, char c);
/* The string (never NULL unless out of memory), ownership to the caller. */
char *kc_sbuf_take(struct kc_sbuf *sb);

/* Length of a function name at P followed by '.' or '+' ("{{FUNC}}"), else 0. */
size_t kc_report_func_at(const char *p);
/* Length of a "[<ffff...>]" / "[ffff...]" printed address at P, else 0. */
size_t kc_report_pc_at(const char *p);

/* A title (or any text) with addresses, numbers, lines... replaced, sanitized. */
char *kc_report_clean_title(const char *title);

/*
 * Work out title, kind, title/culprit frames and signature of R from its
 * text (r->text) and frames: done by kc_report_parse, again by
 * kc_report_symbolize once raw addresses have names.
 */
struct kc_error *kc_report_analyze(struct kc_report *r);
/* Frames, fields, title... of R again from its (changed) text. */
struct kc_error *kc_report_refresh(struct kc_report *r);
/* The header index LINE starts a report with, or -1. */
int kc_report_match_header(const char *line);
/* LINE's header does not start a report inside another (a panic line, ...). */
bool kc_report_start_ignored(const char *line);

#endif
