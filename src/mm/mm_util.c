// SPDX-License-Identifier: MIT
/* Helpers shared by src/mm/ (mm_internal.h). */
#include "mm_internal.h"

#include <string.h>

struct kc_error *kc_mm_offset(struct kc_session *session, const char *type,
			      const char *member, uint64_t *offset)
{
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_member(session, type, member, &m);
	if (err)
		return err;
	*offset = m->offset;
	return NULL;
}

uint64_t kc_mm_offset_or_none(struct kc_session *session, const char *type,
			      const char *member)
{
	if (!kc_kernel_has_member(session, type, member))
		return UINT64_MAX;
	uint64_t offset;
	struct kc_error *err = kc_mm_offset(session, type, member, &offset);
	if (err) {
		kc_error_destroy(err);
		return UINT64_MAX;
	}
	return offset;
}

struct kc_error *kc_mm_member_array_length(struct kc_session *session, const char *type,
					   const char *member, uint64_t *length)
{
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_member(session, type, member, &m);
	if (err)
		return err;
	struct kc_type array = kc_type_strip(&m->type), element;
	bool complete;
	if (kc_type_kind(&array) != KC_TYPE_ARRAY)
		return kc_error_create(KC_ERR_FORMAT, "%s.%s is not an array", type, member);
	err = kc_type_array(&array, &element, length, &complete);
	if (!err && !complete)
		return kc_error_create(KC_ERR_FORMAT, "%s.%s has no length", type, member);
	return err;
}

uint64_t kc_mm_get_uint(const uint8_t *buf, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size && i < 8; i++)
		v |= (uint64_t)buf[i] << (8 * i);
	return v;
}

struct kc_error *kc_mm_read_uint(struct kc_session *session, uint64_t addr,
				 unsigned size, uint64_t *value)
{
	uint8_t buf[8];
	if (size == 0 || size > 8)
		return kc_error_create(KC_ERR_INVALID_ARG, "read of %u bytes at 0x%llx",
				       size, (unsigned long long)addr);
	struct kc_error *err = kc_kernel_read(session, addr, buf, size);
	if (err)
		return err;
	*value = kc_mm_get_uint(buf, size);
	return NULL;
}

struct kc_error *kc_mm_global(struct kc_session *session, const char *name,
			      uint64_t *addr)
{
	return kc_session_symbol(session, name, addr);
}

struct kc_error *kc_mm_global_array_length(struct kc_session *session, const char *name,
					   uint64_t element_size, uint64_t *length)
{
	struct kc_variable var;
	struct kc_error *err = kc_kernel_variable(session, name, &var);
	if (!err) {
		struct kc_type array = kc_type_strip(&var.type), element;
		bool complete;
		if (kc_type_kind(&array) == KC_TYPE_ARRAY &&
		    kc_mm_ok(kc_type_array(&array, &element, length, &complete)) && complete)
			return NULL;
	}
	kc_error_destroy(err);
	uint64_t addr, size;
	err = kc_kernel_symbol_sized(session, name, &addr, &size);
	if (err)
		return err;
	if (!size || !element_size)
		return kc_error_create(KC_ERR_LOOKUP,
				       "the length of %s is known neither from its type nor its symbol",
				       name);
	*length = size / element_size;
	return NULL;
}

int64_t kc_mm_enum_or(struct kc_session *session, const char *name, int64_t fallback)
{
	int64_t value;
	struct kc_error *err = kc_kernel_enumerator(session, name, &value, NULL);
	if (err) {
		kc_error_destroy(err);
		return fallback;
	}
	return value;
}

const struct kc_arm64_layout *kc_mm_layout(struct kc_session *session)
{
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err) {
		kc_error_destroy(err);
		return NULL;
	}
	return kc_arm64_mmu_layout(mmu);
}
