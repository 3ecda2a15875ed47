/* SPDX-License-Identifier: MIT */
#include "object.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/memory.h>
#include "typefmt.h"
#include "command.h"

/* An object bigger than this is not read whole (a typo'd array type, ...). */
#define OBJECT_MAX (16u << 20)

static bool is_aggregate(const struct kc_type *type)
{
	struct kc_type t = kc_type_strip(type);
	enum kc_type_kind kind = kc_type_kind(&t);
	return kind == KC_TYPE_STRUCT || kind == KC_TYPE_UNION;
}

/*
 * "task_struct" as crash takes it: the struct (or union) tag, else a
 * typedef naming one.
 */
static struct kc_error *find_aggregate(struct kc_session *session,
				       const char *keyword, const char *name,
				       struct kc_type *type)
{
	static const char *const keywords[] = {"struct", "union"};
	char full[512];
	for (size_t i = 0; i < 2; i++) {
		if (keyword && strcmp(keyword, keywords[i]) != 0)
			continue;
		snprintf(full, sizeof(full), "%s %s", keywords[i], name);
		struct kc_error *err = kc_kernel_type(session, full, type);
		if (!err)
			return NULL;
		kc_error_destroy(err);
	}
	struct kc_error *err = kc_kernel_type(session, name, type);
	if (!err && !is_aggregate(type))
		err = kc_error_create(KC_ERR_INVALID_ARG, "%s is not a %s", name,
				      keyword ? keyword : "struct or union");
	if (err && err->code == KC_ERR_LOOKUP) {
		kc_error_destroy(err);
		err = kc_error_create(KC_ERR_LOOKUP, "invalid data structure reference: %s",
				      name);
	}
	return err;
}

void kc_object_spec_fini(struct kc_object_spec *spec)
{
	for (size_t i = 0; i < spec->nr_members; i++)
		free(spec->paths[i]);
	free(spec->paths);
	free(spec->members);
	memset(spec, 0, sizeof(*spec));
}

static struct kc_error *add_member(struct kc_object_spec *spec, const char *path)
{
	struct kc_member member;
	struct kc_error *err = kc_type_member(&spec->type, path, &member);
	if (err)
		return err;
	char **paths = realloc(spec->paths, (spec->nr_members + 1) * sizeof(*paths));
	if (!paths)
		return &kc_error_nomem;
	spec->paths = paths;
	struct kc_member *members = realloc(spec->members,
					    (spec->nr_members + 1) * sizeof(*members));
	if (!members)
		return &kc_error_nomem;
	spec->members = members;
	if (!(paths[spec->nr_members] = strdup(path)))
		return &kc_error_nomem;
	members[spec->nr_members++] = member;
	return NULL;
}

struct kc_error *kc_object_spec_init(struct kc_object_spec *spec,
				     const struct kc_type *type,
				     const char *members)
{
	memset(spec, 0, sizeof(*spec));
	spec->type = *type;
	if (!is_aggregate(type))
		return kc_error_create(KC_ERR_INVALID_ARG, "not a struct or union");
	struct kc_error *err = kc_type_size(type, &spec->size);
	if (err || !members)
		return err;
	char *list = strdup(members), *save = NULL;
	if (!list)
		return &kc_error_nomem;
	for (char *path = strtok_r(list, ",", &save); path && !err;
	     path = strtok_r(NULL, ",", &save))
		err = add_member(spec, path);
	free(list);
	if (!err && spec->nr_members == 0)
		err = kc_error_create(KC_ERR_INVALID_ARG, "empty member list: \"%s\"", members);
	if (err)
		kc_object_spec_fini(spec);
	return err;
}

struct kc_error *kc_object_spec_parse(struct kc_session *session,
				      const char *keyword, const char *text,
				      struct kc_object_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	char name[256];
	const char *dot = strchr(text, '.');
	size_t len = dot ? (size_t)(dot - text) : strlen(text);
	if (len == 0 || len >= sizeof(name))
		return kc_error_create(KC_ERR_INVALID_ARG, "invalid type: \"%s\"", text);
	memcpy(name, text, len);
	name[len] = '\0';
	struct kc_type type;
	struct kc_error *err = find_aggregate(session, keyword, name, &type);
	if (!err)
		err = kc_object_spec_init(spec, &type, dot ? dot + 1 : NULL);
	if (err && dot)
		err = kc_error_prefix(err, "%s", text);
	return err;
}

static struct kc_error *print_members(FILE *out, const struct kc_object_spec *spec,
				      const uint8_t *bytes, unsigned flags)
{
	unsigned value_flags = flags & KC_OBJECT_HEX ? KC_TYPEFMT_VALUE_HEX : 0;
	for (size_t i = 0; i < spec->nr_members; i++) {
		struct kc_error *err;
		if (flags & KC_OBJECT_JSON) {
			fprintf(out, "%s\"%s\": ", i ? ", " : "{", spec->paths[i]);
			err = kc_typefmt_member_json(out, &spec->members[i], bytes, spec->size);
		} else {
			/* crash's member lines all end in ",", the last one too. */
			fprintf(out, "  %s = ", spec->paths[i]);
			err = kc_typefmt_member_value(out, &spec->members[i], bytes,
						      spec->size, value_flags, 2);
			fputs(",\n", out);
		}
		if (err)
			return err;
	}
	if (flags & KC_OBJECT_JSON)
		fputc('}', out);
	return NULL;
}

struct kc_error *kc_object_print(struct kc_session *session, FILE *out,
				 const struct kc_object_spec *spec,
				 uint64_t addr, unsigned flags)
{
	if (spec->size > OBJECT_MAX)
		return kc_error_create(KC_ERR_UNSUPPORTED, "object of %llu bytes is too big to print",
				       (unsigned long long)spec->size);
	uint8_t *bytes = malloc(spec->size ? spec->size : 1);
	if (!bytes)
		return &kc_error_nomem;
	struct kc_error *err = kc_kernel_read(session, addr, bytes, spec->size);
	if (err) {
		err = kc_error_prefix(err, "%llu-byte object at 0x%llx",
				      (unsigned long long)spec->size,
				      (unsigned long long)addr);
	} else if (spec->nr_members) {
		err = print_members(out, spec, bytes, flags);
	} else if (flags & KC_OBJECT_JSON) {
		err = kc_typefmt_json(out, &spec->type, bytes, spec->size);
	} else {
		unsigned value_flags = KC_TYPEFMT_VALUE_HEADER |
				       (flags & KC_OBJECT_HEX ? KC_TYPEFMT_VALUE_HEX : 0);
		err = kc_typefmt_value_at(out, &spec->type, bytes, spec->size,
					  value_flags, 0);
		fputc('\n', out);
	}
	free(bytes);
	return err;
}

/* "init_task.tasks.next": the symbol's address plus the member's offset. */
static struct kc_error *symbol_member_address(struct kc_session *session,
					      const char *text, uint64_t *addr)
{
	char name[256];
	const char *dot = strchr(text, '.');
	size_t len = (size_t)(dot - text);
	if (len == 0 || len >= sizeof(name))
		return kc_error_create(KC_ERR_INVALID_ARG, "invalid address: \"%s\"", text);
	memcpy(name, text, len);
	name[len] = '\0';
	struct kc_variable var;
	struct kc_member member;
	struct kc_error *err = kc_kernel_variable(session, name, &var);
	if (!err)
		err = kc_type_member(&var.type, dot + 1, &member);
	if (!err)
		err = kc_kernel_symbol(session, name, addr);
	if (err)
		return kc_error_prefix(err, "\"%s\"", text);
	*addr += member.offset;
	return NULL;
}

struct kc_error *kc_parse_object_address(struct kc_session *session,
					 const char *text, uint64_t *addr)
{
	const char *dot = strchr(text, '.');
	if (dot && !strchr(text, '+') && (isalpha((unsigned char)text[0]) || text[0] == '_'))
		return symbol_member_address(session, text, addr);
	return kc_parse_address(session, text, addr);
}

struct kc_error *kc_parse_cpuspec(const char *text, unsigned nr_cpus, bool *cpus)
{
	if (strcmp(text, "a") == 0 || strcmp(text, "all") == 0) {
		for (unsigned i = 0; i < nr_cpus; i++)
			cpus[i] = true;
		return NULL;
	}
	const char *p = text;
	while (*p) {
		char *end;
		unsigned long first = strtoul(p, &end, 10), last = first;
		if (end == p)
			goto invalid;
		if (*end == '-') {
			p = end + 1;
			last = strtoul(p, &end, 10);
			if (end == p || last < first)
				goto invalid;
		}
		if (last >= nr_cpus)
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "invalid cpu specification: %s (%u CPUs)",
					       text, nr_cpus);
		for (unsigned long cpu = first; cpu <= last; cpu++)
			cpus[cpu] = true;
		if (*end == ',')
			end++;
		else if (*end)
			goto invalid;
		p = end;
	}
	return NULL;
invalid:
	return kc_error_create(KC_ERR_INVALID_ARG, "invalid cpu specification: \"%s\"", text);
}

struct kc_error *kc_parse_member_offset(struct kc_session *session,
					const char *text, uint64_t *offset)
{
	const char *dot = strchr(text, '.');
	if (!dot)
		return kc_parse_number(text, offset);
	struct kc_object_spec spec;
	struct kc_error *err = kc_object_spec_parse(session, NULL, text, &spec);
	if (err)
		return err;
	*offset = spec.members[0].offset;
	kc_object_spec_fini(&spec);
	return NULL;
}
