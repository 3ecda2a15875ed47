/* SPDX-License-Identifier: MIT */
/*
 * Typed kernel objects, in the manner of drgn's Object: a value of a kernel
 * type that either lives in the dump at an address (a reference, C's
 * lvalue: a global variable, a struct member, what a pointer points at) or
 * is a computed scalar (a pointer from &x or container_of, an integer).
 *
 * Objects are small plain values: copy them freely, nothing to free. They
 * hold the session and a struct kc_type, so they stay valid while the
 * session is open. Nothing is read from the dump until a value is asked
 * for (kc_object_read_*, or a step that has to follow a pointer), and
 * every read can fail: an unmapped or filtered-out address is an error
 * whose message names the address and the type concerned, with
 * err->has_address and err->address set (KC_ERR_FAULT, KC_ERR_NOT_IN_DUMP,
 * KC_ERR_EXCLUDED ...). Missing symbols, types and members are
 * KC_ERR_LOOKUP; misuse (a member of an int, deref of a non-pointer) is
 * KC_ERR_INVALID_ARG.
 */
#ifndef KCRASH_OBJECT_H
#define KCRASH_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>
#include <kcrash/types.h>

/* A value of a kernel type. */
struct kc_object {
	struct kc_session *session;
	struct kc_type type;    /* as declared: typedefs and qualifiers kept */
	bool is_reference;      /* lives in the dump at ADDRESS (an lvalue) */
	uint64_t address;       /* for a reference */
	/* A bitfield member: BIT_SIZE bits from bit BIT_OFFSET (0-7) of ADDRESS. */
	uint8_t bit_offset;
	uint8_t bit_size;       /* 0 unless a bitfield */
	uint64_t value;         /* not a reference: the raw bits (a scalar) */
};

/*
 * The global variable NAME as an object: its type from the session's type
 * source (BTF or DWARF), its run-time address from the symbols (KASLR
 * applied). A per-CPU variable (runqueues) is the object at the symbol's
 * own per-CPU offset, as drgn gives it; kc_object_per_cpu() moves it to a
 * CPU's copy. KC_ERR_LOOKUP when there is no such variable, or no type.
 */
struct kc_error *kc_object_from_symbol(struct kc_session *session, const char *name,
				       struct kc_object *ret);

/* The object of TYPE (completed: kc_object_complete_type) at ADDRESS; nothing is read yet. */
struct kc_error *kc_object_at(struct kc_session *session, const struct kc_type *type,
			      uint64_t address, struct kc_object *ret);

/*
 * The object of TYPE at ADDRESS, TYPE given by its C name
 * ("struct task_struct", "unsigned long", "char *").
 */
struct kc_error *kc_object_at_named(struct kc_session *session, const char *type_name,
				    uint64_t address, struct kc_object *ret);

/*
 * A computed scalar of TYPE (an integer, bool, char, enum or pointer type)
 * holding VALUE, truncated to the type's size.
 */
struct kc_error *kc_object_from_integer(struct kc_session *session,
					const struct kc_type *type, uint64_t value,
					struct kc_object *ret);

/*
 * TYPE, or when it is an incomplete struct, union or enum (a declaration:
 * the DWARF of a compilation unit that only uses pointers to it), the
 * complete definition of the same name from the type source. TYPE itself
 * when there is none. Objects get their type through this (kc_object_at),
 * so members of what a pointer points at are always found.
 */
void kc_object_complete_type(struct kc_session *session, const struct kc_type *type,
			     struct kc_type *ret);

/* The kind of the object's type with typedefs and qualifiers seen through. */
enum kc_type_kind kc_object_kind(const struct kc_object *obj);

/* sizeof the object's type (1 for a bitfield shorter than a byte: rounded up). */
struct kc_error *kc_object_size(const struct kc_object *obj, uint64_t *size);

/*
 * The member at PATH of a struct or union object: "pid", "se.on_rq",
 * "thread.cpu_context.sp", "pids[1].node", and "->" steps that follow a
 * pointer ("mm->mmap_base"). When OBJ is a pointer to a struct or union it
 * is dereferenced first, as drgn's obj.member does. The result is a
 * reference (a bitfield keeps its bit position). KC_ERR_LOOKUP naming the
 * type and the member when there is none.
 */
struct kc_error *kc_object_member(const struct kc_object *obj, const char *path,
				  struct kc_object *ret);

/*
 * *OBJ: the object a pointer points at (its value read from the dump when
 * OBJ is a reference), or an array's first element. A void pointer, a
 * function pointer and a non-pointer are KC_ERR_INVALID_ARG.
 */
struct kc_error *kc_object_deref(const struct kc_object *obj, struct kc_object *ret);

/*
 * OBJ[INDEX] of an array (a reference; an index past a complete array's
 * length is an error) or of a pointer (*(OBJ + INDEX), unchecked like C).
 */
struct kc_error *kc_object_index(const struct kc_object *obj, int64_t index,
				 struct kc_object *ret);

/* &OBJ: a pointer to OBJ's type holding its address (OBJ a reference, not a bitfield). */
struct kc_error *kc_object_address_of(const struct kc_object *obj, struct kc_object *ret);

/*
 * (TYPE)OBJ for scalar types, as C converts: integers are truncated or
 * extended (sign-extended from a signed source), pointers and integers
 * convert to each other, anything to bool is "!= 0". Structs, unions and
 * arrays cannot be cast (use kc_object_reinterpret).
 */
struct kc_error *kc_object_cast(const struct kc_object *obj, const struct kc_type *type,
				struct kc_object *ret);

/* The memory of the reference OBJ read as TYPE (drgn's reinterpret()). */
struct kc_error *kc_object_reinterpret(const struct kc_object *obj,
				       const struct kc_type *type, struct kc_object *ret);

/*
 * container_of(PTR, TYPE, MEMBER_PATH): PTR (a pointer, or an integer
 * address) less the offset of MEMBER_PATH in TYPE, as a pointer to TYPE.
 * Nothing is read beyond PTR itself.
 */
struct kc_error *kc_object_container_of(const struct kc_object *ptr,
					const struct kc_type *type,
					const char *member_path, struct kc_object *ret);

/*
 * The object's value as an unsigned (zero-extended) or signed (sign-
 * extended from its type's or bitfield's width) 64-bit integer: for
 * integer, bool, char, enum and pointer objects of at most 8 bytes.
 */
struct kc_error *kc_object_read_unsigned(const struct kc_object *obj, uint64_t *value);
struct kc_error *kc_object_read_signed(const struct kc_object *obj, int64_t *value);
/* The value != 0. */
struct kc_error *kc_object_read_bool(const struct kc_object *obj, bool *value);

/*
 * The object's bytes (its type's size, at most LEN: a larger object is
 * KC_ERR_INVALID_ARG) into BUF; *SIZE gets the count. A computed scalar
 * gives its little-endian bytes.
 */
struct kc_error *kc_object_read_bytes(const struct kc_object *obj, void *buf,
				      size_t len, size_t *size);

/*
 * A C string: a char array object's bytes up to its first NUL (or its
 * end), or the NUL-terminated string a char pointer points at, at most
 * LEN - 1 bytes either way (longer is cut, not an error). BUF is always
 * NUL-terminated; *LENGTH (may be NULL) gets strlen(BUF).
 */
struct kc_error *kc_object_read_string(const struct kc_object *obj, char *buf,
				       size_t len, size_t *length);

/*
 * per_cpu(VAR, CPU): the reference OBJ (a per-CPU variable from
 * kc_object_from_symbol, or a member of one) moved to CPU's copy, the same
 * type at its address + __per_cpu_offset[CPU]. A CPU at or past the
 * kernel's nr_cpu_ids is KC_ERR_INVALID_ARG.
 */
struct kc_error *kc_object_per_cpu(const struct kc_object *obj, unsigned cpu,
				   struct kc_object *ret);

/*
 * per_cpu_ptr(PTR, CPU): the pointer PTR (a __percpu pointer's value)
 * plus __per_cpu_offset[CPU], of the same type.
 */
struct kc_error *kc_object_per_cpu_ptr(const struct kc_object *ptr, unsigned cpu,
				       struct kc_object *ret);

/*
 * TYPE as C spells it, into BUF (LEN bytes, cut when longer):
 * "struct task_struct", "char *", "unsigned long [4]", "pid_t",
 * "void (*)(struct rq *)".
 */
void kc_object_type_name(const struct kc_type *type, char *buf, size_t len);

/*
 * Each entry of the circular struct list_head list whose head (not an
 * entry) is the object HEAD (a struct list_head reference, or a pointer to
 * one): VISIT gets the ENTRY_TYPE object containing each list_head at
 * MEMBER_PATH (list_for_each_entry). Bounded by MAX entries and
 * cycle-checked (kc_kernel_list_walk): a list that loops without returning
 * to the head is an error naming the repeated node. VISIT returns NULL to
 * go on, an error to stop with it, or KC_ERR_STOP to stop without one.
 */
typedef struct kc_error *(*kc_object_visit_fn)(void *ctx, const struct kc_object *entry);
struct kc_error *kc_object_list_for_each_entry(const struct kc_object *head,
					       const struct kc_type *entry_type,
					       const char *member_path, size_t max,
					       kc_object_visit_fn visit, void *ctx);

#endif
