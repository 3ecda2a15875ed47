/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/tasks.h. */
#ifndef KC_TASKS_H
#define KC_TASKS_H

#include <kcrash/tasks.h>

/* Free the session's task list (called by kc_session_destroy). */
void kc_tasks_destroy(struct kc_session *session);

#endif
