/* SPDX-License-Identifier: MIT */
/* Transitional: forwards to the core header while the split is done. */
#ifndef KCRASH_TYPES_H
#define KCRASH_TYPES_H
#include "../../src/types.h"
#endif
