/* si_server: see si_server.h. Reads go to one shared buffer and are processed at once
 * (si_session_input keeps what it cannot use); replies of one batch go out in one
 * uv_write. Reading stops while a session closes, when the client does not read its
 * replies (write queue over SI_WRITE_QUEUE_MAX), and while the router is asked once
 * SI_WAIT_INPUT_MAX bytes of pipelined input are waiting. */
#include "si_server.h"
#include "cm_log.h"
#include "si_smtp_session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define SI_READ_SIZE 65536
#define SI_WRITE_QUEUE_MAX (256 * 1024)
#define SI_CLOSE_TIMEOUT_MS 10000
#define SI_WAIT_INPUT_MAX 4096

typedef struct {
    uv_write_t req;
    char *buf;
} write_req;

static void closed_cb(uv_handle_t *h)
{
    si_session *s = h->data;
    if (--s->open_handles == 0) si_session_free(s);
}

static void close_handles(si_session *s)
{
    if (s->handles_closing) return;
    s->handles_closing = 1;
    uv_close((uv_handle_t *)&s->tcp, closed_cb);
    uv_close((uv_handle_t *)&s->idle, closed_cb);
}

static void shutdown_cb(uv_shutdown_t *req, int status)
{
    close_handles(req->data);
}

static void write_cb(uv_write_t *req, int status)
{
    write_req *w = (write_req *)req;
    si_session *s = req->handle->data;
    free(w->buf);
    free(w);
    if (status < 0 && status != UV_ECANCELED) {
        cm_debug("s%lu: write failed: %s", s->sid, uv_strerror(status));
        si_session_enter(s, SI_ST_CLOSING);
        close_handles(s);
        return;
    }
    if (status == 0) si_conn_update_reading(s);
}

/* The bytes to put on the wire: the queued replies, or with TLS their encryption
 * plus what the handshake wants sent. NULL when there is nothing (or TLS failed:
 * *failed is set). */
static char *wire_bytes(si_session *s, size_t *len, int *failed)
{
    char *buf = s->out.p;
    *len = s->out.len;
    *failed = 0;
    if (s->tls) {
        *failed = si_tls_write(s->tls, s->out.p, s->out.len) < 0;
        free(s->out.p);
        buf = *failed ? NULL : (char *)si_tls_take(s->tls, len);
    }
    memset(&s->out, 0, sizeof s->out);
    if (buf && *len) return buf;
    free(buf);
    return NULL;
}

/* Writes at once what the socket takes (uv_try_write: no request, and no epoll_ctl
 * that libuv makes after each queued write); queues the rest behind what is queued. */
void si_conn_flush(si_session *s)
{
    size_t len, done = 0;
    int failed;
    if (s->handles_closing || (!s->out.len && !s->tls)) return;
    char *buf = wire_bytes(s, &len, &failed);
    uv_buf_t b = uv_buf_init(buf, (unsigned)len);
    int n = buf ? uv_try_write((uv_stream_t *)&s->tcp, &b, 1) : 0;
    if (n > 0) done = (size_t)n;
    if (buf && done == len) {
        free(buf);
        return;
    }
    write_req *w = buf ? malloc(sizeof *w) : NULL;
    if (!w) {
        if (failed || buf) close_handles(s);
        free(buf);
        return;
    }
    w->buf = buf;
    b = uv_buf_init(w->buf + done, (unsigned)(len - done));
    int rc = uv_write(&w->req, (uv_stream_t *)&s->tcp, &b, 1, write_cb);
    if (rc < 0) {
        free(w->buf);
        free(w);
        close_handles(s);
    }
}

static void timer_cb(uv_timer_t *t)
{
    si_session *s = t->data;
    enum si_timer kind = s->timer;
    s->timer = SI_T_NONE;
    if (s->close_started) { /* the client does not read what we send: give up */
        close_handles(s);
    } else if (kind == SI_T_GREET) {
        si_conn_greet(s);
    } else if (kind == SI_T_DELAY) {
        s->delaying = 0;
        si_session_input(s, NULL, 0); /* sends the held replies, goes on with the input */
    } else if (kind == SI_T_CHECK) {
        si_check_timeout(s);
    } else if (kind == SI_T_DATA) {
        cm_info("s%lu: %s: DATA deadline passed after %zu octets in %llu ms (from %s)", s->sid,
                s->id, s->data.len, (unsigned long long)(uv_now(s->ctx->loop) - s->data_start),
                s->client_ip);
        si_metrics_refused(&s->ctx->metrics, "data_timeout");
        si_session_reset(s);
        si_session_abort(s, 421, "4.4.2",
                         "timeout exceeded while receiving data, closing connection");
    } else {
        cm_info("s%lu: command time-out (%s) from %s", s->sid, si_state_name(s->state),
                s->client_ip);
        si_session_abort(s, 421, "4.4.2", "timeout exceeded, closing connection");
    }
}

static void timer_start(si_session *s, enum si_timer kind, uint64_t ms)
{
    s->timer = kind;
    uv_timer_start(&s->idle, timer_cb, ms, 0);
}

void si_conn_arm(si_session *s)
{
    const si_limits *l = &s->ctx->lim;
    uint64_t now = uv_now(s->ctx->loop);
    if (s->close_started || s->handles_closing || !s->greeted) return;
    if (s->delaying) {
        if (s->timer != SI_T_DELAY) timer_start(s, SI_T_DELAY, l->error_delay_ms);
    } else if (s->state == SI_ST_WAIT_ROUTER) { /* the router request has its own */
        uv_timer_stop(&s->idle);
        s->timer = SI_T_NONE;
    } else if (s->state == SI_ST_CHECKING) {
        if (s->timer != SI_T_CHECK) timer_start(s, SI_T_CHECK, s->ctx->auth_check_timeout_ms);
    } else if (s->state == SI_ST_DATA) {
        timer_start(s, SI_T_DATA, s->data_deadline > now ? s->data_deadline - now : 0);
    } else if (s->timer != SI_T_COMMAND || s->n_cmds != s->n_cmds_armed) {
        s->n_cmds_armed = s->n_cmds;
        timer_start(s, SI_T_COMMAND, l->command_timeout_ms);
    }
}

void si_conn_close(si_session *s)
{
    if (s->close_started) return;
    s->close_started = 1;
    si_conn_update_reading(s);
    si_conn_flush(s);
    timer_start(s, SI_T_CLOSE, SI_CLOSE_TIMEOUT_MS);
    s->shutdown.data = s;
    if (s->handles_closing || uv_shutdown(&s->shutdown, (uv_stream_t *)&s->tcp, shutdown_cb) < 0)
        close_handles(s);
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    si_session *s = h->data;
    *buf = uv_buf_init(s->ctx->read_buf, SI_READ_SIZE);
}

int si_conn_starttls(si_session *s)
{
    si_conn_flush(s); /* the 220 goes out in plaintext */
    s->tls = si_tls_new(s->ctx->ssl_ctx);
    return s->tls ? 0 : -ENOMEM;
}

static void on_plain(void *arg, const uint8_t *p, size_t n)
{
    si_session_input(arg, p, n);
}

/* Ciphertext from the socket: the handshake, then the decrypted commands. */
static void tls_input(si_session *s, const uint8_t *p, size_t n)
{
    char desc[128];
    int rc = si_tls_feed(s->tls, p, n, on_plain, s);
    if (!s->tls_logged && si_tls_done(s->tls)) {
        s->tls_logged = 1;
        si_metrics_tls(&s->ctx->metrics);
        cm_info("s%lu: TLS with %s: %s", s->sid, s->client_ip,
                si_tls_describe(s->tls, desc, sizeof desc));
    }
    if (rc == -EPROTO) cm_warn("s%lu: TLS with %s: %s", s->sid, s->client_ip, si_tls_error(s->tls));
    if (rc < 0) {
        si_session_enter(s, SI_ST_CLOSING);
        si_conn_close(s); /* sends the alert, if any */
        return;
    }
    si_conn_flush(s);
}

static void read_cb(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    si_session *s = stream->data;
    if (nread > 0 && s->tls) {
        tls_input(s, (const uint8_t *)buf->base, (size_t)nread);
    } else if (nread > 0) {
        si_session_input(s, (const uint8_t *)buf->base, (size_t)nread);
    } else if (nread < 0) {
        cm_debug("s%lu: %s", s->sid, nread == UV_EOF ? "client closed" : uv_strerror(nread));
        si_session_enter(s, SI_ST_CLOSING);
        si_conn_close(s);
    }
}

void si_conn_update_reading(si_session *s)
{
    /* While the router is asked, a little is still read so that a client that hangs up
     * is noticed (its submission is then cancelled); pipelined commands wait in s->in. */
    int want = s->greeted && !s->delaying && !s->close_started && s->state != SI_ST_CLOSING &&
               (!si_session_waiting(s) || s->in_len < SI_WAIT_INPUT_MAX) &&
               uv_stream_get_write_queue_size((uv_stream_t *)&s->tcp) < SI_WRITE_QUEUE_MAX;
    if (want && !s->reading)
        s->reading = uv_read_start((uv_stream_t *)&s->tcp, alloc_cb, read_cb) == 0;
    else if (!want && s->reading && !s->handles_closing) {
        uv_read_stop((uv_stream_t *)&s->tcp);
        s->reading = 0;
    }
}

static void peer_name(si_session *s)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    snprintf(s->client_ip, sizeof s->client_ip, "unknown");
    if (uv_tcp_getpeername(&s->tcp, (struct sockaddr *)&ss, &len) != 0) return;
    if (ss.ss_family == AF_INET6)
        uv_ip6_name((struct sockaddr_in6 *)&ss, s->client_ip, sizeof s->client_ip);
    else
        uv_ip4_name((struct sockaddr_in *)&ss, s->client_ip, sizeof s->client_ip);
}

/* Sessions in total and from this client's address (itself included); 1 = refused. */
static int too_many(si_session *s)
{
    const si_ctx *ctx = s->ctx;
    size_t same = 0;
    for (const si_session *o = ctx->sessions; o; o = o->next)
        same += strcmp(o->client_ip, s->client_ip) == 0;
    if (ctx->n_sessions <= ctx->lim.max_sessions && same <= ctx->lim.max_sessions_per_ip) return 0;
    int total = ctx->n_sessions > ctx->lim.max_sessions;
    si_metrics_refused(&s->ctx->metrics, total ? "sessions" : "sessions_per_ip");
    cm_warn("s%lu: too many sessions%s, refusing %s", s->sid, total ? "" : " from this address",
            s->client_ip);
    si_session_abort(s, 421, "4.7.0",
                     total ? "too many connections, try again later"
                           : "too many connections from your address, try again later");
    return 1;
}

static void on_connection(uv_stream_t *server, int status)
{
    si_ctx *ctx = server->data;
    si_session *s = status < 0 ? NULL : si_session_new(ctx);
    if (!s) {
        cm_warn("accept: %s", status < 0 ? uv_strerror(status) : "out of memory");
        return;
    }
    s->submission = server == (uv_stream_t *)&ctx->submission;
    uv_tcp_init(ctx->loop, &s->tcp);
    uv_timer_init(ctx->loop, &s->idle);
    s->tcp.data = s->idle.data = s;
    s->open_handles = 2;
    if (uv_accept(server, (uv_stream_t *)&s->tcp) < 0) {
        close_handles(s);
        return;
    }
    peer_name(s);
    si_metrics_session(&ctx->metrics, s->submission);
    if (too_many(s)) return;
    cm_info("s%lu: connection from %s", s->sid, s->client_ip);
    if (ctx->lim.greet_wait_ms) {
        timer_start(s, SI_T_GREET, ctx->lim.greet_wait_ms);
    } else {
        si_conn_greet(s);
    }
}

/* Postfix's "pregreet" test: a client that sends before the 220 is a bot or a
 * smuggler; what it sent is still in the socket, seen with MSG_PEEK. */
void si_conn_greet(si_session *s)
{
    uv_os_fd_t fd;
    char c;
    if (uv_fileno((uv_handle_t *)&s->tcp, &fd) == 0 &&
        recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 1) {
        cm_warn("s%lu: %s talked before the greeting, refused", s->sid, s->client_ip);
        si_metrics_refused(&s->ctx->metrics, "pregreet");
        si_session_abort(s, 554, "5.5.1", "protocol error: commands sent before the greeting");
        return;
    }
    s->greeted = 1;
    si_session_start(s);
    si_conn_arm(s);
    si_conn_update_reading(s);
}

/* "host:port" or "[v6]:port" -> socket address. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss)
{
    char host[256];
    const char *colon = strrchr(spec, ':');
    if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof host) return -EINVAL;
    int port = atoi(colon + 1);
    if (port <= 0 || port > 65535) return -EINVAL;
    size_t hl = (size_t)(colon - spec);
    if (spec[0] == '[' && spec[hl - 1] == ']')
        snprintf(host, sizeof host, "%.*s", (int)hl - 2, spec + 1);
    else
        snprintf(host, sizeof host, "%.*s", (int)hl, spec);
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)ss) == 0) return 0;
    return uv_ip6_addr(host, port, (struct sockaddr_in6 *)ss) == 0 ? 0 : -EINVAL;
}

static int listen_on(si_ctx *ctx, uv_tcp_t *l, int *listening, const char *spec)
{
    struct sockaddr_storage ss;
    int rc = parse_listen(spec, &ss);
    if (rc < 0) return rc;
    uv_tcp_init(ctx->loop, l);
    l->data = ctx;
    *listening = 1;
    rc = uv_tcp_bind(l, (struct sockaddr *)&ss, 0);
    return rc == 0 ? uv_listen((uv_stream_t *)l, 511, on_connection) : rc;
}

int si_server_start(si_ctx *ctx)
{
    if (!ctx->read_buf && !(ctx->read_buf = malloc(SI_READ_SIZE))) return -ENOMEM;
    int rc = listen_on(ctx, &ctx->listener, &ctx->listening, ctx->cfg->ingress.listen);
    const char *sub = ctx->cfg->ingress.submission_listen;
    if (rc == 0 && sub && *sub)
        rc = listen_on(ctx, &ctx->submission, &ctx->submission_listening, sub);
    return rc;
}

void si_server_stop(si_ctx *ctx)
{
    if (ctx->draining) return;
    ctx->draining = 1;
    if (ctx->listening) {
        uv_close((uv_handle_t *)&ctx->listener, NULL);
        ctx->listening = 0;
    }
    if (ctx->submission_listening) {
        uv_close((uv_handle_t *)&ctx->submission, NULL);
        ctx->submission_listening = 0;
    }
    cm_info("draining %zu session(s)", ctx->n_sessions);
    for (si_session *s = ctx->sessions; s; s = s->next)
        if (s->state != SI_ST_WAIT_ROUTER)
            si_session_abort(s, 421, "4.3.2", "service shutting down");
    if (ctx->n_sessions == 0 && ctx->on_drained) ctx->on_drained(ctx);
}
