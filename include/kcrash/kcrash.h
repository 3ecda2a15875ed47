/* SPDX-License-Identifier: MIT */
/*
 * libkcrash's public API: everything the kcrash shell, its commands and the
 * Python module may use.
 */
#ifndef KCRASH_KCRASH_H
#define KCRASH_KCRASH_H

#include <kcrash/error.h>
#include <kcrash/session.h>
#include <kcrash/types.h>
#include <kcrash/memory.h>
#include <kcrash/symbols.h>
#include <kcrash/tasks.h>
#include <kcrash/modules.h>
#include <kcrash/backtrace.h>
#include <kcrash/printk.h>
#include <kcrash/sysinfo.h>

#endif
