// SPDX-License-Identifier: MIT
/*
 * search and kcrash/search.h against what the guests put in memory:
 *  - kcrash_testmod's vmalloc buffer (facts.txt: word i = 0x4b43564d00000000
 *    | i at testmod.vbuf.va, its pages' physical addresses listed) is found
 *    at its vmalloc address, at its linear-map alias and at its physical
 *    address, every word of it with a mask, on all four fixtures;
 *  - the Debian workload's magic strings (kc_workload-info.txt: a pipe
 *    buffer, a unix socket, TCP and UDP receive queues) are found once
 *    each, in kernel and in physical memory, at the same physical place;
 *  - the kcproc processes' heap patterns in their user memory (the
 *    unfiltered ELF dump), none in the -d 31 kdump (no user pages);
 *  - values and strings that are nowhere give no hit, a string that
 *    crosses a page is found, the layouts crash prints, --json, Ctrl-C.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kcrash/kcrash.h>
#include <kcrash/search.h>

#include "command.h"
#include "harness.h"

struct hits {
	uint64_t addr[4096], paddr[4096], value[4096];
	size_t index[4096];
	size_t n;
	char context[4][64];
};

static struct kc_error *collect(void *ctx, const struct kc_search_hit *hit)
{
	struct hits *h = ctx;
	if (h->n < 4096) {
		h->addr[h->n] = hit->addr;
		h->paddr[h->n] = hit->paddr;
		h->value[h->n] = hit->value;
		h->index[h->n] = hit->index;
		if (hit->bytes && h->n < 4) {
			size_t len = hit->nr_bytes < 63 ? hit->nr_bytes : 63;
			memcpy(h->context[h->n], hit->bytes, len);
			h->context[h->n][len] = '\0';
		}
	}
	h->n++;
	return NULL;
}

static bool has(const struct hits *h, uint64_t addr)
{
	for (size_t i = 0; i < h->n && i < 4096; i++)
		if (h->addr[i] == addr)
			return true;
	return false;
}

static uint64_t fact_hex(const char *fixture, const char *key)
{
	char *v = kc_test_fact(fixture, key);
	uint64_t x = v ? strtoull(v, NULL, 16) : 0;
	free(v);
	return x;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void vbuf_fixture(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	uint64_t vbuf = fact_hex(fixture, "testmod.vbuf.va");
	char *size_text = kc_test_fact(fixture, "testmod.vbuf.size");
	char *page0 = kc_test_fact(fixture, "testmod.vbuf.page0");
	REQUIRE(vbuf && size_text && page0 && strstr(page0, "->"));
	uint64_t size = strtoull(size_text, NULL, 0);
	uint64_t page0_phys = strtoull(strstr(page0, "->") + 2, NULL, 16);
	free(size_text);
	free(page0);
	struct kc_arm64_mmu *mmu;
	REQUIRE_OK(kc_session_mmu(session, &mmu));
	uint64_t alias;
	REQUIRE_OK(kc_arm64_ptov(mmu, page0_phys, &alias));

	/* Word 5 of the buffer: its vmalloc address and its linear alias, whole kernel space. */
	struct hits *h = calloc(1, sizeof(*h));
	REQUIRE(h);
	uint64_t value = UINT64_C(0x4b43564d00000005);
	struct kc_search_request req = {.space = KC_SEARCH_KERNEL, .width = 8, .values = &value,
					.nr_values = 1};
	struct kc_search_stats stats;
	double t0 = now();
	REQUIRE_OK(kc_search_memory(session, &req, collect, h, &stats));
	double seconds = now() - t0;
	CHECK_MSG(has(h, vbuf + 40) && has(h, alias + 40), "%s: %zu hits, not at 0x%" PRIx64
		  " and 0x%" PRIx64, fixture, h->n, vbuf + 40, alias + 40);
	CHECK_EQ_U64(h->n, 2);
	for (size_t i = 0; i < h->n; i++) {
		CHECK_EQ_U64(h->value[i], value);
		CHECK_EQ_U64(h->paddr[i], page0_phys + 40);
	}
	CHECK(stats.pages_searched > 0 && stats.pages_skipped > 0 && stats.hits == h->n);
	printf("    %s: whole kernel space: %" PRIu64 " pages (%.1f MB) read, %" PRIu64
	       " not in the dump, in %.3f s (%.0f MB/s)\n", fixture, stats.pages_searched,
	       (double)stats.bytes_searched / 1e6, stats.pages_skipped, seconds,
	       (double)stats.bytes_searched / 1e6 / seconds);

	/* -K: only the linear alias; -V: only the vmalloc address. */
	h->n = 0;
	req.linear_only = true;
	REQUIRE_OK(kc_search_memory(session, &req, collect, h, NULL));
	CHECK(h->n == 1 && h->addr[0] == alias + 40);
	h->n = 0;
	req.linear_only = false;
	req.skip_linear = true;
	REQUIRE_OK(kc_search_memory(session, &req, collect, h, NULL));
	CHECK(h->n == 1 && h->addr[0] == vbuf + 40);

	/* Physical memory. */
	h->n = 0;
	req = (struct kc_search_request){.space = KC_SEARCH_PHYSICAL, .width = 8, .values = &value,
					 .nr_values = 1};
	REQUIRE_OK(kc_search_memory(session, &req, collect, h, NULL));
	CHECK(h->n == 1 && h->addr[0] == page0_phys + 40);

	/* Every word of the buffer through a mask over its range, in order. */
	h->n = 0;
	uint64_t base = UINT64_C(0x4b43564d00000000);
	req = (struct kc_search_request){.space = KC_SEARCH_KERNEL, .start = vbuf,
					 .end = vbuf + size - 1, .width = 8, .values = &base,
					 .nr_values = 1, .mask = 0xffffffff};
	REQUIRE_OK(kc_search_memory(session, &req, collect, h, NULL));
	CHECK_EQ_U64(h->n, size / 8);
	for (size_t i = 0; i < h->n && i < 4096; i++) {
		CHECK_EQ_U64(h->addr[i], vbuf + 8 * i);
		CHECK_EQ_U64(h->value[i], base | i);
	}
	/* 32-bit halves: the high word at every +4. */
	h->n = 0;
	uint64_t high = 0x4b43564d;
	req = (struct kc_search_request){.space = KC_SEARCH_KERNEL, .start = vbuf,
					 .end = vbuf + 63, .width = 4, .values = &high,
					 .nr_values = 1};
	REQUIRE_OK(kc_search_memory(session, &req, collect, h, NULL));
	CHECK_EQ_U64(h->n, 8);
	CHECK_EQ_U64(h->addr[0], vbuf + 4);

	/* Nothing where there is nothing. */
	h->n = 0;
	uint64_t nowhere = UINT64_C(0x5a17c3e9d2b4f681);
	req = (struct kc_search_request){.space = KC_SEARCH_KERNEL, .width = 8, .values = &nowhere,
					 .nr_values = 1};
	REQUIRE_OK(kc_search_memory(session, &req, collect, h, NULL));
	CHECK_EQ_U64(h->n, 0);
	const char *missing = "KCFX-NO-SUCH-MAGIC-6a1f";
	req = (struct kc_search_request){.space = KC_SEARCH_KERNEL, .strings = &missing,
					 .nr_strings = 1};
	REQUIRE_OK(kc_search_memory(session, &req, collect, h, NULL));
	CHECK_EQ_U64(h->n, 0);
	free(h);
	kc_session_destroy(session);
}

KC_TEST(search_testmod_vbuf_4k48) { vbuf_fixture("arm64-6.1-4k48"); }
KC_TEST(search_testmod_vbuf_16k47) { vbuf_fixture("arm64-6.1-16k47"); }
KC_TEST(search_testmod_vbuf_64k52) { vbuf_fixture("arm64-6.1-64k52"); }
KC_TEST(search_testmod_vbuf_5_10_4k39) { vbuf_fixture("arm64-5.10-4k39"); }

KC_TEST(search_workload_magic_strings)
{
	char dir[4096], path[4200];
	snprintf(dir, sizeof(dir), "%s/fixtures/debian-6.1-arm64-workload", kc_test_source_dir());
	snprintf(path, sizeof(path), "%s/ground-truth/kc_workload-info.txt", dir);
	char *info = kc_test_read_file(path, NULL);
	REQUIRE(info);
	char magic[4][64];
	size_t n = 0;
	for (char *line = strtok(info, "\n"); line; line = strtok(NULL, "\n"))
		if (n < 4 && sscanf(line, "magic %63s", magic[n]) == 1)
			n++;
	free(info);
	REQUIRE(n == 4);
	snprintf(path, sizeof(path), "%s/vmcore.kdump-zlib", dir);
	const char *dumps[] = {path};
	struct kc_session_options opts = {.dump_paths = dumps, .nr_dump_paths = 1,
					  .no_debuginfod = true};
	struct kc_session *session;
	REQUIRE_OK(kc_session_open(&opts, &session));
	struct hits *k = calloc(1, sizeof(*k)), *p = calloc(1, sizeof(*p));
	REQUIRE(k && p);
	for (size_t i = 0; i < n; i++) {
		const char *s = magic[i];
		struct kc_search_request req = {.space = KC_SEARCH_KERNEL, .strings = &s,
						.nr_strings = 1};
		k->n = p->n = 0;
		struct kc_search_stats stats;
		double t0 = now();
		REQUIRE_OK(kc_search_memory(session, &req, collect, k, &stats));
		double seconds = now() - t0;
		req.space = KC_SEARCH_PHYSICAL;
		REQUIRE_OK(kc_search_memory(session, &req, collect, p, NULL));
		CHECK_MSG(k->n == 1 && p->n == 1, "%s: %zu kernel hits, %zu physical", s, k->n, p->n);
		if (k->n == 1 && p->n == 1) {
			CHECK_EQ_U64(k->paddr[0], p->addr[0]);
			CHECK(strncmp(k->context[0], s, strlen(s)) == 0);
		}
		if (i == 0)
			printf("    debian-6.1 workload: kernel space %.1f MB read in %.3f s (%.0f MB/s)\n",
			       (double)stats.bytes_searched / 1e6, seconds,
			       (double)stats.bytes_searched / 1e6 / seconds);
	}
	/* All four at once: one hit each, in address order. */
	const char *all[4] = {magic[0], magic[1], magic[2], magic[3]};
	struct kc_search_request req = {.space = KC_SEARCH_PHYSICAL, .strings = all, .nr_strings = 4};
	p->n = 0;
	REQUIRE_OK(kc_search_memory(session, &req, collect, p, NULL));
	CHECK_EQ_U64(p->n, 4);
	for (size_t i = 1; i < p->n && i < 4; i++)
		CHECK(p->addr[i - 1] < p->addr[i]);
	/* The command prints crash's "ADDR: context" lines. */
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "search -c %s", magic[0]);
	const char *commands[] = {cmd};
	char *out = kc_test_run_commands(session, commands, 1);
	CHECK(out && strstr(out, magic[0]) && strstr(out, ": KCFX-"));
	free(out);
	free(k);
	free(p);
	kc_session_destroy(session);
}

/* The kcproc processes' heaps: in the ELF dump's user memory, not in the -d 31 kdump. */
KC_TEST(search_user_memory)
{
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.elf.zst");
	struct kc_session *filtered = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session || !filtered) {
		kc_session_destroy(session);
		kc_session_destroy(filtered);
		return;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/arm64-6.1-4k48/ground-truth/kcproc.txt", kc_test_fixtures_dir());
	char *truth = kc_test_read_file(path, NULL);
	REQUIRE(truth);
	const char *p = strstr(truth, "comm=kc_sleeper pid=");
	REQUIRE(p);
	int pid;
	unsigned long long buf;
	REQUIRE(sscanf(p, "comm=kc_sleeper pid=%d buf=%llx", &pid, &buf) == 2);
	free(truth);
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	const struct kc_task *task = kc_task_by_pid(list, pid);
	REQUIRE(task);
	struct hits *h = calloc(1, sizeof(*h));
	REQUIRE(h);
	uint64_t word7 = UINT64_C(0x4b43555300000000) | (uint64_t)pid << 16 | 7;
	struct kc_search_request req = {.space = KC_SEARCH_USER, .task = task, .width = 8,
					.values = &word7, .nr_values = 1};
	REQUIRE_OK(kc_search_memory(session, &req, collect, h, NULL));
	CHECK(has(h, buf + 56));
	/* Another process's pattern is not in this one's memory. */
	h->n = 0;
	uint64_t other = UINT64_C(0x4b43555300000000) | (uint64_t)(pid + 1) << 16 | 7;
	req.values = &other;
	REQUIRE_OK(kc_search_memory(session, &req, collect, h, NULL));
	CHECK(!has(h, buf + 56));
	/* The command: set the context, search -u. */
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "set %d", pid);
	char cmd2[128];
	snprintf(cmd2, sizeof(cmd2), "search -u %" PRIx64, word7);
	const char *commands[] = {cmd, cmd2};
	char *out = kc_test_run_commands(session, commands, 2);
	char expected[64];
	snprintf(expected, sizeof(expected), "%llx: %" PRIx64 " \n", buf + 56, word7);
	CHECK_MSG(out && strstr(out, expected), "no \"%s\" in %s", expected, out);
	free(out);
	/* The kdump dropped user pages: nothing found, and no error. */
	REQUIRE_OK(kc_tasks(filtered, &list));
	h->n = 0;
	req.task = kc_task_by_pid(list, pid);
	req.values = &word7;
	struct kc_search_stats stats;
	REQUIRE_OK(kc_search_memory(filtered, &req, collect, h, &stats));
	CHECK_EQ_U64(h->n, 0);
	CHECK(stats.pages_skipped > 0);
	/* A kernel thread has no user memory. */
	req.task = kc_task_by_pid(list, 2);
	struct kc_error *err = kc_search_memory(filtered, &req, collect, h, NULL);
	CHECK(err != NULL);
	kc_error_destroy(err);
	free(h);
	kc_session_destroy(session);
	kc_session_destroy(filtered);
}

struct crossing {
	uint64_t addr;
	char text[8];
};

/* A string crossing a page boundary (found in the kernel's rodata) is found. */
KC_TEST(search_string_across_pages)
{
	struct kc_session *session = kc_test_open_session("arm64-6.1-4k48", "vmcore.kdump-zlib");
	if (!session)
		return;
	uint64_t rodata;
	REQUIRE_OK(kc_kernel_symbol(session, "__start_rodata", &rodata));
	struct crossing found = {0};
	uint8_t around[8];
	for (uint64_t page = rodata + 4096; page < rodata + (4u << 20) && !found.addr; page += 4096) {
		struct kc_error *err = kc_kernel_read(session, page - 4, around, 8);
		if (err) {
			kc_error_destroy(err);
			continue;
		}
		bool printable = true;
		for (int i = 0; i < 8; i++)
			printable &= around[i] > 0x20 && around[i] < 0x7f;
		if (printable) {
			found.addr = page - 4;
			memcpy(found.text, around, 7);
			found.text[7] = '\0';
		}
	}
	REQUIRE_MSG(found.addr, "no printable bytes across a page of rodata");
	const char *s = found.text;
	struct hits *h = calloc(1, sizeof(*h));
	REQUIRE(h);
	struct kc_search_request req = {.space = KC_SEARCH_KERNEL, .start = found.addr - 4096,
					.end = found.addr + 4096, .strings = &s, .nr_strings = 1};
	REQUIRE_OK(kc_search_memory(session, &req, collect, h, NULL));
	CHECK_MSG(has(h, found.addr), "\"%s\" at 0x%" PRIx64 " not found", s, found.addr);
	free(h);
	kc_session_destroy(session);
}

KC_TEST(search_command_layouts)
{
	const char *fixture = "arm64-6.1-4k48";
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	uint64_t vbuf = fact_hex(fixture, "testmod.vbuf.va");
	char c1[128], c2[128], c3[128], c4[128], c5[128], c6[128];
	snprintf(c1, sizeof(c1), "search -s %" PRIx64 " -l 64 4b43564d00000005", vbuf);
	snprintf(c2, sizeof(c2), "search -x 2 -s %" PRIx64 " -l 64 4b43564d00000005", vbuf);
	snprintf(c3, sizeof(c3), "search -h -s %" PRIx64 " -l 32 564d", vbuf);
	snprintf(c4, sizeof(c4), "search --json -s %" PRIx64 " -e %" PRIx64 " -m ff 4b43564d00000000",
		 vbuf, vbuf + 32);
	snprintf(c5, sizeof(c5), "search -s %" PRIx64 " -l 64 (0x4b43564d00000000+3)", vbuf);
	/* Unaligned bounds: the values starting in [vbuf+1, vbuf+24], at +8, +16, +24. */
	snprintf(c6, sizeof(c6), "search --json -s %" PRIx64 " -e %" PRIx64 " -m ff 4b43564d00000000",
		 vbuf + 1, vbuf + 25);
	const char *commands[] = {c1, c2, c3, c4, c5, "search -c -x 2 abc", "search -w 123456789",
				  c6};
	char *out = kc_test_run_commands(session, commands, 8);
	REQUIRE(out);
	char line[256];
	snprintf(line, sizeof(line), "%" PRIx64 ": 4b43564d00000005 \n", vbuf + 40);
	CHECK(strstr(out, line) != NULL);
	/* -x: rd's layout before and after, a blank line. */
	snprintf(line, sizeof(line), "%16" PRIx64 ":  4b43564d00000003 4b43564d00000004   ....MVCK....MVCK\n"
		 "%16" PRIx64 ":  4b43564d00000005 \n%16" PRIx64
		 ":  4b43564d00000006 4b43564d00000007   ....MVCK....MVCK\n\n",
		 vbuf + 24, vbuf + 40, vbuf + 48);
	CHECK_MSG(strstr(out, line) != NULL, "no -x block in %s", out);
	snprintf(line, sizeof(line), "%" PRIx64 ": 564d \n%" PRIx64 ": 564d \n", vbuf + 4, vbuf + 12);
	CHECK(strstr(out, line) != NULL);
	CHECK(strstr(out, "\"hit_count\": 4") != NULL);
	CHECK_MSG(strstr(out, "\"hit_count\": 3") != NULL, "unaligned bounds: %s", out);
	snprintf(line, sizeof(line), "%" PRIx64 ": 4b43564d00000003 (0x4b43564d00000000+3)\n",
		 vbuf + 24);
	CHECK_MSG(strstr(out, line) != NULL, "no \"%s\" in %s", line, out);
	CHECK(strstr(out, "-x option is not allowed with -c") != NULL);
	CHECK(strstr(out, "value too large for -w option") != NULL);
	free(out);

	/* Ctrl-C stops a search. */
	uint64_t value = 1;
	struct kc_search_request req = {.space = KC_SEARCH_PHYSICAL, .width = 8, .values = &value,
					.nr_values = 1};
	struct hits *h = calloc(1, sizeof(*h));
	kc_interrupt_flag = 1;
	struct kc_error *err = kc_search_memory(session, &req, collect, h, NULL);
	kc_interrupt_flag = 0;
	CHECK(err && err->code == KC_ERR_INTERRUPTED);
	kc_error_destroy(err);
	free(h);

	/* The regions: sorted, apart, the linear map and vmalloc among them. */
	struct kc_search_region regions[8];
	size_t n = kc_search_kernel_regions(session, regions, 8);
	CHECK(n >= 3);
	bool linear = false, vmalloc = false;
	for (size_t i = 0; i < n; i++) {
		CHECK(regions[i].start <= regions[i].last);
		if (i)
			CHECK(regions[i - 1].last < regions[i].start);
		linear |= !strcmp(regions[i].name, "linear");
		vmalloc |= !strcmp(regions[i].name, "vmalloc") && regions[i].start <= vbuf &&
			   vbuf <= regions[i].last;
	}
	CHECK(linear && vmalloc);
	/* Bad requests. */
	req = (struct kc_search_request){.space = KC_SEARCH_KERNEL, .width = 3, .values = &value,
					 .nr_values = 1};
	err = kc_search_memory(session, &req, collect, NULL, NULL);
	CHECK(err && err->code == KC_ERR_INVALID_ARG);
	kc_error_destroy(err);
	kc_session_destroy(session);
}
