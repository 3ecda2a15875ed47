/* SPDX-License-Identifier: MIT */
#include "dwarf.h"

#include "debugcopy.h"
#include "dwarfskim.h"

/* elfutils' <dwarf.h>: DW_* constants (ours is "dwarf.h", found first). */
#include <dwarf.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * The index, identical in memory and in the cache file (host byte order;
 * a foreign file fails the magic/version check):
 * header | entries[nr_entries] | slots[nr_slots] | names (NUL-terminated).
 * slots is an open-addressing hash of (ns, name): entry index + 1, 0 empty.
 */
#define INDEX_MAGIC "KCDWIDX\0"
#define INDEX_VERSION 1

struct index_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint8_t build_id[64];
	uint32_t build_id_len;
	uint32_t nr_entries;
	uint64_t vmlinux_size;
	int64_t vmlinux_mtime_sec;
	int64_t vmlinux_mtime_nsec;
	uint64_t entries_offset;
	uint64_t slots_offset;
	uint64_t nr_slots;
	uint64_t names_offset;
	uint64_t names_size;
	uint64_t file_size;
};

struct index_entry {
	uint64_t die_offset;
	uint32_t name_offset;
	uint32_t parent_delta; /* enumerator: die_offset minus its enum's */
	uint8_t ns;
	uint8_t flags;
	uint8_t pad[6];
};

/* A validated view of an index blob (malloc'd or mmap'd). */
struct index_view {
	const struct index_header *hdr;
	const struct index_entry *entries;
	const uint32_t *slots;
	const char *names;
	void *blob;
	size_t blob_size;
	bool mapped;
};

struct index_builder;

struct kc_dwarf {
	char *path;
	int fd;
	Elf *elf;
	Dwarf *dwarf; /* set up on the first lookup */
	Dwfl *dwfl;   /* owns dwarf for a relocatable object (.ko) */
	/* The cached uncompressed copy of compressed debug sections, if used. */
	int debug_fd;
	Elf *debug_elf;
	/*
	 * A copy inflated as lookups need it, in memory (debug_elf is over its
	 * image, which lives as long as dw), and the .debug_info offset of the
	 * next unit the partial index will scan. Finished (inflated whole and
	 * written to the cache) once anything needs more than units.
	 */
	struct kc_debugcopy *copy_partial;
	uint64_t next_unit_offset;
	/* Why no uncompressed copy could be made, for DWARF errors that follow. */
	char *copy_error;
	uint8_t build_id[64];
	size_t build_id_len;
	struct stat st;
	uint64_t percpu_start, percpu_end;
	bool has_debug_info;
	char *description;
	struct index_view index;
	/*
	 * Cold (no usable cache file), the index is built unit by unit, only
	 * as far as lookups need: a name is looked for in the units scanned so
	 * far, then in the next ones. A miss scans them all; the complete
	 * index then becomes `index' and is written to the cache.
	 */
	struct index_builder *partial;
	Dwarf_CU *partial_cu; /* the last unit scanned, NULL before the first */
	/* Units read straight from their bytes (src/dwarfskim.h), when they can be. */
	struct kc_skimmer *skimmer;
	struct kc_skim_sections skim_sections;
	bool skim_sections_read;
	uint64_t skim_error_offset;
	struct kc_dwarf_index_info info;
};

static char *cache_path_ext(const struct kc_dwarf *dw, const char *ext);
static void make_dirs(const char *path);
static void builder_free(struct index_builder *b);
static bool write_cache(const char *path, const struct index_view *view);

/* ---- opening ------------------------------------------------------------ */

static void read_sections(struct kc_dwarf *dw)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(dw->elf, &shstrndx) != 0)
		return;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(dw->elf, scn))) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr))
			continue;
		const char *name = elf_strptr(dw->elf, shstrndx, shdr.sh_name);
		if (!name)
			continue;
		if (strcmp(name, ".data..percpu") == 0) {
			dw->percpu_start = shdr.sh_addr;
			dw->percpu_end = shdr.sh_addr + shdr.sh_size;
		} else if (strcmp(name, ".debug_info") == 0 ||
			   strcmp(name, ".zdebug_info") == 0) {
			dw->has_debug_info = true;
			if (name[1] == 'z' || (shdr.sh_flags & SHF_COMPRESSED))
				dw->info.compressed_debug = true;
		}
	}
}

static struct kc_error *check_build_id(struct kc_dwarf *dw,
				       const uint8_t *build_id, size_t len)
{
	const void *own = NULL;
	ssize_t own_len = dwelf_elf_gnu_build_id(dw->elf, &own);
	if (own_len > (ssize_t)sizeof(dw->build_id))
		own_len = 0;
	if (build_id && len) {
		if (own_len > 0 &&
		    ((size_t)own_len != len || memcmp(own, build_id, len) != 0))
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "%s: build id differs from the one expected",
					       dw->path);
		if (len > sizeof(dw->build_id))
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "%s: build id of %zu bytes is too long",
					       dw->path, len);
		memcpy(dw->build_id, build_id, len);
		dw->build_id_len = len;
	} else if (own_len > 0) {
		memcpy(dw->build_id, own, (size_t)own_len);
		dw->build_id_len = (size_t)own_len;
	}
	return NULL;
}

struct kc_error *kc_dwarf_open(const char *path, const uint8_t *build_id,
			       size_t len, struct kc_dwarf **ret)
{
	elf_version(EV_CURRENT);
	struct kc_dwarf *dw = calloc(1, sizeof(*dw));
	if (!dw || !(dw->path = strdup(path))) {
		free(dw);
		return &kc_error_nomem;
	}
	struct kc_error *err = NULL;
	dw->debug_fd = -1;
	dw->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (dw->fd < 0 || fstat(dw->fd, &dw->st) != 0) {
		err = kc_error_os(errno, "%s", path);
		goto fail;
	}
	/* Mapped: uncompressed debug sections are paged in as DIEs are read. */
	dw->elf = elf_begin(dw->fd, ELF_C_READ_MMAP, NULL);
	if (!dw->elf || elf_kind(dw->elf) != ELF_K_ELF) {
		err = kc_error_create(KC_ERR_FORMAT, "%s: not an ELF file", path);
		goto fail;
	}
	read_sections(dw);
	if (asprintf(&dw->description, "DWARF of %s", path) < 0) {
		dw->description = NULL;
		err = &kc_error_nomem;
		goto fail;
	}
	err = check_build_id(dw, build_id, len);
	if (err)
		goto fail;
	*ret = dw;
	return NULL;

fail:
	kc_dwarf_close(dw);
	return err;
}

static void index_view_release(struct index_view *view)
{
	if (view->mapped)
		munmap(view->blob, view->blob_size);
	else
		free(view->blob);
	memset(view, 0, sizeof(*view));
}

void kc_dwarf_close(struct kc_dwarf *dw)
{
	if (!dw)
		return;
	index_view_release(&dw->index);
	builder_free(dw->partial);
	kc_skimmer_free(dw->skimmer);
	if (dw->dwfl)
		dwfl_end(dw->dwfl);
	else if (dw->dwarf)
		dwarf_end(dw->dwarf);
	if (dw->debug_elf)
		elf_end(dw->debug_elf);
	if (dw->debug_fd >= 0)
		close(dw->debug_fd);
	kc_debugcopy_free(dw->copy_partial);
	free(dw->copy_error);
	if (dw->elf)
		elf_end(dw->elf);
	if (dw->fd >= 0)
		close(dw->fd);
	free(dw->path);
	free(dw->description);
	free(dw);
}

const char *kc_dwarf_description(const struct kc_dwarf *dw)
{
	return dw->description ? dw->description : dw->path;
}

bool kc_dwarf_has_debug_info(const struct kc_dwarf *dw)
{
	return dw->has_debug_info;
}

void kc_dwarf_index_info(const struct kc_dwarf *dw,
			 struct kc_dwarf_index_info *info)
{
	*info = dw->info;
}

/*
 * A relocatable object's (a module .ko's) DWARF refers to .debug_str and
 * the other sections through relocations (RELA: the bytes in place are 0),
 * which libdw alone does not apply; libdwfl's offline mode does. DIE
 * offsets are the same either way, so the index and its cache still hold.
 */
static Dwarf *relocated_dwarf(struct kc_dwarf *dw)
{
	static const Dwfl_Callbacks callbacks = {
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.section_address = dwfl_offline_section_address,
	};
	dw->dwfl = dwfl_begin(&callbacks);
	if (!dw->dwfl)
		return NULL;
	Dwfl_Module *mod = dwfl_report_offline(dw->dwfl, "", dw->path, -1);
	if (dwfl_report_end(dw->dwfl, NULL, NULL) != 0 || !mod)
		return NULL;
	Dwarf_Addr bias;
	return dwfl_module_getdwarf(mod, &bias);
}

/* The cached copy at PATH, if it is an ELF of this build id with DWARF. */
static bool map_debug_copy(struct kc_dwarf *dw, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	const void *id = NULL;
	ssize_t id_len = elf ? dwelf_elf_gnu_build_id(elf, &id) : -1;
	if (!elf || id_len <= 0 || (size_t)id_len != dw->build_id_len ||
	    memcmp(id, dw->build_id, dw->build_id_len) != 0) {
		if (elf)
			elf_end(elf);
		close(fd);
		return false;
	}
	dw->debug_fd = fd;
	dw->debug_elf = elf;
	return true;
}

/* The copy being inflated, in memory. */
static bool map_debug_image(struct kc_dwarf *dw, const struct kc_debugcopy *copy)
{
	size_t size;
	const uint8_t *image = kc_debugcopy_image(copy, &size);
	/* libelf only reads an image it did not byte-swap (same byte order). */
	dw->debug_elf = elf_memory((char *)(uintptr_t)image, size);
	return dw->debug_elf != NULL;
}

/*
 * A vmlinux with compressed debug sections: map the uncompressed copy in
 * the cache, writing it on first use (src/debugcopy.c). False to use the
 * vmlinux itself (no cache directory, no build id, or writing failed).
 */
static bool open_debug_copy(struct kc_dwarf *dw)
{
	if (!dw->info.compressed_debug || !kc_debugcopy_needed(dw->elf))
		return false;
	char *path = cache_path_ext(dw, ".debug");
	if (!path)
		return false;
	bool mapped = map_debug_copy(dw, path);
	if (!mapped) {
		char *slash = strrchr(path, '/');
		if (slash) {
			*slash = '\0';
			make_dirs(path); /* the cache directory */
			*slash = '/';
		}
		/*
		 * Inflated as lookups need it (src/debugcopy.h): a first run
		 * pays for the units it reads, not for the whole .debug_info.
		 */
		struct kc_debugcopy *copy = NULL;
		uint64_t first_end;
		struct kc_error *err = kc_debugcopy_begin(dw->elf, path, &copy);
		if (!err)
			err = kc_debugcopy_ensure_unit(copy, 0, &first_end);
		if (!err && map_debug_image(dw, copy)) {
			dw->copy_partial = copy;
			dw->next_unit_offset = 0;
			dw->info.debug_copy_partial = true;
			mapped = true;
		} else {
			kc_debugcopy_free(copy);
			kc_error_destroy(err);
			err = kc_debugcopy_write(dw->elf, path);
			mapped = !err && map_debug_copy(dw, path);
		}
		if (err && !dw->copy_error)
			dw->copy_error = strdup(kc_error_message(err));
		kc_error_destroy(err);
	}
	free(path);
	return mapped;
}

/* Inflate what the copy still lacks (before anything reads beyond units). */
static struct kc_error *complete_debug_copy(struct kc_dwarf *dw)
{
	if (!dw->copy_partial)
		return NULL;
	struct kc_error *err = kc_debugcopy_finish(dw->copy_partial);
	if (err)
		return kc_error_prefix(err, "%s: the uncompressed copy of its debug sections", dw->path);
	/* libdw goes on reading the image: it is freed with dw. */
	dw->info.debug_copy_partial = false;
	return NULL;
}

static struct kc_error *ensure_dwarf(struct kc_dwarf *dw)
{
	if (dw->dwarf)
		return NULL;
	if (!dw->has_debug_info)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "%s has no DWARF debug info (kcrash needs a vmlinux built with CONFIG_DEBUG_INFO)",
					       dw->path);
	GElf_Ehdr ehdr;
	bool relocatable = gelf_getehdr(dw->elf, &ehdr) && ehdr.e_type == ET_REL;
	if (relocatable)
		dw->dwarf = relocated_dwarf(dw);
	else if (open_debug_copy(dw) &&
		 (dw->dwarf = dwarf_begin_elf(dw->debug_elf, DWARF_C_READ, NULL)))
		dw->info.uses_debug_copy = true;
	if (!dw->dwarf && !relocatable) {
		/* No usable copy (or a damaged one): inflate the vmlinux's own. */
		if (dw->debug_elf) {
			elf_end(dw->debug_elf);
			if (dw->debug_fd >= 0)
				close(dw->debug_fd);
			dw->debug_elf = NULL;
			dw->debug_fd = -1;
		}
		dw->dwarf = dwarf_begin_elf(dw->elf, DWARF_C_READ, NULL);
	}
	if (!dw->dwarf)
		return kc_error_create(KC_ERR_FORMAT, "%s: DWARF: %s", dw->path,
				       dwarf_errmsg(-1));
	return NULL;
}

/* ---- the index: building ------------------------------------------------ */

static uint64_t hash_name(unsigned ns, const char *name)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 1099511628211ull;
	return (h ^ ns) * 0x9e3779b97f4a7c15ull;
}

struct index_builder {
	struct index_entry *entries;
	size_t nr_entries, entries_cap;
	char *names;
	size_t names_len, names_cap;
	uint32_t *slots;
	uint32_t *tags; /* each slot's name hash, high half: most probes skip strcmp */
	size_t nr_slots;
	/*
	 * The last name hashed by builder_contains or builder_add: an index
	 * walk asks whether a name is there, then adds it (index_die), one
	 * hash for both. Only for names in the DWARF sections, which do not
	 * move or change while the builder lives.
	 */
	const char *hashed_name;
	unsigned hashed_ns;
	uint64_t hashed;
};

static const char *builder_name(const struct index_builder *b, size_t i)
{
	return b->names + b->entries[i].name_offset;
}

static uint64_t builder_hash(struct index_builder *b, unsigned ns, const char *name)
{
	if (name != b->hashed_name || ns != b->hashed_ns) {
		b->hashed_name = name;
		b->hashed_ns = ns;
		b->hashed = hash_name(ns, name);
	}
	return b->hashed;
}

/* The slot holding (ns, name), HASH its hash_name, or the empty slot where it would go. */
static size_t builder_slot(const struct index_builder *b, unsigned ns, const char *name,
			   uint64_t hash)
{
	size_t mask = b->nr_slots - 1;
	uint32_t tag = (uint32_t)(hash >> 32);
	size_t slot = hash & mask;
	for (;;) {
		uint32_t v = b->slots[slot];
		if (!v || (b->tags[slot] == tag && b->entries[v - 1].ns == ns &&
			   strcmp(builder_name(b, v - 1), name) == 0))
			return slot;
		slot = (slot + 1) & mask;
	}
}

static bool builder_grow_slots(struct index_builder *b)
{
	size_t old_nr = b->nr_slots;
	uint32_t *old = b->slots, *old_tags = b->tags;
	size_t nr = old_nr ? old_nr * 2 : 1 << 16;
	b->slots = calloc(nr, sizeof(*b->slots));
	b->tags = malloc(nr * sizeof(*b->tags));
	if (!b->slots || !b->tags) {
		free(b->slots);
		free(b->tags);
		b->slots = old;
		b->tags = old_tags;
		return false;
	}
	b->nr_slots = nr;
	for (size_t i = 0; i < old_nr; i++) {
		if (!old[i])
			continue;
		const struct index_entry *e = &b->entries[old[i] - 1];
		const char *name = b->names + e->name_offset;
		size_t slot = builder_slot(b, e->ns, name, hash_name(e->ns, name));
		b->slots[slot] = old[i];
		b->tags[slot] = old_tags[i];
	}
	free(old);
	free(old_tags);
	return true;
}

static bool builder_append_name(struct index_builder *b, const char *name,
				uint32_t *offset)
{
	size_t len = strlen(name) + 1;
	if (b->names_len + len > UINT32_MAX)
		return false;
	if (b->names_len + len > b->names_cap) {
		size_t cap = b->names_cap ? b->names_cap * 2 : 1 << 20;
		while (cap < b->names_len + len)
			cap *= 2;
		char *grown = realloc(b->names, cap);
		if (!grown)
			return false;
		b->names = grown;
		b->names_cap = cap;
	}
	memcpy(b->names + b->names_len, name, len);
	*offset = (uint32_t)b->names_len;
	b->names_len += len;
	return true;
}

static bool builder_contains(struct index_builder *b, unsigned ns,
			     const char *name)
{
	return b->slots[builder_slot(b, ns, name, builder_hash(b, ns, name))] != 0;
}

/*
 * Keep the first definition of (ns, name); a variable's definition replaces
 * a declaration met before it.
 */
static bool builder_add(struct index_builder *b, unsigned ns, const char *name,
			Dwarf_Off die_offset, uint32_t parent_delta,
			uint8_t flags)
{
	if ((b->nr_entries + 1) * 2 > b->nr_slots && !builder_grow_slots(b))
		return false;
	size_t slot = builder_slot(b, ns, name, builder_hash(b, ns, name));
	if (b->slots[slot]) {
		struct index_entry *e = &b->entries[b->slots[slot] - 1];
		if ((e->flags & INDEX_DECLARATION) && !(flags & INDEX_DECLARATION)) {
			e->die_offset = die_offset;
			e->flags = flags;
		}
		return true;
	}
	if (b->nr_entries == b->entries_cap) {
		size_t cap = b->entries_cap ? b->entries_cap * 2 : 1 << 14;
		struct index_entry *grown = realloc(b->entries, cap * sizeof(*grown));
		if (!grown)
			return false;
		b->entries = grown;
		b->entries_cap = cap;
	}
	struct index_entry *e = &b->entries[b->nr_entries];
	memset(e, 0, sizeof(*e));
	if (!builder_append_name(b, name, &e->name_offset))
		return false;
	e->die_offset = die_offset;
	e->parent_delta = parent_delta;
	e->ns = (uint8_t)ns;
	e->flags = flags;
	b->slots[slot] = (uint32_t)++b->nr_entries;
	b->tags[slot] = (uint32_t)(builder_hash(b, ns, name) >> 32);
	return true;
}

static bool index_enumerators(struct index_builder *b, Dwarf_Die *enum_die)
{
	Dwarf_Off enum_offset = dwarf_dieoffset(enum_die);
	Dwarf_Die child;
	if (dwarf_child(enum_die, &child) != 0)
		return true;
	do {
		if (dwarf_tag(&child) != DW_TAG_enumerator)
			continue;
		const char *name = dwarf_diename(&child);
		Dwarf_Off delta = dwarf_dieoffset(&child) - enum_offset;
		if (name && delta <= UINT32_MAX &&
		    !builder_add(b, NS_ENUMERATOR, name, dwarf_dieoffset(&child),
				 (uint32_t)delta, 0))
			return false;
	} while (dwarf_siblingof(&child, &child) == 0);
	return true;
}

static bool index_nested_types(struct index_builder *b, Dwarf_Die *parent,
			       int depth);

static bool index_die(struct index_builder *b, Dwarf_Die *die, int depth)
{
	int tag = dwarf_tag(die);
	int ns = kc_index_tag_ns(tag);
	if (!ns)
		return true;
	bool declaration = dwarf_hasattr(die, DW_AT_declaration);
	/* A struct declaration says nothing of its layout. */
	if (declaration && ns != NS_VARIABLE)
		return true;
	const char *name = dwarf_diename(die);
	bool first = !name || !builder_contains(b, (unsigned)ns, name);
	/* Each CU repeats the enums it uses: their enumerators once suffice. */
	if (tag == DW_TAG_enumeration_type && first && !index_enumerators(b, die))
		return false;
	/* clang nests types used only inside a struct in the struct's DIE. */
	if ((ns == NS_STRUCT || ns == NS_UNION) && name && first &&
	    !index_nested_types(b, die, depth))
		return false;
	if (!name)
		return true;
	return builder_add(b, (unsigned)ns, name, dwarf_dieoffset(die), 0,
			   declaration ? INDEX_DECLARATION : 0);
}

static bool index_nested_types(struct index_builder *b, Dwarf_Die *parent,
			       int depth)
{
	Dwarf_Die child;
	if (depth > 8 || dwarf_child(parent, &child) != 0)
		return true;
	do {
		int tag = dwarf_tag(&child);
		if ((tag == DW_TAG_enumeration_type || tag == DW_TAG_structure_type ||
		     tag == DW_TAG_union_type) &&
		    !index_die(b, &child, depth + 1))
			return false;
	} while (dwarf_siblingof(&child, &child) == 0);
	return true;
}

static bool skim_enabled = true; /* kc_dwarf_set_skim */

void kc_dwarf_set_skim(bool enabled)
{
	skim_enabled = enabled;
}

static bool skim_contains(void *ctx, unsigned ns, const char *name)
{
	return builder_contains(ctx, ns, name);
}

static bool skim_add(void *ctx, unsigned ns, const char *name, uint64_t die_offset,
		     uint32_t parent_delta, uint8_t flags)
{
	return builder_add(ctx, ns, name, die_offset, parent_delta, flags);
}

/* The debug sections libdw reads, uncompressed (else left NULL: no skimming). */
static void read_skim_sections(struct kc_dwarf *dw)
{
	dw->skim_sections_read = true;
	Elf *elf = dwarf_getelf(dw->dwarf);
	size_t shstrndx;
	if (!elf || elf_getshdrstrndx(elf, &shstrndx) != 0)
		return;
	struct kc_skim_sections *sec = &dw->skim_sections;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		const char *name;
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type == SHT_NOBITS ||
		    (shdr.sh_flags & SHF_COMPRESSED) ||
		    !(name = elf_strptr(elf, shstrndx, shdr.sh_name)))
			continue;
		const uint8_t **base = NULL;
		size_t *size = NULL;
		if (strcmp(name, ".debug_info") == 0) {
			base = &sec->info;
			size = &sec->info_size;
		} else if (strcmp(name, ".debug_abbrev") == 0) {
			base = &sec->abbrev;
			size = &sec->abbrev_size;
		} else if (strcmp(name, ".debug_str") == 0) {
			base = &sec->str;
			size = &sec->str_size;
		} else if (strcmp(name, ".debug_line_str") == 0) {
			base = &sec->line_str;
			size = &sec->line_str_size;
		} else {
			continue;
		}
		Elf_Data *data = elf_getdata(scn, NULL);
		if (data && data->d_buf) {
			*base = data->d_buf;
			*size = data->d_size;
		}
	}
}

/*
 * The unit of CUDIE read straight from its bytes into B, if it can be
 * (src/dwarfskim.h); KC_SKIM_UNSUPPORTED leaves it to libdw's walk. Not for
 * a relocatable object: libdwfl relocates what libdw reads.
 */
static enum kc_skim_result skim_unit(struct kc_dwarf *dw, struct index_builder *b,
				     Dwarf_Die *cudie)
{
	if (!skim_enabled || dw->dwfl)
		return KC_SKIM_UNSUPPORTED;
	if (!dw->skim_sections_read)
		read_skim_sections(dw);
	if (!dw->skimmer && !(dw->skimmer = kc_skimmer_new()))
		return KC_SKIM_NOMEM;
	const struct kc_skim_index index = {b, skim_contains, skim_add};
	uint64_t unit_offset = dwarf_dieoffset(cudie) - dwarf_cuoffset(cudie);
	return kc_skim_unit(dw->skimmer, &dw->skim_sections, unit_offset, &index,
			    &dw->skim_error_offset);
}

/*
 * Index the unit after *CU (the first when *CU is NULL) and advance *CU;
 * *DONE when there was none left.
 */
static struct kc_error *scan_next_unit(struct kc_dwarf *dw,
				       struct index_builder *b, Dwarf_CU **cu,
				       bool *done)
{
	Dwarf_Die cudie;
	uint8_t unit_type;
	uint64_t unit_end = 0;
	if (dw->copy_partial) {
		/* The unit libdw reads next must be inflated first. */
		struct kc_error *err = kc_debugcopy_ensure_unit(dw->copy_partial,
								dw->next_unit_offset, &unit_end);
		if (err)
			return kc_error_prefix(err, "%s", dw->path);
	}
	int r = dwarf_get_units(dw->dwarf, *cu, cu, NULL, &unit_type, &cudie, NULL);
	*done = r != 0;
	if (r < 0)
		return kc_error_create(KC_ERR_FORMAT, "%s: DWARF units: %s%s%s%s",
				       dw->path, dwarf_errmsg(-1),
				       dw->copy_error ? " (its compressed debug sections: " : "",
				       dw->copy_error ? dw->copy_error : "",
				       dw->copy_error ? ")" : "");
	if (r > 0)
		return NULL;
	switch (skim_unit(dw, b, &cudie)) {
	case KC_SKIM_DONE:
		goto scanned;
	case KC_SKIM_NOMEM:
		return &kc_error_nomem;
	case KC_SKIM_CORRUPT:
		return kc_error_create(KC_ERR_FORMAT, "%s: DWARF unit at 0x%llx: no DIE can be read at 0x%llx",
				       dw->path, (unsigned long long)dwarf_dieoffset(&cudie),
				       (unsigned long long)dw->skim_error_offset);
	case KC_SKIM_UNSUPPORTED:
		break;
	}
	Dwarf_Die die;
	int c = dwarf_child(&cudie, &die);
	while (c == 0) {
		if (!index_die(b, &die, 0))
			return &kc_error_nomem;
		c = dwarf_siblingof(&die, &die);
	}
	if (c < 0)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: DWARF unit at 0x%llx: %s", dw->path,
				       (unsigned long long)dwarf_dieoffset(&cudie),
				       dwarf_errmsg(-1));
scanned:
	dw->info.units_scanned++;
	dw->next_unit_offset = unit_end;
	if (b == dw->partial)
		dw->info.nr_entries = b->nr_entries;
	return NULL;
}

static struct kc_error *scan_units(struct kc_dwarf *dw, struct index_builder *b,
				   Dwarf_CU *cu)
{
	struct kc_error *complete = complete_debug_copy(dw);
	if (complete)
		return complete;
	for (bool done = false; !done;) {
		struct kc_error *err = scan_next_unit(dw, b, &cu, &done);
		if (err)
			return err;
	}
	return NULL;
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Lay the builder out as one blob in the file format. */
static struct kc_error *serialize(struct kc_dwarf *dw,
				  const struct index_builder *b,
				  struct index_view *view)
{
	struct index_header hdr;
	memset(&hdr, 0, sizeof(hdr));
	memcpy(hdr.magic, INDEX_MAGIC, sizeof(hdr.magic));
	hdr.version = INDEX_VERSION;
	hdr.header_size = sizeof(hdr);
	memcpy(hdr.build_id, dw->build_id, dw->build_id_len);
	hdr.build_id_len = (uint32_t)dw->build_id_len;
	hdr.nr_entries = (uint32_t)b->nr_entries;
	hdr.vmlinux_size = (uint64_t)dw->st.st_size;
	hdr.vmlinux_mtime_sec = dw->st.st_mtim.tv_sec;
	hdr.vmlinux_mtime_nsec = dw->st.st_mtim.tv_nsec;
	hdr.entries_offset = align8(sizeof(hdr));
	hdr.slots_offset = align8(hdr.entries_offset +
				  b->nr_entries * sizeof(*b->entries));
	hdr.nr_slots = b->nr_slots;
	hdr.names_offset = hdr.slots_offset + b->nr_slots * sizeof(*b->slots);
	hdr.names_size = b->names_len;
	hdr.file_size = hdr.names_offset + b->names_len;

	uint8_t *blob = calloc(1, hdr.file_size);
	if (!blob)
		return &kc_error_nomem;
	memcpy(blob, &hdr, sizeof(hdr));
	memcpy(blob + hdr.entries_offset, b->entries,
	       b->nr_entries * sizeof(*b->entries));
	memcpy(blob + hdr.slots_offset, b->slots, b->nr_slots * sizeof(*b->slots));
	memcpy(blob + hdr.names_offset, b->names, b->names_len);
	view->blob = blob;
	view->blob_size = hdr.file_size;
	view->mapped = false;
	view->hdr = (const struct index_header *)blob;
	view->entries = (const struct index_entry *)(blob + hdr.entries_offset);
	view->slots = (const uint32_t *)(blob + hdr.slots_offset);
	view->names = (const char *)(blob + hdr.names_offset);
	return NULL;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void builder_free(struct index_builder *b)
{
	if (!b)
		return;
	free(b->entries);
	free(b->names);
	free(b->slots);
	free(b->tags);
	free(b);
}

static struct index_builder *builder_new(void)
{
	struct index_builder *b = calloc(1, sizeof(*b));
	/* An empty name keeps the names region non-empty and NUL-terminated. */
	if (b && (!builder_grow_slots(b) || !builder_append_name(b, "", &(uint32_t){0}))) {
		builder_free(b);
		b = NULL;
	}
	return b;
}

/*
 * Scan the units after CU into B (a new builder holds none; a partial
 * index's, those up to CU), make it dw->index and write it to the cache at
 * PATH (NULL: none). Takes B.
 */
static struct kc_error *complete_index(struct kc_dwarf *dw, struct index_builder *b,
				       Dwarf_CU *cu, const char *path)
{
	double start = now_seconds();
	index_view_release(&dw->index);
	if (b == dw->partial) {
		dw->partial = NULL;
		dw->info.partial = false;
	}
	struct kc_error *err = b ? scan_units(dw, b, cu) : &kc_error_nomem;
	if (!err)
		err = serialize(dw, b, &dw->index);
	builder_free(b);
	dw->info.build_seconds += now_seconds() - start;
	if (err)
		return err;
	dw->info.from_cache = false;
	if (path)
		dw->info.cache_written = write_cache(path, &dw->index);
	return NULL;
}

/* ---- the index: the cache file ----------------------------------------- */

/* The cache directory, malloc'd, or NULL when caching is off. */
static char *cache_dir(void)
{
	const char *env = getenv("KCRASH_CACHE_DIR");
	char *dir = NULL;
	if (env)
		return *env ? strdup(env) : NULL;
	env = getenv("XDG_CACHE_HOME");
	if (env && *env) {
		if (asprintf(&dir, "%s/kcrash", env) < 0)
			return NULL;
		return dir;
	}
	env = getenv("HOME");
	if (env && *env && asprintf(&dir, "%s/.cache/kcrash", env) >= 0)
		return dir;
	return NULL;
}

static char *cache_path_ext(const struct kc_dwarf *dw, const char *ext)
{
	if (!dw->build_id_len)
		return NULL; /* nothing to key it by */
	char *dir = cache_dir();
	if (!dir)
		return NULL;
	char hex[2 * sizeof(dw->build_id) + 1];
	for (size_t i = 0; i < dw->build_id_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", dw->build_id[i]);
	char *path = NULL;
	if (asprintf(&path, "%s/%s%s", dir, hex, ext) < 0)
		path = NULL;
	free(dir);
	return path;
}

static char *cache_path(const struct kc_dwarf *dw)
{
	return cache_path_ext(dw, ".idx");
}

static bool range_ok(uint64_t offset, uint64_t count, uint64_t elem_size,
		     uint64_t file_size)
{
	if (offset > file_size || offset % 8 != 0)
		return false;
	if (count && elem_size > (file_size - offset) / count)
		return false;
	return true;
}

/* Whether BLOB is an index of this very vmlinux, structurally sound. */
static bool index_blob_valid(const struct kc_dwarf *dw, const void *blob,
			     size_t size)
{
	const struct index_header *h = blob;
	if (size < sizeof(*h) || memcmp(h->magic, INDEX_MAGIC, 8) != 0 ||
	    h->version != INDEX_VERSION || h->header_size != sizeof(*h) ||
	    h->file_size != size)
		return false;
	if (h->build_id_len != dw->build_id_len ||
	    memcmp(h->build_id, dw->build_id, dw->build_id_len) != 0 ||
	    h->vmlinux_size != (uint64_t)dw->st.st_size ||
	    h->vmlinux_mtime_sec != dw->st.st_mtim.tv_sec ||
	    h->vmlinux_mtime_nsec != dw->st.st_mtim.tv_nsec)
		return false;
	if (!range_ok(h->entries_offset, h->nr_entries, sizeof(struct index_entry), size) ||
	    !range_ok(h->slots_offset, h->nr_slots, sizeof(uint32_t), size) ||
	    h->names_offset > size || h->names_size == 0 ||
	    h->names_size > size - h->names_offset)
		return false;
	/* A power of two with room to spare, so every probe ends. */
	if (h->nr_slots == 0 || (h->nr_slots & (h->nr_slots - 1)) != 0 ||
	    h->nr_slots <= h->nr_entries)
		return false;
	const char *names = (const char *)blob + h->names_offset;
	return names[h->names_size - 1] == '\0';
}

static void view_from_blob(struct index_view *view, void *blob, size_t size,
			   bool mapped)
{
	const struct index_header *h = blob;
	view->blob = blob;
	view->blob_size = size;
	view->mapped = mapped;
	view->hdr = h;
	view->entries = (const void *)((const char *)blob + h->entries_offset);
	view->slots = (const void *)((const char *)blob + h->slots_offset);
	view->names = (const char *)blob + h->names_offset;
}

/* Map the cache file; false (and *rejected if one was there) otherwise. */
static bool load_cache(struct kc_dwarf *dw, const char *path,
		       struct index_view *view, bool *rejected)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	void *map = MAP_FAILED;
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED || !index_blob_valid(dw, map, (size_t)st.st_size)) {
		if (map != MAP_FAILED)
			munmap(map, (size_t)st.st_size);
		*rejected = true;
		return false;
	}
	view_from_blob(view, map, (size_t)st.st_size, true);
	return true;
}

static void make_dirs(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return;
	for (char *p = copy + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(copy, 0755);
			*p = '/';
		}
	}
	mkdir(copy, 0755);
	free(copy);
}

static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Best effort: a cache that cannot be written only costs the next start. */
static bool write_cache(const char *path, const struct index_view *view)
{
	char *dir = strdup(path);
	char *tmp = NULL;
	if (!dir)
		return false;
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	make_dirs(dir);
	free(dir);
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return false;
	int fd = mkstemp(tmp);
	bool ok = fd >= 0 && write_all(fd, view->blob, view->blob_size);
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok && fd >= 0)
		unlink(tmp);
	free(tmp);
	return ok;
}

/* The index built afresh from every unit (a partial one is dropped). */
static struct kc_error *rebuild_index(struct kc_dwarf *dw, const char *path)
{
	builder_free(dw->partial);
	dw->partial = NULL;
	dw->info.partial = false;
	dw->info.units_scanned = 0;
	dw->info.build_seconds = 0;
	return complete_index(dw, builder_new(), NULL, path);
}

/*
 * The complete index: from the cache, else scanned (the rest of the units
 * after a partial index's) and written to the cache. LAZY: without a cache
 * file, start a partial index instead (lookups scan as far as they need).
 */
static struct kc_error *load_index(struct kc_dwarf *dw, bool force_rebuild,
				   bool lazy)
{
	char *path = cache_path(dw);
	struct kc_error *err = NULL;
	if (force_rebuild) {
		dw->info.cache_rejected = true;
		err = rebuild_index(dw, path);
	} else if (dw->partial) {
		err = complete_index(dw, dw->partial, dw->partial_cu, path);
	} else if (path && load_cache(dw, path, &dw->index,
				      &dw->info.cache_rejected)) {
		dw->info.from_cache = true;
		dw->info.build_seconds = 0;
		/* Its entries name DIEs in any unit: the copy must be whole. */
		err = complete_debug_copy(dw);
	} else if (lazy) {
		dw->partial = builder_new();
		dw->partial_cu = NULL;
		dw->info.units_scanned = 0;
		dw->info.build_seconds = 0;
		if (!dw->partial)
			err = &kc_error_nomem;
		dw->info.partial = !err;
		dw->info.built = !err;
		free(path);
		return err;
	} else {
		err = rebuild_index(dw, path);
	}
	free(path);
	if (err) {
		dw->info.built = false; /* the next lookup starts over */
		return err;
	}
	dw->info.built = true;
	dw->info.nr_entries = dw->index.hdr->nr_entries;
	dw->info.size = dw->index.blob_size;
	return NULL;
}

struct kc_error *kc_dwarf_load_index(struct kc_dwarf *dw)
{
	struct kc_error *err = ensure_dwarf(dw);
	if (err || (dw->info.built && !dw->info.partial))
		return err;
	return load_index(dw, false, false);
}

/* Lookups: the index as far as it goes (see kc_dwarf.partial). */
static struct kc_error *start_index(struct kc_dwarf *dw)
{
	struct kc_error *err = ensure_dwarf(dw);
	if (err || dw->info.built)
		return err;
	return load_index(dw, false, true);
}

/*
 * A partial index's entry for (NS, NAME), scanning more units until there
 * is one; NULL once every unit was scanned without one (the index is then
 * complete: dw->partial is gone). A variable's declaration is not taken
 * while later units may hold its definition, as the complete index would
 * have the definition.
 */
static struct kc_error *partial_find(struct kc_dwarf *dw, unsigned ns,
				     const char *const *names, size_t nr_names,
				     const struct index_entry **ret)
{
	*ret = NULL;
	double start = now_seconds();
	struct kc_error *err = NULL;
	for (;;) {
		struct index_builder *b = dw->partial;
		for (size_t i = 0; i < nr_names && !*ret; i++) {
			uint32_t v = b->slots[builder_slot(b, ns, names[i], hash_name(ns, names[i]))];
			if (v && !(b->entries[v - 1].flags & INDEX_DECLARATION))
				*ret = &b->entries[v - 1];
		}
		if (*ret)
			break;
		bool done;
		err = scan_next_unit(dw, b, &dw->partial_cu, &done);
		if (err || done)
			break;
	}
	dw->info.build_seconds += now_seconds() - start;
	if (!err && !*ret)
		err = load_index(dw, false, false); /* complete now: serialize, cache */
	return err;
}

/* ---- the index: lookups ------------------------------------------------- */

enum lookup_result { FOUND, NOT_FOUND, CORRUPT };

static enum lookup_result index_find(const struct index_view *view,
				     unsigned ns, const char *name,
				     const struct index_entry **ret)
{
	const struct index_header *h = view->hdr;
	uint64_t mask = h->nr_slots - 1;
	uint64_t slot = hash_name(ns, name) & mask;
	for (uint64_t probes = 0; probes < h->nr_slots; probes++) {
		uint32_t v = view->slots[slot];
		if (!v)
			return NOT_FOUND;
		if (v > h->nr_entries)
			return CORRUPT;
		const struct index_entry *e = &view->entries[v - 1];
		if (e->name_offset >= h->names_size || e->ns == 0 || e->ns > NS_MAX)
			return CORRUPT;
		if (e->ns == ns && strcmp(view->names + e->name_offset, name) == 0) {
			*ret = e;
			return FOUND;
		}
		slot = (slot + 1) & mask;
	}
	return CORRUPT;
}

static bool tag_in_namespace(int tag, unsigned ns)
{
	if (ns == NS_ENUMERATOR)
		return tag == DW_TAG_enumerator;
	return kc_index_tag_ns(tag) == (int)ns;
}

/* Resolve an entry to its DIE, checking that it is what the index says. */
static bool entry_die(struct kc_dwarf *dw, const struct index_entry *e,
		      unsigned ns, const char *name, Dwarf_Die *die)
{
	if (!dwarf_offdie(dw->dwarf, e->die_offset, die) ||
	    !tag_in_namespace(dwarf_tag(die), ns))
		return false;
	const char *die_name = dwarf_diename(die);
	return die_name && strcmp(die_name, name) == 0;
}

static struct kc_error *entry_mismatch(const struct kc_dwarf *dw, const char *name)
{
	return kc_error_create(KC_ERR_FORMAT, "%s: DWARF index entry for `%s' does not match the DWARF",
			       dw->path, name);
}

/*
 * Find (ns, name) and its DIE; *found false if absent. A cached index whose
 * entry does not check out is rebuilt from the DWARF, once. ALIAS (may be
 * NULL) is another spelling of NAME, looked for when NAME is absent; as a
 * compiler writes a base type one way only ("long unsigned int" in GCC's
 * DWARF, "unsigned long" in clang's), a partial index takes whichever of the
 * two it meets first.
 */
static struct kc_error *lookup_alias(struct kc_dwarf *dw, unsigned ns,
				     const char *name, const char *alias,
				     Dwarf_Die *die,
				     const struct index_entry **entry,
				     bool *found)
{
	struct kc_error *err = start_index(dw);
	if (err)
		return err;
	if (dw->partial) {
		const char *names[2] = {name, alias};
		const struct index_entry *e;
		err = partial_find(dw, ns, names, alias ? 2 : 1, &e);
		if (err)
			return err;
		if (e) {
			if (alias && strcmp(dw->partial->names + e->name_offset, name) != 0)
				name = alias;
			if (!entry_die(dw, e, ns, name, die))
				return entry_mismatch(dw, name);
			*found = true;
			if (entry)
				*entry = e; /* valid until the next lookup */
			return NULL;
		}
		/* Not in any unit: the index is complete now; ask it. */
	}
	for (int attempt = 0;; attempt++) {
		const struct index_entry *e = NULL;
		enum lookup_result r = index_find(&dw->index, ns, name, &e);
		if (r == NOT_FOUND && alias) {
			r = index_find(&dw->index, ns, alias, &e);
			if (r == FOUND)
				name = alias;
		}
		if (r == FOUND && entry_die(dw, e, ns, name, die)) {
			*found = true;
			if (entry)
				*entry = e;
			return NULL;
		}
		if (r == NOT_FOUND) {
			*found = false;
			return NULL;
		}
		if (attempt > 0 || !dw->info.from_cache)
			return entry_mismatch(dw, name);
		err = load_index(dw, true, false);
		if (err)
			return err;
	}
}

static struct kc_error *lookup(struct kc_dwarf *dw, unsigned ns,
			       const char *name, Dwarf_Die *die,
			       const struct index_entry **entry, bool *found)
{
	return lookup_alias(dw, ns, name, NULL, die, entry, found);
}

/* GCC and clang spell some base types differently; try the other. */
static const char *const base_type_aliases[][2] = {
	{"unsigned", "unsigned int"},
	{"unsigned long", "long unsigned int"},
	{"long", "long int"},
	{"signed long", "long int"},
	{"unsigned long long", "long long unsigned int"},
	{"long long", "long long int"},
	{"short", "short int"},
	{"unsigned short", "short unsigned int"},
	{"signed", "int"},
	{"signed int", "int"},
	{"_Bool", "bool"},
};

static const char *base_type_alias(const char *name)
{
	size_t n = sizeof(base_type_aliases) / sizeof(base_type_aliases[0]);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(name, base_type_aliases[i][0]) == 0)
			return base_type_aliases[i][1];
		if (strcmp(name, base_type_aliases[i][1]) == 0)
			return base_type_aliases[i][0];
	}
	return NULL;
}

/* NAME with spaces trimmed and runs of spaces collapsed. */
static char *normalize_name(const char *name)
{
	char *out = malloc(strlen(name) + 1), *p = out;
	if (!out)
		return NULL;
	for (const char *s = name; *s; s++) {
		if (*s == ' ' || *s == '\t') {
			if (p != out && p[-1] != ' ')
				*p++ = ' ';
		} else {
			*p++ = *s;
		}
	}
	if (p != out && p[-1] == ' ')
		p--;
	*p = '\0';
	return out;
}

static void type_from_die(const Dwarf_Die *die, struct kc_type *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->ops = &kc_dwarf_type_ops;
	ret->die = *die;
}

static struct kc_error *find_in(struct kc_dwarf *dw, unsigned ns,
				const char *name, const char *alias,
				struct kc_type *ret, bool *found)
{
	Dwarf_Die die;
	struct kc_error *err = lookup_alias(dw, ns, name, alias, &die, NULL, found);
	if (!err && *found)
		type_from_die(&die, ret);
	return err;
}

struct kc_error *kc_dwarf_find_type(struct kc_dwarf *dw, const char *name,
				    struct kc_type *ret)
{
	static const struct {
		const char *prefix;
		unsigned ns;
	} tagged[] = {
		{"struct ", NS_STRUCT}, {"union ", NS_UNION}, {"enum ", NS_ENUM},
	};
	char *norm = normalize_name(name);
	if (!norm)
		return &kc_error_nomem;
	struct kc_error *err = NULL;
	bool found = false;
	for (size_t i = 0; i < 3 && !found; i++) {
		size_t len = strlen(tagged[i].prefix);
		if (strncmp(norm, tagged[i].prefix, len) == 0) {
			err = find_in(dw, tagged[i].ns, norm + len, NULL, ret, &found);
			goto out;
		}
	}
	err = find_in(dw, NS_TYPE, norm, base_type_alias(norm), ret, &found);
	for (size_t i = 0; i < 3 && !err && !found; i++)
		err = find_in(dw, tagged[i].ns, norm, NULL, ret, &found);
out:
	if (!err && !found)
		err = kc_error_create(KC_ERR_LOOKUP, "no type named `%s'", norm);
	free(norm);
	return err;
}

static bool die_address(const Dwarf_Die *die, uint64_t *address)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nr_ops;
	if (!dwarf_attr((Dwarf_Die *)die, DW_AT_location, &attr) ||
	    dwarf_getlocation(&attr, &ops, &nr_ops) != 0 || nr_ops != 1)
		return false;
	if (ops[0].atom == DW_OP_addr) {
		*address = ops[0].number;
		return true;
	}
	/* DWARF 5 (clang): an index into .debug_addr. */
	Dwarf_Attribute addr_attr;
	Dwarf_Addr addr;
	if ((ops[0].atom == DW_OP_addrx || ops[0].atom == DW_OP_GNU_addr_index) &&
	    dwarf_getlocation_attr(&attr, &ops[0], &addr_attr) == 0 &&
	    dwarf_formaddr(&addr_attr, &addr) == 0) {
		*address = addr;
		return true;
	}
	return false;
}

struct kc_error *kc_dwarf_find_variable(struct kc_dwarf *dw, const char *name,
					struct kc_variable *ret)
{
	Dwarf_Die die;
	bool found;
	struct kc_error *err = lookup(dw, NS_VARIABLE, name, &die, NULL, &found);
	if (err)
		return err;
	if (!found)
		return kc_error_create(KC_ERR_LOOKUP, "no variable named `%s'",
				       name);
	memset(ret, 0, sizeof(*ret));
	err = kc_type_of_die(&die, &ret->type);
	if (err)
		return kc_error_prefix(err, "variable `%s'", name);
	ret->has_address = die_address(&die, &ret->address);
	ret->is_percpu = ret->has_address && ret->address >= dw->percpu_start &&
			 ret->address < dw->percpu_end;
	return NULL;
}

static bool enum_is_signed(Dwarf_Die *enum_die);

static struct kc_error *enumerator_value(Dwarf_Die *die, bool is_signed,
					 int64_t *value)
{
	Dwarf_Attribute attr;
	Dwarf_Word u;
	Dwarf_Sword s;
	if (!dwarf_attr(die, DW_AT_const_value, &attr))
		goto bad;
	unsigned width;
	switch (dwarf_whatform(&attr)) {
	case DW_FORM_sdata:
	case DW_FORM_implicit_const:
		if (dwarf_formsdata(&attr, &s) != 0)
			goto bad;
		*value = s;
		return NULL;
	case DW_FORM_udata:
		width = 8;
		break;
	case DW_FORM_data1:
		width = 1;
		break;
	case DW_FORM_data2:
		width = 2;
		break;
	case DW_FORM_data4:
		width = 4;
		break;
	case DW_FORM_data8:
		width = 8;
		break;
	default:
		goto bad;
	}
	if (dwarf_formudata(&attr, &u) != 0)
		goto bad;
	/* Fixed-size data forms carry no sign: the enum's type says. */
	if (is_signed && width < 8 && (u >> (8 * width - 1)) & 1)
		u |= ~(uint64_t)0 << (8 * width);
	*value = (int64_t)u;
	return NULL;
bad:
	return kc_error_create(KC_ERR_FORMAT,
			       "enumerator `%s' has no readable value",
			       dwarf_diename(die) ? dwarf_diename(die) : "?");
}

struct kc_error *kc_dwarf_find_enumerator(struct kc_dwarf *dw, const char *name,
					  int64_t *value,
					  struct kc_type *enum_type)
{
	Dwarf_Die die, enum_die;
	const struct index_entry *e;
	bool found;
	struct kc_error *err = lookup(dw, NS_ENUMERATOR, name, &die, &e, &found);
	if (err)
		return err;
	if (!found)
		return kc_error_create(KC_ERR_LOOKUP, "no enumerator named `%s'",
				       name);
	if (!dwarf_offdie(dw->dwarf, e->die_offset - e->parent_delta, &enum_die) ||
	    dwarf_tag(&enum_die) != DW_TAG_enumeration_type)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: enumerator `%s' has no enum around it",
				       dw->path, name);
	err = enumerator_value(&die, enum_is_signed(&enum_die), value);
	if (!err && enum_type)
		type_from_die(&enum_die, enum_type);
	return err;
}

/* ---- types: the DWARF type source's operations ------------------------- */

static int type_tag(const struct kc_type *type)
{
	return type->is_void ? 0 : dwarf_tag((Dwarf_Die *)&type->die);
}

static int base_encoding(const struct kc_type *type)
{
	Dwarf_Attribute attr;
	Dwarf_Word encoding;
	if (!dwarf_attr((Dwarf_Die *)&type->die, DW_AT_encoding, &attr) ||
	    dwarf_formudata(&attr, &encoding) != 0)
		return 0;
	return (int)encoding;
}

static enum kc_type_kind dwarf_kind(const struct kc_type *type)
{
	switch (type_tag(type)) {
	case DW_TAG_base_type:
		switch (base_encoding(type)) {
		case DW_ATE_boolean:
			return KC_TYPE_BOOL;
		case DW_ATE_float:
		case DW_ATE_complex_float:
			return KC_TYPE_FLOAT;
		case DW_ATE_signed_char:
		case DW_ATE_unsigned_char:
		case DW_ATE_UTF:
			return KC_TYPE_CHAR;
		default:
			return KC_TYPE_INT;
		}
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
		return KC_TYPE_POINTER;
	case DW_TAG_array_type:
		return KC_TYPE_ARRAY;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		return KC_TYPE_STRUCT;
	case DW_TAG_union_type:
		return KC_TYPE_UNION;
	case DW_TAG_enumeration_type:
		return KC_TYPE_ENUM;
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram:
		return KC_TYPE_FUNCTION;
	case DW_TAG_typedef:
		return KC_TYPE_TYPEDEF;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		return KC_TYPE_QUALIFIED;
	default:
		return KC_TYPE_VOID;
	}
}

static enum kc_type_qualifier dwarf_qualifier(const struct kc_type *type)
{
	switch (type_tag(type)) {
	case DW_TAG_const_type:
		return KC_QUALIFIER_CONST;
	case DW_TAG_volatile_type:
		return KC_QUALIFIER_VOLATILE;
	case DW_TAG_restrict_type:
		return KC_QUALIFIER_RESTRICT;
	case DW_TAG_atomic_type:
		return KC_QUALIFIER_ATOMIC;
	default:
		return KC_QUALIFIER_NONE;
	}
}

struct kc_error *kc_type_of_die(const Dwarf_Die *die, struct kc_type *ret)
{
	Dwarf_Attribute attr;
	memset(ret, 0, sizeof(*ret));
	if (!dwarf_attr_integrate((Dwarf_Die *)die, DW_AT_type, &attr)) {
		ret->is_void = true;
		return NULL;
	}
	ret->ops = &kc_dwarf_type_ops;
	if (!dwarf_formref_die(&attr, &ret->die))
		return kc_error_create(KC_ERR_FORMAT,
				       "DWARF DIE 0x%llx: bad type reference: %s",
				       (unsigned long long)dwarf_dieoffset((Dwarf_Die *)die),
				       dwarf_errmsg(-1));
	return NULL;
}

/* Count the subrange children of an array DIE. */
static unsigned array_dims(const struct kc_type *type)
{
	Dwarf_Die child;
	unsigned n = 0;
	if (dwarf_child((Dwarf_Die *)&type->die, &child) != 0)
		return 0;
	do {
		int tag = dwarf_tag(&child);
		if (tag == DW_TAG_subrange_type || tag == DW_TAG_enumeration_type)
			n++;
	} while (dwarf_siblingof(&child, &child) == 0);
	return n;
}

static struct kc_error *dwarf_target(const struct kc_type *type,
				     struct kc_type *ret)
{
	if (type_tag(type) == DW_TAG_array_type && type->dim + 1 < array_dims(type)) {
		*ret = *type;
		ret->dim++;
		return NULL;
	}
	return kc_type_of_die(&type->die, ret);
}

static const char *dwarf_name(const struct kc_type *type)
{
	return dwarf_diename((Dwarf_Die *)&type->die);
}

static bool enum_is_signed(Dwarf_Die *enum_die)
{
	struct kc_type underlying;
	Dwarf_Attribute attr;
	/* Without DW_AT_type, GCC's constants are signed host integers. */
	if (!dwarf_attr_integrate(enum_die, DW_AT_type, &attr) ||
	    kc_type_of_die(enum_die, &underlying))
		return true;
	return kc_type_is_signed(&underlying);
}

static bool dwarf_is_signed(const struct kc_type *type)
{
	if (type_tag(type) == DW_TAG_enumeration_type)
		return enum_is_signed((Dwarf_Die *)&type->die);
	int enc = base_encoding(type);
	return enc == DW_ATE_signed || enc == DW_ATE_signed_char ||
	       enc == DW_ATE_float;
}

static bool die_udata(Dwarf_Die *die, unsigned name, uint64_t *value)
{
	Dwarf_Attribute attr;
	Dwarf_Word w;
	if (!dwarf_attr(die, name, &attr) || dwarf_formudata(&attr, &w) != 0)
		return false;
	*value = w;
	return true;
}

/* The Nth subrange (or enumeration index type) child of an array. */
static bool array_subrange(const struct kc_type *type, Dwarf_Die *ret)
{
	unsigned n = 0;
	if (dwarf_child((Dwarf_Die *)&type->die, ret) != 0)
		return false;
	do {
		int tag = dwarf_tag(ret);
		if ((tag == DW_TAG_subrange_type || tag == DW_TAG_enumeration_type) &&
		    n++ == type->dim)
			return true;
	} while (dwarf_siblingof(ret, ret) == 0);
	return false;
}

static void subrange_length(Dwarf_Die *subrange, uint64_t *length,
			    bool *complete)
{
	uint64_t count, upper, lower = 0;
	Dwarf_Attribute attr;
	*complete = true;
	if (die_udata(subrange, DW_AT_count, &count)) {
		*length = count;
		return;
	}
	if (!dwarf_attr(subrange, DW_AT_upper_bound, &attr) ||
	    dwarf_formudata(&attr, &upper) != 0) {
		/* No bound (or a runtime one): a flexible array. */
		*length = 0;
		*complete = false;
		return;
	}
	die_udata(subrange, DW_AT_lower_bound, &lower);
	/* GCC writes [0] as upper bound -1: the wrap gives length 0. */
	*length = upper - lower + 1;
	if (dwarf_whatform(&attr) == DW_FORM_data4 && upper == UINT32_MAX &&
	    lower == 0)
		*length = 0;
}

static void dwarf_array_length(const struct kc_type *array, uint64_t *length,
			       bool *complete)
{
	Dwarf_Die subrange;
	if (array_subrange(array, &subrange)) {
		subrange_length(&subrange, length, complete);
	} else {
		*length = 0;
		*complete = false;
	}
}

static bool dwarf_byte_size(const struct kc_type *type, uint64_t *size)
{
	if (die_udata((Dwarf_Die *)&type->die, DW_AT_byte_size, size))
		return true;
	if (type_tag(type) != DW_TAG_pointer_type &&
	    type_tag(type) != DW_TAG_reference_type)
		return false;
	/* A pointer without DW_AT_byte_size has the unit's address size. */
	Dwarf_Die cudie;
	uint8_t address_size, offset_size;
	if (!dwarf_diecu((Dwarf_Die *)&type->die, &cudie, &address_size,
			 &offset_size))
		return false;
	*size = address_size;
	return true;
}

/* ---- members ------------------------------------------------------------ */

static bool target_little_endian(const Dwarf_Die *die)
{
	Dwarf *dwarf = dwarf_cu_getdwarf(die->cu);
	Elf *elf = dwarf ? dwarf_getelf(dwarf) : NULL;
	const char *ident = elf ? elf_getident(elf, NULL) : NULL;
	return !ident || ident[EI_DATA] != ELFDATA2MSB;
}

static struct kc_error *member_byte_offset(Dwarf_Die *die, uint64_t *offset)
{
	Dwarf_Attribute attr;
	*offset = 0; /* union members have no location */
	if (!dwarf_attr(die, DW_AT_data_member_location, &attr))
		return NULL;
	Dwarf_Word w;
	if (dwarf_formudata(&attr, &w) == 0) {
		*offset = w;
		return NULL;
	}
	/* DWARF 2 writes it as an expression: DW_OP_plus_uconst N. */
	Dwarf_Op *ops;
	size_t nr_ops;
	if (dwarf_getlocation(&attr, &ops, &nr_ops) == 0 && nr_ops == 1 &&
	    (ops[0].atom == DW_OP_plus_uconst || ops[0].atom == DW_OP_constu)) {
		*offset = ops[0].number;
		return NULL;
	}
	return kc_error_create(KC_ERR_UNSUPPORTED,
			       "member `%s' has a computed location",
			       dwarf_diename(die) ? dwarf_diename(die) : "?");
}

/* Offset and size in bits of a member DIE, bitfields in either DWARF style. */
static struct kc_error *member_bits(Dwarf_Die *die, const struct kc_type *type,
				    uint64_t *bit_offset, uint64_t *bit_size)
{
	uint64_t byte_offset, data_bit_offset, storage;
	Dwarf_Attribute attr;
	Dwarf_Sword dwarf2_offset;
	struct kc_error *err = member_byte_offset(die, &byte_offset);
	if (err)
		return err;
	if (!die_udata(die, DW_AT_bit_size, bit_size))
		*bit_size = 0;
	if (die_udata(die, DW_AT_data_bit_offset, &data_bit_offset)) {
		*bit_offset = data_bit_offset; /* DWARF 4+: from the struct start */
		return NULL;
	}
	*bit_offset = byte_offset * 8;
	if (!*bit_size || !dwarf_attr(die, DW_AT_bit_offset, &attr) ||
	    dwarf_formsdata(&attr, &dwarf2_offset) != 0)
		return NULL;
	/*
	 * DWARF 2/3: counted from the most significant bit of a storage unit
	 * of DW_AT_byte_size (or the type's size) at the member's location.
	 */
	if (!die_udata(die, DW_AT_byte_size, &storage)) {
		err = kc_type_size(type, &storage);
		if (err)
			return err;
	}
	if (target_little_endian(die))
		*bit_offset += storage * 8 - (uint64_t)dwarf2_offset - *bit_size;
	else
		*bit_offset += (uint64_t)dwarf2_offset;
	return NULL;
}

static struct kc_error *member_from_die(Dwarf_Die *die, struct kc_member *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->name = dwarf_diename(die);
	struct kc_error *err = kc_type_of_die(die, &ret->type);
	if (!err)
		err = member_bits(die, &ret->type, &ret->bit_offset, &ret->bit_size);
	if (!err)
		ret->offset = ret->bit_offset / 8;
	return err;
}

/*
 * The next child DIE of the iterated one with tag TAG (or TAG2); *DONE at
 * the end. CHILD starts as the parent's DIE.
 */
static struct kc_error *next_child(Dwarf_Die *child, bool *started, int tag,
				   int tag2, bool *done)
{
	for (;;) {
		int r = *started ? dwarf_siblingof(child, child)
				 : dwarf_child(child, child);
		*started = true;
		if (r < 0)
			return kc_error_create(KC_ERR_FORMAT, "DWARF: %s",
					       dwarf_errmsg(-1));
		if (r > 0) {
			*done = true;
			return NULL;
		}
		int t = dwarf_tag(child);
		if (t == tag || (tag2 && t == tag2)) {
			*done = false;
			return NULL;
		}
	}
}

static void dwarf_member_iter_init(struct kc_member_iter *it)
{
	it->child = it->parent.die;
}

static struct kc_error *dwarf_member_iter_next(struct kc_member_iter *it,
					       struct kc_member *member,
					       bool *done)
{
	struct kc_error *err = next_child(&it->child, &it->started,
					  DW_TAG_member, 0, done);
	if (err || *done)
		return err;
	return member_from_die(&it->child, member);
}

/* ---- enumerators -------------------------------------------------------- */

static void dwarf_enumerator_iter_init(struct kc_enumerator_iter *it)
{
	it->child = it->parent.die;
	it->is_signed = enum_is_signed(&it->child);
}

static struct kc_error *dwarf_enumerator_iter_next(struct kc_enumerator_iter *it,
						   const char **name,
						   int64_t *value, bool *done)
{
	struct kc_error *err = next_child(&it->child, &it->started,
					  DW_TAG_enumerator, 0, done);
	if (err || *done)
		return err;
	*name = dwarf_diename(&it->child);
	return enumerator_value(&it->child, it->is_signed, value);
}

/* ---- function parameters ------------------------------------------------ */

static void dwarf_param_iter_init(struct kc_param_iter *it)
{
	it->child = it->parent.die;
}

static struct kc_error *dwarf_param_iter_next(struct kc_param_iter *it,
					      struct kc_type *type,
					      bool *variadic, bool *done)
{
	struct kc_error *err = next_child(&it->child, &it->started,
					  DW_TAG_formal_parameter,
					  DW_TAG_unspecified_parameters, done);
	if (err || *done)
		return err;
	*variadic = dwarf_tag(&it->child) == DW_TAG_unspecified_parameters;
	if (*variadic) {
		memset(type, 0, sizeof(*type));
		type->is_void = true;
		return NULL;
	}
	return kc_type_of_die(&it->child, type);
}

static bool dwarf_prototyped(const struct kc_type *function)
{
	return dwarf_hasattr((Dwarf_Die *)&function->die, DW_AT_prototyped);
}

const struct kc_type_ops kc_dwarf_type_ops = {
	.source = "DWARF",
	.kind = dwarf_kind,
	.name = dwarf_name,
	.qualifier = dwarf_qualifier,
	.byte_size = dwarf_byte_size,
	.is_signed = dwarf_is_signed,
	.target = dwarf_target,
	.array_length = dwarf_array_length,
	.member_iter_init = dwarf_member_iter_init,
	.member_iter_next = dwarf_member_iter_next,
	.enumerator_iter_init = dwarf_enumerator_iter_init,
	.enumerator_iter_next = dwarf_enumerator_iter_next,
	.param_iter_init = dwarf_param_iter_init,
	.param_iter_next = dwarf_param_iter_next,
	.prototyped = dwarf_prototyped,
};

/* ---- line numbers ------------------------------------------------------- */

struct kc_error *kc_dwarf_handle(struct kc_dwarf *dw, Dwarf **ret)
{
	/* Its users read any unit, lines, CFI: the copy must be whole. */
	struct kc_error *err = ensure_dwarf(dw);
	if (!err)
		err = complete_debug_copy(dw);
	if (!err)
		*ret = dw->dwarf;
	return err;
}

/* The compile unit whose ranges hold ADDR, without .debug_aranges too. */
static bool unit_holding(Dwarf *dwarf, uint64_t addr, Dwarf_Die *cu)
{
	if (dwarf_addrdie(dwarf, addr, cu))
		return true;
	Dwarf_Off offset = 0, next;
	size_t header_size;
	while (dwarf_nextcu(dwarf, offset, &next, &header_size, NULL, NULL,
			    NULL) == 0) {
		if (dwarf_offdie(dwarf, offset + header_size, cu) &&
		    dwarf_haspc(cu, addr) == 1)
			return true;
		offset = next;
	}
	return false;
}

bool kc_dwarf_unit_holding(Dwarf *dwarf, uint64_t addr, Dwarf_Die *cu)
{
	return unit_holding(dwarf, addr, cu);
}

struct kc_error *kc_dwarf_source_line(struct kc_dwarf *dw, uint64_t addr,
				      const char **file, int *line)
{
	Dwarf *dwarf;
	struct kc_error *err = kc_dwarf_handle(dw, &dwarf);
	if (err)
		return err;
	Dwarf_Die cu;
	if (!unit_holding(dwarf, addr, &cu))
		return kc_error_address(KC_ERR_LOOKUP, addr,
					"no compile unit covers 0x%llx",
					(unsigned long long)addr);
	Dwarf_Line *dwline = dwarf_getsrc_die(&cu, addr);
	const char *name = dwline ? dwarf_linesrc(dwline, NULL, NULL) : NULL;
	if (!name || dwarf_lineno(dwline, line) != 0)
		return kc_error_address(KC_ERR_LOOKUP, addr,
					"no line-table entry for 0x%llx",
					(unsigned long long)addr);
	*file = name;
	return NULL;
}
