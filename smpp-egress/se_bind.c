/* se_bind: SMPP client connection and its state machine (see se_bind.h). The socket
 * reads straight into a 64 KiB buffer; whole PDUs are cut from it after the header
 * check and decoded by se_pdu, then dispatched through a table by command id. The
 * PDUs written during one loop turn go out as one write (an idle handle flushes them
 * before the loop may sleep; a close flushes first). A 500 ms tick checks the bind /
 * enquire_link / unbind / submit time-outs. */
#include "se_bind.h"

#include "cm_log.h"
#include "se_rate.h"
#include "se_status.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_MIN_MS 1000u
#define BACKOFF_MAX_MS 60000u
#define TICK_MS 500u
#define OUT_CHUNK 16384u

typedef struct {
    uint32_t seq; /* 0: free slot */
    uint64_t job_id;
    size_t part;
    uint64_t deadline_ms;
} win_entry;

typedef struct {
    uv_write_t req;
    uv_buf_t buf;
    size_t len, cap;
    uint8_t data[];
} wreq;

typedef struct {
    uv_tcp_t tcp;
    se_bind *b;
    wreq *out; /* PDUs written this loop turn, not yet handed to libuv (NULL: none) */
} conn;

struct se_bind {
    uv_loop_t *loop;
    const cm_config_operator *op;
    const cm_config_bind *cfg;
    enum se_bind_role role;
    char name[128];
    se_bind_ops ops;
    enum se_bind_state st;
    int stopping, open_handles;
    unsigned rand_seed, backoff_ms;
    uv_getaddrinfo_t gai;
    uv_connect_t creq;
    conn *c;      /* current connection, NULL when none */
    uint64_t gen; /* connection generation */
    uv_timer_t retry_timer, tick_timer, rate_timer;
    uv_idle_t flush_idle; /* runs while the connection has PDUs to flush */
    uint32_t seq, bind_seq, el_seq, unbind_seq;
    uint64_t state_ms, el_sent_ms;
    se_rate rate;                /* token bucket and adaptive limit */
    uint64_t lost_in_flight;     /* submits returned LOST, over the bind's life */
    uint64_t submits, throttled; /* submit_sm written, throttling answers (life) */
    uint8_t *rbuf;
    size_t rlen;
    win_entry *win;
    int win_used;
};

static const char *STATE_NAMES[] = {"IDLE",  "RESOLVING", "CONNECTING", "BINDING",
                                    "BOUND", "UNBINDING", "CLOSING",    "STOPPED"};

const char *se_bind_state_name(enum se_bind_state st)
{
    return st <= SE_BIND_STOPPED ? STATE_NAMES[st] : "?";
}

/* The one function that changes the state. */
static void enter(se_bind *b, enum se_bind_state st, const char *why)
{
    enum cm_log_level lvl = st == SE_BIND_BOUND || st == SE_BIND_STOPPED ? CM_LOG_INFO
                            : st == SE_BIND_CLOSING                      ? CM_LOG_WARN
                                                                         : CM_LOG_DEBUG;
    if (b->stopping && st == SE_BIND_CLOSING) lvl = CM_LOG_INFO;
    cm_log(lvl, "bind %s: %s -> %s%s%s", b->name, se_bind_state_name(b->st), se_bind_state_name(st),
           why ? ": " : "", why ? why : "");
    b->st = st;
    b->state_ms = uv_now(b->loop);
    if (b->ops.state_cb) b->ops.state_cb(b, st, b->ops.arg);
}

/* "submission S job J attempt A" from the owner, else "job J". */
static const char *job_text(const se_bind *b, uint64_t job_id, char *buf, size_t size)
{
    buf[0] = 0;
    if (b->ops.job_name) b->ops.job_name(job_id, buf, size, b->ops.arg);
    if (!buf[0]) snprintf(buf, size, "job %" PRIu64, job_id);
    return buf;
}

static uint32_t next_seq(se_bind *b)
{
    b->seq = b->seq >= 0x7FFFFFFFu ? 1 : b->seq + 1;
    return b->seq;
}

static void connect_now(se_bind *b);
static void handle_pdu(se_bind *b, const uint8_t *buf, size_t len);

static void on_retry(uv_timer_t *t)
{
    connect_now(t->data);
}

static void schedule_retry(se_bind *b)
{
    unsigned half = b->backoff_ms / 2;
    unsigned delay = half + (unsigned)rand_r(&b->rand_seed) % (half + 1);
    b->backoff_ms = b->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : b->backoff_ms * 2;
    char why[64];
    snprintf(why, sizeof why, "reconnect in %u ms", delay);
    enter(b, SE_BIND_IDLE, why);
    uv_timer_start(&b->retry_timer, on_retry, delay, 0);
}

static void on_closed(uv_handle_t *h)
{
    conn *c = h->data;
    se_bind *b = c->b;
    free(c);
    if (b->stopping)
        enter(b, SE_BIND_STOPPED, NULL);
    else
        schedule_retry(b);
}

/* Returns every in-window submit as LOST (after the window is emptied and the state
 * is CLOSING, so that the owner sees no room here while it re-dispatches). */
static void return_window(se_bind *b)
{
    int n = b->win_used;
    if (n) {
        b->lost_in_flight += (uint64_t)n;
        cm_warn("bind %s: %d submit_sm unanswered when the connection ended: retried, the "
                "SMSC may have them twice (%" PRIu64 " so far on this bind)",
                b->name, n, b->lost_in_flight);
    }
    win_entry *copy = n ? malloc((size_t)n * sizeof *copy) : NULL;
    int k = 0;
    for (int i = 0; i < b->cfg->window && copy; i++)
        if (b->win[i].seq) copy[k++] = b->win[i];
    memset(b->win, 0, (size_t)b->cfg->window * sizeof *b->win);
    b->win_used = 0;
    for (int i = 0; i < k; i++)
        b->ops.resp_cb(b, copy[i].job_id, copy[i].part, SE_RESP_LOST, 0, "", b->ops.arg);
    free(copy);
}

__attribute__((format(printf, 2, 3))) static void se_bind_close(se_bind *b, const char *fmt, ...);

static void on_written(uv_write_t *req, int status)
{
    conn *c = req->handle->data;
    free(req);
    if (status < 0 && status != UV_ECANCELED && c->b->c == c)
        se_bind_close(c->b, "write: %s", uv_strerror(status));
}

/* Hands the PDUs of this loop turn to libuv (which writes at once when nothing is
 * queued, so a reply flushed just before a close still leaves: libuv cancels only what
 * is still queued). */
static int flush_out(se_bind *b)
{
    conn *c = b->c;
    uv_idle_stop(&b->flush_idle);
    if (!c || !c->out) return 0;
    wreq *w = c->out;
    c->out = NULL;
    w->buf = uv_buf_init((char *)w->data, (unsigned)w->len);
    int rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &w->buf, 1, on_written);
    if (rc < 0) free(w);
    return rc;
}

static void on_flush_idle(uv_idle_t *h)
{
    se_bind *b = h->data;
    int rc = flush_out(b);
    if (rc < 0) se_bind_close(b, "write: %s", uv_strerror(rc));
}

/* The one function that tears a connection down. */
__attribute__((format(printf, 2, 3))) static void se_bind_close(se_bind *b, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    flush_out(b); /* what was written before the close still leaves */
    conn *c = b->c;
    if (!c) return;
    b->c = NULL;
    b->rlen = 0;
    b->el_seq = b->bind_seq = b->unbind_seq = 0;
    uv_read_stop((uv_stream_t *)&c->tcp);
    uv_close((uv_handle_t *)&c->tcp, on_closed);
    enter(b, SE_BIND_CLOSING, why);
    return_window(b);
}

/* Appends a PDU to this loop turn's output (flushed first when full). */
static int send_pdu(se_bind *b, const uint8_t *pdu, size_t len)
{
    if (!b->c) return -ESTALE;
    wreq *w = b->c->out;
    if (w && w->len + len > w->cap) {
        int rc = flush_out(b);
        if (rc < 0) {
            se_bind_close(b, "write: %s", uv_strerror(rc));
            return -EIO;
        }
        w = NULL;
    }
    if (!w) {
        size_t cap = len > OUT_CHUNK ? len : OUT_CHUNK;
        if (!(w = malloc(sizeof *w + cap))) return -ENOMEM;
        w->len = 0;
        w->cap = cap;
        b->c->out = w;
        uv_idle_start(&b->flush_idle, on_flush_idle);
    }
    memcpy(w->data + w->len, pdu, len);
    w->len += len;
    return 0;
}

static int send_header(se_bind *b, uint32_t cmd, uint32_t status, uint32_t seq)
{
    uint8_t buf[SE_PDU_HEADER_LEN];
    se_pack_header(buf, sizeof buf, cmd, status, seq);
    return send_pdu(b, buf, sizeof buf);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    se_bind *b = ((conn *)h->data)->b;
    *buf = uv_buf_init((char *)b->rbuf + b->rlen, (unsigned)(SE_PDU_MAX_LEN - b->rlen));
}

/* Cuts whole PDUs from the read buffer. */
static void consume(se_bind *b, conn *c)
{
    size_t off = 0;
    se_pdu_hdr h;
    while (b->c == c) {
        int rc = se_pdu_header(b->rbuf + off, b->rlen - off, &h);
        if (rc == -EAGAIN || (rc == 0 && b->rlen - off < h.length)) break;
        if (rc) {
            se_bind_close(b, "bad command_length %u: dropping the connection", h.length);
            return;
        }
        handle_pdu(b, b->rbuf + off, h.length);
        off += h.length;
    }
    if (b->c != c) return; /* closed meanwhile: the buffer was reset */
    memmove(b->rbuf, b->rbuf + off, b->rlen - off);
    b->rlen -= off;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    conn *c = s->data;
    se_bind *b = c->b;
    if (b->c != c || n == 0) return;
    if (n < 0) {
        se_bind_close(b, "read: %s",
                      n == UV_EOF ? "connection closed by the SMSC" : uv_strerror((int)n));
        return;
    }
    b->rlen += (size_t)n;
    consume(b, c);
}

static void send_bind(se_bind *b)
{
    static const uint32_t CMD[] = {SE_BIND_TRANSCEIVER, SE_BIND_TRANSMITTER, SE_BIND_RECEIVER};
    uint8_t buf[SE_PACK_MAX];
    b->bind_seq = next_seq(b);
    int len = se_pack_bind(buf, sizeof buf, CMD[b->role], b->bind_seq, b->cfg);
    if (len < 0) {
        se_bind_close(b, "cannot pack the bind (system_id, password or system_type too long)");
        return;
    }
    enter(b, SE_BIND_BINDING, se_pdu_cmd_name(CMD[b->role]));
    send_pdu(b, buf, (size_t)len);
}

static void on_connected(uv_connect_t *req, int status)
{
    conn *c = req->handle->data;
    se_bind *b = c->b;
    if (b->c != c) return; /* closed meanwhile */
    if (status < 0) {
        se_bind_close(b, "connect: %s", uv_strerror(status));
        return;
    }
    if (b->stopping) {
        se_bind_close(b, "stopping");
        return;
    }
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    send_bind(b);
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
    se_bind *b = req->data;
    if (b->stopping) {
        uv_freeaddrinfo(res);
        enter(b, SE_BIND_STOPPED, NULL);
        return;
    }
    if (status < 0) {
        cm_warn("bind %s: resolving %s: %s", b->name, b->cfg->host, uv_strerror(status));
        schedule_retry(b);
        return;
    }
    conn *c = calloc(1, sizeof *c);
    if (!c) {
        uv_freeaddrinfo(res);
        schedule_retry(b);
        return;
    }
    c->b = b;
    c->tcp.data = c;
    uv_tcp_init(b->loop, &c->tcp);
    uv_tcp_nodelay(&c->tcp, 1);
    b->c = c;
    b->gen++;
    enter(b, SE_BIND_CONNECTING, NULL);
    int rc = uv_tcp_connect(&b->creq, &c->tcp, res->ai_addr, on_connected);
    uv_freeaddrinfo(res);
    if (rc < 0) se_bind_close(b, "connect: %s", uv_strerror(rc));
}

static void connect_now(se_bind *b)
{
    char port[16];
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    snprintf(port, sizeof port, "%d", b->cfg->port);
    enter(b, SE_BIND_RESOLVING, NULL);
    int rc = uv_getaddrinfo(b->loop, &b->gai, on_resolved, b->cfg->host, port, &hints);
    if (rc < 0) {
        cm_warn("bind %s: resolving %s: %s", b->name, b->cfg->host, uv_strerror(rc));
        schedule_retry(b);
    }
}

/* ---- inbound PDUs ---- */

static win_entry *win_find(se_bind *b, uint32_t seq)
{
    for (int i = 0; seq && i < b->cfg->window; i++)
        if (b->win[i].seq == seq) return &b->win[i];
    return NULL;
}

/* Frees the slot, then answers the owner. */
static void win_answer(se_bind *b, win_entry *e, enum se_resp_kind kind, uint32_t status,
                       const char *id)
{
    win_entry copy = *e;
    memset(e, 0, sizeof *e);
    b->win_used--;
    b->ops.resp_cb(b, copy.job_id, copy.part, kind, status, id, b->ops.arg);
}

static void on_bind_resp(se_bind *b, const se_pdu *p)
{
    if (b->st != SE_BIND_BINDING || p->h.seq != b->bind_seq) {
        cm_warn("bind %s: unexpected %s seq %u", b->name, se_pdu_cmd_name(p->h.id), p->h.seq);
        return;
    }
    if (p->h.status) {
        char why[160];
        se_status_reason(p->h.status, why, sizeof why);
        se_bind_close(b, "bind refused: %s", why);
        return;
    }
    b->bind_seq = 0;
    b->backoff_ms = BACKOFF_MIN_MS;
    b->el_sent_ms = uv_now(b->loop);
    se_rate_bound(&b->rate, b->el_sent_ms);
    char why[64];
    snprintf(why, sizeof why, "SMSC system_id \"%.40s\"", p->id);
    enter(b, SE_BIND_BOUND, why);
    if (b->ops.room_cb) b->ops.room_cb(b, b->ops.arg);
}

static const char *rate_text(const se_rate *r, char *buf, size_t size)
{
    double v = se_rate_in_force(r);
    if (v > 0)
        snprintf(buf, size, "%.1f/s", v);
    else
        snprintf(buf, size, "unlimited");
    return buf;
}

/* ESME_RTHROTTLED / ESME_RMSGQFUL: the rate is halved (se_rate). e: the submit it
 * answers, NULL for a late answer. */
static void throttled(se_bind *b, uint32_t status, const win_entry *e, uint32_t seq)
{
    char was[32], now[32], job[128];
    b->throttled++;
    rate_text(&b->rate, was, sizeof was);
    if (se_rate_throttled(&b->rate, uv_now(b->loop)) != SE_RATE_LOWERED) return;
    if (e)
        job_text(b, e->job_id, job, sizeof job);
    else
        snprintf(job, sizeof job, "seq %u, late", seq);
    cm_warn("bind %s: %s: rate limited to %s (was %s), answering %s", b->name,
            se_status_name(status), rate_text(&b->rate, now, sizeof now), was, job);
}

static void rate_tick(se_bind *b, uint64_t now)
{
    char buf[32];
    enum se_rate_change ch = se_rate_tick(&b->rate, now);
    if (ch == SE_RATE_RAISED)
        cm_info("bind %s: no throttling for a second: rate raised to %s", b->name,
                rate_text(&b->rate, buf, sizeof buf));
    else if (ch == SE_RATE_LIFTED)
        cm_info("bind %s: rate limit lifted: %s", b->name, rate_text(&b->rate, buf, sizeof buf));
    if (ch != SE_RATE_SAME && b->ops.room_cb) b->ops.room_cb(b, b->ops.arg);
}

static void on_submit_resp(se_bind *b, const se_pdu *p)
{
    win_entry *e = win_find(b, p->h.seq);
    if (p->h.status == 0x58 || p->h.status == 0x14) throttled(b, p->h.status, e, p->h.seq);
    if (!e) {
        cm_warn("bind %s: submit_sm_resp seq %u matches no submit (late after a time-out?)",
                b->name, p->h.seq);
        return;
    }
    win_answer(b, e, SE_RESP_PDU, p->h.status, p->id);
    if (b->ops.room_cb) b->ops.room_cb(b, b->ops.arg);
}

static void on_nack(se_bind *b, const se_pdu *p)
{
    win_entry *e = win_find(b, p->h.seq);
    char job[128];
    cm_warn("bind %s: generic_nack seq %u status 0x%08X%s%s", b->name, p->h.seq, p->h.status,
            e ? " for " : "", e ? job_text(b, e->job_id, job, sizeof job) : "");
    if (e) {
        win_answer(b, e, SE_RESP_PDU, p->h.status ? p->h.status : 0x08, "");
        if (b->ops.room_cb) b->ops.room_cb(b, b->ops.arg);
    } else if (p->h.seq && p->h.seq == b->bind_seq) {
        se_bind_close(b, "bind answered with generic_nack");
    } else if (p->h.seq && p->h.seq == b->el_seq) {
        b->el_seq = 0; /* the SMSC answered: the link is alive */
    } else if (p->h.seq && p->h.seq == b->unbind_seq) {
        se_bind_close(b, "unbind answered with generic_nack");
    }
}

static void on_deliver(se_bind *b, const se_pdu *p)
{
    if (b->st != SE_BIND_BOUND)
        cm_warn("bind %s: deliver_sm while %s", b->name, se_bind_state_name(b->st));
    b->ops.deliver_cb(b, b->gen, p, b->ops.arg);
}

static void on_enquire_link(se_bind *b, const se_pdu *p)
{
    send_header(b, SE_ENQUIRE_LINK_RESP, 0, p->h.seq);
}

static void on_el_resp(se_bind *b, const se_pdu *p)
{
    if (p->h.seq == b->el_seq) b->el_seq = 0;
}

static void on_unbind(se_bind *b, const se_pdu *p)
{
    send_header(b, SE_UNBIND_RESP, 0, p->h.seq);
    b->backoff_ms = BACKOFF_MIN_MS;
    se_bind_close(b, "unbind from the SMSC");
}

static void on_unbind_resp(se_bind *b, const se_pdu *p)
{
    if (b->st == SE_BIND_UNBINDING) se_bind_close(b, "unbound");
}

static const struct {
    uint32_t id;
    void (*fn)(se_bind *b, const se_pdu *p);
} HANDLERS[] = {
    {SE_BIND_TRANSCEIVER_RESP, on_bind_resp},
    {SE_BIND_TRANSMITTER_RESP, on_bind_resp},
    {SE_BIND_RECEIVER_RESP, on_bind_resp},
    {SE_SUBMIT_SM_RESP, on_submit_resp},
    {SE_GENERIC_NACK, on_nack},
    {SE_DELIVER_SM, on_deliver},
    {SE_ENQUIRE_LINK, on_enquire_link},
    {SE_ENQUIRE_LINK_RESP, on_el_resp},
    {SE_UNBIND, on_unbind},
    {SE_UNBIND_RESP, on_unbind_resp},
};

static void handle_pdu(se_bind *b, const uint8_t *buf, size_t len)
{
    se_pdu p;
    int rc = se_pdu_decode(buf, len, &p);
    if (rc == -ENOTSUP || (rc == -EBADMSG && !SE_IS_RESPONSE(p.h.id))) {
        cm_warn("bind %s: %s %s (0x%08X) seq %u, %zu bytes%s", b->name,
                rc == -ENOTSUP ? "unexpected" : "malformed", se_pdu_cmd_name(p.h.id), p.h.id,
                p.h.seq, len, SE_IS_RESPONSE(p.h.id) ? ": ignored" : ": generic_nack");
        if (!SE_IS_RESPONSE(p.h.id))
            send_header(b, SE_GENERIC_NACK, rc == -ENOTSUP ? 0x03 : 0x02, p.h.seq);
        return;
    }
    if (rc == -EBADMSG)
        cm_warn("bind %s: malformed %s seq %u: body ignored", b->name, se_pdu_cmd_name(p.h.id),
                p.h.seq);
    else if (rc)
        return;
    for (size_t i = 0; i < sizeof HANDLERS / sizeof HANDLERS[0]; i++)
        if (HANDLERS[i].id == p.h.id) {
            HANDLERS[i].fn(b, &p);
            return;
        }
}

/* ---- time-outs ---- */

/* A submit_sm unanswered in response_timeout_s: the connection is dropped, which hands
 * every job of its window back for a retry (se_bind_close). Retrying on the same live
 * connection would risk a duplicate SMS while no process and no connection died
 * (SPEC §10): only a dead window may be submitted twice. */
static void expire_window(se_bind *b, uint64_t now)
{
    char job[128];
    for (int i = 0; i < b->cfg->window && b->c; i++)
        if (b->win[i].seq && b->win[i].deadline_ms <= now) {
            cm_warn("bind %s: no submit_sm_resp for seq %u within %d s (%s part %zu)", b->name,
                    b->win[i].seq, b->op->response_timeout_s,
                    job_text(b, b->win[i].job_id, job, sizeof job), b->win[i].part + 1);
            se_bind_close(b,
                          "submit_sm unanswered for %d s: the connection is dropped and its "
                          "window retried",
                          b->op->response_timeout_s);
            return;
        }
}

static void enquire_link(se_bind *b, uint64_t now, uint64_t timeout)
{
    if (b->el_seq && now - b->el_sent_ms > timeout) {
        se_bind_close(b, "no enquire_link_resp within %d s", b->op->response_timeout_s);
        return;
    }
    if (b->el_seq || now - b->el_sent_ms < (uint64_t)b->op->enquire_link_s * 1000) return;
    b->el_seq = next_seq(b);
    b->el_sent_ms = now;
    send_header(b, SE_ENQUIRE_LINK, 0, b->el_seq);
}

static void on_tick(uv_timer_t *t)
{
    se_bind *b = t->data;
    uint64_t now = uv_now(b->loop);
    uint64_t timeout = (uint64_t)b->op->response_timeout_s * 1000;
    if ((b->st == SE_BIND_BINDING || b->st == SE_BIND_UNBINDING) && now - b->state_ms > timeout) {
        se_bind_close(b, "no %s response within %d s", b->st == SE_BIND_BINDING ? "bind" : "unbind",
                      b->op->response_timeout_s);
        return;
    }
    if (b->st != SE_BIND_BOUND && b->st != SE_BIND_UNBINDING) return;
    rate_tick(b, now);
    expire_window(b, now);
    if (b->c) enquire_link(b, now, timeout);
}

/* ---- room and submits ---- */

static void on_rate(uv_timer_t *t)
{
    se_bind *b = t->data;
    if (b->ops.room_cb) b->ops.room_cb(b, b->ops.arg);
}

int se_bind_window_room(const se_bind *b)
{
    if (b->st != SE_BIND_BOUND || b->stopping || b->role == SE_ROLE_RX) return 0;
    return b->cfg->window - b->win_used;
}

int se_bind_readahead(const se_bind *b)
{
    if (b->st != SE_BIND_BOUND || b->stopping || b->role == SE_ROLE_RX) return 0;
    double rate = se_rate_in_force(&b->rate);
    if (rate <= 0 || rate >= b->cfg->window) return b->cfg->window;
    return rate < 1 ? 1 : (int)rate;
}

int se_bind_in_window(const se_bind *b)
{
    return b->win_used;
}

static int rate_room(se_bind *b)
{
    int room = se_rate_room(&b->rate, uv_now(b->loop), b->cfg->window);
    if (!room && !uv_is_active((uv_handle_t *)&b->rate_timer))
        uv_timer_start(&b->rate_timer, on_rate, se_rate_wait_ms(&b->rate), 0);
    return room;
}

int se_bind_room(se_bind *b)
{
    int room = se_bind_window_room(b);
    if (room <= 0) return 0;
    int rate = rate_room(b);
    return rate < room ? rate : room;
}

int se_bind_submit(se_bind *b, uint64_t job_id, size_t part, const se_submit *s)
{
    if (se_bind_room(b) <= 0) return -EAGAIN;
    win_entry *e = NULL;
    for (int i = 0; !e && i < b->cfg->window; i++)
        if (!b->win[i].seq) e = &b->win[i];
    if (!e) return -EAGAIN;
    uint8_t buf[SE_PACK_MAX];
    uint32_t seq = next_seq(b);
    int len = se_pack_submit(buf, sizeof buf, seq, s);
    if (len < 0) return -EINVAL;
    *e = (win_entry){seq, job_id, part,
                     uv_now(b->loop) + (uint64_t)b->op->response_timeout_s * 1000};
    b->win_used++;
    b->submits++;
    se_rate_sent(&b->rate, uv_now(b->loop));
    send_pdu(b, buf, (size_t)len); /* on failure the close returns the entry as LOST */
    return 0;
}

int se_bind_deliver_resp(se_bind *b, uint64_t conn_gen, uint32_t seq, uint32_t status)
{
    uint8_t buf[SE_PDU_HEADER_LEN + 1];
    if (!b->c || conn_gen != b->gen) return -ESTALE;
    int len = se_pack_deliver_sm_resp(buf, sizeof buf, status, seq);
    return send_pdu(b, buf, (size_t)len);
}

/* ---- life cycle ---- */

int se_bind_create(uv_loop_t *loop, const cm_config_operator *op, const cm_config_bind *cfg,
                   enum se_bind_role role, int index, const se_bind_ops *ops, se_bind **out)
{
    static const char *ROLE[] = {"trx", "tx", "rx"};
    se_bind *b = calloc(1, sizeof *b);
    if (b) {
        b->rbuf = malloc(SE_PDU_MAX_LEN);
        b->win = calloc(cfg->window > 0 ? (size_t)cfg->window : 1, sizeof *b->win);
    }
    if (!b || !b->rbuf || !b->win) {
        if (b) {
            free(b->rbuf);
            free(b->win);
        }
        free(b);
        return -ENOMEM;
    }
    b->loop = loop;
    b->op = op;
    b->cfg = cfg;
    b->role = role;
    b->ops = *ops;
    b->backoff_ms = BACKOFF_MIN_MS;
    se_rate_init(&b->rate, cfg->max_rate, uv_now(loop));
    b->rand_seed = (unsigned)uv_hrtime() ^ (unsigned)(uintptr_t)b;
    snprintf(b->name, sizeof b->name, "%s/%s:%d#%d/%s", op->name, cfg->host, cfg->port, index,
             ROLE[role]);
    uv_timer_t *timers[] = {&b->retry_timer, &b->tick_timer, &b->rate_timer};
    for (int i = 0; i < 3; i++) {
        uv_timer_init(loop, timers[i]);
        timers[i]->data = b;
    }
    uv_idle_init(loop, &b->flush_idle);
    b->flush_idle.data = b;
    b->open_handles = 4;
    b->gai.data = b;
    *out = b;
    return 0;
}

void se_bind_start(se_bind *b)
{
    uv_timer_start(&b->tick_timer, on_tick, TICK_MS, TICK_MS);
    connect_now(b);
}

void se_bind_stop(se_bind *b)
{
    if (b->stopping) return;
    b->stopping = 1;
    switch (b->st) {
    case SE_BIND_IDLE:
        uv_timer_stop(&b->retry_timer);
        enter(b, SE_BIND_STOPPED, NULL);
        break;
    case SE_BIND_RESOLVING:
        uv_cancel((uv_req_t *)&b->gai); /* on_resolved sees `stopping` */
        break;
    case SE_BIND_CONNECTING:
    case SE_BIND_BINDING:
        se_bind_close(b, "stopping");
        break;
    case SE_BIND_BOUND:
        b->unbind_seq = next_seq(b);
        enter(b, SE_BIND_UNBINDING, NULL);
        send_header(b, SE_UNBIND, 0, b->unbind_seq);
        break;
    default:
        break; /* UNBINDING, CLOSING: on the way to STOPPED */
    }
}

static void free_after_close(uv_handle_t *h)
{
    se_bind *b = h->data;
    if (--b->open_handles) return;
    free(b->rbuf);
    free(b->win);
    free(b);
}

void se_bind_free(se_bind *b)
{
    if (!b) return;
    uv_close((uv_handle_t *)&b->retry_timer, free_after_close);
    uv_close((uv_handle_t *)&b->tick_timer, free_after_close);
    uv_close((uv_handle_t *)&b->rate_timer, free_after_close);
    uv_close((uv_handle_t *)&b->flush_idle, free_after_close);
}

enum se_bind_state se_bind_state(const se_bind *b)
{
    return b->st;
}

const char *se_bind_name(const se_bind *b)
{
    return b->name;
}

void se_bind_get_stats(const se_bind *b, se_bind_stats *out)
{
    *out = (se_bind_stats){.submits = b->submits,
                           .throttled = b->throttled,
                           .lost = b->lost_in_flight,
                           .window_used = b->win_used,
                           .window_size = b->role == SE_ROLE_RX ? 0 : b->cfg->window,
                           .rate_limit = b->rate.limit};
}
