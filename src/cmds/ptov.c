/* SPDX-License-Identifier: MIT */
/* ptov: the linear-map virtual address of physical addresses (crash's ptov). */
#include "command.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/arm64/mmu.h>

static struct kc_error *cmd_ptov(struct kc_session *session, int argc,
				 char **argv, FILE *out)
{
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_session_mmu(session, &mmu);
	if (err)
		return err;
	bool json = false;
	int nvalues = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			nvalues++;
	}
	if (nvalues < 1)
		return kc_usage_error(&kc_cmd_ptov);
	if (json) {
		/* Every address translated first: a whole document or only the error. */
		uint64_t *paddrs = calloc((size_t)nvalues * 2, sizeof(*paddrs));
		if (!paddrs)
			return &kc_error_nomem;
		uint64_t *vaddrs = paddrs + nvalues;
		int n = 0;
		for (int i = 1; !err && i < argc; i++) {
			if (!strcmp(argv[i], "--json"))
				continue;
			err = kc_parse_hex(argv[i], &paddrs[n]);
			if (!err)
				err = kc_arm64_ptov(mmu, paddrs[n], &vaddrs[n]);
			n++;
		}
		if (!err) {
			fputc('[', out);
			for (int i = 0; i < n; i++)
				fprintf(out, "%s\n  {\"vaddr\": \"0x%llx\", \"paddr\": \"0x%llx\"}",
					i ? "," : "", (unsigned long long)vaddrs[i],
					(unsigned long long)paddrs[i]);
			fputs("\n]\n", out);
		}
		free(paddrs);
		return err;
	}
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
	.usage = "ptov [--json] PADDR...",
	.help = "Prints the kernel linear-map virtual address of each physical\n"
		"address, by the kernel's __phys_to_virt formula for this release.\n"
		"  --json  an array of objects: vaddr, paddr\n",
	.needs_dump = true,
	.run = cmd_ptov,
};
