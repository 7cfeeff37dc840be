/* cm_store: an LMDB environment owned by one process, with group commit.
 *
 * cm_store_open() creates the directory if needed, opens the environment with a
 * large sparse map (MDB_NOTLS), clears stale readers (mdb_reader_check, also every
 * minute once attached to a loop) and opens the named sub-databases.
 *
 * Group commit: during a loop turn, the owner writes into the batch transaction
 * (cm_store_batch_txn) and registers what must happen only after the data is
 * durable (cm_store_batch_after: typically sending the acknowledgements). Before
 * the loop blocks again, the batch is committed with one fsync and the callbacks
 * run in registration order with committed = 1. If the commit fails they run with
 * committed = 0 and the store's fail callback is called (the owner treats a storage
 * failure as fatal; MDB_MAP_FULL is reported as -ENOSPC). A callback may itself write
 * to the next batch or commit it.
 *
 * Errors are negative errno values or LMDB's own positive codes mapped to -EIO,
 * except MDB_NOTFOUND -> -ENOENT, MDB_KEYEXIST -> -EEXIST, MDB_MAP_FULL -> -ENOSPC. */
#ifndef CM_STORE_H
#define CM_STORE_H

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

typedef struct cm_store cm_store;
typedef void (*cm_store_after_cb)(void *arg, int committed);

/* Creates dir and its missing parents (mode 0750). 0 or a negative errno. */
int cm_mkdir_p(const char *dir);

/* A small environment shared by several processes (<state_dir>/<name>, e.g. the STOP
 * lists that the router and smsgwctl both write): creates the directory unless
 * readonly, MDB_NOTLS, `map_size`, and opens the sub-databases named in `dbnames`
 * (NULL-terminated; an empty list opens the main database) into dbis[]. 0 or a
 * negative errno; nothing stays open on failure. No group commit: each caller's write
 * is its own transaction. */
int cm_store_open_shared(const char *state_dir, const char *name, size_t map_size, int readonly,
                         const char *const *dbnames, MDB_env **env, MDB_dbi *dbis);

/* dbnames is NULL-terminated. */
int cm_store_open(const char *dir, size_t map_size, const char *const *dbnames, cm_store **out);
/* Commits an open batch; when attached, the memory is freed once the loop has closed
 * the handles. */
void cm_store_close(cm_store *s);
MDB_env *cm_store_env(cm_store *s);
/* The handle of a sub-database named at open time; aborts on an unknown name. */
MDB_dbi cm_store_dbi(cm_store *s, const char *name);
int cm_store_err(int mdb_rc); /* LMDB code -> negative errno as above */

/* Commits automatically before each loop wait; `on_fail` gets the error. */
int cm_store_attach(cm_store *s, uv_loop_t *loop, void (*on_fail)(int err, void *arg), void *arg);
MDB_txn *cm_store_batch_txn(cm_store *s); /* begins it if needed; NULL on failure */
int cm_store_batch_after(cm_store *s, cm_store_after_cb cb, void *arg);
int cm_store_batch_commit(cm_store *s); /* explicit commit (also used at shutdown) */

/* A read-only transaction for lookups outside the batch (sees committed data). */
int cm_store_read_begin(cm_store *s, MDB_txn **txn);

/* Counter `name` in sub-database `meta`, incremented in txn; the new value in *out. */
int cm_store_next_seq(MDB_txn *txn, MDB_dbi meta, const char *name, uint64_t *out);
/* Reserves `count` values of the counter: *first, *first + 1, ... *first + count - 1. */
int cm_store_reserve_seq(MDB_txn *txn, MDB_dbi meta, const char *name, uint64_t count,
                         uint64_t *first);

/* Small wrappers: get (value borrowed from the txn), put, del. */
int cm_store_get(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t klen, MDB_val *v);
int cm_store_put(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t klen, const void *v, size_t vlen,
                 unsigned flags);
int cm_store_del(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t klen);

#endif
