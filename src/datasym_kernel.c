/* SPDX-License-Identifier: MIT */
/*
 * The kernel data symbols kcrash can find in a dump (datasym_kernel.h):
 * for each, the functions whose code addresses it (v5.10 to v6.12), the
 * check against the kernel's types, and the kernel-independent routes.
 */
#include "datasym_kernel.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/walk.h>

#include "arm64/datarefs.h"
#include "arm64/pgtable.h"
#include "datasyms.h"
#include "kernel.h"
#include "vmcore/file.h"

/* ---- small readers ---- */

static struct kc_error *read_u32(struct kc_session *session, uint64_t addr,
				 uint32_t *value)
{
	uint8_t bytes[4];
	struct kc_error *err = kc_kernel_read(session, addr, bytes, sizeof(bytes));
	if (!err)
		*value = kc_get_le32(bytes);
	return err;
}

static struct kc_error *member_offset(struct kc_session *session, const char *type,
				      const char *member, uint64_t *offset)
{
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_member(session, type, member, &m);
	if (!err)
		*offset = m->offset;
	return err;
}

static struct kc_error *reject(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static struct kc_error *reject(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct kc_error *err = kc_error_vcreate(KC_ERR_FORMAT, fmt, ap);
	va_end(ap);
	return err;
}

/* The CPUs the dump certainly has: its CPU notes (or header count). */
static unsigned dump_cpus(const struct kc_session *session)
{
	const struct kc_dump *dump = session->dump;
	unsigned n = dump ? (unsigned)dump->nr_prstatus : 0;
	if (dump && dump->header_nr_cpus > n)
		n = dump->header_nr_cpus;
	if (n == 0)
		n = 1;
	return n > 4096 ? 4096 : n;
}

static uint64_t page_size(const struct kc_session *session)
{
	if (session->mmu && session->mmu->layout.page_size.known)
		return session->mmu->layout.page_size.value;
	return 4096;
}

static bool printable_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* The task_struct at TASK: its pid and comm (NUL-terminated). */
static struct kc_error *task_identity(struct kc_session *session, uint64_t task,
				      int64_t *pid, char *comm, size_t len)
{
	uint64_t value;
	struct kc_error *err = kc_kernel_read_member(session, task, "struct task_struct",
						     "pid", &value);
	if (err)
		return err;
	*pid = (int64_t)value;
	char buf[64];
	size_t size = 0;
	err = kc_kernel_read_member_bytes(session, task, "struct task_struct", "comm",
					  buf, sizeof(buf), &size);
	if (err)
		return err;
	if (!memchr(buf, '\0', size))
		return reject("task_struct 0x%llx: comm is not NUL-terminated",
			      (unsigned long long)task);
	snprintf(comm, len, "%s", buf);
	return NULL;
}

/* ---- the kernel image ---- */

static struct kc_error *symbol(struct kc_session *session, const char *name,
			       uint64_t *addr)
{
	return kc_session_symbol(session, name, addr);
}

/*
 * [_etext, _end): where the kernel's data (rodata, data, bss, per-CPU) is;
 * from _stext (VMCOREINFO has it) when no symbol source has _etext.
 */
struct kc_error *kc_datasym_data_range(struct kc_session *session, uint64_t *start,
				       uint64_t *end)
{
	struct kc_error *err = symbol(session, "_etext", start);
	if (err) {
		kc_error_destroy(err);
		err = symbol(session, "_stext", start);
	}
	if (!err)
		err = symbol(session, "_end", end);
	if (!err && *end <= *start)
		err = reject("_end 0x%llx is below _etext 0x%llx",
			     (unsigned long long)*end, (unsigned long long)*start);
	return err ? kc_error_prefix(err, "the kernel image's data") : NULL;
}

typedef bool (*hit_fn)(void *ctx, uint64_t addr);

struct needle {
	const void *bytes;
	size_t len;      /* at most 64 */
	unsigned align;
	hit_fn visit;    /* returns true to stop looking for this needle */
	void *ctx;
	bool done;
};

/*
 * Every place in [START, END) where one of the NR NEEDLES sits at an
 * address that is a multiple of its alignment, in one pass (the pages of
 * a compressed dump are decompressed once per pass). Only pages
 * swapper_pg_dir maps are read.
 */
static struct kc_error *image_search_many(struct kc_session *session, uint64_t start,
					  uint64_t end, struct needle *needles, size_t nr,
					  bool first_run_only)
{
	bool mapped_before = false;
	enum { CHUNK = 4096, CARRY = 64 };
	uint8_t buf[CARRY + CHUNK];
	size_t carried = 0, longest = 1;
	for (size_t n = 0; n < nr; n++) {
		if (needles[n].len == 0 || needles[n].len > CARRY)
			return kc_error_create(KC_ERR_INVALID_ARG, "search needle of %zu bytes",
					       needles[n].len);
		if (needles[n].len > longest)
			longest = needles[n].len;
	}
	for (uint64_t at = start & ~(uint64_t)(CHUNK - 1); at < end; at += CHUNK) {
		/*
		 * Only what swapper_pg_dir maps: the freed init sections are
		 * unmapped, and their pages reused for anything (a seq_file
		 * buffer with /proc/version's copy of the banner, say).
		 */
		struct kc_pgtable_walk walk;
		struct kc_error *err = kc_arm64_walk(session->mmu, false, 0, at, &walk);
		if (!err)
			err = kc_kernel_read(session, at, buf + carried, CHUNK);
		if (err) {
			kc_error_destroy(err);
			if (first_run_only && mapped_before)
				break;
			carried = 0;
			continue;
		}
		mapped_before = true;
		size_t have = carried + CHUNK;
		uint64_t base = at - carried;
		for (size_t n = 0; n < nr; n++) {
			struct needle *needle = &needles[n];
			/* An aligned 8-byte value (a pointer): compare words. */
			if (needle->len == 8 && needle->align == 8 && carried % 8 == 0 &&
			    base % 8 == 0) {
				uint64_t want;
				memcpy(&want, needle->bytes, 8);
				for (size_t off = carried; !needle->done && off + 8 <= have; off += 8) {
					uint64_t word;
					memcpy(&word, buf + off, 8);
					if (word == want && base + off >= start && base + off + 8 <= end)
						needle->done = needle->visit(needle->ctx, base + off);
				}
				continue;
			}
			/* A hit wholly inside the carried bytes was seen on the last page. */
			size_t from = carried >= needle->len ? carried - needle->len + 1 : 0;
			const uint8_t *p = buf + from;
			while (!needle->done &&
			       (p = memmem(p, have - (size_t)(p - buf), needle->bytes, needle->len))) {
				uint64_t hit = base + (uint64_t)(p - buf);
				if (hit >= start && hit + needle->len <= end && hit % needle->align == 0)
					needle->done = needle->visit(needle->ctx, hit);
				p++;
			}
		}
		carried = longest - 1;
		memmove(buf, buf + have - carried, carried);
		err = kc_check_interrupt();
		if (err)
			return err;
	}
	return NULL;
}

/* NEEDLE in the first run of mapped pages from START: .rodata, up to the unmapped init sections. */
static struct kc_error *rodata_search(struct kc_session *session, uint64_t start,
				      uint64_t end, const void *bytes, size_t len,
				      unsigned align, hit_fn visit, void *ctx)
{
	struct needle needle = {bytes, len, align, visit, ctx, false};
	return image_search_many(session, start, end, &needle, 1, true);
}

/*
 * The strings the image routes look for, found in one pass over the
 * image's data on first use and kept for the session.
 */
enum image_string {
	STRING_SWAPPER,  /* init_task's comm */
	STRING_RUNNING,  /* task_state_array[0] */
	STRING_BTF,      /* a BTF header */
	STRING_BANNER,   /* linux_banner */
	NR_STRINGS,
};

#define MAX_STRING_HITS 64

struct kc_datasym_image {
	struct kc_error *error;
	uint64_t hits[NR_STRINGS][MAX_STRING_HITS];
	size_t nr_hits[NR_STRINGS]; /* all of them, even past MAX_STRING_HITS */
};

void kc_datasym_image_free(struct kc_datasym_image *image)
{
	if (image)
		kc_error_destroy(image->error);
	free(image);
}

struct string_slot {
	struct kc_datasym_image *image;
	enum image_string which;
};

static bool record_string(void *arg, uint64_t hit)
{
	struct string_slot *slot = arg;
	size_t *n = &slot->image->nr_hits[slot->which];
	if (*n < MAX_STRING_HITS)
		slot->image->hits[slot->which][*n] = hit;
	(*n)++;
	return false;
}

static const uint8_t btf_magic[] = {0x9f, 0xeb, 0x01, 0x00, 0x18, 0x00, 0x00, 0x00};

/* WHICH's hits (VISIT gets each), scanning the image first if need be. */
static struct kc_error *image_strings(struct kc_session *session, enum image_string which,
				      hit_fn visit, void *ctx, size_t *count)
{
	struct kc_datasym_image **slot = kc_datasyms_image(session);
	if (!slot)
		return &kc_error_nomem;
	if (!*slot) {
		struct kc_datasym_image *image = calloc(1, sizeof(*image));
		if (!image)
			return &kc_error_nomem;
		struct string_slot slots[NR_STRINGS];
		struct needle needles[NR_STRINGS] = {
			[STRING_SWAPPER] = {"swapper/0", 10, 1, record_string, &slots[0], false},
			[STRING_RUNNING] = {"R (running)", 12, 1, record_string, &slots[1], false},
			[STRING_BTF] = {btf_magic, sizeof(btf_magic), 4, record_string, &slots[2], false},
			[STRING_BANNER] = {"Linux version ", 14, 1, record_string, &slots[3], false},
		};
		for (int i = 0; i < NR_STRINGS; i++)
			slots[i] = (struct string_slot){image, (enum image_string)i};
		uint64_t start, end;
		image->error = kc_datasym_data_range(session, &start, &end);
		if (!image->error)
			image->error = image_search_many(session, start, end, needles, NR_STRINGS,
							 false);
		if (image->error == &kc_error_nomem) {
			free(image);
			return &kc_error_nomem;
		}
		/* An interrupted scan is not remembered: the next command scans again. */
		if (image->error && image->error->code == KC_ERR_INTERRUPTED) {
			struct kc_error *err = image->error;
			free(image);
			return err;
		}
		*slot = image;
	}
	const struct kc_datasym_image *image = *slot;
	if (image->error)
		return kc_error_create(image->error->code, "%s", kc_error_message(image->error));
	*count = image->nr_hits[which];
	for (size_t i = 0; i < image->nr_hits[which] && i < MAX_STRING_HITS; i++)
		if (visit(ctx, image->hits[which][i]))
			break;
	return NULL;
}

/* ---- checks ---- */

static struct kc_error *need_flags(const struct kc_datasym_probe *probe, unsigned flags,
				   const char *what)
{
	if (probe->cand && !(probe->cand->flags & flags))
		return reject("the code does not use it as %s", what);
	return NULL;
}

/* Loads or stores of only these sizes (bit N: 2^N bytes) are allowed. */
static struct kc_error *allow_sizes(const struct kc_datasym_probe *probe, unsigned sizes,
				    const char *what)
{
	if (probe->cand && (probe->cand->sizes & ~sizes))
		return reject("the code accesses it in pieces that do not fit %s", what);
	return NULL;
}

#define SIZE_1 (1u << 0)
#define SIZE_2 (1u << 1)
#define SIZE_4 (1u << 2)
#define SIZE_8 (1u << 3)
#define SIZE_16 (1u << 4)

/* Whether FN's code reaches BASE + OFFSET through BASE (a section anchor's offset). */
static bool accessed_at(const struct kc_datasym_function *fn, uint64_t base, uint64_t offset)
{
	for (size_t i = 0; i < fn->refs.count; i++) {
		const struct kc_arm64_ref *ref = &fn->refs.refs[i];
		if ((ref->flags & KC_ARM64_REF_ANCHORED) && ref->base == base &&
		    ref->target == base + offset)
			return true;
	}
	return false;
}

struct count_ctx {
	size_t count;
};

static struct kc_error *count_node(void *arg, uint64_t node)
{
	(void)node;
	((struct count_ctx *)arg)->count++;
	return NULL;
}

static struct kc_error *check_init_task(struct kc_session *session,
					const struct kc_datasym_probe *probe,
					struct kc_datasym_verdict *verdict)
{
	int64_t pid;
	char comm[64];
	struct kc_error *err = allow_sizes(probe, SIZE_1 | SIZE_2 | SIZE_4 | SIZE_8 | SIZE_16,
					   "a task_struct");
	if (!err)
		err = task_identity(session, probe->addr, &pid, comm, sizeof(comm));
	if (err)
		return err;
	if (pid != 0)
		return reject("pid %lld, not 0", (long long)pid);
	if (strcmp(comm, "swapper/0") != 0 && strcmp(comm, "swapper") != 0)
		return reject("comm \"%.16s\", not swapper/0", comm);
	uint64_t tasks;
	err = member_offset(session, "struct task_struct", "tasks", &tasks);
	struct count_ctx count = {0};
	if (!err)
		err = kc_kernel_list_walk(session, probe->addr + tasks, KC_KERNEL_LIST_MAX,
					  count_node, &count);
	if (err)
		return kc_error_prefix(err, "its tasks list");
	kc_error_destroy(kc_kernel_sizeof(session, "struct task_struct", &verdict->size));
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "pid 0, comm %s, %zu tasks on its tasks list", comm, count.count);
	return NULL;
}

/* The arm64 Image header (Documentation/arm64/booting.rst, v3.7+). */
struct image_header {
	uint64_t text;
	uint64_t image_size;
	uint64_t flags;
};

#define IMAGE_MAGIC 0x644d5241u /* "ARM\x64" at offset 56 */

static struct kc_error *read_image_header(struct kc_session *session, uint64_t at,
					  struct image_header *hdr)
{
	uint8_t bytes[64];
	struct kc_error *err = kc_kernel_read(session, at, bytes, sizeof(bytes));
	if (err) {
		/*
		 * From v5.11 (e2a073dde921) map_kernel() maps the image from
		 * _stext: the header is only in physical memory.
		 */
		uint64_t paddr;
		kc_error_destroy(err);
		err = kc_arm64_kimg_to_phys(&session->mmu->layout, at, &paddr);
		if (!err)
			err = kc_dump_read_phys(session->dump, paddr, bytes, sizeof(bytes));
		if (err)
			return err;
	}
	if (kc_get_le32(bytes + 56) != IMAGE_MAGIC)
		return reject("no arm64 Image magic at 0x%llx", (unsigned long long)at);
	hdr->text = at;
	hdr->image_size = kc_get_le64(bytes + 16);
	hdr->flags = kc_get_le64(bytes + 24);
	return NULL;
}

/*
 * _text holds the Image header: search down from _stext, page by page,
 * within the 2 MiB the kernel image is aligned to.
 */
static struct kc_error *find_image_header(struct kc_session *session,
					  struct image_header *hdr, char *how,
					  size_t len)
{
	uint64_t stext, etext;
	struct kc_error *err = symbol(session, "_stext", &stext);
	if (err)
		return err;
	err = symbol(session, "_etext", &etext);
	if (err) {
		kc_error_destroy(err);
		etext = stext;
	}
	/* Where the layout puts _text first, then every page below _stext. */
	const struct kc_arm64_value *text = &session->mmu->layout.kernel_text;
	uint64_t at = stext & ~(uint64_t)0xfff;
	for (unsigned i = 0; i <= 513; i++, at -= 0x1000) {
		if (i == 0 && text->known && text->value <= stext) {
			at = text->value;
		} else if (i == 0) {
			continue;
		} else if (i == 1) {
			at = stext & ~(uint64_t)0xfff;
		}
		err = read_image_header(session, at, hdr);
		if (err) {
			kc_error_destroy(err);
			continue;
		}
		if (hdr->image_size <= etext - at || hdr->image_size > (1ull << 32))
			return reject("the Image header at 0x%llx gives image_size %llu, which does not hold _etext",
				      (unsigned long long)at, (unsigned long long)hdr->image_size);
		/* flags bits 1-2: the page size (1: 4K, 2: 16K, 3: 64K). */
		unsigned code = (unsigned)(hdr->flags >> 1) & 3;
		uint64_t pages = code == 1 ? 4096 : code == 2 ? 16384 : code == 3 ? 65536 : 0;
		if (pages && session->mmu && session->mmu->layout.page_size.known &&
		    pages != page_size(session))
			return reject("the Image header at 0x%llx says %llu-byte pages, the dump %llu",
				      (unsigned long long)at, (unsigned long long)pages,
				      (unsigned long long)page_size(session));
		snprintf(how, len, "arm64 Image header (magic ARM\\x64) 0x%llx below _stext",
			 (unsigned long long)(stext - at));
		return NULL;
	}
	return reject("no arm64 Image header within 2 MiB below _stext 0x%llx",
		      (unsigned long long)stext);
}

static struct kc_error *route_text(struct kc_session *session, uint64_t *addr,
				   struct kc_datasym_verdict *verdict, char *how, size_t len)
{
	const struct kc_arm64_value *text = &session->mmu->layout.kernel_text;
	struct image_header hdr = {0};
	struct kc_error *err = find_image_header(session, &hdr, how, len);
	if (!err) {
		if (text->known && text->value != hdr.text)
			return reject("the Image header is at 0x%llx, but the layout says _text is 0x%llx (%s)",
				      (unsigned long long)hdr.text, (unsigned long long)text->value,
				      text->source);
		*addr = hdr.text;
		snprintf(verdict->detail, sizeof(verdict->detail),
			 "image_size %llu, flags 0x%llx%s", (unsigned long long)hdr.image_size,
			 (unsigned long long)hdr.flags,
			 text->known ? "; the layout agrees" : "");
		return NULL;
	}
	if (!text->known) {
		struct kc_error *both = kc_error_create(err->code, "%s; and the layout: %s",
							kc_error_message(err), text->source);
		kc_error_destroy(err);
		return both;
	}
	/* makedumpfile -d 31 may drop the header's page (v6.1 does not reserve it). */
	*addr = text->value;
	snprintf(how, len, "the layout (%s)", text->source);
	snprintf(verdict->detail, sizeof(verdict->detail), "no Image header to check: %s",
		 kc_error_message(err));
	kc_error_destroy(err);
	return NULL;
}

/*
 * SEGMENT_ALIGN (SZ_64K, arch/arm64/include/asm/memory.h v4.x-v6.12):
 * map_kernel() maps the data segment up to _end, which is aligned to it,
 * and leaves a guard page after it (map_kernel_segment, v4.6+).
 */
#define SEGMENT_ALIGN 0x10000

/* The first unmapped page above the image's data, walking swapper_pg_dir. */
static struct kc_error *mapped_end(struct kc_session *session, uint64_t *end, char *how,
				   size_t len)
{
	uint64_t etext, from = 0;
	struct kc_error *err = symbol(session, "_etext", &etext);
	if (err) {
		kc_error_destroy(err);
		err = symbol(session, "_stext", &etext);
	}
	if (err)
		return err;
	/* Start in .data: the highest VMCOREINFO symbol in the image above _etext. */
	static const char *const anchors[] = {
		"init_uts_ns", "node_online_map", "prb", "printk_rb_static", "clear_seq",
		"vmap_area_list", "mem_map", "contig_page_data", "log_buf", "log_buf_len",
	};
	const char *from_name = NULL;
	for (size_t i = 0; session->vmcoreinfo && i < sizeof(anchors) / sizeof(anchors[0]); i++) {
		uint64_t addr;
		struct kc_error *e = kc_vmcoreinfo_symbol(session->vmcoreinfo, anchors[i], &addr);
		if (!e && addr > etext && addr - etext < (1ull << 30) && addr > from) {
			from = addr;
			from_name = anchors[i];
		}
		kc_error_destroy(e);
	}
	if (!from)
		return reject("no VMCOREINFO symbol in the image's data to start the walk from");
	uint64_t page = page_size(session);
	uint64_t at = from & ~(page - 1);
	for (unsigned steps = 0; steps < (1u << 18); steps++, at += page) {
		struct kc_pgtable_walk walk;
		err = kc_arm64_walk(session->mmu, false, 0, at, &walk);
		if (!err)
			continue;
		kc_error_destroy(err);
		if (walk.status == KC_PGTABLE_READ_ERROR)
			return reject("the page tables at 0x%llx cannot be read",
				      (unsigned long long)walk.fault_paddr);
		if (at % SEGMENT_ALIGN)
			return reject("the image's mapping ends at 0x%llx, not on a 64K boundary",
				      (unsigned long long)at);
		*end = at;
		snprintf(how, len, "the end of the image's mapping in swapper_pg_dir (walked up from %s)",
			 from_name);
		return NULL;
	}
	return reject("the image's mapping does not end within 1 GiB of %s", from_name);
}

static struct kc_error *route_end(struct kc_session *session, uint64_t *addr,
				  struct kc_datasym_verdict *verdict, char *how, size_t len)
{
	struct image_header hdr = {0};
	char header_how[128], walk_how[160];
	uint64_t walked = 0;
	struct kc_error *header_err = find_image_header(session, &hdr, header_how,
							sizeof(header_how));
	struct kc_error *walk_err = mapped_end(session, &walked, walk_how, sizeof(walk_how));
	struct kc_error *err = NULL;
	if (!header_err && !walk_err && hdr.text + hdr.image_size != walked) {
		err = reject("the Image header says _end is 0x%llx, the page tables 0x%llx",
			     (unsigned long long)(hdr.text + hdr.image_size),
			     (unsigned long long)walked);
	} else if (!header_err) {
		*addr = hdr.text + hdr.image_size;
		snprintf(how, len, "%s: _text + image_size", header_how);
		snprintf(verdict->detail, sizeof(verdict->detail), "_text 0x%llx + %llu bytes%s",
			 (unsigned long long)hdr.text, (unsigned long long)hdr.image_size,
			 walk_err ? "" : "; the end of the image's mapping agrees");
	} else if (!walk_err) {
		*addr = walked;
		snprintf(how, len, "%s", walk_how);
		snprintf(verdict->detail, sizeof(verdict->detail),
			 "64K-aligned, a guard page above (no Image header to check: %s)",
			 kc_error_message(header_err));
	} else {
		err = kc_error_create(KC_ERR_LOOKUP, "%s; and %s", kc_error_message(header_err),
				      kc_error_message(walk_err));
	}
	kc_error_destroy(header_err);
	kc_error_destroy(walk_err);
	return err;
}

struct task_scan {
	struct kc_session *session;
	uint64_t comm_offset;
	uint64_t found;
	size_t nr_found;
	struct kc_datasym_verdict verdict;
	struct kc_error *error;
};

static bool visit_swapper(void *arg, uint64_t hit)
{
	struct task_scan *scan = arg;
	if (hit < scan->comm_offset)
		return false;
	struct kc_datasym_probe probe = {hit - scan->comm_offset, NULL, NULL};
	struct kc_datasym_verdict verdict = {0};
	struct kc_error *err = check_init_task(scan->session, &probe, &verdict);
	if (err) {
		kc_error_destroy(err);
		return false;
	}
	if (scan->nr_found++ == 0) {
		scan->found = probe.addr;
		scan->verdict = verdict;
	}
	return false;
}

/* init_task by its content: a task_struct in the image's data named swapper/0. */
static struct kc_error *route_init_task(struct kc_session *session, uint64_t *addr,
					struct kc_datasym_verdict *verdict, char *how, size_t len)
{
	struct task_scan scan = {.session = session};
	size_t count = 0;
	struct kc_error *err = member_offset(session, "struct task_struct", "comm",
					     &scan.comm_offset);
	if (!err)
		err = image_strings(session, STRING_SWAPPER, visit_swapper, &scan, &count);
	if (err)
		return kc_error_prefix(err, "image data scan");
	if (count > MAX_STRING_HITS)
		return reject("image data scan: %zu copies of \"swapper/0\"", count);
	if (scan.nr_found == 0)
		return reject("image data scan: no task_struct named swapper/0 with pid 0");
	if (scan.nr_found > 1)
		return reject("image data scan: %zu task_structs named swapper/0 with pid 0",
			      scan.nr_found);
	*addr = scan.found;
	*verdict = scan.verdict;
	snprintf(how, len, "the image data scan (comm \"swapper/0\" at +0x%llx) found it",
		 (unsigned long long)scan.comm_offset);
	return NULL;
}

static struct kc_error *check_modules(struct kc_session *session,
				      const struct kc_datasym_probe *probe,
				      struct kc_datasym_verdict *verdict)
{
	uint64_t next, prev, list, state_off, name_off;
	struct kc_error *err = allow_sizes(probe, SIZE_8 | SIZE_16, "a list_head");
	if (!err)
		err = kc_kernel_read_u64(session, probe->addr, &next);
	if (!err)
		err = kc_kernel_read_u64(session, probe->addr + 8, &prev);
	if (!err)
		err = member_offset(session, "struct module", "list", &list);
	if (!err)
		err = member_offset(session, "struct module", "state", &state_off);
	if (!err)
		err = member_offset(session, "struct module", "name", &name_off);
	if (err)
		return err;
	if (next == probe->addr || prev == probe->addr) {
		if (next != prev)
			return reject("a list head pointing to itself one way only");
		snprintf(verdict->detail, sizeof(verdict->detail), "an empty list (no modules)");
		verdict->size = 16;
		return NULL;
	}
	uint64_t node = next, back = probe->addr;
	char first[64] = "";
	size_t count = 0;
	for (; node != probe->addr; count++) {
		if (count >= 65536)
			return reject("more than 65536 entries");
		uint64_t node_prev, state, mod = node - list;
		char name[64];
		err = kc_kernel_read_u64(session, node + 8, &node_prev);
		if (!err)
			err = kc_kernel_read_member(session, mod, "struct module", "state", &state);
		if (!err)
			err = kc_kernel_read(session, mod + name_off, name, sizeof(name));
		if (err)
			return kc_error_prefix(err, "entry %zu", count);
		name[sizeof(name) - 1] = '\0';
		if (node_prev != back)
			return reject("entry %zu's prev 0x%llx is not 0x%llx", count,
				      (unsigned long long)node_prev, (unsigned long long)back);
		if (state > 3)
			return reject("entry %zu: module state %llu is not 0-3", count,
				      (unsigned long long)state);
		if (!printable_name(name))
			return reject("entry %zu: no module name", count);
		if (!count)
			snprintf(first, sizeof(first), "%s", name);
		back = node;
		err = kc_kernel_read_u64(session, node, &node);
		if (err)
			return kc_error_prefix(err, "entry %zu's next", count);
	}
	if (prev != back)
		return reject("the head's prev 0x%llx is not the last entry 0x%llx",
			      (unsigned long long)prev, (unsigned long long)back);
	verdict->size = 16;
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "a closed list of %zu struct module (first %s)", count, first);
	return NULL;
}

/* The per-CPU offsets __per_cpu_offset holds for the dump's CPUs. */
static struct kc_error *check_offsets(struct kc_session *session, uint64_t table,
				      unsigned nr, uint64_t *offsets)
{
	for (unsigned c = 0; c < nr; c++) {
		struct kc_error *err = kc_kernel_read_u64(session, table + 8ull * c, &offsets[c]);
		if (err)
			return err;
		if (offsets[c] == 0)
			return reject("entry %u (a CPU in the dump) is 0", c);
		if (offsets[c] % 64)
			return reject("entry %u, 0x%llx, is not cache-line aligned", c,
				      (unsigned long long)offsets[c]);
		for (unsigned d = 0; d < c; d++) {
			if (offsets[d] == offsets[c])
				return reject("entries %u and %u are equal", d, c);
			if ((offsets[c] - offsets[d]) % page_size(session))
				return reject("entries %u and %u are not whole pages apart", d, c);
		}
	}
	return NULL;
}

static struct kc_error *check_per_cpu_offset(struct kc_session *session,
					     const struct kc_datasym_probe *probe,
					     struct kc_datasym_verdict *verdict)
{
	struct kc_error *err = need_flags(probe, KC_ARM64_REF_OFFSET_TABLE,
					  "a table of per-CPU offsets");
	if (err)
		return err;
	unsigned nr = dump_cpus(session);
	uint64_t *offsets = calloc(nr, sizeof(*offsets));
	if (!offsets)
		return &kc_error_nomem;
	err = check_offsets(session, probe->addr, nr, offsets);
	/* The per-CPU variables the same code offsets by it must be readable. */
	size_t nr_vars = 0;
	for (size_t i = 0; !err && probe->fn && i < probe->fn->nr_cands; i++) {
		const struct kc_datasym_candidate *var = &probe->fn->cands[i];
		if (!(var->flags & KC_ARM64_REF_PERCPU_INDEXED) || var->table != probe->addr)
			continue;
		for (unsigned c = 0; c < nr && !err; c++) {
			uint64_t word;
			err = kc_kernel_read_u64(session, var->target + offsets[c], &word);
			if (err)
				err = kc_error_prefix(err, "per-CPU 0x%llx on CPU %u",
						      (unsigned long long)var->target, c);
		}
		nr_vars++;
	}
	if (!err && probe->fn && nr_vars == 0)
		err = reject("no per-CPU variable is offset by it");
	if (!err)
		snprintf(verdict->detail, sizeof(verdict->detail),
			 "offsets 0x%llx%s for the dump's %u CPUs, page-congruent, and %zu per-CPU variable%s readable through them",
			 (unsigned long long)offsets[0], nr > 1 ? ".." : "", nr, nr_vars,
			 nr_vars == 1 ? "" : "s");
	free(offsets);
	return err;
}

static struct kc_error *check_runqueues(struct kc_session *session,
					const struct kc_datasym_probe *probe,
					struct kc_datasym_verdict *verdict)
{
	struct kc_error *err = need_flags(probe, KC_ARM64_REF_PERCPU | KC_ARM64_REF_PERCPU_INDEXED,
					  "a per-CPU variable");
	if (err)
		return err;
	unsigned nr = dump_cpus(session);
	for (unsigned c = 0; c < nr; c++) {
		uint64_t rq, cpu, idle;
		int64_t pid;
		char comm[64], want[32];
		err = kc_kernel_percpu(session, probe->addr, c, &rq);
		if (!err)
			err = kc_kernel_read_member(session, rq, "struct rq", "cpu", &cpu);
		if (!err)
			err = kc_kernel_read_member(session, rq, "struct rq", "idle", &idle);
		if (!err)
			err = task_identity(session, idle, &pid, comm, sizeof(comm));
		if (err)
			return kc_error_prefix(err, "CPU %u", c);
		snprintf(want, sizeof(want), "swapper/%u", c);
		if (cpu != c)
			return reject("CPU %u: rq->cpu is %llu", c, (unsigned long long)cpu);
		if (pid != 0 || strcmp(comm, want) != 0)
			return reject("CPU %u: rq->idle is pid %lld \"%.16s\", not %s", c,
				      (long long)pid, comm, want);
	}
	kc_error_destroy(kc_kernel_sizeof(session, "struct rq", &verdict->size));
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "rq->cpu and rq->idle (pid 0, swapper/N) right on the dump's %u CPUs", nr);
	return NULL;
}

static struct kc_error *check_nr_cpu_ids(struct kc_session *session,
					 const struct kc_datasym_probe *probe,
					 struct kc_datasym_verdict *verdict)
{
	uint32_t n;
	struct kc_error *err = allow_sizes(probe, SIZE_4, "an unsigned int");
	if (!err && probe->cand && !(probe->cand->sizes & SIZE_4))
		err = reject("the code does not read it as an unsigned int");
	if (!err)
		err = read_u32(session, probe->addr, &n);
	if (err)
		return err;
	unsigned nr = dump_cpus(session);
	if (n < nr || n > 65536)
		return reject("%u, outside %u (the dump's CPUs) to 65536", n, nr);
	uint64_t table;
	err = symbol(session, "__per_cpu_offset", &table);
	if (err)
		return err;
	uint64_t *offsets = calloc(n > 4096 ? 4096 : n, sizeof(*offsets));
	if (!offsets)
		return &kc_error_nomem;
	err = check_offsets(session, table, n > 4096 ? 4096 : n, offsets);
	free(offsets);
	if (err)
		return kc_error_prefix(err, "%u CPUs, but __per_cpu_offset", n);
	verdict->size = 4;
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "%u (the dump has %u CPUs), each with a per-CPU offset", n, nr);
	return NULL;
}

/* A cpumask's first word; the dump's CPUs must be in it when MUST_HOLD. */
static struct kc_error *check_cpumask(struct kc_session *session,
				      const struct kc_datasym_probe *probe, bool must_hold,
				      uint64_t *bits, struct kc_datasym_verdict *verdict)
{
	struct kc_error *err = allow_sizes(probe, SIZE_8, "a bitmap of longs");
	if (!err)
		err = kc_kernel_read_u64(session, probe->addr, bits);
	if (err)
		return err;
	if (!*bits)
		return reject("no CPU in it");
	unsigned nr = dump_cpus(session);
	if (must_hold && nr <= 64 && (*bits & (nr == 64 ? ~0ull : (1ull << nr) - 1)) !=
	    (nr == 64 ? ~0ull : (1ull << nr) - 1))
		return reject("0x%llx lacks some of the dump's %u CPUs", (unsigned long long)*bits, nr);
	/* Possible CPUs have per-CPU offsets, the others none. */
	uint64_t table;
	err = symbol(session, "__per_cpu_offset", &table);
	if (err)
		return err;
	unsigned top = 63 - (unsigned)__builtin_clzll(*bits);
	for (unsigned c = 0; c <= top; c++) {
		uint64_t offset;
		err = kc_kernel_read_u64(session, table + 8ull * c, &offset);
		if (err)
			return err;
		if (((*bits >> c) & 1) && !offset)
			return reject("CPU %u is in 0x%llx but has no per-CPU offset", c,
				      (unsigned long long)*bits);
	}
	kc_error_destroy(kc_kernel_sizeof(session, "struct cpumask", &verdict->size));
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "0x%llx: CPUs up to %u, each with a per-CPU offset", (unsigned long long)*bits, top);
	return NULL;
}

static struct kc_error *check_possible_mask(struct kc_session *session,
					    const struct kc_datasym_probe *probe,
					    struct kc_datasym_verdict *verdict)
{
	uint64_t bits;
	return check_cpumask(session, probe, true, &bits, verdict);
}

static struct kc_error *check_online_mask(struct kc_session *session,
					  const struct kc_datasym_probe *probe,
					  struct kc_datasym_verdict *verdict)
{
	uint64_t bits, possible_addr, possible;
	struct kc_error *err = check_cpumask(session, probe, false, &bits, verdict);
	if (err)
		return err;
	err = symbol(session, "__cpu_possible_mask", &possible_addr);
	if (!err)
		err = kc_kernel_read_u64(session, possible_addr, &possible);
	if (err)
		return kc_error_prefix(err, "to compare with __cpu_possible_mask");
	if (bits & ~possible)
		return reject("0x%llx is not within the possible CPUs 0x%llx",
			      (unsigned long long)bits, (unsigned long long)possible);
	return NULL;
}

static struct kc_error *check_panic_cpu(struct kc_session *session,
					const struct kc_datasym_probe *probe,
					struct kc_datasym_verdict *verdict)
{
	uint32_t value;
	struct kc_error *err = allow_sizes(probe, SIZE_4, "an atomic_t");
	if (!err)
		err = read_u32(session, probe->addr, &value);
	if (err)
		return err;
	int32_t cpu = (int32_t)value;
	verdict->size = 4;
	if (cpu == -1) {
		snprintf(verdict->detail, sizeof(verdict->detail),
			 "-1 (PANIC_CPU_INVALID: no panic)");
		return NULL;
	}
	if (cpu < 0 || (unsigned)cpu >= dump_cpus(session))
		return reject("%d is neither -1 nor one of the dump's %u CPUs", cpu,
			      dump_cpus(session));
	snprintf(verdict->detail, sizeof(verdict->detail), "CPU %d", cpu);
	return NULL;
}

#define NT_PRSTATUS_TYPE 1

static struct kc_error *check_crash_notes(struct kc_session *session,
					  const struct kc_datasym_probe *probe,
					  struct kc_datasym_verdict *verdict)
{
	uint64_t base;
	struct kc_error *err = need_flags(probe, KC_ARM64_REF_HOLDS_PERCPU,
					  "a pointer to per-CPU data");
	if (!err)
		err = allow_sizes(probe, SIZE_8, "a pointer");
	if (!err)
		err = kc_kernel_read_u64(session, probe->addr, &base);
	if (err)
		return err;
	if (!base)
		return reject("NULL");
	unsigned nr = dump_cpus(session), saved = 0;
	for (unsigned c = 0; c < nr; c++) {
		uint64_t note;
		uint8_t head[20];
		err = kc_kernel_percpu(session, base, c, &note);
		if (!err)
			err = kc_kernel_read(session, note, head, sizeof(head));
		if (err)
			return kc_error_prefix(err, "CPU %u's note", c);
		static const uint8_t zero[sizeof(head)];
		if (memcmp(head, zero, sizeof(head)) == 0)
			continue;
		if (kc_get_le32(head) != 5 || kc_get_le32(head + 8) != NT_PRSTATUS_TYPE ||
		    memcmp(head + 12, "CORE", 5) != 0)
			return reject("CPU %u's buffer holds no CORE NT_PRSTATUS note", c);
		saved++;
	}
	if (!saved)
		return reject("no CPU's buffer holds a note (the kernel did not crash through kdump)");
	verdict->size = 8;
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "CORE NT_PRSTATUS notes in the per-CPU buffers of %u of %u CPUs", saved, nr);
	return NULL;
}

/*
 * Where struct timekeeper starts in tk_core: struct tk_data's member (v6.13+),
 * else after the anonymous struct's seqcount (v5.10+: seqcount_raw_spinlock_t,
 * before: seqcount_t), aligned to 8.
 */
static struct kc_error *timekeeper_offset(struct kc_session *session, uint64_t *offset)
{
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_member(session, "struct tk_data", "timekeeper", &m);
	if (!err) {
		*offset = m->offset;
		return NULL;
	}
	kc_error_destroy(err);
	uint64_t size;
	err = kc_kernel_sizeof(session, "seqcount_raw_spinlock_t", &size);
	if (err) {
		kc_error_destroy(err);
		err = kc_kernel_sizeof(session, "seqcount_t", &size);
	}
	if (err)
		return err;
	*offset = (size + 7) & ~7ull;
	return NULL;
}

static struct kc_error *check_tk_core(struct kc_session *session,
				      const struct kc_datasym_probe *probe,
				      struct kc_datasym_verdict *verdict)
{
	uint64_t off, mono_clock, raw_clock, mult, shift, xtime_sec, name_ptr;
	char name[64];
	struct kc_error *err = timekeeper_offset(session, &off);
	if (err)
		return err;
	uint64_t tk = probe->addr + off;
	err = kc_kernel_read_member(session, tk, "struct timekeeper", "tkr_mono.clock", &mono_clock);
	if (!err)
		err = kc_kernel_read_member(session, tk, "struct timekeeper", "tkr_raw.clock", &raw_clock);
	if (!err)
		err = kc_kernel_read_member(session, tk, "struct timekeeper", "tkr_mono.mult", &mult);
	if (!err)
		err = kc_kernel_read_member(session, tk, "struct timekeeper", "tkr_mono.shift", &shift);
	if (!err)
		err = kc_kernel_read_member(session, tk, "struct timekeeper", "xtime_sec", &xtime_sec);
	if (err)
		return err;
	if (!mono_clock || mono_clock != raw_clock)
		return reject("tkr_mono.clock 0x%llx and tkr_raw.clock 0x%llx differ",
			      (unsigned long long)mono_clock, (unsigned long long)raw_clock);
	if (!mult || shift > 63)
		return reject("tkr_mono mult %llu shift %llu", (unsigned long long)mult,
			      (unsigned long long)shift);
	err = kc_kernel_read_member(session, mono_clock, "struct clocksource", "name", &name_ptr);
	if (!err)
		err = kc_kernel_read_string(session, name_ptr, name, sizeof(name));
	if (err)
		return kc_error_prefix(err, "its clocksource's name");
	if (!printable_name(name))
		return reject("clocksource name \"%.32s\" is not a name", name);
	int64_t crashtime = 0;
	if (session->vmcoreinfo) {
		struct kc_error *ct = kc_vmcoreinfo_number(session->vmcoreinfo, "CRASHTIME",
							   &crashtime);
		if (ct)
			crashtime = 0;
		kc_error_destroy(ct);
	}
	if (crashtime && ((int64_t)xtime_sec < crashtime - 60 || (int64_t)xtime_sec > crashtime + 60))
		return reject("xtime_sec %llu is far from VMCOREINFO CRASHTIME %lld",
			      (unsigned long long)xtime_sec, (long long)crashtime);
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "clocksource %s, xtime_sec %llu%s", name, (unsigned long long)xtime_sec,
		 crashtime ? " (CRASHTIME agrees)" : "");
	return NULL;
}

static struct kc_error *check_jiffies(struct kc_session *session,
				      const struct kc_datasym_probe *probe,
				      struct kc_datasym_verdict *verdict)
{
	uint64_t jiffies, tk_core, off, mono;
	struct kc_error *err = allow_sizes(probe, SIZE_8, "an unsigned long");
	if (!err)
		err = kc_kernel_read_u64(session, probe->addr, &jiffies);
	if (!err)
		err = symbol(session, "tk_core", &tk_core);
	if (!err)
		err = timekeeper_offset(session, &off);
	if (!err)
		err = kc_kernel_read_member(session, tk_core + off, "struct timekeeper",
					    "ktime_sec", &mono);
	if (err)
		return err;
	/* INITIAL_JIFFIES is (unsigned long)(unsigned int)(-300 * HZ). */
	static const unsigned hz_values[] = {100, 250, 300, 1000};
	for (size_t i = 0; i < sizeof(hz_values) / sizeof(hz_values[0]); i++) {
		unsigned hz = hz_values[i];
		uint64_t initial = (uint64_t)(uint32_t)(-300 * (int32_t)hz);
		uint64_t seconds = (jiffies - initial) / hz;
		uint64_t slack = 2 + mono / 100;
		if (seconds <= mono + slack && seconds + slack >= mono) {
			verdict->size = 8;
			snprintf(verdict->detail, sizeof(verdict->detail),
				 "%llu: %llu s since boot at HZ=%u, as the timekeeper's CLOCK_MONOTONIC (%llu s)",
				 (unsigned long long)jiffies, (unsigned long long)seconds, hz,
				 (unsigned long long)mono);
			return NULL;
		}
	}
	return reject("%llu does not count the %llu s since boot at any HZ",
		      (unsigned long long)jiffies, (unsigned long long)mono);
}

static struct kc_error *check_avenrun(struct kc_session *session,
				      const struct kc_datasym_probe *probe,
				      struct kc_datasym_verdict *verdict)
{
	uint64_t load[3];
	struct kc_error *err = allow_sizes(probe, SIZE_8 | SIZE_16, "unsigned long[3]");
	/* The code that uses avenrun reads or writes all three (loadavg.c). */
	if (!err && probe->fn && (!accessed_at(probe->fn, probe->addr, 8) ||
				  !accessed_at(probe->fn, probe->addr, 16)))
		err = reject("the code does not use avenrun[1] and avenrun[2] through it");
	for (int i = 0; i < 3 && !err; i++)
		err = kc_kernel_read_u64(session, probe->addr + 8u * (unsigned)i, &load[i]);
	if (err)
		return err;
	/* Fixed point with FSHIFT 11: a load above 2^21 is no load. */
	for (int i = 0; i < 3; i++)
		if (load[i] >> 32)
			return reject("entry %d, 0x%llx, is no load average", i,
				      (unsigned long long)load[i]);
	verdict->size = 24;
	snprintf(verdict->detail, sizeof(verdict->detail), "loads %.2f %.2f %.2f",
		 (double)load[0] / 2048, (double)load[1] / 2048, (double)load[2] / 2048);
	return NULL;
}

/* The managed pages of every zone of the node at PGDAT. */
static struct kc_error *node_managed_pages(struct kc_session *session, uint64_t pgdat,
					   uint64_t *pages)
{
	const struct kc_kernel_member *zones;
	uint64_t zone_size, managed;
	struct kc_error *err = kc_kernel_member(session, "struct pglist_data", "node_zones", &zones);
	if (!err)
		err = kc_kernel_sizeof(session, "struct zone", &zone_size);
	if (!err)
		err = member_offset(session, "struct zone", "managed_pages", &managed);
	if (err)
		return err;
	if (!zone_size || zones->size % zone_size || zones->size / zone_size > 16)
		return reject("struct pglist_data.node_zones is no array of struct zone");
	for (uint64_t z = 0; z < zones->size / zone_size; z++) {
		uint64_t count;
		err = kc_kernel_read_u64(session, pgdat + zones->offset + z * zone_size + managed,
					 &count);
		if (err)
			return err;
		*pages += count;
	}
	return NULL;
}

/* The sum of every zone's managed_pages: contig_page_data, or node_data[]. */
static struct kc_error *managed_pages(struct kc_session *session, uint64_t *pages)
{
	uint64_t pgdat;
	*pages = 0;
	struct kc_error *err = symbol(session, "contig_page_data", &pgdat);
	if (!err)
		return node_managed_pages(session, pgdat, pages);
	kc_error_destroy(err);
	uint64_t node_data;
	err = symbol(session, "node_data", &node_data);
	for (unsigned node = 0; !err && node < 1024; node++) {
		uint64_t node_pgdat;
		err = kc_kernel_read_u64(session, node_data + 8u * node, &node_pgdat);
		if (err || !node_pgdat)
			break;
		err = node_managed_pages(session, node_pgdat, pages);
	}
	return err;
}

/* node_data[]: struct pglist_data pointers, entry N the node with node_id N. */
static struct kc_error *check_node_data(struct kc_session *session,
					const struct kc_datasym_probe *probe,
					struct kc_datasym_verdict *verdict)
{
	struct kc_error *err = allow_sizes(probe, SIZE_8, "an array of pointers");
	if (err)
		return err;
	unsigned nodes = 0, highest = 0;
	for (unsigned node = 0; node < 1024; node++) {
		uint64_t pgdat, id;
		err = kc_kernel_read_u64(session, probe->addr + 8ull * node, &pgdat);
		if (err) {
			if (node == 0)
				return err;
			kc_error_destroy(err);
			break;
		}
		if (!pgdat) {
			if (node == 0)
				return reject("node 0 has no pglist_data");
			continue;
		}
		err = kc_kernel_read_member(session, pgdat, "struct pglist_data", "node_id", &id);
		if (err) {
			if (node == 0)
				return kc_error_prefix(err, "node 0");
			kc_error_destroy(err);
			break; /* past the array: something that is no pglist_data pointer */
		}
		if (id != node) {
			if (node == 0)
				return reject("entry 0 points to node_id %llu", (unsigned long long)id);
			break;
		}
		nodes++;
		highest = node;
	}
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "%u node%s whose pglist_data has node_id N at entry N (up to %u)", nodes,
		 nodes == 1 ? "" : "s", highest);
	return NULL;
}

static struct kc_error *check_totalram(struct kc_session *session,
				       const struct kc_datasym_probe *probe,
				       struct kc_datasym_verdict *verdict)
{
	uint64_t pages, managed;
	struct kc_error *err = allow_sizes(probe, SIZE_8, "an atomic_long_t");
	if (!err)
		err = kc_kernel_read_u64(session, probe->addr, &pages);
	if (!err)
		err = managed_pages(session, &managed);
	if (err)
		return err;
	if (pages != managed || !pages)
		return reject("%llu pages, but the zones manage %llu", (unsigned long long)pages,
			      (unsigned long long)managed);
	verdict->size = 8;
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "%llu pages, the sum of every zone's managed_pages", (unsigned long long)pages);
	return NULL;
}

static struct kc_error *check_tainted_mask(struct kc_session *session,
					   const struct kc_datasym_probe *probe,
					   struct kc_datasym_verdict *verdict)
{
	uint64_t mask;
	struct kc_error *err = allow_sizes(probe, SIZE_8, "an unsigned long");
	if (!err)
		err = kc_kernel_read_u64(session, probe->addr, &mask);
	if (err)
		return err;
	/* TAINT_FLAGS_COUNT is 18-20 in v5.10-v6.12. */
	if (mask >> 24)
		return reject("0x%llx has bits no taint flag uses", (unsigned long long)mask);
	verdict->size = 8;
	snprintf(verdict->detail, sizeof(verdict->detail), "0x%llx", (unsigned long long)mask);
	return NULL;
}

static struct kc_error *check_taint_flags(struct kc_session *session,
					  const struct kc_datasym_probe *probe,
					  struct kc_datasym_verdict *verdict)
{
	uint64_t size, c_true, c_false;
	struct kc_error *err = kc_kernel_sizeof(session, "struct taint_flag", &size);
	if (!err)
		err = member_offset(session, "struct taint_flag", "c_true", &c_true);
	if (!err)
		err = member_offset(session, "struct taint_flag", "c_false", &c_false);
	if (err)
		return err;
	if (!size || size > 64)
		return reject("struct taint_flag is %llu bytes", (unsigned long long)size);
	char letters[33];
	unsigned n = 0;
	for (; n < 32; n++) {
		uint8_t entry[64];
		err = kc_kernel_read(session, probe->addr + n * size, entry, (size_t)size);
		if (err) {
			kc_error_destroy(err);
			break;
		}
		char t = (char)entry[c_true], f = (char)entry[c_false];
		/* [TAINT_PROPRIETARY_MODULE] = { 'P', 'G' }, then { 'X', ' ' }. */
		if (n == 0 ? (t != 'P' || f != 'G') : (t < 'A' || t > 'Z' || f != ' '))
			break;
		letters[n] = t;
	}
	letters[n] = '\0';
	if (n < 16)
		return reject("%u entries of the form {'P','G'}, {'F',' '}, ...; the kernel has 16 or more",
			      n);
	verdict->size = n * size;
	snprintf(verdict->detail, sizeof(verdict->detail), "%u flags %s", n, letters);
	return NULL;
}

struct max_pid_ctx {
	struct kc_session *session;
	uint64_t tasks_offset;
	int64_t max;
};

static struct kc_error *visit_max_pid(void *arg, uint64_t node)
{
	struct max_pid_ctx *ctx = arg;
	uint64_t pid;
	struct kc_error *err = kc_kernel_read_member(ctx->session, node - ctx->tasks_offset,
						     "struct task_struct", "pid", &pid);
	if (!err && (int64_t)pid > ctx->max)
		ctx->max = (int64_t)pid;
	return err;
}

static struct kc_error *check_pid_max(struct kc_session *session,
				      const struct kc_datasym_probe *probe,
				      struct kc_datasym_verdict *verdict)
{
	uint32_t value;
	struct kc_error *err = allow_sizes(probe, SIZE_4, "an int");
	if (!err && probe->cand && !(probe->cand->sizes & SIZE_4))
		err = reject("the code does not read it as an int");
	if (!err)
		err = read_u32(session, probe->addr, &value);
	if (err)
		return err;
	/* RESERVED_PIDS + 1 to PID_MAX_LIMIT (4M on 64-bit), include/linux/threads.h. */
	if (value < 301 || value > 4194304)
		return reject("%u is outside 301-4194304", value);
	uint64_t init_task;
	struct max_pid_ctx ctx = {.session = session};
	err = symbol(session, "init_task", &init_task);
	if (!err)
		err = member_offset(session, "struct task_struct", "tasks", &ctx.tasks_offset);
	if (!err)
		err = kc_kernel_list_walk(session, init_task + ctx.tasks_offset,
					  KC_KERNEL_LIST_MAX, visit_max_pid, &ctx);
	if (err)
		return kc_error_prefix(err, "the tasks to compare with");
	if ((int64_t)value <= ctx.max)
		return reject("%u, but a task has pid %lld", value, (long long)ctx.max);
	verdict->size = 4;
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "%u, above every task's pid (the highest %lld)", value, (long long)ctx.max);
	return NULL;
}

/* "R (running)", "S (sleeping)", ...: fs/proc/array.c, v4.14+. */
static bool task_state_text(const char *text)
{
	size_t len = strlen(text);
	return len >= 5 && ((text[0] >= 'A' && text[0] <= 'Z') || (text[0] >= 'a' && text[0] <= 'z')) &&
	       text[1] == ' ' &&
	       text[2] == '(' && text[len - 1] == ')';
}

static struct kc_error *check_task_state_array(struct kc_session *session,
					       const struct kc_datasym_probe *probe,
					       struct kc_datasym_verdict *verdict)
{
	struct kc_error *err = allow_sizes(probe, SIZE_8, "an array of pointers");
	if (err)
		return err;
	char first[32] = "", letters[33];
	unsigned n = 0;
	for (; n < 32; n++) {
		uint64_t ptr;
		char text[32];
		err = kc_kernel_read_u64(session, probe->addr + 8ull * n, &ptr);
		if (!err)
			err = kc_kernel_read_string(session, ptr, text, sizeof(text));
		if (err) {
			kc_error_destroy(err);
			break;
		}
		if (!task_state_text(text) || (n == 0 && strcmp(text, "R (running)") != 0))
			break;
		if (n == 0)
			snprintf(first, sizeof(first), "%s", text);
		letters[n] = text[0];
	}
	letters[n] = '\0';
	if (n < 5)
		return reject("not an array of task state names starting \"R (running)\"");
	verdict->size = 8ull * n;
	snprintf(verdict->detail, sizeof(verdict->detail), "%u state names %s", n, letters);
	return NULL;
}

struct pointer_scan {
	struct kc_session *session;
	kc_datasym_check_fn check;
	uint64_t found;
	size_t nr_found;
	struct kc_datasym_verdict verdict;
};

static bool visit_checked(void *arg, uint64_t hit)
{
	struct pointer_scan *scan = arg;
	struct kc_datasym_probe probe = {hit, NULL, NULL};
	struct kc_datasym_verdict verdict = {0};
	struct kc_error *err = scan->check(scan->session, &probe, &verdict);
	if (err) {
		kc_error_destroy(err);
		return false;
	}
	if (scan->nr_found++ == 0 || hit == scan->found) {
		scan->found = hit;
		scan->verdict = verdict;
	}
	return false;
}

struct string_hits {
	uint64_t addr[8];
	size_t nr;
};

static bool visit_string(void *arg, uint64_t hit)
{
	struct string_hits *hits = arg;
	if (hits->nr < sizeof(hits->addr) / sizeof(hits->addr[0]))
		hits->addr[hits->nr] = hit;
	hits->nr++;
	return false;
}

/*
 * taint_flags by content (kernel/panic.c, v4.10+): the array whose first
 * entries are {'P', 'G', ...} and {'F', ' ', ...}, found in the image's
 * .rodata and checked as the code route's candidates are. For code that
 * reaches it only at an offset: GCC 10 on v5.10 loads entry 0's letters
 * as immediates and addresses &taint_flags[1].
 */
struct taint_flags_scan {
	struct pointer_scan scan;
	uint64_t c_true;  /* where the 'P' is in an entry */
};

static bool visit_taint_flags(void *arg, uint64_t hit)
{
	struct taint_flags_scan *tfs = arg;
	return hit >= tfs->c_true && visit_checked(&tfs->scan, hit - tfs->c_true);
}

static struct kc_error *route_taint_flags(struct kc_session *session, uint64_t *addr,
					  struct kc_datasym_verdict *verdict, char *how,
					  size_t len)
{
	uint64_t start, end, c_true, c_false;
	struct kc_error *err = kc_datasym_data_range(session, &start, &end);
	if (!err)
		err = member_offset(session, "struct taint_flag", "c_true", &c_true);
	if (!err)
		err = member_offset(session, "struct taint_flag", "c_false", &c_false);
	if (err)
		return kc_error_prefix(err, "image data scan");
	/* char c_true, c_false; in every layout so far: "PG" in memory. */
	if (c_false != c_true + 1)
		return reject("struct taint_flag's c_true and c_false are not adjacent");
	struct taint_flags_scan tfs = {
		.scan = {.session = session, .check = check_taint_flags}, .c_true = c_true};
	err = rodata_search(session, start, end, "PG", 2, 1, visit_taint_flags, &tfs);
	if (err)
		return kc_error_prefix(err, "image data scan");
	if (tfs.scan.nr_found != 1)
		return reject("image data scan: %zu arrays start with {'P', 'G'}, {'F', ' '}, ...",
			      tfs.scan.nr_found);
	*addr = tfs.scan.found;
	*verdict = tfs.scan.verdict;
	snprintf(how, len, "the image data scan ({'P', 'G'}, {'F', ' '}, ...) found it");
	return NULL;
}

/* task_state_array by content: a pointer, in the image, to "R (running)". */
static struct kc_error *route_task_state_array(struct kc_session *session, uint64_t *addr,
					       struct kc_datasym_verdict *verdict, char *how, size_t len)
{
	uint64_t start, end;
	struct string_hits strings = {0};
	size_t count = 0;
	struct kc_error *err = kc_datasym_data_range(session, &start, &end);
	if (!err)
		err = image_strings(session, STRING_RUNNING, visit_string, &strings, &count);
	if (err)
		return kc_error_prefix(err, "image data scan");
	struct pointer_scan scan = {.session = session, .check = check_task_state_array};
	for (size_t i = 0; i < strings.nr && i < 8; i++) {
		uint8_t le[8];
		for (int b = 0; b < 8; b++)
			le[b] = (uint8_t)(strings.addr[i] >> (8 * b));
		/* The array and its strings are both in .rodata (fs/proc/array.c). */
		err = rodata_search(session, start, end, le, 8, 8, visit_checked, &scan);
		if (err)
			return kc_error_prefix(err, "image data scan");
	}
	if (scan.nr_found != 1)
		return reject("image data scan: %zu arrays point to \"R (running)\" (%zu copies)",
			      scan.nr_found, strings.nr);
	*addr = scan.found;
	*verdict = scan.verdict;
	snprintf(how, len, "the image data scan (a pointer to \"R (running)\") found it");
	return NULL;
}

static struct kc_error *check_irq_stack_ptr(struct kc_session *session,
					    const struct kc_datasym_probe *probe,
					    struct kc_datasym_verdict *verdict)
{
	struct kc_error *err = need_flags(probe, KC_ARM64_REF_PERCPU_LOADED,
					  "a per-CPU variable read by this CPU");
	if (!err)
		err = allow_sizes(probe, SIZE_8, "a pointer");
	if (err)
		return err;
	unsigned nr = dump_cpus(session);
	uint64_t stacks[64];
	for (unsigned c = 0; c < nr && c < 64; c++) {
		uint64_t var, word;
		err = kc_kernel_percpu(session, probe->addr, c, &var);
		if (!err)
			err = kc_kernel_read_u64(session, var, &stacks[c]);
		if (!err && (!stacks[c] || stacks[c] % 16))
			err = reject("CPU %u: 0x%llx is no stack", c, (unsigned long long)stacks[c]);
		if (!err)
			err = kc_kernel_read_u64(session, stacks[c], &word);
		if (err)
			return kc_error_prefix(err, "CPU %u", c);
		/* __entry_task and the like hold tasks, not stacks. */
		int64_t pid;
		char comm[64];
		struct kc_error *task_err = task_identity(session, stacks[c], &pid, comm,
							  sizeof(comm));
		bool is_task = !task_err && pid >= 0 && pid <= 4194304 && comm[0];
		for (const char *p = comm; is_task && *p; p++)
			is_task = *p >= 0x20 && *p < 0x7f;
		kc_error_destroy(task_err);
		if (is_task)
			return reject("CPU %u: 0x%llx is a task_struct (pid %lld, %s), not a stack", c,
				      (unsigned long long)stacks[c], (long long)pid, comm);
		for (unsigned d = 0; d < c; d++)
			if (stacks[d] == stacks[c])
				return reject("CPUs %u and %u share 0x%llx", d, c,
					      (unsigned long long)stacks[c]);
	}
	verdict->size = 8;
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "a readable, distinct stack for each of the dump's %u CPUs (CPU 0: 0x%llx)", nr,
		 (unsigned long long)stacks[0]);
	return NULL;
}

/* OVERFLOW_STACK_SIZE: SZ_4K, arch/arm64/include/asm/stacktrace.h (v4.14-v6.12). */
#define OVERFLOW_STACK_SIZE 4096

static struct kc_error *check_overflow_stack(struct kc_session *session,
					     const struct kc_datasym_probe *probe,
					     struct kc_datasym_verdict *verdict)
{
	struct kc_error *err = need_flags(probe, KC_ARM64_REF_PERCPU, "a per-CPU address");
	if (!err && probe->cand && (probe->cand->flags & KC_ARM64_REF_PERCPU_LOADED))
		err = reject("the code reads a value from it, not a stack");
	if (!err && probe->cand && probe->cand->sizes)
		err = reject("the code loads or stores it directly");
	if (!err && probe->addr % 16)
		err = reject("not 16-byte aligned");
	if (err)
		return err;
	unsigned nr = dump_cpus(session);
	uint8_t *stack = malloc(OVERFLOW_STACK_SIZE);
	if (!stack)
		return &kc_error_nomem;
	for (unsigned c = 0; c < nr && !err; c++) {
		uint64_t base;
		err = kc_kernel_percpu(session, probe->addr, c, &base);
		if (!err)
			err = kc_kernel_read(session, base, stack, OVERFLOW_STACK_SIZE);
		if (err)
			err = kc_error_prefix(err, "CPU %u's %u bytes", c, OVERFLOW_STACK_SIZE);
	}
	free(stack);
	if (err)
		return err;
	verdict->size = OVERFLOW_STACK_SIZE;
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "%u readable bytes (OVERFLOW_STACK_SIZE) on each of the dump's %u CPUs",
		 OVERFLOW_STACK_SIZE, nr);
	return NULL;
}

static struct kc_error *check_btf_modules(struct kc_session *session,
					  const struct kc_datasym_probe *probe,
					  struct kc_datasym_verdict *verdict)
{
	uint64_t next, prev, list, module, btf, name_off;
	struct kc_error *err = allow_sizes(probe, SIZE_8 | SIZE_16, "a list_head");
	if (!err)
		err = kc_kernel_read_u64(session, probe->addr, &next);
	if (!err)
		err = kc_kernel_read_u64(session, probe->addr + 8, &prev);
	if (!err)
		err = member_offset(session, "struct btf_module", "list", &list);
	if (!err)
		err = member_offset(session, "struct btf_module", "module", &module);
	if (!err)
		err = member_offset(session, "struct btf_module", "btf", &btf);
	if (!err)
		err = member_offset(session, "struct module", "name", &name_off);
	if (err)
		return err;
	if (next == probe->addr || prev == probe->addr) {
		if (next != prev)
			return reject("a list head pointing to itself one way only");
		snprintf(verdict->detail, sizeof(verdict->detail), "an empty list");
		verdict->size = 16;
		return NULL;
	}
	uint64_t node = next, back = probe->addr;
	size_t count = 0;
	for (; node != probe->addr; count++) {
		uint64_t node_prev, mod, btf_ptr;
		char name[64];
		if (count >= 65536)
			return reject("more than 65536 entries");
		err = kc_kernel_read_u64(session, node + 8, &node_prev);
		if (!err)
			err = kc_kernel_read_u64(session, node - list + module, &mod);
		if (!err)
			err = kc_kernel_read_u64(session, node - list + btf, &btf_ptr);
		if (!err && mod)
			err = kc_kernel_read(session, mod + name_off, name, sizeof(name));
		if (err)
			return kc_error_prefix(err, "entry %zu", count);
		name[sizeof(name) - 1] = '\0';
		if (node_prev != back || !btf_ptr || (mod && !printable_name(name)))
			return reject("entry %zu is no struct btf_module", count);
		back = node;
		err = kc_kernel_read_u64(session, node, &node);
		if (err)
			return kc_error_prefix(err, "entry %zu's next", count);
	}
	verdict->size = 16;
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "a closed list of %zu struct btf_module", count);
	return NULL;
}

/* The BTF header (include/uapi/linux/btf.h): the blob's length, or an error. */
static struct kc_error *btf_blob(struct kc_session *session, uint64_t addr,
				 uint64_t *length)
{
	uint8_t hdr[24];
	struct kc_error *err = kc_kernel_read(session, addr, hdr, sizeof(hdr));
	if (err)
		return err;
	uint32_t hdr_len = kc_get_le32(hdr + 4);
	uint32_t type_off = kc_get_le32(hdr + 8), type_len = kc_get_le32(hdr + 12);
	uint32_t str_off = kc_get_le32(hdr + 16), str_len = kc_get_le32(hdr + 20);
	if (kc_get_le16(hdr) != 0xeb9f || hdr[2] != 1 || hdr_len < 24 || hdr_len > 256)
		return reject("no BTF header (magic 0xeb9f, version 1)");
	uint64_t types_end = (uint64_t)type_off + type_len, strs_end = (uint64_t)str_off + str_len;
	if (!type_len || !str_len || types_end > str_off)
		return reject("BTF header sections out of order");
	uint8_t first;
	err = kc_kernel_read(session, addr + hdr_len + str_off, &first, 1);
	if (err)
		return err;
	if (first != 0)
		return reject("BTF string section does not start with \"\"");
	*length = hdr_len + (types_end > strs_end ? types_end : strs_end);
	return NULL;
}

static struct kc_error *check_start_btf(struct kc_session *session,
					const struct kc_datasym_probe *probe,
					struct kc_datasym_verdict *verdict)
{
	uint64_t length = 0;
	struct kc_error *err = btf_blob(session, probe->addr, &length);
	if (err)
		return err;
	verdict->size = length;
	snprintf(verdict->detail, sizeof(verdict->detail), "a BTF blob of %llu bytes",
		 (unsigned long long)length);
	return NULL;
}

static struct kc_error *check_stop_btf(struct kc_session *session,
				       const struct kc_datasym_probe *probe,
				       struct kc_datasym_verdict *verdict)
{
	uint64_t start = 0, length = 0;
	struct kc_error *err = symbol(session, "__start_BTF", &start);
	if (!err)
		err = btf_blob(session, start, &length);
	if (err)
		return err;
	if (probe->addr != start + length)
		return reject("not the end of the BTF blob at 0x%llx (0x%llx)",
			      (unsigned long long)start, (unsigned long long)(start + length));
	snprintf(verdict->detail, sizeof(verdict->detail), "the end of the %llu-byte BTF blob",
		 (unsigned long long)length);
	return NULL;
}

static struct kc_error *route_start_btf(struct kc_session *session, uint64_t *addr,
					struct kc_datasym_verdict *verdict, char *how, size_t len)
{
	struct pointer_scan scan = {.session = session, .check = check_start_btf};
	size_t count = 0;
	struct kc_error *err = image_strings(session, STRING_BTF, visit_checked, &scan, &count);
	if (err)
		return kc_error_prefix(err, "image data scan");
	if (scan.nr_found != 1)
		return reject("image data scan: %zu BTF headers in the kernel image", scan.nr_found);
	*addr = scan.found;
	*verdict = scan.verdict;
	snprintf(how, len, "the image data scan (BTF magic 0xeb9f) found it");
	return NULL;
}

static struct kc_error *check_linux_banner(struct kc_session *session,
					   const struct kc_datasym_probe *probe,
					   struct kc_datasym_verdict *verdict)
{
	char banner[512];
	struct kc_error *err = kc_kernel_read_string(session, probe->addr, banner, sizeof(banner));
	if (err)
		return err;
	const char *release = kc_session_release(session);
	char prefix[160];
	snprintf(prefix, sizeof(prefix), "Linux version %s (", release ? release : "");
	size_t len = strlen(banner);
	if (!release || strncmp(banner, prefix, strlen(prefix)) != 0 || len < 2 ||
	    banner[len - 1] != '\n')
		return reject("not \"%s...\\n\"", prefix);
	/* init/version.c: "... " UTS_VERSION "\n", the version init_uts_ns holds. */
	uint64_t uts, name_off = 0;
	char version[65];
	err = symbol(session, "init_uts_ns", &uts);
	if (!err)
		err = member_offset(session, "struct uts_namespace", "name", &name_off);
	if (!err)
		err = kc_kernel_read(session, uts + name_off + 3 * 65, version, sizeof(version));
	if (err)
		return kc_error_prefix(err, "init_uts_ns's version to compare with");
	version[64] = '\0';
	size_t vlen = strlen(version);
	if (!vlen || len < vlen + 1 || strncmp(banner + len - 1 - vlen, version, vlen) != 0)
		return reject("does not end with init_uts_ns's version \"%s\"", version);
	snprintf(verdict->detail, sizeof(verdict->detail), "\"%.*s\"",
		 (int)(len - 1 > 80 ? 80 : len - 1), banner);
	verdict->size = len + 1;
	return NULL;
}

static struct kc_error *route_linux_banner(struct kc_session *session, uint64_t *addr,
					   struct kc_datasym_verdict *verdict, char *how, size_t len)
{
	struct pointer_scan scan = {.session = session, .check = check_linux_banner};
	size_t count = 0;
	struct kc_error *err = image_strings(session, STRING_BANNER, visit_checked, &scan,
					     &count);
	if (err)
		return kc_error_prefix(err, "image data scan");
	if (scan.nr_found != 1)
		return reject("image data scan: %zu banners for this release end in a newline",
			      scan.nr_found);
	*addr = scan.found;
	*verdict = scan.verdict;
	snprintf(how, len, "the image data scan (\"Linux version %s (...\\n\") found it",
		 kc_session_release(session));
	return NULL;
}

/* ---- the symbols ---- */

/* ---- vmalloc's per-node busy areas (v6.9+) ---- */

struct vmap_list_ctx {
	struct kc_session *session;
	uint64_t list_off;
	uint64_t last_end;
	size_t count;
};

/* Each busy area: va_start < va_end, page-aligned, above the previous one. */
static struct kc_error *visit_busy_area(void *arg, uint64_t node)
{
	struct vmap_list_ctx *c = arg;
	uint64_t va = node - c->list_off, start, end;
	struct kc_error *err = kc_kernel_read_member(c->session, va, "struct vmap_area", "va_start",
						     &start);
	if (!err)
		err = kc_kernel_read_member(c->session, va, "struct vmap_area", "va_end", &end);
	if (err)
		return kc_error_prefix(err, "busy area %zu", c->count);
	uint64_t mask = page_size(c->session) - 1;
	if (!(start >> 63) || end <= start || (start & mask) || (end & mask) ||
	    start < c->last_end)
		return reject("busy area %zu (vmap_area 0x%llx) spans 0x%llx-0x%llx: not a page-aligned "
			      "kernel range above the previous one", c->count,
			      (unsigned long long)va, (unsigned long long)start,
			      (unsigned long long)end);
	c->last_end = end;
	c->count++;
	return c->count > (1u << 22) ? reject("more than 4M busy areas") : NULL;
}

/*
 * vmap_nodes (mm/vmalloc.c v6.9+: static struct vmap_node *vmap_nodes =
 * &single): a pointer to the nodes, whose first node's busy.head is a
 * closed list of struct vmap_area in address order, and whose busy.root
 * rbtree holds as many.
 */
static struct kc_error *check_vmap_nodes(struct kc_session *session,
					 const struct kc_datasym_probe *probe,
					 struct kc_datasym_verdict *verdict)
{
	uint64_t nodes, head_off, root_off, list_off;
	if (!kc_kernel_has_member(session, "struct vmap_node", "busy"))
		return reject("no struct vmap_node with busy in the types (a kernel before v6.9)");
	struct kc_error *err = allow_sizes(probe, SIZE_8, "a pointer");
	if (!err && probe->cand && !(probe->cand->sizes & SIZE_8))
		err = reject("the code does not load it as a pointer");
	if (!err)
		err = member_offset(session, "struct vmap_node", "busy.head", &head_off);
	if (!err)
		err = member_offset(session, "struct vmap_node", "busy.root", &root_off);
	if (!err)
		err = member_offset(session, "struct vmap_area", "list", &list_off);
	if (!err)
		err = kc_kernel_read_u64(session, probe->addr, &nodes);
	if (err)
		return err;
	if (!(nodes >> 63) || (nodes & 7))
		return reject("0x%llx is no pointer to kernel memory", (unsigned long long)nodes);
	struct vmap_list_ctx list = {.session = session, .list_off = list_off};
	err = kc_walk_list(session, nodes + head_off, false, SIZE_MAX, visit_busy_area, &list);
	if (err)
		return kc_error_prefix(err, "node 0 at 0x%llx: busy.head", (unsigned long long)nodes);
	if (!list.count)
		return reject("node 0 at 0x%llx has no busy area", (unsigned long long)nodes);
	struct count_ctx tree = {0};
	err = kc_walk_rbtree(session, nodes + root_off, SIZE_MAX, count_node, &tree);
	if (err)
		return kc_error_prefix(err, "node 0 at 0x%llx: busy.root", (unsigned long long)nodes);
	if (tree.count != list.count)
		return reject("node 0 at 0x%llx: %zu areas in busy.root, %zu on busy.head",
			      (unsigned long long)nodes, tree.count, list.count);
	verdict->size = 8;
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "points to 0x%llx, a struct vmap_node whose busy.head and busy.root hold the "
		 "same %zu areas in address order", (unsigned long long)nodes, list.count);
	return NULL;
}

/*
 * nr_vmap_nodes (v6.9+): 1, or what vmap_init_nodes() sets,
 * clamp(num_possible_cpus(), 1, 128).
 */
static struct kc_error *check_nr_vmap_nodes(struct kc_session *session,
					    const struct kc_datasym_probe *probe,
					    struct kc_datasym_verdict *verdict)
{
	if (!kc_kernel_has_member(session, "struct vmap_node", "busy"))
		return reject("no struct vmap_node with busy in the types (a kernel before v6.9)");
	uint32_t n;
	struct kc_error *err = allow_sizes(probe, SIZE_4, "an unsigned int");
	if (!err && probe->cand && !(probe->cand->sizes & SIZE_4))
		err = reject("the code does not read it as an unsigned int");
	if (!err)
		err = read_u32(session, probe->addr, &n);
	if (err)
		return err;
	uint64_t mask_addr, words[2] = {0, 0};
	err = symbol(session, "__cpu_possible_mask", &mask_addr);
	if (!err)
		err = kc_kernel_read(session, mask_addr, words, sizeof(words));
	if (err)
		return kc_error_prefix(err, "to compare with the possible CPUs");
	unsigned possible = (unsigned)(__builtin_popcountll(words[0]) +
				       __builtin_popcountll(words[1]));
	unsigned expect = possible > 128 ? 128 : possible ? possible : 1;
	/* (1 with more possible CPUs only when kmalloc failed at boot: not taken.) */
	if (n != expect)
		return reject("%u, not %u (the possible CPUs, at most 128)", n, expect);
	verdict->size = 4;
	snprintf(verdict->detail, sizeof(verdict->detail),
		 "%u (%u possible CPUs: vmap_init_nodes' clamp to 1..128)", n, possible);
	return NULL;
}

/*
 * The functions are non-__init (init text is freed after boot) and exist
 * from v5.10 to v6.12 unless noted; each addresses the symbol in its own
 * code in those releases (static helpers that may be inlined are avoided
 * where an exported function does the same).
 */
static const char *const fns_init_task[] = {
	"show_state_filter", "normalize_rt_tasks", "mm_update_next_owner", NULL};
static const char *const fns_modules[] = {
	"print_modules", "module_kallsyms_lookup_name", "lookup_module_symbol_name",
	"module_get_kallsym", NULL};
/* for_each_possible_cpu / for_each_online_cpu over cpu_rq(). */
static const char *const fns_per_cpu_offset[] = {
	"nr_context_switches", "nr_running", "nr_iowait", NULL};
static const char *const fns_runqueues[] = {
	"nr_context_switches", "nr_running", "nr_iowait", NULL};
static const char *const fns_nr_cpu_ids[] = {
	"nr_context_switches", "nr_running", "nr_iowait", NULL};
static const char *const fns_possible_mask[] = {"nr_context_switches", "nr_iowait", NULL};
static const char *const fns_online_mask[] = {"nr_running", "set_cpu_online", NULL};
static const char *const fns_panic_cpu[] = {"panic", "nmi_panic", "crash_kexec", NULL};
static const char *const fns_crash_notes[] = {"crash_save_cpu", NULL};
static const char *const fns_tk_core[] = {
	"ktime_get", "ktime_get_with_offset", "ktime_get_raw", "ktime_get_real_ts64", NULL};
static const char *const fns_jiffies[] = {
	"schedule_timeout", "__round_jiffies_up_relative", "do_timer", NULL};
static const char *const fns_avenrun[] = {"get_avenrun", "calc_global_load", NULL};
/* NODE_DATA(nid) on NUMA kernels (mm/mmzone.c). */
static const char *const fns_node_data[] = {"first_online_pgdat", "next_online_pgdat", NULL};
static const char *const fns_totalram[] = {
	"si_meminfo", "adjust_managed_page_count", "vm_commit_limit", NULL};
static const char *const fns_tainted_mask[] = {"get_taint", "test_taint", "add_taint", NULL};
/* v6.10+: print_tainted and print_tainted_verbose share _print_tainted. */
static const char *const fns_taint_flags[] = {"print_tainted", "_print_tainted",
					      "print_tainted_verbose", NULL};
static const char *const fns_pid_max[] = {"alloc_pid", NULL};
static const char *const fns_task_state_array[] = {"proc_pid_status", "proc_tgid_stat",
						   "proc_tid_stat", NULL};
/* v6.1+: call_on_irq_stack; v5.10: the entry code's irq_stack_entry. */
static const char *const fns_irq_stack_ptr[] = {"call_on_irq_stack", "el1_irq", "el0_irq",
						NULL};
/* v5.10: handle_bad_stack; v6.1: panic_bad_stack. */
static const char *const fns_overflow_stack[] = {"handle_bad_stack", "panic_bad_stack", NULL};
/* v5.11+ (CONFIG_DEBUG_INFO_BTF_MODULES). */
static const char *const fns_btf_modules[] = {"btf_try_get_module", "btf_module_notify",
					      "btf_get_module_btf", NULL};
static const char *const fns_btf[] = {"btf_parse_vmlinux", NULL};
/* v6.9+ mm/vmalloc.c: for (i = 0; i < nr_vmap_nodes; i++) vn = &vmap_nodes[i]; and addr_to_node(). */
static const char *const fns_vmap_nodes[] = {"vmalloc_info_show", "find_vmap_area",
					     "vmap_node_shrink_count", "vread_iter", NULL};
/* Only the loops over the nodes: addr_to_node() also reads vmap_zone_size (1 with one node). */
static const char *const fns_nr_vmap_nodes[] = {"vmalloc_info_show", "vmap_node_shrink_count",
						NULL};

static const struct kc_datasym_spec specs[] = {
	{"_text", NULL, NULL, NULL, route_text, false},
	{"_end", NULL, NULL, NULL, route_end, false},
	{"init_task", NULL, fns_init_task, check_init_task, route_init_task, false},
	{"__per_cpu_offset", NULL, fns_per_cpu_offset, check_per_cpu_offset, NULL, false},
	{"runqueues", NULL, fns_runqueues, check_runqueues, NULL, false},
	{"nr_cpu_ids", NULL, fns_nr_cpu_ids, check_nr_cpu_ids, NULL, false},
	{"__cpu_possible_mask", NULL, fns_possible_mask, check_possible_mask, NULL, false},
	{"__cpu_online_mask", NULL, fns_online_mask, check_online_mask, NULL, false},
	{"modules", NULL, fns_modules, check_modules, NULL, false},
	{"panic_cpu", NULL, fns_panic_cpu, check_panic_cpu, NULL, false},
	{"crash_notes", NULL, fns_crash_notes, check_crash_notes, NULL, false},
	{"tk_core", NULL, fns_tk_core, check_tk_core, NULL, false},
	{"jiffies_64", NULL, fns_jiffies, check_jiffies, NULL, false},
	{"jiffies", "jiffies_64", NULL, NULL, NULL, false},
	{"avenrun", NULL, fns_avenrun, check_avenrun, NULL, false},
	{"node_data", NULL, fns_node_data, check_node_data, NULL, false},
	{"_totalram_pages", NULL, fns_totalram, check_totalram, NULL, false},
	{"tainted_mask", NULL, fns_tainted_mask, check_tainted_mask, NULL, false},
	{"taint_flags", NULL, fns_taint_flags, check_taint_flags, route_taint_flags, false},
	{"pid_max", NULL, fns_pid_max, check_pid_max, NULL, false},
	{"task_state_array", NULL, fns_task_state_array, check_task_state_array,
	 route_task_state_array, false},
	{"irq_stack_ptr", NULL, fns_irq_stack_ptr, check_irq_stack_ptr, NULL, false},
	{"overflow_stack", NULL, fns_overflow_stack, check_overflow_stack, NULL, false},
	{"btf_modules", NULL, fns_btf_modules, check_btf_modules, NULL, false},
	{"__start_BTF", NULL, fns_btf, check_start_btf, route_start_btf, true},
	{"__stop_BTF", NULL, fns_btf, check_stop_btf, NULL, true},
	{"linux_banner", NULL, NULL, NULL, route_linux_banner, false},
	{"vmap_nodes", NULL, fns_vmap_nodes, check_vmap_nodes, NULL, false},
	{"nr_vmap_nodes", NULL, fns_nr_vmap_nodes, check_nr_vmap_nodes, NULL, false},
};

const struct kc_datasym_spec *kc_datasym_specs(size_t *count)
{
	*count = sizeof(specs) / sizeof(specs[0]);
	return specs;
}

const char *const kc_datasym_names[] = {
	"_text", "_end", "init_task", "__per_cpu_offset", "runqueues", "nr_cpu_ids",
	"__cpu_possible_mask", "__cpu_online_mask", "modules", "panic_cpu",
	"crash_notes", "tk_core", "jiffies_64", "jiffies", "avenrun", "node_data",
	"_totalram_pages",
	"tainted_mask", "taint_flags", "pid_max", "task_state_array", "irq_stack_ptr",
	"overflow_stack", "btf_modules", "__start_BTF", "__stop_BTF", "linux_banner",
	"vmap_nodes", "nr_vmap_nodes",
};
const size_t kc_datasym_nr_names = sizeof(kc_datasym_names) / sizeof(kc_datasym_names[0]);
