/* SPDX-License-Identifier: MIT */
/*
 * Reading the kernel's own data structures: types and member offsets from
 * the vmlinux DWARF (looked up once and remembered), memory through the
 * MMU. Everything that walks kernel objects (tasks, modules, printk, ...)
 * goes through here, so every read can fail with a message that names the
 * object, and every list walk is bounded and cycle-checked.
 */
#ifndef KCRASH_MEMORY_H
#define KCRASH_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/types.h>
#include <kcrash/error.h>
#include <kcrash/session.h>

/* A member's place in its containing type, as kc_kernel_member finds it. */
struct kc_kernel_member {
	uint64_t offset;  /* bytes from the start of the containing object */
	uint64_t size;    /* bytes (of the member's type) */
	bool is_signed;
	struct kc_type type;
};

/*
 * The session's type source, chosen on first use by the session's
 * preference: the vmlinux's DWARF; BTF from --btf FILE, the vmlinux's .BTF
 * section or the dump's memory (dumpbtf.h).
 */
struct kc_error *kc_session_types(struct kc_session *session,
				  struct kc_types **types);

/* TYPE ("struct task_struct", "pid_t", "char *") from the type source. */
struct kc_error *kc_kernel_type(struct kc_session *session, const char *type,
				struct kc_type *ret);
/*
 * A global variable's type (and link-time address where the source has
 * one): from the type source, else (BTF has few variables) the vmlinux's
 * DWARF when there is one.
 */
struct kc_error *kc_kernel_variable(struct kc_session *session,
				    const char *name, struct kc_variable *ret);
/* An enumerator's value (and its enum when ENUM_TYPE is not NULL). */
struct kc_error *kc_kernel_enumerator(struct kc_session *session,
				      const char *name, int64_t *value,
				      struct kc_type *enum_type);
/*
 * MEMBER (a path: "thread.cpu_context.sp") of TYPE; remembered, so repeated
 * lookups cost a hash probe.
 */
struct kc_error *kc_kernel_member(struct kc_session *session, const char *type,
				  const char *member,
				  const struct kc_kernel_member **ret);
/*
 * Every (type, member) looked up so far, found or not: what the commands
 * used (for tests that compare type sources).
 */
typedef void (*kc_member_key_fn)(void *ctx, const char *type, const char *member);
void kc_kernel_for_each_member_key(struct kc_session *session,
				   kc_member_key_fn fn, void *ctx);
/* Whether TYPE has MEMBER (for layouts that changed across releases). */
bool kc_kernel_has_member(struct kc_session *session, const char *type,
			  const char *member);
/* sizeof(TYPE). */
struct kc_error *kc_kernel_sizeof(struct kc_session *session, const char *type,
				  uint64_t *size);

/* Kernel virtual memory. */
struct kc_error *kc_kernel_read(struct kc_session *session, uint64_t vaddr,
				void *buf, size_t len);
struct kc_error *kc_kernel_read_u64(struct kc_session *session, uint64_t vaddr,
				    uint64_t *value);
/*
 * The integer MEMBER of the TYPE object at OBJ (1, 2, 4 or 8 bytes, sign-
 * extended when signed), or the pointer it holds.
 */
struct kc_error *kc_kernel_read_member(struct kc_session *session,
				       uint64_t obj, const char *type,
				       const char *member, uint64_t *value);
/* The bytes of MEMBER (of at most LEN bytes) into BUF; *SIZE gets its size. */
struct kc_error *kc_kernel_read_member_bytes(struct kc_session *session,
					     uint64_t obj, const char *type,
					     const char *member, void *buf,
					     size_t len, size_t *size);
/* A NUL-terminated string of at most LEN-1 bytes at VADDR. */
struct kc_error *kc_kernel_read_string(struct kc_session *session,
				       uint64_t vaddr, char *buf, size_t len);

/* The address of a kernel symbol (vmlinux + KASLR, or VMCOREINFO). */
struct kc_error *kc_kernel_symbol(struct kc_session *session, const char *name,
				  uint64_t *addr);
/*
 * A kernel symbol's address and its size in bytes: the symbol table's
 * st_size, else what finding a data symbol measured (datasyms.h); 0 when
 * no source knows the size.
 */
struct kc_error *kc_kernel_symbol_sized(struct kc_session *session,
					const char *name, uint64_t *addr,
					uint64_t *size);
/* A per-CPU variable's address on CPU: VAR + __per_cpu_offset[CPU]. */
struct kc_error *kc_kernel_percpu(struct kc_session *session, uint64_t var,
				  unsigned cpu, uint64_t *addr);
/* Number of possible CPUs: nr_cpu_ids, else the dump's CPU count. */
unsigned kc_kernel_nr_cpus(struct kc_session *session);

/*
 * Walk a circular struct list_head list starting at HEAD (the list head's
 * address, not an entry). For each entry, VISIT gets the address of its
 * list_head (subtract the member offset for the containing object).
 * Stops after MAX entries (an error saying so), on a cycle that does not
 * return to HEAD (an error naming the repeated address), on an unreadable
 * pointer, or when VISIT returns non-NULL (passed up; KC_ERR_STOP means
 * "stop, no error").
 */
typedef struct kc_error *(*kc_list_visit_fn)(void *ctx, uint64_t node);
struct kc_error *kc_kernel_list_walk(struct kc_session *session, uint64_t head,
				     size_t max, kc_list_visit_fn visit,
				     void *ctx);

/* Bound on list walks when the caller has no better one. */
#define KC_KERNEL_LIST_MAX (1u << 22)

#endif
