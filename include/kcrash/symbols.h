/* SPDX-License-Identifier: MIT */
/*
 * One symbol service over the vmlinux symbol table (link-time addresses
 * plus the KASLR offset) and every loaded module's kallsyms: address to
 * "name+offset [module]" and name to address. An address resolves only
 * inside a symbol's known extent: for the vmlinux up to the next symbol
 * and below _end, for a module inside one of its memory regions.
 */
#ifndef KCRASH_SYMBOLS_H
#define KCRASH_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>

struct kc_symbolized {
	const char *name;
	uint64_t addr;      /* the symbol's run-time address */
	uint64_t offset;    /* of the looked-up address from it */
	uint64_t size;      /* st_size, else the distance to the next symbol */
	char type;          /* nm letter */
	const char *module; /* NULL for the vmlinux */
};

/* The symbol holding ADDR; KC_ERR_LOOKUP when none does. */
struct kc_error *kc_symbolize(struct kc_session *session, uint64_t addr,
			      struct kc_symbolized *ret);

/*
 * The run-time address of NAME: in MODULE only when it is not NULL, else
 * the vmlinux first and then each module in list order.
 */
struct kc_error *kc_symbol_lookup(struct kc_session *session, const char *name,
				  const char *module, uint64_t *addr);

/*
 * Every symbol, sorted by address then name (arm64 mapping symbols left
 * out); MODULE non-NULL limits it to that module. *RET is malloc'd; the
 * names stay valid while the session is open.
 */
struct kc_error *kc_symbols_all(struct kc_session *session, const char *module,
				struct kc_symbolized **ret, size_t *count);

/*
 * The source file and line of kernel address ADDR, from the vmlinux's DWARF
 * (an error without one, or for module addresses). *FILE stays valid while
 * the session is open.
 */
struct kc_error *kc_symbol_source_line(struct kc_session *session, uint64_t addr,
				       const char **file, int *line);

#endif
