/* SPDX-License-Identifier: MIT */
/*
 * Virtual memory on the real fixtures, through the session as the commands
 * use it: the test module's vmalloc buffer and kmalloc objects read back
 * with the contents the module wrote, the fast paths agree with the page
 * tables, kernel text matches the vmlinux file, and vtop/ptov/rd print it.
 */
#include <gelf.h>
#include <libelf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "arm64/mmu.h"
#include "harness.h"
#include "session.h"
#include "symtab.h"

static bool fixture_has(const char *fixture, const char *file)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/%s", kc_test_fixtures_dir(), fixture, file);
	return access(path, R_OK) == 0;
}

/* A session whose MMU could be set up. */
static struct kc_session *open_session(const char *fixture, const char *dump_file)
{
	struct kc_session *session = kc_test_open_session(fixture, dump_file);
	if (session && !session->mmu) {
		CHECK_MSG(false, "%s/%s: no MMU: %s", fixture, dump_file,
			  session->mmu_error ? kc_error_message(session->mmu_error) : "?");
		kc_session_destroy(session);
		return NULL;
	}
	return session;
}

static uint64_t fact_u64(const char *fixture, const char *key)
{
	char *v = kc_test_fact(fixture, key);
	uint64_t value = v ? strtoull(v, NULL, 0) : 0;
	CHECK_MSG(v != NULL, "%s: facts.txt has no %s", fixture, key);
	free(v);
	return value;
}

/* "0xVA->0xPA" facts. */
static bool fact_pair(const char *fixture, const char *key, uint64_t *va, uint64_t *pa)
{
	char *v = kc_test_fact(fixture, key);
	if (!v)
		return false;
	char *arrow = strstr(v, "->");
	bool ok = arrow != NULL;
	if (ok) {
		*va = strtoull(v, NULL, 0);
		*pa = strtoull(arrow + 2, NULL, 0);
	}
	free(v);
	return ok;
}

/* The module's 16-page vmalloc buffer, word for word, and its pages' PAs. */
static void check_module_memory(const char *fixture, const char *dump_file,
				bool same_instant)
{
	struct kc_session *session = open_session(fixture, dump_file);
	if (!session)
		return;
	struct kc_arm64_mmu *mmu = session->mmu;
	uint64_t vbuf = fact_u64(fixture, "testmod.vbuf.va");
	uint64_t size = fact_u64(fixture, "testmod.vbuf.size");
	REQUIRE(size == 16 * mmu->layout.page_size.value); /* 16 pages */
	uint64_t *words = malloc(size);
	REQUIRE(words);
	struct kc_error *err = kc_arm64_read_kvirt(mmu, vbuf, words, size);
	if (err) {
		CHECK_MSG(false, "%s/%s: %s", fixture, dump_file, kc_error_message(err));
		kc_error_destroy(err);
	} else {
		uint64_t bad = 0;
		for (uint64_t i = 0; i < size / 8; i++)
			bad += words[i] != (UINT64_C(0x4b43564d00000000) | i);
		CHECK_MSG(bad == 0, "%s/%s: %llu words of the vmalloc buffer differ",
			  fixture, dump_file, (unsigned long long)bad);
	}
	free(words);
	for (int page = 0; page < 16; page++) {
		char key[64];
		uint64_t va, pa, got = 0;
		snprintf(key, sizeof(key), "testmod.vbuf.page%d", page);
		if (!fact_pair(fixture, key, &va, &pa))
			continue; /* 64K fixtures have fewer pages */
		REQUIRE_OK(kc_arm64_kvtop(mmu, va, &got));
		CHECK_MSG(got == pa, "%s: %s: 0x%llx -> 0x%llx, expected 0x%llx", fixture,
			  key, (unsigned long long)va, (unsigned long long)got,
			  (unsigned long long)pa);
	}
	/* .data of the module (vmalloc), and kmalloc objects (linear map). */
	uint64_t magic = 0;
	REQUIRE_OK(kc_arm64_read_u64(mmu, fact_u64(fixture, "testmod.static_magic.va"), &magic));
	CHECK_EQ_U64(magic, fact_u64(fixture, "testmod.static_magic.value"));
	for (int i = 0; i < 4 && same_instant; i++) {
		char key[32], *fact;
		snprintf(key, sizeof(key), "testmod.obj%d", i);
		fact = kc_test_fact(fixture, key);
		REQUIRE(fact);
		uint64_t va = strtoull(fact, NULL, 0), pa = strtoull(strstr(fact, "->") + 2, NULL, 0);
		uint64_t got_pa;
		REQUIRE_OK(kc_arm64_kvtop(mmu, va, &got_pa));
		CHECK_EQ_U64(got_pa, pa);
		uint64_t back;
		REQUIRE_OK(kc_arm64_ptov(mmu, pa, &back));
		CHECK_EQ_U64(back, va);
		char obj[128];
		REQUIRE_OK(kc_arm64_read_kvirt(mmu, va, obj, sizeof(obj)));
		char name[32];
		snprintf(name, sizeof(name), "kcrash-obj-%d", i);
		CHECK_MSG(memmem(obj, sizeof(obj), name, strlen(name)) != NULL,
			  "%s: %s does not hold \"%s\"", fixture, key, name);
		uint64_t obj_magic = strtoull(strstr(fact, "magic=") + 6, NULL, 0);
		CHECK_MSG(memmem(obj, sizeof(obj), &obj_magic, sizeof(obj_magic)) != NULL,
			  "%s: %s lacks its magic", fixture, key);
		free(fact);
	}
	kc_session_destroy(session);
}

static void check_all_dumps(const char *fixture)
{
	check_module_memory(fixture, "vmcore.kdump-zlib", true);
	check_module_memory(fixture, "vmcore.elf.zst", true);
	/* QEMU's dumps: physical PT_LOADs only, taken before the crash. */
	if (fixture_has(fixture, "qemu.kdump-zlib"))
		check_module_memory(fixture, "qemu.kdump-zlib", false);
	if (fixture_has(fixture, "qemu.kdump-zlib.flat"))
		check_module_memory(fixture, "qemu.kdump-zlib.flat", false);
}

KC_TEST(mmu_module_memory_4k48) { check_all_dumps("arm64-6.1-4k48"); }
KC_TEST(mmu_module_memory_16k47) { check_all_dumps("arm64-6.1-16k47"); }
KC_TEST(mmu_module_memory_64k52) { check_all_dumps("arm64-6.1-64k52"); }
KC_TEST(mmu_module_memory_5_10_4k39) { check_all_dumps("arm64-5.10-4k39"); }

/*
 * The linear-map and kernel-image formulas agree with the page tables for
 * every 64th vmlinux symbol and for pages across the linear map.
 */
static void check_fast_paths(const char *fixture)
{
	struct kc_session *session = open_session(fixture, "vmcore.elf.zst");
	if (!session)
		return;
	struct kc_arm64_mmu *mmu = session->mmu;
	const struct kc_symtab *symtab = session->symtab;
	uint64_t kaslr = mmu->layout.kaslr_offset.value;
	const struct kc_symbol *text = kc_symtab_lookup(symtab, "_stext");
	const struct kc_symbol *end = kc_symtab_lookup(symtab, "_end");
	REQUIRE(text && end);
	unsigned compared = 0, mismatched = 0;
	for (size_t i = 0; i < symtab->nr_symbols; i += 64) {
		uint64_t va = symtab->by_addr[i].addr + kaslr;
		if (symtab->by_addr[i].addr < text->addr || symtab->by_addr[i].addr >= end->addr)
			continue;
		mmu->use_fast_paths = true;
		uint64_t fast, walked;
		struct kc_error *err = kc_arm64_kvtop(mmu, va, &fast);
		if (err) {
			kc_error_destroy(err);
			continue;
		}
		mmu->use_fast_paths = false;
		mmu->use_tlb = false;
		err = kc_arm64_kvtop(mmu, va, &walked);
		mmu->use_tlb = true;
		if (err) {
			/* Unmapped parts of the image (init sections freed) may not walk. */
			kc_error_destroy(err);
			continue;
		}
		compared++;
		if (fast != walked && mismatched++ < 3)
			CHECK_MSG(false, "%s: %s 0x%llx: formula 0x%llx, tables 0x%llx", fixture,
				  symtab->by_addr[i].name, (unsigned long long)va,
				  (unsigned long long)fast, (unsigned long long)walked);
	}
	for (size_t r = 0; r < session->dump->nr_ranges; r++) {
		const struct kc_dump_range *range = &session->dump->ranges[r];
		for (uint64_t pa = range->start; pa < range->end; pa += (range->end - range->start) / 16 + 1) {
			uint64_t va, fast, walked;
			REQUIRE_OK(kc_arm64_ptov(mmu, pa, &va));
			mmu->use_fast_paths = true;
			REQUIRE_OK(kc_arm64_kvtop(mmu, va, &fast));
			mmu->use_fast_paths = false;
			mmu->use_tlb = false;
			struct kc_error *err = kc_arm64_kvtop(mmu, va, &walked);
			mmu->use_tlb = true;
			if (err) {
				/* The crashkernel region is not in the linear map (nomap). */
				kc_error_destroy(err);
				continue;
			}
			compared++;
			CHECK_EQ_U64(fast, pa);
			CHECK_EQ_U64(walked, pa);
		}
	}
	mmu->use_fast_paths = true;
	printf("    %s: %u addresses, formula == page tables\n", fixture, compared);
	CHECK(compared > 100);
	CHECK_EQ_U64(mismatched, 0);
	kc_session_destroy(session);
}

KC_TEST(mmu_fast_paths_match_walk_4k48) { check_fast_paths("arm64-6.1-4k48"); }
KC_TEST(mmu_fast_paths_match_walk_16k47) { check_fast_paths("arm64-6.1-16k47"); }
KC_TEST(mmu_fast_paths_match_walk_64k52) { check_fast_paths("arm64-6.1-64k52"); }
KC_TEST(mmu_fast_paths_match_walk_5_10_4k39) { check_fast_paths("arm64-5.10-4k39"); }

/*
 * .rodata read through the kernel-image mapping equals the vmlinux file:
 * only data written at run time (ro_after_init is elsewhere) may differ.
 * .text is patched by alternatives at boot, so most but not all of its
 * pages must match.
 */
static void check_image_matches_vmlinux(const char *fixture)
{
	struct kc_session *session = open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	const char *path = kc_test_fixture_vmlinux(fixture);
	int fd = open(path, O_RDONLY);
	REQUIRE(fd >= 0);
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	REQUIRE(elf);
	size_t shstrndx;
	REQUIRE(elf_getshdrstrndx(elf, &shstrndx) == 0);
	Elf_Scn *scn = NULL;
	uint64_t kaslr = session->mmu->layout.kaslr_offset.value;
	unsigned text_pages = 0, text_same = 0;
	bool saw_text = false;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		gelf_getshdr(scn, &shdr);
		const char *name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (!name || (strcmp(name, ".text") != 0 && strcmp(name, ".head.text") != 0))
			continue;
		saw_text = true;
		Elf_Data *data = elf_getdata(scn, NULL);
		REQUIRE(data && data->d_size == shdr.sh_size);
		uint8_t page[4096];
		for (uint64_t off = 0; off + sizeof(page) <= shdr.sh_size; off += 16 * sizeof(page)) {
			struct kc_error *err = kc_arm64_read_kvirt(session->mmu, shdr.sh_addr + kaslr + off,
								   page, sizeof(page));
			if (err) {
				CHECK_MSG(false, "%s: %s+0x%llx: %s", fixture, name,
					  (unsigned long long)off, kc_error_message(err));
				kc_error_destroy(err);
				break;
			}
			text_pages++;
			text_same += memcmp(page, (uint8_t *)data->d_buf + off, sizeof(page)) == 0;
		}
	}
	elf_end(elf);
	close(fd);
	CHECK(saw_text);
	printf("    %s: %u of %u sampled kernel text pages byte-identical to vmlinux\n",
	       fixture, text_same, text_pages);
	CHECK(text_pages > 10);
	CHECK_MSG(text_same * 10 >= text_pages * 8, "%s: only %u of %u text pages match vmlinux",
		  fixture, text_same, text_pages);
	kc_session_destroy(session);
}

KC_TEST(mmu_kernel_text_matches_vmlinux_4k48) { check_image_matches_vmlinux("arm64-6.1-4k48"); }
KC_TEST(mmu_kernel_text_matches_vmlinux_64k52) { check_image_matches_vmlinux("arm64-6.1-64k52"); }
KC_TEST(mmu_kernel_text_matches_vmlinux_5_10_4k39) { check_image_matches_vmlinux("arm64-5.10-4k39"); }

/* The commands: vtop, ptov, rd on virtual addresses, mach -l. */
KC_TEST(mmu_commands_4k48)
{
	const char *fixture = "arm64-6.1-4k48";
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *dump = kc_test_fixture(fixture, "vmcore.kdump-zlib");
	if (!vmlinux || !dump)
		return;
	uint64_t va, pa;
	REQUIRE(fact_pair(fixture, "testmod.vbuf.page3", &va, &pa));
	char *out = NULL, *err = NULL;
	char args[8192];
	snprintf(args, sizeof(args), "-s -c 'vtop %llx' '%s' '%s'", (unsigned long long)va,
		 vmlinux, dump);
	CHECK(kc_test_run_kcrash(args, &out, &err) == 0);
	char expected[128];
	snprintf(expected, sizeof(expected), "VIRTUAL           PHYSICAL        \n%llx  %-16llx\n\nPAGE DIRECTORY: ",
		 (unsigned long long)va, (unsigned long long)pa);
	CHECK_MSG(out && strncmp(out, expected, strlen(expected)) == 0, "vtop printed:\n%s", out ? out : "");
	/* 4 levels on 4K/48, then the page and crash's PTE line. */
	CHECK(out && strstr(out, "\n   PGD: ") && strstr(out, "\n   PUD: ") &&
	      strstr(out, "\n   PMD: ") && strstr(out, "\n   PTE: "));
	snprintf(expected, sizeof(expected), "  PAGE: %llx\n\n     PTE        PHYSICAL  FLAGS\n",
		 (unsigned long long)pa);
	CHECK_MSG(out && strstr(out, expected), "vtop printed:\n%s", out ? out : "");
	CHECK(out && strstr(out, "(VALID|") && strstr(out, "|AF|"));
	/* crash's struct page line: vmemmap + pfn * sizeof(struct page), same PA. */
	char *vmemmap = kc_test_fact(fixture, "vmcoreinfo.NUMBER(VMEMMAP_START)");
	char *phys_offset = kc_test_fact(fixture, "vmcoreinfo.NUMBER(PHYS_OFFSET)");
	REQUIRE(vmemmap && phys_offset);
	/*
	 * v5.4+ pgtable.h: vmemmap = VMEMMAP_START - (memstart_addr >> PAGE_SHIFT)
	 * pages; memstart_addr is an s64, so the shift is arithmetic.
	 */
	int64_t memstart_pfn = (int64_t)strtoull(phys_offset, NULL, 0) >> 12;
	uint64_t page = strtoull(vmemmap, NULL, 0) +
			((pa >> 12) - (uint64_t)memstart_pfn) * 64;
	free(vmemmap);
	free(phys_offset);
	snprintf(expected, sizeof(expected),
		 "      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS\n%016llx %8llx ",
		 (unsigned long long)page, (unsigned long long)pa);
	CHECK_MSG(out && strstr(out, expected), "vtop printed:\n%s\nexpected: %s", out ? out : "", expected);
	CHECK(!out || !strstr(out, "WARNING"));
	free(out);
	free(err);

	/* vtop --json parses and agrees with the text (piped through kcrash's shell). */
	snprintf(args, sizeof(args), "-s -c 'vtop --json %llx | python3 -c \"import json,sys; "
		 "d=json.load(sys.stdin)[0]; print(d[\\\"paddr\\\"], len(d[\\\"levels\\\"]), d[\\\"mapped\\\"])\"' '%s' '%s'",
		 (unsigned long long)va, vmlinux, dump);
	CHECK(kc_test_run_kcrash(args, &out, &err) == 0);
	snprintf(expected, sizeof(expected), "0x%llx 4 True\n", (unsigned long long)pa);
	CHECK_STR(out, expected);
	free(out);
	free(err);

	/* rd through vmalloc: the pattern's first two words. */
	snprintf(args, sizeof(args), "-s -c 'rd %llx 2' '%s' '%s'",
		 (unsigned long long)fact_u64(fixture, "testmod.vbuf.va"), vmlinux, dump);
	CHECK(kc_test_run_kcrash(args, &out, &err) == 0);
	snprintf(expected, sizeof(expected), "%llx:  4b43564d00000000 4b43564d00000001   ",
		 (unsigned long long)fact_u64(fixture, "testmod.vbuf.va"));
	CHECK_MSG(out && strncmp(out, expected, strlen(expected)) == 0, "rd printed: %s", out ? out : "");
	free(out);
	free(err);

	/* rd on a symbol, and ptov of a kmalloc object's PA. */
	REQUIRE(fact_pair(fixture, "testmod.obj0", &va, &pa));
	snprintf(args, sizeof(args), "-s -c 'rd -a linux_banner; ptov %llx; mach -l' '%s' '%s'",
		 (unsigned long long)pa, vmlinux, dump);
	CHECK(kc_test_run_kcrash(args, &out, &err) == 0);
	CHECK(out && strstr(out, ":  Linux version 6.1.176-kcfx "));
	snprintf(expected, sizeof(expected), "VIRTUAL           PHYSICAL\n%llx  %llx\n",
		 (unsigned long long)va, (unsigned long long)pa);
	CHECK_MSG(out && strstr(out, expected), "ptov printed: %s", out ? out : "");
	CHECK(out && strstr(out, "VMALLOC_START        ffff800008000000  exported: NUMBER(VMALLOC_START)"));
	CHECK(out && strstr(out, "page tables          4 levels, 4K pages, VA_BITS 48"));
	free(out);
	free(err);
}
