/* dl_match: (operator, SMSC message id) -> (job, part), and the receipts that came
 * before their RESULT (`early`), in dlr.mdb (layout in dl_rec.h, keys in dl_msgid.h).
 *
 * The keys of an id follow the operator's message_id_format (st->cfg, auto when the
 * operator is not configured): submitted ids (dl_match_map, dl_match_early_take) with
 * the submit_sm_resp side's keys, receipt ids (dl_match_find, dl_match_early_put) with
 * the receipt side's. dl_match_map() stores the id under its one stored key
 * (dl_msgid_key_stored; MDB_NOOVERWRITE: the first mapping of a key wins).
 * dl_match_find() tries the receipt id's lookup keys in order (dl_msgid_keys_lookup),
 * which also find the ids of stores written with every key of an id.
 * early entries are stored under every key of the receipt's id with one sequence
 * number; dl_match_early_take() returns (owned, free with dl_match_early_free) the
 * receipts stored under any key of a submitted id, oldest first, and deletes all
 * their entries. Both note what they store for pruning (dl_prune.h: DL_AGE_MSGID once
 * per mapped id, with its format; DL_AGE_EARLY once per early receipt), at now_ms.
 * dl_match_forget() and dl_match_early_drop() are pruning's side: the first deletes
 * every key of an id (in the format it was mapped with, as stores that kept all keys
 * wrote them: absent ones are skipped) that still maps to what its first key maps
 * to, the second takes early receipt `seq` if it is still there (*found = 1, out->payload owned by
 * the caller, free()) and deletes its entries (under any key a format could have given). Errors:
 * -EINVAL for an unusable id or operator, -ENOENT not found, other negative errno from the store.
 * Never logs. */
#ifndef DL_MATCH_H
#define DL_MATCH_H

#include "dl_msgid.h"
#include "dl_state.h"

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t seq;
    void *payload; /* DELIVER as received */
    size_t len;
} dl_early;

/* The message_id_format of operator op in st->cfg (auto when not configured). */
enum dl_msgid_format dl_match_format(const dl_state *st, const char *op);
int dl_match_map(dl_state *st, MDB_txn *txn, const char *op, const char *id, uint64_t job,
                 uint32_t part, uint64_t now_ms);
int dl_match_find(dl_state *st, MDB_txn *txn, const char *op, const char *id, uint64_t *job,
                  uint32_t *part);
int dl_match_early_put(dl_state *st, MDB_txn *txn, const char *op, const char *id,
                       const void *payload, size_t len, uint64_t now_ms);
int dl_match_early_take(dl_state *st, MDB_txn *txn, const char *op, const char *id, dl_early **out,
                        size_t *n);
void dl_match_early_free(dl_early *e, size_t n);
int dl_match_forget(dl_state *st, MDB_txn *txn, const char *op, const char *id,
                    enum dl_msgid_format fmt);
int dl_match_early_drop(dl_state *st, MDB_txn *txn, const char *op, const char *id, uint64_t seq,
                        dl_early *out, int *found);

#endif
