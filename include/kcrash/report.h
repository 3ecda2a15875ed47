/* SPDX-License-Identifier: MIT */
/*
 * Kernel crash reports in text: a serial console capture, a dmesg, or the
 * dump's own printk log turned back into lines. kc_report_parse finds each
 * report (Oops, BUG, WARNING, KASAN, lockups, stalls, hung tasks, panics,
 * ...), its extent, its call traces, the guilty frame and a title in the
 * form syzkaller's pkg/report gives (the form kernel bug trackers use), a
 * kind, a culprit, and a signature stable across KASLR, rebuilds of the
 * same source and reboots. doc/report.md has the rules and the signature
 * recipe.
 */
#ifndef KCRASH_REPORT_H
#define KCRASH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>

/* The version of the signature recipe: part of what is hashed. */
#define KC_REPORT_SIGNATURE_VERSION "kcrash-signature/1"

/* "no frame" for kc_report.title_frame and kc_report.culprit_frame. */
#define KC_REPORT_NO_FRAME ((size_t)-1)

/* One frame of a call trace (or the pc/RIP line) as the report prints it. */
struct kc_report_frame {
	char *function;       /* as printed ("el0_svc_common.constprop.0"), NULL for a raw address */
	char *name;           /* function up to its first '.' (no .isra/.constprop/.cold/.part) */
	uint64_t offset;      /* +0x1c */
	uint64_t size;        /* /0x40 */
	bool has_offset;
	char *module;         /* "[mod]" without the brackets, or NULL (vmlinux) */
	uint64_t address;     /* a printed address ([<...>], "pc : 0x...") */
	bool has_address;
	bool unreliable;      /* x86 "? func": a guess of the unwinder, never guilty */
	bool is_pc;           /* from the faulting pc/RIP/IP line, not the trace */
	bool skipped;         /* generic (panic, report, entry, locking, printk...): never guilty */
	char *file;           /* "file.c" printed after the frame or added from DWARF */
	int line;             /* its line, 0 when unknown */
	unsigned stack;       /* 0: the report's own trace; 1, 2...: later ones (KASAN's
				 Allocated by / Freed by, lockdep chains, other CPUs) */
	char *stack_label;    /* the line that opened this trace ("Call trace:",
				 "Allocated by task 12:", "pc", ...) */
};

/* What an arm64 ESR says (kc_report_decode_esr). */
struct kc_report_esr {
	unsigned ec;              /* exception class, ESR[31:26] */
	const char *class_name;   /* "DABT (current EL)", "IABT (current EL)", "BRK64", "SError", ... */
	bool is_abort;            /* data or instruction abort: the fields below apply */
	bool is_data;             /* data abort (access is read or write) */
	const char *access;       /* "read", "write", "exec" (instruction fetch) or NULL */
	unsigned fsc;             /* fault status code, ISS[5:0] */
	const char *fault;        /* "translation fault", "permission fault", "alignment fault", ... */
	int level;                /* page-table level of the fault, -1 when the FSC has none */
};

/* One report in the log. Strings are NUL-terminated and owned by the list. */
struct kc_report {
	const char *kind;         /* a kind name (kc_report_kinds()), static */
	char *title;              /* syzkaller's form: "WARNING in f", "KASAN: ... in f" */
	bool corrupted;           /* the title could not be made whole (no frame...) */
	const char *corrupted_reason; /* why, static, or NULL */
	bool truncated;           /* the log ends inside the report (no end marker) */
	char *header;             /* the line that starts it, prefixes removed */
	size_t start_line;        /* 1-based line numbers of the first and last line */
	size_t end_line;
	char caller[16];          /* "T123"/"C1" when the log has caller ids, else "" */
	char *text;               /* the report's own lines, prefixes removed */
	char *prelude;            /* up to 5 lines before it in its context ("list_add
				     corruption...", "sysrq: Trigger a crash"), or NULL */
	char *panic;              /* a "Kernel panic - not syncing: " message it led to, or NULL */
	/* From the report's lines when it prints them (-1 / NULL / false if not). */
	int cpu;
	int pid;
	char *comm;
	bool has_esr;
	uint64_t esr;
	struct kc_report_esr esr_info;
	bool has_fault_address;
	uint64_t fault_address;
	char *pc;                 /* what follows "pc : " / "RIP: 0010:" */
	char *lr;                 /* what follows "lr : " */
	/* Frames of every trace in the report, in order. */
	struct kc_report_frame *frames;
	size_t nr_frames;
	size_t title_frame;       /* index of the frame the title names, or KC_REPORT_NO_FRAME */
	size_t culprit_frame;     /* the guilty frame, or KC_REPORT_NO_FRAME */
	char *culprit_file;       /* file:line of the culprit, when known */
	int culprit_line;
	char *culprit_source_error; /* why culprit_file is NULL, or NULL */
	char signature[17];       /* 16 hex digits (doc/report.md's recipe) */
	char *signature_input;    /* the text that was hashed, for reading */
};

/* Every report in a log, in log order; the first is the log's title. */
struct kc_report_list {
	struct kc_report *reports;
	size_t count;
	size_t nr_lines;          /* lines in the input */
};

/*
 * Parse TEXT (LEN bytes; NULs, CR/LF and any bytes allowed) into reports.
 * Lines may carry printk timestamps "[  12.345678]", caller ids
 * "[  T123]"/"[  C1]", syslog levels "<4>", syslog/journal prefixes
 * ("... kernel: ") and noise before them. A log with no report gives an
 * empty list, not an error. Errors: out of memory only. Free *OUT with
 * kc_report_list_free.
 */
struct kc_error *kc_report_parse(const char *text, size_t len, struct kc_report_list *out);

/* Free what kc_report_parse allocated (LIST itself is the caller's). */
void kc_report_list_free(struct kc_report_list *list);

/* The kind names kc_report.kind takes, NULL-terminated. */
const char *const *kc_report_kinds(void);

/* Decode an arm64 ESR_ELx value. */
void kc_report_decode_esr(uint64_t esr, struct kc_report_esr *out);

/*
 * The signature of KIND, TITLE (as kc_report.title, NULL for none), the
 * faulting function PC (the pc/RIP line's, NULL for none or for stalls,
 * whose pc is wherever the loop was) and the frame names FRAMES (NR of
 * them, the guilty frame first, each "name" or "name [module]"): 16 hex
 * digits into OUT, and the hashed text as a malloc'd string into *INPUT
 * when INPUT is not NULL. Names are normalized first (offsets, addresses,
 * ".isra.0"/".constprop.N"/".cold"/".part.N" suffixes dropped). Errors:
 * out of memory.
 */
struct kc_error *kc_report_signature(const char *kind, const char *title, const char *pc,
				     const char *const *frames, size_t nr, char out[17],
				     char **input);

/* A kernel image opened for symbols and source lines alone (no dump). */
struct kc_report_vmlinux;

/*
 * Open PATH (an ELF vmlinux, with DWARF for source lines) for
 * kc_report_symbolize. Errors: the file cannot be read, is not ELF, or
 * has no symbol table.
 */
struct kc_error *kc_report_vmlinux_open(const char *path, struct kc_report_vmlinux **out);

/* Close what kc_report_vmlinux_open opened (NULL is fine). */
void kc_report_vmlinux_close(struct kc_report_vmlinux *vmlinux);

/*
 * With the kernel image the log came from: name the raw addresses the
 * reports print (a "pc : 0x..." line, "[<...>] 0x..." frames), the KASLR
 * offset found from the frames that print both an address and a name, and
 * give the culprits of vmlinux code their file:line from the DWARF. What
 * cannot be done is said per report in culprit_source_error. Titles,
 * kinds and signatures are recomputed when names were added. Errors: out
 * of memory.
 */
struct kc_error *kc_report_symbolize(struct kc_report_list *list,
				     struct kc_report_vmlinux *vmlinux);

/*
 * The same through a dump's session: culprit file:line from the session's
 * symbols (with KASLR) and vmlinux DWARF. Errors: out of memory.
 */
struct kc_error *kc_report_session_lines(struct kc_session *session,
					 struct kc_report_list *list);

#endif
