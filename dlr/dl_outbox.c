/* dl_outbox: durable receipts queue and its SMTP sender (see dl_outbox.h).
 * curl_easy_perform() runs in a uv_queue_work thread with the slot's own curl handle
 * (its SMTP connection is kept after a success, see send_work), reading the mail in
 * pieces from the store's map under a read-only transaction held while it is in flight
 * (dl_outread: no private copy); every LMDB call runs on the loop thread. */
#include "dl_outbox.h"

#include "cm_log.h"
#include "dl_outq.h"
#include "dl_outread.h"
#include "dl_rec.h"
#include "dl_time.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_EVERY_MS 1000
#define CONN_MAX_AGE_S 30L /* reuse a kept connection no longer: below smarthost idle limits */
#define QUIT_WAIT_S 2L     /* at stop, for the QUIT of each kept connection */

int dl_outbox_put_fill(dl_state *st, MDB_txn *txn, const char *to, const char *submission,
                       const char *kind, size_t len, dl_outq_fill fill, void *arg, uint64_t now_ms)
{
    dl_mailrec m = {.next_try_ms = now_ms,
                    .env_from = (char *)st->from,
                    .rcpt = (char *)to,
                    .submission = (char *)submission,
                    .kind = (char *)kind,
                    .mail = {NULL, len},
                    .last_error = "",
                    .queued_ms = now_ms};
    uint64_t seq;
    int rc = dl_outq_put_fill(st, txn, &m, fill, arg, &seq);

    if (rc == 0) {
        st->mails++;
        cm_info("submission %s: %s receipt for %s queued (outbox %" PRIu64 ")", submission, kind,
                to, seq);
    }
    return rc;
}

int dl_outbox_put(dl_state *st, MDB_txn *txn, const char *to, const char *submission,
                  const char *kind, const char *mail, size_t len, uint64_t now_ms)
{
    return dl_outbox_put_fill(st, txn, to, submission, kind, len, dl_outq_fill_copy, (void *)mail,
                              now_ms);
}

static const char *const KIND_NAMES[DL_KINDS] = {"acceptance", "final", "reply", "other"};

enum dl_mail_kind dl_outbox_kind(const char *kind)
{
    for (int k = 0; k < DL_KIND_OTHER; k++)
        if (kind != NULL && strcmp(kind, KIND_NAMES[k]) == 0) return (enum dl_mail_kind)k;
    return DL_KIND_OTHER;
}

const char *dl_outbox_kind_name(enum dl_mail_kind k)
{
    return (unsigned)k < DL_KINDS ? KIND_NAMES[k] : KIND_NAMES[DL_KIND_OTHER];
}

uint64_t dl_outbox_backoff_ms(unsigned min_s, unsigned max_s, uint32_t tries)
{
    uint64_t d = min_s ? min_s : 1;

    for (uint32_t i = 1; i < tries && d < max_s; i++)
        d *= 2;
    if (max_s && d > max_s) d = max_s;
    return d * 1000u;
}

typedef struct {
    dl_outbox *o;
    uv_work_t work;
    int used;
    CURL *curl; /* the slot's handle, NULL until first used or after a failure */
    uint64_t seq;
    dl_outread rd; /* the stored mail (rd.m), open while in flight */
    CURLcode cc;
    long smtp_code;
    char errbuf[CURL_ERROR_SIZE];
} send_job;

struct dl_outbox {
    uv_loop_t *loop;
    cm_store *store;
    dl_state *st;
    dl_outbox_opts opts;
    uv_timer_t timer;
    send_job jobs[DL_OUTBOX_PARALLEL];
    int stopping;
    void (*done)(void *arg);
    void *done_arg;
    dl_outbox_stats stats;
};

static size_t read_cb(char *buf, size_t size, size_t nmemb, void *arg)
{
    send_job *j = arg;

    return dl_outread_read(&j->rd, buf, size * nmemb);
}

/* Thread pool: one SMTP transaction. Touches only the job (and its slot's handle).
 * The handle keeps its connection after a success, so the slot's next mail skips
 * connect, greeting and EHLO (curl checks a kept connection is still open, and drops it
 * after CONN_MAX_AGE_S); after any failure the handle is closed, so a connection in an
 * unknown state is never used again. */
static void send_work(uv_work_t *w)
{
    send_job *j = w->data;
    struct curl_slist *rcpt = curl_slist_append(NULL, j->rd.m.rcpt);
    CURL *c = j->curl != NULL ? j->curl : curl_easy_init();

    j->curl = c;
    j->errbuf[0] = '\0';
    j->smtp_code = 0;
    if (c == NULL || rcpt == NULL) {
        j->cc = CURLE_OUT_OF_MEMORY;
        goto out;
    }
    curl_easy_setopt(c, CURLOPT_URL, j->o->opts.smarthost);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, j->rd.m.env_from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, j);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, j->o->opts.timeout_s);
    curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, j->o->opts.timeout_s); /* QUIT too */
    curl_easy_setopt(c, CURLOPT_MAXAGE_CONN, CONN_MAX_AGE_S);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, j->errbuf);
    j->cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &j->smtp_code);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL); /* rcpt is freed below */
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
out:
    curl_slist_free_all(rcpt);
    if (j->cc != CURLE_OK && c != NULL) {
        curl_easy_cleanup(c);
        j->curl = NULL;
    }
}

static void job_release(send_job *j)
{
    dl_outbox *o = j->o;

    dl_outread_close(&j->rd);
    j->used = 0;
    if (o->stopping) {
        for (int i = 0; i < DL_OUTBOX_PARALLEL; i++)
            if (o->jobs[i].used) return;
        if (o->done != NULL) o->done(o->done_arg);
        o->done = NULL;
    }
}

/* The batch holding this job's outcome is committed: the slot may be reused. */
static void job_committed(void *arg, int committed)
{
    send_job *j = arg;
    dl_outbox *o = j->o;

    job_release(j);
    if (committed && !o->stopping) dl_outbox_kick(o);
}

/* Rewrite the record: a later try (temporary failure). */
static int job_defer(send_job *j, MDB_txn *txn, const char *why)
{
    dl_outbox *o = j->o;
    int rc;

    j->rd.m.tries++;
    j->rd.m.next_try_ms =
        dl_time_now_ms() +
        dl_outbox_backoff_ms(o->opts.retry_min_s, o->opts.retry_max_s, j->rd.m.tries);
    j->rd.m.last_error = (char *)why;
    rc = dl_outq_defer(o->st, txn, j->seq, &j->rd.m);
    o->stats.retried++;
    o->stats.by_kind[dl_outbox_kind(j->rd.m.kind)][DL_MAIL_RETRY]++;
    cm_warn("outbox %" PRIu64 " to %s: %s; try %u in %" PRIu64 " s", j->seq, j->rd.m.rcpt, why,
            j->rd.m.tries + 1,
            dl_outbox_backoff_ms(o->opts.retry_min_s, o->opts.retry_max_s, j->rd.m.tries) / 1000);
    return rc;
}

/* A permanent refusal: keep the mail in `dead` for the operator (counted in meta
 * "dead" too), never try it again. */
static int job_bury(send_job *j, MDB_txn *txn, const char *why)
{
    dl_outbox *o = j->o;
    int rc;

    j->rd.m.last_error = (char *)why;
    rc = dl_outq_bury(o->st, txn, j->seq, &j->rd.m);
    o->stats.dead++;
    o->stats.by_kind[dl_outbox_kind(j->rd.m.kind)][DL_MAIL_DEAD]++;
    cm_error("outbox %" PRIu64 ": %s receipt of %s to %s refused for good by the smarthost: %s "
             "(moved to dead; %lu since start)",
             j->seq, j->rd.m.kind, j->rd.m.submission, j->rd.m.rcpt, why, o->stats.dead);
    return rc;
}

static void send_done(uv_work_t *w, int status)
{
    send_job *j = w->data;
    dl_outbox *o = j->o;
    MDB_txn *txn = cm_store_batch_txn(o->store);
    char why[CURL_ERROR_SIZE + 64];
    int rc;

    if (txn == NULL) cm_log_fatal("outbox: cannot begin a write transaction");
    snprintf(why, sizeof(why), "%s (SMTP %ld)",
             j->errbuf[0] ? j->errbuf : curl_easy_strerror(j->cc), j->smtp_code);
    if (status == 0 && j->cc == CURLE_OK) {
        rc = dl_outq_sent(o->st, txn, j->seq);
        o->stats.sent++;
        o->stats.by_kind[dl_outbox_kind(j->rd.m.kind)][DL_MAIL_SENT]++;
        cm_info("outbox %" PRIu64 ": %s receipt of %s sent to %s", j->seq, j->rd.m.kind,
                j->rd.m.submission, j->rd.m.rcpt);
    } else if (j->smtp_code >= 500 && j->smtp_code < 600) {
        rc = job_bury(j, txn, why);
    } else {
        rc = job_defer(j, txn, why);
    }
    if (rc < 0 && rc != -ENOENT)
        cm_log_fatal("outbox %" PRIu64 ": storage failure (%d)", j->seq, rc);
    if (cm_store_batch_after(o->store, job_committed, j) < 0)
        cm_log_fatal("outbox: cannot register a commit callback");
}

static send_job *free_slot(dl_outbox *o)
{
    for (int i = 0; i < DL_OUTBOX_PARALLEL; i++)
        if (!o->jobs[i].used) return &o->jobs[i];
    return NULL;
}

/* Start sending stored mail seq in slot j. */
static int job_start(dl_outbox *o, send_job *j, uint64_t seq)
{
    int rc = dl_outread_open(o->store, o->st, seq, &j->rd);

    if (rc == 0) {
        j->o = o;
        j->seq = seq;
        j->used = 1;
        j->work.data = j;
        rc = uv_queue_work(o->loop, &j->work, send_work, send_done);
        j->used = rc == 0;
        if (rc != 0) dl_outread_close(&j->rd);
    }
    if (rc == -EBADMSG) cm_error("outbox %" PRIu64 ": unreadable record skipped", seq);
    return rc;
}

/* The due mails (first of each recipient and submission, dl_outq) into the free slots. */
static void scan(uv_timer_t *t)
{
    dl_outbox *o = t->data;
    uint64_t busy[DL_OUTBOX_PARALLEL], due[DL_OUTBOX_PARALLEL];
    size_t nbusy = 0, free_slots = 0, n = 0;
    MDB_txn *txn;

    for (int i = 0; i < DL_OUTBOX_PARALLEL; i++) {
        if (o->jobs[i].used)
            busy[nbusy++] = o->jobs[i].seq;
        else
            free_slots++;
    }
    if (o->stopping || free_slots == 0 || cm_store_read_begin(o->store, &txn) < 0) return;
    if (dl_outq_due(o->st, txn, dl_time_now_ms(), busy, nbusy, due, free_slots, &n) < 0)
        cm_error("outbox: cannot read the due index");
    mdb_txn_abort(txn);
    for (size_t i = 0; i < n; i++)
        job_start(o, free_slot(o), due[i]);
}

/* Rebuild the indexes of an outbox written without them, with an older layout (or
 * damaged); on a fresh store this only records the layout version. */
static int check_indexes(dl_outbox *o)
{
    MDB_txn *txn = cm_store_batch_txn(o->store);
    int rc = txn != NULL ? dl_outq_check(o->st, txn) : -EIO;

    if (rc == 1) {
        size_t n = 0;
        uint64_t oldest;
        if (dl_outq_depth(o->st, txn, &n, &oldest) == 0 && n > 0)
            cm_warn("outbox: rebuilding its indexes (%zu mails)", n);
        rc = dl_outq_reindex(o->st, txn);
        if (rc == 0) rc = cm_store_batch_commit(o->store);
    }
    return rc;
}

int dl_outbox_start(uv_loop_t *loop, cm_store *store, dl_state *st, const dl_outbox_opts *opts,
                    dl_outbox **out)
{
    dl_outbox *o = calloc(1, sizeof(*o));

    if (o == NULL) return -ENOMEM;
    o->loop = loop;
    o->store = store;
    o->st = st;
    o->opts = *opts;
    if (o->opts.timeout_s <= 0) o->opts.timeout_s = 60;
    int rc = check_indexes(o);
    if (rc < 0) {
        free(o);
        return rc;
    }
    uv_timer_init(loop, &o->timer);
    o->timer.data = o;
    uv_timer_start(&o->timer, scan, 0, SCAN_EVERY_MS);
    *out = o;
    return 0;
}

void dl_outbox_kick(dl_outbox *o)
{
    if (!o->stopping) uv_timer_start(&o->timer, scan, 0, SCAN_EVERY_MS);
}

void dl_outbox_stop(dl_outbox *o, void (*done)(void *arg), void *arg)
{
    o->stopping = 1;
    uv_timer_stop(&o->timer);
    o->done = done;
    o->done_arg = arg;
    for (int i = 0; i < DL_OUTBOX_PARALLEL; i++)
        if (o->jobs[i].used) return;
    o->done = NULL;
    done(arg);
}

static void timer_closed(uv_handle_t *h)
{
    free(h->data);
}

/* Closes the kept connections: a QUIT each, waiting at most QUIT_WAIT_S for its
 * answer (with the sending time-out, a hung smarthost could hold the stop for
 * DL_OUTBOX_PARALLEL times dlr.timeout_s). */
void dl_outbox_free(dl_outbox *o)
{
    for (int i = 0; i < DL_OUTBOX_PARALLEL; i++) {
        if (o->jobs[i].used || o->jobs[i].curl == NULL) continue; /* in flight: leave it */
        curl_easy_setopt(o->jobs[i].curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, QUIT_WAIT_S);
        curl_easy_cleanup(o->jobs[i].curl);
        o->jobs[i].curl = NULL;
    }
    uv_close((uv_handle_t *)&o->timer, timer_closed);
}

const dl_outbox_stats *dl_outbox_get_stats(const dl_outbox *o)
{
    return &o->stats;
}
