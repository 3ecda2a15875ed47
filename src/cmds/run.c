/* SPDX-License-Identifier: MIT */
/* One command line: split into words and run from the command table. */
#include "command.h"

#include <stdlib.h>
#include <string.h>

void kc_free_argv(int argc, char **argv)
{
	if (!argv)
		return;
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

struct kc_error *kc_split_words(const char *line, int *argc_ret,
				char ***argv_ret)
{
	int argc = 0;
	char **argv = calloc(1, sizeof(*argv));
	size_t len = strlen(line);
	char *word = malloc(len + 1);
	if (!argv || !word)
		goto nomem;
	const char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		size_t n = 0;
		char quote = 0;
		while (*p && (quote || (*p != ' ' && *p != '\t' &&
					*p != '\n' && *p != '\r'))) {
			if (quote) {
				if (*p == quote)
					quote = 0;
				else if (*p == '\\' && quote == '"' && p[1])
					word[n++] = *++p;
				else
					word[n++] = *p;
			} else if (*p == '\'' || *p == '"') {
				quote = *p;
			} else if (*p == '\\' && p[1]) {
				word[n++] = *++p;
			} else {
				word[n++] = *p;
			}
			p++;
		}
		if (quote) {
			kc_free_argv(argc, argv);
			free(word);
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "unterminated %c quote", quote);
		}
		char **grown = realloc(argv, (size_t)(argc + 2) * sizeof(*argv));
		if (!grown)
			goto nomem;
		argv = grown;
		argv[argc] = strndup(word, n);
		if (!argv[argc])
			goto nomem;
		argv[++argc] = NULL;
	}
	free(word);
	*argc_ret = argc;
	*argv_ret = argv;
	return NULL;

nomem:
	kc_free_argv(argc, argv);
	free(word);
	return &kc_error_nomem;
}

struct kc_error *kc_session_run_line(struct kc_session *session,
				     const char *line, FILE *out)
{
	int argc;
	char **argv;
	struct kc_error *err = kc_split_words(line, &argc, &argv);
	if (err)
		return err;
	if (argc == 0) {
		kc_free_argv(argc, argv);
		return NULL;
	}
	const struct kc_command *cmd = kc_command_find(argv[0]);
	if (!cmd) {
		err = kc_error_create(KC_ERR_LOOKUP,
				      "%s: command not found (try \"help\")",
				      argv[0]);
	} else if (cmd->needs_dump && !kc_session_dump(session)) {
		err = kc_error_create(KC_ERR_INVALID_ARG,
				      "%s: needs a dump file", cmd->name);
	} else {
		err = cmd->run(session, argc, argv, out);
		if (err && err->code != KC_ERR_STOP)
			err = kc_error_prefix(err, "%s", cmd->name);
	}
	kc_free_argv(argc, argv);
	return err;
}
