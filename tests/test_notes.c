/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "harness.h"
#include "vmcore/dump.h"
#include "vmcore/notes.h"

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Append a note; returns the new length. */
static size_t add_note(uint8_t *buf, size_t len, const char *name,
		       uint32_t type, const void *desc, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	put_le32(buf + len, namesz);
	put_le32(buf + len + 4, descsz);
	put_le32(buf + len + 8, type);
	len += 12;
	memcpy(buf + len, name, namesz);
	len += (namesz + 3) & ~3u;
	memcpy(buf + len, desc, descsz);
	len += (descsz + 3) & ~3u;
	return len;
}

static void make_prstatus(uint8_t *desc, int32_t pid, uint64_t pc)
{
	memset(desc, 0, KC_ARM64_PRSTATUS_SIZE);
	put_le32(desc + KC_PRSTATUS_PID_OFFSET, (uint32_t)pid);
	for (int i = 0; i < 31; i++)
		put_le64(desc + KC_PRSTATUS_REG_OFFSET + 8 * i, 0x1000 + (uint64_t)i);
	put_le64(desc + KC_PRSTATUS_REG_OFFSET + 8 * 31, 0xffff800012345670);
	put_le64(desc + KC_PRSTATUS_REG_OFFSET + 8 * 32, pc);
	put_le64(desc + KC_PRSTATUS_REG_OFFSET + 8 * 33, 0x60000005);
}

KC_TEST(notes_vmcoreinfo_and_prstatus)
{
	uint8_t buf[4096] = {0};
	uint8_t desc[KC_ARM64_PRSTATUS_SIZE];
	size_t len = 0;
	make_prstatus(desc, 552, 0xffff80000810abcd);
	len = add_note(buf, len, "CORE", KC_NT_PRSTATUS, desc, sizeof(desc));
	len = add_note(buf, len, "QEMU", 0x0, "xyz", 3);
	make_prstatus(desc, 0, 0xffff800008000000);
	len = add_note(buf, len, "CORE", KC_NT_PRSTATUS, desc, sizeof(desc));
	static const char info[] = "OSRELEASE=6.1.0\nPAGESIZE=4096\n";
	len = add_note(buf, len, "VMCOREINFO", 0, info, sizeof(info) - 1);
	len += 24; /* zero padding after the last note */

	struct kc_dump *dump = calloc(1, sizeof(*dump));
	REQUIRE(dump);
	REQUIRE_OK(kc_parse_notes(dump, buf, len, "test.core", 0x1000));
	CHECK_EQ_U64(dump->nr_prstatus, 2);
	if (dump->nr_prstatus == 2) {
		CHECK(dump->prstatus[0].pid == 552);
		CHECK_EQ_U64(dump->prstatus[0].pc, 0xffff80000810abcd);
		CHECK_EQ_U64(dump->prstatus[0].regs[29], 0x1000 + 29);
		CHECK_EQ_U64(dump->prstatus[0].sp, 0xffff800012345670);
		CHECK_EQ_U64(dump->prstatus[0].pstate, 0x60000005);
		CHECK_EQ_U64(dump->prstatus[1].note_index, 1);
	}
	CHECK_STR(dump->vmcoreinfo, info);
	CHECK_EQ_U64(dump->vmcoreinfo_size, sizeof(info) - 1);
	kc_dump_free_common(dump);
}

KC_TEST(notes_overrun_is_an_error)
{
	uint8_t buf[256] = {0};
	size_t len = add_note(buf, 0, "VMCOREINFO", 0, "A=1\n", 4);
	put_le32(buf + 4, 1000); /* descsz past the segment */
	struct kc_dump *dump = calloc(1, sizeof(*dump));
	REQUIRE(dump);
	struct kc_error *err = kc_parse_notes(dump, buf, len, "bad.core", 0x2000);
	CHECK(err && err->code == KC_ERR_FORMAT);
	if (err) {
		CHECK(strstr(err->message, "bad.core") != NULL);
		CHECK(strstr(err->message, "0x2000") != NULL);
	}
	kc_error_destroy(err);
	kc_dump_free_common(dump);
}

KC_TEST(notes_short_prstatus_is_a_warning)
{
	uint8_t buf[256] = {0};
	uint8_t desc[100] = {0};
	size_t len = add_note(buf, 0, "CORE", KC_NT_PRSTATUS, desc, sizeof(desc));
	struct kc_dump *dump = calloc(1, sizeof(*dump));
	REQUIRE(dump);
	REQUIRE_OK(kc_parse_notes(dump, buf, len, "short.core", 0));
	CHECK_EQ_U64(dump->nr_prstatus, 0);
	CHECK_EQ_U64(dump->nr_warnings, 1);
	kc_dump_free_common(dump);
}
