/* SPDX-License-Identifier: MIT */
#include "json.h"

#include <string.h>

void kc_json_string_n(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void kc_json_string(FILE *out, const char *s)
{
	if (!s)
		fputs("null", out);
	else
		kc_json_string_n(out, s, strlen(s));
}
