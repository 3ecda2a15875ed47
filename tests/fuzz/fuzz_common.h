/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer targets: the readers take file paths, so the fuzz
 * input is written to a memfd and opened through /proc/self/fd/N, which
 * takes the same open/fstat/mmap path a dump on disk does.
 */
#ifndef KC_FUZZ_COMMON_H
#define KC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "error.h"

/* Replace the contents of the process's one memfd with DATA; its path. */
static inline const char *fuzz_input_path(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("kcrash-fuzz", MFD_CLOEXEC);
		if (fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size) {
		perror("memfd write");
		abort();
	}
	return path;
}

/* Errors are expected results here; only their messages must be sane. */
static inline void fuzz_drop_error(struct kc_error *err)
{
	if (!err)
		return;
	const char *msg = kc_error_message(err);
	if (!msg || !*msg)
		abort(); /* every error must say something */
	kc_error_destroy(err);
}

/* Little-endian values from the head of the input, zero past its end. */
static inline uint64_t fuzz_take_u64(const uint8_t **data, size_t *size)
{
	uint64_t value = 0;
	size_t n = *size < 8 ? *size : 8;
	memcpy(&value, *data, n);
	*data += n;
	*size -= n;
	return value;
}

#endif
