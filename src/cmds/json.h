/* SPDX-License-Identifier: MIT */
/* Small JSON output helpers shared by every --json command. */
#ifndef KC_JSON_H
#define KC_JSON_H

#include <stddef.h>
#include <stdio.h>

/*
 * S (LEN bytes, stopping early at a NUL) as a JSON string. Bytes that are
 * not printable ASCII become \u00XX (the byte as a Latin-1 code point), so
 * the output is valid JSON whatever a corrupt dump holds.
 */
void kc_json_string_n(FILE *out, const char *s, size_t len);
/* A NUL-terminated S as a JSON string (null for NULL). */
void kc_json_string(FILE *out, const char *s);

#endif
