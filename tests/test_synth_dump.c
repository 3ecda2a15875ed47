/* SPDX-License-Identifier: MIT */
/*
 * The whole path a user takes, on synthetic dumps of every layout era and
 * page-table geometry (synth_dump.h): ELF core -> kc_session_open (no
 * vmlinux) -> VMCOREINFO -> layout -> geometry -> swapper_pg_dir ->
 * translation. Each dump is checked through the API (patterns read back
 * from kernel-image, linear-map, vmalloc and module pages; unmapped
 * addresses fail naming the level) and through the kcrash binary (vtop's
 * levels and PHYSICAL, mach -l's ranges with their provenance).
 */
#include <ctype.h>
#include <stdlib.h>
#include <unistd.h>

#include "arm64/mmu.h"
#include "harness.h"
#include "session.h"
#include "synth_dump.h"

struct geometry {
	unsigned page_shift, va_bits, va_bits_actual, pa_bits;
};

/* Every granule / VA size Linux builds; 52-bit kernels also on CPUs
 * without 52-bit VAs (TCR_EL1.T1SZ 16, or 17 for 16K pages). */
static const struct geometry geometries[] = {
	{12, 39, 39, 48}, {12, 48, 48, 48}, {14, 47, 47, 48},
	{16, 42, 42, 48}, {16, 48, 48, 48}, {16, 52, 52, 52},
	{16, 52, 48, 52}, {12, 52, 52, 52}, {12, 52, 48, 52},
	{14, 52, 52, 52}, {14, 52, 47, 52},
};

struct release {
	unsigned version;
	bool export_ranges;
};

/* crash's vtop level names for the number of levels walked. */
static const char *level_name(unsigned nr_levels, int level)
{
	static const char *const names[6][5] = {
		[2] = {"PGD", "PTE"},
		[3] = {"PGD", "PMD", "PTE"},
		[4] = {"PGD", "PUD", "PMD", "PTE"},
		[5] = {"PGD", "P4D", "PUD", "PMD", "PTE"},
	};
	int root = 4 - (int)nr_levels;
	if (nr_levels < 2 || nr_levels > 5 || level < root || level > 3)
		return "?";
	return names[nr_levels][level - root];
}

static unsigned levels_walked(const struct synth_dump *d)
{
	return (unsigned)(4 - synth_root_level(d->pgt));
}

struct run {
	const struct synth_dump *d;
	char label[96];
	const char *path;
	unsigned checked;
};

static bool message_names_level(const struct kc_error *err, const char *name)
{
	char lower[8] = "";
	for (size_t i = 0; name[i] && i < sizeof(lower) - 1; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	char needle[16];
	snprintf(needle, sizeof(needle), ": %s entry", lower);
	return strstr(kc_error_message(err), needle) != NULL;
}

static void check_probes(struct run *r, struct kc_arm64_mmu *mmu)
{
	const struct synth_dump *d = r->d;
	uint64_t page = UINT64_C(1) << d->cfg.page_shift;
	uint64_t *words = malloc(page);
	if (!words)
		return;
	for (size_t i = 0; i < d->nr_probes; i++) {
		const struct synth_probe *p = &d->probes[i];
		const char *kind = synth_probe_kind_name(p->kind);
		struct kc_error *err = kc_arm64_read_kvirt(mmu, p->va, words, page);
		if (err) {
			CHECK_MSG(false, "%s: %s 0x%llx: %s", r->label, kind,
				  (unsigned long long)p->va, kc_error_message(err));
			kc_error_destroy(err);
			continue;
		}
		uint64_t bad = 0;
		for (uint64_t w = 0; w < page / 8; w++)
			bad += words[w] != synth_dump_word(p->tag, w);
		CHECK_MSG(bad == 0, "%s: %s 0x%llx: %llu words differ from its pattern",
			  r->label, kind, (unsigned long long)p->va, (unsigned long long)bad);
		/* The formulas (linear map, image) and the tables agree. */
		for (int mode = 0; mode < 2; mode++) {
			mmu->use_fast_paths = mode == 0;
			mmu->use_tlb = mode == 0;
			uint64_t pa = 0;
			err = kc_arm64_kvtop(mmu, p->va, &pa);
			CHECK_MSG(!err && pa == p->pa, "%s: %s 0x%llx %s: 0x%llx (%s), expected 0x%llx",
				  r->label, kind, (unsigned long long)p->va,
				  mode ? "walked" : "fast path", (unsigned long long)pa,
				  err ? kc_error_message(err) : "ok", (unsigned long long)p->pa);
			kc_error_destroy(err);
		}
		mmu->use_fast_paths = true;
		mmu->use_tlb = true;
		r->checked++;
	}
	free(words);
}

static void check_holes(struct run *r, struct kc_arm64_mmu *mmu)
{
	const struct synth_dump *d = r->d;
	for (size_t i = 0; i < d->nr_holes; i++) {
		const struct synth_hole *h = &d->holes[i];
		const char *name = level_name(levels_walked(d), h->level);
		uint64_t word;
		struct kc_error *err = kc_arm64_read_u64(mmu, h->va, &word);
		CHECK_MSG(err && err->code == KC_ERR_FAULT && message_names_level(err, name),
			  "%s: %s 0x%llx: expected a fault at the %s, got: %s", r->label,
			  h->what, (unsigned long long)h->va, name,
			  err ? kc_error_message(err) : "a successful read");
		kc_error_destroy(err);
		r->checked++;
	}
}

/* One vtop block of kcrash's output: VIRTUAL/PHYSICAL, then the levels. */
static void check_vtop_block(struct run *r, const char *block, uint64_t va,
			     bool mapped, uint64_t pa, int last_level)
{
	const struct synth_dump *d = r->d;
	char head[128];
	if (mapped)
		snprintf(head, sizeof(head), "VIRTUAL           PHYSICAL        \n%-16llx  %-16llx\n",
			 (unsigned long long)va, (unsigned long long)pa);
	else
		snprintf(head, sizeof(head), "VIRTUAL           PHYSICAL        \n%-16llx  %-16s\n",
			 (unsigned long long)va, "(not mapped)");
	if (!CHECK_MSG(block && strncmp(block, head, strlen(head)) == 0,
		       "%s: vtop %llx printed:\n%.400s", r->label, (unsigned long long)va,
		       block ? block : "(nothing)"))
		return;
	unsigned walked = levels_walked(d);
	int root = 4 - (int)walked;
	const char *end = strstr(block + 1, "VIRTUAL  ");
	if (!end)
		end = strstr(block, "\nlayout era: ");
	const char *p = strstr(block, "PAGE DIRECTORY: ");
	int level = root;
	for (; p && (p = strstr(p, "\n   ")) && (!end || p < end) && p[4] != ' '; level++) {
		char expected[16];
		snprintf(expected, sizeof(expected), "\n   %s: ", level_name(walked, level));
		if (!CHECK_MSG(strncmp(p, expected, strlen(expected)) == 0,
			       "%s: vtop %llx: level line %d is not %s:\n%.600s", r->label,
			       (unsigned long long)va, level - root, expected + 4, block))
			return;
		p++;
	}
	CHECK_MSG(level == last_level + 1, "%s: vtop %llx shows %d levels, expected %d:\n%.600s",
		  r->label, (unsigned long long)va, level - root, last_level - root + 1, block);
	const char *warning = strstr(block, "WARNING");
	CHECK_MSG(!warning || (end && warning > end), "%s: vtop %llx warned:\n%.600s",
		  r->label, (unsigned long long)va, block);
}

static const struct synth_probe *probe_of(const struct synth_dump *d,
					  enum synth_probe_kind kind, size_t nth)
{
	for (size_t i = 0; i < d->nr_probes; i++)
		if (d->probes[i].kind == kind && nth-- == 0)
			return &d->probes[i];
	return NULL;
}

/* mach -l: each range with the value the kernel has, exported or derived. */
static void check_mach_row(struct run *r, const char *out, const char *name,
			   uint64_t value, bool exported)
{
	char line[160];
	if (exported)
		snprintf(line, sizeof(line), "\n%-20s %016llx  exported: NUMBER(%s)", name,
			 (unsigned long long)value, name);
	else
		snprintf(line, sizeof(line), "\n%-20s %016llx  derived: ", name,
			 (unsigned long long)value);
	const char *at = strstr(out, "\nlayout era: ");
	CHECK_MSG(at && strstr(at, line), "%s: mach -l lacks \"%s\":\n%s", r->label, line + 1,
		  at ? at : out);
}

/*
 * v5.4..v5.8 52-bit kernels: only a linear-map p_vaddr says whether the
 * CPU walks 52 bits; without one the layout assumes 52 and must say so.
 */
static bool expect_va_warning(const struct synth_dump *d)
{
	return d->cfg.va_bits == 52 && !d->has_t1sz && !d->cfg.kernel_loads;
}

static void check_cli(struct run *r)
{
	const struct synth_dump *d = r->d;
	const struct synth_probe *probes[] = {
		probe_of(d, SYNTH_PROBE_KIMAGE, 0), probe_of(d, SYNTH_PROBE_LINEAR, 0),
		probe_of(d, SYNTH_PROBE_LINEAR, 1), probe_of(d, SYNTH_PROBE_VMALLOC, 1),
		probe_of(d, SYNTH_PROBE_VMALLOC, 4), probe_of(d, SYNTH_PROBE_MODULE, 0),
	};
	enum { NR = sizeof(probes) / sizeof(probes[0]) };
	char cmds[2048] = "";
	size_t len = 0;
	for (size_t i = 0; i < NR; i++)
		len += (size_t)snprintf(cmds + len, sizeof(cmds) - len, "vtop %llx; ",
					(unsigned long long)probes[i]->va);
	for (size_t i = 0; i < d->nr_holes; i++)
		len += (size_t)snprintf(cmds + len, sizeof(cmds) - len, "vtop %llx; ",
					(unsigned long long)d->holes[i].va);
	snprintf(cmds + len, sizeof(cmds) - len, "mach -l");
	char args[4096];
	snprintf(args, sizeof(args), "-s -c '%s' '%s'", cmds, r->path);
	char *out = NULL, *err = NULL;
	kc_test_run_kcrash(args, &out, &err);
	if (!CHECK_MSG(out != NULL, "%s: kcrash printed nothing", r->label))
		goto done;
	const char *block = out;
	for (size_t i = 0; i < NR; i++) {
		struct synth_expect e = synth_lookup(d->pgt, probes[i]->va);
		check_vtop_block(r, block, probes[i]->va, true, probes[i]->pa, e.level);
		block = block ? strstr(block + 1, "VIRTUAL  ") : NULL;
	}
	for (size_t i = 0; i < d->nr_holes; i++) {
		check_vtop_block(r, block, d->holes[i].va, false, 0, d->holes[i].level);
		block = block ? strstr(block + 1, "VIRTUAL  ") : NULL;
	}
	bool ex = d->ranges_exported;
	check_mach_row(r, out, "MODULES_VADDR", d->modules_vaddr, ex);
	check_mach_row(r, out, "MODULES_END", d->modules_end, ex);
	check_mach_row(r, out, "VMALLOC_START", d->vmalloc_start, ex);
	check_mach_row(r, out, "VMALLOC_END", d->vmalloc_end, ex);
	check_mach_row(r, out, "VMEMMAP_START", d->vmemmap_start, ex);
	check_mach_row(r, out, "VMEMMAP_END", d->vmemmap_end, ex);
	char line[128];
	snprintf(line, sizeof(line), "\nPHYS_OFFSET          %016llx  %s",
		 (unsigned long long)d->phys_offset, d->has_arch_keys ? "exported" : "searched");
	CHECK_MSG(strstr(out, line), "%s: mach -l lacks \"%s\"", r->label, line + 1);
	snprintf(line, sizeof(line), "\nkimage_voffset       %016llx  ",
		 (unsigned long long)d->kimage_voffset);
	CHECK_MSG(strstr(out, line), "%s: mach -l lacks \"%s\"", r->label, line + 1);
	snprintf(line, sizeof(line), "\npage tables          %u levels", levels_walked(d));
	CHECK_MSG(strstr(out, line), "%s: mach -l lacks \"%s\"", r->label, line + 1);
	const char *warning = strstr(out, "\nWARNING: ");
	CHECK_MSG(!warning || (expect_va_warning(d) && strstr(warning, "assumed 52") &&
			       !strstr(warning + 1, "\nWARNING: ")),
		  "%s: mach -l warned:\n%s", r->label, warning);
	r->checked++;
done:
	free(out);
	free(err);
}

static void label_of(struct run *r, const struct synth_dump_config *cfg)
{
	snprintf(r->label, sizeof(r->label), "%u.%u %uK/%u%s%s %s%s%s", cfg->version / 1000,
		 cfg->version % 1000, 1u << (cfg->page_shift - 10), cfg->va_bits,
		 cfg->va_bits_actual != cfg->va_bits ? "@" : "",
		 cfg->va_bits_actual != cfg->va_bits ? (cfg->va_bits_actual == 48 ? "48" : "47") : "",
		 cfg->kernel_loads ? "kexec-ELF" : "QEMU-ELF",
		 cfg->export_ranges ? " +ranges" : "", cfg->randomize_linear ? " rnd" : "");
}

/* A dump that the dump alone cannot describe must say what is missing. */
static bool expect_no_mmu(const struct synth_dump *d)
{
	return !d->has_arch_keys && !d->cfg.kernel_loads;
}

static void check_dump(const struct synth_dump_config *cfg, unsigned *nr_dumps,
		       unsigned *nr_checks)
{
	struct run r = {0};
	label_of(&r, cfg);
	const char *why = NULL;
	struct synth_dump *d = synth_dump_create(cfg, &why);
	if (!d) {
		CHECK_MSG(why && strcmp(why, "not a configuration this release builds") == 0,
			  "%s: %s", r.label, why ? why : "?");
		return;
	}
	r.d = d;
	char path[4096];
	snprintf(path, sizeof(path), "%s/synth-%d.elf", kc_test_scratch_dir(), (int)getpid());
	r.path = path;
	struct kc_error *err = synth_dump_write(d, path);
	if (err) {
		CHECK_MSG(false, "%s: %s", r.label, kc_error_message(err));
		kc_error_destroy(err);
		synth_dump_destroy(d);
		return;
	}
	struct kc_session_options opts = {.dump_paths = (const char *const[]){path},
					  .nr_dump_paths = 1};
	struct kc_session *session = NULL;
	err = kc_session_open(&opts, &session);
	if (err) {
		CHECK_MSG(false, "%s: %s", r.label, kc_error_message(err));
		kc_error_destroy(err);
	} else if (expect_no_mmu(d)) {
		CHECK_MSG(!session->mmu && session->mmu_error &&
			  strstr(kc_error_message(session->mmu_error), "kimage_voffset"),
			  "%s: expected no MMU for lack of kimage_voffset, got %s", r.label,
			  session->mmu_error ? kc_error_message(session->mmu_error) : "an MMU");
		r.checked++;
	} else if (!session->mmu) {
		CHECK_MSG(false, "%s: no MMU: %s", r.label,
			  session->mmu_error ? kc_error_message(session->mmu_error) : "?");
	} else {
		const struct kc_arm64_layout *layout = &session->mmu->layout;
		for (size_t i = 0; i < layout->nr_warnings; i++)
			CHECK_MSG(expect_va_warning(d) && layout->nr_warnings == 1 &&
				  strstr(layout->warnings[i], "assumed 52"), "%s: layout warning: %s", r.label, layout->warnings[i]);
		check_probes(&r, session->mmu);
		check_holes(&r, session->mmu);
		check_cli(&r);
	}
	kc_session_destroy(session);
	unlink(path);
	synth_dump_destroy(d);
	(*nr_dumps)++;
	*nr_checks += r.checked;
}

/*
 * Releases of ERA, each with every geometry, QEMU- and kexec-style program
 * headers; the linear map randomised on every other dump.
 */
static void check_era(enum synth_era era, const struct release *releases, size_t nr)
{
	unsigned nr_dumps = 0, nr_checks = 0, slot = 0;
	for (size_t i = 0; i < nr; i++) {
		REQUIRE(synth_era_of(releases[i].version) == era);
		for (size_t g = 0; g < sizeof(geometries) / sizeof(geometries[0]); g++) {
			for (int kexec = 0; kexec < 2; kexec++) {
				const struct geometry *geo = &geometries[g];
				struct synth_dump_config cfg = {
					.version = releases[i].version,
					.page_shift = geo->page_shift,
					.va_bits = geo->va_bits,
					.va_bits_actual = geo->va_bits_actual,
					.pa_bits = geo->pa_bits,
					.kernel_loads = kexec,
					.export_ranges = releases[i].export_ranges,
					.randomize_linear = slot % 2,
					.kaslr_slot = slot % 7,
				};
				/* Before v5.9 nothing says a 52-bit kernel runs with
				 * 48 bits but a linear-map p_vaddr. */
				if (geo->va_bits_actual != geo->va_bits && !kexec &&
				    releases[i].version < SYNTH_VERSION(5, 9))
					continue;
				slot++;
				check_dump(&cfg, &nr_dumps, &nr_checks);
			}
		}
	}
	printf("    %s: %u dumps, %u checks\n", synth_era_name(era), nr_dumps, nr_checks);
	CHECK(nr_dumps > 0);
}

#define RELEASES(...) (const struct release[]){__VA_ARGS__}, \
	sizeof((const struct release[]){__VA_ARGS__}) / sizeof(struct release)

/* v4.9: no arm64 keys; v4.14: VA_BITS, kimage_voffset, PHYS_OFFSET; v4.19:
 * KERNELOFFSET too. */
KC_TEST(synth_dump_v4_9)
{
	check_era(SYNTH_ERA_V4_9, RELEASES({SYNTH_VERSION(4, 9), false},
					   {SYNTH_VERSION(4, 14), false},
					   {SYNTH_VERSION(4, 19), false}));
}

KC_TEST(synth_dump_v5_0)
{
	check_era(SYNTH_ERA_V5_0, RELEASES({SYNTH_VERSION(5, 0), false}));
}

/* v5.4 without TCR_EL1_T1SZ, v5.10 with it. */
KC_TEST(synth_dump_v5_4)
{
	check_era(SYNTH_ERA_V5_4, RELEASES({SYNTH_VERSION(5, 4), false},
					   {SYNTH_VERSION(5, 10), false}));
}

KC_TEST(synth_dump_v5_11)
{
	check_era(SYNTH_ERA_V5_11, RELEASES({SYNTH_VERSION(5, 11), false}));
}

/* v5.17 has no range exports, v6.1 (v5.18+) has them. */
KC_TEST(synth_dump_v5_17)
{
	check_era(SYNTH_ERA_V5_17, RELEASES({SYNTH_VERSION(5, 17), false},
					    {SYNTH_VERSION(6, 1), true}));
}

KC_TEST(synth_dump_v6_5)
{
	check_era(SYNTH_ERA_V6_5, RELEASES({SYNTH_VERSION(6, 5), false},
					   {SYNTH_VERSION(6, 5), true}));
}

KC_TEST(synth_dump_v6_9)
{
	check_era(SYNTH_ERA_V6_9, RELEASES({SYNTH_VERSION(6, 9), false},
					   {SYNTH_VERSION(6, 9), true}));
}
