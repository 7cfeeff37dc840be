/* dl_prune: retention of seen keys, message ids, early and unmatched receipts and
 * finished submissions (see dl_prune.h). */
#include "dl_prune.h"

#include "cm_log.h"
#include "cm_store.h"
#include "cm_wire.h"
#include "dl_match.h"
#include "dl_rec.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int dl_prune_note(dl_state *st, MDB_txn *txn, enum dl_age_kind kind, const void *key, size_t klen,
                  uint64_t at_ms)
{
    uint8_t k[1 + 8 + DL_AGE_KEY_MAX];

    if (klen == 0 || klen > DL_AGE_KEY_MAX) return -EINVAL;
    k[0] = (uint8_t)kind;
    cm_be64_put(k + 1, at_ms);
    memcpy(k + 9, key, klen);
    return cm_store_put(txn, st->db.aging, k, 9 + klen, "", 0, 0);
}

static int ignore_missing(int rc)
{
    return rc == -ENOENT ? 0 : rc;
}

static int drop_seen(dl_state *st, MDB_txn *txn, const uint8_t *k, size_t n, uint64_t now_ms)
{
    return ignore_missing(cm_store_del(txn, st->db.seen, k, n));
}

static int drop_unmatched(dl_state *st, MDB_txn *txn, const uint8_t *k, size_t n, uint64_t now_ms)
{
    return ignore_missing(cm_store_del(txn, st->db.unmatched, k, n));
}

/* k: operator \0 id [\0 format byte] (not NUL-terminated); *fmt is auto when the
 * note has no format (notes written before message_id_format existed). */
static int split_id(const uint8_t *k, size_t n, char *op, char *id, enum dl_msgid_format *fmt)
{
    const uint8_t *nul = memchr(k, '\0', n);
    size_t ol = nul != NULL ? (size_t)(nul - k) : 0, il = nul != NULL ? n - ol - 1 : 0;

    *fmt = DL_MSGID_AUTO;
    if (il >= 2 && nul[il - 1] == '\0') { /* nul[il] is the last byte: the format */
        if (nul[il] >= DL_MSGID_FORMATS) return -1;
        *fmt = (enum dl_msgid_format)nul[il];
        il -= 2;
    }
    if (nul == NULL || ol == 0 || ol > 255 || il == 0 || il > 64) return -1;
    memcpy(op, k, ol + 1);
    memcpy(id, nul + 1, il);
    id[il] = '\0';
    return 0;
}

static int drop_msgid(dl_state *st, MDB_txn *txn, const uint8_t *k, size_t n, uint64_t now_ms)
{
    char op[256], id[65];
    enum dl_msgid_format fmt;
    int rc;

    if (split_id(k, n, op, id, &fmt) < 0) return 0; /* not ours to read: forget the note */
    rc = dl_match_forget(st, txn, op, id, fmt);
    return rc == -EINVAL ? 0 : ignore_missing(rc);
}

static int drop_early(dl_state *st, MDB_txn *txn, const uint8_t *k, size_t n, uint64_t now_ms)
{
    char op[256], id[65];
    dl_early e;
    int found = 0, rc;
    enum dl_msgid_format fmt; /* none in early notes: dl_match_early_drop tries every key */

    if (n < 8 || split_id(k + 8, n - 8, op, id, &fmt) < 0) return 0;
    rc = dl_match_early_drop(st, txn, op, id, cm_be64_get(k), &e, &found);
    if (rc == 0 && found) {
        cm_warn("receipt %s/%s never matched a RESULT: moved to unmatched", op, id);
        rc = dl_state_keep_unmatched(st, txn, e.payload, e.len, now_ms);
    }
    free(e.payload);
    return rc == -EINVAL ? 0 : rc;
}

/* The submission's records, and those of its jobs. */
static int drop_submission(dl_state *st, MDB_txn *txn, const uint8_t *k, size_t n, uint64_t now_ms)
{
    cm_arena *a = NULL;
    cm_msg_accepted acc;
    MDB_val v;
    int rc = cm_store_get(txn, st->db.progress, k, n, &v);
    dl_progress p;

    if (rc == 0 && dl_progress_decode(v.mv_data, v.mv_size, &p) == 0 && !p.done)
        return 0; /* not finished after all: keep it (a later note will come) */
    rc = cm_store_get(txn, st->db.submissions, k, n, &v);
    if (rc == 0 && cm_wire_decode_accepted(v.mv_data, v.mv_size, &a, &acc) == 0) {
        for (size_t i = 0; rc == 0 && i < acc.recipients_n; i++) {
            uint8_t job[8];
            if (acc.recipients[i].job_id == 0) continue;
            cm_be64_put(job, acc.recipients[i].job_id);
            rc = ignore_missing(cm_store_del(txn, st->db.recipients, job, 8));
        }
    }
    cm_arena_free(a);
    rc = ignore_missing(rc);
    if (rc == 0) rc = ignore_missing(cm_store_del(txn, st->db.progress, k, n));
    if (rc == 0) rc = ignore_missing(cm_store_del(txn, st->db.submissions, k, n));
    return rc;
}

typedef int (*drop_fn)(dl_state *st, MDB_txn *txn, const uint8_t *k, size_t n, uint64_t now_ms);

static const struct {
    enum dl_age_kind kind;
    size_t keep; /* offset in dl_keep */
    drop_fn drop;
} KINDS[] = {
    {DL_AGE_SEEN, offsetof(dl_keep, seen_ms), drop_seen},
    {DL_AGE_MSGID, offsetof(dl_keep, msgid_ms), drop_msgid},
    {DL_AGE_EARLY, offsetof(dl_keep, msgid_ms), drop_early},
    {DL_AGE_SUBMISSION, offsetof(dl_keep, submission_ms), drop_submission},
    {DL_AGE_UNMATCHED, offsetof(dl_keep, unmatched_ms), drop_unmatched},
};

typedef struct {
    uint8_t *k;
    size_t n;
} note;

/* Copy the due notes of `kind` (at most max) into out. */
static int due_notes(dl_state *st, MDB_txn *txn, uint8_t kind, uint64_t keep, uint64_t now_ms,
                     note *out, unsigned max, unsigned *n)
{
    MDB_cursor *cur;
    MDB_val k = {1, &kind}, v;
    int rc = mdb_cursor_open(txn, st->db.aging, &cur), err = 0;

    *n = 0;
    if (rc != 0) return cm_store_err(rc);
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    while (rc == 0 && *n < max && k.mv_size > 9 && ((uint8_t *)k.mv_data)[0] == kind &&
           cm_be64_get((uint8_t *)k.mv_data + 1) + keep <= now_ms) {
        out[*n].n = k.mv_size;
        out[*n].k = malloc(k.mv_size);
        if (out[*n].k == NULL) {
            err = -ENOMEM;
            break;
        }
        memcpy(out[(*n)++].k, k.mv_data, k.mv_size);
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    if (err < 0) return err;
    return (rc == 0 || rc == MDB_NOTFOUND) ? 0 : cm_store_err(rc);
}

static int prune_kind(dl_state *st, MDB_txn *txn, size_t i, uint64_t now_ms, note *buf,
                      unsigned max, unsigned *count)
{
    uint64_t keep = *(const uint64_t *)((const char *)&st->keep + KINDS[i].keep);
    unsigned n = 0;
    int rc;

    if (keep == 0 || keep > now_ms) return 0;
    rc = due_notes(st, txn, (uint8_t)KINDS[i].kind, keep, now_ms, buf, max, &n);
    for (unsigned j = 0; j < n; j++) {
        if (rc == 0) rc = KINDS[i].drop(st, txn, buf[j].k + 9, buf[j].n - 9, now_ms);
        if (rc == 0) rc = cm_store_del(txn, st->db.aging, buf[j].k, buf[j].n);
        *count += rc == 0;
        free(buf[j].k);
    }
    return rc;
}

int dl_prune_run(dl_state *st, MDB_txn *txn, uint64_t now_ms, unsigned max, unsigned *count)
{
    note *buf = calloc(max ? max : 1, sizeof(*buf));
    int rc = buf != NULL ? 0 : -ENOMEM;

    *count = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(KINDS) / sizeof(KINDS[0]) && *count < max; i++)
        rc = prune_kind(st, txn, i, now_ms, buf, max - *count, count);
    free(buf);
    return rc;
}
