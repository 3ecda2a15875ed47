/* SPDX-License-Identifier: MIT */
/*
 * eval: an expression's value as crash's eval prints it (tools.c
 * print_number): hexadecimal with a KB/MB/GB size when it is a multiple,
 * decimal (and the signed value when negative), octal, the 64 bits, and
 * with -b the numbers of the bits set.
 */
#include "command.h"
#include "eval.h"
#include "json.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/symbols.h>

struct parser {
	struct kc_session *session;
	const char *text;   /* the whole expression, for messages */
	const char *p;
	struct kc_error *err;
	unsigned depth;
};

static struct kc_error *invalid(struct parser *ps, const char *why)
{
	if (!ps->err)
		ps->err = kc_error_create(KC_ERR_INVALID_ARG, "invalid expression: %s (%s)",
					  ps->text, why);
	return ps->err;
}

static void skip_space(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static bool all_of(const char *s, size_t len, int (*is)(int))
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is((unsigned char)s[i]))
			return false;
	return true;
}

/* A number or symbol word of LEN bytes at S. */
static uint64_t word_value(struct parser *ps, const char *s, size_t len)
{
	char word[256];
	if (len >= sizeof(word)) {
		invalid(ps, "word too long");
		return 0;
	}
	memcpy(word, s, len);
	word[len] = '\0';
	if (ps->session && !isdigit((unsigned char)word[0])) {
		uint64_t addr;
		struct kc_error *err = kc_symbol_lookup(ps->session, word, NULL, &addr);
		if (err) {
			kc_error_destroy(err);
			err = kc_session_symbol(ps->session, word, &addr);
		}
		if (!err)
			return addr;
		kc_error_destroy(err);
	}
	uint64_t factor = 1;
	char last = word[len - 1];
	const char *digits = word;
	size_t ndigits = len;
	if (len > 1 && strchr("kKmMgG", last)) {
		factor = last == 'k' || last == 'K' ? UINT64_C(1) << 10 :
			 last == 'm' || last == 'M' ? UINT64_C(1) << 20 : UINT64_C(1) << 30;
		ndigits--;
	}
	if (ndigits > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') &&
	    all_of(digits + 2, ndigits - 2, isxdigit))
		return strtoull(digits + 2, NULL, 16) * factor;
	char number[256];
	memcpy(number, digits, ndigits);
	number[ndigits] = '\0';
	if (all_of(number, ndigits, isdigit))
		return strtoull(number, NULL, 10) * factor;
	if (all_of(number, ndigits, isxdigit))
		return strtoull(number, NULL, 16) * factor;
	invalid(ps, factor == 1 ? "not a number or a known symbol" : "not a number");
	return 0;
}

static uint64_t parse_or(struct parser *ps);

static uint64_t parse_unary(struct parser *ps)
{
	skip_space(ps);
	if (ps->err)
		return 0;
	if (++ps->depth > 200) {
		invalid(ps, "nested too deeply");
		return 0;
	}
	uint64_t v = 0;
	char c = *ps->p;
	if (c == '-' || c == '~' || c == '+' || c == '!') {
		ps->p++;
		v = parse_unary(ps);
		v = c == '-' ? -v : c == '~' ? ~v : c == '!' ? !v : v;
	} else if (c == '(') {
		ps->p++;
		v = parse_or(ps);
		skip_space(ps);
		if (*ps->p != ')')
			invalid(ps, "missing )");
		else
			ps->p++;
	} else {
		const char *start = ps->p;
		while (isalnum((unsigned char)*ps->p) || *ps->p == '_' || *ps->p == '.' ||
		       *ps->p == '$')
			ps->p++;
		if (ps->p == start)
			invalid(ps, *start ? "unexpected character" : "missing operand");
		else
			v = word_value(ps, start, (size_t)(ps->p - start));
	}
	ps->depth--;
	return v;
}

static uint64_t power(uint64_t base, uint64_t exp)
{
	uint64_t r = 1;
	while (exp--) {
		r *= base;
		if (r == 0)
			break;
	}
	return r;
}

static uint64_t parse_power(struct parser *ps)
{
	uint64_t v = parse_unary(ps);
	skip_space(ps);
	while (!ps->err && *ps->p == '#') {
		ps->p++;
		uint64_t e = parse_unary(ps);
		v = e > 64 && v > 1 ? 0 : power(v, e);
		skip_space(ps);
	}
	return v;
}

static uint64_t parse_mul(struct parser *ps)
{
	uint64_t v = parse_power(ps);
	for (;;) {
		skip_space(ps);
		char c = *ps->p;
		if (ps->err || (c != '*' && c != '/' && c != '%'))
			return v;
		ps->p++;
		uint64_t r = parse_power(ps);
		if ((c == '/' || c == '%') && r == 0) {
			invalid(ps, "division by zero");
			return 0;
		}
		v = c == '*' ? v * r : c == '/' ? v / r : v % r;
	}
}

static uint64_t parse_add(struct parser *ps)
{
	uint64_t v = parse_mul(ps);
	for (;;) {
		skip_space(ps);
		char c = *ps->p;
		if (ps->err || (c != '+' && c != '-'))
			return v;
		ps->p++;
		uint64_t r = parse_mul(ps);
		v = c == '+' ? v + r : v - r;
	}
}

static uint64_t parse_shift(struct parser *ps)
{
	uint64_t v = parse_add(ps);
	for (;;) {
		skip_space(ps);
		bool left = ps->p[0] == '<' && ps->p[1] == '<';
		bool right = ps->p[0] == '>' && ps->p[1] == '>';
		if (ps->err || (!left && !right))
			return v;
		ps->p += 2;
		uint64_t r = parse_add(ps);
		v = r >= 64 ? 0 : left ? v << r : v >> r;
	}
}

static uint64_t parse_and(struct parser *ps)
{
	uint64_t v = parse_shift(ps);
	for (;;) {
		skip_space(ps);
		if (ps->err || ps->p[0] != '&' || ps->p[1] == '&')
			return v;
		ps->p++;
		v &= parse_shift(ps);
	}
}

static uint64_t parse_xor(struct parser *ps)
{
	uint64_t v = parse_and(ps);
	for (;;) {
		skip_space(ps);
		if (ps->err || ps->p[0] != '^')
			return v;
		ps->p++;
		v ^= parse_and(ps);
	}
}

static uint64_t parse_or(struct parser *ps)
{
	uint64_t v = parse_xor(ps);
	for (;;) {
		skip_space(ps);
		if (ps->err || ps->p[0] != '|' || ps->p[1] == '|')
			return v;
		ps->p++;
		v |= parse_xor(ps);
	}
}

struct kc_error *kc_eval_expression(struct kc_session *session, const char *text,
				    uint64_t *value)
{
	struct parser ps = {.session = session, .text = text, .p = text};
	uint64_t v = parse_or(&ps);
	skip_space(&ps);
	if (!ps.err && *ps.p)
		invalid(&ps, "unexpected text after the expression");
	if (ps.err)
		return ps.err;
	*value = v;
	return NULL;
}

bool kc_eval_is_expression(const char *text)
{
	if (strchr(text, '(') || strchr(text, ')'))
		return true;
	/* An operator with something on both sides (a leading '-' is a sign). */
	for (const char *p = text + 1; *p; p++)
		if (strchr("<>+-&|*/%^#", *p) && p[1])
			return true;
	return false;
}

static void print_number(uint64_t v, bool bits, FILE *out)
{
	fprintf(out, "hexadecimal: %" PRIx64 "  ", v);
	if (v >= 1024) {
		if (v % (UINT64_C(1) << 30) == 0)
			fprintf(out, "(%" PRIu64 "GB)", v >> 30);
		else if (v % (UINT64_C(1) << 20) == 0)
			fprintf(out, "(%" PRIu64 "MB)", v >> 20);
		else if (v % 1024 == 0)
			fprintf(out, "(%" PRIu64 "KB)", v >> 10);
	}
	fputc('\n', out);
	fprintf(out, "    decimal: %" PRIu64 "  ", v);
	if ((int64_t)v < 0)
		fprintf(out, "(%" PRId64 ")\n", (int64_t)v);
	else
		fputc('\n', out);
	fprintf(out, "      octal: %" PRIo64 "\n", v);
	fputs("     binary: ", out);
	for (int i = 63; i >= 0; i--)
		fputc((v >> i) & 1 ? '1' : '0', out);
	fputc('\n', out);
	if (!bits)
		return;
	static const char hdr[] = "   bits set: ";
	size_t column = strlen(hdr);
	fputs(hdr, out);
	for (int i = 63; i >= 0; i--) {
		if (!((v >> i) & 1))
			continue;
		char buf[8];
		int n = snprintf(buf, sizeof(buf), "%d ", i);
		fputs(buf, out);
		column += (size_t)n;
		if (column >= 77) {
			fprintf(out, "\n%*s", (int)strlen(hdr), "");
			column = strlen(hdr);
		}
	}
	fputc('\n', out);
}

static void print_json(uint64_t v, FILE *out)
{
	fprintf(out, "{\"value\": %" PRIu64 ", \"signed\": %" PRId64 ", \"hexadecimal\": \"0x%" PRIx64
		"\", \"octal\": \"%" PRIo64 "\", \"binary\": \"", v, (int64_t)v, v, v);
	for (int i = 63; i >= 0; i--)
		fputc((v >> i) & 1 ? '1' : '0', out);
	fputs("\", \"bits_set\": [", out);
	bool first = true;
	for (int i = 63; i >= 0; i--) {
		if ((v >> i) & 1) {
			fprintf(out, "%s%d", first ? "" : ", ", i);
			first = false;
		}
	}
	fputs("]}\n", out);
}

static struct kc_error *cmd_eval(struct kc_session *session, int argc, char **argv, FILE *out)
{
	bool bits = false, json = false;
	int i = 1;
	/* Options only before the expression: "-1" and "- 5" are arithmetic. */
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "-b"))
			bits = true;
		else if (!strcmp(argv[i], "-l"))
			; /* 64-bit already: crash's -l matters on 32-bit hosts only */
		else if (!strcmp(argv[i], "-lb") || !strcmp(argv[i], "-bl"))
			bits = true;
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else
			break;
	}
	if (i >= argc)
		return kc_usage_error(&kc_cmd_eval);
	size_t len = 1;
	for (int j = i; j < argc; j++)
		len += strlen(argv[j]) + 1;
	char *text = malloc(len);
	if (!text)
		return &kc_error_nomem;
	text[0] = '\0';
	for (int j = i; j < argc; j++) {
		strcat(text, argv[j]);
		if (j + 1 < argc)
			strcat(text, " ");
	}
	uint64_t v;
	struct kc_error *err = kc_eval_expression(session, text, &v);
	free(text);
	if (err)
		return err;
	if (json)
		print_json(v, out);
	else
		print_number(v, bits, out);
	return NULL;
}

const struct kc_command kc_cmd_eval = {
	.name = "eval",
	.summary = "evaluate an expression",
	.usage = "eval [-b] [-l] [--json] EXPRESSION",
	.help =
		"Evaluates an integer expression and shows the result as crash does:\n"
		"  hexadecimal: 8000000  (128MB)\n"
		"      decimal: 134217728\n"
		"        octal: 1000000000\n"
		"       binary: 0000...1000000000000000000000000000\n"
		"The expression has C's operators (+ - * / % << >> & | ^ ~ and unary -)\n"
		"with C's precedence, parentheses, and # for a power (2 # 10). A\n"
		"number is decimal when all its characters are digits, else hexadecimal\n"
		"(0x optional), and may end in k, m or g (KiB, MiB, GiB: 128m). A kernel\n"
		"or module symbol stands for its address (crash takes one operator at a\n"
		"time; kcrash the whole expression, so crash's expressions give the same).\n"
		"  -b      also the numbers of the bits set\n"
		"  -l      accepted for crash's scripts (values are always 64-bit)\n"
		"  --json  value, signed, hexadecimal, octal, binary, bits_set\n",
	.needs_dump = false,
	.run = cmd_eval,
};
