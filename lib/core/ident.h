/*
 * ident.h - the one rule for the ids people give to things (internal):
 * plan items, KPIs, and later devices and facilities.  An id is 1 to 40
 * ASCII letters, digits, '_', '.' or '-', so that it is safe in a URL, a
 * file name, a CSV cell and a shell argument without quoting.
 */
#ifndef KB_IDENT_H
#define KB_IDENT_H

#define KB_ID_MAX 40

/* 1 if s is a valid id, else 0. */
int kb__id_ok(const char *s);

#endif
