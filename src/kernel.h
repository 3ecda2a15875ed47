/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/memory.h. */
#ifndef KC_KERNEL_H
#define KC_KERNEL_H

#include <kcrash/memory.h>

#include "dwarf.h"
#include "session.h"

/*
 * The session's DWARF, opened on first use (needs the vmlinux with debug
 * info): source lines, and variables BTF does not describe.
 */
struct kc_error *kc_session_dwarf(struct kc_session *session,
				  struct kc_dwarf **dwarf);

/*
 * Forget remembered failed member lookups: new debuginfo (a module's, after
 * `mod -s`) may now have the type.
 */
void kc_kernel_forget_failures(struct kc_session *session);

/* Free the session's kernel-object state (called by kc_session_destroy). */
void kc_kernel_state_destroy(struct kc_session *session);

#endif
