/* SPDX-License-Identifier: MIT */
/*
 * Finding data symbols in the dump (datasyms.h): reading and scanning the
 * functions datasym_kernel.c names, checking their candidates, and
 * combining the answers of the functions and of the independent route.
 */
#include "datasyms.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arm64/datarefs.h"
#include "arm64/insn.h"
#include "datasym_kernel.h"
#include "kernel.h"
#include "symbols.h"

/* ---- the session's remembered symbols ---- */

enum entry_status { ENTRY_NEW, ENTRY_BUSY, ENTRY_DONE };

struct entry {
	enum entry_status status;
	struct kc_datasym sym;
	struct kc_error *error;
};

struct kc_datasyms {
	struct entry *entries;          /* one per spec */
	struct kc_arm64_decoder *decoder;
	struct kc_datasym_function **scans; /* each its own allocation: others point to them */
	size_t nr_scans;
	struct kc_datasym_image *image;
};

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const struct kc_datasym_spec *find_spec(const char *name, size_t *index)
{
	size_t nr_specs;
	const struct kc_datasym_spec *specs = kc_datasym_specs(&nr_specs);
	for (size_t i = 0; i < nr_specs; i++) {
		if (strcmp(specs[i].name, name) == 0) {
			if (index)
				*index = i;
			return &specs[i];
		}
	}
	return NULL;
}

bool kc_datasym_known(const char *name)
{
	return find_spec(name, NULL) != NULL;
}

static struct kc_error *state_of(struct kc_session *session,
				 struct kc_datasyms **ret)
{
	if (!session->datasyms) {
		size_t nr_specs;
		kc_datasym_specs(&nr_specs);
		struct kc_datasyms *state = calloc(1, sizeof(*state));
		if (!state)
			return &kc_error_nomem;
		state->entries = calloc(nr_specs, sizeof(*state->entries));
		if (!state->entries) {
			free(state);
			return &kc_error_nomem;
		}
		session->datasyms = state;
	}
	*ret = session->datasyms;
	return NULL;
}

struct kc_datasym_image **kc_datasyms_image(struct kc_session *session)
{
	struct kc_datasyms *state;
	struct kc_error *err = state_of(session, &state);
	if (err)
		return NULL;
	return &state->image;
}

void kc_datasyms_destroy(struct kc_session *session)
{
	struct kc_datasyms *state = session->datasyms;
	if (!state)
		return;
	size_t nr_specs;
	kc_datasym_specs(&nr_specs);
	for (size_t i = 0; i < nr_specs; i++) {
		free(state->entries[i].sym.provenance);
		kc_error_destroy(state->entries[i].error);
	}
	free(state->entries);
	for (size_t i = 0; i < state->nr_scans; i++) {
		free(state->scans[i]->name);
		free(state->scans[i]->cands);
		kc_arm64_refs_free(&state->scans[i]->refs);
		free(state->scans[i]->got);
		kc_error_destroy(state->scans[i]->error);
		free(state->scans[i]);
	}
	free(state->scans);
	kc_datasym_image_free(state->image);
	kc_arm64_decoder_close(state->decoder);
	free(state);
	session->datasyms = NULL;
}

/* ---- scanning functions ---- */

static void merge_ref(struct kc_datasym_function *scan, const struct kc_arm64_ref *ref)
{
	for (size_t i = 0; i < scan->nr_cands; i++) {
		struct kc_datasym_candidate *c = &scan->cands[i];
		if (c->target == ref->target) {
			c->kinds |= 1u << ref->kind;
			c->sizes |= ref->sizes;
			c->flags |= ref->flags;
			if (ref->table)
				c->table = ref->table;
			return;
		}
	}
	scan->cands[scan->nr_cands++] = (struct kc_datasym_candidate){
		.target = ref->target, .insn = ref->insn, .kinds = 1u << ref->kind,
		.sizes = ref->sizes, .flags = ref->flags, .table = ref->table,
	};
}

static enum kc_arm64_call_kind classify_call(void *ctx, uint64_t target)
{
	uint8_t code[32];
	struct kc_error *err = kc_kernel_read(ctx, target, code, sizeof(code));
	if (err) {
		kc_error_destroy(err);
		return KC_ARM64_CALL_OTHER;
	}
	return kc_arm64_classify_callee(code, sizeof(code));
}

/* Largest function read (the kernel's are far smaller; a bound for bad sizes). */
#define FUNCTION_MAX (64 * 1024)

static struct kc_error *scan_function(struct kc_session *session,
				      struct kc_datasyms *state,
				      struct kc_datasym_function *scan)
{
	uint64_t start;
	struct kc_error *err = kc_session_symbol(session, scan->name, &start);
	if (err)
		return err;
	scan->start = start;
	struct kc_symbolized sym;
	err = kc_symbolize(session, start, &sym);
	if (err)
		return err;
	if (sym.type != 't' && sym.type != 'T' && sym.type != 'W' && sym.type != 'w')
		return kc_error_create(KC_ERR_FORMAT, "%s is not in the kernel's text (type %c)", scan->name, sym.type);
	uint64_t size = sym.addr + sym.size > start ? sym.addr + sym.size - start : 0;
	if (size == 0 || size > FUNCTION_MAX)
		return kc_error_create(KC_ERR_FORMAT, "%s: size %llu unusable", scan->name, (unsigned long long)size);
	uint64_t init_start, init_end;
	struct kc_error *init_err = kc_session_symbol(session, "_sinittext", &init_start);
	if (!init_err)
		init_err = kc_session_symbol(session, "_einittext", &init_end);
	bool in_init = !init_err && start >= init_start && start < init_end;
	kc_error_destroy(init_err);
	if (in_init)
		return kc_error_create(KC_ERR_FORMAT, "%s is init text, freed after boot", scan->name);
	uint8_t *code = malloc((size_t)size);
	if (!code)
		return &kc_error_nomem;
	err = kc_kernel_read(session, start, code, (size_t)size);
	if (err) {
		free(code);
		return kc_error_prefix(err, "%s's code", scan->name);
	}
	if (!state->decoder) {
		err = kc_arm64_decoder_open(&state->decoder);
		if (err) {
			free(code);
			return err;
		}
	}
	struct kc_arm64_refs refs = {0};
	err = kc_arm64_scan_refs(state->decoder, code, (size_t)size, start, classify_call,
				 session, &refs);
	free(code);
	if (!err && refs.count) {
		scan->cands = malloc(refs.count * sizeof(*scan->cands));
		if (!scan->cands)
			err = &kc_error_nomem;
		for (size_t i = 0; !err && i < refs.count; i++)
			merge_ref(scan, &refs.refs[i]);
	}
	scan->refs = refs;
	return err;
}

/* FUNCTION's candidates, scanned once per session. */
static struct kc_error *function_scan(struct kc_session *session,
				      struct kc_datasyms *state, const char *name,
				      const struct kc_datasym_function **ret)
{
	for (size_t i = 0; i < state->nr_scans; i++) {
		if (strcmp(state->scans[i]->name, name) == 0) {
			*ret = state->scans[i];
			return NULL;
		}
	}
	struct kc_datasym_function **grown = realloc(state->scans,
					       (state->nr_scans + 1) * sizeof(*grown));
	if (!grown)
		return &kc_error_nomem;
	state->scans = grown;
	struct kc_datasym_function *scan = calloc(1, sizeof(*scan));
	if (!scan)
		return &kc_error_nomem;
	scan->name = strdup(name);
	if (!scan->name) {
		free(scan);
		return &kc_error_nomem;
	}
	state->scans[state->nr_scans++] = scan;
	scan->error = scan_function(session, state, scan);
	if (scan->error == &kc_error_nomem) {
		scan->error = NULL;
		return &kc_error_nomem;
	}
	*ret = scan;
	return NULL;
}

/*
 * The values of FN's 8-byte loads from the image's data that point back
 * into it: GOT slots of __weak symbols (and any pointer variable, which
 * the symbol's check then rejects).
 */
static struct kc_error *read_got(struct kc_session *session, struct kc_datasym_function *fn,
				 uint64_t data_start, uint64_t data_end)
{
	if (fn->got_read)
		return NULL;
	fn->got_read = true;
	/* arm64's vmlinux.lds.S puts .got in the text segment, before _etext. */
	uint64_t stext;
	struct kc_error *text_err = kc_session_symbol(session, "_stext", &stext);
	if (text_err) {
		kc_error_destroy(text_err);
		stext = data_start;
	}
	for (size_t i = 0; i < fn->nr_cands; i++) {
		const struct kc_datasym_candidate *slot = &fn->cands[i];
		uint64_t value;
		if (!(slot->kinds & (1u << KC_ARM64_REF_LOAD)) || slot->sizes != (1u << 3) ||
		    slot->target < stext || slot->target >= data_end)
			continue;
		struct kc_error *err = kc_kernel_read_u64(session, slot->target, &value);
		if (err) {
			kc_error_destroy(err);
			continue;
		}
		if (value < data_start || value >= data_end)
			continue;
		struct kc_datasym_candidate *grown = realloc(fn->got, (fn->nr_got + 1) * sizeof(*grown));
		if (!grown)
			return &kc_error_nomem;
		fn->got = grown;
		fn->got[fn->nr_got++] = (struct kc_datasym_candidate){
			.target = value, .insn = slot->insn, .kinds = 1u << KC_ARM64_REF_LOAD,
			.flags = KC_DATASYM_FROM_GOT,
		};
	}
	return NULL;
}

/* ---- deriving one symbol ---- */

static const char *kind_name(const struct kc_datasym_candidate *c)
{
	if (c->flags & KC_DATASYM_FROM_GOT)
		return "adrp/ldr of its GOT slot";
	bool anchored = c->flags & KC_ARM64_REF_ANCHORED;
	if (c->kinds & (1u << KC_ARM64_REF_ADDR))
		return anchored ? "adrp/add, then add from a section anchor" : "adrp/add";
	if (c->kinds & (1u << KC_ARM64_REF_LOAD))
		return anchored ? "adrp/add, then ldr from a section anchor" : "adrp/ldr";
	return anchored ? "adrp/add, then str from a section anchor" : "adrp/str";
}

/* One candidate's check result, remembered within one derivation. */
struct tried {
	uint64_t addr;
	struct kc_error *error;
	struct kc_datasym_verdict verdict;
};

struct attempt {
	struct tried *tried;
	size_t nr_tried;
	/* The candidates that passed, per function that had any. */
	struct {
		const struct kc_datasym_function *fn;
		const struct kc_datasym_candidate *cand[8];
		size_t nr;
	} passed[16];
	size_t nr_passed_fns;
	size_t nr_candidates;
	struct kc_error *first_rejection; /* with its address in the message */
};

static void attempt_free(struct attempt *a)
{
	for (size_t i = 0; i < a->nr_tried; i++)
		kc_error_destroy(a->tried[i].error);
	free(a->tried);
	kc_error_destroy(a->first_rejection);
}

static struct kc_error *try_candidate(struct kc_session *session,
				      const struct kc_datasym_spec *spec, struct attempt *a,
				      const struct kc_datasym_function *fn,
				      const struct kc_datasym_candidate *cand,
				      const struct tried **ret)
{
	for (size_t i = 0; i < a->nr_tried; i++) {
		if (a->tried[i].addr == cand->target) {
			*ret = &a->tried[i];
			return NULL;
		}
	}
	struct tried *grown = realloc(a->tried, (a->nr_tried + 1) * sizeof(*grown));
	if (!grown)
		return &kc_error_nomem;
	a->tried = grown;
	struct tried *t = &a->tried[a->nr_tried++];
	*t = (struct tried){.addr = cand->target};
	struct kc_datasym_probe probe = {cand->target, cand, fn};
	t->error = spec->check(session, &probe, &t->verdict);
	if (t->error == &kc_error_nomem) {
		t->error = NULL;
		a->nr_tried--;
		return &kc_error_nomem;
	}
	if (t->error && !a->first_rejection)
		a->first_rejection = kc_error_create(t->error->code,
			"0x%llx (from %s+0x%llx): %s", (unsigned long long)cand->target,
			fn->name, (unsigned long long)(cand->insn - fn->start),
			kc_error_message(t->error));
	*ret = t;
	return NULL;
}

/*
 * The code route: every listed function's candidates in the kernel's
 * data are checked; the answer is the one address that passes in every
 * function where anything passes.
 */
static struct kc_error *derive_from_code(struct kc_session *session,
					 struct kc_datasyms *state,
					 const struct kc_datasym_spec *spec, uint64_t *addr,
					 struct kc_datasym_verdict *verdict, char *how,
					 size_t how_len)
{
	uint64_t data_start, data_end;
	struct kc_error *err = kc_datasym_data_range(session, &data_start, &data_end);
	if (err)
		return err;
	struct attempt a = {0};
	size_t nr_scanned = 0;
	char missing[384] = "";
	for (size_t f = 0; spec->functions[f]; f++) {
		const struct kc_datasym_function *fn;
		err = function_scan(session, state, spec->functions[f], &fn);
		if (err)
			goto out;
		if (fn->error) {
			size_t used = strlen(missing);
			snprintf(missing + used, sizeof(missing) - used, "%s%s", used ? "; " : "",
				 kc_error_message(fn->error));
			continue;
		}
		nr_scanned++;
		size_t slot = a.nr_passed_fns;
		if (slot < sizeof(a.passed) / sizeof(a.passed[0]))
			a.passed[slot].fn = fn;
		if (spec->through_got) {
			err = read_got(session, (struct kc_datasym_function *)fn, data_start,
				       data_end);
			if (err)
				goto out;
		}
		for (size_t i = 0; i < fn->nr_cands + (spec->through_got ? fn->nr_got : 0); i++) {
			const struct kc_datasym_candidate *cand =
				i < fn->nr_cands ? &fn->cands[i] : &fn->got[i - fn->nr_cands];
			if (cand->target < data_start || cand->target >= data_end)
				continue;
			a.nr_candidates++;
			const struct tried *t;
			err = try_candidate(session, spec, &a, fn, cand, &t);
			if (err)
				goto out;
			if (!t->error && slot < sizeof(a.passed) / sizeof(a.passed[0]) &&
			    a.passed[slot].nr < sizeof(a.passed[slot].cand) / sizeof(a.passed[slot].cand[0]))
				a.passed[slot].cand[a.passed[slot].nr++] = cand;
		}
		if (slot < sizeof(a.passed) / sizeof(a.passed[0]) && a.passed[slot].nr)
			a.nr_passed_fns++;
	}
	if (nr_scanned == 0) {
		err = kc_error_create(KC_ERR_LOOKUP,
				      "none of the functions known to use it can be read (%s)",
				      missing);
		goto out;
	}
	if (a.nr_passed_fns == 0) {
		if (a.first_rejection)
			err = kc_error_create(KC_ERR_LOOKUP,
					      "none of the %zu addresses %zu function%s use passes the check; first: %s",
					      a.nr_candidates, nr_scanned, nr_scanned == 1 ? "" : "s",
					      kc_error_message(a.first_rejection));
		else
			err = kc_error_create(KC_ERR_LOOKUP,
					      "the %zu function%s that use it address no data",
					      nr_scanned, nr_scanned == 1 ? "" : "s");
		goto out;
	}
	/*
	 * A passing address inside another passing object (avenrun[1] next
	 * to avenrun, a member reached through a section anchor) is a part
	 * of it, not a symbol.
	 */
	for (size_t f = 0; f < a.nr_passed_fns; f++) {
		size_t kept = 0;
		for (size_t j = 0; j < a.passed[f].nr; j++) {
			uint64_t target = a.passed[f].cand[j]->target;
			bool interior = false;
			for (size_t i = 0; i < a.nr_tried && !interior; i++) {
				const struct tried *t = &a.tried[i];
				interior = !t->error && t->verdict.size && t->addr < target &&
					   target - t->addr < t->verdict.size;
			}
			if (!interior)
				a.passed[f].cand[kept++] = a.passed[f].cand[j];
		}
		a.passed[f].nr = kept;
	}
	/* The intersection over the functions with passing candidates. */
	uint64_t common[8];
	size_t nr_common = 0;
	for (size_t i = 0; i < a.passed[0].nr; i++) {
		uint64_t target = a.passed[0].cand[i]->target;
		bool everywhere = true;
		for (size_t f = 1; f < a.nr_passed_fns && everywhere; f++) {
			bool here = false;
			for (size_t j = 0; j < a.passed[f].nr; j++)
				here |= a.passed[f].cand[j]->target == target;
			everywhere = here;
		}
		if (everywhere)
			common[nr_common++] = target;
	}
	if (nr_common != 1) {
		/* Name two passing addresses that contradict each other. */
		const struct kc_datasym_candidate *x = a.passed[0].cand[0], *y = NULL;
		const struct kc_datasym_function *fx = a.passed[0].fn, *fy = NULL;
		for (size_t f = 0; f < a.nr_passed_fns && !y; f++)
			for (size_t j = 0; j < a.passed[f].nr && !y; j++)
				if (a.passed[f].cand[j]->target != x->target) {
					y = a.passed[f].cand[j];
					fy = a.passed[f].fn;
				}
		if (nr_common > 1 && !y) {
			y = a.passed[0].cand[1];
			fy = fx;
		}
		if (y && fy != fx)
			err = kc_error_create(KC_ERR_FORMAT,
					      "the functions that use it disagree: %s+0x%llx uses 0x%llx, %s+0x%llx uses 0x%llx, both pass the check",
					      fx->name, (unsigned long long)(x->insn - fx->start),
					      (unsigned long long)x->target, fy->name,
					      (unsigned long long)(y->insn - fy->start),
					      (unsigned long long)y->target);
		else if (y)
			err = kc_error_create(KC_ERR_FORMAT,
					      "ambiguous: 0x%llx (%s+0x%llx) and 0x%llx (%s+0x%llx) both pass the check",
					      (unsigned long long)x->target, fx->name,
					      (unsigned long long)(x->insn - fx->start),
					      (unsigned long long)y->target, fy->name,
					      (unsigned long long)(y->insn - fy->start));
		else
			err = kc_error_create(KC_ERR_FORMAT, "the functions that use it disagree");
		goto out;
	}
	*addr = common[0];
	for (size_t i = 0; i < a.nr_tried; i++)
		if (a.tried[i].addr == *addr)
			*verdict = a.tried[i].verdict;
	size_t used = 0;
	how[0] = '\0';
	for (size_t f = 0; f < a.nr_passed_fns && used + 1 < how_len; f++) {
		for (size_t j = 0; j < a.passed[f].nr; j++) {
			const struct kc_datasym_candidate *c = a.passed[f].cand[j];
			if (c->target != *addr)
				continue;
			int n = snprintf(how + used, how_len - used, "%s%s+0x%llx (%s)",
					 f ? ", " : "from ", a.passed[f].fn->name,
					 (unsigned long long)(c->insn - a.passed[f].fn->start),
					 kind_name(c));
			if (n > 0)
				used += (size_t)n < how_len - used ? (size_t)n : how_len - used - 1;
		}
	}
out:
	attempt_free(&a);
	return err;
}

static struct kc_error *store_found(struct entry *entry, uint64_t addr,
				    uint64_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static struct kc_error *store_found(struct entry *entry, uint64_t addr,
				    uint64_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = NULL;
	int n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return &kc_error_nomem;
	entry->sym.addr = addr;
	entry->sym.size = size;
	entry->sym.provenance = text;
	return NULL;
}

static struct kc_error *derive(struct kc_session *session, struct kc_datasyms *state,
			       const struct kc_datasym_spec *spec, struct entry *entry)
{
	if (spec->alias_of) {
		/* arch/arm64/kernel/vmlinux.lds.S: jiffies = jiffies_64. */
		uint64_t addr;
		struct kc_error *err = kc_session_symbol(session, spec->alias_of, &addr);
		if (err)
			return err;
		const struct kc_datasym *target = NULL;
		if (!session->symtab || !kc_symtab_lookup(session->symtab, spec->alias_of))
			kc_error_destroy(kc_datasym_find(session, spec->alias_of, &target));
		if (!target)
			return store_found(entry, addr, 0, "the address of %s (an alias on arm64)",
					   spec->alias_of);
		return store_found(entry, addr, target->size,
				   "the address of %s (an alias on arm64): %s", spec->alias_of,
				   target->provenance);
	}
	uint64_t code_addr = 0, route_addr = 0;
	struct kc_datasym_verdict code_verdict = {0}, route_verdict = {0};
	char code_how[384] = "", route_how[256] = "";
	struct kc_error *code_err = NULL, *route_err = NULL;
	if (spec->functions)
		code_err = derive_from_code(session, state, spec, &code_addr, &code_verdict,
					    code_how, sizeof(code_how));
	if (code_err == &kc_error_nomem)
		return code_err;
	/*
	 * The image route validates with the same check as the code route,
	 * so after a code answer it could only re-find it (or find a second
	 * object that passes, which the check makes all but impossible): it
	 * runs when the code gives no answer, or on request (--verify-symbols),
	 * its scans being most of the search's time (zlib-compressed dumps).
	 */
	bool run_route = spec->route &&
			 (!spec->functions || code_err || session->verify_data_symbols);
	if (run_route)
		route_err = spec->route(session, &route_addr, &route_verdict,
					route_how, sizeof(route_how));
	if (route_err == &kc_error_nomem) {
		kc_error_destroy(code_err);
		return route_err;
	}
	struct kc_error *err = NULL;
	bool have_code = spec->functions && !code_err;
	bool have_route = run_route && !route_err;
	if (have_code && have_route && code_addr != route_addr) {
		err = kc_error_create(KC_ERR_FORMAT,
				      "the two routes disagree: 0x%llx %s, but 0x%llx %s",
				      (unsigned long long)code_addr, code_how,
				      (unsigned long long)route_addr, route_how);
	} else if (have_code && have_route) {
		err = store_found(entry, code_addr, code_verdict.size,
				  "%s; %s, the same; validated: %s", code_how, route_how,
				  code_verdict.detail);
	} else if (have_code) {
		if (run_route)
			err = store_found(entry, code_addr, code_verdict.size,
					  "%s; validated: %s (not cross-checked: %s)", code_how,
					  code_verdict.detail, kc_error_message(route_err));
		else
			err = store_found(entry, code_addr, code_verdict.size,
					  "%s; validated: %s", code_how, code_verdict.detail);
	} else if (have_route) {
		if (spec->functions)
			err = store_found(entry, route_addr, route_verdict.size,
					  "%s; validated: %s (the code route failed: %s)", route_how,
					  route_verdict.detail, kc_error_message(code_err));
		else
			err = store_found(entry, route_addr, route_verdict.size,
					  "%s; validated: %s", route_how, route_verdict.detail);
	} else if (code_err && route_err) {
		err = kc_error_create(code_err->code, "%s; and %s", kc_error_message(code_err),
				      kc_error_message(route_err));
	} else {
		struct kc_error *only = code_err ? code_err : route_err;
		err = kc_error_create(only->code, "%s", kc_error_message(only));
	}
	kc_error_destroy(code_err);
	kc_error_destroy(route_err);
	return err;
}

struct kc_error *kc_datasym_find(struct kc_session *session, const char *name,
				 const struct kc_datasym **ret)
{
	size_t index;
	const struct kc_datasym_spec *spec = find_spec(name, &index);
	if (!spec)
		return kc_error_create(KC_ERR_LOOKUP, "symbol not found: %s", name);
	if (!session->dump || !session->mmu)
		return kc_error_create(KC_ERR_LOOKUP,
				       "symbol %s: finding data symbols needs the dump's memory",
				       name);
	struct kc_datasyms *state;
	struct kc_error *err = state_of(session, &state);
	if (err)
		return err;
	struct entry *entry = &state->entries[index];
	if (entry->status == ENTRY_BUSY)
		return kc_error_create(KC_ERR_LOOKUP,
				       "symbol %s: needed while it is being looked for", name);
	if (entry->status == ENTRY_NEW) {
		entry->status = ENTRY_BUSY;
		entry->sym.name = spec->name;
		double start = now_seconds();
		err = derive(session, state, spec, entry);
		entry->sym.seconds = now_seconds() - start;
		if (err == &kc_error_nomem) {
			entry->status = ENTRY_NEW;
			return err;
		}
		entry->error = err ? kc_error_prefix(err, "%s not found", name) : NULL;
		entry->status = ENTRY_DONE;
	}
	if (entry->error)
		return kc_error_create(entry->error->code, "%s",
				       kc_error_message(entry->error));
	*ret = &entry->sym;
	return NULL;
}
