/* SPDX-License-Identifier: MIT */
/*
 * libkcrash's public API: everything the kcrash shell, its commands and the
 * Python module may use.
 */
#ifndef KCRASH_KCRASH_H
#define KCRASH_KCRASH_H

#include <kcrash/error.h>
#include <kcrash/dump.h>
#include <kcrash/vmcoreinfo.h>
#include <kcrash/debuginfo.h>
#include <kcrash/arm64/layout.h>
#include <kcrash/arm64/pgtable.h>
#include <kcrash/arm64/mmu.h>
#include <kcrash/arm64/unwind.h>
#include <kcrash/session.h>
#include <kcrash/types.h>
#include <kcrash/memory.h>
#include <kcrash/walk.h>
#include <kcrash/object.h>
#include <kcrash/symbols.h>
#include <kcrash/datasyms.h>
#include <kcrash/tasks.h>
#include <kcrash/modules.h>
#include <kcrash/backtrace.h>
#include <kcrash/printk.h>
#include <kcrash/report.h>
#include <kcrash/sysinfo.h>
#include <kcrash/fs.h>
#include <kcrash/vm.h>
#include <kcrash/mm.h>
#include <kcrash/sched.h>
#include <kcrash/net.h>

#endif
