/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own BTF in the dump's memory (CONFIG_DEBUG_INFO_BTF puts
 * the .BTF section, between __start_BTF and __stop_BTF, in the kernel
 * image's read-only data: include/asm-generic/vmlinux.lds.h, v5.2+).
 */
#ifndef KC_DUMPBTF_H
#define KC_DUMPBTF_H

#include "btf.h"
#include "error.h"
#include "session.h"

/*
 * The vmlinux BTF: from __start_BTF/__stop_BTF when the symbols are known,
 * else found by scanning the kernel image for a BTF header whose blob
 * parses and describes struct task_struct. The description says which.
 */
struct kc_error *kc_dump_btf_open(struct kc_session *session,
				  struct kc_btf **ret);

#endif
