/* SPDX-License-Identifier: MIT */
/*
 * The shell's commands (libkcrash-cmds, a client of the library): crash's
 * commands run on a session with their output to a FILE, for front ends
 * other than the shell (the Python module's prog.command(), tests).
 */
#ifndef KCRASH_COMMANDS_H
#define KCRASH_COMMANDS_H

#include <stdio.h>

#include <kcrash/error.h>
#include <kcrash/session.h>

/*
 * Run one command line (no ';' splitting): tokenized with shell-like
 * quoting, looked up in the command table, run with output to OUT.
 * Returns the command's error, KC_ERR_STOP for quit, NULL on success.
 */
struct kc_error *kc_session_run_line(struct kc_session *session,
				     const char *line, FILE *out);

/*
 * Split LINE into words: whitespace separates, '...' and "..." quote,
 * backslash escapes the next character. *ARGV is a malloc'd NULL-terminated
 * array of malloc'd strings (free with kc_free_argv).
 */
struct kc_error *kc_split_words(const char *line, int *argc, char ***argv);
void kc_free_argv(int argc, char **argv);

#endif
