/* SPDX-License-Identifier: MIT */
/* Transitional: forwards to the core header while the split is done. */
#ifndef KCRASH_ERROR_H
#define KCRASH_ERROR_H
#include "../../src/error.h"
#endif
