/* SPDX-License-Identifier: MIT */
#include "dynload.h"

#include <dlfcn.h>
#include <string.h>

#define MAX_LIBRARIES 8

/* What each library's first load gave, so that it is tried once. */
static struct {
	const char *soname;
	void *handle;
	char *error;
} loaded[MAX_LIBRARIES];

static struct kc_error *load(const char *soname, void **handle)
{
	size_t i;
	for (i = 0; i < MAX_LIBRARIES && loaded[i].soname; i++) {
		if (strcmp(loaded[i].soname, soname) == 0)
			break;
	}
	if (i < MAX_LIBRARIES && loaded[i].soname) {
		*handle = loaded[i].handle;
		if (loaded[i].handle)
			return NULL;
		if (loaded[i].error)
			return kc_error_create(KC_ERR_UNSUPPORTED, "%s", loaded[i].error);
		return kc_error_create(KC_ERR_UNSUPPORTED, "%s could not be loaded", soname);
	}
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	struct kc_error *err = NULL;
	if (!lib) {
		const char *why = dlerror();
		err = kc_error_create(KC_ERR_UNSUPPORTED, "%s could not be loaded: %s", soname,
				      why ? why : "unknown error");
	}
	if (i < MAX_LIBRARIES) {
		loaded[i].soname = soname;
		loaded[i].handle = lib;
		loaded[i].error = err ? strdup(kc_error_message(err)) : NULL;
	}
	*handle = lib;
	return err;
}

struct kc_error *kc_dynload(const char *soname, const struct kc_dynload_symbol *symbols,
			    size_t nr_symbols)
{
	void *lib;
	struct kc_error *err = load(soname, &lib);
	if (err)
		return err;
	for (size_t i = 0; i < nr_symbols; i++) {
		void *address = dlsym(lib, symbols[i].name);
		if (!address)
			return kc_error_create(KC_ERR_UNSUPPORTED, "%s has no %s", soname,
					       symbols[i].name);
		*symbols[i].address = address;
	}
	return NULL;
}
