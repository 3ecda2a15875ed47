/* SPDX-License-Identifier: MIT */
#include "globals.h"

#include <stddef.h>
#include <string.h>

/*
 * From the kernel's declarations (v5.10 to v6.12 unless a release is
 * named). Arrays whose bound is a config value (NR_CPUS, ...) are
 * declared without one.
 */
static const struct {
	const char *name;
	const char *declaration;
} globals[] = {
	/* kernel/sched, init/init_task.c */
	{"init_task", "struct task_struct"},
	{"runqueues", "struct rq"}, /* per-CPU: BTF has it anyway */
	{"pid_max", "int"},
	{"init_pid_ns", "struct pid_namespace"},
	{"nr_threads", "int"},
	{"avenrun", "unsigned long [3]"},
	/* fs/proc/array.c */
	{"task_state_array", "const char *const []"},
	/* kernel/module/main.c (kernel/module.c before v5.19) */
	{"modules", "struct list_head"},
	{"module_mutex", "struct mutex"},
	/* kernel/bpf/btf.c */
	{"btf_modules", "struct list_head"},
	{"btf_vmlinux", "struct btf *"},
	/* mm/percpu.c, arch/arm64 */
	{"__per_cpu_offset", "unsigned long []"},
	{"pcpu_base_addr", "void *"},
	{"kimage_voffset", "u64"},
	{"memstart_addr", "s64"},
	{"swapper_pg_dir", "pgd_t []"},
	{"init_mm", "struct mm_struct"},
	/* kernel/cpu.c, kernel/smp.c */
	{"nr_cpu_ids", "unsigned int"},
	{"__cpu_online_mask", "struct cpumask"},
	{"__cpu_possible_mask", "struct cpumask"},
	{"__cpu_present_mask", "struct cpumask"},
	{"__cpu_active_mask", "struct cpumask"},
	/* kernel/time */
	{"jiffies", "volatile unsigned long"},
	{"jiffies_64", "u64"},
	/* v6.12 named tk_core's type struct tk_data; before, it was anonymous */
	{"tk_core", "struct tk_data|struct {seq,timekeeper}"},
	/* kernel/panic.c, kernel/kexec_core.c */
	{"panic_cpu", "atomic_t"},
	{"tainted_mask", "unsigned long"},
	{"taint_flags", "const struct taint_flag []"},
	{"crash_notes", "note_buf_t *"},
	{"panic_on_oops", "int"},
	/* init/version.c, kernel/utsname.c */
	{"linux_banner", "const char []"},
	{"init_uts_ns", "struct uts_namespace"},
	/* kernel/printk: the lockless ring (v5.10+) and the old log_buf */
	{"prb", "struct printk_ringbuffer *"},
	{"printk_rb_static", "struct printk_ringbuffer"},
	{"clear_seq", "struct latched_seq|u64"},
	{"log_buf", "char *"},
	{"log_buf_len", "u32"},
	{"log_first_idx", "u32"},
	{"log_next_idx", "u32"},
	/* mm */
	{"_totalram_pages", "atomic_long_t"},
	{"totalram_pages", "unsigned long"}, /* before v5.0 */
	{"totalreserve_pages", "unsigned long"},
	{"contig_page_data", "struct pglist_data"},
	{"node_data", "struct pglist_data *[]"},
	{"mem_section", "struct mem_section **"},
	{"vmap_area_list", "struct list_head"},
	{"vmap_area_root", "struct rb_root"},
	{"vm_zone_stat", "atomic_long_t []"},
	{"vm_node_stat", "atomic_long_t []"},
	{"vm_numa_event", "atomic_long_t []"},
	{"slab_caches", "struct list_head"},
	{"high_memory", "void *"},
	{"max_pfn", "unsigned long"},
	{"nr_swapfiles", "unsigned int"},
	{"swap_info", "struct swap_info_struct *[]"},
	{"total_swap_pages", "long"},
	/* fs, net, irq */
	{"super_blocks", "struct list_head"},
	{"init_net", "struct net"},
	{"net_namespace_list", "struct list_head"},
	{"nr_irqs", "int"},
	/* arch/arm64/kernel/irq.c, traps.c */
	{"irq_stack_ptr", "unsigned long *"},
	{"overflow_stack", "unsigned long []"},
};

const char *kc_global_declaration(const char *name)
{
	for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++) {
		if (strcmp(globals[i].name, name) == 0)
			return globals[i].declaration;
	}
	return NULL;
}
