/* SPDX-License-Identifier: MIT */
/*
 * alias: crash's command aliases (cmdline.c cmd_alias, list_aliases,
 * allocate_alias). Built in: man and ? for help, px and pd for p -x and
 * p -d, for for foreach, dmesg for log, lsmod for mod (crash's own whose
 * commands kcrash has). `alias NAME COMMAND [ARGS]` adds one for the rest
 * of the process, `alias NAME ""` removes it. The shell expands the first
 * word of each command line (kc_alias_expand).
 */
#include "command.h"
#include "alias.h"
#include "json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct alias {
	char *name;
	char *text;       /* the command and arguments it stands for */
	bool builtin;
	struct alias *next;
};

static struct alias builtins[] = {
	{"man", "help", true, &builtins[1]},
	{"?", "help", true, &builtins[2]},
	{"px", "p -x", true, &builtins[3]},
	{"pd", "p -d", true, &builtins[4]},
	{"for", "foreach", true, &builtins[5]},
	{"dmesg", "log", true, &builtins[6]},
	{"lsmod", "mod", true, NULL},
};

/* The list: built-in ones first, then those added, in order. */
static struct alias *alias_list = &builtins[0];

static struct alias *find(const char *name, struct alias ***link)
{
	struct alias **l = &alias_list;
	for (struct alias *a = alias_list; a; l = &a->next, a = a->next) {
		if (!strcmp(a->name, name)) {
			if (link)
				*link = l;
			return a;
		}
	}
	return NULL;
}

char *kc_alias_expand(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	size_t len = strcspn(line, " \t");
	if (!len)
		return NULL;
	char name[128];
	if (len >= sizeof(name))
		return NULL;
	memcpy(name, line, len);
	name[len] = '\0';
	/* A command's own name is never an alias (and cannot be made one). */
	if (kc_command_find(name))
		return NULL;
	const struct alias *a = find(name, NULL);
	if (!a)
		return NULL;
	char *expanded = NULL;
	if (asprintf(&expanded, "%s%s", a->text, line + len) < 0)
		return NULL;
	return expanded;
}

/* The alias's words, as crash splits them (blanks between, none kept). */
static const char *next_word(const char *p, size_t *len)
{
	while (*p == ' ' || *p == '\t')
		p++;
	*len = strcspn(p, " \t");
	return *len ? p : NULL;
}

/* alias --json: [{origin, alias, command (the words joined by a space), words}]. */
static void list_json(const char *name, FILE *out)
{
	fputc('[', out);
	bool first = true;
	for (const struct alias *a = alias_list; a; a = a->next) {
		if (name && strcmp(name, a->name))
			continue;
		fprintf(out, "%s\n  {\"origin\": \"%s\", \"alias\": ", first ? "" : ",",
			a->builtin ? "builtin" : "runtime");
		kc_json_string(out, a->name);
		first = false;
		/* The command: the words joined by single spaces (the text's, less its trailing one). */
		size_t len = strlen(a->text) + 1, n, used = 0;
		char *command = malloc(len);
		if (command) {
			command[0] = '\0';
			for (const char *w = next_word(a->text, &n); w; w = next_word(w + n, &n)) {
				used += (size_t)snprintf(command + used, len - used, "%s%.*s", used ? " " : "",
							 (int)n, w);
			}
		}
		fputs(", \"command\": ", out);
		kc_json_string(out, command ? command : a->text);
		free(command);
		fputs(", \"words\": [", out);
		bool first_word = true;
		for (const char *w = next_word(a->text, &n); w; w = next_word(w + n, &n)) {
			fputs(first_word ? "" : ", ", out);
			kc_json_string_n(out, w, n);
			first_word = false;
		}
		fputs("]}", out);
	}
	fputs(first ? "]\n" : "\n]\n", out);
}

static void list(const char *name, bool json, FILE *out)
{
	if (json) {
		list_json(name, out);
		return;
	}
	fprintf(out, "ORIGIN   ALIAS    COMMAND\n");
	bool found = false;
	for (const struct alias *a = alias_list; a; a = a->next) {
		if (name && strcmp(name, a->name))
			continue;
		found = true;
		fprintf(out, "%s  %-7s  ", a->builtin ? "builtin" : "runtime", a->name);
		/* crash prints each argument followed by a space. */
		const char *p = a->text;
		while (*p) {
			size_t n = strcspn(p, " \t");
			fprintf(out, "%.*s ", (int)n, p);
			p += n;
			while (*p == ' ' || *p == '\t')
				p++;
		}
		fputc('\n', out);
	}
	if (name && !found)
		fprintf(out, "alias does not exist: %s\n", name);
}

static void remove_alias(struct alias *a, struct alias **link)
{
	*link = a->next;
	if (!a->builtin) {
		free(a->name);
		free(a->text);
		free(a);
	} else {
		a->next = NULL; /* a static entry: just unlinked */
	}
}

static struct kc_error *cmd_alias(struct kc_session *session, int argc, char **argv, FILE *out)
{
	(void)session;
	/*
	 * --json before NAME, or right after it when nothing follows (no
	 * command is named --json): the words of a definition are its own.
	 */
	bool json = false;
	if (argc > 1 && !strcmp(argv[1], "--json")) {
		json = true;
		argv++;
		argc--;
	} else if (argc == 3 && !strcmp(argv[2], "--json")) {
		json = true;
		argc--;
	}
	if (argc == 1) {
		list(NULL, json, out);
		return NULL;
	}
	const char *name = argv[1];
	if (argc == 2) {
		list(name, json, out);
		return NULL;
	}
	if (kc_command_find(name))
		return kc_error_create(KC_ERR_INVALID_ARG, "cannot alias existing command name: %s", name);
	/* The words after NAME (one quoted string is split as crash does). */
	size_t len = 1;
	for (int i = 2; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *text = malloc(len);
	if (!text)
		return &kc_error_nomem;
	text[0] = '\0';
	for (int i = 2; i < argc; i++) {
		if (i > 2)
			strcat(text, " ");
		strcat(text, argv[i]);
	}
	char *start = text;
	while (*start == ' ' || *start == '\t')
		start++;
	struct alias **link;
	struct alias *old = find(name, &link);
	if (!*start) {
		free(text);
		if (!old)
			return kc_error_create(KC_ERR_LOOKUP, "alias does not exist: %s", name);
		remove_alias(old, link);
		if (json)
			list(name, true, out); /* [] now */
		else
			fprintf(out, "alias deleted: %s\n", name);
		return NULL;
	}
	char command[128];
	size_t clen = strcspn(start, " \t");
	snprintf(command, sizeof(command), "%.*s", (int)(clen < sizeof(command) ? clen : sizeof(command) - 1),
		 start);
	if (!kc_command_find(command)) {
		free(text);
		return kc_error_create(KC_ERR_LOOKUP, "invalid alias attempt on non-existent command: %s",
				       command);
	}
	struct alias *a = calloc(1, sizeof(*a));
	char *copy = a ? strdup(name) : NULL;
	char *body = copy ? strdup(start) : NULL;
	free(text);
	if (!body) {
		free(a);
		free(copy);
		return &kc_error_nomem;
	}
	if (old)
		remove_alias(old, link);
	a->name = copy;
	a->text = body;
	struct alias **tail = &alias_list;
	while (*tail)
		tail = &(*tail)->next;
	*tail = a;
	list(name, json, out);
	return NULL;
}

const struct kc_command kc_cmd_alias = {
	.name = "alias",
	.summary = "show or define command aliases",
	.usage = "alias [--json] [NAME [COMMAND [ARGS...]]]",
	.help =
		"Without arguments, lists the aliases as crash does:\n"
		"  ORIGIN   ALIAS    COMMAND\n"
		"  builtin  man      help\n"
		"With NAME, shows that alias; with a COMMAND (and arguments), makes NAME\n"
		"stand for it for the rest of the session: `alias kt foreach kernel bt`,\n"
		"then `kt -s`. `alias NAME \"\"` removes it. The first word of each\n"
		"command line is expanded; a command's own name cannot be an alias.\n"
		"Built in (crash's that kcrash has the commands of): man and ? (help),\n"
		"px (p -x), pd (p -d), for (foreach), dmesg (log), lsmod (mod).\n"
		"  --json  (before NAME, or alone after it) the aliases listed, shown\n"
		"          or just defined as an array of objects: origin (builtin or\n"
		"          runtime), alias, command (its words joined by a space),\n"
		"          words; [] when NAME is not (or no longer) an alias\n",
	.needs_dump = false,
	.run = cmd_alias,
};
