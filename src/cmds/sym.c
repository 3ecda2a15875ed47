/* SPDX-License-Identifier: MIT */
/*
 * sym: translate between symbols and addresses, crash style:
 * "ffffa220d1210000 (T) _stext", "... (t) func+0x1c [module]".
 */
#include "command.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/modules.h>
#include <kcrash/symbols.h>

static void print_symbol(FILE *out, uint64_t addr, const struct kc_symbolized *sym)
{
	fprintf(out, "%llx (%c) %s", (unsigned long long)addr, sym->type, sym->name);
	if (sym->offset)
		fprintf(out, "+0x%llx", (unsigned long long)sym->offset);
	if (sym->module)
		fprintf(out, " [%s]", sym->module);
	fputc('\n', out);
}

/* A hexadecimal address: 0x..., or all hex digits and not a symbol's name. */
static bool looks_like_address(struct kc_session *session, const char *arg, uint64_t *addr)
{
	struct kc_error *err = kc_parse_hex(arg, addr);
	if (err) {
		kc_error_destroy(err);
		return false;
	}
	if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X'))
		return true;
	uint64_t ignored;
	err = kc_symbol_lookup(session, arg, NULL, &ignored);
	kc_error_destroy(err);
	return err != NULL;
}

static struct kc_error *show_one(struct kc_session *session, const char *arg, FILE *out)
{
	struct kc_symbolized sym;
	uint64_t addr;
	if (looks_like_address(session, arg, &addr)) {
		struct kc_error *err = kc_symbolize(session, addr, &sym);
		if (err) {
			kc_error_destroy(err);
			return kc_error_address(KC_ERR_LOOKUP, addr, "invalid address: %s", arg);
		}
		print_symbol(out, addr, &sym);
		return NULL;
	}
	struct kc_error *err = kc_symbol_lookup(session, arg, NULL, &addr);
	if (err) {
		kc_error_destroy(err);
		return kc_error_create(KC_ERR_LOOKUP, "symbol not found: %s", arg);
	}
	/* The type letter and module come from the address's own symbol. */
	err = kc_symbolize(session, addr, &sym);
	if (err || strcmp(sym.name, arg) != 0 || sym.offset) {
		kc_error_destroy(err);
		sym = (struct kc_symbolized){.name = arg, .type = '?'};
		struct kc_symbolized *all;
		size_t count;
		if (!kc_symbols_all(session, NULL, &all, &count)) {
			for (size_t i = 0; i < count; i++) {
				if (all[i].addr == addr && strcmp(all[i].name, arg) == 0) {
					sym = all[i];
					sym.name = arg;
					break;
				}
			}
			free(all);
		}
		sym.offset = 0;
	}
	print_symbol(out, addr, &sym);
	return NULL;
}

/* -l (all), -q STRING (names containing it), -m MODULE (its symbols). */
static struct kc_error *list_symbols(struct kc_session *session, const char *module,
				     const char *substring, FILE *out)
{
	struct kc_symbolized *all;
	size_t count;
	struct kc_error *err = kc_symbols_all(session, module, &all, &count);
	if (err)
		return err;
	const struct kc_module *mod = NULL;
	if (module) {
		const struct kc_modules *modules;
		if (!kc_modules_get(session, &modules))
			mod = kc_module_find(modules, module);
	}
	if (mod)
		fprintf(out, "%llx MODULE START: %s\n", (unsigned long long)mod->text_base,
			mod->name);
	size_t shown = 0;
	for (size_t i = 0; i < count; i++) {
		if (substring && !strstr(all[i].name, substring))
			continue;
		all[i].offset = 0;
		print_symbol(out, all[i].addr, &all[i]);
		shown++;
	}
	if (mod)
		fprintf(out, "%llx MODULE END: %s\n",
			(unsigned long long)(mod->text_base + mod->size), mod->name);
	free(all);
	if (substring && !shown)
		fprintf(out, "symbol not found: %s\n", substring);
	return NULL;
}

static struct kc_error *cmd_sym(struct kc_session *session, int argc, char **argv,
				FILE *out)
{
	if (argc < 2)
		return kc_usage_error(&kc_cmd_sym);
	if (strcmp(argv[1], "-l") == 0 && argc == 2)
		return list_symbols(session, NULL, NULL, out);
	if (strcmp(argv[1], "-q") == 0 && argc == 3)
		return list_symbols(session, NULL, argv[2], out);
	if (strcmp(argv[1], "-m") == 0 && argc == 3)
		return list_symbols(session, argv[2], NULL, out);
	if (argv[1][0] == '-')
		return kc_usage_error(&kc_cmd_sym);
	for (int i = 1; i < argc; i++) {
		struct kc_error *err = show_one(session, argv[i], out);
		if (err)
			return err;
	}
	return NULL;
}

const struct kc_command kc_cmd_sym = {
	.name = "sym",
	.summary = "translate a symbol to its address, or an address to its symbol",
	.usage = "sym ADDR|NAME... | sym -l | sym -q STRING | sym -m MODULE",
	.help = "For an address, the symbol holding it as \"ADDR (TYPE) NAME+0xOFFSET\";\n"
		"for a name, \"ADDR (TYPE) NAME\". TYPE is the nm letter; a module\n"
		"symbol is followed by \" [MODULE]\". Symbols are the vmlinux's (with\n"
		"the KASLR offset) and each loaded module's kallsyms.\n"
		"  -l         every symbol, sorted by address\n"
		"  -q STRING  the symbols whose names contain STRING\n"
		"  -m MODULE  MODULE's symbols, between MODULE START/END lines\n",
	.needs_dump = true,
	.run = cmd_sym,
};
