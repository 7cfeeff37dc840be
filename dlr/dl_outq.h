/* dl_outq: the receipts outbox as stored in dlr.mdb, with its two indexes (layout in
 * dl_rec.h), so that the sender finds what to try next without reading the backlog:
 *
 *   outbox       BE64(seq)                          -> dl_mailrec
 *   outbox_rcpt  rcpt \0 submission \0 BE64(seq)    -> ""  every mail, per group, in order
 *   outbox_due   BE64(next_try) BE64(seq)           -> ""  the first mail of each group only
 *   meta         "outbox_layout"                    -> 2 (native u64): this index layout
 *
 * The ordering group is (recipient, submission): SPEC only orders the mails of one
 * submission (acceptance before final; an SMS reply carries the submission it answers,
 * so it queues behind that submission's receipts; a mail without submission groups with
 * the recipient's other mails without one). Only the first mail of a group is
 * "due-indexed"; when it leaves the outbox (sent, or moved to `dead`), the next mail of
 * that group takes its place in outbox_due. Different submissions to one address are
 * different groups, so they may go out at the same time (dl_outbox). dl_outq_due()
 * reads at most one entry per group that has mail, in next-try order, and stops at the
 * first entry not due yet: a backlog of any size behind a failing smarthost costs
 * nothing per scan. Keys: a recipient longer than 400 bytes is refused (-EINVAL); a
 * submission longer than 100 bytes groups by its first 100 (a coarser group, order
 * kept), so keys stay under LMDB's 511 bytes.
 *
 * All functions work in the caller's transaction (dl_outq_due() in a read-only one is
 * fine) and return 0 or a negative errno from the store; -EBADMSG for an unreadable
 * record. dl_outq_check() says whether the indexes need rebuilding: their sizes
 * disagree with `outbox` (a store written before the indexes existed, or damaged) or
 * meta "outbox_layout" is not this layout (a store of a dlr that grouped by recipient
 * alone, "rcpt \0 BE64(seq)", or a fresh store); dl_outq_reindex() rebuilds both from
 * `outbox` and stores the layout version (run at start-up, dl_outbox). An unreadable
 * record is left in `outbox` unindexed (never sent). Never logs. */
#ifndef DL_OUTQ_H
#define DL_OUTQ_H

#include "dl_rec.h"
#include "dl_state.h"

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

/* Append a mail (m->next_try_ms is its first try); its sequence number in *seq. */
int dl_outq_put(dl_state *st, MDB_txn *txn, const dl_mailrec *m, uint64_t *seq);
/* Writes exactly len bytes of mail at `to`; 0 or a negative errno. */
typedef int (*dl_outq_fill)(void *arg, uint8_t *to, size_t len);
/* dl_outq_put() of a mail of m->mail.len bytes (m->mail.data unused) that fill(arg)
 * writes straight into the stored record, so it is never copied: fill() may read the
 * store in txn but not write to it. fill()'s error is returned as it is, the record then
 * holding garbage: the caller must not commit txn. */
int dl_outq_put_fill(dl_state *st, MDB_txn *txn, const dl_mailrec *m, dl_outq_fill fill, void *arg,
                     uint64_t *seq);
/* The dl_outq_fill of a mail already in memory: copies len bytes from `mail`. */
int dl_outq_fill_copy(void *mail, uint8_t *to, size_t len);
/* Up to max due mails (next_try <= now_ms) in due order, skipping the `nskip` sequence
 * numbers in skip (the mails in flight); their sequence numbers in seqs, count in *n. */
int dl_outq_due(dl_state *st, MDB_txn *txn, uint64_t now_ms, const uint64_t *skip, size_t nskip,
                uint64_t *seqs, size_t max, size_t *n);
/* The mail was sent: remove it; the next mail of its group becomes due-indexed. */
int dl_outq_sent(dl_state *st, MDB_txn *txn, uint64_t seq);
/* Try again later: rewrite the mail (m->next_try_ms is the new time, m->tries etc.). */
int dl_outq_defer(dl_state *st, MDB_txn *txn, uint64_t seq, const dl_mailrec *m);
/* Refused for good: the mail moves to `dead` as m, the next of its group becomes
 * due-indexed. */
int dl_outq_bury(dl_state *st, MDB_txn *txn, uint64_t seq, const dl_mailrec *m);
/* How many mails wait in the outbox (*n) and when the oldest was queued (*queued_ms,
 * 0 when empty): the first by sequence number is the oldest. */
int dl_outq_depth(dl_state *st, MDB_txn *txn, size_t *n, uint64_t *queued_ms);
/* Whether the indexes need rebuilding (1) or not (0), and the rebuild. */
int dl_outq_check(dl_state *st, MDB_txn *txn);
int dl_outq_reindex(dl_state *st, MDB_txn *txn);

#endif
