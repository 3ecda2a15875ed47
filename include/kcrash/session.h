/* SPDX-License-Identifier: MIT */
/* Transitional: forwards to the core header while the split is done. */
#ifndef KCRASH_SESSION_H
#define KCRASH_SESSION_H
#include "../../src/session.h"
#endif
