/* SPDX-License-Identifier: MIT */
/*
 * rd: read memory, in crash's hexdump layout (crash memory.c
 * display_memory): the address right-justified in 16 columns and ":  ",
 * then N values each followed by a space (2 x 64-bit, 4 x 32-bit,
 * 8 x 16-bit or 16 x 8-bit per line), then "  " and the line's bytes as
 * ASCII ('.' for unprintable), the last line padded so the ASCII column
 * lines up.
 */
#include "command.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/arm64/mmu.h>
#include <kcrash/tasks.h>

#define ADDR_WIDTH 16

enum rd_format { RD_HEX, RD_SIGNED, RD_UNSIGNED };

struct rd_request {
	bool physical;
	bool user;         /* -u, or an address below the kernel's half */
	uint64_t pgd_paddr; /* the context's user page tables, when user */
	bool ascii_only;   /* -a */
	bool show_ascii;   /* off with -x */
	unsigned width;    /* bytes per value */
	enum rd_format format;
	uint64_t addr;
	uint64_t count;    /* values (or bytes with -a) */
	bool count_given;
	uint64_t end;      /* -e */
	bool end_given;
};

static unsigned per_line(unsigned width)
{
	return 16 / width;
}

static unsigned value_columns(const struct rd_request *req)
{
	switch (req->format) {
	case RD_HEX:
		return req->width * 2;
	case RD_SIGNED:
		return req->width == 8 ? 15 : req->width == 4 ? 12 :
		       req->width == 2 ? 5 : 3;
	case RD_UNSIGNED:
		return req->width == 8 ? 20 : req->width == 4 ? 12 :
		       req->width == 2 ? 5 : 3;
	}
	return 16;
}

static uint64_t load_le(const uint8_t *p, unsigned width)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < width; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void print_value(FILE *out, const struct rd_request *req, uint64_t v)
{
	unsigned cols = value_columns(req);
	switch (req->format) {
	case RD_HEX:
		fprintf(out, "%0*llx ", (int)cols, (unsigned long long)v);
		break;
	case RD_SIGNED: {
		unsigned shift = 64 - 8 * req->width;
		int64_t sv = shift ? (int64_t)(v << shift) >> shift : (int64_t)v;
		fprintf(out, "%*lld ", (int)cols, (long long)sv);
		break;
	}
	case RD_UNSIGNED:
		fprintf(out, "%*llu ", (int)cols, (unsigned long long)v);
		break;
	}
}

static struct kc_error *read_memory(struct kc_session *session,
				    const struct rd_request *req, uint64_t addr,
				    void *buf, size_t len)
{
	if (req->physical)
		return kc_session_read_phys(session, addr, buf, len);
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err)
		return err;
	if (req->user)
		return kc_arm64_read_uvirt(mmu, req->pgd_paddr, addr, buf, len);
	return kc_arm64_read_kvirt(mmu, addr, buf, len);
}

static struct kc_error *display_values(struct kc_session *session,
				       const struct rd_request *req, FILE *out)
{
	unsigned n_per_line = per_line(req->width);
	unsigned ascii_start = ADDR_WIDTH + 3 + n_per_line * (value_columns(req) + 1);
	uint8_t line[16];
	uint64_t addr = req->addr;
	uint64_t left = req->count;
	while (left) {
		unsigned n = left < n_per_line ? (unsigned)left : n_per_line;
		/* Ctrl-C: the reads may all be cached, so check per line too. */
		struct kc_error *err = kc_check_interrupt();
		if (!err)
			err = read_memory(session, req, addr, line,
					  (size_t)n * req->width);
		if (err)
			return err;
		fprintf(out, "%*llx:  ", ADDR_WIDTH, (unsigned long long)addr);
		for (unsigned i = 0; i < n; i++)
			print_value(out, req, load_le(line + i * req->width,
						      req->width));
		if (req->show_ascii) {
			unsigned used = ADDR_WIDTH + 3 + n * (value_columns(req) + 1);
			fprintf(out, "%*s  ", (int)(ascii_start - used), "");
			for (unsigned i = 0; i < n * req->width; i++)
				fputc(line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '.', out);
		}
		fputc('\n', out);
		addr += (uint64_t)n * req->width;
		left -= n;
	}
	return NULL;
}

/* -a: printable characters up to the first unprintable one, 60 per line. */
static struct kc_error *display_ascii(struct kc_session *session,
				      const struct rd_request *req, FILE *out)
{
	uint64_t limit = req->count_given ? req->count : 4096;
	uint64_t addr = req->addr;
	unsigned on_line = 0;
	for (uint64_t i = 0; i < limit; i++, addr++) {
		uint8_t c;
		struct kc_error *err = read_memory(session, req, addr, &c, 1);
		if (err) {
			if (on_line)
				fputc('\n', out);
			return err;
		}
		if (c < 0x20 || c >= 0x7f)
			break;
		if (on_line == 0)
			fprintf(out, "%*llx:  ", ADDR_WIDTH, (unsigned long long)addr);
		fputc(c, out);
		if (++on_line == 60) {
			fputc('\n', out);
			on_line = 0;
		}
	}
	if (on_line)
		fputc('\n', out);
	return NULL;
}

static struct kc_error *parse_args(struct kc_session *session,
				   const struct kc_command *cmd, int argc,
				   char **argv, struct rd_request *req)
{
	*req = (struct rd_request){.width = 8, .show_ascii = true, .count = 1};
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *opt = argv[i];
		if (strcmp(opt, "-p") == 0)
			req->physical = true;
		else if (strcmp(opt, "-k") == 0)
			req->physical = false;
		else if (strcmp(opt, "-u") == 0)
			req->user = true;
		else if (strcmp(opt, "-8") == 0)
			req->width = 1;
		else if (strcmp(opt, "-16") == 0)
			req->width = 2;
		else if (strcmp(opt, "-32") == 0)
			req->width = 4;
		else if (strcmp(opt, "-64") == 0)
			req->width = 8;
		else if (strcmp(opt, "-x") == 0)
			req->show_ascii = false;
		else if (strcmp(opt, "-d") == 0)
			req->format = RD_SIGNED;
		else if (strcmp(opt, "-D") == 0)
			req->format = RD_UNSIGNED;
		else if (strcmp(opt, "-a") == 0)
			req->ascii_only = true;
		else if (strcmp(opt, "-e") == 0 && i + 1 < argc) {
			struct kc_error *err = kc_parse_hex(argv[++i], &req->end);
			if (err)
				return err;
			req->end_given = true;
		} else
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "invalid option: %s (usage: %s)",
					       opt, cmd->usage);
	}
	if (i >= argc || argc - i > 2)
		return kc_usage_error(cmd);
	struct kc_error *err = req->physical ? kc_parse_hex(argv[i], &req->addr)
					     : kc_parse_address(session, argv[i], &req->addr);
	if (err)
		return err;
	if (i + 1 < argc) {
		err = kc_parse_number(argv[i + 1], &req->count);
		if (err)
			return err;
		if (req->count == 0)
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "invalid count: %s", argv[i + 1]);
		req->count_given = true;
	}
	if (req->end_given) {
		if (req->end <= req->addr)
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "end address 0x%llx is not above 0x%llx",
					       (unsigned long long)req->end,
					       (unsigned long long)req->addr);
		uint64_t bytes = req->end - req->addr;
		req->count = req->ascii_only ? bytes : (bytes + req->width - 1) / req->width;
		req->count_given = true;
	}
	/* Decimal display shows no ASCII column, as in crash. */
	if (req->format != RD_HEX)
		req->show_ascii = false;
	if (req->addr % req->width)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "address 0x%llx is not aligned to the %u-byte display size",
				       (unsigned long long)req->addr, req->width);
	if (req->count > (UINT64_MAX - req->addr) / req->width)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "count %llu runs past the end of the address space",
				       (unsigned long long)req->count);
	return NULL;
}

static struct kc_error *cmd_rd(struct kc_session *session, int argc,
			       char **argv, FILE *out)
{
	struct rd_request req;
	struct kc_error *err = parse_args(session, &kc_cmd_rd, argc, argv, &req);
	if (err)
		return err;
	if (!req.physical) {
		struct kc_arm64_mmu *mmu;
		err = kc_session_mmu(session, &mmu);
		if (err)
			return err;
		if (!kc_arm64_is_kernel_addr(mmu, req.addr))
			req.user = true;
		if (req.user) {
			const struct kc_task *task;
			uint64_t pgd;
			err = kc_session_context(session, &task);
			if (!err)
				err = kc_task_pgd(session, task, &pgd, &req.pgd_paddr);
			if (err)
				return kc_error_prefix(err, "user address 0x%llx",
						       (unsigned long long)req.addr);
		}
	}
	return req.ascii_only ? display_ascii(session, &req, out)
			      : display_values(session, &req, out);
}

const struct kc_command kc_cmd_rd = {
	.name = "rd",
	.summary = "read memory",
	.usage = "rd [-p|-k|-u] [-8|-16|-32|-64] [-x] [-d|-D] [-a] [-e END] ADDR|SYMBOL [COUNT]",
	.help = "Displays COUNT values (default 1) of memory starting at ADDR\n"
		"(hexadecimal), in crash's layout: the address, the values, and the\n"
		"bytes as ASCII.\n"
		"  -p        ADDR is a physical address\n"
		"  -k        ADDR is a kernel virtual address (the default; a symbol\n"
		"            name, optionally +OFFSET, may stand for it)\n"
		"  -u        ADDR is a user virtual address of the current context\n"
		"            (see set; addresses below the kernel's half are user\n"
		"            addresses without -u too)\n"
		"  -8 -16 -32 -64   value size in bits (default 64)\n"
		"  -x        no ASCII column\n"
		"  -d / -D   signed / unsigned decimal values\n"
		"  -a        ASCII characters up to the first unprintable one\n"
		"  -e END    display up to END instead of COUNT values\n"
		"Virtual addresses are translated through the kernel's page tables\n"
		"(see vtop). A page the dump does not hold stops the display with an error that\n"
		"names the address and why: excluded by makedumpfile's filter,\n"
		"missing from a truncated or incomplete dump, or outside every\n"
		"memory range of the dump.\n",
	.needs_dump = true,
	.run = cmd_rd,
};
