/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/arm64/layout.h. */
#ifndef KC_ARM64_LAYOUT_H
#define KC_ARM64_LAYOUT_H

#include <kcrash/arm64/layout.h>

#endif
