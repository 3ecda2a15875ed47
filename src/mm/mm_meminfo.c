// SPDX-License-Identifier: MIT
/*
 * Huge page pools and the totals of crash's kmem -i (include/kcrash/mm.h):
 * what mm/show_mem.c si_meminfo() and fs/proc/meminfo.c compute, from the
 * same kernel variables.
 */
#include "mm_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether the hstate at ADDR (of SIZE bytes, read into BUF) looks like a pool. */
static bool hstate_valid(const uint8_t *buf, uint64_t order_off, uint64_t name_off,
			 uint64_t page_size)
{
	uint64_t order = kc_mm_get_uint(buf + order_off, 4);
	if (order == 0 || order > 24)
		return false;
	char expect[32];
	snprintf(expect, sizeof(expect), "hugepages-%llukB",
		 (unsigned long long)((page_size << order) / 1024));
	return strncmp((const char *)buf + name_off, expect, sizeof(expect)) == 0;
}

/*
 * hstates[] without its symbol: hstates is in the kernel image's .bss, so
 * look in the last 8 MiB below _end for the name of a pool (hstate.name
 * "hugepages-NkB", mm/hugetlb.c hugetlb_add_hstate) at its offset; the
 * array starts at the first one.
 */
static struct kc_error *find_hstates(struct kc_session *session, uint64_t hstate_size,
				     uint64_t order_off, uint64_t name_off, uint64_t page_size,
				     uint64_t *found)
{
	uint64_t end;
	struct kc_error *err = kc_mm_global(session, "_end", &end);
	if (err)
		return kc_error_prefix(err, "no hstates symbol, and no _end to search below");
	uint64_t span = UINT64_C(8) << 20;
	uint64_t start = (end - span) & ~(page_size - 1);
	uint8_t *page = malloc(page_size + hstate_size);
	if (!page)
		return &kc_error_nomem;
	static const char needle[] = "hugepages-";
	for (uint64_t p = start; p < end; p += page_size) {
		if (!kc_mm_ok(kc_kernel_read(session, p, page, page_size)))
			continue;
		for (uint64_t i = 0; i + sizeof(needle) <= page_size; i += 8) {
			if (memcmp(page + i, needle, sizeof(needle) - 1) != 0)
				continue;
			uint64_t cand = p + i - name_off;
			uint8_t *buf = malloc(hstate_size);
			if (!buf)
				break;
			bool ok = kc_mm_ok(kc_kernel_read(session, cand, buf, hstate_size)) &&
				  hstate_valid(buf, order_off, name_off, page_size);
			free(buf);
			if (ok) {
				free(page);
				*found = cand;
				return NULL;
			}
		}
	}
	free(page);
	return kc_error_create(KC_ERR_LOOKUP,
			       "hstates is not a known symbol and no huge page pool was found below _end "
			       "(no hugepages configured, or no CONFIG_HUGETLBFS)");
}

/*
 * HUGE_MAX_HSTATE, the length of hstates[]: the length of struct
 * hugetlb_cgroup's hugepage[HUGE_MAX_HSTATE] (include/linux/hugetlb_cgroup.h,
 * CONFIG_CGROUP_HUGETLB, in BTF too, where hstates itself is not), else
 * arm64's 4 (asm/hugetlb.h: the CONT_PTE, PMD, CONT_PMD and PUD sizes).
 */
static uint64_t huge_max_hstate(struct kc_session *session)
{
	uint64_t length;
	if (kc_mm_ok(kc_mm_member_array_length(session, "struct hugetlb_cgroup", "hugepage",
					       &length)) &&
	    length >= 1 && length <= 64)
		return length;
	return 4;
}

/*
 * The pools in use when neither hstates' type nor its symbol gives its
 * length (a dump's BTF has no hstates, its kallsyms no sizes):
 * hugetlb_max_hstate. mm/hugetlb.c (v5.10..v6.12) hands the pools out in
 * order, hugetlb_add_hstate() taking &hstates[hugetlb_max_hstate++] after
 * BUG_ON(hugetlb_max_hstate >= HUGE_MAX_HSTATE), and for_each_hstate()
 * (include/linux/hugetlb.h) walks hstates[0..hugetlb_max_hstate): so it is
 * the count of pools, from 0 to HUGE_MAX_HSTATE.
 */
static struct kc_error *hstates_in_use(struct kc_session *session, uint64_t *length)
{
	uint64_t addr, value;
	struct kc_error *err = kc_mm_global(session, "hugetlb_max_hstate", &addr);
	if (!err)
		err = kc_mm_read_uint(session, addr, 4, &value);
	if (err)
		return kc_error_prefix(err, "the length of hstates is known neither from its type "
					    "nor its symbol, and hugetlb_max_hstate");
	uint64_t max = huge_max_hstate(session);
	if (value > max)
		return kc_error_address(KC_ERR_FORMAT, addr,
					"hugetlb_max_hstate is %llu, above HUGE_MAX_HSTATE (%llu)",
					(unsigned long long)value, (unsigned long long)max);
	*length = value;
	return NULL;
}

struct kc_error *kc_mm_hstates(struct kc_session *session, struct kc_mm_hstate **hstates,
			       size_t *n)
{
	*hstates = NULL;
	*n = 0;
	uint64_t size, order_off, name_off, nr_off, free_off, resv_off, surplus_off;
	struct kc_error *err = kc_kernel_sizeof(session, "struct hstate", &size);
	if (err)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "no struct hstate in the types: a kernel without CONFIG_HUGETLBFS");
	err = kc_mm_offset(session, "struct hstate", "order", &order_off);
	if (err) {
		/* Declared but never defined: no CONFIG_HUGETLBFS. */
		kc_error_destroy(err);
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "struct hstate has no members: a kernel without CONFIG_HUGETLBFS");
	}
	if (!err)
		err = kc_mm_offset(session, "struct hstate", "name", &name_off);
	if (!err)
		err = kc_mm_offset(session, "struct hstate", "nr_huge_pages", &nr_off);
	if (!err)
		err = kc_mm_offset(session, "struct hstate", "free_huge_pages", &free_off);
	if (!err)
		err = kc_mm_offset(session, "struct hstate", "resv_huge_pages", &resv_off);
	if (!err)
		err = kc_mm_offset(session, "struct hstate", "surplus_huge_pages", &surplus_off);
	if (err)
		return err;
	struct kc_mm_model model;
	err = kc_mm_model(session, &model);
	if (err)
		return err;
	uint64_t base, length = 0;
	err = kc_mm_global(session, "hstates", &base);
	if (!err) {
		err = kc_mm_global_array_length(session, "hstates", size, &length);
		if (err && err->code == KC_ERR_LOOKUP) {
			kc_error_destroy(err);
			err = hstates_in_use(session, &length);
		}
	} else {
		kc_error_destroy(err);
		err = find_hstates(session, size, order_off, name_off, model.page_size, &base);
		if (!err)
			length = huge_max_hstate(session);
	}
	if (err)
		return err;
	if (length > 64)
		length = 64;
	*hstates = calloc(length + 1, sizeof(**hstates));
	uint8_t *buf = malloc(size);
	if (!*hstates || !buf) {
		free(*hstates);
		free(buf);
		*hstates = NULL;
		return &kc_error_nomem;
	}
	for (uint64_t i = 0; i < length; i++) {
		uint64_t addr = base + i * size;
		err = kc_kernel_read(session, addr, buf, size);
		if (err) {
			err = kc_error_prefix(err, "hstates[%llu]", (unsigned long long)i);
			break;
		}
		unsigned order = (unsigned)kc_mm_get_uint(buf + order_off, 4);
		if (!order)
			continue;
		if (!hstate_valid(buf, order_off, name_off, model.page_size))
			break;  /* past the used pools when the array was found by search */
		struct kc_mm_hstate *h = &(*hstates)[(*n)++];
		h->addr = addr;
		h->order = order;
		memcpy(h->name, buf + name_off, sizeof(h->name) - 1);
		h->nr_huge_pages = kc_mm_get_uint(buf + nr_off, 8);
		h->free_huge_pages = kc_mm_get_uint(buf + free_off, 8);
		h->resv_huge_pages = kc_mm_get_uint(buf + resv_off, 8);
		h->surplus_huge_pages = kc_mm_get_uint(buf + surplus_off, 8);
	}
	free(buf);
	if (err) {
		free(*hstates);
		*hstates = NULL;
		*n = 0;
	}
	return err;
}

__attribute__((format(printf, 2, 3)))
static void set_unknown(struct kc_mm_count *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	c->known = false;
	c->pages = 0;
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

static void set_known(struct kc_mm_count *c, int64_t pages)
{
	c->known = true;
	c->pages = pages;
	c->why[0] = '\0';
}

/* Record ERR (consumed) as the reason C is unknown; true when there was one. */
static bool failed(struct kc_mm_count *c, struct kc_error *err)
{
	if (!err)
		return false;
	set_unknown(c, "%s", kc_error_message(err));
	kc_error_destroy(err);
	return true;
}

/* An unsigned long global, or an atomic_long_t's counter (same place). */
static struct kc_error *read_global_long(struct kc_session *session, const char *name,
					 uint64_t *value)
{
	uint64_t addr;
	struct kc_error *err = kc_mm_global(session, name, &addr);
	if (!err)
		err = kc_kernel_read_u64(session, addr, value);
	return err;
}

/* Pages of struct page with a count above 1 and no PG_reserved (crash's SHARED tally). */
static struct kc_error *count_shared(struct kc_session *session, int64_t *shared)
{
	struct kc_mm_model model;
	struct kc_mm_section *sections;
	size_t nr;
	unsigned reserved_bit;
	struct kc_error *err = kc_mm_model(session, &model);
	if (!err)
		err = kc_mm_page_flag_bit(session, "PG_reserved", &reserved_bit);
	if (err)
		return err;
	uint64_t flags_off, count_off;
	err = kc_mm_offset(session, "struct page", "flags", &flags_off);
	if (!err)
		err = kc_mm_offset(session, "struct page", "_refcount", &count_off);
	if (!err)
		err = kc_mm_sections(session, &sections, &nr);
	if (err)
		return err;
	uint64_t pages_per_section = UINT64_C(1) << (model.section_size_bits - model.page_shift);
	enum { CHUNK = 1024 };
	uint8_t *buf = malloc(CHUNK * model.page_struct_size);
	if (!buf) {
		free(sections);
		return &kc_error_nomem;
	}
	*shared = 0;
	for (size_t s = 0; s < nr && !err; s++) {
		if (!(sections[s].state & KC_MM_SECTION_HAS_MEM_MAP))
			continue;
		for (uint64_t p = 0; p < pages_per_section && !err; p += CHUNK) {
			err = kc_check_interrupt();
			if (err)
				break;
			uint64_t addr = sections[s].mem_map + p * model.page_struct_size;
			if (!kc_mm_ok(kc_kernel_read(session, addr, buf, CHUNK * model.page_struct_size)))
				continue;  /* a hole in mem_map: nothing to count */
			for (unsigned i = 0; i < CHUNK; i++) {
				const uint8_t *page = buf + i * model.page_struct_size;
				uint64_t flags = kc_mm_get_uint(page + flags_off, 8);
				int32_t count = (int32_t)kc_mm_get_uint(page + count_off, 4);
				if (!(flags & (UINT64_C(1) << reserved_bit)) && count > 1)
					(*shared)++;
			}
		}
	}
	free(buf);
	free(sections);
	return err;
}

/* nr_blockdev_pages(): the page cache of the block devices' inodes (v5.9+:
 * blockdev_superblock->s_inodes, block/bdev.c). */
struct bdev_walk {
	struct kc_session *session;
	uint64_t sb_list_off, mapping_off, nrpages_off;
	int64_t pages;
};

static struct kc_error *visit_bdev_inode(void *ctx, uint64_t node)
{
	struct bdev_walk *w = ctx;
	uint64_t mapping, nrpages;
	struct kc_error *err = kc_kernel_read_u64(w->session, node - w->sb_list_off + w->mapping_off,
						  &mapping);
	if (!err)
		err = kc_kernel_read_u64(w->session, mapping + w->nrpages_off, &nrpages);
	if (!err)
		w->pages += (int64_t)nrpages;
	return err;
}

static struct kc_error *count_buffers(struct kc_session *session, int64_t *pages)
{
	struct bdev_walk w = {.session = session};
	uint64_t sb_var, sb, s_inodes_off;
	struct kc_error *err = kc_mm_global(session, "blockdev_superblock", &sb_var);
	if (!err)
		err = kc_kernel_read_u64(session, sb_var, &sb);
	if (!err)
		err = kc_mm_offset(session, "struct super_block", "s_inodes", &s_inodes_off);
	if (!err)
		err = kc_mm_offset(session, "struct inode", "i_sb_list", &w.sb_list_off);
	if (!err)
		err = kc_mm_offset(session, "struct inode", "i_mapping", &w.mapping_off);
	if (!err)
		err = kc_mm_offset(session, "struct address_space", "nrpages", &w.nrpages_off);
	if (!err)
		err = kc_walk_list(session, sb + s_inodes_off, false, 1u << 20, visit_bdev_inode, &w);
	*pages = w.pages;
	return err;
}

/* total_swapcache_pages(): NR_SWAPCACHE (v5.12+), else swapper_spaces[]. */
static struct kc_error *count_swapcache(struct kc_session *session, int64_t *pages)
{
	struct kc_error *err = kc_mm_vm_stat(session, "NR_SWAPCACHE", pages);
	if (!err)
		return NULL;
	kc_error_destroy(err);
	uint64_t spaces, nr_spaces, len, as_size, nrpages_off;
	err = kc_mm_global(session, "swapper_spaces", &spaces);
	if (!err)
		err = kc_mm_global(session, "nr_swapper_spaces", &nr_spaces);
	if (!err)
		err = kc_mm_global_array_length(session, "swapper_spaces", 8, &len);
	if (!err)
		err = kc_kernel_sizeof(session, "struct address_space", &as_size);
	if (!err)
		err = kc_mm_offset(session, "struct address_space", "nrpages", &nrpages_off);
	*pages = 0;
	if (err) {
		/* Without CONFIG_SWAP there is no swap cache at all; the vmlinux's
		 * symbols (not kallsyms, which lists no data) tell. */
		uint64_t info;
		struct kc_error *swap = kc_mm_global(session, "swap_info", &info);
		if (swap && kc_session_symbols_from_vmlinux(session)) {
			kc_error_destroy(swap);
			kc_error_destroy(err);
			return NULL;
		}
		kc_error_destroy(swap);
	}
	for (uint64_t i = 0; !err && i < len && i < 64; i++) {
		uint64_t banks, sa;
		err = kc_mm_read_uint(session, nr_spaces + 4 * i, 4, &banks);
		if (!err)
			err = kc_kernel_read_u64(session, spaces + 8 * i, &sa);
		for (uint64_t j = 0; !err && sa && j < banks && j < (1u << 16); j++) {
			uint64_t nr;
			err = kc_kernel_read_u64(session, sa + j * as_size + nrpages_off, &nr);
			*pages += (int64_t)nr;
		}
	}
	return err;
}

/* Swap: swap_info[] of nr_swapfiles, each in use (SWP_USED) counting pages and inuse_pages. */
static struct kc_error *count_swap(struct kc_session *session, int64_t *total, int64_t *used)
{
	uint64_t info, nr;
	struct kc_error *err = kc_mm_global(session, "swap_info", &info);
	if (!err)
		err = kc_mm_read_global_u32(session, "nr_swapfiles", &nr);
	*total = *used = 0;
	/* include/linux/swap.h: SWP_USED = 1 << 0 (v2.6 .. v6.12). */
	for (uint64_t i = 0; !err && i < nr && i < 64; i++) {
		uint64_t si, flags, pages, inuse;
		err = kc_kernel_read_u64(session, info + 8 * i, &si);
		if (err || !si)
			continue;
		err = kc_kernel_read_member(session, si, "struct swap_info_struct", "flags", &flags);
		if (!err)
			err = kc_kernel_read_member(session, si, "struct swap_info_struct", "pages", &pages);
		if (!err)
			err = kc_kernel_read_member(session, si, "struct swap_info_struct", "inuse_pages",
						    &inuse);
		if (!err && (flags & 1)) {
			*total += (int64_t)pages;
			*used += (int64_t)inuse;
		}
	}
	return err;
}

struct kc_error *kc_mm_read_global_u32(struct kc_session *session, const char *name,
				       uint64_t *value)
{
	uint64_t addr;
	struct kc_error *err = kc_mm_global(session, name, &addr);
	if (!err)
		err = kc_mm_read_uint(session, addr, 4, value);
	return err;
}

/* percpu_counter_sum(): count plus every CPU's s32 delta (lib/percpu_counter.c). */
static struct kc_error *percpu_counter_sum(struct kc_session *session, uint64_t counter,
					   int64_t *sum)
{
	uint64_t count, counters;
	struct kc_error *err = kc_kernel_read_member(session, counter, "struct percpu_counter",
						     "count", &count);
	if (!err)
		err = kc_kernel_read_member(session, counter, "struct percpu_counter", "counters",
					    &counters);
	if (err)
		return err;
	*sum = (int64_t)count;
	unsigned cpus = kc_kernel_nr_cpus(session);
	for (unsigned cpu = 0; cpu < cpus && counters; cpu++) {
		uint64_t addr, v;
		err = kc_kernel_percpu(session, counters, cpu, &addr);
		if (!err)
			err = kc_mm_read_uint(session, addr, 4, &v);
		if (err)
			return err;
		*sum += (int32_t)v;
	}
	return NULL;
}

struct kc_error *kc_mm_meminfo(struct kc_session *session, struct kc_mm_meminfo *ret)
{
	memset(ret, 0, sizeof(*ret));
	uint64_t v;
	int64_t s, s2;
	/* totalram_pages: _totalram_pages (atomic_long_t) since v5.0. */
	struct kc_error *err = read_global_long(session, "_totalram_pages", &v);
	if (err) {
		kc_error_destroy(err);
		err = read_global_long(session, "totalram_pages", &v);
	}
	if (!failed(&ret->total, err))
		set_known(&ret->total, (int64_t)v);
	if (!failed(&ret->free, kc_mm_vm_stat(session, "NR_FREE_PAGES", &s)))
		set_known(&ret->free, s);
	if (ret->total.known && ret->free.known)
		set_known(&ret->used, ret->total.pages - ret->free.pages);
	else
		set_unknown(&ret->used, "needs TOTAL MEM and FREE");
	if (!failed(&ret->shared, count_shared(session, &s)))
		set_known(&ret->shared, s);
	if (!failed(&ret->buffers, count_buffers(session, &s)))
		set_known(&ret->buffers, s);
	/* Cached: NR_FILE_PAGES - swap cache - buffers (fs/proc/meminfo.c). */
	int64_t file_pages;
	err = kc_mm_vm_stat(session, "NR_FILE_PAGES", &file_pages);
	if (!failed(&ret->cached, err)) {
		int64_t swapcache = 0;
		err = count_swapcache(session, &swapcache);
		if (!failed(&ret->cached, err)) {
			int64_t cached = file_pages - swapcache - ret->buffers.pages;
			set_known(&ret->cached, cached < 0 ? 0 : cached);
		}
	}
	/* Slab: NR_SLAB_*_B (v5.9+, counted in pages globally), else NR_SLAB_*. */
	err = kc_mm_vm_stat(session, "NR_SLAB_RECLAIMABLE_B", &s);
	if (!err)
		err = kc_mm_vm_stat(session, "NR_SLAB_UNRECLAIMABLE_B", &s2);
	if (err) {
		kc_error_destroy(err);
		err = kc_mm_vm_stat(session, "NR_SLAB_RECLAIMABLE", &s);
		if (!err)
			err = kc_mm_vm_stat(session, "NR_SLAB_UNRECLAIMABLE", &s2);
	}
	if (!failed(&ret->slab, err))
		set_known(&ret->slab, s + s2);
	struct kc_mm_hstate *hstates;
	size_t nr_hstates;
	err = kc_mm_hstates(session, &hstates, &nr_hstates);
	if (err && err->code == KC_ERR_UNSUPPORTED) {
		kc_error_destroy(err);
		err = NULL;
		nr_hstates = 0;
		hstates = NULL;
	}
	if (!failed(&ret->huge_total, err)) {
		int64_t total = 0, freep = 0;
		for (size_t i = 0; i < nr_hstates; i++) {
			total += (int64_t)(hstates[i].nr_huge_pages << hstates[i].order);
			freep += (int64_t)(hstates[i].free_huge_pages << hstates[i].order);
		}
		free(hstates);
		set_known(&ret->huge_total, total);
		set_known(&ret->huge_free, freep);
	} else {
		ret->huge_free = ret->huge_total;
	}
	int64_t swap_total, swap_used;
	if (!failed(&ret->swap_total, count_swap(session, &swap_total, &swap_used))) {
		set_known(&ret->swap_total, swap_total);
		set_known(&ret->swap_used, swap_used);
		set_known(&ret->swap_free, swap_total - swap_used);
	} else {
		ret->swap_used = ret->swap_free = ret->swap_total;
	}
	/* vm_commit_limit() (mm/util.c): overcommit_kbytes, else the ratio of RAM
	 * less huge pages; plus swap. */
	uint64_t kbytes = 0, ratio = 0;
	err = read_global_long(session, "sysctl_overcommit_kbytes", &kbytes);
	if (!err && !kbytes)
		err = kc_mm_read_global_u32(session, "sysctl_overcommit_ratio", &ratio);
	if (!err && !ret->total.known)
		err = kc_error_create(KC_ERR_LOOKUP, "needs TOTAL MEM");
	if (!failed(&ret->commit_limit, err)) {
		struct kc_mm_model model;
		err = kc_mm_model(session, &model);
		if (!failed(&ret->commit_limit, err)) {
			int64_t allowed = kbytes ? (int64_t)(kbytes >> (model.page_shift - 10))
				: (ret->total.pages - (ret->huge_total.known ? ret->huge_total.pages : 0)) *
				  (int64_t)ratio / 100;
			set_known(&ret->commit_limit,
				  allowed + (ret->swap_total.known ? ret->swap_total.pages : 0));
		}
	}
	uint64_t committed_as;
	err = kc_mm_global(session, "vm_committed_as", &committed_as);
	if (!err)
		err = percpu_counter_sum(session, committed_as, &s);
	if (!failed(&ret->committed, err))
		set_known(&ret->committed, s < 0 ? 0 : s);
	return NULL;
}
