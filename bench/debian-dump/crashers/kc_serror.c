// SPDX-License-Identifier: GPL-2.0
/*
 * kc_serror: a real arm64 SError crash for kcrash's crash-triage fixtures
 * (tests/fixtures/crashes/serror/, made by bench/debian-dump/make.sh CRASH=SERROR).
 *
 * QEMU's TCG never raises a physical SError (a bad access is a synchronous external
 * abort), so this raises a VIRTUAL SError, which the EL1 kernel takes through its real
 * SError vector (el1h_64_error -> el1h_64_error_handler -> do_serror ->
 * arm64_serror_panic: "SError Interrupt on CPUn, code 0x... -- SError", then
 * "Kernel panic - not syncing: Asynchronous SError Interrupt").  A virtual SError is made
 * pending by EL2 (HCR_EL2.VSE, with HCR_EL2.AMO set), so the kernel must have been booted
 * at EL2 with its hyp stub still there: QEMU -M virt,virtualization=on with a CPU without
 * VHE (cortex-a57: the kernel runs at EL1) and kvm-arm.mode=none (KVM does not take EL2
 * over).  The trigger, in the writer of /proc/kc_serror on its CPU:
 *
 *   1. copies kc_el2_vectors (below) into a page of the linear map, cleans it to the
 *      point of coherency and invalidates the I-cache (EL2 runs with its MMU off);
 *   2. installs it as this CPU's EL2 vector table with the hyp stub's own call,
 *      hvc #0 with x0 = HVC_SET_VECTORS, x1 = its physical address;
 *   3. calls KC_HVC_VSERROR, which our vectors implement: HCR_EL2 |= AMO | VSE.
 *
 * The eret back to EL1 (PSTATE.A clear in process context) takes the virtual SError at
 * the instruction after the hvc, in kc_serror().  ESR_EL1 is EC 0x2f (SError) with
 * ISS 0 (no RAS on cortex-a57: not a RAS SError, so do_serror() panics).
 *
 * kc_el2_vectors replaces the hyp stub on this CPU until the capture kernel boots, so it
 * implements the stub's calls (arch/arm64/kernel/hyp-stub.S, asm/virt.h) the kernel may
 * still make: HVC_SET_VECTORS, HVC_SOFT_RESTART (machine_kexec -> cpu_soft_restart with
 * is_hyp_nvhe(): the kdump capture kernel is entered at EL2 through it) and
 * HVC_RESET_VECTORS (nothing to reset: these vectors do what the stub's do); any other
 * call (HVC_FINALISE_EL2 included: no VHE here) returns HVC_STUB_ERR as the stub does.
 *
 * A module of its own: kc_crashers.ko, which every other crash fixture was made with,
 * stays as it was.  Built as kc_crashers.ko is (make.sh's "crashers" stage), against
 * Debian's linux-headers-6.1.0-57-arm64 with gcc-12.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/virt.h>
#include <asm/sysreg.h>
#include <asm/cputype.h>

/* our own hyp call, outside the stub's 0 .. HVC_STUB_HCALL_NR - 1 (a cmp immediate) */
#define KC_HVC_VSERROR	0xe5e

#define KC_TRIGGER noinline __attribute__((__noipa__))

/*
 * The EL2 vector table, position independent (only branches within itself), copied
 * into a page at run time: 16 entries of 0x80 bytes; every entry but "lower EL,
 * AArch64, synchronous" (0x400) spins (an unexpected EL2 exception).  HCR_EL2 bits:
 * AMO is bit 5, VSE bit 8.  HVC_SOFT_RESTART's register shuffle is the stub's: entry
 * in x1, its arguments in x2..x4 -> x0..x2.
 */
asm(
"	.pushsection .rodata.kc_el2_vectors, \"a\"\n"
"	.balign 2048\n"
"kc_el2_vectors:\n"
"	.rept 8\n"				/* current EL with SP_EL0, with SP_ELx */
"	b	.\n"
"	.balign 0x80\n"
"	.endr\n"
/* 0x400: lower EL, AArch64, synchronous: the hvc calls */
"	cmp	x0, #" __stringify(HVC_SET_VECTORS) "\n"
"	b.ne	1f\n"
"	msr	vbar_el2, x1\n"
"	b	9f\n"
"1:	cmp	x0, #" __stringify(HVC_SOFT_RESTART) "\n"
"	b.ne	2f\n"
"	mov	x0, x2\n"
"	mov	x2, x4\n"
"	mov	x4, x1\n"
"	mov	x1, x3\n"
"	br	x4\n"					/* no return */
"2:	cmp	x0, #" __stringify(HVC_RESET_VECTORS) "\n"
"	b.eq	9f\n"
"	cmp	x0, #" __stringify(KC_HVC_VSERROR) "\n"
"	b.ne	3f\n"
"	mrs	x0, hcr_el2\n"
"	orr	x0, x0, #(1 << 5)\n"			/* HCR_EL2.AMO */
"	orr	x0, x0, #(1 << 8)\n"			/* HCR_EL2.VSE: virtual SError pending */
"	msr	hcr_el2, x0\n"
"	isb\n"
"	b	9f\n"
"3:	movz	x0, #0xca11\n"				/* HVC_STUB_ERR 0xbadca11 */
"	movk	x0, #0xbad, lsl #16\n"
"	eret\n"
"9:	mov	x0, xzr\n"
"	eret\n"
"	.balign 0x80\n"
"	.rept 7\n"				/* lower EL irq, fiq, error; AArch32 */
"	b	.\n"
"	.balign 0x80\n"
"	.endr\n"
"kc_el2_vectors_end:\n"
"	.popsection\n");

extern const u8 kc_el2_vectors[], kc_el2_vectors_end[];

static unsigned long kc_hvc(unsigned long fn, unsigned long arg)
{
	register unsigned long x0 asm("x0") = fn;
	register unsigned long x1 asm("x1") = arg;

	asm volatile("hvc #0" : "+r" (x0), "+r" (x1) : : "memory");
	return x0;
}

/* clean (and invalidate) [p, p + len) to the point of coherency */
static void kc_clean_poc(void *p, size_t len)
{
	unsigned long line = 4UL << ((read_cpuid_cachetype() >> 16) & 0xf);	/* CTR_EL0.DminLine */
	unsigned long a = (unsigned long)p & ~(line - 1), end = (unsigned long)p + len;

	for (; a < end; a += line)
		asm volatile("dc civac, %0" : : "r" (a) : "memory");
	asm volatile("dsb sy\n\tic ialluis\n\tdsb ish\n\tisb" : : : "memory");
}

static struct page *kc_vec_page;

/* the trigger: returns only when it could not raise the SError */
static KC_TRIGGER int kc_serror(void)
{
	unsigned long el2 = (read_sysreg(id_aa64pfr0_el1) >> 8) & 0xf;	/* ID_AA64PFR0_EL1.EL2 */
	size_t len = kc_el2_vectors_end - kc_el2_vectors;
	phys_addr_t pa;
	unsigned long r;

	if (!el2) {
		pr_err("kc_serror: no EL2 on this CPU (QEMU -M virt,virtualization=on)\n");
		return -ENODEV;
	}
	if (!kc_vec_page)
		kc_vec_page = alloc_page(GFP_KERNEL);
	if (!kc_vec_page)
		return -ENOMEM;
	memcpy(page_address(kc_vec_page), kc_el2_vectors, len);
	kc_clean_poc(page_address(kc_vec_page), len);
	pa = page_to_phys(kc_vec_page);

	r = kc_hvc(HVC_SET_VECTORS, pa);
	if (r) {	/* KVM owns EL2 (kvm-arm.mode=none missing?) or booted at EL1 */
		pr_err("kc_serror: HVC_SET_VECTORS returned 0x%lx: no hyp stub at EL2\n", r);
		return -EIO;
	}
	pr_info("kc_serror: EL2 vectors at %pa on CPU %d; raising a virtual SError\n", &pa,
		raw_smp_processor_id());
	r = kc_hvc(KC_HVC_VSERROR, 0);
	/* the virtual SError is taken on the eret above: not reached */
	pr_err("kc_serror: still alive after the virtual SError (hvc returned 0x%lx)\n", r);
	return -EIO;
}

static ssize_t kc_serror_write(struct file *f, const char __user *ubuf, size_t len,
			       loff_t *off)
{
	char kind[32];
	size_t n = min(len, sizeof(kind) - 1);
	int r;

	if (copy_from_user(kind, ubuf, n))
		return -EFAULT;
	kind[n] = '\0';
	strim(kind);
	if (strcmp(kind, "SERROR")) {
		pr_err("kc_serror: unknown kind '%s'\n", kind);
		return -EINVAL;
	}
	pr_info("kc_serror: triggering %s: pid %d comm %s cpu %d\n", kind,
		task_pid_nr(current), current->comm, raw_smp_processor_id());
	r = kc_serror();
	return r ? r : len;
}

static ssize_t kc_serror_read(struct file *f, char __user *ubuf, size_t len, loff_t *off)
{
	static const char kinds[] =
		"SERROR             kc_serror: a virtual SError (HCR_EL2.VSE) through EL2 vectors of its own (needs EL2: virtualization=on, kvm-arm.mode=none)\n";

	return simple_read_from_buffer(ubuf, len, off, kinds, sizeof(kinds) - 1);
}

static const struct proc_ops kc_serror_ops = {
	.proc_write = kc_serror_write,
	.proc_read = kc_serror_read,
	.proc_lseek = default_llseek,
};

static struct proc_dir_entry *kc_serror_entry;

static int __init kc_serror_init(void)
{
	kc_serror_entry = proc_create("kc_serror", 0600, NULL, &kc_serror_ops);
	if (!kc_serror_entry)
		return -ENOMEM;
	pr_info("kc_serror: /proc/kc_serror ready (%zu bytes of EL2 vectors)\n",
		(size_t)(kc_el2_vectors_end - kc_el2_vectors));
	return 0;
}

static void __exit kc_serror_exit(void)
{
	proc_remove(kc_serror_entry);
	/* the page stays: this CPU's VBAR_EL2 may point to it */
}

module_init(kc_serror_init);
module_exit(kc_serror_exit);
MODULE_LICENSE("GPL");
