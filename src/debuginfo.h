/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/debuginfo.h. */
#ifndef KC_DEBUGINFO_H
#define KC_DEBUGINFO_H

#include <kcrash/debuginfo.h>

#endif
