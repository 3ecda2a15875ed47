/* SPDX-License-Identifier: MIT */
/* Transitional: forwards to the core header while the split is done. */
#ifndef KCRASH_PRINTK_H
#define KCRASH_PRINTK_H
#include "../../src/printk.h"
#endif
