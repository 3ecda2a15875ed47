/* SPDX-License-Identifier: MIT */
#include "dumpbtf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

/* Kernels are far smaller; a bound on what a corrupt header can make us read. */
#define BTF_MAX_BYTES (64u << 20)
#define SCAN_CHUNK (64u << 10)
/* When the image size is unknown: distro kernel images are 30-60 MB. */
#define IMAGE_SCAN_DEFAULT (96u << 20)

static struct kc_error *open_at(struct kc_session *session, uint64_t addr,
				size_t size, const char *how, struct kc_btf **ret)
{
	if (size > BTF_MAX_BYTES)
		return kc_error_address(KC_ERR_FORMAT, addr,
					"BTF at 0x%llx: %zu bytes is more than the %u MB kcrash reads",
					(unsigned long long)addr, size, BTF_MAX_BYTES >> 20);
	void *bytes = malloc(size ? size : 1);
	if (!bytes)
		return &kc_error_nomem;
	struct kc_error *err = kc_kernel_read(session, addr, bytes, size);
	if (!err) {
		char description[256];
		snprintf(description, sizeof(description), "BTF in the dump at 0x%llx (%s)",
			 (unsigned long long)addr, how);
		err = kc_btf_open_data(bytes, size, NULL, description, ret);
	}
	free(bytes);
	if (err)
		return kc_error_prefix(err, "BTF at 0x%llx", (unsigned long long)addr);
	return NULL;
}

/* Only the kernel's own BTF describes its tasks. */
static bool is_vmlinux_btf(const struct kc_btf *btf)
{
	struct kc_type task;
	struct kc_error *err = kc_btf_find_type(btf, "struct task_struct", &task);
	kc_error_destroy(err);
	return !err && kc_type_has_member(&task, "pid");
}

/*
 * _text: the arm64 Image header ("ARM\x64" at offset 56,
 * Documentation/arm64/booting.rst) is there, at most 64 KiB below _stext.
 */
static bool find_image_header(struct kc_session *session, uint64_t stext,
			      uint64_t *text, uint64_t *image_size)
{
	for (uint64_t probe = stext & ~0xfffull; stext - probe <= 0x10000;
	     probe -= 0x1000) {
		uint8_t hdr[64];
		struct kc_error *err = kc_kernel_read(session, probe, hdr, sizeof(hdr));
		if (err) {
			kc_error_destroy(err);
			continue;
		}
		if (memcmp(hdr + 56, "ARM\x64", 4) == 0) {
			uint64_t size;
			memcpy(&size, hdr + 16, 8); /* image_size, little-endian */
			*text = probe;
			*image_size = size;
			return true;
		}
	}
	return false;
}

struct scan {
	struct kc_session *session;
	uint64_t start, end;
	uint64_t candidates;
	struct kc_error *last_error;
};

/* A candidate header at ADDR: parse the blob, keep it when it is vmlinux's. */
static bool try_candidate(struct scan *scan, uint64_t addr, const uint8_t *hdr,
			  size_t avail, struct kc_btf **ret)
{
	size_t size = kc_btf_blob_size(hdr, avail);
	if (!size || size > BTF_MAX_BYTES || addr + size > scan->end)
		return false;
	scan->candidates++;
	struct kc_btf *btf;
	struct kc_error *err = open_at(scan->session, addr, size,
				       "found by scanning the kernel image", &btf);
	if (err) {
		kc_error_destroy(scan->last_error);
		scan->last_error = err;
		return false;
	}
	if (!is_vmlinux_btf(btf)) {
		kc_btf_close(btf);
		return false;
	}
	*ret = btf;
	return true;
}

static struct kc_error *scan_image(struct scan *scan, struct kc_btf **ret)
{
	uint8_t *chunk = malloc(SCAN_CHUNK + 32);
	if (!chunk)
		return &kc_error_nomem;
	bool found = false;
	for (uint64_t at = scan->start & ~3ull; !found && at < scan->end; at += SCAN_CHUNK) {
		size_t len = SCAN_CHUNK + 32;
		if (scan->end - at < len)
			len = (size_t)(scan->end - at);
		struct kc_error *err = kc_kernel_read(scan->session, at, chunk, len);
		if (err) {
			/* Pages the dump lacks: no BTF there; a short tail still counts. */
			kc_error_destroy(err);
			len = len > SCAN_CHUNK ? SCAN_CHUNK : len;
			err = kc_kernel_read(scan->session, at, chunk, len);
			if (err) {
				kc_error_destroy(err);
				continue;
			}
		}
		err = kc_check_interrupt();
		if (err) {
			free(chunk);
			return err;
		}
		for (size_t off = 0; off + 24 <= len && off < SCAN_CHUNK && !found; off += 4) {
			/* magic 0xeb9f, version 1, flags 0 (little-endian) */
			if (chunk[off] != 0x9f || chunk[off + 1] != 0xeb ||
			    chunk[off + 2] != 1 || chunk[off + 3] != 0)
				continue;
			found = try_candidate(scan, at + off, chunk + off, len - off, ret);
		}
	}
	free(chunk);
	return NULL;
}

struct kc_error *kc_dump_btf_open(struct kc_session *session, struct kc_btf **ret)
{
	uint64_t start, stop;
	struct kc_error *err = kc_kernel_symbol(session, "__start_BTF", &start);
	if (!err)
		err = kc_kernel_symbol(session, "__stop_BTF", &stop);
	if (!err) {
		if (stop <= start)
			return kc_error_create(KC_ERR_FORMAT,
					       "__stop_BTF 0x%llx is not above __start_BTF 0x%llx",
					       (unsigned long long)stop,
					       (unsigned long long)start);
		return open_at(session, start, (size_t)(stop - start),
			       "__start_BTF", ret);
	}
	kc_error_destroy(err);

	/* No symbols: search the image, after the text when _etext is known. */
	uint64_t stext, etext, text = 0, image_size = 0;
	err = kc_kernel_symbol(session, "_stext", &stext);
	if (err)
		return kc_error_prefix(err, "no BTF in the dump: cannot find the kernel image");
	struct scan scan = {.session = session};
	scan.start = stext;
	bool have_etext = !(err = kc_kernel_symbol(session, "_etext", &etext)) &&
			  etext > stext;
	kc_error_destroy(err);
	if (have_etext)
		scan.start = etext;
	if (find_image_header(session, stext, &text, &image_size) &&
	    image_size > stext - text && image_size < (1ull << 30))
		scan.end = text + image_size;
	else
		scan.end = stext + IMAGE_SCAN_DEFAULT;
	struct kc_btf *btf = NULL;
	err = scan_image(&scan, &btf);
	if (err) {
		kc_error_destroy(scan.last_error);
		return err;
	}
	if (btf) {
		kc_error_destroy(scan.last_error);
		*ret = btf;
		return NULL;
	}
	if (scan.last_error) {
		err = kc_error_create(KC_ERR_FORMAT,
				      "no usable BTF in the dump's kernel image 0x%llx-0x%llx (%llu candidate headers; the last: %s)",
				      (unsigned long long)scan.start, (unsigned long long)scan.end,
				      (unsigned long long)scan.candidates,
				      kc_error_message(scan.last_error));
		kc_error_destroy(scan.last_error);
		return err;
	}
	return kc_error_create(KC_ERR_LOOKUP,
			       "no BTF in the dump's kernel image 0x%llx-0x%llx (a kernel built without CONFIG_DEBUG_INFO_BTF?)",
			       (unsigned long long)scan.start, (unsigned long long)scan.end);
}
