/* SPDX-License-Identifier: MIT */
/* Transitional: forwards to the core header while the split is done. */
#ifndef KCRASH_MEMORY_H
#define KCRASH_MEMORY_H
#include "../../src/kernel.h"
#endif
