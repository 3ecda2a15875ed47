/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the DWARF unit reader of the name index (src/dwarfskim.c). The
 * input is [abbrev length, 2 bytes LE][.debug_str length, 2 bytes LE]
 * [.debug_abbrev][.debug_str][.debug_info]; every unit of .debug_info is
 * read in turn. Each name handed to the index must be a NUL-terminated
 * string inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dwarfskim.h"

static const uint8_t *input;
static size_t input_size;

static void check_name(const char *name)
{
	const uint8_t *p = (const uint8_t *)name;
	if (p < input || p >= input + input_size || !memchr(p, 0, (size_t)(input + input_size - p)))
		abort(); /* a name outside the sections, or without its NUL */
}

static bool contains(void *ctx, unsigned ns, const char *name)
{
	(void)ctx;
	if (ns == 0 || ns > NS_MAX)
		abort();
	check_name(name);
	return name[0] == 'x'; /* some names "seen before", to take both paths */
}

static bool add(void *ctx, unsigned ns, const char *name, uint64_t die_offset,
		uint32_t parent_delta, uint8_t flags)
{
	(void)ctx;
	(void)parent_delta;
	if (ns == 0 || ns > NS_MAX || flags > INDEX_DECLARATION || die_offset >= input_size)
		abort();
	check_name(name);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	size_t abbrev_len = data[0] | (size_t)data[1] << 8, str_len = data[2] | (size_t)data[3] << 8;
	if (4 + abbrev_len + str_len > size)
		return 0;
	/* A copy of exactly the input, so that reads past it are caught. */
	uint8_t *copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	input = copy;
	input_size = size;
	struct kc_skim_sections sections = {
		.abbrev = copy + 4, .abbrev_size = abbrev_len,
		.str = copy + 4 + abbrev_len, .str_size = str_len,
		.info = copy + 4 + abbrev_len + str_len, .info_size = size - 4 - abbrev_len - str_len,
	};
	struct kc_skimmer *skimmer = kc_skimmer_new();
	const struct kc_skim_index index = {NULL, contains, add};
	uint64_t offset = 0;
	for (int unit = 0; skimmer && unit < 16 && offset + 4 <= sections.info_size; unit++) {
		uint64_t error_offset;
		enum kc_skim_result r = kc_skim_unit(skimmer, &sections, offset, &index, &error_offset);
		if (r == KC_SKIM_CORRUPT && error_offset > sections.info_size)
			abort(); /* the error names a place in .debug_info */
		uint64_t length = 0;
		memcpy(&length, sections.info + offset, 4);
		if (length >= 0xfffffff0u)
			break;
		offset += 4 + length;
	}
	kc_skimmer_free(skimmer);
	free(copy);
	return 0;
}
