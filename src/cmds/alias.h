/* SPDX-License-Identifier: MIT */
/*
 * Command aliases (crash's alias): names that stand for a command and its
 * first arguments, expanded in the first word of each command line.
 */
#ifndef KC_CMDS_ALIAS_H
#define KC_CMDS_ALIAS_H

/*
 * LINE with its first word replaced by what it aliases, as a malloc'd
 * string; NULL when the first word is no alias (or out of memory).
 * Leading blanks are kept out; the rest of the line follows unchanged.
 */
char *kc_alias_expand(const char *line);

#endif
