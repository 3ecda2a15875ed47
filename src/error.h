/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/error.h. */
#ifndef KC_ERROR_H
#define KC_ERROR_H

#include <kcrash/error.h>

#endif
