/* SPDX-License-Identifier: MIT */
/*
 * kcrash-bench-translate: virtual-to-physical translations per second on a
 * real dump, for four kinds of address:
 *
 *   linear   random addresses of the linear map (random RAM pages of the
 *            dump, ptov), kept when the page tables map them (the
 *            crashkernel region is not in the linear map)
 *   kimage   every page of [_stext, _end) that the page tables map
 *   vmalloc  pages of every vmap_area on vmap_area_list (the test module's
 *            vmalloc buffer among them) that translate to RAM in the dump
 *            (ioremap'd device pages are left out)
 *   user     pages of the kc_sleeper process (found on init_task.tasks), its
 *            mm->pgd walked: its heap buffer and the pages around it, and the
 *            program's pages from 0x400000, that translate
 *
 * Each kind: a sample of N addresses (random pages of the set, random
 * 8-byte-aligned offsets), translated in order, best of REPS, in modes
 *   walk       no fast paths, no translation cache: every call walks
 *   tlb        translation cache on (flushed first), no fast paths
 *   default    fast paths (linear map, kernel image formulas) and cache
 *   read8      default, plus reading 8 bytes at the address (what drgn's
 *              prog.read(addr, 8) does)
 *
 * With -o FILE, the first 20000 addresses of each sample and the 8 bytes
 * kcrash reads there are written as "kind pid addr value" lines for
 * bench/drgn_translate.py to time and check against drgn.
 *
 * Output: one "set=..." key=value line per kind (translations per second).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arm64/mmu.h"
#include "kernel.h"
#include "session.h"

#define DRGN_SAMPLE 20000

struct addr_set {
	const char *name;
	bool user;
	uint64_t pgd_paddr;      /* user: the task's mm->pgd */
	int pid;
	uint64_t *pages;         /* distinct page addresses */
	size_t nr_pages, cap_pages;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15;

static uint64_t next_random(void)
{
	/* xorshift64*: reproducible samples from run to run. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, struct kc_error *err)
{
	fprintf(stderr, "kcrash-bench-translate: %s: %s\n", what, kc_error_message(err));
	exit(1);
}

static void add_page(struct addr_set *set, uint64_t page)
{
	if (set->nr_pages == set->cap_pages) {
		set->cap_pages = set->cap_pages ? 2 * set->cap_pages : 1024;
		set->pages = realloc(set->pages, set->cap_pages * sizeof(*set->pages));
		if (!set->pages) {
			perror("realloc");
			exit(1);
		}
	}
	set->pages[set->nr_pages++] = page;
}

/*
 * Whether the page tables themselves map VADDR (no formula, no cache) to
 * memory the dump holds (vmalloc also maps devices: ioremap).
 */
static bool walks(struct kc_arm64_mmu *mmu, const struct addr_set *set, uint64_t vaddr)
{
	struct kc_pgtable_walk walk;
	struct kc_error *err = kc_arm64_walk(mmu, set->user, set->pgd_paddr, vaddr, &walk);
	uint64_t word;
	if (!err)
		err = kc_dump_read_phys(mmu->dump, walk.paddr, &word, sizeof(word));
	kc_error_destroy(err);
	return !err;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Sort the pages and drop duplicates (random draws repeat). */
static void dedupe(struct addr_set *set)
{
	qsort(set->pages, set->nr_pages, sizeof(*set->pages), compare_u64);
	size_t n = 0;
	for (size_t i = 0; i < set->nr_pages; i++)
		if (n == 0 || set->pages[n - 1] != set->pages[i])
			set->pages[n++] = set->pages[i];
	set->nr_pages = n;
}

static uint64_t page_size(const struct kc_arm64_mmu *mmu)
{
	return UINT64_C(1) << mmu->geo.page_shift;
}

static void collect_linear(struct kc_arm64_mmu *mmu, struct addr_set *set, size_t want)
{
	const struct kc_dump *dump = mmu->dump;
	uint64_t total = 0;
	for (size_t i = 0; i < dump->nr_ranges; i++)
		total += dump->ranges[i].end - dump->ranges[i].start;
	for (size_t tries = 0; set->nr_pages < want && tries < 20 * want; tries++) {
		uint64_t at = next_random() % total;
		size_t r = 0;
		while (at >= dump->ranges[r].end - dump->ranges[r].start) {
			at -= dump->ranges[r].end - dump->ranges[r].start;
			r++;
		}
		uint64_t pa = (dump->ranges[r].start + at) & ~(page_size(mmu) - 1), va;
		struct kc_error *err = kc_arm64_ptov(mmu, pa, &va);
		if (err) {
			kc_error_destroy(err);
			continue;
		}
		if (walks(mmu, set, va))
			add_page(set, va);
	}
}

static void collect_kimage(struct kc_session *session, struct addr_set *set, size_t want)
{
	uint64_t stext = 0, end = 0;
	struct kc_error *err = kc_session_symbol(session, "_stext", &stext);
	if (!err)
		err = kc_session_symbol(session, "_end", &end);
	if (err)
		die("kernel image bounds", err);
	uint64_t page = page_size(session->mmu);
	for (uint64_t va = stext & ~(page - 1); va < end && set->nr_pages < want; va += page)
		if (walks(session->mmu, set, va))
			add_page(set, va);
}

struct vmap_walk {
	struct kc_session *session;
	struct addr_set *set;
	uint64_t list_offset;
	size_t want;
};

static struct kc_error *visit_vmap_area(void *ctx, uint64_t node)
{
	struct vmap_walk *w = ctx;
	uint64_t area = node - w->list_offset, start, end;
	struct kc_error *err = kc_kernel_read_member(w->session, area, "struct vmap_area",
						     "va_start", &start);
	if (!err)
		err = kc_kernel_read_member(w->session, area, "struct vmap_area", "va_end", &end);
	if (err)
		return err;
	uint64_t page = page_size(w->session->mmu);
	for (uint64_t va = start; va < end && w->set->nr_pages < w->want; va += page)
		if (walks(w->session->mmu, w->set, va))
			add_page(w->set, va);
	return w->set->nr_pages < w->want ? NULL : kc_error_create(KC_ERR_STOP, "enough");
}

static void collect_vmalloc(struct kc_session *session, struct addr_set *set, size_t want)
{
	const struct kc_kernel_member *list;
	uint64_t head = 0;
	struct kc_error *err = kc_kernel_member(session, "struct vmap_area", "list", &list);
	if (!err)
		err = kc_kernel_symbol(session, "vmap_area_list", &head);
	if (err)
		die("vmap_area_list", err);
	struct vmap_walk w = {session, set, list->offset, want};
	err = kc_kernel_list_walk(session, head, KC_KERNEL_LIST_MAX, visit_vmap_area, &w);
	if (err && err->code != KC_ERR_STOP)
		die("walking vmap_area_list", err);
	kc_error_destroy(err);
}

struct task_search {
	struct kc_session *session;
	uint64_t tasks_offset;
	const char *comm;
	uint64_t task;
};

static struct kc_error *visit_task(void *ctx, uint64_t node)
{
	struct task_search *s = ctx;
	uint64_t task = node - s->tasks_offset;
	char comm[16] = "";
	size_t size;
	struct kc_error *err = kc_kernel_read_member_bytes(s->session, task, "struct task_struct",
							   "comm", comm, sizeof(comm), &size);
	if (err)
		return err;
	comm[sizeof(comm) - 1] = '\0';
	if (strcmp(comm, s->comm) != 0)
		return NULL;
	s->task = task;
	return kc_error_create(KC_ERR_STOP, "found");
}

/* COMM's mm->pgd as a physical address, and its pid. */
static void find_task_pgd(struct kc_session *session, const char *comm, struct addr_set *set)
{
	const struct kc_kernel_member *tasks;
	uint64_t init_task = 0;
	struct kc_error *err = kc_kernel_member(session, "struct task_struct", "tasks", &tasks);
	if (!err)
		err = kc_kernel_symbol(session, "init_task", &init_task);
	if (err)
		die("init_task.tasks", err);
	struct task_search s = {session, tasks->offset, comm, 0};
	err = kc_kernel_list_walk(session, init_task + tasks->offset, KC_KERNEL_LIST_MAX,
				  visit_task, &s);
	if (err && err->code != KC_ERR_STOP)
		die("walking init_task.tasks", err);
	kc_error_destroy(err);
	if (!s.task) {
		fprintf(stderr, "kcrash-bench-translate: no task named %s\n", comm);
		exit(1);
	}
	uint64_t mm = 0, pgd = 0, pid = 0;
	err = kc_kernel_read_member(session, s.task, "struct task_struct", "mm", &mm);
	if (!err)
		err = kc_kernel_read_member(session, mm, "struct mm_struct", "pgd", &pgd);
	if (!err)
		err = kc_kernel_read_member(session, s.task, "struct task_struct", "pid", &pid);
	if (!err)
		err = kc_arm64_kvtop(session->mmu, pgd, &set->pgd_paddr);
	if (err)
		die(comm, err);
	set->pid = (int)pid;
}

static void collect_user(struct kc_session *session, struct addr_set *set,
			 uint64_t heapbuf, size_t want)
{
	uint64_t page = page_size(session->mmu);
	uint64_t heap = heapbuf & ~(page - 1);
	/* The heap buffer and its neighbourhood, then the program image. */
	uint64_t starts[] = {heap > 512 * page ? heap - 512 * page : 0, 0x400000};
	for (size_t s = 0; s < 2; s++)
		for (uint64_t i = 0; i < 1024 && set->nr_pages < want; i++)
			if (walks(session->mmu, set, starts[s] + i * page))
				add_page(set, starts[s] + i * page);
}

static struct kc_error *translate(struct kc_arm64_mmu *mmu, const struct addr_set *set,
				  uint64_t vaddr, uint64_t *paddr)
{
	return set->user ? kc_arm64_uvtop(mmu, set->pgd_paddr, vaddr, paddr)
			 : kc_arm64_kvtop(mmu, vaddr, paddr);
}

static struct kc_error *read8(struct kc_arm64_mmu *mmu, const struct addr_set *set,
			      uint64_t vaddr, uint64_t *value)
{
	return set->user ? kc_arm64_read_uvirt(mmu, set->pgd_paddr, vaddr, value, 8)
			 : kc_arm64_read_kvirt(mmu, vaddr, value, 8);
}

enum mode { MODE_WALK, MODE_TLB, MODE_DEFAULT, MODE_READ8, NR_MODES };
static const char *const mode_names[NR_MODES] = {"walk", "tlb", "default", "read8"};

static double time_mode(struct kc_arm64_mmu *mmu, const struct addr_set *set,
			const uint64_t *sample, size_t n, enum mode mode, int reps)
{
	mmu->use_fast_paths = mode >= MODE_DEFAULT;
	mmu->use_tlb = mode != MODE_WALK;
	double best = 1e30;
	uint64_t sink = 0;
	mmu->tlb_hits = mmu->tlb_misses = 0;
	for (int rep = 0; rep < reps; rep++) {
		kc_arm64_mmu_flush_tlb(mmu);
		double t0 = now();
		for (size_t i = 0; i < n; i++) {
			uint64_t out;
			struct kc_error *err = mode == MODE_READ8 ? read8(mmu, set, sample[i], &out)
								  : translate(mmu, set, sample[i], &out);
			if (err)
				die("translating a sampled address", err);
			sink += out;
		}
		double t = now() - t0;
		if (t < best)
			best = t;
	}
	mmu->use_fast_paths = true;
	mmu->use_tlb = true;
	if (sink == 42)
		fputc('\n', stderr);
	return (double)n / best;
}

static void run_set(struct kc_arm64_mmu *mmu, const struct addr_set *set, size_t n, int reps,
		    FILE *addrs)
{
	if (!set->nr_pages) {
		printf("set=%s pages=0\n", set->name);
		return;
	}
	uint64_t *sample = malloc(n * sizeof(*sample));
	if (!sample) {
		perror("malloc");
		exit(1);
	}
	uint64_t page = page_size(mmu);
	for (size_t i = 0; i < n; i++)
		sample[i] = set->pages[next_random() % set->nr_pages] +
			    (next_random() % (page / 8)) * 8;
	double rate[NR_MODES];
	uint64_t hits = 0, misses = 0;
	for (int m = 0; m < NR_MODES; m++) {
		rate[m] = time_mode(mmu, set, sample, n, (enum mode)m, reps);
		if (m == MODE_TLB) { /* all repetitions of the cached walk */
			hits = mmu->tlb_hits;
			misses = mmu->tlb_misses;
		}
	}
	printf("set=%s pages=%zu addresses=%zu", set->name, set->nr_pages, n);
	for (int m = 0; m < NR_MODES; m++)
		printf(" %s=%.0f", mode_names[m], rate[m]);
	printf(" tlb_hits=%" PRIu64 " tlb_misses=%" PRIu64 "\n", hits, misses);
	for (size_t i = 0; addrs && i < n && i < DRGN_SAMPLE; i++) {
		uint64_t value;
		struct kc_error *err = read8(mmu, set, sample[i], &value);
		if (err)
			die("reading a sampled address", err);
		fprintf(addrs, "%s %d 0x%" PRIx64 " 0x%" PRIx64 "\n", set->name, set->pid,
			sample[i], value);
	}
	free(sample);
}

static void usage(void)
{
	fprintf(stderr, "usage: kcrash-bench-translate [-n ADDRESSES] [-r REPS] [-o ADDRFILE] "
			"[-u HEAPBUF_VA] [-t COMM] VMLINUX DUMP\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t n = 200000;
	int reps = 3, opt;
	const char *addr_path = NULL, *comm = "kc_sleeper";
	uint64_t heapbuf = 0;
	while ((opt = getopt(argc, argv, "n:r:o:u:t:")) != -1) {
		switch (opt) {
		case 'n': n = strtoull(optarg, NULL, 0); break;
		case 'r': reps = atoi(optarg); break;
		case 'o': addr_path = optarg; break;
		case 'u': heapbuf = strtoull(optarg, NULL, 0); break;
		case 't': comm = optarg; break;
		default: usage();
		}
	}
	if (argc - optind != 2 || n == 0 || reps < 1)
		usage();
	const char *dump = argv[optind + 1];
	struct kc_session_options opts = {.vmlinux_path = argv[optind], .dump_paths = &dump,
					  .nr_dump_paths = 1};
	struct kc_session *session;
	struct kc_error *err = kc_session_open(&opts, &session);
	if (err)
		die(dump, err);
	struct kc_arm64_mmu *mmu;
	err = kc_session_mmu(session, &mmu);
	if (err)
		die(dump, err);
	FILE *addrs = addr_path ? fopen(addr_path, "w") : NULL;
	if (addr_path && !addrs) {
		perror(addr_path);
		return 1;
	}
	struct addr_set sets[4] = {
		{.name = "linear"}, {.name = "kimage"}, {.name = "vmalloc"},
		{.name = "user", .user = true},
	};
	collect_linear(mmu, &sets[0], 50000);
	collect_kimage(session, &sets[1], 50000);
	collect_vmalloc(session, &sets[2], 50000);
	find_task_pgd(session, comm, &sets[3]);
	if (heapbuf)
		collect_user(session, &sets[3], heapbuf, 50000);
	printf("dump=%s page_size=%" PRIu64 " levels=%u\n", dump, page_size(mmu),
	       mmu->geo.nr_levels);
	for (int i = 0; i < 4; i++) {
		dedupe(&sets[i]);
		run_set(mmu, &sets[i], n, reps, addrs);
		free(sets[i].pages);
	}
	if (addrs)
		fclose(addrs);
	kc_session_destroy(session);
	return 0;
}
