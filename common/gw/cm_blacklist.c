/* cm_blacklist: see cm_blacklist.h. */
#include "cm_blacklist.h"
#include "cm_number.h"

#include "cm_store.h"

#include <errno.h>
#include <lmdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CM_BLACKLIST_MAP (8ULL << 30)
#define CM_BLACKLIST_BATCH 100000 /* entries per transaction during an import */

struct cm_blacklist {
    MDB_env *env;
    MDB_dbi dbi;
};

int cm_blacklist_open(const char *state_dir, int readonly, cm_blacklist **out)
{
    static const char *const no_names[] = {NULL};
    cm_blacklist *b = calloc(1, sizeof *b);
    if (!b) return -ENOMEM;
    int rc = cm_store_open_shared(state_dir, "blacklist", CM_BLACKLIST_MAP, readonly, no_names,
                                  &b->env, &b->dbi);
    if (rc) {
        free(b);
        return rc;
    }
    *out = b;
    return 0;
}

void cm_blacklist_close(cm_blacklist *b)
{
    if (!b) return;
    mdb_env_close(b->env);
    free(b);
}

static int make_key(const char *account, const char *e164, char *key, size_t cap)
{
    if (!account || !*account || strchr(account, '\n') || !e164 || e164[0] != '+') return -EINVAL;
    int n = snprintf(key, cap, "%s\n%s", account, e164);
    return n < 0 || (size_t)n >= cap ? -EINVAL : n;
}

static int put(MDB_txn *txn, MDB_dbi dbi, const char *account, const char *e164, uint64_t at_ms,
               const char *origin)
{
    char key[300], val[64];
    int n = make_key(account, e164, key, sizeof key);
    size_t olen = strlen(origin);
    if (n < 0) return n;
    if (olen > sizeof val - 8) olen = sizeof val - 8;
    memcpy(val, &at_ms, 8);
    memcpy(val + 8, origin, olen);
    MDB_val k = {(size_t)n, key}, v = {8 + olen, val};
    return cm_store_err(mdb_put(txn, dbi, &k, &v, 0));
}

int cm_blacklist_add(cm_blacklist *b, const char *account, const char *e164, uint64_t at_ms,
                     const char *origin)
{
    MDB_txn *txn;
    int rc = cm_store_err(mdb_txn_begin(b->env, NULL, 0, &txn));
    if (rc) return rc;
    rc = put(txn, b->dbi, account, e164, at_ms, origin);
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }
    return cm_store_err(mdb_txn_commit(txn));
}

int cm_blacklist_remove(cm_blacklist *b, const char *account, const char *e164)
{
    char key[300];
    MDB_txn *txn;
    int n = make_key(account, e164, key, sizeof key);
    if (n < 0) return n;
    int rc = cm_store_err(mdb_txn_begin(b->env, NULL, 0, &txn));
    if (rc) return rc;
    MDB_val k = {(size_t)n, key};
    rc = cm_store_err(mdb_del(txn, b->dbi, &k, NULL));
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }
    return cm_store_err(mdb_txn_commit(txn));
}

int cm_blacklist_contains(cm_blacklist *b, const char *account, const char *e164)
{
    char key[300];
    MDB_txn *txn;
    MDB_val k, v;
    int n = make_key(account, e164, key, sizeof key);
    if (n < 0) return n;
    int rc = cm_store_err(mdb_txn_begin(b->env, NULL, MDB_RDONLY, &txn));
    if (rc) return rc;
    k = (MDB_val){(size_t)n, key};
    rc = mdb_get(txn, b->dbi, &k, &v);
    mdb_txn_abort(txn);
    return rc == 0 ? 1 : rc == MDB_NOTFOUND ? 0 : cm_store_err(rc);
}

/* One import line: "number[;account]" -> normalised number and account. */
static int parse_line(char *line, const char *account, char *e164, const char **acc_out)
{
    line[strcspn(line, "\r\n")] = 0;
    char *sep = line + strcspn(line, ";,");
    const char *acc = account;
    if (*sep) {
        *sep = 0;
        acc = *(sep + 1) ? sep + 1 : account;
    }
    *acc_out = acc;
    if (!acc || !*acc) return -EINVAL;
    return cm_number_normalise(line, e164, CM_E164_BUFSZ);
}

long cm_blacklist_import(cm_blacklist *b, const char *account, FILE *in, uint64_t at_ms, long *bad)
{
    char line[512], e164[CM_E164_BUFSZ];
    long added = 0, lineno = 0, in_txn = 0;
    MDB_txn *txn;
    int rc = cm_store_err(mdb_txn_begin(b->env, NULL, 0, &txn));
    *bad = 0;
    while (!rc && fgets(line, sizeof line, in)) {
        const char *acc;
        lineno++;
        if (line[strspn(line, " \t\r\n")] == 0) continue;
        if (parse_line(line, account, e164, &acc) != 0) {
            *bad += lineno > 1; /* a first line that is no number is a header */
            continue;
        }
        rc = put(txn, b->dbi, acc, e164, at_ms, "import");
        added += rc == 0;
        if (!rc && ++in_txn == CM_BLACKLIST_BATCH) {
            rc = cm_store_err(mdb_txn_commit(txn));
            if (!rc) rc = cm_store_err(mdb_txn_begin(b->env, NULL, 0, &txn));
            in_txn = 0;
        }
    }
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }
    rc = cm_store_err(mdb_txn_commit(txn));
    return rc ? rc : added;
}

long cm_blacklist_export(cm_blacklist *b, const char *account, FILE *out)
{
    MDB_txn *txn;
    MDB_cursor *cur;
    MDB_val k = {account ? strlen(account) : 0, (void *)account}, v;
    long n = 0;
    int rc = cm_store_err(mdb_txn_begin(b->env, NULL, MDB_RDONLY, &txn));
    if (rc) return rc;
    rc = cm_store_err(mdb_cursor_open(txn, b->dbi, &cur));
    int op = account ? MDB_SET_RANGE : MDB_FIRST;
    for (; !rc && mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT) {
        const char *key = k.mv_data, *nl = memchr(key, '\n', k.mv_size);
        size_t alen = nl ? (size_t)(nl - key) : 0;
        if (!nl || (account && (alen != strlen(account) || memcmp(key, account, alen) != 0))) break;
        uint64_t at = 0;
        char when[32] = "";
        if (v.mv_size >= 8) memcpy(&at, v.mv_data, 8);
        time_t t = (time_t)(at / 1000);
        struct tm tm;
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
        fprintf(out, "%.*s;%.*s;%s;%.*s\n", (int)alen, key, (int)(k.mv_size - alen - 1), nl + 1,
                when, (int)(v.mv_size > 8 ? v.mv_size - 8 : 0), (char *)v.mv_data + 8);
        n++;
    }
    if (!rc) mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    return rc ? rc : n;
}
