/* si_smtp_data: what happens when <CRLF>.<CRLF> ends a message: errors found while
 * reading, MIME parsing, the From: coherence check, then the SUBMIT to the router and
 * the wait for its answer (the session reads nothing more until then). */
#include "si_mime.h"
#include "si_smtp_session.h"
#include "si_submit.h"
#include "cm_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static uint64_t now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
}

/* The reply for an error the DATA scanner recorded; 0 if none. */
static int scan_error(si_session *s)
{
    switch (s->data.err) {
    case SI_DATA_E_NONE:
        return 0;
    case SI_DATA_E_NUL:
        si_session_reply(s, 550, "5.6.0", "NUL bytes not allowed in message");
        break;
    case SI_DATA_E_SIZE:
        si_session_reply(s, 552, "5.3.4", "message size exceeds fixed maximum message size");
        break;
    case SI_DATA_E_NOMEM:
        si_session_reply(s, 452, "4.3.1", "insufficient system storage");
        break;
    }
    cm_info("s%lu: message from <%s> refused while reading (error %d)", s->sid, s->mail_from,
            (int)s->data.err);
    return -1;
}

static void on_router_reply(void *arg, const si_reply *r)
{
    si_session *s = arg;
    s->req = NULL;
    cm_info("s%lu: %s from <%s>: %d %s %s", s->sid, s->id, s->mail_from, r->code, r->enhanced,
            r->text);
    si_session_send_reply(s, r);
    si_session_reset(s);
    si_session_enter(s, SI_ST_GREETED);
    if (s->ctx->draining) {
        si_session_abort(s, 421, "4.3.2", "service shutting down");
        return;
    }
    si_conn_idle_restart(s);
    si_session_input(s, NULL, 0); /* commands pipelined after the message, then flush */
}

/* Encodes the submission and hands it to the router. Returns 0 or sets a reply. */
static int submit(si_session *s, const si_mail *mail)
{
    si_envelope env = {.received_ms = now_ms(),
                       .client_ip = s->client_ip,
                       .helo = s->helo,
                       .mail_from = s->mail_from,
                       .rcpts = s->rcpts,
                       .n_rcpts = s->n_rcpts};
    cm_wbuf w = {0};
    int rc = si_submit_new_id(env.id);
    if (rc == 0) rc = si_submit_encode(&env, mail, &w);
    if (rc == 0)
        rc = si_router_submit(s->ctx->router, env.id, w.data, w.len, s->ctx->router_timeout_ms,
                              on_router_reply, s, &s->req);
    if (rc == 0) {
        snprintf(s->id, sizeof s->id, "%s", env.id);
        cm_info("s%lu: %s from <%s> to %zu recipient(s), %zu bytes, sent to the router", s->sid,
                s->id, s->mail_from, s->n_rcpts, w.len);
    } else {
        cm_warn("s%lu: cannot submit to the router: %s", s->sid, strerror(-rc));
        si_session_reply(s, 451, "4.3.0", "temporary failure, try again later");
    }
    cm_wbuf_free(&w);
    return rc;
}

/* Parses and checks the message; returns 0 when it went to the router. */
static int handle_message(si_session *s, const uint8_t *data, size_t len)
{
    si_mail mail;
    si_reply r;
    int rc = si_mime_parse(data, len, &mail);
    if (rc < 0) {
        cm_warn("s%lu: message from <%s> unusable: %s", s->sid, s->mail_from, strerror(-rc));
        si_session_reply(s, rc == -ENOMEM ? 452 : 554, rc == -ENOMEM ? "4.3.1" : "5.6.0",
                         rc == -ENOMEM ? "insufficient system storage"
                                       : "message could not be parsed");
    } else {
        si_policy_header_from(s->mail_from, mail.from, mail.n_from, &r);
        if (r.code) {
            cm_info("s%lu: From: <%s> but MAIL FROM:<%s>: refused", s->sid, mail.from,
                    s->mail_from);
            si_session_send_reply(s, &r);
            rc = -EPERM;
        } else {
            rc = submit(s, &mail);
        }
    }
    si_mail_free(&mail);
    return rc;
}

void si_smtp_data_end(si_session *s)
{
    size_t len;
    if (scan_error(s) == 0) {
        uint8_t *data = si_data_take(&s->data, &len);
        int rc = handle_message(s, data ? data : (const uint8_t *)"", len);
        free(data);
        if (rc == 0) {
            si_session_enter(s, SI_ST_WAIT_ROUTER);
            uv_timer_stop(&s->idle);
            return;
        }
    }
    si_session_reset(s);
    si_session_enter(s, SI_ST_GREETED);
}
