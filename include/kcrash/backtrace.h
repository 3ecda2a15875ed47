/* SPDX-License-Identifier: MIT */
/* Transitional: forwards to the core header while the split is done. */
#ifndef KCRASH_BACKTRACE_H
#define KCRASH_BACKTRACE_H
#include "../../src/backtrace.h"
#endif
