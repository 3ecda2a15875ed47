/* SPDX-License-Identifier: MIT */
/*
 * py: Python scripts (import kcrash) on the open dump, `prog` bound to it.
 * The interpreter lives in the kcrash binary (python/embed.c), not in this
 * library: kcrash-tests, the fuzzers and the Python module itself link the
 * commands without libpython, and there `py` says so. The binary registers
 * it with kc_cmd_py_set_runner().
 */
#include "command.h"

/* The interpreter the front end registered (python/embed.c's), or NULL. */
static kc_python_runner_fn python_runner;

void kc_cmd_py_set_runner(kc_python_runner_fn runner)
{
	python_runner = runner;
}

static struct kc_error *cmd_py(struct kc_session *session, int argc, char **argv, FILE *out)
{
	if (!python_runner)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "py: this kcrash has no Python (built without python3-dev)");
	return python_runner(session, argc - 1, argv + 1, out);
}

const struct kc_command kc_cmd_py = {
	.name = "py",
	.summary = "run a Python script on the dump (import kcrash; prog is the dump)",
	.usage = "py [FILE [ARG...]]",
	.help = "Runs FILE with Python, sys.argv set to FILE ARG..., and `prog`, a\n"
		"kcrash.Program, bound to the open dump (the kcrash module, drgn-like:\n"
		"prog[\"init_task\"].comm.string_(), kcrash.helpers.for_each_task(prog)...).\n"
		"Without FILE, an interactive Python prompt; Ctrl-D returns to kcrash.\n"
		"A script that raises prints its traceback and the command fails;\n"
		"sys.exit(0) succeeds. kcrash -x FILE runs one in batch.\n",
	.needs_dump = true,
	.run = cmd_py,
};
