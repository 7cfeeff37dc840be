/* ss_server: listener, session registry, message ids (see ss_server.h). */
#include "ss_server.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ss_session.h"
#include "ss_submit.h"

static void on_connection(uv_stream_t *listener, int status)
{
    struct ss_server *srv = listener->data;
    int rc;

    if (status < 0) {
        ss_log_line(srv->log, SS_LOG_WARN, "WARN accept failed: %s", uv_strerror(status));
        return;
    }
    rc = ss_session_accept(srv);
    if (rc < 0)
        ss_log_line(srv->log, SS_LOG_WARN, "WARN cannot accept session: %s", uv_strerror(rc));
}

static int resolve(const struct ss_opts *o, struct sockaddr_storage *ss)
{
    if (strchr(o->listen_host, ':'))
        return uv_ip6_addr(o->listen_host, o->listen_port, (struct sockaddr_in6 *)ss);
    return uv_ip4_addr(o->listen_host, o->listen_port, (struct sockaddr_in *)ss);
}

static int bound_port(uv_tcp_t *tcp, int *port)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    int rc = uv_tcp_getsockname(tcp, (struct sockaddr *)&ss, &len);

    if (rc < 0) return rc;
    if (ss.ss_family == AF_INET6)
        *port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    else
        *port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return 0;
}

static int listen_on(struct ss_server *srv, int *port)
{
    struct sockaddr_storage ss;
    int rc = resolve(srv->opts, &ss);

    if (rc < 0) return rc;
    rc = uv_tcp_init(srv->loop, &srv->listener);
    if (rc < 0) return rc;
    srv->listener.data = srv;
    rc = uv_tcp_bind(&srv->listener, (const struct sockaddr *)&ss, 0);
    if (rc == 0) rc = uv_listen((uv_stream_t *)&srv->listener, 511, on_connection);
    if (rc == 0) rc = bound_port(&srv->listener, port);
    if (rc < 0) uv_close((uv_handle_t *)&srv->listener, NULL);
    return rc;
}

static void on_stats(uv_timer_t *t)
{
    struct ss_server *srv = t->data;

    ss_log_line(srv->log, SS_LOG_EVENT, "STATS submits=%llu receipts=%llu sessions=%llu",
                (unsigned long long)srv->n_submits, (unsigned long long)srv->n_receipts,
                (unsigned long long)srv->n_sessions);
}

int ss_server_start(struct ss_server *srv, uv_loop_t *loop, const struct ss_opts *opts,
                    struct ss_log *log, int *port)
{
    int rc;

    memset(srv, 0, sizeof *srv);
    srv->loop = loop;
    srv->opts = opts;
    srv->log = log;
    srv->next_session_id = 1;
    /* ids differ between runs so a restarted simulator does not reuse them */
    srv->next_message_id = (uint32_t)time(NULL) * 2654435761u ^ (uint32_t)getpid() << 16;
    rc = ss_dlr_queue_init(&srv->dlrs, loop, opts->dlr_delay_ms, ss_submit_send_receipt, srv);
    if (rc < 0) return rc;
    rc = ss_dlr_queue_init(&srv->retries, loop, SS_DLR_RETRY_MS, ss_submit_send_receipt, srv);
    if (rc == 0) rc = listen_on(srv, port);
    if (rc < 0) {
        ss_dlr_queue_close(&srv->dlrs);
        ss_dlr_queue_close(&srv->retries);
        return rc;
    }
    uv_timer_init(loop, &srv->stats_timer);
    srv->stats_timer.data = srv;
    uv_idle_init(loop, &srv->flush_idle);
    srv->flush_idle.data = srv;
    if (opts->stats_ms) uv_timer_start(&srv->stats_timer, on_stats, opts->stats_ms, opts->stats_ms);
    return 0;
}

void ss_server_stop(struct ss_server *srv)
{
    struct ss_session *s, *next;

    if (srv->stopping) return;
    srv->stopping = true;
    uv_close((uv_handle_t *)&srv->listener, NULL);
    uv_close((uv_handle_t *)&srv->stats_timer, NULL);
    uv_close((uv_handle_t *)&srv->flush_idle, NULL);
    for (s = srv->sessions; s; s = next) {
        next = s->next;
        ss_session_close(s, "shutdown", false);
    }
    size_t left =
        srv->dlrs.n_waiting + srv->dlrs.n_held + srv->retries.n_waiting + srv->retries.n_held;
    if (left) ss_log_line(srv->log, SS_LOG_EVENT, "STOP receipts_dropped=%zu", left);
    ss_dlr_queue_close(&srv->dlrs);
    ss_dlr_queue_close(&srv->retries);
    ss_log_line(srv->log, SS_LOG_EVENT, "STOP sessions=%llu submits=%llu receipts=%llu",
                (unsigned long long)srv->n_sessions, (unsigned long long)srv->n_submits,
                (unsigned long long)srv->n_receipts);
}

void ss_server_message_id(struct ss_server *srv, char out[16])
{
    uint32_t id = srv->next_message_id++;

    if (id == 0) id = srv->next_message_id++;
    snprintf(out, 16, "%08X", id);
}

bool ss_server_dest_fails(const struct ss_server *srv, const char *dst)
{
    for (int i = 0; i < srv->opts->n_fail_prefix; i++) {
        const char *p = srv->opts->fail_prefix[i];
        if (strncmp(dst, p, strlen(p)) == 0) return true;
    }
    return false;
}

struct ss_session *ss_server_receiver(struct ss_server *srv, const char *system_id, uint64_t prefer)
{
    struct ss_session *s, *found = NULL;

    for (s = srv->sessions; s; s = s->next) {
        if (!ss_session_can_receive(s) || strcmp(s->system_id, system_id) != 0) continue;
        if (s->id == prefer) return s;
        if (!found) found = s;
    }
    return found;
}

static void on_flush_idle(uv_idle_t *h)
{
    struct ss_server *srv = h->data;
    struct ss_session *s, *next;

    uv_idle_stop(h);
    for (s = srv->sessions; s; s = next) {
        next = s->next;
        ss_session_flush(s);
    }
}

void ss_server_wants_flush(struct ss_server *srv)
{
    if (!srv->stopping) uv_idle_start(&srv->flush_idle, on_flush_idle);
}

void ss_server_receiver_bound(struct ss_server *srv, const char *system_id)
{
    ss_dlr_queue_release(&srv->dlrs, system_id);
    ss_dlr_queue_release(&srv->retries, system_id);
}
