/* SPDX-License-Identifier: MIT */
/*
 * ascii: the ASCII chart, or a hexadecimal value's bytes as characters
 * from the least significant up (crash tools.c cmd_ascii): printable
 * bytes as themselves, control bytes by name (<NUL>, <LF>, ...), bytes
 * above 0x7f in hex (<ff>).
 */
#include "command.h"

#include <inttypes.h>
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

static struct kc_error *cmd_ascii(struct kc_session *session, int argc, char **argv, FILE *out)
{
	(void)session;
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
			unsigned c = (unsigned)(value >> (8 * b)) & 0xff;
			if (c >= 0x20 && c < 0x7f)
				fputc((int)c, out);
			else if (c > 0x7f)
				fprintf(out, "<%02x>", c);
			else if (c == 0x7f)
				fputs("<DEL>", out);
			else
				fprintf(out, "<%s>", control_names[c]);
		}
		fputc('\n', out);
	}
	return NULL;
}

const struct kc_command kc_cmd_ascii = {
	.name = "ascii",
	.summary = "translate a hexadecimal value to ASCII",
	.usage = "ascii [VALUE]...",
	.help =
		"Without an argument, shows the ASCII chart. With hexadecimal VALUEs\n"
		"(0x optional), shows each value's 8 bytes as characters, least\n"
		"significant first, as they lie in little-endian memory:\n"
		"  ascii 62696c2f7273752f\n"
		"  62696c2f7273752f: /usr/lib\n"
		"Control bytes are named (<NUL>, <LF>, ...), bytes above 0x7f shown in\n"
		"hex (<ff>).\n",
	.needs_dump = false,
	.run = cmd_ascii,
};
