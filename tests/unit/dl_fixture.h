/* dl_fixture: what the dlr state tests (test_dl_state, test_dl_outq, test_dl_prune)
 * share: a real dlr store in a temporary directory with dl_state's databases opened,
 * removed at teardown, and the batch transaction. Tests set the dl_state fields they
 * need (validity, retentions) after dl_fixture_open(). Include after cmocka.h. */
#ifndef DL_FIXTURE_H
#define DL_FIXTURE_H

#include "cm_store.h"
#include "dl_rec.h"
#include "dl_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char dir[64];
    cm_store *store;
    dl_state st;
} fixture;

static inline fixture *dl_fixture_open(const char *name)
{
    static const char *const NAMES[] = {DL_DB_NAMES, NULL};
    fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/%s.XXXXXX", name);
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(cm_store_open(f->dir, (size_t)1 << 30, NAMES, &f->store), 0);
    f->st.from = "accuses@sms.example.net";
    dl_state_open_dbs(f->store, &f->st);
    return f;
}

static inline int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    cm_store_close(f->store);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static inline MDB_txn *txn_of(fixture *f)
{
    MDB_txn *txn = cm_store_batch_txn(f->store);
    assert_non_null(txn);
    return txn;
}

#endif
