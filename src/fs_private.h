/* SPDX-License-Identifier: MIT */
/* The public part is in include/kcrash/fs.h. */
#ifndef KC_FS_PRIVATE_H
#define KC_FS_PRIVATE_H

#include <kcrash/fs.h>

/* NULL when the global at ADDR is the one looked for, else why not. */
typedef struct kc_error *(*kc_fs_global_check_fn)(struct kc_session *session, uint64_t addr);

/*
 * The address of the kernel global NAME: from the symbols when they have
 * it, else the one address that the code of FUNCTIONS (NULL-terminated)
 * materializes in the image's data, used as REQUIRED_FLAGS say
 * (KC_ARM64_REF_*), and that passes CHECK. Two different passing
 * addresses are an error naming both, never a choice.
 */
struct kc_error *kc_fs_global(struct kc_session *session, const char *name,
			      const char *const *functions, unsigned required_flags,
			      kc_fs_global_check_fn check, uint64_t *addr);

#endif
