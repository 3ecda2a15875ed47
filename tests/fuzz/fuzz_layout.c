/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the arm64 memory layout and MMU set-up from VMCOREINFO (the text a
 * dump carries, so untrusted): the input is the VMCOREINFO, parsed and
 * handed to kc_arm64_mmu_create with a real dump (arm64-6.1-4k48
 * kdump-zstd) and, every other time, its real vmlinux symbols; then a few
 * translations through whatever layout came out.
 */
#include <stdint.h>
#include <stdlib.h>

#include "arm64/mmu.h"
#include "fuzz_common.h"
#include "symtab.h"
#include "vmcore/dump.h"
#include "vmcoreinfo.h"

#ifndef KC_FUZZ_FIXTURES
#define KC_FUZZ_FIXTURES "/work/shared/fixtures"
#endif

static struct kc_dump *dump;
static struct kc_symtab *symtab;

static void open_fixture(void)
{
	const char *fixtures = getenv("KCRASH_FIXTURES");
	if (!fixtures || !*fixtures)
		fixtures = KC_FUZZ_FIXTURES;
	char path[4096];
	snprintf(path, sizeof(path), "%s/arm64-6.1-4k48/vmcore.kdump-zstd", fixtures);
	struct kc_error *err = kc_dump_open(path, NULL, &dump);
	if (!err) {
		snprintf(path, sizeof(path), "%s/arm64-6.1-4k48/vmlinux", fixtures);
		err = kc_symtab_load(path, &symtab);
	}
	if (err) {
		fprintf(stderr, "fuzz-layout: %s\n", kc_error_message(err));
		exit(1);
	}
}

static void translate_some(struct kc_arm64_mmu *mmu)
{
	uint64_t addrs[6] = {
		mmu->swapper_pg_dir, mmu->layout.kimage_vaddr.value,
		mmu->layout.page_offset.value, mmu->layout.vmalloc_start.value,
		mmu->layout.modules_vaddr.value, 0xffff800008000000ull,
	};
	for (size_t i = 0; i < 6; i++) {
		uint64_t paddr, vaddr, value;
		struct kc_error *err = kc_arm64_kvtop(mmu, addrs[i], &paddr);
		if (!err)
			err = kc_arm64_ptov(mmu, paddr, &vaddr);
		fuzz_drop_error(err);
		fuzz_drop_error(kc_arm64_read_u64(mmu, addrs[i] + 8, &value));
		struct kc_pgtable_walk walk;
		fuzz_drop_error(kc_arm64_walk(mmu, false, 0, addrs[i], &walk));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned count;
	if (!dump)
		open_fixture();
	struct kc_vmcoreinfo *info;
	struct kc_error *err = kc_vmcoreinfo_parse((const char *)data, size, &info);
	if (err) {
		fuzz_drop_error(err);
		return 0;
	}
	struct kc_arm64_mmu *mmu;
	err = kc_arm64_mmu_create(dump, info, count++ % 2 ? symtab : NULL, &mmu);
	if (err) {
		fuzz_drop_error(err);
	} else {
		translate_some(mmu);
		kc_arm64_mmu_destroy(mmu);
	}
	kc_vmcoreinfo_destroy(info);
	return 0;
}
