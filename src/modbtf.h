/* SPDX-License-Identifier: MIT */
/*
 * Modules' BTF in the dump (CONFIG_DEBUG_INFO_BTF_MODULES, v5.11+): each
 * loaded module's split BTF, on top of the vmlinux's, kept by the kernel
 * in the btf_modules list (kernel/bpf/btf.c: struct btf_module -> struct
 * btf, whose data/data_size hold the raw BTF the module carried).
 */
#ifndef KC_MODBTF_H
#define KC_MODBTF_H

#include <stddef.h>

#include "btf.h"
#include "error.h"
#include "session.h"
#include <kcrash/modules.h>

/* TYPE in some module's BTF (the first that has it). */
struct kc_error *kc_module_btfs_find_type(struct kc_session *session,
					  const char *type, struct kc_type *ret);
void kc_module_btfs_destroy(struct kc_session *session);

#endif
