/* SPDX-License-Identifier: MIT */
/*
 * vtop: virtual to physical, shown the way crash shows it on arm64
 * (crash arm64.c arm64_vtop_*level_*k and arm64_translate_pte, memory.c
 * do_vtop): the VIRTUAL/PHYSICAL pair, then the walk from the page
 * directory with one "LEVEL: entry-address => value" line per level (entry
 * addresses as kernel virtual addresses), the page or block, and the leaf
 * descriptor's flags.
 */
#include "command.h"

#include <ctype.h>
#include <string.h>

#include <kcrash/arm64/mmu.h>
#include "json.h"
#include <kcrash/memory.h>
#include <kcrash/tasks.h>

/* crash's mkstring(CENTER|LJUST): TEXT centred in WIDTH columns. */
static void print_centered(FILE *out, const char *text, int width)
{
	int len = (int)strlen(text);
	int left = width > len ? (width - len) / 2 : 0;
	int right = width > len ? width - len - left : 0;
	fprintf(out, "%*s%s%*s", left, "", text, right, "");
}

static void format_size(uint64_t size, char *buf, size_t len)
{
	static const char *const units[] = {"KB", "MB", "GB", "TB"};
	uint64_t value = size >> 10;
	size_t unit = 0;
	while (unit + 1 < sizeof(units) / sizeof(units[0]) && value >= 1024 &&
	       value % 1024 == 0) {
		value >>= 10;
		unit++;
	}
	snprintf(buf, len, "%llu%s", (unsigned long long)value, units[unit]);
}

/* The leaf descriptor as crash's arm64_translate_pte prints it. */
static void print_pte(FILE *out, const struct kc_pgtable_geometry *geo,
		      uint64_t desc, int level, uint64_t paddr, bool present)
{
	char pte[32], phys[32], flags[256];
	snprintf(pte, sizeof(pte), "%llx", (unsigned long long)desc);
	snprintf(phys, sizeof(phys), "%llx", (unsigned long long)paddr);
	int pte_width = (int)(strlen(pte) > 3 ? strlen(pte) : 3);
	int phys_width = (int)(strlen(phys) > 8 ? strlen(phys) : 8);
	print_centered(out, "PTE", pte_width);
	fputs("  ", out);
	print_centered(out, "PHYSICAL", phys_width);
	fputs("  FLAGS\n", out);
	unsigned f = kc_pgtable_desc_flags(geo, desc, level) & ~KC_PTE_F_TYPE_MASK;
	if (!desc)
		snprintf(flags, sizeof(flags), "no mapping");
	else
		kc_pgtable_flags_string(f, flags, sizeof(flags));
	fprintf(out, "%*s  %*s  (%s)\n", pte_width, pte, phys_width,
		present ? phys : "", flags);
}

/* The kernel virtual address of a page-table entry, as crash prints it. */
static uint64_t entry_vaddr(const struct kc_arm64_mmu *mmu, uint64_t root_vaddr,
			    uint64_t root_paddr, unsigned index,
			    const struct kc_pgtable_entry *entry)
{
	if (index == 0 && entry->paddr >= root_paddr &&
	    entry->paddr - root_paddr < (UINT64_C(1) << kc_arm64_mmu_geometry(mmu)->page_shift))
		return root_vaddr + (entry->paddr - root_paddr);
	uint64_t vaddr;
	if (kc_arm64_ptov(mmu, entry->paddr, &vaddr))
		return entry->paddr; /* no linear map value: show the physical one */
	return vaddr;
}

static void print_walk(FILE *out, const struct kc_arm64_mmu *mmu,
		       uint64_t root_vaddr, uint64_t root_paddr,
		       const struct kc_pgtable_walk *walk)
{
	fprintf(out, "PAGE DIRECTORY: %llx\n", (unsigned long long)root_vaddr);
	for (unsigned i = 0; i < walk->nr_entries; i++) {
		const struct kc_pgtable_entry *e = &walk->entries[i];
		char name[8] = "";
		for (size_t c = 0; e->name && e->name[c] && c < sizeof(name) - 1; c++)
			name[c] = (char)toupper((unsigned char)e->name[c]);
		fprintf(out, "   %s: %llx => %llx\n", name,
			(unsigned long long)entry_vaddr(mmu, root_vaddr, root_paddr, i, e),
			(unsigned long long)e->value);
	}
	if (walk->status != KC_PGTABLE_MAPPED)
		return;
	const struct kc_pgtable_entry *leaf = &walk->entries[walk->nr_entries - 1];
	uint64_t base = walk->paddr & ~(walk->map_size - 1);
	if (walk->is_block) {
		char size[32];
		format_size(walk->map_size, size, sizeof(size));
		fprintf(out, "  PAGE: %llx  (%s)\n\n", (unsigned long long)base, size);
	} else {
		fprintf(out, "  PAGE: %llx\n\n", (unsigned long long)base);
	}
	print_pte(out, kc_arm64_mmu_geometry(mmu), leaf->value, leaf->level, base, true);
}

/* Which page tables a request walks: the kernel's, or a task's user ones. */
struct vtop_space {
	bool user;           /* translate through PGD_PADDR */
	bool force_kernel;   /* -k */
	const struct kc_task *task;
	uint64_t pgd;        /* mm->pgd (kernel virtual) */
	uint64_t pgd_paddr;
};

static struct kc_error *user_space(struct kc_session *session, struct vtop_space *space)
{
	if (space->task)
		return NULL;
	struct kc_error *err = kc_session_context(session, &space->task);
	if (!err)
		err = kc_task_pgd(session, space->task, &space->pgd, &space->pgd_paddr);
	if (err)
		space->task = NULL;
	return err;
}

/* Page flag names from the kernel's own enum pageflags ("PG_locked" -> "locked"). */
static void print_page_flag_names(struct kc_session *session, uint64_t flags,
				  FILE *out)
{
	struct kc_type pageflags;
	struct kc_error *err = kc_kernel_type(session, "enum pageflags", &pageflags);
	if (err) {
		kc_error_destroy(err);
		return;
	}
	int64_t nr_flags = 0;
	err = kc_kernel_enumerator(session, "__NR_PAGEFLAGS", &nr_flags, NULL);
	kc_error_destroy(err);
	if (err || nr_flags <= 0 || nr_flags > 64)
		return;
	const char *sep = " ";
	for (int64_t bit = 0; bit < nr_flags; bit++) {
		if (!(flags & (UINT64_C(1) << bit)))
			continue;
		/* Several names can share a bit (PG_owner_priv_1 = PG_checked): the first wins. */
		struct kc_enumerator_iter it;
		kc_enumerator_iter_init(&it, &pageflags);
		for (;;) {
			const char *name;
			int64_t value;
			bool done;
			err = kc_enumerator_iter_next(&it, &name, &value, &done);
			if (err || done) {
				kc_error_destroy(err);
				break;
			}
			if (value == bit && strncmp(name, "PG_", 3) == 0) {
				fprintf(out, "%s%s", sep, name + 3);
				sep = ",";
				break;
			}
		}
	}
}

/*
 * crash's struct page line (memory.c dump_mem_map): the page's address in
 * vmemmap, its physical address, mapping, index, reference count and flags.
 */
static void print_page_line(struct kc_session *session,
			    struct kc_arm64_mmu *mmu, uint64_t paddr, FILE *out)
{
	uint64_t pfn = paddr >> kc_arm64_mmu_geometry(mmu)->page_shift, page;
	uint64_t flags, mapping, index, refcount;
	struct kc_error *err = kc_arm64_pfn_to_page(kc_arm64_mmu_layout(mmu), pfn, &page);
	if (!err)
		err = kc_kernel_read_member(session, page, "struct page", "flags", &flags);
	if (!err)
		err = kc_kernel_read_member(session, page, "struct page", "mapping", &mapping);
	if (!err)
		err = kc_kernel_read_member(session, page, "struct page", "index", &index);
	if (!err)
		err = kc_kernel_read_member(session, page, "struct page",
					    kc_kernel_has_member(session, "struct page", "_refcount") ?
						    "_refcount.counter" : "_count.counter",
					    &refcount);
	if (err) {
		/* Without the vmlinux or with the page unreadable: no page line. */
		kc_error_destroy(err);
		return;
	}
	fprintf(out, "\n      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS\n");
	fprintf(out, "%016llx %8llx %16llx %8llx %2d %llx",
		(unsigned long long)page,
		(unsigned long long)(pfn << kc_arm64_mmu_geometry(mmu)->page_shift),
		(unsigned long long)mapping, (unsigned long long)index,
		(int)(int32_t)refcount, (unsigned long long)flags);
	print_page_flag_names(session, flags, out);
	fputc('\n', out);
}

/* vtop --json: one object per address. */
static void print_walk_json(FILE *out, const struct kc_arm64_mmu *mmu,
			    uint64_t vaddr, bool user, uint64_t root_vaddr,
			    uint64_t root_paddr, const struct kc_pgtable_walk *walk,
			    const struct kc_error *err)
{
	fprintf(out, "{\"vaddr\": \"0x%llx\", \"space\": \"%s\", \"mapped\": %s",
		(unsigned long long)vaddr, user ? "user" : "kernel",
		err ? "false" : "true");
	if (err)
		fputs(", \"paddr\": null", out);
	else
		fprintf(out, ", \"paddr\": \"0x%llx\"", (unsigned long long)walk->paddr);
	fprintf(out, ", \"page_directory\": \"0x%llx\", \"levels\": [",
		(unsigned long long)root_vaddr);
	for (unsigned i = 0; i < walk->nr_entries; i++) {
		const struct kc_pgtable_entry *e = &walk->entries[i];
		fprintf(out, "%s{\"level\": \"%s\", \"entry\": \"0x%llx\", \"entry_paddr\": \"0x%llx\", \"value\": \"0x%llx\"}",
			i ? ", " : "", e->name ? e->name : "?",
			(unsigned long long)entry_vaddr(mmu, root_vaddr, root_paddr, i, e),
			(unsigned long long)e->paddr, (unsigned long long)e->value);
	}
	fputs("]", out);
	if (!err) {
		const struct kc_pgtable_entry *leaf = &walk->entries[walk->nr_entries - 1];
		char flags[256];
		kc_pgtable_flags_string(kc_pgtable_desc_flags(kc_arm64_mmu_geometry(mmu), leaf->value, leaf->level) &
						~KC_PTE_F_TYPE_MASK,
					flags, sizeof(flags));
		fprintf(out, ", \"page\": \"0x%llx\", \"page_size\": %llu, \"block\": %s, \"flags\": [",
			(unsigned long long)(walk->paddr & ~(walk->map_size - 1)),
			(unsigned long long)walk->map_size, walk->is_block ? "true" : "false");
		for (char *f = flags, *sep; *f; f = sep ? sep + 1 : f + strlen(f)) {
			sep = strchr(f, '|');
			fprintf(out, "%s\"%.*s\"", f == flags ? "" : ", ",
				(int)(sep ? (size_t)(sep - f) : strlen(f)), f);
		}
		fputs("], \"error\": null}", out);
	} else {
		fputs(", \"error\": ", out);
		kc_json_string(out, kc_error_message(err));
		fputs("}", out);
	}
}

static struct kc_error *vtop_one(struct kc_session *session,
				 struct kc_arm64_mmu *mmu, uint64_t vaddr,
				 struct vtop_space *space, bool json, FILE *out)
{
	bool user = space->user || (!space->force_kernel &&
				    !kc_arm64_is_kernel_addr(mmu, vaddr));
	if (user) {
		struct kc_error *err = user_space(session, space);
		if (err)
			return kc_error_prefix(err, "user address 0x%llx",
					       (unsigned long long)vaddr);
	}
	uint64_t swapper = 0, swapper_paddr = 0;
	const char *swapper_source;
	kc_arm64_mmu_swapper(mmu, &swapper, &swapper_paddr, &swapper_source);
	struct kc_pgtable_walk walk;
	struct kc_error *err = kc_arm64_walk(mmu, user, user ? space->pgd_paddr : 0,
					     vaddr, &walk);
	if (json) {
		print_walk_json(out, mmu, vaddr, user,
				user ? space->pgd : swapper,
				user ? space->pgd_paddr : swapper_paddr,
				&walk, err);
		kc_error_destroy(err); /* reported inside the JSON */
		return NULL;
	}
	char phys[32];
	if (err)
		snprintf(phys, sizeof(phys), "(not mapped)");
	else
		snprintf(phys, sizeof(phys), "%llx", (unsigned long long)walk.paddr);
	fprintf(out, "%-16s  %-16s\n%-16llx  %-16s\n\n", "VIRTUAL", "PHYSICAL",
		(unsigned long long)vaddr, phys);
	if (user)
		print_walk(out, mmu, space->pgd, space->pgd_paddr, &walk);
	else
		print_walk(out, mmu, swapper, swapper_paddr, &walk);
	if (err) {
		fputc('\n', out);
		return err;
	}
	print_page_line(session, mmu, walk.paddr, out);
	if (user)
		return NULL;
	/* The fast paths must agree with the tables; say so if they do not. */
	uint64_t fast;
	struct kc_error *fast_err = kc_arm64_kvtop(mmu, vaddr, &fast);
	if (!fast_err && fast != walk.paddr)
		fprintf(out, "\nWARNING: the %s formula gives %llx, the page tables %llx\n",
			kc_arm64_region_name(kc_arm64_layout_classify(kc_arm64_mmu_layout(mmu),
								    walk.untagged)),
			(unsigned long long)fast, (unsigned long long)walk.paddr);
	kc_error_destroy(fast_err);
	return NULL;
}

static struct kc_error *cmd_vtop(struct kc_session *session, int argc,
				 char **argv, FILE *out)
{
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err)
		return err;
	struct vtop_space space = {0};
	bool json = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "-k") == 0) {
			space.force_kernel = true;
		} else if (strcmp(argv[i], "-u") == 0) {
			space.user = true;
		} else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			err = kc_task_lookup(session, argv[++i], &space.task);
			if (!err)
				err = kc_task_pgd(session, space.task, &space.pgd,
						  &space.pgd_paddr);
			if (err)
				return err;
			space.user = true;
		} else {
			return kc_error_create(KC_ERR_INVALID_ARG, "invalid option: %s (usage: %s)",
					       argv[i], kc_cmd_vtop.usage);
		}
	}
	if (space.user && space.force_kernel)
		return kc_error_create(KC_ERR_INVALID_ARG, "-k and -u/-c are mutually exclusive");
	if (i >= argc)
		return kc_usage_error(&kc_cmd_vtop);
	struct kc_error *first = NULL;
	if (json)
		fputc('[', out);
	for (int start = i; i < argc; i++) {
		if (i > start)
			fputs(json ? ", " : "\n", out);
		uint64_t vaddr;
		err = kc_parse_address(session, argv[i], &vaddr);
		if (!err)
			err = vtop_one(session, mmu, vaddr, &space, json, out);
		if (err && !first)
			first = err;
		else
			kc_error_destroy(err);
	}
	if (json)
		fputs("]\n", out);
	return first;
}

const struct kc_command kc_cmd_vtop = {
	.name = "vtop",
	.summary = "virtual to physical address translation",
	.usage = "vtop [-k|-u|-c PID|TASK] [--json] ADDR|SYMBOL...",
	.help = "Translates kernel virtual addresses through the page tables, from\n"
		"swapper_pg_dir, and shows crash's arm64 vtop output: VIRTUAL and\n"
		"PHYSICAL, the PAGE DIRECTORY, one line per level with the entry's\n"
		"kernel virtual address and value (PGD/P4D/PUD/PMD/PTE as the kernel\n"
		"names them for this page size and VA size), the PAGE (with the block\n"
		"size for block mappings) and the leaf descriptor's flags. A walk that\n"
		"stops at an invalid entry shows the levels read so far. Tagged\n"
		"pointers (MTE/KASAN tags in the top byte) are untagged first. When\n"
		"the linear-map or kernel-image formula disagrees with the page\n"
		"tables, a WARNING line says so.\n"
		"  -k        ADDR is a kernel address\n"
		"  -u        ADDR is a user address of the current context (see set);\n"
		"            addresses below the kernel's half are taken as user ones\n"
		"            without -u too\n"
		"  -c PID|TASK  translate user addresses through this task's page\n"
		"            tables\n"
		"User addresses are walked from the task's mm->pgd (shown as the PAGE\n"
		"DIRECTORY); kernel threads have no mm and no user addresses.\n"
		"--json prints a JSON array, one object per address: vaddr, space,\n"
		"mapped, paddr, page_directory, levels (level, entry, entry_paddr,\n"
		"value), page, page_size, block, flags, error.\n",
	.needs_dump = true,
	.run = cmd_vtop,
};
