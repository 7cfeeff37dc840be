/* dl_state: what dlr decides from each item, inside the caller's write transaction
 * (the group-commit batch, or a nested transaction of it).
 *
 * - ACCEPTED: stores the submission, queues the acceptance receipt (unless reply_to
 *   may not receive one), starts tracking the queued recipients; a submission whose
 *   recipients are all final already (rejected, blacklisted, or RESULTs that came
 *   first) gets its final receipt at once. Duplicate, dry-run and rejected
 *   submissions have no final receipt.
 * - RESULT: SUBMITTED maps each part's SMSC message id (dl_msgid keys, in the
 *   operator's message_id_format: dl_match) to the job and matches the receipts kept
 *   in `early`; FAILED ends the recipient (SMPP error); RETRY changes nothing (the
 *   router sends the job again). A SUBMITTED of the attempt the recipient already
 *   records as submitted changes nothing (RESULTs have no `seen` entry: dl_intake).
 * - DELIVER: parses the receipt (dl_receipt), finds the part by (operator, id) and
 *   updates it; a receipt whose RESULT is not there yet is kept in `early`, one
 *   without a usable id in `unmatched`. A multi-part SMS is delivered when all its
 *   parts are, undelivered as soon as one part failed.
 * - dl_state_expire(): submissions past expires_ms + expiry_grace_ms (dlr.expiry_grace_s)
 *   end their pending recipients as expired ("no delivery report") and get their final
 *   receipt.
 * - MO_REPLY (dl_mo.c): an SMS reply to a submission is mailed to reply_to
 *   (dl_mail_reply; kind "reply" in the outbox), with the original submission's subject
 *   and Message-ID when `submissions` still holds it; nothing for an address that may
 *   not receive mail ("", "<>", dlr.from). Idempotent through `seen` like every item.
 * - dl_prune_run() (dl_prune.h) deletes what is older than its retention.
 * When the last queued recipient becomes final, the final receipt is queued in the
 * outbox in the same transaction (dl_final.c: counted, then composed straight into its
 * outbox record, dl_outbox_put_fill), and the submission is marked done.
 *
 * Returns 0, DL_STATE_REPEATABLE (DELIVER only: the receipt was matched to its
 * recipient's record, and applying it again changes nothing: a final part stays as it
 * is, an intermediate state is set again; so the caller need not record its key in
 * `seen`; receipts kept as they came, in `early` or `unmatched`, return 0), -EBADMSG
 * for an item that cannot be applied (the caller warns and acks it anyway), or another
 * negative errno for a storage failure (fatal for the caller). Logs only what an operator needs
 * (info on receipts queued, warn on bad data). st->mails counts the mails put in the outbox (the
 * caller kicks the sender after the commit); st->counts counts receipts and final recipients for
 * the metrics (dl_metrics): a receipt once, when it arrives (matched: it ended or confirmed a part;
 * intermediate: a matched non-final state; early: kept before its RESULT; unmatched: no usable id),
 * not again when an early one is replayed; a recipient when it becomes final, and at ACCEPTED the
 * refused and blacklisted recipients of accepted submissions and every recipient of rejected ones.
 * (A matched DELIVER re-sent because its ack was lost is counted again: it has no `seen` entry.)
 * The caller saves and restores st->counts around an item it rolls back. */
#ifndef DL_STATE_H
#define DL_STATE_H

#include "cm_config.h"
#include "cm_store.h"

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

/* Applied; applying it again would change nothing (see above). */
#define DL_STATE_REPEATABLE 1

/* Default of dlr.final_list_max: recipients listed in a final receipt's body. */
#define DL_FINAL_LIST_MAX 1000

/* Default of dlr.expiry_grace_s, in ms. */
#define DL_EXPIRY_GRACE_MS (15u * 60u * 1000u)

typedef struct {
    MDB_dbi submissions, progress, expiry, recipients, msgids, early, unmatched, outbox, dead, seen,
        meta, aging, outbox_due, outbox_rcpt;
} dl_dbs;

enum dl_receipt_result {
    DL_RECEIPT_MATCHED = 0,
    DL_RECEIPT_EARLY = 1,
    DL_RECEIPT_UNMATCHED = 2,
    DL_RECEIPT_INTERMEDIATE = 3,
    DL_RECEIPT_RESULTS = 4
};

typedef struct {
    unsigned long receipts[DL_RECEIPT_RESULTS]; /* by enum dl_receipt_result */
    unsigned long final[6];                     /* by enum dl_outcome (dl_mail.h) */
} dl_counts;

/* How long pruning keeps things (ms; 0 = forever). See dl_prune.h. */
typedef struct {
    uint64_t seen_ms;       /* handoff keys */
    uint64_t msgid_ms;      /* message id mappings, and receipts waiting in `early` */
    uint64_t submission_ms; /* submissions after their final receipt */
    uint64_t unmatched_ms;  /* receipts kept in `unmatched` */
} dl_keep;

typedef struct {
    dl_dbs db;
    const cm_config *cfg;     /* operators' message_id_format (dl_match); NULL = all auto */
    const char *from;         /* dlr.from */
    const char *domain;       /* the gateway's mail domain (answer hint of replies), NULL = none */
    uint64_t validity_ms;     /* used when ACCEPTED has no expires_ms */
    uint64_t expiry_grace_ms; /* wait after expires_ms for late receipts */
    dl_keep keep;
    unsigned long mails;     /* mails put in the outbox (monotonic) */
    unsigned long unmatched; /* receipts kept without a usable id */
    dl_counts counts;
} dl_state;

/* Open the sub-databases of DL_DB_NAMES (dl_rec.h) into st->db. */
void dl_state_open_dbs(cm_store *store, dl_state *st);

int dl_state_accepted(dl_state *st, MDB_txn *txn, const uint8_t *p, size_t n, uint64_t now_ms);
int dl_state_result(dl_state *st, MDB_txn *txn, const uint8_t *p, size_t n, uint64_t now_ms);
int dl_state_deliver(dl_state *st, MDB_txn *txn, const uint8_t *p, size_t n, uint64_t now_ms);
int dl_state_mo_reply(dl_state *st, MDB_txn *txn, const uint8_t *p, size_t n, uint64_t now_ms);
/* Expire at most `max` submissions due at now_ms; the number handled in *count. */
int dl_state_expire(dl_state *st, MDB_txn *txn, uint64_t now_ms, unsigned max, unsigned *count);

/* Internal to dlr/ (dl_state.c <-> dl_final.c). */
int dl_final_recipient_done(dl_state *st, MDB_txn *txn, const char *submission, uint64_t now_ms);
int dl_final_submission(dl_state *st, MDB_txn *txn, const char *submission, uint64_t now_ms);
int dl_final_track(dl_state *st, MDB_txn *txn, const void *acc, uint64_t now_ms);
/* Keep a DELIVER payload in `unmatched` (and note it for pruning). */
int dl_state_keep_unmatched(dl_state *st, MDB_txn *txn, const void *p, size_t n, uint64_t now_ms);

#endif
