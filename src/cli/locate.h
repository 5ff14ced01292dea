/*
 * locate.h - finding the index from wherever the command line is run, as
 * git finds .git: the nearest directory, from the current one upwards,
 * that holds an index/ with a CURRENT.
 */
#ifndef AJ_CLI_LOCATE_H
#define AJ_CLI_LOCATE_H

/* Looks in the current directory, then in each one above it up to the
 * root, for index/CURRENT (a file, as a build leaves it, or a link, as
 * builds left it before).
 * On success returns 0 and sets *index to that index/ and *corpus to the
 * corpus/ beside it (whether or not it exists): "index" and "corpus" when
 * they are in the current directory, absolute paths otherwise; both are
 * malloc'ed and owned by the caller.  Returns -1 when no directory holds
 * one (or the current directory cannot be read), leaving both NULL. */
int aj_locate_index(char **index, char **corpus);

#endif
