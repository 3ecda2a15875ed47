/* SPDX-License-Identifier: MIT */
/*
 * sys: crash's summary block, labels right-justified in 12 columns, every
 * value read from the dump (src/sysinfo.c). Values the dump cannot give
 * are left out rather than guessed; with --json they are null and the
 * reasons are in "errors".
 */
#include "command.h"

#include <string.h>
#include <time.h>

#include "json.h"
#include <kcrash/sysinfo.h>

static void field(FILE *out, const char *label, const char *value)
{
	fprintf(out, "%12s: %s\n", label, value);
}

static void format_date(int64_t seconds, char *buf, size_t len)
{
	time_t t = (time_t)seconds;
	struct tm tm;
	if (!localtime_r(&t, &tm) ||
	    !strftime(buf, len, "%a %b %e %H:%M:%S %Z %Y", &tm))
		snprintf(buf, len, "%lld", (long long)seconds);
}

/* avenrun[] is fixed point with FSHIFT 11 (include/linux/sched/loadavg.h). */
static void format_load(const uint64_t load[3], char *buf, size_t len)
{
	char *p = buf;
	for (int i = 0; i < 3; i++) {
		uint64_t whole = load[i] >> 11, frac = ((load[i] & 2047) * 100) >> 11;
		p += snprintf(p, len - (size_t)(p - buf), "%s%llu.%02llu", i ? ", " : "",
			      (unsigned long long)whole, (unsigned long long)frac);
	}
}

static const char *dump_qualifier(const struct kc_dump *dump)
{
	return dump->incomplete ? "  [INCOMPLETE DUMP]" :
	       dump->dump_level > 0 ? "  [PARTIAL DUMP]" : "";
}

static const char *machine_of(const struct kc_sysinfo *info)
{
	/* QEMU writes machine "Unknown": the dump is arm64 whatever it says. */
	return info->machine[0] && strcmp(info->machine, "Unknown") != 0 ? info->machine
									   : "aarch64";
}

static void print_text(struct kc_session *session, const struct kc_sysinfo *info,
		       FILE *out)
{
	const struct kc_dump *dump = kc_session_dump(session);
	char buf[600];
	const char *vmlinux = kc_session_vmlinux_path(session);
	field(out, "KERNEL", vmlinux ? vmlinux : "(none given)");
	if (dump->nr_files > 1)
		snprintf(buf, sizeof(buf), "%s (+%u split files)%s", dump->path,
			 dump->nr_files - 1, dump_qualifier(dump));
	else
		snprintf(buf, sizeof(buf), "%s%s", dump->path, dump_qualifier(dump));
	field(out, "DUMPFILE", buf);
	if (info->cpus) {
		snprintf(buf, sizeof(buf), "%u", info->cpus);
		field(out, "CPUS", buf);
	}
	if (info->has_crash_time) {
		format_date(info->crash_time, buf, sizeof(buf));
		field(out, "DATE", buf);
	}
	if (info->has_uptime) {
		kc_sysinfo_format_uptime(info->uptime_seconds, buf, sizeof(buf));
		field(out, "UPTIME", buf);
	}
	if (info->has_load) {
		format_load(info->load_fixed, buf, sizeof(buf));
		field(out, "LOAD AVERAGE", buf);
	}
	if (info->has_tasks) {
		snprintf(buf, sizeof(buf), "%zu", info->tasks);
		field(out, "TASKS", buf);
	}
	if (info->nodename[0])
		field(out, "NODENAME", info->nodename);
	if (info->release[0])
		field(out, "RELEASE", info->release);
	if (info->version[0])
		field(out, "VERSION", info->version);
	snprintf(buf, sizeof(buf), "%s  (unknown Mhz)", machine_of(info));
	field(out, "MACHINE", buf);
	if (info->has_memory) {
		kc_sysinfo_format_memory(info->memory_bytes, buf, sizeof(buf));
		field(out, "MEMORY", buf);
	}
	if (info->has_panic) {
		snprintf(buf, sizeof(buf), "\"%s\"", info->panic);
		field(out, "PANIC", buf);
	}
	snprintf(buf, sizeof(buf), "%u", dump->page_size);
	field(out, "PAGE SIZE", buf);
	snprintf(buf, sizeof(buf), "%s%s, %s", dump->format_name,
		 dump->flattened ? " (flattened)" : "", dump->compression);
	field(out, "DUMP FORMAT", buf);
}

static void json_opt_string(FILE *out, const char *key, const char *value, bool comma)
{
	fprintf(out, "%s\"%s\": ", comma ? ", " : "", key);
	if (value && *value)
		kc_json_string(out, value);
	else
		fputs("null", out);
}

static void print_json(struct kc_session *session, const struct kc_sysinfo *info,
		       FILE *out)
{
	const struct kc_dump *dump = kc_session_dump(session);
	char buf[128];
	fputc('{', out);
	json_opt_string(out, "kernel", kc_session_vmlinux_path(session), false);
	json_opt_string(out, "kernel_source", kc_session_vmlinux_source(session), true);
	json_opt_string(out, "dumpfile", dump->path, true);
	fprintf(out, ", \"partial\": %s, \"incomplete\": %s", dump->dump_level > 0 ? "true" : "false",
		dump->incomplete ? "true" : "false");
	fprintf(out, ", \"cpus\": %u", info->cpus);
	if (info->has_crash_time) {
		format_date(info->crash_time, buf, sizeof(buf));
		fprintf(out, ", \"crash_time\": %lld", (long long)info->crash_time);
		json_opt_string(out, "date", buf, true);
	} else {
		fputs(", \"crash_time\": null, \"date\": null", out);
	}
	if (info->has_uptime)
		fprintf(out, ", \"uptime_seconds\": %llu", (unsigned long long)info->uptime_seconds);
	else
		fputs(", \"uptime_seconds\": null", out);
	if (info->has_load) {
		format_load(info->load_fixed, buf, sizeof(buf));
		json_opt_string(out, "load_average", buf, true);
	} else {
		fputs(", \"load_average\": null", out);
	}
	if (info->has_tasks)
		fprintf(out, ", \"tasks\": %zu", info->tasks);
	else
		fputs(", \"tasks\": null", out);
	json_opt_string(out, "nodename", info->nodename, true);
	json_opt_string(out, "release", info->release, true);
	json_opt_string(out, "version", info->version, true);
	json_opt_string(out, "machine", machine_of(info), true);
	if (info->has_memory)
		fprintf(out, ", \"memory_bytes\": %llu", (unsigned long long)info->memory_bytes);
	else
		fputs(", \"memory_bytes\": null", out);
	json_opt_string(out, "panic", info->has_panic ? info->panic : NULL, true);
	fprintf(out, ", \"page_size\": %u", dump->page_size);
	json_opt_string(out, "dump_format", dump->format_name, true);
	json_opt_string(out, "compression", dump->compression, true);
	fputs(", \"errors\": [", out);
	for (size_t i = 0; i < info->nr_errors; i++) {
		if (i)
			fputs(", ", out);
		kc_json_string(out, info->errors[i]);
	}
	fputs("]}\n", out);
}

static struct kc_error *cmd_sys(struct kc_session *session, int argc,
				char **argv, FILE *out)
{
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return kc_usage_error(&kc_cmd_sys);
	}
	struct kc_sysinfo info;
	kc_sysinfo_collect(session, &info);
	if (json)
		print_json(session, &info, out);
	else
		print_text(session, &info, out);
	kc_sysinfo_fini(&info);
	return NULL;
}

const struct kc_command kc_cmd_sys = {
	.name = "sys",
	.summary = "system summary",
	.usage = "sys [--json]",
	.help = "Prints crash's system summary block: KERNEL, DUMPFILE ([PARTIAL DUMP]\n"
		"when makedumpfile filtered pages, [INCOMPLETE DUMP] when it could not\n"
		"finish), CPUS, DATE (crash time, local time zone), UPTIME, LOAD\n"
		"AVERAGE, TASKS, NODENAME, RELEASE, VERSION, MACHINE, MEMORY, PANIC,\n"
		"then PAGE SIZE and DUMP FORMAT. Each value is read from the dump: the\n"
		"kernel's init_uts_ns, timekeeper (uptime), avenrun, node present pages\n"
		"and printk log (the panic or oops line), VMCOREINFO CRASHTIME or the\n"
		"dump header. A value the dump cannot give is left out. --json prints\n"
		"one JSON object with the same values (null when unknown) and an\n"
		"\"errors\" list saying why a value is missing.\n",
	.needs_dump = true,
	.run = cmd_sys,
};
