/* SPDX-License-Identifier: MIT */
#include "debuginfo.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elfutils/debuginfod.h>
#include <elfutils/libdwelf.h>
#include <gelf.h>
#include <libelf.h>

#include "dynload.h"

/* libdebuginfod, loaded when a dump's vmlinux is asked of a server (dynload.h). */
static struct {
	__typeof__(debuginfod_begin) *begin;
	__typeof__(debuginfod_end) *end;
	__typeof__(debuginfod_find_debuginfo) *find_debuginfo;
	__typeof__(debuginfod_get_url) *get_url;
	__typeof__(debuginfod_get_user_data) *get_user_data;
	__typeof__(debuginfod_set_user_data) *set_user_data;
	__typeof__(debuginfod_set_progressfn) *set_progressfn;
} libdebuginfod;

static struct kc_error *load_libdebuginfod(void)
{
	const struct kc_dynload_symbol symbols[] = {
		{"debuginfod_begin", (void **)&libdebuginfod.begin},
		{"debuginfod_end", (void **)&libdebuginfod.end},
		{"debuginfod_find_debuginfo", (void **)&libdebuginfod.find_debuginfo},
		{"debuginfod_get_url", (void **)&libdebuginfod.get_url},
		{"debuginfod_get_user_data", (void **)&libdebuginfod.get_user_data},
		{"debuginfod_set_user_data", (void **)&libdebuginfod.set_user_data},
		{"debuginfod_set_progressfn", (void **)&libdebuginfod.set_progressfn},
	};
	return kc_dynload("libdebuginfod.so.1", symbols, sizeof(symbols) / sizeof(symbols[0]));
}

struct kc_error *kc_debuginfo_examine(const char *path, char *hex,
				      bool *has_dwarf)
{
	hex[0] = '\0';
	*has_dwarf = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kc_error_os(errno, "%s", path);
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	GElf_Ehdr ehdr;
	struct kc_error *err = NULL;
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr)) {
		err = kc_error_create(KC_ERR_FORMAT, "%s: offset 0x0: not an ELF file", path);
	} else if (ehdr.e_type != ET_EXEC && ehdr.e_type != ET_DYN) {
		err = kc_error_create(KC_ERR_FORMAT,
				      "%s: offset 0x10: ELF type %u, expected an executable (a vmlinux)",
				      path, (unsigned)ehdr.e_type);
	} else {
		const void *id;
		ssize_t len = dwelf_elf_gnu_build_id(elf, &id);
		for (ssize_t i = 0; len > 0 && len <= 64 && i < len; i++)
			sprintf(hex + 2 * i, "%02x", ((const unsigned char *)id)[i]);
		/* A separate debug file's stripped sections are SHT_NOBITS. */
		size_t shstrndx;
		Elf_Scn *scn = NULL;
		if (elf_getshdrstrndx(elf, &shstrndx) == 0) {
			while (!*has_dwarf && (scn = elf_nextscn(elf, scn))) {
				GElf_Shdr shdr;
				const char *name = gelf_getshdr(scn, &shdr) ?
					elf_strptr(elf, shstrndx, shdr.sh_name) : NULL;
				*has_dwarf = name && shdr.sh_type != SHT_NOBITS &&
					     shdr.sh_size > 0 &&
					     (strcmp(name, ".debug_info") == 0 ||
					      strcmp(name, ".zdebug_info") == 0);
			}
		}
	}
	elf_end(elf);
	close(fd);
	return err;
}

struct seen_file {
	dev_t dev;
	ino_t ino;
};

struct search {
	const struct kc_debuginfo_request *req;
	struct kc_debuginfo_result *result;
	char build_id[129];  /* "" when the dump has none (or a corrupt one) */
	const char *release; /* NULL when the dump has none usable in a path */
	struct seen_file seen[64];
	size_t nr_seen;
	/* A match without DWARF, taken only if nothing better turns up. */
	char *fallback_path, *fallback_source, *fallback_summary;
	char *debuginfod_status; /* why debuginfod found nothing */
	bool progress_called;
	bool oom;
};

__attribute__((format(printf, 2, 3)))
static void note(struct search *s, const char *fmt, ...)
{
	char **grown = realloc(s->result->notes,
			       (s->result->nr_notes + 1) * sizeof(*grown));
	if (!grown) {
		s->oom = true;
		return;
	}
	s->result->notes = grown;
	va_list ap;
	va_start(ap, fmt);
	char *text;
	if (vasprintf(&text, fmt, ap) < 0)
		s->oom = true;
	else
		s->result->notes[s->result->nr_notes++] = text;
	va_end(ap);
}

static char *format(struct search *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static char *format(struct search *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text;
	if (vasprintf(&text, fmt, ap) < 0) {
		text = NULL;
		s->oom = true;
	}
	va_end(ap);
	return text;
}

/* Whether PATH was looked at already (a .build-id link to boot/vmlinux-R...). */
static bool seen_before(struct search *s, const struct stat *st)
{
	for (size_t i = 0; i < s->nr_seen; i++)
		if (s->seen[i].dev == st->st_dev && s->seen[i].ino == st->st_ino)
			return true;
	if (s->nr_seen < sizeof(s->seen) / sizeof(s->seen[0]))
		s->seen[s->nr_seen++] = (struct seen_file){st->st_dev, st->st_ino};
	return false;
}

/*
 * Look at the candidate PATH: take it (*TAKEN) when it is the dump's
 * kernel with DWARF, keep it as the fallback when it is without, note why
 * when it is not. SOURCE names where it was found ("--debug-dir D"), HOW
 * says so in the summary ("from --debug-dir D", "downloaded from URL").
 */
static void try_candidate(struct search *s, const char *path,
			  const char *source, const char *how, bool *taken)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			note(s, "skipped %s: %s", path, strerror(errno));
		return;
	}
	if (seen_before(s, &st))
		return;
	if (!S_ISREG(st.st_mode)) {
		note(s, "skipped %s: not a regular file", path);
		return;
	}
	char hex[129];
	bool has_dwarf;
	struct kc_error *err = kc_debuginfo_examine(path, hex, &has_dwarf);
	if (err) {
		note(s, "skipped %s", kc_error_message(err));
		kc_error_destroy(err);
		return;
	}
	const char *why;
	if (s->build_id[0]) {
		if (!hex[0]) {
			note(s, "skipped %s: it has no build id to compare with the dump's %s",
			     path, s->build_id);
			return;
		}
		if (strcmp(hex, s->build_id) != 0) {
			note(s, "skipped %s: build id %s, the dump's kernel has %s (VMCOREINFO BUILD-ID)",
			     path, hex, s->build_id);
			return;
		}
		why = "build id matches the dump";
	} else {
		if (!s->req->verify) {
			note(s, "skipped %s: the dump has no build id and nothing checks its banner",
			     path);
			return;
		}
		err = s->req->verify(s->req->verify_arg, path);
		if (err) {
			note(s, "skipped %s", kc_error_message(err));
			kc_error_destroy(err);
			return;
		}
		why = "linux_banner matches the dump";
	}
	if (!has_dwarf) {
		if (!s->fallback_path) {
			note(s, "%s matches the dump but has no DWARF (.debug_info); looking further",
			     path);
			s->fallback_path = format(s, "%s", path);
			s->fallback_source = format(s, "%s", source);
			s->fallback_summary = format(s, "%s (%s, no DWARF; %s)", path, why, how);
		}
		return;
	}
	s->result->path = format(s, "%s", path);
	s->result->source = format(s, "%s", source);
	s->result->summary = format(s, "%s (%s; %s)", path, why, how);
	*taken = true;
}

/* DIR laid out like /usr/lib/debug: by build id, then by release. */
static void try_debug_dir(struct search *s, const char *dir, const char *source,
			  bool *taken)
{
	char *how = format(s, "from %s", source);
	char *path = NULL;
	if (!how)
		return;
	if (s->build_id[0]) {
		path = format(s, "%s/.build-id/%.2s/%s.debug", dir, s->build_id,
			      s->build_id + 2);
		if (path)
			try_candidate(s, path, source, how, taken);
		free(path);
	}
	if (s->release && !*taken) {
		path = format(s, "%s/boot/vmlinux-%s", dir, s->release);
		if (path)
			try_candidate(s, path, source, how, taken);
		free(path);
	}
	if (s->release && !*taken) {
		path = format(s, "%s/lib/modules/%s/vmlinux", dir, s->release);
		if (path)
			try_candidate(s, path, source, how, taken);
		free(path);
	}
	free(how);
}

static int on_download_progress(debuginfod_client *client, long done, long total)
{
	struct search *s = libdebuginfod.get_user_data(client);
	s->progress_called = true;
	if (!s->req->progress)
		return 0;
	struct kc_debuginfo_progress progress = {
		.build_id = s->build_id,
		.servers = getenv(DEBUGINFOD_URLS_ENV_VAR),
		.url = libdebuginfod.get_url(client),
		.done = done,
		.total = total,
	};
	if (s->req->progress(s->req->progress_arg, &progress)) {
		s->result->cancelled = true;
		return 1;
	}
	return 0;
}

/*
 * libdebuginfod 0.188 (Debian 12) records a cancelled download like a 404:
 * an empty file in its cache, which makes every query for the next
 * cache_miss_s (600 s) fail without asking. A cancel is not an answer, so
 * that file goes; the cache is found as libdebuginfod finds it
 * (debuginfod-client.c make_cache_path, elfutils 0.188).
 */
static void forget_cancelled_download(struct search *s)
{
	const char *cache = getenv(DEBUGINFOD_CACHE_PATH_ENV_VAR);
	const char *home = getenv("HOME");
	const char *xdg = getenv("XDG_CACHE_HOME");
	char *dir = NULL;
	struct stat st;
	if (!home)
		home = "/";
	if (cache && *cache)
		dir = format(s, "%s", cache);
	else if ((dir = format(s, "%s/.debuginfod_client_cache", home)) &&
		 stat(dir, &st) != 0) {
		free(dir);
		dir = xdg && *xdg ? format(s, "%s/debuginfod_client", xdg)
				  : format(s, "%s/.cache/debuginfod_client", home);
	}
	char *path = dir ? format(s, "%s/%s/debuginfo", dir, s->build_id) : NULL;
	if (path && lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
		unlink(path);
	free(path);
	free(dir);
}

/* The dump's build id from the debuginfod servers in DEBUGINFOD_URLS. */
static void try_debuginfod(struct search *s, bool *taken)
{
	const char *urls = getenv(DEBUGINFOD_URLS_ENV_VAR);
	if (!s->build_id[0]) {
		s->debuginfod_status = format(s, "not asked: the dump has no build id");
		return;
	}
	if (s->req->no_debuginfod) {
		s->debuginfod_status = format(s, "not asked (--no-debuginfod)");
		return;
	}
	/* Unset means no network at all, as libdebuginfod itself treats it. */
	if (!urls || !*urls) {
		s->debuginfod_status = format(s, "not asked: DEBUGINFOD_URLS is not set");
		return;
	}
	struct kc_error *load_err = load_libdebuginfod();
	if (load_err) {
		note(s, "debuginfod: %s", kc_error_message(load_err));
		s->debuginfod_status = format(s, "%s", kc_error_message(load_err));
		kc_error_destroy(load_err);
		return;
	}
	debuginfod_client *client = libdebuginfod.begin();
	if (!client) {
		note(s, "debuginfod: its client could not be started");
		s->debuginfod_status = format(s, "its client could not be started");
		return;
	}
	libdebuginfod.set_user_data(client, s);
	libdebuginfod.set_progressfn(client, on_download_progress);
	char *path = NULL;
	int fd = libdebuginfod.find_debuginfo(client, (const unsigned char *)s->build_id,
					   0, &path);
	const char *last_url = libdebuginfod.get_url(client);
	char *url = format(s, "%s", last_url ? last_url : urls);
	libdebuginfod.end(client);
	if (fd < 0) {
		if (s->result->cancelled)
			forget_cancelled_download(s);
		if (s->result->cancelled)
			s->debuginfod_status = format(s, "the download from %s was cancelled",
						      url ? url : urls);
		else if (fd == -ENOENT) /* also what an unreachable server gives */
			s->debuginfod_status = format(s, "no vmlinux with build id %s from %s",
						      s->build_id, urls);
		else
			s->debuginfod_status = format(s, "%s: %s", url ? url : urls,
						      strerror(-fd));
		/* Without a fallback the none-found summary says it. */
		if (s->debuginfod_status && s->fallback_path)
			note(s, "debuginfod: %s", s->debuginfod_status);
		free(path);
		free(url);
		return;
	}
	close(fd);
	/* libdebuginfod reports no transfer when it answers from its cache. */
	bool downloaded = s->progress_called || last_url;
	char *source = downloaded ? format(s, "debuginfod %s", url ? url : urls)
				  : format(s, "debuginfod cache");
	char *how = downloaded ? format(s, "downloaded from %s", url ? url : urls)
			       : format(s, "from the debuginfod cache");
	if (path && source && how) {
		try_candidate(s, path, source, how, taken);
		s->result->downloaded = *taken && downloaded;
		if (!*taken && !s->debuginfod_status)
			s->debuginfod_status = format(s, "its file %s is not the dump's kernel", path);
	}
	free(source);
	free(how);
	free(path);
	free(url);
}

/* The dump's build id as lowercase hex, or "" when it is not one. */
static void take_build_id(struct search *s, const char *id)
{
	s->build_id[0] = '\0';
	if (!id || !*id)
		return;
	size_t len = strlen(id);
	bool hex = len >= 2 && len % 2 == 0 && len < sizeof(s->build_id);
	for (size_t i = 0; hex && i < len; i++)
		hex = isxdigit((unsigned char)id[i]);
	if (!hex) {
		note(s, "the dump's build id \"%.140s\" is not hexadecimal; not searching by it", id);
		return;
	}
	for (size_t i = 0; i <= len; i++)
		s->build_id[i] = (char)tolower((unsigned char)id[i]);
}

/* The release goes into paths: a corrupt one must not climb out of them. */
static const char *usable_release(struct search *s, const char *release)
{
	if (!release || !*release)
		return NULL;
	bool ok = strlen(release) <= 64 && strcmp(release, ".") != 0 &&
		  strcmp(release, "..") != 0;
	for (const char *p = release; ok && *p; p++)
		ok = isgraph((unsigned char)*p) && *p != '/';
	if (!ok) {
		note(s, "the dump's release \"%.80s\" cannot be part of a path; not searching by it",
		     release);
		return NULL;
	}
	return release;
}

/* "none found for build id X (release R) in A, B, C; debuginfod: ..." */
static char *none_found_summary(struct search *s, const char *root)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return NULL;
	if (!s->build_id[0] && !s->release) {
		fputs("the dump records no build id or release to look for", out);
	} else {
		if (s->build_id[0])
			fprintf(out, "none found for build id %s", s->build_id);
		else
			fputs("none found (the dump records no build id)", out);
		if (s->release)
			fprintf(out, " %srelease %s%s", s->build_id[0] ? "(" : "for ",
				s->release, s->build_id[0] ? ")" : "");
		fputs(" in ", out);
		for (size_t i = 0; i < s->req->nr_debug_dirs; i++)
			fprintf(out, "%s, ", s->req->debug_dirs[i]);
		fprintf(out, "%s/usr/lib/debug", root);
		if (s->release)
			fprintf(out, ", %s/boot, %s/lib/modules/%s/build", root, root,
				s->release);
		fprintf(out, "; debuginfod: %s",
			s->debuginfod_status ? s->debuginfod_status : "not asked");
	}
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

struct kc_error *kc_debuginfo_find(const struct kc_debuginfo_request *req,
				   struct kc_debuginfo_result *result)
{
	memset(result, 0, sizeof(*result));
	struct search s = {.req = req, .result = result};
	const char *root = req->system_root ? req->system_root : "";
	take_build_id(&s, req->build_id);
	s.release = usable_release(&s, req->release);
	bool taken = false;
	if (s.build_id[0] || s.release) {
		for (size_t i = 0; i < req->nr_debug_dirs && !taken; i++) {
			char *source = format(&s, "--debug-dir %s", req->debug_dirs[i]);
			if (source)
				try_debug_dir(&s, req->debug_dirs[i], source, &taken);
			free(source);
		}
		char *dir = format(&s, "%s/usr/lib/debug", root);
		if (dir && !taken)
			try_debug_dir(&s, dir, dir, &taken);
		free(dir);
		char *boot = format(&s, "%s/boot", root);
		char *build = s.release ? format(&s, "%s/lib/modules/%s/build", root, s.release)
					: NULL;
		char *how = boot ? format(&s, "from %s", boot) : NULL;
		char *path = s.release && boot ? format(&s, "%s/vmlinux-%s", boot, s.release)
					       : NULL;
		if (path && how && !taken)
			try_candidate(&s, path, boot, how, &taken);
		free(path);
		free(how);
		how = build ? format(&s, "from %s", build) : NULL;
		path = build ? format(&s, "%s/vmlinux", build) : NULL;
		if (path && how && !taken)
			try_candidate(&s, path, build, how, &taken);
		free(path);
		free(how);
		free(boot);
		free(build);
		if (!taken)
			try_debuginfod(&s, &taken);
	}
	if (!taken && s.fallback_path) {
		result->path = s.fallback_path;
		result->source = s.fallback_source;
		result->summary = s.fallback_summary;
		s.fallback_path = s.fallback_source = s.fallback_summary = NULL;
		taken = true;
	}
	if (!taken)
		result->summary = none_found_summary(&s, root);
	free(s.fallback_path);
	free(s.fallback_source);
	free(s.fallback_summary);
	free(s.debuginfod_status);
	if (s.oom || !result->summary || (taken && (!result->path || !result->source))) {
		kc_debuginfo_result_clear(result);
		return &kc_error_nomem;
	}
	return NULL;
}

void kc_debuginfo_result_clear(struct kc_debuginfo_result *result)
{
	free(result->path);
	free(result->source);
	free(result->summary);
	for (size_t i = 0; i < result->nr_notes; i++)
		free(result->notes[i]);
	free(result->notes);
	memset(result, 0, sizeof(*result));
}
