// SPDX-License-Identifier: MIT
// Compiled by g++ only for its debug info: C++ puts the types declared in a
// struct inside the struct's DIE, which the index reads as nested types
// (see dwarf_skim_sample.c).
struct skim_outer {
	struct skim_inner {
		int depth;
		enum skim_mode { SKIM_MODE_A, SKIM_MODE_B } mode;
		struct skim_deepest {
			long word;
		} deepest;
	} inner;
	union skim_deep {
		long word;
		char byte;
	} deep;
	enum skim_color { SKIM_RED, SKIM_GREEN = 7 } color;
};

skim_outer skim_outer_var;
extern int skim_counter;
int skim_counter = 3;

int main()
{
	return skim_outer_var.inner.depth + skim_counter;
}
