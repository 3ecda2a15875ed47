/* SPDX-License-Identifier: MIT */
/*
 * The printk log: on every real fixture, `log` against makedumpfile
 * --dump-dmesg of the same crash; and synthetic buffers, laid out from the
 * kernel's struct definitions, read through the same parsing code by a
 * memory-read callback: a wrapped lockless ring (v5.10+), wrapped
 * struct printk_log records with dictionaries and pr_cont() fragments
 * (v3.5 .. v5.9), and corrupt records of both.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logfmt.h"
#include "harness.h"
#include "printk.h"
#include "session.h"

/* ---- Helpers ---- */

struct output {
	char *text;
	size_t len;
	FILE *file;
	struct kc_printk_printer printer;
};

static void output_open(struct output *o, const struct kc_printk_print_options *opts)
{
	memset(o, 0, sizeof(*o));
	o->file = open_memstream(&o->text, &o->len);
	kc_printk_printer_init(&o->printer, o->file, opts);
}

static char *output_close(struct output *o)
{
	kc_printk_printer_finish(&o->printer);
	fclose(o->file);
	return o->text;
}

/* makedumpfile's "[    0.000000] [      T0] text" without the caller column. */
static char *strip_caller_column(const char *text)
{
	char *out = malloc(strlen(text) + 1), *w = out;
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
		const char *close = memchr(line, ']', len);
		if (line[0] == '[' && close && close[1] == ' ' && close[2] == '[') {
			const char *close2 = memchr(close + 2, ']', len - (size_t)(close + 2 - line));
			if (close2 && close2[1] == ' ') {
				size_t head = (size_t)(close - line) + 2;
				memcpy(w, line, head);
				w += head;
				size_t rest = len - (size_t)(close2 + 2 - line);
				memcpy(w, close2 + 2, rest);
				w += rest;
				line += len;
				continue;
			}
		}
		memcpy(w, line, len);
		w += len;
		line += len;
	}
	*w = '\0';
	return out;
}

/* The first line where A and B differ, for the failure message. */
static unsigned first_difference(const char *a, const char *b, const char **la, const char **lb)
{
	unsigned line = 1;
	*la = a;
	*lb = b;
	while (*a && *a == *b) {
		if (*a == '\n') {
			line++;
			*la = a + 1;
			*lb = b + 1;
		}
		a++;
		b++;
	}
	return line;
}

static void check_same_text(const char *what, const char *got, const char *expected)
{
	if (strcmp(got, expected) == 0)
		return;
	const char *lg, *le;
	unsigned line = first_difference(got, expected, &lg, &le);
	CHECK_MSG(false, "%s: line %u differs:\n  got      %.100s\n  expected %.100s", what,
		  line, lg, le);
}

static char *ground_truth_dmesg(const char *fixture)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/ground-truth/makedumpfile-dump-dmesg.txt",
		 kc_test_fixtures_dir(), fixture);
	return kc_test_read_file(path, NULL);
}

/* ---- Real dumps ---- */

static void check_against_makedumpfile(const char *fixture, const char *dump_file)
{
	struct kc_session *session = kc_test_open_session(fixture, dump_file);
	if (!session)
		return;
	char *expected_raw = ground_truth_dmesg(fixture);
	REQUIRE(expected_raw);
	struct kc_printk_layout layout;
	REQUIRE_OK(kc_printk_layout_from_session(session, &layout));
	CHECK(layout.format == KC_PRINTK_LOCKLESS);

	struct kc_printk_print_options opts = {0};
	struct output o;
	output_open(&o, &opts);
	struct kc_printk_stats stats;
	struct kc_error *err = kc_printk_session_walk(session, kc_printk_print_record,
						      &o.printer, &stats);
	char *got = output_close(&o);
	REQUIRE_OK(err);
	/*
	 * makedumpfile 1.7.6 always prints the caller column, which crash's
	 * log shows only with -c: compare without it.
	 */
	char *expected = strip_caller_column(expected_raw);
	check_same_text(fixture, got, expected);
	CHECK_EQ_U64(stats.corrupt, 0);
	printf("    %s %s: %" PRIu64 " records, %" PRIu64 " skipped (reusable/lost)\n", fixture,
	       dump_file, stats.records, stats.skipped);

	/* The panic is among the last lines. */
	char *panic = kc_test_fact(fixture, "crash.panic_string");
	REQUIRE(panic);
	char needle[256];
	snprintf(needle, sizeof(needle), "Kernel panic - not syncing: %s\n", panic);
	const char *at = strstr(got, needle);
	CHECK_MSG(at && strlen(at) < 4096, "%s: panic line not near the end", fixture);

	/* With -c the caller column has crash's pid_max-based width; the
	 * caller ids themselves agree with makedumpfile's. */
	opts.caller = true;
	opts.caller_width = 8; /* makedumpfile's PID_CHARS_DEFAULT */
	output_open(&o, &opts);
	REQUIRE_OK(kc_printk_session_walk(session, kc_printk_print_record, &o.printer, NULL));
	char *with_caller = output_close(&o);
	check_same_text(fixture, with_caller, expected_raw);

	free(with_caller);
	free(panic);
	free(expected);
	free(expected_raw);
	free(got);
	kc_session_destroy(session);
}

KC_TEST(log_makedumpfile_4k48) { check_against_makedumpfile("arm64-6.1-4k48", "vmcore.kdump-zlib"); }
KC_TEST(log_makedumpfile_16k47) { check_against_makedumpfile("arm64-6.1-16k47", "vmcore.kdump-zlib"); }
KC_TEST(log_makedumpfile_64k52) { check_against_makedumpfile("arm64-6.1-64k52", "vmcore.kdump-zlib"); }
KC_TEST(log_makedumpfile_5_10_4k39) { check_against_makedumpfile("arm64-5.10-4k39", "vmcore.kdump-zlib"); }
KC_TEST(log_makedumpfile_4k48_elf) { check_against_makedumpfile("arm64-6.1-4k48", "vmcore.elf-d31.zst"); }

static bool has_timestamp(const char *line)
{
	unsigned sec, usec;
	char close;
	return sscanf(line, "[%5u.%6u%c", &sec, &usec, &close) == 3 && close == ']';
}

/* log -t, -m, -T and --json through the binary, on the 6.1 and 5.10 kernels. */
static void check_options(const char *fixture)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/vmlinux", kc_test_fixtures_dir(), fixture);
	const char *vmlinux = access(path, R_OK) == 0 ? kc_test_fixture(fixture, "vmlinux")
						      : kc_test_fixture(fixture, "vmlinux.zst");
	const char *dump = kc_test_fixture(fixture, "vmcore.kdump-zlib");
	if (!vmlinux || !dump)
		return;
	char *out = NULL, *err = NULL;

	/* -t: the same lines without timestamps. */
	CHECK(kc_test_run_kcrashf(&out, &err, "-s -c 'log -t' %s %s", vmlinux, dump) == 0);
	unsigned lines = 0, stamped = 0;
	for (char *line = out; line && *line; lines++) {
		stamped += has_timestamp(line);
		char *nl = strchr(line, '\n');
		line = nl ? nl + 1 : line + strlen(line);
	}
	CHECK(lines > 100);
	CHECK_MSG(stamped == 0, "%s: log -t printed %u timestamps", fixture, stamped);
	CHECK(out && strstr(out, "\nKernel panic - not syncing: "));
	free(out);
	free(err);

	/* -m: levels; panic() prints at KERN_EMERG, the boot banner at KERN_INFO. */
	CHECK(kc_test_run_kcrashf(&out, &err, "-s -c 'log -m' %s %s", vmlinux, dump) == 0);
	CHECK(out && strstr(out, "] <0>Kernel panic - not syncing: "));
	CHECK(out && strstr(out, "] <6>Booting Linux on physical CPU"));
	free(err);
	/* Every line has a level, and -m levels match --json's. */
	char *json_out = NULL;
	CHECK(kc_test_run_kcrashf(&json_out, &err, "-s -c 'log --json' %s %s", vmlinux, dump) == 0);
	free(err);
	unsigned compared = 0;
	const char *j = json_out;
	for (char *line = out; line && *line;) {
		char *nl = strchr(line, '\n');
		char *lt = strstr(line, "] <");
		unsigned level = 99;
		CHECK_MSG(lt && sscanf(lt, "] <%x>", &level) == 1 && level < 8,
			  "%s: line without a level: %.60s", fixture, line);
		j = j ? strstr(j, "\"level\": ") : NULL;
		if (j) {
			CHECK_EQ_U64(strtoul(j + 9, NULL, 10), level);
			j += 9;
			compared++;
		}
		line = nl ? nl + 1 : line + strlen(line);
	}
	CHECK(compared > 100);
	CHECK(json_out && json_out[0] == '[' && strstr(json_out, "\"caller\": \"T"));
	CHECK(json_out && strstr(json_out, "\"text\": \"Kernel panic - not syncing: sysrq triggered crash\""));
	free(json_out);
	free(out);

	/* Without the vmlinux: the layout from VMCOREINFO alone, same log. */
	char *truth = ground_truth_dmesg(fixture);
	REQUIRE(truth);
	char *expected = strip_caller_column(truth);
	CHECK(kc_test_run_kcrashf(&out, &err, "-s -c 'log' %s", dump) == 0);
	if (out)
		check_same_text("log without vmlinux", out, expected);
	free(out);
	free(err);
	CHECK(kc_test_run_kcrashf(&out, &err, "-s -c 'log -d' %s", dump) == 0);
	CHECK(out && strstr(out, "\n               SUBSYSTEM=platform\n"));
	free(out);
	free(err);
	free(expected);
	free(truth);

	/* -T: wall-clock times; the panic happened at the crash time. */
	char *crashtime_text = kc_test_fact(fixture, "vmcoreinfo.CRASHTIME");
	REQUIRE(crashtime_text);
	CHECK(kc_test_run_kcrashf(&out, &err, "-s -c 'log -T' %s %s", vmlinux, dump) == 0);
	CHECK(out && out[0] == '[' && !has_timestamp(out));
	free(out);
	free(err);
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (session) {
		int64_t boot;
		const char *source;
		REQUIRE_OK(kc_printk_boot_time(session, &boot, &source));
		struct kc_printk_layout layout;
		REQUIRE_OK(kc_printk_layout_from_session(session, &layout));
		int64_t crashtime = strtoll(crashtime_text, NULL, 10);
		printf("    %s: boot time %lld from %s, crash time %lld\n", fixture,
		       (long long)boot, source, (long long)crashtime);
		/* The uptime at the crash is about 10 s on these fixtures' logs. */
		CHECK(crashtime - boot > 5 && crashtime - boot < 60);
		kc_session_destroy(session);
	}
	free(crashtime_text);
}

KC_TEST(log_options_4k48) { check_options("arm64-6.1-4k48"); }
KC_TEST(log_options_5_10_4k39) { check_options("arm64-5.10-4k39"); }

/* ---- Synthetic memory ---- */

struct region {
	uint64_t addr;
	uint8_t *buf;
	size_t len;
};

struct memory {
	struct region regions[8];
	size_t nr;
};

static void *memory_add(struct memory *m, uint64_t addr, size_t len)
{
	struct region *r = &m->regions[m->nr++];
	r->addr = addr;
	r->len = len;
	r->buf = calloc(1, len);
	return r->buf;
}

static void memory_free(struct memory *m)
{
	for (size_t i = 0; i < m->nr; i++)
		free(m->regions[i].buf);
}

static struct kc_error *memory_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct memory *m = ctx;
	for (size_t i = 0; i < m->nr; i++) {
		struct region *r = &m->regions[i];
		if (addr >= r->addr && addr - r->addr <= r->len && len <= r->len - (addr - r->addr)) {
			memcpy(buf, r->buf + (addr - r->addr), len);
			return NULL;
		}
	}
	return kc_error_address(KC_ERR_FAULT, addr, "0x%" PRIx64 " not mapped", addr);
}

/* ---- Synthetic lockless ring (kernel/printk/printk_ringbuffer.h, v6.1) ---- */

struct syn_dev_printk_info {
	char subsystem[16];
	char device[48];
};
struct syn_printk_info {
	uint64_t seq;
	uint64_t ts_nsec;
	uint16_t text_len;
	uint8_t facility;
	uint8_t flags_level; /* u8 flags:5; u8 level:3 (GCC, little-endian) */
	uint32_t caller_id;
	struct syn_dev_printk_info dev_info;
};
struct syn_lpos {
	uint64_t begin, next;
};
struct syn_prb_desc {
	uint64_t state_var; /* atomic_long_t */
	struct syn_lpos text_blk_lpos;
};
struct syn_prb_desc_ring {
	uint32_t count_bits;
	uint64_t descs, infos;
	uint64_t head_id, tail_id, last_finalized_id;
};
struct syn_prb_data_ring {
	uint32_t size_bits;
	uint64_t data;
	uint64_t head_lpos, tail_lpos;
};
struct syn_printk_ringbuffer {
	struct syn_prb_desc_ring desc_ring;
	struct syn_prb_data_ring text_data_ring;
	uint64_t fail;
};

#define SYN_PRB 0xffff800010000000ull
#define SYN_DESCS 0xffff800010001000ull
#define SYN_INFOS 0xffff800010002000ull
#define SYN_DATA 0xffff800010004000ull
#define ID_MASK ((UINT64_C(1) << 62) - 1)

static void lockless_layout(struct kc_printk_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->format = KC_PRINTK_LOCKLESS;
	l->source = "synthetic";
	l->prb = SYN_PRB;
	l->rb_desc_ring = offsetof(struct syn_printk_ringbuffer, desc_ring);
	l->rb_text_data_ring = offsetof(struct syn_printk_ringbuffer, text_data_ring);
	l->dr_count_bits = offsetof(struct syn_prb_desc_ring, count_bits);
	l->dr_descs = offsetof(struct syn_prb_desc_ring, descs);
	l->dr_infos = offsetof(struct syn_prb_desc_ring, infos);
	l->dr_head_id = offsetof(struct syn_prb_desc_ring, head_id);
	l->dr_tail_id = offsetof(struct syn_prb_desc_ring, tail_id);
	l->data_size_bits = offsetof(struct syn_prb_data_ring, size_bits);
	l->data_data = offsetof(struct syn_prb_data_ring, data);
	l->desc_size = sizeof(struct syn_prb_desc);
	l->desc_state_var = offsetof(struct syn_prb_desc, state_var);
	l->desc_text_blk_lpos = offsetof(struct syn_prb_desc, text_blk_lpos);
	l->lpos_begin = offsetof(struct syn_lpos, begin);
	l->lpos_next = offsetof(struct syn_lpos, next);
	l->info_size = sizeof(struct syn_printk_info);
	l->info_seq = (struct kc_printk_field){offsetof(struct syn_printk_info, seq), 8};
	l->info_ts_nsec = (struct kc_printk_field){offsetof(struct syn_printk_info, ts_nsec), 8};
	l->info_text_len = (struct kc_printk_field){offsetof(struct syn_printk_info, text_len), 2};
	l->info_facility = (struct kc_printk_field){offsetof(struct syn_printk_info, facility), 1};
	l->info_caller_id = (struct kc_printk_field){offsetof(struct syn_printk_info, caller_id), 4};
	l->info_dev_info = (struct kc_printk_field){offsetof(struct syn_printk_info, dev_info),
						    sizeof(struct syn_dev_printk_info)};
	l->info_flags = (struct kc_printk_bits){offsetof(struct syn_printk_info, flags_level) * 8, 5};
	l->info_level = (struct kc_printk_bits){offsetof(struct syn_printk_info, flags_level) * 8 + 5, 3};
	l->dev_subsystem = (struct kc_printk_field){offsetof(struct syn_dev_printk_info, subsystem), 16};
	l->dev_device = (struct kc_printk_field){offsetof(struct syn_dev_printk_info, device), 48};
}

/* A writer following prb_reserve()/data_alloc() of v6.1, without the races. */
struct syn_ring {
	struct memory mem;
	struct syn_printk_ringbuffer *rb;
	struct syn_prb_desc *descs;
	struct syn_printk_info *infos;
	uint8_t *data;
	uint64_t count, size;
	uint64_t first_id, next_id, next_seq, head_lpos;
	uint64_t begins[64]; /* per record (by seq): its data block's begin lpos */
	uint64_t nexts[64];
};

static void syn_ring_init(struct syn_ring *r, unsigned count_bits, unsigned size_bits)
{
	memset(r, 0, sizeof(*r));
	r->count = 1u << count_bits;
	r->size = 1u << size_bits;
	r->rb = memory_add(&r->mem, SYN_PRB, sizeof(*r->rb));
	r->descs = memory_add(&r->mem, SYN_DESCS, r->count * sizeof(*r->descs));
	r->infos = memory_add(&r->mem, SYN_INFOS, r->count * sizeof(*r->infos));
	r->data = memory_add(&r->mem, SYN_DATA, r->size);
	r->rb->desc_ring.count_bits = count_bits;
	r->rb->desc_ring.descs = SYN_DESCS;
	r->rb->desc_ring.infos = SYN_INFOS;
	r->rb->text_data_ring.size_bits = size_bits;
	r->rb->text_data_ring.data = SYN_DATA;
	/* Ids start two wraps below 2^62 so they overflow during the test
	 * (as DESC0_ID does), lpos at BLK0_LPOS = -size (overflows at once). */
	r->first_id = r->next_id = (ID_MASK + 1) - 2 * r->count;
	r->head_lpos = (uint64_t)0 - r->size;
}

static void syn_write(struct syn_ring *r, uint64_t lpos, const void *src, size_t len)
{
	memcpy(r->data + (lpos & (r->size - 1)), src, len);
}

static void syn_ring_add(struct syn_ring *r, const char *text, uint8_t level,
			 const char *subsystem, const char *device)
{
	uint64_t id = r->next_id, seq = r->next_seq;
	uint64_t index = id & (r->count - 1);
	size_t text_len = strlen(text);
	uint64_t size = (8 + text_len + 7) & ~UINT64_C(7);
	uint64_t begin = r->head_lpos, next = begin + size;
	uint64_t bits = r->rb->text_data_ring.size_bits;
	if (begin >> bits != next >> bits) {
		/* Does not fit before the end: the id at begin, the block at 0. */
		syn_write(r, begin, &id, 8);
		next = (next & ~(r->size - 1)) + size;
		syn_write(r, next - size, &id, 8);
		syn_write(r, next - size + 8, text, text_len);
	} else {
		syn_write(r, begin, &id, 8);
		syn_write(r, begin + 8, text, text_len);
	}
	r->head_lpos = next;
	struct syn_prb_desc *d = &r->descs[index];
	d->state_var = (UINT64_C(2) << 62) | id; /* finalized */
	d->text_blk_lpos.begin = begin;
	d->text_blk_lpos.next = next;
	struct syn_printk_info *info = &r->infos[index];
	memset(info, 0, sizeof(*info));
	info->seq = seq;
	info->ts_nsec = 1000000000ull * seq + 123456789ull;
	info->text_len = (uint16_t)text_len;
	info->flags_level = (uint8_t)(2 | level << 5); /* LOG_NEWLINE */
	info->caller_id = seq % 3 == 0 ? 0x80000001u : (uint32_t)(100 + seq);
	if (subsystem)
		strcpy(info->dev_info.subsystem, subsystem);
	if (device)
		strcpy(info->dev_info.device, device);
	r->begins[seq] = begin;
	r->nexts[seq] = next;
	r->next_id = (id + 1) & ID_MASK;
	r->next_seq++;
	/* The tail: the oldest record whose slot and data are both intact;
	 * older descriptors still in the array become reusable. */
	uint64_t tail_seq = seq;
	while (tail_seq > 0) {
		uint64_t older = tail_seq - 1;
		if (seq - older >= r->count || next - r->begins[older] > r->size)
			break;
		tail_seq = older;
	}
	for (uint64_t s = tail_seq > r->count ? tail_seq - r->count : 0; s < tail_seq; s++) {
		uint64_t old_id = (r->first_id + s) & ID_MASK;
		struct syn_prb_desc *od = &r->descs[old_id & (r->count - 1)];
		if ((od->state_var & ID_MASK) == old_id)
			od->state_var = (UINT64_C(3) << 62) | old_id;
	}
	r->rb->desc_ring.head_id = id;
	r->rb->desc_ring.tail_id = (r->first_id + tail_seq) & ID_MASK;
}

static char *walk_to_text(const struct kc_printk_layout *layout, struct memory *mem,
			  const struct kc_printk_print_options *opts,
			  struct kc_printk_stats *stats)
{
	struct output o;
	output_open(&o, opts);
	struct kc_error *err = kc_printk_walk(layout, memory_read, mem, kc_printk_print_record,
					      &o.printer, stats);
	char *text = output_close(&o);
	if (err) {
		CHECK_MSG(false, "walk: %s", kc_error_message(err));
		kc_error_destroy(err);
	}
	return text;
}

static const char *const syn_texts[] = {
	"alpha", "bravo charlie", "delta echo foxtrot golf", "hotel",
	"india juliett kilo", "lima mike november oscar papa", "quebec",
	"romeo sierra", "tango uniform victor", "whiskey x-ray",
	"yankee zulu", "one two three four five six", "seven",
	"eight nine ten", "eleven twelve thirteen fourteen", "fifteen",
	"sixteen seventeen", "eighteen nineteen twenty twenty-one",
	"twenty-two", "line one\nline two",
};
#define NR_SYN_TEXTS (sizeof(syn_texts) / sizeof(syn_texts[0]))

static struct syn_ring *build_wrapped_ring(void)
{
	struct syn_ring *r = malloc(sizeof(*r));
	syn_ring_init(r, 3, 8); /* 8 descriptors, 256 bytes of text */
	for (size_t i = 0; i < NR_SYN_TEXTS; i++)
		syn_ring_add(r, syn_texts[i], (uint8_t)(i % 8), i == 17 ? "pci" : NULL,
			     i == 17 ? "+pci:0000:00:01.0" : NULL);
	return r;
}

/* "[    N.123456] TEXT\n" for seq N, indenting a second line as crash does. */
static void append_expected(char **buf, size_t *len, FILE *f, uint64_t seq, const char *text)
{
	(void)buf;
	(void)len;
	char prefix[32];
	int n = snprintf(prefix, sizeof(prefix), "[%5" PRIu64 ".123456] ", seq);
	fputs(prefix, f);
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			fprintf(f, "\n%*s", n, "");
		else
			fputc(*p, f);
	}
	fputc('\n', f);
}

KC_TEST(printk_lockless_wrapped)
{
	struct syn_ring *r = build_wrapped_ring();
	struct kc_printk_layout layout;
	lockless_layout(&layout);
	/* The test is only meaningful if data and ids both wrapped. */
	uint64_t tail_seq = (r->rb->desc_ring.tail_id - r->first_id) & ID_MASK;
	CHECK(r->rb->desc_ring.head_id < r->first_id); /* ids overflowed 2^62 */
	bool data_wrapped = false;
	for (uint64_t s = tail_seq; s < r->next_seq; s++)
		data_wrapped |= (r->begins[s] >> 8) != (r->nexts[s] >> 8);
	CHECK(data_wrapped); /* a kept record's block starts at offset 0 */

	struct kc_printk_print_options opts = {0};
	struct kc_printk_stats stats;
	char *got = walk_to_text(&layout, &r->mem, &opts, &stats);
	char *expected = NULL;
	size_t expected_len = 0;
	FILE *f = open_memstream(&expected, &expected_len);
	for (uint64_t s = tail_seq; s < r->next_seq; s++)
		append_expected(&expected, &expected_len, f, s, syn_texts[s]);
	fclose(f);
	check_same_text("wrapped ring", got, expected);
	CHECK_EQ_U64(stats.corrupt, 0);
	CHECK_EQ_U64(stats.records, r->next_seq - tail_seq);
	printf("    %" PRIu64 " records kept of %zu (tail seq %" PRIu64 ")\n", stats.records,
	       NR_SYN_TEXTS, tail_seq);
	free(got);
	free(expected);

	/* -m -d -c and --json on the same ring. */
	opts = (struct kc_printk_print_options){.no_time = true, .level = true, .dict = true,
						.caller = true, .caller_width = 6};
	got = walk_to_text(&layout, &r->mem, &opts, NULL);
	CHECK_MSG(strstr(got, "[  T117] <1>eighteen nineteen twenty twenty-one\n"
			      "            SUBSYSTEM=pci\n"
			      "            DEVICE=+pci:0000:00:01.0\n"
			      "[    C1] <2>twenty-two\n"
			      "[  T119] <3>line one\n"
			      "            line two\n"), "%s", got);
	free(got);
	opts = (struct kc_printk_print_options){.json = true};
	got = walk_to_text(&layout, &r->mem, &opts, NULL);
	CHECK_MSG(strstr(got, "{\"seq\": 19, \"ts_nsec\": 19123456789, \"level\": 3, \"facility\": 0, "
			      "\"caller\": \"T119\", \"text\": \"line one\\nline two\"}\n]\n"), "%s", got);
	free(got);
	memory_free(&r->mem);
	free(r);
}

KC_TEST(printk_lockless_corrupt)
{
	struct syn_ring *r = build_wrapped_ring();
	struct kc_printk_layout layout;
	lockless_layout(&layout);
	uint64_t tail_seq = (r->rb->desc_ring.tail_id - r->first_id) & ID_MASK;
	REQUIRE(r->next_seq - tail_seq >= 5);
	uint64_t bad_state = tail_seq + 1, bad_len = tail_seq + 2, bad_lpos = tail_seq + 3,
		 bad_id = tail_seq + 4;
#define DESC_OF(seq) (&r->descs[((r->first_id + (seq)) & ID_MASK) & (r->count - 1)])
#define INFO_OF(seq) (&r->infos[((r->first_id + (seq)) & ID_MASK) & (r->count - 1)])
	/* A descriptor still reserved by a writer. */
	DESC_OF(bad_state)->state_var &= ID_MASK;
	/* text_len longer than its data block. */
	INFO_OF(bad_len)->text_len = 200;
	/* Text positions not within one wrap (next before begin). */
	DESC_OF(bad_lpos)->text_blk_lpos.next = DESC_OF(bad_lpos)->text_blk_lpos.begin - 8;
	/* A descriptor whose id is not the one expected there. */
	DESC_OF(bad_id)->state_var ^= 1ull << 40;

	struct kc_printk_print_options opts = {0};
	struct kc_printk_stats stats;
	char *got = walk_to_text(&layout, &r->mem, &opts, &stats);
	char *expected = NULL;
	size_t expected_len = 0;
	FILE *f = open_memstream(&expected, &expected_len);
	for (uint64_t s = tail_seq; s < r->next_seq; s++) {
		if (s == bad_state)
			fprintf(f, "[corrupt record at seq %" PRIu64 ": descriptor %" PRIu64 " is still reserved by a writer]\n",
				s, (r->first_id + s) & (r->count - 1));
		else if (s == bad_len)
			fprintf(f, "[corrupt record at seq %" PRIu64 ": text_len 200 exceeds its %" PRIu64 "-byte text block]\n",
				s, DESC_OF(s)->text_blk_lpos.next - DESC_OF(s)->text_blk_lpos.begin - 8);
		else if (s == bad_lpos)
			fprintf(f, "[corrupt record at seq %" PRIu64 ": text positions begin 0x%" PRIx64 " next 0x%" PRIx64 " are not within one wrap]\n",
				s, DESC_OF(s)->text_blk_lpos.begin, DESC_OF(s)->text_blk_lpos.next);
		else if (s == bad_id)
			fprintf(f, "[corrupt record at seq %" PRIu64 ": descriptor %" PRIu64 " holds id 0x%" PRIx64 ", expected 0x%" PRIx64 "]\n",
				s, (r->first_id + s) & (r->count - 1), DESC_OF(s)->state_var & ID_MASK,
				(r->first_id + s) & ID_MASK);
		else
			append_expected(&expected, &expected_len, f, s, syn_texts[s]);
	}
	fclose(f);
	check_same_text("corrupt ring", got, expected);
	CHECK(strstr(got, "are not within one wrap]"));
	CHECK(strstr(got, "expected 0x"));
	CHECK_EQ_U64(stats.corrupt, 4);
	CHECK_EQ_U64(stats.records, r->next_seq - tail_seq - 4);

	/* Head and tail further apart than the ring holds: one marker, the
	 * newest ring's worth walked. */
	r->rb->desc_ring.tail_id = (r->rb->desc_ring.head_id - 1000) & ID_MASK;
	free(got);
	got = walk_to_text(&layout, &r->mem, &opts, &stats);
	CHECK(strncmp(got, "[corrupt record: tail id", 24) == 0);
	CHECK(stats.records + stats.corrupt + stats.skipped == r->count + 1);

	/* Implausible sizes are an error, not a huge allocation. */
	r->rb->text_data_ring.size_bits = 60;
	struct kc_error *err = kc_printk_walk(&layout, memory_read, &r->mem,
					      kc_printk_print_record, NULL, NULL);
	CHECK(err && strstr(err->message, "implausible"));
	kc_error_destroy(err);
	free(got);
	free(expected);
	memory_free(&r->mem);
	free(r);
}

/* ---- Synthetic log_buf (kernel/printk/printk.c, v3.11 .. v5.9) ---- */

/* struct printk_log: __packed __aligned(4) with efficient unaligned access. */
struct syn_printk_log {
	uint64_t ts_nsec;
	uint16_t len;
	uint16_t text_len;
	uint16_t dict_len;
	uint8_t facility;
	uint8_t flags_level; /* u8 flags:5; u8 level:3 */
} __attribute__((packed, aligned(4)));

#define SYN_LOG_BUF 0xffff800011000000ull
#define LOG_ALIGN 4

struct syn_log {
	struct memory mem;
	uint8_t *buf;
	uint32_t buf_len;
	/* Live records, oldest first: offsets and seqs. */
	uint32_t idx[64];
	uint64_t seq[64];
	size_t nr;
	uint32_t next_idx;
	uint64_t next_seq;
};

static void syn_log_drop_overlapping(struct syn_log *l, uint32_t begin, uint32_t end)
{
	while (l->nr) {
		uint32_t idx = l->idx[0];
		const struct syn_printk_log *h = (const void *)(l->buf + idx);
		if (idx + h->len <= begin || idx >= end)
			break;
		memmove(l->idx, l->idx + 1, (l->nr - 1) * sizeof(l->idx[0]));
		memmove(l->seq, l->seq + 1, (l->nr - 1) * sizeof(l->seq[0]));
		l->nr--;
	}
}

/* log_store(): a record at log_next_idx, or a zero header and one at 0. */
static void syn_log_add(struct syn_log *l, const char *text, const char *dict,
			size_t dict_len, uint8_t flags, uint8_t level)
{
	size_t text_len = strlen(text);
	uint32_t size = (uint32_t)((sizeof(struct syn_printk_log) + text_len + dict_len +
				    LOG_ALIGN - 1) & ~(size_t)(LOG_ALIGN - 1));
	uint32_t pos = l->next_idx;
	if (pos + size + sizeof(struct syn_printk_log) > l->buf_len) {
		syn_log_drop_overlapping(l, pos, l->buf_len);
		memset(l->buf + pos, 0, sizeof(struct syn_printk_log));
		pos = 0;
	}
	syn_log_drop_overlapping(l, pos, pos + size + (uint32_t)sizeof(struct syn_printk_log));
	struct syn_printk_log h = {
		.ts_nsec = 1000000000ull * l->next_seq + 500000000ull,
		.len = (uint16_t)size,
		.text_len = (uint16_t)text_len,
		.dict_len = (uint16_t)dict_len,
		.facility = 0,
		.flags_level = (uint8_t)(flags | level << 5),
	};
	memcpy(l->buf + pos, &h, sizeof(h));
	memcpy(l->buf + pos + sizeof(h), text, text_len);
	if (dict_len)
		memcpy(l->buf + pos + sizeof(h) + text_len, dict, dict_len);
	l->idx[l->nr] = pos;
	l->seq[l->nr++] = l->next_seq++;
	l->next_idx = pos + size;
}

static void log_buf_layout(const struct syn_log *l, struct kc_printk_layout *layout)
{
	memset(layout, 0, sizeof(*layout));
	layout->format = KC_PRINTK_LOG_BUF;
	layout->source = "synthetic";
	layout->log_buf = SYN_LOG_BUF;
	layout->log_buf_len = l->buf_len;
	layout->log_first_idx = l->idx[0];
	layout->log_next_idx = l->next_idx;
	layout->log_first_seq = l->seq[0];
	layout->log_size = sizeof(struct syn_printk_log);
	layout->log_ts_nsec = (struct kc_printk_field){offsetof(struct syn_printk_log, ts_nsec), 8};
	layout->log_len = (struct kc_printk_field){offsetof(struct syn_printk_log, len), 2};
	layout->log_text_len = (struct kc_printk_field){offsetof(struct syn_printk_log, text_len), 2};
	layout->log_dict_len = (struct kc_printk_field){offsetof(struct syn_printk_log, dict_len), 2};
	layout->log_facility = (struct kc_printk_field){offsetof(struct syn_printk_log, facility), 1};
	layout->log_flags = (struct kc_printk_bits){offsetof(struct syn_printk_log, flags_level) * 8, 5};
	layout->log_level = (struct kc_printk_bits){offsetof(struct syn_printk_log, flags_level) * 8 + 5, 3};
}

#define DICT "SUBSYSTEM=pci\0DEVICE=+pci:0000:00:01.0"

static struct syn_log *build_log(void)
{
	struct syn_log *l = calloc(1, sizeof(*l));
	l->buf_len = 384;
	l->buf = memory_add(&l->mem, SYN_LOG_BUF, l->buf_len);
	for (int i = 0; i < 12; i++) {
		char text[64];
		snprintf(text, sizeof(text), "message %d %.*s", i, i * 3, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		if (i == 9)
			syn_log_add(l, "frag one ", NULL, 0, KC_LOG_PREFIX, 4);
		else if (i == 10)
			syn_log_add(l, "frag two", NULL, 0, KC_LOG_CONT | KC_LOG_NEWLINE, 4);
		else
			syn_log_add(l, text, i == 11 ? DICT : NULL, i == 11 ? sizeof(DICT) - 1 : 0,
				    KC_LOG_NEWLINE | KC_LOG_PREFIX, 6);
	}
	return l;
}

KC_TEST(printk_log_buf_wrapped)
{
	struct syn_log *l = build_log();
	struct kc_printk_layout layout;
	log_buf_layout(l, &layout);
	CHECK(layout.log_first_idx > layout.log_next_idx); /* the buffer wrapped */
	CHECK(l->seq[0] > 0);                              /* old records dropped */
	struct kc_printk_print_options opts = {.dict = true, .join_cont = true};
	struct kc_printk_stats stats;
	char *got = walk_to_text(&layout, &l->mem, &opts, &stats);
	char *expected = NULL;
	size_t expected_len = 0;
	FILE *f = open_memstream(&expected, &expected_len);
	for (size_t i = 0; i < l->nr; i++) {
		uint64_t s = l->seq[i];
		if (s == 9)
			fprintf(f, "[    9.500000] frag one frag two\n");
		else if (s == 10)
			continue;
		else
			fprintf(f, "[%5" PRIu64 ".500000] message %d %.*s\n", s, (int)s, (int)s * 3,
				"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		if (s == 11)
			fprintf(f, "               SUBSYSTEM=pci\n               DEVICE=+pci:0000:00:01.0\n");
	}
	fclose(f);
	check_same_text("log_buf", got, expected);
	CHECK_EQ_U64(stats.records, l->nr);
	CHECK_EQ_U64(stats.corrupt, 0);
	free(got);
	free(expected);

	/* JSON keeps the fragments apart and gives the dictionary. */
	opts = (struct kc_printk_print_options){.json = true};
	got = walk_to_text(&layout, &l->mem, &opts, NULL);
	CHECK(strstr(got, "\"text\": \"frag one \"}"));
	CHECK(strstr(got, "\"dict\": [\"SUBSYSTEM=pci\", \"DEVICE=+pci:0000:00:01.0\"]"));
	CHECK(strstr(got, "\"caller\": null"));
	free(got);
	memory_free(&l->mem);
	free(l);
}

KC_TEST(printk_log_buf_corrupt)
{
	struct syn_log *l = build_log();
	REQUIRE(l->nr >= 5);
	struct kc_printk_layout layout;
	log_buf_layout(l, &layout);
	/* Record 1: text and dict longer than the record. */
	struct syn_printk_log *h1 = (void *)(l->buf + l->idx[1]);
	h1->text_len = 500;
	/* Record 3: a length that runs past the end of the buffer. */
	struct syn_printk_log *h3 = (void *)(l->buf + l->idx[3]);
	h3->len = 0xfff0;
	struct kc_printk_print_options opts = {.join_cont = true};
	struct kc_printk_stats stats;
	char *got = walk_to_text(&layout, &l->mem, &opts, &stats);
	char marker[128];
	snprintf(marker, sizeof(marker), "[corrupt record at seq %" PRIu64 ": text_len 500 + dict_len 0 run past the",
		 l->seq[1]);
	CHECK_MSG(strstr(got, marker), "%s", got);
	snprintf(marker, sizeof(marker), "[corrupt record at seq %" PRIu64 ": record at log_buf+%u has length 65520",
		 l->seq[3], l->idx[3]);
	CHECK_MSG(strstr(got, marker), "%s", got);
	/* Every other record is there, in order. */
	const char *at = got;
	for (size_t i = 0; i < l->nr; i++) {
		if (i == 1 || i == 3 || l->seq[i] == 10)
			continue;
		char text[32];
		snprintf(text, sizeof(text), l->seq[i] == 9 ? "frag one" : "] message %d ",
			 (int)l->seq[i]);
		const char *found = strstr(at, text);
		CHECK_MSG(found, "record seq %" PRIu64 " missing after the corrupt ones", l->seq[i]);
		if (found)
			at = found;
	}
	CHECK_EQ_U64(stats.corrupt, 2);
	CHECK_EQ_U64(stats.records, l->nr - 2);
	free(got);

	/* A record length of zero in the middle is a wrap marker; a second
	 * one before log_next_idx is corruption, not a loop. */
	h3->len = 0;
	h1->len = 0;
	got = walk_to_text(&layout, &l->mem, &opts, &stats);
	CHECK_MSG(strstr(got, "wraps twice") || stats.records < l->nr, "%s", got);
	free(got);
	memory_free(&l->mem);
	free(l);
}
