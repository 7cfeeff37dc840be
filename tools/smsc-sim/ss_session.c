/* ss_session: one SMPP connection: framing, state machine, dispatch (see ss_session.h). */
#include "ss_session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_pdu.h"
#include "ss_submit.h"
#include "ss_text.h"

#define IN_INITIAL 16384
#define PAUSE_ABOVE (4u << 20)  /* stop reading while this much output is queued */
#define RESUME_BELOW (1u << 20) /* and read again below this */

struct write_req {
    uv_write_t req;
    size_t len, cap;
    uint8_t data[];
};

#define OUT_CHUNK 16384u

static const char *state_name(enum ss_state st)
{
    static const char *const names[] = {"open", "bound_tx", "bound_rx", "bound_trx", "closing"};
    return names[st];
}

/* The only place a session changes state. */
static void enter_state(struct ss_session *s, enum ss_state st, const char *why)
{
    char sys[72];

    ss_text_token(s->system_id, sys, sizeof sys);
    ss_log_line(s->srv->log, SS_LOG_EVENT, "STATE sess=%llu %s->%s system_id=%s (%s)",
                (unsigned long long)s->id, state_name(s->state), state_name(st), sys, why);
    s->state = st;
}

bool ss_session_can_submit(const struct ss_session *s)
{
    return s->state == SS_BOUND_TX || s->state == SS_BOUND_TRX;
}

bool ss_session_can_receive(const struct ss_session *s)
{
    return s->state == SS_BOUND_RX || s->state == SS_BOUND_TRX;
}

uint32_t ss_session_next_seq(struct ss_session *s)
{
    uint32_t seq = s->next_seq++;

    if (s->next_seq > 0x7FFFFFFFu) s->next_seq = 1;
    return seq;
}

/* ---- lifetime ---------------------------------------------------------------------- */

/* Unlinks the awaiting receipt answered by deliver_sm_resp `seq` (answers come in
 * order, so it is at or near the head); NULL if none. */
static struct ss_dlr *take_awaiting(struct ss_session *s, uint32_t seq)
{
    struct ss_dlr **pp = &s->awaiting, *prev = NULL;

    for (; *pp && (*pp)->seq != seq; prev = *pp, pp = &(*pp)->next)
        ;
    struct ss_dlr *d = *pp;
    if (!d) return NULL;
    *pp = d->next;
    if (s->awaiting_tail == d) s->awaiting_tail = prev;
    s->n_awaiting--;
    return d;
}

void ss_session_receipt_sent(struct ss_session *s, const struct ss_dlr *d)
{
    struct ss_dlr *c = malloc(sizeof *c);

    if (!c) return;
    *c = *d;
    c->next = NULL;
    *(s->awaiting_tail ? &s->awaiting_tail->next : &s->awaiting) = c;
    s->awaiting_tail = c;
    if (++s->n_awaiting > SS_DLR_MAX_HELD) free(take_awaiting(s, s->awaiting->seq));
}

static void retry_receipt(struct ss_session *s, struct ss_dlr *d)
{
    if (!s->srv->stopping && ss_dlr_queue_push(&s->srv->retries, d) < 0)
        ss_log_line(s->srv->log, SS_LOG_WARN, "WARN receipt for %s dropped: out of memory",
                    d->msg_id);
    free(d);
}

static void on_closed(uv_handle_t *h)
{
    struct ss_session *s = h->data;

    while (s->awaiting) /* unanswered: offered again, on this system_id's next receiver */
        retry_receipt(s, take_awaiting(s, s->awaiting->seq));
    if (s->prev)
        s->prev->next = s->next;
    else
        s->srv->sessions = s->next;
    if (s->next) s->next->prev = s->prev;
    free(s->in);
    free(s->out);
    free(s);
}

static void on_written(uv_write_t *req, int status);

/* Hands the PDUs sent since the last flush to libuv, which writes at once when nothing
 * is queued (so a reply flushed just before a close still leaves). */
static int write_out(struct ss_session *s)
{
    struct write_req *w = s->out;
    uv_buf_t buf;
    int rc;

    if (!w) return 0;
    s->out = NULL;
    buf = uv_buf_init((char *)w->data, (unsigned)w->len);
    rc = uv_write(&w->req, (uv_stream_t *)&s->tcp, &buf, 1, on_written);
    if (rc < 0) free(w);
    return rc;
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    struct ss_session *s = req->handle->data;

    free(req);
    if (!uv_is_closing((uv_handle_t *)&s->tcp)) uv_close((uv_handle_t *)&s->tcp, on_closed);
}

void ss_session_close(struct ss_session *s, const char *reason, bool graceful)
{
    uv_shutdown_t *req;

    if (s->state == SS_CLOSING) {
        /* a graceful close still flushing: forced when asked (shutdown, write error) */
        if (!graceful && !uv_is_closing((uv_handle_t *)&s->tcp))
            uv_close((uv_handle_t *)&s->tcp, on_closed);
        return;
    }
    write_out(s); /* what was sent before the close still leaves */
    enter_state(s, SS_CLOSING, reason);
    uv_read_stop((uv_stream_t *)&s->tcp);
    if (graceful && (req = malloc(sizeof *req)) != NULL) {
        if (uv_shutdown(req, (uv_stream_t *)&s->tcp, on_shutdown) == 0) return;
        free(req);
    }
    uv_close((uv_handle_t *)&s->tcp, on_closed);
}

/* ---- output ------------------------------------------------------------------------ */

static void resume_reading(struct ss_session *s);

static void on_written(uv_write_t *req, int status)
{
    struct ss_session *s = req->handle->data;

    free(req);
    if (status < 0) {
        if (status != UV_ECANCELED) ss_session_close(s, uv_strerror(status), false);
        return;
    }
    if (s->paused && s->tcp.write_queue_size < RESUME_BELOW) resume_reading(s);
}

int ss_session_flush(struct ss_session *s)
{
    int rc = write_out(s);

    if (rc < 0) ss_session_close(s, uv_strerror(rc), false);
    return rc;
}

int ss_session_send(struct ss_session *s, const uint8_t *data, size_t len)
{
    struct write_req *w = s->out;
    int rc;

    if (s->state == SS_CLOSING && uv_is_closing((uv_handle_t *)&s->tcp)) return -ENOTCONN;
    if (w && w->len + len > w->cap) {
        if ((rc = ss_session_flush(s)) < 0) return rc;
        w = NULL;
    }
    if (!w) {
        size_t cap = len > OUT_CHUNK ? len : OUT_CHUNK;
        if (!(w = malloc(sizeof *w + cap))) return -ENOMEM;
        w->len = 0;
        w->cap = cap;
        s->out = w;
        ss_server_wants_flush(s->srv);
    }
    memcpy(w->data + w->len, data, len);
    w->len += len;
    return 0;
}

static void send_header_only(struct ss_session *s, uint32_t cmd, uint32_t status, uint32_t seq)
{
    uint8_t out[SS_PDU_HEADER_LEN];

    ss_session_send(s, out, ss_pdu_header_only(out, cmd, status, seq));
}

/* ---- handlers ---------------------------------------------------------------------- */

struct bind_fields {
    const char *system_id, *password;
    uint32_t resp_id;
    enum ss_state state;
};

union bind_pdu {
    bind_transmitter_t tx;
    bind_receiver_t rx;
    bind_transceiver_t trx;
};

static struct bind_fields bind_fields(uint32_t cmd, const union bind_pdu *b)
{
    switch (cmd) {
    case BIND_TRANSMITTER:
        return (struct bind_fields){(const char *)b->tx.system_id, (const char *)b->tx.password,
                                    BIND_TRANSMITTER_RESP, SS_BOUND_TX};
    case BIND_RECEIVER:
        return (struct bind_fields){(const char *)b->rx.system_id, (const char *)b->rx.password,
                                    BIND_RECEIVER_RESP, SS_BOUND_RX};
    default:
        return (struct bind_fields){(const char *)b->trx.system_id, (const char *)b->trx.password,
                                    BIND_TRANSCEIVER_RESP, SS_BOUND_TRX};
    }
}

static const char *bind_type_name(uint32_t cmd)
{
    return cmd == BIND_TRANSMITTER ? "transmitter"
           : cmd == BIND_RECEIVER  ? "receiver"
                                   : "transceiver";
}

static uint32_t bind_resp_id(uint32_t cmd)
{
    return cmd | 0x80000000u;
}

static void send_bind_resp(struct ss_session *s, uint32_t cmd, uint32_t status, uint32_t seq)
{
    /* the three bind_*_resp structs have the same layout; pack picks by command id */
    bind_transceiver_resp_t r;
    uint8_t out[SS_PDU_OUT_MAX];
    size_t len;

    memset(&r, 0, sizeof r);
    r.command_id = bind_resp_id(cmd);
    r.command_status = status;
    r.sequence_number = seq;
    strcpy((char *)r.system_id, "SMSGWSIM");
    if (ss_pdu_pack(r.command_id, &r, out, sizeof out, &len) == 0)
        ss_session_send(s, out, len);
    else
        send_header_only(s, GENERIC_NACK, ESME_RSYSERR, seq);
}

static uint32_t check_credentials(const struct ss_opts *o, const struct bind_fields *f)
{
    if (!o->system_id) return ESME_ROK;
    if (strcmp(o->system_id, f->system_id) != 0) return ESME_RINVSYSID;
    if (o->password && strcmp(o->password, f->password) != 0) return ESME_RINVPASWD;
    return ESME_ROK;
}

/* Answers a bind whose body failed validation. */
static void reply_bind_invalid(struct ss_session *s, struct ss_pdu_view *v, uint32_t status)
{
    if (v->seq == 0 || v->seq > 0x7FFFFFFFu)
        send_header_only(s, GENERIC_NACK, ESME_RINVCMDLEN, v->seq);
    else
        send_bind_resp(s, v->command_id, status, v->seq);
}

static void on_bind(struct ss_session *s, struct ss_pdu_view *v)
{
    union bind_pdu b;
    struct bind_fields f;
    uint32_t status;
    char sys[72];

    if (s->state != SS_OPEN) {
        send_bind_resp(s, v->command_id, ESME_RALYBND, v->seq);
        return;
    }
    if (ss_pdu_validate(v, &status) < 0) {
        reply_bind_invalid(s, v, status);
        return;
    }
    memset(&b, 0, sizeof b);
    if (ss_pdu_unpack(v, &b) < 0) {
        send_bind_resp(s, v->command_id, ESME_RBINDFAIL, v->seq);
        return;
    }
    f = bind_fields(v->command_id, &b);
    status = check_credentials(s->srv->opts, &f);
    send_bind_resp(s, v->command_id, status, v->seq);
    ss_text_token(f.system_id, sys, sizeof sys);
    ss_log_line(s->srv->log, SS_LOG_EVENT,
                "BIND sess=%llu type=%s system_id=%s peer=%s status=0x%08X",
                (unsigned long long)s->id, bind_type_name(v->command_id), sys, s->peer, status);
    if (status != ESME_ROK) return;
    snprintf(s->system_id, sizeof s->system_id, "%s", f.system_id);
    enter_state(s, f.state, "bound");
    if (ss_session_can_receive(s)) ss_server_receiver_bound(s->srv, s->system_id);
}

static void on_submit(struct ss_session *s, struct ss_pdu_view *v)
{
    ss_submit_handle(s, v);
}

static void on_enquire_link(struct ss_session *s, struct ss_pdu_view *v)
{
    send_header_only(s, ENQUIRE_LINK_RESP, ESME_ROK, v->seq);
}

static void on_unbind(struct ss_session *s, struct ss_pdu_view *v)
{
    send_header_only(s, UNBIND_RESP, ESME_ROK, v->seq);
    ss_session_close(s, "unbind", true);
}

static void on_unbind_resp(struct ss_session *s, struct ss_pdu_view *v)
{
    ss_session_close(s, "unbind_resp", false);
}

static void on_response(struct ss_session *s, struct ss_pdu_view *v)
{
    char name[16];

    if (v->status != ESME_ROK)
        ss_log_line(s->srv->log, SS_LOG_WARN, "WARN sess=%llu %s seq=%u status=0x%08X",
                    (unsigned long long)s->id, ss_pdu_command_name(v->command_id, name), v->seq,
                    v->status);
}

static void on_deliver_resp(struct ss_session *s, struct ss_pdu_view *v)
{
    struct ss_dlr *d = take_awaiting(s, v->seq);

    on_response(s, v);
    if (!d) return;
    if (v->status == ESME_ROK) {
        free(d);
        return;
    }
    ss_log_line(s->srv->log, SS_LOG_TRAFFIC, "RETRY receipt id=%s in %u ms", d->msg_id,
                SS_DLR_RETRY_MS);
    retry_receipt(s, d);
}

typedef void (*handler_fn)(struct ss_session *s, struct ss_pdu_view *v);

static const struct {
    uint32_t command_id;
    handler_fn fn;
} handlers[] = {
    {BIND_TRANSMITTER, on_bind},      {BIND_RECEIVER, on_bind},
    {BIND_TRANSCEIVER, on_bind},      {SUBMIT_SM, on_submit},
    {ENQUIRE_LINK, on_enquire_link},  {UNBIND, on_unbind},
    {UNBIND_RESP, on_unbind_resp},    {DELIVER_SM_RESP, on_deliver_resp},
    {ENQUIRE_LINK_RESP, on_response}, {GENERIC_NACK, on_response},
};

static void dispatch(struct ss_session *s, struct ss_pdu_view *v)
{
    char name[16];

    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++) {
        if (handlers[i].command_id == v->command_id) {
            handlers[i].fn(s, v);
            return;
        }
    }
    ss_log_line(s->srv->log, SS_LOG_WARN, "WARN sess=%llu unexpected %s seq=%u",
                (unsigned long long)s->id, ss_pdu_command_name(v->command_id, name), v->seq);
    if (!(v->command_id & 0x80000000u)) send_header_only(s, GENERIC_NACK, ESME_RINVCMDID, v->seq);
}

/* ---- input ------------------------------------------------------------------------- */

static int reserve(struct ss_session *s, size_t need)
{
    size_t cap = s->in_cap ? s->in_cap : IN_INITIAL;
    uint8_t *p;

    if (s->in_cap >= need) return 0;
    while (cap < need)
        cap *= 2;
    p = realloc(s->in, cap);
    if (!p) return -ENOMEM;
    s->in = p;
    s->in_cap = cap;
    return 0;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct ss_session *s = h->data;

    if (s->in_cap - s->in_len < 4096 && reserve(s, s->in_len + 4096) < 0) {
        *buf = uv_buf_init(NULL, 0); /* libuv reports UV_ENOBUFS */
        return;
    }
    *buf = uv_buf_init((char *)s->in + s->in_len, (unsigned)(s->in_cap - s->in_len));
}

/* Dispatches every complete PDU in s->in; keeps the partial one. */
static void consume(struct ss_session *s)
{
    size_t off = 0;
    struct ss_pdu_view v;

    while (s->state != SS_CLOSING && s->in_len - off >= SS_PDU_HEADER_LEN) {
        if (ss_pdu_header(s->in + off, &v) < 0) {
            ss_log_line(s->srv->log, SS_LOG_WARN, "WARN sess=%llu command_length %u refused",
                        (unsigned long long)s->id, v.length);
            ss_session_close(s, "bad command_length", false);
            return;
        }
        if (s->in_len - off < v.length) break;
        v.raw = s->in + off;
        dispatch(s, &v);
        off += v.length;
    }
    if (off > 0 && s->state != SS_CLOSING) {
        memmove(s->in, s->in + off, s->in_len - off);
        s->in_len -= off;
    }
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
    struct ss_session *s = st->data;

    if (n < 0) {
        ss_session_close(s, n == UV_EOF ? "peer closed" : uv_strerror((int)n), false);
        return;
    }
    s->in_len += (size_t)n;
    consume(s);
    if (s->state != SS_CLOSING && ss_session_flush(s) < 0) return;
    if (s->state != SS_CLOSING && s->tcp.write_queue_size > PAUSE_ABOVE) {
        uv_read_stop(st);
        s->paused = true;
    }
}

static void resume_reading(struct ss_session *s)
{
    s->paused = false;
    if (s->state != SS_CLOSING) uv_read_start((uv_stream_t *)&s->tcp, on_alloc, on_read);
}

static void describe_peer(struct ss_session *s)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    char host[48] = "?";
    int port = 0;

    if (uv_tcp_getpeername(&s->tcp, (struct sockaddr *)&ss, &len) == 0) {
        if (ss.ss_family == AF_INET6) {
            uv_ip6_name((struct sockaddr_in6 *)&ss, host, sizeof host);
            port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        } else {
            uv_ip4_name((struct sockaddr_in *)&ss, host, sizeof host);
            port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        }
    }
    snprintf(s->peer, sizeof s->peer, "%s:%d", host, port);
}

int ss_session_accept(struct ss_server *srv)
{
    struct ss_session *s = calloc(1, sizeof *s);
    int rc;

    if (!s) return UV_ENOMEM;
    s->srv = srv;
    s->id = srv->next_session_id++;
    s->next_seq = 1;
    rc = uv_tcp_init(srv->loop, &s->tcp);
    if (rc < 0) {
        free(s);
        return rc;
    }
    s->tcp.data = s;
    s->next = srv->sessions; /* linked first: on_closed unlinks on every path */
    if (s->next) s->next->prev = s;
    srv->sessions = s;
    rc = uv_accept((uv_stream_t *)&srv->listener, (uv_stream_t *)&s->tcp);
    if (rc == 0) rc = uv_tcp_nodelay(&s->tcp, 1);
    if (rc == 0) rc = uv_read_start((uv_stream_t *)&s->tcp, on_alloc, on_read);
    if (rc < 0) {
        uv_close((uv_handle_t *)&s->tcp, on_closed);
        return rc;
    }
    srv->n_sessions++;
    describe_peer(s);
    ss_log_line(srv->log, SS_LOG_EVENT, "CONNECT sess=%llu peer=%s", (unsigned long long)s->id,
                s->peer);
    return 0;
}
