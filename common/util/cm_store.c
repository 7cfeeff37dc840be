/* cm_store: see cm_store.h. The batch transaction is committed by a uv_prepare
 * handle, i.e. once per loop turn, just before the loop waits for I/O. */
#include "cm_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CM_STORE_MAX_DBS 32

typedef struct {
    cm_store_after_cb cb;
    void *arg;
} after;

struct cm_store {
    MDB_env *env;
    const char *names[CM_STORE_MAX_DBS];
    MDB_dbi dbis[CM_STORE_MAX_DBS];
    int ndbs;
    MDB_txn *batch;
    after *afters;
    size_t nafter, capafter;
    uv_prepare_t prepare;
    uv_timer_t reader_timer;
    void (*on_fail)(int err, void *arg);
    void *fail_arg;
    int attached;
};

int cm_store_err(int rc)
{
    switch (rc) {
    case 0:
        return 0;
    case MDB_NOTFOUND:
        return -ENOENT;
    case MDB_KEYEXIST:
        return -EEXIST;
    case MDB_MAP_FULL:
        return -ENOSPC;
    default:
        return rc < 0 ? -EIO : -rc;
    }
}

int cm_mkdir_p(const char *dir)
{
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path) return -ENAMETOOLONG;
    memcpy(path, dir, n + 1);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(path, 0750) != 0 && errno != EEXIST) return -errno;
            *p = '/';
        }
    return mkdir(path, 0750) != 0 && errno != EEXIST ? -errno : 0;
}

int cm_store_open_shared(const char *state_dir, const char *name, size_t map_size, int readonly,
                         const char *const *dbnames, MDB_env **env, MDB_dbi *dbis)
{
    char dir[4096];
    MDB_txn *txn;
    unsigned ndbs = 0;
    while (dbnames[ndbs])
        ndbs++;
    if (snprintf(dir, sizeof dir, "%s/%s", state_dir, name) >= (int)sizeof dir)
        return -ENAMETOOLONG;
    int rc = readonly ? 0 : cm_mkdir_p(dir);
    if (rc) return rc;
    *env = NULL;
    rc = mdb_env_create(env);
    if (!rc) rc = mdb_env_set_mapsize(*env, map_size);
    if (!rc && ndbs) rc = mdb_env_set_maxdbs(*env, ndbs);
    if (!rc) rc = mdb_env_open(*env, dir, MDB_NOTLS | (readonly ? MDB_RDONLY : 0), 0640);
    if (!rc) rc = mdb_txn_begin(*env, NULL, readonly ? MDB_RDONLY : 0, &txn);
    for (unsigned i = 0; !rc && i < (ndbs ? ndbs : 1); i++) {
        rc = mdb_dbi_open(txn, ndbs ? dbnames[i] : NULL, ndbs && !readonly ? MDB_CREATE : 0,
                          &dbis[i]);
        if (rc) mdb_txn_abort(txn);
    }
    if (!rc) rc = mdb_txn_commit(txn);
    if (rc && *env) {
        mdb_env_close(*env);
        *env = NULL;
    }
    return cm_store_err(rc);
}

static int open_dbs(cm_store *s, const char *const *names)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
    for (; !rc && names[s->ndbs]; s->ndbs++) {
        if (s->ndbs == CM_STORE_MAX_DBS) {
            mdb_txn_abort(txn);
            return -E2BIG;
        }
        s->names[s->ndbs] = names[s->ndbs];
        rc = mdb_dbi_open(txn, names[s->ndbs], MDB_CREATE, &s->dbis[s->ndbs]);
    }
    if (rc) {
        mdb_txn_abort(txn);
        return cm_store_err(rc);
    }
    return cm_store_err(mdb_txn_commit(txn));
}

int cm_store_open(const char *dir, size_t map_size, const char *const *dbnames, cm_store **out)
{
    int rc = cm_mkdir_p(dir), dead;
    cm_store *s = rc ? NULL : calloc(1, sizeof *s);
    if (rc) return rc;
    if (!s) return -ENOMEM;
    rc = cm_store_err(mdb_env_create(&s->env));
    if (!rc) rc = cm_store_err(mdb_env_set_mapsize(s->env, map_size));
    if (!rc) rc = cm_store_err(mdb_env_set_maxdbs(s->env, CM_STORE_MAX_DBS));
    if (!rc) rc = cm_store_err(mdb_env_open(s->env, dir, MDB_NOTLS, 0640));
    if (!rc) rc = cm_store_err(mdb_reader_check(s->env, &dead));
    if (!rc) rc = open_dbs(s, dbnames);
    if (rc) {
        if (s->env) mdb_env_close(s->env);
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

static void on_handle_closed(uv_handle_t *h)
{
    cm_store *s = h->data;
    if (--s->attached == 0) free(s);
}

void cm_store_close(cm_store *s)
{
    if (!s) return;
    if (s->batch) cm_store_batch_commit(s);
    mdb_env_close(s->env);
    free(s->afters);
    s->env = NULL;
    s->afters = NULL;
    if (!s->attached) {
        free(s);
        return;
    }
    s->attached = 2; /* freed when both handles are closed */
    uv_close((uv_handle_t *)&s->prepare, on_handle_closed);
    uv_close((uv_handle_t *)&s->reader_timer, on_handle_closed);
}

MDB_env *cm_store_env(cm_store *s)
{
    return s->env;
}

MDB_dbi cm_store_dbi(cm_store *s, const char *name)
{
    for (int i = 0; i < s->ndbs; i++)
        if (strcmp(s->names[i], name) == 0) return s->dbis[i];
    abort(); /* a programming error: the name was not given to cm_store_open */
}

static void on_prepare(uv_prepare_t *h)
{
    cm_store *s = h->data;
    int rc = 0;
    /* An after-commit callback may open the next batch: commit that too before the
     * loop sleeps (bounded, so a callback that always writes cannot spin here). */
    for (int i = 0; i < 8 && !rc && (i == 0 || s->batch || s->nafter); i++)
        rc = cm_store_batch_commit(s);
    if (rc && s->on_fail) s->on_fail(rc, s->fail_arg);
}

static void on_reader_timer(uv_timer_t *t)
{
    int dead;
    cm_store *s = t->data;
    mdb_reader_check(s->env, &dead);
}

int cm_store_attach(cm_store *s, uv_loop_t *loop, void (*on_fail)(int err, void *arg), void *arg)
{
    s->on_fail = on_fail;
    s->fail_arg = arg;
    uv_prepare_init(loop, &s->prepare);
    s->prepare.data = s;
    uv_prepare_start(&s->prepare, on_prepare);
    uv_timer_init(loop, &s->reader_timer);
    s->reader_timer.data = s;
    uv_timer_start(&s->reader_timer, on_reader_timer, 60000, 60000);
    s->attached = 1;
    return 0;
}

MDB_txn *cm_store_batch_txn(cm_store *s)
{
    if (!s->batch && mdb_txn_begin(s->env, NULL, 0, &s->batch) != 0) s->batch = NULL;
    return s->batch;
}

int cm_store_batch_after(cm_store *s, cm_store_after_cb cb, void *arg)
{
    if (s->nafter == s->capafter) {
        size_t cap = s->capafter ? s->capafter * 2 : 64;
        after *a = realloc(s->afters, cap * sizeof *a);
        if (!a) return -ENOMEM;
        s->afters = a;
        s->capafter = cap;
    }
    s->afters[s->nafter++] = (after){cb, arg};
    return 0;
}

int cm_store_batch_commit(cm_store *s)
{
    int rc = 0;
    if (s->batch) {
        rc = cm_store_err(mdb_txn_commit(s->batch));
        s->batch = NULL;
    }
    /* Callbacks may register work for the next batch: run a snapshot, taken out of
     * the list first so that a callback that commits does not run it twice. */
    size_t n = s->nafter;
    after *run = n ? malloc(n * sizeof *run) : NULL;
    if (n && !run) return -ENOMEM; /* the callbacks stay registered for the next commit */
    if (n) memcpy(run, s->afters, n * sizeof *run);
    s->nafter = 0;
    for (size_t i = 0; i < n; i++)
        run[i].cb(run[i].arg, rc == 0);
    free(run);
    return rc;
}

int cm_store_read_begin(cm_store *s, MDB_txn **txn)
{
    return cm_store_err(mdb_txn_begin(s->env, NULL, MDB_RDONLY, txn));
}

int cm_store_next_seq(MDB_txn *txn, MDB_dbi meta, const char *name, uint64_t *out)
{
    return cm_store_reserve_seq(txn, meta, name, 1, out);
}

int cm_store_reserve_seq(MDB_txn *txn, MDB_dbi meta, const char *name, uint64_t count,
                         uint64_t *first)
{
    MDB_val v;
    uint64_t n = 0;
    int rc = cm_store_get(txn, meta, name, strlen(name), &v);
    if (rc == 0 && v.mv_size == sizeof n)
        memcpy(&n, v.mv_data, sizeof n);
    else if (rc != -ENOENT)
        return rc ? rc : -EBADMSG;
    *first = n + 1;
    n += count;
    return cm_store_put(txn, meta, name, strlen(name), &n, sizeof n, 0);
}

int cm_store_get(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t klen, MDB_val *v)
{
    MDB_val key = {klen, (void *)k};
    return cm_store_err(mdb_get(txn, dbi, &key, v));
}

int cm_store_put(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t klen, const void *v, size_t vlen,
                 unsigned flags)
{
    MDB_val key = {klen, (void *)k}, val = {vlen, (void *)v};
    return cm_store_err(mdb_put(txn, dbi, &key, &val, flags));
}

int cm_store_del(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t klen)
{
    MDB_val key = {klen, (void *)k};
    return cm_store_err(mdb_del(txn, dbi, &key, NULL));
}
