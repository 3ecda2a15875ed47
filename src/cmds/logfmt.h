/* SPDX-License-Identifier: MIT */
/*
 * The printk log as crash's `log` prints it (and as JSON), record by
 * record from the library's walk (kcrash/printk.h).
 */
#ifndef KC_CMDS_LOGFMT_H
#define KC_CMDS_LOGFMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <kcrash/printk.h>

/* How to print records (crash's log options). */
struct kc_printk_print_options {
	bool no_time;      /* -t */
	bool wall_time;    /* -T: boot_seconds + ts */
	int64_t boot_seconds;
	bool level;        /* -m: "<%x>" */
	bool dict;         /* -d: dictionary / dev_info lines */
	bool caller;       /* -c: "[%*s] " caller id */
	int caller_width;  /* crash: from pid_max, 8 by default */
	bool join_cont;    /* join LOG_CONT fragments (log_buf format) */
	bool json;         /* --json */
};

/* Prints records one by one; keeps the state needed to join fragments. */
struct kc_printk_printer {
	FILE *out;
	struct kc_printk_print_options opts;
	bool line_open;     /* the last text line has no newline yet */
	bool last_had_caller;
	uint32_t last_caller;
	uint64_t nr_json;   /* JSON array elements written */
};

void kc_printk_printer_init(struct kc_printk_printer *printer, FILE *out,
			    const struct kc_printk_print_options *opts);
/* A kc_printk_visit_fn; CTX is the printer. */
struct kc_error *kc_printk_print_record(void *printer,
					const struct kc_printk_record *rec);
/* Closes an open line, or the JSON array. */
void kc_printk_printer_finish(struct kc_printk_printer *printer);

#endif
