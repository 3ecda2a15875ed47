// SPDX-License-Identifier: MIT
/*
 * The public API (include/kcrash/) as a client sees it: this file includes
 * only <kcrash/kcrash.h> (and the harness, and the commands' runner to
 * compare answers with the shell's). It checks that the split is real (the
 * shell, the commands and the Python module include nothing private; each
 * public header stands alone; every public function is exercised by some
 * test) and calls the functions no other test reaches, on the real
 * fixtures, against their ground truth.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <kcrash/kcrash.h>

#include "command.h"
#include "harness.h"

/* ---- the split ---- */

static bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Each #include of PATH: <kcrash/X> must be a public header; "X" must be a
 * file in one of ALLOWED_DIRS (source-relative); nothing may name src/ or
 * reach up with "../".
 */
static void check_includes(const char *path, const char *const *allowed_dirs,
			   size_t nr_allowed)
{
	char *text = kc_test_read_file(path, NULL);
	if (!CHECK_MSG(text != NULL, "cannot read %s", path))
		return;
	const char *root = KC_SOURCE_ROOT;
	unsigned lineno = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		lineno++;
		const char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "#include", 8) != 0)
			continue;
		p += 8;
		while (*p == ' ' || *p == '\t')
			p++;
		char name[512];
		if (*p == '<') {
			const char *end = strchr(p, '>');
			if (!end)
				continue;
			snprintf(name, sizeof(name), "%.*s", (int)(end - p - 1), p + 1);
			CHECK_MSG(strncmp(name, "src/", 4) != 0 && !strstr(name, ".."),
				  "%s: includes <%s>, a private header", path, name);
			if (strncmp(name, "kcrash/", 7) == 0) {
				char full[4096];
				snprintf(full, sizeof(full), "%s/include/%s", root, name);
				CHECK_MSG(file_exists(full), "%s: <%s> is not a public header",
					  path, name);
			}
			continue;
		}
		if (*p != '"')
			continue;
		const char *end = strchr(p + 1, '"');
		if (!end)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(end - p - 1), p + 1);
		bool found = false;
		for (size_t i = 0; i < nr_allowed && !found; i++) {
			char full[4096];
			snprintf(full, sizeof(full), "%s/%s/%s", root, allowed_dirs[i], name);
			found = !strchr(name, '/') && file_exists(full);
		}
		CHECK_MSG(found, "%s:%u: includes \"%s\", which is not the public API "
			  "nor a file of the client itself", path, lineno, name);
	}
	free(text);
}

/* Every .c and .h file in DIR (source-relative), checked. */
static size_t check_dir(const char *dir, const char *const *allowed, size_t nr_allowed)
{
	char full[4096];
	snprintf(full, sizeof(full), "%s/%s", KC_SOURCE_ROOT, dir);
	DIR *d = opendir(full);
	if (!d)
		return 0;
	size_t n = 0;
	struct dirent *ent;
	while ((ent = readdir(d))) {
		size_t len = strlen(ent->d_name);
		if (len < 3 || (strcmp(ent->d_name + len - 2, ".c") != 0 &&
				strcmp(ent->d_name + len - 2, ".h") != 0))
			continue;
		char path[4600];
		snprintf(path, sizeof(path), "%s/%s", full, ent->d_name);
		check_includes(path, allowed, nr_allowed);
		n++;
	}
	closedir(d);
	return n;
}

KC_TEST(api_clients_include_only_the_public_headers)
{
	/* The commands, the shell, and the Python module are API clients. */
	static const char *const cmds_allowed[] = {"src/cmds"};
	CHECK(check_dir("src/cmds", cmds_allowed, 1) >= 20);
	static const char *const shell_allowed[] = {"src", "src/cmds", "python"};
	check_includes(KC_SOURCE_ROOT "/src/main.c", shell_allowed, 3);
	check_includes(KC_SOURCE_ROOT "/src/shell.c", shell_allowed, 3);
	check_includes(KC_SOURCE_ROOT "/src/shell.h", shell_allowed, 3);
	/* shell.h is the shell's own; no library file may be reached through "src". */
	static const char *const private_headers[] = {"session.h", "kernel.h", "symtab.h",
						      "dwarf.h", "btf.h", "types.h"};
	for (size_t i = 0; i < sizeof(private_headers) / sizeof(private_headers[0]); i++) {
		char needle[64];
		snprintf(needle, sizeof(needle), "#include \"%s\"", private_headers[i]);
		char *main_c = kc_test_read_file(KC_SOURCE_ROOT "/src/main.c", NULL);
		char *shell_c = kc_test_read_file(KC_SOURCE_ROOT "/src/shell.c", NULL);
		CHECK_MSG(main_c && !strstr(main_c, needle), "main.c: %s", needle);
		CHECK_MSG(shell_c && !strstr(shell_c, needle), "shell.c: %s", needle);
		free(main_c);
		free(shell_c);
	}
	static const char *const python_allowed[] = {"python"};
	check_dir("python", python_allowed, 1);
	/* The public headers include only each other and the system's. */
	static const char *const none[] = {"include/kcrash"};
	CHECK(check_dir("include/kcrash", none, 0) >= 15);
	check_dir("include/kcrash/arm64", none, 0);
}

/* Each public header compiles on its own, twice in a row (guards). */
static void compile_header_alone(const char *rel)
{
	char src[4096], cmd[12288];
	snprintf(src, sizeof(src), "%s/api-header-%zu.c", kc_test_scratch_dir(),
		 (size_t)strlen(rel) * 131 + (size_t)rel[strlen(rel) - 3]);
	FILE *f = fopen(src, "w");
	if (!CHECK(f != NULL))
		return;
	fprintf(f, "#include <%s>\n#include <%s>\nint kc_api_header_check;\n", rel, rel);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -fsyntax-only -I'%s/include' '%s' 2>&1",
		 KC_SOURCE_ROOT, src);
	FILE *p = popen(cmd, "r");
	if (!CHECK(p != NULL))
		return;
	char out[2048] = "";
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	int status = pclose(p);
	CHECK_MSG(status == 0, "<%s> does not compile alone: %s", rel, out);
}

static size_t compile_headers_in(const char *sub)
{
	char full[4096];
	snprintf(full, sizeof(full), "%s/include/%s", KC_SOURCE_ROOT, sub);
	DIR *d = opendir(full);
	if (!d)
		return 0;
	size_t n = 0;
	struct dirent *ent;
	while ((ent = readdir(d))) {
		size_t len = strlen(ent->d_name);
		if (len < 3 || strcmp(ent->d_name + len - 2, ".h") != 0)
			continue;
		char rel[1024];
		snprintf(rel, sizeof(rel), "%s/%s", sub, ent->d_name);
		compile_header_alone(rel);
		n++;
	}
	closedir(d);
	return n;
}

KC_TEST(api_headers_stand_alone)
{
	CHECK(compile_headers_in("kcrash") >= 15);
	CHECK(compile_headers_in("kcrash/arm64") >= 4);
}

/* Names of the functions the public headers declare (comments skipped). */
static size_t public_functions(char ***names_ret)
{
	static const char *const dirs[] = {"kcrash", "kcrash/arm64"};
	char **names = NULL;
	size_t n = 0;
	for (size_t d = 0; d < 2; d++) {
		char full[4096];
		snprintf(full, sizeof(full), "%s/include/%s", KC_SOURCE_ROOT, dirs[d]);
		DIR *dir = opendir(full);
		if (!dir)
			continue;
		struct dirent *ent;
		while ((ent = readdir(dir))) {
			size_t len = strlen(ent->d_name);
			if (len < 3 || strcmp(ent->d_name + len - 2, ".h") != 0)
				continue;
			char path[4600];
			snprintf(path, sizeof(path), "%s/%s", full, ent->d_name);
			char *text = kc_test_read_file(path, NULL);
			if (!text)
				continue;
			/* Blank out comments and preprocessor lines. */
			for (char *c = text; *c; c++) {
				if (c[0] == '/' && c[1] == '*') {
					char *e = strstr(c + 2, "*/");
					char *stop = e ? e + 2 : c + strlen(c);
					memset(c, ' ', (size_t)(stop - c));
					c = stop - 1;
				} else if (*c == '#' && (c == text || c[-1] == '\n')) {
					while (*c && *c != '\n')
						*c++ = ' ';
					if (!*c)
						break;
				}
			}
			/* "kc_name(" at file scope: a declaration (not inside a struct). */
			int depth = 0;
			for (char *c = text; *c; c++) {
				if (*c == '{')
					depth++;
				else if (*c == '}')
					depth--;
				if (depth || strncmp(c, "kc_", 3) != 0 ||
				    (c > text && (c[-1] == '_' || (c[-1] >= 'a' && c[-1] <= 'z') ||
						  c[-1] == '*' || c[-1] == '(')))
					if (!(depth == 0 && c > text && c[-1] == '*' &&
					      strncmp(c, "kc_", 3) == 0))
						continue;
				char *e = c;
				while ((*e >= 'a' && *e <= 'z') || (*e >= '0' && *e <= '9') || *e == '_')
					e++;
				char *q = e;
				while (*q == ' ')
					q++;
				/* A typedef'd function pointer is "(*kc_x)(": not a function. */
				if (*q != '(' || c[-1] == '(' ||
				    (c - text >= 2 && c[-1] == '*' && c[-2] == '('))
					continue;
				names = realloc(names, (n + 1) * sizeof(*names));
				names[n++] = strndup(c, (size_t)(e - c));
				c = e - 1;
			}
			free(text);
		}
		closedir(dir);
	}
	*names_ret = names;
	return n;
}

static bool word_in(const char *text, const char *word)
{
	size_t len = strlen(word);
	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
		char before = p == text ? ' ' : p[-1];
		char after = p[len];
		bool ident_before = before == '_' || (before >= 'a' && before <= 'z') ||
				    (before >= '0' && before <= '9');
		bool ident_after = after == '_' || (after >= 'a' && after <= 'z') ||
				   (after >= '0' && after <= '9');
		if (!ident_before && !ident_after)
			return true;
	}
	return false;
}

KC_TEST(api_every_public_function_is_tested)
{
	char **names;
	size_t n = public_functions(&names);
	CHECK_MSG(n >= 150, "only %zu public functions found", n);
	/* All the C tests' text together. */
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/tests", KC_SOURCE_ROOT);
	DIR *d = opendir(dir);
	REQUIRE(d != NULL);
	size_t cap = 1, len = 0;
	char *all = calloc(1, 1);
	struct dirent *ent;
	while ((ent = readdir(d))) {
		size_t l = strlen(ent->d_name);
		if (l < 3 || strcmp(ent->d_name + l - 2, ".c") != 0 ||
		    strncmp(ent->d_name, "test_", 5) != 0)
			continue;
		char path[4600];
		snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
		size_t flen;
		char *text = kc_test_read_file(path, &flen);
		if (!text)
			continue;
		cap = len + flen + 2;
		all = realloc(all, cap);
		memcpy(all + len, text, flen);
		len += flen;
		all[len++] = '\n';
		all[len] = '\0';
		free(text);
	}
	closedir(d);
	size_t untested = 0;
	for (size_t i = 0; i < n; i++) {
		if (!word_in(all, names[i])) {
			CHECK_MSG(false, "public function %s is called by no test", names[i]);
			untested++;
		}
		free(names[i]);
	}
	free(names);
	free(all);
	if (untested)
		fprintf(stderr, "    %zu of %zu public functions untested\n", untested, n);
}

/* ---- the functions on real dumps ---- */

static uint64_t fact_hex(const char *fixture, const char *key)
{
	char *value = kc_test_fact(fixture, key);
	uint64_t v = value ? strtoull(value, NULL, 16) : 0;
	free(value);
	return v;
}

static uint64_t fact_dec(const char *fixture, const char *key)
{
	char *value = kc_test_fact(fixture, key);
	uint64_t v = value ? strtoull(value, NULL, 0) : 0;
	free(value);
	return v;
}

KC_TEST(api_session_accessors_on_fixtures)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			continue;
		const struct kc_dump *dump = kc_session_dump(session);
		REQUIRE(dump != NULL);
		CHECK_EQ_U64(dump->page_size, fact_dec(fixture, "vmcoreinfo.PAGESIZE"));
		CHECK(strstr(dump->path, "vmcore.kdump-zlib") != NULL);
		const struct kc_vmcoreinfo *info = kc_session_vmcoreinfo(session);
		REQUIRE(info != NULL);
		char *release = kc_test_fact(fixture, "vmcoreinfo.OSRELEASE");
		CHECK_STR(kc_vmcoreinfo_get(info, "OSRELEASE"), release);
		CHECK_STR(kc_session_release(session), release);
		free(release);

		/* The vmlinux was given: no search, and its ELF symbols. */
		CHECK_STR(kc_session_vmlinux_path(session), kc_test_fixture_vmlinux(fixture));
		CHECK_STR(kc_session_vmlinux_source(session), "command line");
		CHECK(kc_session_vmlinux_search(session) == NULL);
		size_t nr_symbols = 0;
		const char *origin = kc_session_symbols_origin(session, &nr_symbols);
		CHECK(origin && strstr(origin, "vmlinux"));
		CHECK(nr_symbols > 10000);
		CHECK(kc_session_symbols_error(session) == NULL);
		CHECK(kc_session_symbols_from_vmlinux(session));

		/* Symbols against the guest's own /proc/kallsyms. */
		uint64_t addr = 0, size = 0;
		REQUIRE_OK(kc_session_symtab_symbol(session, "init_task", &addr, &size));
		CHECK_EQ_U64(addr, fact_hex(fixture, "kallsyms.init_task"));
		uint64_t task_struct_size;
		REQUIRE_OK(kc_kernel_sizeof(session, "struct task_struct", &task_struct_size));
		CHECK(size >= task_struct_size);
		uint64_t sized_addr, sized_size;
		REQUIRE_OK(kc_kernel_symbol_sized(session, "init_task", &sized_addr, &sized_size));
		CHECK_EQ_U64(sized_addr, addr);
		CHECK_EQ_U64(sized_size, size);
		REQUIRE_OK(kc_session_symbol(session, "swapper_pg_dir", &addr));
		CHECK_EQ_U64(addr, fact_hex(fixture, "vmcoreinfo.SYMBOL(swapper_pg_dir)"));
		struct kc_error *err = kc_session_symtab_symbol(session, "no_such_symbol_kc",
								 &addr, NULL);
		CHECK(err && err->code == KC_ERR_LOOKUP && strstr(kc_error_message(err),
								  "no_such_symbol_kc"));
		kc_error_destroy(err);

		/* Warnings: a finite list, NULL past its end. */
		size_t nr_warnings = 0;
		while (kc_session_warning(session, nr_warnings) && nr_warnings < 1000)
			nr_warnings++;
		CHECK(nr_warnings < 1000);
		CHECK(kc_session_warning(session, nr_warnings) == NULL);

		unsigned first = kc_session_next_value_number(session);
		CHECK_EQ_U64(kc_session_next_value_number(session), first + 1);
		kc_session_destroy(session);
	}
}

KC_TEST(api_classify_files)
{
	const char *vmlinux = kc_test_fixture_vmlinux("arm64-6.1-4k48");
	KC_FIXTURE_OR_RETURN(dump, "arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!vmlinux)
		return;
	enum kc_file_kind kind;
	REQUIRE_OK(kc_classify_file(vmlinux, &kind));
	CHECK(kind == KC_FILE_VMLINUX);
	REQUIRE_OK(kc_classify_file(dump, &kind));
	CHECK(kind == KC_FILE_DUMP);
	struct kc_error *err = kc_classify_file("/nonexistent/kc-file", &kind);
	CHECK(err && err->code == KC_ERR_OS && strstr(kc_error_message(err), "/nonexistent/kc-file"));
	kc_error_destroy(err);

	/* The build id the vmlinux carries is the dump's. */
	char hex[129];
	bool has_dwarf = false;
	REQUIRE_OK(kc_debuginfo_examine(vmlinux, hex, &has_dwarf));
	char *build_id = kc_test_fact("arm64-6.1-4k48", "vmcoreinfo.BUILD-ID");
	CHECK_STR(hex, build_id);
	free(build_id);
	CHECK(has_dwarf);
	err = kc_debuginfo_examine(dump, hex, &has_dwarf);
	CHECK(err && err->code == KC_ERR_FORMAT);
	kc_error_destroy(err);
}

static struct kc_error *read_phys_cb(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	return kc_session_read_phys(ctx, paddr, buf, len);
}

KC_TEST(api_memory_and_translation)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			continue;
		struct kc_arm64_mmu *mmu;
		REQUIRE_OK(kc_session_mmu(session, &mmu));
		const struct kc_arm64_layout *layout = kc_arm64_mmu_layout(mmu);
		const struct kc_pgtable_geometry *geo = kc_arm64_mmu_geometry(mmu);
		CHECK_EQ_U64(UINT64_C(1) << geo->page_shift, fact_dec(fixture, "vmcoreinfo.PAGESIZE"));
		CHECK_EQ_U64(geo->va_bits, fact_dec(fixture, "vmcoreinfo.NUMBER(VA_BITS)"));
		CHECK(layout->kaslr_offset.known);
		CHECK_EQ_U64(layout->kaslr_offset.value, fact_hex(fixture, "vmcoreinfo.KERNELOFFSET"));
		CHECK(strlen(kc_arm64_provenance_name(layout->kaslr_offset.provenance)) > 0);
		CHECK(strlen(kc_arm64_era_name(layout->era)) > 0);
		uint64_t swapper, swapper_paddr;
		const char *swapper_source;
		CHECK(kc_arm64_mmu_swapper(mmu, &swapper, &swapper_paddr, &swapper_source));
		CHECK_EQ_U64(swapper, fact_hex(fixture, "vmcoreinfo.SYMBOL(swapper_pg_dir)"));
		CHECK(swapper_source && *swapper_source);

		uint64_t init_task = fact_hex(fixture, "kallsyms.init_task");
		CHECK(kc_arm64_is_kernel_addr(mmu, init_task));
		CHECK(!kc_arm64_is_kernel_addr(mmu, 0x400000));
		/* The same bytes by virtual and by physical address. */
		uint64_t paddr, walked;
		REQUIRE_OK(kc_arm64_kvtop(mmu, init_task, &paddr));
		REQUIRE_OK(kc_pgtable_translate(geo, swapper_paddr, init_task, read_phys_cb,
						session, &walked));
		CHECK_EQ_U64(walked, paddr);
		struct kc_pgtable_walk walk;
		REQUIRE_OK(kc_arm64_walk(mmu, false, 0, init_task, &walk));
		const struct kc_pgtable_entry *leaf = &walk.entries[walk.nr_entries - 1];
		unsigned map_shift = 0;
		while ((UINT64_C(1) << map_shift) < walk.map_size)
			map_shift++;
		CHECK_EQ_U64(kc_pgtable_desc_address(geo, leaf->value, map_shift),
			     walk.paddr & ~(walk.map_size - 1));
		uint8_t by_virt[256], by_phys[256];
		REQUIRE_OK(kc_kernel_read(session, init_task, by_virt, sizeof(by_virt)));
		REQUIRE_OK(kc_session_read_phys(session, paddr, by_phys, sizeof(by_phys)));
		CHECK(memcmp(by_virt, by_phys, sizeof(by_virt)) == 0);
		/* Far past the end of RAM. */
		struct kc_error *err = kc_session_read_phys(session, UINT64_C(0xfff000000000),
							    by_phys, 8);
		CHECK(err && err->code == KC_ERR_NOT_IN_DUMP && err->has_address &&
		      err->address == UINT64_C(0xfff000000000));
		kc_error_destroy(err);

		/* init_uts_ns.name.release is VMCOREINFO's OSRELEASE. */
		uint64_t uts;
		REQUIRE_OK(kc_kernel_symbol(session, "init_uts_ns", &uts));
		const struct kc_kernel_member *release_member;
		REQUIRE_OK(kc_kernel_member(session, "struct uts_namespace", "name.release",
					    &release_member));
		char release[65];
		REQUIRE_OK(kc_kernel_read_string(session, uts + release_member->offset,
						 release, sizeof(release)));
		char *osrelease = kc_test_fact(fixture, "vmcoreinfo.OSRELEASE");
		CHECK_STR(release, osrelease);
		free(osrelease);

		/* At least the CPUs the dump saved registers of, and the panic CPU. */
		unsigned nr_cpus = kc_kernel_nr_cpus(session);
		CHECK(nr_cpus >= kc_session_dump(session)->nr_prstatus);
		CHECK(nr_cpus > fact_dec(fixture, "crash.cpu"));
		kc_session_destroy(session);
	}
}

KC_TEST(api_types)
{
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session)
		return;
	struct kc_types *types;
	REQUIRE_OK(kc_session_types(session, &types));
	struct kc_type task;
	REQUIRE_OK(kc_types_find_type(types, "struct task_struct", &task));
	uint64_t size, expected;
	REQUIRE_OK(kc_type_size(&task, &size));
	REQUIRE_OK(kc_kernel_sizeof(session, "struct task_struct", &expected));
	CHECK_EQ_U64(size, expected);

	/* Made types. */
	struct kc_type ptr, array, qualified, target;
	REQUIRE_OK(kc_types_pointer_to(types, &task, &ptr));
	CHECK(kc_type_kind(&ptr) == KC_TYPE_POINTER);
	REQUIRE_OK(kc_type_size(&ptr, &size));
	CHECK_EQ_U64(size, 8);
	REQUIRE_OK(kc_type_target(&ptr, &target));
	CHECK_STR(kc_type_name(&target), "task_struct");
	REQUIRE_OK(kc_types_array_of(types, &ptr, 4, true, &array));
	REQUIRE_OK(kc_type_size(&array, &size));
	CHECK_EQ_U64(size, 32);
	REQUIRE_OK(kc_types_qualified(types, &task, KC_QUALIFIER_CONST, &qualified));
	CHECK(kc_type_kind(&qualified) == KC_TYPE_QUALIFIED);
	CHECK(kc_type_qualifier(&qualified) == KC_QUALIFIER_CONST);

	/* Variables and enumerators, through the type source and the session. */
	struct kc_variable var;
	REQUIRE_OK(kc_types_find_variable(types, "init_task", &var));
	struct kc_type stripped = kc_type_strip(&var.type);
	CHECK_STR(kc_type_name(&stripped), "task_struct");
	REQUIRE_OK(kc_kernel_variable(session, "init_task", &var));
	stripped = kc_type_strip(&var.type);
	CHECK_STR(kc_type_name(&stripped), "task_struct");
	/* include/linux/pid.h: enum pid_type starts with PIDTYPE_PID. */
	int64_t value = -1;
	struct kc_type pid_type;
	REQUIRE_OK(kc_types_find_enumerator(types, "PIDTYPE_PID", &value, &pid_type));
	CHECK(value == 0);
	CHECK_STR(kc_type_name(&pid_type), "pid_type");
	int64_t max = -1;
	REQUIRE_OK(kc_kernel_enumerator(session, "PIDTYPE_MAX", &max, NULL));
	CHECK(max > 0);

	/* irq_handler_t is irqreturn_t (*)(int, void *) (include/linux/interrupt.h). */
	struct kc_type handler, function;
	REQUIRE_OK(kc_types_find_type(types, "irq_handler_t", &handler));
	struct kc_type handler_ptr = kc_type_strip(&handler);
	REQUIRE(kc_type_kind(&handler_ptr) == KC_TYPE_POINTER);
	REQUIRE_OK(kc_type_target(&handler_ptr, &function));
	function = kc_type_strip(&function);
	REQUIRE(kc_type_kind(&function) == KC_TYPE_FUNCTION);
	CHECK(kc_type_prototyped(&function));
	struct kc_param_iter it;
	kc_param_iter_init(&it, &function);
	unsigned nr_params = 0;
	for (;;) {
		struct kc_type param;
		bool variadic, done;
		REQUIRE_OK(kc_param_iter_next(&it, &param, &variadic, &done));
		if (done)
			break;
		CHECK(!variadic);
		struct kc_type p = kc_type_strip(&param);
		if (nr_params == 0)
			CHECK(kc_type_kind(&p) == KC_TYPE_INT);
		else
			CHECK(kc_type_kind(&p) == KC_TYPE_POINTER);
		nr_params++;
	}
	CHECK_EQ_U64(nr_params, 2);

	/* void is no DWARF or BTF type, but "void *" is a C type name. */
	struct kc_type void_ptr, void_type;
	REQUIRE_OK(kc_types_find_type(types, "void *", &void_ptr));
	CHECK(kc_type_kind(&void_ptr) == KC_TYPE_POINTER);
	REQUIRE_OK(kc_type_target(&void_ptr, &void_type));
	CHECK(kc_type_kind(&void_type) == KC_TYPE_VOID);

	struct kc_error *err = kc_types_find_type(types, "struct no_such_struct_kc", &task);
	CHECK(err && err->code == KC_ERR_LOOKUP);
	kc_error_destroy(err);
	kc_session_destroy(session);
}

/* Counts bt -e's kernel-mode frames. */
static void count_eframe(void *ctx, uint64_t addr, const struct kc_arm64_regs *regs,
			 const struct kc_error *stack_error)
{
	unsigned *count = ctx;
	(void)addr;
	if (!stack_error && regs) {
		uint64_t mode = regs->pstate & KC_ARM64_PSR_MODE_MASK;
		CHECK(mode == KC_ARM64_PSR_MODE_EL1H || mode == KC_ARM64_PSR_MODE_EL1T);
		(*count)++;
	}
}

static unsigned count_lines_with(const char *text, const char *needle)
{
	unsigned n = 0;
	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

KC_TEST(api_tasks_and_backtraces)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			continue;
		const struct kc_task_list *list;
		REQUIRE_OK(kc_tasks(session, &list));
		int64_t crash_pid = (int64_t)fact_dec(fixture, "crash.pid");
		unsigned crash_cpu = (unsigned)fact_dec(fixture, "crash.cpu");
		char *comm = kc_test_fact(fixture, "crash.comm");
		REQUIRE(comm != NULL);
		CHECK_EQ_U64(kc_tasks_with_pid(list, crash_pid), 1);
		char pid_text[32];
		snprintf(pid_text, sizeof(pid_text), "%" PRId64, crash_pid);
		const struct kc_task *crasher;
		REQUIRE_OK(kc_task_lookup(session, pid_text, &crasher));
		CHECK_STR(crasher->comm, comm);
		bool *selected = calloc(list->nr_tasks, sizeof(bool));
		REQUIRE_OK(kc_tasks_select(list, comm, false, selected));
		size_t nr_selected = 0;
		for (size_t i = 0; i < list->nr_tasks; i++) {
			if (selected[i]) {
				nr_selected++;
				CHECK_STR(list->tasks[i].comm, comm);
			}
		}
		CHECK(nr_selected >= 1);
		struct kc_error *err = kc_tasks_select(list, "no-such-command-kc", false, selected);
		CHECK(err != NULL);
		kc_error_destroy(err);
		free(selected);
		char state[64];
		kc_task_state_verbose(session, crasher, state, sizeof(state));
		CHECK(strncmp(state, "TASK_", 5) == 0);

		/* The context: the panic task, then pid 1 by `set`, then back. */
		const struct kc_task *context;
		CHECK(!kc_session_has_context(session));
		REQUIRE_OK(kc_session_context(session, &context));
		CHECK(context->pid == crash_pid);
		const struct kc_task *init = kc_task_by_pid(list, 1);
		REQUIRE(init != NULL);
		REQUIRE_OK(kc_session_set_context(session, init));
		CHECK(kc_session_has_context(session));
		REQUIRE_OK(kc_session_context(session, &context));
		CHECK(context->pid == 1);
		REQUIRE_OK(kc_session_set_context(session, NULL));
		CHECK(!kc_session_has_context(session));
		REQUIRE_OK(kc_session_context(session, &context));
		CHECK(context->pid == crash_pid);

		/* The panic CPU's saved registers belong to the crashing task. */
		struct kc_arm64_regs regs;
		int32_t note_pid = -1;
		REQUIRE_OK(kc_cpu_registers(session, crash_cpu, &regs, &note_pid));
		CHECK(note_pid == crash_pid);

		struct kc_backtrace bt;
		REQUIRE_OK(kc_backtrace_task(session, crasher, &bt));
		CHECK(bt.unwind.nr_frames > 3);
		for (size_t i = 0; i < bt.unwind.nr_frames; i++) {
			const struct kc_arm64_frame *frame = &bt.unwind.frames[i];
			uint64_t shown = kc_bt_frame_address(&bt, frame);
			CHECK(frame->sp ? shown == frame->sp : shown == bt.stacks[0].high - bt.pt_regs_size);
		}
		/* The frames' names, by the symbolizer bt uses. */
		char name[128];
		uint64_t offset;
		uint64_t panic_addr;
		REQUIRE_OK(kc_kernel_symbol(session, "panic", &panic_addr));
		CHECK(kc_bt_symbolize(session, panic_addr + 4, name, sizeof(name), &offset));
		CHECK_STR(name, "panic");
		CHECK_EQ_U64(offset, 4);
		const char *file;
		int line;
		REQUIRE_OK(kc_symbol_source_line(session, panic_addr, &file, &line));
		CHECK(strstr(file, "kernel/panic.c") != NULL && line > 0);
		/* bt -e finds exactly the frames the search reports. */
		unsigned found = 0;
		kc_bt_search_eframes(session, &bt, count_eframe, &found);
		char cmd[64];
		snprintf(cmd, sizeof(cmd), "bt -e %" PRId64, crash_pid);
		const char *commands[] = {cmd};
		char *out = kc_test_run_commands(session, commands, 1);
		REQUIRE(out != NULL);
		CHECK_EQ_U64(count_lines_with(out, "KERNEL-MODE EXCEPTION FRAME AT"), found);
		free(out);
		kc_backtrace_free(&bt);
		free(comm);
		kc_session_destroy(session);
	}
}

KC_TEST(api_modules_sysinfo_datasyms)
{
	const char *fixture = "arm64-6.1-4k48";
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	const struct kc_modules *modules;
	REQUIRE_OK(kc_modules_get(session, &modules));
	const struct kc_module *testmod = kc_module_find(modules, "kcrash_testmod");
	REQUIRE(testmod != NULL);
	CHECK(kc_module_contains(testmod, testmod->text_base));
	CHECK(!kc_module_contains(testmod, 0));
	/* No debuginfo attached: no module types. */
	struct kc_type type;
	struct kc_error *err = kc_modules_find_type(session, "struct kc_no_such_type", &type);
	CHECK(err && err->code == KC_ERR_LOOKUP);
	kc_error_destroy(err);
	/* The .ko sits in the fixture directory. */
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/%s", kc_test_fixtures_dir(), fixture);
	char *path = NULL;
	REQUIRE_OK(kc_module_find_object(dir, "kcrash-testmod", &path));
	CHECK(strstr(path, "kcrash_testmod.ko") != NULL);
	free(path);

	struct kc_sysinfo info;
	kc_sysinfo_collect(session, &info);
	char *release = kc_test_fact(fixture, "vmcoreinfo.OSRELEASE");
	char *panic = kc_test_fact(fixture, "crash.panic_string");
	CHECK_STR(info.release, release);
	CHECK(info.has_panic && panic && strstr(info.panic, panic));
	CHECK(info.has_crash_time &&
	      (uint64_t)info.crash_time == fact_dec(fixture, "vmcoreinfo.CRASHTIME"));
	free(release);
	free(panic);
	char text[64];
	kc_sysinfo_format_uptime(info.uptime_seconds, text, sizeof(text));
	CHECK(strchr(text, ':') != NULL);
	kc_sysinfo_format_uptime(2 * 86400 + 3 * 3600 + 4 * 60 + 5, text, sizeof(text));
	CHECK_STR(text, "2 days, 03:04:05");
	kc_sysinfo_format_memory(UINT64_C(3) << 29, text, sizeof(text));
	CHECK_STR(text, "1.5 GB");
	kc_sysinfo_fini(&info);

	for (size_t i = 0; i < kc_datasym_nr_names; i++)
		CHECK(kc_datasym_known(kc_datasym_names[i]));
	CHECK(!kc_datasym_known("no_such_datasym_kc"));
	kc_session_destroy(session);
}

KC_TEST(api_dump_alone_accessors)
{
	char dump[4096];
	snprintf(dump, sizeof(dump), "%s/fixtures/debian-6.1-arm64/vmcore.kdump-zlib",
		 kc_test_source_dir());
	const char *dumps[] = {dump};
	struct kc_session_options opts = {
		.dump_paths = dumps,
		.nr_dump_paths = 1,
		.no_debuginfod = true,
	};
	struct kc_session *session;
	REQUIRE_OK(kc_session_open(&opts, &session));
	CHECK(kc_session_vmlinux_path(session) == NULL);
	CHECK(!kc_session_symbols_from_vmlinux(session));
	size_t nr;
	const char *origin = kc_session_symbols_origin(session, &nr);
	CHECK(origin && strstr(origin, "kallsyms in dump"));
	CHECK(nr > 10000);
	struct kc_types *types;
	REQUIRE_OK(kc_session_types(session, &types));
	CHECK(kc_types_btf(types) != NULL);
	const struct kc_module_btfs *btfs;
	REQUIRE_OK(kc_module_btfs_get(session, &btfs));
	const struct kc_modules *modules;
	REQUIRE_OK(kc_modules_get(session, &modules));
	CHECK_EQ_U64(btfs->nr_modules, modules->nr_modules);
	/* No DWARF: no source lines, and the error says why. */
	uint64_t addr;
	REQUIRE_OK(kc_kernel_symbol(session, "panic", &addr));
	const char *file;
	int line;
	struct kc_error *err = kc_symbol_source_line(session, addr, &file, &line);
	CHECK(err != NULL);
	kc_error_destroy(err);
	kc_session_destroy(session);
}

static struct kc_error *vcreate(enum kc_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct kc_error *err = kc_error_vcreate(code, fmt, ap);
	va_end(ap);
	return err;
}

KC_TEST(api_errors)
{
	struct kc_error *err = vcreate(KC_ERR_FORMAT, "bad %s at %d", "header", 12);
	CHECK(err->code == KC_ERR_FORMAT);
	CHECK_STR(kc_error_message(err), "bad header at 12");
	kc_error_destroy(err);
	err = kc_error_prefix(kc_error_address(KC_ERR_FAULT, 0x1000, "no page"), "reading %s", "x");
	CHECK(err->code == KC_ERR_FAULT && err->has_address && err->address == 0x1000);
	CHECK_STR(kc_error_message(err), "reading x: no page");
	kc_error_destroy(err);
	err = kc_error_os(2, "opening %s", "/f");
	CHECK(err->code == KC_ERR_OS && err->errnum == 2);
	CHECK(strncmp(kc_error_message(err), "opening /f: ", 12) == 0);
	kc_error_destroy(err);
	err = kc_interrupted_error();
	CHECK(err->code == KC_ERR_INTERRUPTED);
	kc_error_destroy(err);
	CHECK(kc_check_interrupt() == NULL);
	kc_interrupt_flag = 1;
	err = kc_check_interrupt();
	kc_interrupt_flag = 0;
	CHECK(err && err->code == KC_ERR_INTERRUPTED);
	kc_error_destroy(err);
}

KC_TEST(api_reference_is_current)
{
	/* doc/api.md is generated from the headers' comments; stale is a failure. */
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "python3 '%s/doc/gen-api.py' --check 2>&1", KC_SOURCE_ROOT);
	FILE *p = popen(cmd, "r");
	REQUIRE(p != NULL);
	char out[512] = "";
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	int status = pclose(p);
	CHECK_MSG(status == 0, "%s", out);
}

/*
 * `meson install` gives a client what it needs: the headers and the library
 * with a pkg-config file. doc/examples/tasks.c, built against the installed
 * copy only, lists the same tasks as the library's kc_tasks() on a fixture.
 */
KC_TEST(api_installed_library_builds_a_client)
{
	KC_FIXTURE_OR_RETURN(dump, "arm64-6.1-4k48", "vmcore.kdump-zlib");
	const char *vmlinux = kc_test_fixture_vmlinux("arm64-6.1-4k48");
	if (!vmlinux)
		return;
	char dest[4096], cmd[16384], client[4200];
	snprintf(dest, sizeof(dest), "%s/install", kc_test_scratch_dir());
	snprintf(client, sizeof(client), "%s/tasks-client", kc_test_scratch_dir());
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && meson install -C '%s' --no-rebuild --quiet "
		 "--destdir '%s' >/dev/null 2>&1", dest, KC_BUILD_ROOT, dest);
	REQUIRE_MSG(system(cmd) == 0, "meson install failed: %s", cmd);
	/* The installed .pc names the prefix: find it under DESTDIR. */
	snprintf(cmd, sizeof(cmd), "find '%s' -name libkcrash.pc", dest);
	FILE *p = popen(cmd, "r");
	REQUIRE(p != NULL);
	char pc[4096] = "";
	if (!fgets(pc, sizeof(pc), p))
		pc[0] = '\0';
	pclose(p);
	REQUIRE_MSG(pc[0], "no libkcrash.pc installed under %s", dest);
	*strrchr(pc, '/') = '\0';
	/* A sanitized build's library needs the sanitizer runtime in the client. */
	const char *cc = getenv("KCRASH_SANITIZED") ?
		"clang -fsanitize=address,undefined" : "cc";
	snprintf(cmd, sizeof(cmd),
		 "PKG_CONFIG_PATH='%s' PKG_CONFIG_SYSROOT_DIR='%s' %s -std=c11 -Wall -Wextra -Werror "
		 "-o '%s' '%s/doc/examples/tasks.c' $(PKG_CONFIG_PATH='%s' PKG_CONFIG_SYSROOT_DIR='%s' "
		 "pkg-config --cflags --libs --static libkcrash) 2>&1",
		 pc, dest, cc, client, KC_SOURCE_ROOT, pc, dest);
	p = popen(cmd, "r");
	REQUIRE(p != NULL);
	char out[4096] = "";
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	REQUIRE_MSG(pclose(p) == 0, "building the client failed: %s", out);
	/* Its output against the library's task list. */
	snprintf(cmd, sizeof(cmd), "'%s' '%s' '%s'", client, dump, vmlinux);
	p = popen(cmd, "r");
	REQUIRE(p != NULL);
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	REQUIRE(session != NULL);
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	char line[512];
	size_t tasks_seen = 0;
	bool release_seen = false;
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "release ", 8)) {
			CHECK_STR(line + 8, kc_session_release(session));
			release_seen = true;
		} else if (strncmp(line, "panic task ", 11) != 0) {
			REQUIRE(tasks_seen < list->nr_tasks);
			const struct kc_task *t = &list->tasks[tasks_seen++];
			char expected[128];
			snprintf(expected, sizeof(expected), "%d %s %s", t->pid, t->state_code, t->comm);
			CHECK_STR(line, expected);
		}
	}
	CHECK(pclose(p) == 0);
	CHECK(release_seen);
	CHECK_EQ_U64(tasks_seen, list->nr_tasks);
	kc_session_destroy(session);
}

/*
 * A task's user memory through its own page tables: each kcproc process of
 * the fixture filled a heap buffer with a pattern it wrote down
 * (ground-truth/kcproc.txt: word i = 0x4b43555300000000 | pid << 16 | i).
 * The unfiltered ELF dump keeps user pages; the -d 31 kdump drops them.
 */
KC_TEST(api_task_user_memory)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/arm64-6.1-4k48/ground-truth/kcproc.txt",
		 kc_test_fixtures_dir());
	char *truth = kc_test_read_file(path, NULL);
	if (!CHECK_MSG(truth != NULL, "cannot read %s", path))
		return;
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.elf.zst");
	struct kc_session *filtered = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session || !filtered) {
		free(truth);
		return;
	}
	const struct kc_task_list *list, *filtered_list;
	REQUIRE_OK(kc_tasks(session, &list));
	REQUIRE_OK(kc_tasks(filtered, &filtered_list));
	size_t checked = 0;
	for (char *line = strtok(truth, "\n"); line; line = strtok(NULL, "\n")) {
		int pid;
		unsigned long long buf;
		unsigned words;
		const char *p = strstr(line, " pid=");
		if (!p || sscanf(p, " pid=%d buf=%llx words=%u", &pid, &buf, &words) != 3)
			continue;
		const struct kc_task *task = kc_task_by_pid(list, pid);
		REQUIRE(task != NULL);
		uint64_t got[64];
		REQUIRE_OK(kc_task_read_user(session, task, buf, got, sizeof(got)));
		for (unsigned i = 0; i < 64 && i < words; i++)
			CHECK_EQ_U64(got[i], UINT64_C(0x4b43555300000000) | (uint64_t)pid << 16 | i);
		/* The filtered dump has no user pages: an error, never zeros. */
		struct kc_error *err = kc_task_read_user(filtered, kc_task_by_pid(filtered_list, pid),
							 buf, got, 8);
		CHECK(err && err->code == KC_ERR_EXCLUDED && strstr(kc_error_message(err), "user address"));
		kc_error_destroy(err);
		checked++;
	}
	CHECK(checked >= 4);
	/* A kernel thread has no user memory. */
	const struct kc_task *kthreadd = kc_task_by_pid(list, 2);
	REQUIRE(kthreadd != NULL);
	uint64_t word;
	struct kc_error *err = kc_task_read_user(session, kthreadd, 0x400000, &word, 8);
	CHECK(err && err->code == KC_ERR_INVALID_ARG);
	kc_error_destroy(err);
	free(truth);
	kc_session_destroy(session);
	kc_session_destroy(filtered);
}
