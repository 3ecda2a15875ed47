/* SPDX-License-Identifier: MIT */
/*
 * swap: the active swap areas in crash's layout (crash memory.c
 * dump_swap_info: the swap_info_struct, PARTITION or FILE, SIZE and USED
 * in KiB right-justified in 10, PCT in 4, PRI in 4, then the file name).
 */
#include "command.h"
#include "json.h"

#include <string.h>

#include <kcrash/arm64/mmu.h>
#include <kcrash/fs.h>

#define ULL(x) ((unsigned long long)(x))

/* crash's mkstring(CENTER|RJUST): centred, the odd space on the left. */
static void centred_right(FILE *out, const char *text, int width)
{
	int extra = (int)strlen(text) < width ? width - (int)strlen(text) : 0;
	int left = extra / 2 + extra % 2;
	fprintf(out, "%*s%s%*s", left, "", text, extra - left, "");
}

static struct kc_error *cmd_swap(struct kc_session *session, int argc, char **argv, FILE *out)
{
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			return kc_usage_error(&kc_cmd_swap);
	}
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err)
		return err;
	unsigned page_shift = kc_arm64_mmu_geometry(mmu)->page_shift;
	struct kc_swap_area *areas;
	size_t n;
	err = kc_swap_areas(session, &areas, &n);
	if (err)
		return err;
	if (json)
		fputc('[', out);
	else
		fputs("SWAP_INFO_STRUCT    TYPE       SIZE       USED     PCT  PRI  FILENAME\n", out);
	for (size_t i = 0; i < n; i++) {
		const struct kc_swap_area *a = &areas[i];
		uint64_t size_kb = (a->pages << page_shift) / 1024;
		uint64_t used_kb = (a->inuse_pages << page_shift) / 1024;
		uint64_t pct = size_kb ? used_kb * 100 / size_kb : 0;
		if (json) {
			fprintf(out, "%s\n  {\"swap_info_struct\": \"0x%llx\", \"type\": %u, "
				"\"partition\": %s, \"size_kb\": %llu, \"used_kb\": %llu, \"percent\": %llu, "
				"\"priority\": %d, \"flags\": \"0x%llx\", \"filename\": ",
				i ? "," : "", ULL(a->swap_info), a->type, a->is_partition ? "true" : "false",
				ULL(size_kb), ULL(used_kb), ULL(pct), a->prio, ULL(a->flags));
			kc_json_string(out, a->path);
			fputc('}', out);
			continue;
		}
		char size[32], used[32], percent[32];
		snprintf(size, sizeof(size), "%lluk", ULL(size_kb));
		snprintf(used, sizeof(used), "%lluk", ULL(used_kb));
		snprintf(percent, sizeof(percent), "%2llu%%", ULL(pct));
		fprintf(out, "%-16llx  %s ", ULL(a->swap_info),
			a->is_partition ? "PARTITION" : "  FILE   ");
		centred_right(out, size, 10);
		fputc(' ', out);
		centred_right(out, used, 10);
		fputc(' ', out);
		centred_right(out, percent, 4);
		fprintf(out, " %4d  %s\n", a->prio, a->path ? a->path : "(unknown)");
	}
	if (json)
		fputs(n ? "\n]\n" : "]\n", out);
	kc_swap_areas_free(areas, n);
	return NULL;
}

const struct kc_command kc_cmd_swap = {
	.name = "swap",
	.summary = "swap areas in use",
	.usage = "swap [--json]",
	.help =
		"Lists the active swap areas (swap_info[] entries with SWP_USED) in\n"
		"crash's layout: the swap_info_struct, PARTITION or FILE, SIZE and USED\n"
		"in KiB (si->pages and si->inuse_pages), PCT used, PRI and the file\n"
		"name, which /proc/swaps shows as Filename, Size, Used and Priority.\n"
		"A kernel built without CONFIG_SWAP has none: the command says so.\n"
		"  --json  an array of objects: swap_info_struct, type (the swap\n"
		"          entry's type), partition, size_kb, used_kb, percent,\n"
		"          priority, flags, filename\n",
	.needs_dump = true,
	.run = cmd_swap,
};
