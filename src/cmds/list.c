/* SPDX-License-Identifier: MIT */
/*
 * list: walk a linked list, as crash's cmd_list (tools.c) does, printing
 * each entry's address ("%lx") and, with -s, its contents below it:
 *   list [-o OFFSET] START        singly linked: the "next" pointer at
 *                                 OFFSET in each entry; ends at NULL or at
 *                                 a pointer back to START
 *   list -o OFFSET -H START       START is a standalone struct list_head;
 *                                 entries are list_head address - OFFSET
 *   list -o OFFSET -h START       START is an entry with its list_head at
 *                                 OFFSET; START itself is printed first
 * Every walk is bounded (KC_KERNEL_LIST_MAX entries) and cycle-checked; on
 * a loop or an unreadable pointer the entries read so far stay printed and
 * the error names the address.
 */
#include "command.h"

#include <string.h>

#include <kcrash/memory.h>
#include "object.h"

enum list_kind { LIST_SINGLE, LIST_HEAD_STANDALONE, LIST_HEAD_EMBEDDED };

struct list_request {
	enum list_kind kind;
	uint64_t offset;
	bool offset_given;
	const char *struct_text; /* -s */
	bool hex;
	const char *start_text;
};

struct list_printer {
	struct kc_session *session;
	FILE *out;
	const struct list_request *req;
	struct kc_object_spec spec;
	bool has_spec;
	uint64_t offset;
	size_t count;
};

static struct kc_error *print_entry(struct list_printer *lp, uint64_t entry)
{
	fprintf(lp->out, "%llx\n", (unsigned long long)entry);
	lp->count++;
	if (!lp->has_spec)
		return NULL;
	return kc_object_print(lp->session, lp->out, &lp->spec, entry,
			       lp->req->hex ? KC_OBJECT_HEX : 0);
}

static struct kc_error *visit_list_head(void *arg, uint64_t node)
{
	struct list_printer *lp = arg;
	return print_entry(lp, node - lp->offset);
}

/*
 * A singly-linked list: Brent's cycle check, as kc_kernel_list_walk, since
 * a loop that misses START would otherwise never end.
 */
static struct kc_error *walk_single(struct list_printer *lp, uint64_t start)
{
	uint64_t entry = start, saved = start, power = 1, steps = 0;
	for (size_t count = 0;; count++) {
		if (count >= KC_KERNEL_LIST_MAX)
			return kc_error_create(KC_ERR_FORMAT,
					       "list at 0x%llx: more than %u entries (corrupt or circular?)",
					       (unsigned long long)start, KC_KERNEL_LIST_MAX);
		struct kc_error *err = print_entry(lp, entry);
		if (err)
			return err;
		uint64_t next;
		err = kc_kernel_read_u64(lp->session, entry + lp->offset, &next);
		if (err)
			return kc_error_prefix(err, "list at 0x%llx: next pointer of entry 0x%llx",
					       (unsigned long long)start,
					       (unsigned long long)entry);
		if (next == 0 || next == start)
			return NULL;
		if (next == saved)
			return kc_error_address(KC_ERR_FORMAT, next,
						"list at 0x%llx: loop at 0x%llx that does not return to the start (after %zu entries)",
						(unsigned long long)start,
						(unsigned long long)next, count + 1);
		if (++steps == power) {
			saved = next;
			power *= 2;
			steps = 0;
		}
		entry = next;
	}
}

static bool is_member_offset(struct kc_session *session, const char *arg,
			     uint64_t *offset)
{
	struct kc_error *err = kc_parse_member_offset(session, arg, offset);
	kc_error_destroy(err);
	return !err;
}

static struct kc_error *parse_args(struct kc_session *session, int argc, char **argv,
				   struct list_request *req)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		struct kc_error *err = NULL;
		if ((strcmp(arg, "-o") == 0 || strcmp(arg, "-s") == 0) && i + 1 < argc) {
			if (arg[1] == 's') {
				req->struct_text = argv[++i];
				continue;
			}
			err = kc_parse_member_offset(session, argv[++i], &req->offset);
			req->offset_given = true;
		} else if (strcmp(arg, "-H") == 0) {
			req->kind = LIST_HEAD_STANDALONE;
		} else if (strcmp(arg, "-h") == 0) {
			req->kind = LIST_HEAD_EMBEDDED;
		} else if (strcmp(arg, "-x") == 0 || strcmp(arg, "-d") == 0) {
			req->hex = arg[1] == 'x';
		} else if (arg[0] == '-') {
			return kc_usage_error(&kc_cmd_list);
		} else if (!req->offset_given && !req->start_text && strchr(arg, '.') &&
			   is_member_offset(session, arg, &req->offset)) {
			/* crash: a leading "struct.member" is the offset, no -o needed. */
			req->offset_given = true;
		} else if (!req->start_text) {
			req->start_text = arg;
		} else {
			return kc_usage_error(&kc_cmd_list);
		}
		if (err)
			return err;
	}
	return req->start_text ? NULL : kc_usage_error(&kc_cmd_list);
}

static struct kc_error *cmd_list(struct kc_session *session, int argc, char **argv,
				 FILE *out)
{
	struct list_request req = {0};
	struct kc_error *err = parse_args(session, argc, argv, &req);
	if (err)
		return err;
	uint64_t start;
	err = kc_parse_object_address(session, req.start_text, &start);
	if (err)
		return err;
	struct list_printer lp = {.session = session, .out = out, .req = &req,
				  .offset = req.offset};
	if (req.struct_text) {
		err = kc_object_spec_parse(session, NULL, req.struct_text, &lp.spec);
		if (err)
			return err;
		lp.has_spec = true;
	}
	switch (req.kind) {
	case LIST_SINGLE:
		err = walk_single(&lp, start);
		break;
	case LIST_HEAD_EMBEDDED:
		err = print_entry(&lp, start);
		if (!err)
			err = kc_kernel_list_walk(session, start + req.offset,
						  KC_KERNEL_LIST_MAX, visit_list_head, &lp);
		break;
	case LIST_HEAD_STANDALONE:
		err = kc_kernel_list_walk(session, start, KC_KERNEL_LIST_MAX,
					  visit_list_head, &lp);
		break;
	}
	if (lp.has_spec)
		kc_object_spec_fini(&lp.spec);
	return err;
}

const struct kc_command kc_cmd_list = {
	.name = "list",
	.summary = "walk a linked list",
	.usage = "list [[-o] OFFSET] [-s STRUCT[.member[,member]]] [-x|-d] [-H|-h] START",
	.help = "Prints the address of each entry of a linked list, and with -s the\n"
		"entry's contents (or only the members named) below it.\n"
		"  OFFSET    where the link is in each entry: a number, or\n"
		"            STRUCT.member (then -o may be left out)\n"
		"  START     an address, SYMBOL[+OFFSET], or SYMBOL.member\n"
		"            (e.g. init_task.tasks)\n"
		"Without -H/-h the list is singly linked: each entry's pointer at\n"
		"OFFSET is the next entry, ending at NULL or back at START.\n"
		"  -H        START is a standalone struct list_head (a LIST_HEAD);\n"
		"            entries are each list_head's address less OFFSET\n"
		"  -h        START is an entry whose list_head is at OFFSET; START\n"
		"            is printed first\n"
		"  -x / -d   -s integers in hexadecimal / decimal\n"
		"A walk stops after 4194304 entries, on a loop that does not return to\n"
		"the start, or at an unreadable pointer: the entries so far are printed\n"
		"and the error names the address.\n",
	.needs_dump = true,
	.run = cmd_list,
};
