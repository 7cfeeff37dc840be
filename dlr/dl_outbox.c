/* dl_outbox: durable receipts queue and its SMTP sender (see dl_outbox.h).
 * curl_easy_perform() runs in a uv_queue_work thread on a private copy of the mail;
 * everything touching LMDB runs on the loop thread. */
#include "dl_outbox.h"

#include "cm_log.h"
#include "dl_rec.h"
#include "dl_time.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_MAX 1000 /* outbox records looked at per scan */
#define SCAN_EVERY_MS 1000
#define SCAN_BLOCKED 256 /* recipients held back per scan */

int dl_outbox_put(dl_state *st, MDB_txn *txn, const char *to, const char *submission,
                  const char *kind, const char *mail, size_t len, uint64_t now_ms)
{
    dl_mailrec m = {now_ms,
                    0,
                    (char *)st->from,
                    (char *)to,
                    (char *)submission,
                    (char *)kind,
                    {(uint8_t *)mail, len},
                    ""};
    cm_wbuf w = {0};
    uint8_t k[8];
    uint64_t seq;
    int rc = cm_store_next_seq(txn, st->db.meta, "outbox", &seq);

    if (rc < 0) return rc;
    cm_be64_put(k, seq);
    dl_mailrec_encode(&m, &w);
    rc = w.err ? w.err : cm_store_put(txn, st->db.outbox, k, 8, w.data, w.len, MDB_APPEND);
    cm_wbuf_free(&w);
    if (rc == 0) {
        st->mails++;
        cm_info("submission %s: %s receipt for %s queued (outbox %" PRIu64 ")", submission, kind,
                to, seq);
    }
    return rc;
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
    uint64_t seq;
    void *rec; /* the stored record, to rewrite it on failure */
    size_t rec_len;
    cm_arena *arena;
    dl_mailrec m; /* decoded from rec, in arena */
    size_t pos;   /* read position in m.mail */
    CURLcode cc;
    long smtp_code;
    char errbuf[CURL_ERROR_SIZE];
} send_job;

struct dl_outbox {
    uv_loop_t *loop;
    cm_store *store;
    const dl_state *st;
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
    size_t left = j->m.mail.len - j->pos, n = size * nmemb;

    if (n > left) n = left;
    memcpy(buf, j->m.mail.data + j->pos, n);
    j->pos += n;
    return n;
}

/* Thread pool: one SMTP transaction. Touches only the job. */
static void send_work(uv_work_t *w)
{
    send_job *j = w->data;
    CURL *c = curl_easy_init();
    struct curl_slist *rcpt = curl_slist_append(NULL, j->m.rcpt);

    j->errbuf[0] = '\0';
    j->smtp_code = 0;
    if (c == NULL || rcpt == NULL) {
        j->cc = CURLE_OUT_OF_MEMORY;
        goto out;
    }
    curl_easy_setopt(c, CURLOPT_URL, j->o->opts.smarthost);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, j->m.env_from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, j);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, j->o->opts.timeout_s);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, j->errbuf);
    j->cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &j->smtp_code);
out:
    curl_slist_free_all(rcpt);
    if (c != NULL) curl_easy_cleanup(c);
}

static void job_release(send_job *j)
{
    dl_outbox *o = j->o;

    free(j->rec);
    cm_arena_free(j->arena);
    j->rec = NULL;
    j->arena = NULL;
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
    cm_wbuf w = {0};
    uint8_t k[8];
    int rc;

    j->m.tries++;
    j->m.next_try_ms = dl_time_now_ms() +
                       dl_outbox_backoff_ms(o->opts.retry_min_s, o->opts.retry_max_s, j->m.tries);
    j->m.last_error = (char *)why;
    cm_be64_put(k, j->seq);
    dl_mailrec_encode(&j->m, &w);
    rc = w.err ? w.err : cm_store_put(txn, o->st->db.outbox, k, 8, w.data, w.len, 0);
    cm_wbuf_free(&w);
    o->stats.retried++;
    cm_warn("outbox %" PRIu64 " to %s: %s; try %u in %" PRIu64 " s", j->seq, j->m.rcpt, why,
            j->m.tries + 1,
            dl_outbox_backoff_ms(o->opts.retry_min_s, o->opts.retry_max_s, j->m.tries) / 1000);
    return rc;
}

/* A permanent refusal: keep the mail in `dead` for the operator. */
static int job_bury(send_job *j, MDB_txn *txn, const char *why)
{
    dl_outbox *o = j->o;
    cm_wbuf w = {0};
    uint8_t k[8];
    int rc;

    j->m.last_error = (char *)why;
    cm_be64_put(k, j->seq);
    dl_mailrec_encode(&j->m, &w);
    rc = w.err ? w.err : cm_store_put(txn, o->st->db.dead, k, 8, w.data, w.len, 0);
    cm_wbuf_free(&w);
    if (rc == 0) rc = cm_store_del(txn, o->st->db.outbox, k, 8);
    o->stats.dead++;
    cm_error("outbox %" PRIu64 " to %s refused for good by the smarthost: %s (kept in dead)",
             j->seq, j->m.rcpt, why);
    return rc;
}

static void send_done(uv_work_t *w, int status)
{
    send_job *j = w->data;
    dl_outbox *o = j->o;
    MDB_txn *txn = cm_store_batch_txn(o->store);
    char why[CURL_ERROR_SIZE + 64];
    uint8_t k[8];
    int rc;

    if (txn == NULL) cm_log_fatal("outbox: cannot begin a write transaction");
    snprintf(why, sizeof(why), "%s (SMTP %ld)",
             j->errbuf[0] ? j->errbuf : curl_easy_strerror(j->cc), j->smtp_code);
    if (status == 0 && j->cc == CURLE_OK) {
        cm_be64_put(k, j->seq);
        rc = cm_store_del(txn, o->st->db.outbox, k, 8);
        o->stats.sent++;
        cm_info("outbox %" PRIu64 ": %s receipt of %s sent to %s", j->seq, j->m.kind,
                j->m.submission, j->m.rcpt);
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

static int in_flight(const dl_outbox *o, uint64_t seq)
{
    for (int i = 0; i < DL_OUTBOX_PARALLEL; i++)
        if (o->jobs[i].used && o->jobs[i].seq == seq) return 1;
    return 0;
}

static send_job *free_slot(dl_outbox *o)
{
    for (int i = 0; i < DL_OUTBOX_PARALLEL; i++)
        if (!o->jobs[i].used) return &o->jobs[i];
    return NULL;
}

/* Start sending the record (k, v) in slot j. */
static int job_start(dl_outbox *o, send_job *j, const MDB_val *k, const MDB_val *v)
{
    uint64_t seq = cm_be64_get(k->mv_data);
    int rc;

    j->arena = NULL;
    j->rec = malloc(v->mv_size);
    if (j->rec == NULL) return -ENOMEM;
    memcpy(j->rec, v->mv_data, v->mv_size);
    j->rec_len = v->mv_size;
    rc = dl_mailrec_decode(j->rec, j->rec_len, &j->arena, &j->m);
    if (rc == 0) {
        j->o = o;
        j->seq = seq;
        j->pos = 0;
        j->used = 1;
        j->work.data = j;
        rc = uv_queue_work(o->loop, &j->work, send_work, send_done);
        j->used = rc == 0;
    }
    if (rc != 0) {
        if (rc == -EBADMSG) cm_error("outbox %" PRIu64 ": unreadable record skipped", seq);
        free(j->rec);
        cm_arena_free(j->arena);
        j->rec = NULL;
        j->arena = NULL;
    }
    return rc;
}

/* Recipients that must wait: an earlier mail to them is in flight or not due yet, so
 * that their receipts arrive in order (acceptance before final). */
typedef struct {
    const char *r[SCAN_BLOCKED];
    size_t len[SCAN_BLOCKED];
    size_t n;
} blocked_set;

static int blocked_has(const blocked_set *b, const char *r, size_t len)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->len[i] == len && memcmp(b->r[i], r, len) == 0) return 1;
    return 0;
}

/* 0, or -ENOSPC when full (the scan then stops: the slots are few anyway). */
static int blocked_add(blocked_set *b, const char *r, size_t len)
{
    if (blocked_has(b, r, len)) return 0;
    if (b->n == SCAN_BLOCKED) return -ENOSPC;
    b->r[b->n] = r;
    b->len[b->n++] = len;
    return 0;
}

/* Consider one outbox record; -ENOSPC stops the scan. */
static int scan_one(dl_outbox *o, blocked_set *b, const MDB_val *k, const MDB_val *v, uint64_t now)
{
    uint64_t next_try;
    const char *r;
    size_t rl;
    send_job *j;

    if (k->mv_size != 8 || dl_mailrec_peek(v->mv_data, v->mv_size, &next_try, &r, &rl) < 0)
        return 0;
    if (blocked_has(b, r, rl)) return 0;
    if (in_flight(o, cm_be64_get(k->mv_data)) || next_try > now) return blocked_add(b, r, rl);
    j = free_slot(o);
    if (j == NULL) return -ENOSPC;
    if (job_start(o, j, k, v) == 0) return blocked_add(b, r, rl);
    return 0;
}

static void scan(uv_timer_t *t)
{
    dl_outbox *o = t->data;
    uint64_t now = dl_time_now_ms();
    blocked_set *b;
    MDB_txn *txn;
    MDB_cursor *cur;
    MDB_val k, v;
    int rc, looked = 0;

    if (o->stopping || free_slot(o) == NULL || cm_store_read_begin(o->store, &txn) < 0) return;
    b = calloc(1, sizeof(*b));
    if (b == NULL || mdb_cursor_open(txn, o->st->db.outbox, &cur) != 0) {
        free(b);
        mdb_txn_abort(txn);
        return;
    }
    rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    while (rc == 0 && looked++ < SCAN_MAX && scan_one(o, b, &k, &v, now) == 0)
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    free(b);
}

int dl_outbox_start(uv_loop_t *loop, cm_store *store, const dl_state *st,
                    const dl_outbox_opts *opts, dl_outbox **out)
{
    dl_outbox *o = calloc(1, sizeof(*o));

    if (o == NULL) return -ENOMEM;
    o->loop = loop;
    o->store = store;
    o->st = st;
    o->opts = *opts;
    if (o->opts.timeout_s <= 0) o->opts.timeout_s = 60;
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

void dl_outbox_free(dl_outbox *o)
{
    uv_close((uv_handle_t *)&o->timer, timer_closed);
}

const dl_outbox_stats *dl_outbox_get_stats(const dl_outbox *o)
{
    return &o->stats;
}
