/* SPDX-License-Identifier: MIT */
/* Helpers shared by src/mm/: reads of members and globals, sized. */
#ifndef KC_MM_INTERNAL_H
#define KC_MM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/kcrash.h>
#include <kcrash/mm.h>

/* offsetof(TYPE, MEMBER) from the session's types. */
struct kc_error *kc_mm_offset(struct kc_session *session, const char *type,
			      const char *member, uint64_t *offset);
/* offsetof, or UINT64_MAX when TYPE has no MEMBER. */
uint64_t kc_mm_offset_or_none(struct kc_session *session, const char *type,
			      const char *member);
/* The length of the array MEMBER of TYPE. */
struct kc_error *kc_mm_member_array_length(struct kc_session *session, const char *type,
					   const char *member, uint64_t *length);
/* A little-endian unsigned integer of SIZE (1, 2, 4, 8) bytes at ADDR. */
struct kc_error *kc_mm_read_uint(struct kc_session *session, uint64_t addr,
				 unsigned size, uint64_t *value);
/* The same from a buffer. */
uint64_t kc_mm_get_uint(const uint8_t *buf, unsigned size);
/*
 * A kernel global's address: the symbol source, VMCOREINFO, or the data
 * symbols found in the dump (kc_session_symbol).
 */
struct kc_error *kc_mm_global(struct kc_session *session, const char *name,
			      uint64_t *addr);
/* The number of elements of global array NAME: its type, else its symbol size / ELEMENT_SIZE. */
struct kc_error *kc_mm_global_array_length(struct kc_session *session, const char *name,
					   uint64_t element_size, uint64_t *length);
/* The enumerator NAME's value, or FALLBACK when the types lack it. */
int64_t kc_mm_enum_or(struct kc_session *session, const char *name, int64_t fallback);
/* Whether ERR is NULL; a non-NULL ERR is destroyed (for reads that may fail). */
static inline bool kc_mm_ok(struct kc_error *err)
{
	if (!err)
		return true;
	kc_error_destroy(err);
	return false;
}
/* A 32-bit global's value. */
struct kc_error *kc_mm_read_global_u32(struct kc_session *session, const char *name,
				       uint64_t *value);
/* The layout (for classifying addresses); NULL when the session has no MMU. */
const struct kc_arm64_layout *kc_mm_layout(struct kc_session *session);

#endif
