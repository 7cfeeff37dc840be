/* ctl_store: an LMDB store of another process, opened read-only (MDB_RDONLY |
 * MDB_NOTLS: never a write transaction, never a change to the data) with one read
 * transaction that gives each command a consistent snapshot.
 *
 * ctl_store_open: 0, -ENOENT when the directory holds no store, or another negative
 * errno. ctl_store_dbi: 0 or -ENOENT when the sub-database does not exist (yet).
 * ctl_store_renew: a fresh snapshot (for long-running readers such as serve-status).
 * Values read through the txn are valid until the next renew or close. */
#ifndef CTL_STORE_H
#define CTL_STORE_H

#include <lmdb.h>
#include <stddef.h>

typedef struct {
    MDB_env *env;
    MDB_txn *txn;
    char dir[4096];
} ctl_store;

int ctl_store_open(ctl_store *s, const char *dir);
int ctl_store_dbi(ctl_store *s, const char *name, MDB_dbi *out);
int ctl_store_renew(ctl_store *s);
/* Entries in sub-database `name`, 0 when it or the store is absent. */
size_t ctl_store_count(ctl_store *s, const char *name);
/* Value of key in `name`; 0, -ENOENT, or another negative errno. */
int ctl_store_get(ctl_store *s, const char *name, const void *key, size_t klen, MDB_val *v);
void ctl_store_close(ctl_store *s);

#endif
