/* si_smtp_data: what happens when <CRLF>.<CRLF> ends a message: errors found while
 * reading, MIME parsing, the From: coherence check, then the SUBMIT to the router and
 * the wait for its answer (the session reads nothing more until then). */
#include "si_mime.h"
#include "si_mimecheck.h"
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
    cm_info("s%lu: %s: message from <%s> refused while reading (error %d)", s->sid, s->id,
            s->mail_from, (int)s->data.err);
    return -1;
}

static void on_router_reply(void *arg, const si_reply *r)
{
    si_session *s = arg;
    s->req = NULL;
    cm_info("s%lu: %s from <%s>%s%s: %d %s %s", s->sid, s->id, s->mail_from,
            r->submission[0] ? ", submission " : "", r->submission, r->code, r->enhanced, r->text);
    si_session_send_reply(s, r);
    si_session_reset(s);
    si_session_enter(s, SI_ST_GREETED);
    if (s->ctx->draining) {
        si_session_abort(s, 421, "4.3.2", "service shutting down");
        return;
    }
    if (r->code < 400) s->errors = s->junk = 0; /* Postfix: only clients that deliver nothing */
    si_session_input(s, NULL, 0); /* commands pipelined after the message, then flush */
}

/* Encodes the submission and hands it to the router. Returns 0 or sets a reply. */
static int submit(si_session *s, const si_mail *mail, uint8_t spf, uint8_t dkim)
{
    si_envelope env = {.received_ms = now_ms(),
                       .client_ip = s->client_ip,
                       .helo = s->helo,
                       .mail_from = s->mail_from,
                       .rcpts = s->rcpts,
                       .n_rcpts = s->n_rcpts,
                       .auth_user = s->auth_account,
                       .spf = spf,
                       .dkim = dkim};
    cm_wbuf w = {0};
    snprintf(env.id, sizeof env.id, "%s", s->id); /* given at MAIL (si_smtp_cmds.c) */
    int rc = si_submit_encode(&env, mail, &w);
    if (rc == 0)
        rc = si_router_submit(s->ctx->router, env.id, w.data, w.len, s->ctx->router_timeout_ms,
                              on_router_reply, s, &s->req);
    if (rc == 0) {
        static const char *const verdict[] = {"none", "pass", "fail", "temperror"};
        cm_info("s%lu: %s from <%s> to %zu recipient(s), %zu bytes, spf %s, dkim %s%s%s, sent "
                "to the router",
                s->sid, s->id, s->mail_from, s->n_rcpts, w.len, verdict[spf & 3], verdict[dkim & 3],
                s->auth_account ? ", login of account " : "",
                s->auth_account ? s->auth_account : "");
    } else {
        cm_warn("s%lu: %s: cannot submit to the router: %s", s->sid, s->id, strerror(-rc));
        si_session_reply(s, 451, "4.3.0", "temporary failure, try again later");
    }
    cm_wbuf_free(&w);
    return rc;
}

/* The MIME bomb pre-scan (si_mimecheck); returns 0 or sets the refusal. */
static int mime_limits(si_session *s, const uint8_t *data, size_t len)
{
    const si_mime_limits *l = &s->ctx->lim.mime;
    si_mime_stats st;
    int rc = si_mime_check(data, len, l, &st);
    if (rc == SI_MIMECHK_OK) return 0;
    static const char *const reasons[] = {"", "header_size", "mime_depth", "mime_parts"};
    si_metrics_refused(&s->ctx->metrics, rc > 0 && rc <= 3 ? reasons[rc] : "no_memory");
    if (rc == SI_MIMECHK_HEADER)
        si_session_reply(s, 552, "5.3.4", "message header size exceeds limit (%zu octets)",
                         l->max_header_size);
    else if (rc == SI_MIMECHK_DEPTH)
        si_session_reply(s, 554, "5.6.0", "MIME nesting exceeds limit (%u levels)", l->max_depth);
    else if (rc == SI_MIMECHK_PARTS)
        si_session_reply(s, 554, "5.6.0", "too many MIME parts (limit %u)", l->max_parts);
    else
        si_session_reply(s, 452, "4.3.1", "insufficient system storage");
    cm_warn("s%lu: %s: message from <%s> (%s) refused: MIME limit %d (depth %u, parts %u, "
            "header %zu)",
            s->sid, s->id, s->mail_from, s->client_ip, rc, st.depth, st.parts, st.header);
    return -EMSGSIZE;
}

/* Parses and checks the message into *mail (always to be freed); returns 0 when it may
 * go on to the router, else the refusal was replied. */
static int prepare(si_session *s, const uint8_t *data, size_t len, si_mail *mail)
{
    si_reply r;
    memset(mail, 0, sizeof *mail);
    if (mime_limits(s, data, len) < 0) return -EMSGSIZE;
    int rc = si_mime_parse(data, len, mail);
    if (rc < 0) {
        cm_warn("s%lu: %s: message from <%s> unusable: %s", s->sid, s->id, s->mail_from,
                strerror(-rc));
        si_session_reply(s, rc == -ENOMEM ? 452 : 554, rc == -ENOMEM ? "4.3.1" : "5.6.0",
                         rc == -ENOMEM ? "insufficient system storage"
                                       : "message could not be parsed");
        return rc;
    }
    si_policy_header_from(s->mail_from, mail->from, mail->n_from, &r);
    if (r.code) {
        cm_info("s%lu: %s: From: <%s> but MAIL FROM:<%s>: refused", s->sid, s->id, mail->from,
                s->mail_from);
        si_session_send_reply(s, &r);
        return -EPERM;
    }
    unsigned extra = si_antispam_list_extra(s, mail);
    return extra && si_antispam_count(s, extra) < 0 ? -EDQUOT : 0;
}

void si_smtp_submit(si_session *s, si_mail *mail, uint8_t spf, uint8_t dkim)
{
    int rc = submit(s, mail, spf, dkim);
    si_mail_free(mail);
    if (rc == 0) {
        si_session_enter(s, SI_ST_WAIT_ROUTER);
        return;
    }
    si_session_reset(s);
    si_session_enter(s, SI_ST_GREETED);
}

void si_smtp_data_end(si_session *s)
{
    size_t len;
    si_mail mail;
    if (scan_error(s) == 0) {
        uint8_t *data = si_data_take(&s->data, &len);
        int rc = prepare(s, data ? data : (const uint8_t *)"", len, &mail);
        if (rc == 0 && data && si_check_start(s, data, len, &mail)) return; /* takes both */
        if (rc == 0)
            si_smtp_submit(s, &mail, CM_AUTH_NONE, CM_AUTH_NONE);
        else
            si_mail_free(&mail);
        free(data);
        if (rc == 0) return;
    }
    si_session_reset(s);
    si_session_enter(s, SI_ST_GREETED);
}
