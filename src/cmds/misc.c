/* SPDX-License-Identifier: MIT */
/*
 * btop, ptob and pte (crash memory.c cmd_btop, cmd_ptob, cmd_pte and
 * arm64.c arm64_translate_pte): bytes to pages and back with the dump's
 * page size, and an arm64 page-table entry decoded: its physical address
 * and flags, or for an entry that is not present (a swap entry), the swap
 * file and the page's offset in it.
 */
#include "command.h"
#include "eval.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/arm64/mmu.h>
#include <kcrash/fs.h>
#include <kcrash/memory.h>

/* The kernel's page size: the MMU's, else the dump's. */
static struct kc_error *page_shift(struct kc_session *session, unsigned *shift)
{
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (!err) {
		*shift = kc_arm64_mmu_geometry(mmu)->page_shift;
		return NULL;
	}
	const struct kc_dump *dump = kc_session_dump(session);
	if (dump && dump->page_size && !(dump->page_size & (dump->page_size - 1))) {
		kc_error_destroy(err);
		*shift = (unsigned)__builtin_ctz(dump->page_size);
		return NULL;
	}
	return err;
}

static struct kc_error *cmd_btop(struct kc_session *session, int argc, char **argv, FILE *out)
{
	if (argc < 2)
		return kc_usage_error(&kc_cmd_btop);
	unsigned shift;
	struct kc_error *err = page_shift(session, &shift);
	for (int i = 1; !err && i < argc; i++) {
		uint64_t value;
		err = kc_parse_hex(argv[i], &value);
		if (!err)
			fprintf(out, "%" PRIx64 ": %" PRIx64 "\n", value, value >> shift);
	}
	return err;
}

static struct kc_error *cmd_ptob(struct kc_session *session, int argc, char **argv, FILE *out)
{
	if (argc < 2)
		return kc_usage_error(&kc_cmd_ptob);
	unsigned shift;
	struct kc_error *err = page_shift(session, &shift);
	for (int i = 1; !err && i < argc; i++) {
		/* crash's stoll: decimal when all digits, else hexadecimal. */
		uint64_t value;
		err = kc_eval_expression(NULL, argv[i], &value);
		if (!err)
			fprintf(out, "%" PRIx64 ": %" PRIx64 "\n", value, value << shift);
	}
	return err;
}

/* crash's mkstring(CENTER|LJUST) and (CENTER|RJUST) in WIDTH columns. */
static void centered(FILE *out, const char *text, int width, bool right)
{
	int len = (int)strlen(text);
	int pad = width > len ? width - len : 0;
	int left = right ? (pad + 1) / 2 : pad / 2;
	fprintf(out, "%*s%s%*s", left, "", text, pad - left, "");
}

/* The path of swap area TYPE (kcrash/fs.h finds swap_info even without kallsyms data). */
static bool swap_file_path(struct kc_session *session, uint64_t type, char *buf, size_t len)
{
	struct kc_swap_area *areas;
	size_t n;
	struct kc_error *err = kc_swap_areas(session, &areas, &n);
	if (err) {
		kc_error_destroy(err);
		return false;
	}
	bool found = false;
	for (size_t i = 0; i < n && !found; i++) {
		if (areas[i].type == type && areas[i].path) {
			snprintf(buf, len, "%s", areas[i].path);
			found = true;
		}
	}
	kc_swap_areas_free(areas, n);
	return found;
}

/* One PTE as crash's arm64_translate_pte prints it. */
static void translate_pte(struct kc_session *session, struct kc_arm64_mmu *mmu, uint64_t pte,
			  FILE *out)
{
	const struct kc_pgtable_geometry *geo = kc_arm64_mmu_geometry(mmu);
	const uint64_t prot_none = UINT64_C(1) << 58;
	char ptebuf[32];
	snprintf(ptebuf, sizeof(ptebuf), "%" PRIx64, pte);
	int len1 = (int)(strlen(ptebuf) > 3 ? strlen(ptebuf) : 3);
	centered(out, "PTE", len1, false);
	fputs("  ", out);
	if (pte && !(pte & (1 | prot_none))) {
		/* A swap entry: arch/arm64/include/asm/pgtable.h __SWP_TYPE_SHIFT (3 from v5.19, 2 before). */
		const struct kc_arm64_layout *layout = kc_arm64_mmu_layout(mmu);
		unsigned v = layout->version[0] * 100 + layout->version[1];
		bool new_layout = !layout->version[0] || v >= 519;
		uint64_t type = new_layout ? (pte >> 3) & 0x1f : (pte >> 2) & 0x3f;
		uint64_t offset = (pte >> 8) & ((UINT64_C(1) << 50) - 1);
		char dev[4096], off[32];
		if (!swap_file_path(session, type, dev, sizeof(dev)))
			snprintf(dev, sizeof(dev), "(unknown swap location)");
		snprintf(off, sizeof(off), "%" PRIu64, offset);
		int len2 = (int)(strlen(dev) > 4 ? strlen(dev) : 4);
		int len3 = (int)(strlen(off) > 6 ? strlen(off) : 6);
		centered(out, "SWAP", len2, false);
		fputs("  ", out);
		centered(out, "OFFSET", len3, false);
		fputc('\n', out);
		centered(out, ptebuf, len1, true);
		fputs("  ", out);
		centered(out, dev, len2, true);
		fputs("  ", out);
		centered(out, off, len3, true);
		fputc('\n', out);
		return;
	}
	char physbuf[32];
	snprintf(physbuf, sizeof(physbuf), "%" PRIx64,
		 kc_pgtable_desc_address(geo, pte, geo->page_shift));
	int len2 = (int)(strlen(physbuf) > 8 ? strlen(physbuf) : 8);
	centered(out, "PHYSICAL", len2, false);
	fputs("  FLAGS\n", out);
	centered(out, ptebuf, len1, true);
	fputs("  ", out);
	centered(out, physbuf, len2, true);
	char flags[256] = "no mapping";
	if (pte)
		kc_pgtable_flags_string(kc_pgtable_desc_flags(geo, pte, 3) & ~KC_PTE_F_TYPE_MASK,
					flags, sizeof(flags));
	fprintf(out, "  (%s)\n", flags);
}

static struct kc_error *cmd_pte(struct kc_session *session, int argc, char **argv, FILE *out)
{
	if (argc < 2)
		return kc_usage_error(&kc_cmd_pte);
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err)
		return err;
	for (int i = 1; i < argc; i++) {
		uint64_t pte;
		err = kc_parse_hex(argv[i], &pte);
		if (err)
			return err;
		translate_pte(session, mmu, pte, out);
	}
	return NULL;
}

const struct kc_command kc_cmd_btop = {
	.name = "btop",
	.summary = "bytes to page frame number",
	.usage = "btop ADDRESS...",
	.help = "Shows each hexadecimal ADDRESS and its page frame number (ADDRESS\n"
		"shifted right by the page size's bits), both in hexadecimal:\n"
		"  btop 512000\n"
		"  512000: 512\n",
	.needs_dump = true,
	.run = cmd_btop,
};

const struct kc_command kc_cmd_ptob = {
	.name = "ptob",
	.summary = "page frame number to bytes",
	.usage = "ptob PFN...",
	.help = "Shows each page frame number and the address of its page, both in\n"
		"hexadecimal. PFN is decimal when all its characters are digits, else\n"
		"hexadecimal (0x optional), as crash reads it:\n"
		"  ptob 1234\n"
		"  4d2: 4d2000\n",
	.needs_dump = true,
	.run = cmd_ptob,
};

const struct kc_command kc_cmd_pte = {
	.name = "pte",
	.summary = "translate a page-table entry",
	.usage = "pte PTE...",
	.help = "Decodes each hexadecimal arm64 page-table entry as crash does: the\n"
		"physical address it maps and its flags,\n"
		"       PTE         PHYSICAL  FLAGS\n"
		"  6000004041f793  4041f000  (VALID|RDONLY|SHARED|AF|PXN|UXN)\n"
		"or, for an entry neither valid nor PROT_NONE (a swapped-out page), the\n"
		"swap file (swap_info[type]'s path in the dump) and the page's offset in\n"
		"it. 52-bit physical addresses (LPA, LPA2) are decoded by the dump's\n"
		"page-table format.\n",
	.needs_dump = true,
	.run = cmd_pte,
};
