/* SPDX-License-Identifier: MIT */
/*
 * Kernel data symbols the symbol source lacks. A kernel built without
 * CONFIG_KALLSYMS_ALL (every distro kernel) lists only functions in its
 * kallsyms, and VMCOREINFO exports only a few globals; the commands also
 * need init_task, modules, __per_cpu_offset, runqueues and the like. Each
 * of those is found here, on first use, in the code of kernel functions
 * known (from the kernel sources of v5.10 to v6.12) to address it: their
 * adrp/add and adrp/ldr sequences (arm64/datarefs.h) give candidate
 * addresses, and a candidate is accepted only when it passes a check
 * against the kernel's own types (init_task: pid 0, comm swapper/0, a
 * tasks list that closes; runqueues: rq->cpu and rq->idle right on every
 * CPU; ...) and every function that yields a passing candidate yields the
 * same one. Several different passing candidates are an error, never a
 * choice. Where the kernel image itself holds a kernel-independent
 * answer (the arm64 Image header for _text and _end, a task_struct named
 * swapper/0 for init_task, the strings of task_state_array, the banner)
 * that is a second route, and the two must agree.
 *
 * Each found symbol carries its provenance (help -k shows them all).
 */
#ifndef KCRASH_DATASYMS_H
#define KCRASH_DATASYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>

struct kc_datasym {
	const char *name;
	uint64_t addr;        /* run-time address */
	uint64_t size;        /* bytes; 0 when unknown */
	char *provenance;     /* "from show_state_filter+0x40 (adrp/add); validated: ..." */
	double seconds;       /* how long finding it took (its dependencies included) */
};

/* Whether NAME is a data symbol this module can look for. */
bool kc_datasym_known(const char *name);

/*
 * NAME's address, found on the first call and remembered (a failure too:
 * its message says what was tried and why nothing passed).
 */
struct kc_error *kc_datasym_find(struct kc_session *session, const char *name,
				 const struct kc_datasym **ret);

/* The names kc_datasym_find can look for, in a fixed order (for help -k). */
extern const char *const kc_datasym_names[];
extern const size_t kc_datasym_nr_names;

#endif
