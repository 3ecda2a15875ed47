/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/printk.h. */
#ifndef KC_PRINTK_H
#define KC_PRINTK_H

#include <kcrash/printk.h>

#endif
