/* SPDX-License-Identifier: MIT */
#ifndef KC_PYPLUGIN_H
#define KC_PYPLUGIN_H

#include "cmds/command.h"

/*
 * Make `py` and -x run scripts through python/kcrash-python.so, loaded on
 * first use (nothing without Python at build time: `py` then says so).
 */
void kc_pyplugin_register(void);

#endif
