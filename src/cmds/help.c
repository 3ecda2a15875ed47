/* SPDX-License-Identifier: MIT */
#include "command.h"

#include <string.h>

#include <kcrash/datasyms.h>

static void print_indented(FILE *out, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		if (len)
			fprintf(out, "  %.*s\n", (int)len, text);
		else
			fputc('\n', out);
		text += len + (nl ? 1 : 0);
	}
}

static void print_command_help(const struct kc_command *cmd, FILE *out)
{
	fprintf(out, "NAME\n  %s - %s\n\nSYNOPSIS\n  %s\n", cmd->name,
		cmd->summary, cmd->usage);
	if (cmd->aliases && cmd->aliases[0]) {
		fprintf(out, "\nALIASES\n ");
		for (const char *const *alias = cmd->aliases; *alias; alias++)
			fprintf(out, " %s", *alias);
		fputc('\n', out);
	}
	if (cmd->help && *cmd->help) {
		fprintf(out, "\nDESCRIPTION\n");
		print_indented(out, cmd->help);
	}
}

/* help -D: what the dump file says about itself, then its VMCOREINFO. */
static struct kc_error *print_dump_header(struct kc_session *session, FILE *out)
{
	const struct kc_dump *dump = kc_session_dump(session);
	if (!dump)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "-D needs a dump file");
	fprintf(out, "dump file: %s\n", dump->path);
	fprintf(out, "format: %s%s\n", dump->format_name,
		dump->flattened ? " (flattened)" : "");
	fprintf(out, "compression: %s\n", dump->compression);
	fprintf(out, "files: %u\n", dump->nr_files);
	fprintf(out, "page size: %u\n", dump->page_size);
	fprintf(out, "incomplete: %s\n", dump->incomplete ? "yes" : "no");
	uint64_t total = 0;
	for (size_t i = 0; i < dump->nr_ranges; i++)
		total += dump->ranges[i].end - dump->ranges[i].start;
	fprintf(out, "memory ranges: %zu (%llu bytes)\n", dump->nr_ranges,
		(unsigned long long)total);
	for (size_t i = 0; i < dump->nr_ranges; i++)
		fprintf(out, "  %016llx - %016llx\n",
			(unsigned long long)dump->ranges[i].start,
			(unsigned long long)dump->ranges[i].end);
	fprintf(out, "cpu registers (NT_PRSTATUS): %zu\n", dump->nr_prstatus);
	for (size_t i = 0; i < dump->nr_prstatus; i++)
		fprintf(out, "  [%zu] pid %d pc %016llx sp %016llx\n", i,
			dump->prstatus[i].pid,
			(unsigned long long)dump->prstatus[i].pc,
			(unsigned long long)dump->prstatus[i].sp);
	if (dump->nr_fields) {
		fprintf(out, "\nheader:\n");
		for (size_t i = 0; i < dump->nr_fields; i++)
			fprintf(out, "  %s: %s\n", dump->fields[i].name,
				dump->fields[i].value);
	}
	for (size_t i = 0; i < dump->nr_warnings; i++)
		fprintf(out, "warning: %s\n", dump->warnings[i]);
	if (dump->vmcoreinfo) {
		fprintf(out, "\nVMCOREINFO:\n%s", dump->vmcoreinfo);
		if (dump->vmcoreinfo_size &&
		    dump->vmcoreinfo[dump->vmcoreinfo_size - 1] != '\n')
			fputc('\n', out);
	} else {
		fprintf(out, "\nVMCOREINFO: (none)\n");
	}
	return NULL;
}

/*
 * help -k: the kernel data symbols the commands need and where each
 * address comes from: the symbol table, VMCOREINFO, or found in the dump
 * (datasyms.h: the code that uses it, and the check it passed).
 */
static struct kc_error *print_data_symbols(struct kc_session *session, FILE *out)
{
	if (!kc_session_dump(session))
		return kc_error_create(KC_ERR_INVALID_ARG, "-k needs a dump file");
	const struct kc_vmcoreinfo *vmcoreinfo = kc_session_vmcoreinfo(session);
	fprintf(out, "%-20s %-16s %8s  %s\n", "SYMBOL", "ADDRESS", "SIZE", "SOURCE");
	for (size_t i = 0; i < kc_datasym_nr_names; i++) {
		const char *name = kc_datasym_names[i];
		uint64_t addr, sym_size;
		struct kc_error *err = kc_session_symtab_symbol(session, name, &addr, &sym_size);
		if (!err) {
			fprintf(out, "%-20s %016llx %8llu  %s\n", name,
				(unsigned long long)addr, (unsigned long long)sym_size,
				kc_session_symbols_from_vmlinux(session) ?
					"vmlinux symbol table" :
					kc_session_symbols_origin(session, NULL));
			continue;
		}
		kc_error_destroy(err);
		err = vmcoreinfo ? kc_vmcoreinfo_symbol(vmcoreinfo, name, &addr) :
			kc_error_create(KC_ERR_LOOKUP, "no VMCOREINFO");
		if (!err) {
			fprintf(out, "%-20s %016llx %8s  VMCOREINFO SYMBOL(%s)\n", name,
				(unsigned long long)addr, "-", name);
			continue;
		}
		kc_error_destroy(err);
		const struct kc_datasym *found;
		err = kc_datasym_find(session, name, &found);
		if (err == &kc_error_nomem)
			return err;
		if (err) {
			fprintf(out, "%-20s %-16s %8s  %s\n", name, "(not found)", "-",
				kc_error_message(err));
			kc_error_destroy(err);
			continue;
		}
		char size[24] = "-";
		if (found->size)
			snprintf(size, sizeof(size), "%llu", (unsigned long long)found->size);
		fprintf(out, "%-20s %016llx %8s  found in %.1f ms: %s\n", name,
			(unsigned long long)found->addr, size, found->seconds * 1e3,
			found->provenance);
	}
	return NULL;
}

static struct kc_error *cmd_help(struct kc_session *session, int argc,
				 char **argv, FILE *out)
{
	if (argc == 1) {
		for (size_t i = 0; i < kc_nr_commands; i++)
			fprintf(out, "%-10s %s\n", kc_commands[i]->name,
				kc_commands[i]->summary);
		fprintf(out, "\nFor help on a command: help COMMAND\n");
		return NULL;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-D") == 0 || strcmp(argv[i], "-n") == 0) {
			struct kc_error *err = print_dump_header(session, out);
			if (err)
				return err;
			continue;
		}
		if (strcmp(argv[i], "-k") == 0) {
			struct kc_error *err = print_data_symbols(session, out);
			if (err)
				return err;
			continue;
		}
		if (strcmp(argv[i], "-m") == 0) {
			char *mach_argv[] = {"mach", "-l", NULL};
			struct kc_error *err = kc_cmd_mach.run(session, 2, mach_argv, out);
			if (err)
				return err;
			continue;
		}
		const struct kc_command *cmd = kc_command_find(argv[i]);
		if (!cmd)
			return kc_error_create(KC_ERR_LOOKUP,
					       "no such command: %s", argv[i]);
		if (i > 1)
			fputc('\n', out);
		print_command_help(cmd, out);
	}
	return NULL;
}

const struct kc_command kc_cmd_help = {
	.name = "help",
	.summary = "list commands, describe one, or show the dump header",
	.usage = "help [COMMAND... | -D | -k | -m]",
	.help = "Without arguments, lists every command with a one-line summary.\n"
		"help COMMAND shows its synopsis and description.\n"
		"help -D (or -n) shows what the dump file says about itself: format,\n"
		"compression, page size, memory ranges, the CPU register notes, every\n"
		"header field the format has, warnings found while opening, and the\n"
		"VMCOREINFO text.\n"
		"help -m shows the kernel's address-space layout with where every value\n"
		"came from (the same as mach -l).\n"
		"help -k shows the kernel data symbols the commands use, with the address\n"
		"and where it came from: the vmlinux symbol table, VMCOREINFO, or, when\n"
		"neither has it (kallsyms of a kernel without CONFIG_KALLSYMS_ALL lists\n"
		"only functions), found in the dump: the kernel functions whose code\n"
		"addresses it, the check against the kernel's types it passed, and the\n"
		"kernel-independent search that agreed. A symbol that cannot be found\n"
		"says why; it is never guessed.\n",
	.run = cmd_help,
};
