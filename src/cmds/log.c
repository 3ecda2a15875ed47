/* SPDX-License-Identifier: MIT */
/*
 * log: the kernel's printk buffer, as crash's log prints it (kernel.c
 * dump_variable_length_record_log, printk.c dump_lockless_record_log):
 * "[%5lu.%06lu] text", continuation lines indented under the text,
 * unprintable bytes as '.'.
 */
#include "command.h"

#include <string.h>

#include <kcrash/memory.h>
#include <kcrash/printk.h>
#include "logfmt.h"

/* crash: the caller column is as wide as pid_max's digits allow. */
static int caller_width(struct kc_session *session)
{
	uint64_t addr;
	uint8_t buf[4];
	struct kc_error *err = kc_kernel_symbol(session, "pid_max", &addr);
	if (!err)
		err = kc_kernel_read(session, addr, buf, sizeof(buf));
	if (err) {
		kc_error_destroy(err);
		return 8;
	}
	uint32_t pid_max = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 |
			   (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
	return pid_max <= 99999 ? 6 : pid_max <= 999999 ? 7 : 8;
}

static struct kc_error *parse_options(int argc, char **argv,
				      struct kc_printk_print_options *opts)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--json") == 0) {
			opts->json = true;
			continue;
		}
		if (arg[0] != '-' || !arg[1])
			return kc_usage_error(&kc_cmd_log);
		for (const char *c = arg + 1; *c; c++) {
			switch (*c) {
			case 't': opts->no_time = true; break;
			case 'T': opts->wall_time = true; break;
			case 'm': opts->level = true; break;
			case 'd': opts->dict = true; break;
			case 'c': opts->caller = true; break;
			case 'a':
			case 's':
				return kc_error_create(KC_ERR_UNSUPPORTED,
						       "-%c (audit log / per-CPU safe buffers) is not supported",
						       *c);
			default:
				return kc_usage_error(&kc_cmd_log);
			}
		}
	}
	if (opts->no_time && opts->wall_time)
		return kc_error_create(KC_ERR_INVALID_ARG, "-t and -T exclude each other");
	return NULL;
}

static struct kc_error *cmd_log(struct kc_session *session, int argc,
				char **argv, FILE *out)
{
	struct kc_printk_print_options opts = {0};
	struct kc_error *err = parse_options(argc, argv, &opts);
	if (err)
		return err;
	struct kc_printk_layout layout;
	err = kc_printk_layout_from_session(session, &layout);
	if (err)
		return err;
	/* Before v5.10 pr_cont() fragments could be separate records. */
	opts.join_cont = layout.format == KC_PRINTK_LOG_BUF;
	if (opts.caller)
		opts.caller_width = caller_width(session);
	if (opts.wall_time) {
		const char *source;
		err = kc_printk_boot_time(session, &opts.boot_seconds, &source);
		if (err)
			return kc_error_prefix(err, "-T");
	}
	struct kc_printk_printer printer;
	kc_printk_printer_init(&printer, out, &opts);
	err = kc_printk_session_walk(session, kc_printk_print_record, &printer, NULL);
	kc_printk_printer_finish(&printer);
	return err;
}

static const char *const log_aliases[] = {"dmesg", NULL};

const struct kc_command kc_cmd_log = {
	.name = "log",
	.aliases = log_aliases,
	.summary = "dump the kernel's printk buffer",
	.usage = "log [-tTmdc] [--json]",
	.help =
		"Prints the kernel message log, oldest first, as crash's log does:\n"
		"\"[seconds.microseconds] text\"; lines of a multi-line record are\n"
		"indented under the first. Reads the lockless ring buffer (v5.10+, prb)\n"
		"or the struct printk_log records of log_buf (v3.5 .. v5.9); for the\n"
		"latter, pr_cont() fragments are joined into one line as dmesg shows\n"
		"them. A record that cannot be read (bad length, text outside the\n"
		"buffer, descriptor in a bad state) is shown as\n"
		"\"[corrupt record at seq N: reason]\" and the walk goes on.\n"
		"  -t      no timestamps\n"
		"  -T      wall-clock timestamps: the kernel's boot time (its\n"
		"          timekeeper's offs_real - offs_boot, else the crash time\n"
		"          minus the newest record's timestamp) plus each record's\n"
		"          seconds, in local time\n"
		"  -m      the log level, \"<6>\", before each message\n"
		"  -d      dictionary lines (KEY=VALUE; SUBSYSTEM= and DEVICE= on v5.10+)\n"
		"  -c      the caller id, \"[  T552]\" (task) or \"[    C1]\" (CPU)\n"
		"  --json  one JSON array of {seq, ts_nsec, level, facility, caller, text}\n"
		"          (corrupt records as {seq, corrupt})",
	.needs_dump = true,
	.run = cmd_log,
};
