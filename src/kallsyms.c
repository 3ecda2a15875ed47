/* SPDX-License-Identifier: MIT */
#include "kallsyms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmcore/file.h"
#include "vmcoreinfo.h"

/* Bounds on what real tables hold (scripts/kallsyms.c, v4.9 to v6.x). */
#define MAX_SYMBOLS (4u << 20)
#define MAX_TOKEN_TABLE 65536u   /* token_index entries are u16 */
#define MAX_NAME 1024u           /* KSYM_NAME_LEN is 512 since v6.1 */
#define MAX_ENTRY (0x3fffu + 2)  /* a two-byte ULEB128 length and its tokens */
/* How much memory before the token table the scan reads for the names. */
#define SCAN_WINDOW (12u << 20)

static uint64_t round_up8(uint64_t v)
{
	return (v + 7) & ~(uint64_t)7;
}

/*
 * LEN bytes at ADDR into BUF; pages that cannot be read (excluded from the
 * dump, not mapped) are zero-filled in 4 KiB pieces, so one bad page does
 * not hide the tables from a scan. *READABLE counts the bytes read.
 */
static struct kc_error *read_window(kc_kallsyms_read_fn *read, void *arg,
				    uint64_t addr, uint8_t *buf, size_t len,
				    size_t *readable)
{
	size_t done = 0;
	*readable = 0;
	while (done < len) {
		size_t chunk = len - done < (64u << 10) ? len - done : (64u << 10);
		struct kc_error *err = read(arg, addr + done, buf + done, chunk);
		if (!err) {
			*readable += chunk;
		} else {
			kc_error_destroy(err);
			for (size_t piece = 0; piece < chunk; piece += 4096) {
				size_t n = chunk - piece < 4096 ? chunk - piece : 4096;
				err = read(arg, addr + done + piece, buf + done + piece, n);
				if (err) {
					if (err->code == KC_ERR_INTERRUPTED)
						return err;
					kc_error_destroy(err);
					memset(buf + done + piece, 0, n);
				} else {
					*readable += n;
				}
			}
		}
		done += chunk;
		struct kc_error *intr = kc_check_interrupt();
		if (intr)
			return intr;
	}
	return NULL;
}

/* ---- the token table ------------------------------------------------------ */

struct token_table {
	uint8_t text[MAX_TOKEN_TABLE];
	size_t text_len;
	uint16_t index[256];
	uint8_t len[256];  /* each token's length, NUL excluded */
};

/*
 * INDEX (256 u16) and TEXT (LEN bytes from the token table's start) form a
 * token table: index[0] is 0, each token is a non-empty run of printable
 * characters ended by a NUL that the next token follows.
 */
static bool check_token_table(const uint16_t *index, const uint8_t *text,
			      size_t len, uint8_t *token_len)
{
	if (index[0] != 0)
		return false;
	for (unsigned i = 0; i < 256; i++) {
		size_t start = index[i];
		size_t end = i < 255 ? (size_t)index[i + 1] - 1 : start;
		if (i < 255 && index[i + 1] <= index[i] + 1)
			return false;
		if (i == 255) {
			while (end < len && text[end])
				end++;
		}
		if (end >= len || text[end] != 0 || end == start || end - start > 255)
			return false;
		for (size_t c = start; c < end; c++) {
			if (text[c] < 0x20 || text[c] > 0x7e)
				return false;
		}
		if (token_len)
			token_len[i] = (uint8_t)(end - start);
	}
	return true;
}

static struct kc_error *read_token_table(kc_kallsyms_read_fn *read, void *arg,
					 const struct kc_kallsyms_location *loc,
					 struct token_table *tok)
{
	uint8_t raw[512];
	struct kc_error *err = read(arg, loc->token_index, raw, sizeof(raw));
	if (err)
		return kc_error_prefix(err, "kallsyms_token_index at 0x%llx",
				       (unsigned long long)loc->token_index);
	for (unsigned i = 0; i < 256; i++)
		tok->index[i] = kc_get_le16(raw + 2 * i);
	/* The table ends where the index begins (8-aligned), else read what
	 * the last offset needs, a page at a time until its NUL. */
	size_t want = MAX_TOKEN_TABLE;
	if (loc->token_index > loc->token_table &&
	    loc->token_index - loc->token_table <= MAX_TOKEN_TABLE)
		want = (size_t)(loc->token_index - loc->token_table);
	size_t readable;
	err = read_window(read, arg, loc->token_table, tok->text, want, &readable);
	if (err)
		return err;
	tok->text_len = want;
	if (!check_token_table(tok->index, tok->text, want, tok->len))
		return kc_error_address(KC_ERR_FORMAT, loc->token_table,
					"kallsyms_token_table at 0x%llx: not 256 NUL-terminated tokens at the offsets kallsyms_token_index 0x%llx gives",
					(unsigned long long)loc->token_table,
					(unsigned long long)loc->token_index);
	return NULL;
}

/* ---- the names ------------------------------------------------------------ */

/* A sequential reader of kallsyms_names, a buffer at a time. */
struct names_reader {
	kc_kallsyms_read_fn *read;
	void *arg;
	uint64_t start;     /* kallsyms_names */
	uint64_t buf_addr;  /* what buf holds */
	uint8_t buf[64u << 10];
	size_t buf_len;
	uint64_t pos;       /* offset from start */
};

static struct kc_error *names_byte(struct names_reader *nr, uint8_t *byte)
{
	uint64_t addr = nr->start + nr->pos;
	if (addr < nr->buf_addr || addr >= nr->buf_addr + nr->buf_len) {
		struct kc_error *err = nr->read(nr->arg, addr, nr->buf, sizeof(nr->buf));
		nr->buf_len = sizeof(nr->buf);
		if (err) {
			/* Near the end of a readable region: one page at most. */
			kc_error_destroy(err);
			uint64_t page_end = (addr | 4095) + 1;
			nr->buf_len = (size_t)(page_end - addr);
			err = nr->read(nr->arg, addr, nr->buf, nr->buf_len);
			if (err && nr->buf_len > 1) {
				/* A region that ends inside a page (not a dump's). */
				kc_error_destroy(err);
				nr->buf_len = 1;
				err = nr->read(nr->arg, addr, nr->buf, 1);
			}
			if (err) {
				nr->buf_len = 0;
				return kc_error_prefix(err, "kallsyms_names at 0x%llx, offset %llu",
						       (unsigned long long)nr->start,
						       (unsigned long long)nr->pos);
			}
		}
		nr->buf_addr = addr;
	}
	*byte = nr->buf[addr - nr->buf_addr];
	nr->pos++;
	return NULL;
}

/* One entry's length: a byte, or two (ULEB128) for "big" symbols (v6.1+). */
static struct kc_error *names_entry_len(struct names_reader *nr, unsigned *len)
{
	uint8_t b;
	struct kc_error *err = names_byte(nr, &b);
	if (err)
		return err;
	*len = b;
	if (b & 0x80) {
		err = names_byte(nr, &b);
		if (err)
			return err;
		*len = (*len & 0x7f) | ((unsigned)b << 7);
	}
	if (*len == 0)
		return kc_error_create(KC_ERR_FORMAT,
				       "kallsyms_names at 0x%llx: a zero-length entry at offset %llu",
				       (unsigned long long)nr->start,
				       (unsigned long long)nr->pos - 1);
	return NULL;
}

/* ---- addresses ------------------------------------------------------------ */

enum address_encoding {
	ENC_ABSOLUTE,      /* kallsyms_addresses */
	ENC_BASE_RELATIVE, /* relative_base + (u32)offset, v4.6+ */
	ENC_PLACE_RELATIVE,/* &offsets[i] + (s32)offsets[i], v7.0+ */
};

static const char *const encoding_names[] = {
	[ENC_ABSOLUTE] = "kallsyms_addresses",
	[ENC_BASE_RELATIVE] = "kallsyms_offsets + kallsyms_relative_base",
	[ENC_PLACE_RELATIVE] = "kallsyms_offsets relative to their place",
};

/*
 * Symbol I's address from RAW (the offsets or addresses table read whole)
 * by ENCODING; the table is sorted by address, so a decreasing step means
 * the encoding (or the table) is wrong.
 */
static uint64_t symbol_address(enum address_encoding encoding, const uint8_t *raw,
			       uint64_t table, uint64_t base, size_t i)
{
	switch (encoding) {
	case ENC_ABSOLUTE:
		return kc_get_le64(raw + 8 * i);
	case ENC_BASE_RELATIVE:
		return base + kc_get_le32(raw + 4 * i);
	case ENC_PLACE_RELATIVE:
		return table + 4 * i + (uint64_t)(int64_t)(int32_t)kc_get_le32(raw + 4 * i);
	}
	return 0;
}

static bool sorted_by_address(enum address_encoding encoding, const uint8_t *raw,
			      uint64_t table, uint64_t base, size_t n)
{
	uint64_t prev = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t addr = symbol_address(encoding, raw, table, base, i);
		if (addr < prev)
			return false;
		prev = addr;
	}
	return true;
}

/* ---- locating ------------------------------------------------------------- */

struct kc_error *kc_kallsyms_locate_vmcoreinfo(const struct kc_vmcoreinfo *info,
					       struct kc_kallsyms_location *loc)
{
	memset(loc, 0, sizeof(*loc));
	struct {
		const char *name;
		uint64_t *addr;
		bool required;
	} tables[] = {
		{"kallsyms_names", &loc->names, true},
		{"kallsyms_num_syms", &loc->num_syms, true},
		{"kallsyms_token_table", &loc->token_table, true},
		{"kallsyms_token_index", &loc->token_index, true},
		{"kallsyms_markers", &loc->markers, false},
		{"kallsyms_offsets", &loc->offsets, false},
		{"kallsyms_relative_base", &loc->relative_base, false},
	};
	char missing[160] = "";
	size_t found = 0;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		struct kc_error *err = kc_vmcoreinfo_symbol(info, tables[i].name,
							    tables[i].addr);
		if (!err) {
			found++;
			continue;
		}
		if (err->code != KC_ERR_LOOKUP)
			return err;
		kc_error_destroy(err);
		if (tables[i].required)
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
				 "%s%s", missing[0] ? ", " : "", tables[i].name);
	}
	if (!loc->offsets) {
		struct kc_error *err = kc_vmcoreinfo_symbol(info, "kallsyms_addresses",
							    &loc->offsets);
		if (!err) {
			found++;
			loc->absolute = true;
		} else {
			kc_error_destroy(err);
		}
	}
	if (!found)
		return kc_error_create(KC_ERR_LOOKUP,
				       "VMCOREINFO exports no kallsyms tables (SYMBOL(kallsyms_names) and the others: v6.0+ and some distro kernels)");
	if (!loc->offsets)
		snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
			 "%skallsyms_offsets or kallsyms_addresses", missing[0] ? ", " : "");
	if (missing[0])
		return kc_error_create(KC_ERR_FORMAT,
				       "VMCOREINFO exports some kallsyms tables but not %s",
				       missing);
	snprintf(loc->source, sizeof(loc->source), "VMCOREINFO");
	return NULL;
}

/* A 256-entry token index at BYTES (8-aligned), and the table before it. */
static bool token_index_candidate(const uint8_t *bytes)
{
	if (kc_get_le16(bytes) != 0)
		return false;
	uint16_t prev = 0;
	for (unsigned i = 1; i < 256; i++) {
		uint16_t v = kc_get_le16(bytes + 2 * i);
		/* Tokens are short: scripts/kallsyms.c merges pairs. */
		if (v < prev + 2 || v > prev + 256)
			return false;
		prev = v;
	}
	return true;
}

/*
 * The token table ending (8-aligned, zero-padded) right before the token
 * index at INDEX_ADDR: its start is INDEX_ADDR minus the table's size
 * rounded up to 8, where the size depends on the last token's length.
 */
static struct kc_error *find_token_table(kc_kallsyms_read_fn *read, void *arg,
					 uint64_t index_addr, const uint8_t *index_bytes,
					 uint64_t *table_addr)
{
	uint16_t index[256];
	for (unsigned i = 0; i < 256; i++)
		index[i] = kc_get_le16(index_bytes + 2 * i);
	size_t span = (size_t)round_up8((uint64_t)index[255] + 257);
	if (index_addr < span)
		return kc_error_create(KC_ERR_LOOKUP, "no room for a token table");
	uint8_t *text = malloc(span);
	if (!text)
		return &kc_error_nomem;
	size_t readable;
	struct kc_error *err = read_window(read, arg, index_addr - span, text, span,
					   &readable);
	if (err) {
		free(text);
		return err;
	}
	/* Try each 8-aligned start from the closest. */
	for (uint64_t size = round_up8((uint64_t)index[255] + 2); size <= span; size += 8) {
		const uint8_t *start = text + (span - size);
		uint8_t lens[256];
		if (!check_token_table(index, start, (size_t)size, lens))
			continue;
		/* Only zero padding between the last token's NUL and the index. */
		size_t used = (size_t)index[255] + lens[255] + 1;
		if (used > size || size - used >= 8)
			continue;
		bool padded = true;
		for (size_t c = used; c < size; c++)
			padded = padded && start[c] == 0;
		if (!padded)
			continue;
		*table_addr = index_addr - size;
		free(text);
		return NULL;
	}
	free(text);
	return kc_error_create(KC_ERR_LOOKUP, "no token table before 0x%llx",
			       (unsigned long long)index_addr);
}

static uint64_t get_elem(const uint8_t *p, unsigned elem)
{
	return elem == 4 ? kc_get_le32(p) : kc_get_le64(p);
}

/*
 * The names before markers at MARKERS (NR_MARKERS entries of ELEM bytes,
 * values M): an 8-aligned start X whose num_syms (the word before it)
 * gives NR_MARKERS blocks of 256 and whose entries, walked, land on every
 * marker and end where the markers begin (rounded up to 8).
 */
static bool find_names(const uint8_t *win, uint64_t win_addr, size_t win_len,
		       uint64_t markers, const uint64_t *m, size_t nr_markers,
		       uint64_t *names_ret, uint32_t *nr_syms_ret)
{
	uint64_t last = m[nr_markers - 1];
	if (markers < win_addr + last + 16)
		return false;
	uint64_t hi = (markers - last - 2) & ~(uint64_t)7;
	uint64_t lo = markers - last - 256 * (uint64_t)MAX_ENTRY;
	if (lo < win_addr + 8 || lo > hi)
		lo = win_addr + 8;
	for (uint64_t x = hi; x >= lo; x -= 8) {
		const uint8_t *slot = win + (x - 8 - win_addr);
		uint32_t nr = kc_get_le32(slot);
		if (kc_get_le32(slot + 4) != 0 || nr == 0 || nr > MAX_SYMBOLS ||
		    (nr + 255) / 256 != nr_markers)
			continue;
		uint64_t off = 0;
		bool ok = true;
		for (uint32_t i = 0; i < nr && ok; i++) {
			if ((i & 255) == 0 && off != m[i >> 8])
				ok = false;
			if (!ok)
				break;
			if (x + off + 2 > win_addr + win_len) {
				ok = false; /* ran past the window: not these names */
				break;
			}
			const uint8_t *e = win + (x + off - win_addr);
			unsigned len = e[0];
			if (len & 0x80) {
				len = (len & 0x7f) | ((unsigned)e[1] << 7);
				off += 1;
			}
			off += 1 + (uint64_t)len;
			ok = len != 0;
		}
		if (ok && round_up8(x + off) == markers) {
			*names_ret = x;
			*nr_syms_ret = nr;
			return true;
		}
		if (x < 8)
			break;
	}
	return false;
}

/*
 * The markers: an array of ELEM-byte offsets starting at 0, each step a
 * block of 256 entries (at least two bytes each, bounded by MAX_ENTRY),
 * ending at END_LIMIT or before it; searched down from END_LIMIT (the
 * token table, or up to the size of kallsyms_seqs_of_names below it in
 * v6.2-v6.3). On success fills the names, num_syms and markers.
 */
static bool find_markers_and_names(const uint8_t *win, uint64_t win_addr,
				   size_t win_len, uint64_t token_table,
				   struct kc_kallsyms_location *loc, uint32_t *nr_syms)
{
	static const unsigned elems[] = {4, 8};
	uint64_t *m = malloc(sizeof(*m) * ((MAX_SYMBOLS >> 8) + 1));
	if (!m)
		return false;
	bool found = false;
	for (uint64_t q = (token_table - 8) & ~(uint64_t)7;
	     !found && q >= win_addr && q + 8 <= win_addr + win_len; q -= 8) {
		for (size_t e = 0; e < 2 && !found; e++) {
			unsigned elem = elems[e];
			const uint8_t *p = win + (q - win_addr);
			if (get_elem(p, elem) != 0)
				continue;
			size_t n = 1;
			m[0] = 0;
			while (q + (n + 1) * elem <= token_table && n <= (MAX_SYMBOLS >> 8)) {
				uint64_t v = get_elem(p + n * elem, elem);
				if (v < m[n - 1] + 2 * 256 || v > m[n - 1] + 256 * (uint64_t)MAX_ENTRY)
					break;
				m[n++] = v;
			}
			if (n < 2)
				continue;
			/*
			 * What follows the markers can pass for a few more
			 * (kallsyms_seqs_of_names, v6.2+ and 6.1.y stable):
			 * the names decide how many there are.
			 */
			uint64_t names;
			for (size_t k = n; k >= 2 && k + 4 >= n && !found; k--) {
				if (find_names(win, win_addr, win_len, q, m, k, &names, nr_syms)) {
					loc->markers = q;
					loc->names = names;
					loc->num_syms = names - 8;
					found = true;
				}
			}
		}
		if (q < win_addr + 8)
			break;
	}
	free(m);
	return found;
}

/* Does the table at LOC's offsets (NR entries) read as sorted addresses? */
static bool offsets_plausible(kc_kallsyms_read_fn *read, void *arg,
			      const struct kc_kallsyms_location *loc, uint32_t nr)
{
	size_t elem = loc->absolute ? 8 : 4;
	uint8_t *raw = malloc(nr * elem);
	if (!raw)
		return false;
	bool ok = false;
	struct kc_error *err = read(arg, loc->offsets, raw, nr * elem);
	if (!err) {
		uint64_t base = 0;
		uint8_t word[8];
		if (loc->absolute) {
			ok = sorted_by_address(ENC_ABSOLUTE, raw, loc->offsets, 0, nr) &&
			     kc_get_le64(raw) >= 0xffff000000000000ull;
		} else {
			if (loc->relative_base &&
			    !(err = read(arg, loc->relative_base, word, 8)))
				base = kc_get_le64(word);
			ok = (base >= 0xffff000000000000ull &&
			      sorted_by_address(ENC_BASE_RELATIVE, raw, loc->offsets, base, nr)) ||
			     sorted_by_address(ENC_PLACE_RELATIVE, raw, loc->offsets, 0, nr);
		}
	}
	kc_error_destroy(err);
	free(raw);
	return ok;
}

/*
 * Where the addresses are, given the names at LOC: before num_syms (up
 * to v6.3: offsets, relative_base, num_syms) or after the token index
 * (v6.4+: token_index, offsets, relative_base; v7.0 drops the base).
 */
static bool find_offsets(kc_kallsyms_read_fn *read, void *arg,
			 struct kc_kallsyms_location *loc, uint32_t nr)
{
	uint64_t after_index = loc->token_index + 512;
	struct kc_kallsyms_location tries[4];
	for (size_t i = 0; i < 4; i++)
		tries[i] = *loc;
	tries[0].relative_base = loc->num_syms - 8;
	tries[0].offsets = tries[0].relative_base - round_up8(4 * (uint64_t)nr);
	tries[1].offsets = after_index;
	tries[1].relative_base = round_up8(after_index + 4 * (uint64_t)nr);
	tries[2].absolute = true;
	tries[2].offsets = loc->num_syms - 8 * (uint64_t)nr;
	tries[3].absolute = true;
	tries[3].offsets = after_index;
	for (size_t i = 0; i < 4; i++) {
		if (offsets_plausible(read, arg, &tries[i], nr)) {
			*loc = tries[i];
			return true;
		}
	}
	return false;
}

struct kc_error *kc_kallsyms_locate_scan(kc_kallsyms_read_fn *read, void *arg,
					 uint64_t start, uint64_t end,
					 struct kc_kallsyms_location *loc)
{
	memset(loc, 0, sizeof(*loc));
	start &= ~(uint64_t)7;
	if (end <= start)
		return kc_error_create(KC_ERR_INVALID_ARG, "kallsyms scan: empty range");
	const size_t chunk = 1u << 20, overlap = 512;
	uint8_t *buf = malloc(chunk + overlap);
	if (!buf)
		return &kc_error_nomem;
	struct kc_error *err = NULL;
	size_t candidates = 0;
	uint64_t readable_total = 0;
	for (uint64_t at = start; at < end; at += chunk) {
		size_t len = end - at < chunk + overlap ? (size_t)(end - at) : chunk + overlap;
		size_t readable;
		err = read_window(read, arg, at, buf, len, &readable);
		if (err)
			break;
		readable_total += readable < chunk ? readable : chunk;
		for (size_t off = 0; off + 512 <= len && off < chunk; off += 8) {
			if (buf[off] || buf[off + 1] || !token_index_candidate(buf + off))
				continue;
			candidates++;
			struct kc_kallsyms_location found = {.token_index = at + off};
			struct kc_error *not_here = find_token_table(read, arg,
				found.token_index, buf + off, &found.token_table);
			if (not_here) {
				if (not_here->code != KC_ERR_LOOKUP) {
					err = not_here;
					break;
				}
				kc_error_destroy(not_here);
				continue;
			}
			/* The names and markers are below the token table. */
			uint64_t win_addr = found.token_table > start + SCAN_WINDOW ?
				found.token_table - SCAN_WINDOW : start;
			size_t win_len = (size_t)(found.token_table - win_addr);
			uint8_t *win = malloc(win_len ? win_len : 1);
			if (!win) {
				err = &kc_error_nomem;
				break;
			}
			size_t win_readable;
			err = read_window(read, arg, win_addr, win, win_len, &win_readable);
			uint32_t nr = 0;
			bool ok = !err && find_markers_and_names(win, win_addr, win_len,
								  found.token_table, &found, &nr);
			free(win);
			if (err)
				break;
			if (ok && find_offsets(read, arg, &found, nr)) {
				snprintf(found.source, sizeof(found.source),
					 "found by scanning the kernel image: token index at 0x%llx",
					 (unsigned long long)found.token_index);
				*loc = found;
				free(buf);
				return NULL;
			}
		}
	}
	free(buf);
	if (err)
		return err;
	return kc_error_create(KC_ERR_LOOKUP,
			       "no kallsyms tables in 0x%llx-0x%llx (%llu KiB readable, %zu token-index candidates, none with names, markers and sorted addresses)",
			       (unsigned long long)start, (unsigned long long)end,
			       (unsigned long long)(readable_total >> 10), candidates);
}

/* ---- decoding ------------------------------------------------------------- */

struct kc_error *kc_kallsyms_decode(kc_kallsyms_read_fn *read, void *arg,
				    const struct kc_kallsyms_location *loc,
				    const struct kc_kallsyms_expect *expect,
				    uint64_t kaslr_offset, struct kc_symtab **ret)
{
	uint64_t runtime_stext = expect->stext;
	uint8_t word[8];
	struct kc_error *err = read(arg, loc->num_syms, word, 4);
	if (err)
		return kc_error_prefix(err, "kallsyms_num_syms at 0x%llx",
				       (unsigned long long)loc->num_syms);
	uint32_t nr = kc_get_le32(word);
	if (nr == 0 || nr > MAX_SYMBOLS)
		return kc_error_address(KC_ERR_FORMAT, loc->num_syms,
					"kallsyms_num_syms at 0x%llx is %u, expected 1 to %u",
					(unsigned long long)loc->num_syms, nr, MAX_SYMBOLS);
	struct token_table *tok = malloc(sizeof(*tok));
	struct names_reader *nr_reader = malloc(sizeof(*nr_reader));
	/* Grown as names decode: a damaged num_syms allocates nothing big. */
	size_t symbols_cap = nr < 4096 ? nr : 4096;
	struct kc_symbol *symbols = malloc(sizeof(*symbols) * symbols_cap);
	size_t elem = loc->absolute ? 8 : 4;
	uint8_t *raw = NULL;
	size_t arena_size = 16u << 10, arena_len = 0;
	char *arena = malloc(arena_size);
	if (!tok || !nr_reader || !symbols || !arena) {
		err = &kc_error_nomem;
		goto out;
	}
	err = read_token_table(read, arg, loc, tok);
	if (err)
		goto out;
	*nr_reader = (struct names_reader){.read = read, .arg = arg, .start = loc->names};
	/* Names first, into the arena; symbols[i].name holds an arena offset. */
	for (uint32_t i = 0; i < nr; i++) {
		if ((i & 4095) == 0 && (err = kc_check_interrupt()))
			goto out;
		unsigned len;
		err = names_entry_len(nr_reader, &len);
		if (err)
			goto out;
		if (arena_size - arena_len < MAX_NAME + 1) {
			char *grown = realloc(arena, arena_size * 2);
			if (!grown) {
				err = &kc_error_nomem;
				goto out;
			}
			arena = grown;
			arena_size *= 2;
		}
		char *name = arena + arena_len;
		size_t name_len = 0;
		for (unsigned t = 0; t < len; t++) {
			uint8_t token;
			err = names_byte(nr_reader, &token);
			if (err)
				goto out;
			size_t tlen = tok->len[token];
			if (name_len + tlen > MAX_NAME) {
				err = kc_error_create(KC_ERR_FORMAT,
						      "kallsyms_names at 0x%llx: symbol %u expands past %u characters",
						      (unsigned long long)loc->names, i, MAX_NAME);
				goto out;
			}
			memcpy(name + name_len, tok->text + tok->index[token], tlen);
			name_len += tlen;
		}
		/* The first character is the type letter (nm's). */
		if (name_len < 2 || !((name[0] >= 'a' && name[0] <= 'z') ||
				      (name[0] >= 'A' && name[0] <= 'Z'))) {
			err = kc_error_create(KC_ERR_FORMAT,
					      "kallsyms_names at 0x%llx: symbol %u (offset %llu) is \"%.*s\", expected a type letter and a name",
					      (unsigned long long)loc->names, i,
					      (unsigned long long)nr_reader->pos, (int)name_len, name);
			goto out;
		}
		if (i == symbols_cap) {
			size_t cap = symbols_cap * 2 < nr ? symbols_cap * 2 : nr;
			struct kc_symbol *grown = realloc(symbols, sizeof(*symbols) * cap);
			if (!grown) {
				err = &kc_error_nomem;
				goto out;
			}
			symbols = grown;
			symbols_cap = cap;
		}
		symbols[i] = (struct kc_symbol){
			.type = name[0],
			.name = (const char *)(uintptr_t)(arena_len + 1),
		};
		name[name_len] = '\0';
		arena_len += name_len + 1;
	}
	raw = malloc(elem * nr);
	if (!raw) {
		err = &kc_error_nomem;
		goto out;
	}
	err = read(arg, loc->offsets, raw, elem * nr);
	if (err) {
		err = kc_error_prefix(err, "%s at 0x%llx (%u entries)",
				      loc->absolute ? "kallsyms_addresses" : "kallsyms_offsets",
				      (unsigned long long)loc->offsets, nr);
		goto out;
	}
	/* Which encoding: the one that sorts and puts _stext where VMCOREINFO does. */
	size_t stext = nr;
	for (uint32_t i = 0; i < nr && stext == nr; i++) {
		if (strcmp(arena + (uintptr_t)symbols[i].name, "_stext") == 0)
			stext = i;
	}
	uint64_t base = 0;
	if (loc->relative_base) {
		err = read(arg, loc->relative_base, word, 8);
		if (err) {
			err = kc_error_prefix(err, "kallsyms_relative_base at 0x%llx",
					      (unsigned long long)loc->relative_base);
			goto out;
		}
		base = kc_get_le64(word);
	}
	enum address_encoding tries[3];
	size_t nr_tries = 0;
	if (loc->absolute) {
		tries[nr_tries++] = ENC_ABSOLUTE;
	} else {
		if (loc->relative_base)
			tries[nr_tries++] = ENC_BASE_RELATIVE;
		tries[nr_tries++] = ENC_PLACE_RELATIVE;
	}
	char why[320] = "";
	enum address_encoding encoding = ENC_ABSOLUTE;
	bool chosen = false;
	for (size_t t = 0; t < nr_tries && !chosen; t++) {
		size_t used = strlen(why);
		if (!sorted_by_address(tries[t], raw, loc->offsets, base, nr)) {
			snprintf(why + used, sizeof(why) - used, "%s%s: not sorted",
				 used ? "; " : "", encoding_names[tries[t]]);
			continue;
		}
		if (!runtime_stext && stext < nr && expect->image_end) {
			/* No _stext to compare: it must be in the image, and a
			 * base-relative table must start at its base. */
			uint64_t got = symbol_address(tries[t], raw, loc->offsets, base, stext);
			bool first_at_base = tries[t] != ENC_BASE_RELATIVE || kc_get_le32(raw) == 0;
			chosen = got >= expect->image_start && got < expect->image_end &&
				 first_at_base;
			if (!chosen)
				snprintf(why + used, sizeof(why) - used,
					 "%s%s: _stext at 0x%llx, %s", used ? "; " : "",
					 encoding_names[tries[t]], (unsigned long long)got,
					 first_at_base ? "outside the kernel image" :
							 "the first offset is not 0");
		} else if (!runtime_stext) {
			chosen = stext < nr || !expect->image_end; /* nothing else to check */
		} else if (stext == nr) {
			break;
		} else {
			uint64_t got = symbol_address(tries[t], raw, loc->offsets, base, stext);
			chosen = got == runtime_stext;
			if (!chosen)
				snprintf(why + used, sizeof(why) - used, "%s%s: _stext at 0x%llx",
					 used ? "; " : "", encoding_names[tries[t]],
					 (unsigned long long)got);
		}
		if (chosen)
			encoding = tries[t];
	}
	if (!chosen) {
		if (stext == nr)
			snprintf(why, sizeof(why), "no _stext among the %u symbols", nr);
		if (runtime_stext)
			err = kc_error_create(KC_ERR_FORMAT,
					      "kallsyms (%s) does not match the dump: VMCOREINFO puts _stext at 0x%llx, but %s",
					      loc->source, (unsigned long long)runtime_stext, why);
		else
			err = kc_error_create(KC_ERR_FORMAT,
					      "kallsyms (%s) does not match the dump: the kernel image is 0x%llx-0x%llx, but %s",
					      loc->source, (unsigned long long)expect->image_start,
					      (unsigned long long)expect->image_end, why);
		goto out;
	}
	for (uint32_t i = 0; i < nr; i++) {
		symbols[i].addr = symbol_address(encoding, raw, loc->offsets, base, i) -
				  kaslr_offset;
		symbols[i].name = arena + (uintptr_t)symbols[i].name;
	}
	char origin[256];
	snprintf(origin, sizeof(origin), "kallsyms in dump (%s)", loc->source);
	err = kc_symtab_create_ordered("kallsyms", origin, symbols, nr, arena, ret);
	symbols = NULL;
	arena = NULL;
out:
	free(tok);
	free(nr_reader);
	free(symbols);
	free(raw);
	free(arena);
	return err;
}
