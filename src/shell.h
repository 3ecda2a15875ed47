/* SPDX-License-Identifier: MIT */
/* The front end's command loop: batch scripts and the readline shell. */
#ifndef KC_SHELL_H
#define KC_SHELL_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include <kcrash/session.h>

struct kc_shell_stats {
	unsigned commands;
	unsigned failed;
	bool quit; /* a quit command was run */
};

/*
 * Run one input line: commands separated by unquoted ';', each optionally
 * piped ("| shell command") or redirected ("> file", ">> file"). Errors go
 * to stderr as one line each.
 */
void kc_shell_run_line(struct kc_session *session, const char *line,
		       struct kc_shell_stats *stats);
/* Run every line of IN until EOF or quit. */
void kc_shell_run_stream(struct kc_session *session, FILE *in,
			 struct kc_shell_stats *stats);
/*
 * Ctrl-C sets kc_interrupt_flag instead of ending kcrash (the previous
 * action into OLD, for sigaction to put back): for the shell, and for a
 * download at startup, which it cancels.
 */
void kc_shell_catch_sigint(struct sigaction *old);
/* The interactive readline shell: prompt "kcrash> ", history, completion. */
void kc_shell_interactive(struct kc_session *session,
			  struct kc_shell_stats *stats);

#endif
