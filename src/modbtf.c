/* SPDX-License-Identifier: MIT */
#include "modbtf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

/* A module's BTF is tens of KB; a bound on what a corrupt size makes us read. */
#define MODULE_BTF_MAX (16u << 20)
#define MODULES_MAX 4096

struct walk {
	struct kc_session *session;
	const struct kc_btf *base;
	struct kc_module_btfs *btfs;
	uint64_t list_offset;
};

static struct kc_error *read_module_btf(struct walk *w, uint64_t btf_module,
					struct kc_module_btf *out)
{
	struct kc_session *session = w->session;
	uint64_t module, btf, data, size;
	struct kc_error *err = kc_kernel_read_member(session, btf_module, "struct btf_module",
						     "module", &module);
	if (!err)
		err = kc_kernel_read_member(session, btf_module, "struct btf_module", "btf", &btf);
	if (!err) {
		size_t len;
		err = kc_kernel_read_member_bytes(session, module, "struct module", "name",
						  out->name, sizeof(out->name) - 1, &len);
		out->name[sizeof(out->name) - 1] = '\0';
	}
	if (!err)
		err = kc_kernel_read_member(session, btf, "struct btf", "data", &data);
	if (!err)
		err = kc_kernel_read_member(session, btf, "struct btf", "data_size", &size);
	if (err)
		return err;
	if (size == 0 || size > MODULE_BTF_MAX)
		return kc_error_create(KC_ERR_FORMAT,
				       "module %s: struct btf at 0x%llx says its BTF has %llu bytes",
				       out->name, (unsigned long long)btf, (unsigned long long)size);
	void *bytes = malloc(size);
	if (!bytes)
		return &kc_error_nomem;
	err = kc_kernel_read(session, data, bytes, size);
	if (!err) {
		char description[160];
		snprintf(description, sizeof(description), "BTF of module %s in the dump at 0x%llx",
			 out->name, (unsigned long long)data);
		err = kc_btf_open_data(bytes, size, w->base, description, &out->btf);
	}
	free(bytes);
	return err;
}

static struct kc_error *visit(void *ctx, uint64_t node)
{
	struct walk *w = ctx;
	struct kc_module_btfs *btfs = w->btfs;
	struct kc_module_btf *grown = realloc(btfs->modules,
					      (btfs->nr_modules + 1) * sizeof(*grown));
	if (!grown)
		return &kc_error_nomem;
	btfs->modules = grown;
	struct kc_module_btf *m = &btfs->modules[btfs->nr_modules++];
	memset(m, 0, sizeof(*m));
	struct kc_error *err = read_module_btf(w, node - w->list_offset, m);
	if (err) {
		/* One unreadable module's BTF does not hide the others'. */
		m->error = strdup(kc_error_message(err));
		kc_error_destroy(err);
		if (!m->error)
			return &kc_error_nomem;
	}
	return kc_check_interrupt();
}

static struct kc_error *load(struct kc_session *session, struct kc_module_btfs *btfs)
{
	struct kc_types *types;
	struct kc_error *err = kc_session_types(session, &types);
	if (err)
		return err;
	struct walk w = {.session = session, .base = kc_types_btf(types), .btfs = btfs};
	if (!w.base)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "modules' BTF is split BTF on the vmlinux's: it needs BTF types (--types btf), not %s",
				       kc_types_description(types));
	uint64_t head;
	const struct kc_kernel_member *list;
	err = kc_kernel_symbol(session, "btf_modules", &head);
	if (!err)
		err = kc_kernel_member(session, "struct btf_module", "list", &list);
	if (err)
		return kc_error_prefix(err, "modules' BTF");
	w.list_offset = list->offset;
	err = kc_kernel_list_walk(session, head, MODULES_MAX, visit, &w);
	if (err && err->code != KC_ERR_NOMEM && err->code != KC_ERR_INTERRUPTED) {
		/* A corrupt list: keep what came before the break. */
		btfs->broken = strdup(kc_error_message(err));
		kc_error_destroy(err);
		err = btfs->broken ? NULL : &kc_error_nomem;
	}
	return err;
}

struct kc_error *kc_module_btfs_get(struct kc_session *session,
				    const struct kc_module_btfs **ret)
{
	if (!session->module_btfs && !session->module_btfs_error) {
		struct kc_module_btfs *btfs = calloc(1, sizeof(*btfs));
		if (!btfs)
			return &kc_error_nomem;
		session->module_btfs = btfs;
		session->module_btfs_error = load(session, btfs);
	}
	if (session->module_btfs_error)
		return kc_error_create(session->module_btfs_error->code, "%s",
				       kc_error_message(session->module_btfs_error));
	*ret = session->module_btfs;
	return NULL;
}

struct kc_error *kc_module_btfs_find_type(struct kc_session *session,
					  const char *type, struct kc_type *ret)
{
	const struct kc_module_btfs *btfs;
	struct kc_error *err = kc_module_btfs_get(session, &btfs);
	if (err)
		return err;
	for (size_t i = 0; i < btfs->nr_modules; i++) {
		if (!btfs->modules[i].btf)
			continue;
		err = kc_btf_find_type(btfs->modules[i].btf, type, ret);
		if (!err)
			return NULL;
		kc_error_destroy(err);
	}
	return kc_error_create(KC_ERR_LOOKUP, "no type named `%s' in the vmlinux's or %zu modules' BTF",
			       type, btfs->nr_modules);
}

void kc_module_btfs_destroy(struct kc_session *session)
{
	struct kc_module_btfs *btfs = session->module_btfs;
	if (btfs) {
		for (size_t i = 0; i < btfs->nr_modules; i++) {
			kc_btf_close(btfs->modules[i].btf);
			free(btfs->modules[i].error);
		}
		free(btfs->modules);
		free(btfs->broken);
		free(btfs);
	}
	session->module_btfs = NULL;
	kc_error_destroy(session->module_btfs_error);
	session->module_btfs_error = NULL;
}
