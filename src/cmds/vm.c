/* SPDX-License-Identifier: MIT */
/*
 * vm: a task's address space in crash's layout (crash memory.c
 * vm_area_dump: the task header; MM PGD RSS TOTAL_VM, each centred in 16,
 * 16, 6 and 8; then "VMA START END FLAGS FILE" with START and END right-
 * justified in 10 and the flags in %6llx). vm -p adds each VMA's pages
 * (vm_area_page_dump): "VIRTUAL PHYSICAL", VIRTUAL left-justified in 10,
 * then the physical address, "SWAP: FILE  OFFSET: N" for a swap entry,
 * "FILE: PATH  OFFSET: HEX" for an unmapped page of a file mapping, or
 * "(not mapped)"; and, kcrash's own, one NOTE line per VMA when mapped
 * pages are not in the dump (makedumpfile -d 8 and above drop user pages).
 */
#include "command.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/arm64/mmu.h>
#include <kcrash/dump.h>
#include <kcrash/fs.h>
#include <kcrash/tasks.h>
#include <kcrash/vm.h>

#include "btfmt.h"

#define ULL(x) ((unsigned long long)(x))

struct vm_request {
	bool pages;   /* -p */
	bool json;
	unsigned page_shift;
	unsigned paddr_width;   /* crash's PADDR_PRLEN */
	/* Swap areas by type, read on the first swap entry. */
	bool swap_read;
	struct kc_swap_area *swaps;
	size_t nr_swaps;
};

/* crash's mkstring(CENTER): the text centred in WIDTH, extra space right. */
static void centred(FILE *out, const char *text, int width)
{
	int len = (int)strlen(text);
	int left = len < width ? (width - len) / 2 : 0;
	int right = len < width ? width - len - left : 0;
	fprintf(out, "%*s%s%*s", left, "", text, right, "");
}

static void print_mm_line(const struct kc_task *t, uint64_t pgd, unsigned page_shift, FILE *out)
{
	char buf[32];
	fputs("       MM               PGD          RSS    TOTAL_VM\n", out);
	snprintf(buf, sizeof(buf), "%llx", ULL(t->mm));
	centred(out, buf, 16);
	fputs("  ", out);
	snprintf(buf, sizeof(buf), "%llx", ULL(pgd));
	centred(out, buf, 16);
	fputs("  ", out);
	snprintf(buf, sizeof(buf), "%lluk", ULL((t->rss << page_shift) / 1024));
	centred(out, buf, 6);
	fputs("  ", out);
	snprintf(buf, sizeof(buf), "%lluk", ULL((t->total_vm << page_shift) / 1024));
	centred(out, buf, 8);
	fputc('\n', out);
}

static const char vma_header[] = "      VMA           START       END     FLAGS FILE\n";

static void print_vma_line(const struct kc_vma *v, FILE *out)
{
	fprintf(out, "%16llx %10llx %10llx %6llx %s\n", ULL(v->vma), ULL(v->start), ULL(v->end),
		ULL(v->flags), v->path ? v->path : "");
}

static const char *swap_path(struct kc_session *session, struct vm_request *req, unsigned type)
{
	if (!req->swap_read) {
		req->swap_read = true;
		kc_error_destroy(kc_swap_areas(session, &req->swaps, &req->nr_swaps));
	}
	for (size_t i = 0; i < req->nr_swaps; i++)
		if (req->swaps[i].type == type && req->swaps[i].path)
			return req->swaps[i].path;
	return "(unknown swap location)";
}

/* The page at VADDR of V as crash prints it (text) or as a JSON object. */
static void print_page(struct kc_session *session, struct vm_request *req, const struct kc_vma *v,
		       const struct kc_upage *p, bool first, FILE *out)
{
	uint64_t file_offset = ((p->vaddr - v->start) >> req->page_shift) + v->pgoff;
	file_offset <<= req->page_shift;
	bool file = v->path && v->path[0];
	if (req->json) {
		fprintf(out, "%s{\"vaddr\": \"0x%llx\", \"state\": ", first ? "" : ", ", ULL(p->vaddr));
		switch (p->state) {
		case KC_UPAGE_MAPPED:
			fprintf(out, "\"mapped\", \"paddr\": \"0x%llx\", \"in_dump\": %s, "
				"\"dump_state\": \"%s\"", ULL(p->paddr),
				p->dump_state == KC_PAGE_PRESENT ? "true" : "false",
				kc_page_state_name(p->dump_state));
			break;
		case KC_UPAGE_SWAP:
			fprintf(out, "\"swap\", \"swap_type\": %u, \"swap_offset\": %llu, \"swap_file\": ",
				p->swap_type, ULL(p->swap_offset));
			kc_json_string(out, swap_path(session, req, p->swap_type));
			break;
		case KC_UPAGE_UNREADABLE:
			fputs("\"unreadable\", \"error\": ", out);
			kc_json_string(out, p->error);
			break;
		case KC_UPAGE_NOT_MAPPED:
			if (file)
				fprintf(out, "\"file\", \"file_offset\": \"0x%llx\"", ULL(file_offset));
			else
				fputs("\"not_mapped\"", out);
			break;
		}
		fputc('}', out);
		return;
	}
	switch (p->state) {
	case KC_UPAGE_MAPPED:
		fprintf(out, "%-10llx  %*llx\n", ULL(p->vaddr), (int)req->paddr_width, ULL(p->paddr));
		break;
	case KC_UPAGE_SWAP:
		fprintf(out, "%-10llx  SWAP: %s  OFFSET: %llu\n", ULL(p->vaddr),
			swap_path(session, req, p->swap_type), ULL(p->swap_offset));
		break;
	case KC_UPAGE_UNREADABLE:
		fprintf(out, "%-10llx  (page table unreadable: %s)\n", ULL(p->vaddr), p->error);
		break;
	case KC_UPAGE_NOT_MAPPED:
		if (file)
			fprintf(out, "%-10llx  FILE: %s  OFFSET: %llx\n", ULL(p->vaddr), v->path,
				ULL(file_offset));
		else
			fprintf(out, "%-10llx  (not mapped)\n", ULL(p->vaddr));
		break;
	}
}

static struct kc_error *print_pages(struct kc_session *session, struct vm_request *req,
				    const struct kc_mm *mm, const struct kc_vma *v, FILE *out)
{
	uint64_t page_size = UINT64_C(1) << req->page_shift;
	size_t mapped = 0, absent = 0;
	enum kc_page_state absent_state = KC_PAGE_PRESENT;
	if (!req->json)
		fprintf(out, "%-10s  %-*s\n", "VIRTUAL", (int)req->paddr_width, "PHYSICAL");
	bool first = true;
	for (uint64_t vaddr = v->start; vaddr < v->end; vaddr += page_size) {
		struct kc_error *err = kc_check_interrupt();
		if (err)
			return err;
		struct kc_upage p;
		err = kc_upage_translate(session, mm->pgd_paddr, vaddr, &p);
		if (err)
			return err;
		print_page(session, req, v, &p, first, out);
		first = false;
		if (p.state == KC_UPAGE_MAPPED) {
			mapped++;
			if (p.dump_state != KC_PAGE_PRESENT) {
				absent++;
				absent_state = p.dump_state;
			}
		}
	}
	if (absent && !req->json)
		fprintf(out, "NOTE: %zu of the %zu mapped pages above are not in the dump (%s%s)\n",
			absent, mapped, kc_page_state_name(absent_state),
			absent_state == KC_PAGE_EXCLUDED ? ": makedumpfile dropped them, so rd cannot read them" : "");
	return NULL;
}

static struct kc_error *show_json(struct kc_session *session, struct vm_request *req,
				  const struct kc_task *t, const struct kc_mm *mm,
				  const struct kc_error *mm_err, FILE *out)
{
	fprintf(out, "{\"pid\": %d, \"task\": \"0x%llx\", \"comm\": ", t->pid, ULL(t->task));
	kc_json_string(out, t->comm);
	fprintf(out, ", \"mm\": \"0x%llx\", \"pgd\": \"0x%llx\", \"rss_kb\": %llu, \"total_vm_kb\": %llu",
		ULL(t->mm), ULL(mm ? mm->pgd : 0), ULL((t->rss << req->page_shift) / 1024),
		ULL((t->total_vm << req->page_shift) / 1024));
	if (mm_err) {
		fputs(", \"error\": ", out);
		kc_json_string(out, kc_error_message(mm_err));
	}
	if (!mm) {
		fputs(", \"vmas\": []}", out);
		return NULL;
	}
	if (mm->warning) {
		fputs(", \"warning\": ", out);
		kc_json_string(out, mm->warning);
	}
	fputs(", \"vmas\": [", out);
	for (size_t i = 0; i < mm->nr_vmas; i++) {
		const struct kc_vma *v = &mm->vmas[i];
		fprintf(out, "%s\n  {\"vma\": \"0x%llx\", \"start\": \"0x%llx\", \"end\": \"0x%llx\", "
			"\"flags\": \"0x%llx\", \"pgoff\": %llu, \"file\": ", i ? "," : "", ULL(v->vma),
			ULL(v->start), ULL(v->end), ULL(v->flags), ULL(v->pgoff));
		kc_json_string(out, v->path);
		fprintf(out, ", \"ino\": %llu, \"dev\": \"%u:%u\"", ULL(v->ino), v->dev >> 20,
			v->dev & 0xfffff);
		if (req->pages) {
			fputs(", \"pages\": [", out);
			struct kc_error *err = print_pages(session, req, mm, v, out);
			fputc(']', out);
			if (err)
				return err;
		}
		fputc('}', out);
	}
	fputs("]}", out);
	return NULL;
}

static struct kc_error *show_task(struct kc_session *session, struct vm_request *req,
				  const struct kc_task *t, bool first, FILE *out)
{
	struct kc_mm mm;
	struct kc_error *mm_err = t->mm ? kc_task_mm(session, t, &mm) : NULL;
	bool have_mm = t->mm && !mm_err;
	struct kc_error *err = NULL;
	if (req->json) {
		fputs(first ? "\n" : ",\n", out);
		err = show_json(session, req, t, have_mm ? &mm : NULL, mm_err, out);
	} else {
		if (!first)
			fputc('\n', out);
		kc_bt_print_header(t, out);
		print_mm_line(t, have_mm ? mm.pgd : 0, req->page_shift, out);
		if (mm_err)
			fprintf(out, "vm: %s\n", kc_error_message(mm_err));
		if (have_mm) {
			if (!req->pages)
				fputs(vma_header, out);
			for (size_t i = 0; !err && i < mm.nr_vmas; i++) {
				if (req->pages)
					fputs(vma_header, out);
				print_vma_line(&mm.vmas[i], out);
				if (req->pages)
					err = print_pages(session, req, &mm, &mm.vmas[i], out);
			}
			if (mm.warning)
				fprintf(out, "WARNING: %s\n", mm.warning);
		}
	}
	kc_error_destroy(mm_err);
	if (have_mm)
		kc_mm_free(&mm);
	return err;
}

static struct kc_error *cmd_vm(struct kc_session *session, int argc, char **argv, FILE *out)
{
	struct vm_request req = {0};
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--json")) {
			req.json = true;
			continue;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			if (*c == 'p')
				req.pages = true;
			else
				return kc_error_create(KC_ERR_INVALID_ARG, "invalid option: -%c (usage: %s)",
						       *c, kc_cmd_vm.usage);
		}
	}
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err)
		return err;
	req.page_shift = kc_arm64_mmu_geometry(mmu)->page_shift;
	/* crash's PADDR_PRLEN: the hex digits of the end of physical memory, at least 8. */
	const struct kc_dump *dump = kc_session_dump(session);
	uint64_t phys_end = dump && dump->nr_ranges ? dump->ranges[dump->nr_ranges - 1].end : 0;
	char digits[24];
	req.paddr_width = (unsigned)snprintf(digits, sizeof(digits), "%llx", ULL(phys_end));
	if (req.paddr_width < 8)
		req.paddr_width = 8;
	const struct kc_task_list *list;
	err = kc_tasks(session, &list);
	if (err)
		return err;
	if (req.json)
		fputc('[', out);
	if (i == argc) {
		const struct kc_task *t;
		err = kc_session_context(session, &t);
		if (!err)
			err = show_task(session, &req, t, true, out);
	} else {
		bool *selected = calloc(list->nr_tasks + 1, sizeof(bool));
		if (!selected)
			err = &kc_error_nomem;
		for (; !err && i < argc; i++)
			err = kc_tasks_select(list, argv[i], false, selected);
		bool first = true;
		for (size_t k = 0; !err && k < list->nr_tasks; k++) {
			if (!selected[k] || list->tasks[k].warning)
				continue;
			err = show_task(session, &req, &list->tasks[k], first, out);
			first = false;
		}
		free(selected);
	}
	if (!err && req.json)
		fputs("\n]\n", out);
	kc_swap_areas_free(req.swaps, req.nr_swaps);
	return err;
}

const struct kc_command kc_cmd_vm = {
	.name = "vm",
	.summary = "virtual memory of a task: its VMAs and pages",
	.usage = "vm [-p] [--json] [PID|TASK|COMMAND]...",
	.help =
		"Shows the user address space of the current context (or of each task\n"
		"named) in crash's layout: the task header, the mm_struct, its page\n"
		"directory, RSS and TOTAL_VM in KiB, then one line per VMA (maple tree\n"
		"mm_mt from v6.1, the mm->mmap list before) with its vm_area_struct,\n"
		"START, END, the vm_flags in hex and the mapped file's path:\n"
		"        MM               PGD          RSS    TOTAL_VM\n"
		"  ffff3fc1410a5880  ffff3fc14129c000  1364k    2088k\n"
		"        VMA           START       END     FLAGS FILE\n"
		"  ffff3fc1411a9480     400000     5b3000     75 /bin/busybox\n"
		"  -p      each VMA's pages through the task's page tables: the physical\n"
		"          address, \"SWAP: SWAPFILE  OFFSET: N\" for a swap entry,\n"
		"          \"FILE: PATH  OFFSET: HEX\" for an unmapped page of a file, or\n"
		"          \"(not mapped)\"; mapped pages the dump does not hold\n"
		"          (makedumpfile -d 8 and above drop user pages) are counted in\n"
		"          one NOTE line under the VMA\n"
		"  --json  an array, one object per task: pid, task, comm, mm, pgd,\n"
		"          rss_kb, total_vm_kb, vmas (vma, start, end, flags, pgoff,\n"
		"          file, ino, dev \"MAJOR:MINOR\"; with -p, pages: vaddr, state\n"
		"          mapped/swap/file/not_mapped/unreadable, paddr, in_dump,\n"
		"          dump_state, swap_type, swap_offset, swap_file, file_offset)\n",
	.needs_dump = true,
	.prints_task_header = true,
	.run = cmd_vm,
};
