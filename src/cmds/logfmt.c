/* SPDX-License-Identifier: MIT */
#include "logfmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include <time.h>

#include "json.h"

void kc_printk_printer_init(struct kc_printk_printer *printer, FILE *out,
			    const struct kc_printk_print_options *opts)
{
	memset(printer, 0, sizeof(*printer));
	printer->out = out;
	printer->opts = *opts;
	if (printer->opts.caller_width <= 0)
		printer->opts.caller_width = 8;
}

static void caller_text(const struct kc_printk_record *rec, char *buf, size_t cap)
{
	snprintf(buf, cap, "%c%u", rec->caller_id & KC_PRINTK_CALLER_CPU ? 'C' : 'T',
		 rec->caller_id & ~KC_PRINTK_CALLER_CPU);
}

static void print_json(struct kc_printk_printer *p, const struct kc_printk_record *rec)
{
	FILE *out = p->out;
	fputs(p->nr_json++ ? ",\n  {" : "[\n  {", out);
	if (rec->seq_known)
		fprintf(out, "\"seq\": %" PRIu64, rec->seq);
	else
		fputs("\"seq\": null", out);
	if (rec->corrupt) {
		fputs(", \"corrupt\": ", out);
		kc_json_string_n(out, rec->corrupt, strlen(rec->corrupt));
		fputc('}', out);
		return;
	}
	fprintf(out, ", \"ts_nsec\": %" PRIu64 ", \"level\": %u, \"facility\": %u, \"caller\": ",
		rec->ts_nsec, rec->level, rec->facility);
	if (rec->has_caller_id) {
		char caller[16];
		caller_text(rec, caller, sizeof(caller));
		kc_json_string_n(out, caller, strlen(caller));
	} else {
		fputs("null", out);
	}
	fputs(", \"text\": ", out);
	kc_json_string_n(out, rec->text, rec->text_len);
	if (rec->dict_len) {
		fputs(", \"dict\": [", out);
		for (size_t i = 0; i < rec->dict_len;) {
			size_t n = strnlen(rec->dict + i, rec->dict_len - i);
			if (i)
				fputs(", ", out);
			kc_json_string_n(out, rec->dict + i, n);
			i += n + 1;
		}
		fputc(']', out);
	}
	fputc('}', out);
}

/* The "[    0.000000] [    T552] <6>" prefix; returns its width. */
static int print_prefix(struct kc_printk_printer *p, const struct kc_printk_record *rec)
{
	int width = 0;
	if (p->opts.wall_time) {
		time_t t = (time_t)(p->opts.boot_seconds + (int64_t)(rec->ts_nsec / 1000000000));
		struct tm tm;
		char date[64] = "";
		if (localtime_r(&t, &tm))
			strftime(date, sizeof(date), "%a %b %e %T %Z %Y", &tm);
		width += fprintf(p->out, "[%s] ", date);
	} else if (!p->opts.no_time) {
		width += fprintf(p->out, "[%5" PRIu64 ".%06" PRIu64 "] ",
				 rec->ts_nsec / 1000000000, rec->ts_nsec % 1000000000 / 1000);
	}
	if (p->opts.caller && rec->has_caller_id) {
		char caller[16];
		caller_text(rec, caller, sizeof(caller));
		width += fprintf(p->out, "[%*s] ", p->opts.caller_width, caller);
	}
	if (p->opts.level)
		width += fprintf(p->out, "<%x>", rec->level);
	return width;
}

/* Text as crash shows it: continuation lines indented, unprintables as '.'. */
static void print_text(FILE *out, const char *text, size_t len, int indent)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n')
			fprintf(out, "\n%*s", indent, "");
		else if (c < 0x80 && (isprint(c) || isspace(c)))
			fputc(c, out);
		else
			fputc('.', out);
	}
}

static void print_dict(FILE *out, const char *dict, size_t len, int indent)
{
	for (size_t i = 0; i < len;) {
		size_t n = strnlen(dict + i, len - i);
		if (n) {
			fprintf(out, "\n%*s", indent, "");
			print_text(out, dict + i, n, indent);
		}
		i += n + 1;
	}
}

struct kc_error *kc_printk_print_record(void *printer,
					const struct kc_printk_record *rec)
{
	struct kc_printk_printer *p = printer;
	if (p->opts.json) {
		print_json(p, rec);
		return NULL;
	}
	bool join = !rec->corrupt && p->opts.join_cont && p->line_open &&
		    (rec->flags & KC_LOG_CONT) && !(rec->flags & KC_LOG_PREFIX) &&
		    (!rec->has_caller_id || !p->last_had_caller ||
		     rec->caller_id == p->last_caller);
	if (p->line_open && !join)
		fputc('\n', p->out);
	p->line_open = false;
	if (rec->corrupt) {
		if (rec->seq_known)
			fprintf(p->out, "[corrupt record at seq %" PRIu64 ": %s]\n", rec->seq,
				rec->corrupt);
		else
			fprintf(p->out, "[corrupt record: %s]\n", rec->corrupt);
		return NULL;
	}
	int indent = join ? 0 : print_prefix(p, rec);
	print_text(p->out, rec->text, rec->text_len, indent);
	if (p->opts.dict && rec->dict_len)
		print_dict(p->out, rec->dict, rec->dict_len, indent);
	p->last_had_caller = rec->has_caller_id;
	p->last_caller = rec->caller_id;
	/* A fragment without its newline may be continued by the next record. */
	if (p->opts.join_cont && !(rec->flags & KC_LOG_NEWLINE) &&
	    !(p->opts.dict && rec->dict_len))
		p->line_open = true;
	else
		fputc('\n', p->out);
	return NULL;
}

void kc_printk_printer_finish(struct kc_printk_printer *printer)
{
	if (printer->opts.json)
		fputs(printer->nr_json ? "\n]\n" : "[]\n", printer->out);
	else if (printer->line_open)
		fputc('\n', printer->out);
	printer->line_open = false;
}
