/* SPDX-License-Identifier: MIT */
/*
 * sys: crash's summary block, labels right-justified in 12 columns. This
 * version prints what the dump file alone says; values that need the
 * kernel's own data (UPTIME, TASKS, MEMORY, PANIC, ...) come with symbol
 * support and are left out rather than guessed.
 */
#include "command.h"

#include <string.h>
#include <time.h>

static void field(FILE *out, const char *label, const char *value)
{
	fprintf(out, "%12s: %s\n", label, value);
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static void print_date(FILE *out, int64_t seconds)
{
	time_t t = (time_t)seconds;
	struct tm tm;
	char buf[64];
	if (localtime_r(&t, &tm) &&
	    strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Z %Y", &tm))
		field(out, "DATE", buf);
}

static struct kc_error *cmd_sys(struct kc_session *session, int argc,
				char **argv, FILE *out)
{
	(void)argv;
	if (argc > 1)
		return kc_usage_error(&kc_cmd_sys);
	const struct kc_dump *dump = session->dump;
	const struct kc_vmcoreinfo *info = session->vmcoreinfo;
	char buf[256];

	field(out, "KERNEL", session->vmlinux_path ? session->vmlinux_path
						   : "(none given)");
	const char *qualifier = dump->incomplete ? "  [INCOMPLETE DUMP]" :
				dump->dump_level > 0 ? "  [PARTIAL DUMP]" : "";
	if (dump->nr_files > 1)
		snprintf(buf, sizeof(buf), "%s (+%u split files)%s", dump->path,
			 dump->nr_files - 1, qualifier);
	else
		snprintf(buf, sizeof(buf), "%s%s", dump->path, qualifier);
	field(out, "DUMPFILE", buf);

	uint32_t cpus = dump->header_nr_cpus ? dump->header_nr_cpus
					     : (uint32_t)dump->nr_prstatus;
	if (cpus) {
		snprintf(buf, sizeof(buf), "%u", cpus);
		field(out, "CPUS", buf);
	}
	uint64_t crashtime;
	struct kc_error *err = info ? kc_vmcoreinfo_u64(info, "CRASHTIME", &crashtime) : NULL;
	if (info && !err)
		print_date(out, (int64_t)crashtime);
	else if (dump->has_timestamp && dump->timestamp_sec > 0)
		print_date(out, dump->timestamp_sec);
	kc_error_destroy(err);

	if (nonempty(dump->utsname_nodename))
		field(out, "NODENAME", dump->utsname_nodename);
	const char *release = kc_session_release(session);
	if (release)
		field(out, "RELEASE", release);
	if (nonempty(dump->utsname_version))
		field(out, "VERSION", dump->utsname_version);
	/* QEMU writes machine "Unknown": the dump is arm64 whatever it says. */
	const char *machine = nonempty(dump->utsname_machine);
	if (!machine || strcmp(machine, "Unknown") == 0)
		machine = "aarch64";
	snprintf(buf, sizeof(buf), "%s  (unknown Mhz)", machine);
	field(out, "MACHINE", buf);
	snprintf(buf, sizeof(buf), "%u", dump->page_size);
	field(out, "PAGE SIZE", buf);
	snprintf(buf, sizeof(buf), "%s%s, %s", dump->format_name,
		 dump->flattened ? " (flattened)" : "", dump->compression);
	field(out, "DUMP FORMAT", buf);
	return NULL;
}

const struct kc_command kc_cmd_sys = {
	.name = "sys",
	.summary = "system summary",
	.usage = "sys",
	.help = "Prints crash's system summary block for the dump: KERNEL,\n"
		"DUMPFILE ([PARTIAL DUMP] when makedumpfile filtered pages,\n"
		"[INCOMPLETE DUMP] when it could not finish), CPUS, DATE (crash time,\n"
		"local time zone), NODENAME, RELEASE, VERSION, MACHINE, PAGE SIZE and\n"
		"DUMP FORMAT. Each value comes from the dump: VMCOREINFO (OSRELEASE,\n"
		"CRASHTIME), the kdump header (utsname, timestamp, nr_cpus) or the\n"
		"ELF notes (one NT_PRSTATUS per CPU). A value the dump does not hold\n"
		"is left out.\n",
	.needs_dump = true,
	.run = cmd_sys,
};
