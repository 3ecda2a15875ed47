/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the kallsyms decoder and scanner (src/kallsyms.c) over arbitrary
 * "kernel memory": the input, mapped at BASE. The scanner searches all of
 * it; the decoder is also run on the tables a 64-byte header names
 * (seven u32 offsets from BASE: num_syms, names, markers, token_table,
 * token_index, offsets, relative_base, then a flags word: bit 0
 * absolute) with the _stext the header's last word gives, so that both
 * the search and every decoding step see hostile bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "kallsyms.h"
#include "vmcore/file.h"

#define BASE 0xffff800010000000ull
#define HEADER 64

struct memory {
	const uint8_t *bytes;
	size_t len;
};

static struct kc_error *read_memory(void *arg, uint64_t addr, void *buf, size_t len)
{
	const struct memory *mem = arg;
	if (addr < BASE || addr - BASE > mem->len || len > mem->len - (addr - BASE))
		return kc_error_address(KC_ERR_NOT_IN_DUMP, addr, "0x%llx: not in the input",
					(unsigned long long)addr);
	memcpy(buf, mem->bytes + (addr - BASE), len);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < HEADER)
		return 0;
	/* An exact-size copy: reads past the end must be caught. */
	uint8_t *copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	struct memory mem = {copy, size};
	struct kc_kallsyms_location loc = {0};
	uint64_t *fields[] = {&loc.num_syms, &loc.names, &loc.markers, &loc.token_table,
			      &loc.token_index, &loc.offsets, &loc.relative_base};
	for (size_t i = 0; i < 7; i++) {
		uint32_t off = kc_get_le32(copy + 4 * i);
		*fields[i] = off ? BASE + off : 0;
	}
	loc.absolute = copy[28] & 1;
	uint64_t stext = BASE + kc_get_le32(copy + 60);
	struct kc_symtab *symtab = NULL;
	struct kc_kallsyms_expect expect = {.stext = stext};
	fuzz_drop_error(kc_kallsyms_decode(read_memory, &mem, &loc, &expect, 0, &symtab));
	kc_symtab_destroy(symtab);
	struct kc_kallsyms_location found;
	struct kc_error *err = kc_kallsyms_locate_scan(read_memory, &mem, BASE, BASE + size, &found);
	if (!err) {
		symtab = NULL;
		/* Without a _stext: it must be in the input, as in the image. */
		struct kc_kallsyms_expect in_image = {.image_start = BASE, .image_end = BASE + size};
		fuzz_drop_error(kc_kallsyms_decode(read_memory, &mem, &found, &in_image, 0, &symtab));
		kc_symtab_destroy(symtab);
	}
	fuzz_drop_error(err);
	free(copy);
	return 0;
}
