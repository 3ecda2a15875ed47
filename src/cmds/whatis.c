/* SPDX-License-Identifier: MIT */
/*
 * whatis: a variable's declaration ("struct task_struct init_task;"), or a
 * type's definition followed by "SIZE: N", as crash's cmd_whatis prints
 * them; a typedef as "typedef int pid_t;" (an anonymous struct typedef'd
 * as "typedef struct {...} atomic_t;" with its members).
 */
#include "command.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/memory.h>
#include "typefmt.h"

static struct kc_error *print_typedef(FILE *out, const struct kc_type *type,
				      unsigned flags)
{
	struct kc_type target;
	/* As crash (gdb's ptype) shows it: through the chain of typedefs. */
	struct kc_error *err = kc_type_target(type, &target);
	for (int depth = 0; !err && depth < 32 &&
	     kc_type_kind(&target) == KC_TYPE_TYPEDEF; depth++) {
		struct kc_type next;
		err = kc_type_target(&target, &next);
		target = next;
	}
	if (err)
		return err;
	const char *name = kc_type_name(type);
	struct kc_type stripped = kc_type_strip(&target);
	enum kc_type_kind kind = kc_type_kind(&stripped);
	bool anonymous = !kc_type_name(&target) &&
			 (kind == KC_TYPE_STRUCT || kind == KC_TYPE_UNION);
	if (!anonymous) {
		fputs("typedef ", out);
		err = kc_typefmt_declaration(out, &target, name);
		fputs(";\n", out);
		return err;
	}
	/* The definition with "} name;" in place of its closing "}". */
	char *text = NULL;
	size_t len = 0;
	FILE *buf = open_memstream(&text, &len);
	if (!buf)
		return &kc_error_nomem;
	err = kc_typefmt_definition(buf, &target, flags);
	fclose(buf);
	if (!err && len >= 2 && strcmp(text + len - 2, "}\n") == 0)
		fprintf(out, "typedef %.*s} %s;\n", (int)(len - 2), text, name ? name : "");
	free(text);
	return err;
}

static struct kc_error *print_type(FILE *out, const struct kc_type *type, bool offsets)
{
	unsigned flags = offsets ? KC_TYPEFMT_OFFSETS : 0;
	struct kc_error *err;
	if (kc_type_kind(type) == KC_TYPE_TYPEDEF)
		err = print_typedef(out, type, flags);
	else
		err = kc_typefmt_definition(out, type, flags);
	uint64_t size;
	if (!err && !kc_type_size(type, &size))
		fprintf(out, "SIZE: %llu\n", (unsigned long long)size);
	return err;
}

static struct kc_error *cmd_whatis(struct kc_session *session, int argc,
				   char **argv, FILE *out)
{
	bool offsets = false;
	char name[512] = "";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0) {
			offsets = true;
			continue;
		}
		/* "whatis struct task_struct" arrives as two words. */
		if (strlen(name) + strlen(argv[i]) + 2 > sizeof(name))
			return kc_usage_error(&kc_cmd_whatis);
		if (name[0])
			strcat(name, " ");
		strcat(name, argv[i]);
	}
	if (!name[0])
		return kc_usage_error(&kc_cmd_whatis);
	struct kc_types *types;
	struct kc_error *err = kc_session_types(session, &types);
	if (err)
		return err;
	struct kc_variable var;
	if (!strchr(name, ' ')) {
		err = kc_kernel_variable(session, name, &var);
		if (!err) {
			err = kc_typefmt_declaration(out, &var.type, name);
			fputs(";\n", out);
			return err;
		}
		kc_error_destroy(err);
	}
	struct kc_type type;
	err = kc_kernel_type(session, name, &type);
	if (err) {
		kc_error_destroy(err);
		return kc_error_create(KC_ERR_LOOKUP,
				       "invalid argument: %s (no variable or type of that name; functions are not supported)",
				       name);
	}
	return print_type(out, &type, offsets);
}

const struct kc_command kc_cmd_whatis = {
	.name = "whatis",
	.summary = "a variable's declaration or a type's definition",
	.usage = "whatis [-o] VARIABLE | TYPE",
	.help = "For a variable, its declaration (\"struct task_struct init_task;\").\n"
		"For a type (\"task_struct\", \"struct rq\", \"pid_t\"), its definition\n"
		"and \"SIZE: N\"; -o shows member offsets. Functions are not supported.\n",
	.run = cmd_whatis,
};
