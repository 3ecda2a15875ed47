/* SPDX-License-Identifier: MIT */
/*
 * What kcrash knows about each kernel data symbol it can find in the dump
 * (datasyms.h): the kernel functions that address it, the check a
 * candidate address must pass against the kernel's types, and, where the
 * image holds one, a kernel-independent route. datasym_kernel.c holds that
 * knowledge; datasyms.c the generic search that uses it.
 */
#ifndef KC_DATASYM_KERNEL_H
#define KC_DATASYM_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "session.h"

/* A checked candidate: what the check saw, and a size when it tells one. */
struct kc_datasym_verdict {
	char detail[256];
	uint64_t size; /* the object's bytes: the symbol's size, 0 if unknown */
};

/* An address one function's code materializes (merged over its uses). */
struct kc_datasym_candidate {
	uint64_t target;
	uint64_t insn;     /* first instruction that completed it */
	unsigned kinds;    /* 1 << enum kc_arm64_ref_kind */
	unsigned sizes;    /* bit N: an access of 2^N bytes */
	unsigned flags;    /* KC_ARM64_REF_* */
	uint64_t table;    /* KC_ARM64_REF_PERCPU_INDEXED: the offsets table */
};

/* One function's candidates. */
struct kc_datasym_function {
	char *name;
	uint64_t start;
	struct kc_datasym_candidate *cands;
	size_t nr_cands;
	struct kc_error *error; /* why it could not be read */
};

/* What a check gets: the address, and how the code used it (NULL: a scan). */
struct kc_datasym_probe {
	uint64_t addr;
	const struct kc_datasym_candidate *cand;
	const struct kc_datasym_function *fn;
};

/* NULL when PROBE is the symbol (VERDICT filled in), else why not. */
typedef struct kc_error *(*kc_datasym_check_fn)(struct kc_session *session,
						const struct kc_datasym_probe *probe,
						struct kc_datasym_verdict *verdict);
/* A kernel-independent route: a checked address and how it was found. */
typedef struct kc_error *(*kc_datasym_route_fn)(struct kc_session *session,
						uint64_t *addr,
						struct kc_datasym_verdict *verdict,
						char *how, size_t len);

struct kc_datasym_spec {
	const char *name;
	const char *alias_of;          /* the same address as this symbol */
	const char *const *functions;  /* NULL-terminated; NULL: no code route */
	kc_datasym_check_fn check;
	kc_datasym_route_fn route;     /* NULL: none */
};

/* Every symbol known, in kc_datasym_names' order. */
const struct kc_datasym_spec *kc_datasym_specs(size_t *count);

/*
 * [_etext, _end): where the kernel's data (rodata, data, bss, per-CPU)
 * is, the range candidates must fall in.
 */
struct kc_error *kc_datasym_data_range(struct kc_session *session, uint64_t *start,
				       uint64_t *end);

#endif
