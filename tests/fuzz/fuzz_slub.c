/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the SLUB freelist walk (include/kcrash/mm_slub.h,
 * kc_slub_walk_freelist_read) over a fuzzed slab, through its read
 * callback.
 *
 * The slab is 16 KiB at a linear-map-like address. Input: 8 bytes of
 * parameters, then patches. Parameters: byte 0 the encoding (mod 3:
 * plain, XOR, XOR+swab) and whether the memory is the input itself (bit
 * 7); byte 1 the object stride (8 * (1 + b % 128)); byte 2 the free
 * pointer's offset (8 * (b % stride/8)); byte 3 the object count (1 +
 * b); byte 4 red_left_pad (8 * (b % 4)); byte 5 the head's object index;
 * bytes 6-7 XORed into random's low half. Without bit 7, the slab starts
 * with a valid freelist chaining every other object, encoded as the
 * kernel encodes it, and each following 10 bytes patch a word (2 bytes of
 * word index, 8 XORed in): the empty input walks a clean freelist. Every
 * walk must end, visit each object at most once and only objects of the
 * slab, and give at most a one-line error.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/mm_slub.h>

#define BASE UINT64_C(0xffff000041160000)
#define MEM_SIZE 16384

static uint8_t memory[MEM_SIZE];

static struct kc_error *read_memory(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr < BASE || addr - BASE > MEM_SIZE || len > MEM_SIZE - (addr - BASE))
		return kc_error_address(KC_ERR_FAULT, addr, "0x%llx: not in the fuzz slab",
					(unsigned long long)addr);
	memcpy(buf, memory + (addr - BASE), len);
	return NULL;
}

struct seen {
	const struct kc_slub_freelist_params *p;
	uint8_t visited[65536 / 8];
	size_t n;
};

static struct kc_error *visit(void *ctx, uint64_t obj)
{
	struct seen *s = ctx;
	const struct kc_slub_freelist_params *p = s->p;
	uint64_t first = p->base + p->red_left_pad;
	if (obj < first || (obj - first) % p->size || (obj - first) / p->size >= p->objects)
		abort();  /* a pointer that is no object reached the visitor */
	uint64_t i = (obj - first) / p->size;
	if (s->visited[i / 8] & (1u << (i % 8)))
		abort();  /* an object visited twice */
	s->visited[i / 8] |= (uint8_t)(1u << (i % 8));
	if (++s->n > p->objects)
		abort();
	return NULL;
}

static void put_encoded(const struct kc_slub_freelist_params *p, uint64_t obj, uint64_t next)
{
	uint64_t addr = obj + p->offset;
	if (addr < BASE || addr + 8 > BASE + MEM_SIZE)
		return;
	uint64_t stored = next;
	if (p->encoding == KC_SLUB_FREELIST_XOR)
		stored = next ^ p->random ^ addr;
	else if (p->encoding == KC_SLUB_FREELIST_XOR_SWAB)
		stored = next ^ p->random ^ __builtin_bswap64(addr);
	memcpy(memory + (addr - BASE), &stored, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t params[8] = {2, 15, 1, 63, 0, 0, 0x5a, 0xa5};
	memcpy(params, data, size < 8 ? size : 8);
	data += size < 8 ? size : 8;
	size -= size < 8 ? size : 8;
	struct kc_slub_freelist_params p = {
		.encoding = (enum kc_slub_freelist_encoding)(params[0] % 3),
		.random = UINT64_C(0x1234567890abcdef) ^ (uint64_t)(params[6] | params[7] << 8),
		.size = 8 * (1 + (uint64_t)(params[1] % 128)),
		.base = BASE,
		.objects = 1 + params[3],
	};
	p.offset = 8 * (params[2] % (p.size / 8));
	p.red_left_pad = 8 * (uint64_t)(params[4] % 4);
	uint64_t head = BASE + p.red_left_pad + (params[5] % p.objects) * p.size;
	if (params[0] & 0x80) {
		memset(memory, 0, sizeof(memory));
		memcpy(memory, data, size < MEM_SIZE ? size : MEM_SIZE);
	} else {
		memset(memory, 0, sizeof(memory));
		/* Every other object from the head, then NULL. */
		uint64_t first = BASE + p.red_left_pad;
		uint64_t idx = (head - first) / p.size;
		for (; idx + 2 < p.objects; idx += 2)
			put_encoded(&p, first + idx * p.size, first + (idx + 2) * p.size);
		put_encoded(&p, first + idx * p.size, 0);
		for (; size >= 10; data += 10, size -= 10) {
			uint64_t word = ((uint64_t)data[0] | (uint64_t)data[1] << 8) % (MEM_SIZE / 8), x, v;
			memcpy(&x, data + 2, 8);
			memcpy(&v, memory + word * 8, 8);
			v ^= x;
			memcpy(memory + word * 8, &v, 8);
		}
	}
	struct seen *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->p = &p;
	struct kc_walk_mem mem = {read_memory, NULL};
	struct kc_error *err = kc_slub_walk_freelist_read(&mem, &p, head, visit, s);
	if (err) {
		const char *msg = kc_error_message(err);
		if (!msg[0] || strchr(msg, '\n'))
			abort();
		kc_error_destroy(err);
	}
	free(s);
	return 0;
}
