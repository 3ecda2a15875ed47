/* SPDX-License-Identifier: MIT */
/*
 * What the type commands (struct, union, p, list -s) share: a struct or
 * union type with an optional list of members ("task_struct.pid,comm"),
 * printed for the object at an address the way crash prints it; address
 * arguments with "SYMBOL.member" and ":cpuspec" suffixes.
 */
#ifndef KC_CMDS_OBJECT_H
#define KC_CMDS_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <kcrash/error.h>
#include <kcrash/session.h>
#include <kcrash/types.h>

/* A struct or union and the members to show (none: the whole object). */
struct kc_object_spec {
	struct kc_type type;
	uint64_t size;
	size_t nr_members;
	char **paths;              /* as written: "se.on_rq", "pids[2]" */
	struct kc_member *members; /* offsets from the object's start */
};

/*
 * Parse "NAME[.member[,member...]]". KEYWORD is "struct" or "union" (NAME
 * is then that kind's tag, or a typedef of one), or NULL for either.
 */
struct kc_error *kc_object_spec_parse(struct kc_session *session,
				      const char *keyword, const char *text,
				      struct kc_object_spec *spec);
/* The same from a type already found (e.g. in a module's DWARF). */
struct kc_error *kc_object_spec_init(struct kc_object_spec *spec,
				     const struct kc_type *type,
				     const char *members);
void kc_object_spec_fini(struct kc_object_spec *spec);

enum kc_object_flags {
	KC_OBJECT_HEX = 1,  /* -x: integers in hex */
	KC_OBJECT_JSON = 2, /* --json: one JSON object, no newline */
};

/*
 * The object at ADDR: "struct task_struct {...}" (whole), or
 * "  pid = 552," lines (members), or with KC_OBJECT_JSON a JSON object.
 */
struct kc_error *kc_object_print(struct kc_session *session, FILE *out,
				 const struct kc_object_spec *spec,
				 uint64_t addr, unsigned flags);

/*
 * An address argument: hex, SYMBOL[+OFFSET], or SYMBOL.member[.member|[i]]
 * (the member's address, from the symbol's DWARF type).
 */
struct kc_error *kc_parse_object_address(struct kc_session *session,
					 const char *text, uint64_t *addr);

/*
 * crash's cpuspec: "a"/"all", or "1,3,5-7". Sets cpus[i] for each CPU
 * below NR_CPUS named; a CPU at or past NR_CPUS is an error.
 */
struct kc_error *kc_parse_cpuspec(const char *text, unsigned nr_cpus,
				  bool *cpus);

/* A member offset argument: a number, or "struct.member" / "type.member". */
struct kc_error *kc_parse_member_offset(struct kc_session *session,
					const char *text, uint64_t *offset);

#endif
