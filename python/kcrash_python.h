/* SPDX-License-Identifier: MIT */
/*
 * What the kcrash binary's embedded interpreter (embed.c) needs of the
 * module (kcrashmodule.c) beyond PyInit_kcrash: a Program over the
 * shell's own session.
 */
#ifndef KC_PYTHON_H
#define KC_PYTHON_H

#include <Python.h>

#include <kcrash/session.h>

PyMODINIT_FUNC PyInit_kcrash(void);

/* A kcrash.Program over SESSION, which it does not own (nor close). */
PyObject *kc_python_program_wrap(struct kc_session *session);
/* Cut PROG from its session: later use raises ValueError, not a use after free. */
void kc_python_program_detach(PyObject *prog);

#endif
