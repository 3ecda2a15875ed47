/* SPDX-License-Identifier: MIT */
/*
 * arm64 layout tests. Expected values come from outside the code under
 * test: the fixtures' VMCOREINFO, facts.txt and ELF program headers, the
 * kernel's Documentation/arm64/memory.rst tables of the release concerned,
 * and boot logs' "Virtual kernel memory layout" of v4.x kernels.
 */
#include <stdlib.h>

#include "harness.h"
#include "arm64/layout.h"
#include "error.h"
#include "vmcoreinfo.h"

/* ------------------------------------------------------------------ */
/* Fixture helpers                                                     */

static const char *const range_keys[] = {
	"NUMBER(MODULES_VADDR)", "NUMBER(MODULES_END)",
	"NUMBER(VMALLOC_START)", "NUMBER(VMALLOC_END)",
	"NUMBER(VMEMMAP_START)", "NUMBER(VMEMMAP_END)", NULL,
};

static const char *const arm64_keys[] = {
	"NUMBER(MODULES_VADDR)", "NUMBER(MODULES_END)",
	"NUMBER(VMALLOC_START)", "NUMBER(VMALLOC_END)",
	"NUMBER(VMEMMAP_START)", "NUMBER(VMEMMAP_END)",
	"NUMBER(VA_BITS)", "NUMBER(kimage_voffset)", "NUMBER(PHYS_OFFSET)",
	"NUMBER(TCR_EL1_T1SZ)", "KERNELOFFSET", "NUMBER(KERNELPACMASK)", NULL,
};

static bool hidden(const char *line, size_t len, const char *const *keys)
{
	for (; keys && *keys; keys++) {
		size_t n = strlen(*keys);
		if (len > n && !strncmp(line, *keys, n) && line[n] == '=')
			return true;
	}
	return false;
}

/* The fixture's vmcoreinfo.txt without the lines whose key is in HIDE. */
static struct kc_vmcoreinfo *load_vmcoreinfo(const char *fixture,
					     const char *const *hide)
{
	const char *path = kc_test_fixture(fixture, "vmcoreinfo.txt");
	if (!path)
		return NULL;
	size_t len;
	char *text = kc_test_read_file(path, &len);
	if (!text)
		return NULL;
	char *kept = malloc(len + 1);
	size_t out = 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - (text + pos)) : len - pos;
		if (!hidden(text + pos, line_len, hide)) {
			memcpy(kept + out, text + pos, line_len);
			out += line_len;
			kept[out++] = '\n';
		}
		pos += line_len + 1;
	}
	struct kc_vmcoreinfo *info = NULL;
	struct kc_error *err = kc_vmcoreinfo_parse(kept, out, &info);
	kc_error_destroy(err);
	free(kept);
	free(text);
	return info;
}

static bool fact_u64(const char *fixture, const char *key, uint64_t *value)
{
	char *text = kc_test_fact(fixture, key);
	if (!text)
		return false;
	*value = strtoull(text, NULL, 16);
	free(text);
	return true;
}

/* "0xVA->0xPA name=..." */
static bool fact_pair(const char *fixture, const char *key, uint64_t *va,
		      uint64_t *pa)
{
	char *text = kc_test_fact(fixture, key);
	if (!text)
		return false;
	char *arrow = strstr(text, "->");
	bool ok = arrow != NULL;
	if (ok) {
		*va = strtoull(text, NULL, 16);
		*pa = strtoull(arrow + 2, NULL, 16);
	}
	free(text);
	return ok;
}

struct phdrs {
	struct kc_arm64_mem_range ranges[8];
	size_t nr;
	uint64_t kimage_vaddr, kimage_paddr;
	bool has_kimage;
};

/* LOAD lines of ground-truth/vmcore-elf-phdrs.txt (readelf -l); the
 * kernel-image one is the one at _text. */
static bool load_phdrs(const char *fixture, uint64_t text, struct phdrs *p)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/vmcore-elf-phdrs.txt",
		 kc_test_fixtures_dir(), fixture);
	size_t len;
	char *file = kc_test_read_file(path, &len);
	if (!file)
		return false;
	memset(p, 0, sizeof(*p));
	for (char *line = strtok(file, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long long off, vaddr, paddr, filesz;
		if (sscanf(line, " LOAD %llx %llx %llx %llx", &off, &vaddr, &paddr,
			   &filesz) != 4)
			continue;
		if (vaddr == text) {
			p->has_kimage = true;
			p->kimage_vaddr = vaddr;
			p->kimage_paddr = paddr;
		} else if (p->nr < 8) {
			p->ranges[p->nr++] = (struct kc_arm64_mem_range){
				.phys_start = paddr, .size = filesz,
				.has_vaddr = true, .vaddr = vaddr};
		}
	}
	free(file);
	return p->has_kimage && p->nr > 0;
}

static bool compute_from(const struct kc_vmcoreinfo *info,
			 struct kc_arm64_layout_input *in,
			 struct kc_arm64_layout *layout)
{
	struct kc_error *err = kc_arm64_layout_input_from_vmcoreinfo(info, in);
	if (!err)
		err = kc_arm64_layout_compute(in, layout);
	if (err) {
		CHECK_MSG(false, "layout: %s", kc_error_message(err));
		kc_error_destroy(err);
		return false;
	}
	return true;
}

static uint64_t number(const struct kc_vmcoreinfo *info, const char *key)
{
	uint64_t value = 0;
	kc_error_destroy(kc_vmcoreinfo_u64(info, key, &value));
	return value;
}

static bool is_6_1(const char *fixture)
{
	return strstr(fixture, "-6.1-") != NULL;
}

/* ------------------------------------------------------------------ */
/* Real fixtures                                                       */

/*
 * 5.10.223 predates the range exports: expected values from its
 * ground-truth/memory-layout-defines.txt, worked by hand for 4K/39:
 * _PAGE_END(39) = -(1 << 38) = 0xffffffc000000000 = KASAN_SHADOW_END
 * (no KASAN) = BPF_JIT_REGION_START; MODULES_VADDR = +128M; VMEMMAP_SIZE =
 * (1 << 38) >> 6 = 4G; VMEMMAP_START = -4G - 2M; VMALLOC_END = -PUD_SIZE
 * (1G) - 4G - 64K. The v5.4 memory.rst 4K/39 table has the same vmalloc end
 * and vmemmap.
 */
static void check_5_10_ranges(const struct kc_arm64_layout *l)
{
	CHECK_EQ_U64(l->bpf_jit_start.value, 0xffffffc000000000);
	CHECK_EQ_U64(l->modules_vaddr.value, 0xffffffc008000000);
	CHECK_EQ_U64(l->modules_end.value, 0xffffffc010000000);
	CHECK_EQ_U64(l->vmalloc_start.value, 0xffffffc010000000);
	CHECK_EQ_U64(l->vmalloc_end.value, 0xfffffffebfff0000);
	CHECK_EQ_U64(l->vmemmap_start.value, 0xfffffffeffe00000);
	CHECK_EQ_U64(l->vmemmap_end.value, 0xffffffffffe00000);
	CHECK_EQ_U64(l->page_offset.value, 0xffffff8000000000);
	CHECK_EQ_U64(l->page_end.value, 0xffffffc000000000);
}

KC_TEST(layout_fixture_exported_values)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++) {
		const char *fx = kc_test_fixture_names[i];
		struct kc_vmcoreinfo *info = load_vmcoreinfo(fx, NULL);
		if (!info)
			return;
		struct kc_arm64_layout_input in = {0};
		struct kc_arm64_layout l;
		if (!compute_from(info, &in, &l)) {
			kc_vmcoreinfo_destroy(info);
			return;
		}
		CHECK_EQ_U64(l.page_size.value, number(info, "PAGESIZE"));
		CHECK_EQ_U64(l.va_bits.value, number(info, "NUMBER(VA_BITS)"));
		CHECK_EQ_U64(l.va_bits_actual.value,
			     64 - number(info, "NUMBER(TCR_EL1_T1SZ)"));
		CHECK_EQ_U64(l.phys_offset.value, number(info, "NUMBER(PHYS_OFFSET)"));
		CHECK_EQ_U64(l.kimage_voffset.value,
			     number(info, "NUMBER(kimage_voffset)"));
		CHECK_EQ_U64(l.kaslr_offset.value, number(info, "KERNELOFFSET"));
		CHECK(l.phys_offset.provenance == KC_ARM64_PROV_EXPORTED);
		CHECK_MSG(l.nr_warnings == 0, "%s: warning %s", fx, l.warnings[0]);
		if (is_6_1(fx)) {
			CHECK(l.era == KC_ARM64_ERA_V5_17);
			const struct kc_arm64_value *v[] = {
				&l.modules_vaddr, &l.modules_end, &l.vmalloc_start,
				&l.vmalloc_end, &l.vmemmap_start, &l.vmemmap_end};
			for (size_t k = 0; k < 6; k++) {
				CHECK_EQ_U64(v[k]->value, number(info, range_keys[k]));
				CHECK(v[k]->provenance == KC_ARM64_PROV_EXPORTED);
				CHECK_MSG(v[k]->cross_checked, "%s: %s not cross-checked",
					  fx, range_keys[k]);
			}
			CHECK(!l.bpf_jit_start.known);
		} else {
			CHECK(l.era == KC_ARM64_ERA_V5_4);
			CHECK(l.modules_vaddr.provenance == KC_ARM64_PROV_DERIVED);
			check_5_10_ranges(&l);
		}
		kc_vmcoreinfo_destroy(info);
	}
}

KC_TEST(layout_fixture_derived_equals_exported)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++) {
		const char *fx = kc_test_fixture_names[i];
		struct kc_vmcoreinfo *full = load_vmcoreinfo(fx, NULL);
		struct kc_vmcoreinfo *info = load_vmcoreinfo(fx, range_keys);
		if (!full || !info) {
			kc_vmcoreinfo_destroy(full);
			kc_vmcoreinfo_destroy(info);
			return;
		}
		struct kc_arm64_layout_input in = {0};
		struct kc_arm64_layout l;
		if (compute_from(info, &in, &l)) {
			const struct kc_arm64_value *v[] = {
				&l.modules_vaddr, &l.modules_end, &l.vmalloc_start,
				&l.vmalloc_end, &l.vmemmap_start, &l.vmemmap_end};
			for (size_t k = 0; k < 6; k++) {
				CHECK(v[k]->provenance == KC_ARM64_PROV_DERIVED);
				if (is_6_1(fx))
					CHECK_MSG(v[k]->value == number(full, range_keys[k]),
						  "%s: derived %s = 0x%" PRIx64, fx,
						  range_keys[k], v[k]->value);
			}
			if (!is_6_1(fx))
				check_5_10_ranges(&l);
		}
		kc_vmcoreinfo_destroy(full);
		kc_vmcoreinfo_destroy(info);
	}
}

KC_TEST(layout_fixture_linear_map_fast_path)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++) {
		const char *fx = kc_test_fixture_names[i];
		struct kc_vmcoreinfo *info = load_vmcoreinfo(fx, NULL);
		if (!info)
			return;
		struct kc_arm64_layout_input in = {0};
		struct kc_arm64_layout l;
		if (compute_from(info, &in, &l)) {
			for (int n = 0; n < 4; n++) {
				char key[32];
				snprintf(key, sizeof(key), "testmod.obj%d", n);
				uint64_t va, pa, got_pa = 0, got_va = 0;
				REQUIRE(fact_pair(fx, key, &va, &pa));
				REQUIRE_OK(kc_arm64_linear_virt_to_phys(&l, va, &got_pa));
				CHECK_EQ_U64(got_pa, pa);
				REQUIRE_OK(kc_arm64_linear_phys_to_virt(&l, pa, &got_va));
				CHECK_EQ_U64(got_va, va);
				CHECK(kc_arm64_layout_classify(&l, va) ==
				      KC_ARM64_REGION_LINEAR);
			}
			/* A vmalloc address is not a linear-map address. */
			uint64_t vbuf, pa;
			REQUIRE(fact_u64(fx, "testmod.vbuf.va", &vbuf));
			struct kc_error *err = kc_arm64_linear_virt_to_phys(&l, vbuf, &pa);
			CHECK(err && err->code == KC_ERR_FAULT);
			kc_error_destroy(err);
		}
		kc_vmcoreinfo_destroy(info);
	}
}

KC_TEST(layout_fixture_kimage_fast_path)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++) {
		const char *fx = kc_test_fixture_names[i];
		struct kc_vmcoreinfo *info = load_vmcoreinfo(fx, NULL);
		if (!info)
			return;
		uint64_t text, end;
		struct phdrs ph;
		REQUIRE(fact_u64(fx, "kallsyms._text", &text));
		REQUIRE(fact_u64(fx, "kallsyms._end", &end));
		REQUIRE(load_phdrs(fx, text, &ph));
		struct kc_arm64_layout_input in = {0};
		struct kc_arm64_layout l;
		if (compute_from(info, &in, &l)) {
			/* _text is KIMAGE_VADDR + kaslr_offset() since v5.8. */
			CHECK_EQ_U64(l.kernel_text.value, text);
			CHECK(l.kernel_text.provenance == KC_ARM64_PROV_DERIVED);
			uint64_t stext = number(info, "SYMBOL(_stext)"), pa = 0, va = 0;
			REQUIRE_OK(kc_arm64_kimg_to_phys(&l, stext, &pa));
			CHECK_EQ_U64(pa, ph.kimage_paddr + (stext - ph.kimage_vaddr));
			REQUIRE_OK(kc_arm64_phys_to_kimg(&l, pa, &va));
			CHECK_EQ_U64(va, stext);
		}
		/* With the PT_LOAD and _text/_end: cross-checked, classified. */
		in = (struct kc_arm64_layout_input){0};
		in.has_kimage_load = true;
		in.kimage_load_vaddr = ph.kimage_vaddr;
		in.kimage_load_paddr = ph.kimage_paddr;
		in.sym_text = kc_opt_u64_some(text);
		in.sym_end = kc_opt_u64_some(end);
		if (compute_from(info, &in, &l)) {
			CHECK(l.kimage_voffset.cross_checked);
			CHECK_MSG(l.nr_warnings == 0, "%s: %s", fx, l.warnings[0]);
			CHECK(kc_arm64_layout_classify(&l, number(info, "SYMBOL(_stext)"))
			      == KC_ARM64_REGION_KIMAGE);
			CHECK(kc_arm64_layout_classify(&l, end) ==
			      KC_ARM64_REGION_VMALLOC);
		}
		kc_vmcoreinfo_destroy(info);
	}
}

KC_TEST(layout_fixture_module_base_in_vmalloc)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++) {
		const char *fx = kc_test_fixture_names[i];
		struct kc_vmcoreinfo *info = load_vmcoreinfo(fx, NULL);
		if (!info)
			return;
		struct kc_arm64_layout_input in = {0};
		struct kc_arm64_layout l;
		uint64_t base, vbuf, stack;
		REQUIRE(fact_u64(fx, "module.kcrash_testmod.base", &base));
		REQUIRE(fact_u64(fx, "testmod.vbuf.va", &vbuf));
		REQUIRE(fact_u64(fx, "testmod.kthread.stack", &stack));
		if (compute_from(info, &in, &l)) {
			/* RANDOMIZE_MODULE_REGION_FULL: modules live in vmalloc,
			 * near the kernel image, outside MODULES_VADDR..END. */
			CHECK_MSG(kc_arm64_layout_classify(&l, base) ==
				  KC_ARM64_REGION_VMALLOC, "%s: module base is %s", fx,
				  kc_arm64_region_name(kc_arm64_layout_classify(&l, base)));
			CHECK(base < l.modules_vaddr.value || base >= l.modules_end.value);
			CHECK(kc_arm64_layout_classify(&l, vbuf) == KC_ARM64_REGION_VMALLOC);
			CHECK(kc_arm64_layout_classify(&l, stack) == KC_ARM64_REGION_VMALLOC);
			CHECK(kc_arm64_layout_classify(&l, l.modules_vaddr.value) ==
			      KC_ARM64_REGION_MODULES);
			CHECK(kc_arm64_layout_classify(&l, 0x400000) ==
			      KC_ARM64_REGION_USER);
		}
		kc_vmcoreinfo_destroy(info);
	}
}

KC_TEST(layout_fixture_vmemmap_round_trip)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++) {
		const char *fx = kc_test_fixture_names[i];
		struct kc_vmcoreinfo *info = load_vmcoreinfo(fx, NULL);
		if (!info)
			return;
		struct kc_arm64_layout_input in = {0};
		struct kc_arm64_layout l;
		if (compute_from(info, &in, &l)) {
			uint64_t va, pa;
			REQUIRE(fact_pair(fx, "testmod.obj0", &va, &pa));
			uint64_t shift = __builtin_ctzll(l.page_size.value);
			uint64_t pfn = pa >> shift, page = 0, back = 0;
			REQUIRE_OK(kc_arm64_pfn_to_page(&l, pfn, &page));
			REQUIRE_OK(kc_arm64_page_to_pfn(&l, page, &back));
			CHECK_EQ_U64(back, pfn);
			CHECK(kc_arm64_layout_classify(&l, page) == KC_ARM64_REGION_VMEMMAP);
			/* Independent: memory.h virt_to_page() indexes vmemmap by
			 * (va - PAGE_OFFSET) / PAGE_SIZE from VMEMMAP_START. */
			uint64_t page_va = va & ~(l.page_size.value - 1);
			uint64_t idx = (page_va - l.page_offset.value) >> shift;
			CHECK_EQ_U64(page, l.vmemmap_start.value +
					   idx * number(info, "SIZE(page)"));
			struct kc_error *err = kc_arm64_page_to_pfn(&l, page + 8, &back);
			CHECK(err && err->code == KC_ERR_FAULT);
			kc_error_destroy(err);
		}
		kc_vmcoreinfo_destroy(info);
	}
}

/* Every arm64 key hidden (as before v4.12): found from the dump's PT_LOADs. */
KC_TEST(layout_fixture_searched_without_arm64_keys)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++) {
		const char *fx = kc_test_fixture_names[i];
		struct kc_vmcoreinfo *full = load_vmcoreinfo(fx, NULL);
		struct kc_vmcoreinfo *info = load_vmcoreinfo(fx, arm64_keys);
		uint64_t text;
		struct phdrs ph;
		if (!full || !info || !fact_u64(fx, "kallsyms._text", &text) ||
		    !load_phdrs(fx, text, &ph)) {
			CHECK(full && info);
			kc_vmcoreinfo_destroy(full);
			kc_vmcoreinfo_destroy(info);
			return;
		}
		struct kc_arm64_layout_input in = {0};
		in.has_kimage_load = true;
		in.kimage_load_vaddr = ph.kimage_vaddr;
		in.kimage_load_paddr = ph.kimage_paddr;
		in.mem_ranges = ph.ranges;
		in.nr_mem_ranges = ph.nr;
		/* Link-time _stext: the fixture's run-time one minus its offset. */
		in.vmlinux_stext = kc_opt_u64_some(number(full, "SYMBOL(_stext)") -
						   number(full, "KERNELOFFSET"));
		struct kc_arm64_layout l;
		if (compute_from(info, &in, &l)) {
			CHECK(l.va_bits.provenance == KC_ARM64_PROV_SEARCHED);
			CHECK_EQ_U64(l.va_bits.value, number(full, "NUMBER(VA_BITS)"));
			CHECK(l.kimage_voffset.provenance == KC_ARM64_PROV_SEARCHED);
			CHECK_EQ_U64(l.kimage_voffset.value,
				     number(full, "NUMBER(kimage_voffset)"));
			CHECK(l.phys_offset.provenance == KC_ARM64_PROV_SEARCHED);
			CHECK_EQ_U64(l.phys_offset.value,
				     number(full, "NUMBER(PHYS_OFFSET)"));
			CHECK(l.kaslr_offset.provenance == KC_ARM64_PROV_SYMBOL);
			CHECK_EQ_U64(l.kernel_text.value, text);
			if (is_6_1(fx))
				CHECK_EQ_U64(l.vmalloc_end.value,
					     number(full, "NUMBER(VMALLOC_END)"));
		}
		kc_vmcoreinfo_destroy(full);
		kc_vmcoreinfo_destroy(info);
	}
}

/* ------------------------------------------------------------------ */
/* Synthetic layouts                                                   */

static struct kc_arm64_layout_input synth(const char *release,
					  uint64_t page_size, unsigned va_bits,
					  unsigned va_bits_actual,
					  enum kc_arm64_kasan kasan)
{
	struct kc_arm64_layout_input in = {0};
	in.osrelease = release;
	in.page_size = kc_opt_u64_some(page_size);
	in.va_bits = kc_opt_u64_some(va_bits);
	in.tcr_el1_t1sz = kc_opt_u64_some(64 - va_bits_actual);
	in.phys_offset = kc_opt_u64_some(0x40000000);
	in.struct_page_size = kc_opt_u64_some(64);
	in.kasan = kasan;
	return in;
}

static bool synth_layout(struct kc_arm64_layout *l, const char *release,
			 uint64_t page_size, unsigned va_bits,
			 unsigned va_bits_actual, enum kc_arm64_kasan kasan)
{
	struct kc_arm64_layout_input in =
		synth(release, page_size, va_bits, va_bits_actual, kasan);
	struct kc_error *err = kc_arm64_layout_compute(&in, l);
	if (err) {
		CHECK_MSG(false, "%s: %s", release, kc_error_message(err));
		kc_error_destroy(err);
		return false;
	}
	return true;
}

/* One documented row set: [start, end) as the tables give start and last. */
struct expected {
	uint64_t linear_start, linear_end, kasan_start, kasan_end, bpf_start,
		modules_start, modules_end, vmalloc_start, vmalloc_end,
		vmemmap_start, vmemmap_end;
};

static void check_expected(const char *what, const struct kc_arm64_layout *l,
			   const struct expected *e)
{
	const struct {
		const char *name;
		const struct kc_arm64_value *got;
		uint64_t want;
	} rows[] = {
		{"linear start", &l->page_offset, e->linear_start},
		{"linear end", &l->page_end, e->linear_end},
		{"kasan start", &l->kasan_shadow_start, e->kasan_start},
		{"kasan end", &l->kasan_shadow_end, e->kasan_end},
		{"bpf start", &l->bpf_jit_start, e->bpf_start},
		{"modules start", &l->modules_vaddr, e->modules_start},
		{"modules end", &l->modules_end, e->modules_end},
		{"vmalloc start", &l->vmalloc_start, e->vmalloc_start},
		{"vmalloc end", &l->vmalloc_end, e->vmalloc_end},
		{"vmemmap start", &l->vmemmap_start, e->vmemmap_start},
		{"vmemmap end", &l->vmemmap_end, e->vmemmap_end},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (!rows[i].want) {
			CHECK_MSG(!rows[i].got->known || rows[i].name[0] == 'l',
				  "%s: %s should not exist, got 0x%" PRIx64, what,
				  rows[i].name, rows[i].got->value);
			continue;
		}
		CHECK_MSG(rows[i].got->known && rows[i].got->value == rows[i].want,
			  "%s: %s = 0x%" PRIx64 " (%s), documented 0x%" PRIx64,
			  what, rows[i].name, rows[i].got->value,
			  rows[i].got->source, rows[i].want);
	}
}

/* v4.x boot logs, "Virtual kernel memory layout" (4K pages, 48-bit):
 *   modules : 0xffff000000000000 - 0xffff000008000000
 *   vmalloc : 0xffff000008000000 - 0xffff7dffbfff0000
 *   vmemmap : 0xffff7e0000000000 - 0xffff800000000000
 * and with KASAN:
 *   kasan   : 0xffff000000000000 - 0xffff200000000000
 *   modules : 0xffff200000000000 - 0xffff200008000000
 *   vmalloc : 0xffff200008000000 - 0xffff7dffbfff0000 */
KC_TEST(layout_v4_9_documented)
{
	struct kc_arm64_layout l;
	REQUIRE(synth_layout(&l, "4.9.337", 4096, 48, 48, KC_ARM64_KASAN_NONE));
	CHECK(l.era == KC_ARM64_ERA_V4_9);
	struct expected plain = {
		.linear_start = 0xffff800000000000, .linear_end = 0,
		.modules_start = 0xffff000000000000,
		.modules_end = 0xffff000008000000,
		.vmalloc_start = 0xffff000008000000,
		.vmalloc_end = 0xffff7dffbfff0000,
		.vmemmap_start = 0xffff7e0000000000,
		.vmemmap_end = 0xffff800000000000,
	};
	check_expected("v4.9 4K/48", &l, &plain);
	/* .text : 0xffff000008080000 = KIMAGE_VADDR + TEXT_OFFSET, no KASLR */
	CHECK_EQ_U64(l.modules_end.value + 0x80000, 0xffff000008080000);

	REQUIRE(synth_layout(&l, "4.14.0", 4096, 48, 48, KC_ARM64_KASAN_GENERIC));
	struct expected kasan = plain;
	kasan.kasan_start = 0xffff000000000000;
	kasan.kasan_end = 0xffff200000000000;
	kasan.modules_start = 0xffff200000000000;
	kasan.modules_end = 0xffff200008000000;
	kasan.vmalloc_start = 0xffff200008000000;
	check_expected("v4.14 4K/48 KASAN", &l, &kasan);
	/* Pre-v5.4 linear map: upper half, (va & ~PAGE_OFFSET) + PHYS_OFFSET. */
	uint64_t pa = 0, va = 0;
	REQUIRE_OK(kc_arm64_linear_virt_to_phys(&l, 0xffff800000123000, &pa));
	CHECK_EQ_U64(pa, 0x40123000);
	REQUIRE_OK(kc_arm64_linear_phys_to_virt(&l, 0x40123000, &va));
	CHECK_EQ_U64(va, 0xffff800000123000);
	CHECK(kc_arm64_layout_classify(&l, 0xffff100000000000) ==
	      KC_ARM64_REGION_KASAN);
}

/* v5.0 has no memory.rst table; values worked by hand from the v5.0 macros
 * (BPF_JIT_REGION_START = VA_START + KASAN_SHADOW_SIZE, MODULES_VADDR =
 * BPF_JIT_REGION_END, the rest as v4.9). */
KC_TEST(layout_v5_0_bpf_below_modules)
{
	struct kc_arm64_layout l;
	REQUIRE(synth_layout(&l, "5.0.21", 4096, 48, 48, KC_ARM64_KASAN_NONE));
	CHECK(l.era == KC_ARM64_ERA_V5_0);
	struct expected e = {
		.linear_start = 0xffff800000000000,
		.bpf_start = 0xffff000000000000,
		.modules_start = 0xffff000008000000,
		.modules_end = 0xffff000010000000,
		.vmalloc_start = 0xffff000010000000,
		.vmalloc_end = 0xffff7dffbfff0000,
		.vmemmap_start = 0xffff7e0000000000,
		.vmemmap_end = 0xffff800000000000,
	};
	check_expected("v5.0 4K/48", &l, &e);
	CHECK_EQ_U64(l.bpf_jit_end.value, 0xffff000008000000);
	CHECK(kc_arm64_layout_classify(&l, 0xffff000000001000) ==
	      KC_ARM64_REGION_BPF_JIT);
}

/* Documentation/arm64/memory.rst as added in v5.4 (all with KASAN). */
KC_TEST(layout_v5_4_documented)
{
	static const struct {
		const char *what;
		uint64_t page_size;
		unsigned va_bits, va_bits_actual;
		struct expected e;
	} tables[] = {
		{"4K/39", 4096, 39, 39, {
			0xffffff8000000000, 0xffffffc000000000,
			0xffffffc000000000, 0xffffffd000000000,
			0xffffffd000000000, 0xffffffd008000000,
			0xffffffd010000000, 0xffffffd010000000,
			0xfffffffebfff0000, 0xfffffffeffe00000,
			0xffffffffffe00000}},
		{"4K/48", 4096, 48, 48, {
			0xffff000000000000, 0xffff800000000000,
			0xffff800000000000, 0xffffa00000000000,
			0xffffa00000000000, 0xffffa00008000000,
			0xffffa00010000000, 0xffffa00010000000,
			0xfffffdffbfff0000, 0xfffffdffffe00000,
			0xffffffffffe00000}},
		{"64K/42", 65536, 42, 42, {
			0xfffffc0000000000, 0xfffffe0000000000,
			0xfffffe0000000000, 0xfffffe8000000000,
			0xfffffe8000000000, 0xfffffe8008000000,
			0xfffffe8010000000, 0xfffffe8010000000,
			0xffffffff5fff0000, 0xffffffff7fe00000,
			0xffffffffffe00000}},
		{"64K/48", 65536, 48, 48, {
			0xffff000000000000, 0xffff800000000000,
			0xffff800000000000, 0xffffa00000000000,
			0xffffa00000000000, 0xffffa00008000000,
			0xffffa00010000000, 0xffffa00010000000,
			0xfffffbdfffff0000, 0xffffffdfffe00000,
			0xffffffffffe00000}},
		{"64K/52 w/o HW", 65536, 52, 48, {
			0xffff000000000000, 0xffff800000000000,
			0xffff800000000000, 0xffffa00000000000,
			0xffffa00000000000, 0xffffa00008000000,
			0xffffa00010000000, 0xffffa00010000000,
			0xfffff81fffff0000, 0xfffffc1fffe00000,
			0xffffffffffe00000}},
		{"64K/52 with HW", 65536, 52, 52, {
			0xfff0000000000000, 0xfff8000000000000,
			0xfffda00000000000, 0xffffa00000000000,
			0xffffa00000000000, 0xffffa00008000000,
			0xffffa00010000000, 0xffffa00010000000,
			0xfffff81fffff0000, 0xfffffc1fffe00000,
			0xffffffffffe00000}},
	};
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		struct kc_arm64_layout l;
		REQUIRE(synth_layout(&l, "5.4.0", tables[i].page_size,
				     tables[i].va_bits, tables[i].va_bits_actual,
				     KC_ARM64_KASAN_GENERIC));
		CHECK(l.era == KC_ARM64_ERA_V5_4);
		struct expected e = tables[i].e;
		check_expected(tables[i].what, &l, &e);
	}
}

/* v5.11..v5.16: memory.rst 4K/39 table (Jisheng Zhang's addition, written
 * against this layout): [kasan] ffffffb000000000..ffffffbfffffffff, bpf jit
 * ffffffc000000000, modules ffffffc008000000..ffffffc00fffffff, vmalloc
 * ffffffc010000000..fffffffdefffffff, vmemmap fffffffe00000000..
 * ffffffffefffffff (4GB). */
KC_TEST(layout_v5_11_documented)
{
	struct kc_arm64_layout l;
	REQUIRE(synth_layout(&l, "5.15.0", 4096, 39, 39, KC_ARM64_KASAN_GENERIC));
	CHECK(l.era == KC_ARM64_ERA_V5_11);
	struct expected e = {
		.linear_start = 0xffffff8000000000,
		.linear_end = 0xffffffb000000000, /* PAGE_END: KASAN below it */
		.kasan_start = 0xffffffb000000000,
		.kasan_end = 0xffffffc000000000,
		.bpf_start = 0xffffffc000000000,
		.modules_start = 0xffffffc008000000,
		.modules_end = 0xffffffc010000000,
		.vmalloc_start = 0xffffffc010000000,
		.vmalloc_end = 0xfffffffdf0000000,
		.vmemmap_start = 0xfffffffe00000000,
		.vmemmap_end = 0xffffffff00000000,
	};
	check_expected("v5.15 4K/39 KASAN", &l, &e);
	REQUIRE(synth_layout(&l, "5.11.0", 4096, 39, 39, KC_ARM64_KASAN_NONE));
	e.linear_end = 0xffffffc000000000;
	e.kasan_start = e.kasan_end = 0;
	check_expected("v5.11 4K/39", &l, &e);
}

/* b89ddf4cca43 landed in v5.17 and in stable 5.15.18 and 5.16.4; 5.10.y
 * keeps the region in memory.h (the fixture's 5.10.223 defines show it). */
KC_TEST(layout_v5_17_bpf_removal_by_release)
{
	static const struct {
		const char *release;
		bool has_bpf;
	} cases[] = {
		{"5.10.223", true}, {"5.15.17", true}, {"5.15.18", false},
		{"5.16.3", true}, {"5.16.4", false}, {"5.16", true},
		{"5.17.0", false}, {"5.17-rc1", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kc_arm64_layout l;
		REQUIRE(synth_layout(&l, cases[i].release, 4096, 48, 48,
				     KC_ARM64_KASAN_NONE));
		CHECK_MSG(l.bpf_jit_start.known == cases[i].has_bpf,
			  "%s: BPF JIT region %s", cases[i].release,
			  l.bpf_jit_start.known ? "present" : "absent");
		uint64_t base = l.bpf_jit_start.known ? l.bpf_jit_end.value
						      : l.modules_vaddr.value;
		CHECK_EQ_U64(l.modules_vaddr.value, base);
	}
}

/* v5.17..v6.4 and v6.5..v6.8 memory.rst (the lines 3e35d303ab7d changed):
 * 4K/48: modules ffff800000000000..ffff800007ffffff (v6.5: ..ffff80007fffffff),
 * vmalloc ..fffffbffefffffff, vmemmap fffffc0000000000..fffffdffffffffff;
 * 64K/52: [kasan] fffd800000000000..ffff7fffffffffff, vmemmap
 * fffffc0000000000..ffffffdfffffffff. */
KC_TEST(layout_v5_17_and_v6_5_documented)
{
	struct kc_arm64_layout l;
	struct expected e48 = {
		.linear_start = 0xffff000000000000,
		.linear_end = 0xffff800000000000,
		.modules_start = 0xffff800000000000,
		.modules_end = 0xffff800008000000,
		.vmalloc_start = 0xffff800008000000,
		.vmalloc_end = 0xfffffbfff0000000,
		.vmemmap_start = 0xfffffc0000000000,
		.vmemmap_end = 0xfffffe0000000000,
	};
	REQUIRE(synth_layout(&l, "5.18.0", 4096, 48, 48, KC_ARM64_KASAN_NONE));
	CHECK(l.era == KC_ARM64_ERA_V5_17);
	check_expected("v5.18 4K/48", &l, &e48);
	REQUIRE(synth_layout(&l, "6.5.0", 4096, 48, 48, KC_ARM64_KASAN_NONE));
	CHECK(l.era == KC_ARM64_ERA_V6_5);
	e48.modules_end = e48.vmalloc_start = 0xffff800080000000;
	check_expected("v6.5 4K/48", &l, &e48);

	struct expected e52 = {
		.linear_start = 0xfff0000000000000,
		.linear_end = 0xfffd800000000000,
		.kasan_start = 0xfffd800000000000,
		.kasan_end = 0xffff800000000000,
		.modules_start = 0xffff800000000000,
		.modules_end = 0xffff800080000000,
		.vmalloc_start = 0xffff800080000000,
		.vmalloc_end = 0xfffffbfff0000000,
		.vmemmap_start = 0xfffffc0000000000,
		.vmemmap_end = 0xffffffe000000000,
	};
	REQUIRE(synth_layout(&l, "6.8.0", 65536, 52, 52, KC_ARM64_KASAN_GENERIC));
	check_expected("v6.8 64K/52 KASAN", &l, &e52);
}

/* v6.9 reorganisation, memory.rst as updated by "docs: arm64: update memory
 * layout for vmemmap region": 4K/48 vmalloc ffff800080000000..
 * fffffdffbf7fffff, vmemmap fffffdffc0000000..ffffffffbfffffff; 64K/52
 * vmalloc ..fffffc1fbf7fffff, vmemmap fffffc1fc0000000..ffffffffbfffffff. */
KC_TEST(layout_v6_9_documented)
{
	struct kc_arm64_layout l;
	REQUIRE(synth_layout(&l, "6.13.0", 4096, 48, 48, KC_ARM64_KASAN_NONE));
	CHECK(l.era == KC_ARM64_ERA_V6_9);
	struct expected e48 = {
		.linear_start = 0xffff000000000000,
		.linear_end = 0xffff800000000000,
		.modules_start = 0xffff800000000000,
		.modules_end = 0xffff800080000000,
		.vmalloc_start = 0xffff800080000000,
		.vmalloc_end = 0xfffffdffbf800000,
		.vmemmap_start = 0xfffffdffc0000000,
		.vmemmap_end = 0xffffffffc0000000,
	};
	check_expected("v6.13 4K/48", &l, &e48);
	REQUIRE(synth_layout(&l, "6.9.0", 65536, 52, 52, KC_ARM64_KASAN_GENERIC));
	struct expected e52 = {
		.linear_start = 0xfff0000000000000,
		.linear_end = 0xfffd800000000000,
		.kasan_start = 0xfffd800000000000,
		.kasan_end = 0xffff800000000000,
		.modules_start = 0xffff800000000000,
		.modules_end = 0xffff800080000000,
		.vmalloc_start = 0xffff800080000000,
		.vmalloc_end = 0xfffffc1fbf800000,
		.vmemmap_start = 0xfffffc1fc0000000,
		.vmemmap_end = 0xffffffffc0000000,
	};
	check_expected("v6.9 64K/52 KASAN", &l, &e52);
	/* Running 48-bit: the unused vmemmap goes to vmalloc (VMEMMAP_UNUSED_
	 * NPAGES = (2^52 - 2^48) >> 16 pages of 64 bytes = 0x3c000000000). */
	REQUIRE(synth_layout(&l, "6.9.0", 65536, 52, 48, KC_ARM64_KASAN_NONE));
	CHECK_EQ_U64(l.vmalloc_end.value, 0xfffffc1fbf800000 + 0x3c000000000);
}

/* ------------------------------------------------------------------ */
/* Invariants over every era and configuration                         */

struct range {
	uint64_t start, end; /* end 0: top */
	const char *name;
};

static void add_range(struct range *r, size_t *n, const struct kc_arm64_value *s,
		      const struct kc_arm64_value *e, const char *name)
{
	if (s->known && e->known)
		r[(*n)++] = (struct range){s->value, e->value, name};
}

static void check_invariants(const char *what, const struct kc_arm64_layout *l)
{
	struct range r[8];
	size_t n = 0;
	add_range(r, &n, &l->page_offset, &l->page_end, "linear");
	add_range(r, &n, &l->kasan_shadow_start, &l->kasan_shadow_end, "kasan");
	add_range(r, &n, &l->bpf_jit_start, &l->bpf_jit_end, "bpf");
	add_range(r, &n, &l->modules_vaddr, &l->modules_end, "modules");
	add_range(r, &n, &l->vmalloc_start, &l->vmalloc_end, "vmalloc");
	add_range(r, &n, &l->vmemmap_start, &l->vmemmap_end, "vmemmap");
	CHECK_MSG(n >= 4, "%s: only %zu ranges", what, n);
	uint64_t kernel_base = -(UINT64_C(1) << l->va_bits.value);
	for (size_t i = 0; i < n; i++) {
		CHECK_MSG(r[i].start >= kernel_base, "%s: %s below the kernel half",
			  what, r[i].name);
		CHECK_MSG(r[i].end == 0 || r[i].start < r[i].end,
			  "%s: %s empty or inverted", what, r[i].name);
		CHECK_MSG(!(r[i].start % l->page_size.value) &&
			  !(r[i].end % l->page_size.value),
			  "%s: %s not page aligned", what, r[i].name);
		for (size_t j = 0; j < n; j++) {
			if (i == j)
				continue;
			bool before = r[i].end != 0 && r[i].end <= r[j].start;
			bool after = r[j].end != 0 && r[j].end <= r[i].start;
			/* v6.9 "Reclaim unused vmemmap region for vmalloc use":
			 * with fewer VA bits in use, vmalloc ends inside vmemmap. */
			if (l->era == KC_ARM64_ERA_V6_9 &&
			    l->va_bits_actual.value < l->va_bits.value &&
			    strstr(r[i].name, "vm") && strstr(r[j].name, "vm"))
				continue;
			CHECK_MSG(before || after, "%s: %s and %s overlap", what,
				  r[i].name, r[j].name);
		}
	}
	/* Modules, then vmalloc right after (VMALLOC_START = MODULES_END). */
	CHECK_EQ_U64(l->vmalloc_start.value, l->modules_end.value);
	/* vmemmap holds a struct page for every linear-map page. */
	uint64_t linear_pages = (l->page_end.value - l->page_offset.value) /
				l->page_size.value;
	CHECK_MSG(linear_pages * 64 <= l->vmemmap_end.value - l->vmemmap_start.value,
		  "%s: vmemmap too small", what);
	CHECK_MSG(l->nr_warnings == 0, "%s: %s", what, l->warnings[0]);
	/* The first linear page's struct page is inside vmemmap. */
	uint64_t pa = 0, page = 0;
	if (kc_test_failed())
		return;
	/* The lowest linear address the VA size in use can reach. */
	uint64_t first = -(UINT64_C(1) << l->va_bits_actual.value);
	if (first < l->page_offset.value)
		first = l->page_offset.value;
	struct kc_error *err = kc_arm64_linear_virt_to_phys(l, first, &pa);
	if (!err)
		err = kc_arm64_pfn_to_page(l, pa / l->page_size.value, &page);
	CHECK_MSG(!err, "%s: %s", what, err ? kc_error_message(err) : "");
	kc_error_destroy(err);
	CHECK_MSG(kc_arm64_layout_classify(l, page) == KC_ARM64_REGION_VMEMMAP,
		  "%s: struct page 0x%" PRIx64 " outside vmemmap", what, page);
}

KC_TEST(layout_invariants_every_era)
{
	static const char *const releases[] = {
		"4.9.0", "5.0.0", "5.4.0", "5.11.0", "5.17.0", "5.18.0",
		"6.5.0", "6.9.0", "6.13.0",
	};
	static const struct {
		uint64_t page_size;
		unsigned va_bits, actual;
		const char *since;
	} configs[] = {
		{4096, 39, 39, "4.9"}, {4096, 48, 48, "4.9"},
		{16384, 36, 36, "4.9"}, {16384, 47, 47, "4.9"},
		{16384, 48, 48, "4.9"}, {65536, 42, 42, "4.9"},
		{65536, 48, 48, "4.9"}, {65536, 52, 52, "5.4"},
		{65536, 52, 48, "5.4"}, {4096, 52, 52, "6.9"},
		{4096, 52, 48, "6.9"}, {16384, 52, 52, "6.9"},
		{16384, 52, 47, "6.9"},
	};
	static const enum kc_arm64_kasan kasans[] = {
		KC_ARM64_KASAN_NONE, KC_ARM64_KASAN_GENERIC,
		KC_ARM64_KASAN_SW_TAGS,
	};
	for (size_t r = 0; r < sizeof(releases) / sizeof(releases[0]); r++) {
		for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
			if (strtod(releases[r], NULL) < strtod(configs[c].since, NULL) ||
			    (!strcmp(configs[c].since, "6.9") &&
			     strncmp(releases[r], "6.", 2)) ||
			    (!strcmp(configs[c].since, "6.9") &&
			     strtod(releases[r] + 2, NULL) < 9))
				continue;
			for (size_t k = 0; k < 3; k++) {
				if (kasans[k] == KC_ARM64_KASAN_SW_TAGS &&
				    !strncmp(releases[r], "4.", 2))
					continue;
				char what[96];
				snprintf(what, sizeof(what), "%s %" PRIu64 "K/%u(%u) kasan %zu",
					 releases[r], configs[c].page_size >> 10,
					 configs[c].va_bits, configs[c].actual, k);
				struct kc_arm64_layout l;
				REQUIRE(synth_layout(&l, releases[r], configs[c].page_size,
						     configs[c].va_bits,
						     configs[c].actual, kasans[k]));
				check_invariants(what, &l);
				if (kc_test_failed())
					return;
			}
		}
	}
}

/* ------------------------------------------------------------------ */
/* v4.9: no arm64 VMCOREINFO keys at all                               */

KC_TEST(layout_v4_9_searched_from_symbols_and_loads)
{
	/* A 4K/48 v4.9 kernel, KASLR offset 0x1a3600000, RAM at 1 GiB, linear
	 * map not randomised: _text = KIMAGE_VADDR (0xffff000008000000) +
	 * TEXT_OFFSET + kaslr, loaded at PA 0x40080000. */
	uint64_t kaslr = 0x1a3600000, text = 0xffff000008080000 + kaslr;
	struct kc_arm64_mem_range ram[] = {
		{.phys_start = 0x40000000, .size = 0x80000000, .has_vaddr = true,
		 .vaddr = 0xffff800000000000},
	};
	struct kc_arm64_layout_input in = {0};
	in.osrelease = "4.9.337";
	in.page_size = kc_opt_u64_some(4096);
	in.has_kimage_load = true;
	in.kimage_load_vaddr = text;
	in.kimage_load_paddr = 0x40080000;
	in.mem_ranges = ram;
	in.nr_mem_ranges = 1;
	in.sym_text = kc_opt_u64_some(text);
	in.vmlinux_text = kc_opt_u64_some(0xffff000008080000);
	struct kc_arm64_layout l;
	REQUIRE_OK(kc_arm64_layout_compute(&in, &l));
	CHECK(l.va_bits.provenance == KC_ARM64_PROV_SEARCHED);
	CHECK_EQ_U64(l.va_bits.value, 48);
	CHECK(l.kimage_voffset.provenance == KC_ARM64_PROV_SEARCHED);
	CHECK_EQ_U64(l.kimage_voffset.value, text - 0x40080000);
	CHECK(l.phys_offset.provenance == KC_ARM64_PROV_SEARCHED);
	CHECK_EQ_U64(l.phys_offset.value, 0x40000000);
	CHECK(l.kaslr_offset.provenance == KC_ARM64_PROV_SYMBOL);
	CHECK_EQ_U64(l.kaslr_offset.value, kaslr);
	CHECK_EQ_U64(l.vmalloc_end.value, 0xffff7dffbfff0000);
	CHECK(l.struct_page_size.provenance == KC_ARM64_PROV_ASSUMED);
	CHECK(kc_arm64_layout_classify(&l, text) == KC_ARM64_REGION_VMALLOC);

	/* 39-bit, no linear vaddr: PHYS_OFFSET from RAM rounded to 1G, with a
	 * warning; memstart_addr's value, when given, wins as a symbol. */
	struct kc_arm64_mem_range bare[] = {
		{.phys_start = 0x80200000, .size = 0x40000000},
		{.phys_start = 0x880000000, .size = 0x40000000},
	};
	in.mem_ranges = bare;
	in.nr_mem_ranges = 2;
	in.kimage_load_vaddr = 0xffffff8008080000;
	in.kimage_load_paddr = 0x80280000;
	in.sym_text = kc_opt_u64_some(0xffffff8008080000);
	in.vmlinux_text = kc_opt_u64_some(0xffffff8008080000);
	REQUIRE_OK(kc_arm64_layout_compute(&in, &l));
	CHECK_EQ_U64(l.va_bits.value, 39);
	CHECK_EQ_U64(l.phys_offset.value, 0x80000000);
	CHECK(l.phys_offset.provenance == KC_ARM64_PROV_SEARCHED);
	CHECK(l.nr_warnings == 1 && strstr(l.warnings[0], "PHYS_OFFSET"));
	CHECK_EQ_U64(l.kaslr_offset.value, 0);
	in.memstart_addr_value = kc_opt_u64_some(0xffffffc780000000);
	REQUIRE_OK(kc_arm64_layout_compute(&in, &l));
	CHECK(l.phys_offset.provenance == KC_ARM64_PROV_SYMBOL);
	CHECK_EQ_U64(l.phys_offset.value, 0xffffffc780000000);
	/* Negative PHYS_OFFSET: (pa - PHYS_OFFSET) | PAGE_OFFSET mod 2^64. */
	uint64_t va = 0;
	REQUIRE_OK(kc_arm64_linear_phys_to_virt(&l, 0x80200000, &va));
	CHECK_EQ_U64(va, 0xffffffc000000000 | (0x80200000 - 0xffffffc780000000));
}

/* ------------------------------------------------------------------ */
/* Cross-checks, display rows, errors                                  */

KC_TEST(layout_export_mismatch_is_a_warning)
{
	struct kc_arm64_layout_input in =
		synth("6.1.0", 4096, 48, 48, KC_ARM64_KASAN_NONE);
	in.vmalloc_end = kc_opt_u64_some(0xfffffbfff0000000 - 0x10000);
	in.vmemmap_start = kc_opt_u64_some(0xfffffc0000000000);
	struct kc_arm64_layout l;
	REQUIRE_OK(kc_arm64_layout_compute(&in, &l));
	CHECK_EQ_U64(l.vmalloc_end.value, 0xfffffbfff0000000 - 0x10000);
	CHECK(l.vmalloc_end.provenance == KC_ARM64_PROV_EXPORTED);
	CHECK(!l.vmalloc_end.cross_checked);
	CHECK(l.vmemmap_start.cross_checked);
	CHECK(l.nr_warnings == 1 && strstr(l.warnings[0], "VMALLOC_END"));
	/* Only some keys exported (later kernels drop VMALLOC_START from the
	 * arm64 list): the rest is derived. */
	CHECK(l.vmalloc_start.provenance == KC_ARM64_PROV_DERIVED);
}

KC_TEST(layout_rows_carry_provenance)
{
	struct kc_vmcoreinfo *info = load_vmcoreinfo("arm64-6.1-4k48", NULL);
	if (!info)
		return;
	struct kc_arm64_layout_input in = {0};
	struct kc_arm64_layout l;
	if (compute_from(info, &in, &l)) {
		size_t n = kc_arm64_layout_rows(&l, NULL, 0);
		REQUIRE(n > 10);
		struct kc_arm64_layout_row rows[64];
		REQUIRE(n <= 64);
		CHECK(kc_arm64_layout_rows(&l, rows, n) == n);
		bool seen_vmalloc = false, seen_bpf = false;
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(rows[i].name, "VMALLOC_END")) {
				seen_vmalloc = true;
				CHECK_EQ_U64(rows[i].value, 0xfffffbfff0000000);
				CHECK_STR(rows[i].provenance, "exported: NUMBER(VMALLOC_END) "
					  "(agrees with the derivation)");
			}
			if (!strcmp(rows[i].name, "BPF_JIT_REGION_START")) {
				seen_bpf = true;
				CHECK(!rows[i].known);
				CHECK(strstr(rows[i].provenance, "unknown: no BPF") != NULL);
			}
			if (!strcmp(rows[i].name, "PAGE_OFFSET"))
				CHECK(strstr(rows[i].provenance, "derived: v5.11") != NULL);
		}
		CHECK(seen_vmalloc && seen_bpf);
	}
	kc_vmcoreinfo_destroy(info);
}

KC_TEST(layout_bad_input_and_unknowns)
{
	struct kc_arm64_layout l;
	struct kc_arm64_layout_input in =
		synth("6.1.0", 8192, 48, 48, KC_ARM64_KASAN_NONE);
	struct kc_error *err = kc_arm64_layout_compute(&in, &l);
	CHECK(err && err->code == KC_ERR_FORMAT);
	kc_error_destroy(err);
	in = synth("6.1.0", 4096, 48, 48, KC_ARM64_KASAN_NONE);
	in.tcr_el1_t1sz = kc_opt_u64_some(5);
	err = kc_arm64_layout_compute(&in, &l);
	CHECK(err && err->code == KC_ERR_FORMAT);
	kc_error_destroy(err);

	/* No OSRELEASE: exports are kept, the rest unknown with a reason. */
	in = synth(NULL, 4096, 48, 48, KC_ARM64_KASAN_UNKNOWN);
	in.modules_vaddr = kc_opt_u64_some(0xffff800000000000);
	REQUIRE_OK(kc_arm64_layout_compute(&in, &l));
	CHECK(l.era == KC_ARM64_ERA_UNKNOWN);
	CHECK(l.modules_vaddr.known);
	CHECK(!l.vmalloc_end.known && strstr(l.vmalloc_end.source, "OSRELEASE"));
	CHECK(strstr(l.kasan_source, "assumed off") != NULL);
	uint64_t pa;
	err = kc_arm64_linear_virt_to_phys(&l, 0xffff000000001000, &pa);
	CHECK(err && err->code == KC_ERR_UNSUPPORTED);
	kc_error_destroy(err);
	CHECK(kc_arm64_layout_classify(&l, 0xffff800000001000) ==
	      KC_ARM64_REGION_UNKNOWN);
	/* 52-bit without TCR_EL1_T1SZ (pre-v5.9) or a linear address:
	 * assumed, and said so. */
	in = synth("5.8.0", 65536, 52, 52, KC_ARM64_KASAN_NONE);
	in.tcr_el1_t1sz.known = false;
	REQUIRE_OK(kc_arm64_layout_compute(&in, &l));
	CHECK(l.va_bits_actual.provenance == KC_ARM64_PROV_ASSUMED);
	CHECK(l.nr_warnings == 1);
}
