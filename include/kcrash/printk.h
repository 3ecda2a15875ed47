/* SPDX-License-Identifier: MIT */
/*
 * The kernel's printk log, read from a dump: the lockless ring buffer of
 * v5.10+ (kernel/printk/printk_ringbuffer.[ch]: `prb`, descriptors, infos
 * and a text data ring) and the older variable-length `struct printk_log`
 * records in `log_buf` (v3.5 .. v5.9; `struct log` before v3.11).
 *
 * The walk reads memory through a callback, so the same parsing code reads
 * a real dump (through the session's MMU) and synthetic buffers in tests.
 * Every record is bounds-checked; a corrupt one is reported to the visitor
 * with a reason and the walk goes on with the next record. The number of
 * records visited is bounded by the size of the buffers.
 */
#ifndef KCRASH_PRINTK_H
#define KCRASH_PRINTK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <kcrash/error.h>
#include <kcrash/session.h>

/* Reads LEN bytes of kernel virtual memory at ADDR into BUF. */
typedef struct kc_error *(*kc_printk_read_fn)(void *ctx, uint64_t addr,
					      void *buf, size_t len);

enum kc_printk_format {
	KC_PRINTK_LOCKLESS, /* v5.10+ struct printk_ringbuffer */
	KC_PRINTK_LOG_BUF,  /* v3.5 .. v5.9 struct printk_log records */
};

/* A bitfield's place: bit offset from the start of its struct, width. */
struct kc_printk_bits {
	uint64_t bit_offset;
	uint64_t bit_size;
};

/* A member's byte offset and size (0 = absent). */
struct kc_printk_field {
	uint64_t offset;
	uint64_t size;
};

/*
 * Where everything is: found from the vmlinux DWARF and the symbols by
 * kc_printk_layout_from_session, or filled in by hand from the kernel's
 * struct definitions (tests).
 */
struct kc_printk_layout {
	enum kc_printk_format format;
	const char *source; /* "DWARF", "VMCOREINFO", ... for messages */

	/* KC_PRINTK_LOCKLESS: the struct printk_ringbuffer `prb` points to. */
	uint64_t prb;
	uint64_t rb_desc_ring;        /* printk_ringbuffer.desc_ring */
	uint64_t rb_text_data_ring;   /* printk_ringbuffer.text_data_ring */
	uint64_t dr_count_bits, dr_descs, dr_infos, dr_head_id, dr_tail_id;
	uint64_t data_size_bits, data_data; /* prb_data_ring members */
	uint64_t desc_size, desc_state_var, desc_text_blk_lpos;
	uint64_t lpos_begin, lpos_next;
	uint64_t info_size;
	struct kc_printk_field info_seq, info_ts_nsec, info_text_len,
		info_facility, info_caller_id, info_dev_info;
	struct kc_printk_bits info_flags, info_level;
	struct kc_printk_field dev_subsystem, dev_device; /* in dev_info */

	/* KC_PRINTK_LOG_BUF: the values of the globals. */
	uint64_t log_buf;        /* the buffer's address (log_buf's value) */
	uint64_t log_buf_len;
	uint64_t log_first_idx, log_next_idx;
	uint64_t log_first_seq;
	uint64_t log_size;       /* sizeof(struct printk_log): the header */
	struct kc_printk_field log_ts_nsec, log_len, log_text_len,
		log_dict_len, log_facility, log_caller_id;
	struct kc_printk_bits log_flags, log_level;
};

/* Record flags (include/linux/printk.h, kernel/printk/printk.c). */
#define KC_LOG_NEWLINE 2 /* text ended with a newline */
#define KC_LOG_PREFIX  4 /* text started with a prefix (v3.5 .. v5.9) */
#define KC_LOG_CONT    8 /* a fragment of a line (continuation) */

/* Caller ids: a thread id, or a CPU id with this bit set. */
#define KC_PRINTK_CALLER_CPU 0x80000000u

/* One record, valid during the visit. */
struct kc_printk_record {
	uint64_t seq;
	bool seq_known;      /* false when the walk lost count (log_buf resync) */
	/* Set for a record that could not be read; only seq and reason valid. */
	const char *corrupt;
	uint64_t ts_nsec;
	uint8_t level, facility, flags;
	bool has_caller_id;
	uint32_t caller_id;
	const char *text;
	size_t text_len;
	/* KEY=VALUE entries separated by '\0' (log_buf dict, or dev_info). */
	const char *dict;
	size_t dict_len;
};

typedef struct kc_error *(*kc_printk_visit_fn)(void *ctx,
					       const struct kc_printk_record *rec);

struct kc_printk_stats {
	uint64_t records;   /* printed */
	uint64_t corrupt;   /* skipped with a marker */
	uint64_t skipped;   /* reusable or data-lost descriptors (not shown) */
};

/*
 * Walk the log oldest first, calling VISIT for each record (and for each
 * corrupt one, with rec->corrupt set). A non-NULL return from VISIT stops
 * the walk and is passed up. Errors: the buffers themselves unreadable or
 * implausible (sizes out of range).
 */
struct kc_error *kc_printk_walk(const struct kc_printk_layout *layout,
				kc_printk_read_fn read, void *read_ctx,
				kc_printk_visit_fn visit, void *ctx,
				struct kc_printk_stats *stats);

/*
 * The session's layout: the lockless ring buffer when the kernel has
 * `struct printk_ringbuffer` and `prb`, else `log_buf` records when it
 * has `struct printk_log` (or `struct log`) and `log_first_idx`. From the
 * DWARF, cross-checked with VMCOREINFO's OFFSET()/SIZE() where exported;
 * from VMCOREINFO alone when there is no DWARF.
 */
struct kc_error *kc_printk_layout_from_session(struct kc_session *session,
					       struct kc_printk_layout *layout);

/* kc_printk_walk over the session's kernel memory. */
struct kc_error *kc_printk_session_walk(struct kc_session *session,
					kc_printk_visit_fn visit, void *ctx,
					struct kc_printk_stats *stats);

/*
 * The wall-clock time the kernel booted, for `log -T`: the timekeeper's
 * own boot time (tk_core.timekeeper offs_real - offs_boot, as
 * getboottime64() computes it) when readable, else the crash time
 * (VMCOREINFO CRASHTIME, or the dump header's timestamp) minus the
 * newest record's timestamp. *SOURCE names which.
 */
struct kc_error *kc_printk_boot_time(struct kc_session *session,
				     int64_t *seconds, const char **source);

#endif
