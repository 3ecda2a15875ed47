/* SPDX-License-Identifier: MIT */
#include "command.h"

static struct kc_error *cmd_quit(struct kc_session *session, int argc,
				 char **argv, FILE *out)
{
	(void)session;
	(void)argc;
	(void)argv;
	(void)out;
	return kc_error_create(KC_ERR_STOP, "quit");
}

static const char *const quit_aliases[] = {"q", "exit", NULL};

const struct kc_command kc_cmd_quit = {
	.name = "quit",
	.aliases = quit_aliases,
	.summary = "leave kcrash",
	.usage = "quit",
	.help = "Ends the session (also \"q\" and \"exit\"). In batch mode the\n"
		"commands after it are not run.\n",
	.run = cmd_quit,
};
