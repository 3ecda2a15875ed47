/* SPDX-License-Identifier: MIT */
/*
 * fuzz-datasyms: fuzz_kernel.c's session and overlay with the symbol table
 * cut down to what kallsyms without CONFIG_KALLSYMS_ALL has, so every data
 * symbol the commands use is found anew (src/datasyms.c: function code
 * scans, checks against the kernel's types, image scans) in memory the
 * input corrupts, each iteration.
 */
#define KC_FUZZ_KALLSYMS_LIKE 1
#include "fuzz_kernel.c"
