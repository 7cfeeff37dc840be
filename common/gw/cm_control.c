/* cm_control: see cm_control.h. */
#include "cm_control.h"
#include "cm_store.h"

#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CM_CONTROL_MAP (64ULL << 20)

struct cm_control {
    MDB_env *env;
    MDB_dbi dbi;
};

static const char *const prefixes[] = {"hold\n", "retry\n"};

int cm_control_open(const char *state_dir, cm_control **out)
{
    static const char *const no_names[] = {NULL};
    cm_control *c = calloc(1, sizeof *c);
    if (!c) return -ENOMEM;
    int rc =
        cm_store_open_shared(state_dir, "control", CM_CONTROL_MAP, 0, no_names, &c->env, &c->dbi);
    if (rc) {
        free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void cm_control_close(cm_control *c)
{
    if (!c) return;
    mdb_env_close(c->env);
    free(c);
}

static int key_of(enum cm_control_kind kind, const char *submission, char *key, size_t cap)
{
    int n = snprintf(key, cap, "%s%s", prefixes[kind], submission);
    return !*submission || strchr(submission, '\n') || n < 0 || (size_t)n >= cap ? -EINVAL : n;
}

/* One write (put when val, else delete) in its own transaction. */
static int write_one(cm_control *c, const char *key, size_t klen, const uint64_t *val)
{
    MDB_txn *txn;
    MDB_val k = {klen, (void *)key}, v = {8, (void *)val};
    int rc = mdb_txn_begin(c->env, NULL, 0, &txn);
    if (rc) return cm_store_err(rc);
    rc = val ? mdb_put(txn, c->dbi, &k, &v, 0) : mdb_del(txn, c->dbi, &k, NULL);
    if (rc) {
        mdb_txn_abort(txn);
        return cm_store_err(rc);
    }
    return cm_store_err(mdb_txn_commit(txn));
}

int cm_control_put(cm_control *c, enum cm_control_kind kind, const char *submission, uint64_t at_ms)
{
    char key[128];
    int n = key_of(kind, submission, key, sizeof key);
    return n < 0 ? n : write_one(c, key, (size_t)n, &at_ms);
}

int cm_control_del(cm_control *c, enum cm_control_kind kind, const char *submission)
{
    char key[128];
    int n = key_of(kind, submission, key, sizeof key);
    return n < 0 ? n : write_one(c, key, (size_t)n, NULL);
}

long cm_control_each(cm_control *c, enum cm_control_kind kind,
                     int (*fn)(const char *submission, uint64_t at_ms, void *arg), void *arg)
{
    MDB_txn *txn;
    MDB_cursor *cur;
    size_t plen = strlen(prefixes[kind]);
    MDB_val k = {plen, (void *)prefixes[kind]}, v;
    long n = 0;
    int rc = cm_store_err(mdb_txn_begin(c->env, NULL, MDB_RDONLY, &txn));
    if (rc) return rc;
    rc = cm_store_err(mdb_cursor_open(txn, c->dbi, &cur));
    for (int op = MDB_SET_RANGE; !rc && mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT) {
        char sub[128];
        uint64_t at = 0;
        if (k.mv_size < plen || memcmp(k.mv_data, prefixes[kind], plen) != 0) break;
        if (k.mv_size - plen >= sizeof sub) continue;
        memcpy(sub, (char *)k.mv_data + plen, k.mv_size - plen);
        sub[k.mv_size - plen] = 0;
        if (v.mv_size == 8) memcpy(&at, v.mv_data, 8);
        n++;
        if (fn(sub, at, arg)) break;
    }
    if (!rc) mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    return rc ? rc : n;
}
