/* SPDX-License-Identifier: MIT */
/* Transitional: forwards to the core header while the split is done. */
#ifndef KCRASH_TASKS_H
#define KCRASH_TASKS_H
#include "../../src/tasks.h"
#endif
