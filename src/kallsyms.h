/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own symbol table, kallsyms, read from the dump's memory: for
 * a dump opened without its vmlinux (distro kernels carry it in .rodata).
 *
 * scripts/kallsyms.c writes, each table 8-aligned (ALGN, 64-bit):
 *   kallsyms_offsets     u32 per symbol, address - kallsyms_relative_base
 *                        (CONFIG_KALLSYMS_BASE_RELATIVE, v4.6+; always
 *                        since v6.11), or kallsyms_addresses, u64 each
 *   kallsyms_relative_base  u64
 *   kallsyms_num_syms    u32 (.long; "PTR" before v4.20 - either way the
 *                        low word of an 8-aligned slot)
 *   kallsyms_names       per symbol a length (one byte; two, ULEB128, for
 *                        "big" symbols since v6.1) and that many token
 *                        numbers; the first expanded character is the type
 *   kallsyms_markers     every 256th symbol's offset in names (u64 "PTR"
 *                        before v6.2-era u32 ".long": both are accepted)
 *   kallsyms_token_table 256 NUL-terminated strings
 *   kallsyms_token_index 256 u16 offsets into the token table
 * in that order up to v6.3; since v6.4 (the offsets moved after the token
 * index for kallsyms_seqs_of_names) the order is num_syms, names,
 * markers, token_table, token_index, offsets, relative_base. Symbols are
 * sorted by address in both.
 *
 * Nothing here trusts the memory: every length is bounded, every table is
 * checked against the others, and the result against VMCOREINFO's
 * SYMBOL(_stext) before a single symbol is returned.
 */
#ifndef KC_KALLSYMS_H
#define KC_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "symtab.h"

struct kc_vmcoreinfo;

/* Reads LEN bytes of kernel virtual memory at ADDR. */
typedef struct kc_error *kc_kallsyms_read_fn(void *arg, uint64_t addr,
					     void *buf, size_t len);

/* Where the tables are, run-time virtual addresses; 0 = unknown. */
struct kc_kallsyms_location {
	uint64_t num_syms;
	uint64_t names;
	uint64_t markers;
	uint64_t token_table;
	uint64_t token_index;
	uint64_t offsets;        /* kallsyms_offsets, or kallsyms_addresses */
	uint64_t relative_base;  /* 0: none (absolute kallsyms_addresses) */
	bool absolute;           /* kallsyms_addresses, not offsets */
	/* How they were found: "VMCOREINFO" or a scan's description. */
	char source[160];
};

/*
 * The tables VMCOREINFO exports (v6.0+ with CONFIG_VMCORE_INFO and
 * KALLSYMS, backported to some distro kernels): SYMBOL(kallsyms_names),
 * _num_syms, _token_table, _token_index, _offsets or _addresses,
 * _relative_base. KC_ERR_LOOKUP when it exports none.
 */
struct kc_error *kc_kallsyms_locate_vmcoreinfo(const struct kc_vmcoreinfo *info,
					       struct kc_kallsyms_location *loc);

/*
 * Find the tables by their structure in [START, END) of the kernel image
 * (from _stext: they are in .rodata): the token index (256 increasing
 * u16 matching the NUL-terminated strings just before it), then the
 * markers before the token table, the names and num_syms before those,
 * and the offsets in either of the two places they have been.
 */
struct kc_error *kc_kallsyms_locate_scan(kc_kallsyms_read_fn *read, void *arg,
					 uint64_t start, uint64_t end,
					 struct kc_kallsyms_location *loc);

/* What the decoded tables must agree with, run-time addresses. */
struct kc_kallsyms_expect {
	/* VMCOREINFO's SYMBOL(_stext) (v5.13+, and backported): the tables
	 * must put _stext there. 0: unknown, and then... */
	uint64_t stext;
	/* ...their _stext must be in [image_start, image_end) (the kernel
	 * image's mapping), and offsets from kallsyms_relative_base must
	 * start at 0 (the base is the first symbol's address). */
	uint64_t image_start, image_end;
};

/*
 * Decode the tables at LOC into a symbol table of link-time addresses
 * (run-time address - KASLR_OFFSET), checked against EXPECT.
 */
struct kc_error *kc_kallsyms_decode(kc_kallsyms_read_fn *read, void *arg,
				    const struct kc_kallsyms_location *loc,
				    const struct kc_kallsyms_expect *expect,
				    uint64_t kaslr_offset, struct kc_symtab **ret);

#endif
