/* cm_blacklist: the STOP lists (SPEC §6), one per account, in their own LMDB
 * environment <state_dir>/blacklist shared by the router (which adds numbers when a
 * STOP arrives and reads it for every recipient) and smsgwctl (add, remove, import,
 * export). LMDB serialises the writers; readers never block.
 *
 * Entries: key "<account>\n<E.164>", value: u64 ms since the epoch (when added), then
 * the origin as text ("mo", "ctl", "import"). Numbers must already be E.164.
 *
 * cm_blacklist_open() creates the environment if needed (read-only when `readonly`);
 * the returned handle is owned by the caller (cm_blacklist_close). Writes commit
 * before returning (one transaction per call; cm_blacklist_import batches). Errors:
 * negative errno (-ENOENT: no such entry; -ENOSPC: map full; -EINVAL: bad number). */
#ifndef CM_BLACKLIST_H
#define CM_BLACKLIST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct cm_blacklist cm_blacklist;

int cm_blacklist_open(const char *state_dir, int readonly, cm_blacklist **out);
void cm_blacklist_close(cm_blacklist *b);
int cm_blacklist_add(cm_blacklist *b, const char *account, const char *e164, uint64_t at_ms,
                     const char *origin);
int cm_blacklist_remove(cm_blacklist *b, const char *account, const char *e164);
/* 1 if listed, 0 if not, negative on error. */
int cm_blacklist_contains(cm_blacklist *b, const char *account, const char *e164);
/* Reads "number[;account]" lines (CSV, header optional, numbers in any form
 * cm_number_normalise accepts) and adds them for `account` (or the line's account).
 * Returns the number of entries added; *bad counts the lines refused. */
long cm_blacklist_import(cm_blacklist *b, const char *account, FILE *in, uint64_t at_ms, long *bad);
/* Writes "account;number;added_utc;origin" lines for one account (NULL: all). */
long cm_blacklist_export(cm_blacklist *b, const char *account, FILE *out);

#endif
