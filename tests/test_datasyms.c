/* SPDX-License-Identifier: MIT */
/*
 * Data symbols found in the dump (src/datasyms.c) on the real fixtures.
 * Their vmlinux symbol tables have every data symbol, so a session that
 * keeps only what kallsyms without CONFIG_KALLSYMS_ALL would list must
 * find each one at exactly the symbol table's address, and the commands
 * must print exactly what they print with the full symbol table.
 */
#include <stdlib.h>
#include <string.h>

#include "datasyms.h"
#include "harness.h"
#include "kernel.h"
#include "session.h"
#include "symtab.h"

/* The kdump-compressed dump each fixture has. */
static const char *const dump_files[] = {
	"vmcore.kdump-zlib", "vmcore.kdump-zlib", "vmcore.kdump-zlib", "vmcore.kdump-zlib",
};

static struct kc_session *open_kallsyms_like(const char *fixture, const char *dump_file)
{
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, dump_file);
	if (!vmlinux || !dump)
		return NULL;
	struct kc_session_options opts = {
		.vmlinux_path = vmlinux, .dump_paths = &dump, .nr_dump_paths = 1,
		.kallsyms_like_symbols = true};
	struct kc_session *session;
	struct kc_error *err = kc_session_open(&opts, &session);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "%s/%s: %s", fixture, dump_file,
			     kc_error_message(err));
		kc_error_destroy(err);
		return NULL;
	}
	return session;
}

/* The symbols the fixture kernels have (no BTF, no SDEI, no NUMA). */
static bool fixture_has(const char *name)
{
	return strcmp(name, "btf_modules") != 0 && strcmp(name, "__start_BTF") != 0 &&
	       strcmp(name, "__stop_BTF") != 0;
}

KC_TEST(datasyms_match_symtab_every_fixture)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *full = kc_test_open_session(fixture, dump_files[f]);
		struct kc_session *bare = open_kallsyms_like(fixture, dump_files[f]);
		if (!full || !bare) {
			kc_session_destroy(full);
			kc_session_destroy(bare);
			return;
		}
		CHECK(kc_symtab_lookup(bare->symtab, "init_task") == NULL);
		CHECK(kc_symtab_lookup(bare->symtab, "show_state_filter") != NULL);
		uint64_t kaslr = full->mmu->layout.kaslr_offset.value;
		for (size_t i = 0; i < kc_datasym_nr_names; i++) {
			const char *name = kc_datasym_names[i];
			const struct kc_symbol *truth = kc_symtab_lookup(full->symtab, name);
			const struct kc_datasym *found;
			struct kc_error *err = kc_datasym_find(bare, name, &found);
			if (!truth || !fixture_has(name)) {
				CHECK_MSG(err != NULL, "%s: %s found at 0x%llx, but the kernel has none",
					  fixture, name, err ? 0ull : (unsigned long long)found->addr);
				if (getenv("KC_TEST_VERBOSE") && err)
					printf("  %s %s: %s\n", fixture, name, kc_error_message(err));
				kc_error_destroy(err);
				continue;
			}
			if (err) {
				kc_test_fail(__FILE__, __LINE__, "%s: %s", fixture,
					     kc_error_message(err));
				kc_error_destroy(err);
				continue;
			}
			CHECK_MSG(found->addr == truth->addr + kaslr,
				  "%s: %s at 0x%llx, the symbol table says 0x%llx (%s)", fixture,
				  name, (unsigned long long)found->addr,
				  (unsigned long long)(truth->addr + kaslr), found->provenance);
			if (found->size && truth->size)
				CHECK_MSG(found->size == truth->size,
					  "%s: %s is %llu bytes, the symbol table says %llu", fixture,
					  name, (unsigned long long)found->size,
					  (unsigned long long)truth->size);
			if (getenv("KC_TEST_VERBOSE"))
				printf("  %s %s: %.3f ms %s\n", fixture, name, found->seconds * 1e3,
				       found->provenance);
		}
		kc_session_destroy(full);
		kc_session_destroy(bare);
	}
}
