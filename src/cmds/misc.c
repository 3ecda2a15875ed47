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
#include "json.h"

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

/* Whether ARGV has --json; *NVALUES: the other arguments (ARGV[0] aside). */
static bool json_option(int argc, char **argv, int *nvalues)
{
	bool json = false;
	*nvalues = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			(*nvalues)++;
	}
	return json;
}

typedef struct kc_error *(*parse_fn)(const char *text, uint64_t *ret);

/* crash's stoll: decimal when all digits, else hexadecimal. */
static struct kc_error *parse_pfn(const char *text, uint64_t *ret)
{
	return kc_eval_expression(NULL, text, ret);
}

/*
 * The arguments other than --json parsed by PARSE, all before anything is
 * printed, so that --json prints a whole document or only the error.
 */
static struct kc_error *parse_all(int argc, char **argv, parse_fn parse, uint64_t **ret, size_t *n)
{
	uint64_t *values = calloc((size_t)argc, sizeof(*values));
	if (!values)
		return &kc_error_nomem;
	*n = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			continue;
		struct kc_error *err = parse(argv[i], &values[*n]);
		if (err) {
			free(values);
			return err;
		}
		(*n)++;
	}
	*ret = values;
	return NULL;
}

/* btop --json and ptob --json: [{address, pfn, page_size}, ...]. */
static struct kc_error *pages_json(int argc, char **argv, parse_fn parse, bool to_pages,
				   unsigned shift, FILE *out)
{
	uint64_t *values;
	size_t n;
	struct kc_error *err = parse_all(argc, argv, parse, &values, &n);
	if (err)
		return err;
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		uint64_t address = to_pages ? values[i] : values[i] << shift;
		uint64_t pfn = to_pages ? values[i] >> shift : values[i];
		fprintf(out, "%s\n  {\"address\": \"0x%" PRIx64 "\", \"pfn\": %" PRIu64
			", \"page_size\": %" PRIu64 "}", i ? "," : "", address, pfn,
			UINT64_C(1) << shift);
	}
	fputs(n ? "\n]\n" : "]\n", out);
	free(values);
	return NULL;
}

static struct kc_error *cmd_btop(struct kc_session *session, int argc, char **argv, FILE *out)
{
	int nvalues;
	bool json = json_option(argc, argv, &nvalues);
	if (nvalues < 1)
		return kc_usage_error(&kc_cmd_btop);
	unsigned shift;
	struct kc_error *err = page_shift(session, &shift);
	if (!err && json)
		return pages_json(argc, argv, kc_parse_hex, true, shift, out);
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
	int nvalues;
	bool json = json_option(argc, argv, &nvalues);
	if (nvalues < 1)
		return kc_usage_error(&kc_cmd_ptob);
	unsigned shift;
	struct kc_error *err = page_shift(session, &shift);
	if (!err && json)
		return pages_json(argc, argv, parse_pfn, false, shift, out);
	for (int i = 1; !err && i < argc; i++) {
		uint64_t value;
		err = parse_pfn(argv[i], &value);
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

/* One PTE decoded as crash's arm64_translate_pte does. */
struct pte_info {
	uint64_t pte;
	bool swap;           /* neither valid nor PROT_NONE: a swap entry */
	uint64_t swap_type, swap_offset;
	bool have_file;      /* swap_info[swap_type]'s path found in the dump */
	char dev[4096];      /* that path, else "(unknown swap location)" */
	uint64_t paddr;      /* the address a present (or PROT_NONE) entry maps */
	char flags[256];     /* "VALID|RDONLY|...", "no mapping" for 0 */
};

static void decode_pte(struct kc_session *session, struct kc_arm64_mmu *mmu, uint64_t pte,
		       struct pte_info *info)
{
	const struct kc_pgtable_geometry *geo = kc_arm64_mmu_geometry(mmu);
	const uint64_t prot_none = UINT64_C(1) << 58;
	memset(info, 0, sizeof(*info));
	info->pte = pte;
	if (pte && !(pte & (1 | prot_none))) {
		/* A swap entry: arch/arm64/include/asm/pgtable.h __SWP_TYPE_SHIFT (3 from v5.19, 2 before). */
		const struct kc_arm64_layout *layout = kc_arm64_mmu_layout(mmu);
		unsigned v = layout->version[0] * 100 + layout->version[1];
		bool new_layout = !layout->version[0] || v >= 519;
		info->swap = true;
		info->swap_type = new_layout ? (pte >> 3) & 0x1f : (pte >> 2) & 0x3f;
		info->swap_offset = (pte >> 8) & ((UINT64_C(1) << 50) - 1);
		info->have_file = swap_file_path(session, info->swap_type, info->dev, sizeof(info->dev));
		if (!info->have_file)
			snprintf(info->dev, sizeof(info->dev), "(unknown swap location)");
		return;
	}
	info->paddr = kc_pgtable_desc_address(geo, pte, geo->page_shift);
	snprintf(info->flags, sizeof(info->flags), "no mapping");
	if (pte)
		kc_pgtable_flags_string(kc_pgtable_desc_flags(geo, pte, 3) & ~KC_PTE_F_TYPE_MASK,
					info->flags, sizeof(info->flags));
}

/* One PTE as crash's arm64_translate_pte prints it. */
static void print_pte(const struct pte_info *info, FILE *out)
{
	char ptebuf[32];
	snprintf(ptebuf, sizeof(ptebuf), "%" PRIx64, info->pte);
	int len1 = (int)(strlen(ptebuf) > 3 ? strlen(ptebuf) : 3);
	centered(out, "PTE", len1, false);
	fputs("  ", out);
	if (info->swap) {
		char off[32];
		snprintf(off, sizeof(off), "%" PRIu64, info->swap_offset);
		int len2 = (int)(strlen(info->dev) > 4 ? strlen(info->dev) : 4);
		int len3 = (int)(strlen(off) > 6 ? strlen(off) : 6);
		centered(out, "SWAP", len2, false);
		fputs("  ", out);
		centered(out, "OFFSET", len3, false);
		fputc('\n', out);
		centered(out, ptebuf, len1, true);
		fputs("  ", out);
		centered(out, info->dev, len2, true);
		fputs("  ", out);
		centered(out, off, len3, true);
		fputc('\n', out);
		return;
	}
	char physbuf[32];
	snprintf(physbuf, sizeof(physbuf), "%" PRIx64, info->paddr);
	int len2 = (int)(strlen(physbuf) > 8 ? strlen(physbuf) : 8);
	centered(out, "PHYSICAL", len2, false);
	fputs("  FLAGS\n", out);
	centered(out, ptebuf, len1, true);
	fputs("  ", out);
	centered(out, physbuf, len2, true);
	fprintf(out, "  (%s)\n", info->flags);
}

/*
 * pte --json: {pte, type ("physical", "swap" or "none" for 0), paddr,
 * flags [names], swap_type, swap_offset, swap_file}, null where a key
 * does not apply (swap_file too when the dump does not name it).
 */
static void print_pte_json(const struct pte_info *info, FILE *out)
{
	fprintf(out, "{\"pte\": \"0x%" PRIx64 "\", \"type\": \"%s\"", info->pte,
		info->swap ? "swap" : info->pte ? "physical" : "none");
	if (info->swap || !info->pte) {
		fputs(", \"paddr\": null, \"flags\": null", out);
	} else {
		fprintf(out, ", \"paddr\": \"0x%" PRIx64 "\", \"flags\": [", info->paddr);
		const char *f = info->flags;
		for (bool first = true; *f; first = false) {
			size_t n = strcspn(f, "|");
			fputs(first ? "" : ", ", out);
			kc_json_string_n(out, f, n);
			f += n;
			if (*f == '|')
				f++;
		}
		fputc(']', out);
	}
	if (info->swap) {
		fprintf(out, ", \"swap_type\": %" PRIu64 ", \"swap_offset\": %" PRIu64 ", \"swap_file\": ",
			info->swap_type, info->swap_offset);
		kc_json_string(out, info->have_file ? info->dev : NULL);
		fputc('}', out);
	} else {
		fputs(", \"swap_type\": null, \"swap_offset\": null, \"swap_file\": null}", out);
	}
}

static struct kc_error *cmd_pte(struct kc_session *session, int argc, char **argv, FILE *out)
{
	int nvalues;
	bool json = json_option(argc, argv, &nvalues);
	if (nvalues < 1)
		return kc_usage_error(&kc_cmd_pte);
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err)
		return err;
	struct pte_info *info = malloc(sizeof(*info));
	if (!info)
		return &kc_error_nomem;
	if (json) {
		uint64_t *values;
		size_t n;
		err = parse_all(argc, argv, kc_parse_hex, &values, &n);
		if (err) {
			free(info);
			return err;
		}
		fputc('[', out);
		for (size_t i = 0; i < n; i++) {
			decode_pte(session, mmu, values[i], info);
			fputs(i ? ",\n  " : "\n  ", out);
			print_pte_json(info, out);
		}
		fputs(n ? "\n]\n" : "]\n", out);
		free(values);
		free(info);
		return NULL;
	}
	for (int i = 1; i < argc; i++) {
		uint64_t pte;
		err = kc_parse_hex(argv[i], &pte);
		if (err)
			break;
		decode_pte(session, mmu, pte, info);
		print_pte(info, out);
	}
	free(info);
	return err;
}

const struct kc_command kc_cmd_btop = {
	.name = "btop",
	.summary = "bytes to page frame number",
	.usage = "btop [--json] ADDRESS...",
	.help = "Shows each hexadecimal ADDRESS and its page frame number (ADDRESS\n"
		"shifted right by the page size's bits), both in hexadecimal:\n"
		"  btop 512000\n"
		"  512000: 512\n"
		"  --json  an array of objects: address, pfn (a number), page_size\n",
	.needs_dump = true,
	.run = cmd_btop,
};

const struct kc_command kc_cmd_ptob = {
	.name = "ptob",
	.summary = "page frame number to bytes",
	.usage = "ptob [--json] PFN...",
	.help = "Shows each page frame number and the address of its page, both in\n"
		"hexadecimal. PFN is decimal when all its characters are digits, else\n"
		"hexadecimal (0x optional), as crash reads it:\n"
		"  ptob 1234\n"
		"  4d2: 4d2000\n"
		"  --json  an array of objects: address, pfn (a number), page_size\n",
	.needs_dump = true,
	.run = cmd_ptob,
};

const struct kc_command kc_cmd_pte = {
	.name = "pte",
	.summary = "translate a page-table entry",
	.usage = "pte [--json] PTE...",
	.help = "Decodes each hexadecimal arm64 page-table entry as crash does: the\n"
		"physical address it maps and its flags,\n"
		"       PTE         PHYSICAL  FLAGS\n"
		"  6000004041f793  4041f000  (VALID|RDONLY|SHARED|AF|PXN|UXN)\n"
		"or, for an entry neither valid nor PROT_NONE (a swapped-out page), the\n"
		"swap file (swap_info[type]'s path in the dump) and the page's offset in\n"
		"it. 52-bit physical addresses (LPA, LPA2) are decoded by the dump's\n"
		"page-table format.\n"
		"  --json  an array of objects: pte, type (physical, swap, or none for\n"
		"          0), paddr, flags (a list of names), swap_type, swap_offset,\n"
		"          swap_file (null where they do not apply; swap_file null when\n"
		"          the dump does not name the swap area)\n",
	.needs_dump = true,
	.run = cmd_pte,
};
