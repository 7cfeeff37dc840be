/* dl_outread: a stored mail of the outbox read by the sending thread in pieces, from
 * the store itself: no private copy of a mail that may be megabytes (a final receipt
 * of 100,000 recipients is 7.5 MB).
 *
 * dl_outread_open() (loop thread) begins a read-only transaction on the store, finds
 * outbox[seq] and decodes its record: the strings are copied into r->arena, r->m.mail
 * points into LMDB's map, where the record stays (its pages are not reused) until
 * dl_outread_close() (loop thread) ends the transaction. dl_outread_read() (one thread
 * at a time, e.g. curl's read callback in a uv_queue_work thread; it calls no LMDB
 * function) copies the next bytes; the map pages it has read to their end are given
 * back (madvise MADV_DONTNEED, by steps of DL_OUTREAD_STEP bytes): the map is a
 * shared read-only file mapping, so the page cache keeps them and a later read maps
 * them again, while the mail does not stay in the process's resident memory. A mail
 * smaller than a step never gives anything back.
 *
 * Errors (open): -ENOENT (no such mail), -EBADMSG (unreadable record), -ENOMEM, a
 * store error; nothing stays open on failure. Never logs. */
#ifndef DL_OUTREAD_H
#define DL_OUTREAD_H

#include "cm_store.h"
#include "dl_rec.h"
#include "dl_state.h"

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

#define DL_OUTREAD_STEP (256u * 1024) /* give back map pages once this much is read */

typedef struct {
    MDB_txn *txn; /* NULL when closed */
    cm_arena *arena;
    dl_mailrec m; /* m.mail: a view into the map */
    size_t pos;   /* bytes of m.mail read */
    size_t given; /* m.mail[0..given) is given back (its whole pages) */
} dl_outread;

int dl_outread_open(cm_store *store, const dl_state *st, uint64_t seq, dl_outread *r);
/* At most n bytes (fewer only at the end: 0 then). */
size_t dl_outread_read(dl_outread *r, char *buf, size_t n);
void dl_outread_close(dl_outread *r);

#endif
