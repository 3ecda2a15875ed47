/* SPDX-License-Identifier: MIT */
#include "printk.h"


#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dwarf.h"
#include "kernel.h"

/*
 * Descriptor state_var: the descriptor id in the low bits, the state in the
 * top two (kernel/printk/printk_ringbuffer.h, v5.10 .. v6.x; unsigned long
 * is 64 bits on arm64).
 */
#define DESC_FLAGS_SHIFT 62
#define DESC_ID_MASK ((UINT64_C(1) << DESC_FLAGS_SHIFT) - 1)
enum desc_state {
	DESC_RESERVED = 0,  /* in use by a writer */
	DESC_COMMITTED = 1, /* committed, could still be reopened (extended) */
	DESC_FINALIZED = 2, /* committed, no further changes */
	DESC_REUSABLE = 3,  /* free, data may be gone */
};
/* Data-less text positions: FAILED_LPOS (data lost), NO_LPOS (empty line,
 * EMPTY_LINE_LPOS since v5.18). Both have bit 0 set. */
#define FAILED_LPOS 0x1
#define NO_LPOS 0x3
/* Each data block starts with the descriptor id, an unsigned long. */
#define DATA_BLOCK_ID_SIZE 8

/* Bounds on what a kernel can have (LOG_BUF_SHIFT is at most 25; the
 * log_buf_len= boot parameter is capped at 2 GiB). */
#define MAX_DATA_SIZE_BITS 31
#define MAX_COUNT_BITS 26
#define MAX_LOG_BUF_LEN (UINT64_C(1) << 31)
/* A timestamp past ~9 years of uptime is not a record header (log_buf resync). */
#define MAX_PLAUSIBLE_TS (UINT64_C(1) << 58)

static uint64_t get_le(const uint8_t *p, uint64_t size)
{
	uint64_t v = 0;
	for (uint64_t i = 0; i < size && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static uint64_t get_field(const uint8_t *base, struct kc_printk_field f)
{
	return f.size ? get_le(base + f.offset, f.size) : 0;
}

static uint64_t get_bits(const uint8_t *base, struct kc_printk_bits b)
{
	if (!b.bit_size || b.bit_size > 32)
		return 0;
	uint64_t shift = b.bit_offset % 8;
	uint64_t v = get_le(base + b.bit_offset / 8, (shift + b.bit_size + 7) / 8);
	return (v >> shift) & ((UINT64_C(1) << b.bit_size) - 1);
}

static uint64_t field_end(struct kc_printk_field f)
{
	return f.offset + f.size;
}

static uint64_t bits_end(struct kc_printk_bits b)
{
	return (b.bit_offset + b.bit_size + 7) / 8;
}

/* Reads LEN bytes at ADDR into a new buffer. */
static struct kc_error *read_alloc(kc_printk_read_fn read, void *read_ctx,
				   uint64_t addr, uint64_t len, const char *what,
				   uint8_t **ret)
{
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		return &kc_error_nomem;
	struct kc_error *err = read(read_ctx, addr, buf, len);
	if (err) {
		free(buf);
		return kc_error_prefix(err, "cannot read %s (%" PRIu64 " bytes at 0x%" PRIx64 ")",
				       what, len, addr);
	}
	*ret = buf;
	return NULL;
}

struct walk {
	const struct kc_printk_layout *layout;
	kc_printk_visit_fn visit;
	void *ctx;
	struct kc_printk_stats *stats;
	char reason[160];
};

static struct kc_error *report_corrupt(struct walk *w, uint64_t seq, bool seq_known)
{
	struct kc_printk_record rec = {
		.seq = seq, .seq_known = seq_known, .corrupt = w->reason};
	w->stats->corrupt++;
	return w->visit(w->ctx, &rec);
}

__attribute__((format(printf, 4, 5)))
static struct kc_error *corrupt(struct walk *w, uint64_t seq, bool seq_known,
				const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->reason, sizeof(w->reason), fmt, ap);
	va_end(ap);
	return report_corrupt(w, seq, seq_known);
}

/* ---- The lockless ring buffer (v5.10+) ---- */

struct ring {
	uint64_t count, size;  /* descriptors; bytes of text data */
	uint64_t size_bits;    /* size = 1 << size_bits */
	uint8_t *descs, *infos, *data;
};

/*
 * The data block of a text position pair, as get_data() maps it
 * (printk_ringbuffer.c): a regular block lies within one wrap with
 * begin < next; a wrapping block (begin one wrap behind next) is stored
 * from offset 0 up to next's index. Both are aligned to the block id and
 * hold at least the id. Returns false, with a reason, otherwise.
 */
static bool text_block(struct walk *w, const struct ring *ring, uint64_t begin,
		       uint64_t next, uint64_t *offset, uint64_t *size)
{
	uint64_t bits = ring->size_bits;
	if (begin >> bits == next >> bits && begin < next) {
		*offset = begin & (ring->size - 1);
		*size = next - begin;
	} else if ((begin + ring->size) >> bits == next >> bits) {
		*offset = 0;
		*size = next & (ring->size - 1);
	} else {
		snprintf(w->reason, sizeof(w->reason),
			 "text positions begin 0x%" PRIx64 " next 0x%" PRIx64 " are not within one wrap",
			 begin, next);
		return false;
	}
	if ((begin | next) % DATA_BLOCK_ID_SIZE) {
		snprintf(w->reason, sizeof(w->reason),
			 "text positions begin 0x%" PRIx64 " next 0x%" PRIx64 " are not aligned",
			 begin, next);
		return false;
	}
	if (*size < DATA_BLOCK_ID_SIZE) {
		snprintf(w->reason, sizeof(w->reason),
			 "text block of %" PRIu64 " bytes is smaller than its id", *size);
		return false;
	}
	return true;
}

/* SUBSYSTEM=...\0DEVICE=... from the info's dev_info, as crash prints it. */
static size_t dev_info_dict(const struct kc_printk_layout *l, const uint8_t *info,
			    char *dict, size_t cap)
{
	size_t len = 0;
	const struct {
		const char *key;
		struct kc_printk_field f;
	} fields[] = {{"SUBSYSTEM=", l->dev_subsystem}, {"DEVICE=", l->dev_device}};
	if (!l->info_dev_info.size)
		return 0;
	for (size_t i = 0; i < 2; i++) {
		if (!fields[i].f.size)
			continue;
		const char *value = (const char *)info + l->info_dev_info.offset +
				    fields[i].f.offset;
		size_t vlen = strnlen(value, fields[i].f.size);
		size_t klen = strlen(fields[i].key);
		if (!vlen || len + klen + vlen + 1 > cap)
			continue;
		if (len)
			dict[len++] = '\0';
		memcpy(dict + len, fields[i].key, klen);
		memcpy(dict + len + klen, value, vlen);
		len += klen + vlen;
	}
	return len;
}

/* One descriptor: skipped, reported corrupt, or visited. */
static struct kc_error *visit_desc(struct walk *w, const struct ring *ring,
				   uint64_t id)
{
	const struct kc_printk_layout *l = w->layout;
	uint64_t index = id & (ring->count - 1);
	const uint8_t *desc = ring->descs + index * l->desc_size;
	const uint8_t *info = ring->infos + index * l->info_size;
	uint64_t state_var = get_le(desc + l->desc_state_var, 8);
	uint64_t seq = get_field(info, l->info_seq);

	if ((state_var & DESC_ID_MASK) != id)
		return corrupt(w, seq, true,
			       "descriptor %" PRIu64 " holds id 0x%" PRIx64 ", expected 0x%" PRIx64,
			       index, state_var & DESC_ID_MASK, id);
	switch (state_var >> DESC_FLAGS_SHIFT) {
	case DESC_REUSABLE:
		/* Readers skip these as lost records (the bootstrap tail is one). */
		w->stats->skipped++;
		return NULL;
	case DESC_RESERVED:
		return corrupt(w, seq, true, "descriptor %" PRIu64 " is still reserved by a writer",
			       index);
	default:
		break;
	}
	/* A descriptor's sequence number always maps to its index. */
	if ((seq & (ring->count - 1)) != index)
		return corrupt(w, seq, true, "sequence number does not belong in descriptor %" PRIu64,
			       index);

	const uint8_t *lpos = desc + l->desc_text_blk_lpos;
	uint64_t begin = get_le(lpos + l->lpos_begin, 8);
	uint64_t next = get_le(lpos + l->lpos_next, 8);
	uint64_t text_len = get_field(info, l->info_text_len);
	const char *text = "";
	if ((begin & 1) && (next & 1)) {
		/* Data-less: an empty line, or a record whose data was lost. */
		if (begin == FAILED_LPOS && next == FAILED_LPOS) {
			w->stats->skipped++;
			return NULL;
		}
		if (begin != NO_LPOS || next != NO_LPOS)
			return corrupt(w, seq, true,
				       "bad data-less text positions 0x%" PRIx64 "/0x%" PRIx64,
				       begin, next);
		text_len = 0;
	} else {
		uint64_t offset, size;
		if (!text_block(w, ring, begin, next, &offset, &size))
			return report_corrupt(w, seq, true);
		uint64_t block_id = get_le(ring->data + offset, DATA_BLOCK_ID_SIZE);
		if (block_id != id)
			return corrupt(w, seq, true,
				       "text block at offset 0x%" PRIx64 " belongs to id 0x%" PRIx64 ", not 0x%" PRIx64,
				       offset, block_id, id);
		if (text_len > size - DATA_BLOCK_ID_SIZE)
			return corrupt(w, seq, true,
				       "text_len %" PRIu64 " exceeds its %" PRIu64 "-byte text block",
				       text_len, size - DATA_BLOCK_ID_SIZE);
		text = (const char *)ring->data + offset + DATA_BLOCK_ID_SIZE;
	}

	char dict[128];
	struct kc_printk_record rec = {
		.seq = seq,
		.seq_known = true,
		.ts_nsec = get_field(info, l->info_ts_nsec),
		.level = (uint8_t)get_bits(info, l->info_level),
		.facility = (uint8_t)get_field(info, l->info_facility),
		.flags = (uint8_t)get_bits(info, l->info_flags),
		.has_caller_id = l->info_caller_id.size != 0,
		.caller_id = (uint32_t)get_field(info, l->info_caller_id),
		.text = text,
		.text_len = text_len,
		.dict = dict,
		.dict_len = dev_info_dict(l, info, dict, sizeof(dict)),
	};
	w->stats->records++;
	return w->visit(w->ctx, &rec);
}

/* The layout's offsets must fall inside the sizes it gives. */
static struct kc_error *check_lockless_layout(const struct kc_printk_layout *l)
{
	uint64_t info_need = field_end(l->info_seq);
	uint64_t ends[] = {field_end(l->info_ts_nsec), field_end(l->info_text_len),
			   field_end(l->info_facility), field_end(l->info_caller_id),
			   field_end(l->info_dev_info), bits_end(l->info_flags),
			   bits_end(l->info_level)};
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		if (ends[i] > info_need)
			info_need = ends[i];
	if (info_need > l->info_size || !l->info_text_len.size ||
	    l->desc_state_var + 8 > l->desc_size ||
	    l->desc_text_blk_lpos + 8 + (l->lpos_begin > l->lpos_next ? l->lpos_begin : l->lpos_next) > l->desc_size ||
	    l->dev_subsystem.offset + l->dev_subsystem.size > l->info_dev_info.size ||
	    l->dev_device.offset + l->dev_device.size > l->info_dev_info.size)
		return kc_error_create(KC_ERR_FORMAT,
				       "printk ring buffer layout (%s) is inconsistent: member offsets past the struct sizes",
				       l->source ? l->source : "given");
	return NULL;
}

static struct kc_error *read_ring(const struct kc_printk_layout *l,
				  kc_printk_read_fn read, void *read_ctx,
				  struct ring *ring, uint64_t *head_id,
				  uint64_t *tail_id)
{
	uint64_t dr = l->rb_desc_ring, tr = l->rb_text_data_ring;
	uint64_t need = 0, ends[] = {dr + l->dr_count_bits + 4, dr + l->dr_descs + 8,
				     dr + l->dr_infos + 8, dr + l->dr_head_id + 8,
				     dr + l->dr_tail_id + 8, tr + l->data_size_bits + 4,
				     tr + l->data_data + 8};
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		if (ends[i] > need)
			need = ends[i];
	uint8_t *rb = NULL;
	struct kc_error *err = read_alloc(read, read_ctx, l->prb, need,
					  "struct printk_ringbuffer", &rb);
	if (err)
		return err;
	uint64_t count_bits = get_le(rb + dr + l->dr_count_bits, 4);
	uint64_t size_bits = get_le(rb + tr + l->data_size_bits, 4);
	uint64_t descs = get_le(rb + dr + l->dr_descs, 8);
	uint64_t infos = get_le(rb + dr + l->dr_infos, 8);
	uint64_t data = get_le(rb + tr + l->data_data, 8);
	*head_id = get_le(rb + dr + l->dr_head_id, 8);
	*tail_id = get_le(rb + dr + l->dr_tail_id, 8);
	free(rb);
	if (count_bits > MAX_COUNT_BITS || size_bits > MAX_DATA_SIZE_BITS ||
	    size_bits < 4)
		return kc_error_address(KC_ERR_FORMAT, l->prb,
					"printk ring buffer at 0x%" PRIx64 " has implausible sizes: 2^%" PRIu64 " descriptors, 2^%" PRIu64 " bytes of text",
					l->prb, count_bits, size_bits);
	ring->count = UINT64_C(1) << count_bits;
	ring->size = UINT64_C(1) << size_bits;
	ring->size_bits = size_bits;
	err = read_alloc(read, read_ctx, descs, ring->count * l->desc_size,
			 "printk descriptors (prb->desc_ring.descs)", &ring->descs);
	if (!err)
		err = read_alloc(read, read_ctx, infos, ring->count * l->info_size,
				 "printk infos (prb->desc_ring.infos)", &ring->infos);
	if (!err)
		err = read_alloc(read, read_ctx, data, ring->size,
				 "printk text data (prb->text_data_ring.data)", &ring->data);
	return err;
}

static struct kc_error *walk_lockless(struct walk *w, kc_printk_read_fn read,
				      void *read_ctx)
{
	struct kc_error *err = check_lockless_layout(w->layout);
	if (err)
		return err;
	struct ring ring = {0};
	uint64_t head_id, tail_id;
	err = read_ring(w->layout, read, read_ctx, &ring, &head_id, &tail_id);
	if (!err) {
		/* Oldest (tail) to newest (head), both included. */
		uint64_t n = ((head_id - tail_id) & DESC_ID_MASK) + 1;
		if (n > ring.count) {
			err = corrupt(w, 0, false,
				      "tail id 0x%" PRIx64 " and head id 0x%" PRIx64 " are more than %" PRIu64 " descriptors apart",
				      tail_id, head_id, ring.count);
			tail_id = (head_id - ring.count + 1) & DESC_ID_MASK;
			n = ring.count;
		}
		for (uint64_t i = 0; !err && i < n; i++)
			err = visit_desc(w, &ring, (tail_id + i) & DESC_ID_MASK);
	}
	free(ring.descs);
	free(ring.infos);
	free(ring.data);
	return err;
}

/* ---- struct printk_log records in log_buf (v3.5 .. v5.9) ---- */

struct log_header {
	uint64_t ts_nsec, len, text_len, dict_len;
};

static void parse_log_header(const struct kc_printk_layout *l, const uint8_t *p,
			     struct log_header *h)
{
	h->ts_nsec = get_field(p, l->log_ts_nsec);
	h->len = get_field(p, l->log_len);
	h->text_len = get_field(p, l->log_text_len);
	h->dict_len = get_field(p, l->log_dict_len);
}

/* A record whose lengths agree with each other and with the buffer. */
static bool plausible_record(const struct kc_printk_layout *l, const uint8_t *buf,
			     uint64_t buf_len, uint64_t idx, uint64_t min_ts)
{
	if (idx + l->log_size > buf_len)
		return false;
	struct log_header h;
	parse_log_header(l, buf + idx, &h);
	uint64_t used = l->log_size + h.text_len + h.dict_len;
	return h.len >= used && h.len - used < 8 && idx + h.len <= buf_len &&
	       h.ts_nsec >= min_ts && h.ts_nsec < MAX_PLAUSIBLE_TS;
}

/*
 * After a record with a bad length the chain is broken: look for the next
 * plausible record header (4-byte aligned, as LOG_ALIGN is 4 or 8), no
 * further than next_idx. Returns false when there is none.
 */
static bool resync(const struct kc_printk_layout *l, const uint8_t *buf,
		   uint64_t buf_len, uint64_t *idx, bool *wrapped, uint64_t min_ts)
{
	uint64_t pos = (*idx + 4) & ~UINT64_C(3);
	for (;;) {
		bool next_ahead = *wrapped || l->log_next_idx >= *idx;
		uint64_t end = next_ahead ? l->log_next_idx : buf_len;
		for (; pos < end; pos += 4) {
			if (plausible_record(l, buf, buf_len, pos, min_ts)) {
				*idx = pos;
				return true;
			}
		}
		if (next_ahead)
			return false;
		*wrapped = true;
		*idx = pos = 0;
	}
}

static struct kc_error *visit_log_record(struct walk *w, const uint8_t *p,
					 const struct log_header *h, uint64_t seq,
					 bool seq_known)
{
	const struct kc_printk_layout *l = w->layout;
	const char *text = (const char *)p + l->log_size;
	struct kc_printk_record rec = {
		.seq = seq,
		.seq_known = seq_known,
		.ts_nsec = h->ts_nsec,
		.level = (uint8_t)get_bits(p, l->log_level),
		.facility = (uint8_t)get_field(p, l->log_facility),
		.flags = (uint8_t)get_bits(p, l->log_flags),
		.has_caller_id = l->log_caller_id.size != 0,
		.caller_id = (uint32_t)get_field(p, l->log_caller_id),
		.text = text,
		.text_len = h->text_len,
		.dict = text + h->text_len,
		.dict_len = h->dict_len,
	};
	w->stats->records++;
	return w->visit(w->ctx, &rec);
}

static struct kc_error *walk_log_records(struct walk *w, const uint8_t *buf)
{
	const struct kc_printk_layout *l = w->layout;
	uint64_t buf_len = l->log_buf_len;
	uint64_t idx = l->log_first_idx, seq = l->log_first_seq, last_ts = 0;
	uint64_t max_records = buf_len / l->log_size + 1;
	bool wrapped = false, seq_known = true;
	struct kc_error *err = NULL;

	if (idx > buf_len)
		return corrupt(w, seq, true, "log_first_idx %" PRIu64 " is past log_buf_len %" PRIu64,
			       idx, buf_len);
	for (uint64_t n = 0; !err && idx != l->log_next_idx; n++) {
		if (n > max_records)
			return corrupt(w, seq, seq_known,
				       "more records than log_buf can hold; log_next_idx %" PRIu64 " never reached",
				       l->log_next_idx);
		/* A zero length (or no room for a header) means: go on at 0. */
		if (idx + l->log_size > buf_len || get_field(buf + idx, l->log_len) == 0) {
			if (wrapped)
				return corrupt(w, seq, seq_known,
					       "log_buf wraps twice without reaching log_next_idx %" PRIu64,
					       l->log_next_idx);
			wrapped = true;
			idx = 0;
			continue;
		}
		struct log_header h;
		parse_log_header(l, buf + idx, &h);
		if (h.len < l->log_size || idx + h.len > buf_len) {
			err = corrupt(w, seq, seq_known,
				      "record at log_buf+%" PRIu64 " has length %" PRIu64 " (header %" PRIu64 ", buffer %" PRIu64 ")",
				      idx, h.len, l->log_size, buf_len);
			if (err || !resync(l, buf, buf_len, &idx, &wrapped, last_ts))
				return err;
			seq++;
			seq_known = false;
			continue;
		}
		if (l->log_size + h.text_len + h.dict_len > h.len)
			err = corrupt(w, seq, seq_known,
				      "text_len %" PRIu64 " + dict_len %" PRIu64 " run past the %" PRIu64 "-byte record",
				      h.text_len, h.dict_len, h.len);
		else
			err = visit_log_record(w, buf + idx, &h, seq, seq_known);
		last_ts = h.ts_nsec < MAX_PLAUSIBLE_TS && h.ts_nsec > last_ts ? h.ts_nsec : last_ts;
		idx += h.len;
		seq++;
	}
	return err;
}

static struct kc_error *walk_log_buf(struct walk *w, kc_printk_read_fn read,
				     void *read_ctx)
{
	const struct kc_printk_layout *l = w->layout;
	if (l->log_buf_len == 0 || l->log_buf_len > MAX_LOG_BUF_LEN)
		return kc_error_create(KC_ERR_FORMAT, "log_buf_len %" PRIu64 " is implausible",
				       l->log_buf_len);
	if (l->log_size < 16 || l->log_size > 256 ||
	    field_end(l->log_len) > l->log_size || field_end(l->log_text_len) > l->log_size ||
	    field_end(l->log_dict_len) > l->log_size || field_end(l->log_ts_nsec) > l->log_size ||
	    field_end(l->log_caller_id) > l->log_size || bits_end(l->log_level) > l->log_size ||
	    !l->log_len.size || !l->log_text_len.size)
		return kc_error_create(KC_ERR_FORMAT,
				       "struct printk_log layout (%s) is inconsistent",
				       l->source ? l->source : "given");
	uint8_t *buf = NULL;
	struct kc_error *err = read_alloc(read, read_ctx, l->log_buf, l->log_buf_len,
					  "log_buf", &buf);
	if (err)
		return err;
	err = walk_log_records(w, buf);
	free(buf);
	return err;
}

struct kc_error *kc_printk_walk(const struct kc_printk_layout *layout,
				kc_printk_read_fn read, void *read_ctx,
				kc_printk_visit_fn visit, void *ctx,
				struct kc_printk_stats *stats)
{
	struct kc_printk_stats local;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	struct walk w = {.layout = layout, .visit = visit, .ctx = ctx, .stats = stats};
	if (layout->format == KC_PRINTK_LOCKLESS)
		return walk_lockless(&w, read, read_ctx);
	return walk_log_buf(&w, read, read_ctx);
}

/* ---- Layout from the session: DWARF, cross-checked with VMCOREINFO ---- */

struct layout_lookup {
	struct kc_session *session;
	bool types;              /* a type source (DWARF or BTF) is there */
	struct kc_error *err;    /* first failure */
};

/* "struct printk_info" -> "printk_info" for VMCOREINFO keys. */
static const char *bare_name(const char *type)
{
	return strncmp(type, "struct ", 7) == 0 ? type + 7 : type;
}

static bool vmcoreinfo_value(struct kc_session *s, const char *fmt, const char *type,
			     const char *member, uint64_t *value)
{
	if (!s->vmcoreinfo)
		return false;
	char key[160];
	snprintf(key, sizeof(key), fmt, bare_name(type), member);
	struct kc_error *err = kc_vmcoreinfo_u64(s->vmcoreinfo, key, value);
	kc_error_destroy(err);
	return err == NULL;
}

static void lookup_fail(struct layout_lookup *lk, struct kc_error *err)
{
	if (!lk->err)
		lk->err = err;
	else
		kc_error_destroy(err);
}

/* TYPE.MEMBER: offset and size from DWARF; VMCOREINFO's OFFSET() must agree. */
static struct kc_printk_field member(struct layout_lookup *lk, const char *type,
				     const char *name, bool required)
{
	struct kc_printk_field f = {0, 0};
	uint64_t exported;
	bool has_exported = vmcoreinfo_value(lk->session, "OFFSET(%s.%s)", type, name,
					     &exported);
	if (lk->types) {
		const struct kc_kernel_member *m;
		if (!kc_kernel_has_member(lk->session, type, name)) {
			if (required)
				lookup_fail(lk, kc_error_create(KC_ERR_LOOKUP,
								"%s has no member %s in the vmlinux DWARF",
								type, name));
			return f;
		}
		struct kc_error *err = kc_kernel_member(lk->session, type, name, &m);
		if (err) {
			lookup_fail(lk, err);
			return f;
		}
		f.offset = m->offset;
		f.size = m->size;
		if (has_exported && exported != f.offset)
			lookup_fail(lk, kc_error_create(KC_ERR_FORMAT,
							"VMCOREINFO OFFSET(%s.%s)=%" PRIu64 " but the vmlinux DWARF says %" PRIu64,
							bare_name(type), name, exported, f.offset));
		return f;
	}
	if (has_exported) {
		f.offset = exported;
		f.size = 8; /* refined by the caller where the kernel's type is smaller */
	} else if (required) {
		lookup_fail(lk, kc_error_create(KC_ERR_LOOKUP,
						"no DWARF and no VMCOREINFO OFFSET(%s.%s)",
						bare_name(type), name));
	}
	return f;
}

static uint64_t member_offset(struct layout_lookup *lk, const char *type, const char *name)
{
	return member(lk, type, name, true).offset;
}

static uint64_t type_size(struct layout_lookup *lk, const char *type)
{
	uint64_t size = 0, exported;
	bool has_exported = vmcoreinfo_value(lk->session, "SIZE(%s)%s", type, "", &exported);
	if (lk->types) {
		struct kc_error *err = kc_kernel_sizeof(lk->session, type, &size);
		if (err) {
			lookup_fail(lk, err);
			return 0;
		}
		if (has_exported && exported != size)
			lookup_fail(lk, kc_error_create(KC_ERR_FORMAT,
							"VMCOREINFO SIZE(%s)=%" PRIu64 " but the vmlinux DWARF says %" PRIu64,
							bare_name(type), exported, size));
		return size;
	}
	if (has_exported)
		return exported;
	lookup_fail(lk, kc_error_create(KC_ERR_LOOKUP, "no DWARF and no VMCOREINFO SIZE(%s)",
					bare_name(type)));
	return 0;
}

static struct kc_printk_bits bitfield(struct layout_lookup *lk, const char *type,
				      const char *name)
{
	struct kc_printk_bits b = {0, 0};
	struct kc_type t;
	struct kc_member m;
	struct kc_error *err = kc_kernel_type(lk->session, type, &t);
	if (!err)
		err = kc_type_member(&t, name, &m);
	if (err) {
		lookup_fail(lk, err);
		return b;
	}
	b.bit_offset = m.bit_offset;
	b.bit_size = m.bit_size ? m.bit_size : 8;
	return b;
}

static struct kc_error *symbol_value(struct kc_session *session, const char *name,
				     size_t size, uint64_t *value)
{
	uint64_t addr;
	uint8_t buf[8];
	struct kc_error *err = kc_kernel_symbol(session, name, &addr);
	if (!err)
		err = kc_kernel_read(session, addr, buf, size);
	if (err)
		return kc_error_prefix(err, "cannot read %s", name);
	*value = get_le(buf, size);
	return NULL;
}

static bool has_symbol(struct kc_session *session, const char *name)
{
	uint64_t addr;
	struct kc_error *err = kc_kernel_symbol(session, name, &addr);
	kc_error_destroy(err);
	return err == NULL;
}

static bool has_type(struct layout_lookup *lk, const char *type)
{
	if (lk->types) {
		struct kc_type t;
		struct kc_error *err = kc_kernel_type(lk->session, type, &t);
		kc_error_destroy(err);
		return err == NULL;
	}
	uint64_t size;
	return vmcoreinfo_value(lk->session, "SIZE(%s)%s", type, "", &size);
}

/*
 * Without DWARF: sizes of the members VMCOREINFO gives only offsets for,
 * and the facility/flags/level that follow text_len, from the v5.10+
 * struct printk_info (u16 text_len; u8 facility; u8 flags:5, level:3).
 */
static void lockless_without_dwarf(struct kc_printk_layout *l)
{
	l->info_seq.size = l->info_ts_nsec.size = 8;
	l->info_text_len.size = 2;
	l->info_facility = (struct kc_printk_field){l->info_text_len.offset + 2, 1};
	l->info_flags = (struct kc_printk_bits){(l->info_text_len.offset + 3) * 8, 5};
	l->info_level = (struct kc_printk_bits){(l->info_text_len.offset + 3) * 8 + 5, 3};
	if (l->info_caller_id.size)
		l->info_caller_id.size = 4;
}

/* Without DWARF, dev_info from OFFSET(dev_printk_info.*) and LENGTH(). */
static void dev_info_from_vmcoreinfo(struct layout_lookup *lk, struct kc_printk_layout *l)
{
	struct kc_session *s = lk->session;
	uint64_t sub_len, dev_len;
	l->info_dev_info.size = 0;
	if (!l->info_dev_info.offset ||
	    !vmcoreinfo_value(s, "OFFSET(%s.%s)", "dev_printk_info", "subsystem",
			      &l->dev_subsystem.offset) ||
	    !vmcoreinfo_value(s, "OFFSET(%s.%s)", "dev_printk_info", "device",
			      &l->dev_device.offset) ||
	    !vmcoreinfo_value(s, "LENGTH(%s)%s", "printk_info_subsystem", "", &sub_len) ||
	    !vmcoreinfo_value(s, "LENGTH(%s)%s", "printk_info_device", "", &dev_len))
		return;
	l->dev_subsystem.size = sub_len;
	l->dev_device.size = dev_len;
	uint64_t end = l->dev_device.offset + dev_len;
	if (l->dev_subsystem.offset + sub_len > end)
		end = l->dev_subsystem.offset + sub_len;
	l->info_dev_info.size = end;
}

static struct kc_error *lockless_layout(struct layout_lookup *lk,
					struct kc_printk_layout *l)
{
	const char *rb = "struct printk_ringbuffer", *dr = "struct prb_desc_ring",
		   *data = "struct prb_data_ring", *desc = "struct prb_desc",
		   *lpos = "struct prb_data_blk_lpos", *info = "struct printk_info",
		   *dev = "struct dev_printk_info";
	l->format = KC_PRINTK_LOCKLESS;
	l->rb_desc_ring = member_offset(lk, rb, "desc_ring");
	l->rb_text_data_ring = member_offset(lk, rb, "text_data_ring");
	l->dr_count_bits = member_offset(lk, dr, "count_bits");
	l->dr_descs = member_offset(lk, dr, "descs");
	l->dr_infos = member_offset(lk, dr, "infos");
	l->dr_head_id = member_offset(lk, dr, "head_id");
	l->dr_tail_id = member_offset(lk, dr, "tail_id");
	l->data_size_bits = member_offset(lk, data, "size_bits");
	l->data_data = member_offset(lk, data, "data");
	l->desc_size = type_size(lk, desc);
	l->desc_state_var = member_offset(lk, desc, "state_var");
	l->desc_text_blk_lpos = member_offset(lk, desc, "text_blk_lpos");
	l->lpos_begin = member_offset(lk, lpos, "begin");
	l->lpos_next = member_offset(lk, lpos, "next");
	l->info_size = type_size(lk, info);
	l->info_seq = member(lk, info, "seq", true);
	l->info_ts_nsec = member(lk, info, "ts_nsec", true);
	l->info_text_len = member(lk, info, "text_len", true);
	l->info_caller_id = member(lk, info, "caller_id", false);
	if (lk->types) {
		l->info_facility = member(lk, info, "facility", true);
		l->info_flags = bitfield(lk, info, "flags");
		l->info_level = bitfield(lk, info, "level");
		l->info_dev_info = member(lk, info, "dev_info", false);
		if (l->info_dev_info.size) {
			l->dev_subsystem = member(lk, dev, "subsystem", true);
			l->dev_device = member(lk, dev, "device", true);
		}
	} else {
		lockless_without_dwarf(l);
		l->info_dev_info = member(lk, info, "dev_info", false);
		dev_info_from_vmcoreinfo(lk, l);
	}
	if (lk->err)
		return lk->err;
	uint64_t prb_ptr = 0;
	struct kc_error *err = symbol_value(lk->session, "prb", 8, &prb_ptr);
	if (err)
		return err;
	l->prb = prb_ptr;
	return NULL;
}

static struct kc_error *log_buf_layout(struct layout_lookup *lk, const char *type,
				       struct kc_printk_layout *l)
{
	l->format = KC_PRINTK_LOG_BUF;
	l->log_size = type_size(lk, type);
	l->log_ts_nsec = member(lk, type, "ts_nsec", true);
	l->log_len = member(lk, type, "len", true);
	l->log_text_len = member(lk, type, "text_len", true);
	l->log_dict_len = member(lk, type, "dict_len", true);
	if (lk->types) {
		l->log_facility = member(lk, type, "facility", true);
		l->log_caller_id = member(lk, type, "caller_id", false);
		l->log_flags = bitfield(lk, type, "flags");
		l->log_level = bitfield(lk, type, "level");
	} else {
		/* v3.5 .. v5.9: u64 ts_nsec; u16 len, text_len, dict_len; u8
		 * facility; u8 flags:5, level:3. */
		l->log_ts_nsec.size = 8;
		l->log_len.size = l->log_text_len.size = l->log_dict_len.size = 2;
		l->log_facility = (struct kc_printk_field){l->log_dict_len.offset + 2, 1};
		l->log_flags = (struct kc_printk_bits){(l->log_dict_len.offset + 3) * 8, 5};
		l->log_level = (struct kc_printk_bits){(l->log_dict_len.offset + 3) * 8 + 5, 3};
	}
	if (lk->err)
		return lk->err;
	struct kc_error *err = symbol_value(lk->session, "log_buf", 8, &l->log_buf);
	if (!err)
		err = symbol_value(lk->session, "log_buf_len", 4, &l->log_buf_len);
	if (!err)
		err = symbol_value(lk->session, "log_first_idx", 4, &l->log_first_idx);
	if (!err)
		err = symbol_value(lk->session, "log_next_idx", 4, &l->log_next_idx);
	if (!err && symbol_value(lk->session, "log_first_seq", 8, &l->log_first_seq) != NULL)
		l->log_first_seq = 0; /* only for numbering markers */
	return err;
}

struct kc_error *kc_printk_layout_from_session(struct kc_session *session,
					       struct kc_printk_layout *layout)
{
	memset(layout, 0, sizeof(*layout));
	struct kc_dwarf *dwarf;
	struct kc_error *err = kc_session_dwarf(session, &dwarf);
	struct layout_lookup lk = {.session = session, .types = err == NULL};
	kc_error_destroy(err);
	layout->source = lk.types ? "DWARF" : "VMCOREINFO";

	if (has_type(&lk, "struct printk_ringbuffer") && has_symbol(session, "prb"))
		err = lockless_layout(&lk, layout);
	else if (has_type(&lk, "struct printk_log") && has_symbol(session, "log_first_idx"))
		err = log_buf_layout(&lk, "struct printk_log", layout);
	else if (lk.types && has_type(&lk, "struct log") && has_symbol(session, "log_first_idx"))
		err = log_buf_layout(&lk, "struct log", layout);
	else
		err = kc_error_create(KC_ERR_UNSUPPORTED,
				      "no printk log found: the kernel has neither the lockless ring buffer (prb, struct printk_ringbuffer) nor struct printk_log records (log_first_idx)%s",
				      lk.types ? "" : " in VMCOREINFO, and there are no kernel types (DWARF or BTF)");
	return err;
}

static struct kc_error *session_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return kc_kernel_read(ctx, addr, buf, len);
}

struct kc_error *kc_printk_session_walk(struct kc_session *session,
					kc_printk_visit_fn visit, void *ctx,
					struct kc_printk_stats *stats)
{
	struct kc_printk_layout layout;
	struct kc_error *err = kc_printk_layout_from_session(session, &layout);
	if (err)
		return err;
	return kc_printk_walk(&layout, session_read, session, visit, ctx, stats);
}

/* ---- Boot time for log -T ---- */

static struct kc_error *timekeeper_boot_time(struct kc_session *session,
					     int64_t *seconds)
{
	struct kc_variable var;
	struct kc_member real, boot;
	uint64_t addr, offs_real, offs_boot;
	/* tk_core is an anonymous struct { seq; struct timekeeper timekeeper; }. */
	struct kc_error *err = kc_kernel_variable(session, "tk_core", &var);
	if (!err)
		err = kc_type_member(&var.type, "timekeeper.offs_real", &real);
	if (!err)
		err = kc_type_member(&var.type, "timekeeper.offs_boot", &boot);
	if (!err)
		err = kc_kernel_symbol(session, "tk_core", &addr);
	if (!err)
		err = kc_kernel_read_u64(session, addr + real.offset, &offs_real);
	if (!err)
		err = kc_kernel_read_u64(session, addr + boot.offset, &offs_boot);
	if (err)
		return err;
	int64_t ns = (int64_t)(offs_real - offs_boot);
	if (ns <= 0)
		return kc_error_create(KC_ERR_FORMAT, "tk_core.timekeeper offs_real - offs_boot is not positive");
	*seconds = ns / 1000000000;
	return NULL;
}

static struct kc_error *newest_ts(void *ctx, const struct kc_printk_record *rec)
{
	uint64_t *ts = ctx;
	if (!rec->corrupt && rec->ts_nsec > *ts)
		*ts = rec->ts_nsec;
	return NULL;
}

struct kc_error *kc_printk_boot_time(struct kc_session *session,
				     int64_t *seconds, const char **source)
{
	struct kc_error *err = timekeeper_boot_time(session, seconds);
	if (!err) {
		*source = "tk_core.timekeeper (offs_real - offs_boot)";
		return NULL;
	}
	kc_error_destroy(err);
	uint64_t crashtime = 0;
	if (session->vmcoreinfo) {
		err = kc_vmcoreinfo_u64(session->vmcoreinfo, "CRASHTIME", &crashtime);
		kc_error_destroy(err);
	}
	if (!crashtime && session->dump && session->dump->has_timestamp)
		crashtime = (uint64_t)session->dump->timestamp_sec;
	if (!crashtime)
		return kc_error_create(KC_ERR_LOOKUP,
				       "no boot time: tk_core unreadable, and neither VMCOREINFO CRASHTIME nor a dump timestamp");
	uint64_t ts = 0;
	err = kc_printk_session_walk(session, newest_ts, &ts, NULL);
	if (err)
		return err;
	*seconds = (int64_t)(crashtime - ts / 1000000000);
	*source = "crash time minus the newest record's timestamp";
	return NULL;
}
