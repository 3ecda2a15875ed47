// SPDX-License-Identifier: MIT
/*
 * SLUB freelist pointers: decoding and a bounded walk over a read
 * callback (include/kcrash/mm_slub.h). Nothing here reads a session, so
 * the fuzz target and the synthetic tests run it on any memory.
 */
#include <stdlib.h>
#include <string.h>

#include <kcrash/mm_slub.h>

uint64_t kc_slub_freelist_decode(enum kc_slub_freelist_encoding encoding,
				 uint64_t random, uint64_t stored, uint64_t ptr_addr)
{
	switch (encoding) {
	case KC_SLUB_FREELIST_XOR:
		return stored ^ random ^ ptr_addr;
	case KC_SLUB_FREELIST_XOR_SWAB:
		return stored ^ random ^ __builtin_bswap64(ptr_addr);
	case KC_SLUB_FREELIST_PLAIN:
	default:
		return stored;
	}
}

struct kc_error *kc_slub_walk_freelist_read(const struct kc_walk_mem *mem,
					    const struct kc_slub_freelist_params *p,
					    uint64_t head, kc_list_visit_fn visit,
					    void *ctx)
{
	if (!p->size || p->offset > p->size - 8 || p->objects == 0 || p->objects > (1u << 16) ||
	    p->red_left_pad >= p->size)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "slab at 0x%llx: impossible cache geometry (size %llu, offset %llu, "
				       "%u objects, red_left_pad %llu)",
				       (unsigned long long)p->base, (unsigned long long)p->size,
				       (unsigned long long)p->offset, p->objects,
				       (unsigned long long)p->red_left_pad);
	uint8_t *seen = calloc((p->objects + 7) / 8, 1);
	if (!seen)
		return &kc_error_nomem;
	struct kc_error *err = NULL;
	uint64_t first = p->base + p->red_left_pad;
	for (uint64_t obj = head; obj && !err;) {
		if (obj < first || (obj - first) % p->size != 0 ||
		    (obj - first) / p->size >= p->objects) {
			err = kc_error_address(KC_ERR_FORMAT, obj,
					       "slab at 0x%llx: freelist pointer 0x%llx is not one of "
					       "its %u objects", (unsigned long long)p->base,
					       (unsigned long long)obj, p->objects);
			break;
		}
		uint64_t index = (obj - first) / p->size;
		if (seen[index / 8] & (1u << (index % 8))) {
			err = kc_error_address(KC_ERR_FORMAT, obj,
					       "slab at 0x%llx: freelist object 0x%llx repeats (a cycle)",
					       (unsigned long long)p->base, (unsigned long long)obj);
			break;
		}
		seen[index / 8] |= (uint8_t)(1u << (index % 8));
		err = visit(ctx, obj);
		if (err)
			break;
		uint8_t raw[8];
		uint64_t ptr_addr = obj + p->offset;
		err = mem->read(mem->ctx, ptr_addr, raw, sizeof(raw));
		if (err) {
			err = kc_error_prefix(err, "slab at 0x%llx: free pointer of object 0x%llx",
					      (unsigned long long)p->base, (unsigned long long)obj);
			break;
		}
		uint64_t stored = 0;
		for (int i = 0; i < 8; i++)
			stored |= (uint64_t)raw[i] << (8 * i);
		obj = kc_slub_freelist_decode(p->encoding, p->random, stored, ptr_addr);
	}
	free(seen);
	if (err && err->code == KC_ERR_STOP) {
		kc_error_destroy(err);
		err = NULL;
	}
	return err;
}
