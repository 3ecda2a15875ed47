/* SPDX-License-Identifier: MIT */
/*
 * The Python interpreter behind the shell's `py` command and `kcrash -x
 * FILE`: kc_python_run is what the kcrash-python.so plugin exports, and
 * src/pyplugin.c registers it as src/cmds/py.c's runner once loaded.
 */
#ifndef KC_PYTHON_EMBED_H
#define KC_PYTHON_EMBED_H

#include <stdio.h>

#include <kcrash/error.h>
#include <kcrash/session.h>

/*
 * ARGV[0] (ARGC >= 1): run that script with sys.argv = ARGV and `prog`
 * bound to SESSION; ARGC 0: an interactive prompt (code.interact) until
 * Ctrl-D. The script's output goes to OUT. A script that raises prints its
 * traceback on stderr and returns an error (one line naming the
 * exception); sys.exit(0) is success. Python is started on first use and
 * finalized when kcrash exits.
 */
struct kc_error *kc_python_run(struct kc_session *session, int argc, char **argv, FILE *out);

#endif
