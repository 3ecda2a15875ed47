/* SPDX-License-Identifier: MIT */
#include "shell.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "alias.h"
#include "command.h"

/*
 * Position of the first unquoted character from SET in S, or NULL. A '>'
 * right after '-' is C's "->" (p task->mm), never a redirection.
 */
static const char *find_unquoted(const char *s, const char *set)
{
	char quote = 0;
	for (const char *p = s; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			else if (*p == '\\' && quote == '"' && p[1])
				p++;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '\\' && p[1]) {
			p++;
		} else if (strchr(set, *p) && !(*p == '>' && p > s && p[-1] == '-')) {
			return p;
		}
	}
	return NULL;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
		       s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

static void report(struct kc_error *err)
{
	fprintf(stderr, "%s\n", kc_error_message(err));
	kc_error_destroy(err);
}

/* One command, with its output sent to a pipe or file if asked. */
static void run_command(struct kc_session *session, char *cmd,
			struct kc_shell_stats *stats)
{
	cmd = trim(cmd);
	if (!*cmd || *cmd == '#')
		return;
	stats->commands++;
	/* An alias in the first word stands for its command (alias.c). */
	char *expanded = kc_alias_expand(cmd);
	if (expanded)
		cmd = expanded;
	FILE *out = stdout;
	FILE *pipe = NULL;
	const char *redirect = find_unquoted(cmd, "|>");
	if (redirect) {
		char *target = (char *)redirect;
		bool is_pipe = *target == '|';
		bool append = !is_pipe && target[1] == '>';
		*target = '\0';
		char *dest = trim(target + (append ? 2 : 1));
		if (!*dest) {
			fprintf(stderr, "missing %s after %s\n",
				is_pipe ? "command" : "file name",
				is_pipe ? "|" : append ? ">>" : ">");
			stats->failed++;
			free(expanded);
			return;
		}
		fflush(stdout);
		if (is_pipe)
			out = pipe = popen(dest, "w");
		else
			out = fopen(dest, append ? "a" : "w");
		if (!out) {
			fprintf(stderr, "%s: %s\n", dest, strerror(errno));
			stats->failed++;
			free(expanded);
			return;
		}
	}
	struct kc_error *err = kc_session_run_line(session, cmd, out);
	free(expanded);
	if (pipe)
		pclose(pipe);
	else if (out != stdout)
		fclose(out);
	else
		fflush(stdout);
	if (err) {
		if (err->code == KC_ERR_STOP) {
			stats->quit = true;
			kc_error_destroy(err);
		} else {
			stats->failed++;
			report(err);
		}
	}
}

void kc_shell_run_line(struct kc_session *session, const char *line,
		       struct kc_shell_stats *stats)
{
	char *copy = strdup(line);
	if (!copy) {
		stats->failed++;
		report(&kc_error_nomem);
		return;
	}
	char *cmd = copy;
	/* After a Ctrl-C the rest of "a; b; c" is not run either. */
	while (cmd && !stats->quit && !kc_interrupt_flag) {
		char *sep = (char *)find_unquoted(cmd, ";");
		if (sep)
			*sep = '\0';
		run_command(session, cmd, stats);
		cmd = sep ? sep + 1 : NULL;
	}
	free(copy);
}

void kc_shell_run_stream(struct kc_session *session, FILE *in,
			 struct kc_shell_stats *stats)
{
	char *line = NULL;
	size_t cap = 0;
	while (!stats->quit && getline(&line, &cap, in) >= 0)
		kc_shell_run_line(session, line, stats);
	free(line);
}

static char *history_path(void)
{
	const char *env = getenv("KCRASH_HISTORY");
	if (env)
		return *env ? strdup(env) : NULL;
	const char *home = getenv("HOME");
	char *path = NULL;
	if (!home || !*home || asprintf(&path, "%s/.kcrash_history", home) < 0)
		return NULL;
	return path;
}

/* Tab completion: command names for the first word, file names after. */
static char *command_generator(const char *text, int state)
{
	static size_t index;
	static size_t len;
	if (!state) {
		index = 0;
		len = strlen(text);
	}
	while (index < kc_nr_commands) {
		const char *name = kc_commands[index++]->name;
		if (strncmp(name, text, len) == 0)
			return strdup(name);
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	/* The first word of a command (after the start or a ';'). */
	int i = start - 1;
	while (i >= 0 && (rl_line_buffer[i] == ' ' || rl_line_buffer[i] == '\t'))
		i--;
	if (i < 0 || rl_line_buffer[i] == ';') {
		rl_attempted_completion_over = 1;
		return rl_completion_matches(text, command_generator);
	}
	return NULL; /* readline's file name completion */
}

/* Ctrl-C: ask the running command to stop; the shell carries on. */
static void on_sigint(int sig)
{
	(void)sig;
	kc_interrupt_flag = 1;
}

/* Ctrl-C at the prompt: drop the typed line and prompt afresh, as a shell does. */
static void drop_typed_line(void)
{
	kc_interrupt_flag = 0;
	rl_replace_line("", 0);
	rl_crlf();
	rl_on_new_line();
	rl_redisplay();
}

/*
 * readline's character source. readline defers the signals it catches and
 * passes them on (to on_sigint) only at its next check, so a Ctrl-C that
 * arrives while it is not inside read() would wait for another key. Here
 * the wait for input is a ppoll() that SIGINT always interrupts (it is
 * blocked everywhere else in this function), and pending signals are
 * handed on before each wait.
 */
static int getc_interruptible(FILE *in)
{
	sigset_t block, orig;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);
	for (;;) {
		rl_check_signals(); /* a pending SIGINT reaches on_sigint here */
		if (kc_interrupt_flag)
			drop_typed_line();
		struct pollfd pfd = {fileno(in), POLLIN, 0};
		int ready = ppoll(&pfd, 1, NULL, &orig);
		if (ready > 0 || (ready < 0 && errno != EINTR))
			break;
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return rl_getc(in);
}

void kc_shell_catch_sigint(struct sigaction *old)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, old);
}

void kc_shell_interactive(struct kc_session *session,
			  struct kc_shell_stats *stats)
{
	struct sigaction old_sigint;
	kc_shell_catch_sigint(&old_sigint);
	char *hist = history_path();
	rl_readline_name = "kcrash";
	rl_getc_function = getc_interruptible;
	rl_attempted_completion_function = complete;
	using_history();
	stifle_history(1000);
	if (hist)
		read_history(hist);
	while (!stats->quit) {
		char *line = readline("kcrash> ");
		if (!line) {
			fputc('\n', stdout);
			break;
		}
		char *trimmed = trim(line);
		if (*trimmed) {
			HIST_ENTRY *last = history_length ?
				history_get(history_base + history_length - 1) : NULL;
			if (!last || strcmp(last->line, trimmed) != 0)
				add_history(trimmed);
			kc_interrupt_flag = 0; /* a Ctrl-C at the prompt is forgotten */
			kc_shell_run_line(session, trimmed, stats);
			kc_interrupt_flag = 0;
		}
		free(line);
	}
	if (hist) {
		write_history(hist);
		free(hist);
	}
	sigaction(SIGINT, &old_sigint, NULL);
}
