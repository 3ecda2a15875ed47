/* SPDX-License-Identifier: MIT */
/*
 * Every dump format of the same real crash must agree: for each fixture in
 * ../shared/fixtures, the raw /proc/vmcore ELF copy is the reference and
 * every other dump of that crash (filtered ELF, kdump zlib/lzo/zstd/raw)
 * must return byte-identical pages wherever it holds them, report the rest
 * of RAM as excluded (never as zeros), and carry the same VMCOREINFO. QEMU's
 * dumps were taken at another moment and are compared with each other.
 */
#include <stdlib.h>
#include <unistd.h>

#include "error.h"
#include "harness.h"
#include "vmcore/dump.h"
#include "vmcoreinfo.h"

/* The dumps of each fixture written from the crash (kdump path). */
static const char *const crash_dumps[] = {
	"vmcore.elf-d31.zst",
	"vmcore.kdump-zlib",
	"vmcore.kdump-lzo",
	"vmcore.kdump-zstd",
	"vmcore.kdump-nocomp-d31.zst",
};

static bool fixture_has(const char *fixture, const char *file)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/%s", kc_test_fixtures_dir(),
		 fixture, file);
	return access(path, R_OK) == 0;
}

struct compare_stats {
	uint64_t present, excluded, other;
	uint64_t mismatched, unreadable;
};

/*
 * Walk every page of REF's ranges: where DUMP has the page, its bytes must
 * equal REF's; where it does not, it must say excluded (a filtered dump
 * keeps the whole of RAM in its bitmap).
 */
static void compare_with_reference(struct kc_dump *ref, struct kc_dump *dump,
				   const char *name, struct compare_stats *st)
{
	uint64_t page_size = dump->page_size;
	uint8_t *a = malloc(page_size), *b = malloc(page_size);
	if (!a || !b) {
		free(a);
		free(b);
		CHECK(!"out of memory");
		return;
	}
	for (size_t r = 0; r < ref->nr_ranges; r++) {
		uint64_t start = ref->ranges[r].start & ~(page_size - 1);
		for (uint64_t addr = start; addr < ref->ranges[r].end; addr += page_size) {
			/* Only whole pages the reference holds. */
			if (addr < ref->ranges[r].start ||
			    addr + page_size > ref->ranges[r].end)
				continue;
			enum kc_page_state state = kc_dump_page_state(dump, addr);
			if (state == KC_PAGE_EXCLUDED) {
				st->excluded++;
				continue;
			}
			if (state != KC_PAGE_PRESENT) {
				if (st->other++ < 3)
					CHECK_MSG(false, "%s: page 0x%llx is %s, expected present or excluded",
						  name, (unsigned long long)addr,
						  kc_page_state_name(state));
				continue;
			}
			st->present++;
			struct kc_error *err = kc_dump_read_phys(dump, addr, a, page_size);
			if (!err)
				err = kc_dump_read_phys(ref, addr, b, page_size);
			if (err) {
				if (st->unreadable++ < 3)
					CHECK_MSG(false, "%s: page 0x%llx: %s", name,
						  (unsigned long long)addr,
						  kc_error_message(err));
				kc_error_destroy(err);
				continue;
			}
			if (memcmp(a, b, page_size) != 0 && st->mismatched++ < 3)
				CHECK_MSG(false, "%s: page 0x%llx differs from the raw ELF",
					  name, (unsigned long long)addr);
		}
	}
	free(a);
	free(b);
}

/* The physical address of vmlinux symbol NAME (from System.map). */
static bool symbol_paddr(const char *fixture, struct kc_dump *dump,
			 const char *name, uint64_t *paddr)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/System.map", kc_test_fixtures_dir(), fixture);
	char *map = kc_test_read_file(path, NULL);
	struct kc_vmcoreinfo *info = NULL;
	bool found = false;
	if (!map || !dump->vmcoreinfo ||
	    kc_vmcoreinfo_parse(dump->vmcoreinfo, dump->vmcoreinfo_size, &info))
		goto out;
	uint64_t kaslr = 0, link_addr = 0;
	int64_t kimage_voffset = 0;
	if (kc_vmcoreinfo_u64(info, "KERNELOFFSET", &kaslr) ||
	    kc_vmcoreinfo_number(info, "kimage_voffset", &kimage_voffset))
		goto out;
	for (char *line = strtok(map, "\n"); line; line = strtok(NULL, "\n")) {
		char sym[256];
		char type;
		unsigned long long addr;
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) == 3 &&
		    strcmp(sym, name) == 0) {
			link_addr = addr;
			found = true;
			break;
		}
	}
	/* __pa_symbol(): VA - kimage_voffset (arch/arm64/include/asm/memory.h, v4.6+). */
	if (found)
		*paddr = link_addr + kaslr - (uint64_t)kimage_voffset;
out:
	kc_vmcoreinfo_destroy(info);
	free(map);
	return found;
}

/* linux_banner, read through the dump, names the release in VMCOREINFO. */
static void check_banner(const char *fixture, struct kc_dump *dump, const char *name)
{
	uint64_t paddr;
	REQUIRE(symbol_paddr(fixture, dump, "linux_banner", &paddr));
	char banner[128] = {0};
	REQUIRE_OK(kc_dump_read_phys(dump, paddr, banner, sizeof(banner) - 1));
	const char *rel = strstr(dump->vmcoreinfo, "OSRELEASE=");
	REQUIRE(rel);
	rel += strlen("OSRELEASE=");
	char expected[128];
	snprintf(expected, sizeof(expected), "Linux version %.*s ",
		 (int)strcspn(rel, "\n"), rel);
	CHECK_MSG(strncmp(banner, expected, strlen(expected)) == 0,
		  "%s: linux_banner at 0x%llx reads \"%.40s\", expected \"%s\"",
		  name, (unsigned long long)paddr, banner, expected);
}

static void check_vmcoreinfo(const char *fixture, const char *txt,
			     struct kc_dump *dump, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/%s", kc_test_fixtures_dir(), fixture, txt);
	char *expected = kc_test_read_file(path, NULL);
	REQUIRE(expected);
	REQUIRE(dump->vmcoreinfo);
	CHECK_MSG(strcmp(dump->vmcoreinfo, expected) == 0,
		  "%s: VMCOREINFO differs from %s", name, txt);
	free(expected);
}

static void check_crash_formats(const char *fixture)
{
	KC_FIXTURE_OR_RETURN(ref_path, fixture, "vmcore.elf.zst");
	struct kc_dump *ref;
	REQUIRE_OK(kc_dump_open(ref_path, NULL, &ref));
	check_vmcoreinfo(fixture, "vmcoreinfo.txt", ref, "vmcore.elf");
	check_banner(fixture, ref, "vmcore.elf");
	unsigned compared = 0;
	for (size_t i = 0; i < sizeof(crash_dumps) / sizeof(crash_dumps[0]); i++) {
		if (!fixture_has(fixture, crash_dumps[i]))
			continue; /* the lean fixtures keep fewer formats */
		const char *path = kc_test_fixture(fixture, crash_dumps[i]);
		if (!path)
			continue;
		struct kc_dump *dump;
		struct kc_error *err = kc_dump_open(path, NULL, &dump);
		if (err) {
			CHECK_MSG(false, "%s: %s", crash_dumps[i], kc_error_message(err));
			kc_error_destroy(err);
			continue;
		}
		check_vmcoreinfo(fixture, "vmcoreinfo.txt", dump, crash_dumps[i]);
		check_banner(fixture, dump, crash_dumps[i]);
		struct compare_stats st = {0};
		compare_with_reference(ref, dump, crash_dumps[i], &st);
		printf("    %s/%s: %llu pages identical to the raw ELF, %llu excluded\n",
		       fixture, crash_dumps[i], (unsigned long long)st.present,
		       (unsigned long long)st.excluded);
		CHECK_MSG(st.present * dump->page_size > (16u << 20), "%s: only %llu pages present",
			  crash_dumps[i], (unsigned long long)st.present);
		/* -d 31 drops free, cache, user and zero pages: some must go. */
		CHECK_MSG(st.excluded > 0, "%s: no page reported excluded",
			  crash_dumps[i]);
		CHECK_EQ_U64(st.mismatched, 0);
		CHECK_EQ_U64(st.unreadable, 0);
		CHECK_EQ_U64(st.other, 0);
		if (st.excluded) {
			/* Reading an excluded page fails as excluded, never zeros. */
			uint64_t addr = 0;
			for (size_t r = 0; r < dump->nr_ranges && !addr; r++) {
				for (uint64_t a = dump->ranges[r].start;
				     a < dump->ranges[r].end; a += dump->page_size) {
					if (kc_dump_page_state(dump, a) == KC_PAGE_EXCLUDED) {
						addr = a;
						break;
					}
				}
			}
			uint8_t byte;
			err = kc_dump_read_phys(dump, addr, &byte, 1);
			CHECK_MSG(err && err->code == KC_ERR_EXCLUDED,
				  "%s: reading excluded page 0x%llx: %s", crash_dumps[i],
				  (unsigned long long)addr,
				  err ? kc_error_message(err) : "succeeded");
			kc_error_destroy(err);
		}
		kc_dump_close(dump);
		compared++;
	}
	CHECK(compared >= 1);
	kc_dump_close(ref);
}

KC_TEST(fixture_formats_agree_4k48) { check_crash_formats("arm64-6.1-4k48"); }
KC_TEST(fixture_formats_agree_16k47) { check_crash_formats("arm64-6.1-16k47"); }
KC_TEST(fixture_formats_agree_64k52) { check_crash_formats("arm64-6.1-64k52"); }
KC_TEST(fixture_formats_agree_5_10_4k39) { check_crash_formats("arm64-5.10-4k39"); }

/* Read every page QEMU's kdump file holds; decompression must never fail. */
static void check_qemu_kdump(const char *fixture, const char *file)
{
	KC_FIXTURE_OR_RETURN(path, fixture, file);
	struct kc_dump *dump;
	REQUIRE_OK(kc_dump_open(path, NULL, &dump));
	check_vmcoreinfo(fixture, "qemu-vmcoreinfo.txt", dump, file);
	check_banner(fixture, dump, file);
	uint8_t *page = malloc(dump->page_size);
	REQUIRE(page);
	uint64_t pages = 0, failures = 0;
	for (size_t r = 0; r < dump->nr_ranges; r++) {
		for (uint64_t a = dump->ranges[r].start; a < dump->ranges[r].end;
		     a += dump->page_size) {
			struct kc_error *err = kc_dump_read_phys(dump, a, page, dump->page_size);
			if (err && failures++ < 3)
				CHECK_MSG(false, "%s: %s", file, kc_error_message(err));
			kc_error_destroy(err);
			pages++;
		}
	}
	CHECK(pages > 0);
	CHECK_EQ_U64(failures, 0);
	free(page);
	kc_dump_close(dump);
}

KC_TEST(fixture_qemu_kdump_16k47) { check_qemu_kdump("arm64-6.1-16k47", "qemu.kdump-zlib"); }
KC_TEST(fixture_qemu_kdump_64k52) { check_qemu_kdump("arm64-6.1-64k52", "qemu.kdump-zlib"); }

/* QEMU's ELF and its flattened kdump-zlib of the same instant agree. */
KC_TEST(fixture_qemu_elf_and_flat_kdump_agree_4k48)
{
	const char *fixture = "arm64-6.1-4k48";
	KC_FIXTURE_OR_RETURN(elf_path, fixture, "qemu.elf.zst");
	KC_FIXTURE_OR_RETURN(flat_path, fixture, "qemu.kdump-zlib.flat");
	struct kc_dump *elf, *flat;
	REQUIRE_OK(kc_dump_open(elf_path, NULL, &elf));
	struct kc_error *err = kc_dump_open(flat_path, NULL, &flat);
	if (err) {
		kc_dump_close(elf);
		REQUIRE_OK(err);
	}
	CHECK(flat->flattened);
	check_vmcoreinfo(fixture, "qemu-vmcoreinfo.txt", elf, "qemu.elf");
	check_vmcoreinfo(fixture, "qemu-vmcoreinfo.txt", flat, "qemu.kdump-zlib.flat");
	check_banner(fixture, flat, "qemu.kdump-zlib.flat");
	CHECK_EQ_U64(elf->nr_prstatus, 2);
	struct compare_stats st = {0};
	compare_with_reference(elf, flat, "qemu.kdump-zlib.flat", &st);
	printf("    %s/qemu.kdump-zlib.flat: %llu pages identical to qemu.elf\n",
	       fixture, (unsigned long long)st.present);
	CHECK(st.present > 1000);
	CHECK_EQ_U64(st.excluded, 0); /* QEMU does not filter */
	CHECK_EQ_U64(st.mismatched, 0);
	CHECK_EQ_U64(st.unreadable, 0);
	CHECK_EQ_U64(st.other, 0);
	kc_dump_close(flat);
	kc_dump_close(elf);
}
