/* SPDX-License-Identifier: MIT */
/*
 * VMCOREINFO: the KEY=VALUE text the kernel leaves for dump tools
 * (kernel/crash_core.c, arch/arm64/kernel/crash_core.c).
 *
 * Values are kept as text; typed getters apply the kernel's own conventions:
 * SYMBOL() and KERNELOFFSET are hex without 0x ("%lx"), NUMBER() is signed
 * decimal ("%ld") except where arm64 prints hex with 0x, OFFSET()/SIZE()/
 * LENGTH() are unsigned decimal.
 */
#ifndef KCRASH_VMCOREINFO_H
#define KCRASH_VMCOREINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>

struct kc_vmcoreinfo_entry {
	char *key;
	char *value;
	unsigned line; /* 1-based line in the note, for messages */
};

struct kc_vmcoreinfo {
	struct kc_vmcoreinfo_entry *entries; /* in note order */
	size_t nr_entries;
	size_t *sorted;                      /* indices sorted by key */
	char **malformed;                    /* lines without '=' */
	size_t nr_malformed;
};

/* Parse TEXT (LEN bytes, need not be NUL-terminated). */
struct kc_error *kc_vmcoreinfo_parse(const char *text, size_t len,
				     struct kc_vmcoreinfo **ret);
void kc_vmcoreinfo_destroy(struct kc_vmcoreinfo *info);

/* The raw value of KEY ("OSRELEASE", "NUMBER(VA_BITS)", ...), or NULL. */
const char *kc_vmcoreinfo_get(const struct kc_vmcoreinfo *info,
			      const char *key);
/*
 * KEY's value as an integer by the key's convention (see above). Returns
 * KC_ERR_LOOKUP if absent, KC_ERR_FORMAT naming the key and value if it does
 * not parse.
 */
struct kc_error *kc_vmcoreinfo_u64(const struct kc_vmcoreinfo *info,
				   const char *key, uint64_t *ret);
/* Shorthands for the bracketed families. */
struct kc_error *kc_vmcoreinfo_symbol(const struct kc_vmcoreinfo *info,
				      const char *name, uint64_t *ret);
struct kc_error *kc_vmcoreinfo_number(const struct kc_vmcoreinfo *info,
				      const char *name, int64_t *ret);
struct kc_error *kc_vmcoreinfo_offset(const struct kc_vmcoreinfo *info,
				      const char *type_member, uint64_t *ret);
struct kc_error *kc_vmcoreinfo_size(const struct kc_vmcoreinfo *info,
				    const char *type, uint64_t *ret);

#endif
