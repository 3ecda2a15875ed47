/* SPDX-License-Identifier: MIT */
/*
 * dis: arm64 disassembly in crash's layout (crash kernel.c cmd_dis and
 * arm64.c arm64_dis_filter, whose text gdb writes):
 *   0xffff800008e3c5a0 <schedule+4>:\tmov\tx29, sp
 * branch targets and adr/adrp addresses followed by "<symbol+offset>",
 * the address an adrp pair builds as a "// 0x... <symbol+offset>" comment
 * on the instruction that completes it. The code bytes come from the
 * dump (kernel text, module text, or the current context's user memory).
 */
#include "command.h"
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/disasm.h>
#include <kcrash/memory.h>
#include <kcrash/symbols.h>
#include <kcrash/tasks.h>

/* Most instructions one request shows (a function is far smaller). */
#define DIS_MAX_INSNS (1u << 20)

struct dis_request {
	bool lines;     /* -l */
	bool source;    /* -s */
	bool reverse;   /* -r: function start up to ADDR */
	bool forward;   /* -f: ADDR to the function's end */
	bool user;      /* -u */
	bool json;
	uint64_t addr;
	uint64_t count;
	bool count_given;
};

/* One source file's lines, kept while consecutive instructions use it. */
struct source_cache {
	char *path;      /* the DWARF name */
	char *text;      /* NULL: not found */
	char **lines;
	size_t nr_lines;
	bool reported;   /* its absence was said */
};

static void source_cache_clear(struct source_cache *c)
{
	free(c->path);
	free(c->text);
	free(c->lines);
	memset(c, 0, sizeof(*c));
}

static char *read_whole_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (mem) {
		char buf[8192];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, mem);
		fclose(mem);
	}
	fclose(f);
	return text;
}

/*
 * The source at PATH, or under a directory of KCRASH_SOURCE_DIR (':'
 * separated) with PATH's leading components dropped one by one, as gdb's
 * `directory` finds a tree built elsewhere.
 */
static char *find_source(const char *path)
{
	char *text = read_whole_file(path);
	if (text)
		return text;
	const char *dirs = getenv("KCRASH_SOURCE_DIR");
	if (!dirs || !*dirs)
		return NULL;
	char *copy = strdup(dirs);
	if (!copy)
		return NULL;
	char *save = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir && !text;
	     dir = strtok_r(NULL, ":", &save)) {
		for (const char *tail = path; tail && *tail && !text;
		     tail = strchr(tail + 1, '/')) {
			char *candidate = NULL;
			if (asprintf(&candidate, "%s/%s", dir, tail[0] == '/' ? tail + 1 : tail) < 0)
				break;
			text = read_whole_file(candidate);
			free(candidate);
		}
	}
	free(copy);
	return text;
}

static void source_cache_load(struct source_cache *c, const char *path)
{
	if (c->path && !strcmp(c->path, path))
		return;
	source_cache_clear(c);
	c->path = strdup(path);
	c->text = find_source(path);
	if (!c->text)
		return;
	size_t n = 1;
	for (const char *p = c->text; *p; p++)
		n += *p == '\n';
	c->lines = calloc(n + 1, sizeof(char *));
	if (!c->lines)
		return;
	char *p = c->text;
	while (*p && c->nr_lines < n) {
		c->lines[c->nr_lines++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
}

/* "name" or "name+off" for ADDR (module symbols as well); false when none. */
static bool symbol_text(struct kc_session *session, uint64_t addr, char *buf, size_t len)
{
	struct kc_symbolized sym;
	struct kc_error *err = kc_symbolize(session, addr, &sym);
	if (err) {
		kc_error_destroy(err);
		return false;
	}
	/* Past a sized symbol's end is no part of it (a string after a table). */
	if (sym.size && sym.offset >= sym.size && sym.offset)
		return false;
	if (sym.offset)
		snprintf(buf, len, "%s+%" PRIu64, sym.name, sym.offset);
	else
		snprintf(buf, len, "%s", sym.name);
	return true;
}

static void print_insn_text(struct kc_session *session, const struct kc_insn *insn, FILE *out)
{
	char sym[512], target[512];
	if (symbol_text(session, insn->addr, sym, sizeof(sym)))
		fprintf(out, "0x%" PRIx64 " <%s>:\t%s", insn->addr, sym, insn->mnemonic);
	else
		fprintf(out, "0x%" PRIx64 ":\t%s", insn->addr, insn->mnemonic);
	if (insn->operands[0])
		fprintf(out, "\t%s", insn->operands);
	bool has_sym = insn->target_kind != KC_INSN_TARGET_NONE &&
		       symbol_text(session, insn->target, target, sizeof(target));
	switch (insn->target_kind) {
	case KC_INSN_TARGET_BRANCH:
	case KC_INSN_TARGET_ADR:
		if (has_sym)
			fprintf(out, " <%s>", target);
		break;
	case KC_INSN_TARGET_PAIR:
		fprintf(out, "  // 0x%" PRIx64, insn->target);
		if (has_sym)
			fprintf(out, " <%s>", target);
		break;
	case KC_INSN_TARGET_PAGE:
	case KC_INSN_TARGET_NONE:
		break;
	}
	fputc('\n', out);
}

static void print_insn_json(struct kc_session *session, const struct kc_insn *insn,
			    const char *file, int line, bool first, FILE *out)
{
	fprintf(out, "%s\n  {\"address\": \"0x%" PRIx64 "\", ", first ? "" : ",", insn->addr);
	struct kc_symbolized sym;
	struct kc_error *err = kc_symbolize(session, insn->addr, &sym);
	if (!err) {
		fputs("\"symbol\": ", out);
		kc_json_string(out, sym.name);
		fprintf(out, ", \"offset\": %" PRIu64 ", \"module\": ", sym.offset);
		kc_json_string(out, sym.module);
	} else {
		kc_error_destroy(err);
		fputs("\"symbol\": null, \"offset\": null, \"module\": null", out);
	}
	fprintf(out, ", \"word\": \"0x%08" PRIx32 "\", \"valid\": %s, \"mnemonic\": ", insn->word,
		insn->valid ? "true" : "false");
	kc_json_string(out, insn->mnemonic);
	fputs(", \"operands\": ", out);
	kc_json_string(out, insn->operands);
	static const char *const kinds[] = {"none", "branch", "adr", "page", "pair"};
	if (insn->target_kind != KC_INSN_TARGET_NONE) {
		fprintf(out, ", \"target\": \"0x%" PRIx64 "\", \"target_kind\": \"%s\", \"target_symbol\": ",
			insn->target, kinds[insn->target_kind]);
		char target[512];
		if (symbol_text(session, insn->target, target, sizeof(target)))
			kc_json_string(out, target);
		else
			fputs("null", out);
	} else {
		fputs(", \"target\": null, \"target_kind\": null, \"target_symbol\": null", out);
	}
	fputs(", \"file\": ", out);
	kc_json_string(out, file);
	if (file)
		fprintf(out, ", \"line\": %d}", line);
	else
		fputs(", \"line\": null}", out);
}

static struct kc_error *parse_args(struct kc_session *session, int argc, char **argv,
				   struct dis_request *req)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--json")) {
			req->json = true;
			continue;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			switch (*c) {
			case 'l': req->lines = true; break;
			case 's': req->source = true; break;
			case 'r': req->reverse = true; break;
			case 'f': req->forward = true; break;
			case 'u': req->user = true; break;
			case 'x': case 'd': break; /* crash's radix: immediates stay as binutils writes them */
			default:
				return kc_error_create(KC_ERR_INVALID_ARG, "invalid option: -%c (usage: %s)",
						       *c, kc_cmd_dis.usage);
			}
		}
	}
	if (req->reverse && req->forward)
		return kc_error_create(KC_ERR_INVALID_ARG, "-r and -f are mutually exclusive");
	if (req->source && (req->reverse || req->forward))
		return kc_error_create(KC_ERR_INVALID_ARG, "-s and -%c are mutually exclusive",
				       req->reverse ? 'r' : 'f');
	if (req->source && req->user)
		return kc_error_create(KC_ERR_INVALID_ARG, "-s can only be used with kernel addresses");
	if (i >= argc || argc - i > 2)
		return kc_usage_error(&kc_cmd_dis);
	const char *target = argv[i];
	struct kc_error *err;
	if (req->user) {
		err = kc_parse_hex(target, &req->addr);
	} else {
		/* A symbol of the vmlinux or of a module, with an optional +OFFSET. */
		char name[256];
		const char *plus = strchr(target, '+');
		size_t len = plus ? (size_t)(plus - target) : strlen(target);
		uint64_t offset = 0;
		err = NULL;
		if (plus)
			err = kc_parse_number(plus + 1, &offset);
		if (!err && len < sizeof(name)) {
			memcpy(name, target, len);
			name[len] = '\0';
			struct kc_error *lookup = kc_symbol_lookup(session, name, NULL, &req->addr);
			if (!lookup) {
				req->addr += offset;
				goto have_addr;
			}
			kc_error_destroy(lookup);
		}
		kc_error_destroy(err);
		err = kc_parse_address(session, target, &req->addr);
	}
	if (err)
		return err;
have_addr:
	if (i + 1 < argc) {
		err = kc_parse_number(argv[i + 1], &req->count);
		if (err)
			return err;
		if (!req->count)
			return kc_error_create(KC_ERR_INVALID_ARG, "invalid count argument: 0");
		req->count_given = true;
	}
	if (req->addr & 3)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "0x%" PRIx64 " is not 4-byte aligned: arm64 instructions are", req->addr);
	return NULL;
}

struct dis_state {
	struct kc_session *session;
	const struct dis_request *req;
	const struct kc_task *task;   /* -u */
	struct kc_disasm *dis;
	struct source_cache source;
	char last_file[1024];
	int last_line;
	bool lines_ok;                /* DWARF lines are there */
	bool first_json;
};

static struct kc_error *read_code(struct dis_state *st, uint64_t addr, uint8_t *buf, size_t len)
{
	if (st->req->user)
		return kc_task_read_user(st->session, st->task, addr, buf, len);
	return kc_kernel_read(st->session, addr, buf, len);
}

/* The source line header (-l) or the source text (-s) before an instruction. */
static void print_line_info(struct dis_state *st, uint64_t addr, FILE *out,
			    const char **file_ret, int *line_ret)
{
	*file_ret = NULL;
	*line_ret = 0;
	if (!st->lines_ok || st->req->user)
		return;
	const char *file;
	int line;
	struct kc_error *err = kc_symbol_source_line(st->session, addr, &file, &line);
	if (err) {
		kc_error_destroy(err);
		return;
	}
	*file_ret = file;
	*line_ret = line;
	if (st->req->json || (!st->req->lines && !st->req->source))
		return;
	if (line == st->last_line && !strcmp(file, st->last_file))
		return;
	snprintf(st->last_file, sizeof(st->last_file), "%s", file);
	st->last_line = line;
	fprintf(out, "%s: %d\n", file, line);
	if (!st->req->source)
		return;
	source_cache_load(&st->source, file);
	if (!st->source.text) {
		if (!st->source.reported)
			fprintf(out, "dis: -s: %s: source code is not available (set KCRASH_SOURCE_DIR to the kernel tree)\n",
				file);
		st->source.reported = true;
		return;
	}
	if (line >= 1 && (size_t)line <= st->source.nr_lines)
		fprintf(out, "  %-6d%s\n", line, st->source.lines[line - 1]);
}

static struct kc_error *disassemble(struct dis_state *st, uint64_t start, uint64_t count,
				    FILE *out)
{
	uint8_t chunk[4096];
	uint64_t chunk_addr = 0;
	size_t chunk_len = 0;
	for (uint64_t i = 0; i < count; i++) {
		struct kc_error *err = kc_check_interrupt();
		if (err)
			return err;
		uint64_t addr = start + 4 * i;
		if (addr < chunk_addr || addr + 4 > chunk_addr + chunk_len) {
			/* Up to the end of the page of what is left, in one read. */
			uint64_t want = (count - i) * 4;
			uint64_t to_boundary = sizeof(chunk) - (addr % sizeof(chunk));
			if (want > to_boundary)
				want = to_boundary;
			err = read_code(st, addr, chunk, (size_t)want);
			if (err)
				return kc_error_prefix(err, "cannot read the instruction at 0x%" PRIx64, addr);
			chunk_addr = addr;
			chunk_len = (size_t)want;
		}
		struct kc_insn insn;
		kc_disasm_decode(st->dis, addr, chunk + (addr - chunk_addr), 4, &insn);
		const char *file;
		int line;
		print_line_info(st, addr, out, &file, &line);
		if (st->req->json) {
			print_insn_json(st->session, &insn, file, line, st->first_json, out);
			st->first_json = false;
		} else {
			print_insn_text(st->session, &insn, out);
		}
	}
	return NULL;
}

/* What to show: [*START, *START + 4 * *COUNT) as crash's dis chooses it. */
static struct kc_error *choose_range(struct kc_session *session, const struct dis_request *req,
				     uint64_t *start, uint64_t *count, FILE *out)
{
	*start = req->addr;
	*count = req->count_given ? req->count : 1;
	if (req->user)
		return NULL;
	struct kc_symbolized sym;
	struct kc_error *err = kc_symbolize(session, req->addr, &sym);
	if (err) {
		kc_error_destroy(err);
		if (req->reverse || req->forward)
			return kc_error_create(KC_ERR_LOOKUP, "cannot resolve address: %" PRIx64,
					       req->addr);
		if (!req->json)
			fprintf(out, "WARNING: %" PRIx64 ": no associated kernel symbol found\n",
				req->addr);
		return NULL;
	}
	uint64_t size = sym.size ? sym.size : 4;
	uint64_t end = sym.addr + size;
	if (req->reverse) {
		*start = sym.addr;
		*count = (req->addr - sym.addr) / 4 + 1;
	} else if (req->forward) {
		*count = end > req->addr ? (end - req->addr + 3) / 4 : 1;
	} else if (!req->count_given && sym.offset == 0) {
		bool text = sym.type == 't' || sym.type == 'T' || sym.type == 'W' || sym.type == 'w';
		if (text)
			*count = (size + 3) / 4;
	}
	if (*count > DIS_MAX_INSNS)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "%s is %" PRIu64 " bytes: more than %u instructions; give a count",
				       sym.name, size, DIS_MAX_INSNS);
	return NULL;
}

static struct kc_error *cmd_dis(struct kc_session *session, int argc, char **argv, FILE *out)
{
	struct dis_request req = {0};
	struct kc_error *err = parse_args(session, argc, argv, &req);
	if (err)
		return err;
	struct dis_state st = {.session = session, .req = &req, .first_json = true, .last_line = -1};
	if (req.user) {
		err = kc_session_context(session, &st.task);
		if (err)
			return err;
	}
	if ((req.lines || req.source || req.json) && !req.user) {
		const char *file;
		int line;
		struct kc_error *probe = kc_symbol_source_line(session, req.addr, &file, &line);
		st.lines_ok = !probe || kc_session_vmlinux_path(session);
		if (probe && (req.lines || req.source) && !req.json) {
			if (!kc_session_vmlinux_path(session))
				fprintf(out, "dis: -%c: no source lines: they come from the vmlinux's DWARF, and the dump is open without it\n",
					req.source ? 's' : 'l');
			else
				fprintf(out, "dis: -%c: no source line for 0x%" PRIx64 ": %s\n",
					req.source ? 's' : 'l', req.addr, kc_error_message(probe));
		}
		kc_error_destroy(probe);
	}
	uint64_t start, count;
	err = choose_range(session, &req, &start, &count, out);
	if (err)
		return err;
	err = kc_disasm_create(&st.dis);
	if (err)
		return err;
	if (req.json)
		fputc('[', out);
	err = disassemble(&st, start, count, out);
	if (req.json && !err)
		fputs(st.first_json ? "]\n" : "\n]\n", out);
	source_cache_clear(&st.source);
	kc_disasm_destroy(st.dis);
	return err;
}

const struct kc_command kc_cmd_dis = {
	.name = "dis",
	.summary = "disassemble kernel, module or user code",
	.usage = "dis [-l] [-s] [-r|-f] [-u] [--json] ADDR|SYMBOL[+OFFSET] [COUNT]",
	.help =
		"Disassembles arm64 code read from the dump, one line per instruction in\n"
		"crash's layout:\n"
		"  0xffffa220d14e81b4 <schedule+20>:\tcbz\tw0, 0xffffa220d14e81e0 <schedule+64>\n"
		"A function's name (of the vmlinux or of a loaded module) shows the whole\n"
		"function; an address inside one shows that instruction, or COUNT\n"
		"instructions from it. Branch, adr and literal targets are followed by\n"
		"<symbol+offset>; the address an adrp/add (or adrp/ldr, adrp/str) pair\n"
		"builds ends the completing instruction as \"// 0xADDRESS <symbol+offset>\".\n"
		"Instructions are decoded by Capstone with their operands written as\n"
		"binutils writes them (memory offsets in decimal).\n"
		"  -r      from the start of the function up to and including ADDR\n"
		"  -f      from ADDR to the end of its function\n"
		"  -l      the source file and line (vmlinux DWARF) before each line change\n"
		"  -s      as -l, with the source line's text when the file is there (its\n"
		"          DWARF path, or under a directory of KCRASH_SOURCE_DIR); says so\n"
		"          once when it is not\n"
		"  -u      ADDR is a user address of the current context (see set)\n"
		"  --json  a JSON array: address, symbol, offset, module, word, valid,\n"
		"          mnemonic, operands, target, target_kind, target_symbol, file,\n"
		"          line\n",
	.needs_dump = true,
	.run = cmd_dis,
};
