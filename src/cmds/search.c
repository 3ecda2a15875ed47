/* SPDX-License-Identifier: MIT */
/*
 * search: find values or strings in memory, in crash's layout (memory.c
 * cmd_search, search_ulong/uint/ushort, report_match and
 * display_with_pre_and_post):
 *   ffff800008183028: 4b43564d00000005
 *   ffffa220d15b9e68: sysrq triggered crash....3sysrq: Failed to regist
 * a value hit as "ADDR: VALUE " followed by "(EXPRESSION)" when the value
 * was given as a symbol or an expression; a string hit as the address and
 * 56 characters from it ('.' for unprintable ones, cut at the end of the
 * page as crash does); with -x N, N values before and after each hit as rd
 * shows them, and a blank line.
 */
#include "command.h"
#include "eval.h"
#include "json.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kcrash/arm64/mmu.h>
#include <kcrash/memory.h>
#include <kcrash/search.h>
#include <kcrash/symbols.h>
#include <kcrash/tasks.h>

/* Characters of a string hit shown (crash's CHARS_CTX). */
#define CHARS_CONTEXT 56

struct search_cmd {
	struct kc_session *session;
	struct kc_search_request req;
	uint64_t values[KC_SEARCH_MAX_PATTERNS];
	const char *strings[KC_SEARCH_MAX_PATTERNS];
	const char *labels[KC_SEARCH_MAX_PATTERNS]; /* "(EXPR)" text, or NULL */
	unsigned context;   /* -x */
	bool json;
	bool first_hit;
	uint64_t pgd_paddr; /* user searches, for -x reads */
	FILE *out;
};

static struct kc_error *read_space(struct search_cmd *c, uint64_t addr, void *buf, size_t len)
{
	switch (c->req.space) {
	case KC_SEARCH_PHYSICAL:
		return kc_session_read_phys(c->session, addr, buf, len);
	case KC_SEARCH_USER:
		return kc_task_read_user(c->session, c->req.task, addr, buf, len);
	case KC_SEARCH_KERNEL:
		break;
	}
	return kc_kernel_read(c->session, addr, buf, len);
}

static uint64_t load(const uint8_t *p, unsigned width)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < width; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* COUNT values from ADDR in rd's layout (crash's display_memory, NO_ERROR). */
static void display_values(struct search_cmd *c, uint64_t addr, unsigned count)
{
	unsigned width = c->req.width, per_line = 16 / width;
	unsigned ascii_start = 16 + 3 + per_line * (2 * width + 1);
	while (count) {
		unsigned n = count < per_line ? count : per_line;
		uint8_t line[16];
		struct kc_error *err = read_space(c, addr, line, (size_t)n * width);
		if (err) {
			kc_error_destroy(err);
			return;
		}
		fprintf(c->out, "%16" PRIx64 ":  ", addr);
		for (unsigned i = 0; i < n; i++)
			fprintf(c->out, "%0*" PRIx64 " ", (int)(2 * width), load(line + i * width, width));
		unsigned used = 16 + 3 + n * (2 * width + 1);
		fprintf(c->out, "%*s  ", (int)(ascii_start - used), "");
		for (unsigned i = 0; i < n * width; i++)
			fputc(line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '.', c->out);
		fputc('\n', c->out);
		addr += (uint64_t)n * width;
		count -= n;
	}
}

static void print_json_hit(struct search_cmd *c, const struct kc_search_hit *hit, size_t shown)
{
	fprintf(c->out, "%s\n    {\"address\": \"0x%" PRIx64 "\", \"physical\": \"0x%" PRIx64 "\", ",
		c->first_hit ? "" : ",", hit->addr, hit->paddr);
	if (c->req.width) {
		fprintf(c->out, "\"value\": \"0x%" PRIx64 "\", \"pattern\": \"0x%" PRIx64 "\"}",
			hit->value, c->values[hit->index]);
	} else {
		fputs("\"pattern\": ", c->out);
		kc_json_string(c->out, c->strings[hit->index]);
		fputs(", \"context\": ", c->out);
		kc_json_string_n(c->out, (const char *)hit->bytes, shown);
		fputc('}', c->out);
	}
}

static struct kc_error *on_hit(void *ctx, const struct kc_search_hit *hit)
{
	struct search_cmd *c = ctx;
	FILE *out = c->out;
	if (!c->req.width) {
		/* crash cuts the context at the end of the page, or at 56 characters. */
		size_t shown = hit->nr_bytes < CHARS_CONTEXT ? hit->nr_bytes : CHARS_CONTEXT;
		if (c->json) {
			print_json_hit(c, hit, shown);
		} else {
			fprintf(out, "%" PRIx64 ": ", hit->addr);
			for (size_t i = 0; i < shown; i++)
				fputc(isprint(hit->bytes[i]) ? hit->bytes[i] : '.', out);
			fputc('\n', out);
		}
		c->first_hit = false;
		return NULL;
	}
	if (c->json) {
		print_json_hit(c, hit, 0);
		c->first_hit = false;
		return NULL;
	}
	const char *label = c->labels[hit->index];
	char opt[300] = "";
	if (label && !c->req.mask)
		snprintf(opt, sizeof(opt), label[0] == '(' ? "%s" : "(%s)", label);
	if (!c->context) {
		fprintf(out, "%" PRIx64 ": %" PRIx64 " %s\n", hit->addr, hit->value, opt);
		return NULL;
	}
	uint64_t before = (uint64_t)c->context * c->req.width;
	if (hit->addr >= before)
		display_values(c, hit->addr - before, c->context);
	fprintf(out, "%16" PRIx64 ":  %" PRIx64 " %s\n", hit->addr, hit->value, opt);
	display_values(c, hit->addr + c->req.width, c->context);
	fputc('\n', out);
	return NULL;
}

/* An address option: a symbol or hexadecimal. */
static struct kc_error *parse_addr_option(struct kc_session *session, const char *text,
					  uint64_t *value)
{
	struct kc_error *err = kc_symbol_lookup(session, text, NULL, value);
	if (!err)
		return NULL;
	kc_error_destroy(err);
	return kc_parse_address(session, text, value);
}

/* A symbol of the vmlinux or of a module (not a number). */
static bool symbol_value(struct kc_session *session, const char *text, uint64_t *value)
{
	struct kc_error *err = kc_symbol_lookup(session, text, NULL, value);
	if (err) {
		kc_error_destroy(err);
		err = kc_session_symbol(session, text, value);
	}
	kc_error_destroy(err);
	return !err;
}

static struct kc_error *parse_args(struct search_cmd *c, int argc, char **argv)
{
	struct kc_search_request *req = &c->req;
	bool space_given = false, start_given = false, end_given = false, len_given = false;
	uint64_t end = 0, length = 0;
	unsigned width = 8;
	bool strings = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *opt = argv[i];
		if (!strcmp(opt, "--json")) {
			c->json = true;
			continue;
		}
		/* Options that take a value: -s -e -l -m -x. */
		if (strchr("selmx", opt[1]) && !opt[2]) {
			if (i + 1 >= argc)
				return kc_error_create(KC_ERR_INVALID_ARG, "option %s needs a value", opt);
			const char *arg = argv[++i];
			struct kc_error *err = NULL;
			uint64_t v = 0;
			switch (opt[1]) {
			case 's':
				err = parse_addr_option(c->session, arg, &req->start);
				start_given = true;
				break;
			case 'e':
				err = parse_addr_option(c->session, arg, &end);
				if (!err && !end)
					err = kc_error_create(KC_ERR_INVALID_ARG, "invalid ending address: 0");
				end_given = true;
				break;
			case 'l':
				err = kc_eval_expression(c->session, arg, &length);
				len_given = true;
				break;
			case 'm':
				err = kc_parse_hex(arg, &req->mask);
				break;
			case 'x':
				err = kc_parse_number(arg, &v);
				c->context = (unsigned)(v > 1u << 20 ? 1u << 20 : v);
				break;
			}
			if (err)
				return err;
			continue;
		}
		for (const char *o = opt + 1; *o; o++) {
			switch (*o) {
			case 'k': req->space = KC_SEARCH_KERNEL; space_given = true; break;
			case 'K': req->space = KC_SEARCH_KERNEL; req->linear_only = true; space_given = true; break;
			case 'V': req->space = KC_SEARCH_KERNEL; req->skip_linear = true; space_given = true; break;
			case 'u': req->space = KC_SEARCH_USER; space_given = true; break;
			case 'p': req->space = KC_SEARCH_PHYSICAL; space_given = true; break;
			case 'c': strings = true; break;
			case 'w': width = 4; break;
			case 'h': width = 2; break;
			default:
				return kc_error_create(KC_ERR_INVALID_ARG, "invalid option: -%c (usage: %s)",
						       *o, kc_cmd_search.usage);
			}
		}
	}
	if (i >= argc)
		return kc_usage_error(&kc_cmd_search);
	if (end_given && len_given)
		return kc_error_create(KC_ERR_INVALID_ARG, "-e and -l are mutually exclusive");
	if (strings && c->context)
		return kc_error_create(KC_ERR_INVALID_ARG, "-x option is not allowed with -c");
	if (strings && req->mask)
		return kc_error_create(KC_ERR_INVALID_ARG, "mask ignored on string search: -m and -c do not go together");
	if (len_given && !length)
		return kc_error_create(KC_ERR_INVALID_ARG, "invalid length: 0");
	req->width = strings ? 0 : width;
	if (!strings && c->context > 4096 / width)
		return kc_error_create(KC_ERR_INVALID_ARG, "context value %u is too large: maximum is %u",
				       c->context, 4096 / width);
	/* Without -k/-u/-p, a start below the kernel's half means user memory. */
	if (!space_given && start_given) {
		struct kc_arm64_mmu *mmu;
		struct kc_error *err = kc_session_mmu(c->session, &mmu);
		if (err)
			return err;
		if (!kc_arm64_is_kernel_addr(mmu, req->start))
			req->space = KC_SEARCH_USER;
	}
	if (end_given)
		req->end = end - 1;
	else if (len_given)
		req->end = req->start + length - 1 < req->start ? UINT64_MAX : req->start + length - 1;
	size_t n = 0;
	for (; i < argc; i++) {
		if (n == KC_SEARCH_MAX_PATTERNS)
			return kc_error_create(KC_ERR_INVALID_ARG, "too many values: at most %d",
					       KC_SEARCH_MAX_PATTERNS);
		if (strings) {
			if (!argv[i][0])
				continue;
			c->strings[n++] = argv[i];
			continue;
		}
		/* A value: an expression, a symbol, or hexadecimal (crash's order). */
		struct kc_error *err;
		uint64_t value;
		bool is_expr = kc_eval_is_expression(argv[i]);
		if (is_expr) {
			err = kc_eval_expression(c->session, argv[i], &value);
			c->labels[n] = argv[i];
		} else if (symbol_value(c->session, argv[i], &value)) {
			err = NULL;
			c->labels[n] = argv[i];
		} else {
			err = kc_parse_hex(argv[i], &value);
		}
		if (err)
			return err;
		if (width < 8 && value >> (8 * width))
			return kc_error_create(KC_ERR_INVALID_ARG, "value too large for -%c option: %" PRIx64,
					       width == 4 ? 'w' : 'h', value);
		c->values[n++] = value;
	}
	if (!n)
		return kc_usage_error(&kc_cmd_search);
	if (strings) {
		req->strings = c->strings;
		req->nr_strings = n;
	} else {
		req->values = c->values;
		req->nr_values = n;
	}
	return NULL;
}

static struct kc_error *cmd_search(struct kc_session *session, int argc, char **argv, FILE *out)
{
	struct search_cmd *c = calloc(1, sizeof(*c));
	if (!c)
		return &kc_error_nomem;
	c->session = session;
	c->out = out;
	c->first_hit = true;
	struct kc_error *err = parse_args(c, argc, argv);
	if (!err && c->req.space == KC_SEARCH_USER) {
		err = kc_session_context(session, &c->req.task);
		if (!err && (c->req.task->is_kernel_thread || !c->req.task->mm))
			err = kc_error_create(KC_ERR_INVALID_ARG,
					      "current context has no user address space (pid %d, %s)",
					      c->req.task->pid, c->req.task->comm);
	}
	if (err) {
		free(c);
		return err;
	}
	if (c->json)
		fputs("{\"hits\": [", out);
	struct kc_search_stats stats;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = kc_search_memory(session, &c->req, on_hit, c, &stats);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (c->json && !err) {
		double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		fprintf(out, "%s], \"hit_count\": %" PRIu64 ", \"pages_searched\": %" PRIu64
			", \"bytes_searched\": %" PRIu64 ", \"pages_skipped\": %" PRIu64
			", \"seconds\": %.3f}\n", c->first_hit ? "" : "\n  ", stats.hits,
			stats.pages_searched, stats.bytes_searched, stats.pages_skipped, seconds);
	}
	free(c);
	return err;
}

const struct kc_command kc_cmd_search = {
	.name = "search",
	.summary = "search memory for values or strings",
	.usage = "search [-s START] [-e END | -l LENGTH] [-k|-K|-V|-u|-p] [-m MASK] [-c|-w|-h] "
		 "[-x COUNT] [--json] VALUE|STRING...",
	.help =
		"Searches memory for 64-bit values (the default), 32-bit (-w) or 16-bit\n"
		"(-h) values at addresses aligned to their size, or strings (-c) at any\n"
		"address, and shows each hit as crash does:\n"
		"  ffff800008183028: 4b43564d00000005 \n"
		"  ffffa220d15b9e68: sysrq triggered crash....3sysrq: Failed to regis\n"
		"A VALUE is hexadecimal, a symbol (its address), or an expression as\n"
		"eval takes it; those two are shown after the hit in parentheses.\n"
		"  -k      kernel virtual memory (the default): the linear map, the\n"
		"          modules, vmalloc (with the kernel image) and vmemmap, in\n"
		"          address order, through the kernel's page tables\n"
		"  -K      only the linear map;  -V  all but the linear map\n"
		"  -u      the current context's user memory (see set)\n"
		"  -p      physical memory\n"
		"  -s START  start there (a symbol or hexadecimal; without -k/-u/-p, an\n"
		"          address below the kernel's half searches user memory)\n"
		"  -e END  stop before END;  -l LENGTH  search LENGTH bytes\n"
		"  -m MASK  bits of the values that do not matter (compared ORed in)\n"
		"  -x COUNT  COUNT values before and after each hit, in rd's layout\n"
		"  --json  {\"hits\": [{address, physical, value, pattern} or {address,\n"
		"          physical, pattern, context}], hit_count, pages_searched,\n"
		"          bytes_searched, pages_skipped, seconds}\n"
		"Unmapped ranges are skipped a page-table entry at a time; pages the dump\n"
		"does not hold (makedumpfile -d excluded them: user pages, free pages,\n"
		"the page cache) are skipped silently, so a -d 31 kdump has no user\n"
		"memory to search. String matches that cross a page are found.\n",
	.needs_dump = true,
	.run = cmd_search,
};
