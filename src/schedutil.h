/* SPDX-License-Identifier: MIT */
/*
 * What sched.c, irq.c, timer.c and net.c share: member offsets and reads
 * by name, and data symbols found in a function's code when the symbol
 * source lacks them (a kernel without CONFIG_KALLSYMS_ALL).
 */
#ifndef KC_SCHEDUTIL_H
#define KC_SCHEDUTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>

/* offsetof(TYPE, MEMBER) from the session's types. */
struct kc_error *kc_su_offset(struct kc_session *session, const char *type,
			      const char *member, uint64_t *offset);
/* The integer or pointer MEMBER of the TYPE object at OBJ (kc_kernel_read_member). */
struct kc_error *kc_su_read(struct kc_session *session, uint64_t obj, const char *type,
			    const char *member, uint64_t *value);
/* A malloc'd copy of the error's message (for the parts' error strings); consumes ERR. */
char *kc_su_message(struct kc_error *err);
/* Append "; MESSAGE" to *TEXT (malloc'd), consuming ERR. */
void kc_su_note(char **text, struct kc_error *err);

/*
 * Called with each address FUNCTION's code materializes (adrp+add, or
 * adrp+ldr/str: LOADED); returns true to take it.
 */
typedef bool (*kc_su_accept_fn)(struct kc_session *session, uint64_t addr, bool loaded,
				unsigned access_sizes, void *ctx);
/*
 * The one address the code of one of FUNCTIONS (NULL-terminated) refers to
 * that ACCEPT takes; two different accepted addresses are an error, none
 * is KC_ERR_LOOKUP. *HOW gets "from FUNCTION+0xOFF" (malloc'd).
 */
struct kc_error *kc_su_code_ref(struct kc_session *session, const char *const *functions,
				kc_su_accept_fn accept, void *ctx, uint64_t *addr, char **how);

#endif
