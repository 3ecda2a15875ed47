/* SPDX-License-Identifier: MIT */
#include "sysmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Far above any real map (Debian 6.1's System.map is 9 MiB, a kallsyms copy
 * with many modules some 20 MiB): the most a wrong path makes us read.
 */
#define SYSMAP_MAX_BYTES ((size_t)256 << 20)

/* At most this much a read(), so a binary file is seen as one early. */
#define SYSMAP_READ_CHUNK ((size_t)1 << 20)

/*
 * The whole file, NUL-terminated (the NUL ends the last line's name too),
 * or only up to its first NUL byte: no line holds one, so the parse fails
 * there at the latest, and a vmlinux or vmcore given by mistake is not read
 * through.
 */
static struct kc_error *read_whole_file(const char *path, char **ret_text,
					size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kc_error_os(errno, "%s", path);
	/* A regular file's size sizes the buffer; pipes grow it. */
	size_t capacity = 1 << 16;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size <= SYSMAP_MAX_BYTES)
		capacity = (size_t)st.st_size + 1;
	char *text = malloc(capacity);
	size_t len = 0;
	struct kc_error *err = text ? NULL : &kc_error_nomem;
	while (!err) {
		if (len + 1 == capacity) {
			/* Room for one byte past the limit, to see it passed. */
			size_t grown = capacity * 2 < SYSMAP_MAX_BYTES + 2 ? capacity * 2
									  : SYSMAP_MAX_BYTES + 2;
			char *bigger = realloc(text, grown);
			if (!bigger) {
				err = &kc_error_nomem;
				break;
			}
			text = bigger;
			capacity = grown;
		}
		size_t room = capacity - 1 - len;
		ssize_t n = read(fd, text + len, room < SYSMAP_READ_CHUNK ? room : SYSMAP_READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = kc_error_os(errno, "%s: read", path);
		if (n <= 0)
			break;
		bool binary = memchr(text + len, '\0', (size_t)n) != NULL;
		len += (size_t)n;
		if (len > SYSMAP_MAX_BYTES)
			err = kc_error_create(KC_ERR_FORMAT,
					      "%s: more than %zu MiB, too large for a System.map",
					      path, SYSMAP_MAX_BYTES >> 20);
		if (binary)
			break;
	}
	close(fd);
	if (err) {
		free(text);
		return err;
	}
	text[len] = '\0';
	*ret_text = text;
	*ret_len = len;
	return NULL;
}

/* One line's fields; NAME is not NUL-terminated (NAME_LEN bytes). */
struct sysmap_line {
	uint64_t addr;
	char type;
	const char *name;
	size_t name_len;
	bool module;     /* a /proc/kallsyms "\t[module]" line */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* nm prints names without spaces or control bytes; kernel names are ASCII. */
static bool is_name_byte(char c)
{
	return c > ' ' && c < 0x7f;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t skip_blanks(const char *line, size_t len, size_t at)
{
	while (at < len && is_blank(line[at]))
		at++;
	return at;
}

/* What is wrong with a byte where a field was expected. */
static const char *bad_byte(char c, const char *otherwise)
{
	return c == '\0' ? "a NUL byte" : otherwise;
}

/*
 * Parse "ADDRESS TYPE NAME" with an optional "[MODULE]" after the name from
 * LINE (LEN bytes, no newline). NULL when it parses, else what is wrong,
 * with the 0-based column of the problem in *COLUMN.
 */
static const char *parse_line(const char *line, size_t len,
			      struct sysmap_line *out, size_t *column)
{
	size_t at = 0;
	uint64_t addr = 0;
	int digit;
	for (; at < len && (digit = hex_digit(line[at])) >= 0; at++) {
		*column = at;
		if (at == 16)
			return "an address of more than 16 hex digits";
		addr = addr << 4 | (uint64_t)digit;
	}
	*column = at;
	if (at == 0)
		return bad_byte(line[0], "no hex address at the start");
	if (at == len)
		return "nothing after the address";
	if (!is_blank(line[at]))
		return bad_byte(line[at], "a non-hex character in the address");
	at = *column = skip_blanks(line, len, at);
	if (at == len)
		return "no type after the address";
	char type = line[at];
	if (!((type >= 'a' && type <= 'z') || (type >= 'A' && type <= 'Z')))
		return bad_byte(type, "a type that is not a letter");
	*column = ++at;
	if (at == len)
		return "no name after the type";
	if (!is_blank(line[at]))
		return bad_byte(line[at], "a type of more than one letter");
	size_t name_start = *column = skip_blanks(line, len, at);
	for (at = name_start; at < len && is_name_byte(line[at]); at++)
		;
	*column = at;
	if (at == name_start && at == len)
		return "no name after the type";
	if (at < len && !is_blank(line[at]))
		return bad_byte(line[at], "a control or non-ASCII byte in the name");
	*out = (struct sysmap_line){
		.addr = addr, .type = type, .name = line + name_start,
		.name_len = at - name_start,
	};
	at = *column = skip_blanks(line, len, at);
	if (at == len)
		return NULL;
	if (line[at] != '[')
		return bad_byte(line[at], "text after the name");
	/* "[module]": kallsyms prints it after a tab. */
	size_t module_start = ++at;
	for (; at < len && is_name_byte(line[at]) && line[at] != ']'; at++)
		;
	*column = at;
	if (at == len)
		return "an unterminated [module] after the name";
	if (at == module_start || line[at] != ']')
		return bad_byte(line[at], "a bad [module] after the name");
	at = *column = skip_blanks(line, len, at + 1);
	if (at != len)
		return bad_byte(line[at], "text after the [module]");
	out->module = true;
	return NULL;
}

/*
 * Whether a vmlinux's ELF symtab (symtab.c) would have this line's symbol:
 * not a module's, not undefined (U; w, v: undefined weak), not nm's
 * debugger-only N, not a mapping symbol.
 */
static bool is_kept(const struct sysmap_line *line)
{
	return !line->module && !strchr("UwvN", line->type) &&
	       !kc_symtab_is_mapping_symbol(line->name, line->name_len);
}

/* The symbols parsed so far; names point into the file's text. */
struct symbol_list {
	struct kc_symbol *symbols;
	size_t nr, capacity;
	size_t name_bytes;    /* their names' lengths plus NULs */
};

static struct kc_error *append_symbol(struct symbol_list *list,
				      const struct sysmap_line *line)
{
	if (list->nr == list->capacity) {
		size_t grown = list->capacity ? list->capacity * 2 : 4096;
		struct kc_symbol *bigger = realloc(list->symbols, grown * sizeof(*bigger));
		if (!bigger)
			return &kc_error_nomem;
		list->symbols = bigger;
		list->capacity = grown;
	}
	list->symbols[list->nr++] = (struct kc_symbol){
		.addr = line->addr, .name = line->name, .type = line->type,
	};
	list->name_bytes += line->name_len + 1;
	return NULL;
}

/* Up to 40 bytes of LINE for a message, non-printable bytes as \xNN. */
static void quote_line(const char *line, size_t len, char *buf, size_t size)
{
	size_t out = 0;
	for (size_t i = 0; i < len && i < 40 && out + 5 < size; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c >= ' ' && c < 0x7f && c != '"' && c != '\\')
			buf[out++] = (char)c;
		else
			out += (size_t)snprintf(buf + out, size - out, "\\x%02x", c);
	}
	if (len > 40 && out + 4 < size) {
		memcpy(buf + out, "...", 3);
		out += 3;
	}
	buf[out] = '\0';
}

static struct kc_error *line_error(const char *path, size_t line_nr,
				   const char *line, size_t len,
				   const char *problem, size_t column)
{
	char quoted[200];
	quote_line(line, len, quoted, sizeof(quoted));
	return kc_error_create(KC_ERR_FORMAT,
			       "%s:%zu: expected 'ADDRESS TYPE NAME', got %s at column %zu in \"%s\"",
			       path, line_nr, problem, column + 1, quoted);
}

/*
 * Every line of TEXT into LIST, NUL-terminating each kept name in place
 * (the byte after a name is a blank, '\r', '\n' or the final NUL).
 */
static struct kc_error *parse_text(const char *path, char *text, size_t len,
				   struct symbol_list *list)
{
	size_t line_nr = 0;
	for (char *line = text, *end = text + len; line < end;) {
		char *newline = memchr(line, '\n', (size_t)(end - line));
		char *next = newline ? newline + 1 : end;
		size_t line_len = (size_t)((newline ? newline : end) - line);
		line_nr++;
		if (line_len && line[line_len - 1] == '\r')
			line_len--;  /* a copy that went through Windows */
		if (skip_blanks(line, line_len, 0) == line_len) {
			line = next;
			continue;
		}
		struct sysmap_line fields = {0};
		size_t column = 0;
		const char *problem = parse_line(line, line_len, &fields, &column);
		if (problem)
			return line_error(path, line_nr, line, line_len, problem, column);
		if (is_kept(&fields)) {
			struct kc_error *err = append_symbol(list, &fields);
			if (err)
				return err;
			line[fields.name - line + fields.name_len] = '\0';
		}
		line = next;
	}
	return NULL;
}

/* The names copied into one arena of their own, the file's text freed. */
static struct kc_error *move_names_to_arena(struct symbol_list *list, char **ret)
{
	char *arena = malloc(list->name_bytes ? list->name_bytes : 1);
	if (!arena)
		return &kc_error_nomem;
	char *at = arena;
	for (size_t i = 0; i < list->nr; i++) {
		size_t size = strlen(list->symbols[i].name) + 1;
		memcpy(at, list->symbols[i].name, size);
		list->symbols[i].name = at;
		at += size;
	}
	*ret = arena;
	return NULL;
}

static bool all_addresses_zero(const struct symbol_list *list)
{
	for (size_t i = 0; i < list->nr; i++) {
		if (list->symbols[i].addr)
			return false;
	}
	return true;
}

/* The lowest _stext, the one kc_symtab_lookup() will give (real files have one). */
static const struct kc_symbol *find_stext(const struct symbol_list *list)
{
	const struct kc_symbol *stext = NULL;
	for (size_t i = 0; i < list->nr; i++) {
		const struct kc_symbol *sym = &list->symbols[i];
		if (strcmp(sym->name, "_stext") == 0 && (!stext || sym->addr < stext->addr))
			stext = sym;
	}
	return stext;
}

/* Absolute symbols ('a', 'A') hold values, not addresses: KASLR leaves them. */
static bool is_absolute(char type)
{
	return type == 'a' || type == 'A';
}

/*
 * Link-time or run-time, from where the file's _stext is: *RUNTIME is set
 * for a run-time file, whose addresses are then made link-time.
 */
static struct kc_error *to_link_time(const char *path, struct symbol_list *list,
				     uint64_t runtime_stext, bool kaslr_known,
				     uint64_t kaslr_offset, bool *runtime)
{
	const struct kc_symbol *stext = find_stext(list);
	if (!stext)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: no _stext symbol: not a kernel's System.map or kallsyms",
				       path);
	uint64_t file_stext = stext->addr;
	*runtime = false;
	if (!runtime_stext || !kaslr_known)
		return NULL; /* nothing to check against: taken as link-time */
	if (file_stext == runtime_stext - kaslr_offset)
		return NULL;
	if (file_stext != runtime_stext)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: _stext is 0x%llx, but the crashed kernel's is 0x%llx (0x%llx at link time, KASLR offset 0x%llx): a map of another kernel",
				       path, (unsigned long long)file_stext,
				       (unsigned long long)runtime_stext,
				       (unsigned long long)(runtime_stext - kaslr_offset),
				       (unsigned long long)kaslr_offset);
	for (size_t i = 0; i < list->nr; i++) {
		struct kc_symbol *sym = &list->symbols[i];
		if (is_absolute(sym->type))
			continue;
		if (sym->addr < kaslr_offset)
			return kc_error_create(KC_ERR_FORMAT,
					       "%s: %s at 0x%llx, below the KASLR offset 0x%llx: not a run-time address like _stext's",
					       path, sym->name, (unsigned long long)sym->addr,
					       (unsigned long long)kaslr_offset);
		sym->addr -= kaslr_offset;
	}
	*runtime = true;
	return NULL;
}

static struct kc_error *check_symbols(const char *path, size_t len,
				      const struct symbol_list *list)
{
	if (!len)
		return kc_error_create(KC_ERR_FORMAT, "%s: empty file, expected a System.map",
				       path);
	if (!list->nr)
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: no kernel symbols (only module, undefined or blank lines)",
				       path);
	if (all_addresses_zero(list))
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: addresses are all zero: copied without root (kptr_restrict)",
				       path);
	return NULL;
}

struct kc_error *kc_sysmap_load(const char *path, uint64_t runtime_stext,
				bool kaslr_known, uint64_t kaslr_offset,
				struct kc_symtab **ret)
{
	char *text = NULL;
	size_t len = 0;
	struct kc_error *err = read_whole_file(path, &text, &len);
	if (err)
		return err;
	/*
	 * Debian's linux-image packages ship a one-line stand-in as
	 * /boot/System.map-RELEASE: say so rather than "text after the name".
	 */
	if (strstr(text, "The real System.map is in the ")) {
		free(text);
		return kc_error_create(KC_ERR_FORMAT,
				       "%s: a placeholder (\"The real System.map is in the linux-image-<version>-dbg package\"), not a System.map: give that package's vmlinux or System.map, or leave out --symbols to use the dump's own kallsyms",
				       path);
	}
	struct symbol_list list = {0};
	err = parse_text(path, text, len, &list);
	if (!err)
		err = check_symbols(path, len, &list);
	bool runtime = false;
	if (!err)
		err = to_link_time(path, &list, runtime_stext, kaslr_known, kaslr_offset,
				   &runtime);
	char *names = NULL;
	if (!err)
		err = move_names_to_arena(&list, &names);
	free(text);
	if (err) {
		free(list.symbols);
		return err;
	}
	char *origin = NULL;
	int printed = runtime
		? asprintf(&origin, "kallsyms copy %s (run-time addresses, KASLR offset 0x%llx subtracted)",
			   path, (unsigned long long)kaslr_offset)
		: asprintf(&origin, "System.map %s", path);
	if (printed < 0) {
		free(list.symbols);
		free(names);
		return &kc_error_nomem;
	}
	err = kc_symtab_create(path, origin, list.symbols, list.nr, names, ret);
	free(origin);
	return err;
}
