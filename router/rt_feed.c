/* rt_feed: see rt_feed.h. Jobs live in three kinds of doubly-linked lists: one ready
 * FIFO per operator, one `waiting` list (retry not before a time), and one `inflight`
 * list in dispatch order (so time-outs are found at its head). */
#include "rt_feed.h"
#include "cm_log.h"
#include "cm_map.h"
#include "rt_jobindex.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RT_FEED_MAX_PEERS 256

enum job_state { JOB_READY, JOB_WAITING, JOB_INFLIGHT, JOB_HELD };

#define RT_FEED_HELD 1 /* send_job(): the job's submission is held */

typedef struct job {
    struct job *prev, *next;
    uint64_t id, due_ms; /* WAITING: not before; INFLIGHT: deadline */
    uint64_t since_ms;   /* loop time it entered its state */
    uint32_t attempt;
    int op, peer;
    enum job_state state;
    char *held; /* HELD: the submission it waits for (owned) */
} job;

typedef struct {
    job *head, *tail;
    size_t n;
} job_list;

typedef struct {
    cm_peer id;
    int op, alive;
    char epoch[64];
    uint64_t sent, received, last_seen;
    uint32_t free_slots;
} peer;

struct rt_feed {
    rt_ctx *ctx;
    rt_jobindex jobs; /* id -> job */
    job_list *ready;  /* per operator */
    job_list waiting, inflight, held;
    peer peers[RT_FEED_MAX_PEERS];
    int npeers;
    unsigned next_peer; /* where the next dispatch round starts */
    uv_timer_t timer;
};

static void list_push(job_list *l, job *j)
{
    j->next = NULL;
    j->prev = l->tail;
    *(l->tail ? &l->tail->next : &l->head) = j;
    l->tail = j;
    l->n++;
}

static void list_remove(job_list *l, job *j)
{
    *(j->prev ? &j->prev->next : &l->head) = j->next;
    *(j->next ? &j->next->prev : &l->tail) = j->prev;
    l->n--;
}

static job_list *list_of(rt_feed *f, job *j)
{
    return j->state == JOB_READY     ? &f->ready[j->op]
           : j->state == JOB_WAITING ? &f->waiting
           : j->state == JOB_HELD    ? &f->held
                                     : &f->inflight;
}

static void move_to(rt_feed *f, job *j, enum job_state st, uint64_t due)
{
    list_remove(list_of(f, j), j);
    j->state = st;
    j->due_ms = due;
    j->since_ms = uv_now(f->ctx->loop);
    list_push(list_of(f, j), j);
}

static int op_index(const rt_feed *f, const char *name)
{
    for (size_t i = 0; i < f->ctx->cfg->n_operators; i++)
        if (strcmp(f->ctx->cfg->operators[i].name, name) == 0) return (int)i;
    return -1;
}

static void on_timer(uv_timer_t *t);

int rt_feed_create(rt_ctx *ctx, rt_feed **out)
{
    rt_feed *f = calloc(1, sizeof *f);
    if (!f || !(f->ready = calloc(ctx->cfg->n_operators + 1, sizeof *f->ready))) {
        free(f);
        return -ENOMEM;
    }
    f->ctx = ctx;
    uv_timer_init(ctx->loop, &f->timer);
    f->timer.data = f;
    uv_timer_start(&f->timer, on_timer, 200, 200);
    *out = f;
    return 0;
}

static int free_job(uint64_t id, void *value, void *arg)
{
    free(((job *)value)->held);
    free(value);
    return 0;
}

void rt_feed_free(rt_feed *f)
{
    if (!f) return;
    uv_timer_stop(&f->timer);
    uv_close((uv_handle_t *)&f->timer, NULL);
    rt_jobindex_each(&f->jobs, free_job, NULL);
    rt_jobindex_free(&f->jobs);
    free(f->ready);
    free(f);
}

/* Loop time (uv_now) at which wall-clock time `release_ms` arrives. */
static uint64_t loop_time_of(rt_feed *f, uint64_t release_ms)
{
    uint64_t now = rt_now_ms(), loop = uv_now(f->ctx->loop);
    return release_ms > now ? loop + (release_ms - now) : loop;
}

int rt_feed_add(rt_feed *f, uint64_t job_id, const char *operator_name, uint32_t attempt,
                uint64_t release_ms)
{
    int op = op_index(f, operator_name);
    if (op < 0) {
        cm_warn("job %" PRIu64 ": operator '%s' is no longer configured; job kept", job_id,
                operator_name);
        return 0;
    }
    if (rt_jobindex_get(&f->jobs, job_id)) return 0;
    job *j = calloc(1, sizeof *j);
    if (!j || rt_jobindex_put(&f->jobs, job_id, j) != 0) {
        free(j);
        return -ENOMEM;
    }
    *j = (job){.id = job_id,
               .attempt = attempt,
               .op = op,
               .peer = -1,
               .state = JOB_READY,
               .since_ms = uv_now(f->ctx->loop)};
    if (release_ms > rt_now_ms()) {
        j->state = JOB_WAITING;
        j->due_ms = loop_time_of(f, release_ms);
    }
    list_push(list_of(f, j), j);
    return 0;
}

int rt_feed_load(rt_feed *f)
{
    MDB_txn *txn;
    MDB_cursor *cur;
    MDB_val k, v;
    int rc = cm_store_read_begin(f->ctx->store, &txn);
    if (rc) return rc;
    rc = cm_store_err(mdb_cursor_open(txn, cm_store_dbi(f->ctx->store, RT_DB_JOBS), &cur));
    for (int op = MDB_FIRST; !rc && mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT) {
        cm_arena *arena = NULL;
        cm_msg_job m;
        rt_job_rec rec;
        if (k.mv_size != 8 || v.mv_size < sizeof rec) continue;
        memcpy(&rec, v.mv_data, sizeof rec);
        if (cm_wire_decode_job((uint8_t *)v.mv_data + sizeof rec, v.mv_size - sizeof rec, &arena,
                               &m) == 0)
            rc = rt_feed_add(f, cm_be64_get(k.mv_data), m.operator_name, rec.attempt,
                             rec.release_ms);
        cm_arena_free(arena);
    }
    if (!rc) mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    return rc;
}

static peer *find_peer(rt_feed *f, const cm_peer *id)
{
    for (int i = 0; i < f->npeers; i++)
        if (f->peers[i].id.len == id->len && memcmp(f->peers[i].id.id, id->id, id->len) == 0)
            return &f->peers[i];
    if (f->npeers == RT_FEED_MAX_PEERS) return NULL;
    peer *p = &f->peers[f->npeers++];
    memset(p, 0, sizeof *p);
    p->id = *id;
    p->op = -1;
    return p;
}

void rt_feed_credit(rt_feed *f, const cm_peer *from, const cm_msg_credit *c)
{
    peer *p = find_peer(f, from);
    int op = op_index(f, c->operator_name);
    if (!p || op < 0) {
        cm_warn("credit from an egress of unknown operator '%s' ignored", c->operator_name);
        return;
    }
    if (!p->alive || strcmp(p->epoch, c->epoch) != 0) { /* new peer, or it restarted */
        cm_info("egress %.*s (operator %s) is up", (int)from->len, from->id, c->operator_name);
        snprintf(p->epoch, sizeof p->epoch, "%s", c->epoch);
        p->sent = c->received;
        p->alive = 1;
    }
    p->op = op;
    p->received = c->received;
    p->free_slots = c->free_slots;
    p->last_seen = uv_now(f->ctx->loop);
    rt_feed_dispatch_all(f);
}

static uint64_t credit_of(const peer *p)
{
    uint64_t unseen = p->sent > p->received ? p->sent - p->received : 0;
    return p->free_slots > unseen ? p->free_slots - unseen : 0;
}

/* Reads job j from the store, bumps its attempt, sends it to peer p. */
/* Reads job j's record from the batch: its header and decoded JOB (in *arena). */
static int read_job(rt_feed *f, job *j, MDB_txn *txn, rt_job_rec *head, cm_arena **arena,
                    cm_msg_job *m)
{
    uint8_t key[8];
    MDB_val v;
    cm_be64_put(key, j->id);
    int rc = cm_store_get(txn, cm_store_dbi(f->ctx->store, RT_DB_JOBS), key, 8, &v);
    if (rc || v.mv_size < sizeof *head) return rc ? rc : -EBADMSG;
    memcpy(head, v.mv_data, sizeof *head);
    return cm_wire_decode_job((uint8_t *)v.mv_data + sizeof *head, v.mv_size - sizeof *head, arena,
                              m);
}

/* Sends job j to peer p and records the new attempt; RT_FEED_HELD (with the
 * submission in *held, owned) when the operator holds its submission. */
static int send_job(rt_feed *f, job *j, peer *p, char **held)
{
    rt_ctx *ctx = f->ctx;
    MDB_txn *txn = cm_store_batch_txn(ctx->store);
    rt_job_rec head;
    cm_arena *arena = NULL;
    cm_msg_job m;
    cm_wbuf w = {0};
    uint8_t key[8];
    if (!txn) return -EIO;
    int rc = read_job(f, j, txn, &head, &arena, &m);
    if (!rc && cm_map_get(ctx->held, m.submission)) {
        *held = strdup(m.submission);
        cm_arena_free(arena);
        return *held ? RT_FEED_HELD : -ENOMEM;
    }
    m.attempt = head.attempt = j->attempt + 1;
    cm_put_raw(&w, &head, sizeof head);
    if (!rc) rc = cm_wire_encode_job(&m, &w);
    cm_be64_put(key, j->id);
    if (!rc) rc = cm_store_put(txn, cm_store_dbi(ctx->store, RT_DB_JOBS), key, 8, w.data, w.len, 0);
    if (!rc)
        rc = cm_hub_send_oneway(ctx->egress_hub, &p->id, w.data + sizeof head, w.len - sizeof head);
    cm_wbuf_free(&w);
    cm_arena_free(arena);
    return rc;
}

static void forget(rt_feed *f, job *j)
{
    list_remove(list_of(f, j), j);
    rt_jobindex_del(&f->jobs, j->id);
    free(j->held);
    free(j);
}

static void dispatch_peer(rt_feed *f, peer *p)
{
    job_list *ready = &f->ready[p->op];
    uint64_t timeout = (uint64_t)f->ctx->cfg->router.job_timeout_s * 1000;
    while (p->alive && ready->head && credit_of(p) > 0) {
        job *j = ready->head;
        char *held = NULL;
        int rc = send_job(f, j, p, &held);
        if (rc == RT_FEED_HELD) {
            j->held = held;
            move_to(f, j, JOB_HELD, 0);
        } else if (rc == -EHOSTUNREACH || rc == -EAGAIN) {
            cm_warn("egress %.*s unreachable: its jobs go to others", (int)p->id.len, p->id.id);
            p->alive = 0;
        } else if (rc == -EBADMSG || rc == -ENOENT) {
            cm_error("job %" PRIu64 ": unreadable record in the queue, skipped", j->id);
            forget(f, j);
        } else if (rc) {
            cm_log_fatal("queue store: %s", strerror(-rc));
        } else {
            j->attempt++;
            j->peer = (int)(p - f->peers);
            move_to(f, j, JOB_INFLIGHT, uv_now(f->ctx->loop) + timeout);
            p->sent++;
        }
    }
}

void rt_feed_dispatch_all(rt_feed *f)
{
    if (f->ctx->draining) return;
    int start = f->npeers ? f->next_peer++ % f->npeers : 0; /* take turns: spread the load */
    for (int k = 0; k < f->npeers; k++) {
        peer *p = &f->peers[(start + k) % f->npeers];
        if (p->alive && p->op >= 0) dispatch_peer(f, p);
    }
}

static uint64_t retry_delay_ms(uint32_t attempt)
{
    uint64_t d = 1000ULL << (attempt < 6 ? attempt : 6); /* 2 s .. 64 s */
    d = d > 60000 ? 60000 : d;
    return d / 2 + (uint64_t)rand() % (d / 2 + 1); /* jitter: never a retry storm */
}

int rt_feed_result(rt_feed *f, MDB_txn *txn, const cm_msg_result *r)
{
    uint8_t k8[8];
    job *j = rt_jobindex_get(&f->jobs, r->job_id);
    if (j && r->attempt < j->attempt && r->status == CM_RESULT_RETRY)
        return 0; /* a late answer about an attempt already superseded */
    if (r->status == CM_RESULT_RETRY) {
        if (j && j->state != JOB_WAITING)
            move_to(f, j, JOB_WAITING, uv_now(f->ctx->loop) + retry_delay_ms(j->attempt));
        return 0;
    }
    cm_be64_put(k8, r->job_id);
    int rc = cm_store_del(txn, cm_store_dbi(f->ctx->store, RT_DB_JOBS), k8, 8);
    if (rc && rc != -ENOENT) return rc;
    if (j) forget(f, j);
    return 1;
}

static void expire(rt_feed *f, uint64_t now)
{
    for (job *j = f->waiting.head, *next; j; j = next) {
        next = j->next;
        if (j->due_ms <= now) move_to(f, j, JOB_READY, 0);
    }
    for (job *j = f->inflight.head, *next; j; j = next) {
        next = j->next;
        const peer *p = &f->peers[j->peer];
        if (j->due_ms <= now || !p->alive) {
            cm_warn("job %" PRIu64 " attempt %u: no result from its egress, queued again", j->id,
                    j->attempt);
            move_to(f, j, JOB_READY, 0);
        }
    }
}

static void on_timer(uv_timer_t *t)
{
    rt_feed *f = t->data;
    uint64_t now = uv_now(f->ctx->loop);
    for (int i = 0; i < f->npeers; i++)
        if (f->peers[i].alive && now - f->peers[i].last_seen > RT_FEED_PEER_DEAD_MS) {
            cm_warn("egress %.*s silent for %d s: considered gone", (int)f->peers[i].id.len,
                    f->peers[i].id.id, RT_FEED_PEER_DEAD_MS / 1000);
            f->peers[i].alive = 0;
        }
    expire(f, now);
    rt_feed_dispatch_all(f);
}

size_t rt_feed_release(rt_feed *f, const char *submission)
{
    size_t n = 0;
    for (job *j = f->held.head, *next; j; j = next) {
        next = j->next;
        if (strcmp(j->held, submission) != 0) continue;
        free(j->held);
        j->held = NULL;
        move_to(f, j, JOB_READY, 0);
        n++;
    }
    return n;
}

size_t rt_feed_retry_now(rt_feed *f, const char *submission)
{
    MDB_txn *txn = cm_store_batch_txn(f->ctx->store);
    size_t n = 0;
    for (job *j = f->waiting.head, *next; txn && j; j = next) {
        rt_job_rec head;
        cm_arena *arena = NULL;
        cm_msg_job m;
        next = j->next;
        if (j->attempt > 0 && read_job(f, j, txn, &head, &arena, &m) == 0 &&
            strcmp(m.submission, submission) == 0) {
            move_to(f, j, JOB_READY, 0);
            n++;
        }
        cm_arena_free(arena);
    }
    return n;
}

void rt_feed_stats(const rt_feed *f, size_t op, rt_feed_op_stats *out)
{
    uint64_t now = uv_now(f->ctx->loop);
    memset(out, 0, sizeof *out);
    out->ready = f->ready[op].n;
    if (f->ready[op].head) out->oldest_ready_ms = now - f->ready[op].head->since_ms;
    for (const job *j = f->waiting.head; j; j = j->next)
        out->waiting += j->op == (int)op;
    for (const job *j = f->inflight.head; j; j = j->next)
        out->inflight += j->op == (int)op;
    for (const job *j = f->held.head; j; j = j->next)
        out->held += j->op == (int)op;
    for (int i = 0; i < f->npeers; i++)
        if (f->peers[i].alive && f->peers[i].op == (int)op) {
            out->egress_up++;
            out->credit += credit_of(&f->peers[i]);
        }
}
