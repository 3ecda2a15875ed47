/* SPDX-License-Identifier: MIT */
/*
 * CPython embedded in kcrash (python3-embed), with the kcrash module
 * registered as a built-in (PyImport_AppendInittab). Built as the plugin
 * kcrash-python.so, which the binary loads for the first script
 * (src/pyplugin.c) and whose library calls are the binary's own. Embedding
 * rather than importing the built extension: scripts run with no
 * PYTHONPATH to set up, and `prog` wraps the shell's own open session
 * instead of opening the dump a second time.
 */
#include <Python.h>

#include <stdbool.h>
#include <stdlib.h>

#include "embed.h"
#include "kcrash_python.h"

static bool started;
static PyObject *program;                /* kcrash.Program over program_session */
static struct kc_session *program_session;

/*
 * At exit (after main has closed the session): cut the Program from it,
 * so nothing Python runs during finalization can reach it, then finalize
 * (what the interpreter allocated is freed: LeakSanitizer stays quiet).
 */
static void finish(void)
{
	if (!started)
		return;
	kc_python_program_detach(program);
	Py_CLEAR(program);
	Py_FinalizeEx();
	started = false;
}

static struct kc_error *start(void)
{
	if (started)
		return NULL;
	if (PyImport_AppendInittab("kcrash", PyInit_kcrash) < 0)
		return kc_error_create(KC_ERR_NOMEM, "cannot register the kcrash module");
	PyConfig config;
	PyConfig_InitPythonConfig(&config);
	/* Ctrl-C stays the shell's: it stops the library's loops (KeyboardInterrupt). */
	config.install_signal_handlers = 0;
	config.parse_argv = 0;
	PyStatus status = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (PyStatus_Exception(status))
		return kc_error_create(KC_ERR_UNSUPPORTED, "cannot start Python: %s",
				       status.err_msg ? status.err_msg : "unknown error");
	started = true;
	atexit(finish);
	return NULL;
}

/* The pending Python exception as one line, cleared. */
static struct kc_error *python_error(const char *what)
{
	PyObject *type, *value, *tb;
	PyErr_Fetch(&type, &value, &tb);
	PyObject *text = value ? PyObject_Str(value) : NULL;
	const char *message = text ? PyUnicode_AsUTF8(text) : NULL;
	struct kc_error *err = kc_error_create(KC_ERR_INVALID_ARG, "%s: %s", what,
					       message ? message : "Python error");
	Py_XDECREF(text);
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
	PyErr_Clear();
	return err;
}

struct kc_error *kc_python_run(struct kc_session *session, int argc, char **argv, FILE *out)
{
	struct kc_error *err = start();
	if (err)
		return err;
	if (!program || program_session != session) {
		kc_python_program_detach(program);
		Py_CLEAR(program);
		program = kc_python_program_wrap(session);
		if (!program)
			return python_error("kcrash.Program");
		program_session = session;
	}
	/* Python's stdout is its own buffer on fd 1: C's output goes out first. */
	fflush(stdout);
	fflush(out);
	PyObject *module = PyImport_ImportModule("kcrash");
	if (!module)
		return python_error("import kcrash");
	PyObject *args = PyList_New(0);
	for (int i = 0; args && i < argc; i++) {
		PyObject *arg = PyUnicode_DecodeFSDefault(argv[i]);
		if (!arg || PyList_Append(args, arg) < 0) {
			Py_XDECREF(arg);
			Py_CLEAR(args);
		}
		Py_XDECREF(arg);
	}
	int fd = out == stdout ? -1 : fileno(out);
	PyObject *result = NULL;
	if (args)
		result = PyObject_CallMethod(module, "_shell_run", "OOi", program, args, fd);
	Py_XDECREF(args);
	Py_DECREF(module);
	if (!result)
		return python_error(argc ? argv[0] : "interactive");
	if (result != Py_None) {
		const char *message = PyUnicode_Check(result) ? PyUnicode_AsUTF8(result) : NULL;
		err = kc_error_create(KC_ERR_INVALID_ARG, "%s: %s", argc ? argv[0] : "prompt",
				      message ? message : "failed");
		PyErr_Clear();
	}
	Py_DECREF(result);
	return err;
}
