/* SPDX-License-Identifier: MIT */
/*
 * `py` and -x: the interpreter lives in kcrash-python.so (python/embed.c),
 * loaded the first time a script runs. Linked into the binary, libpython
 * cost every run its relocations (2.5 ms of a 20 ms `ps; mod`).
 */
#include "pyplugin.h"

#ifdef KCRASH_HAVE_PYTHON
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kcrash/error.h>

/*
 * Under LeakSanitizer: CPython keeps some allocations past Py_FinalizeEx
 * (interned strings, static types' caches); they are libpython's, not
 * kcrash's, so only leaks allocated from libpython itself are ignored.
 * (The hook has to be the executable's.)
 */
#if defined(__SANITIZE_ADDRESS__)
#define KC_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KC_LSAN 1
#endif
#endif
#ifdef KC_LSAN
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libpython3\n";
}
#endif

#define PLUGIN_NAME "kcrash-python.so"

static kc_python_runner_fn plugin_run;

/*
 * The plugin next to the binary in a build tree (python/), else where
 * `meson install` put it.
 */
static struct kc_error *load_plugin(void)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *candidates[2] = {NULL, NULL};
	if (len > 0) {
		exe[len] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if (asprintf(&candidates[0], "%s/python/%s", exe, PLUGIN_NAME) < 0)
				candidates[0] = NULL;
		}
	}
	candidates[1] = strdup(KCRASH_PYTHON_PLUGIN);
	const char *path = NULL;
	for (size_t i = 0; i < 2 && !path; i++) {
		if (candidates[i] && access(candidates[i], R_OK) == 0)
			path = candidates[i];
	}
	struct kc_error *err = NULL;
	if (!path) {
		err = kc_error_create(KC_ERR_UNSUPPORTED, "Python: no %s at %s%s%s", PLUGIN_NAME,
				      candidates[0] ? candidates[0] : "",
				      candidates[0] ? " or " : "", KCRASH_PYTHON_PLUGIN);
	} else {
		/* GLOBAL: the extension modules Python imports need libpython's symbols. */
		void *plugin = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
		void *run = plugin ? dlsym(plugin, "kc_python_run") : NULL;
		if (!run) {
			const char *why = dlerror();
			err = kc_error_create(KC_ERR_UNSUPPORTED, "Python: %s: %s", path,
					      why ? why : "no kc_python_run");
		} else {
			plugin_run = (kc_python_runner_fn)run;
		}
	}
	free(candidates[0]);
	free(candidates[1]);
	return err;
}

static struct kc_error *run_in_plugin(struct kc_session *session, int argc, char **argv,
				      FILE *out)
{
	if (!plugin_run) {
		struct kc_error *err = load_plugin();
		if (err)
			return err;
	}
	return plugin_run(session, argc, argv, out);
}

void kc_pyplugin_register(void)
{
	kc_cmd_py_set_runner(run_in_plugin);
}
#else
void kc_pyplugin_register(void)
{
}
#endif
