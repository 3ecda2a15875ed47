/* SPDX-License-Identifier: MIT */
/*
 * Integer expressions as crash's eval and search take them: C's operators
 * with C's precedence and parentheses, plus '#' (power); numbers in
 * decimal when all digits, else hexadecimal (with or without 0x), with an
 * optional k/m/g (KiB, MiB, GiB) suffix; kernel and module symbols stand
 * for their addresses.
 */
#ifndef KC_CMDS_EVAL_H
#define KC_CMDS_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>

/* The value of TEXT; SESSION may be NULL (no symbols). */
struct kc_error *kc_eval_expression(struct kc_session *session, const char *text,
				    uint64_t *value);

/*
 * Whether TEXT is more than one number or symbol (has an operator or
 * parentheses): crash's can_eval, which makes search show "(TEXT)".
 */
bool kc_eval_is_expression(const char *text);

#endif
