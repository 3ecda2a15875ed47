/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/vmcoreinfo.h. */
#ifndef KC_VMCOREINFO_H
#define KC_VMCOREINFO_H

#include <kcrash/vmcoreinfo.h>

#endif
