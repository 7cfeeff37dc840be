/* dl_outbox: the durable queue of receipts for the smarthost, and its sender.
 *
 * dl_outbox_put() appends a mail to `outbox` (dl_outq: 8-byte big-endian sequence
 * from the meta counter "outbox", with its per-group and due-time index entries)
 * inside the caller's transaction: the mail is decided and stored in the same commit
 * as the state that caused it.
 *
 * The sender (dl_outbox_start) takes the due mails from the due index (committed data;
 * only the first mail of each (recipient, submission) group is there, so a scan reads
 * a handful of entries whatever the backlog) and hands each to a uv_queue_work thread
 * that runs curl_easy_perform() (SMTP to dlr.smarthost, MAIL FROM dlr.from, one RCPT),
 * reading the mail in pieces from the store's map (dl_outread: no private copy, under a
 * read-only transaction begun and ended on the loop thread, held while the mail is in
 * flight); every LMDB call is made on the loop thread. Each of the
 * DL_OUTBOX_PARALLEL slots keeps its curl handle, and with it its SMTP connection after
 * a success (at most 30 s, and only while the smarthost keeps it open), so a busy
 * outbox pays connect, greeting and EHLO once per slot rather than once per mail; a
 * failure closes the slot's handle. A 2xx removes the mail; a temporary failure (4xx,
 * no connection, time-out) keeps it with tries + 1 and next_try = now + back-off
 * (dlr.retry_min_s doubling up to dlr.retry_max_s); a permanent 5xx moves it to `dead`
 * with an error log, counted (stats, meta counter "dead") and never tried again. Every
 * change is written in the store's batch; the mail leaves the in-flight set only after
 * that batch committed, so a mail is never sent twice by one process. After a restart
 * the outbox is simply read again (and its indexes rebuilt if they disagree with it or
 * have an older layout, dl_outq). At most DL_OUTBOX_PARALLEL mails are in flight
 * (dlr's main sizes the libuv thread pool for them), never two of the same
 * submission to the same recipient, and a mail waits while an earlier one of its
 * group is in flight or waiting for its retry: a customer gets a submission's
 * acceptance receipt before its final one, while receipts of different submissions
 * to the same address go out side by side (a busy sender on a slow smarthost link).
 *
 * dl_outbox_get_stats() counts the sender's outcomes since start, in total and by
 * kind of mail (dl_outbox_kind(): "acceptance", "final", "reply", else "other") for
 * the metrics (dl_metrics).
 *
 * dl_outbox_kick() asks for a scan soon (after a commit that added mails); a timer
 * also scans every second. dl_outbox_stop() stops scanning; the mails in flight
 * finish (their results are committed) before the close callback runs.
 * dl_outbox_free() closes the kept connections (a QUIT each, on the calling thread,
 * waiting at most 2 s for each answer). */
#ifndef DL_OUTBOX_H
#define DL_OUTBOX_H

#include "cm_store.h"
#include "dl_outq.h"
#include "dl_state.h"

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define DL_OUTBOX_PARALLEL 8 /* SMTP sessions at once to the smarthost */

int dl_outbox_put(dl_state *st, MDB_txn *txn, const char *to, const char *submission,
                  const char *kind, const char *mail, size_t len, uint64_t now_ms);
/* dl_outbox_put() of a mail of len bytes that fill(arg) writes straight into the
 * stored record (dl_outq_put_fill: no other write in txn meanwhile; on its error the
 * caller must not commit txn). */
int dl_outbox_put_fill(dl_state *st, MDB_txn *txn, const char *to, const char *submission,
                       const char *kind, size_t len, dl_outq_fill fill, void *arg, uint64_t now_ms);

typedef struct dl_outbox dl_outbox;

typedef struct {
    const char *smarthost; /* "smtp://127.0.0.1:2526" */
    const char *from;
    unsigned retry_min_s, retry_max_s;
    long timeout_s; /* per SMTP transaction */
} dl_outbox_opts;

enum dl_mail_kind { DL_KIND_ACCEPTANCE, DL_KIND_FINAL, DL_KIND_REPLY, DL_KIND_OTHER, DL_KINDS };
enum dl_mail_result { DL_MAIL_SENT, DL_MAIL_RETRY, DL_MAIL_DEAD, DL_MAIL_RESULTS };

typedef struct {
    unsigned long sent, retried, dead;
    unsigned long by_kind[DL_KINDS][DL_MAIL_RESULTS];
} dl_outbox_stats;

/* The kind of a stored mail's `kind` string, and the name of a kind. */
enum dl_mail_kind dl_outbox_kind(const char *kind);
const char *dl_outbox_kind_name(enum dl_mail_kind k);

int dl_outbox_start(uv_loop_t *loop, cm_store *store, dl_state *st, const dl_outbox_opts *opts,
                    dl_outbox **out);
void dl_outbox_kick(dl_outbox *o);
/* Stop scanning; `done` runs once no mail is in flight any more (then free it). */
void dl_outbox_stop(dl_outbox *o, void (*done)(void *arg), void *arg);
void dl_outbox_free(dl_outbox *o);
const dl_outbox_stats *dl_outbox_get_stats(const dl_outbox *o);
/* The delay before try number `tries` (1-based): min * 2^(tries-1), capped at max. */
uint64_t dl_outbox_backoff_ms(unsigned min_s, unsigned max_s, uint32_t tries);

#endif
