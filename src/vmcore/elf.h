/* SPDX-License-Identifier: MIT */
/*
 * The ELF64 core reader's view of its PT_LOAD segments, for the layers above
 * struct kc_dump that want the virtual mappings a dump states: /proc/vmcore
 * and makedumpfile -E map the linear map and the kernel image at their
 * kernel virtual addresses, QEMU's paging=false dumps give p_vaddr ==
 * p_paddr.
 */
#ifndef KC_VMCORE_ELF_H
#define KC_VMCORE_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "dump.h"

/* One PT_LOAD, as its program header states it. */
struct kc_elf_segment {
	uint64_t paddr;  /* p_paddr */
	uint64_t vaddr;  /* p_vaddr */
	uint64_t offset; /* p_offset */
	uint64_t filesz; /* p_filesz */
	uint64_t memsz;  /* p_memsz: bytes past p_filesz are excluded */
	/* Bytes of p_filesz the file really holds (less if it is truncated). */
	uint64_t file_avail;
	uint32_t flags;  /* p_flags */
	uint32_t phdr_index; /* index in the program header table */
};

/*
 * The PT_LOAD segments of an ELF dump, sorted by paddr (then phdr_index),
 * through *RET; returns how many. Returns 0 and sets *RET to NULL for a dump
 * that is not an ELF core. The array lives as long as DUMP.
 */
size_t kc_elf_dump_segments(const struct kc_dump *dump,
			    const struct kc_elf_segment **ret);

#endif
