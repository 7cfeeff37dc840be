/* cm_portability: see cm_portability.h. */
#include "cm_portability.h"
#include "cm_number.h"

#include "cm_store.h"

#include <errno.h>
#include <lmdb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CM_PORT_MAP (64ULL << 30)
#define CM_PORT_OP_MAX 63

struct cm_portability {
    MDB_env *env;
    MDB_dbi meta, table[2];
};

typedef struct {
    char number[CM_E164_BUFSZ];
    char op[CM_PORT_OP_MAX + 1];
} row;

int cm_portability_open(const char *state_dir, int readonly, cm_portability **out)
{
    static const char *const names[] = {"meta", "a", "b", NULL};
    MDB_dbi dbis[3];
    cm_portability *p = calloc(1, sizeof *p);
    if (!p) return -ENOMEM;
    int rc =
        cm_store_open_shared(state_dir, "portability", CM_PORT_MAP, readonly, names, &p->env, dbis);
    if (rc) {
        free(p);
        return rc;
    }
    p->meta = dbis[0];
    p->table[0] = dbis[1];
    p->table[1] = dbis[2];
    *out = p;
    return 0;
}

void cm_portability_close(cm_portability *p)
{
    if (!p) return;
    mdb_env_close(p->env);
    free(p);
}

/* Index (0 or 1) of the active table in txn; 0 when never imported. */
static int active(cm_portability *p, MDB_txn *txn)
{
    MDB_val k = {6, "active"}, v;
    return mdb_get(txn, p->meta, &k, &v) == 0 && v.mv_size == 1 && *(char *)v.mv_data == 'b';
}

int cm_portability_lookup(cm_portability *p, const char *e164, char *op, size_t cap)
{
    MDB_txn *txn;
    MDB_val k = {strlen(e164), (void *)e164}, v;
    int rc = cm_store_err(mdb_txn_begin(p->env, NULL, MDB_RDONLY, &txn));
    if (rc) return rc;
    rc = cm_store_err(mdb_get(txn, p->table[active(p, txn)], &k, &v));
    if (!rc && v.mv_size >= cap) rc = -ENOSPC;
    if (!rc) {
        memcpy(op, v.mv_data, v.mv_size);
        op[v.mv_size] = 0;
    }
    mdb_txn_abort(txn);
    return rc;
}

long cm_portability_count(cm_portability *p)
{
    MDB_txn *txn;
    MDB_stat st;
    int rc = cm_store_err(mdb_txn_begin(p->env, NULL, MDB_RDONLY, &txn));
    if (rc) return rc;
    rc = cm_store_err(mdb_stat(txn, p->table[active(p, txn)], &st));
    mdb_txn_abort(txn);
    return rc ? rc : (long)st.ms_entries;
}

#define CM_PORT_BATCH 1000000 /* rows per transaction while filling a table */
#define CM_PORT_MAX_OPS 255

typedef struct {
    char number[16]; /* E.164, NUL-padded (not terminated when 16 long) */
    uint8_t op;
} entry;

typedef struct {
    entry *v;
    size_t n, cap;
    char ops[CM_PORT_MAX_OPS][CM_PORT_OP_MAX + 1];
    int nops;
} rows;

static int op_index(rows *r, const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > CM_PORT_OP_MAX ||
        strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno"
                     "pqrstuvwxyz0123456789_.-") != len)
        return -EINVAL;
    for (int i = 0; i < r->nops; i++)
        if (strcmp(r->ops[i], name) == 0) return i;
    if (r->nops == CM_PORT_MAX_OPS) return -E2BIG;
    memcpy(r->ops[r->nops], name, len + 1);
    return r->nops++;
}

/* Parses one line into r; 0, 1 (blank), or -EINVAL. */
static int add_line(rows *r, char *line)
{
    char e164[CM_E164_BUFSZ];
    line[strcspn(line, "\r\n")] = 0;
    if (line[strspn(line, " \t")] == 0) return 1;
    char *sep = line + strcspn(line, ";,");
    if (!*sep) return -EINVAL;
    *sep = 0;
    char *op = sep + 1 + strspn(sep + 1, " \t");
    for (size_t n = strlen(op); n && (op[n - 1] == ' ' || op[n - 1] == '\t'); n--)
        op[n - 1] = 0;
    int idx = op_index(r, op);
    if (idx < 0 || cm_number_normalise(line, e164, sizeof e164) != 0) return -EINVAL;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 65536;
        entry *v = realloc(r->v, cap * sizeof *v);
        if (!v) return -ENOMEM;
        r->v = v;
        r->cap = cap;
    }
    memset(r->v[r->n].number, 0, sizeof r->v[r->n].number);
    memcpy(r->v[r->n].number, e164, strnlen(e164, sizeof r->v[r->n].number));
    r->v[r->n++].op = (uint8_t)idx;
    return 0;
}

static int by_number(const void *a, const void *b)
{
    return memcmp(((const entry *)a)->number, ((const entry *)b)->number, 16);
}

/* Fills table `t` (cleared first) with the sorted rows, in batches; the caller switches. */
static int fill(cm_portability *p, MDB_dbi t, const rows *r, long *written)
{
    MDB_txn *txn;
    MDB_cursor *cur;
    int rc = mdb_txn_begin(p->env, NULL, 0, &txn);
    if (!rc) rc = mdb_drop(txn, t, 0);
    for (size_t i = 0; !rc && i < r->n;) {
        rc = mdb_cursor_open(txn, t, &cur);
        for (size_t end = i + CM_PORT_BATCH; !rc && i < r->n && i < end; i++) {
            if (i + 1 < r->n && memcmp(r->v[i].number, r->v[i + 1].number, 16) == 0)
                continue; /* the last line for a number wins */
            MDB_val k = {strnlen(r->v[i].number, 16), (void *)r->v[i].number};
            MDB_val v = {strlen(r->ops[r->v[i].op]), (void *)r->ops[r->v[i].op]};
            rc = mdb_cursor_put(cur, &k, &v, MDB_APPEND);
            *written += rc == 0;
        }
        if (!rc) rc = mdb_txn_commit(txn); /* also closes the cursor */
        if (!rc) rc = mdb_txn_begin(p->env, NULL, 0, &txn);
    }
    if (rc) {
        mdb_txn_abort(txn);
        return cm_store_err(rc);
    }
    mdb_txn_abort(txn);
    return 0;
}

static int switch_to(cm_portability *p, int table)
{
    MDB_txn *txn;
    MDB_val k = {6, "active"}, v = {1, table ? "b" : "a"};
    int rc = mdb_txn_begin(p->env, NULL, 0, &txn);
    if (!rc) rc = mdb_put(txn, p->meta, &k, &v, 0);
    rc = rc ? (mdb_txn_abort(txn), rc) : mdb_txn_commit(txn);
    return cm_store_err(rc);
}

long cm_portability_import(cm_portability *p, FILE *in, long *bad)
{
    rows r = {0};
    char line[512];
    long lineno = 0, written = 0;
    int rc = 0;
    *bad = 0;
    while (!rc && fgets(line, sizeof line, in)) {
        int lrc = add_line(&r, line);
        lineno++;
        if (lrc == -ENOMEM) rc = lrc;
        *bad += lrc == -EINVAL && lineno > 1; /* a first line that is no row is a header */
    }
    if (!rc && r.n == 0) rc = -EINVAL;
    if (!rc) {
        qsort(r.v, r.n, sizeof *r.v, by_number);
        MDB_txn *txn;
        rc = cm_store_err(mdb_txn_begin(p->env, NULL, MDB_RDONLY, &txn));
        int next = rc ? 0 : !active(p, txn);
        if (!rc) mdb_txn_abort(txn);
        if (!rc) rc = fill(p, p->table[next], &r, &written);
        if (!rc) rc = switch_to(p, next);
    }
    free(r.v);
    return rc ? rc : written;
}
