/* SPDX-License-Identifier: MIT */
/*
 * What `sys` and `triage` report about the dumped system, each value read
 * from the dump (the kernel's own variables, VMCOREINFO, the dump header)
 * with the reason when it could not be.
 */
#ifndef KCRASH_SYSINFO_H
#define KCRASH_SYSINFO_H

#include <stdbool.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>

#define KC_SYSINFO_MAX_ERRORS 16

struct kc_sysinfo {
	unsigned cpus;
	bool has_crash_time;
	int64_t crash_time;          /* seconds since the epoch */
	const char *crash_time_source;
	bool has_uptime;
	uint64_t uptime_seconds;
	bool has_load;
	uint64_t load_fixed[3];      /* avenrun[], FSHIFT 11 fixed point */
	bool has_tasks;
	size_t tasks;
	/* struct new_utsname of init_uts_ns (else the kdump header's). */
	char sysname[65], nodename[65], release[65], version[65], machine[65];
	bool has_memory;
	uint64_t memory_bytes;       /* present pages of every node */
	bool has_panic;
	char panic[512];             /* the panic or oops line's message */
	char *errors[KC_SYSINFO_MAX_ERRORS];
	size_t nr_errors;
};

/* Collect what can be read; a part that fails leaves an error string. */
void kc_sysinfo_collect(struct kc_session *session, struct kc_sysinfo *info);
void kc_sysinfo_fini(struct kc_sysinfo *info);

/* "00:00:11", "2 days, 03:04:05" (crash's uptime format). */
void kc_sysinfo_format_uptime(uint64_t seconds, char *buf, size_t len);
/* "512 MB", "1.5 GB" (crash's memory size format). */
void kc_sysinfo_format_memory(uint64_t bytes, char *buf, size_t len);

#endif
