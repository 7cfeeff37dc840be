/* si_smtp_auth: STARTTLS (RFC 3207) and AUTH PLAIN/LOGIN (RFC 4954, 4616) in the
 * session.
 *
 * STARTTLS is offered when the config names a certificate; after its 220 the session
 * forgets everything the client said (back to CONNECTED: a new EHLO is needed) and the
 * plaintext pipelined behind the command is discarded (si_smtp_session.c line_step).
 * AUTH exists on the submission listener only, once TLS is active, and once per
 * session. The password is checked with crypt_r on the libuv thread pool (a SHA-512
 * crypt costs milliseconds: the loop must not wait for it); the session waits in
 * AUTH_WAIT. Unknown users cost the same as known ones (a dummy hash is checked). A
 * failure is 535 5.7.8 and counts as an error (hard_error_limit ends a guessing
 * session). The job outlives a session that goes away (si_auth_detach). */
#include "cm_log.h"
#include "si_auth.h"
#include "si_smtp_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define AUTH_FIELD_MAX 256
/* Same cost as a real SHA-512 crypt; never matches (crypt output is never "x"). */
static const char DUMMY_HASH[] =
    "$6$smsgwdummysalt$"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxx";

typedef struct si_auth_job {
    uv_work_t work;
    si_session *s; /* NULL once the session went away */
    char user[AUTH_FIELD_MAX], pass[AUTH_FIELD_MAX], account[AUTH_FIELD_MAX];
    char *hash; /* a copy: a SIGHUP may replace the config meanwhile */
    int known, ok;
} si_auth_job;

void si_cmd_starttls(si_session *s, const si_cmd *c)
{
    if (!s->ctx->ssl_ctx) {
        si_session_reply(s, 502, "5.5.1", "command not implemented");
        return;
    }
    if (s->tls) {
        si_session_reply(s, 554, "5.5.1", "TLS already active");
        return;
    }
    si_session_reply(s, 220, "2.0.0", "Ready to start TLS");
    s->discard_input = 1;
    if (si_conn_starttls(s) < 0) {
        si_session_abort(s, 421, "4.3.0", "cannot start TLS, closing connection");
        return;
    }
    si_session_reset(s);
    s->helo[0] = '\0';
    s->esmtp = 0;
    s->state = SI_ST_CONNECTED; /* RFC 3207 4.2: the client starts again with EHLO */
}

static void auth_done(si_session *s)
{
    si_session_enter(s, SI_ST_GREETED);
    s->auth_name[0] = '\0';
}

static void work_cb(uv_work_t *w)
{
    si_auth_job *j = w->data;
    j->ok = si_auth_verify(j->hash, j->pass) && j->known;
}

static void after_cb(uv_work_t *w, int status)
{
    si_auth_job *j = w->data;
    si_session *s = j->s;
    if (s) {
        s->auth_job = NULL;
        if (j->ok && status == 0 && (s->auth_account = strdup(j->account)) &&
            (s->auth_user = strdup(j->user))) {
            cm_info("s%lu: authenticated as %s (account %s) from %s", s->sid, j->user, j->account,
                    s->client_ip);
            si_metrics_auth(&s->ctx->metrics, SI_AUTH_OK);
            si_session_reply(s, 235, "2.7.0", "authentication successful");
        } else {
            si_metrics_auth(&s->ctx->metrics, SI_AUTH_FAILED);
            cm_warn("s%lu: authentication failed for \"%s\" from %s", s->sid, j->user,
                    s->client_ip);
            si_session_reply(s, 535, "5.7.8", "authentication credentials invalid");
        }
        auth_done(s);
        si_session_input(s, NULL, 0); /* reply, then the commands that waited */
    }
    explicit_bzero(j->pass, sizeof j->pass);
    free(j->hash);
    free(j);
}

void si_auth_detach(si_session *s)
{
    s->auth_job->s = NULL;
    s->auth_job = NULL;
}

static void tempfail(si_session *s)
{
    si_metrics_auth(&s->ctx->metrics, SI_AUTH_TEMPFAIL);
    si_session_reply(s, 454, "4.7.0", "temporary authentication failure");
    auth_done(s);
}

static void check(si_session *s, const char *user, const char *pass)
{
    const char *hash = DUMMY_HASH, *account = "";
    si_auth_job *j = calloc(1, sizeof *j);
    if (j) j->known = si_policy_smtp_user(s->ctx->policy, user, &hash, &account) == 0;
    if (!j || !(j->hash = strdup(hash))) {
        free(j);
        tempfail(s);
        return;
    }
    snprintf(j->user, sizeof j->user, "%s", user);
    snprintf(j->pass, sizeof j->pass, "%s", pass);
    snprintf(j->account, sizeof j->account, "%s", account);
    j->s = s;
    j->work.data = j;
    if (uv_queue_work(s->ctx->loop, &j->work, work_cb, after_cb) < 0) {
        free(j->hash);
        free(j);
        tempfail(s);
        return;
    }
    s->auth_job = j;
    si_session_enter(s, SI_ST_AUTH_WAIT);
}

/* Decodes one base64 response into a NUL-terminated string; 0 or -1 (reply sent). */
static int decode(si_session *s, const char *b64, char *out, size_t cap, size_t *len)
{
    if (si_b64_decode(b64, (uint8_t *)out, cap - 1, len) == 0) {
        out[*len] = '\0';
        return 0;
    }
    si_session_reply(s, 501, "5.5.2", "cannot decode the response");
    auth_done(s);
    return -1;
}

static void plain_response(si_session *s, const char *b64)
{
    char msg[3 * AUTH_FIELD_MAX], user[AUTH_FIELD_MAX], pass[AUTH_FIELD_MAX];
    size_t len;
    if (decode(s, b64, msg, sizeof msg, &len) < 0) return;
    if (si_auth_plain((const uint8_t *)msg, len, user, sizeof user, pass, sizeof pass) < 0) {
        si_session_reply(s, 501, "5.5.2", "malformed PLAIN response");
        auth_done(s);
    } else {
        check(s, user, pass);
    }
    explicit_bzero(msg, sizeof msg);
    explicit_bzero(pass, sizeof pass);
}

/* AUTH LOGIN: the user name, then the password, each after a 334 prompt. */
static void login_response(si_session *s, const char *b64)
{
    char pass[AUTH_FIELD_MAX];
    size_t len;
    if (!s->auth_name[0]) {
        if (decode(s, b64, s->auth_name, sizeof s->auth_name, &len) < 0) return;
        if (len == 0 || strlen(s->auth_name) != len) {
            si_session_reply(s, 501, "5.5.2", "malformed user name");
            auth_done(s);
            return;
        }
        si_session_enter(s, SI_ST_AUTH);
        si_session_reply(s, 334, "", "UGFzc3dvcmQ6"); /* "Password:" */
        return;
    }
    if (decode(s, b64, pass, sizeof pass, &len) == 0) check(s, s->auth_name, pass);
    explicit_bzero(pass, sizeof pass);
}

void si_auth_line(si_session *s, const char *line, size_t len)
{
    char b64[SI_LINE_MAX];
    snprintf(b64, sizeof b64, "%.*s", (int)len, line);
    if (strcmp(b64, "*") == 0) {
        si_session_reply(s, 501, "5.0.0", "authentication cancelled");
        auth_done(s);
    } else if (s->auth_login) {
        login_response(s, b64);
    } else {
        plain_response(s, b64);
    }
    explicit_bzero(b64, sizeof b64);
}

/* The refusal for AUTH in this session, or NULL when it may go on. */
static const char *auth_refusal(const si_session *s, int *code, const char **enh)
{
    *code = 503;
    *enh = "5.5.1";
    if (!s->submission) {
        *code = 502;
        return "command not implemented";
    }
    if (!s->tls) {
        *code = 538;
        *enh = "5.7.11";
        return "encryption required: STARTTLS first";
    }
    if (s->auth_account) return "already authenticated";
    if (s->state != SI_ST_GREETED) return "bad sequence of commands: EHLO first, not in a mail";
    return NULL;
}

void si_cmd_auth(si_session *s, const si_cmd *c)
{
    int code;
    const char *enh, *why = auth_refusal(s, &code, &enh);
    if (why) {
        si_session_reply(s, code, enh, "%s", why);
        return;
    }
    size_t ml = strcspn(c->arg, " ");
    const char *init = c->arg[ml] ? c->arg + ml + 1 : NULL;
    if (init && strcmp(init, "=") == 0) init = ""; /* RFC 4954: "=" is an empty response */
    s->auth_name[0] = '\0';
    if (ml == 5 && strncasecmp(c->arg, "PLAIN", 5) == 0) {
        s->auth_login = 0;
    } else if (ml == 5 && strncasecmp(c->arg, "LOGIN", 5) == 0) {
        s->auth_login = 1;
    } else {
        si_session_reply(s, 504, "5.5.4", "unrecognised authentication mechanism");
        return;
    }
    si_session_enter(s, SI_ST_AUTH);
    if (init)
        si_auth_line(s, init, strlen(init));
    else
        si_session_reply(s, 334, "", "%s", s->auth_login ? "VXNlcm5hbWU6" : "");
}
