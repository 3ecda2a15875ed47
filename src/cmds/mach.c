/* SPDX-License-Identifier: MIT */
/*
 * mach: machine data, as crash's mach prints it (the lines kcrash knows),
 * and with -l the whole arm64 address-space layout with where each value
 * came from (exported by VMCOREINFO, derived by which formula, from a
 * symbol, or searched in the dump).
 */
#include "command.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/arm64/mmu.h>

static void line(FILE *out, const char *label, const struct kc_arm64_value *value)
{
	if (value->known)
		fprintf(out, "%19s: %016llx\n", label, (unsigned long long)value->value);
}

static struct kc_error *print_layout(const struct kc_arm64_mmu *mmu, FILE *out)
{
	const struct kc_arm64_layout *layout = kc_arm64_mmu_layout(mmu);
	const struct kc_pgtable_geometry *geo = kc_arm64_mmu_geometry(mmu);
	uint64_t swapper, swapper_paddr;
	const char *swapper_source;
	kc_arm64_mmu_swapper(mmu, &swapper, &swapper_paddr, &swapper_source);
	size_t n = kc_arm64_layout_rows(layout, NULL, 0);
	struct kc_arm64_layout_row *rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows)
		return &kc_error_nomem;
	kc_arm64_layout_rows(layout, rows, n);
	fprintf(out, "layout era: %s (%s)\n", kc_arm64_era_name(layout->era),
		layout->era_source ? layout->era_source : "");
	for (size_t i = 0; i < n; i++) {
		if (rows[i].known)
			fprintf(out, "%-20s %016llx  %s\n", rows[i].name,
				(unsigned long long)rows[i].value, rows[i].provenance);
		else
			fprintf(out, "%-20s %16s  %s\n", rows[i].name, "(unknown)",
				rows[i].provenance);
	}
	fprintf(out, "%-20s %016llx  %s\n", "swapper_pg_dir",
		(unsigned long long)swapper, swapper_source);
	fprintf(out, "%-20s %16llx  kimage_voffset applied\n", "swapper_pg_dir PA",
		(unsigned long long)swapper_paddr);
	fprintf(out, "%-20s %u levels, %s pages, VA_BITS %u (in use %u), PA %u bits\n",
		"page tables", geo->nr_levels,
		geo->page_shift == 12 ? "4K" : geo->page_shift == 14 ? "16K" : "64K",
		geo->va_bits, geo->va_bits_actual, geo->pa_bits);
	for (size_t i = 0; i < layout->nr_warnings; i++)
		fprintf(out, "WARNING: %s\n", layout->warnings[i]);
	free(rows);
	return NULL;
}

static struct kc_error *cmd_mach(struct kc_session *session, int argc,
				 char **argv, FILE *out)
{
	bool full = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-l") == 0)
			full = true;
		else
			return kc_usage_error(&kc_cmd_mach);
	}
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err)
		return err;
	if (full)
		return print_layout(mmu, out);
	const struct kc_arm64_layout *layout = kc_arm64_mmu_layout(mmu);
	const struct kc_dump *dump = kc_session_dump(session);
	fprintf(out, "%19s: %s\n", "MACHINE TYPE", "aarch64");
	uint32_t cpus = dump->header_nr_cpus ? dump->header_nr_cpus
					     : (uint32_t)dump->nr_prstatus;
	if (cpus)
		fprintf(out, "%19s: %u\n", "CPUS", cpus);
	fprintf(out, "%19s: %llu\n", "PAGE SIZE", (unsigned long long)layout->page_size.value);
	line(out, "KERNEL VIRTUAL BASE", &layout->page_offset);
	line(out, "KERNEL MODULES BASE", &layout->modules_vaddr);
	line(out, "KERNEL VMALLOC BASE", &layout->vmalloc_start);
	line(out, "KERNEL VMEMMAP BASE", &layout->vmemmap_start);
	return NULL;
}

const struct kc_command kc_cmd_mach = {
	.name = "mach",
	.summary = "machine data and the kernel's address-space layout",
	.usage = "mach [-l]",
	.help = "Prints crash's machine lines that the dump determines (MACHINE TYPE,\n"
		"CPUS, PAGE SIZE, KERNEL VIRTUAL/MODULES/VMALLOC/VMEMMAP BASE).\n"
		"mach -l (also help -m) prints the whole arm64 layout: page size,\n"
		"VA_BITS and the VA size in use, PHYS_OFFSET, kimage_voffset, the\n"
		"KASLR offset, PAGE_OFFSET/PAGE_END, the kernel image, modules,\n"
		"vmalloc, vmemmap, KASAN shadow and BPF JIT ranges, each with where it\n"
		"came from: exported (the VMCOREINFO key), derived (the formula and the\n"
		"kernel release it comes from), from a symbol, or searched in the dump.\n"
		"When an export and a derivation disagree, a WARNING line says so.\n",
	.needs_dump = true,
	.run = cmd_mach,
};
