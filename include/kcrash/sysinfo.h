/* SPDX-License-Identifier: MIT */
/* Transitional: forwards to the core header while the split is done. */
#ifndef KCRASH_SYSINFO_H
#define KCRASH_SYSINFO_H
#include "../../src/sysinfo.h"
#endif
