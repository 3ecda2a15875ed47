/* SPDX-License-Identifier: MIT */
/*
 * kcrash --console: the triage of a console log alone. The JSON document
 * has triage's schema (kcrash(1), TRIAGE JSON): what only a dump can give
 * is null, with the reason in "errors".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "reportfmt.h"

#define CONSOLE_SCHEMA "kcrash-triage/3"
#define CONSOLE_LOG_LINES 20

struct reasons {
	char *v[32];
	size_t n;
};

static void add_reason(void *arg, const char *reason)
{
	struct reasons *r = arg;
	if (r->n < sizeof(r->v) / sizeof(r->v[0]) && (r->v[r->n] = strdup(reason)))
		r->n++;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0;
	*len = 0;
	for (;;) {
		if (*len + 65536 > cap) {
			cap = cap ? cap * 2 : 1 << 20;
			char *b = realloc(buf, cap);
			if (!b) {
				free(buf);
				buf = NULL;
				errno = ENOMEM;
				break;
			}
			buf = b;
		}
		size_t n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0)
			break;
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

/* Line LINENO (1-based) of TEXT and its length. */
static const char *nth_line(const char *text, size_t len, size_t lineno, size_t *line_len)
{
	const char *p = text, *end = text + len;
	for (size_t i = 1; i < lineno && p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	*line_len = nl ? (size_t)(nl - p) : (size_t)(end - p);
	if (*line_len && p[*line_len - 1] == '\r')
		(*line_len)--;
	return p;
}

static void json_text(FILE *out, const char *text, size_t len, const struct kc_report_list *list,
		      const char *log, const char *vmlinux, struct reasons *reasons)
{
	const struct kc_report *r = list->count ? &list->reports[0] : NULL;
	fprintf(out, "{\"schema\": \"%s\", \"kcrash_version\": \"%s\", \"source\": \"console\", ",
		CONSOLE_SCHEMA, KCRASH_VERSION);
	fputs("\"console\": {\"path\": ", out);
	kc_json_string(out, log);
	fprintf(out, ", \"lines\": %zu}, \"kernel\": {\"release\": ", list->nr_lines);
	const char *lv = memmem(text, len, "Linux version ", 14);
	if (lv) {
		const char *v = lv + 14;
		size_t n = strcspn(v, " \r\n");
		kc_json_string_n(out, v, n);
	} else {
		fputs("null", out);
		add_reason(reasons, "kernel.release: no \"Linux version\" line in the log");
	}
	fputs(", \"version\": null, \"build_id\": null, \"vmlinux\": ", out);
	kc_json_string(out, vmlinux);
	fputs("}, \"dump\": null, \"crash_time\": null, \"uptime_seconds\": null, "
	      "\"reason\": null, ", out);
	add_reason(reasons, "dump, crash_time, uptime_seconds, reason, backtrace, tainted: no dump "
		   "(a console log alone)");
	fputs("\"panic_message\": ", out);
	kc_json_string(out, r ? r->panic : NULL);
	fputs(", \"cpu\": ", out);
	if (r && r->cpu >= 0)
		fprintf(out, "%d", r->cpu);
	else
		fputs("null", out);
	fputs(", \"task\": ", out);
	if (r && r->pid >= 0) {
		fprintf(out, "{\"pid\": %d, \"comm\": ", r->pid);
		kc_json_string(out, r->comm);
		fputs(", \"address\": null, \"state\": null}", out);
	} else {
		fputs("null", out);
	}
	if (!r || r->pid < 0)
		add_reason(reasons, "cpu, task: the report prints no \"CPU: N PID: N\" line");
	fputs(", \"backtrace\": null, \"tainted\": null, \"log_tail\": [", out);
	size_t last = r ? r->end_line : list->nr_lines;
	size_t first = last > CONSOLE_LOG_LINES ? last - CONSOLE_LOG_LINES + 1 : 1;
	for (size_t i = first; i <= last && i <= list->nr_lines; i++) {
		size_t ll;
		const char *l = nth_line(text, len, i, &ll);
		if (i != first)
			fputs(", ", out);
		kc_json_string_n(out, l, ll);
	}
	fputs("], ", out);
	kc_reportfmt_json_members(out, list);
	kc_reportfmt_null_reasons(list, add_reason, reasons);
	fputs(", \"errors\": [", out);
	for (size_t i = 0; i < reasons->n; i++) {
		if (i)
			fputs(", ", out);
		kc_json_string(out, reasons->v[i]);
	}
	fputs("]}\n", out);
}

int kc_console_triage(const char *log, const char *vmlinux, bool json, FILE *out, FILE *errf)
{
	size_t len;
	char *text = read_all(log, &len);
	if (!text) {
		fprintf(errf, "kcrash: %s: %s\n", log, strerror(errno));
		return 2;
	}
	struct reasons reasons = {0};
	struct kc_report_list list;
	struct kc_error *err = kc_report_parse(text, len, &list);
	if (err) {
		fprintf(errf, "kcrash: %s: %s\n", log, kc_error_message(err));
		kc_error_destroy(err);
		free(text);
		return 2;
	}
	if (vmlinux) {
		struct kc_report_vmlinux *v;
		err = kc_report_vmlinux_open(vmlinux, &v);
		if (!err) {
			err = kc_report_symbolize(&list, v);
			kc_report_vmlinux_close(v);
		}
		if (err) {
			char buf[1024];
			snprintf(buf, sizeof(buf), "vmlinux: %s", kc_error_message(err));
			add_reason(&reasons, buf);
			if (!json)
				fprintf(errf, "kcrash: warning: %s\n", buf);
			kc_error_destroy(err);
		}
	}
	if (json) {
		json_text(out, text, len, &list, log, vmlinux, &reasons);
	} else {
		kc_reportfmt_text(out, &list);
	}
	for (size_t i = 0; i < reasons.n; i++)
		free(reasons.v[i]);
	kc_report_list_free(&list);
	free(text);
	return 0;
}
