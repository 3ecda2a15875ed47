/* SPDX-License-Identifier: MIT */
/*
 * Page codecs of makedumpfile's kdump-compressed format.
 *
 * Each stored page is compressed on its own (zlib's compress2(), LZO1X,
 * snappy or zstd) and must decompress to exactly one dump page. A
 * struct kc_codec_ctx keeps the per-codec state (zlib stream, ZSTD_DCtx)
 * so the hot path allocates nothing.
 */
#ifndef KC_VMCORE_CODEC_H
#define KC_VMCORE_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "../error.h"

enum kc_codec {
	KC_CODEC_NONE,
	KC_CODEC_ZLIB,
	KC_CODEC_LZO,
	KC_CODEC_SNAPPY,
	KC_CODEC_ZSTD,
};

#define KC_CODEC_COUNT 5

/* "none", "zlib", "lzo", "snappy", "zstd". */
const char *kc_codec_name(enum kc_codec codec);

struct kc_codec_ctx;

struct kc_error *kc_codec_ctx_create(struct kc_codec_ctx **ret);
void kc_codec_ctx_destroy(struct kc_codec_ctx *ctx);

/*
 * Decompress IN_SIZE bytes at IN into exactly OUT_SIZE bytes at OUT. Anything
 * else (corrupt input, more or fewer output bytes) is KC_ERR_DECOMPRESS with
 * a message like "zlib: invalid distance too far back"; callers prefix where
 * the data came from. KC_CODEC_NONE copies, requiring IN_SIZE == OUT_SIZE.
 */
struct kc_error *kc_codec_decompress(struct kc_codec_ctx *ctx,
				     enum kc_codec codec, const void *in,
				     size_t in_size, void *out,
				     size_t out_size);

#endif
