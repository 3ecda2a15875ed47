/* SPDX-License-Identifier: MIT */
/*
 * Types for the DWARF layer's tests: dwarf_sample.c is compiled with -g into
 * its own program, whose DWARF kcrash reads, while test_dwarf.c includes this
 * header too and takes the expected sizes and offsets from its own compiler.
 */
#ifndef KC_DWARF_SAMPLE_H
#define KC_DWARF_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

typedef unsigned int sample_u32;
typedef sample_u32 sample_u32_alias;
typedef const volatile sample_u32_alias sample_cv_u32;

enum sample_color { SAMPLE_RED, SAMPLE_GREEN = 5, SAMPLE_BLUE };
enum sample_signed { SAMPLE_NEG = -3, SAMPLE_POS = 7 };
enum sample_wide { SAMPLE_WIDE_MAX = 0xfffffff0u };

struct list_head {
	struct list_head *next, *prev;
};

struct sample_inner {
	int a;
	long b;
};

struct sample_context {
	uint64_t x19, fp, sp, pc;
};

struct sample_thread {
	struct sample_context cpu_context;
	unsigned long flags;
};

struct sample_bits {
	unsigned int lo : 3;
	unsigned int mid : 7;
	int neg : 5;
	unsigned long long wide : 40;
	unsigned char byte;
	unsigned int after : 2;
};

struct sample_task {
	long state;
	struct sample_thread thread;
	union {
		int u_int;
		char u_bytes[6];
	};
	struct {
		short anon_x;
		struct {
			short anon_deep;
		};
	};
	struct sample_bits bits;
	enum sample_color color;
	enum sample_signed sign;
	enum { SAMPLE_ANON_A = 100, SAMPLE_ANON_B } anon_enum;
	sample_cv_u32 cv;
	char comm[16];
	int matrix[3][4];
	int (*callback)(struct sample_task *, const char *);
	void (*handlers[2])(void);
	struct sample_inner *next;
	const char *name;
	union sample_u {
		uint32_t w;
		uint8_t b[4];
	} u;
	_Bool flag;
	float f;
	double d;
	struct sample_inner inners[2];
	struct list_head tasks;
	size_t nr;
	unsigned long flex[];
};

struct sample_zero {
	int n;
	char data[0];
};

#endif
