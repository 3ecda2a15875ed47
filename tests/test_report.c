/* SPDX-License-Identifier: MIT */
/*
 * Crash reports from text (<kcrash/report.h>): each kind's title in
 * syzkaller's form; the same report with other timestamps, caller ids, CRs, noise, other CPUs' lines
 * or another KASLR offset gives the same title and signature, and another
 * bug another signature; ESR decoding; a vmlinux names raw addresses; and
 * the real arm64 crashes of tests/fixtures/crashes/ give the right kind, a
 * title naming the culprit and the same signature from the dump as from
 * the console, and the same NULL read in two boots the same signature.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kcrash/report.h>
#include <kcrash/session.h>

#include "harness.h"

/* A real arm64 6.1 Oops (tests/fixtures/crashes/null-read/console.log). */
static const char null_oops[] =
	"[   20.180474] kc_crashers: triggering NULL_READ: pid 463 comm kc_trigger cpu 1\n"
	"[   20.180949] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000028\n"
	"[   20.181062] Mem abort info:\n"
	"[   20.181102]   ESR = 0x0000000096000006\n"
	"[   20.181155]   EC = 0x25: DABT (current EL), IL = 32 bits\n"
	"[   20.181278]   FSC = 0x06: level 2 translation fault\n"
	"[   20.181425]   CM = 0, WnR = 0\n"
	"[   20.181894] Internal error: Oops: 0000000096000006 [#1] SMP\n"
	"[   20.182107] Modules linked in: kc_crashers(OE) qemu_fw_cfg ext4\n"
	"[   20.182479] CPU: 1 PID: 463 Comm: kc_trigger Kdump: loaded Tainted: G           OE      6.1.0-57-arm64 #1\n"
	"[   20.182950] pstate: 60000005 (nZCv daif -PAN -UAO -TCO -DIT -SSBS BTYPE=--)\n"
	"[   20.183037] pc : kc_null_read+0x18/0x20 [kc_crashers]\n"
	"[   20.183237] lr : kc_crash_write+0x2d8/0x42c [kc_crashers]\n"
	"[   20.183300] sp : ffff800008833910\n"
	"[   20.183348] x29: ffff800008833910 x28: ffff644083d84100 x27: 0000000000000000\n"
	"[   20.184314] Call trace:\n"
	"[   20.184402]  kc_null_read+0x18/0x20 [kc_crashers]\n"
	"[   20.184493]  proc_reg_write+0xac/0x100\n"
	"[   20.184548]  vfs_write+0xdc/0x3a0\n"
	"[   20.184589]  ksys_write+0x7c/0x11c\n"
	"[   20.184629]  __arm64_sys_write+0x24/0x30\n"
	"[   20.184671]  invoke_syscall+0x68/0xe0\n"
	"[   20.184718]  el0_svc_common.constprop.0+0x4c/0xf4\n"
	"[   20.184808]  el0_svc+0x34/0xdc\n"
	"[   20.184893]  el0t_64_sync+0x18c/0x190\n"
	"[   20.185020] Code: 90000020 d503233f d50323bf f9426000 (f9401400) \n"
	"[   20.185554] SMP: stopping secondary CPUs\n";

#define NULL_TITLE "BUG: unable to handle kernel NULL pointer dereference in kc_null_read"

/* Parse TEXT and return its first report's title/kind/signature (static). */
struct first {
	char title[256], kind[64], signature[17], culprit[128];
	size_t count, nr_frames;
	bool truncated;
};

static bool parse_first(const char *text, size_t len, struct first *f)
{
	memset(f, 0, sizeof(*f));
	struct kc_report_list list;
	struct kc_error *err = kc_report_parse(text, len, &list);
	if (err) {
		kc_test_fail(__FILE__, __LINE__, "kc_report_parse: %s", kc_error_message(err));
		kc_error_destroy(err);
		return false;
	}
	f->count = list.count;
	if (list.count) {
		const struct kc_report *r = &list.reports[0];
		snprintf(f->title, sizeof(f->title), "%s", r->title);
		snprintf(f->kind, sizeof(f->kind), "%s", r->kind);
		snprintf(f->signature, sizeof(f->signature), "%s", r->signature);
		if (r->culprit_frame != KC_REPORT_NO_FRAME && r->frames[r->culprit_frame].function)
			snprintf(f->culprit, sizeof(f->culprit), "%s",
				 r->frames[r->culprit_frame].function);
		f->nr_frames = r->nr_frames;
		f->truncated = r->truncated;
	}
	kc_report_list_free(&list);
	return true;
}

struct line_buf {
	char *buf;
	size_t len;
	FILE *f;
};

/* TEXT with each line transformed by FN into a new malloc'd text. */
static char *each_line(const char *text, void (*fn)(struct line_buf *, const char *, size_t, size_t))
{
	struct line_buf sb = {0};
	sb.f = open_memstream(&sb.buf, &sb.len);
	size_t i = 0;
	for (const char *p = text; *p; i++) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		fn(&sb, p, n, i);
		p += n + (nl ? 1 : 0);
	}
	fclose(sb.f);
	return sb.buf;
}

/* Without "[ ts] ": a dmesg -t or a console without printk.time. */
static void no_timestamps(struct line_buf *sb, const char *l, size_t n, size_t i)
{
	(void)i;
	const char *e = memchr(l, ']', n);
	size_t skip = e ? (size_t)(e - l) + 2 : 0;
	if (skip > n)
		skip = n;
	fprintf(sb->f, "%.*s\n", (int)(n - skip), l + skip);
}

/* With CONFIG_PRINTK_CALLER's "[  T463]" after the timestamp. */
static void caller_ids(struct line_buf *sb, const char *l, size_t n, size_t i)
{
	(void)i;
	const char *e = memchr(l, ']', n);
	size_t at = e ? (size_t)(e - l) + 1 : 0;
	fprintf(sb->f, "%.*s[  T463]%.*s\n", (int)at, l, (int)(n - at), l + at);
}

/* CR LF endings, syslog levels and a serial console's noise before them. */
static void crlf_levels(struct line_buf *sb, const char *l, size_t n, size_t i)
{
	fprintf(sb->f, "%s<%zu>%.*s\r\n", i % 3 == 0 ? "\x1b[0m" : "", i % 8, (int)n, l);
}

/* journalctl -k: "Dec 07 05:00:00 host kernel: " before each line. */
static void journal(struct line_buf *sb, const char *l, size_t n, size_t i)
{
	(void)i;
	fprintf(sb->f, "Dec 07 05:00:%02zu guest kernel: %.*s\n", i % 60, (int)n, l);
}

/* Every other line, another CPU's unrelated message (both with caller ids). */
static void interleaved(struct line_buf *sb, const char *l, size_t n, size_t i)
{
	const char *e = memchr(l, ']', n);
	size_t at = e ? (size_t)(e - l) + 1 : 0;
	if (i % 2)
		fprintf(sb->f, "[   20.18%04zu][    C0] bridge0: port 1(veth0) entered forwarding state\n", i);
	if (i % 5 == 0)
		fprintf(sb->f, "[   20.18%04zu][ T1234]  unrelated_frame+0x10/0x20\n", i);
	fprintf(sb->f, "%.*s[  T463]%.*s\n", (int)at, l, (int)(n - at), l + at);
}

/* Other addresses and offsets, as another boot (KASLR) and build print them. */
static void kaslr(struct line_buf *sb, const char *l, size_t n, size_t i)
{
	(void)i;
	for (size_t k = 0; k < n; k++) {
		char c = l[k];
		/* hex digits after "0x" or in long runs change; names stay */
		if (k >= 2 && l[k - 1] == 'x' && l[k - 2] == '0' && c >= '0' && c <= '9')
			c = c == '9' ? '1' : (char)(c + 1);
		else if (c == 'f' && k + 1 < n && l[k + 1] == 'f' && k && l[k - 1] == ' ')
			c = 'e';
		fputc(c, sb->f);
	}
	fputc('\n', sb->f);
}

KC_TEST(report_null_deref_arm64)
{
	struct kc_report_list list;
	REQUIRE_OK(kc_report_parse(null_oops, sizeof(null_oops) - 1, &list));
	REQUIRE(list.count == 1);
	const struct kc_report *r = &list.reports[0];
	CHECK_STR(r->title, NULL_TITLE);
	CHECK_STR(r->kind, "null-deref");
	CHECK(!r->corrupted);
	CHECK(r->truncated);
	CHECK(r->has_esr && r->esr == 0x96000006);
	CHECK_STR(r->esr_info.access, "read");
	CHECK_STR(r->esr_info.fault, "translation fault");
	CHECK(r->esr_info.level == 2);
	CHECK(r->has_fault_address && r->fault_address == 0x28);
	CHECK(r->cpu == 1 && r->pid == 463);
	CHECK_STR(r->comm, "kc_trigger");
	CHECK_STR(r->pc, "kc_null_read+0x18/0x20 [kc_crashers]");
	CHECK_STR(r->lr, "kc_crash_write+0x2d8/0x42c [kc_crashers]");
	REQUIRE(r->culprit_frame != KC_REPORT_NO_FRAME);
	const struct kc_report_frame *c = &r->frames[r->culprit_frame];
	CHECK_STR(c->function, "kc_null_read");
	CHECK_STR(c->module, "kc_crashers");
	CHECK(c->has_offset && c->offset == 0x18 && c->size == 0x20);
	CHECK(strlen(r->signature) == 16);
	CHECK(r->signature_input && strstr(r->signature_input, "frame: kc_null_read [kc_crashers]"));
	/* The trace: pc, then 9 frames; el0_svc_common.constprop.0 named el0_svc_common. */
	CHECK_EQ_U64(r->nr_frames, 10);
	bool constprop = false;
	for (size_t i = 0; i < r->nr_frames; i++)
		if (r->frames[i].function && strcmp(r->frames[i].function, "el0_svc_common.constprop.0") == 0)
			constprop = strcmp(r->frames[i].name, "el0_svc_common") == 0;
	CHECK(constprop);
	kc_report_list_free(&list);
}

KC_TEST(report_same_report_other_prefixes)
{
	struct first base;
	REQUIRE(parse_first(null_oops, sizeof(null_oops) - 1, &base));
	CHECK_STR(base.title, NULL_TITLE);
	void (*variants[])(struct line_buf *, const char *, size_t, size_t) = {
		no_timestamps, caller_ids, crlf_levels, journal, interleaved, kaslr,
	};
	static const char *const names[] = {"no timestamps", "caller ids", "CRLF and <N>",
					    "journal", "interleaved CPUs", "KASLR"};
	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		char *text = each_line(null_oops, variants[v]);
		struct first got;
		REQUIRE(text && parse_first(text, strlen(text), &got));
		CHECK_MSG(strcmp(got.title, base.title) == 0, "%s: title %s", names[v], got.title);
		CHECK_MSG(strcmp(got.kind, base.kind) == 0, "%s: kind %s", names[v], got.kind);
		CHECK_MSG(strcmp(got.signature, base.signature) == 0, "%s: signature %s, not %s",
			  names[v], got.signature, base.signature);
		CHECK_MSG(strcmp(got.culprit, "kc_null_read") == 0, "%s: culprit %s", names[v],
			  got.culprit);
		free(text);
	}
}

KC_TEST(report_noise_and_truncation)
{
	/* Noise before and after: boot lines, user-space output, a reboot. */
	char *text = NULL;
	REQUIRE(asprintf(&text,
			 "[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]\n"
			 "Starting systemd-udevd... [  OK  ]\n"
			 "login: root\n%s"
			 "[   20.186349] Starting crashdump kernel...\n"
			 "[   20.186490] Bye!\n"
			 "[    0.000000] Booting Linux on physical CPU 0x0000000001 [0x411fd070]\n"
			 "[    0.000000] Linux version 6.1.0-57-arm64\n", null_oops) > 0);
	struct first got;
	REQUIRE(parse_first(text, strlen(text), &got));
	CHECK_STR(got.title, NULL_TITLE);
	CHECK(got.count == 1);
	free(text);
	/* Cut off after three frames: still the same title. */
	const char *cut = strstr(null_oops, "vfs_write");
	REQUIRE(cut);
	struct first trunc;
	REQUIRE(parse_first(null_oops, (size_t)(cut - null_oops), &trunc));
	CHECK_STR(trunc.title, NULL_TITLE);
	CHECK(trunc.truncated);
	/* Cut before the trace: the pc line still names it. */
	cut = strstr(null_oops, "lr : ");
	REQUIRE(parse_first(null_oops, (size_t)(cut - null_oops), &trunc));
	CHECK_STR(trunc.title, NULL_TITLE);
	/* Nothing but boot messages: no report, no error. */
	static const char quiet[] = "[    0.000000] Linux version 6.1.0\n[    1.0] Run /init\n";
	REQUIRE(parse_first(quiet, sizeof(quiet) - 1, &trunc));
	CHECK(trunc.count == 0);
	/* Empty and binary input. */
	REQUIRE(parse_first("", 0, &trunc));
	CHECK(trunc.count == 0);
	static const char binary[] = "\0\xff\x01BUG:\0\n\r\r\n\x80WARNING:";
	REQUIRE(parse_first(binary, sizeof(binary) - 1, &trunc));
}

/* An x86 KASAN report: "?" frames, <IRQ>, Allocated/Freed stacks kept apart. */
static const char kasan_x86[] =
	"[   34.680402] ==================================================================\n"
	"[   34.688750] BUG: KASAN: slab-use-after-free in ip6_send_skb+0x2f5/0x330\n"
	"[   34.696499] Read of size 8 at addr ffff88804fab1858 by task syz-executor0/30168\n"
	"[   34.707200] CPU: 0 PID: 30168 Comm: syz-executor0 Not tainted 6.8.0 #3\n"
	"[   34.727482] Call Trace:\n"
	"[   34.727483]  <TASK>\n"
	"[   34.730777]  dump_stack_lvl+0xef/0x160\n"
	"[   34.735025]  print_report+0x17/0x311\n"
	"[   34.751298]  ? __virt_addr_valid+0x5e/0x180\n"
	"[   34.765316]  kasan_report+0x10/0x16\n"
	"[   34.769649]  ip6_send_skb+0x2f5/0x330\n"
	"[   34.774755]  ip6_push_pending_frames+0xb8/0xe0\n"
	"[   34.779616]  rawv6_sendmsg.isra.0+0x2ede/0x4400\n"
	"[   34.784018]  inet_sendmsg+0x169/0x5c0\n"
	"[   34.788598]  __sys_sendto+0x660/0x810\n"
	"[   34.798734]  __x64_sys_sendto+0x45/0x60\n"
	"[   34.798735]  do_syscall_64+0x10b/0x144\n"
	"[   34.798736]  </TASK>\n"
	"[   35.052580] \n"
	"[   35.052580] Allocated by task 2351:\n"
	"[   35.057057]  kasan_save_stack+0x1b/0x6a\n"
	"[   35.067196]  __kmalloc+0x2f/0x5c\n"
	"[   35.072295]  ip6_setup_cork+0x161/0x1a4\n"
	"[   35.122430] \n"
	"[   35.122430] Freed by task 2351:\n"
	"[   35.126412]  kasan_save_stack+0x1b/0x6a\n"
	"[   35.141203]  kfree+0x1c5/0x274\n"
	"[   35.145180]  ip6_cork_release+0x8c/0x93\n"
	"[   35.484912] ==================================================================\n";

KC_TEST(report_kasan_x86_stacks)
{
	struct kc_report_list list;
	REQUIRE_OK(kc_report_parse(kasan_x86, sizeof(kasan_x86) - 1, &list));
	REQUIRE(list.count == 1);
	const struct kc_report *r = &list.reports[0];
	CHECK_STR(r->title, "KASAN: slab-use-after-free Read in ip6_send_skb");
	CHECK_STR(r->kind, "kasan");
	unsigned stacks = 0;
	bool unreliable = false, freed = false;
	for (size_t i = 0; i < r->nr_frames; i++) {
		const struct kc_report_frame *f = &r->frames[i];
		if (f->stack + 1 > stacks)
			stacks = f->stack + 1;
		if (f->unreliable)
			unreliable = f->name && strcmp(f->name, "__virt_addr_valid") == 0;
		if (f->name && strcmp(f->name, "ip6_cork_release") == 0)
			freed = f->stack == 2 && strstr(f->stack_label, "Freed by task 2351");
	}
	CHECK_EQ_U64(stacks, 3);
	CHECK(unreliable);
	CHECK(freed);
	REQUIRE(r->culprit_frame != KC_REPORT_NO_FRAME);
	CHECK_STR(r->frames[r->culprit_frame].name, "ip6_send_skb");
	CHECK(r->frames[r->culprit_frame].stack == 0);
	kc_report_list_free(&list);
}

KC_TEST(report_signatures_tell_bugs_apart)
{
	/* Another function faulting the same way: another signature. */
	char *other = strdup(null_oops);
	REQUIRE(other);
	for (char *p = other; (p = strstr(p, "kc_null_read")); p++)
		memcpy(p, "kc_null_rea2", 12);
	struct first a, b, c;
	REQUIRE(parse_first(null_oops, sizeof(null_oops) - 1, &a));
	REQUIRE(parse_first(other, strlen(other), &b));
	CHECK(strcmp(a.signature, b.signature) != 0);
	/* A KASAN report is another bug again. */
	REQUIRE(parse_first(kasan_x86, sizeof(kasan_x86) - 1, &c));
	CHECK(strcmp(a.signature, c.signature) != 0 && strcmp(b.signature, c.signature) != 0);
	free(other);
	/* The recipe: suffixes, offsets and modules' load addresses do not count. */
	static const char *const f1[] = {"foo.isra.0+0x10/0x20 [mod]", "bar.constprop.3"};
	static const char *const f2[] = {"foo.cold", "bar+0x1/0x2"};
	static const char *const f3[] = {"foo [mod]", "bar"};
	char s1[17], s2[17], s3[17];
	char *input = NULL;
	REQUIRE_OK(kc_report_signature("bug", "kernel BUG in foo", "foo", f1, 2, s1, &input));
	REQUIRE_OK(kc_report_signature("bug", "kernel BUG in foo", "foo.part.0", f2, 2, s2, NULL));
	REQUIRE_OK(kc_report_signature("bug", "kernel BUG in foo", "foo", f3, 2, s3, NULL));
	CHECK(strcmp(s1, s3) == 0);
	CHECK(strcmp(s1, s2) != 0); /* module or not is part of it */
	CHECK(input && strstr(input, KC_REPORT_SIGNATURE_VERSION) == input &&
	      strstr(input, "frame: foo [mod]\nframe: bar\n"));
	free(input);
}

KC_TEST(report_several_reports)
{
	char *text = NULL;
	REQUIRE(asprintf(&text,
			 "[   10.000000] ------------[ cut here ]------------\n"
			 "[   10.000001] WARNING: CPU: 0 PID: 1 at drivers/foo/bar.c:12 foo_probe+0x10/0x40\n"
			 "[   10.000002] pc : foo_probe+0x10/0x40\n"
			 "[   10.000003] Call trace:\n"
			 "[   10.000004]  foo_probe+0x10/0x40\n"
			 "[   10.000005]  really_probe+0x1c/0x80\n"
			 "[   10.000006] ---[ end trace 0000000000000000 ]---\n"
			 "[   11.000000] random: crng init done\n%s"
			 "[   20.190000] Kernel panic - not syncing: Oops: Fatal exception\n", null_oops) > 0);
	struct kc_report_list list;
	REQUIRE_OK(kc_report_parse(text, strlen(text), &list));
	REQUIRE(list.count == 2);
	CHECK_STR(list.reports[0].title, "WARNING in foo_probe");
	CHECK(!list.reports[0].truncated);
	CHECK_STR(list.reports[1].title, NULL_TITLE);
	/* The panic after the Oops is its, not a report of its own. */
	CHECK_STR(list.reports[1].panic, "Oops: Fatal exception");
	kc_report_list_free(&list);
	free(text);
}

/* Each kind the issue names, from its first lines. */
KC_TEST(report_kinds)
{
	static const struct {
		const char *text, *title, *kind;
	} cases[] = {
		{"kernel BUG at fs/ext4/inode.c:1234!\n"
		 "Internal error: Oops - BUG: 00000000f2000800 [#1] SMP\n"
		 "pc : ext4_write_begin+0x10/0x40\nCall trace:\n ext4_write_begin+0x10/0x40\n",
		 "kernel BUG in ext4_write_begin", "bug"},
		{"watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [kc_trigger:463]\n"
		 "pc : spin_here+0x8/0x10 [m]\nCall trace:\n spin_here+0x8/0x10 [m]\n"
		 " my_write+0x10/0x20 [m]\n vfs_write+0x1/0x2\n ksys_write+0x1/0x2\n",
		 "BUG: soft lockup in my_write", "soft-lockup"},
		{"INFO: task kworker/0:1:42 blocked for more than 120 seconds.\nCall trace:\n"
		 " __switch_to+0x1/0x2\n __schedule+0x1/0x2\n schedule+0x1/0x2\n"
		 " wait_for_completion+0x1/0x2\n my_flush+0x1/0x2\n",
		 "INFO: task hung in my_flush", "hung-task"},
		{"Out of memory and no killable processes...\n"
		 "Kernel panic - not syncing: System is deadlocked on memory\n",
		 "kernel panic: System is deadlocked on memory", "oom"},
		{"Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b\n",
		 "kernel panic: Attempted to kill init!", "init-killed"},
		{"Kernel panic - not syncing: Fatal exception in interrupt\n",
		 "kernel panic: Fatal exception", "fatal-exception"},
		{"sysrq: Trigger a crash\nKernel panic - not syncing: sysrq triggered crash\n",
		 "kernel panic: sysrq triggered crash", "sysrq"},
		{"BUG: scheduling while atomic: kc/1/0x00000002\nCall trace:\n schedule+0x1/0x2\n"
		 " my_sleep+0x1/0x2\n", "BUG: scheduling while atomic in my_sleep",
		 "scheduling-while-atomic"},
		{"BUG: sleeping function called from invalid context at kernel/sched/core.c:1\n"
		 "Call trace:\n dump_stack+0x1/0x2\n __might_resched+0x1/0x2\n my_fn+0x1/0x2\n",
		 "BUG: sleeping function called from invalid context in my_fn", "sleep-in-atomic"},
		{"list_add corruption. prev->next should be next (ffff), but was 0.\n"
		 "kernel BUG at lib/list_debug.c:30!\nCall trace:\n __list_add_valid+0x1/0x2\n"
		 " my_add+0x1/0x2\n", "BUG: corrupted list in my_add", "list-corruption"},
		{"refcount_t: underflow; use-after-free.\n"
		 "WARNING: CPU: 1 PID: 2 at lib/refcount.c:28 refcount_warn_saturate+0x1/0x2\n"
		 "pc : refcount_warn_saturate+0x1/0x2\nCall trace:\n refcount_warn_saturate+0x1/0x2\n"
		 " my_put+0x1/0x2\n", "WARNING: refcount bug in my_put", "refcount"},
		{"rcu: INFO: rcu_sched self-detected stall on CPU\npc : loop_fn+0x1/0x2\n"
		 "Call trace:\n loop_fn+0x1/0x2\n caller_fn+0x1/0x2\n invoke_syscall+0x1/0x2\n",
		 "INFO: rcu detected stall in caller_fn", "rcu-stall"},
		{"Internal error: Oops - Undefined instruction: 0000000002000000 [#1] SMP\n"
		 "pc : bad_fn+0x4/0x8\nCall trace:\n bad_fn+0x4/0x8\n",
		 "Internal error in bad_fn", "undefined-instruction"},
		{"Internal error: SP/PC alignment exception: 000000008a000000 [#1] SMP\n"
		 "pc : 0x1234567\nCall trace:\n 0x1234567\n caller+0x1/0x2\n",
		 "Internal error in caller", "sp-pc-alignment"},
		{"Unable to handle kernel paging request at virtual address ffff800008046001\n"
		 "  ESR = 0x0000000096000021\npc : unaligned+0x4/0x8\nCall trace:\n unaligned+0x4/0x8\n",
		 "BUG: unable to handle kernel paging request in unaligned", "alignment-fault"},
		{"SError Interrupt on CPU1, code 0x00000000bf000000 -- SError\n"
		 "pc : ser_fn+0x4/0x8\nCall trace:\n ser_fn+0x4/0x8\n",
		 "SError Interrupt in ser_fn", "serror"},
		{"Insufficient stack space to handle exception!\nKernel panic - not syncing: kernel stack overflow\n"
		 "Call trace:\n panic+0x1/0x2\n handle_bad_stack+0x1/0x2\n recurse+0x1/0x2\n"
		 " recurse+0x1/0x2\n my_write+0x1/0x2\n vfs_write+0x1/0x2\n",
		 "kernel stack overflow in my_write", "stack-overflow"},
		{"NMI watchdog: Watchdog detected hard LOCKUP on cpu 1\nRIP: 0010:spin_fn+0x1/0x2\n"
		 "Call Trace:\n spin_fn+0x1/0x2\n caller+0x1/0x2\n do_syscall_64+0x1/0x2\n",
		 "watchdog: hard LOCKUP in caller", "hard-lockup"},
		{"BUG: KFENCE: use-after-free read in test_uaf+0x10/0x20\n\n"
		 "Use-after-free read at 0xffff (in kfence-#1):\n test_uaf+0x10/0x20\n",
		 "KFENCE: use-after-free in test_uaf", "kfence"},
		{"UBSAN: array-index-out-of-bounds in fs/x.c:12:3\nindex 5 is out of range\n"
		 "Call Trace:\n dump_stack+0x1/0x2\n __ubsan_handle_out_of_bounds+0x1/0x2\n x_fn+0x1/0x2\n",
		 "UBSAN: array-index-out-of-bounds in x_fn", "ubsan"},
		{"general protection fault, probably for non-canonical address 0xdffffc0000000000: 0000 [#1]\n"
		 "RIP: 0010:gpf_fn+0x1/0x2\nCall Trace:\n gpf_fn+0x1/0x2\n",
		 "general protection fault in gpf_fn", "general-protection-fault"},
		{"BUG: unable to handle page fault for address: ffffffffff600000\n"
		 "RIP: 0010:pf_fn+0x1/0x2\nCall Trace:\n pf_fn+0x1/0x2\n",
		 "BUG: unable to handle kernel paging request in pf_fn", "paging-request"},
		{"bash invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE), order=0\n"
		 "Call trace:\n dump_backtrace+0x1/0x2\n dump_header+0x1/0x2\n oom_kill_process+0x1/0x2\n"
		 " out_of_memory+0x1/0x2\n __alloc_pages_slowpath.constprop.0+0x1/0x2\n"
		 " do_anonymous_page+0x1/0x2\n",
		 "out of memory in do_anonymous_page", "oom"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct first got;
		REQUIRE(parse_first(cases[i].text, strlen(cases[i].text), &got));
		CHECK_MSG(strcmp(got.title, cases[i].title) == 0 && strcmp(got.kind, cases[i].kind) == 0,
			  "case %zu: got \"%s\" (%s), expected \"%s\" (%s)", i, got.title, got.kind,
			  cases[i].title, cases[i].kind);
		bool listed = false;
		for (const char *const *k = kc_report_kinds(); *k; k++)
			listed |= strcmp(*k, got.kind) == 0;
		CHECK_MSG(listed, "kind %s not in kc_report_kinds()", got.kind);
	}
}

KC_TEST(report_esr_decoding)
{
	struct kc_report_esr e;
	kc_report_decode_esr(0x96000045, &e); /* a NULL write, level 1 */
	CHECK(e.ec == 0x25 && e.is_abort && e.is_data);
	CHECK_STR(e.access, "write");
	CHECK_STR(e.fault, "translation fault");
	CHECK(e.level == 1);
	kc_report_decode_esr(0x8600000f, &e); /* instruction abort, permission, level 3 */
	CHECK_STR(e.class_name, "IABT (current EL)");
	CHECK_STR(e.access, "exec");
	CHECK_STR(e.fault, "permission fault");
	CHECK(e.level == 3);
	kc_report_decode_esr(0x96000021, &e);
	CHECK_STR(e.fault, "alignment fault");
	CHECK(e.level == -1);
	kc_report_decode_esr(0xf2000800, &e); /* BUG() */
	CHECK_STR(e.class_name, "BRK64");
	CHECK(!e.is_abort && !e.access);
	kc_report_decode_esr(0x8a000000, &e);
	CHECK_STR(e.class_name, "PC Alignment");
	kc_report_decode_esr(0x02000000, &e);
	CHECK(e.ec == 0 && !e.is_abort);
}


/* ---- with a vmlinux: raw addresses named, source lines ---- */

KC_TEST(report_vmlinux_names_raw_addresses)
{
	const char *fixture = "arm64-6.1-4k48";
	const char *vmlinux = kc_test_fixture_vmlinux(fixture);
	const char *map = kc_test_fixture(fixture, "System.map");
	if (!vmlinux || !map)
		return;
	size_t len;
	char *text = kc_test_read_file(map, &len);
	REQUIRE(text);
	const char *line = strstr(text, " sysrq_handle_crash\n");
	REQUIRE(line);
	while (line > text && line[-1] != '\n')
		line--;
	unsigned long long addr = strtoull(line, NULL, 16);
	free(text);
	/* A kernel without kallsyms prints raw addresses; KASLR 0x1000000 here. */
	unsigned long long off = 0x1000000;
	char *log = NULL;
	REQUIRE(asprintf(&log,
			 "[   11.1] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000\n"
			 "[   11.2] pc : 0x%llx\n[   11.3] lr : 0x%llx\n[   11.4] Call trace:\n"
			 "[   11.5]  0x%llx\n[   11.6]  0x%llx\n"
			 "[   11.7] Kernel Offset: 0x%llx from 0xffff800008000000\n",
			 addr + off + 0x4, addr + off + 0x4, addr + off + 0x4, addr + off + 0x4,
			 off) > 0);
	struct kc_report_list list;
	REQUIRE_OK(kc_report_parse(log, strlen(log), &list));
	REQUIRE(list.count == 1);
	CHECK(list.reports[0].corrupted || strstr(list.reports[0].title, "sysrq") == NULL);
	struct kc_report_vmlinux *v;
	REQUIRE_OK(kc_report_vmlinux_open(vmlinux, &v));
	REQUIRE_OK(kc_report_symbolize(&list, v));
	kc_report_vmlinux_close(v);
	const struct kc_report *r = &list.reports[0];
	CHECK_STR(r->title, "BUG: unable to handle kernel NULL pointer dereference in sysrq_handle_crash");
	CHECK_MSG(r->culprit_file && strstr(r->culprit_file, "drivers/tty/sysrq.c") && r->culprit_line > 0,
		  "culprit %s:%d (%s)", r->culprit_file ? r->culprit_file : "(null)", r->culprit_line,
		  r->culprit_source_error ? r->culprit_source_error : "");
	kc_report_list_free(&list);
	free(log);
	/* Not a kernel image: an error, no crash. */
	struct kc_error *err = kc_report_vmlinux_open("/dev/null", &v);
	CHECK(err != NULL);
	kc_error_destroy(err);
}

/* Through a dump's session: the culprit's file:line from its symbols and DWARF. */
KC_TEST(report_session_lines)
{
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session)
		return;
	static const char log[] =
		"[   11.1] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000\n"
		"[   11.2] pc : sysrq_handle_crash+0x4/0x8\n[   11.3] Call trace:\n"
		"[   11.4]  sysrq_handle_crash+0x4/0x8\n[   11.5]  __handle_sysrq+0x84/0x190\n"
		"[   11.6]  mod_fn+0x4/0x8 [some_module]\n";
	struct kc_report_list list;
	REQUIRE_OK(kc_report_parse(log, sizeof(log) - 1, &list));
	REQUIRE(list.count == 1);
	REQUIRE_OK(kc_report_session_lines(session, &list));
	const struct kc_report *r = &list.reports[0];
	CHECK_STR(r->title, "BUG: unable to handle kernel NULL pointer dereference in sysrq_handle_crash");
	CHECK_MSG(r->culprit_file && strstr(r->culprit_file, "drivers/tty/sysrq.c") && r->culprit_line > 0,
		  "culprit %s:%d (%s)", r->culprit_file ? r->culprit_file : "(null)", r->culprit_line,
		  r->culprit_source_error ? r->culprit_source_error : "");
	kc_report_list_free(&list);
	/* A module's culprit: no line, and the reason says why. */
	static const char mod_log[] =
		"Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000\n"
		"pc : mod_fn+0x4/0x8 [some_module]\nCall trace:\n mod_fn+0x4/0x8 [some_module]\n";
	REQUIRE_OK(kc_report_parse(mod_log, sizeof(mod_log) - 1, &list));
	REQUIRE(list.count == 1);
	REQUIRE_OK(kc_report_session_lines(session, &list));
	CHECK(!list.reports[0].culprit_file && list.reports[0].culprit_source_error &&
	      strstr(list.reports[0].culprit_source_error, "some_module"));
	kc_report_list_free(&list);
	kc_session_destroy(session);
}

/* ---- kcrash --console, and the real crashes ---- */

KC_TEST(report_console_command)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/report-console-%d.log", kc_test_scratch_dir(), (int)getpid());
	FILE *f = fopen(path, "w");
	REQUIRE(f);
	fputs(null_oops, f);
	fclose(f);
	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrashf(&out, &err, "--console '%s'", path);
	CHECK_EQ_U64(rc, 0);
	CHECK_MSG(out && strstr(out, "TITLE: " NULL_TITLE) && strstr(out, "KIND: null-deref") &&
		  strstr(out, "CULPRIT: kc_null_read [kc_crashers]"), "%s", out ? out : "");
	free(out);
	free(err);
	rc = kc_test_run_kcrashf(&out, &err, "--console '%s' --json", path);
	CHECK_EQ_U64(rc, 0);
	CHECK_MSG(out && strstr(out, "\"schema\": \"kcrash-triage/3\"") &&
		  strstr(out, "\"title\": \"" NULL_TITLE "\"") && strstr(out, "\"errors\": [\""),
		  "%s", out ? out : "");
	free(out);
	free(err);
	rc = kc_test_run_kcrashf(&out, &err, "--console /nonexistent/log");
	CHECK_EQ_U64(rc, 2);
	free(out);
	free(err);
	unlink(path);
}

/* The fixture's kind (facts.txt) as kcrash names it. */
static const char *expected_kind(const char *fixture_kind)
{
	static const struct {
		const char *fixture, *kind;
	} map[] = {
		{"NULL_READ", "null-deref"}, {"NULL_WRITE", "null-deref"},
		{"IRQ_NULL", "null-deref"}, {"BAD_ADDR", "paging-request"},
		{"USER_ADDR", "paging-request"}, {"POISON", "paging-request"}, {"BUG", "bug"},
		{"WARNING", "warning"}, {"UNDEF", "undefined-instruction"},
		{"PC_ALIGN", "sp-pc-alignment"}, {"STACK_OVERFLOW", "stack-overflow"},
		{"STACK_CORRUPT", "stack-corruption"}, {"SOFTLOCKUP", "soft-lockup"},
		{"RCU_STALL", "rcu-stall"}, {"RCU_STALL_IRQSOFF", "rcu-stall"},
		{"HUNG_TASK", "hung-task"}, {"LIST_ADD", "list-corruption"},
		{"LIST_DEL", "list-corruption"}, {"REFCOUNT", "refcount"},
		{"SCHED_ATOMIC", "scheduling-while-atomic"}, {"PANIC", "panic"},
		{"KASAN_UAF", "kasan"}, {"KASAN_OOB", "kasan"}, {"KFENCE_UAF", "kfence"},
		{"KFENCE_UAF_MOD", "kfence"}, {"UBSAN_BOUNDS", "ubsan"}, {"ALIGN", "alignment-fault"},
		{"HARDLOCKUP", "hard-lockup"}, {"HARDLOCKUP_NMI", "hard-lockup"}, {"SERROR", "serror"},
		{"GPF", "general-protection-fault"}, {"SLEEP_ATOMIC", "sleep-in-atomic"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].fixture, fixture_kind) == 0)
			return map[i].kind;
	return NULL;
}

/* Kinds whose title names the faulting function itself (no stall rule). */
static bool title_names_culprit(const char *kind)
{
	static const char *const direct[] = {"null-deref", "paging-request", "bug", "warning",
					     "undefined-instruction", "sp-pc-alignment",
					     "hung-task", "stack-corruption", "kasan", "kfence",
					     "ubsan", "alignment-fault", "serror"};
	for (size_t i = 0; i < sizeof(direct) / sizeof(direct[0]); i++)
		if (strcmp(kind, direct[i]) == 0)
			return true;
	return false;
}

/* "kind|title|signature|culprit|names" of kcrash ARGS' JSON, via python3. */
static char *summary(const char *args, const char *function)
{
	char *out = NULL, *err = NULL;
	int rc = kc_test_run_kcrash(args, &out, &err);
	free(err);
	char path[4096];
	snprintf(path, sizeof(path), "%s/report-summary.json", kc_test_scratch_dir());
	FILE *f = rc == 0 && out ? fopen(path, "w") : NULL;
	if (f) {
		fputs(out, f);
		fclose(f);
	}
	free(out);
	if (!f)
		return NULL;
	char cmd[8192];
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=(d[\"reports\"] or [None])[0]; "
		 "names=[f[\"name\"] for f in (r[\"frames\"] if r else []) if f[\"stack\"]==0]; "
		 "skipped=[f[\"name\"] for f in (r[\"frames\"] if r else []) if f[\"skipped\"]]; "
		 "print(\"%%s|%%s|%%s|%%s|%%s|%%s\" %% (d[\"kind\"], d[\"title\"], d[\"signature\"], "
		 "(d[\"culprit\"] or {}).get(\"function\"), sys.argv[2] in names, sys.argv[2] in skipped), end=\"\")' "
		 "'%s/report-summary.json' '%s'",
		 kc_test_scratch_dir(), function ? function : "-");
	FILE *p = popen(cmd, "r");
	if (!p)
		return NULL;
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	pclose(p);
	return strdup(buf);
}

/* facts.txt's "kind:" and "culprit_function:" (empty when absent). */
static void read_facts(const char *path, char kind[64], char function[128])
{
	kind[0] = function[0] = '\0';
	char *text = kc_test_read_file(path, NULL);
	REQUIRE(text);
	const char *k = strstr(text, "kind: ");
	if (k)
		sscanf(k + 6, "%63s", kind);
	const char *c = strstr(text, "culprit_function: ");
	if (c)
		sscanf(c + 18, "%127s", function);
	free(text);
}

KC_TEST(report_real_arm64_crashes)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/fixtures/crashes", kc_test_source_dir());
	DIR *d = opendir(dir);
	if (!d) {
		kc_test_skip("%s: no crash fixtures", dir);
		return;
	}
	struct dirent *ent;
	size_t checked = 0, dumps_checked = 0, titles_checked = 0;
	char null_signatures[2][17] = {"", ""};
	/* The same NULL read in two boots (null-read, null-read-2: two KASLR offsets). */
	char null_read_signatures[2][17] = {"", ""};
	while ((ent = readdir(d))) {
		if (ent->d_name[0] == '.')
			continue;
		char facts[8192], console[8192], dump[8192];
		snprintf(facts, sizeof(facts), "%s/%s/facts.txt", dir, ent->d_name);
		snprintf(console, sizeof(console), "%s/%s/console.log", dir, ent->d_name);
		snprintf(dump, sizeof(dump), "%s/%s/vmcore.kdump-zlib", dir, ent->d_name);
		if (access(facts, R_OK) || access(console, R_OK))
			continue;
		/* Dumps are kept for a few kinds (the repository's size); every kind has its log. */
		bool has_dump = access(dump, R_OK) == 0;
		char kind[64], function[128];
		read_facts(facts, kind, function);
		const char *want = expected_kind(kind);
		char args[16384];
		snprintf(args, sizeof(args), "--console '%s' --json", console);
		char *from_console = summary(args, function[0] ? function : NULL);
		char *from_dump = NULL;
		if (has_dump) {
			snprintf(args, sizeof(args), "--triage --json --no-debuginfod '%s'", dump);
			from_dump = summary(args, function[0] ? function : NULL);
			dumps_checked++;
		} else if (from_console) {
			from_dump = strdup(from_console);
		}
		CHECK_MSG(from_dump && from_console, "%s: kcrash failed", ent->d_name);
		if (!from_dump || !from_console) {
			free(from_dump);
			free(from_console);
			continue;
		}
		checked++;
		char dk[64], dt[256], ds[32], dc[128], din[8], dsk[8];
		char ck[64], ct[256], cs[32], cc[128], cin[8], csk[8];
		sscanf(from_dump, "%63[^|]|%255[^|]|%31[^|]|%127[^|]|%7[^|]|%7s", dk, dt, ds, dc, din, dsk);
		sscanf(from_console, "%63[^|]|%255[^|]|%31[^|]|%127[^|]|%7[^|]|%7s", ck, ct, cs, cc, cin, csk);
		if (want)
			CHECK_MSG(strcmp(dk, want) == 0, "%s: dump kind %s, expected %s", ent->d_name, dk, want);
		/* The title worked out by hand from syzkaller's rules (README.md there). */
		char title_path[8192];
		snprintf(title_path, sizeof(title_path), "%s/%s/title.txt", dir, ent->d_name);
		char *expected_title = kc_test_read_file(title_path, NULL);
		CHECK_MSG(expected_title, "%s: no title.txt", ent->d_name);
		if (expected_title) {
			expected_title[strcspn(expected_title, "\n")] = '\0';
			CHECK_MSG(strcmp(dt, expected_title) == 0, "%s: title \"%s\", expected \"%s\"",
				  ent->d_name, dt, expected_title);
			titles_checked++;
			/* A report the capture kernel cut off (printed from NMI context) is in
			 * the console of a boot without one, where there is such a log. */
			char other[8192];
			snprintf(other, sizeof(other), "%s/%s/console-nokdump.log", dir, ent->d_name);
			if (access(other, R_OK) == 0) {
				snprintf(args, sizeof(args), "--console '%s' --json", other);
				char *from_other = summary(args, function[0] ? function : NULL);
				char ok[64], ot[256];
				CHECK_MSG(from_other && sscanf(from_other, "%63[^|]|%255[^|]", ok, ot) == 2 &&
					  strcmp(ot, expected_title) == 0 && (!want || strcmp(ok, want) == 0),
					  "%s: console-nokdump.log gives %s", ent->d_name,
					  from_other ? from_other : "nothing");
				free(from_other);
			}
		}
		free(expected_title);
		/* The console capture may stop before the report (the overflow's). */
		bool console_has_it = strcmp(ck, "None") != 0;
		if (console_has_it) {
			if (want)
				CHECK_MSG(strcmp(ck, want) == 0, "%s: console kind %s, expected %s",
					  ent->d_name, ck, want);
			CHECK_MSG(strcmp(dt, ct) == 0 && strcmp(ds, cs) == 0,
				  "%s: dump \"%s\" %s, console \"%s\" %s", ent->d_name, dt, ds, ct, cs);
		} else {
			fprintf(stderr, "    %s: the console capture has no report (the dump's log has: %s)\n",
				ent->d_name, dt);
		}
		if (function[0]) {
			/* In the guilty trace; named by the title unless the rules pass it over. */
			CHECK_MSG(strcmp(din, "True") == 0, "%s: %s not in the trace (%s)", ent->d_name,
				  function, from_dump);
			char named[256];
			snprintf(named, sizeof(named), " in %s", function);
			bool in_title = strstr(dt, named) && dt[strlen(dt) - strlen(named) - 0] == ' ';
			if (want && title_names_culprit(want))
				CHECK_MSG(strstr(dt, named) != NULL, "%s: title \"%s\" does not name %s",
					  ent->d_name, dt, function);
			else if (!strstr(dt, named))
				fprintf(stderr, "    %s: \"%s\" (culprit %s; %s %s by syzkaller's rules)\n",
					ent->d_name, dt, dc, function,
					strcmp(dsk, "True") == 0 ? "is a skipped frame" :
					"is not the frame the rules name");
			(void)in_title;
		}
		if (strcmp(kind, "NULL_READ") == 0)
			snprintf(null_signatures[0], 17, "%.16s", ds);
		if (has_dump && strcmp(ent->d_name, "null-read") == 0)
			snprintf(null_read_signatures[0], 17, "%.16s", ds);
		if (has_dump && strcmp(ent->d_name, "null-read-2") == 0)
			snprintf(null_read_signatures[1], 17, "%.16s", ds);
		if (strcmp(kind, "NULL_WRITE") == 0)
			snprintf(null_signatures[1], 17, "%.16s", ds);
		free(from_dump);
		free(from_console);
	}
	closedir(d);
	CHECK_MSG(checked >= 20 && dumps_checked >= 6, "%zu crashes, %zu dumps checked in %s",
		  checked, dumps_checked, dir);
	/* Two boots (two KASLR offsets), two different NULL dereferences: two signatures. */
	if (null_signatures[0][0] && null_signatures[1][0])
		CHECK(strcmp(null_signatures[0], null_signatures[1]) != 0);
	/* The same crash in two boots: one signature. */
	CHECK_MSG(null_read_signatures[0][0] &&
		  strcmp(null_read_signatures[0], null_read_signatures[1]) == 0,
		  "null-read %s, null-read-2 %s", null_read_signatures[0], null_read_signatures[1]);
	CHECK(titles_checked == checked);
	fprintf(stderr, "    %zu real crashes checked (%zu with their dump)\n", checked, dumps_checked);
}

/*
 * Real x86_64 crashes of Debian 6.1's amd64 kernel (tests/fixtures/crashes-x86/,
 * console logs only: bots read every architecture's logs): the title worked
 * out by hand (title.txt), the kind, the trigger function in the guilty trace.
 */
KC_TEST(report_real_x86_consoles)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/fixtures/crashes-x86", kc_test_source_dir());
	DIR *d = opendir(dir);
	REQUIRE_MSG(d, "%s: no x86 console logs", dir);
	struct dirent *ent;
	size_t checked = 0;
	while ((ent = readdir(d))) {
		char facts[8192], console[8192], title_path[8192];
		snprintf(facts, sizeof(facts), "%s/%s/facts.txt", dir, ent->d_name);
		snprintf(console, sizeof(console), "%s/%s/console.log", dir, ent->d_name);
		snprintf(title_path, sizeof(title_path), "%s/%s/title.txt", dir, ent->d_name);
		if (ent->d_name[0] == '.' || access(facts, R_OK) || access(console, R_OK))
			continue;
		char *title = kc_test_read_file(title_path, NULL);
		CHECK_MSG(title, "%s: no title.txt", ent->d_name);
		char kind[64], function[128];
		read_facts(facts, kind, function);
		char args[16384];
		snprintf(args, sizeof(args), "--console '%s' --json", console);
		char *got = summary(args, function[0] ? function : NULL);
		char gk[64] = "", gt[256] = "", gs[32], gc[128], gin[8] = "", gsk[8];
		CHECK_MSG(got && sscanf(got, "%63[^|]|%255[^|]|%31[^|]|%127[^|]|%7[^|]|%7s", gk, gt, gs,
					gc, gin, gsk) == 6,
			  "%s: kcrash --console gave %s", ent->d_name, got ? got : "nothing");
		if (title) {
			title[strcspn(title, "\n")] = '\0';
			CHECK_MSG(strcmp(gt, title) == 0, "%s: title \"%s\", expected \"%s\"", ent->d_name,
				  gt, title);
		}
		const char *want = expected_kind(kind);
		CHECK_MSG(want && strcmp(gk, want) == 0, "%s: kind %s, expected %s", ent->d_name, gk,
			  want ? want : "(none)");
		if (function[0])
			CHECK_MSG(strcmp(gin, "True") == 0, "%s: %s not in the trace", ent->d_name,
				  function);
		checked++;
		free(title);
		free(got);
	}
	closedir(d);
	CHECK_MSG(checked >= 8, "%zu x86 console logs checked", checked);
}
