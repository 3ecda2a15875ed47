/* SPDX-License-Identifier: MIT */
/*
 * BTF, the kernel's compact type format (CONFIG_DEBUG_INFO_BTF), as one of
 * the type sources behind types.h. Parsed by libbpf (the library BTF's own
 * users use: it handles every kind, split BTF and byte order); kcrash adds
 * a name index, so a lookup is a hash probe instead of libbpf's scan of
 * every type.
 *
 * The BTF comes from a vmlinux's .BTF section, a raw blob
 * (/sys/kernel/btf/vmlinux), or the dump's memory between __start_BTF and
 * __stop_BTF; a module's BTF is split BTF on top of the vmlinux's. BTF
 * read from a dump is untrusted: every type id and name offset is checked
 * where it is used.
 */
#ifndef KC_BTF_H
#define KC_BTF_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "types.h"

struct kc_btf;

extern const struct kc_type_ops kc_btf_type_ops;

/* The magic of a BTF header, in the byte order it was written in. */
#define KC_BTF_MAGIC 0xeb9f

/*
 * BTF from PATH: an ELF file's .BTF section, else the whole file as raw
 * BTF.
 */
struct kc_error *kc_btf_open_file(const char *path, struct kc_btf **ret);
/*
 * BTF from SIZE bytes at DATA (copied). BASE non-NULL: split BTF on top of
 * it (a module's), which must outlive this one. DESCRIPTION says where the
 * bytes came from ("BTF in the dump at 0xffff...").
 */
struct kc_error *kc_btf_open_data(const void *data, size_t size,
				  const struct kc_btf *base,
				  const char *description, struct kc_btf **ret);
void kc_btf_close(struct kc_btf *btf);

/* "BTF of vmlinux (.BTF, 5.1 MB, 121042 types)" and the like. */
const char *kc_btf_description(const struct kc_btf *btf);
size_t kc_btf_nr_types(const struct kc_btf *btf);
size_t kc_btf_size(const struct kc_btf *btf);

/*
 * The size of the BTF blob that starts with header bytes HDR (LEN of
 * them), or 0 when they are no BTF header: for finding BTF in memory.
 */
size_t kc_btf_blob_size(const void *hdr, size_t len);

/* Type ID of BTF (ids from 1 to kc_btf_nr_types(); 0 is void). */
struct kc_error *kc_btf_type_by_id(const struct kc_btf *btf, uint32_t id,
				   struct kc_type *ret);

/* As kc_types_find_type (no declarators). */
struct kc_error *kc_btf_find_type(const struct kc_btf *btf, const char *name,
				  struct kc_type *ret);
struct kc_error *kc_btf_find_enumerator(const struct kc_btf *btf,
					const char *name, int64_t *value,
					struct kc_type *enum_type);
/*
 * A per-CPU variable of the .data..percpu DATASEC: its type and its offset
 * in that section (ret->address, with has_address false and is_percpu).
 */
struct kc_error *kc_btf_find_percpu_variable(const struct kc_btf *btf,
					     const char *name,
					     struct kc_variable *ret);
/* A function's type (BTF_KIND_FUNC): KC_TYPE_FUNCTION named NAME. */
struct kc_error *kc_btf_find_function(const struct kc_btf *btf,
				      const char *name, struct kc_type *ret);
/*
 * The first anonymous struct whose direct members are MEMBERS (NULL
 * terminated) in that order: the type of variables declared
 * "static struct { ... } name".
 */
struct kc_error *kc_btf_find_anonymous_struct(const struct kc_btf *btf,
					      const char *const *members,
					      struct kc_type *ret);

#endif
