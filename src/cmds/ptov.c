/* SPDX-License-Identifier: MIT */
/* ptov: the linear-map virtual address of physical addresses (crash's ptov). */
#include "command.h"

#include <kcrash/arm64/mmu.h>

static struct kc_error *cmd_ptov(struct kc_session *session, int argc,
				 char **argv, FILE *out)
{
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err)
		return err;
	if (argc < 2)
		return kc_usage_error(&kc_cmd_ptov);
	fprintf(out, "%-16s  %s\n", "VIRTUAL", "PHYSICAL");
	for (int i = 1; i < argc; i++) {
		uint64_t paddr, vaddr;
		err = kc_parse_hex(argv[i], &paddr);
		if (!err)
			err = kc_arm64_ptov(mmu, paddr, &vaddr);
		if (err)
			return err;
		fprintf(out, "%-16llx  %llx\n", (unsigned long long)vaddr,
			(unsigned long long)paddr);
	}
	return NULL;
}

const struct kc_command kc_cmd_ptov = {
	.name = "ptov",
	.summary = "physical to (linear-map) virtual address",
	.usage = "ptov PADDR...",
	.help = "Prints the kernel linear-map virtual address of each physical\n"
		"address, by the kernel's __phys_to_virt formula for this release.\n",
	.needs_dump = true,
	.run = cmd_ptov,
};
