/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/modules.h. */
#ifndef KC_MODULES_H
#define KC_MODULES_H

#include <kcrash/modules.h>

/* Free the session's module state (called by kc_session_destroy). */
void kc_modules_destroy(struct kc_session *session);

#endif
