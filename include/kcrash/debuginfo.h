/* SPDX-License-Identifier: MIT */
/*
 * Finding the debug vmlinux of a dump's kernel when none was named: by the
 * build id VMCOREINFO records (BUILD-ID, v5.9+) and by the release, in
 * debug directories laid out like /usr/lib/debug, in the usual system
 * places, then from a debuginfod server (elfutils' libdebuginfod, which
 * keeps its own cache).
 *
 * Search order, the first match wins:
 *   each debug dir D (the request's, then /usr/lib/debug):
 *     D/.build-id/xx/rest.debug, D/boot/vmlinux-RELEASE,
 *     D/lib/modules/RELEASE/vmlinux
 *   /boot/vmlinux-RELEASE, /lib/modules/RELEASE/build/vmlinux
 *   debuginfod (by build id; only when DEBUGINFOD_URLS is set)
 *
 * Every candidate is checked before it is taken: its build id must equal
 * the dump's; when the dump records none, the caller's verify callback
 * decides (kcrash compares linux_banner with the dump's memory). A match
 * without DWARF (.debug_info) is kept only if nothing better turns up.
 * Nothing here prints: what was skipped and why comes back as notes.
 */
#ifndef KCRASH_DEBUGINFO_H
#define KCRASH_DEBUGINFO_H

#include <stdbool.h>
#include <stddef.h>

#include <kcrash/error.h>

/* One step of a download, for the front end's progress display. */
struct kc_debuginfo_progress {
	const char *build_id; /* hex */
	const char *servers;  /* DEBUGINFOD_URLS */
	const char *url;      /* what is being read, NULL until a server answers */
	long done;            /* bytes so far */
	long total;           /* bytes in all, 0 when not known yet */
};

struct kc_debuginfo_request {
	const char *build_id;  /* the dump's, lowercase hex; NULL when it has none */
	const char *release;   /* OSRELEASE ("6.1.0-26-arm64"), or NULL */
	const char *const *debug_dirs; /* searched first, in order */
	size_t nr_debug_dirs;
	bool no_debuginfod;
	/* Prefix for the system paths (/usr/lib/debug, /boot, /lib/modules); NULL = "". */
	const char *system_root;
	/*
	 * Used when the dump has no build id: NULL when the vmlinux at PATH is
	 * the dump's kernel, else why not (a message that names PATH).
	 * Without it such candidates are skipped as unverifiable.
	 */
	struct kc_error *(*verify)(void *arg, const char *path);
	void *verify_arg;
	/* Called while downloading; nonzero cancels the download. */
	int (*progress)(void *arg, const struct kc_debuginfo_progress *progress);
	void *progress_arg;
};

struct kc_debuginfo_result {
	char *path;    /* the vmlinux to use, or NULL when none was found */
	char *source;  /* where it came from: "--debug-dir DIR", "/boot",
			  "debuginfod http://...", "debuginfod cache" */
	/*
	 * One line for the front end: "PATH (build id matches the dump; from
	 * /usr/lib/debug)", or "none found for build id X (release R) in ...".
	 */
	char *summary;
	char **notes;  /* candidates skipped and why, in search order */
	size_t nr_notes;
	bool downloaded;  /* the file came over the network this time */
	bool cancelled;   /* a download was cancelled by the progress callback */
};

/*
 * Look for the vmlinux REQ describes. Errors only for out of memory; a
 * search that finds nothing fills RESULT with path NULL. Free RESULT's
 * contents with kc_debuginfo_result_clear.
 */
struct kc_error *kc_debuginfo_find(const struct kc_debuginfo_request *req,
				   struct kc_debuginfo_result *result);
void kc_debuginfo_result_clear(struct kc_debuginfo_result *result);

/*
 * The GNU build id of the ELF file at PATH as lowercase hex into HEX (at
 * least 129 bytes; "" when it has none), and whether it carries DWARF.
 * KC_ERR_OS when it cannot be opened, KC_ERR_FORMAT when it is not an ELF
 * executable.
 */
struct kc_error *kc_debuginfo_examine(const char *path, char *hex,
				      bool *has_dwarf);

#endif
