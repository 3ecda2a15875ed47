/* SPDX-License-Identifier: MIT */
/*
 * struct / union: a type's definition, or objects' contents, as crash's
 * cmd_struct/cmd_union print them:
 *   struct list_head -o        definition with "[offset]" columns, "SIZE: 16"
 *   struct mm_struct.pgd       "struct mm_struct {" "  [80] pgd_t *pgd;" "}"
 *   struct task_struct ADDR    "struct task_struct {" members "}"
 *   struct task_struct.pid ADDR  "  pid = 552,"
 *   struct rq runqueues:1      "[1]: ffff..." before each CPU's object
 * COUNT objects follow one another in memory (a negative COUNT ends at
 * ADDR); member-only views of several objects are separated by a blank line.
 */
#include "command.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/memory.h>
#include "typefmt.h"
#include "object.h"

struct struct_request {
	const char *keyword;  /* "struct" or "union" */
	const char *spec_text;
	const char *addr_text;
	const char *count_text;
	const char *list_offset_text; /* -l */
	bool offsets;         /* -o */
	bool hex;             /* -x */
	bool json;
};

static bool is_negative_number(const char *arg)
{
	return arg[0] == '-' && arg[1] >= '0' && arg[1] <= '9';
}

static struct kc_error *parse_args(const struct kc_command *cmd, int argc,
				   char **argv, struct struct_request *req)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--json") == 0) {
			req->json = true;
		} else if (strcmp(arg, "-c") == 0 || strcmp(arg, "-l") == 0) {
			if (i + 1 >= argc)
				return kc_usage_error(cmd);
			if (arg[1] == 'c')
				req->count_text = argv[++i];
			else
				req->list_offset_text = argv[++i];
		} else if (arg[0] == '-' && arg[1] && !is_negative_number(arg)) {
			for (const char *f = arg + 1; *f; f++) {
				if (*f == 'o')
					req->offsets = true;
				else if (*f == 'x')
					req->hex = true;
				else if (*f == 'd')
					req->hex = false;
				else
					return kc_usage_error(cmd);
			}
		} else if (!req->spec_text) {
			req->spec_text = arg;
		} else if (!req->addr_text) {
			req->addr_text = arg;
		} else if (!req->count_text) {
			req->count_text = arg;
		} else {
			return kc_usage_error(cmd);
		}
	}
	return req->spec_text ? NULL : kc_usage_error(cmd);
}

static struct kc_error *parse_count(const char *text, int64_t *count)
{
	uint64_t magnitude;
	bool negative = text[0] == '-';
	struct kc_error *err = kc_parse_number(text + negative, &magnitude);
	if (err)
		return err;
	if (magnitude == 0 || magnitude > (1u << 24))
		return kc_error_create(KC_ERR_INVALID_ARG, "invalid count: %s", text);
	*count = negative ? -(int64_t)magnitude : (int64_t)magnitude;
	return NULL;
}

static struct kc_error *print_definition(FILE *out, const struct kc_object_spec *spec,
					 const struct struct_request *req)
{
	unsigned flags = req->hex ? KC_TYPEFMT_HEX : 0;
	/* crash shows a member's offset whether or not -o is given. */
	if (spec->nr_members)
		return kc_typefmt_members_definition(out, &spec->type, spec->members,
						     spec->nr_members,
						     flags | KC_TYPEFMT_OFFSETS, 0);
	return kc_typefmt_definition(out, &spec->type, flags | KC_TYPEFMT_SIZE |
				     (req->offsets ? KC_TYPEFMT_OFFSETS : 0));
}

/* One object: its contents, or with -o its members' addresses. */
static struct kc_error *print_one(struct kc_session *session, FILE *out,
				  const struct kc_object_spec *spec,
				  const struct struct_request *req, uint64_t addr)
{
	if (req->offsets && spec->nr_members)
		return kc_typefmt_members_definition(out, &spec->type, spec->members,
						     spec->nr_members,
						     KC_TYPEFMT_ADDRESSES, addr);
	if (req->offsets)
		return kc_typefmt_definition_at(out, &spec->type, 0, addr);
	unsigned flags = (req->hex ? KC_OBJECT_HEX : 0) | (req->json ? KC_OBJECT_JSON : 0);
	return kc_object_print(session, out, spec, addr, flags);
}

struct object_run {
	struct kc_session *session;
	FILE *out;
	const struct kc_object_spec *spec;
	const struct struct_request *req;
	size_t printed; /* objects so far, for separators */
};

static struct kc_error *print_run(struct object_run *run, uint64_t addr, int64_t count)
{
	uint64_t first = addr;
	uint64_t n = count < 0 ? (uint64_t)-count : (uint64_t)count;
	if (count < 0)
		first = addr - (n - 1) * run->spec->size;
	for (uint64_t i = 0; i < n; i++) {
		if (run->printed) {
			if (run->req->json)
				fputs(", ", run->out);
			else if (run->spec->nr_members && !run->req->offsets)
				fputc('\n', run->out);
		}
		struct kc_error *err = print_one(run->session, run->out, run->spec,
						 run->req, first + i * run->spec->size);
		if (err)
			return err;
		run->printed++;
	}
	return NULL;
}

/* ADDR[:cpuspec]: the address, and the CPUs whose copies are wanted. */
static struct kc_error *parse_location(struct kc_session *session, const char *text,
				       uint64_t *addr, bool **cpus, unsigned *nr_cpus)
{
	*cpus = NULL;
	const char *colon = strchr(text, ':');
	char *base = colon ? strndup(text, (size_t)(colon - text)) : strdup(text);
	if (!base)
		return &kc_error_nomem;
	struct kc_error *err = kc_parse_object_address(session, base, addr);
	free(base);
	if (err || !colon)
		return err;
	*nr_cpus = kc_kernel_nr_cpus(session);
	*cpus = calloc(*nr_cpus, sizeof(**cpus));
	if (!*cpus)
		return &kc_error_nomem;
	if (colon[1] == '\0')
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "\":\" alone (the current task's CPU) is not supported; name the CPU");
	return kc_parse_cpuspec(colon + 1, *nr_cpus, *cpus);
}

static struct kc_error *print_objects(struct kc_session *session, FILE *out,
				      const struct kc_object_spec *spec,
				      const struct struct_request *req)
{
	int64_t count = 1;
	uint64_t addr, list_offset = 0;
	bool *cpus = NULL;
	unsigned nr_cpus = 0;
	struct kc_error *err = NULL;
	if (req->count_text)
		err = parse_count(req->count_text, &count);
	if (!err && req->list_offset_text)
		err = kc_parse_member_offset(session, req->list_offset_text, &list_offset);
	if (!err)
		err = parse_location(session, req->addr_text, &addr, &cpus, &nr_cpus);
	if (err) {
		free(cpus);
		return err;
	}
	addr -= list_offset;
	struct object_run run = {session, out, spec, req, 0};
	bool many = count != 1 || cpus;
	if (req->json && many)
		fputc('[', out);
	if (!cpus) {
		err = print_run(&run, addr, count);
	} else {
		for (unsigned cpu = 0; cpu < nr_cpus && !err; cpu++) {
			uint64_t cpu_addr;
			if (!cpus[cpu])
				continue;
			err = kc_kernel_percpu(session, addr, cpu, &cpu_addr);
			if (err)
				break;
			if (!req->json) {
				fprintf(out, "[%u]: %llx\n", cpu, (unsigned long long)cpu_addr);
				run.printed = 0; /* the header separates CPUs */
			}
			err = print_run(&run, cpu_addr, count);
		}
	}
	if (req->json && !err)
		fputs(many ? "]\n" : "\n", out);
	free(cpus);
	return err;
}

static struct kc_error *run_struct(const struct kc_command *cmd,
				   struct kc_session *session, int argc,
				   char **argv, FILE *out)
{
	struct struct_request req = {.keyword = cmd->name};
	struct kc_error *err = parse_args(cmd, argc, argv, &req);
	if (err)
		return err;
	if (req.json && !req.addr_text)
		return kc_error_create(KC_ERR_INVALID_ARG, "--json needs an address");
	struct kc_object_spec spec;
	err = kc_object_spec_parse(session, req.keyword, req.spec_text, &spec);
	if (err)
		return err;
	if (req.addr_text)
		err = print_objects(session, out, &spec, &req);
	else
		err = print_definition(out, &spec, &req);
	kc_object_spec_fini(&spec);
	return err;
}

static struct kc_error *cmd_struct(struct kc_session *session, int argc,
				   char **argv, FILE *out)
{
	return run_struct(&kc_cmd_struct, session, argc, argv, out);
}

static struct kc_error *cmd_union(struct kc_session *session, int argc,
				  char **argv, FILE *out)
{
	return run_struct(&kc_cmd_union, session, argc, argv, out);
}

#define STRUCT_HELP(KIND)                                                        \
	"Without an address, the " KIND " definition and \"SIZE: N\" (-o: each\n"      \
	"member's offset; with .member, only those members with their offsets).\n"   \
	"With an address or symbol (optionally SYMBOL.member, and :cpuspec for a\n"  \
	"per-CPU symbol: a CPU list \"1,3-5\" or \"a\" for all, each CPU's copy\n"    \
	"headed \"[cpu]: address\"), the contents of COUNT consecutive objects\n"    \
	"(a negative COUNT: the objects leading up to and including ADDR); with\n"   \
	".member[,member], only those members, as \"  member = value,\" lines.\n"    \
	"Member paths may be nested (thread.cpu_context) and index arrays\n"         \
	"(pids[2]).\n"                                                               \
	"  -o        with an address: each member's virtual address\n"              \
	"  -x / -d   integers in hexadecimal / decimal (the default)\n"             \
	"  -l OFFSET ADDR points at the member at OFFSET (a number or\n"            \
	"            " KIND ".member), e.g. an embedded list_head\n"                   \
	"  -c COUNT  COUNT when it is not the last argument, or negative\n"         \
	"  --json    the contents as JSON (members as keys, nested " KIND "s as\n"  \
	"            objects, arrays as arrays, pointers as \"0x...\" strings,\n"      \
	"            char arrays as strings)\n"

const struct kc_command kc_cmd_struct = {
	.name = "struct",
	.summary = "structure definition or contents",
	.usage = "struct NAME[.member[,member...]] [-o] [-x|-d] [-l OFFSET] "
		 "[ADDR|SYMBOL][:cpuspec] [COUNT|-c COUNT] [--json]",
	.help = STRUCT_HELP("struct"),
	.run = cmd_struct,
};

const struct kc_command kc_cmd_union = {
	.name = "union",
	.summary = "union definition or contents",
	.usage = "union NAME[.member[,member...]] [-o] [-x|-d] [-l OFFSET] "
		 "[ADDR|SYMBOL][:cpuspec] [COUNT|-c COUNT] [--json]",
	.help = STRUCT_HELP("union"),
	.run = cmd_union,
};
