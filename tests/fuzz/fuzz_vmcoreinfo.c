/* SPDX-License-Identifier: MIT */
/* Fuzz the VMCOREINFO parser and its typed getters. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "vmcoreinfo.h"

static const char *const keys[] = {
	"OSRELEASE", "PAGESIZE", "KERNELOFFSET", "NUMBER(VA_BITS)",
	"NUMBER(KERNELPACMASK)", "SYMBOL(swapper_pg_dir)", "NUMBER(PAGE_OFFSET)",
	"SIZE(page)", "OFFSET(page.flags)", "LENGTH(mem_section)", "CRASHTIME",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: the parser must not read past LEN. */
	char *text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	struct kc_vmcoreinfo *info;
	struct kc_error *err = kc_vmcoreinfo_parse(text, size, &info);
	if (err) {
		fuzz_drop_error(err);
		free(text);
		return 0;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		uint64_t value;
		(void)kc_vmcoreinfo_get(info, keys[i]);
		fuzz_drop_error(kc_vmcoreinfo_u64(info, keys[i], &value));
	}
	for (size_t i = 0; i < info->nr_entries; i++) {
		uint64_t value;
		fuzz_drop_error(kc_vmcoreinfo_u64(info, info->entries[i].key,
						  &value));
	}
	int64_t number;
	uint64_t value;
	fuzz_drop_error(kc_vmcoreinfo_number(info, "VA_BITS", &number));
	fuzz_drop_error(kc_vmcoreinfo_symbol(info, "_stext", &value));
	fuzz_drop_error(kc_vmcoreinfo_offset(info, "page.flags", &value));
	fuzz_drop_error(kc_vmcoreinfo_size(info, "page", &value));
	kc_vmcoreinfo_destroy(info);
	free(text);
	return 0;
}
