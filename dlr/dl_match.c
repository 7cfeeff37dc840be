/* dl_match: message id mapping and early receipts (see dl_match.h). */
#include "dl_match.h"

#include "cm_buf.h"
#include "cm_config.h"
#include "cm_store.h"
#include "cm_wire.h"
#include "dl_msgid.h"
#include "dl_prune.h"
#include "dl_receipt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The message_id_format of operator op (auto when not configured). */
enum dl_msgid_format dl_match_format(const dl_state *st, const char *op)
{
    static const enum dl_msgid_format FROM_CONFIG[] = {
        [CM_MSGID_AUTO] = DL_MSGID_AUTO,
        [CM_MSGID_HEX] = DL_MSGID_HEX,
        [CM_MSGID_DECIMAL] = DL_MSGID_DECIMAL,
        [CM_MSGID_HEX_RESP_DECIMAL_RECEIPT] = DL_MSGID_HEX_RESP_DECIMAL_RECEIPT,
        [CM_MSGID_TEXT] = DL_MSGID_TEXT,
    };
    const cm_config_operator *o = st->cfg != NULL ? cm_config_operator_find(st->cfg, op) : NULL;

    if (o == NULL || (unsigned)o->msgid_format >= sizeof(FROM_CONFIG) / sizeof(FROM_CONFIG[0]))
        return DL_MSGID_AUTO;
    return FROM_CONFIG[o->msgid_format];
}

/* The note of an id: [BE64(seq)] op \0 id [\0 format], the format (one byte, enum
 * dl_msgid_format) when fmt >= 0. */
static int note_id(dl_state *st, MDB_txn *txn, enum dl_age_kind kind, const uint8_t *seq,
                   const char *op, const char *id, int fmt, uint64_t now_ms)
{
    char k[8 + 256 + 1 + DL_MSGID_MAX + 2];
    size_t ol = strlen(op), il = strlen(id), at = seq != NULL ? 8 : 0, n;

    if (ol > 255 || il > DL_MSGID_MAX) return -EINVAL;
    if (seq != NULL) memcpy(k, seq, 8);
    memcpy(k + at, op, ol + 1);
    memcpy(k + at + ol + 1, id, il);
    n = at + ol + 1 + il;
    if (fmt >= 0) {
        k[n++] = '\0';
        k[n++] = (char)fmt;
    }
    return dl_prune_note(st, txn, kind, k, n, now_ms);
}

int dl_match_map(dl_state *st, MDB_txn *txn, const char *op, const char *id, uint64_t job,
                 uint32_t part, uint64_t now_ms)
{
    enum dl_msgid_format fmt = dl_match_format(st, op);
    dl_msgid_keys keys;
    uint8_t val[12];
    int rc = dl_msgid_key_stored(id, fmt, &keys);

    if (rc < 0) return rc;
    cm_be64_put(val, job);
    val[8] = (uint8_t)(part >> 24);
    val[9] = (uint8_t)(part >> 16);
    val[10] = (uint8_t)(part >> 8);
    val[11] = (uint8_t)part;
    for (int i = 0; i < keys.n; i++) {
        char k[DL_MSGID_DBKEY_CAP];
        int kl = dl_msgid_dbkey(op, keys.k[i], k, sizeof(k));
        if (kl < 0) return kl;
        rc = cm_store_put(txn, st->db.msgids, k, (size_t)kl, val, sizeof(val), MDB_NOOVERWRITE);
        if (rc < 0 && rc != -EEXIST) return rc;
    }
    return note_id(st, txn, DL_AGE_MSGID, NULL, op, id, (int)fmt, now_ms);
}

/* The msgids value under key i of keys into val (12 bytes); -ENOENT if none. */
static int map_get(dl_state *st, MDB_txn *txn, const char *op, const dl_msgid_keys *keys, int i,
                   uint8_t *val)
{
    char k[DL_MSGID_DBKEY_CAP];
    int kl = dl_msgid_dbkey(op, keys->k[i], k, sizeof(k));
    MDB_val v;
    int rc = kl < 0 ? kl : cm_store_get(txn, st->db.msgids, k, (size_t)kl, &v);

    if (rc < 0) return rc;
    if (v.mv_size != 12) return -EIO;
    memcpy(val, v.mv_data, 12);
    return 0;
}

/* Delete the keys of the id that still map to what its first key maps to (a key that
 * another message's id took first stays). */
int dl_match_forget(dl_state *st, MDB_txn *txn, const char *op, const char *id,
                    enum dl_msgid_format fmt)
{
    dl_msgid_keys keys;
    uint8_t mine[12], val[12];
    int rc = dl_msgid_keys_of(id, fmt, DL_MSGID_RESP, &keys);

    if (rc == 0) rc = map_get(st, txn, op, &keys, 0, mine);
    for (int i = 0; rc == 0 && i < keys.n; i++) {
        char k[DL_MSGID_DBKEY_CAP];
        int kl = dl_msgid_dbkey(op, keys.k[i], k, sizeof(k));
        rc = kl < 0 ? kl : map_get(st, txn, op, &keys, i, val);
        if (rc == 0 && memcmp(val, mine, 12) == 0)
            rc = cm_store_del(txn, st->db.msgids, k, (size_t)kl);
        rc = rc == -ENOENT ? 0 : rc;
    }
    return rc == -ENOENT ? 0 : rc;
}

int dl_match_find(dl_state *st, MDB_txn *txn, const char *op, const char *id, uint64_t *job,
                  uint32_t *part)
{
    dl_msgid_keys keys;
    uint8_t b[12];
    int rc = dl_msgid_keys_lookup(id, dl_match_format(st, op), &keys);

    if (rc < 0) return rc;
    for (int i = 0; i < keys.n; i++) {
        rc = map_get(st, txn, op, &keys, i, b);
        if (rc == -ENOENT) continue;
        if (rc < 0) return rc;
        *job = cm_be64_get(b);
        *part = cm_be32_get(b + 8);
        return 0;
    }
    return -ENOENT;
}

/* early key: op \0 key \0 BE64(seq) */
static int early_key(const char *op, const char *key, uint64_t seq, char *out, size_t cap)
{
    int kl = dl_msgid_dbkey(op, key, out, cap - 9);

    if (kl < 0) return kl;
    out[kl] = '\0';
    cm_be64_put((uint8_t *)out + kl + 1, seq);
    return kl + 9;
}

int dl_match_early_put(dl_state *st, MDB_txn *txn, const char *op, const char *id,
                       const void *payload, size_t len, uint64_t now_ms)
{
    dl_msgid_keys keys;
    uint64_t seq;
    int rc = dl_msgid_keys_of(id, dl_match_format(st, op), DL_MSGID_RECEIPT, &keys);

    if (rc < 0) return rc;
    rc = cm_store_next_seq(txn, st->db.meta, "early", &seq);
    for (int i = 0; rc == 0 && i < keys.n; i++) {
        char k[DL_MSGID_DBKEY_CAP + 9];
        int kl = early_key(op, keys.k[i], seq, k, sizeof(k));
        rc = kl < 0 ? kl : cm_store_put(txn, st->db.early, k, (size_t)kl, payload, len, 0);
    }
    uint8_t s[8];
    cm_be64_put(s, seq);
    return rc < 0 ? rc : note_id(st, txn, DL_AGE_EARLY, s, op, id, -1, now_ms);
}

static int early_push(dl_early **v, size_t *n, uint64_t seq, const MDB_val *val)
{
    for (size_t i = 0; i < *n; i++)
        if ((*v)[i].seq == seq) return 0; /* the same receipt under another key */
    dl_early *nv = realloc(*v, (*n + 1) * sizeof(**v));
    if (nv == NULL) return -ENOMEM;
    *v = nv;
    nv[*n].seq = seq;
    nv[*n].len = val->mv_size;
    nv[*n].payload = malloc(val->mv_size ? val->mv_size : 1);
    if (nv[*n].payload == NULL) return -ENOMEM;
    memcpy(nv[*n].payload, val->mv_data, val->mv_size);
    (*n)++;
    return 0;
}

/* Collect the early receipts under one key prefix. */
static int early_scan(MDB_txn *txn, MDB_dbi dbi, const char *prefix, size_t plen, dl_early **v,
                      size_t *n)
{
    MDB_cursor *cur;
    MDB_val k = {plen, (void *)prefix}, val;
    int rc = mdb_cursor_open(txn, dbi, &cur);

    if (rc != 0) return cm_store_err(rc);
    int err = 0;

    rc = mdb_cursor_get(cur, &k, &val, MDB_SET_RANGE);
    while (rc == 0 && k.mv_size == plen + 8 && memcmp(k.mv_data, prefix, plen) == 0) {
        err = early_push(v, n, cm_be64_get((const uint8_t *)k.mv_data + plen), &val);
        if (err < 0) break;
        rc = mdb_cursor_get(cur, &k, &val, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    if (err < 0) return err;
    return (rc == MDB_NOTFOUND || rc == 0) ? 0 : cm_store_err(rc);
}

static int early_cmp(const void *a, const void *b)
{
    const dl_early *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void dl_match_early_free(dl_early *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].payload);
    free(e);
}

/* Delete every entry of early receipt `seq` (stored under the keys of `rid` in the
 * format of that time: all the keys it may have had are tried, seq makes them its own). */
static int early_delete(dl_state *st, MDB_txn *txn, const char *op, const char *rid, uint64_t seq)
{
    dl_msgid_keys keys;

    if (dl_msgid_keys_any(rid, &keys) < 0) return 0;
    for (int i = 0; i < keys.n; i++) {
        char k[DL_MSGID_DBKEY_CAP + 9];
        int kl = early_key(op, keys.k[i], seq, k, sizeof(k));
        int rc = kl < 0 ? 0 : cm_store_del(txn, st->db.early, k, (size_t)kl);
        if (rc < 0 && rc != -ENOENT) return rc;
    }
    return 0;
}

/* The receipt id of a stored DELIVER, to find all the keys it was stored under. */
static int early_forget(dl_state *st, MDB_txn *txn, const char *op, const dl_early *e)
{
    cm_arena *a = NULL;
    cm_msg_deliver d;
    dl_receipt r;
    int rc = cm_wire_decode_deliver(e->payload, e->len, &a, &d);

    if (rc == 0 &&
        dl_receipt_parse(d.short_message.data, d.short_message.len, d.receipted_message_id,
                         d.message_state, d.network_error, &r) == 0)
        rc = early_delete(st, txn, op, r.id, e->seq);
    cm_arena_free(a);
    return rc == -EBADMSG ? 0 : rc;
}

int dl_match_early_take(dl_state *st, MDB_txn *txn, const char *op, const char *id, dl_early **out,
                        size_t *n)
{
    dl_msgid_keys keys;
    int rc = dl_msgid_keys_of(id, dl_match_format(st, op), DL_MSGID_RESP, &keys);

    *out = NULL;
    *n = 0;
    if (rc < 0) return rc;
    for (int i = 0; rc == 0 && i < keys.n; i++) {
        char k[DL_MSGID_DBKEY_CAP + 1];
        int kl = dl_msgid_dbkey(op, keys.k[i], k, sizeof(k) - 1);
        if (kl < 0) return kl;
        k[kl] = '\0';
        rc = early_scan(txn, st->db.early, k, (size_t)kl + 1, out, n);
    }
    if (rc == 0 && *n > 1) qsort(*out, *n, sizeof(**out), early_cmp);
    for (size_t i = 0; rc == 0 && i < *n; i++)
        rc = early_forget(st, txn, op, &(*out)[i]);
    return rc;
}

int dl_match_early_drop(dl_state *st, MDB_txn *txn, const char *op, const char *id, uint64_t seq,
                        dl_early *out, int *found)
{
    dl_msgid_keys keys;
    MDB_val v;
    int rc = dl_msgid_keys_any(id, &keys);

    *found = 0;
    out->payload = NULL;
    if (rc < 0) return rc;
    rc = -ENOENT;
    for (int i = 0; rc == -ENOENT && i < keys.n; i++) { /* stored under some of them */
        char k[DL_MSGID_DBKEY_CAP + 9];
        int kl = early_key(op, keys.k[i], seq, k, sizeof(k));
        rc = kl < 0 ? kl : cm_store_get(txn, st->db.early, k, (size_t)kl, &v);
    }
    if (rc == -ENOENT) return 0; /* matched (and deleted) already */
    if (rc < 0) return rc;
    out->seq = seq;
    out->len = v.mv_size;
    out->payload = malloc(v.mv_size ? v.mv_size : 1);
    if (out->payload == NULL) return -ENOMEM;
    memcpy(out->payload, v.mv_data, v.mv_size);
    *found = 1;
    return early_delete(st, txn, op, id, seq);
}
