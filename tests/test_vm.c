// SPDX-License-Identifier: MIT
/*
 * Address spaces (include/kcrash/vm.h, the vm command).
 *
 * The Debian workload dumps (6.1: maple tree; 5.10: mm->mmap), opened
 * alone, against the guest's own view just before the crash: every
 * workload task's VMAs against /proc/PID/maps (range, permissions, file
 * offset, device, inode, path), each VMA's pages through the task's page
 * tables against /proc/PID/smaps (Rss: present pages; Swap: swap
 * entries; hugetlb pages), and kc_workload's sample pages against
 * /proc/self/pagemap (PFNs, and swap type and offset of the pages it
 * paged out). The tasks are blocked, so none of that moves between the
 * snapshot and the crash. On the four fixtures (vmlinux DWARF): the kc*
 * processes' VMAs against kcproc-maps.txt and the PFN of each one's heap
 * buffer against kcproc-pagemap.txt; the unfiltered ELF dump holds those
 * pages, the -d 31 kdump does not.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/commands.h>
#include <kcrash/kcrash.h>

#include "harness.h"

#define VM_PFNMAP_OR_IO 0x4400u  /* include/linux/mm.h: smaps does not count them */
#define VM_HUGETLB 0x400000u

/* One line of /proc/PID/maps, with smaps' counts when read from smaps. */
struct map_line {
	unsigned long long start, end, offset, inode;
	char perms[8];
	unsigned major, minor;
	char path[512];
	long long rss_kb, swap_kb, hugetlb_kb;
};

static size_t parse_maps(char *text, struct map_line *maps, size_t max)
{
	size_t n = 0;
	struct map_line *cur = NULL;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		struct map_line m = {0};
		int used = 0;
		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &m.start, &m.end, m.perms,
			   &m.offset, &m.major, &m.minor, &m.inode, &used) == 7 && n < max) {
			const char *p = used ? line + used : "";
			while (*p == ' ')
				p++;
			snprintf(m.path, sizeof(m.path), "%s", p);
			maps[n] = m;
			cur = &maps[n++];
			continue;
		}
		long long kb;
		if (!cur)
			continue;
		if (sscanf(line, "Rss: %lld kB", &kb) == 1)
			cur->rss_kb = kb;
		else if (sscanf(line, "Swap: %lld kB", &kb) == 1)
			cur->swap_kb = kb;
		else if (sscanf(line, "Shared_Hugetlb: %lld kB", &kb) == 1 ||
			 sscanf(line, "Private_Hugetlb: %lld kB", &kb) == 1)
			cur->hugetlb_kb += kb;
	}
	return n;
}

/* VMAs and smaps counts of one task directory; returns the VMAs compared. */
static size_t check_task(struct kc_session *session, const struct kc_task_list *list,
			 const char *truth, const char *task_dir, const char *label, size_t *pages)
{
	int pid;
	if (sscanf(task_dir, "%d-", &pid) != 1)
		return 0;
	char path[4600];
	snprintf(path, sizeof(path), "%s/tasks/%s/smaps.txt", truth, task_dir);
	char *text = kc_test_read_file(path, NULL);
	if (!CHECK_MSG(text != NULL, "%s: cannot read %s", label, path))
		return 0;
	struct map_line *maps = calloc(512, sizeof(*maps));
	size_t n = parse_maps(text, maps, 512);
	free(text);
	const struct kc_task *t = kc_task_by_pid(list, pid);
	struct kc_mm mm;
	struct kc_error *err = t ? kc_task_mm(session, t, &mm) : NULL;
	if (!CHECK_MSG(t && !err, "%s: pid %d: %s", label, pid, err ? kc_error_message(err) : "no task")) {
		kc_error_destroy(err);
		free(maps);
		return 0;
	}
	CHECK_MSG(!mm.warning, "%s: pid %d: %s", label, pid, mm.warning ? mm.warning : "");
	CHECK_MSG(mm.nr_vmas == n, "%s: pid %d: %zu VMAs, maps has %zu", label, pid, mm.nr_vmas, n);
	size_t compared = 0;
	for (size_t i = 0; i < n && i < mm.nr_vmas; i++) {
		const struct map_line *want = &maps[i];
		const struct kc_vma *v = &mm.vmas[i];
		char perms[5] = {v->flags & 1 ? 'r' : '-', v->flags & 2 ? 'w' : '-',
				 v->flags & 4 ? 'x' : '-', v->flags & 0x80 ? 's' : 'p', 0};
		unsigned long long offset = v->file ? v->pgoff << 12 : 0;
		CHECK_MSG(v->start == want->start && v->end == want->end && !strcmp(perms, want->perms) &&
			  offset == want->offset && v->ino == want->inode &&
			  (v->dev >> 20) == want->major && (v->dev & 0xfffff) == want->minor,
			  "%s: pid %d: VMA %llx-%llx %s %llx %u:%u %llu, maps %llx-%llx %s %llx %x:%x %llu",
			  label, pid, (unsigned long long)v->start, (unsigned long long)v->end, perms,
			  offset, v->dev >> 20, v->dev & 0xfffff, (unsigned long long)v->ino, want->start,
			  want->end, want->perms, want->offset, want->major, want->minor, want->inode);
		/* [stack], [vdso] and the like are named by the kernel's vm_ops, not a file. */
		if (v->file)
			CHECK_MSG(v->path && !strcmp(v->path, want->path), "%s: pid %d: %llx: path %s, maps %s",
				  label, pid, want->start, v->path ? v->path : "(null)", want->path);
		else
			CHECK_MSG(!want->path[0] || want->path[0] == '[', "%s: pid %d: %llx: no file, maps %s",
				  label, pid, want->start, want->path);
		/* Present pages and swap entries against smaps. */
		long long present = 0, swapped = 0;
		for (uint64_t va = v->start; va < v->end; va += 4096) {
			struct kc_upage p;
			err = kc_upage_translate(session, mm.pgd_paddr, va, &p);
			if (!CHECK_MSG(!err, "%s: pid %d: %llx: %s", label, pid, (unsigned long long)va,
				       err ? kc_error_message(err) : "")) {
				kc_error_destroy(err);
				break;
			}
			CHECK_MSG(p.state != KC_UPAGE_UNREADABLE, "%s: pid %d: %llx: %s", label, pid,
				  (unsigned long long)va, p.error);
			present += p.state == KC_UPAGE_MAPPED;
			swapped += p.state == KC_UPAGE_SWAP;
			/* -d 31 drops user pages: a mapped page is never shown as in the dump. */
			if (p.state == KC_UPAGE_MAPPED)
				CHECK(p.dump_state != KC_PAGE_PRESENT || !(v->flags & 0x100000));
			(*pages)++;
		}
		if (!(v->flags & VM_PFNMAP_OR_IO)) {
			long long want_kb = v->flags & VM_HUGETLB ? want->hugetlb_kb : want->rss_kb;
			CHECK_MSG(present * 4 == want_kb, "%s: pid %d: %llx-%llx: %lld kB present, smaps %lld",
				  label, pid, want->start, want->end, present * 4, want_kb);
		}
		CHECK_MSG(swapped * 4 == want->swap_kb, "%s: pid %d: %llx: %lld kB in swap, smaps %lld",
			  label, pid, want->start, swapped * 4, want->swap_kb);
		compared++;
	}
	kc_mm_free(&mm);
	free(maps);
	return compared;
}

/* kc_workload-info.txt's page lines: pagemap's PFN, or swap type and offset. */
static size_t check_pages(struct kc_session *session, const struct kc_task_list *list,
			  const char *truth, const char *label)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/kc_workload-info.txt", truth);
	char *text = kc_test_read_file(path, NULL);
	if (!CHECK_MSG(text != NULL, "cannot read %s", path))
		return 0;
	int pid = -1;
	sscanf(text, "pid %d", &pid);
	const struct kc_task *t = kc_task_by_pid(list, pid);
	struct kc_mm mm;
	size_t checked = 0, swapped = 0;
	if (!CHECK_MSG(t != NULL, "%s: no pid %d", label, pid) || !CHECK(!kc_task_mm(session, t, &mm))) {
		free(text);
		return 0;
	}
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char name[64];
		unsigned long long va, pagemap, pfn, offset;
		unsigned type;
		if (sscanf(line, "page %63s va %llx pagemap %llx", name, &va, &pagemap) != 3)
			continue;
		struct kc_upage p;
		struct kc_error *err = kc_upage_translate(session, mm.pgd_paddr, va, &p);
		if (!CHECK_MSG(!err, "%s: %llx: %s", label, va, err ? kc_error_message(err) : "")) {
			kc_error_destroy(err);
			continue;
		}
		const char *rest = strstr(line, " pfn ");
		if (rest && sscanf(rest, " pfn %llx", &pfn) == 1) {
			CHECK_MSG(p.state == KC_UPAGE_MAPPED && p.paddr >> 12 == pfn,
				  "%s: %s %llx: state %d paddr %llx, pagemap pfn %llx", label, name, va,
				  p.state, (unsigned long long)p.paddr, pfn);
			CHECK(p.dump_state == KC_PAGE_EXCLUDED);
			checked++;
		} else if ((rest = strstr(line, " swap_type ")) &&
			   sscanf(rest, " swap_type %u swap_offset %llx", &type, &offset) == 2) {
			CHECK_MSG(p.state == KC_UPAGE_SWAP && p.swap_type == type && p.swap_offset == offset,
				  "%s: %s %llx: state %d swap %u/%llu, pagemap %u/%llu", label, name, va,
				  p.state, p.swap_type, (unsigned long long)p.swap_offset, type, offset);
			unsigned dtype;
			uint64_t doffset;
			kc_swap_entry_decode(session, p.pte, &dtype, &doffset);
			CHECK(dtype == type && doffset == offset);
			checked++;
			swapped++;
		}
	}
	CHECK_MSG(checked >= 12 && swapped == 2, "%s: %zu pages, %zu swapped", label, checked, swapped);
	kc_mm_free(&mm);
	free(text);
	return checked;
}

static void check_workload(const char *name)
{
	char truth[4096];
	struct kc_session *session = kc_test_open_debian_alone(name, truth, sizeof(truth));
	if (!session)
		return;
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	char tasks[4200];
	snprintf(tasks, sizeof(tasks), "%s/tasks", truth);
	DIR *d = opendir(tasks);
	REQUIRE(d != NULL);
	struct dirent *ent;
	size_t vmas = 0, nr_tasks = 0, pages = 0;
	while ((ent = readdir(d))) {
		if (ent->d_name[0] == '.')
			continue;
		vmas += check_task(session, list, truth, ent->d_name, name, &pages);
		nr_tasks++;
	}
	closedir(d);
	size_t sampled = check_pages(session, list, truth, name);
	CHECK_MSG(vmas > 80 && nr_tasks >= 10, "%s: %zu VMAs of %zu tasks", name, vmas, nr_tasks);
	printf("    %s: %zu VMAs of %zu tasks as maps had them, %zu pages as smaps counted them, "
	       "%zu sample pages as pagemap had them\n", name, vmas, nr_tasks, pages, sampled);
	kc_session_destroy(session);
}

KC_TEST(vm_debian_6_1_workload) { check_workload("debian-6.1-arm64-workload"); }
KC_TEST(vm_debian_5_10_workload) { check_workload("debian-5.10-arm64-workload"); }

/* The fixtures' kc* processes: kcproc-maps.txt and kcproc-pagemap.txt. */
static void check_fixture(const char *fixture, const char *dump_file, bool has_user_pages)
{
	struct kc_session *session = kc_test_open_session(fixture, dump_file);
	if (!session)
		return;
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/kdump-snapshot/kcproc-maps.txt",
		 kc_test_fixtures_dir(), fixture);
	char *text = kc_test_read_file(path, NULL);
	REQUIRE(text != NULL);
	size_t procs = 0, vmas = 0;
	struct kc_mm mm = {0};
	bool have = false;
	size_t k = 0;
	for (char *line = strtok(text, "\n");; line = strtok(NULL, "\n")) {
		int pid;
		if (!line || sscanf(line, "== pid %d", &pid) == 1) {
			if (have) {
				CHECK_MSG(k == mm.nr_vmas, "%s: %zu VMAs in maps, %zu in the dump", fixture, k,
					  mm.nr_vmas);
				kc_mm_free(&mm);
				procs++;
			}
			have = false;
			k = 0;
			if (!line)
				break;
			const struct kc_task *t = kc_task_by_pid(list, pid);
			REQUIRE_MSG(t != NULL, "%s: no pid %d", fixture, pid);
			REQUIRE_OK(kc_task_mm(session, t, &mm));
			have = true;
			continue;
		}
		unsigned long long start, end;
		char perms[8];
		if (!have || sscanf(line, "%llx-%llx %7s", &start, &end, perms) != 3)
			continue;
		CHECK_MSG(k < mm.nr_vmas && mm.vmas[k].start == start && mm.vmas[k].end == end,
			  "%s: maps %llx-%llx, VMA %zu", fixture, start, end, k);
		const char *file = strchr(line, '/');
		if (k < mm.nr_vmas && file)
			CHECK_STR(mm.vmas[k].path, file);
		k++;
		vmas++;
	}
	free(text);
	CHECK(procs >= 4 && vmas > 30);
	/* The heap buffers' PFNs (and whether the dump holds them). */
	snprintf(path, sizeof(path), "%s/%s/ground-truth/kcproc-pagemap.txt", kc_test_fixtures_dir(),
		 fixture);
	text = kc_test_read_file(path, NULL);
	REQUIRE(text != NULL);
	size_t pfns = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		int pid;
		unsigned long long va, pagemap, pfn, pa;
		if (sscanf(line, "pid %d va %llx pagemap %llx pfn %llx pa %llx", &pid, &va, &pagemap, &pfn,
			   &pa) != 5)
			continue;
		const struct kc_task *t = kc_task_by_pid(list, pid);
		REQUIRE(t != NULL);
		REQUIRE_OK(kc_task_mm(session, t, &mm));
		struct kc_upage p;
		REQUIRE_OK(kc_upage_translate(session, mm.pgd_paddr, va, &p));
		CHECK_MSG(p.state == KC_UPAGE_MAPPED && p.paddr == pa, "%s: pid %d %llx: paddr %llx, pagemap %llx",
			  fixture, pid, va, (unsigned long long)p.paddr, pa);
		CHECK_MSG((p.dump_state == KC_PAGE_PRESENT) == has_user_pages, "%s: %s: pid %d page %s",
			  fixture, dump_file, pid, kc_page_state_name(p.dump_state));
		kc_mm_free(&mm);
		pfns++;
	}
	CHECK(pfns >= 4);
	free(text);
	printf("    %s %s: %zu processes' %zu VMAs, %zu heap PFNs\n", fixture, dump_file, procs, vmas, pfns);
	kc_session_destroy(session);
}

KC_TEST(vm_fixtures)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++)
		check_fixture(kc_test_fixture_names[f], "vmcore.kdump-zlib", false);
	check_fixture("arm64-6.1-4k48", "vmcore.elf.zst", true);
}

KC_TEST(vm_errors)
{
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session)
		return;
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	struct kc_mm mm;
	struct kc_error *err = kc_task_mm(session, kc_task_by_pid(list, 2), &mm);
	CHECK(err && err->code == KC_ERR_INVALID_ARG && strstr(kc_error_message(err), "kthreadd"));
	kc_error_destroy(err);
	err = kc_mm_read(session, 0x30, &mm);
	CHECK(err && strstr(kc_error_message(err), "mm_struct 0x30"));
	kc_error_destroy(err);
	struct kc_upage p;
	err = kc_upage_translate(session, 0, 0x400000, &p);
	CHECK(err && err->code == KC_ERR_INVALID_ARG);
	kc_error_destroy(err);
	/* The 6.1 encoding (type in bits 7:2, offset from bit 8). */
	unsigned type;
	uint64_t offset;
	kc_swap_entry_decode(session, 0x2 << 8 | 3 << 2, &type, &offset);
	CHECK(type == 3 && offset == 2);
	kc_session_destroy(session);
}

static size_t count_lines(const char *out, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);
	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		n += !strncmp(p, prefix, len);
	return n;
}

KC_TEST(vm_command)
{
	char truth[4096];
	struct kc_session *session = kc_test_open_debian_alone("debian-6.1-arm64-workload", truth, sizeof(truth));
	if (!session)
		return;
	static const char *const commands[] = {"vm 146", "vm -p 146", "foreach 146 2 vm", "vm -z"};
	char *out = kc_test_run_commands(session, commands, 4);
	REQUIRE(out != NULL);
	CHECK(strstr(out, "       MM               PGD          RSS    TOTAL_VM\n"
		      "ffff50f8c2d8a580  ffff50f8c42d2000  4260k    11804k \n"
		      "      VMA           START       END     FLAGS FILE\n"
		      "ffff50f8c83a2a18     200000     201000     71 /bin/kc_workload\n") != NULL);
	CHECK(strstr(out, " fb /memfd:kc-memfd (deleted)\n") != NULL);
	CHECK(strstr(out, "VIRTUAL     PHYSICAL\n") != NULL);
	CHECK(strstr(out, "ffffbc04f000  SWAP: /swap/swapfile  OFFSET: 1\n") != NULL);
	CHECK(strstr(out, "ffffbbd00000  (not mapped)\n") != NULL);
	CHECK(strstr(out, "ffffbc04e000  FILE: /memfd:kc-memfd (deleted)  OFFSET: 1000\n") != NULL);
	CHECK(strstr(out, "NOTE: 512 of the 512 mapped pages above are not in the dump (excluded") != NULL);
	const char *fe = strstr(out, "kcrash> foreach");
	REQUIRE(fe != NULL);
	CHECK_EQ_U64(count_lines(fe, "PID: 146 "), 1);
	CHECK_EQ_U64(count_lines(fe, "PID: 2 "), 1);
	CHECK(strstr(fe, "       0                 0            0k       0k   \n") != NULL);
	CHECK(strstr(out, "kcrash> vm -z\nerror: vm: invalid option: -z") != NULL);
	free(out);
	char *json = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&json, &len);
	REQUIRE_OK(kc_session_run_line(session, "vm -p --json 146", mem));
	fclose(mem);
	char path[4096];
	snprintf(path, sizeof(path), "%s/vm.json", kc_test_scratch_dir());
	FILE *f = fopen(path, "w");
	REQUIRE(f != NULL);
	fputs(json, f);
	fclose(f);
	char cmd[8192];
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
		 "p=[q for v in d[0][\"vmas\"] for q in v[\"pages\"]]; "
		 "assert sum(q[\"state\"]==\"swap\" for q in p)==1024, p[:3]; "
		 "assert all(not q[\"in_dump\"] for q in p if q[\"state\"]==\"mapped\")' '%s'", path);
	CHECK_MSG(system(cmd) == 0, "vm -p --json: %.200s", json);
	free(json);
	kc_session_destroy(session);
}
