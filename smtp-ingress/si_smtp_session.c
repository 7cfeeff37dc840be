/* si_smtp_session: see si_smtp_session.h. This file holds the states, the input loop
 * (command lines and DATA bytes) and the session's life cycle; the commands are in
 * si_smtp_cmds.c, the end of DATA in si_smtp_data.c, the socket in si_server.c. */
#include "si_smtp_session.h"
#include "cm_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const STATE_NAMES[] = {
    [SI_ST_CONNECTED] = "CONNECTED", [SI_ST_GREETED] = "GREETED",
    [SI_ST_MAIL] = "MAIL",           [SI_ST_RCPT] = "RCPT",
    [SI_ST_DATA] = "DATA",           [SI_ST_WAIT_ROUTER] = "WAIT_ROUTER",
    [SI_ST_AUTH] = "AUTH",           [SI_ST_AUTH_WAIT] = "AUTH_WAIT",
    [SI_ST_CHECKING] = "CHECKING",   [SI_ST_CLOSING] = "CLOSING",
};

int si_session_waiting(const si_session *s)
{
    return s->state == SI_ST_WAIT_ROUTER || s->state == SI_ST_AUTH_WAIT ||
           s->state == SI_ST_CHECKING;
}

const char *si_state_name(enum si_state st)
{
    return st <= SI_ST_CLOSING ? STATE_NAMES[st] : "?";
}

void si_session_enter(si_session *s, enum si_state st)
{
    if (s->state == SI_ST_CLOSING || s->state == st) return;
    cm_debug("s%lu: %s -> %s", s->sid, si_state_name(s->state), si_state_name(st));
    s->state = st;
}

si_session *si_session_new(si_ctx *ctx)
{
    si_session *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->ctx = ctx;
    s->sid = ++ctx->next_sid;
    s->state = SI_ST_CONNECTED;
    s->next = ctx->sessions;
    if (ctx->sessions) ctx->sessions->prev = s;
    ctx->sessions = s;
    ctx->n_sessions++;
    return s;
}

void si_session_reset(si_session *s)
{
    for (size_t i = 0; i < s->n_rcpts; i++)
        free(s->rcpts[i]);
    free(s->rcpts);
    free(s->mail_from);
    free(s->account);
    s->account = NULL;
    s->rcpts = NULL;
    s->n_rcpts = 0;
    s->mail_from = NULL;
    s->id[0] = '\0';
    si_data_free(&s->data);
}

void si_session_free(si_session *s)
{
    si_ctx *ctx = s->ctx;
    if (s->req) { /* the client went away while the router was asked */
        cm_info("s%lu: %s: client left before the router answered", s->sid, s->id);
        si_router_cancel(s->req);
    }
    if (s->auth_job) si_auth_detach(s);
    if (s->check_job) si_check_detach(s);
    si_mail_free(&s->check_mail);
    si_session_reset(s);
    si_tls_free(s->tls);
    free(s->auth_account);
    free(s->auth_user);
    free(s->in);
    free(s->out.p);
    *(s->prev ? &s->prev->next : &ctx->sessions) = s->next;
    if (s->next) s->next->prev = s->prev;
    ctx->n_sessions--;
    cm_debug("s%lu: freed", s->sid);
    free(s);
    if (ctx->draining && ctx->n_sessions == 0 && ctx->on_drained) ctx->on_drained(ctx);
}

void si_session_send_reply(si_session *s, const si_reply *r)
{
    char line[SI_REPLY_LINE_MAX];
    size_t n = si_reply_format(r, line);
    if (r->code >= 400) cm_debug("s%lu: > %.*s", s->sid, (int)(n > 2 ? n - 2 : n), line);
    if (r->code >= 400 && r->code != 421) s->errors++;
    si_metrics_reply(&s->ctx->metrics, r->code);
    si_sbuf_add(&s->out, line, n);
}

void si_session_reply(si_session *s, int code, const char *enhanced, const char *fmt, ...)
{
    si_reply r;
    va_list ap;
    va_start(ap, fmt);
    si_reply_vset(&r, code, enhanced, fmt, ap);
    va_end(ap);
    si_session_send_reply(s, &r);
}

void si_session_abort(si_session *s, int code, const char *enhanced, const char *text)
{
    if (s->state == SI_ST_CLOSING) return;
    si_session_reply(s, code, enhanced, "%s", text);
    si_session_enter(s, SI_ST_CLOSING);
    si_conn_close(s);
}

void si_session_start(si_session *s)
{
    si_session_reply(s, 220, "", "%s ESMTP smsgw", s->ctx->hostname);
    si_conn_flush(s);
}

/* Replies to a command line that could not be read, and drops the connection when the
 * stream can no longer be trusted (bare CR/LF, NUL). Returns bytes consumed. */
static size_t line_error(si_session *s, enum si_line_rc rc, const uint8_t *p, size_t n)
{
    static const char *const texts[] = {
        [SI_LINE_BARE_LF] = "bare LF not allowed, closing connection",
        [SI_LINE_BARE_CR] = "bare CR not allowed, closing connection",
        [SI_LINE_NUL] = "NUL byte not allowed, closing connection",
    };
    if (rc != SI_LINE_TOO_LONG) {
        cm_warn("s%lu: %s from %s", s->sid, texts[rc], s->client_ip);
        si_session_abort(s, 500, "5.5.2", texts[rc]);
        return n;
    }
    si_session_reply(s, 500, "5.5.2", "line too long");
    s->skip_line = 1;
    s->skip_cr = p[SI_LINE_MAX - 1] == '\r';
    return SI_LINE_MAX;
}

/* Discards the rest of an over-long line, up to and including its CRLF. */
static size_t skip_step(si_session *s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s->skip_cr && p[i] == '\n') {
            s->skip_line = 0;
            return i + 1;
        }
        s->skip_cr = p[i] == '\r';
    }
    return n;
}

static size_t line_step(si_session *s, const uint8_t *p, size_t n)
{
    size_t line_len, used;
    si_cmd cmd;
    if (s->skip_line) return skip_step(s, p, n);
    enum si_line_rc rc = si_line_scan(p, n, &line_len, &used);
    if (rc == SI_LINE_MORE) return 0;
    if (rc != SI_LINE_OK) return line_error(s, rc, p, n);
    s->n_cmds++;
    if (s->state == SI_ST_AUTH) { /* a base64 response, not a command (not logged) */
        si_auth_line(s, (const char *)p, line_len);
        return used;
    }
    si_cmd_parse((const char *)p, line_len, &cmd);
    cm_debug("s%lu: < %.*s", s->sid, (int)line_len, (const char *)p);
    si_cmds_dispatch(s, &cmd);
    if (s->discard_input) { /* STARTTLS: what followed it in plaintext is dropped */
        s->discard_input = 0;
        if (n > used)
            cm_warn("s%lu: %zu octets pipelined after STARTTLS from %s discarded", s->sid, n - used,
                    s->client_ip);
        return n;
    }
    return used;
}

/* Postfix's smtpd_min_data_rate: each octet received moves the DATA deadline
 * 1/min_data_rate s later, never beyond one command time-out from now nor beyond
 * data_timeout_ms after the DATA command. */
static void data_progress(si_session *s, size_t n)
{
    const si_limits *l = &s->ctx->lim;
    uint64_t now = uv_now(s->ctx->loop), cap = now + l->command_timeout_ms;
    uint64_t d = l->min_data_rate ? s->data_deadline + (uint64_t)n * 1000 / l->min_data_rate : cap;
    if (d > cap) d = cap;
    if (d > s->data_start + l->data_timeout_ms) d = s->data_start + l->data_timeout_ms;
    s->data_deadline = d;
}

static size_t data_step(si_session *s, const uint8_t *p, size_t n)
{
    size_t used;
    enum si_data_rc rc = si_data_feed(&s->data, p, n, &used);
    data_progress(s, used);
    if (rc == SI_DATA_END) {
        si_smtp_data_end(s);
    } else if (rc == SI_DATA_BARE_LF || rc == SI_DATA_BARE_CR) {
        const char *what = rc == SI_DATA_BARE_LF ? "LF" : "CR";
        cm_warn("s%lu: %s: bare %s in message data from %s", s->sid, s->id, what, s->client_ip);
        si_session_reset(s);
        si_session_reply(s, 550, "5.5.2", "bare %s not allowed in message, closing connection",
                         what);
        si_session_enter(s, SI_ST_CLOSING);
        si_conn_close(s);
    }
    return used;
}

/* Postfix's smtpd_hard_error_limit and smtpd_soft_error_limit/smtpd_error_sleep_time,
 * checked after each step that produced an error reply. Returns 1 to stop reading. */
static int error_limits(si_session *s, unsigned errors_before)
{
    const si_limits *l = &s->ctx->lim;
    if (s->errors == errors_before || s->state == SI_ST_CLOSING) return 0;
    if (s->errors >= l->hard_error_limit) {
        cm_warn("s%lu: %u errors from %s, closing", s->sid, s->errors, s->client_ip);
        si_metrics_refused(&s->ctx->metrics, "hard_error_limit");
        si_session_reset(s);
        si_session_abort(s, 421, "4.7.0", "too many errors, closing connection");
        return 1;
    }
    if (s->errors > l->soft_error_limit && l->error_delay_ms) s->delaying = 1;
    return s->delaying;
}

/* Runs the state machine over p[0..n); returns the bytes consumed. */
static size_t process(si_session *s, const uint8_t *p, size_t n)
{
    size_t off = 0;
    while (off < n && !si_session_waiting(s) && s->state != SI_ST_CLOSING && !s->delaying) {
        unsigned errors = s->errors;
        size_t used = s->state == SI_ST_DATA ? data_step(s, p + off, n - off)
                                             : line_step(s, p + off, n - off);
        off += used;
        if (error_limits(s, errors) || used == 0) break;
    }
    return off;
}

/* Keeps p[0..n) at the end of s->in. Returns 0 or -1 (out of memory). */
static int keep(si_session *s, const uint8_t *p, size_t n)
{
    if (s->in_len + n > s->in_cap) {
        size_t cap = s->in_len + n + 1024;
        uint8_t *ni = realloc(s->in, cap);
        if (!ni) return -1;
        s->in = ni;
        s->in_cap = cap;
    }
    if (n) memcpy(s->in + s->in_len, p, n);
    s->in_len += n;
    return 0;
}

void si_session_input(si_session *s, const uint8_t *p, size_t n)
{
    int rc = 0;
    if (s->state == SI_ST_CLOSING || s->delaying) return;
    if (s->in_len == 0 && n == 0) {
        /* nothing to do but flush */
    } else if (s->in_len == 0) { /* common case: work on the read buffer itself */
        size_t used = process(s, p, n);
        rc = keep(s, p + used, n - used);
    } else if ((rc = keep(s, p, n)) == 0) {
        size_t used = process(s, s->in, s->in_len);
        memmove(s->in, s->in + used, s->in_len - used);
        s->in_len -= used;
    }
    if (s->in_len == 0 && s->in_cap > 4096) {
        free(s->in);
        s->in = NULL;
        s->in_cap = 0;
    }
    if (rc < 0) si_session_abort(s, 421, "4.3.0", "out of memory, closing connection");
    if (!s->delaying) si_conn_flush(s); /* else the delay timer sends the replies */
    si_conn_arm(s);
    si_conn_update_reading(s);
}
