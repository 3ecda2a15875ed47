/* SPDX-License-Identifier: MIT */
#include "command.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct kc_command *const kc_commands[] = {
	&kc_cmd_help,
	&kc_cmd_quit,
	&kc_cmd_rd,
	&kc_cmd_sys,
	&kc_cmd_triage,
	&kc_cmd_vtop,
	&kc_cmd_ptov,
	&kc_cmd_mach,
	&kc_cmd_mod,
	&kc_cmd_sym,
	&kc_cmd_ps,
	&kc_cmd_set,
	&kc_cmd_struct,
	&kc_cmd_union,
	&kc_cmd_p,
	&kc_cmd_whatis,
	&kc_cmd_list,
	&kc_cmd_log,
	&kc_cmd_bt,
	&kc_cmd_foreach,
	&kc_cmd_py,
	&kc_cmd_kmem,
	&kc_cmd_files,
	&kc_cmd_vm,
	&kc_cmd_mount,
	&kc_cmd_swap,
	&kc_cmd_dev,
	&kc_cmd_runq,
	&kc_cmd_irq,
	&kc_cmd_timer,
	&kc_cmd_sig,
	&kc_cmd_waitq,
	&kc_cmd_task,
	&kc_cmd_net,
	&kc_cmd_dis,
	&kc_cmd_search,
	&kc_cmd_tree,
	&kc_cmd_eval,
	&kc_cmd_ascii,
	&kc_cmd_btop,
	&kc_cmd_ptob,
	&kc_cmd_pte,
	&kc_cmd_alias,
};
const size_t kc_nr_commands = sizeof(kc_commands) / sizeof(kc_commands[0]);

const struct kc_command *kc_command_find(const char *name)
{
	for (size_t i = 0; i < kc_nr_commands; i++) {
		const struct kc_command *cmd = kc_commands[i];
		if (strcmp(cmd->name, name) == 0)
			return cmd;
		for (const char *const *alias = cmd->aliases; alias && *alias;
		     alias++) {
			if (strcmp(*alias, name) == 0)
				return cmd;
		}
	}
	return NULL;
}

static struct kc_error *parse_base(const char *text, int base, uint64_t *ret)
{
	if (!*text || *text == '-' || *text == '+' || *text == ' ')
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "invalid number: \"%s\"", text);
	errno = 0;
	char *end;
	unsigned long long v = strtoull(text, &end, base);
	if (errno || *end)
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "invalid %s number: \"%s\"",
				       base == 16 ? "hexadecimal" : "", text);
	*ret = v;
	return NULL;
}

struct kc_error *kc_parse_hex(const char *text, uint64_t *ret)
{
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		text += 2;
	return parse_base(text, 16, ret);
}

struct kc_error *kc_parse_number(const char *text, uint64_t *ret)
{
	return parse_base(text, 0, ret);
}

struct kc_error *kc_parse_address(struct kc_session *session, const char *text,
				  uint64_t *ret)
{
	struct kc_error *err = kc_parse_hex(text, ret);
	if (!err)
		return NULL;
	kc_error_destroy(err);
	/* SYMBOL or SYMBOL+OFFSET. */
	char name[256];
	const char *plus = strchr(text, '+');
	size_t len = plus ? (size_t)(plus - text) : strlen(text);
	if (len == 0 || len >= sizeof(name))
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "invalid address: \"%s\"", text);
	memcpy(name, text, len);
	name[len] = '\0';
	uint64_t offset = 0;
	if (plus) {
		err = kc_parse_number(plus + 1, &offset);
		if (err)
			return err;
	}
	err = kc_session_symbol(session, name, ret);
	if (err)
		return kc_error_prefix(err, "\"%s\" is neither a hexadecimal address nor a known symbol",
				       text);
	*ret += offset;
	return NULL;
}

struct kc_error *kc_usage_error(const struct kc_command *cmd)
{
	return kc_error_create(KC_ERR_INVALID_ARG, "usage: %s", cmd->usage);
}
