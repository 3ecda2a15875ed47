/* SPDX-License-Identifier: MIT */
/*
 * Compiled by gcc and clang, DWARF 4 and 5, only for its debug info: what
 * the index's two readers (libdw's walk and src/dwarfskim.c) must agree on.
 * A variable declared and then defined (the definition names it through
 * DW_AT_specification), types nested in a struct (clang puts them inside
 * the struct's DIE), enumerators, a type only declared, anonymous types.
 */
struct skim_only_declared;

extern int skim_counter;
int skim_counter = 3;

enum skim_color { SKIM_RED, SKIM_GREEN = 7, SKIM_BLUE };

struct skim_outer {
	struct skim_inner {
		int depth;
		union skim_deep {
			long word;
			enum skim_mode { SKIM_MODE_A, SKIM_MODE_B } mode;
		} deep;
	} inner;
	enum skim_color color;
	struct {
		char anonymous;
	} unnamed;
	struct skim_only_declared *opaque;
};

typedef struct skim_outer skim_outer_t;
skim_outer_t skim_outer_var;
static enum skim_mode skim_mode_var;
const char skim_string[] = "kcrash";

int main(void)
{
	return skim_counter + (int)skim_mode_var + skim_string[0] + skim_outer_var.inner.depth;
}
