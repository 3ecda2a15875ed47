/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/symbols.h. */
#ifndef KC_SYMBOLS_H
#define KC_SYMBOLS_H

#include <kcrash/symbols.h>

#endif
