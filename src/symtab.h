/* SPDX-License-Identifier: MIT */
/*
 * The kernel's symbol table: link-time addresses, sorted for address
 * lookups and hashed for name lookups. From the vmlinux's ELF .symtab
 * (libelf; names point into the mapped .strtab, so loading copies nothing
 * but a small array per symbol), or from a list another source made
 * (System.map, the dump's own kallsyms) through kc_symtab_create().
 * Addresses are unrelocated; callers add the KASLR offset.
 */
#ifndef KC_SYMTAB_H
#define KC_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct kc_symbol {
	uint64_t addr;   /* link-time address */
	uint64_t size;
	const char *name;
	char type;       /* nm-style: T t D d B b R r A W ... */
};

struct kc_symtab {
	char *path;       /* the file read, or a description of the source */
	/* Where the symbols came from, for sys and help -k: "vmlinux PATH",
	 * "System.map PATH", "kallsyms in dump (VMCOREINFO)", ... */
	char *origin;
	int fd;
	void *elf;        /* Elf *; NULL for a list-made table */
	char *names;      /* list-made: the arena the names point into */
	struct kc_symbol *by_addr; /* sorted by address, then name */
	size_t nr_symbols;
	uint32_t *name_hash;       /* open addressing: index+1 into by_addr, 0 = empty */
	uint32_t *name_tags;       /* each slot's name hash, high half: most probes skip strcmp */
	size_t hash_size;
	uint8_t build_id[64];
	size_t build_id_len;
	uint16_t e_machine;
};

struct kc_error *kc_symtab_load(const char *path, struct kc_symtab **ret);
/*
 * A table of NR link-time SYMBOLS whose names point into NAMES (a
 * malloc'd arena); takes ownership of both, also on error. PATH names the
 * source in messages, ORIGIN says what it is (see above).
 */
struct kc_error *kc_symtab_create(const char *path, const char *origin,
				  struct kc_symbol *symbols, size_t nr,
				  char *names, struct kc_symtab **ret);
/*
 * The same for a list whose order already says which of several symbols
 * at one address to name it by (kallsyms: scripts/kallsyms.c puts
 * non-weak, non-linker-made, fewer-underscore names first, and the kernel
 * names an address by the first): that order is kept for them.
 */
struct kc_error *kc_symtab_create_ordered(const char *path, const char *origin,
					  struct kc_symbol *symbols, size_t nr,
					  char *names, struct kc_symtab **ret);
void kc_symtab_destroy(struct kc_symtab *symtab);

/* The symbol called NAME (the first of several with that name), or NULL. */
const struct kc_symbol *kc_symtab_lookup(const struct kc_symtab *symtab,
					 const char *name);
/*
 * The symbol containing ADDR, or else the closest one below it (nm-like
 * "name+offset"); NULL when ADDR is below every symbol. Absolute ('A')
 * symbols are not considered.
 */
const struct kc_symbol *kc_symtab_lookup_addr(const struct kc_symtab *symtab,
					      uint64_t addr);
/*
 * Up to LEN-1 bytes of the NUL-terminated string at link-time address ADDR,
 * read from the vmlinux file's section contents (not the dump); an error
 * for a list-made table, which has no contents.
 */
struct kc_error *kc_symtab_read_string(const struct kc_symtab *symtab,
				       uint64_t addr, char *buf, size_t len);
/*
 * Drop what /proc/kallsyms of a kernel built without CONFIG_KALLSYMS_ALL
 * would not list (scripts/kallsyms.c): every symbol outside [_stext,
 * _etext] and [_sinittext, _einittext], and every size. For testing the
 * paths that work without data symbols (datasyms.h) on a full vmlinux.
 */
struct kc_error *kc_symtab_keep_kallsyms_like(struct kc_symtab *symtab);

/*
 * An aarch64 mapping symbol ($x, $d, $x.123: where code or data starts,
 * not a name), NAME being LEN bytes (need not be NUL-terminated).
 */
bool kc_symtab_is_mapping_symbol(const char *name, size_t len);

/* The build id as lowercase hex into BUF (at least 129 bytes); "" if none. */
void kc_symtab_build_id_hex(const struct kc_symtab *symtab, char *buf);

#endif
