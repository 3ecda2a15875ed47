/* SPDX-License-Identifier: MIT */
/*
 * Searching a dump's memory for values or strings, as crash's `search`
 * does: kernel virtual memory (the linear map, modules, vmalloc with the
 * kernel image, vmemmap), a task's user memory, or physical memory.
 *
 * Virtual ranges are walked through the page tables, and a walk that stops
 * at an empty entry skips everything that entry would map (a whole 512 GB
 * for an empty top-level entry), so a search of the whole kernel space
 * reads only what is mapped. Pages the dump does not hold (excluded by
 * makedumpfile, missing, outside its ranges) are skipped and counted,
 * never reported as errors. Every loop polls kc_check_interrupt.
 */
#ifndef KCRASH_SEARCH_H
#define KCRASH_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>
#include <kcrash/tasks.h>

/* Which memory a search reads. */
enum kc_search_space {
	KC_SEARCH_KERNEL,   /* kernel virtual addresses, through swapper_pg_dir */
	KC_SEARCH_USER,     /* a task's user addresses, through its mm->pgd */
	KC_SEARCH_PHYSICAL, /* the dump's physical memory */
};

/* Longest string a search looks for. */
#define KC_SEARCH_MAX_STRING 255
/* Most values or strings one search looks for at once. */
#define KC_SEARCH_MAX_PATTERNS 64

struct kc_search_request {
	enum kc_search_space space;
	const struct kc_task *task;  /* KC_SEARCH_USER: whose memory */
	/*
	 * [START, END] inclusive, so the top of the address space can be
	 * named; END 0 means the end of the space. Kernel searches only look
	 * inside the kernel's regions (kc_search_kernel_regions).
	 */
	uint64_t start;
	uint64_t end;
	bool skip_linear;   /* kernel: leave out the linear map (crash -V) */
	bool linear_only;   /* kernel: only the linear map (crash -K) */
	/* Value searches: WIDTH 8, 4 or 2 bytes, at addresses aligned to it. */
	unsigned width;     /* 0: a string search */
	const uint64_t *values;
	size_t nr_values;
	uint64_t mask;      /* bits that do not matter (crash -m): compared as value | mask */
	/* String searches: byte strings, found at any address, across pages. */
	const char *const *strings;
	size_t nr_strings;
};

/* One match. */
struct kc_search_hit {
	uint64_t addr;        /* in the searched space */
	uint64_t paddr;       /* its physical address */
	size_t index;         /* which value or string matched */
	uint64_t value;       /* value searches: the memory's value there */
	/*
	 * String searches: the bytes from ADDR on, as far as they were read
	 * contiguously (to the end of its page; across into the next page
	 * for a match that crosses one): at least the string's length.
	 */
	const uint8_t *bytes;
	size_t nr_bytes;
};

/* What a search covered. */
struct kc_search_stats {
	uint64_t pages_searched;  /* pages read and scanned */
	uint64_t bytes_searched;
	uint64_t pages_skipped;   /* mapped, but not in the dump (excluded, missing) */
	uint64_t hits;
};

/* Gets each hit in address order; returns as kc_list_visit_fn does (KC_ERR_STOP: stop). */
typedef struct kc_error *(*kc_search_visit_fn)(void *ctx, const struct kc_search_hit *hit);

/*
 * Search REQ's memory. Errors are for bad requests (no pattern, a string
 * longer than KC_SEARCH_MAX_STRING, a value wider than WIDTH, a user
 * search without a task or of a kernel thread), a session without page
 * tables, Ctrl-C, or the visitor's own. STATS (may be NULL) is filled.
 */
struct kc_error *kc_search_memory(struct kc_session *session,
				  const struct kc_search_request *req,
				  kc_search_visit_fn visit, void *ctx,
				  struct kc_search_stats *stats);

/* A region of kernel virtual memory a kernel search covers. */
struct kc_search_region {
	const char *name;   /* "linear", "modules", "vmalloc", "vmemmap", "bpf_jit", "kernel image" */
	uint64_t start;
	uint64_t last;      /* inclusive */
};

/*
 * The kernel regions of SESSION's layout, sorted and not overlapping
 * (the kernel image is inside vmalloc from v4.6 on): at most MAX into
 * REGIONS; returns how many there are.
 */
size_t kc_search_kernel_regions(struct kc_session *session,
				struct kc_search_region *regions, size_t max);

#endif
