/* SPDX-License-Identifier: MIT */
/*
 * p: print a kernel variable, in the form crash gets from gdb:
 *   p jiffies              "jiffies = $1 = 4294952768"
 *   p init_task.comm       "$2 = \"swapper/0\\000...\""
 *   p &init_task           "$3 = (struct task_struct *) 0xffff..."
 *   p runqueues            per-CPU: "PER-CPU DATA TYPE:" / "PER-CPU ADDRESSES:"
 *   p runqueues:1          "per_cpu(runqueues, 1) = $4 = {...}"
 * Expressions are a variable with member (.m, ->m) and index ([i]) steps
 * and an optional leading & or *; no arithmetic, casts or function calls.
 */
#include "command.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/memory.h>
#include "typefmt.h"
#include "object.h"

#define VALUE_MAX (16u << 20)

struct p_expr {
	char prefix;       /* '&', '*' or 0 */
	char name[256];
	const char *path;  /* ".comm", "->next", "[1]"; "" when none */
	char *cpuspec;     /* after ':', or NULL */
};

/* The object an expression names: its type and where it is. */
struct p_place {
	struct kc_type type;
	uint64_t addr;
};

static struct kc_error *parse_expr(const char *text, struct p_expr *expr)
{
	const char *p = text;
	expr->prefix = 0;
	expr->cpuspec = NULL;
	if (*p == '&' || *p == '*')
		expr->prefix = *p++;
	size_t len = 0;
	while (isalnum((unsigned char)p[len]) || p[len] == '_')
		len++;
	if (len == 0 || len >= sizeof(expr->name) || isdigit((unsigned char)p[0]))
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "p: only VARIABLE[.member|->member|[index]...][:cpu] with an optional & or * is supported, not \"%s\"",
				       text);
	memcpy(expr->name, p, len);
	expr->name[len] = '\0';
	expr->path = p + len;
	const char *colon = strchr(expr->path, ':');
	if (colon) {
		expr->cpuspec = strdup(colon + 1);
		if (!expr->cpuspec)
			return &kc_error_nomem;
	}
	return NULL;
}

static size_t path_length(const struct p_expr *expr)
{
	const char *colon = strchr(expr->path, ':');
	return colon ? (size_t)(colon - expr->path) : strlen(expr->path);
}

static struct kc_error *dereference(struct kc_session *session, struct p_place *place)
{
	struct kc_type t = kc_type_strip(&place->type);
	if (kc_type_kind(&t) != KC_TYPE_POINTER)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "attempt to take contents of a non-pointer value");
	uint64_t pointer;
	struct kc_error *err = kc_kernel_read_u64(session, place->addr, &pointer);
	if (!err)
		err = kc_type_target(&t, &place->type);
	if (err)
		return err;
	place->addr = pointer;
	return NULL;
}

static struct kc_error *step_member(const char **p, struct p_place *place)
{
	char name[256];
	size_t len = 0;
	while (isalnum((unsigned char)(*p)[len]) || (*p)[len] == '_')
		len++;
	if (len == 0 || len >= sizeof(name))
		return kc_error_create(KC_ERR_INVALID_ARG, "expected a member name at \"%s\"", *p);
	memcpy(name, *p, len);
	name[len] = '\0';
	*p += len;
	struct kc_member member;
	struct kc_error *err = kc_type_member(&place->type, name, &member);
	if (err)
		return err;
	if (member.bit_size)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "p: bitfield %s: use \"struct TYPE.%s ADDR\"", name, name);
	place->type = member.type;
	place->addr += member.offset;
	return NULL;
}

static struct kc_error *step_index(struct kc_session *session, const char **p,
				   struct p_place *place)
{
	char *end;
	unsigned long long index = strtoull(*p, &end, 0);
	if (end == *p || *end != ']')
		return kc_error_create(KC_ERR_INVALID_ARG, "expected \"[number]\" at \"%s\"", *p);
	*p = end + 1;
	struct kc_type t = kc_type_strip(&place->type), element;
	struct kc_error *err;
	if (kc_type_kind(&t) == KC_TYPE_ARRAY) {
		uint64_t length;
		bool complete;
		err = kc_type_array(&t, &element, &length, &complete);
		if (!err && complete && index >= length)
			err = kc_error_create(KC_ERR_INVALID_ARG, "index %llu past the array's %llu elements",
					      index, (unsigned long long)length);
	} else {
		/* ptr[i] is *(ptr + i). */
		err = dereference(session, place);
		element = place->type;
	}
	uint64_t size = 0;
	if (!err)
		err = kc_type_size(&element, &size);
	if (err)
		return err;
	place->type = element;
	place->addr += index * size;
	return NULL;
}

static struct kc_error *apply_path(struct kc_session *session, const char *path,
				   size_t len, struct p_place *place)
{
	const char *p = path, *end = path + len;
	while (p < end) {
		struct kc_error *err;
		if (*p == '.') {
			p++;
			err = step_member(&p, place);
		} else if (p[0] == '-' && p[1] == '>') {
			p += 2;
			err = dereference(session, place);
			if (!err)
				err = step_member(&p, place);
		} else if (*p == '[') {
			p++;
			err = step_index(session, &p, place);
		} else {
			err = kc_error_create(KC_ERR_UNSUPPORTED,
					      "p: cannot evaluate \"%.*s\"", (int)(end - p), p);
		}
		if (err)
			return err;
	}
	return NULL;
}

static struct kc_error *lookup_variable(struct kc_session *session, const char *name,
					struct kc_variable *var, uint64_t *addr)
{
	struct kc_error *err = kc_kernel_variable(session, name, var);
	if (err && err->code != KC_ERR_LOOKUP)
		return err;
	if (err) {
		kc_error_destroy(err);
		return kc_error_create(KC_ERR_LOOKUP, "No symbol \"%s\" in current context.", name);
	}
	/* The symbol table has the run-time (KASLR) address of aliases too (jiffies). */
	return kc_kernel_symbol(session, name, addr);
}

/*
 * A char array declared without bounds ("extern const char linux_banner[]"
 * is the only DIE some CUs have): the string at its address, as gdb shows
 * it from the definition.
 */
static bool is_unbounded_string(const struct kc_type *type)
{
	struct kc_type t = kc_type_strip(type), element;
	uint64_t length;
	bool complete = true;
	if (kc_type_kind(&t) != KC_TYPE_ARRAY)
		return false;
	struct kc_error *err = kc_type_array(&t, &element, &length, &complete);
	kc_error_destroy(err);
	element = kc_type_strip(&element);
	return !err && !complete && kc_type_kind(&element) == KC_TYPE_CHAR;
}

static struct kc_error *print_unbounded_string(struct kc_session *session, FILE *out,
					       const struct p_place *place, bool json)
{
	char text[4096];
	struct kc_error *err = kc_kernel_read_string(session, place->addr, text,
						     sizeof(text));
	if (err)
		return err;
	if (json) {
		/* Through the JSON escaper: a char[N] of the string's length. */
		fputc('"', out);
		for (const char *c = text; *c; c++) {
			if (*c == '"' || *c == '\\')
				fprintf(out, "\\%c", *c);
			else if (*c == '\n')
				fputs("\\n", out);
			else if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
				fprintf(out, "\\u%04x", (unsigned char)*c);
			else
				fputc(*c, out);
		}
		fputs("\"\n", out);
		return NULL;
	}
	kc_typefmt_string(out, text, strlen(text));
	fputc('\n', out);
	return NULL;
}

static struct kc_error *print_place(struct kc_session *session, FILE *out,
				    const struct p_place *place, bool hex, bool json)
{
	if (is_unbounded_string(&place->type))
		return print_unbounded_string(session, out, place, json);
	uint64_t size;
	struct kc_error *err = kc_type_size(&place->type, &size);
	if (err)
		return err;
	if (size > VALUE_MAX)
		return kc_error_create(KC_ERR_UNSUPPORTED, "value of %llu bytes is too big to print",
				       (unsigned long long)size);
	uint8_t *bytes = malloc(size ? size : 1);
	if (!bytes)
		return &kc_error_nomem;
	err = kc_kernel_read(session, place->addr, bytes, size);
	if (err)
		err = kc_error_prefix(err, "%llu bytes at 0x%llx", (unsigned long long)size,
				      (unsigned long long)place->addr);
	else if (json)
		err = kc_typefmt_json(out, &place->type, bytes, size);
	else
		err = kc_typefmt_value_at(out, &place->type, bytes, size,
					  KC_TYPEFMT_VALUE_POINTER_TYPE |
					  (hex ? KC_TYPEFMT_VALUE_HEX : 0), 0);
	fputc('\n', out);
	free(bytes);
	return err;
}

/* &EXPR: gdb's "(struct task_struct *) 0xffff...". */
static struct kc_error *print_address_of(FILE *out, const struct p_place *place, bool json)
{
	if (json) {
		fprintf(out, "\"0x%llx\"\n", (unsigned long long)place->addr);
		return NULL;
	}
	fputc('(', out);
	struct kc_error *err = kc_typefmt_declaration(out, &place->type, "*");
	fprintf(out, ") 0x%llx\n", (unsigned long long)place->addr);
	return err;
}

static struct kc_error *print_percpu_addresses(struct kc_session *session, FILE *out,
					       const struct p_expr *expr,
					       const struct kc_variable *var,
					       uint64_t addr)
{
	fputs("PER-CPU DATA TYPE:\n  ", out);
	struct kc_error *err = kc_typefmt_declaration(out, &var->type, expr->name);
	if (err)
		return err;
	fputs(";\nPER-CPU ADDRESSES:\n", out);
	unsigned nr_cpus = kc_kernel_nr_cpus(session);
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		uint64_t cpu_addr;
		err = kc_kernel_percpu(session, addr, cpu, &cpu_addr);
		if (err)
			return err;
		fprintf(out, "  [%u]: %llx\n", cpu, (unsigned long long)cpu_addr);
	}
	return NULL;
}

struct p_request {
	bool hex, json;
	const char *cpu_option; /* -c */
	const char *expr_text;
};

/* One evaluation: at ADDR (the variable, or its copy on CPU), LABEL first. */
static struct kc_error *evaluate(struct kc_session *session, FILE *out,
				 const struct p_request *req, const struct p_expr *expr,
				 const struct kc_variable *var, uint64_t addr,
				 const char *label)
{
	struct p_place place = {var->type, addr};
	struct kc_error *err = apply_path(session, expr->path, path_length(expr), &place);
	if (!err && expr->prefix == '*')
		err = dereference(session, &place);
	if (err)
		return err;
	if (!req->json)
		fprintf(out, "%s$%u = ", label, kc_session_next_value_number(session));
	if (expr->prefix == '&')
		return print_address_of(out, &place, req->json);
	return print_place(session, out, &place, req->hex, req->json);
}

static struct kc_error *evaluate_percpu(struct kc_session *session, FILE *out,
					const struct p_request *req,
					const struct p_expr *expr,
					const struct kc_variable *var, uint64_t addr,
					const char *cpuspec)
{
	unsigned nr_cpus = kc_kernel_nr_cpus(session);
	bool *cpus = calloc(nr_cpus, sizeof(*cpus));
	if (!cpus)
		return &kc_error_nomem;
	struct kc_error *err = kc_parse_cpuspec(cpuspec, nr_cpus, cpus);
	for (unsigned cpu = 0; cpu < nr_cpus && !err; cpu++) {
		if (!cpus[cpu])
			continue;
		uint64_t cpu_addr;
		char label[300] = "";
		err = kc_kernel_percpu(session, addr, cpu, &cpu_addr);
		if (!expr->prefix && path_length(expr) == 0)
			snprintf(label, sizeof(label), "per_cpu(%s, %u) = ", expr->name, cpu);
		if (!err)
			err = evaluate(session, out, req, expr, var, cpu_addr, label);
	}
	free(cpus);
	return err;
}

static struct kc_error *parse_args(int argc, char **argv, struct p_request *req)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			req->json = true;
		else if (strcmp(argv[i], "-x") == 0)
			req->hex = true;
		else if (strcmp(argv[i], "-d") == 0)
			req->hex = false;
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			req->cpu_option = argv[++i];
		else if (!req->expr_text)
			req->expr_text = argv[i];
		else
			return kc_error_create(KC_ERR_UNSUPPORTED,
					       "p: one expression without spaces, please (\"%s\")",
					       argv[i]);
	}
	return req->expr_text ? NULL : kc_usage_error(&kc_cmd_p);
}

static struct kc_error *cmd_p(struct kc_session *session, int argc, char **argv,
			      FILE *out)
{
	/* crash's px / pd: p in hex / decimal. */
	struct p_request req = {.hex = strcmp(argv[0], "px") == 0};
	struct kc_error *err = parse_args(argc, argv, &req);
	if (err)
		return err;
	struct p_expr expr;
	err = parse_expr(req.expr_text, &expr);
	if (err)
		return err;
	struct kc_variable var;
	uint64_t addr;
	err = lookup_variable(session, expr.name, &var, &addr);
	const char *cpuspec = req.cpu_option ? req.cpu_option : expr.cpuspec;
	bool plain = !expr.prefix && path_length(&expr) == 0;
	if (err) {
		/* Reported below. */
	} else if (cpuspec && !var.is_percpu) {
		err = kc_error_create(KC_ERR_INVALID_ARG, "%s is not a per-CPU variable", expr.name);
	} else if (cpuspec) {
		err = evaluate_percpu(session, out, &req, &expr, &var, addr, cpuspec);
	} else if (var.is_percpu && plain) {
		err = print_percpu_addresses(session, out, &expr, &var, addr);
	} else if (var.is_percpu && expr.prefix != '&') {
		err = kc_error_create(KC_ERR_INVALID_ARG,
				      "%s is per-CPU: name a CPU (\"p %s:1\", \"p -c 1 %s\")",
				      expr.name, req.expr_text, req.expr_text);
	} else {
		char label[300] = "";
		if (plain)
			snprintf(label, sizeof(label), "%s = ", expr.name);
		err = evaluate(session, out, &req, &expr, &var, addr, label);
	}
	free(expr.cpuspec);
	return err;
}

const struct kc_command kc_cmd_p = {
	.name = "p",
	.aliases = (const char *const[]){"px", "pd", NULL},
	.summary = "print the value of a kernel variable",
	.usage = "p|px|pd [-x|-d] [-c CPUSPEC] [--json] [&|*]VARIABLE[.member|->member|[i]...][:CPUSPEC]",
	.help = "Prints a kernel variable as crash (through gdb) does: \"NAME = $N = value\"\n"
		"for a plain variable, \"$N = value\" for a member or element of one.\n"
		"Structs print as gdb's nested { member = value, ... }, pointers at the\n"
		"top level as \"(type *) 0x...\". &VAR gives its address, *PTR the\n"
		"object a pointer variable points at.\n"
		"A per-CPU variable without a CPU prints its type and each CPU's\n"
		"address (PER-CPU DATA TYPE / PER-CPU ADDRESSES); NAME:CPUSPEC or\n"
		"-c CPUSPEC (\"1\", \"0,1\", \"0-3\", \"a\" for all) prints each CPU's copy\n"
		"as \"per_cpu(NAME, CPU) = $N = value\".\n"
		"  -x / -d   integers in hexadecimal / decimal (the default)\n"
		"  --json    the value as JSON (structs as objects, arrays as arrays,\n"
		"            pointers as \"0x...\" strings, char arrays as strings)\n"
		"Not supported: arithmetic, casts, function calls, registers.\n",
	.needs_dump = true,
	.run = cmd_p,
};
