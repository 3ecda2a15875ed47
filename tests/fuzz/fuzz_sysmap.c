/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the System.map / kallsyms-copy reader (src/sysmap.c). The input is
 * the file; the dump's facts come from the file itself so that each input
 * takes every path: unchecked, link-time, run-time (KASLR subtracted) and
 * another kernel's. Then the table's lookups.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "symtab.h"
#include "sysmap.h"

/* A KASLR offset like a real one (arm64-6.1-4k48's). */
#define FUZZ_KASLR_OFFSET 0x2220c9200000ull

static void use_table(struct kc_symtab *symtab)
{
	if (symtab->nr_symbols == 0 || !symtab->origin || !*symtab->origin)
		abort(); /* a table without symbols or origin must be an error */
	for (size_t i = 0; i < symtab->nr_symbols; i += 1 + symtab->nr_symbols / 64) {
		const struct kc_symbol *sym = &symtab->by_addr[i];
		if (!kc_symtab_lookup(symtab, sym->name))
			abort(); /* every name it holds is found */
		(void)kc_symtab_lookup_addr(symtab, sym->addr);
		(void)kc_symtab_lookup_addr(symtab, sym->addr - 1);
	}
	char buf[16];
	fuzz_drop_error(kc_symtab_read_string(symtab, 0, buf, sizeof(buf)));
	kc_symtab_destroy(symtab);
}

/* Load PATH with the given facts; whether it loaded, and its _stext. */
static bool load(const char *path, uint64_t runtime_stext, bool kaslr_known,
		 uint64_t kaslr_offset, struct kc_symbol *stext_ret)
{
	struct kc_symtab *symtab;
	struct kc_error *err = kc_sysmap_load(path, runtime_stext, kaslr_known,
					      kaslr_offset, &symtab);
	if (err) {
		fuzz_drop_error(err);
		return false;
	}
	const struct kc_symbol *stext = kc_symtab_lookup(symtab, "_stext");
	if (!stext)
		abort(); /* loading requires _stext */
	*stext_ret = *stext;
	use_table(symtab);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_input_path(data, size);
	struct kc_symbol stext, again;
	if (!load(path, 0, false, 0, &stext))
		return 0;
	/* As the link-time map of a kernel whose _stext moved by the offset. */
	if (!load(path, stext.addr + FUZZ_KASLR_OFFSET, true, FUZZ_KASLR_OFFSET, &again) ||
	    again.addr != stext.addr)
		abort();
	/*
	 * As a run-time copy: _stext moves down by the offset (an absolute
	 * _stext, which stays, may leave another one lowest).
	 */
	bool loaded = stext.addr && load(path, stext.addr, true, FUZZ_KASLR_OFFSET, &again);
	if (loaded && stext.type != 'a' && stext.type != 'A' &&
	    again.addr != stext.addr - FUZZ_KASLR_OFFSET)
		abort();
	/* As another kernel's (a run-time _stext of 0 would mean unknown). */
	if (stext.addr + 1 && load(path, stext.addr + 1, true, FUZZ_KASLR_OFFSET, &again))
		abort();
	return 0;
}
