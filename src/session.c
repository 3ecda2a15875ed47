/* SPDX-License-Identifier: MIT */
#include "session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "datasyms.h"
#include "kallsyms.h"
#include "sysmap.h"
#include "kernel.h"
#include "modbtf.h"
#include "modules.h"
#include "tasks.h"
#include "vmcore/file.h"

/* "Linux version RELEASE ..." -> RELEASE, into BUF. */
static void banner_release(const char *banner, char *buf, size_t len)
{
	static const char prefix[] = "Linux version ";
	buf[0] = '\0';
	if (strncmp(banner, prefix, sizeof(prefix) - 1) != 0)
		return;
	const char *start = banner + sizeof(prefix) - 1;
	size_t n = strcspn(start, " ");
	if (n >= len)
		n = len - 1;
	memcpy(buf, start, n);
	buf[n] = '\0';
}

/*
 * The vmlinux must be the kernel that crashed: compare the build id
 * VMCOREINFO records (v5.9+), OSRELEASE with the vmlinux's own banner,
 * and the banner in the dump's memory (through MMU) with the vmlinux's,
 * byte for byte. BANNER_ONLY: no build id comparison, and a banner that
 * cannot be compared is a mismatch, not a pass.
 */
static struct kc_error *check_vmlinux(struct kc_session *session,
				      const struct kc_symtab *symtab,
				      const char *path,
				      struct kc_arm64_mmu *mmu, bool banner_only)
{
	bool need_banner = banner_only;
	if (!banner_only && session->vmcoreinfo && symtab->build_id_len) {
		const char *dump_id = kc_vmcoreinfo_get(session->vmcoreinfo, "BUILD-ID");
		char vmlinux_id[129];
		kc_symtab_build_id_hex(symtab, vmlinux_id);
		if (dump_id && strncmp(dump_id, vmlinux_id, strlen(dump_id)) != 0)
			return kc_error_create(KC_ERR_FORMAT,
					       "%s does not match the dump: build id %s, the dump's kernel has %s (VMCOREINFO BUILD-ID)",
					       path, vmlinux_id, dump_id);
	}
	const struct kc_symbol *sym = kc_symtab_lookup(symtab, "linux_banner");
	char file_banner[512];
	if (!sym || kc_symtab_read_string(symtab, sym->addr, file_banner,
					  sizeof(file_banner)))
		return need_banner ? kc_error_create(KC_ERR_FORMAT,
				"%s: no readable linux_banner to compare with the dump's", path)
				   : NULL; /* nothing more to compare with */
	char release[128];
	banner_release(file_banner, release, sizeof(release));
	const char *osrelease = session->vmcoreinfo ?
		kc_vmcoreinfo_get(session->vmcoreinfo, "OSRELEASE") : NULL;
	if (osrelease && release[0] && strcmp(osrelease, release) != 0)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s does not match the dump: it is Linux %s, the dump's kernel is %s (VMCOREINFO OSRELEASE)",
				       path, release, osrelease);
	if (!mmu || !mmu->layout.kaslr_offset.known)
		return need_banner ? kc_error_create(KC_ERR_UNSUPPORTED,
				"%s: the dump's linux_banner cannot be read (no KASLR offset)", path)
				   : NULL;
	char dump_banner[512];
	uint64_t addr = sym->addr + mmu->layout.kaslr_offset.value;
	struct kc_error *err = kc_arm64_read_kvirt(mmu, addr, dump_banner,
						   sizeof(dump_banner));
	if (err && need_banner)
		return kc_error_prefix(err, "%s: the dump's linux_banner at %llx", path,
				       (unsigned long long)addr);
	if (err) {
		kc_error_destroy(err); /* an unreadable banner proves nothing */
		return NULL;
	}
	dump_banner[sizeof(dump_banner) - 1] = '\0';
	if (strcmp(dump_banner, file_banner) != 0)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s does not match the dump: linux_banner differs (vmlinux: \"%.*s\", dump: \"%.*s\")",
				       path, (int)strcspn(file_banner, "\n"), file_banner,
				       (int)strcspn(dump_banner, "\n"), dump_banner);
	return NULL;
}

struct kc_error *kc_session_check_banner(struct kc_session *session,
					 const char *path)
{
	if (!session->dump)
		return kc_error_create(KC_ERR_INVALID_ARG, "%s: no dump to compare with", path);
	struct kc_symtab *symtab;
	struct kc_error *err = kc_symtab_load(path, &symtab);
	if (err)
		return err;
	/* The candidate's own symbols, as the session would use them. */
	struct kc_arm64_mmu *mmu = NULL;
	kc_error_destroy(kc_arm64_mmu_create(session->dump, session->vmcoreinfo,
					     symtab, &mmu));
	err = check_vmlinux(session, symtab, path, mmu, true);
	kc_arm64_mmu_destroy(mmu);
	kc_symtab_destroy(symtab);
	return err;
}

static struct kc_error *verify_by_banner(void *session, const char *path)
{
	return kc_session_check_banner(session, path);
}

static struct kc_error *add_open_warning(struct kc_session *session,
					 struct kc_error *err)
{
	char **grown = realloc(session->open_warnings,
			       (session->nr_open_warnings + 1) * sizeof(*grown));
	if (!grown) {
		kc_error_destroy(err);
		return &kc_error_nomem;
	}
	session->open_warnings = grown;
	session->open_warnings[session->nr_open_warnings] =
		strdup(kc_error_message(err));
	kc_error_destroy(err);
	if (!session->open_warnings[session->nr_open_warnings])
		return &kc_error_nomem;
	session->nr_open_warnings++;
	return NULL;
}

/*
 * No vmlinux was given: look for the dump's (debuginfo.h). Not finding
 * one, or one that will not load, is not an error: the dump opens alone.
 */
static struct kc_error *find_vmlinux(struct kc_session *session,
				     const struct kc_session_options *opts)
{
	session->vmlinux_search = calloc(1, sizeof(*session->vmlinux_search));
	if (!session->vmlinux_search)
		return &kc_error_nomem;
	struct kc_debuginfo_request req = {
		.build_id = session->vmcoreinfo ?
			kc_vmcoreinfo_get(session->vmcoreinfo, "BUILD-ID") : NULL,
		.release = kc_session_release(session),
		.debug_dirs = opts->debug_dirs,
		.nr_debug_dirs = opts->nr_debug_dirs,
		.no_debuginfod = opts->no_debuginfod,
		.verify = verify_by_banner,
		.verify_arg = session,
		.progress = opts->download_progress,
		.progress_arg = opts->download_progress_arg,
	};
	struct kc_error *err = kc_debuginfo_find(&req, session->vmlinux_search);
	if (err || !session->vmlinux_search->path)
		return err;
	err = kc_symtab_load(session->vmlinux_search->path, &session->symtab);
	if (err)
		return add_open_warning(session, kc_error_prefix(err,
			"the vmlinux found was not loaded, the dump opens alone"));
	session->vmlinux_path = strdup(session->vmlinux_search->path);
	session->vmlinux_source = strdup(session->vmlinux_search->source);
	if (!session->vmlinux_path || !session->vmlinux_source)
		return &kc_error_nomem;
	return NULL;
}

static struct kc_error *read_kernel_memory(void *mmu, uint64_t addr, void *buf,
					   size_t len)
{
	return kc_arm64_read_kvirt(mmu, addr, buf, len);
}

/*
 * How far past _stext the kernel image's .rodata, where kallsyms is, can
 * reach: arm64 kernels are well under it (Debian's 6.12 image is 40 MB).
 */
#define KALLSYMS_SCAN_BYTES (128ull << 20)

/*
 * Use SYMTAB (not a vmlinux's) as the session's symbols, and make the MMU
 * again with them, as it would have been made with a vmlinux.
 */
static struct kc_error *adopt_symbols(struct kc_session *session,
				      struct kc_symtab *symtab)
{
	struct kc_arm64_mmu *mmu;
	struct kc_error *err = kc_arm64_mmu_create(session->dump, session->vmcoreinfo,
						   symtab, &mmu);
	if (err) {
		kc_symtab_destroy(symtab);
		return kc_error_prefix(err, "virtual memory with the symbols");
	}
	kc_arm64_mmu_destroy(session->mmu);
	session->mmu = mmu;
	session->symtab = symtab;
	return NULL;
}

/* VMCOREINFO's run-time _stext, which every other symbol source must match. */
static struct kc_error *runtime_stext(const struct kc_session *session, uint64_t *stext)
{
	if (!session->vmcoreinfo)
		return kc_error_create(KC_ERR_LOOKUP, "the dump has no VMCOREINFO");
	return kc_vmcoreinfo_symbol(session->vmcoreinfo, "_stext", stext);
}

/* --symbols FILE: a System.map, or a /proc/kallsyms copy of the crashed boot. */
static struct kc_error *load_symbols_file(struct kc_session *session, const char *path)
{
	uint64_t stext = 0;
	kc_error_destroy(runtime_stext(session, &stext)); /* 0: unchecked */
	const struct kc_arm64_value *kaslr = session->mmu ?
		&session->mmu->layout.kaslr_offset : NULL;
	struct kc_symtab *symtab;
	struct kc_error *err = kc_sysmap_load(path, stext, kaslr && kaslr->known,
					      kaslr ? kaslr->value : 0, &symtab);
	return err ? err : adopt_symbols(session, symtab);
}

/*
 * No vmlinux: the symbols from the dump's own kallsyms tables, where
 * VMCOREINFO says they are or found by scanning the image from _stext,
 * checked against VMCOREINFO's SYMBOL(_stext). Kernels before v5.13
 * without it (unless backported) scan from the image's start
 * (KIMAGE_VADDR + the KASLR offset), and the tables' _stext must be in
 * the image.
 */
static struct kc_error *load_dump_kallsyms(struct kc_session *session,
					   const struct kc_session_options *opts)
{
	if (!session->mmu)
		return kc_error_create(session->mmu_error ? session->mmu_error->code
							  : KC_ERR_UNSUPPORTED,
				       "kallsyms in the dump cannot be read: %s",
				       session->mmu_error ? kc_error_message(session->mmu_error)
							  : "no virtual memory");
	const struct kc_arm64_layout *layout = &session->mmu->layout;
	if (!layout->kaslr_offset.known)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "kallsyms in the dump: the KASLR offset is unknown (%s)",
				       layout->kaslr_offset.source);
	struct kc_kallsyms_expect expect = {0};
	struct kc_error *err = opts->ignore_vmcoreinfo_stext ?
		kc_error_create(KC_ERR_LOOKUP, "ignored") : runtime_stext(session, &expect.stext);
	if (err && err->code == KC_ERR_LOOKUP && layout->kimage_vaddr.known) {
		kc_error_destroy(err);
		err = NULL;
		expect.image_start = layout->kimage_vaddr.value;
		expect.image_end = expect.image_start + KALLSYMS_SCAN_BYTES;
	}
	if (err)
		return kc_error_prefix(err, "kallsyms in the dump: no run-time _stext or kernel image start to check it against");
	uint64_t scan_start = expect.stext ? expect.stext : expect.image_start;
	struct kc_kallsyms_location loc;
	err = opts->scan_dump_kallsyms || !session->vmcoreinfo ?
		kc_error_create(KC_ERR_LOOKUP, "not asked") :
		kc_kallsyms_locate_vmcoreinfo(session->vmcoreinfo, &loc);
	if (err && err->code == KC_ERR_LOOKUP) {
		kc_error_destroy(err);
		uint64_t scan_end = scan_start + KALLSYMS_SCAN_BYTES;
		/* kallsyms is in .rodata: map_kernel() (arch/arm64/mm/mmu.c,
		 * v4.9+) maps .text executable and .rodata not, and reading
		 * the text through a compressed dump's codec would be most
		 * of the scan's time. */
		scan_start = kc_arm64_first_non_executable(session->mmu, scan_start, scan_end);
		err = kc_kallsyms_locate_scan(read_kernel_memory, session->mmu, scan_start,
					      scan_end, &loc);
	}
	struct kc_symtab *symtab = NULL;
	if (!err)
		err = kc_kallsyms_decode(read_kernel_memory, session->mmu, &loc, &expect,
					 layout->kaslr_offset.value, &symtab);
	if (!err && opts->kallsyms_like_symbols)
		err = kc_symtab_keep_kallsyms_like(symtab);
	if (err) {
		kc_symtab_destroy(symtab);
		return err;
	}
	return adopt_symbols(session, symtab);
}

struct kc_error *kc_session_open(const struct kc_session_options *opts,
				 struct kc_session **ret)
{
	struct kc_session *session = calloc(1, sizeof(*session));
	if (!session)
		return &kc_error_nomem;
	struct kc_error *err = NULL;
	session->types_preference = opts->types_preference;
	session->verify_data_symbols = opts->verify_data_symbols;
	if (opts->btf_path && !(session->btf_path = strdup(opts->btf_path))) {
		err = &kc_error_nomem;
		goto fail;
	}
	if (opts->vmlinux_path) {
		session->vmlinux_path = strdup(opts->vmlinux_path);
		session->vmlinux_source = strdup("command line");
		if (!session->vmlinux_path || !session->vmlinux_source) {
			err = &kc_error_nomem;
			goto fail;
		}
		err = kc_symtab_load(opts->vmlinux_path, &session->symtab);
		if (!err && opts->kallsyms_like_symbols)
			err = kc_symtab_keep_kallsyms_like(session->symtab);
		if (err)
			goto fail;
	}
	if (opts->nr_dump_paths) {
		struct kc_dump_options dump_opts = {
			.cache_bytes = opts->cache_bytes,
		};
		err = kc_dump_open_files(opts->dump_paths, opts->nr_dump_paths,
					 &dump_opts, &session->dump);
		if (err)
			goto fail;
		if (session->dump->vmcoreinfo) {
			err = kc_vmcoreinfo_parse(session->dump->vmcoreinfo,
						  session->dump->vmcoreinfo_size,
						  &session->vmcoreinfo);
			if (err)
				goto fail;
		}
		if (!opts->vmlinux_path && opts->find_vmlinux) {
			err = find_vmlinux(session, opts);
			if (err)
				goto fail;
		}
		/* Not fatal: physical reads and the dump's own data still work. */
		session->mmu_error = kc_arm64_mmu_create(session->dump,
							 session->vmcoreinfo,
							 session->symtab,
							 &session->mmu);
		if (!session->symtab && opts->symbols_path) {
			err = load_symbols_file(session, opts->symbols_path);
			if (err)
				goto fail;
		} else if (opts->symbols_path) {
			err = add_open_warning(session, kc_error_create(KC_ERR_INVALID_ARG,
				"--symbols %s not used: the vmlinux's symbol table is", opts->symbols_path));
			if (err)
				goto fail;
		}
		if (!session->symtab && session->mmu && !opts->no_dump_kallsyms)
			session->symbols_error = load_dump_kallsyms(session, opts);
		if (session->vmlinux_path) {
			err = check_vmlinux(session, session->symtab,
					    session->vmlinux_path, session->mmu, false);
			if (err && opts->force)
				err = add_open_warning(session,
						       kc_error_prefix(err, "--force"));
			else if (err) {
				struct kc_error *hint = kc_error_create(err->code,
					"%s (use --force to open anyway)", kc_error_message(err));
				kc_error_destroy(err);
				err = hint;
			}
			if (err)
				goto fail;
		}
	}
	*ret = session;
	return NULL;

fail:
	kc_session_destroy(session);
	return err;
}

void kc_session_destroy(struct kc_session *session)
{
	if (!session)
		return;
	kc_modules_destroy(session);
	kc_module_btfs_destroy(session);
	kc_tasks_destroy(session);
	kc_datasyms_destroy(session);
	kc_kernel_state_destroy(session);
	kc_arm64_mmu_destroy(session->mmu);
	kc_error_destroy(session->mmu_error);
	kc_symtab_destroy(session->symtab);
	kc_error_destroy(session->symbols_error);
	for (size_t i = 0; i < session->nr_open_warnings; i++)
		free(session->open_warnings[i]);
	free(session->open_warnings);
	kc_vmcoreinfo_destroy(session->vmcoreinfo);
	kc_dump_close(session->dump);
	free(session->vmlinux_path);
	free(session->btf_path);
	free(session->vmlinux_source);
	if (session->vmlinux_search)
		kc_debuginfo_result_clear(session->vmlinux_search);
	free(session->vmlinux_search);
	free(session);
}

struct kc_error *kc_session_mmu(struct kc_session *session,
				struct kc_arm64_mmu **mmu)
{
	if (session->mmu) {
		*mmu = session->mmu;
		return NULL;
	}
	if (session->mmu_error)
		return kc_error_create(session->mmu_error->code, "%s",
				       kc_error_message(session->mmu_error));
	return kc_error_create(KC_ERR_UNSUPPORTED,
			       "virtual addresses need a dump file");
}

struct kc_error *kc_session_symbol(struct kc_session *session, const char *name,
				   uint64_t *addr)
{
	const struct kc_symbol *sym = session->symtab ?
		kc_symtab_lookup(session->symtab, name) : NULL;
	if (sym && session->mmu && session->mmu->layout.kaslr_offset.known) {
		*addr = sym->addr + session->mmu->layout.kaslr_offset.value;
		return NULL;
	}
	if (session->vmcoreinfo) {
		struct kc_error *err = kc_vmcoreinfo_symbol(session->vmcoreinfo,
							    name, addr);
		if (!err)
			return NULL;
		kc_error_destroy(err);
	}
	if (sym && !session->mmu)
		return kc_error_create(KC_ERR_LOOKUP,
				       "symbol %s: the KASLR offset is unknown", name);
	if (!sym && kc_datasym_known(name)) {
		const struct kc_datasym *found;
		struct kc_error *err = kc_datasym_find(session, name, &found);
		if (!err)
			*addr = found->addr;
		return err;
	}
	return kc_error_create(KC_ERR_LOOKUP, "symbol not found: %s", name);
}

const char *kc_session_release(const struct kc_session *session)
{
	const char *release = NULL;
	if (session->vmcoreinfo)
		release = kc_vmcoreinfo_get(session->vmcoreinfo, "OSRELEASE");
	if ((!release || !*release) && session->dump &&
	    session->dump->utsname_release && *session->dump->utsname_release)
		release = session->dump->utsname_release;
	return release;
}

struct kc_error *kc_classify_file(const char *path, enum kc_file_kind *kind)
{
	struct kc_file *file;
	struct kc_error *err = kc_file_open(path, &file);
	if (err)
		return err;
	uint8_t head[64] = {0};
	size_t len = file->size < sizeof(head) ? (size_t)file->size : sizeof(head);
	err = kc_file_read(file, 0, head, len, "file header");
	kc_file_close(file);
	if (err)
		return err;
	*kind = KC_FILE_UNKNOWN;
	if (kc_kdump_probe(head, len)) {
		*kind = KC_FILE_DUMP;
	} else if (len >= 18 && memcmp(head, "\177ELF", 4) == 0) {
		uint16_t e_type = kc_get_le16(head + 16);
		if (e_type == 4 /* ET_CORE */)
			*kind = KC_FILE_DUMP;
		else if (e_type == 2 /* ET_EXEC */ || e_type == 3 /* ET_DYN */)
			*kind = KC_FILE_VMLINUX;
	} else if (len >= 60 && memcmp(head + 56, "ARM\x64", 4) == 0) {
		*kind = KC_FILE_BOOT_IMAGE;
	} else if ((len >= 2 && memcmp(head, "\x1f\x8b", 2) == 0) ||
		   (len >= 4 && memcmp(head, "\x28\xb5\x2f\xfd", 4) == 0) ||
		   (len >= 6 && memcmp(head, "\xfd" "7zXZ\0", 6) == 0)) {
		*kind = KC_FILE_COMPRESSED;
	}
	return NULL;
}

/* ---- accessors (include/kcrash/session.h) ---- */

const struct kc_dump *kc_session_dump(const struct kc_session *session)
{
	return session->dump;
}

struct kc_error *kc_session_read_phys(struct kc_session *session, uint64_t paddr,
				      void *buf, size_t len)
{
	if (!session->dump)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "physical addresses need a dump file");
	return kc_dump_read_phys(session->dump, paddr, buf, len);
}

const struct kc_vmcoreinfo *kc_session_vmcoreinfo(const struct kc_session *session)
{
	return session->vmcoreinfo;
}

const char *kc_session_vmlinux_path(const struct kc_session *session)
{
	return session->vmlinux_path;
}

const char *kc_session_vmlinux_source(const struct kc_session *session)
{
	return session->vmlinux_source;
}

const struct kc_debuginfo_result *kc_session_vmlinux_search(const struct kc_session *session)
{
	return session->vmlinux_search;
}

const char *kc_session_symbols_origin(const struct kc_session *session,
				      size_t *nr_symbols)
{
	if (nr_symbols)
		*nr_symbols = session->symtab ? session->symtab->nr_symbols : 0;
	return session->symtab ? session->symtab->origin : NULL;
}

const struct kc_error *kc_session_symbols_error(const struct kc_session *session)
{
	return session->symbols_error;
}

bool kc_session_symbols_from_vmlinux(const struct kc_session *session)
{
	return session->symtab && session->symtab->elf;
}

struct kc_error *kc_session_symtab_symbol(struct kc_session *session, const char *name,
					  uint64_t *addr, uint64_t *size)
{
	const struct kc_symbol *sym = session->symtab ?
		kc_symtab_lookup(session->symtab, name) : NULL;
	if (!sym)
		return kc_error_create(KC_ERR_LOOKUP, "symbol %s: not in the %s", name,
				       session->symtab ? session->symtab->origin
						       : "symbols (there are none)");
	if (!session->mmu || !session->mmu->layout.kaslr_offset.known)
		return kc_error_create(KC_ERR_LOOKUP,
				       "symbol %s: the KASLR offset is unknown", name);
	*addr = sym->addr + session->mmu->layout.kaslr_offset.value;
	if (size)
		*size = sym->size;
	return NULL;
}

const char *kc_session_warning(const struct kc_session *session, size_t i)
{
	size_t nr_dump = session->dump ? session->dump->nr_warnings : 0;
	if (i < nr_dump)
		return session->dump->warnings[i];
	i -= nr_dump;
	return i < session->nr_open_warnings ? session->open_warnings[i] : NULL;
}

unsigned kc_session_next_value_number(struct kc_session *session)
{
	return ++session->value_history;
}
