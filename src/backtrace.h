/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/backtrace.h. */
#ifndef KC_BACKTRACE_H
#define KC_BACKTRACE_H

#include <kcrash/backtrace.h>

#endif
