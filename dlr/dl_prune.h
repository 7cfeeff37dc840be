/* dl_prune: what dlr keeps for a while, then forgets, so that dlr.mdb does not grow
 * forever. The retention of each kind is in st->keep (dlr.*_retention_days); a keep of
 * 0 keeps that kind forever.
 *
 * Whatever ages is noted in the `aging` sub-database when it is written, under the key
 * kind(1) BE64(at_ms) key. dl_prune_run() walks each kind from its oldest note while
 * at_ms + keep <= now_ms, deletes the thing and its note:
 *   DL_AGE_SEEN       key = handoff key: seen[key]                       (keep.seen_ms)
 *   DL_AGE_MSGID      key = operator \0 message id \0 format (one byte, enum
 *                     dl_msgid_format; notes without it are "auto"): the msgids entries
 *                     of that id (its dl_msgid keys in that format)      (keep.msgid_ms)
 *   DL_AGE_EARLY      key = BE64(early seq) operator \0 message id: a receipt still
 *                     waiting in `early` for its RESULT moves to `unmatched` (with a
 *                     warning); one matched already is gone             (keep.msgid_ms)
 *   DL_AGE_SUBMISSION key = submission, noted once its final receipt is decided (or at
 *                     once when it has none): submissions, progress and the recipients
 *                     of its jobs                                        (keep.submission_ms)
 *   DL_AGE_UNMATCHED  key = BE64(seq): unmatched[seq]                   (keep.unmatched_ms)
 * Notes are ordered by time within a kind, so a run looks only at what is due: its
 * cost is the number of things it deletes, never the size of the store.
 *
 * Inside the caller's write transaction. Returns 0 or a negative errno from the store
 * (fatal for the caller); at most `max` notes handled per call (*count). Logs a
 * warning for each early receipt moved to unmatched, nothing else. */
#ifndef DL_PRUNE_H
#define DL_PRUNE_H

#include "dl_state.h"

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

enum dl_age_kind {
    DL_AGE_SEEN = 's',
    DL_AGE_MSGID = 'm',
    DL_AGE_EARLY = 'e',
    DL_AGE_SUBMISSION = 'f',
    DL_AGE_UNMATCHED = 'u',
};

#define DL_AGE_KEY_MAX 400 /* longest key that can be noted */

/* Note `key` (klen bytes) of `kind` as written at at_ms; -EINVAL if klen is 0 or over
 * DL_AGE_KEY_MAX. */
int dl_prune_note(dl_state *st, MDB_txn *txn, enum dl_age_kind kind, const void *key, size_t klen,
                  uint64_t at_ms);
int dl_prune_run(dl_state *st, MDB_txn *txn, uint64_t now_ms, unsigned max, unsigned *count);

#endif
