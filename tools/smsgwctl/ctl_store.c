/* ctl_store: see ctl_store.h. */
#include "ctl_store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int err_of(int rc)
{
    /* LMDB's own codes are negative, system errors positive errno values */
    return rc == 0 ? 0 : rc == MDB_NOTFOUND ? -ENOENT : rc > 0 ? -rc : -EIO;
}

int ctl_store_open(ctl_store *s, const char *dir)
{
    char data[4200];
    struct stat st;
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    snprintf(data, sizeof data, "%s/data.mdb", dir);
    if (stat(data, &st) != 0) return -ENOENT;
    int rc = mdb_env_create(&s->env);
    if (rc == 0) rc = mdb_env_set_maxdbs(s->env, 64);
    if (rc == 0) rc = mdb_env_open(s->env, dir, MDB_RDONLY | MDB_NOTLS, 0);
    if (rc == 0) rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &s->txn);
    if (rc != 0) {
        ctl_store_close(s);
        return err_of(rc);
    }
    return 0;
}

int ctl_store_dbi(ctl_store *s, const char *name, MDB_dbi *out)
{
    if (!s->txn) return -ENOENT;
    return err_of(mdb_dbi_open(s->txn, name, 0, out));
}

int ctl_store_renew(ctl_store *s)
{
    if (!s->txn) return -ENOENT;
    mdb_txn_reset(s->txn);
    return err_of(mdb_txn_renew(s->txn));
}

size_t ctl_store_count(ctl_store *s, const char *name)
{
    MDB_dbi dbi;
    MDB_stat st;
    if (ctl_store_dbi(s, name, &dbi) != 0 || mdb_stat(s->txn, dbi, &st) != 0) return 0;
    return st.ms_entries;
}

int ctl_store_get(ctl_store *s, const char *name, const void *key, size_t klen, MDB_val *v)
{
    MDB_dbi dbi;
    int rc = ctl_store_dbi(s, name, &dbi);
    if (rc != 0) return rc;
    MDB_val k = {klen, (void *)key};
    return err_of(mdb_get(s->txn, dbi, &k, v));
}

void ctl_store_close(ctl_store *s)
{
    if (s->txn) mdb_txn_abort(s->txn);
    if (s->env) mdb_env_close(s->env);
    s->txn = NULL;
    s->env = NULL;
}
