/* SPDX-License-Identifier: MIT */
#include "vmcoreinfo.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct kc_vmcoreinfo *sort_info;

static int compare_keys(const void *a, const void *b)
{
	const struct kc_vmcoreinfo_entry *ea = &sort_info->entries[*(const size_t *)a];
	const struct kc_vmcoreinfo_entry *eb = &sort_info->entries[*(const size_t *)b];
	int c = strcmp(ea->key, eb->key);
	if (c)
		return c;
	/* Equal keys: the first occurrence wins lookups, as in the kernel's order. */
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

struct kc_error *kc_vmcoreinfo_parse(const char *text, size_t len,
				     struct kc_vmcoreinfo **ret)
{
	struct kc_vmcoreinfo *info = calloc(1, sizeof(*info));
	if (!info)
		return &kc_error_nomem;
	size_t capacity = 0;
	unsigned line_no = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - line) : len - pos;
		pos += line_len + (nl ? 1 : 0);
		line_no++;
		/* Stop at an embedded NUL: the rest is padding. */
		size_t real_len = strnlen(line, line_len);
		bool stop = real_len < line_len;
		line_len = real_len;
		if (line_len && line[line_len - 1] == '\r')
			line_len--;
		if (line_len == 0) {
			if (stop)
				break;
			continue;
		}
		const char *eq = memchr(line, '=', line_len);
		if (!eq) {
			char **grown = realloc(info->malformed,
					       (info->nr_malformed + 1) * sizeof(*grown));
			if (!grown)
				goto nomem;
			info->malformed = grown;
			info->malformed[info->nr_malformed] = strndup(line, line_len);
			if (!info->malformed[info->nr_malformed])
				goto nomem;
			info->nr_malformed++;
		} else {
			if (info->nr_entries == capacity) {
				capacity = capacity ? capacity * 2 : 128;
				void *grown = realloc(info->entries,
						      capacity * sizeof(*info->entries));
				if (!grown)
					goto nomem;
				info->entries = grown;
			}
			struct kc_vmcoreinfo_entry *e = &info->entries[info->nr_entries];
			e->key = strndup(line, (size_t)(eq - line));
			e->value = strndup(eq + 1, line_len - (size_t)(eq - line) - 1);
			e->line = line_no;
			if (!e->key || !e->value) {
				free(e->key);
				free(e->value);
				goto nomem;
			}
			info->nr_entries++;
		}
		if (stop)
			break;
	}
	info->sorted = malloc((info->nr_entries ? info->nr_entries : 1) *
			      sizeof(*info->sorted));
	if (!info->sorted)
		goto nomem;
	for (size_t i = 0; i < info->nr_entries; i++)
		info->sorted[i] = i;
	sort_info = info;
	qsort(info->sorted, info->nr_entries, sizeof(*info->sorted),
	      compare_keys);
	sort_info = NULL;
	*ret = info;
	return NULL;

nomem:
	kc_vmcoreinfo_destroy(info);
	return &kc_error_nomem;
}

void kc_vmcoreinfo_destroy(struct kc_vmcoreinfo *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->nr_entries; i++) {
		free(info->entries[i].key);
		free(info->entries[i].value);
	}
	for (size_t i = 0; i < info->nr_malformed; i++)
		free(info->malformed[i]);
	free(info->malformed);
	free(info->entries);
	free(info->sorted);
	free(info);
}

const char *kc_vmcoreinfo_get(const struct kc_vmcoreinfo *info,
			      const char *key)
{
	size_t lo = 0, hi = info->nr_entries;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(info->entries[info->sorted[mid]].key, key);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < info->nr_entries &&
	    strcmp(info->entries[info->sorted[lo]].key, key) == 0)
		return info->entries[info->sorted[lo]].value;
	return NULL;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Parse the whole of VALUE in BASE (0 = C rules); signed if ALLOW_MINUS. */
static bool parse_integer(const char *value, int base, bool allow_minus,
			  uint64_t *ret)
{
	const char *p = value;
	bool negative = false;
	if (allow_minus && *p == '-') {
		negative = true;
		p++;
	}
	if (*p == '\0' || *p == ' ' || *p == '+' || *p == '-')
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(p, &end, base);
	if (errno || *end != '\0')
		return false;
	*ret = negative ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	return true;
}

struct kc_error *kc_vmcoreinfo_u64(const struct kc_vmcoreinfo *info,
				   const char *key, uint64_t *ret)
{
	const char *value = kc_vmcoreinfo_get(info, key);
	if (!value)
		return kc_error_create(KC_ERR_LOOKUP, "VMCOREINFO has no %s",
				       key);
	int base = 10;
	bool allow_minus = false;
	if (starts_with(key, "SYMBOL(") || strcmp(key, "KERNELOFFSET") == 0) {
		base = 16; /* "%lx", no prefix */
	} else if (starts_with(key, "NUMBER(")) {
		base = 0; /* "%ld", but arm64 prints some as "0x%llx" */
		allow_minus = true;
	} else if (starts_with(value, "0x") || starts_with(value, "0X")) {
		base = 16;
	}
	if (!parse_integer(value, base, allow_minus, ret))
		return kc_error_create(KC_ERR_FORMAT,
				       "VMCOREINFO %s=%s: expected %s", key,
				       value,
				       base == 16 ? "a hexadecimal number" :
						    "a number");
	return NULL;
}

static struct kc_error *lookup_bracketed(const struct kc_vmcoreinfo *info,
					 const char *family, const char *name,
					 uint64_t *ret)
{
	char key[256];
	if ((size_t)snprintf(key, sizeof(key), "%s(%s)", family, name) >= sizeof(key))
		return kc_error_create(KC_ERR_INVALID_ARG,
				       "VMCOREINFO key %s(%s) is too long",
				       family, name);
	return kc_vmcoreinfo_u64(info, key, ret);
}

struct kc_error *kc_vmcoreinfo_symbol(const struct kc_vmcoreinfo *info,
				      const char *name, uint64_t *ret)
{
	return lookup_bracketed(info, "SYMBOL", name, ret);
}

struct kc_error *kc_vmcoreinfo_number(const struct kc_vmcoreinfo *info,
				      const char *name, int64_t *ret)
{
	uint64_t v;
	struct kc_error *err = lookup_bracketed(info, "NUMBER", name, &v);
	if (!err)
		*ret = (int64_t)v;
	return err;
}

struct kc_error *kc_vmcoreinfo_offset(const struct kc_vmcoreinfo *info,
				      const char *type_member, uint64_t *ret)
{
	return lookup_bracketed(info, "OFFSET", type_member, ret);
}

struct kc_error *kc_vmcoreinfo_size(const struct kc_vmcoreinfo *info,
				    const char *type, uint64_t *ret)
{
	return lookup_bracketed(info, "SIZE", type, ret);
}
