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

#include "arm64/datarefs.h"
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

/* A candidate read out of the GOT slot the code loaded (kinds has LOAD). */
#define KC_DATASYM_FROM_GOT (1u << 31)

/* One function's candidates, and every use the scanner reported. */
struct kc_datasym_function {
	char *name;
	uint64_t start;
	struct kc_datasym_candidate *cands;
	size_t nr_cands;
	struct kc_arm64_refs refs;
	/* The addresses its 8-byte loads read, for through_got symbols. */
	struct kc_datasym_candidate *got;
	size_t nr_got;
	bool got_read;
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
	/*
	 * Declared __weak (__start_BTF, __stop_BTF): a PIE kernel loads its
	 * address from a GOT slot, so the 8 bytes an 8-byte load reads are a
	 * candidate too.
	 */
	bool through_got;
};

/* What the image scans found, kept for the session (datasym_kernel.c). */
struct kc_datasym_image;
void kc_datasym_image_free(struct kc_datasym_image *image);
/* The session's slot for it (datasyms.c); NULL when memory runs out. */
struct kc_datasym_image **kc_datasyms_image(struct kc_session *session);

/* Every symbol known, in kc_datasym_names' order. */
const struct kc_datasym_spec *kc_datasym_specs(size_t *count);

/*
 * [_etext, _end): where the kernel's data (rodata, data, bss, per-CPU)
 * is, the range candidates must fall in.
 */
struct kc_error *kc_datasym_data_range(struct kc_session *session, uint64_t *start,
				       uint64_t *end);

#endif
