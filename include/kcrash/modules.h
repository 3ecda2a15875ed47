/* SPDX-License-Identifier: MIT */
/* Transitional: forwards to the core header while the split is done. */
#ifndef KCRASH_MODULES_H
#define KCRASH_MODULES_H
#include "../../src/modules.h"
#endif
