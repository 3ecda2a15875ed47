/* SPDX-License-Identifier: MIT */
/*
 * Compiled with -g (DWARF 4 and DWARF 5) only for its debug info: the
 * globals make the compiler describe every type of dwarf_sample.h.
 */
#include "dwarf_sample.h"

struct sample_task sample_task_var;
struct sample_zero sample_zero_var;
struct list_head sample_list;
enum sample_wide sample_wide_var;
sample_cv_u32 sample_cv_var;
static int sample_static_var;

int main(void)
{
	return sample_static_var + (int)sample_cv_var;
}
