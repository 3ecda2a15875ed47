/* SPDX-License-Identifier: MIT */
#include "mmu.h"

#include <stdlib.h>
#include <string.h>

#include "../symtab.h"
#include "../vmcore/elf.h"
#include "../vmcore/file.h"
#include "../vmcoreinfo.h"

static struct kc_error *dump_read(void *ctx, uint64_t paddr, void *buf,
				  size_t len)
{
	return kc_dump_read_phys(ctx, paddr, buf, len);
}

/*
 * The ELF dump's PT_LOADs tell where the kernel image and the linear map
 * are (kdump's /proc/vmcore: p_vaddr is the kernel's own mapping); QEMU's
 * and kdump-compressed dumps do not.
 */
static struct kc_error *add_elf_ranges(struct kc_dump *dump,
				       struct kc_arm64_layout_input *in,
				       struct kc_arm64_mem_range **ranges)
{
	const struct kc_elf_segment *segs;
	size_t nr = kc_elf_dump_segments(dump, &segs);
	uint64_t stext = in->vmcoreinfo_stext.known ? in->vmcoreinfo_stext.value : 0;
	*ranges = calloc(nr ? nr : 1, sizeof(**ranges));
	if (!*ranges)
		return &kc_error_nomem;
	size_t n = 0;
	for (size_t i = 0; i < nr; i++) {
		const struct kc_elf_segment *seg = &segs[i];
		if (seg->vaddr == 0 || seg->vaddr == seg->paddr) {
			(*ranges)[n++] = (struct kc_arm64_mem_range){
				.phys_start = seg->paddr, .size = seg->memsz};
			continue;
		}
		if (stext && stext >= seg->vaddr && stext - seg->vaddr < seg->memsz) {
			in->has_kimage_load = true;
			in->kimage_load_vaddr = seg->vaddr;
			in->kimage_load_paddr = seg->paddr;
			continue;
		}
		(*ranges)[n++] = (struct kc_arm64_mem_range){
			.phys_start = seg->paddr, .size = seg->memsz,
			.has_vaddr = true, .vaddr = seg->vaddr};
	}
	in->mem_ranges = *ranges;
	in->nr_mem_ranges = n;
	return NULL;
}

static struct kc_error *add_dump_ranges(struct kc_dump *dump,
					struct kc_arm64_layout_input *in,
					struct kc_arm64_mem_range **ranges)
{
	*ranges = calloc(dump->nr_ranges ? dump->nr_ranges : 1, sizeof(**ranges));
	if (!*ranges)
		return &kc_error_nomem;
	for (size_t i = 0; i < dump->nr_ranges; i++)
		(*ranges)[i] = (struct kc_arm64_mem_range){
			.phys_start = dump->ranges[i].start,
			.size = dump->ranges[i].end - dump->ranges[i].start};
	in->mem_ranges = *ranges;
	in->nr_mem_ranges = dump->nr_ranges;
	return NULL;
}

static void add_symbols(const struct kc_symtab *symtab,
			struct kc_arm64_layout_input *in)
{
	const struct kc_symbol *sym = kc_symtab_lookup(symtab, "_stext");
	if (sym)
		in->vmlinux_stext = kc_opt_u64_some(sym->addr);
	sym = kc_symtab_lookup(symtab, "_text");
	if (sym)
		in->vmlinux_text = kc_opt_u64_some(sym->addr);
}

static struct kc_error *find_swapper(struct kc_arm64_mmu *mmu,
				     const struct kc_vmcoreinfo *info,
				     const struct kc_symtab *symtab)
{
	uint64_t vaddr = 0;
	struct kc_error *err = info ? kc_vmcoreinfo_symbol(info, "swapper_pg_dir", &vaddr)
				    : kc_error_create(KC_ERR_LOOKUP, "no VMCOREINFO");
	if (!err) {
		mmu->swapper_source = "VMCOREINFO SYMBOL(swapper_pg_dir)";
	} else {
		kc_error_destroy(err);
		const struct kc_symbol *sym = symtab ? kc_symtab_lookup(symtab, "swapper_pg_dir") : NULL;
		if (!sym || !mmu->layout.kaslr_offset.known)
			return kc_error_create(KC_ERR_LOOKUP,
					       "cannot find swapper_pg_dir: not in VMCOREINFO, and %s",
					       !sym ? "no vmlinux symbol table has it"
						    : "the KASLR offset is unknown");
		vaddr = sym->addr + mmu->layout.kaslr_offset.value;
		mmu->swapper_source = "vmlinux swapper_pg_dir + KASLR offset";
	}
	mmu->swapper_pg_dir = vaddr;
	err = kc_arm64_kimg_to_phys(&mmu->layout, vaddr, &mmu->swapper_pg_dir_paddr);
	if (err)
		return kc_error_prefix(err, "swapper_pg_dir 0x%llx",
				       (unsigned long long)vaddr);
	mmu->have_swapper = true;
	return NULL;
}

struct kc_error *kc_arm64_mmu_create(struct kc_dump *dump,
				     const struct kc_vmcoreinfo *info,
				     const struct kc_symtab *symtab,
				     struct kc_arm64_mmu **ret)
{
	struct kc_arm64_mmu *mmu = calloc(1, sizeof(*mmu));
	if (!mmu)
		return &kc_error_nomem;
	mmu->dump = dump;
	mmu->use_fast_paths = true;
	mmu->use_tlb = true;
	struct kc_arm64_mem_range *ranges = NULL;
	struct kc_arm64_layout_input in = {0};
	struct kc_error *err = NULL;
	if (info) {
		err = kc_arm64_layout_input_from_vmcoreinfo(info, &in);
		if (err)
			goto fail;
	}
	if (symtab)
		add_symbols(symtab, &in);
	if (!in.page_size.known && dump->page_size && dump->format == KC_DUMP_ELF)
		in.page_size = kc_opt_u64_some(dump->page_size);
	err = dump->format == KC_DUMP_ELF ? add_elf_ranges(dump, &in, &ranges)
					  : add_dump_ranges(dump, &in, &ranges);
	if (err)
		goto fail;
	err = kc_arm64_layout_compute(&in, &mmu->layout);
	if (err)
		goto fail;
	/* _end needs the KASLR offset the first pass found. */
	const struct kc_symbol *end = symtab ? kc_symtab_lookup(symtab, "_end") : NULL;
	if (end && mmu->layout.kaslr_offset.known && !in.sym_end.known) {
		in.sym_end = kc_opt_u64_some(end->addr + mmu->layout.kaslr_offset.value);
		err = kc_arm64_layout_compute(&in, &mmu->layout);
		if (err)
			goto fail;
	}
	const struct kc_arm64_layout *layout = &mmu->layout;
	if (!layout->page_size.known || !layout->va_bits.known)
		err = kc_error_create(KC_ERR_UNSUPPORTED,
				      "cannot translate virtual addresses: %s unknown (%s)",
				      !layout->page_size.known ? "page size" : "VA_BITS",
				      !layout->page_size.known ? layout->page_size.source
							       : layout->va_bits.source);
	if (err)
		goto fail;
	uint64_t pa_bits = 48;
	if (info) {
		int64_t bits;
		struct kc_error *e = kc_vmcoreinfo_number(info, "MAX_PHYSMEM_BITS", &bits);
		if (!e && bits > 0 && bits <= 52)
			pa_bits = (uint64_t)bits;
		kc_error_destroy(e);
	}
	err = kc_pgtable_geometry_init(&mmu->geo, layout->page_size.value,
				       (unsigned)layout->va_bits.value,
				       layout->va_bits_actual.known ?
					       (unsigned)layout->va_bits_actual.value : 0,
				       (unsigned)pa_bits);
	if (err)
		goto fail;
	err = find_swapper(mmu, info, symtab);
	if (err)
		goto fail;
	mmu->tlb = calloc(KC_MMU_TLB_ENTRIES, sizeof(*mmu->tlb));
	if (!mmu->tlb) {
		err = &kc_error_nomem;
		goto fail;
	}
	free(ranges);
	*ret = mmu;
	return NULL;

fail:
	free(ranges);
	kc_arm64_mmu_destroy(mmu);
	return err;
}

void kc_arm64_mmu_destroy(struct kc_arm64_mmu *mmu)
{
	if (!mmu)
		return;
	free(mmu->tlb);
	free(mmu);
}

void kc_arm64_mmu_flush_tlb(struct kc_arm64_mmu *mmu)
{
	if (mmu->tlb)
		memset(mmu->tlb, 0, KC_MMU_TLB_ENTRIES * sizeof(*mmu->tlb));
}

bool kc_arm64_is_kernel_addr(const struct kc_arm64_mmu *mmu, uint64_t vaddr)
{
	(void)mmu;
	/* TTBR1 addresses have bit 55 set, whatever the tag byte says. */
	return (kc_pgtable_untag(vaddr) >> 63) != 0;
}

static struct kc_mmu_tlb_entry *tlb_slot(struct kc_arm64_mmu *mmu,
					 uint64_t root, uint64_t vpage)
{
	uint64_t h = (vpage ^ (root >> 12)) * UINT64_C(0x9e3779b97f4a7c15);
	return &mmu->tlb[h >> (64 - 12)]; /* KC_MMU_TLB_ENTRIES = 2^12 */
}

/* The translation cache: page of VADDR under ROOT, if it was walked before. */
static bool tlb_lookup(struct kc_arm64_mmu *mmu, uint64_t root, uint64_t vaddr,
		       uint64_t *paddr)
{
	uint64_t untagged = kc_pgtable_untag(vaddr);
	unsigned shift = mmu->geo.page_shift;
	uint64_t vpage = (untagged >> shift) + 1;
	struct kc_mmu_tlb_entry *slot = tlb_slot(mmu, root, vpage);
	if (slot->vpage != vpage || slot->root_paddr != root) {
		mmu->tlb_misses++;
		return false;
	}
	mmu->tlb_hits++;
	*paddr = slot->ppage + (untagged & ((UINT64_C(1) << shift) - 1));
	return true;
}

static void tlb_insert(struct kc_arm64_mmu *mmu, uint64_t root, uint64_t vaddr,
		       uint64_t paddr)
{
	uint64_t untagged = kc_pgtable_untag(vaddr);
	unsigned shift = mmu->geo.page_shift;
	uint64_t mask = (UINT64_C(1) << shift) - 1;
	struct kc_mmu_tlb_entry *slot = tlb_slot(mmu, root, (untagged >> shift) + 1);
	slot->root_paddr = root;
	slot->vpage = (untagged >> shift) + 1;
	slot->ppage = paddr - (untagged & mask);
}

/* A table walk from ROOT, through the translation cache when enabled. */
static struct kc_error *walk_translate(struct kc_arm64_mmu *mmu,
				       uint64_t root, uint64_t vaddr,
				       uint64_t *paddr)
{
	mmu->walks++;
	struct kc_error *err = kc_pgtable_translate(&mmu->geo, root, vaddr,
						    dump_read, mmu->dump, paddr);
	if (!err && mmu->use_tlb)
		tlb_insert(mmu, root, vaddr, *paddr);
	return err;
}

struct kc_error *kc_arm64_kvtop(struct kc_arm64_mmu *mmu, uint64_t vaddr,
				uint64_t *paddr)
{
	if (!kc_arm64_is_kernel_addr(mmu, vaddr))
		return kc_error_address(KC_ERR_FAULT, vaddr,
					"0x%llx is not a kernel virtual address",
					(unsigned long long)vaddr);
	/* A walked page is found in the cache before the region is classified. */
	if (mmu->use_tlb && tlb_lookup(mmu, mmu->swapper_pg_dir_paddr, vaddr, paddr))
		return NULL;
	if (mmu->use_fast_paths) {
		uint64_t untagged = kc_pgtable_untag(vaddr);
		switch (kc_arm64_layout_classify(&mmu->layout, untagged)) {
		case KC_ARM64_REGION_LINEAR:
			if (!kc_arm64_linear_virt_to_phys(&mmu->layout, untagged, paddr))
				return NULL;
			break;
		case KC_ARM64_REGION_KIMAGE:
			if (!kc_arm64_kimg_to_phys(&mmu->layout, untagged, paddr))
				return NULL;
			break;
		default:
			break;
		}
	}
	return walk_translate(mmu, mmu->swapper_pg_dir_paddr, vaddr, paddr);
}

struct kc_error *kc_arm64_uvtop(struct kc_arm64_mmu *mmu, uint64_t pgd_paddr,
				uint64_t vaddr, uint64_t *paddr)
{
	if (kc_arm64_is_kernel_addr(mmu, vaddr))
		return kc_error_address(KC_ERR_FAULT, vaddr,
					"0x%llx is not a user virtual address",
					(unsigned long long)vaddr);
	if (mmu->use_tlb && tlb_lookup(mmu, pgd_paddr, vaddr, paddr))
		return NULL;
	return walk_translate(mmu, pgd_paddr, vaddr, paddr);
}

struct kc_error *kc_arm64_walk(struct kc_arm64_mmu *mmu, bool user,
			       uint64_t pgd_paddr, uint64_t vaddr,
			       struct kc_pgtable_walk *walk)
{
	uint64_t root = user ? pgd_paddr : mmu->swapper_pg_dir_paddr;
	return kc_pgtable_walk(&mmu->geo, root, vaddr, dump_read, mmu->dump, walk);
}

typedef struct kc_error *(*translate_fn)(struct kc_arm64_mmu *mmu,
					 uint64_t root, uint64_t vaddr,
					 uint64_t *paddr);

static struct kc_error *translate_kernel(struct kc_arm64_mmu *mmu,
					 uint64_t root, uint64_t vaddr,
					 uint64_t *paddr)
{
	(void)root;
	return kc_arm64_kvtop(mmu, vaddr, paddr);
}

static struct kc_error *translate_user(struct kc_arm64_mmu *mmu,
				       uint64_t root, uint64_t vaddr,
				       uint64_t *paddr)
{
	return kc_arm64_uvtop(mmu, root, vaddr, paddr);
}

static struct kc_error *read_virt(struct kc_arm64_mmu *mmu, translate_fn translate,
				  uint64_t root, const char *kind, uint64_t vaddr,
				  void *buf, size_t len)
{
	uint8_t *out = buf;
	uint64_t page_size = UINT64_C(1) << mmu->geo.page_shift;
	while (len) {
		uint64_t in_page = page_size - (vaddr & (page_size - 1));
		size_t chunk = in_page < len ? (size_t)in_page : len;
		uint64_t paddr;
		struct kc_error *err = translate(mmu, root, vaddr, &paddr);
		if (err) {
			/* The walker's message starts with the address itself. */
			struct kc_error *named = kc_error_address(err->code, vaddr,
				"%s virtual address %s", kind, kc_error_message(err));
			kc_error_destroy(err);
			return named;
		}
		err = kc_dump_read_phys(mmu->dump, paddr, out, chunk);
		if (err) {
			err->has_address = true;
			err->address = vaddr;
			return kc_error_prefix(err, "%s virtual address 0x%llx",
					       kind, (unsigned long long)vaddr);
		}
		out += chunk;
		vaddr += chunk;
		len -= chunk;
	}
	return NULL;
}

struct kc_error *kc_arm64_read_kvirt(struct kc_arm64_mmu *mmu, uint64_t vaddr,
				     void *buf, size_t len)
{
	return read_virt(mmu, translate_kernel, 0, "kernel", vaddr, buf, len);
}

struct kc_error *kc_arm64_read_uvirt(struct kc_arm64_mmu *mmu,
				     uint64_t pgd_paddr, uint64_t vaddr,
				     void *buf, size_t len)
{
	return read_virt(mmu, translate_user, pgd_paddr, "user", vaddr, buf, len);
}

struct kc_error *kc_arm64_read_u64(struct kc_arm64_mmu *mmu, uint64_t vaddr,
				   uint64_t *value)
{
	uint8_t bytes[8];
	struct kc_error *err = kc_arm64_read_kvirt(mmu, vaddr, bytes, sizeof(bytes));
	if (!err)
		*value = kc_get_le64(bytes);
	return err;
}

struct kc_error *kc_arm64_ptov(const struct kc_arm64_mmu *mmu, uint64_t paddr,
			       uint64_t *vaddr)
{
	return kc_arm64_linear_phys_to_virt(&mmu->layout, paddr, vaddr);
}

uint64_t kc_arm64_first_non_executable(struct kc_arm64_mmu *mmu, uint64_t start,
				       uint64_t limit)
{
	for (uint64_t at = start; at < limit;) {
		struct kc_pgtable_walk walk;
		struct kc_error *err = kc_arm64_walk(mmu, false, 0, at, &walk);
		if (err || !walk.nr_entries || !walk.map_size) {
			kc_error_destroy(err);
			return start;
		}
		const struct kc_pgtable_entry *leaf = &walk.entries[walk.nr_entries - 1];
		if (kc_pgtable_desc_flags(&mmu->geo, leaf->value, leaf->level) & KC_PTE_F_PXN)
			return at;
		at = (at & ~(walk.map_size - 1)) + walk.map_size;
	}
	return start;
}

const struct kc_arm64_layout *kc_arm64_mmu_layout(const struct kc_arm64_mmu *mmu)
{
	return &mmu->layout;
}

const struct kc_pgtable_geometry *kc_arm64_mmu_geometry(const struct kc_arm64_mmu *mmu)
{
	return &mmu->geo;
}

bool kc_arm64_mmu_swapper(const struct kc_arm64_mmu *mmu, uint64_t *vaddr,
			  uint64_t *paddr, const char **source)
{
	*vaddr = mmu->swapper_pg_dir;
	*paddr = mmu->swapper_pg_dir_paddr;
	*source = mmu->swapper_source;
	return mmu->have_swapper;
}
