/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the flattened-format record index (src/vmcore/file.c) alone: open,
 * then read the logical file in pieces that straddle record boundaries and
 * overlaps, checking kc_file_ptr agrees with kc_file_read.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "vmcore/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_input_path(data, size);
	struct kc_file *file;
	struct kc_error *err = kc_file_open(path, &file);
	if (err) {
		fuzz_drop_error(err);
		return 0;
	}
	uint8_t buf[512];
	uint64_t step = file->size / 32 + 1;
	for (uint64_t off = 0; off < file->size + 2 * sizeof(buf); off += step) {
		size_t len = (size_t)(off % sizeof(buf)) + 1;
		err = kc_file_read(file, off, buf, len, "fuzz read");
		const uint8_t *ptr = kc_file_ptr(file, off, len);
		if (!err && ptr && memcmp(ptr, buf, len) != 0)
			abort(); /* the two access paths disagree */
		if (err && ptr)
			abort(); /* a pointer to bytes that cannot be read */
		fuzz_drop_error(err);
		if (step > UINT64_MAX - off)
			break;
	}
	/* Offsets near the top of the 64-bit space. */
	fuzz_drop_error(kc_file_read(file, UINT64_MAX - 4, buf, 8, "fuzz read"));
	(void)kc_file_ptr(file, UINT64_MAX - 4, 8);
	kc_file_close(file);
	return 0;
}
