/* SPDX-License-Identifier: MIT */
#include "kernel.h"

#include <stdlib.h>
#include <string.h>

#include "arm64/mmu.h"
#include "btf.h"
#include "dumpbtf.h"
#include "datasyms.h"
#include "modbtf.h"
#include "modules.h"
#include "vmcore/file.h"

struct member_entry {
	char *key;                    /* "type\nmember" */
	struct kc_error *error;       /* a failed lookup is remembered too */
	struct kc_kernel_member member;
};

struct kc_kernel_state {
	struct member_entry *entries; /* open addressing */
	size_t capacity;
	size_t count;
};

static uint64_t hash_key(const char *key)
{
	uint64_t h = 1469598103934665603ull;
	for (; *key; key++)
		h = (h ^ (uint8_t)*key) * 1099511628211ull;
	return h;
}

void kc_kernel_state_destroy(struct kc_session *session)
{
	struct kc_kernel_state *state = session->kernel_state;
	if (state) {
		for (size_t i = 0; i < state->capacity; i++) {
			free(state->entries[i].key);
			kc_error_destroy(state->entries[i].error);
		}
		free(state->entries);
		free(state);
	}
	session->kernel_state = NULL;
	kc_types_destroy(session->types);
	session->types = NULL;
	kc_error_destroy(session->types_error);
	session->types_error = NULL;
	kc_dwarf_close(session->dwarf);
	session->dwarf = NULL;
	kc_error_destroy(session->dwarf_error);
	session->dwarf_error = NULL;
}

struct kc_error *kc_session_dwarf(struct kc_session *session,
				  struct kc_dwarf **dwarf)
{
	if (session->dwarf) {
		*dwarf = session->dwarf;
		return NULL;
	}
	if (!session->dwarf_error) {
		if (!session->vmlinux_path) {
			session->dwarf_error = kc_error_create(KC_ERR_UNSUPPORTED,
				"kernel types need the vmlinux (give it on the command line)");
		} else {
			session->dwarf_error = kc_dwarf_open(session->vmlinux_path,
							     NULL, 0, &session->dwarf);
			if (!session->dwarf_error) {
				*dwarf = session->dwarf;
				return NULL;
			}
		}
	}
	return kc_error_create(session->dwarf_error->code, "%s",
			       kc_error_message(session->dwarf_error));
}

/* The reasons the sources tried so far gave, "; "-separated. */
struct tried {
	char text[2048];
	enum kc_error_code code;
};

static void note_failure(struct tried *tried, struct kc_error *err)
{
	size_t len = strlen(tried->text);
	snprintf(tried->text + len, sizeof(tried->text) - len, "%s%s",
		 len ? "; " : "", kc_error_message(err));
	tried->code = err->code;
	kc_error_destroy(err);
}

/*
 * In order: --btf FILE (when given, the only one); the vmlinux's .BTF
 * section (BTF is read in milliseconds, where DWARF is indexed in a
 * second); the vmlinux's DWARF; the dump's own BTF. The preference
 * leaves out one kind.
 */
static struct kc_error *choose_types(struct kc_session *session,
				     struct kc_types **ret)
{
	enum kc_types_preference pref = session->types_preference;
	struct kc_btf *btf = NULL;
	struct kc_error *err;
	if (session->btf_path) {
		if (pref == KC_TYPES_DWARF)
			return kc_error_create(KC_ERR_INVALID_ARG,
					       "--btf %s contradicts --types dwarf",
					       session->btf_path);
		err = kc_btf_open_file(session->btf_path, &btf);
		return err ? err : kc_types_from_btf(btf, ret);
	}
	struct tried tried = {.text = "", .code = KC_ERR_LOOKUP};
	if (session->vmlinux_path && pref != KC_TYPES_DWARF) {
		err = kc_btf_open_file(session->vmlinux_path, &btf);
		if (!err)
			return kc_types_from_btf(btf, ret);
		note_failure(&tried, err);
	}
	if (session->vmlinux_path && pref != KC_TYPES_BTF) {
		struct kc_dwarf *dwarf;
		err = kc_session_dwarf(session, &dwarf);
		if (!err && kc_dwarf_has_debug_info(dwarf))
			return kc_types_from_dwarf(dwarf, false, ret);
		if (!err)
			err = kc_error_create(KC_ERR_UNSUPPORTED, "%s has no DWARF debug info",
					      session->vmlinux_path);
		note_failure(&tried, err);
	}
	if (pref != KC_TYPES_DWARF) {
		err = kc_dump_btf_open(session, &btf);
		if (!err)
			return kc_types_from_btf(btf, ret);
		note_failure(&tried, err);
	}
	if (!session->vmlinux_path && pref == KC_TYPES_DWARF)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "kernel types from DWARF need the vmlinux (give it on the command line)");
	return kc_error_create(tried.code,
			       "kernel types need the vmlinux's DWARF or BTF (in the vmlinux, the dump or --btf FILE): %s",
			       tried.text);
}

struct kc_error *kc_session_types(struct kc_session *session,
				  struct kc_types **types)
{
	if (!session->types && !session->types_error)
		session->types_error = choose_types(session, &session->types);
	if (session->types) {
		*types = session->types;
		return NULL;
	}
	return kc_error_create(session->types_error->code, "%s",
			       kc_error_message(session->types_error));
}

struct kc_error *kc_kernel_type(struct kc_session *session, const char *type,
				struct kc_type *ret)
{
	struct kc_types *types;
	struct kc_error *err = kc_session_types(session, &types);
	if (err)
		return err;
	err = kc_types_find_type(types, type, ret);
	/* Not in the vmlinux: maybe in a module's debuginfo (mod -s). */
	if (err && err->code == KC_ERR_LOOKUP && session->modules) {
		struct kc_error *module_err = kc_modules_find_type(session, type, ret);
		if (!module_err) {
			kc_error_destroy(err);
			return NULL;
		}
		kc_error_destroy(module_err);
	}
	/* Or in a module's BTF in the dump. */
	if (err && err->code == KC_ERR_LOOKUP && kc_types_btf(types)) {
		struct kc_error *module_err = kc_module_btfs_find_type(session, type, ret);
		if (!module_err) {
			kc_error_destroy(err);
			return NULL;
		}
		kc_error_destroy(module_err);
	}
	return err;
}

/*
 * A variable declared "T name[]" (BTF knows no bounds of globals) gets
 * its length from the symbol's size when the symbol table has one.
 */
static void complete_array(struct kc_session *session, struct kc_types *types,
			   const char *name, struct kc_variable *var)
{
	struct kc_type element;
	uint64_t length, element_size;
	bool complete;
	struct kc_error *err = kc_type_array(&var->type, &element, &length, &complete);
	if (err || complete) {
		kc_error_destroy(err);
		return;
	}
	const struct kc_symbol *sym = session->symtab ?
		kc_symtab_lookup(session->symtab, name) : NULL;
	err = sym && sym->size ? kc_type_size(&element, &element_size) :
				 kc_error_create(KC_ERR_LOOKUP, "no size");
	if (!err && element_size && sym->size % element_size == 0)
		err = kc_types_array_of(types, &element, sym->size / element_size,
					true, &var->type);
	kc_error_destroy(err);
}

struct kc_error *kc_kernel_variable(struct kc_session *session,
				    const char *name, struct kc_variable *ret)
{
	struct kc_types *types;
	struct kc_error *err = kc_session_types(session, &types);
	if (err)
		return err;
	err = kc_types_find_variable(types, name, ret);
	if (!err && !kc_types_dwarf(types))
		complete_array(session, types, name, ret);
	if (!err || err->code != KC_ERR_LOOKUP || kc_types_dwarf(types))
		return err;
	/* BTF without the variable: the vmlinux's DWARF may have it. */
	struct kc_dwarf *dwarf;
	struct kc_error *dwarf_err = kc_session_dwarf(session, &dwarf);
	if (dwarf_err || !kc_dwarf_has_debug_info(dwarf)) {
		kc_error_destroy(dwarf_err);
		return err; /* BTF's message says why */
	}
	dwarf_err = kc_dwarf_find_variable(dwarf, name, ret);
	if (dwarf_err) {
		kc_error_destroy(dwarf_err);
		return err;
	}
	kc_error_destroy(err);
	return NULL;
}

struct kc_error *kc_kernel_enumerator(struct kc_session *session,
				      const char *name, int64_t *value,
				      struct kc_type *enum_type)
{
	struct kc_types *types;
	struct kc_error *err = kc_session_types(session, &types);
	if (err)
		return err;
	return kc_types_find_enumerator(types, name, value, enum_type);
}

static struct kc_error *grow(struct kc_kernel_state *state)
{
	size_t capacity = state->capacity ? state->capacity * 2 : 256;
	struct member_entry *entries = calloc(capacity, sizeof(*entries));
	if (!entries)
		return &kc_error_nomem;
	for (size_t i = 0; i < state->capacity; i++) {
		if (!state->entries[i].key)
			continue;
		size_t slot = hash_key(state->entries[i].key) & (capacity - 1);
		while (entries[slot].key)
			slot = (slot + 1) & (capacity - 1);
		entries[slot] = state->entries[i];
	}
	free(state->entries);
	state->entries = entries;
	state->capacity = capacity;
	return NULL;
}

/* Forget every remembered member (all are looked up again on demand). */
static void kc_kernel_state_destroy_members(struct kc_kernel_state *state)
{
	for (size_t i = 0; i < state->capacity; i++) {
		free(state->entries[i].key);
		kc_error_destroy(state->entries[i].error);
	}
	free(state->entries);
	state->entries = NULL;
	state->capacity = state->count = 0;
}

void kc_kernel_forget_failures(struct kc_session *session)
{
	struct kc_kernel_state *state = session->kernel_state;
	if (!state || !state->capacity)
		return;
	bool any = false;
	for (size_t i = 0; i < state->capacity; i++) {
		struct member_entry *e = &state->entries[i];
		if (e->key && e->error) {
			free(e->key);
			kc_error_destroy(e->error);
			memset(e, 0, sizeof(*e));
			state->count--;
			any = true;
		}
	}
	if (!any)
		return;
	/* Open addressing: re-insert the rest so no probe chain is cut. */
	struct member_entry *entries = calloc(state->capacity, sizeof(*entries));
	if (!entries) {
		kc_kernel_state_destroy_members(state);
		return;
	}
	for (size_t i = 0; i < state->capacity; i++) {
		if (!state->entries[i].key)
			continue;
		size_t slot = hash_key(state->entries[i].key) & (state->capacity - 1);
		while (entries[slot].key)
			slot = (slot + 1) & (state->capacity - 1);
		entries[slot] = state->entries[i];
	}
	free(state->entries);
	state->entries = entries;
}

static struct kc_error *lookup_member(struct kc_session *session,
				      const char *type, const char *member,
				      struct kc_kernel_member *ret)
{
	struct kc_type t;
	struct kc_error *err = kc_kernel_type(session, type, &t);
	if (err)
		return err;
	struct kc_member m;
	err = kc_type_member(&t, member, &m);
	if (err)
		return err;
	ret->offset = m.offset;
	ret->type = m.type;
	ret->is_signed = kc_type_is_signed(&m.type);
	return kc_type_size(&m.type, &ret->size);
}

struct kc_error *kc_kernel_member(struct kc_session *session, const char *type,
				  const char *member,
				  const struct kc_kernel_member **ret)
{
	if (!session->kernel_state) {
		session->kernel_state = calloc(1, sizeof(*session->kernel_state));
		if (!session->kernel_state)
			return &kc_error_nomem;
	}
	struct kc_kernel_state *state = session->kernel_state;
	char *key = NULL;
	if (asprintf(&key, "%s\n%s", type, member) < 0)
		return &kc_error_nomem;
	if (state->capacity) {
		size_t slot = hash_key(key) & (state->capacity - 1);
		while (state->entries[slot].key) {
			struct member_entry *e = &state->entries[slot];
			if (strcmp(e->key, key) == 0) {
				free(key);
				if (e->error)
					return kc_error_create(e->error->code, "%s",
							       kc_error_message(e->error));
				*ret = &e->member;
				return NULL;
			}
			slot = (slot + 1) & (state->capacity - 1);
		}
	}
	if ((state->count + 1) * 2 > state->capacity) {
		struct kc_error *err = grow(state);
		if (err) {
			free(key);
			return err;
		}
	}
	size_t slot = hash_key(key) & (state->capacity - 1);
	while (state->entries[slot].key)
		slot = (slot + 1) & (state->capacity - 1);
	struct member_entry *e = &state->entries[slot];
	e->key = key;
	e->error = lookup_member(session, type, member, &e->member);
	state->count++;
	if (e->error)
		return kc_error_create(e->error->code, "%s", kc_error_message(e->error));
	*ret = &e->member;
	return NULL;
}

void kc_kernel_for_each_member_key(struct kc_session *session,
				   kc_member_key_fn fn, void *ctx)
{
	struct kc_kernel_state *state = session->kernel_state;
	for (size_t i = 0; state && i < state->capacity; i++) {
		const char *key = state->entries[i].key;
		if (!key)
			continue;
		char type[512];
		size_t len = strcspn(key, "\n");
		if (!key[len] || len >= sizeof(type))
			continue;
		memcpy(type, key, len);
		type[len] = '\0';
		fn(ctx, type, key + len + 1);
	}
}

bool kc_kernel_has_member(struct kc_session *session, const char *type,
			  const char *member)
{
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_member(session, type, member, &m);
	kc_error_destroy(err);
	return err == NULL;
}

struct kc_error *kc_kernel_sizeof(struct kc_session *session, const char *type,
				  uint64_t *size)
{
	struct kc_type t;
	struct kc_error *err = kc_kernel_type(session, type, &t);
	if (err)
		return err;
	return kc_type_size(&t, size);
}

struct kc_error *kc_kernel_read(struct kc_session *session, uint64_t vaddr,
				void *buf, size_t len)
{
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err)
		return err;
	return kc_arm64_read_kvirt(mmu, vaddr, buf, len);
}

struct kc_error *kc_kernel_read_u64(struct kc_session *session, uint64_t vaddr,
				    uint64_t *value)
{
	uint8_t bytes[8];
	struct kc_error *err = kc_kernel_read(session, vaddr, bytes, sizeof(bytes));
	if (!err)
		*value = kc_get_le64(bytes);
	return err;
}

struct kc_error *kc_kernel_read_member(struct kc_session *session,
				       uint64_t obj, const char *type,
				       const char *member, uint64_t *value)
{
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_member(session, type, member, &m);
	if (err)
		return err;
	if (m->size != 1 && m->size != 2 && m->size != 4 && m->size != 8)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "%s.%s is %llu bytes, not an integer or pointer",
				       type, member, (unsigned long long)m->size);
	uint8_t bytes[8] = {0};
	err = kc_kernel_read(session, obj + m->offset, bytes, (size_t)m->size);
	if (err)
		return kc_error_prefix(err, "%s.%s of 0x%llx", type, member,
				       (unsigned long long)obj);
	uint64_t v = kc_get_le64(bytes);
	unsigned bits = (unsigned)m->size * 8;
	if (bits < 64 && m->is_signed && (v >> (bits - 1)) & 1)
		v |= ~((UINT64_C(1) << bits) - 1);
	*value = v;
	return NULL;
}

struct kc_error *kc_kernel_read_member_bytes(struct kc_session *session,
					     uint64_t obj, const char *type,
					     const char *member, void *buf,
					     size_t len, size_t *size)
{
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_member(session, type, member, &m);
	if (err)
		return err;
	if (m->size > len)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "%s.%s is %llu bytes, more than the %zu expected",
				       type, member, (unsigned long long)m->size, len);
	err = kc_kernel_read(session, obj + m->offset, buf, (size_t)m->size);
	if (err)
		return kc_error_prefix(err, "%s.%s of 0x%llx", type, member,
				       (unsigned long long)obj);
	if (size)
		*size = (size_t)m->size;
	return NULL;
}

struct kc_error *kc_kernel_read_string(struct kc_session *session,
				       uint64_t vaddr, char *buf, size_t len)
{
	if (len == 0)
		return kc_error_create(KC_ERR_INVALID_ARG, "empty string buffer");
	size_t got = 0;
	while (got + 1 < len) {
		/* Read up to the end of the page so no unmapped page is touched. */
		size_t chunk = 256 - ((vaddr + got) & 255);
		if (chunk > len - 1 - got)
			chunk = len - 1 - got;
		struct kc_error *err = kc_kernel_read(session, vaddr + got, buf + got, chunk);
		if (err)
			return err;
		void *nul = memchr(buf + got, '\0', chunk);
		got += chunk;
		if (nul)
			return NULL;
	}
	buf[len - 1] = '\0';
	return NULL;
}

struct kc_error *kc_kernel_symbol(struct kc_session *session, const char *name,
				  uint64_t *addr)
{
	return kc_session_symbol(session, name, addr);
}

struct kc_error *kc_kernel_symbol_sized(struct kc_session *session,
					const char *name, uint64_t *addr,
					uint64_t *size)
{
	struct kc_error *err = kc_session_symbol(session, name, addr);
	if (err)
		return err;
	const struct kc_symbol *sym = session->symtab ?
		kc_symtab_lookup(session->symtab, name) : NULL;
	const struct kc_datasym *found;
	*size = 0;
	if (sym && sym->size) {
		*size = sym->size;
	} else if (kc_datasym_known(name) && !kc_datasym_find(session, name, &found)) {
		/* kallsyms and System.map have no sizes: the data symbol
		 * search works them out where it knows how (datasyms.h). */
		*size = found->size;
	}
	return NULL;
}

struct kc_error *kc_kernel_percpu(struct kc_session *session, uint64_t var,
				  unsigned cpu, uint64_t *addr)
{
	uint64_t offsets;
	struct kc_error *err = kc_kernel_symbol(session, "__per_cpu_offset", &offsets);
	if (err)
		return err;
	uint64_t offset;
	err = kc_kernel_read_u64(session, offsets + 8ull * cpu, &offset);
	if (err)
		return kc_error_prefix(err, "__per_cpu_offset[%u]", cpu);
	*addr = var + offset;
	return NULL;
}

/*
 * NR_CPUS: the length of __per_cpu_offset[NR_CPUS] (include/asm-generic/
 * percpu.h, v6.1), from the symbol's size; 65536 when unknown.
 */
static uint32_t config_nr_cpus(struct kc_session *session)
{
	uint64_t addr, size;
	struct kc_error *err = kc_kernel_symbol_sized(session, "__per_cpu_offset", &addr, &size);
	kc_error_destroy(err);
	if (!err && size >= 8 && size / 8 <= 65536)
		return (uint32_t)(size / 8);
	return 65536;
}

unsigned kc_kernel_nr_cpus(struct kc_session *session)
{
	uint64_t addr;
	uint8_t bytes[4];
	struct kc_error *err = kc_kernel_symbol(session, "nr_cpu_ids", &addr);
	if (!err)
		err = kc_kernel_read(session, addr, bytes, sizeof(bytes));
	if (!err) {
		/* A corrupt nr_cpu_ids must not make callers loop 4G times. */
		uint32_t n = kc_get_le32(bytes);
		if (n > 0 && n <= config_nr_cpus(session))
			return n;
	}
	kc_error_destroy(err);
	const struct kc_dump *dump = session->dump;
	unsigned n = dump->header_nr_cpus ? dump->header_nr_cpus : (unsigned)dump->nr_prstatus;
	return n <= config_nr_cpus(session) ? n : config_nr_cpus(session);
}

struct kc_error *kc_kernel_list_walk(struct kc_session *session, uint64_t head,
				     size_t max, kc_list_visit_fn visit,
				     void *ctx)
{
	/* Brent's cycle detection: O(1) memory, no revisit of memory. */
	uint64_t saved = head, power = 1, steps = 0;
	uint64_t node;
	struct kc_error *err = kc_kernel_read_u64(session, head, &node);
	if (err)
		return kc_error_prefix(err, "list head 0x%llx", (unsigned long long)head);
	for (size_t count = 0; node != head; count++) {
		if (count >= max)
			return kc_error_create(KC_ERR_FORMAT,
					       "list at 0x%llx: more than %zu entries (corrupt or circular?)",
					       (unsigned long long)head, max);
		if (node == 0)
			return kc_error_create(KC_ERR_FORMAT,
					       "list at 0x%llx: NULL next pointer after %zu entries",
					       (unsigned long long)head, count);
		if (node == saved && count > 0)
			return kc_error_address(KC_ERR_FORMAT, node,
						"list at 0x%llx: cycle at 0x%llx that does not return to the head (after %zu entries)",
						(unsigned long long)head,
						(unsigned long long)node, count);
		if (++steps == power) {
			saved = node;
			power *= 2;
			steps = 0;
		}
		err = visit(ctx, node);
		if (err) {
			if (err->code == KC_ERR_STOP) {
				kc_error_destroy(err);
				return NULL;
			}
			return err;
		}
		err = kc_check_interrupt();
		if (err)
			return err;
		err = kc_kernel_read_u64(session, node, &node);
		if (err)
			return kc_error_prefix(err, "list at 0x%llx: entry %zu's next pointer",
					       (unsigned long long)head, count);
	}
	return NULL;
}
