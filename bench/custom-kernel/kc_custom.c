// SPDX-License-Identifier: GPL-2.0
/*
 * kc_custom.ko: the crash kinds of the custom kernel (build.sh) that LKDTM has not.
 * Writing a kind's name to /proc/kc_custom triggers it in the writer (kc_trigger, as
 * LKDTM's DIRECT): ALIGN, an LL/SC atomic (ldxr/stxr: cortex-a57 has no LSE atomics)
 * on a misaligned address, hence a data abort with FSC 0x21 (alignment fault) in
 * kc_align; KFENCE_UAF_MOD, kmalloc until KFENCE serves the object, free it and read it;
 * SLEEP_ATOMIC (a kernel with CONFIG_DEBUG_ATOMIC_SLEEP), mutex_lock() and msleep(1) under
 * a spinlock in kc_sleep_atomic: mutex_lock()'s might_sleep() reports "BUG: sleeping
 * function called from invalid context" (6.12's msleep() has no might_sleep()), then
 * schedule()'s "scheduling while atomic" panics with panic_on_warn.
 * (6.12's LKDTM has KFENCE_READ_AFTER_FREE too: kind KFENCE_UAF is LKDTM's.)
 * Each trigger is noinline, noipa: the culprit is its own function.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/kfence.h>
#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <linux/string.h>
#include <linux/spinlock.h>
#include <linux/delay.h>
#include <linux/mutex.h>

#define KC_FN noinline __attribute__((__noipa__))

static char kc_buf[64] __aligned(16);

KC_FN void kc_align(void)
{
	atomic_t *a = (atomic_t *)(kc_buf + 1);	/* 4-byte atomic at an odd address */

	OPTIMIZER_HIDE_VAR(a);
	pr_info("kc_custom: atomic_inc at misaligned %px\n", a);
	atomic_inc(a);
	pr_err("kc_custom: FAIL: survived a misaligned exclusive access\n");
}

KC_FN void kc_kfence_uaf(void)
{
	unsigned long end = jiffies + 60 * HZ;
	int *p;

	do {
		p = kmalloc(64, GFP_KERNEL);
		if (!p)
			return;
		if (is_kfence_address(p))
			break;
		kfree(p);
		p = NULL;
		cond_resched();
	} while (time_before(jiffies, end));
	if (!p) {
		pr_err("kc_custom: FAIL: no KFENCE object in 60 s\n");
		return;
	}
	p[2] = 0x12345678;
	kfree(p);
	pr_info("kc_custom: reading freed KFENCE object %px\n", p);
	pr_err("kc_custom: FAIL: read %x after free\n", READ_ONCE(p[2]));
}

static DEFINE_SPINLOCK(kc_lock);
static DEFINE_MUTEX(kc_mutex);

KC_FN void kc_sleep_atomic(void)
{
	spin_lock(&kc_lock);
	pr_info("kc_custom: mutex_lock() and msleep(1) holding a spinlock\n");
	mutex_lock(&kc_mutex);	/* uncontended: might_sleep()'s report only */
	mutex_unlock(&kc_mutex);
	msleep(1);		/* schedule(): "scheduling while atomic" */
	spin_unlock(&kc_lock);
	pr_err("kc_custom: FAIL: slept in atomic context without a panic\n");
}

static const struct { const char *name; void (*fn)(void); } kc_kinds[] = {
	{ "ALIGN", kc_align },
	{ "KFENCE_UAF_MOD", kc_kfence_uaf },
	{ "SLEEP_ATOMIC", kc_sleep_atomic },
};

static ssize_t kc_custom_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[32];
	size_t n = min(len, sizeof(buf) - 1);
	int i;

	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	buf[n] = 0;
	strim(buf);
	for (i = 0; i < ARRAY_SIZE(kc_kinds); i++) {
		if (!strcmp(buf, kc_kinds[i].name)) {
			kc_kinds[i].fn();
			return len;
		}
	}
	return -EINVAL;
}

static ssize_t kc_custom_read(struct file *f, char __user *ubuf, size_t len, loff_t *off)
{
	char buf[128];
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(kc_kinds); i++)
		n += scnprintf(buf + n, sizeof(buf) - n, "%s %ps\n", kc_kinds[i].name, kc_kinds[i].fn);
	return simple_read_from_buffer(ubuf, len, off, buf, n);
}

static const struct proc_ops kc_custom_ops = {
	.proc_write = kc_custom_write,
	.proc_read = kc_custom_read,
};

static int __init kc_custom_init(void)
{
	return proc_create("kc_custom", 0600, NULL, &kc_custom_ops) ? 0 : -ENOMEM;
}

static void __exit kc_custom_exit(void)
{
	remove_proc_entry("kc_custom", NULL);
}

module_init(kc_custom_init);
module_exit(kc_custom_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kcrash custom-kernel crash kinds: alignment fault, KFENCE use-after-free, sleep in atomic context");
