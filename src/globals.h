/* SPDX-License-Identifier: MIT */
/*
 * The declared types of kernel globals that kcrash reads, for type
 * sources without variables (BTF describes only per-CPU ones). Each is
 * the kernel's own declaration, written as a type name
 * ("struct task_struct", "unsigned long [3]"); where a release changed it,
 * the alternatives are separated by '|' and tried in order; an anonymous
 * struct is written "struct {member,member}" (its direct members, in
 * order).
 */
#ifndef KC_GLOBALS_H
#define KC_GLOBALS_H

/* NAME's declaration, or NULL when kcrash does not know it. */
const char *kc_global_declaration(const char *name);

#endif
