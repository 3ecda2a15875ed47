/* SPDX-License-Identifier: MIT */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kc_error kc_error_nomem = {
	.code = KC_ERR_NOMEM,
	.message = "out of memory",
};

volatile sig_atomic_t kc_interrupt_flag;

struct kc_error *kc_interrupted_error(void)
{
	return kc_error_create(KC_ERR_INTERRUPTED, "interrupted");
}

static char *vformat(const char *fmt, va_list ap)
{
	char *out = NULL;
	if (vasprintf(&out, fmt, ap) < 0)
		return NULL;
	return out;
}

struct kc_error *kc_error_vcreate(enum kc_error_code code, const char *fmt,
				  va_list ap)
{
	struct kc_error *err = calloc(1, sizeof(*err));
	if (!err)
		return &kc_error_nomem;
	err->code = code;
	err->message = vformat(fmt, ap);
	if (!err->message) {
		free(err);
		return &kc_error_nomem;
	}
	return err;
}

struct kc_error *kc_error_create(enum kc_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct kc_error *err = kc_error_vcreate(code, fmt, ap);
	va_end(ap);
	return err;
}

struct kc_error *kc_error_address(enum kc_error_code code, uint64_t address,
				  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct kc_error *err = kc_error_vcreate(code, fmt, ap);
	va_end(ap);
	if (err != &kc_error_nomem) {
		err->has_address = true;
		err->address = address;
	}
	return err;
}

struct kc_error *kc_error_os(int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *what = vformat(fmt, ap);
	va_end(ap);
	if (!what)
		return &kc_error_nomem;
	struct kc_error *err = kc_error_create(KC_ERR_OS, "%s: %s", what,
					       strerror(errnum));
	free(what);
	if (err != &kc_error_nomem)
		err->errnum = errnum;
	return err;
}

struct kc_error *kc_error_prefix(struct kc_error *err, const char *fmt, ...)
{
	if (!err || err == &kc_error_nomem)
		return err;
	va_list ap;
	va_start(ap, fmt);
	char *prefix = vformat(fmt, ap);
	va_end(ap);
	char *joined = NULL;
	if (!prefix || asprintf(&joined, "%s: %s", prefix, err->message) < 0) {
		free(prefix);
		return err; /* keep the unprefixed message rather than lose it */
	}
	free(prefix);
	free(err->message);
	err->message = joined;
	return err;
}

void kc_error_destroy(struct kc_error *err)
{
	if (!err || err == &kc_error_nomem)
		return;
	free(err->message);
	free(err);
}
