/* SPDX-License-Identifier: MIT */
/*
 * ELF note parsing shared by the ELF and kdump readers: both carry the
 * kernel's crash notes (NT_PRSTATUS per CPU) and the VMCOREINFO note.
 */
#ifndef KC_VMCORE_NOTES_H
#define KC_VMCORE_NOTES_H

#include <stddef.h>
#include <stdint.h>

#include "dump.h"

#define KC_NT_PRSTATUS 1
/* arm64 struct elf_prstatus: pr_pid at 32, pr_reg (34 u64) at 112. */
#define KC_ARM64_PRSTATUS_SIZE 392
#define KC_PRSTATUS_PID_OFFSET 32
#define KC_PRSTATUS_REG_OFFSET 112

/*
 * Walk the little-endian ELF notes in BUF (SIZE bytes, found at file offset
 * FILE_OFFSET of PATH, for messages). Stores the VMCOREINFO text (the first
 * one found; later ones become warnings) and every arm64 NT_PRSTATUS into
 * DUMP. Other notes (QEMU's, FPREGSET, ...) are skipped. A note running past
 * the buffer is an error naming its offset; trailing zero padding is not.
 */
struct kc_error *kc_parse_notes(struct kc_dump *dump, const uint8_t *buf,
				size_t size, const char *path,
				uint64_t file_offset);

#endif
