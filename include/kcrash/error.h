/* SPDX-License-Identifier: MIT */
/*
 * The explicit error type carried up through kcrash.
 *
 * Library code never prints and never exits: it returns a struct kc_error *
 * (NULL on success) whose message is one line saying what failed and where
 * (file, offset or address) and what was expected. The front end prints it.
 */
#ifndef KCRASH_ERROR_H
#define KCRASH_ERROR_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

enum kc_error_code {
	KC_ERR_NOMEM = 1,
	KC_ERR_OS,          /* a system call failed; errnum holds errno */
	KC_ERR_FORMAT,      /* the file is not what it claims, or is corrupt */
	KC_ERR_TRUNCATED,   /* the file ends before the data it promises */
	KC_ERR_UNSUPPORTED, /* valid input that kcrash does not handle */
	KC_ERR_NOT_IN_DUMP, /* address outside every range the dump holds */
	KC_ERR_EXCLUDED,    /* page filtered out by makedumpfile (-d) */
	KC_ERR_DECOMPRESS,  /* a stored page failed to decompress */
	KC_ERR_FAULT,       /* a virtual address does not translate */
	KC_ERR_LOOKUP,      /* a symbol, type, key or command was not found */
	KC_ERR_INVALID_ARG, /* bad argument from the user */
	KC_ERR_STOP,        /* not an error: the user asked to quit */
	KC_ERR_INTERRUPTED, /* the user pressed Ctrl-C during the command */
};

struct kc_error {
	enum kc_error_code code;
	int errnum;       /* for KC_ERR_OS */
	bool has_address;
	uint64_t address; /* the physical or virtual address concerned */
	char *message;
};

/* Statically allocated; returned when allocating an error fails. */
extern struct kc_error kc_error_nomem;

__attribute__((format(printf, 2, 3)))
struct kc_error *kc_error_create(enum kc_error_code code, const char *fmt, ...);
struct kc_error *kc_error_vcreate(enum kc_error_code code, const char *fmt,
				  va_list ap);
/* An error about an address: the address is kept for callers to inspect. */
__attribute__((format(printf, 3, 4)))
struct kc_error *kc_error_address(enum kc_error_code code, uint64_t address,
				  const char *fmt, ...);
/* An OS error: message is "<what>: <strerror(errnum)>". */
__attribute__((format(printf, 2, 3)))
struct kc_error *kc_error_os(int errnum, const char *fmt, ...);
/* Prefix an error's message with "<prefix>: ", keeping its code. */
__attribute__((format(printf, 2, 3)))
struct kc_error *kc_error_prefix(struct kc_error *err, const char *fmt, ...);
void kc_error_destroy(struct kc_error *err);

static inline const char *kc_error_message(const struct kc_error *err)
{
	return err->message ? err->message : "out of memory";
}

/*
 * Set by the interactive shell's SIGINT handler, cleared before each
 * command. Loops that can run long (page reads, list walks, output lines)
 * poll it through kc_check_interrupt and give up with KC_ERR_INTERRUPTED.
 */
extern volatile sig_atomic_t kc_interrupt_flag;

struct kc_error *kc_interrupted_error(void);
static inline struct kc_error *kc_check_interrupt(void)
{
	return kc_interrupt_flag ? kc_interrupted_error() : NULL;
}

#endif
