/* SPDX-License-Identifier: MIT */
/*
 * The command table: one struct kc_command per file in src/cmds/, listed in
 * table.c. `help` and tab completion are generated from the same table.
 */
#ifndef KC_CMDS_COMMAND_H
#define KC_CMDS_COMMAND_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <kcrash/error.h>
#include <kcrash/session.h>
#include <kcrash/commands.h>

struct kc_command {
	const char *name;
	const char *const *aliases; /* NULL-terminated, or NULL */
	const char *summary;        /* one line for the `help` list */
	const char *usage;          /* synopsis, e.g. "rd -p [-8|-16|-32|-64] ADDR [COUNT]" */
	const char *help;           /* the rest of `help CMD` */
	bool needs_dump;
	/* Run without task arguments, it prints the context's task header
	 * itself (crash's files, vm): foreach does not print another. */
	bool prints_task_header;
	struct kc_error *(*run)(struct kc_session *session, int argc,
				char **argv, FILE *out);
};

extern const struct kc_command *const kc_commands[];
extern const size_t kc_nr_commands;

/* By name or alias; NULL if none. */
const struct kc_command *kc_command_find(const char *name);

/* The commands, one per file. */
extern const struct kc_command kc_cmd_help;
extern const struct kc_command kc_cmd_quit;
extern const struct kc_command kc_cmd_rd;
extern const struct kc_command kc_cmd_sys;
extern const struct kc_command kc_cmd_triage;
extern const struct kc_command kc_cmd_vtop;
extern const struct kc_command kc_cmd_ptov;
extern const struct kc_command kc_cmd_mach;
extern const struct kc_command kc_cmd_mod;
extern const struct kc_command kc_cmd_sym;
extern const struct kc_command kc_cmd_ps;
extern const struct kc_command kc_cmd_set;
extern const struct kc_command kc_cmd_struct;
extern const struct kc_command kc_cmd_union;
extern const struct kc_command kc_cmd_p;
extern const struct kc_command kc_cmd_whatis;
extern const struct kc_command kc_cmd_list;
extern const struct kc_command kc_cmd_log;
extern const struct kc_command kc_cmd_bt;
extern const struct kc_command kc_cmd_foreach;
extern const struct kc_command kc_cmd_py;
extern const struct kc_command kc_cmd_kmem;
extern const struct kc_command kc_cmd_files;
extern const struct kc_command kc_cmd_vm;
extern const struct kc_command kc_cmd_mount;
extern const struct kc_command kc_cmd_swap;
extern const struct kc_command kc_cmd_dev;
extern const struct kc_command kc_cmd_runq;
extern const struct kc_command kc_cmd_irq;
extern const struct kc_command kc_cmd_timer;
extern const struct kc_command kc_cmd_sig;
extern const struct kc_command kc_cmd_waitq;
extern const struct kc_command kc_cmd_task;
extern const struct kc_command kc_cmd_net;
extern const struct kc_command kc_cmd_dis;
extern const struct kc_command kc_cmd_search;
extern const struct kc_command kc_cmd_tree;
extern const struct kc_command kc_cmd_eval;
extern const struct kc_command kc_cmd_ascii;
extern const struct kc_command kc_cmd_btop;
extern const struct kc_command kc_cmd_ptob;
extern const struct kc_command kc_cmd_pte;
extern const struct kc_command kc_cmd_alias;

/*
 * What runs `py`: a front end with an interpreter (the kcrash binary
 * embeds CPython, python/embed.h) registers it; without one, `py` fails
 * saying so. ARGC/ARGV are the script and its arguments (none: a prompt).
 */
typedef struct kc_error *(*kc_python_runner_fn)(struct kc_session *session, int argc,
						 char **argv, FILE *out);
void kc_cmd_py_set_runner(kc_python_runner_fn runner);

/* Parse a number as crash does for addresses: hex, with or without 0x. */
struct kc_error *kc_parse_hex(const char *text, uint64_t *ret);
/* Parse a count or plain number: decimal, or hex with 0x. */
struct kc_error *kc_parse_number(const char *text, uint64_t *ret);
/*
 * An address argument: hexadecimal (with or without 0x), or a kernel
 * symbol, optionally with "+OFFSET".
 */
struct kc_error *kc_parse_address(struct kc_session *session, const char *text,
				  uint64_t *ret);
/* A usage error for CMD: "usage: <synopsis>". */
struct kc_error *kc_usage_error(const struct kc_command *cmd);

#endif
