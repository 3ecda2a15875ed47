/* SPDX-License-Identifier: MIT */
/*
 * Libraries most runs never call, loaded on first use with dlopen.
 *
 * Linked in, every run pays for loading them: libdebuginfod brings curl,
 * GnuTLS and Kerberos (about 30 libraries), and with Capstone and snappy
 * that was 8 ms of the 35 ms a cold `ps; mod` takes (ld.so's symbol lookups
 * and relocations). Only `dis`/`bt` decoding, a snappy kdump or a
 * debuginfod query needs them.
 */
#ifndef KC_DYNLOAD_H
#define KC_DYNLOAD_H

#include <stddef.h>

#include "error.h"

struct kc_dynload_symbol {
	const char *name;
	void **address; /* where the function's address goes */
};

/*
 * Load SONAME (once: later calls return its first result) and resolve
 * SYMBOLS into their addresses. The error names the library and, for a
 * missing symbol, the symbol.
 */
struct kc_error *kc_dynload(const char *soname, const struct kc_dynload_symbol *symbols,
			    size_t nr_symbols);

#endif
