/* dl_state: what dlr decides from each item, inside the caller's write transaction
 * (the group-commit batch, or a nested transaction of it).
 *
 * - ACCEPTED: stores the submission, queues the acceptance receipt (unless reply_to
 *   may not receive one), starts tracking the queued recipients; a submission whose
 *   recipients are all final already (rejected, blacklisted, or RESULTs that came
 *   first) gets its final receipt at once. Duplicate, dry-run and rejected
 *   submissions have no final receipt.
 * - RESULT: SUBMITTED maps each part's SMSC message id (dl_msgid keys) to the job and
 *   matches the receipts kept in `early`; FAILED ends the recipient (SMPP error);
 *   RETRY changes nothing (the router sends the job again).
 * - DELIVER: parses the receipt (dl_receipt), finds the part by (operator, id) and
 *   updates it; a receipt whose RESULT is not there yet is kept in `early`, one
 *   without a usable id in `unmatched`. A multi-part SMS is delivered when all its
 *   parts are, undelivered as soon as one part failed.
 * - dl_state_expire(): submissions past expires_ms + DL_EXPIRY_GRACE_MS end their
 *   pending recipients as expired ("no delivery report") and get their final receipt.
 * When the last queued recipient becomes final, the final receipt is queued in the
 * outbox in the same transaction (dl_outbox_put), and the submission is marked done.
 *
 * Returns 0, -EBADMSG for an item that cannot be applied (the caller warns and acks
 * it anyway), or another negative errno for a storage failure (fatal for the
 * caller). Logs only what an operator needs (info on receipts queued, warn on bad
 * data). st->mails counts the mails put in the outbox (the caller kicks the sender
 * after the commit). */
#ifndef DL_STATE_H
#define DL_STATE_H

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

#define DL_EXPIRY_GRACE_MS (15u * 60u * 1000u)

typedef struct {
    MDB_dbi submissions, progress, expiry, recipients, msgids, early, unmatched, outbox, dead, seen,
        meta;
} dl_dbs;

typedef struct {
    dl_dbs db;
    const char *from;        /* dlr.from */
    uint64_t validity_ms;    /* used when ACCEPTED has no expires_ms */
    unsigned long mails;     /* mails put in the outbox (monotonic) */
    unsigned long unmatched; /* receipts kept without a usable id */
} dl_state;

int dl_state_accepted(dl_state *st, MDB_txn *txn, const uint8_t *p, size_t n, uint64_t now_ms);
int dl_state_result(dl_state *st, MDB_txn *txn, const uint8_t *p, size_t n, uint64_t now_ms);
int dl_state_deliver(dl_state *st, MDB_txn *txn, const uint8_t *p, size_t n, uint64_t now_ms);
/* Expire at most `max` submissions due at now_ms; the number handled in *count. */
int dl_state_expire(dl_state *st, MDB_txn *txn, uint64_t now_ms, unsigned max, unsigned *count);

/* Internal to dlr/ (dl_state.c <-> dl_final.c). */
int dl_final_recipient_done(dl_state *st, MDB_txn *txn, const char *submission, uint64_t now_ms);
int dl_final_submission(dl_state *st, MDB_txn *txn, const char *submission, uint64_t now_ms);
int dl_final_track(dl_state *st, MDB_txn *txn, const void *acc, uint64_t now_ms);

#endif
