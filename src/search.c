/* SPDX-License-Identifier: MIT */
/*
 * kcrash/search.h: memory searches. Memory is read in units of the smaller
 * of the kernel's page and the dump's page (so one page-state check covers
 * a unit), virtual ranges through the page tables with empty entries
 * skipped whole, and string matches followed across units by keeping the
 * last bytes of the previous unit when the next one is contiguous.
 */
#include <kcrash/search.h>

#include <stdlib.h>
#include <string.h>

#include <kcrash/arm64/mmu.h>

#include "session.h"

struct searcher {
	struct kc_session *session;
	struct kc_dump *dump;
	struct kc_arm64_mmu *mmu;
	const struct kc_search_request *req;
	kc_search_visit_fn visit;
	void *ctx;
	struct kc_search_stats *stats;
	uint64_t first, last;        /* the request's range, inclusive */
	size_t unit;                 /* bytes read at a time */
	size_t longest;              /* longest string */
	size_t string_len[KC_SEARCH_MAX_PATTERNS];
	uint8_t *buf;                /* carry (longest - 1 bytes at most) + one unit */
	size_t carry_len;
	uint64_t carry_next;         /* the address that continues the carry */
	uint64_t carry_paddr_end;    /* physical address just past the carry */
	unsigned polls;
};

static void drop_carry(struct searcher *s)
{
	s->carry_len = 0;
}

static struct kc_error *report(struct searcher *s, struct kc_search_hit *hit)
{
	s->stats->hits++;
	return s->visit(s->ctx, hit);
}

/* Report the hit for value index I at offset OFF of the unit at ADDR. */
static struct kc_error *value_hit(struct searcher *s, uint64_t addr, uint64_t paddr,
				  size_t off, size_t i, uint64_t v)
{
	struct kc_search_hit hit = {.addr = addr + off, .paddr = paddr + off, .index = i,
				    .value = v};
	return report(s, &hit);
}

/*
 * The values of WIDTH at [LO, HI) of DATA that equal a wanted value under the
 * mask. The common case, one value, compares each word with one constant in
 * a loop the compiler unrolls; a match (rare) goes back to the general test.
 */
#define SCAN_VALUES_WIDTH(name, type)                                                     \
	static struct kc_error *name(struct searcher *s, uint64_t addr, uint64_t paddr,      \
				     const uint8_t *data, size_t lo, size_t hi)               \
	{                                                                                    \
		const struct kc_search_request *req = s->req;                                \
		type mask = (type)req->mask;                                                 \
		type first = (type)(req->values[0] | req->mask);                             \
		for (size_t off = lo; off + sizeof(type) <= hi; off += sizeof(type)) {       \
			type v;                                                              \
			memcpy(&v, data + off, sizeof(type));                                \
			if (req->nr_values == 1 && (type)(v | mask) != first)                \
				continue;                                                    \
			for (size_t i = 0; i < req->nr_values; i++) {                        \
				if ((type)(v | mask) != (type)(req->values[i] | req->mask))  \
					continue;                                            \
				struct kc_error *err = value_hit(s, addr, paddr, off, i, v); \
				if (err)                                                     \
					return err;                                          \
			}                                                                    \
		}                                                                            \
		return NULL;                                                                 \
	}
SCAN_VALUES_WIDTH(scan_values64, uint64_t)
SCAN_VALUES_WIDTH(scan_values32, uint32_t)
SCAN_VALUES_WIDTH(scan_values16, uint16_t)
#undef SCAN_VALUES_WIDTH

static struct kc_error *scan_values(struct searcher *s, uint64_t addr, uint64_t paddr,
				    const uint8_t *data, size_t len)
{
	/* The values of the unit that start inside [first, last]. */
	unsigned width = s->req->width;
	if (addr > s->last || addr + len - 1 < s->first)
		return NULL;
	size_t lo = 0, hi = len;
	if (addr < s->first)
		lo = (size_t)((s->first - addr + width - 1) / width * width);
	if (addr + len - 1 > s->last && s->last - addr + width < len)
		hi = (size_t)(s->last - addr + width); /* a value starting at last counts */
	if (width == 8)
		return scan_values64(s, addr, paddr, data, lo, hi);
	if (width == 4)
		return scan_values32(s, addr, paddr, data, lo, hi);
	return scan_values16(s, addr, paddr, data, lo, hi);
}

/* A string match at P of the TOTAL bytes of s->buf (carry + the unit at ADDR). */
static struct kc_error *string_hit(struct searcher *s, size_t i, size_t p, size_t total,
				   uint64_t addr, uint64_t paddr)
{
	/* Wholly inside the carry: reported with the previous unit. */
	if (p + s->string_len[i] <= s->carry_len)
		return NULL;
	uint64_t where = addr - s->carry_len + p;
	if (where < s->first || where > s->last)
		return NULL;
	uint64_t where_paddr = p >= s->carry_len ? paddr + (p - s->carry_len)
						 : s->carry_paddr_end - (s->carry_len - p);
	struct kc_search_hit hit = {.addr = where, .paddr = where_paddr, .index = i,
				    .bytes = s->buf + p, .nr_bytes = total - p};
	return report(s, &hit);
}

static struct kc_error *scan_strings(struct searcher *s, uint64_t addr, uint64_t paddr,
				     size_t len)
{
	const struct kc_search_request *req = s->req;
	size_t total = s->carry_len + len;
	const uint8_t *data = s->buf;
	struct kc_error *err = NULL;
	if (req->nr_strings == 1) {
		const char *needle = req->strings[0];
		size_t nlen = s->string_len[0];
		for (const uint8_t *p = data; !err && p + nlen <= data + total;) {
			const uint8_t *m = memmem(p, (size_t)(data + total - p), needle, nlen);
			if (!m)
				break;
			err = string_hit(s, 0, (size_t)(m - data), total, addr, paddr);
			p = m + 1;
		}
	} else {
		/* Several strings: position by position, so hits come in address order. */
		for (size_t p = 0; !err && p < total; p++) {
			for (size_t i = 0; !err && i < req->nr_strings; i++) {
				size_t nlen = s->string_len[i];
				if (p + nlen <= total && data[p] == (uint8_t)req->strings[i][0] &&
				    !memcmp(data + p, req->strings[i], nlen))
					err = string_hit(s, i, p, total, addr, paddr);
			}
		}
	}
	if (err)
		return err;
	/* Keep the tail for a match that continues into the next unit. */
	size_t keep = s->longest > 1 ? s->longest - 1 : 0;
	if (keep > total)
		keep = total;
	memmove(s->buf, s->buf + total - keep, keep);
	s->carry_len = keep;
	s->carry_next = addr + len;
	s->carry_paddr_end = paddr + len;
	return NULL;
}

/* One unit of LEN bytes at ADDR (in the searched space), physically at PADDR. */
static struct kc_error *scan_unit(struct searcher *s, uint64_t addr, uint64_t paddr, size_t len)
{
	if ((++s->polls & 63) == 0) {
		struct kc_error *err = kc_check_interrupt();
		if (err)
			return err;
	}
	if (s->carry_len && s->carry_next != addr)
		drop_carry(s);
	if (kc_dump_page_state(s->dump, paddr) != KC_PAGE_PRESENT) {
		s->stats->pages_skipped++;
		drop_carry(s);
		return NULL;
	}
	uint8_t *data = s->buf + s->carry_len;
	struct kc_error *err = kc_dump_read_phys(s->dump, paddr, data, len);
	if (err) {
		/* A page that fails to decompress is skipped like an excluded one. */
		kc_error_destroy(err);
		s->stats->pages_skipped++;
		drop_carry(s);
		return NULL;
	}
	s->stats->pages_searched++;
	s->stats->bytes_searched += len;
	if (s->req->width)
		return scan_values(s, addr, paddr, data, len);
	return scan_strings(s, addr, paddr, len);
}

/* [FIRST, LAST] of a virtual space, through the page tables. */
static struct kc_error *search_virtual(struct searcher *s, bool user, uint64_t pgd_paddr,
				       uint64_t first, uint64_t last)
{
	const struct kc_pgtable_geometry *geo = kc_arm64_mmu_geometry(s->mmu);
	uint64_t unit = s->unit;
	uint64_t addr = first & ~(unit - 1);
	for (;;) {
		struct kc_pgtable_walk walk;
		struct kc_error *err = kc_arm64_walk(s->mmu, user, pgd_paddr, addr, &walk);
		uint64_t next;
		if (err) {
			kc_error_destroy(err);
			drop_carry(s);
			if (walk.status == KC_PGTABLE_NONCANONICAL)
				return NULL;
			if ((++s->polls & 63) == 0 && (err = kc_check_interrupt()))
				return err;
			/* Nothing below the entry that stopped the walk is mapped. */
			uint64_t span = walk.status == KC_PGTABLE_MAPPED ? unit :
					kc_pgtable_level_size(geo, walk.stop_level);
			if (span < unit)
				span = unit;
			next = (addr | (span - 1)) + 1;
		} else {
			uint64_t map_last = addr | (walk.map_size - 1);
			if (map_last > last)
				map_last = last;
			uint64_t base_paddr = walk.paddr - (walk.untagged & (walk.map_size - 1)) +
					      (addr & (walk.map_size - 1));
			for (uint64_t v = addr;; v += unit) {
				err = scan_unit(s, v, base_paddr + (v - addr), (size_t)unit);
				if (err)
					return err;
				if (v + unit - 1 >= map_last)
					break;
			}
			next = map_last + 1;
		}
		if (next == 0 || next - 1 >= last)
			return NULL;
		addr = next;
	}
}

static struct kc_error *search_physical(struct searcher *s)
{
	const struct kc_dump *dump = s->dump;
	for (size_t r = 0; r < dump->nr_ranges; r++) {
		uint64_t start = dump->ranges[r].start, end = dump->ranges[r].end;
		if (end <= start || end - 1 < s->first || start > s->last)
			continue;
		uint64_t from = start > s->first ? start : s->first;
		uint64_t to = end - 1 < s->last ? end - 1 : s->last;
		for (uint64_t p = from & ~(uint64_t)(s->unit - 1);; p += s->unit) {
			struct kc_error *err = scan_unit(s, p, p, s->unit);
			if (err)
				return err;
			if (p + s->unit - 1 >= to)
				break;
		}
	}
	return NULL;
}

static void add_region(struct kc_search_region *r, size_t *n, size_t max, const char *name,
		       const struct kc_arm64_value *start, const struct kc_arm64_value *end)
{
	if (!start->known || !end->known || *n >= max)
		return;
	uint64_t last = end->value ? end->value - 1 : UINT64_MAX;
	if (last < start->value)
		return;
	r[*n] = (struct kc_search_region){.name = name, .start = start->value, .last = last};
	(*n)++;
}

static int compare_regions(const void *a, const void *b)
{
	const struct kc_search_region *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

size_t kc_search_kernel_regions(struct kc_session *session, struct kc_search_region *regions,
				size_t max)
{
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err) {
		kc_error_destroy(err);
		return 0;
	}
	const struct kc_arm64_layout *l = kc_arm64_mmu_layout(mmu);
	struct kc_search_region all[8];
	size_t n = 0;
	add_region(all, &n, 8, "linear", &l->page_offset, &l->page_end);
	add_region(all, &n, 8, "modules", &l->modules_vaddr, &l->modules_end);
	add_region(all, &n, 8, "vmalloc", &l->vmalloc_start, &l->vmalloc_end);
	add_region(all, &n, 8, "kernel image", &l->kernel_text, &l->kernel_end);
	add_region(all, &n, 8, "vmemmap", &l->vmemmap_start, &l->vmemmap_end);
	add_region(all, &n, 8, "bpf_jit", &l->bpf_jit_start, &l->bpf_jit_end);
	qsort(all, n, sizeof(all[0]), compare_regions);
	/* Merge overlaps (the kernel image lies inside vmalloc). */
	size_t merged = 0;
	for (size_t i = 0; i < n; i++) {
		if (merged && all[i].start <= all[merged - 1].last) {
			if (all[i].last > all[merged - 1].last)
				all[merged - 1].last = all[i].last;
			continue;
		}
		all[merged++] = all[i];
	}
	for (size_t i = 0; i < merged && i < max; i++)
		regions[i] = all[i];
	return merged;
}

static struct kc_error *check_request(const struct kc_search_request *req)
{
	if (req->width) {
		if (req->width != 2 && req->width != 4 && req->width != 8)
			return kc_error_create(KC_ERR_INVALID_ARG, "search: width %u is not 2, 4 or 8",
					       req->width);
		if (!req->nr_values || req->nr_values > KC_SEARCH_MAX_PATTERNS)
			return kc_error_create(KC_ERR_INVALID_ARG, "search: %zu values (1 to %d)",
					       req->nr_values, KC_SEARCH_MAX_PATTERNS);
		uint64_t limit = req->width == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * req->width)) - 1;
		for (size_t i = 0; i < req->nr_values; i++)
			if (req->values[i] > limit)
				return kc_error_create(KC_ERR_INVALID_ARG,
						       "search: value 0x%llx is wider than %u bytes",
						       (unsigned long long)req->values[i], req->width);
	} else {
		if (!req->nr_strings || req->nr_strings > KC_SEARCH_MAX_PATTERNS)
			return kc_error_create(KC_ERR_INVALID_ARG, "search: %zu strings (1 to %d)",
					       req->nr_strings, KC_SEARCH_MAX_PATTERNS);
		for (size_t i = 0; i < req->nr_strings; i++) {
			size_t len = strlen(req->strings[i]);
			if (!len || len > KC_SEARCH_MAX_STRING)
				return kc_error_create(KC_ERR_INVALID_ARG,
						       "search: string \"%.40s\" is %zu bytes (1 to %d)",
						       req->strings[i], len, KC_SEARCH_MAX_STRING);
		}
	}
	if (req->end && req->end < req->start)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "search: ending address 0x%llx is below starting address 0x%llx",
				       (unsigned long long)req->end, (unsigned long long)req->start);
	return NULL;
}

struct kc_error *kc_search_memory(struct kc_session *session,
				  const struct kc_search_request *req,
				  kc_search_visit_fn visit, void *ctx,
				  struct kc_search_stats *stats)
{
	struct kc_search_stats local;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	struct kc_error *err = check_request(req);
	if (err)
		return err;
	if (!session->dump)
		return kc_error_create(KC_ERR_INVALID_ARG, "search: no dump is open");
	struct searcher s = {.session = session, .dump = session->dump, .req = req,
			     .visit = visit, .ctx = ctx, .stats = stats,
			     .first = req->start, .last = req->end ? req->end : UINT64_MAX};
	size_t page = req->space == KC_SEARCH_PHYSICAL ? session->dump->page_size : 0;
	if (req->space != KC_SEARCH_PHYSICAL) {
		err = kc_session_mmu(session, &s.mmu);
		if (err)
			return err;
		page = (size_t)1 << kc_arm64_mmu_geometry(s.mmu)->page_shift;
	}
	s.unit = page < session->dump->page_size ? page : session->dump->page_size;
	if (!s.unit || (s.unit & (s.unit - 1)))
		return kc_error_create(KC_ERR_FORMAT, "search: page size %zu is not a power of two",
				       s.unit);
	for (size_t i = 0; !req->width && i < req->nr_strings; i++) {
		s.string_len[i] = strlen(req->strings[i]);
		if (s.string_len[i] > s.longest)
			s.longest = s.string_len[i];
	}
	s.buf = malloc(s.unit + KC_SEARCH_MAX_STRING);
	if (!s.buf)
		return &kc_error_nomem;
	if (req->width)
		s.first = (s.first + req->width - 1) & ~(uint64_t)(req->width - 1);

	switch (req->space) {
	case KC_SEARCH_PHYSICAL:
		err = search_physical(&s);
		break;
	case KC_SEARCH_USER: {
		uint64_t pgd, pgd_paddr;
		if (!req->task)
			err = kc_error_create(KC_ERR_INVALID_ARG, "search: a user search needs a task");
		else
			err = kc_task_pgd(session, req->task, &pgd, &pgd_paddr);
		if (!err) {
			unsigned bits = kc_arm64_mmu_geometry(s.mmu)->va_bits;
			uint64_t top = bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
			if (s.first <= top)
				err = search_virtual(&s, true, pgd_paddr, s.first,
						     s.last < top ? s.last : top);
		}
		break;
	}
	case KC_SEARCH_KERNEL: {
		struct kc_search_region regions[8];
		size_t n = kc_search_kernel_regions(session, regions, 8);
		if (!n)
			err = kc_error_create(KC_ERR_UNSUPPORTED,
					      "search: the kernel's address-space layout is not known");
		for (size_t i = 0; !err && i < n; i++) {
			bool linear = !strcmp(regions[i].name, "linear");
			if ((linear && req->skip_linear) || (!linear && req->linear_only))
				continue;
			if (regions[i].last < s.first || regions[i].start > s.last)
				continue;
			uint64_t from = regions[i].start > s.first ? regions[i].start : s.first;
			uint64_t to = regions[i].last < s.last ? regions[i].last : s.last;
			drop_carry(&s);
			err = search_virtual(&s, false, 0, from, to);
		}
		break;
	}
	}
	free(s.buf);
	if (err && err->code == KC_ERR_STOP) {
		kc_error_destroy(err);
		err = NULL;
	}
	return err;
}
