/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/datasyms.h. */
#ifndef KC_DATASYMS_H
#define KC_DATASYMS_H

#include <kcrash/datasyms.h>

/* Free the session's remembered symbols (called by kc_session_destroy). */
void kc_datasyms_destroy(struct kc_session *session);

#endif
