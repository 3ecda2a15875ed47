/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/sysinfo.h. */
#ifndef KC_SYSINFO_H
#define KC_SYSINFO_H

#include <kcrash/sysinfo.h>

#endif
