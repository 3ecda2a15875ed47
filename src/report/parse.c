/* SPDX-License-Identifier: MIT */
/*
 * From log text to reports: lines cleaned of their prefixes (printk
 * timestamps, caller ids, syslog levels, syslog/journal prefixes, noise
 * before them, CRs), reports found by their first lines, each taking the
 * lines of its context (its caller id when the log has them) up to its end
 * marker, the next report or the end of the log; then its frames, what
 * its lines say (CPU, PID, ESR, fault address, pc) and, in title.c, its
 * title, kind, culprit and signature.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../error.h"
#include "report_internal.h"

/* ---- strings ---- */

static void sbuf_grow(struct kc_sbuf *sb, size_t more)
{
	if (sb->nomem)
		return;
	if (sb->len + more + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + more + 1)
		cap *= 2;
	char *b = realloc(sb->buf, cap);
	if (!b) {
		sb->nomem = true;
		return;
	}
	sb->buf = b;
	sb->cap = cap;
}

void kc_sbuf_addn(struct kc_sbuf *sb, const char *s, size_t n)
{
	sbuf_grow(sb, n);
	if (sb->nomem)
		return;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void kc_sbuf_add(struct kc_sbuf *sb, const char *s)
{
	kc_sbuf_addn(sb, s, strlen(s));
}

void kc_sbuf_addc(struct kc_sbuf *sb, char c)
{
	kc_sbuf_addn(sb, &c, 1);
}

char *kc_sbuf_take(struct kc_sbuf *sb)
{
	if (sb->nomem) {
		free(sb->buf);
		memset(sb, 0, sizeof(*sb));
		return NULL;
	}
	if (!sb->buf)
		return strdup("");
	char *b = sb->buf;
	memset(sb, 0, sizeof(*sb));
	return b;
}

/* ---- titles: syzkaller's replacements of what varies, then sanitizing ---- */

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static bool is_lhex(char c)
{
	return isdigit((unsigned char)c) || (c >= 'a' && c <= 'f');
}

/* One pass of a replacement over S; *CHANGED says whether it did anything. */
typedef size_t (*replace_fn)(const char *s, size_t i, struct kc_sbuf *out);

static char *replace_all(const char *s, replace_fn fn, bool *changed)
{
	struct kc_sbuf out = {0};
	size_t n = strlen(s);
	*changed = false;
	for (size_t i = 0; i < n;) {
		size_t used = fn(s, i, &out);
		if (used) {
			*changed = true;
			i += used;
		} else {
			kc_sbuf_addc(&out, s[i++]);
		}
	}
	return kc_sbuf_take(&out);
}

static size_t rep_executor(const char *s, size_t i, struct kc_sbuf *out)
{
	static const char *const names[] = {"syz-executor", "syzkaller"};
	for (size_t k = 0; k < 2; k++) {
		size_t nl = strlen(names[k]);
		if (strncmp(s + i, names[k], nl) != 0)
			continue;
		size_t j = i + nl;
		if (k == 0 && s[j] == '.')
			j++;
		size_t d = j;
		while (isdigit((unsigned char)s[j]))
			j++;
		if (j == d)
			continue;
		if ((s[j] == '/' || s[j] == ':') && isdigit((unsigned char)s[j + 1])) {
			j++;
			while (isdigit((unsigned char)s[j]))
				j++;
		}
		kc_sbuf_add(out, names[k]);
		return j - i;
	}
	return 0;
}

static size_t rep_addr(const char *s, size_t i, struct kc_sbuf *out)
{
	if (i == 0 || isalnum((unsigned char)s[i - 1]) || !isalnum((unsigned char)s[i]))
		return 0;
	size_t j = i;
	if (s[j] == '0' && s[j + 1] == 'x')
		j += 2;
	size_t h = j;
	while (is_lhex(s[j]))
		j++;
	if (j - h < 6) {
		if (h == i + 2) {
			/* "0x" then too few digits: try without the prefix. */
			j = i;
			while (is_lhex(s[j]))
				j++;
			if (j - i < 6)
				return 0;
		} else {
			return 0;
		}
	}
	kc_sbuf_add(out, "ADDR");
	return j - i;
}

static size_t rep_ip(const char *s, size_t i, struct kc_sbuf *out)
{
	size_t j = i;
	for (int part = 0; part < 4; part++) {
		size_t d = j;
		while (isdigit((unsigned char)s[j]) && j - d < 3)
			j++;
		if (j == d)
			return 0;
		if (part < 3) {
			if (s[j] != '.')
				return 0;
			j++;
		}
	}
	kc_sbuf_add(out, "IP");
	return j - i;
}

/* An IPv6 address ("fc00::", "2001:db8::1"): two colons at least. */
static size_t rep_ipv6(const char *s, size_t i, struct kc_sbuf *out)
{
	if (i && (is_word(s[i - 1]) || s[i - 1] == ':'))
		return 0;
	size_t j = i, colons = 0, digits = 0, run = 0;
	while (isxdigit((unsigned char)s[j]) || s[j] == ':') {
		if (s[j] == ':') {
			colons++;
			run = 0;
		} else {
			digits++;
			if (++run > 4)
				return 0;
		}
		j++;
	}
	if (colons < 2 || colons > 7 || !digits || is_word(s[j]))
		return 0;
	kc_sbuf_add(out, "IPV6ADDR");
	return j - i;
}

static size_t rep_line(const char *s, size_t i, struct kc_sbuf *out)
{
	if (s[i] != '.' || !is_word(s[i + 1]))
		return 0;
	size_t j = i + 1;
	while (is_word(s[j]))
		j++;
	size_t w = j;
	if (s[j] != ':' || !isdigit((unsigned char)s[j + 1]))
		return 0;
	while (s[j] == ':' && isdigit((unsigned char)s[j + 1])) {
		j++;
		while (isdigit((unsigned char)s[j]))
			j++;
	}
	kc_sbuf_addn(out, s + i, w - i);
	kc_sbuf_add(out, ":LINE");
	return j - i;
}

static size_t rep_func(const char *s, size_t i, struct kc_sbuf *out)
{
	if (!isalpha((unsigned char)s[i]) || (i && (is_word(s[i - 1]) || s[i - 1] == '.')))
		return 0;
	size_t j = i + 1;
	while (is_word(s[j]) || s[j] == '.')
		j++;
	if (j - i < 2 || strncmp(s + j, "+0x", 3) != 0)
		return 0;
	size_t k = j + 3, d = k;
	while (isalnum((unsigned char)s[k]))
		k++;
	if (k == d || strncmp(s + k, "/0x", 3) != 0)
		return 0;
	k += 3;
	d = k;
	while (isalnum((unsigned char)s[k]))
		k++;
	if (k == d)
		return 0;
	kc_sbuf_addn(out, s + i, j - i);
	return k - i;
}

static size_t rep_cpu(const char *s, size_t i, struct kc_sbuf *out)
{
	if (strncmp(s + i, "CPU#", 4) != 0 || !isdigit((unsigned char)s[i + 4]))
		return 0;
	size_t j = i + 4;
	while (isdigit((unsigned char)s[j]))
		j++;
	kc_sbuf_add(out, "CPU");
	return j - i;
}

static size_t rep_num(const char *s, size_t i, struct kc_sbuf *out)
{
	if (is_word(s[i]))
		return 0;
	size_t j = i + 1;
	if (!isdigit((unsigned char)s[j]))
		return 0;
	while (isdigit((unsigned char)s[j]))
		j++;
	if (s[j] && is_word(s[j]))
		return 0;
	kc_sbuf_addc(out, s[i]);
	kc_sbuf_add(out, "NUM");
	return j - i;
}

static size_t rep_long_num(const char *s, size_t i, struct kc_sbuf *out)
{
	size_t j = i;
	while (isdigit((unsigned char)s[j]))
		j++;
	if (j - i < 7)
		return 0;
	kc_sbuf_add(out, "NUM");
	return j - i;
}

char *kc_report_clean_title(const char *title)
{
	static const replace_fn passes[] = {rep_executor, rep_ipv6, rep_addr, rep_ip, rep_line,
					    rep_func, rep_cpu, rep_num, rep_long_num};
	char *s = strdup(title);
	for (size_t p = 0; s && p < sizeof(passes) / sizeof(passes[0]); p++) {
		for (int round = 0; round < 8; round++) {
			bool changed;
			char *n = replace_all(s, passes[p], &changed);
			free(s);
			s = n;
			if (!s || !changed)
				break;
		}
	}
	if (!s)
		return NULL;
	/* Tabs to spaces, control and non-ASCII bytes out, spaces collapsed, 120 bytes. */
	char *out = malloc(strlen(s) + 1);
	if (!out) {
		free(s);
		return NULL;
	}
	size_t n = 0;
	char prev = ' ';
	for (size_t i = 0; s[i] && i < 120; i++) {
		char c = s[i];
		if (c == '\t')
			c = ' ';
		else if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
			continue;
		if (c == ' ' && prev == ' ')
			continue;
		out[n++] = c;
		prev = c;
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	free(s);
	return out;
}

/* ---- arm64 ESR ---- */

void kc_report_decode_esr(uint64_t esr, struct kc_report_esr *out)
{
	memset(out, 0, sizeof(*out));
	out->level = -1;
	out->ec = (unsigned)((esr >> 26) & 0x3f);
	static const struct {
		unsigned ec;
		const char *name;
	} classes[] = {
		{0x00, "UNKNOWN (undefined instruction)"}, {0x01, "WFx"}, {0x07, "FP/SIMD"},
		{0x0e, "ILLEGAL STATE"}, {0x11, "SVC32"}, {0x15, "SVC64"}, {0x18, "SYS64"},
		{0x19, "SVE"}, {0x1c, "FPAC"}, {0x20, "IABT (lower EL)"},
		{0x21, "IABT (current EL)"}, {0x22, "PC Alignment"}, {0x24, "DABT (lower EL)"},
		{0x25, "DABT (current EL)"}, {0x26, "SP Alignment"}, {0x2c, "FP (AArch64)"},
		{0x2f, "SError"}, {0x30, "Breakpoint (lower EL)"},
		{0x31, "Breakpoint (current EL)"}, {0x32, "Software Step (lower EL)"},
		{0x33, "Software Step (current EL)"}, {0x34, "Watchpoint (lower EL)"},
		{0x35, "Watchpoint (current EL)"}, {0x3c, "BRK64"},
	};
	out->class_name = "UNRECOGNIZED EC";
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (classes[i].ec == out->ec)
			out->class_name = classes[i].name;
	if (out->ec < 0x20 || out->ec > 0x25 || out->ec == 0x22 || out->ec == 0x23)
		return;
	out->is_abort = true;
	out->is_data = out->ec >= 0x24;
	out->fsc = (unsigned)(esr & 0x3f);
	if (out->is_data)
		out->access = (esr & (1u << 6)) ? "write" : "read";
	else
		out->access = "exec";
	unsigned f = out->fsc;
	if (f <= 0x03) {
		out->fault = "address size fault";
		out->level = (int)(f & 3);
	} else if (f <= 0x07) {
		out->fault = "translation fault";
		out->level = (int)(f & 3);
	} else if (f <= 0x0b) {
		out->fault = "access flag fault";
		out->level = (int)(f & 3);
	} else if (f <= 0x0f) {
		out->fault = "permission fault";
		out->level = (int)(f & 3);
	} else if (f == 0x10) {
		out->fault = "synchronous external abort";
	} else if (f == 0x11) {
		out->fault = "synchronous tag check fault";
	} else if (f >= 0x14 && f <= 0x17) {
		out->fault = "synchronous external abort on table walk";
		out->level = (int)(f & 3);
	} else if (f == 0x18) {
		out->fault = "synchronous parity or ECC error";
	} else if (f == 0x21) {
		out->fault = "alignment fault";
	} else if (f == 0x30) {
		out->fault = "TLB conflict abort";
	} else if (f == 0x31) {
		out->fault = "unsupported atomic hardware update fault";
	} else {
		out->fault = "unknown fault";
	}
}

/* ---- lines ---- */

struct pline {
	const char *s;
	char ctx[16];   /* "T12", "C1", "console" (timestamp only), "" (none) */
	int header;     /* index of the report header it matches, or -1 */
};

/* "[  12.345678]" at P: its length, else 0. */
static size_t timestamp_at(const char *p)
{
	const char *q = p;
	if (*q++ != '[')
		return 0;
	while (*q == ' ')
		q++;
	const char *d = q;
	while (isdigit((unsigned char)*q))
		q++;
	if (q == d || *q++ != '.')
		return 0;
	d = q;
	while (isdigit((unsigned char)*q))
		q++;
	if (q == d || *q++ != ']')
		return 0;
	return (size_t)(q - p);
}

/* "[  T123]" / "[ C1]" at P into CTX: its length, else 0. */
static size_t caller_at(const char *p, char ctx[16])
{
	const char *q = p;
	if (*q++ != '[')
		return 0;
	while (*q == ' ')
		q++;
	if (*q != 'T' && *q != 'C')
		return 0;
	char kind = *q++;
	const char *d = q;
	while (isdigit((unsigned char)*q))
		q++;
	if (q == d || q - d > 10 || *q != ']')
		return 0;
	snprintf(ctx, 16, "%c%.*s", kind, (int)(q - d), d);
	return (size_t)(q + 1 - p);
}

/* Strip LINE's prefixes in place; fill CTX. Returns the text. */
static char *strip_prefixes(char *line, char ctx[16])
{
	ctx[0] = '\0';
	/* Syslog/journal: "Dec  7 05:00:00 host kernel: ...". */
	char *k = strstr(line, " kernel: ");
	if (k && k - line < 96 && (isdigit((unsigned char)line[0]) || isupper((unsigned char)line[0])))
		line = k + 9;
	/* A printk timestamp, maybe after noise. */
	for (size_t i = 0; line[i] && i < 160; i++) {
		if (line[i] != '[')
			continue;
		size_t n = timestamp_at(line + i);
		if (!n)
			continue;
		char *p = line + i + n;
		size_t c = caller_at(p, ctx);
		if (c)
			p += c;
		else
			strcpy(ctx, "console");
		if (*p == ' ')
			p++;
		return p;
	}
	/* A syslog level without a timestamp: "<4>text". */
	if (line[0] == '<' && isdigit((unsigned char)line[1])) {
		char *p = line + 1;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '>')
			return p + 1;
	}
	return line;
}

static bool caller_context(const char *ctx)
{
	return ctx[0] == 'T' || ctx[0] == 'C';
}

/* ---- frames ---- */

static char *dupn(const char *s, size_t n, bool *nomem)
{
	char *d = strndup(s, n);
	if (!d)
		*nomem = true;
	return d;
}

static uint64_t hex_at(const char *p, size_t *len)
{
	const char *q = p;
	if (q[0] == '0' && q[1] == 'x')
		q += 2;
	const char *d = q;
	uint64_t v = 0;
	while (isxdigit((unsigned char)*q) && q - d < 16) {
		int c = tolower((unsigned char)*q);
		v = v * 16 + (uint64_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
		q++;
	}
	*len = q == d ? 0 : (size_t)(q - p);
	return v;
}

/*
 * A frame in TEXT: "[<addr>] " and "? " optional, then "name+0xOFF/0xSIZE"
 * or a raw "0xADDR", then " [module]" and " file:line" optional, or the
 * symbolized inline form "name file:line [inline]".
 */
static bool parse_frame(const char *text, struct kc_report_frame *f, bool *nomem)
{
	memset(f, 0, sizeof(*f));
	const char *p = text;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = kc_report_pc_at(p);
	if (n) {
		size_t hl;
		const char *h = p + 1 + (p[1] == '<');
		f->address = hex_at(h, &hl);
		f->has_address = hl > 0;
		p += n;
		while (*p == ' ')
			p++;
	}
	if (p[0] == '?' && p[1] == ' ') {
		f->unreliable = true;
		p += 2;
	}
	const char *name = p;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '$')
		p++;
	size_t name_len = (size_t)(p - name);
	if (name_len >= 3 && name[0] == '0' && name[1] == 'x' && (*p == '\0' || *p == ' ')) {
		/* A raw address. */
		size_t hl;
		f->address = hex_at(name, &hl);
		f->has_address = hl > 2;
		if (!f->has_address)
			return false;
	} else if (name_len && strncmp(p, "+0x", 3) == 0) {
		size_t hl;
		f->offset = hex_at(p + 1, &hl);
		if (!hl)
			return false;
		p += 1 + hl;
		if (p[0] == '/' && p[1] == '0' && p[2] == 'x') {
			f->size = hex_at(p + 1, &hl);
			p += 1 + hl;
		}
		f->has_offset = true;
		f->function = dupn(name, name_len, nomem);
	} else if (name_len && *p == ' ' && strstr(p, " [inline]")) {
		f->function = dupn(name, name_len, nomem);
	} else {
		return false;
	}
	if (f->function) {
		size_t base = 0;
		while (base < name_len && name[base] != '.')
			base++;
		f->name = dupn(name, base ? base : name_len, nomem);
	}
	/* " [module]" then " file:line". */
	while (*p == ' ')
		p++;
	if (*p == '[' && strncmp(p, "[inline]", 8) != 0) {
		const char *e = p + 1;
		while (*e && *e != ']' && *e != ' ')
			e++;
		if (*e == ']' || *e == ' ') {
			f->module = dupn(p + 1, (size_t)(e - p - 1), nomem);
			while (*e && *e != ']')
				e++;
			p = *e ? e + 1 : e;
		}
		while (*p == ' ')
			p++;
	}
	size_t fl = strcspn(p, ": ");
	if (fl && p[fl] == ':' && isdigit((unsigned char)p[fl + 1])) {
		f->file = dupn(p, fl, nomem);
		f->line = atoi(p + fl + 1);
	}
	return true;
}

static void frame_free(struct kc_report_frame *f)
{
	free(f->function);
	free(f->name);
	free(f->module);
	free(f->file);
	free(f->stack_label);
}

static bool push_frame(struct kc_report *r, size_t *cap, struct kc_report_frame *f)
{
	if (r->nr_frames == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct kc_report_frame *v = realloc(r->frames, c * sizeof(*v));
		if (!v)
			return false;
		r->frames = v;
		*cap = c;
	}
	r->frames[r->nr_frames++] = *f;
	return true;
}

static bool trace_label(const char *line)
{
	if (strstr(line, "Call Trace:") || strstr(line, "Call trace:") ||
	    strstr(line, "Backtrace:") || strstr(line, "stack backtrace:"))
		return true;
	static const char *const labels[] = {"Allocated by task ", "Freed by task ",
					     "Last potentially related work creation:",
					     "Second to last potentially related work creation:",
					     "Uninit was created at:", "Uninit was stored to memory at:",
					     "backtrace:", "allocated by task ", "freed by task ",
					     "page last allocated", "page last free"};
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strstr(line, labels[i]))
			return true;
	return false;
}

/* The text after "pc : " / "RIP: 0010:" / "PC is at " on LINE, or NULL. */
static const char *pc_text(const char *line, bool *is_lr)
{
	*is_lr = false;
	const char *p = line;
	while (*p == ' ')
		p++;
	if (strncmp(p, "pc : ", 5) == 0)
		return p + 5;
	if (strncmp(p, "lr : ", 5) == 0) {
		*is_lr = true;
		return p + 5;
	}
	if (strncmp(p, "PC is at ", 9) == 0)
		return p + 9;
	if (strncmp(p, "LR is at ", 9) == 0) {
		*is_lr = true;
		return p + 9;
	}
	const char *rip = strstr(line, "RIP: ");
	if (rip && (rip == line || rip[-1] == ' ' || rip[-1] == ']')) {
		const char *q = rip + 5;
		while (isxdigit((unsigned char)*q))
			q++;
		if (*q == ':' && q > rip + 5)
			return q + 1;
	}
	return NULL;
}

static struct kc_error *collect_frames(struct kc_report *r)
{
	size_t cap = 0;
	unsigned stack = 0;
	bool in_trace = false, any_trace = false, nomem = false;
	char *label = strdup("pc");
	if (!label)
		return &kc_error_nomem;
	for (const char *line = r->text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[1024];
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		line = nl ? nl + 1 : NULL;
		struct kc_report_frame f;
		if (trace_label(buf)) {
			if (any_trace)
				stack++;
			any_trace = in_trace = true;
			free(label);
			const char *t = buf;
			while (*t == ' ')
				t++;
			label = strdup(t);
			if (!label)
				return &kc_error_nomem;
			continue;
		}
		/* The stack protector names the function in its panic message. */
		const char *sp = strstr(buf, "Kernel stack is corrupted in: ");
		if (sp && parse_frame(sp + 30, &f, &nomem)) {
			f.is_pc = true;
			f.stack = stack;
			f.stack_label = strdup("stack-protector");
			if (!f.stack_label || !push_frame(r, &cap, &f)) {
				frame_free(&f);
				nomem = true;
			}
			continue;
		}
		bool is_lr;
		const char *pc = pc_text(buf, &is_lr);
		if (pc) {
			if (is_lr) {
				if (!r->lr && !(r->lr = strdup(pc)))
					nomem = true;
				continue;
			}
			if (!r->pc && !(r->pc = strdup(pc)))
				nomem = true;
			if (parse_frame(pc, &f, &nomem)) {
				f.is_pc = true;
				f.stack = stack;
				f.stack_label = strdup("pc");
				if (!f.stack_label || !push_frame(r, &cap, &f)) {
					frame_free(&f);
					nomem = true;
				}
			}
			continue;
		}
		bool indented = buf[0] == ' ' || buf[0] == '\t' || buf[0] == '[';
		if (!indented && !in_trace)
			continue;
		if (!parse_frame(buf, &f, &nomem))
			continue;
		if (!f.function && !in_trace) {
			frame_free(&f);
			continue;
		}
		f.stack = stack;
		f.stack_label = strdup(label);
		if (!f.stack_label || !push_frame(r, &cap, &f)) {
			frame_free(&f);
			nomem = true;
		}
	}
	free(label);
	return nomem ? &kc_error_nomem : NULL;
}

/* CPU, PID, comm, ESR and fault address from the report's lines. */
static struct kc_error *collect_fields(struct kc_report *r)
{
	r->cpu = r->pid = -1;
	const char *t = r->text ? r->text : "";
	const char *p = strstr(t, "CPU: ");
	while (p && !(isdigit((unsigned char)p[5]) && strstr(p, " PID: ")))
		p = strstr(p + 5, "CPU: ");
	if (p) {
		r->cpu = atoi(p + 5);
		const char *q = strstr(p, " PID: ");
		const char *eol = strchr(p, '\n');
		if (q && (!eol || q < eol)) {
			r->pid = atoi(q + 6);
			const char *c = strstr(q, " Comm: ");
			if (c && (!eol || c < eol)) {
				c += 7;
				size_t n = 0;
				while (c[n] && c[n] != '\n' && c[n] != ' ' && n < 64)
					n++;
				r->comm = strndup(c, n);
				if (!r->comm)
					return &kc_error_nomem;
			}
		}
	}
	/*
	 * The ESR as an abort's "Mem abort info" prints it, as the stack overflow
	 * handler does ("ESR: 0x... -- DABT"), or as arm64_serror_panic's header
	 * ("SError Interrupt on CPU1, code 0x... -- SError").
	 */
	static const char *const esr_keys[] = {"ESR = 0x", "ESR: 0x", ", code 0x"};
	for (size_t i = 0; i < 3 && !r->has_esr; i++) {
		const char *in = i == 2 ? (strstr(t, "SError Interrupt on CPU") ? t : NULL) : t;
		const char *e = in ? strstr(in, esr_keys[i]) : NULL;
		if (!e)
			continue;
		size_t hl;
		r->esr = hex_at(e + strlen(esr_keys[i]) - 2, &hl);
		r->has_esr = hl > 2;
		if (r->has_esr)
			kc_report_decode_esr(r->esr, &r->esr_info);
	}
	static const char *const addr_keys[] = {"virtual address ", "address: ", "FAR: 0x",
						"fault for address: "};
	const char *h = r->header ? r->header : "";
	for (size_t i = 0; i < 4 && !r->has_fault_address; i++) {
		const char *a = strstr(i < 2 ? h : t, addr_keys[i]);
		if (!a)
			continue;
		a += strlen(addr_keys[i]);
		if (i == 2)
			a -= 2;
		size_t hl;
		uint64_t v = hex_at(a, &hl);
		if (hl >= 8) {
			r->fault_address = v;
			r->has_fault_address = true;
		}
	}
	return NULL;
}

/* ---- reports ---- */

static void report_free(struct kc_report *r)
{
	free(r->title);
	free(r->header);
	free(r->text);
	free(r->prelude);
	free(r->panic);
	free(r->comm);
	free(r->pc);
	free(r->lr);
	for (size_t i = 0; i < r->nr_frames; i++)
		frame_free(&r->frames[i]);
	free(r->frames);
	free(r->culprit_file);
	free(r->culprit_source_error);
	free(r->signature_input);
}

void kc_report_list_free(struct kc_report_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		report_free(&list->reports[i]);
	free(list->reports);
	memset(list, 0, sizeof(*list));
}

static bool boot_banner(const char *s)
{
	return strncmp(s, "Booting Linux on physical CPU", 29) == 0 ||
	       strncmp(s, "Linux version ", 14) == 0;
}

#define GRACE_LINES 5

/* Lines of the report starting at START: into R. USED marks headers taken. */
static struct kc_error *build_report(const struct pline *lines, size_t n, size_t start,
				     bool *used, struct kc_report *r)
{
	memset(r, 0, sizeof(*r));
	r->title_frame = r->culprit_frame = KC_REPORT_NO_FRAME;
	r->cpu = r->pid = -1;
	const struct pline *h = &lines[start];
	if (caller_context(h->ctx))
		snprintf(r->caller, sizeof(r->caller), "%s", h->ctx);
	r->start_line = start + 1;
	r->header = strdup(h->s);
	if (!r->header)
		return &kc_error_nomem;
	used[start] = true;

	/* What led to it: up to 5 lines before, in its context. */
	const char *prev[GRACE_LINES];
	size_t nprev = 0;
	for (size_t j = start; j-- > 0 && nprev < GRACE_LINES;) {
		if (r->caller[0] && strcmp(lines[j].ctx, r->caller) != 0)
			continue;
		if (!lines[j].s[0])
			continue;
		if (lines[j].header >= 0 && !kc_report_start_ignored(lines[j].s))
			break;
		prev[nprev++] = lines[j].s;
	}
	struct kc_sbuf sb = {0};
	for (size_t i = nprev; i-- > 0;) {
		kc_sbuf_add(&sb, prev[i]);
		kc_sbuf_addc(&sb, '\n');
	}
	if (nprev && !(r->prelude = kc_sbuf_take(&sb)))
		return &kc_error_nomem;
	memset(&sb, 0, sizeof(sb));

	kc_sbuf_add(&sb, h->s);
	kc_sbuf_addc(&sb, '\n');
	size_t end = start, closed_at = 0, closed_len = 0, grace = 0;
	bool closed = false, cpu_traceback = false, ended = true;
	for (size_t j = start + 1; j < n; j++) {
		const struct pline *l = &lines[j];
		if (r->caller[0] && strcmp(l->ctx, r->caller) != 0 &&
		    !(cpu_traceback && l->ctx[0] == 'C'))
			continue;
		if (boot_banner(l->s))
			break; /* the machine rebooted inside the report */
		if (l->header >= 0) {
			if (!kc_report_start_ignored(l->s)) {
				ended = false;
				break;
			}
			used[j] = true;
			const char *pm = strstr(l->s, "Kernel panic - not syncing: ");
			if (pm && !r->panic && !(r->panic = strdup(pm + 28))) {
				free(sb.buf);
				return &kc_error_nomem;
			}
			closed = false;
		} else if (closed) {
			if (++grace > GRACE_LINES)
				break;
		}
		if (strstr(l->s, "Sending NMI from CPU"))
			cpu_traceback = true;
		kc_sbuf_add(&sb, l->s);
		kc_sbuf_addc(&sb, '\n');
		end = j;
		if (strstr(l->s, "---[ end Kernel panic")) {
			closed = true;
			closed_at = j;
			closed_len = sb.len;
			break;
		}
		if (strstr(l->s, "---[ end trace")) {
			closed = true;
			closed_at = j;
			closed_len = sb.len;
			grace = 0;
		}
	}
	if (closed) {
		end = closed_at;
		if (!sb.nomem) {
			sb.len = closed_len;
			sb.buf[sb.len] = '\0';
		}
	}
	r->truncated = !closed && ended;
	r->end_line = end + 1;
	r->text = kc_sbuf_take(&sb);
	if (!r->text)
		return &kc_error_nomem;
	struct kc_error *err = collect_frames(r);
	if (!err)
		err = collect_fields(r);
	if (!err)
		err = kc_report_analyze(r);
	return err;
}

struct kc_error *kc_report_parse(const char *text, size_t len, struct kc_report_list *out)
{
	memset(out, 0, sizeof(*out));
	char *buf = malloc(len + 1);
	if (!buf)
		return &kc_error_nomem;
	memcpy(buf, text, len);
	buf[len] = '\0';
	size_t nr = 1;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			nr++;
		else if (buf[i] == '\0')
			buf[i] = ' ';
	}
	struct pline *lines = calloc(nr, sizeof(*lines));
	bool *used = calloc(nr, sizeof(*used));
	if (!lines || !used) {
		free(buf);
		free(lines);
		free(used);
		return &kc_error_nomem;
	}
	size_t n = 0;
	for (char *line = buf, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		size_t l = strlen(line);
		while (l && line[l - 1] == '\r')
			line[--l] = '\0';
		for (size_t i = 0; i < l; i++)
			if (line[i] == '\r')
				line[i] = ' ';
		if (!next && !l && n)
			break;
		struct pline *pl = &lines[n++];
		pl->s = strip_prefixes(line, pl->ctx);
		pl->header = kc_report_match_header(pl->s);
	}
	out->nr_lines = n;
	struct kc_error *err = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < n && !err; i++) {
		if (lines[i].header < 0 || used[i])
			continue;
		if (out->count == cap) {
			size_t c = cap ? cap * 2 : 4;
			struct kc_report *v = realloc(out->reports, c * sizeof(*v));
			if (!v) {
				err = &kc_error_nomem;
				break;
			}
			out->reports = v;
			cap = c;
		}
		err = build_report(lines, n, i, used, &out->reports[out->count]);
		out->count++;
	}
	/*
	 * A header line no format knows, with no trace, right before another
	 * report of its context is a fragment (a line cut short and printed
	 * again, a driver's message quoting "BUG:"): not a report.
	 */
	for (size_t i = 0; !err && i + 1 < out->count;) {
		struct kc_report *r = &out->reports[i];
		bool fragment = r->corrupted_reason &&
				strcmp(r->corrupted_reason, "matched title but not report regexp") == 0 &&
				!r->nr_frames;
		size_t gap = 0;
		for (size_t j = r->start_line; j + 1 < out->reports[i + 1].start_line; j++)
			if (!r->caller[0] || strcmp(lines[j].ctx, r->caller) == 0)
				gap++;
		if (fragment && gap <= 3 &&
		    strcmp(r->caller, out->reports[i + 1].caller) == 0) {
			report_free(r);
			memmove(r, r + 1, (out->count - i - 1) * sizeof(*r));
			out->count--;
			continue;
		}
		i++;
	}
	free(buf);
	free(lines);
	free(used);
	if (err)
		kc_report_list_free(out);
	return err;
}

struct kc_error *kc_report_refresh(struct kc_report *r)
{
	for (size_t i = 0; i < r->nr_frames; i++)
		frame_free(&r->frames[i]);
	free(r->frames);
	r->frames = NULL;
	r->nr_frames = 0;
	free(r->pc);
	free(r->lr);
	free(r->comm);
	r->pc = r->lr = r->comm = NULL;
	r->has_esr = r->has_fault_address = false;
	struct kc_error *err = collect_frames(r);
	if (!err)
		err = collect_fields(r);
	if (!err)
		err = kc_report_analyze(r);
	return err;
}
