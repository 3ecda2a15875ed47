/* SPDX-License-Identifier: MIT */
#include "sysinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "printk.h"
#include "tasks.h"

static void add_error(struct kc_sysinfo *info, const char *what,
		      struct kc_error *err)
{
	if (info->nr_errors < KC_SYSINFO_MAX_ERRORS) {
		char *text = NULL;
		if (asprintf(&text, "%s: %s", what, kc_error_message(err)) >= 0)
			info->errors[info->nr_errors++] = text;
	}
	kc_error_destroy(err);
}

/* init_uts_ns.name: struct new_utsname, six 65-byte strings. */
static void read_utsname(struct kc_session *session, struct kc_sysinfo *info)
{
	uint64_t uts;
	struct kc_error *err = kc_kernel_symbol(session, "init_uts_ns", &uts);
	uint64_t name_offset = 0;
	if (!err && session->vmcoreinfo) {
		struct kc_error *off_err = kc_vmcoreinfo_offset(session->vmcoreinfo,
							       "uts_namespace.name",
							       &name_offset);
		if (off_err) {
			kc_error_destroy(off_err);
			const struct kc_kernel_member *m;
			off_err = kc_kernel_member(session, "struct uts_namespace", "name", &m);
			if (!off_err)
				name_offset = m->offset;
			kc_error_destroy(off_err);
		}
	}
	char name[6 * 65];
	if (!err)
		err = kc_kernel_read(session, uts + name_offset, name, sizeof(name));
	if (!err) {
		char *fields[] = {info->sysname, info->nodename, info->release,
				  info->version, info->machine};
		for (int i = 0; i < 5; i++) {
			memcpy(fields[i], name + 65 * i, 64);
			fields[i][64] = '\0';
		}
		return;
	}
	add_error(info, "init_uts_ns", err);
	const struct kc_dump *dump = session->dump;
	if (dump->utsname_nodename)
		snprintf(info->nodename, sizeof(info->nodename), "%s", dump->utsname_nodename);
	if (dump->utsname_version)
		snprintf(info->version, sizeof(info->version), "%s", dump->utsname_version);
	const char *release = kc_session_release(session);
	if (release)
		snprintf(info->release, sizeof(info->release), "%s", release);
	if (dump->utsname_machine && strcmp(dump->utsname_machine, "Unknown") != 0)
		snprintf(info->machine, sizeof(info->machine), "%s", dump->utsname_machine);
}

/*
 * Uptime from the timekeeper: CLOCK_MONOTONIC seconds (ktime_sec) plus the
 * time spent suspended (offs_boot), as CLOCK_BOOTTIME counts it
 * (kernel/time/timekeeping.c, v3.17+).
 */
static void read_uptime(struct kc_session *session, struct kc_sysinfo *info)
{
	/* tk_core is an anonymous struct before v6.x's struct tk_data. */
	struct kc_variable var;
	struct kc_member timekeeper;
	uint64_t tk_core, seconds, offs_boot = 0;
	struct kc_error *err = kc_kernel_variable(session, "tk_core", &var);
	if (!err)
		err = kc_type_member(&var.type, "timekeeper", &timekeeper);
	if (!err)
		err = kc_kernel_symbol(session, "tk_core", &tk_core);
	if (!err)
		err = kc_kernel_read_member(session, tk_core + timekeeper.offset,
					    "struct timekeeper", "ktime_sec", &seconds);
	if (!err) {
		struct kc_error *boot_err = kc_kernel_read_member(session,
			tk_core + timekeeper.offset, "struct timekeeper", "offs_boot", &offs_boot);
		if (boot_err)
			offs_boot = 0; /* before v4.18 there is no offs_boot; no suspend then */
		kc_error_destroy(boot_err);
		info->has_uptime = true;
		info->uptime_seconds = seconds + (uint64_t)((int64_t)offs_boot / 1000000000);
		return;
	}
	add_error(info, "uptime (tk_core.timekeeper)", err);
}

static void read_load(struct kc_session *session, struct kc_sysinfo *info)
{
	uint64_t avenrun;
	struct kc_error *err = kc_kernel_symbol(session, "avenrun", &avenrun);
	for (int i = 0; i < 3 && !err; i++)
		err = kc_kernel_read_u64(session, avenrun + 8u * (unsigned)i, &info->load_fixed[i]);
	if (err) {
		add_error(info, "load average (avenrun)", err);
		return;
	}
	info->has_load = true;
}

/* Present pages of every node: contig_page_data, or node_data[] on NUMA. */
static void read_memory(struct kc_session *session, struct kc_sysinfo *info)
{
	uint64_t pgdat, pages = 0, page_size = session->mmu ? session->mmu->layout.page_size.value : 0;
	struct kc_error *err = kc_kernel_symbol(session, "contig_page_data", &pgdat);
	if (!err) {
		err = kc_kernel_read_member(session, pgdat, "struct pglist_data",
					    "node_present_pages", &pages);
	} else {
		kc_error_destroy(err);
		uint64_t node_data;
		err = kc_kernel_symbol(session, "node_data", &node_data);
		for (unsigned node = 0; !err && node < 1024; node++) {
			uint64_t node_pgdat, present;
			err = kc_kernel_read_u64(session, node_data + 8u * node, &node_pgdat);
			if (err || !node_pgdat) {
				kc_error_destroy(err);
				err = NULL;
				if (!node_pgdat)
					break;
				continue;
			}
			err = kc_kernel_read_member(session, node_pgdat, "struct pglist_data",
						    "node_present_pages", &present);
			if (!err)
				pages += present;
		}
	}
	if (!err && (!pages || !page_size))
		err = kc_error_create(KC_ERR_FORMAT, "no present pages found");
	if (err) {
		add_error(info, "memory (node_present_pages)", err);
		return;
	}
	info->has_memory = true;
	info->memory_bytes = pages * page_size;
}

struct panic_search {
	char *panic;
	size_t len;
	bool found;
};

/* The last panic or oops line of the log, as crash's get_panicmsg looks for. */
static struct kc_error *find_panic(void *arg, const struct kc_printk_record *rec)
{
	static const char *const markers[] = {
		"Kernel panic - not syncing: ",
		"Internal error: ",
		"Unable to handle kernel ",
		"kernel BUG at ",
	};
	struct panic_search *search = arg;
	if (rec->corrupt || !rec->text)
		return NULL;
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		size_t mlen = strlen(markers[i]);
		if (rec->text_len < mlen || memcmp(rec->text, markers[i], mlen) != 0)
			continue;
		/* "Kernel panic" keeps only the message; the others the whole line. */
		const char *text = i == 0 ? rec->text + mlen : rec->text;
		size_t len = rec->text_len - (size_t)(text - rec->text);
		const char *nl = memchr(text, '\n', len);
		if (nl)
			len = (size_t)(nl - text);
		if (len >= search->len)
			len = search->len - 1;
		/* A panic message beats an earlier oops line; the latest panic wins. */
		if (i == 0 || !search->found) {
			memcpy(search->panic, text, len);
			search->panic[len] = '\0';
			search->found = true;
		}
		break;
	}
	return NULL;
}

void kc_sysinfo_collect(struct kc_session *session, struct kc_sysinfo *info)
{
	memset(info, 0, sizeof(*info));
	const struct kc_dump *dump = session->dump;
	info->cpus = dump->header_nr_cpus ? dump->header_nr_cpus : (unsigned)dump->nr_prstatus;
	uint64_t crashtime;
	struct kc_error *err = session->vmcoreinfo ?
		kc_vmcoreinfo_u64(session->vmcoreinfo, "CRASHTIME", &crashtime) :
		kc_error_create(KC_ERR_LOOKUP, "no VMCOREINFO");
	if (!err) {
		info->has_crash_time = true;
		info->crash_time = (int64_t)crashtime;
		info->crash_time_source = "VMCOREINFO CRASHTIME";
	} else if (dump->has_timestamp && dump->timestamp_sec > 0) {
		info->has_crash_time = true;
		info->crash_time = dump->timestamp_sec;
		info->crash_time_source = "dump header timestamp";
	}
	kc_error_destroy(err);
	read_utsname(session, info);
	if (!session->mmu)
		return; /* everything below reads kernel memory */
	read_uptime(session, info);
	read_load(session, info);
	read_memory(session, info);
	const struct kc_task_list *tasks;
	err = kc_tasks(session, &tasks);
	if (!err) {
		info->has_tasks = true;
		info->tasks = tasks->nr_tasks;
		if (tasks->nr_cpus)
			info->cpus = tasks->nr_cpus;
	} else {
		add_error(info, "tasks", err);
	}
	struct panic_search search = {info->panic, sizeof(info->panic), false};
	err = kc_printk_session_walk(session, find_panic, &search, NULL);
	if (err)
		add_error(info, "panic message (log)", err);
	info->has_panic = search.found;
}

void kc_sysinfo_fini(struct kc_sysinfo *info)
{
	for (size_t i = 0; i < info->nr_errors; i++)
		free(info->errors[i]);
	info->nr_errors = 0;
}

void kc_sysinfo_format_uptime(uint64_t seconds, char *buf, size_t len)
{
	uint64_t days = seconds / 86400;
	unsigned h = (unsigned)(seconds / 3600 % 24), m = (unsigned)(seconds / 60 % 60),
		 s = (unsigned)(seconds % 60);
	if (days)
		snprintf(buf, len, "%llu day%s, %02u:%02u:%02u", (unsigned long long)days,
			 days == 1 ? "" : "s", h, m, s);
	else
		snprintf(buf, len, "%02u:%02u:%02u", h, m, s);
}

void kc_sysinfo_format_memory(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {"KB", "MB", "GB", "TB"};
	double value = (double)bytes / 1024;
	size_t unit = 0;
	while (value >= 1024 && unit + 1 < sizeof(units) / sizeof(units[0])) {
		value /= 1024;
		unit++;
	}
	if (value == (double)(uint64_t)value)
		snprintf(buf, len, "%llu %s", (unsigned long long)value, units[unit]);
	else
		snprintf(buf, len, "%.1f %s", value, units[unit]);
}
