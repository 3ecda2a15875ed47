/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the console-log report parser (src/report): the input is the log.
 * Every report must have a title, a kind from kc_report_kinds(), a
 * 16-digit signature, frame indexes inside its frames, and line numbers
 * inside the log; its JSON and text forms are printed to /dev/null.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/report.h>

#include "reportfmt.h"

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	struct kc_report_list list;
	struct kc_error *err = kc_report_parse((const char *)data, size, &list);
	if (err) {
		kc_error_destroy(err);
		return 0;
	}
	for (size_t i = 0; i < list.count; i++) {
		const struct kc_report *r = &list.reports[i];
		if (!r->title || !r->kind || strlen(r->signature) != 16 || !r->text)
			abort();
		bool known = false;
		for (const char *const *k = kc_report_kinds(); *k; k++)
			known |= strcmp(*k, r->kind) == 0;
		if (!known)
			abort();
		if ((r->culprit_frame != KC_REPORT_NO_FRAME && r->culprit_frame >= r->nr_frames) ||
		    (r->title_frame != KC_REPORT_NO_FRAME && r->title_frame >= r->nr_frames))
			abort();
		if (r->start_line < 1 || r->end_line < r->start_line || r->end_line > list.nr_lines)
			abort();
	}
	if (devnull) {
		kc_reportfmt_text(devnull, &list);
		kc_reportfmt_json_members(devnull, &list);
	}
	kc_report_list_free(&list);
	return 0;
}
