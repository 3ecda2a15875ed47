// SPDX-License-Identifier: GPL-2.0
/*
 * kc_x86crash: deliberate crashes of Debian bookworm's amd64 kernel, for kcrash's x86
 * console-triage fixtures (tests/fixtures/crashes-x86/, made by bench/x86-console/make.sh).
 * The x86 counterpart of bench/debian-dump/crashers/kc_crashers.c (arm64), with the same
 * conventions: writing a kind's name to /proc/kc_crash triggers it in the writer's context
 * (as LKDTM's DIRECT does; Debian has no LKDTM):
 *
 *   echo GPF > /proc/kc_crash
 *
 * Reading /proc/kc_crash lists the kinds.  Each trigger is a noinline, noipa function of
 * its own (kc_<kind>), so the culprit a triage tool should name is known.  Kinds that end
 * in a WARNING or a lockup need sysctls (make.sh's init sets them): panic_on_warn,
 * softlockup_panic; every kind runs with panic_on_oops=1.
 *
 * Built against Debian's linux-headers-6.1.0-57-amd64 with the host's gcc-12 (see Kbuild);
 * the kernel taints it O (out of tree) and E (unsigned).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>

/* an object of some driver, so that the NULL dereferences are at small offsets, as real
 * ones are: ->flags at 0x28, ->count at 0x30 */
struct kc_obj {
	struct list_head node;		/* 0x00 */
	void *priv;			/* 0x10 */
	unsigned long id;		/* 0x18 */
	const char *name;		/* 0x20 */
	unsigned long flags;		/* 0x28 */
	int count;			/* 0x30 */
};

/* no inlining, cloning (.isra/.constprop) or identical-code folding */
#define KC_TRIGGER noinline __attribute__((__noipa__))

/* global and volatile: the compiler cannot see that they are NULL */
static struct kc_obj *volatile kc_null_obj;
static void *volatile kc_sink;

/* "BUG: kernel NULL pointer dereference, address: 0000000000000028" */
static KC_TRIGGER unsigned long kc_null_read(void)
{
	return kc_null_obj->flags;		/* load from 0x28 */
}

static KC_TRIGGER void kc_null_write(void)
{
	kc_null_obj->count = 1;			/* store to 0x30 */
}

/* "general protection fault, probably for non-canonical address 0xdead000000000108":
 * use after list_del(): the deleted entry's ->next is LIST_POISON1 (0xdead000000000100,
 * not canonical), and ->next->prev is read at 0xdead000000000108 */
static KC_TRIGGER unsigned long kc_gpf(void)
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

/* the message of kc_bad_addr, in a function of its own: printk is __cold, and a path
 * that calls it goes to a .cold part (kc_bad_addr.cold would be the faulting function) */
static KC_TRIGGER void kc_bad_addr_note(void *p)
{
	pr_info("kc_x86crash: vmalloc area %px, reading its guard page %px\n", p,
		(char *)p + PAGE_SIZE);
}

/* "BUG: unable to handle page fault for address: ...": a canonical kernel address that
 * is not mapped, the guard page after a one-page vmalloc area */
static KC_TRIGGER unsigned long kc_bad_addr(void)
{
	unsigned long *p = vmalloc(PAGE_SIZE);

	if (!p)
		return 0;
	kc_bad_addr_note(p);
	return *(volatile unsigned long *)((char *)p + PAGE_SIZE);
}

/* "kernel BUG at bench/x86-console/kc_x86crash.c:LINE!", "invalid opcode: 0000" (ud2) */
static KC_TRIGGER void kc_bug(void)
{
	BUG();
}

/* "WARNING: CPU: 1 PID: N at bench/x86-console/kc_x86crash.c:LINE kc_warning+...",
 * then panic_on_warn's "Kernel panic - not syncing: panic_on_warn set ..." */
static KC_TRIGGER void kc_warning(void)
{
	WARN_ON(1);
}

/* list_add() next to a corrupted entry: CONFIG_DEBUG_LIST's __list_add_valid() with
 * CONFIG_BUG_ON_DATA_CORRUPTION: "list_add corruption. next->prev should be prev ..."
 * and "kernel BUG at lib/list_debug.c:LINE!" */
static KC_TRIGGER void kc_list_add(void)
{
	static LIST_HEAD(head);
	static struct kc_obj a, b;

	list_add(&a.node, &head);
	a.node.prev = (struct list_head *)0x4b43;	/* corrupt: head->next->prev != head */
	list_add(&b.node, &head);
}

/* a CPU spinning in the kernel without scheduling: "watchdog: BUG: soft lockup - CPU#1
 * stuck for NNs! [kc_trigger:PID]" after 2 * watchdog_thresh (softlockup_panic) */
static volatile unsigned long kc_spins;

static KC_TRIGGER void kc_softlockup(void)
{
	for (;;) {
		kc_spins++;
		cpu_relax();
	}
}

/* unbounded recursion with 512-byte frames into the vmap'ed stack's guard page: "BUG:
 * TASK stack guard page was hit at ..." (x86's double fault handler) */
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

static KC_TRIGGER void kc_panic(void)
{
	panic("kc_x86crash: deliberate panic from %s", __func__);
}

struct kc_kind {
	const char *name;
	const char *what;
};

static const struct kc_kind kc_kinds[] = {
	{ "NULL_READ", "kc_null_read: load of a NULL struct kc_obj's ->flags (0x28)" },
	{ "NULL_WRITE", "kc_null_write: store to a NULL struct kc_obj's ->count (0x30)" },
	{ "GPF", "kc_gpf: ->next->prev of a list_del'd entry (non-canonical LIST_POISON1 + 8)" },
	{ "BAD_ADDR", "kc_bad_addr: load from the guard page after a vmalloc area" },
	{ "BUG", "kc_bug: BUG() (ud2)" },
	{ "WARNING", "kc_warning: WARN_ON(1) (needs panic_on_warn)" },
	{ "LIST_ADD", "kc_list_add: list_add() next to a corrupted entry" },
	{ "SOFTLOCKUP", "kc_softlockup: spin without scheduling (needs softlockup_panic)" },
	{ "STACK_OVERFLOW", "kc_recurse: unbounded recursion, 512-byte frames" },
	{ "PANIC", "kc_panic: panic()" },
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
	pr_info("kc_x86crash: triggering %s: pid %d comm %s cpu %d\n", kind,
		task_pid_nr(current), current->comm, raw_smp_processor_id());

	if (!strcmp(kind, "NULL_READ"))
		kc_sink = (void *)kc_null_read();
	else if (!strcmp(kind, "NULL_WRITE"))
		kc_null_write();
	else if (!strcmp(kind, "GPF"))
		kc_sink = (void *)kc_gpf();
	else if (!strcmp(kind, "BAD_ADDR"))
		kc_sink = (void *)kc_bad_addr();
	else if (!strcmp(kind, "BUG"))
		kc_bug();
	else if (!strcmp(kind, "WARNING"))
		kc_warning();
	else if (!strcmp(kind, "LIST_ADD"))
		kc_list_add();
	else if (!strcmp(kind, "SOFTLOCKUP"))
		kc_softlockup();
	else if (!strcmp(kind, "STACK_OVERFLOW"))
		kc_stack_overflow();
	else if (!strcmp(kind, "PANIC"))
		kc_panic();
	else {
		pr_err("kc_x86crash: unknown kind '%s'\n", kind);
		return -EINVAL;
	}
	pr_err("kc_x86crash: still alive after %s\n", kind);
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

static int __init kc_x86crash_init(void)
{
	kc_crash_entry = proc_create("kc_crash", 0600, NULL, &kc_crash_ops);
	if (!kc_crash_entry)
		return -ENOMEM;
	pr_info("kc_x86crash: /proc/kc_crash ready (%zu kinds)\n", ARRAY_SIZE(kc_kinds));
	return 0;
}

static void __exit kc_x86crash_exit(void)
{
	proc_remove(kc_crash_entry);
}

module_init(kc_x86crash_init);
module_exit(kc_x86crash_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kcrash test fixtures: deliberate crashes of Debian's amd64 kernel");
