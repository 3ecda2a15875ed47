/* SPDX-License-Identifier: MIT */
#include "notes.h"

#include <stdlib.h>
#include <string.h>

#include "file.h"

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static struct kc_error *add_prstatus(struct kc_dump *dump, const uint8_t *desc,
				     size_t descsz, const char *path,
				     uint64_t offset)
{
	if (descsz < KC_PRSTATUS_REG_OFFSET + 34 * 8)
		return kc_dump_add_warning(dump,
					   "%s: offset 0x%llx: NT_PRSTATUS of %zu bytes, expected %d for arm64; ignored",
					   path, (unsigned long long)offset,
					   descsz, KC_ARM64_PRSTATUS_SIZE);
	struct kc_prstatus *grown = realloc(dump->prstatus,
					    (dump->nr_prstatus + 1) * sizeof(*grown));
	if (!grown)
		return &kc_error_nomem;
	dump->prstatus = grown;
	struct kc_prstatus *pr = &dump->prstatus[dump->nr_prstatus];
	memset(pr, 0, sizeof(*pr));
	pr->note_index = (uint32_t)dump->nr_prstatus;
	pr->pid = (int32_t)kc_get_le32(desc + KC_PRSTATUS_PID_OFFSET);
	const uint8_t *reg = desc + KC_PRSTATUS_REG_OFFSET;
	for (int i = 0; i < 31; i++)
		pr->regs[i] = kc_get_le64(reg + 8 * i);
	pr->sp = kc_get_le64(reg + 8 * 31);
	pr->pc = kc_get_le64(reg + 8 * 32);
	pr->pstate = kc_get_le64(reg + 8 * 33);
	dump->nr_prstatus++;
	return NULL;
}

struct kc_error *kc_parse_notes(struct kc_dump *dump, const uint8_t *buf,
				size_t size, const char *path,
				uint64_t file_offset)
{
	size_t pos = 0;
	while (pos + 12 <= size) {
		uint32_t namesz = kc_get_le32(buf + pos);
		uint32_t descsz = kc_get_le32(buf + pos + 4);
		uint32_t type = kc_get_le32(buf + pos + 8);
		uint64_t note_offset = file_offset + pos;
		if (namesz == 0 && descsz == 0 && type == 0) {
			/* Zero padding after the last note (kdump pads). */
			break;
		}
		size_t name_at = pos + 12;
		if (namesz > size - name_at ||
		    align4(namesz) > size - name_at ||
		    descsz > size - name_at - align4(namesz))
			return kc_error_create(KC_ERR_FORMAT,
					       "%s: offset 0x%llx: ELF note (namesz %u, descsz %u) runs past the end of its %zu-byte note segment",
					       path, (unsigned long long)note_offset,
					       namesz, descsz, size);
		const char *name = (const char *)buf + name_at;
		size_t desc_at = name_at + align4(namesz);
		const uint8_t *desc = buf + desc_at;
		/* namesz counts the NUL; compare without it. */
		size_t name_len = namesz ? strnlen(name, namesz) : 0;
		struct kc_error *err = NULL;
		if (name_len == 10 && memcmp(name, "VMCOREINFO", 10) == 0) {
			if (dump->vmcoreinfo) {
				err = kc_dump_add_warning(dump,
							  "%s: offset 0x%llx: second VMCOREINFO note ignored",
							  path, (unsigned long long)note_offset);
			} else {
				/* The text may carry trailing NULs. */
				size_t len = strnlen((const char *)desc, descsz);
				dump->vmcoreinfo = malloc(len + 1);
				if (!dump->vmcoreinfo)
					return &kc_error_nomem;
				memcpy(dump->vmcoreinfo, desc, len);
				dump->vmcoreinfo[len] = '\0';
				dump->vmcoreinfo_size = len;
			}
		} else if (type == KC_NT_PRSTATUS && name_len == 4 &&
			   memcmp(name, "CORE", 4) == 0) {
			err = add_prstatus(dump, desc, descsz, path, note_offset);
		}
		if (err)
			return err;
		size_t next = desc_at + align4(descsz);
		if (next > size)
			break; /* last note's padding is cut: the note itself is whole */
		pos = next;
	}
	return NULL;
}
