/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the arm64 page-table walker (src/arm64/pgtable.h) over fuzzed
 * physical memory. Input: one byte choosing the geometry (granule, VA
 * bits, PA bits), 8 bytes of a virtual address, then the memory itself,
 * which sits at physical address 0 with the root table at its first page.
 * Reads outside the input fail like reads of memory not in the dump.
 */
#include <stdint.h>
#include <stdlib.h>

#include "arm64/pgtable.h"
#include "fuzz_common.h"

struct memory {
	const uint8_t *bytes;
	size_t size;
};

static struct kc_error *read_memory(void *ctx, uint64_t paddr, void *buf,
				    size_t len)
{
	const struct memory *mem = ctx;
	if (paddr > mem->size || len > mem->size - paddr)
		return kc_error_create(KC_ERR_NOT_IN_DUMP,
				       "0x%llx: not in the fuzz memory",
				       (unsigned long long)paddr);
	memcpy(buf, mem->bytes + paddr, len);
	return NULL;
}

/* Every geometry Linux builds: page shift, VA_BITS, actual VA bits, PA bits. */
static const unsigned geometries[][4] = {
	{12, 39, 39, 48}, {12, 48, 48, 48}, {12, 52, 52, 52}, {12, 52, 48, 52},
	{14, 36, 36, 48}, {14, 47, 47, 48}, {14, 48, 48, 48}, {14, 52, 52, 52},
	{14, 52, 47, 52}, {16, 42, 42, 48}, {16, 48, 48, 48}, {16, 52, 52, 52},
	{16, 52, 48, 52}, {12, 42, 42, 48}, {16, 48, 48, 52}, {12, 48, 48, 52},
};

static void walk_one(const struct kc_pgtable_geometry *geo,
		     struct memory *mem, uint64_t vaddr)
{
	struct kc_pgtable_walk walk;
	struct kc_error *err = kc_pgtable_walk(geo, 0, vaddr, read_memory,
					       mem, &walk);
	if (walk.nr_entries > KC_PGTABLE_MAX_LEVELS)
		abort();
	for (unsigned i = 0; i < walk.nr_entries; i++) {
		char flags[256];
		unsigned f = kc_pgtable_desc_flags(geo, walk.entries[i].value,
						   walk.entries[i].level);
		if (kc_pgtable_flags_string(f, flags, sizeof(flags)) >= sizeof(flags))
			abort();
	}
	if (!err && walk.status != KC_PGTABLE_MAPPED)
		abort(); /* success must mean a translation */
	fuzz_drop_error(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const unsigned *g = geometries[data[0] % (sizeof(geometries) / sizeof(geometries[0]))];
	data++;
	size--;
	uint64_t vaddr = fuzz_take_u64(&data, &size);
	struct kc_pgtable_geometry geo;
	struct kc_error *err = kc_pgtable_geometry_init(&geo, 1ull << g[0],
							g[1], g[2], g[3]);
	if (err) {
		fuzz_drop_error(err);
		return 0;
	}
	/* Exact-size copy: ASan catches a walk reading past the memory. */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	struct memory mem = {copy, size};
	walk_one(&geo, &mem, vaddr);
	walk_one(&geo, &mem, vaddr | 0xffff000000000000ull);
	walk_one(&geo, &mem, vaddr & 0x0000ffffffffffffull);
	walk_one(&geo, &mem, kc_pgtable_untag(vaddr));
	free(copy);
	return 0;
}
