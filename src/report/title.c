/* SPDX-License-Identifier: MIT */
/*
 * Titles, kinds, guilty frames and signatures of parsed reports.
 *
 * The title rules are those of syzkaller's pkg/report (linux.go,
 * report.go), read as facts and written again here: for each report header
 * a list of formats, the first whose title pattern matches the header line
 * (and whose extra condition on the later lines holds) gives the title;
 * its "parts" say how the guilty frame is found (the pc/RIP line, the
 * "Call trace:" line, then the frames), frames matching the skip patterns
 * (generic panic, report, entry, locking, printk, allocation helpers) are
 * passed over, and stalls and hung tasks use their own choice of frame.
 * doc/report.md describes it.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../error.h"
#include "report_internal.h"

/* ---- what a format is made of ---- */

enum part_type {
	P_END = 0,
	P_RIP,       /* the pc/RIP/IP line: "pc : f+0x..", "RIP: 0010:f+0x.." */
	P_RIPW,      /* P_RIP, or powerpc's "--- interrupt: N at f" */
	P_CT,        /* "Call Trace:" / "Call trace:" / "Backtrace:" */
	P_PARSE,     /* the frames that follow */
	P_SUB,       /* a line containing one of "a|b|c" (no frame) */
	P_AFTER,     /* a line with A, then B, then a function (captured) */
	P_PCFUNC,    /* "[<pc>] f+" anywhere (captured) */
};

struct part {
	enum part_type type;
	const char *a, *b;
};

enum extractor { EX_FIRST, EX_STALL, EX_HANG };

/* Extra conditions on the later lines ("report" patterns), with captures. */
enum report_check {
	R_NONE,
	R_KASAN_RW,       /* a later "Read/Write of size|at addr": captures Read|Write */
	R_LATER_PCFUNC,   /* a later "[<pc>] f": captures f */
	R_LATER_AT,       /* a later line with A, then "at: [<pc>] f": captures f */
	R_LATER_SRC,      /* a later "file.c:N": captures it */
	R_LAST_FUNCTION,  /* a later "last function: NAME": captures NAME */
	R_UBSAN_WHAT,     /* "UBSAN: (.*?) in": captures the text */
	R_STACKPROT_FUNC, /* "...corrupted in: f": captures f */
	R_STACKPROT_HEX,  /* "...corrupted in: HEX" */
	R_DENTRY,         /* "still in use (N) [unmount of X]": captures unmount, X */
	R_LINE,           /* the header line contains A */
};

#define MAX_PARTS 5

struct format {
	const char *title;          /* POSIX ERE on the header line; groups are arguments */
	enum report_check check;
	const char *check_arg;
	const char *fmt;            /* %1..%9: arguments (captures, then frames) */
	struct part parts[MAX_PARTS];
	struct part parts2[MAX_PARTS];
	struct part parts3[MAX_PARTS]; /* kcrash's own last try, when both find nothing */
	const char *skip;           /* extra skip patterns, ERE alternatives */
	enum extractor extractor;
	bool corrupted;
	bool no_stack;
	const char *kind;
};

struct oops {
	const char *header;             /* a line containing this starts a report */
	const struct format *formats;
	size_t nr_formats;
	const char *suppress;           /* ERE: lines matching it do not */
};

#define RIP {P_RIP, NULL, NULL}
#define RIPW {P_RIPW, NULL, NULL}
#define CT {P_CT, NULL, NULL}
#define PARSE {P_PARSE, NULL, NULL}
#define SUB(s) {P_SUB, s, NULL}
#define AFTER(a, b) {P_AFTER, a, b}
#define PCFUNC {P_PCFUNC, NULL, NULL}
#define WARN_PARTS .parts = {RIPW, PARSE}, .parts2 = {CT, PARSE}

#define FUNC_RE "([a-zA-Z0-9_]+)[.+]"
#define SRC_RE "([a-zA-Z0-9_/.-]+\\.[a-z]+:[0-9]+)"

static const struct format bug_formats[] = {
	{.title = "BUG: KASAN: ([a-z-]+) in " FUNC_RE, .check = R_KASAN_RW,
	 .fmt = "KASAN: %1 %3 in %4", .parts = {AFTER("BUG: KASAN: ", " in "), CT, PARSE},
	 .skip = "kernel_fault|tag_check|mem_abort|^el1_|^el1h_", .kind = "kasan"},
	{.title = "BUG: KASAN: (double-free or invalid-free|double-free|invalid-free) in " FUNC_RE,
	 .fmt = "KASAN: invalid-free in %3", .parts = {AFTER("BUG: KASAN: ", " in "), CT, PARSE},
	 .skip = "slab_|kfree|vunmap|vfree", .kind = "kasan"},
	{.title = "BUG: KASAN: (.*)", .fmt = "KASAN: %1", .corrupted = true, .kind = "kasan"},
	{.title = "BUG: KMSAN: ([a-z-]+) in " FUNC_RE, .fmt = "KMSAN: %1 in %3",
	 .parts = {PARSE, SUB("Local variable|Uninit was created at:"), PARSE},
	 .skip = "alloc_skb|netlink_ack|netlink_rcv_skb|_encrypt$|^(crypto|cipher|drbg|rng)_",
	 .no_stack = true, .kind = "kmsan"},
	{.title = "BUG: KCSAN: (.*)", .fmt = "KCSAN: %1", .no_stack = true, .kind = "kcsan"},
	/* syzkaller names writes only: "KFENCE: out-of-bounds write in f", "KFENCE: use-after-free in f". */
	{.title = "BUG: KFENCE: (use-after-free|out-of-bounds) read in " FUNC_RE,
	 .fmt = "KFENCE: %1 in %3", .parts = {AFTER("BUG: KFENCE: ", " in "), PARSE},
	 .kind = "kfence"},
	{.title = "BUG: KFENCE: (use-after-free|out-of-bounds) write in " FUNC_RE,
	 .fmt = "KFENCE: %1 write in %3", .parts = {AFTER("BUG: KFENCE: ", " in "), PARSE},
	 .kind = "kfence"},
	{.title = "BUG: KFENCE: invalid free in " FUNC_RE, .fmt = "KFENCE: invalid free in %2",
	 .parts = {AFTER("BUG: KFENCE: ", " in "), PARSE}, .no_stack = true, .kind = "kfence"},
	{.title = "BUG: KFENCE: invalid (read|write) in " FUNC_RE, .fmt = "KFENCE: invalid %1 in %3",
	 .parts = {AFTER("BUG: KFENCE: ", " in "), PARSE}, .kind = "kfence"},
	{.title = "BUG: KFENCE: memory corruption in " FUNC_RE,
	 .fmt = "KFENCE: memory corruption in %2", .parts = {AFTER("BUG: KFENCE: ", " in "), PARSE},
	 .no_stack = true, .kind = "kfence"},
	{.title = "BUG: (unable to handle kernel paging request|unable to handle page fault for address|Unable to handle kernel data access)",
	 .fmt = "BUG: unable to handle kernel paging request in %2", .parts = {RIP, CT, PARSE},
	 .kind = "paging-request"},
	{.title = "BUG: (unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference|Kernel NULL pointer dereference)",
	 .fmt = "BUG: unable to handle kernel NULL pointer dereference in %2",
	 .parts = {RIP, CT, PARSE}, .kind = "null-deref"},
	{.title = "BUG: (unable to handle kernel|Unable to handle kernel)",
	 .fmt = "BUG: unable to handle kernel", .corrupted = true, .kind = "paging-request"},
	{.title = "BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP)",
	 .fmt = "BUG: %1 %2 in %3", .parts = {CT, PARSE}, .skip = "spin_|_lock|_unlock",
	 .kind = "spinlock"},
	{.title = "BUG: soft lockup", .fmt = "BUG: soft lockup in %1", .parts = {RIP, CT, PARSE},
	 .extractor = EX_STALL, .kind = "soft-lockup"},
	{.title = "BUG: .*still has locks held!", .check = R_LATER_PCFUNC,
	 .fmt = "BUG: still has locks held in %1", .kind = "lockdep"},
	{.title = "BUG: scheduling while atomic", .fmt = "BUG: scheduling while atomic in %1",
	 .parts = {CT, PARSE}, .skip = "schedule", .kind = "scheduling-while-atomic"},
	{.title = "BUG: lock held when returning to user space", .check = R_LATER_AT,
	 .check_arg = "leaving the kernel with locks still held",
	 .fmt = "BUG: lock held when returning to user space in %1", .no_stack = true,
	 .kind = "lockdep"},
	{.title = "BUG: bad unlock balance detected!", .fmt = "BUG: bad unlock balance in %1",
	 .parts = {PCFUNC, CT, PARSE}, .kind = "lockdep"},
	{.title = "BUG: held lock freed!", .check = R_LATER_PCFUNC,
	 .fmt = "BUG: held lock freed in %1", .kind = "lockdep"},
	{.title = "BUG: Bad rss-counter state", .fmt = "BUG: Bad rss-counter state",
	 .no_stack = true, .kind = "bad-page"},
	{.title = "BUG: non-zero nr_ptes on freeing mm", .fmt = "BUG: non-zero nr_ptes on freeing mm",
	 .no_stack = true, .kind = "bad-page"},
	{.title = "BUG: non-zero nr_pmds on freeing mm", .fmt = "BUG: non-zero nr_pmds on freeing mm",
	 .no_stack = true, .kind = "bad-page"},
	{.title = "BUG: Dentry .* still in use", .check = R_DENTRY,
	 .fmt = "BUG: Dentry still in use in %1", .kind = "bug"},
	{.title = "BUG: Bad page (state|cache)", .fmt = "BUG: Bad page %1 in %2",
	 .parts = {SUB("page last allocated"), PARSE},
	 .skip = "(free|put|get|update|release)_page|free_unref|^_*folio|truncate_inode_pages|page_frag_free|alloc|vmap|page_owner",
	 .kind = "bad-page"},
	{.title = "BUG: Bad page map", .fmt = "BUG: Bad page map", .kind = "bad-page"},
	{.title = "BUG: workqueue lockup", .fmt = "BUG: workqueue lockup", .no_stack = true,
	 .kind = "workqueue-lockup"},
	{.title = "BUG: sleeping function called from invalid context at (.*)",
	 .fmt = "BUG: sleeping function called from invalid context in %2",
	 .parts = {CT, PARSE}, .kind = "sleep-in-atomic"},
	{.title = "BUG: using ([a-z_]+)\\(\\) in preemptible",
	 .fmt = "BUG: using %1() in preemptible code in %2", .parts = {CT, PARSE},
	 .skip = "dump_stack|preemption|preempt|debug_|processor_id|this_cpu",
	 .kind = "sleep-in-atomic"},
	{.title = "BUG: workqueue leaked lock or atomic", .check = R_LAST_FUNCTION,
	 .fmt = "BUG: workqueue leaked lock or atomic in %1", .no_stack = true, .kind = "lockdep"},
	{.title = "BUG: memory leak", .fmt = "memory leak in %1",
	 .parts = {SUB("backtrace:|backtrace (crc"), PARSE},
	 .skip = "kmemleak|mmap|kmem|slab|alloc|create_object|idr_get|list_lru_init|kasprintf|kvasprintf|pcpu_create|strdup|strndup|memdup",
	 .kind = "memory-leak"},
	{.title = "BUG: .*stack guard page was hit at", .fmt = "BUG: stack guard page was hit in %1",
	 .parts = {RIP, CT, PARSE}, .extractor = EX_STALL, .kind = "stack-overflow"},
	{.title = "BUG: Invalid wait context", .fmt = "WARNING: locking bug in %1",
	 .parts = {CT, PARSE}, .skip = "lock_sock|release_sock", .kind = "lockdep"},
	{.title = "BUG:[[:space:]]*$", .fmt = "BUG: corrupted", .corrupted = true, .kind = "bug"},
};

static const struct format warning_formats[] = {
	{.title = "WARNING: .*lib/debugobjects\\.c.* (debug_print|debug_check|at)",
	 .fmt = "WARNING: ODEBUG bug in %2", WARN_PARTS,
	 .skip = "debug_|rcu|hrtimer_|timer_|work_|percpu_|vunmap|vfree|__free_|debug_check|kobject_",
	 .kind = "warning"},
	{.title = "WARNING: .*mm/usercopy\\.c.* (usercopy_warn|at)",
	 .fmt = "WARNING: bad usercopy in %2", WARN_PARTS, .skip = "usercopy|__check",
	 .kind = "warning"},
	{.title = "WARNING: .*lib/kobject\\.c.* (kobject_|at)", .fmt = "WARNING: kobject bug in %2",
	 WARN_PARTS, .skip = "kobject_", .kind = "warning"},
	{.title = "WARNING: .*fs/proc/generic\\.c.* (proc_register|at)",
	 .fmt = "WARNING: proc registration bug in %2", WARN_PARTS, .skip = "proc_",
	 .kind = "warning"},
	{.title = "WARNING: .*lib/refcount\\.c.* (refcount_|at)", .fmt = "WARNING: refcount bug in %2",
	 WARN_PARTS, .skip = "refcount|kobject_", .kind = "refcount"},
	{.title = "WARNING: .*kernel/locking/lockdep\\.c.*lock_", .fmt = "WARNING: locking bug in %1",
	 WARN_PARTS, .skip = "lock_sock|release_sock", .kind = "lockdep"},
	{.title = "WARNING: .*still has locks held!", .check = R_LATER_AT, .check_arg = "",
	 .fmt = "WARNING: still has locks held in %1", .kind = "lockdep"},
	{.title = "WARNING: Nested lock was not taken", .fmt = "WARNING: nested lock was not taken in %1",
	 WARN_PARTS, .kind = "lockdep"},
	{.title = "WARNING: lock held when returning to user space", .check = R_LATER_AT,
	 .check_arg = "leaving the kernel with locks still held",
	 .fmt = "WARNING: lock held when returning to user space in %1", .no_stack = true,
	 .kind = "lockdep"},
	{.title = "WARNING: .*mm/.*\\.c.* k?.?malloc", .fmt = "WARNING: kmalloc bug in %1",
	 WARN_PARTS, .skip = "kmalloc|krealloc|slab|kmem", .kind = "warning"},
	{.title = "WARNING: .*mm/vmalloc.c.*__vmalloc_node", .fmt = "WARNING: zero-size vmalloc in %1",
	 WARN_PARTS, .kind = "warning"},
	{.title = "WARNING: .* usb_submit_urb", .fmt = "WARNING in %1/usb_submit_urb", WARN_PARTS,
	 .skip = "usb_submit_urb|usb_start_wait_urb|usb_bulk_msg|usb_interrupt_msg|usb_control_msg",
	 .kind = "warning"},
	{.title = "WARNING: " SRC_RE " at 0x[0-9]+, CPU#[0-9]+", .fmt = "WARNING in %2", WARN_PARTS,
	 .kind = "warning"},
	{.title = "WARNING: .* at " SRC_RE " " FUNC_RE, .fmt = "WARNING in %3", WARN_PARTS,
	 .kind = "warning"},
	{.title = "WARNING: " SRC_RE " at " FUNC_RE, .fmt = "WARNING in %3", WARN_PARTS,
	 .kind = "warning"},
	{.title = "WARNING: \\[.*\\] " SRC_RE " at " FUNC_RE ".*", .fmt = "WARNING in %3", WARN_PARTS,
	 .kind = "warning"},
	{.title = "WARNING: possible circular locking dependency detected", .check = R_LINE,
	 .fmt = "possible deadlock in %1",
	 .parts = {AFTER("at: ", ""), AFTER("at: ", ""), PARSE},
	 .skip = "process_one_work|flush_workqueue|drain_workqueue|destroy_workqueue",
	 .kind = "lockdep"},
	{.title = "WARNING: possible irq lock inversion dependency detected", .check = R_LATER_AT,
	 .check_arg = "just changed the state of lock", .fmt = "possible deadlock in %1",
	 .kind = "lockdep"},
	{.title = "WARNING: .*-safe -> .*-unsafe lock order detected", .fmt = "possible deadlock in %1",
	 .parts = {SUB("which became "), PARSE}, .kind = "lockdep"},
	{.title = "WARNING: possible recursive locking detected", .check = R_LATER_AT,
	 .check_arg = "is trying to acquire lock", .fmt = "possible deadlock in %1",
	 .kind = "lockdep"},
	{.title = "WARNING: inconsistent lock state", .check = R_LATER_AT, .check_arg = "takes",
	 .fmt = "inconsistent lock state in %2", .parts = {CT, PARSE}, .kind = "lockdep"},
	{.title = "WARNING: suspicious RCU usage", .check = R_LATER_SRC,
	 .fmt = "WARNING: suspicious RCU usage in %2", .parts = {CT, PARSE}, .skip = "rcu|kmem|slab",
	 .kind = "lockdep"},
	{.title = "WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* has bad '([^']+)' value",
	 .fmt = "WARNING: kernel stack regs has bad '%1' value", .no_stack = true, .kind = "warning"},
	{.title = "WARNING: kernel stack frame pointer at [0-9a-f]+ in [^ ]* has bad value",
	 .fmt = "WARNING: kernel stack frame pointer has bad value", .no_stack = true,
	 .kind = "warning"},
	{.title = "WARNING: bad unlock balance detected!", .fmt = "WARNING: bad unlock balance in %1",
	 .parts = {PCFUNC, CT, PARSE}, .kind = "lockdep"},
	{.title = "WARNING: held lock freed!", .check = R_LATER_AT, .check_arg = "",
	 .fmt = "WARNING: held lock freed in %1", .kind = "lockdep"},
	{.title = "WARNING:[[:space:]]*$", .fmt = "WARNING: corrupted", .corrupted = true,
	 .kind = "warning"},
};

static const struct format info_formats[] = {
	{.title = "INFO: rcu_(preempt|sched|bh|tasks[a-z_]*) (self-)?detected( expedited)? stall",
	 .fmt = "INFO: rcu detected stall in %4",
	 .parts = {SUB("apic_timer_interrupt"), RIP, PARSE},
	 .parts2 = {SUB("apic_timer_interrupt|Exception stack|el1h_64_irq"), PARSE},
	 /* arm64 self-detected stalls print the pc and a trace, no interrupt frame */
	 .parts3 = {RIP, CT, PARSE},
	 .skip = "apic_timer_interrupt|rcu", .extractor = EX_STALL, .kind = "rcu-stall"},
	{.title = "INFO: trying to register non-static key",
	 .fmt = "INFO: trying to register non-static key in %1", .parts = {CT, PARSE},
	 .skip = "stack|lock|IRQ", .kind = "lockdep"},
	{.title = "INFO: suspicious RCU usage", .check = R_LATER_SRC,
	 .fmt = "INFO: suspicious RCU usage in %2", .parts = {CT, PARSE}, .skip = "rcu|kmem|slab",
	 .kind = "lockdep"},
	{.title = "INFO: task .* blocked (in I/O wait )?for more than [0-9]+ seconds",
	 .fmt = "INFO: task hung in %2", .parts = {CT, PARSE}, .extractor = EX_HANG,
	 .kind = "hung-task"},
	{.title = "INFO: task .* can't die for more than .* seconds",
	 .fmt = "INFO: task can't die in %1", .parts = {CT, PARSE}, .skip = "schedule",
	 .kind = "hung-task"},
	{.title = "INFO: (Freed|Allocated) in (.*)", .fmt = "INFO: %1 in %2", .corrupted = true,
	 .kind = "kasan"},
	{.title = "INFO:[[:space:]]*$", .fmt = "INFO: corrupted", .corrupted = true, .kind = "other"},
};

static const struct format unable_formats[] = {
	{.title = "Unable to handle kernel (paging request|NULL pointer dereference|access to user memory)",
	 .fmt = "BUG: unable to handle kernel %1 in %2", .parts = {RIP, CT, PARSE},
	 .kind = "paging-request"},
};

static const struct format gpf_formats[] = {
	{.title = "general protection fault.*:", .fmt = "general protection fault in %1",
	 .parts = {RIP, CT, PARSE}, .kind = "general-protection-fault"},
};

static const struct format stackseg_formats[] = {
	{.title = "stack segment: ", .fmt = "stack segment fault in %1", .parts = {RIP, CT, PARSE},
	 .kind = "general-protection-fault"},
};

static const struct format panic_formats[] = {
	{.title = "Kernel panic - not syncing: stack-protector:", .check = R_STACKPROT_FUNC,
	 .fmt = "kernel panic: stack is corrupted in %1", .no_stack = true, .skip = "stack_chk",
	 .kind = "stack-corruption"},
	{.title = "Kernel panic - not syncing: stack-protector:", .check = R_STACKPROT_HEX,
	 .fmt = "kernel panic: stack is corrupted in %1", .parts = {CT, PARSE}, .skip = "stack_chk",
	 .kind = "stack-corruption"},
	{.title = "Kernel panic - not syncing: corrupted stack end", .check = R_LINE,
	 .check_arg = "corrupted stack end detected inside scheduler",
	 .fmt = "kernel panic: corrupted stack end in %1", .parts = {CT, PARSE},
	 .skip = "schedule|retint_kernel", .extractor = EX_STALL, .kind = "stack-overflow"},
	{.title = "Kernel panic - not syncing: kernel stack overflow",
	 .fmt = "kernel stack overflow in %1", .parts = {CT, PARSE}, .skip = "bad_stack",
	 .extractor = EX_STALL, .kind = "stack-overflow"},
	{.title = "Kernel panic - not syncing: Attempted to kill init!",
	 .fmt = "kernel panic: Attempted to kill init!", .kind = "init-killed"},
	{.title = "Kernel panic - not syncing: Couldn't open N_TTY ldisc for [^ ]+ --- error -[0-9]+",
	 .fmt = "kernel panic: Couldn't open N_TTY ldisc", .kind = "panic"},
	{.title = "Kernel panic - not syncing: Fatal exception", .fmt = "kernel panic: Fatal exception",
	 .corrupted = true, .kind = "fatal-exception"},
	{.title = "Kernel panic - not syncing: panic_on_warn set",
	 .fmt = "kernel panic: panic_on_warn set", .corrupted = true, .kind = "warning"},
	{.title = "Kernel panic - not syncing: hung_task: blocked tasks",
	 .fmt = "kernel panic: hung_task: blocked tasks", .corrupted = true, .kind = "hung-task"},
	{.title = "Kernel panic - not syncing: (.*)", .fmt = "kernel panic: %1", .kind = "panic"},
};

static const struct format double_fault_formats[] = {
	{.title = "PANIC: double fault", .fmt = "PANIC: double fault in %1", .parts = {RIP},
	 .kind = "stack-overflow"},
};

static const struct format kernel_bug_formats[] = {
	{.title = "kernel BUG at mm/usercopy.c", .fmt = "BUG: bad usercopy in %1",
	 .parts = {CT, PARSE}, .skip = "usercopy|__check", .kind = "bug"},
	{.title = "kernel BUG at lib/list_debug.c", .fmt = "BUG: corrupted list in %1",
	 .parts = {CT, PARSE}, .kind = "list-corruption"},
	{.title = "kernel BUG at (.*)", .fmt = "kernel BUG in %2", .parts = {RIP, CT, PARSE},
	 .skip = "^skb_", .kind = "bug"},
};

static const struct format kernel_bug2_formats[] = {
	{.title = "Kernel BUG (.*)", .fmt = "kernel BUG %1", .kind = "bug"},
};

static const struct format kmalloc_formats[] = {
	{.title = "BUG kmalloc-.*: Object already free", .fmt = "BUG: Object already free",
	 .kind = "bad-page"},
};

static const struct format divide_formats[] = {
	{.title = "divide.error: ", .fmt = "divide error in %1", .parts = {RIP},
	 .kind = "divide-error"},
};

static const struct format opcode_formats[] = {
	{.title = "invalid opcode: ", .fmt = "invalid opcode in %1", .parts = {RIP},
	 .kind = "undefined-instruction"},
};

static const struct format ubsan_formats[] = {
	{.title = "UBSAN:", .check = R_LINE, .check_arg = "UBSAN: Undefined behaviour in",
	 .fmt = "UBSAN: undefined-behaviour in %1", .parts = {CT, PARSE}, .skip = "ubsan|overflow",
	 .kind = "ubsan"},
	{.title = "UBSAN: array-index-out-of-bounds in",
	 .fmt = "UBSAN: array-index-out-of-bounds in %1", .parts = {CT, PARSE},
	 .skip = "ubsan|overflow", .kind = "ubsan"},
	{.title = "UBSAN:", .check = R_UBSAN_WHAT, .fmt = "UBSAN: %1 in %2", .parts = {CT, PARSE},
	 .skip = "ubsan|overflow", .kind = "ubsan"},
};

static const struct format reboot_formats[] = {
	{.title = "^Booting the kernel", .fmt = "unexpected kernel reboot", .no_stack = true,
	 .kind = "reboot"},
};

static const struct format netdev_formats[] = {
	{.title = "unregister_netdevice: waiting for (.*) to become free",
	 .fmt = "unregister_netdevice: waiting for DEV to become free", .no_stack = true,
	 .kind = "other"},
};

static const struct format vfs_close_formats[] = {
	{.title = "VFS: Close: file count is 0",
	 .fmt = "VFS: Close: file count is zero (use-after-free)", .no_stack = true, .kind = "other"},
};

static const struct format vfs_busy_formats[] = {
	{.title = "VFS: Busy inodes after unmount",
	 .fmt = "VFS: Busy inodes after unmount (use-after-free)", .no_stack = true, .kind = "other"},
};

static const struct format internal_formats[] = {
	{.title = "Internal error:", .fmt = "Internal error in %1", .parts = {RIP, CT, PARSE},
	 .kind = "oops"},
};

static const struct format unhandled_formats[] = {
	{.title = "Unhandled fault:", .fmt = "Unhandled fault in %1", .parts = {RIP, CT, PARSE},
	 .kind = "paging-request"},
};

static const struct format alignment_formats[] = {
	{.title = "Alignment trap:", .fmt = "Alignment trap in %1", .parts = {RIP, CT, PARSE},
	 .kind = "alignment-fault"},
};

/* kcrash's own (syzkaller has no format for these). */
static const struct format hard_lockup_formats[] = {
	{.title = "Watchdog detected hard LOCKUP on cpu", .fmt = "watchdog: hard LOCKUP in %1",
	 .parts = {RIP, CT, PARSE}, .extractor = EX_STALL, .kind = "hard-lockup"},
};

static const struct format serror_formats[] = {
	{.title = "SError Interrupt on CPU", .fmt = "SError Interrupt in %1",
	 .parts = {RIP, CT, PARSE}, .kind = "serror"},
};

static const struct format oom_formats[] = {
	{.title = "invoked oom-killer:", .fmt = "out of memory in %1", .parts = {CT, PARSE},
	 .skip = "oom|out_of_memory|dump_header|alloc_folio|_slowpath", .kind = "oom"},
};

#define OOPS(h, f, s) {h, f, sizeof(f) / sizeof(f[0]), s}

/* In syzkaller's order: a line is tried against each header in turn. */
static const struct oops oopses[] = {
	OOPS("BUG:", bug_formats, "ODEBUG:|Boot_DEBUG:|xlog_status:|DEBUG:|BUG: no syscalls can create resource"),
	OOPS("WARNING:", warning_formats,
	     "WARNING: /etc/ssh/moduli does not exist, using fixed modulus|"
	     "WARNING: workqueue cpumask: online intersect > possible intersect|"
	     "WARNING: [Tt]he mand mount option|WARNING: Unsupported flag value|"
	     "WARNING: Unprivileged eBPF is enabled with eIBRS|WARNING: fbcon: Driver|"
	     "WARNING: See https.* for mitigation options.|WARNING: kernel not compiled with CPU_SRSO|"
	     "EXT4-[Ff][Ss]( \\(.*\\))?:|[Ww][Aa][Rr][Nn][Ii][Nn][Gg]: .* uses (deprecated v2 capabilities|wireless extensions)|"
	     "XFS \\([a-zA-Z0-9_]+\\): WARNING"),
	OOPS("INFO:", info_formats,
	     "INFO: lockdep is turned off|INFO: Stall ended before state dump start|INFO: NMI handler|"
	     "INFO: recovery required on readonly filesystem|(handler|interrupt).*took too long|"
	     "INFO: sys_.* is not present in /proc/kallsyms|INFO: no syscalls can create resource|"
	     "rmt_storage:INFO:|_INFO:"),
	OOPS("Unable to handle kernel", unable_formats, NULL),
	OOPS("general protection fault", gpf_formats, "general protection fault .* error:[0-9]+ in "),
	OOPS("stack segment: ", stackseg_formats, NULL),
	OOPS("Kernel panic", panic_formats, NULL),
	OOPS("PANIC: double fault", double_fault_formats, NULL),
	OOPS("kernel BUG", kernel_bug_formats, NULL),
	OOPS("Kernel BUG", kernel_bug2_formats, NULL),
	OOPS("BUG kmalloc-", kmalloc_formats, NULL),
	OOPS("divide error:", divide_formats, NULL),
	OOPS("divide_error:", divide_formats, NULL),
	OOPS("invalid opcode:", opcode_formats, NULL),
	OOPS("UBSAN:", ubsan_formats, NULL),
	OOPS("Booting the kernel.", reboot_formats, "Parsing ELF|Decompressing Linux|Unknown parameter '"),
	OOPS("unregister_netdevice: waiting for", netdev_formats, NULL),
	OOPS("VFS: Close: file count is 0", vfs_close_formats, NULL),
	OOPS("VFS: Busy inodes after unmount", vfs_busy_formats, NULL),
	OOPS("Internal error:", internal_formats, NULL),
	OOPS("Unhandled fault:", unhandled_formats, NULL),
	OOPS("Alignment trap:", alignment_formats, NULL),
	OOPS("Watchdog detected hard LOCKUP on cpu", hard_lockup_formats, NULL),
	OOPS("SError Interrupt on CPU", serror_formats, NULL),
	OOPS("invoked oom-killer:", oom_formats, NULL),
};
#define NR_OOPSES (sizeof(oopses) / sizeof(oopses[0]))

/*
 * Frames never guilty (matched anywhere in the name unless anchored):
 * syzkaller's list, as POSIX EREs.
 */
static const char skip_common[] =
	"__sanitizer|__asan|kasan|hwasan|__msan|kmsan|kcsan_setup_watchpoint|check_memory_region|"
	"check_heap_object|check_object|read_word_at_a_time|(read|write)_once_.*nocheck|"
	"print_address_description|panic|invalid_op|report_bug|fixup_bug|print_report|"
	"print_usage_bug|do_error|_trap$|do_trap|show_stack|dump_stack|walk_stack|dump_backtrace|"
	"warn_slowpath|warn_alloc|warn_bogus|__warn|alloc_page|k?v?(m|z|c)alloc|krealloc|kmem_cache|"
	"allocate_slab|__alloc_frozen_pages_noprof|folio_(alloc|unlock)|filemap_alloc_folio|"
	"__filemap_get_folio|find_or_create_page|do_read_cache_folio|read_cache_page|"
	"pagecache_get_page|grab_cache_page_write_begin|slab_|debug_object|timer_is_static_object|"
	"work_is_static_object|__might_fault|print_unlock|imbalance_bug|lockdep|bh_enable|"
	"bh_disable|perf_trace|lock_acquire|lock_release|lock_class|mark_lock|"
	"(reacquire|mark)_held_locks|raw_spin_rq|spin_lock|spin_trylock|spin_unlock|read_lock|"
	"read_trylock|write_lock|write_trylock|read_unlock|write_unlock|^down$|down_read|down_write|"
	"down_read_trylock|down_write_trylock|down_trylock|up_read|up_write|^mutex_|^__mutex_|"
	"^rt_mutex_|owner_on_cpu|osq_lock|osq_unlock|"
	"atomic(64)?_(dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)|"
	"(set|clear|change|test)_bit|__wake_up|^refcount_|^kref_|ref_tracker|seqprop_assert|memcpy|"
	"memcmp|memset|memchr|memmove|memdup|strcmp|strncmp|strcpy|strlcpy|strncpy|strscpy|strlen|"
	"strstr|strnstr|strnlen|strchr|strdup|strndup|copy_to_user|copy_from_user|copy_to_iter|"
	"copy_from_iter|copy_page_to_iter|copy_page_from_iter|copy_folio_to_iter|^copyin$|"
	"^copyout$|put_user|get_user|might_fault|might_sleep|list_add|list_del|list_replace|"
	"list_move|list_splice|^rb_|^__rb_|_indirect_thunk_|string|pointer|snprintf|scnprintf|"
	"kasprintf|kvasprintf|printk|va_format|dev_info|dev_notice|dev_warn|dev_err|dev_alert|"
	"dev_crit|dev_emerg|program_check_exception|program_check_common|del_timer|flush_work|"
	"__cancel_work_timer|cancel_work_sync|try_to_grab_pending|flush_workqueue|drain_workqueue|"
	"destroy_workqueue|queue_work|finish_wait|kthread_stop|kobject_|add_uevent_var|"
	"get_device_parent|device_add|device_del|device_unregister|device_destroy|device_release|"
	"devres_release_all|hwrng_unregister|i2c_del_adapter|__unregister_client|"
	"device_for_each_child|rollback_registered|unregister_netdev|sysfs_remove|"
	"device_remove_file|tty_unregister_device|dummy_urb_enqueue|usb_kill_urb|"
	"usb_kill_anchored_urbs|usb_control_msg|usb_hcd_submit_urb|usb_submit_urb|^complete$|"
	"wait_for_completion|^kv?free$|kfree_skb|readb$|readw$|readl$|readq$|writeb$|writew$|"
	"writel$|writeq$|logic_in|logic_out|^crc[0-9]+|crc_itu_t|__might_resched|assertfail|"
	"^iput$|^iput_final$|^ihold$|hex_dump_to_buffer|print_hex_dump|^klist_|"
	"(trace|lockdep)_(hard|soft)irq|^(un)?lock_page|stack_trace_consume_entry|arch_stack_walk|"
	"stack_trace_save|insert_work|__queue_delayed_work|queue_delayed_work_on|ida_free|"
	"do_(kernel|translation)_fault|do_mem_abort|el1_abort|el1h_64_sync(_handler)?|print_tainted|"
	"xas_(start|load|find)|find_lock_entries|truncate_inode_pages_range|__phys_addr|"
	"__fortify_report|cleanup_srcu_struct|rhashtable_lookup|extract_(user|iter)_to_sg|"
	"drop_nlink|^get_taint$|^put_device$|lock_timer_base|__timer_delete_sync|"
	"sk_stop_timer_sync|__mod_timer|fast_dput|dput";

/* Functions stalls are attributed just above (a syscall, a work item, an irq...). */
static const char stall_anchors[] =
	"process_one_work|do_syscall_|do_fast_syscall_|sysenter_dispatch|tracesys_phase2|"
	"el0_svc_handler|invoke_syscall|ret_fast_syscall|netif_receive_skb|do_softirq|"
	"call_timer_fn|_run_timers|run_timer_softirq|hrtimer_run|run_ksoftirqd|smpboot_thread_fn|"
	"^kthread$|start_secondary|cpu_startup_entry|ret_from_fork|vfs_write|vfs_read|"
	"vfs_iter_read|vfs_iter_write|do_iter_read|do_iter_write|call_read_iter|call_write_iter|"
	"new_sync_read|new_sync_write|vfs_ioctl|ksys_ioctl|compat_ioctl|compat_sys_ioctl|"
	"blkdev_driver_ioctl|blkdev_ioctl|^call_mmap|mmap_region|do_mmap|do_dentry_open|vfs_open|"
	"^sock_sendmsg|^sock_recvmsg|^sock_release|^__sock_release|^setsockopt$|kernel_setsockopt|"
	"sock_common_setsockopt|^listen$|kernel_listen|sk_common_release|^sock_mmap|^accept$|"
	"kernel_accept|^sock_do_ioctl|^sock_ioctl|^compat_sock_ioctl|^nfnetlink_rcv_msg|"
	"^rtnetlink_rcv_msg|^netlink_dump|^(sys_)?(socketpair|connect|ioctl)|__do_fault|"
	"do_page_fault|^page_fault$|__fput|task_work_run|exit_to_usermode|smp_call_function|"
	"tasklet_action|tasklet_hi_action";

/* Syscall wrappers' prefixes: a frame's canonical name drops the one leaving it shortest. */
static const char *const strip_prefixes[] = {
	"SYSC_", "SyS_", "sys_", "__x64_", "__ia32_", "__arm64_", "____sys_", "___sys_", "__sys_",
	"__se_", "__se_sys_", "__do_sys_", "compat_SYSC_", "compat_SyS_", "ksys_",
};

/* Headers that, inside a report, do not start another. */
static const char *const start_ignores[] = {
	"invalid opcode: 0000", "Kernel panic - not syncing", "unregister_netdevice: waiting for",
	"PANIC: double fault", "Internal error:",
};

/* ---- regular expressions: every pattern compiled once per process ---- */

#define DENTRY_RE "still in use \\([0-9]+\\) \\[(unmount) of ([^]]+)\\]"
#define TIMESTAMP_RE "\\[ *[0-9]+\\.[0-9]+\\]"

struct rx_entry {
	const char *pattern;
	regex_t re;
	bool ok;
};

static struct rx_entry rx_cache[512];
static size_t rx_count;
static pthread_once_t rx_once = PTHREAD_ONCE_INIT;

static void rx_add(const char *pattern)
{
	if (!pattern || rx_count == sizeof(rx_cache) / sizeof(rx_cache[0]))
		return;
	for (size_t i = 0; i < rx_count; i++)
		if (strcmp(rx_cache[i].pattern, pattern) == 0)
			return;
	struct rx_entry *e = &rx_cache[rx_count++];
	e->pattern = pattern;
	e->ok = regcomp(&e->re, pattern, REG_EXTENDED) == 0;
}

static void rx_init(void);

/* PATTERN compiled, or NULL (not one of the known patterns, or invalid). */
static const regex_t *rx_get(const char *pattern)
{
	pthread_once(&rx_once, rx_init);
	for (size_t i = 0; i < rx_count; i++)
		if (strcmp(rx_cache[i].pattern, pattern) == 0)
			return rx_cache[i].ok ? &rx_cache[i].re : NULL;
	return NULL;
}

static bool rx_match_n(const char *pattern, int flags, const char *s, size_t nmatch,
		       regmatch_t *m, size_t *nsub)
{
	(void)flags;
	const regex_t *re = rx_get(pattern);
	if (!re)
		return false;
	if (nsub)
		*nsub = re->re_nsub;
	return regexec(re, s, nmatch, m, 0) == 0;
}

static bool rx_match(const char *pattern, int flags, const char *s, size_t nmatch,
		     regmatch_t *m)
{
	return rx_match_n(pattern, flags, s, nmatch, m, NULL);
}

/* The skip and anchor patterns of one format. */
struct skipper {
	const regex_t *common, *extra, *anchors;
};

static void skipper_init(struct skipper *sk, const char *extra)
{
	sk->common = rx_get(skip_common);
	sk->extra = extra && *extra ? rx_get(extra) : NULL;
	sk->anchors = rx_get(stall_anchors);
}

static void skipper_fini(struct skipper *sk)
{
	(void)sk;
}

static bool skipped(const struct skipper *sk, const char *name)
{
	return (sk->common && regexec(sk->common, name, 0, NULL, 0) == 0) ||
	       (sk->extra && regexec(sk->extra, name, 0, NULL, 0) == 0);
}

/* ---- line matchers ---- */

size_t kc_report_func_at(const char *p)
{
	size_t n = 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	if (n && (p[n] == '.' || p[n] == '+'))
		return n;
	return 0;
}

size_t kc_report_pc_at(const char *p)
{
	const char *q = p;
	if (*q++ != '[')
		return 0;
	if (*q == '<')
		q++;
	if (q[0] == '0' && q[1] == 'x')
		q += 2;
	const char *h = q;
	while (isxdigit((unsigned char)*q) && !isupper((unsigned char)*q))
		q++;
	if (q == h)
		return 0;
	if (*q == '>')
		q++;
	if (*q++ != ']')
		return 0;
	return (size_t)(q - p);
}

static size_t digits_colon(const char *p)
{
	size_t n = 0;
	while (isdigit((unsigned char)p[n]))
		n++;
	return n && p[n] == ':' ? n + 1 : 0;
}

/*
 * The pc line (linuxRipFrame): "pc : f+", "RIP: 0010:f+", "IP: [<..>] f+",
 * "PC is at f+", or a raw "RIP: 0033:0x..." (a match without a function).
 * FUNC and FLEN get the function when there is one.
 */
static bool rip_line(const char *line, const char **func, size_t *flen)
{
	static const char *const tokens[] = {"IP", "pc ", "PC is at"};
	*func = NULL;
	*flen = 0;
	for (const char *p = line; *p; p++) {
		for (size_t t = 0; t < 3; t++) {
			size_t tl = strlen(tokens[t]);
			if (strncmp(p, tokens[t], tl) != 0)
				continue;
			const char *q = p + tl;
			if (*q == ':')
				q++;
			if (*q != ' ')
				continue;
			q++;
			/* [0-9]+: then up to two [<pc>] then a function */
			const char *r = q + digits_colon(q);
			for (int k = 0; k < 2; k++) {
				size_t pl = kc_report_pc_at(r);
				if (!pl || r[pl] != ' ')
					break;
				r += pl;
				while (*r == ' ')
					r++;
			}
			size_t n = kc_report_func_at(r);
			if (n) {
				*func = r;
				*flen = n;
				return true;
			}
			/* [0-9]+:0x... */
			r = q + digits_colon(q);
			if (r[0] == '0' && r[1] == 'x' && isxdigit((unsigned char)r[2]))
				return true;
			if (strstr(q, "(null)"))
				return true;
		}
	}
	return false;
}

static bool calltrace_line(const char *line)
{
	return strstr(line, "Call Trace:") || strstr(line, "Call trace:") ||
	       strstr(line, "Backtrace:");
}

/* Lines that open a trace: the end of the one being parsed. */
static bool stack_start_line(const char *line)
{
	if (strstr(line, "Call Trace") || strstr(line, "Call trace") ||
	    strstr(line, "Allocated:") || strstr(line, "Freed:") ||
	    strstr(line, "Backtrace:") || strstr(line, "Uninit was stored to memory at"))
		return true;
	static const char *const by_task[] = {"Allocated by task ", "Freed by task "};
	for (size_t i = 0; i < 2; i++) {
		const char *p = strstr(line, by_task[i]);
		if (p) {
			p += strlen(by_task[i]);
			const char *d = p;
			while (isdigit((unsigned char)*p))
				p++;
			if (p > d && *p == ':')
				return true;
		}
	}
	/* " backtrace:" not preceded by 'k' ("stack backtrace:" is not one) */
	for (const char *p = line; (p = strstr(p, " backtrace")); p++) {
		if (p == line || p[-1] == 'k')
			continue;
		const char *q = p + 10;
		if (*q == ':')
			return true;
		if (strncmp(q, " (crc ", 6) == 0) {
			q += 6;
			while (isxdigit((unsigned char)*q))
				q++;
			if (q[0] == ')' && q[1] == ':')
				return true;
		}
	}
	return false;
}

/* Fault injection's stacks mixed into a report make it corrupted. */
static bool corrupted_line(const char *line)
{
	const char *p = line;
	if (p[0] == ' ' && p[1] == '[') {
		size_t n = kc_report_pc_at(p + 1);
		if (n)
			p += 1 + n;
	}
	if (strncmp(p, " should_fail", 12) != 0)
		return false;
	p += 12;
	if (strncmp(p, "slab", 4) == 0)
		p += 4;
	if (*p == '.')
		while (islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '.')
			p++;
	return strncmp(p, "+0x", 3) == 0;
}

/* A frame line: spaces, up to two "[<pc>] ", then a function. */
static bool frame_line(const char *line, const char **func, size_t *flen)
{
	const char *p = line;
	while (*p == ' ')
		p++;
	for (int k = 0; k < 2; k++) {
		size_t n = kc_report_pc_at(p);
		if (!n || p[n] != ' ')
			break;
		p += n + 1;
	}
	size_t n = kc_report_func_at(p);
	if (!n)
		return false;
	*func = p;
	*flen = n;
	return true;
}

static bool sub_line(const char *line, const char *alternatives)
{
	const char *a = alternatives;
	while (*a) {
		const char *bar = strchr(a, '|');
		size_t n = bar ? (size_t)(bar - a) : strlen(a);
		char needle[128];
		if (n >= sizeof(needle))
			n = sizeof(needle) - 1;
		memcpy(needle, a, n);
		needle[n] = '\0';
		if (strstr(line, needle))
			return true;
		if (!bar)
			break;
		a = bar + 1;
	}
	return false;
}

/* A then B then (optionally "[<pc>] ") a function. */
static bool after_line(const char *line, const char *a, const char *b, const char **func,
		       size_t *flen)
{
	for (const char *p = line; (p = strstr(p, a)); p++) {
		const char *q = p + strlen(a);
		if (*b) {
			q = strstr(q, b);
			if (!q)
				return false;
			q += strlen(b);
		} else {
			size_t n = kc_report_pc_at(q);
			if (n) {
				q += n;
				while (*q == ' ')
					q++;
			}
		}
		size_t n = kc_report_func_at(q);
		if (n) {
			*func = q;
			*flen = n;
			return true;
		}
	}
	return false;
}

/* "[<pc>] +f" anywhere in the line. */
static bool pcfunc_line(const char *line, const char **func, size_t *flen)
{
	for (const char *p = line; (p = strchr(p, '[')); p++) {
		size_t n = kc_report_pc_at(p);
		if (!n || p[n] != ' ')
			continue;
		const char *q = p + n;
		while (*q == ' ')
			q++;
		size_t m = kc_report_func_at(q);
		if (m) {
			*func = q;
			*flen = m;
			return true;
		}
	}
	return false;
}

static bool part_match(const struct part *part, const char *line, const char **func,
		       size_t *flen)
{
	*func = NULL;
	*flen = 0;
	switch (part->type) {
	case P_RIP:
		return rip_line(line, func, flen);
	case P_RIPW: {
		if (rip_line(line, func, flen))
			return true;
		const char *p = strstr(line, "--- interrupt: ");
		if (!p)
			return false;
		p += 15;
		while (isdigit((unsigned char)*p))
			p++;
		if (strncmp(p, " at ", 4) != 0)
			return false;
		size_t n = kc_report_func_at(p + 4);
		if (!n)
			return false;
		*func = p + 4;
		*flen = n;
		return true;
	}
	case P_CT:
		return calltrace_line(line);
	case P_SUB:
		return sub_line(line, part->a);
	case P_AFTER:
		return after_line(line, part->a, part->b, func, flen);
	case P_PCFUNC:
		return pcfunc_line(line, func, flen);
	default:
		return false;
	}
}

/* ---- frames and the guilty one ---- */

struct strv {
	char **v;
	size_t n, cap;
	bool nomem;
};

static void strv_push(struct strv *sv, const char *s, size_t len)
{
	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 16;
		char **v = realloc(sv->v, cap * sizeof(*v));
		if (!v) {
			sv->nomem = true;
			return;
		}
		sv->v = v;
		sv->cap = cap;
	}
	char *c = strndup(s, len);
	if (!c) {
		sv->nomem = true;
		return;
	}
	sv->v[sv->n++] = c;
}

static void strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

/* The canonical name: the shortest left by dropping one wrapper prefix. */
static const char *canonical(const char *name)
{
	const char *best = name;
	for (size_t i = 0; i < sizeof(strip_prefixes) / sizeof(strip_prefixes[0]); i++) {
		size_t n = strlen(strip_prefixes[i]);
		if (strncmp(name, strip_prefixes[i], n) == 0 && strlen(name + n) < strlen(best))
			best = name + n;
	}
	return best;
}

struct extraction {
	struct strv results;     /* canonical names, one per parsed trace */
	struct strv raw_results; /* the same frames as printed (no suffix) */
	struct strv guilty;      /* the last trace's non-skipped frames, in order */
	size_t guilty_index;     /* which of them the result is */
	bool ok;
};

static void extraction_free(struct extraction *ex)
{
	strv_free(&ex->results);
	strv_free(&ex->raw_results);
	strv_free(&ex->guilty);
}

/* Pick the result among the non-skipped frames RAW (-1 when none fits). */
static long pick(const struct skipper *sk, enum extractor extractor, struct strv *raw)
{
	if (!raw->n)
		return -1;
	if (extractor == EX_FIRST)
		return 0;
	if (extractor == EX_STALL) {
		for (size_t i = 0; i < raw->n; i++) {
			const char *c = canonical(raw->v[i]);
			if (sk->anchors && regexec(sk->anchors, c, 0, NULL, 0) == 0) {
				if (strstr(c, "smp_call_function"))
					return -2 - (long)i; /* the anchor itself, by that name */
				return i ? (long)i - 1 : 0;
			}
		}
		return -1;
	}
	/* EX_HANG: rtnl_lock and synchronize_* are buckets of their own. */
	static const char *const anchors[] = {"rtnl_lock", "synchronize_rcu", "synchronize_srcu",
					      "synchronize_net", "synchronize_sched"};
	for (size_t i = 0; i < raw->n; i++)
		for (size_t a = 0; a < 5; a++)
			if (strstr(canonical(raw->v[i]), anchors[a]))
				return a == 0 ? (long)i : -100 - (long)i;
	static const char *const hang_skip[] = {"sched", "_lock", "_slowlock", "down", "rwsem",
						"completion", "kthread", "wait", "synchronize",
						"context_switch", "__switch_to", "cancel_delayed_work",
						"rcu_barrier"};
	for (size_t i = 0; i < raw->n; i++) {
		bool skip = false;
		for (size_t s = 0; s < sizeof(hang_skip) / sizeof(hang_skip[0]) && !skip; s++)
			skip = strstr(canonical(raw->v[i]), hang_skip[s]) != NULL;
		if (!skip)
			return (long)i;
	}
	return -1;
}

static void add_frame(struct strv *raw, const struct skipper *sk, const char *func, size_t len)
{
	if (!func || !len)
		return;
	char name[256];
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, func, len);
	name[len] = '\0';
	if (!skipped(sk, name))
		strv_push(raw, name, len);
}

static void finish_trace(struct extraction *ex, const struct skipper *sk,
			 enum extractor extractor, struct strv *raw)
{
	long idx = pick(sk, extractor, raw);
	const char *result = NULL, *raw_name = NULL;
	if (idx >= 0) {
		raw_name = raw->v[idx];
		result = canonical(raw_name);
	} else if (idx <= -100) {
		raw_name = raw->v[-100 - idx];
		result = "synchronize_rcu";
		idx = -100 - idx;
	} else if (idx <= -2) {
		raw_name = raw->v[-2 - idx];
		result = "smp_call_function";
		idx = -2 - idx;
	}
	if (!result) {
		ex->ok = false;
		result = raw_name = "corrupted";
	}
	strv_push(&ex->results, result, strlen(result));
	strv_push(&ex->raw_results, raw_name, strlen(raw_name));
	/* Keep this trace's frames for the signature and the culprit. */
	strv_free(&ex->guilty);
	ex->guilty = *raw;
	ex->guilty_index = idx >= 0 ? (size_t)idx : 0;
	memset(raw, 0, sizeof(*raw));
}

/* syzkaller's extraction over LINES (the report from its header on). */
static void run_parts(const char *const *lines, size_t nr, const struct part *parts,
		      const struct skipper *sk, enum extractor extractor, struct extraction *ex)
{
	size_t nparts = 0;
	while (nparts < MAX_PARTS && parts[nparts].type != P_END)
		nparts++;
	struct strv raw = {0};
	size_t li = 0;
	unsigned traces = 0;
	ex->ok = true;
	for (size_t pi = 0;; pi++) {
		if (pi == nparts || (parts[pi].type == P_PARSE && traces > 0))
			finish_trace(ex, sk, extractor, &raw);
		if (pi == nparts)
			break;
		const struct part *part = &parts[pi];
		const char *func;
		size_t flen;
		if (part->type == P_PARSE) {
			traces++;
			while (li < nr) {
				const char *ln = lines[li++];
				if (corrupted_line(ln)) {
					ex->ok = false;
					break;
				}
				if (stack_start_line(ln))
					break;
				if (pi + 1 < nparts && part_match(&parts[pi + 1], ln, &func, &flen)) {
					add_frame(&raw, sk, func, flen);
					pi++;
					break;
				}
				if (frame_line(ln, &func, &flen))
					add_frame(&raw, sk, func, flen);
			}
		} else {
			while (li < nr) {
				const char *ln = lines[li++];
				if (corrupted_line(ln)) {
					ex->ok = false;
					break;
				}
				if (part_match(part, ln, &func, &flen)) {
					add_frame(&raw, sk, func, flen);
					break;
				}
			}
		}
	}
	strv_free(&raw);
}

/* ---- the report conditions ---- */

/* Captures into ARGS (strdup'd); false when the condition fails. */
static bool report_check(const struct format *f, const char *const *lines, size_t nr,
			 struct strv *args)
{
	const char *header = nr ? lines[0] : "";
	switch (f->check) {
	case R_NONE:
		return true;
	case R_LINE:
		return f->check_arg ? strstr(header, f->check_arg) != NULL : true;
	case R_KASAN_RW:
		for (size_t i = 1; i < nr; i++) {
			static const char *const rw[] = {"Read", "Write"};
			for (size_t k = 0; k < 2; k++) {
				const char *p = strstr(lines[i], rw[k]);
				if (!p)
					continue;
				const char *q = p + strlen(rw[k]);
				if (strncmp(q, " of size ", 9) == 0 || strncmp(q, " at addr ", 9) == 0) {
					const char *d = q + 9;
					if (isxdigit((unsigned char)*d)) {
						strv_push(args, rw[k], strlen(rw[k]));
						return true;
					}
				}
			}
		}
		return false;
	case R_LATER_PCFUNC:
		for (size_t i = 1; i < nr; i++) {
			const char *func;
			size_t flen;
			if (pcfunc_line(lines[i], &func, &flen)) {
				strv_push(args, func, flen);
				return true;
			}
		}
		return false;
	case R_LATER_AT: {
		size_t i = 1;
		if (*f->check_arg) {
			while (i < nr && !strstr(lines[i], f->check_arg))
				i++;
			i++;
		}
		for (; i < nr; i++) {
			const char *func;
			size_t flen;
			if (after_line(lines[i], "at: ", "", &func, &flen)) {
				strv_push(args, func, flen);
				return true;
			}
		}
		return false;
	}
	case R_LATER_SRC:
		for (size_t i = 1; i < nr; i++) {
			regmatch_t m[2];
			if (rx_match(SRC_RE, 0, lines[i], 2, m)) {
				strv_push(args, lines[i] + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
				return true;
			}
		}
		return false;
	case R_LAST_FUNCTION:
		for (size_t i = 1; i < nr; i++) {
			const char *p = strstr(lines[i], "last function: ");
			if (p) {
				p += 15;
				size_t n = 0;
				while (isalnum((unsigned char)p[n]) || p[n] == '_')
					n++;
				if (n && p[n] == '\0') {
					strv_push(args, p, n);
					return true;
				}
			}
		}
		return false;
	case R_UBSAN_WHAT: {
		const char *p = strstr(header, "UBSAN: ");
		if (!p)
			return false;
		p += 7;
		const char *in = strstr(p, " in");
		if (!in)
			return false;
		strv_push(args, p, (size_t)(in - p));
		return true;
	}
	case R_STACKPROT_FUNC:
	case R_STACKPROT_HEX: {
		const char *p = strstr(header, "Kernel stack is corrupted in: ");
		if (!p)
			return false;
		p += 30;
		if (f->check == R_STACKPROT_FUNC) {
			size_t n = kc_report_func_at(p);
			if (!n)
				return false;
			strv_push(args, p, n);
			return true;
		}
		return isxdigit((unsigned char)*p) && !isupper((unsigned char)*p);
	}
	case R_DENTRY: {
		regmatch_t m[3];
		if (!rx_match(DENTRY_RE, 0, header, 3, m))
			return false;
		strv_push(args, header + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
		strv_push(args, header + m[2].rm_so, (size_t)(m[2].rm_eo - m[2].rm_so));
		return true;
	}
	}
	return false;
}

/* FMT with %1..%9 replaced by ARGS. */
static char *format_title(const char *fmt, const struct strv *args)
{
	struct kc_sbuf sb = {0};
	for (const char *p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] >= '1' && p[1] <= '9') {
			size_t i = (size_t)(p[1] - '1');
			kc_sbuf_add(&sb, i < args->n ? args->v[i] : "%!v(MISSING)");
			p++;
		} else {
			kc_sbuf_addc(&sb, *p);
		}
	}
	return kc_sbuf_take(&sb);
}

/* ---- the whole analysis ---- */

static const char *const kinds[] = {
	"null-deref", "paging-request", "alignment-fault", "sp-pc-alignment",
	"undefined-instruction", "bug", "warning", "serror", "stack-overflow",
	"stack-corruption", "soft-lockup", "hard-lockup", "rcu-stall", "hung-task", "oom",
	"kasan", "kfence", "kmsan", "kcsan", "ubsan", "list-corruption", "refcount",
	"scheduling-while-atomic", "sleep-in-atomic", "init-killed", "fatal-exception",
	"sysrq", "general-protection-fault", "divide-error", "lockdep", "spinlock",
	"memory-leak", "bad-page", "workqueue-lockup", "oops", "panic", "reboot", "other", NULL,
};

const char *const *kc_report_kinds(void)
{
	return kinds;
}

static const char *kind_name(const char *k)
{
	for (size_t i = 0; kinds[i]; i++)
		if (strcmp(kinds[i], k) == 0)
			return kinds[i];
	return "other";
}

static void rx_init(void)
{
	for (size_t i = 0; i < NR_OOPSES; i++) {
		rx_add(oopses[i].suppress);
		for (size_t f = 0; f < oopses[i].nr_formats; f++) {
			rx_add(oopses[i].formats[f].title);
			rx_add(oopses[i].formats[f].skip);
		}
	}
	rx_add(skip_common);
	rx_add(stall_anchors);
	rx_add(SRC_RE);
	rx_add(DENTRY_RE);
	rx_add(TIMESTAMP_RE);
}

bool kc_report_start_ignored(const char *line)
{
	for (size_t i = 0; i < sizeof(start_ignores) / sizeof(start_ignores[0]); i++)
		if (strstr(line, start_ignores[i]))
			return true;
	return false;
}

/* The header a line starts a report with (index into oopses), or -1. */
int kc_report_match_header(const char *line)
{
	for (size_t i = 0; i < NR_OOPSES; i++) {
		if (!strstr(line, oopses[i].header))
			continue;
		if (oopses[i].suppress && rx_match(oopses[i].suppress, REG_NOSUB, line, 0, NULL))
			continue;
		return (int)i;
	}
	return -1;
}

/* "  ? f+0x..." (x86) and "... (unreliable)" (powerpc): not for guilt. */
static bool questionable(const char *line)
{
	if (strstr(line, "<EOI>"))
		return false;
	const char *p = line;
	while (*p == ' ')
		p++;
	size_t n = kc_report_pc_at(p);
	if (n)
		p += n;
	while (*p == ' ')
		p++;
	if (p[0] == '?' && p[1] == ' ')
		return true;
	size_t len = strlen(line);
	return len >= 13 && strcmp(line + len - 13, " (unreliable)") == 0;
}

static const char *panic_kind(const char *msg)
{
	if (strstr(msg, "sysrq triggered crash"))
		return "sysrq";
	if (strstr(msg, "Out of memory") || strstr(msg, "System is deadlocked on memory"))
		return "oom";
	if (strstr(msg, "SError"))
		return "serror";
	if (strstr(msg, "softlockup"))
		return "soft-lockup";
	if (strstr(msg, "Hard LOCKUP"))
		return "hard-lockup";
	if (strstr(msg, "RCU Stall"))
		return "rcu-stall";
	if (strstr(msg, "hung_task"))
		return "hung-task";
	if (strstr(msg, "stack overflow"))
		return "stack-overflow";
	if (strstr(msg, "Attempted to kill init"))
		return "init-killed";
	if (strstr(msg, "Fatal exception"))
		return "fatal-exception";
	if (strstr(msg, "panic_on_warn"))
		return "warning";
	return "panic";
}

/* The kind from the title's format, refined by what the report says. */
static const char *refine_kind(const struct kc_report *r, const char *kind)
{
	const char *h = r->header ? r->header : "";
	const char *prelude = r->prelude ? r->prelude : "";
	if (strcmp(kind, "paging-request") == 0 && strstr(h, "NULL pointer dereference"))
		kind = "null-deref";
	if ((strcmp(kind, "paging-request") == 0 || strcmp(kind, "null-deref") == 0) &&
	    r->has_esr && r->esr_info.is_abort && r->esr_info.fsc == 0x21)
		kind = "alignment-fault";
	if (strcmp(kind, "oops") == 0) {
		if (strstr(h, "ndefined instruction"))
			kind = "undefined-instruction";
		else if (strstr(h, "SP/PC alignment"))
			kind = "sp-pc-alignment";
		else if (strstr(h, "Oops - BUG") || strstr(h, "Oops - bug"))
			kind = "bug";
		else if (strstr(h, "SError"))
			kind = "serror";
		else if (r->has_esr && r->esr_info.ec == 0x22)
			kind = "sp-pc-alignment";
		else if (r->has_esr && r->esr_info.ec == 0x00)
			kind = "undefined-instruction";
	}
	if (strcmp(kind, "panic") == 0 && strstr(h, "Kernel panic - not syncing: "))
		kind = panic_kind(strstr(h, "Kernel panic - not syncing: ") + 27);
	if ((strcmp(kind, "bug") == 0 || strcmp(kind, "warning") == 0) &&
	    (strstr(prelude, "list_add corruption") || strstr(prelude, "list_del corruption") ||
	     strstr(prelude, "list_replace corruption") || strstr(h, "lib/list_debug.c")))
		kind = "list-corruption";
	if (strcmp(kind, "warning") == 0 && (strstr(prelude, "refcount_t: ") ||
					     strstr(h, "lib/refcount.c")))
		kind = "refcount";
	if (strstr(prelude, "sysrq: Trigger a crash") || strstr(prelude, "SysRq : Trigger a crash"))
		kind = "sysrq";
	if (strstr(prelude, "Insufficient stack space to handle exception"))
		kind = "stack-overflow";
	return kind_name(kind);
}

/* Index in R's frames of the first frame named NAME (trace 0 first), or none. */
static size_t find_frame(const struct kc_report *r, const char *name)
{
	if (!name)
		return KC_REPORT_NO_FRAME;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < r->nr_frames; i++) {
			const struct kc_report_frame *f = &r->frames[i];
			if (!f->name || f->unreliable || (pass == 0 && f->stack != 0))
				continue;
			if (strcmp(f->name, name) == 0 || strcmp(canonical(f->name), name) == 0)
				return i;
		}
	return KC_REPORT_NO_FRAME;
}

static void normalize_name(const char *in, char *out, size_t len)
{
	size_t n = 0;
	while (in[n] && in[n] != '.' && in[n] != '+' && in[n] != ' ' && n + 1 < len) {
		out[n] = in[n];
		n++;
	}
	out[n] = '\0';
}

struct kc_error *kc_report_signature(const char *kind, const char *title, const char *pc,
				     const char *const *frames, size_t nr, char out[17],
				     char **input)
{
	struct kc_sbuf sb = {0};
	kc_sbuf_add(&sb, KC_REPORT_SIGNATURE_VERSION "\nkind: ");
	kc_sbuf_add(&sb, kind ? kind : "other");
	kc_sbuf_add(&sb, "\ntitle: ");
	kc_sbuf_add(&sb, title ? title : "");
	kc_sbuf_addc(&sb, '\n');
	if (pc) {
		char name[256];
		normalize_name(pc, name, sizeof(name));
		kc_sbuf_add(&sb, "pc: ");
		kc_sbuf_add(&sb, name);
		kc_sbuf_addc(&sb, '\n');
	}
	for (size_t i = 0; i < nr; i++) {
		char name[256], mod[128] = "";
		const char *f = frames[i];
		normalize_name(f, name, sizeof(name));
		const char *br = strchr(f, '[');
		if (br) {
			size_t n = 0;
			br++;
			while (br[n] && br[n] != ']' && br[n] != ' ' && n + 1 < sizeof(mod)) {
				mod[n] = br[n];
				n++;
			}
			mod[n] = '\0';
		}
		kc_sbuf_add(&sb, "frame: ");
		kc_sbuf_add(&sb, name);
		if (mod[0]) {
			kc_sbuf_add(&sb, " [");
			kc_sbuf_add(&sb, mod);
			kc_sbuf_addc(&sb, ']');
		}
		kc_sbuf_addc(&sb, '\n');
	}
	char *text = kc_sbuf_take(&sb);
	if (!text)
		return &kc_error_nomem;
	/* FNV-1a, 64 bits. */
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		h ^= *p;
		h *= UINT64_C(0x100000001b3);
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
	if (input)
		*input = text;
	else
		free(text);
	return NULL;
}

#define SIGNATURE_FRAMES 5

struct kc_error *kc_report_analyze(struct kc_report *r)
{
	free(r->title);
	r->title = NULL;
	free(r->signature_input);
	r->signature_input = NULL;
	r->corrupted = false;
	r->corrupted_reason = NULL;
	r->title_frame = r->culprit_frame = KC_REPORT_NO_FRAME;

	/* The lines syzkaller reads: no "?" frames; a late panic cut off. */
	size_t cap = 16, nr = 0;
	const char **lines = malloc(cap * sizeof(*lines));
	char *copy = strdup(r->text ? r->text : "");
	if (!lines || !copy) {
		free(lines);
		free(copy);
		return &kc_error_nomem;
	}
	size_t text_lines = 0;
	for (char *line = copy, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!next && !*line)
			break;
		text_lines++;
		if (text_lines > 1 && questionable(line))
			continue;
		if (text_lines > 23 && (strstr(line, "Kernel panic - not syncing") ||
					strstr(line, "WARNING: possible circular locking dependency detected")))
			break;
		if (nr == cap) {
			cap *= 2;
			const char **l = realloc(lines, cap * sizeof(*lines));
			if (!l) {
				free(lines);
				free(copy);
				return &kc_error_nomem;
			}
			lines = l;
		}
		lines[nr++] = line;
	}

	const char *header = nr ? lines[0] : "";
	int oi = kc_report_match_header(header);
	const struct format *chosen = NULL;
	struct strv args = {0};
	struct extraction ex = {0};
	if (oi >= 0) {
		const struct oops *o = &oopses[oi];
		size_t hpos = (size_t)(strstr(header, o->header) - header);
		for (size_t fi = 0; fi < o->nr_formats && !chosen; fi++) {
			const struct format *f = &o->formats[fi];
			regmatch_t m[10];
			size_t nsub = 0;
			if (!rx_match_n(f->title, 0, header, 10, m, &nsub))
				continue;
			/* syzkaller takes the earliest match: formats match at the header. */
			if ((size_t)m[0].rm_so < hpos && f->title[0] != '^')
				continue;
			strv_free(&args);
			/* Every group is an argument, "" when it took no part. */
			for (size_t g = 1; g <= nsub && g < 10; g++)
				strv_push(&args, m[g].rm_so >= 0 ? header + m[g].rm_so : "",
					  m[g].rm_so >= 0 ? (size_t)(m[g].rm_eo - m[g].rm_so) : 0);
			if (f->check != R_NONE) {
				/* Report patterns replace the title's captures. */
				struct strv cargs = {0};
				if (!report_check(f, lines, nr, &cargs)) {
					strv_free(&cargs);
					continue;
				}
				if (f->check == R_KASAN_RW) {
					for (size_t i = 0; i < cargs.n; i++)
						strv_push(&args, cargs.v[i], strlen(cargs.v[i]));
					strv_free(&cargs);
				} else if (f->check != R_LINE) {
					strv_free(&args);
					args = cargs;
				} else {
					strv_free(&cargs);
				}
			}
			chosen = f;
			if (f->parts[0].type != P_END) {
				struct skipper sk;
				skipper_init(&sk, f->skip);
				run_parts(lines, nr, f->parts, &sk, f->extractor, &ex);
				if (!ex.ok && f->parts2[0].type != P_END) {
					extraction_free(&ex);
					memset(&ex, 0, sizeof(ex));
					run_parts(lines, nr, f->parts2, &sk, f->extractor, &ex);
				}
				if (!ex.ok && f->parts3[0].type != P_END) {
					extraction_free(&ex);
					memset(&ex, 0, sizeof(ex));
					run_parts(lines, nr, f->parts3, &sk, f->extractor, &ex);
				}
				skipper_fini(&sk);
				if (!ex.ok) {
					r->corrupted = true;
					r->corrupted_reason = "extracted no frames";
				}
				for (size_t i = 0; i < ex.results.n; i++)
					strv_push(&args, ex.results.v[i], strlen(ex.results.v[i]));
			}
		}
	}
	char *title = NULL;
	const char *kind = "other";
	if (chosen) {
		title = format_title(chosen->fmt, &args);
		kind = chosen->kind;
		if (chosen->corrupted && !r->corrupted) {
			r->corrupted = true;
			r->corrupted_reason = "report format is marked as corrupted";
		}
	} else if (oi >= 0) {
		/* No format: the line from the header on. */
		title = strdup(strstr(header, oopses[oi].header));
		r->corrupted = true;
		r->corrupted_reason = "matched title but not report regexp";
	} else {
		title = strdup(header);
	}
	struct kc_error *err = NULL;
	if (!title || args.nomem || ex.results.nomem || ex.guilty.nomem) {
		err = &kc_error_nomem;
		goto out;
	}
	r->title = kc_report_clean_title(title);
	if (!r->title) {
		err = &kc_error_nomem;
		goto out;
	}
	if (!r->corrupted && strchr(r->title, '[')) {
		/* A timestamp merged into the title. */
		regmatch_t m[1];
		if (rx_match(TIMESTAMP_RE, 0, r->title, 1, m)) {
			r->corrupted = true;
			r->corrupted_reason = "title matches corrupted regexp";
		}
	}
	r->kind = refine_kind(r, kind);

	/* The title's frame, the culprit, and the frames the signature hashes. */
	const char *sig_frames[SIGNATURE_FRAMES];
	size_t nr_sig = 0;
	if (ex.raw_results.n && strcmp(ex.raw_results.v[0], "corrupted") != 0) {
		r->title_frame = find_frame(r, ex.raw_results.v[0]);
		size_t start = ex.guilty_index < ex.guilty.n ? ex.guilty_index : 0;
		/* Stalls name a frame below the spinning code: the culprit is the top one. */
		if (chosen && chosen->extractor == EX_STALL && ex.guilty.n)
			r->culprit_frame = find_frame(r, ex.guilty.v[0]);
		else
			r->culprit_frame = r->title_frame;
		for (size_t i = start; i < ex.guilty.n && nr_sig < SIGNATURE_FRAMES; i++) {
			if (nr_sig && strcmp(sig_frames[nr_sig - 1], ex.guilty.v[i]) == 0)
				continue;
			sig_frames[nr_sig++] = ex.guilty.v[i];
		}
	} else if (!chosen || chosen->parts[0].type == P_END) {
		/* A function the title names ("corrupted in: f"), else the first non-generic frame. */
		if (chosen && chosen->check == R_STACKPROT_FUNC && args.n)
			r->culprit_frame = find_frame(r, args.v[0]);
		struct skipper sk;
		skipper_init(&sk, chosen ? chosen->skip : NULL);
		for (size_t i = 0; i < r->nr_frames && r->culprit_frame == KC_REPORT_NO_FRAME; i++) {
			const struct kc_report_frame *f = &r->frames[i];
			if (f->name && !f->unreliable && !skipped(&sk, f->name) && f->stack == 0) {
				r->culprit_frame = i;
				break;
			}
		}
		skipper_fini(&sk);
	}
	/* Module names follow the frame names in the signature: "f [mod]". */
	char modnames[SIGNATURE_FRAMES][320];
	for (size_t i = 0; i < nr_sig; i++) {
		size_t fi = find_frame(r, sig_frames[i]);
		if (fi != KC_REPORT_NO_FRAME && r->frames[fi].module) {
			snprintf(modnames[i], sizeof(modnames[i]), "%s [%s]", sig_frames[i],
				 r->frames[fi].module);
			sig_frames[i] = modnames[i];
		}
	}
	struct skipper fsk;
	skipper_init(&fsk, chosen ? chosen->skip : NULL);
	for (size_t i = 0; i < r->nr_frames; i++) {
		struct kc_report_frame *f = &r->frames[i];
		f->skipped = f->name && skipped(&fsk, f->name);
	}
	skipper_fini(&fsk);
	/* The faulting function, but not a stall's: it is wherever the loop was. */
	const char *pc_name = NULL;
	if (!chosen || chosen->extractor != EX_STALL)
		for (size_t i = 0; i < r->nr_frames && !pc_name; i++)
			if (r->frames[i].is_pc && r->frames[i].stack == 0 && r->frames[i].name)
				pc_name = r->frames[i].name;
	err = kc_report_signature(r->kind, r->title, pc_name, sig_frames, nr_sig, r->signature,
				  &r->signature_input);
out:
	free(title);
	strv_free(&args);
	extraction_free(&ex);
	free(lines);
	free(copy);
	return err;
}
