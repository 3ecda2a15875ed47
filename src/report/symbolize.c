/* SPDX-License-Identifier: MIT */
/*
 * Reports against the kernel image they came from: a vmlinux opened alone
 * (its ELF symbol table and DWARF line tables, no dump) names the raw
 * addresses a report prints and gives culprits their file:line; or a
 * dump's session does the latter with its own symbols and DWARF.
 */
#include <ctype.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kcrash/symbols.h>

#include "../error.h"
#include "report_internal.h"

struct rsym {
	uint64_t addr, size;
	const char *name;
};

struct kc_report_vmlinux {
	int fd;
	Elf *elf;
	Dwarf *dwarf;        /* NULL without DWARF: no source lines */
	struct rsym *syms;   /* text symbols by address */
	size_t nr_syms;
	struct rsym **by_name;
	char *path;
};

static int cmp_addr(const void *a, const void *b)
{
	const struct rsym *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_name(const void *a, const void *b)
{
	const struct rsym *const *x = a, *const *y = b;
	int c = strcmp((*x)->name, (*y)->name);
	if (c)
		return c;
	return (*x)->addr < (*y)->addr ? -1 : (*x)->addr > (*y)->addr;
}

void kc_report_vmlinux_close(struct kc_report_vmlinux *v)
{
	if (!v)
		return;
	if (v->dwarf)
		dwarf_end(v->dwarf);
	if (v->elf)
		elf_end(v->elf);
	if (v->fd >= 0)
		close(v->fd);
	free(v->syms);
	free(v->by_name);
	free(v->path);
	free(v);
}

struct kc_error *kc_report_vmlinux_open(const char *path, struct kc_report_vmlinux **out)
{
	*out = NULL;
	struct kc_report_vmlinux *v = calloc(1, sizeof(*v));
	if (!v)
		return &kc_error_nomem;
	v->fd = -1;
	v->path = strdup(path);
	if (!v->path) {
		free(v);
		return &kc_error_nomem;
	}
	struct kc_error *err = NULL;
	elf_version(EV_CURRENT);
	v->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (v->fd < 0) {
		err = kc_error_create(KC_ERR_OS, "%s: %s", path, strerror(errno));
		goto fail;
	}
	v->elf = elf_begin(v->fd, ELF_C_READ_MMAP, NULL);
	if (!v->elf || elf_kind(v->elf) != ELF_K_ELF) {
		err = kc_error_create(KC_ERR_FORMAT, "%s: offset 0x0: not an ELF file", path);
		goto fail;
	}
	Elf_Scn *scn = NULL;
	size_t cap = 0;
	while ((scn = elf_nextscn(v->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data || !sh.sh_entsize)
			continue;
		size_t count = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; i < count; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(data, (int)i, &sym))
				continue;
			int type = GELF_ST_TYPE(sym.st_info);
			if ((type != STT_FUNC && type != STT_NOTYPE) || sym.st_shndx == SHN_UNDEF ||
			    !sym.st_value)
				continue;
			const char *name = elf_strptr(v->elf, sh.sh_link, sym.st_name);
			if (!name || !*name || name[0] == '$')
				continue;
			if (v->nr_syms == cap) {
				size_t c = cap ? cap * 2 : 4096;
				struct rsym *s = realloc(v->syms, c * sizeof(*s));
				if (!s) {
					err = &kc_error_nomem;
					goto fail;
				}
				v->syms = s;
				cap = c;
			}
			v->syms[v->nr_syms++] = (struct rsym){sym.st_value, sym.st_size, name};
		}
	}
	if (!v->nr_syms) {
		err = kc_error_create(KC_ERR_FORMAT, "%s: no symbol table (.symtab) with functions",
				      path);
		goto fail;
	}
	qsort(v->syms, v->nr_syms, sizeof(*v->syms), cmp_addr);
	v->by_name = malloc(v->nr_syms * sizeof(*v->by_name));
	if (!v->by_name) {
		err = &kc_error_nomem;
		goto fail;
	}
	for (size_t i = 0; i < v->nr_syms; i++)
		v->by_name[i] = &v->syms[i];
	qsort(v->by_name, v->nr_syms, sizeof(*v->by_name), cmp_name);
	v->dwarf = dwarf_begin_elf(v->elf, DWARF_C_READ, NULL);
	*out = v;
	return NULL;
fail:
	kc_report_vmlinux_close(v);
	return err;
}

/* The symbol NAME (the one of size SIZE when several), or NULL. */
static const struct rsym *by_name(const struct kc_report_vmlinux *v, const char *name,
				  uint64_t size)
{
	size_t lo = 0, hi = v->nr_syms;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(v->by_name[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct rsym *first = NULL;
	for (size_t i = lo; i < v->nr_syms && strcmp(v->by_name[i]->name, name) == 0; i++) {
		if (!first)
			first = v->by_name[i];
		if (size && v->by_name[i]->size == size)
			return v->by_name[i];
	}
	return first;
}

/* The function holding link-time address ADDR, or NULL. */
static const struct rsym *by_addr(const struct kc_report_vmlinux *v, uint64_t addr)
{
	size_t lo = 0, hi = v->nr_syms;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const struct rsym *s = &v->syms[lo - 1];
	uint64_t end = s->size ? s->addr + s->size : (lo < v->nr_syms ? v->syms[lo].addr : s->addr);
	return addr < end ? s : NULL;
}

/* File and line of link-time ADDR from the DWARF; false when unknown. */
static bool source_line(const struct kc_report_vmlinux *v, uint64_t addr, const char **file,
			int *line)
{
	if (!v->dwarf)
		return false;
	Dwarf_Die cu;
	if (!dwarf_addrdie(v->dwarf, addr, &cu))
		return false;
	Dwarf_Line *l = dwarf_getsrc_die(&cu, addr);
	if (!l)
		return false;
	*file = dwarf_linesrc(l, NULL, NULL);
	if (dwarf_lineno(l, line) != 0 || !*file)
		return false;
	return true;
}

/* The printed "0x..." raw addresses of TEXT named, into a new string. */
static char *name_raw_addresses(const struct kc_report_vmlinux *v, const char *text,
				int64_t kaslr, bool *changed)
{
	struct kc_sbuf sb = {0};
	*changed = false;
	for (const char *p = text; *p;) {
		bool boundary = p == text || p[-1] == ' ' || p[-1] == '\n';
		if (boundary && p[0] == '0' && p[1] == 'x') {
			const char *q = p + 2;
			uint64_t a = 0;
			int nd = 0;
			while (isxdigit((unsigned char)*q) && nd < 16) {
				int c = tolower((unsigned char)*q++);
				a = a * 16 + (uint64_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
				nd++;
			}
			if (nd >= 8 && (*q == '\n' || *q == ' ' || *q == '\0') && *q != '+') {
				const struct rsym *s = by_addr(v, a - (uint64_t)kaslr);
				if (s) {
					char buf[512];
					snprintf(buf, sizeof(buf), "%s+0x%" PRIx64 "/0x%" PRIx64, s->name,
						 a - (uint64_t)kaslr - s->addr, s->size);
					kc_sbuf_add(&sb, buf);
					p = q;
					*changed = true;
					continue;
				}
			}
		}
		kc_sbuf_addc(&sb, *p++);
	}
	return kc_sbuf_take(&sb);
}

/* KASLR offset: "Kernel Offset: 0x..", or frames printing an address and a name. */
static bool find_kaslr(const struct kc_report_vmlinux *v, const struct kc_report_list *list,
		       int64_t *kaslr)
{
	for (size_t i = 0; i < list->count; i++) {
		const char *k = strstr(list->reports[i].text, "Kernel Offset: 0x");
		if (k) {
			*kaslr = (int64_t)strtoull(k + 15, NULL, 16);
			return true;
		}
	}
	for (size_t i = 0; i < list->count; i++) {
		const struct kc_report *r = &list->reports[i];
		for (size_t f = 0; f < r->nr_frames; f++) {
			const struct kc_report_frame *fr = &r->frames[f];
			if (!fr->has_address || !fr->function || !fr->has_offset || fr->module)
				continue;
			const struct rsym *s = by_name(v, fr->function, fr->size);
			if (s) {
				*kaslr = (int64_t)(fr->address - (s->addr + fr->offset));
				return true;
			}
		}
	}
	return false;
}

static struct kc_error *set_error(struct kc_report *r, const char *fmt, const char *a,
				  const char *b)
{
	free(r->culprit_source_error);
	if (asprintf(&r->culprit_source_error, fmt, a, b) < 0) {
		r->culprit_source_error = NULL;
		return &kc_error_nomem;
	}
	return NULL;
}

struct kc_error *kc_report_symbolize(struct kc_report_list *list,
				     struct kc_report_vmlinux *v)
{
	int64_t kaslr = 0;
	bool have_kaslr = find_kaslr(v, list, &kaslr);
	for (size_t i = 0; i < list->count; i++) {
		struct kc_report *r = &list->reports[i];
		bool raw = false;
		for (size_t f = 0; f < r->nr_frames && !raw; f++)
			raw = r->frames[f].has_address && !r->frames[f].function &&
			      !r->frames[f].module;
		if (raw) {
			bool changed;
			char *text = name_raw_addresses(v, r->text, kaslr, &changed);
			if (!text)
				return &kc_error_nomem;
			if (changed) {
				free(r->text);
				r->text = text;
				struct kc_error *err = kc_report_refresh(r);
				if (err)
					return err;
			} else {
				free(text);
			}
		}
		(void)have_kaslr;
		/* Source lines of the vmlinux frames. */
		for (size_t f = 0; f < r->nr_frames; f++) {
			struct kc_report_frame *fr = &r->frames[f];
			if (!fr->function || fr->module || fr->file || !fr->has_offset)
				continue;
			const struct rsym *s = by_name(v, fr->function, fr->size);
			const char *file;
			int line;
			if (s && source_line(v, s->addr + fr->offset - (fr->is_pc ? 0 : 1),
					     &file, &line)) {
				fr->file = strdup(file);
				if (!fr->file)
					return &kc_error_nomem;
				fr->line = line;
			}
		}
		free(r->culprit_file);
		r->culprit_file = NULL;
		r->culprit_line = 0;
		free(r->culprit_source_error);
		r->culprit_source_error = NULL;
		struct kc_error *err = NULL;
		if (r->culprit_frame == KC_REPORT_NO_FRAME) {
			err = set_error(r, "%s%s", "no culprit frame", "");
		} else {
			struct kc_report_frame *fr = &r->frames[r->culprit_frame];
			if (fr->module)
				err = set_error(r, "%s is in module %s: its debug info is not loaded",
						fr->function ? fr->function : "the culprit", fr->module);
			else if (!v->dwarf)
				err = set_error(r, "%s: no DWARF (a debug vmlinux has it)", v->path, "");
			else if (!fr->file)
				err = set_error(r, "%s: no line for %s in the DWARF", v->path,
						fr->function ? fr->function : "the culprit");
			else if (!(r->culprit_file = strdup(fr->file)))
				err = &kc_error_nomem;
			else
				r->culprit_line = fr->line;
		}
		if (err)
			return err;
	}
	return NULL;
}

/*
 * A return address the log prints as "f+0x0/..." is not in f: the call
 * before it was the last instruction of the function before f (a call to
 * a noreturn function such as panic()). With the dump's symbols, name the
 * function holding the call (address - 4). The title and the signature
 * stay as the log gives them, so a dump and its console log agree.
 */
static struct kc_error *fix_return_at_start(struct kc_session *session,
					     struct kc_report_frame *fr)
{
	if (!fr->function || fr->is_pc || !fr->has_offset || fr->offset != 0)
		return NULL;
	uint64_t addr;
	struct kc_error *err = kc_symbol_lookup(session, fr->function, fr->module, &addr);
	struct kc_symbolized caller;
	if (!err)
		err = kc_symbolize(session, addr - 4, &caller);
	if (err) {
		kc_error_destroy(err); /* the printed name is all there is */
		return NULL;
	}
	if (!strcmp(caller.name, fr->function))
		return NULL;
	char *function = strdup(caller.name);
	char *name = strndup(caller.name, strcspn(caller.name, "."));
	if (!function || !name) {
		free(function);
		free(name);
		return &kc_error_nomem;
	}
	free(fr->function);
	free(fr->name);
	fr->function = function;
	fr->name = name;
	fr->offset = caller.offset + 4;
	fr->size = caller.size;
	return NULL;
}

struct kc_error *kc_report_session_lines(struct kc_session *session,
					 struct kc_report_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		struct kc_report *r = &list->reports[i];
		for (size_t f = 1; f < r->nr_frames; f++) {
			struct kc_error *err = fix_return_at_start(session, &r->frames[f]);
			if (err)
				return err;
		}
		free(r->culprit_file);
		r->culprit_file = NULL;
		r->culprit_line = 0;
		free(r->culprit_source_error);
		r->culprit_source_error = NULL;
		struct kc_error *err = NULL;
		if (r->culprit_frame == KC_REPORT_NO_FRAME) {
			err = set_error(r, "%s%s", "no culprit frame", "");
			if (err)
				return err;
			continue;
		}
		struct kc_report_frame *fr = &r->frames[r->culprit_frame];
		if (fr->file) {
			if (!(r->culprit_file = strdup(fr->file)))
				return &kc_error_nomem;
			r->culprit_line = fr->line;
			continue;
		}
		if (fr->module) {
			err = set_error(r, "%s is in module %s: its debug info is not loaded",
					fr->function ? fr->function : "the culprit", fr->module);
			if (err)
				return err;
			continue;
		}
		uint64_t addr;
		struct kc_error *lerr = fr->function ? kc_symbol_lookup(session, fr->function, NULL, &addr)
					 : kc_error_create(KC_ERR_LOOKUP, "a raw address");
		const char *file;
		int line;
		if (!lerr)
			lerr = kc_symbol_source_line(session,
						     addr + fr->offset - (fr->is_pc ? 0 : 1),
						     &file, &line);
		if (lerr) {
			err = set_error(r, "%s: %s", fr->function ? fr->function : "culprit",
					kc_error_message(lerr));
			kc_error_destroy(lerr);
			if (err)
				return err;
			continue;
		}
		if (!(r->culprit_file = strdup(file)))
			return &kc_error_nomem;
		r->culprit_line = line;
	}
	return NULL;
}
