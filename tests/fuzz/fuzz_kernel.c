/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the kernel-list walkers (task list: init_task.tasks, thread groups,
 * per-CPU idle tasks; module list: modules, module_memory/core_layout,
 * kallsyms) over a real dump whose memory is overlaid by fuzz bytes.
 *
 * The session is a real fixture (arm64-6.1-4k48 kdump-zstd with its
 * vmlinux from KCRASH_FIXTURES or ../shared/fixtures, or
 * KCRASH_FUZZ_VMLINUX / KCRASH_FUZZ_DUMP), opened once. Every
 * physical read goes through an overlay: the first time an iteration
 * touches an 8-byte word, the next 8 input bytes are XORed into it (and
 * stay XORed for the rest of the iteration), so the empty input is the real
 * walk and each input byte corrupts one word the walk really reads: page
 * table entries, list pointers, pids, names, module sizes, printk ring
 * descriptors and text. ps, mod, log (and their --json forms), bt -a, sys
 * and triage --json then print what was found.
 */
#include <stdint.h>
#include <stdlib.h>

#include "command.h"
#include "datasyms.h"
#include "fuzz_common.h"
#include "modules.h"
#include "session.h"
#include "tasks.h"

#ifndef KC_FUZZ_FIXTURES
#define KC_FUZZ_FIXTURES "/work/shared/fixtures"
#endif

#define OVERLAY_SLOTS 8192 /* power of two; later words are left as they are */

struct overlay_slot {
	uint64_t word; /* paddr / 8 + 1; 0 is empty */
	uint64_t xor;
};

static struct {
	const uint8_t *data;
	size_t size;
	size_t used_slots;
	struct overlay_slot slots[OVERLAY_SLOTS];
} overlay;

static struct kc_session *session;
static const struct kc_dump_ops *real_ops;

static uint64_t overlay_xor(uint64_t word)
{
	size_t i = (size_t)(word * 0x9e3779b97f4a7c15ull >> 51) & (OVERLAY_SLOTS - 1);
	for (;; i = (i + 1) & (OVERLAY_SLOTS - 1)) {
		struct overlay_slot *slot = &overlay.slots[i];
		if (slot->word == word + 1)
			return slot->xor;
		if (slot->word == 0)
			break;
	}
	if (overlay.size == 0 || overlay.used_slots >= OVERLAY_SLOTS / 2)
		return 0;
	overlay.slots[i].word = word + 1;
	overlay.slots[i].xor = fuzz_take_u64(&overlay.data, &overlay.size);
	overlay.used_slots++;
	return overlay.slots[i].xor;
}

static struct kc_error *overlay_read(struct kc_dump *dump, uint64_t paddr,
				     void *buf, size_t len)
{
	struct kc_error *err = real_ops->read(dump, paddr, buf, len);
	if (err)
		return err;
	uint8_t *out = buf;
	/* One lookup per word: image scans read megabytes. */
	for (size_t i = 0; i < len;) {
		uint64_t xor = overlay_xor((paddr + i) / 8);
		do {
			out[i] ^= (uint8_t)(xor >> ((paddr + i) % 8 * 8));
			i++;
		} while (i < len && (paddr + i) % 8);
	}
	return NULL;
}

static enum kc_page_state overlay_page_state(struct kc_dump *dump,
					     uint64_t paddr)
{
	return real_ops->page_state(dump, paddr);
}

static void overlay_destroy(struct kc_dump *dump)
{
	real_ops->destroy(dump);
}

static const struct kc_dump_ops overlay_ops = {
	.read = overlay_read,
	.page_state = overlay_page_state,
	.destroy = overlay_destroy,
};

static void open_session(void)
{
	const char *fixtures = getenv("KCRASH_FIXTURES");
	if (!fixtures || !*fixtures)
		fixtures = KC_FUZZ_FIXTURES;
	static char vmlinux_path[4096], dump_path[4096];
	snprintf(vmlinux_path, sizeof(vmlinux_path), "%s/arm64-6.1-4k48/vmlinux", fixtures);
	snprintf(dump_path, sizeof(dump_path), "%s/arm64-6.1-4k48/vmcore.kdump-zstd", fixtures);
	const char *vmlinux = getenv("KCRASH_FUZZ_VMLINUX");
	const char *dump = getenv("KCRASH_FUZZ_DUMP");
	if (!vmlinux || !*vmlinux)
		vmlinux = vmlinux_path;
	if (!dump || !*dump)
		dump = dump_path;
	struct kc_session_options opts = {
		.vmlinux_path = vmlinux,
		.dump_paths = &dump,
		.nr_dump_paths = 1,
#ifdef KC_FUZZ_KALLSYMS_LIKE
		/* fuzz-datasyms: every data symbol is found in the overlaid memory. */
		.kallsyms_like_symbols = true,
#endif
	};
	struct kc_error *err = kc_session_open(&opts, &session);
	if (err) {
		fprintf(stderr, "fuzz-kernel: %s\n", kc_error_message(err));
		exit(1);
	}
	real_ops = session->dump->ops;
	session->dump->ops = &overlay_ops;
}

static void walk_tasks(void)
{
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err) {
		fuzz_drop_error(err);
		return;
	}
	for (size_t i = 0; i < list->nr_tasks; i++) {
		uint64_t pgd, pgd_paddr;
		fuzz_drop_error(kc_task_pgd(session, &list->tasks[i], &pgd,
					    &pgd_paddr));
	}
}

static void walk_modules(void)
{
	const struct kc_modules *modules;
	fuzz_drop_error(kc_modules_get(session, &modules));
}

/* The commands that print what the walks found, corrupt strings and all. */
static void run_commands(void)
{
	static FILE *devnull;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	static const char *const commands[] = {
		"ps", "ps --json", "mod", "mod --json", "log", "log --json", "bt -a", "sys",
		"triage --json",
	};
	for (size_t i = 0; devnull && i < sizeof(commands) / sizeof(commands[0]); i++)
		fuzz_drop_error(kc_session_run_line(session, commands[i], devnull));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!session)
		open_session();
	memset(overlay.slots, 0, sizeof(overlay.slots));
	overlay.used_slots = 0;
	overlay.data = data;
	overlay.size = size;
	/* Nothing read under another input's overlay may survive. */
	kc_arm64_mmu_flush_tlb(session->mmu);
	kc_tasks_destroy(session);
	kc_modules_destroy(session);
	kc_datasyms_destroy(session);

	walk_tasks();
	walk_modules();
	run_commands();

	kc_tasks_destroy(session);
	kc_modules_destroy(session);
	kc_datasyms_destroy(session);
	return 0;
}
