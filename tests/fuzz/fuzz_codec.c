/* SPDX-License-Identifier: MIT */
/*
 * Fuzz each page codec (zlib, LZO1X, snappy, zstd, none): the first byte
 * picks the codec and the page size (4K, 16K, 64K), the rest is the stored
 * page. Decompression must produce exactly one page or fail cleanly.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "vmcore/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kc_codec_ctx *ctx;
	static uint8_t page[65536];
	if (!ctx && kc_codec_ctx_create(&ctx))
		abort();
	if (size < 1)
		return 0;
	enum kc_codec codec = (enum kc_codec)(data[0] % KC_CODEC_COUNT);
	static const size_t page_sizes[] = {4096, 16384, 65536};
	size_t out_size = page_sizes[(data[0] / KC_CODEC_COUNT) % 3];
	/* A copy of exactly the input's size so ASan sees any over-read. */
	uint8_t *in = malloc(size - 1 ? size - 1 : 1);
	if (!in)
		return 0;
	memcpy(in, data + 1, size - 1);
	fuzz_drop_error(kc_codec_decompress(ctx, codec, in, size - 1, page,
					    out_size));
	free(in);
	return 0;
}
