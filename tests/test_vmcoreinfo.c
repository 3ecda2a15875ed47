/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "harness.h"
#include "vmcoreinfo.h"

static const char sample[] =
	"OSRELEASE=6.1.176-kcfx\n"
	"PAGESIZE=4096\n"
	"SYMBOL(swapper_pg_dir)=ffffa220d15ef000\n"
	"NUMBER(VA_BITS)=48\n"
	"NUMBER(kimage_voffset)=0xffffa22091000000\n"
	"NUMBER(PG_offline_neg)=-129\n"
	"OFFSET(list_head.next)=0\n"
	"SIZE(page)=64\n"
	"KERNELOFFSET=2220c9200000\n"
	"garbage line\n"
	"NUMBER(bad)=12zz\n";

KC_TEST(vmcoreinfo_parse_and_lookup)
{
	struct kc_vmcoreinfo *info;
	REQUIRE_OK(kc_vmcoreinfo_parse(sample, sizeof(sample) - 1, &info));
	CHECK_STR(kc_vmcoreinfo_get(info, "OSRELEASE"), "6.1.176-kcfx");
	CHECK(kc_vmcoreinfo_get(info, "NOPE") == NULL);
	uint64_t v = 0;
	REQUIRE_OK(kc_vmcoreinfo_symbol(info, "swapper_pg_dir", &v));
	CHECK_EQ_U64(v, 0xffffa220d15ef000);
	int64_t n = 0;
	REQUIRE_OK(kc_vmcoreinfo_number(info, "VA_BITS", &n));
	CHECK_EQ_U64(n, 48);
	REQUIRE_OK(kc_vmcoreinfo_number(info, "kimage_voffset", &n));
	CHECK_EQ_U64(n, 0xffffa22091000000);
	REQUIRE_OK(kc_vmcoreinfo_number(info, "PG_offline_neg", &n));
	CHECK(n == -129);
	REQUIRE_OK(kc_vmcoreinfo_offset(info, "list_head.next", &v));
	CHECK_EQ_U64(v, 0);
	REQUIRE_OK(kc_vmcoreinfo_size(info, "page", &v));
	CHECK_EQ_U64(v, 64);
	REQUIRE_OK(kc_vmcoreinfo_u64(info, "KERNELOFFSET", &v));
	CHECK_EQ_U64(v, 0x2220c9200000);
	REQUIRE_OK(kc_vmcoreinfo_u64(info, "PAGESIZE", &v));
	CHECK_EQ_U64(v, 4096);
	CHECK_EQ_U64(info->nr_malformed, 1);
	struct kc_error *err = kc_vmcoreinfo_number(info, "bad", &n);
	CHECK(err && err->code == KC_ERR_FORMAT);
	if (err)
		CHECK(strstr(err->message, "NUMBER(bad)=12zz") != NULL);
	kc_error_destroy(err);
	err = kc_vmcoreinfo_number(info, "missing", &n);
	CHECK(err && err->code == KC_ERR_LOOKUP);
	kc_error_destroy(err);
	kc_vmcoreinfo_destroy(info);
}

KC_TEST(vmcoreinfo_nul_padding_and_crlf)
{
	static const char padded[] = "A=1\r\nB=2\n\0\0C=3\n";
	struct kc_vmcoreinfo *info;
	REQUIRE_OK(kc_vmcoreinfo_parse(padded, sizeof(padded) - 1, &info));
	CHECK_STR(kc_vmcoreinfo_get(info, "A"), "1");
	CHECK_STR(kc_vmcoreinfo_get(info, "B"), "2");
	CHECK(kc_vmcoreinfo_get(info, "C") == NULL);
	kc_vmcoreinfo_destroy(info);
}

KC_TEST(vmcoreinfo_every_fixture_parses)
{
	for (size_t i = 0; i < kc_test_nr_fixtures; i++) {
		KC_FIXTURE_OR_RETURN(path, kc_test_fixture_names[i], "vmcoreinfo.txt");
		size_t len;
		char *text = kc_test_read_file(path, &len);
		REQUIRE(text);
		struct kc_vmcoreinfo *info;
		REQUIRE_OK(kc_vmcoreinfo_parse(text, len, &info));
		CHECK(kc_vmcoreinfo_get(info, "OSRELEASE") != NULL);
		uint64_t page_size = 0;
		REQUIRE_OK(kc_vmcoreinfo_u64(info, "PAGESIZE", &page_size));
		CHECK(page_size == 4096 || page_size == 16384 || page_size == 65536);
		uint64_t stext;
		REQUIRE_OK(kc_vmcoreinfo_symbol(info, "_stext", &stext));
		CHECK(stext >> 48 == 0xffff);
		CHECK_EQ_U64(info->nr_malformed, 0);
		kc_vmcoreinfo_destroy(info);
		free(text);
	}
}
