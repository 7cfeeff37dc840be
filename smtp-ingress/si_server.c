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

#define SI_READ_SIZE 65536
#define SI_WRITE_QUEUE_MAX (256 * 1024)
#define SI_CLOSE_TIMEOUT_MS 10000
#define SI_WAIT_INPUT_MAX 4096
#define SI_MAX_SESSIONS 4000 /* beyond: 421 at once (fd and memory budget) */

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

void si_conn_flush(si_session *s)
{
    if (!s->out.len || s->handles_closing) return;
    write_req *w = malloc(sizeof *w);
    if (!w) {
        close_handles(s);
        return;
    }
    w->buf = s->out.p;
    uv_buf_t b = uv_buf_init(w->buf, (unsigned)s->out.len);
    memset(&s->out, 0, sizeof s->out);
    int rc = uv_write(&w->req, (uv_stream_t *)&s->tcp, &b, 1, write_cb);
    if (rc < 0) {
        free(w->buf);
        free(w);
        close_handles(s);
    }
}

static void idle_cb(uv_timer_t *t)
{
    si_session *s = t->data;
    if (s->close_started) { /* the client does not read what we send: give up */
        close_handles(s);
        return;
    }
    cm_info("s%lu: idle time-out (%s)", s->sid, si_state_name(s->state));
    si_session_abort(s, 421, "4.4.2", "idle time-out, closing connection");
}

void si_conn_idle_restart(si_session *s)
{
    if (!s->close_started) uv_timer_start(&s->idle, idle_cb, s->ctx->idle_timeout_ms, 0);
}

void si_conn_close(si_session *s)
{
    if (s->close_started) return;
    s->close_started = 1;
    si_conn_update_reading(s);
    si_conn_flush(s);
    uv_timer_start(&s->idle, idle_cb, SI_CLOSE_TIMEOUT_MS, 0);
    s->shutdown.data = s;
    if (s->handles_closing || uv_shutdown(&s->shutdown, (uv_stream_t *)&s->tcp, shutdown_cb) < 0)
        close_handles(s);
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    si_session *s = h->data;
    *buf = uv_buf_init(s->ctx->read_buf, SI_READ_SIZE);
}

static void read_cb(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    si_session *s = stream->data;
    if (nread > 0) {
        if (s->state != SI_ST_WAIT_ROUTER) si_conn_idle_restart(s);
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
    int want = !s->close_started && s->state != SI_ST_CLOSING &&
               (s->state != SI_ST_WAIT_ROUTER || s->in_len < SI_WAIT_INPUT_MAX) &&
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

static void on_connection(uv_stream_t *server, int status)
{
    si_ctx *ctx = server->data;
    si_session *s = status < 0 ? NULL : si_session_new(ctx);
    if (!s) {
        cm_warn("accept: %s", status < 0 ? uv_strerror(status) : "out of memory");
        return;
    }
    uv_tcp_init(ctx->loop, &s->tcp);
    uv_timer_init(ctx->loop, &s->idle);
    s->tcp.data = s->idle.data = s;
    s->open_handles = 2;
    if (uv_accept(server, (uv_stream_t *)&s->tcp) < 0) {
        close_handles(s);
        return;
    }
    peer_name(s);
    if (ctx->n_sessions > SI_MAX_SESSIONS) {
        cm_warn("s%lu: too many sessions, refusing %s", s->sid, s->client_ip);
        si_session_abort(s, 421, "4.7.0", "too many connections, try again later");
        return;
    }
    cm_info("s%lu: connection from %s", s->sid, s->client_ip);
    si_session_start(s);
    si_conn_idle_restart(s);
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

int si_server_start(si_ctx *ctx)
{
    struct sockaddr_storage ss;
    int rc = parse_listen(ctx->cfg->ingress.listen, &ss);
    if (rc < 0) return rc;
    if (!ctx->read_buf && !(ctx->read_buf = malloc(SI_READ_SIZE))) return -ENOMEM;
    uv_tcp_init(ctx->loop, &ctx->listener);
    ctx->listener.data = ctx;
    ctx->listening = 1;
    rc = uv_tcp_bind(&ctx->listener, (struct sockaddr *)&ss, 0);
    if (rc == 0) rc = uv_listen((uv_stream_t *)&ctx->listener, 511, on_connection);
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
    cm_info("draining %zu session(s)", ctx->n_sessions);
    for (si_session *s = ctx->sessions; s; s = s->next)
        if (s->state != SI_ST_WAIT_ROUTER)
            si_session_abort(s, 421, "4.3.2", "service shutting down");
    if (ctx->n_sessions == 0 && ctx->on_drained) ctx->on_drained(ctx);
}
