/* SPDX-License-Identifier: MIT */
/* Transitional: forwards to the core header while the split is done. */
#ifndef KCRASH_SYMBOLS_H
#define KCRASH_SYMBOLS_H
#include "../../src/symbols.h"
#endif
