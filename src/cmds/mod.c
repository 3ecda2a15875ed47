/* SPDX-License-Identifier: MIT */
/*
 * mod: the loaded modules, with crash 8's columns (MODULE NAME TEXT_BASE
 * SIZE OBJECT FILE); -s/-S attach module debuginfo so its types resolve.
 */
#include "command.h"
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kcrash/modules.h>

#define VADDR_PRLEN 16

/* crash's mkstring(CENTER|LJUST): centred, the odd space on the right. */
static void print_centered(FILE *out, const char *text, int width)
{
	int len = (int)strlen(text);
	int left = len < width ? (width - len) / 2 : 0;
	int right = len < width ? width - len - left : 0;
	fprintf(out, "%*s%s%*s", left, "", text, right, "");
}

struct widths {
	int name, size;
};

static struct widths column_widths(const struct kc_modules *modules)
{
	struct widths w = {0, 0};
	for (size_t i = 0; i < modules->nr_modules; i++) {
		const struct kc_module *mod = &modules->modules[i];
		char buf[32];
		int name = (int)strlen(mod->name);
		int size = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)mod->size);
		if (name > w.name)
			w.name = name;
		if (size > w.size)
			w.size = size;
	}
	return w;
}

static void print_header(FILE *out, struct widths w)
{
	print_centered(out, "MODULE", VADDR_PRLEN);
	fprintf(out, "  %-*s  ", w.name, "NAME");
	print_centered(out, "TEXT_BASE", VADDR_PRLEN);
	fprintf(out, "  %*s  OBJECT FILE\n", w.size, "SIZE");
}

static void print_module(FILE *out, struct widths w, const struct kc_module *mod)
{
	fprintf(out, "%16llx  %-*s  %16llx  %*llu  ", (unsigned long long)mod->addr,
		w.name, mod->name, (unsigned long long)mod->text_base, w.size,
		(unsigned long long)mod->size);
	if (mod->debuginfo_path)
		fprintf(out, "%s\n", mod->debuginfo_path);
	else
		fprintf(out, "(not loaded)%s\n", mod->symbols ? "  [CONFIG_KALLSYMS]" : "");
}

static const char *state_name(int64_t state)
{
	/* enum module_state, v3.x..v6.x include/linux/module.h */
	static const char *const names[] = {"live", "coming", "going", "unformed"};
	return state >= 0 && state < 4 ? names[state] : "unknown";
}

static void print_json(FILE *out, const struct kc_modules *modules)
{
	static const char *const regions[KC_MOD_MEM_NUM] = {
		"text", "data", "rodata", "ro_after_init", "init_text", "init_data",
		"init_rodata",
	};
	fprintf(out, "[");
	for (size_t i = 0; i < modules->nr_modules; i++) {
		const struct kc_module *mod = &modules->modules[i];
		fprintf(out, "%s\n  {\"module\": \"0x%llx\", \"name\": ", i ? "," : "",
			(unsigned long long)mod->addr);
		kc_json_string(out, mod->name);
		fprintf(out, ", \"state\": \"%s\", \"text_base\": \"0x%llx\", \"size\": %llu, \"object_file\": ",
			state_name(mod->state), (unsigned long long)mod->text_base,
			(unsigned long long)mod->size);
		if (mod->debuginfo_path)
			kc_json_string(out, mod->debuginfo_path);
		else
			fprintf(out, "null");
		fprintf(out, ", \"nr_symbols\": %zu, \"regions\": {", mod->nr_symbols);
		for (int t = 0; t < KC_MOD_MEM_NUM; t++)
			fprintf(out, "%s\"%s\": {\"base\": \"0x%llx\", \"size\": %llu}", t ? ", " : "",
				regions[t], (unsigned long long)mod->mem[t].base,
				(unsigned long long)mod->mem[t].size);
		fprintf(out, "}}");
	}
	fprintf(out, "%s]\n", modules->nr_modules ? "\n" : "");
}

/* Where `mod -s NAME` and `mod -S` look without a directory: crash's defaults. */
static char *default_object(struct kc_session *session, const char *name)
{
	char *path = NULL, *dir = NULL;
	const char *release = kc_session_release(session);
	if (release && asprintf(&dir, "/lib/modules/%s", release) >= 0) {
		struct kc_error *err = kc_module_find_object(dir, name, &path);
		kc_error_destroy(err);
		free(dir);
		if (path)
			return path;
	}
	/* The directory tree of the vmlinux. */
	if (kc_session_vmlinux_path(session)) {
		char *copy = strdup(kc_session_vmlinux_path(session));
		char *slash = copy ? strrchr(copy, '/') : NULL;
		if (slash)
			*slash = '\0';
		if (copy) {
			struct kc_error *err = kc_module_find_object(slash ? copy : ".", name, &path);
			kc_error_destroy(err);
		}
		free(copy);
	}
	return path;
}

static struct kc_error *load_one(struct kc_session *session, FILE *out,
				 const struct kc_modules *modules, const char *name,
				 const char *file)
{
	const struct kc_module *mod = kc_module_find(modules, name);
	if (!mod)
		return kc_error_create(KC_ERR_LOOKUP, "%s: not a loaded module name", name);
	char *found = NULL;
	if (!file) {
		found = default_object(session, name);
		if (!found)
			return kc_error_create(KC_ERR_LOOKUP,
					       "cannot find or load object file for %s module", name);
		file = found;
	} else if (access(file, R_OK) != 0) {
		return kc_error_os(errno, "%s: cannot find or load object file: %s", name, file);
	}
	struct kc_error *err = kc_module_load_debuginfo(session, name, file);
	free(found);
	if (err)
		return err;
	struct widths w = column_widths(modules);
	print_header(out, w);
	print_module(out, w, mod);
	return NULL;
}

static struct kc_error *load_all(struct kc_session *session, FILE *out,
				 const struct kc_modules *modules, const char *dir)
{
	struct widths w = column_widths(modules);
	bool header = false;
	for (size_t i = 0; i < modules->nr_modules; i++) {
		const struct kc_module *mod = &modules->modules[i];
		char *path = NULL;
		struct kc_error *err = NULL;
		if (dir)
			err = kc_module_find_object(dir, mod->name, &path);
		else if (!(path = default_object(session, mod->name)))
			err = kc_error_create(KC_ERR_LOOKUP, "not found");
		if (!err)
			err = kc_module_load_debuginfo(session, mod->name, path);
		free(path);
		if (err) {
			fprintf(out, "mod: cannot find or load object file for %s module\n",
				mod->name);
			kc_error_destroy(err);
			continue;
		}
		if (!header)
			print_header(out, w);
		header = true;
		print_module(out, w, mod);
	}
	return NULL;
}

static struct kc_error *cmd_mod(struct kc_session *session, int argc, char **argv,
				FILE *out)
{
	bool json = false;
	const char *load = NULL;   /* -s NAME */
	bool load_all_flag = false; /* -S */
	const char *rest[2] = {NULL, NULL};
	int nr_rest = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc && !load)
			load = argv[++i];
		else if (strcmp(argv[i], "-S") == 0)
			load_all_flag = true;
		else if (argv[i][0] != '-' && nr_rest < 1)
			rest[nr_rest++] = argv[i];
		else
			return kc_usage_error(&kc_cmd_mod);
	}
	if ((load && load_all_flag) || (nr_rest && !load && !load_all_flag) ||
	    (json && (load || load_all_flag)))
		return kc_usage_error(&kc_cmd_mod);
	const struct kc_modules *modules;
	struct kc_error *err = kc_modules_get(session, &modules);
	if (err)
		return err;
	if (load)
		return load_one(session, out, modules, load, nr_rest ? rest[0] : NULL);
	if (load_all_flag)
		return load_all(session, out, modules, nr_rest ? rest[0] : NULL);
	if (json) {
		print_json(out, modules);
		return NULL;
	}
	if (!modules->nr_modules) {
		fprintf(out, "no modules installed\n");
		return NULL;
	}
	struct widths w = column_widths(modules);
	print_header(out, w);
	for (size_t i = 0; i < modules->nr_modules; i++)
		print_module(out, w, &modules->modules[i]);
	if (modules->broken)
		fprintf(out, "WARNING: %s\n", modules->broken);
	return NULL;
}

static const char *const mod_aliases[] = {"lsmod", NULL};

const struct kc_command kc_cmd_mod = {
	.name = "mod",
	.aliases = mod_aliases,
	.summary = "loaded modules; load module debuginfo",
	.usage = "mod [--json] | mod -s NAME [FILE] | mod -S [DIR]",
	.help = "Lists the loaded kernel modules (the kernel's `modules' list) with\n"
		"crash's columns: the struct module address, the name, the base of its\n"
		"text, its size in bytes as /proc/modules counts it (every region:\n"
		"core and init layouts before Linux 6.4, mem[] after), and the object\n"
		"file whose debuginfo is loaded, else \"(not loaded)\" (with\n"
		"\"[CONFIG_KALLSYMS]\" when the module's own symbol table was read).\n"
		"  --json        the same as a JSON array, with every memory region\n"
		"  -s NAME [FILE] load NAME's debuginfo from FILE (its .ko), else from\n"
		"                /lib/modules/RELEASE or the vmlinux's directory tree;\n"
		"                its types then resolve like the kernel's\n"
		"  -S [DIR]      the same for every module, searching DIR recursively\n"
		"                for NAME.ko or NAME.ko.debug\n",
	.needs_dump = true,
	.run = cmd_mod,
};
