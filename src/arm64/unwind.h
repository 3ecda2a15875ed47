/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/arm64/unwind.h. */
#ifndef KC_ARM64_UNWIND_H
#define KC_ARM64_UNWIND_H

#include <kcrash/arm64/unwind.h>

#endif
