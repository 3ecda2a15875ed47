/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/arm64/pgtable.h. */
#ifndef KC_ARM64_PGTABLE_H
#define KC_ARM64_PGTABLE_H

#include <kcrash/arm64/pgtable.h>

#endif
