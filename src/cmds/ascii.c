/* SPDX-License-Identifier: MIT */
/*
 * ascii: the ASCII chart, or a hexadecimal value's bytes as characters
 * from the least significant up (crash tools.c cmd_ascii): printable
 * bytes as themselves, control bytes by name (<NUL>, <LF>, ...), bytes
 * above 0x7f in hex (<ff>).
 */
#include "command.h"
#include "json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *const control_names[32] = {
	"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF",
	"VT", "FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK",
	"SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
};

static void print_chart(FILE *out)
{
	fputs("\n"
	      "      0    1   2   3   4   5   6   7\n"
	      "    +-------------------------------\n"
	      "  0 | NUL DLE  SP  0   @   P   '   p\n"
	      "  1 | SOH DC1  !   1   A   Q   a   q\n"
	      "  2 | STX DC2  \"   2   B   R   b   r\n"
	      "  3 | ETX DC3  #   3   C   S   c   s\n"
	      "  4 | EOT DC4  $   4   D   T   d   t\n"
	      "  5 | ENQ NAK  %   5   E   U   e   u\n"
	      "  6 | ACK SYN  &   6   F   V   f   v\n"
	      "  7 | BEL ETB  `   7   G   W   g   w\n"
	      "  8 |  BS CAN  (   8   H   X   h   x\n"
	      "  9 |  HT  EM  )   9   I   Y   i   y\n"
	      "  A |  LF SUB  *   :   J   Z   j   z\n"
	      "  B |  VT ESC  +   ;   K   [   k   {\n"
	      "  C |  FF  FS  ,   <   L   \\   l   |\n"
	      "  D |  CR  GS  _   =   M   ]   m   }\n"
	      "  E |  SO  RS  .   >   N   ^   n   ~\n"
	      "  F |  SI  US  /   ?   O   -   o  DEL\n"
	      "\n", out);
}

/* Byte C as ascii shows it: itself, <NAME> for a control byte, <xx> above 0x7f. */
static void byte_text(unsigned c, char *buf, size_t len)
{
	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, len, "%c", (int)c);
	else if (c > 0x7f)
		snprintf(buf, len, "<%02x>", c);
	else if (c == 0x7f)
		snprintf(buf, len, "<DEL>");
	else
		snprintf(buf, len, "<%s>", control_names[c]);
}

/* ascii --json without a value: the chart as [{code, char}] (SP, DEL, NUL...). */
static void print_chart_json(FILE *out)
{
	fputc('[', out);
	for (unsigned c = 0; c < 0x80; c++) {
		char name[8];
		if (c < 0x20)
			snprintf(name, sizeof(name), "%s", control_names[c]);
		else if (c == 0x20)
			snprintf(name, sizeof(name), "SP");
		else if (c == 0x7f)
			snprintf(name, sizeof(name), "DEL");
		else
			snprintf(name, sizeof(name), "%c", (int)c);
		fprintf(out, "%s\n  {\"code\": %u, \"char\": ", c ? "," : "", c);
		kc_json_string(out, name);
		fputc('}', out);
	}
	fputs("\n]\n", out);
}

/* ascii --json VALUE: {value, text, bytes [numbers], chars [each byte's text]}. */
static void print_value_json(uint64_t value, FILE *out)
{
	char text[64] = "", chars[8][8];
	for (unsigned b = 0; b < 8; b++) {
		byte_text((unsigned)(value >> (8 * b)) & 0xff, chars[b], sizeof(chars[b]));
		strcat(text, chars[b]);
	}
	fprintf(out, "{\"value\": \"0x%" PRIx64 "\", \"text\": ", value);
	kc_json_string(out, text);
	fputs(", \"bytes\": [", out);
	for (unsigned b = 0; b < 8; b++)
		fprintf(out, "%s%u", b ? ", " : "", (unsigned)(value >> (8 * b)) & 0xff);
	fputs("], \"chars\": [", out);
	for (unsigned b = 0; b < 8; b++) {
		fputs(b ? ", " : "", out);
		kc_json_string(out, chars[b]);
	}
	fputs("]}", out);
}

static struct kc_error *cmd_ascii(struct kc_session *session, int argc, char **argv, FILE *out)
{
	(void)session;
	bool json = false;
	int nvalues = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			nvalues++;
	}
	if (json) {
		if (!nvalues) {
			print_chart_json(out);
			return NULL;
		}
		/* Every value parsed first: a whole document or only the error. */
		uint64_t *values = calloc((size_t)nvalues, sizeof(*values));
		if (!values)
			return &kc_error_nomem;
		int n = 0;
		for (int i = 1; i < argc; i++) {
			if (!strcmp(argv[i], "--json"))
				continue;
			struct kc_error *err = kc_parse_hex(argv[i], &values[n++]);
			if (err) {
				free(values);
				return err;
			}
		}
		fputc('[', out);
		for (int i = 0; i < n; i++) {
			fputs(i ? ",\n  " : "\n  ", out);
			print_value_json(values[i], out);
		}
		fputs("\n]\n", out);
		free(values);
		return NULL;
	}
	if (argc == 1) {
		print_chart(out);
		return NULL;
	}
	for (int i = 1; i < argc; i++) {
		uint64_t value;
		struct kc_error *err = kc_parse_hex(argv[i], &value);
		if (err)
			return err;
		fprintf(out, "%016" PRIx64 ": ", value);
		for (unsigned b = 0; b < 8; b++) {
			char c[8];
			byte_text((unsigned)(value >> (8 * b)) & 0xff, c, sizeof(c));
			fputs(c, out);
		}
		fputc('\n', out);
	}
	return NULL;
}

const struct kc_command kc_cmd_ascii = {
	.name = "ascii",
	.summary = "translate a hexadecimal value to ASCII",
	.usage = "ascii [--json] [VALUE]...",
	.help =
		"Without an argument, shows the ASCII chart. With hexadecimal VALUEs\n"
		"(0x optional), shows each value's 8 bytes as characters, least\n"
		"significant first, as they lie in little-endian memory:\n"
		"  ascii 62696c2f7273752f\n"
		"  62696c2f7273752f: /usr/lib\n"
		"Control bytes are named (<NUL>, <LF>, ...), bytes above 0x7f shown in\n"
		"hex (<ff>).\n"
		"  --json  an array: for each VALUE {value, text (the line's\n"
		"          characters), bytes (numbers, least significant first), chars\n"
		"          (each byte's text)}; without a VALUE the chart, {code, char}\n"
		"          for codes 0 to 127 (NUL..US, SP, DEL by name)\n",
	.needs_dump = false,
	.run = cmd_ascii,
};
