/* SPDX-License-Identifier: MIT */
#include "codec.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "../dynload.h"

struct kc_codec_ctx {
	z_stream zstream;
	bool zstream_ready;
	ZSTD_DCtx *zstd;
};

const char *kc_codec_name(enum kc_codec codec)
{
	switch (codec) {
	case KC_CODEC_NONE:
		return "none";
	case KC_CODEC_ZLIB:
		return "zlib";
	case KC_CODEC_LZO:
		return "lzo";
	case KC_CODEC_SNAPPY:
		return "snappy";
	case KC_CODEC_ZSTD:
		return "zstd";
	}
	return "unknown";
}

struct kc_error *kc_codec_ctx_create(struct kc_codec_ctx **ret)
{
	/* lzo_init() checks the library was built for this ABI; it is cheap. */
	if (lzo_init() != LZO_E_OK)
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "lzo: lzo_init() failed: liblzo2 does not match this build");
	struct kc_codec_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return &kc_error_nomem;
	/* The zlib stream and ZSTD_DCtx are made on first use. */
	*ret = ctx;
	return NULL;
}

void kc_codec_ctx_destroy(struct kc_codec_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->zstream_ready)
		inflateEnd(&ctx->zstream);
	ZSTD_freeDCtx(ctx->zstd);
	free(ctx);
}

static struct kc_error *wrong_size(enum kc_codec codec, size_t got,
				   size_t expected)
{
	return kc_error_create(KC_ERR_DECOMPRESS,
			       "%s: decompressed to %zu bytes, expected %zu",
			       kc_codec_name(codec), got, expected);
}

static struct kc_error *inflate_page(struct kc_codec_ctx *ctx, const void *in,
				     size_t in_size, void *out, size_t out_size)
{
	if (in_size > UINT_MAX || out_size > UINT_MAX)
		return kc_error_create(KC_ERR_DECOMPRESS,
				       "zlib: %zu input bytes is too many",
				       in_size);
	z_stream *zs = &ctx->zstream;
	if (!ctx->zstream_ready) {
		memset(zs, 0, sizeof(*zs));
		if (inflateInit(zs) != Z_OK)
			return kc_error_create(KC_ERR_NOMEM,
					       "zlib: inflateInit failed");
		ctx->zstream_ready = true;
	} else if (inflateReset(zs) != Z_OK) {
		return kc_error_create(KC_ERR_DECOMPRESS,
				       "zlib: inflateReset failed");
	}
	zs->next_in = (Bytef *)in;
	zs->avail_in = (uInt)in_size;
	zs->next_out = out;
	zs->avail_out = (uInt)out_size;
	int rc = inflate(zs, Z_FINISH);
	if (rc == Z_STREAM_END) {
		if (zs->total_out != out_size)
			return wrong_size(KC_CODEC_ZLIB, zs->total_out,
					  out_size);
		return NULL;
	}
	if ((rc == Z_OK || rc == Z_BUF_ERROR) && zs->avail_out == 0)
		return kc_error_create(KC_ERR_DECOMPRESS,
				       "zlib: stream decompresses to more than %zu bytes",
				       out_size);
	if (rc == Z_OK || rc == Z_BUF_ERROR)
		return kc_error_create(KC_ERR_DECOMPRESS,
				       "zlib: stream ends early after %lu of %zu bytes",
				       zs->total_out, out_size);
	return kc_error_create(KC_ERR_DECOMPRESS, "zlib: %s",
			       zs->msg ? zs->msg : "corrupt stream");
}

static struct kc_error *lzo_page(const void *in, size_t in_size, void *out,
				 size_t out_size)
{
	lzo_uint got = out_size;
	/* The _safe variant checks both buffers and needs no work memory. */
	int rc = lzo1x_decompress_safe(in, in_size, out, &got, NULL);
	if (rc == LZO_E_OUTPUT_OVERRUN)
		return kc_error_create(KC_ERR_DECOMPRESS,
				       "lzo: data decompresses to more than %zu bytes",
				       out_size);
	if (rc != LZO_E_OK)
		return kc_error_create(KC_ERR_DECOMPRESS,
				       "lzo: lzo1x_decompress_safe error %d", rc);
	if (got != out_size)
		return wrong_size(KC_CODEC_LZO, got, out_size);
	return NULL;
}

/* libsnappy, loaded for the first snappy page (src/dynload.h). */
static struct {
	__typeof__(snappy_uncompressed_length) *uncompressed_length;
	__typeof__(snappy_uncompress) *uncompress;
} libsnappy;

static struct kc_error *snappy_page(const void *in, size_t in_size, void *out,
				    size_t out_size)
{
	if (!libsnappy.uncompress) {
		const struct kc_dynload_symbol symbols[] = {
			{"snappy_uncompressed_length", (void **)&libsnappy.uncompressed_length},
			{"snappy_uncompress", (void **)&libsnappy.uncompress},
		};
		struct kc_error *err = kc_dynload("libsnappy.so.1", symbols, 2);
		if (err) {
			libsnappy.uncompress = NULL;
			return kc_error_prefix(err, "snappy");
		}
	}
	size_t promised;
	if (libsnappy.uncompressed_length(in, in_size, &promised) != SNAPPY_OK)
		return kc_error_create(KC_ERR_DECOMPRESS,
				       "snappy: corrupt length preamble");
	if (promised != out_size)
		return wrong_size(KC_CODEC_SNAPPY, promised, out_size);
	size_t got = out_size;
	snappy_status rc = libsnappy.uncompress(in, in_size, out, &got);
	if (rc != SNAPPY_OK)
		return kc_error_create(KC_ERR_DECOMPRESS,
				       "snappy: snappy_uncompress error %d",
				       (int)rc);
	if (got != out_size)
		return wrong_size(KC_CODEC_SNAPPY, got, out_size);
	return NULL;
}

static struct kc_error *zstd_page(struct kc_codec_ctx *ctx, const void *in,
				  size_t in_size, void *out, size_t out_size)
{
	if (!ctx->zstd) {
		ctx->zstd = ZSTD_createDCtx();
		if (!ctx->zstd)
			return &kc_error_nomem;
	}
	size_t got = ZSTD_decompressDCtx(ctx->zstd, out, out_size, in, in_size);
	if (ZSTD_isError(got))
		return kc_error_create(KC_ERR_DECOMPRESS, "zstd: %s",
				       ZSTD_getErrorName(got));
	if (got != out_size)
		return wrong_size(KC_CODEC_ZSTD, got, out_size);
	return NULL;
}

struct kc_error *kc_codec_decompress(struct kc_codec_ctx *ctx,
				     enum kc_codec codec, const void *in,
				     size_t in_size, void *out,
				     size_t out_size)
{
	switch (codec) {
	case KC_CODEC_NONE:
		if (in_size != out_size)
			return kc_error_create(KC_ERR_DECOMPRESS,
					       "none: stored %zu bytes, expected %zu",
					       in_size, out_size);
		memcpy(out, in, out_size);
		return NULL;
	case KC_CODEC_ZLIB:
		return inflate_page(ctx, in, in_size, out, out_size);
	case KC_CODEC_LZO:
		return lzo_page(in, in_size, out, out_size);
	case KC_CODEC_SNAPPY:
		return snappy_page(in, in_size, out, out_size);
	case KC_CODEC_ZSTD:
		return zstd_page(ctx, in, in_size, out, out_size);
	}
	return kc_error_create(KC_ERR_UNSUPPORTED, "unknown codec %d",
			       (int)codec);
}
