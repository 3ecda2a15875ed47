// SPDX-License-Identifier: GPL-2.0
/*
 * kc_crashers: deliberate kernel crashes of every kind, for kcrash's crash-triage fixtures
 * (tests/fixtures/crashes/, made by bench/debian-dump/make.sh CRASH=KIND).  Debian's
 * kernels have no LKDTM (CONFIG_LKDTM is not set), so this out-of-tree module plays its
 * part: writing a kind's name to /proc/kc_crash triggers it in the writer's context, as
 * LKDTM's DIRECT does:
 *
 *   echo NULL_READ > /proc/kc_crash
 *
 * Reading /proc/kc_crash lists the kinds.  Each trigger is a noinline function of its
 * own (kc_<kind>), so the culprit a triage tool should name is known: the oopsing PC or
 * the first non-infrastructure frame is that function.  Some kinds need sysctls set first
 * (bench/debian-dump/init's crash_sysctls): panic_on_warn for the WARNING-based kinds,
 * softlockup_panic, hung_task_panic, panic_on_rcu_stall.
 *
 * Built against Debian's linux-headers-6.1.0-57-arm64 with gcc-12 (see Makefile); the
 * kernel taints it O (out of tree) and E (unsigned).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/delay.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/completion.h>
#include <linux/timer.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/irqflags.h>
#include <linux/ptrace.h>

/* an object of some driver, so that the NULL dereferences are at small offsets, as
 * real ones are: ->flags at 0x28, ->count at 0x30 */
struct kc_obj {
	struct list_head node;		/* 0x00 */
	void *priv;			/* 0x10 */
	unsigned long id;		/* 0x18 */
	const char *name;		/* 0x20 */
	unsigned long flags;		/* 0x28 */
	int count;			/* 0x30 */
};

/* each trigger is a function of its own, in every crash's backtrace under its own name:
 * no inlining, cloning (.isra/.constprop suffixes) or identical-code folding */
#define KC_TRIGGER noinline __attribute__((__noipa__))

/* global and volatile: the compiler cannot see that they are NULL */
static struct kc_obj *volatile kc_null_obj;
static void *volatile kc_sink;

static KC_TRIGGER unsigned long kc_null_read(void)
{
	return kc_null_obj->flags;		/* load from 0x28 */
}

static KC_TRIGGER void kc_null_write(void)
{
	kc_null_obj->count = 1;			/* store to 0x30 */
}

/* a paging request at a kernel address that is not mapped: the guard page after a
 * one-page vmalloc area (vmalloc areas are followed by an unmapped guard page) */
static KC_TRIGGER unsigned long kc_bad_addr(void)
{
	unsigned long *p = vmalloc(PAGE_SIZE);

	if (!p)
		return 0;
	pr_info("kc_crashers: vmalloc area %px, reading its guard page %px\n", p,
		(char *)p + PAGE_SIZE);
	return *(volatile unsigned long *)((char *)p + PAGE_SIZE);
}

/* the kernel reading a user address outside uaccess routines (PAN): the writer's own
 * user stack, which is mapped */
static KC_TRIGGER unsigned long kc_user_addr(void)
{
	unsigned long usp = current_user_stack_pointer();

	pr_info("kc_crashers: reading user address %lx without uaccess\n", usp);
	return *(volatile unsigned long *)usp;
}

/* use after list_del: the deleted entry's ->next is LIST_POISON1 (0xdead000000000100),
 * and ->next->prev is read at 0xdead000000000108 */
static KC_TRIGGER unsigned long kc_poison(void)
{
	struct kc_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);
	LIST_HEAD(head);

	if (!o)
		return 0;
	list_add(&o->node, &head);
	list_del(&o->node);
	kc_sink = o;
	return (unsigned long)((struct kc_obj *volatile)kc_sink)->node.next->prev;
}

static KC_TRIGGER void kc_bug(void)
{
	BUG();
}

static KC_TRIGGER void kc_warning(void)
{
	WARN_ON(1);
}

static KC_TRIGGER void kc_undef(void)
{
	asm volatile("udf #0");
}

/* branch to an address 2 bytes into the next instruction: a PC alignment fault */
static KC_TRIGGER void kc_pc_align(void)
{
	asm volatile("adr x16, 1f\n\t"
		     "add x16, x16, #2\n\t"
		     "br x16\n\t"
		     "1: nop\n\t"
		     "nop\n\t" ::: "x16", "memory");
}

/* unbounded recursion with 512-byte frames until the vmap'ed stack's guard page (the
 * limit is 0: no limit; it only keeps gcc's -Winfinite-recursion quiet) */
static volatile int kc_recurse_limit;

static KC_TRIGGER int kc_recurse(int depth)
{
	volatile char buf[512];

	if (kc_recurse_limit && depth >= kc_recurse_limit)
		return 0;
	buf[0] = depth;
	buf[sizeof(buf) - 1] = depth;
	return kc_recurse(depth + 1) + buf[depth % sizeof(buf)];
}

static KC_TRIGGER void kc_stack_overflow(void)
{
	kc_recurse(0);
}

/* writes 64 bytes into a 16-byte array: the stack canary catches it on return */
static KC_TRIGGER int kc_stack_corrupt(void)
{
	char buf[16];
	volatile char *p = buf;
	int i;

	for (i = 0; i < 64; i++)
		p[i] = 0x41;
	return buf[3];
}

/* a CPU spinning in the kernel without scheduling (CONFIG_PREEMPT_VOLUNTARY: nothing
 * preempts it): the soft-lockup watchdog (2 * watchdog_thresh) or, first if its timeout
 * is shorter, RCU's stall detector */
static volatile unsigned long kc_spins;

static KC_TRIGGER void kc_softlockup(void)
{
	for (;;) {
		kc_spins++;
		cpu_relax();
	}
}

static KC_TRIGGER void kc_rcu_stall(void)
{
	for (;;) {
		kc_spins += 2;
		cpu_relax();
	}
}

/* spinning with interrupts off: no tick on this CPU, so no soft-lockup watchdog (arm64
 * has no NMI watchdog here): RCU's stall detector on the other CPU reports it */
static KC_TRIGGER void kc_rcu_stall_irqsoff(void)
{
	local_irq_disable();
	for (;;) {
		kc_spins += 3;
		cpu_relax();
	}
}

static DECLARE_COMPLETION(kc_never);

/* TASK_UNINTERRUPTIBLE forever: khungtaskd reports it after hung_task_timeout_secs */
static KC_TRIGGER void kc_hung_task(void)
{
	wait_for_completion(&kc_never);
}

/* list_add() with a corrupted neighbour: CONFIG_DEBUG_LIST and
 * CONFIG_BUG_ON_DATA_CORRUPTION make __list_add_valid() a BUG */
static KC_TRIGGER void kc_list_add(void)
{
	static LIST_HEAD(head);
	static struct kc_obj a, b;

	list_add(&a.node, &head);
	a.node.prev = (struct list_head *)0x4b43;	/* corrupt: head->next->prev != head */
	list_add(&b.node, &head);
}

/* list_del() of an entry deleted already: __list_del_entry_valid() sees LIST_POISON1 */
static KC_TRIGGER void kc_list_del(void)
{
	static LIST_HEAD(head);
	static struct kc_obj a;

	list_add(&a.node, &head);
	list_del(&a.node);
	list_del(&a.node);
}

/* a refcount_t put once more than it was taken: the second refcount_dec_and_test()
 * finds 0: "refcount_t: underflow; use-after-free." (a WARNING) */
static KC_TRIGGER void kc_refcount(void)
{
	refcount_t r = REFCOUNT_INIT(1);

	if (refcount_dec_and_test(&r))
		pr_info("kc_crashers: refcount reached 0, putting it once more\n");
	kc_sink = (void *)(long)refcount_dec_and_test(&r);
}

static DEFINE_SPINLOCK(kc_lock);

/* sleeping with a spinlock held.  Debian's 6.1 has no CONFIG_PREEMPT_COUNT, so a plain
 * spin_lock() does not count in preempt_count and the scheduler cannot see it: the _bh
 * variant's softirq count (0x200) is what makes __schedule_bug() fire */
static KC_TRIGGER void kc_sched_atomic(void)
{
	spin_lock_bh(&kc_lock);
	msleep(20);
	spin_unlock_bh(&kc_lock);
}

static struct timer_list kc_timer;

/* a NULL dereference in a timer callback: an oops in softirq context */
static KC_TRIGGER void kc_timer_fn(struct timer_list *t)
{
	kc_null_obj->count = 2;
}

static KC_TRIGGER void kc_irq_null(void)
{
	timer_setup(&kc_timer, kc_timer_fn, 0);
	mod_timer(&kc_timer, jiffies + 1);
	msleep(1000);
}

static KC_TRIGGER void kc_panic(void)
{
	panic("kc_crashers: deliberate panic from %s", __func__);
}

/* kfree() twice in a row: CONFIG_SLAB_FREELIST_HARDENED's naive double-free check
 * (set_freepointer: BUG_ON(object == fp)) */
static KC_TRIGGER void kc_double_free(void)
{
	void *p = kmalloc(64, GFP_KERNEL);

	kfree(p);
	kfree(p);
}

/* copy_from_user() of 256 bytes into kmalloc(16), a kmalloc-128 object (arm64's 6.1
 * kmalloc minimum is 128): CONFIG_HARDENED_USERCOPY's check_heap_object() (the size
 * hidden from gcc: FORTIFY_SOURCE's compile-time check, a WARNING, would refuse first) */
static volatile size_t kc_usercopy_size = 16;

static KC_TRIGGER unsigned long kc_usercopy(const char __user *ubuf)
{
	void *p = kmalloc(kc_usercopy_size, GFP_KERNEL);
	volatile size_t n = 256;
	unsigned long left;

	left = copy_from_user(p, ubuf, n);
	kfree(p);
	return left;
}

struct kc_kind {
	const char *name;
	const char *what;
};

static const struct kc_kind kc_kinds[] = {
	{ "NULL_READ", "kc_null_read: load of a NULL struct kc_obj's ->flags (0x28)" },
	{ "NULL_WRITE", "kc_null_write: store to a NULL struct kc_obj's ->count (0x30)" },
	{ "BAD_ADDR", "kc_bad_addr: load from the guard page after a vmalloc area" },
	{ "USER_ADDR", "kc_user_addr: load from the user stack outside uaccess (PAN)" },
	{ "POISON", "kc_poison: ->next->prev of a list_del'd entry (LIST_POISON1 + 8)" },
	{ "BUG", "kc_bug: BUG()" },
	{ "WARNING", "kc_warning: WARN_ON(1) (needs panic_on_warn)" },
	{ "UNDEF", "kc_undef: udf #0" },
	{ "PC_ALIGN", "kc_pc_align: br to a misaligned address" },
	{ "STACK_OVERFLOW", "kc_recurse: unbounded recursion, 512-byte frames" },
	{ "STACK_CORRUPT", "kc_stack_corrupt: 64 bytes into a 16-byte stack array" },
	{ "SOFTLOCKUP", "kc_softlockup: spin without scheduling (needs softlockup_panic)" },
	{ "RCU_STALL", "kc_rcu_stall: spin without scheduling (needs panic_on_rcu_stall)" },
	{ "RCU_STALL_IRQSOFF", "kc_rcu_stall_irqsoff: spin with interrupts off" },
	{ "HUNG_TASK", "kc_hung_task: wait_for_completion() forever (needs hung_task_panic)" },
	{ "LIST_ADD", "kc_list_add: list_add() next to a corrupted entry" },
	{ "LIST_DEL", "kc_list_del: list_del() twice" },
	{ "REFCOUNT", "kc_refcount: refcount_t underflow (needs panic_on_warn)" },
	{ "SCHED_ATOMIC", "kc_sched_atomic: msleep() under spin_lock_bh() (needs panic_on_warn)" },
	{ "IRQ_NULL", "kc_timer_fn: NULL store in a timer callback (softirq)" },
	{ "PANIC", "kc_panic: panic()" },
	{ "DOUBLE_FREE", "kc_double_free: kfree() twice (SLAB_FREELIST_HARDENED)" },
	{ "USERCOPY", "kc_usercopy: copy_from_user() of 256 bytes into a kmalloc-128 object" },
};

static ssize_t kc_crash_write(struct file *f, const char __user *ubuf, size_t len,
			      loff_t *off)
{
	char kind[32];
	size_t n = min(len, sizeof(kind) - 1);

	if (copy_from_user(kind, ubuf, n))
		return -EFAULT;
	kind[n] = '\0';
	strim(kind);
	pr_info("kc_crashers: triggering %s: pid %d comm %s cpu %d\n", kind,
		task_pid_nr(current), current->comm, raw_smp_processor_id());

	if (!strcmp(kind, "NULL_READ"))
		kc_sink = (void *)kc_null_read();
	else if (!strcmp(kind, "NULL_WRITE"))
		kc_null_write();
	else if (!strcmp(kind, "BAD_ADDR"))
		kc_sink = (void *)kc_bad_addr();
	else if (!strcmp(kind, "USER_ADDR"))
		kc_sink = (void *)kc_user_addr();
	else if (!strcmp(kind, "POISON"))
		kc_sink = (void *)kc_poison();
	else if (!strcmp(kind, "BUG"))
		kc_bug();
	else if (!strcmp(kind, "WARNING"))
		kc_warning();
	else if (!strcmp(kind, "UNDEF"))
		kc_undef();
	else if (!strcmp(kind, "PC_ALIGN"))
		kc_pc_align();
	else if (!strcmp(kind, "STACK_OVERFLOW"))
		kc_stack_overflow();
	else if (!strcmp(kind, "STACK_CORRUPT"))
		kc_sink = (void *)(long)kc_stack_corrupt();
	else if (!strcmp(kind, "SOFTLOCKUP"))
		kc_softlockup();
	else if (!strcmp(kind, "RCU_STALL"))
		kc_rcu_stall();
	else if (!strcmp(kind, "RCU_STALL_IRQSOFF"))
		kc_rcu_stall_irqsoff();
	else if (!strcmp(kind, "HUNG_TASK"))
		kc_hung_task();
	else if (!strcmp(kind, "LIST_ADD"))
		kc_list_add();
	else if (!strcmp(kind, "LIST_DEL"))
		kc_list_del();
	else if (!strcmp(kind, "REFCOUNT"))
		kc_refcount();
	else if (!strcmp(kind, "SCHED_ATOMIC"))
		kc_sched_atomic();
	else if (!strcmp(kind, "IRQ_NULL"))
		kc_irq_null();
	else if (!strcmp(kind, "PANIC"))
		kc_panic();
	else if (!strcmp(kind, "DOUBLE_FREE"))
		kc_double_free();
	else if (!strcmp(kind, "USERCOPY"))
		kc_sink = (void *)kc_usercopy(ubuf);
	else {
		pr_err("kc_crashers: unknown kind '%s'\n", kind);
		return -EINVAL;
	}
	pr_err("kc_crashers: still alive after %s\n", kind);
	return len;
}

static ssize_t kc_crash_read(struct file *f, char __user *ubuf, size_t len, loff_t *off)
{
	char *buf;
	size_t i, n = 0, sz = 4096;
	ssize_t r;

	buf = kmalloc(sz, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(kc_kinds); i++)
		n += scnprintf(buf + n, sz - n, "%-18s %s\n", kc_kinds[i].name, kc_kinds[i].what);
	r = simple_read_from_buffer(ubuf, len, off, buf, n);
	kfree(buf);
	return r;
}

static const struct proc_ops kc_crash_ops = {
	.proc_write = kc_crash_write,
	.proc_read = kc_crash_read,
	.proc_lseek = default_llseek,
};

static struct proc_dir_entry *kc_crash_entry;

static int __init kc_crashers_init(void)
{
	kc_crash_entry = proc_create("kc_crash", 0600, NULL, &kc_crash_ops);
	if (!kc_crash_entry)
		return -ENOMEM;
	pr_info("kc_crashers: /proc/kc_crash ready (%zu kinds)\n", ARRAY_SIZE(kc_kinds));
	return 0;
}

static void __exit kc_crashers_exit(void)
{
	proc_remove(kc_crash_entry);
}

module_init(kc_crashers_init);
module_exit(kc_crashers_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kcrash test fixtures: deliberate kernel crashes of every kind");
