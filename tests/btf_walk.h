/* SPDX-License-Identifier: MIT */
/*
 * Touch every fact of every type of a BTF blob through kcrash's type
 * interface: what the damaged-BTF test and the BTF fuzzer do to untrusted
 * BTF. Returns the number of types visited.
 */
#ifndef KC_TEST_BTF_WALK_H
#define KC_TEST_BTF_WALK_H

#include <stdio.h>

#include "btf.h"
#include "typefmt.h"

static inline void kc_btf_walk_drop(struct kc_error *err)
{
	kc_error_destroy(err);
}

static inline size_t kc_btf_walk_all(const struct kc_btf *btf, FILE *sink)
{
	size_t visited = 0, nr = kc_btf_nr_types(btf);
	uint8_t zeros[256] = {0};
	for (uint32_t id = 1; id <= nr && id < 200000; id++) {
		struct kc_type type, target;
		struct kc_error *err = kc_btf_type_by_id(btf, id, &type);
		if (err) {
			kc_btf_walk_drop(err);
			continue;
		}
		visited++;
		uint64_t size;
		(void)kc_type_kind(&type);
		(void)kc_type_name(&type);
		(void)kc_type_is_signed(&type);
		kc_btf_walk_drop(kc_type_size(&type, &size));
		if (kc_type_kind(&type) != KC_TYPE_VOID)
			kc_btf_walk_drop(kc_type_target(&type, &target));
		struct kc_member_iter members;
		struct kc_member m;
		bool done = false;
		kc_member_iter_init(&members, &type);
		for (int i = 0; i < 4096 && !done; i++) {
			struct kc_error *err = kc_member_iter_next(&members, &m, &done);
			if (err) {
				kc_btf_walk_drop(err);
				break;
			}
		}
		struct kc_enumerator_iter enums;
		const char *name;
		int64_t value;
		done = false;
		kc_enumerator_iter_init(&enums, &type);
		for (int i = 0; i < 4096 && !done; i++) {
			struct kc_error *err = kc_enumerator_iter_next(&enums, &name,
								       &value, &done);
			if (err) {
				kc_btf_walk_drop(err);
				break;
			}
		}
		kc_btf_walk_drop(kc_typefmt_declaration(sink, &type, "x"));
		kc_btf_walk_drop(kc_typefmt_definition(sink, &type, KC_TYPEFMT_OFFSETS));
		err = kc_type_size(&type, &size);
		if (!err && size <= sizeof(zeros))
			kc_btf_walk_drop(kc_typefmt_value(sink, &type, zeros, sizeof(zeros)));
		kc_btf_walk_drop(err);
	}
	return visited;
}

#endif
