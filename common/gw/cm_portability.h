/* cm_portability: the number portability database (SPEC §7): exact E.164 number ->
 * operator name, in its own LMDB environment <state_dir>/portability, read by the
 * router for every recipient and replaced in bulk by smsgwctl from the operators'
 * portability file while the gateway runs.
 *
 * Layout: two sub-databases "a" and "b" and a "meta" entry naming the active one.
 * An import fills the inactive one (cleared first, keys sorted then appended, which is
 * what makes millions of rows fast) and switches "meta" in its last transaction:
 * lookups see either the old table or the new one, never a mix.
 *
 * Import file: one "number;operator" line per row (',' also accepted), numbers in
 * any form cm_number_normalise accepts, an optional header line, blank lines ignored.
 * Operator names are [A-Za-z0-9_.-]{1,63}.
 *
 * cm_portability_lookup() copies the operator name into op[cap]: 0, -ENOENT (not
 * ported / no table), or a negative errno. cm_portability_import() returns the number
 * of distinct numbers loaded (the last line for a number wins) and counts refused
 * lines in *bad; a file with no valid row is refused (-EINVAL) so that a wrong file
 * cannot empty the table. */
#ifndef CM_PORTABILITY_H
#define CM_PORTABILITY_H

#include <stddef.h>
#include <stdio.h>

typedef struct cm_portability cm_portability;

int cm_portability_open(const char *state_dir, int readonly, cm_portability **out);
void cm_portability_close(cm_portability *p);
int cm_portability_lookup(cm_portability *p, const char *e164, char *op, size_t cap);
long cm_portability_import(cm_portability *p, FILE *in, long *bad);
/* Rows in the active table, or a negative errno. */
long cm_portability_count(cm_portability *p);

#endif
