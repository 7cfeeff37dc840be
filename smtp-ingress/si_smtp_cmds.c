/* si_smtp_cmds: one handler per SMTP verb, dispatched through a table that also says
 * in which states the verb is allowed (RFC 5321 4.1.4 sequencing; 503 5.5.1 else). */
#include "si_smtp_session.h"
#include "cm_log.h"
#include "si_submit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ST(x) (1u << (x))
#define ST_ANY_CMD (ST(SI_ST_CONNECTED) | ST(SI_ST_GREETED) | ST(SI_ST_MAIL) | ST(SI_ST_RCPT))

static void copy_helo(si_session *s, const char *arg)
{
    size_t n = strcspn(arg, " \t");
    if (n >= sizeof s->helo) n = sizeof s->helo - 1;
    memcpy(s->helo, arg, n);
    s->helo[n] = '\0';
}

static void cmd_helo(si_session *s, const si_cmd *c)
{
    si_session_reset(s);
    copy_helo(s, c->arg);
    s->esmtp = 0;
    si_session_enter(s, SI_ST_GREETED);
    si_session_reply(s, 250, "", "%s", s->ctx->hostname);
}

static void cmd_ehlo(si_session *s, const si_cmd *c)
{
    char head[1100];
    si_session_reset(s);
    copy_helo(s, c->arg);
    s->esmtp = 1;
    si_session_enter(s, SI_ST_GREETED);
    int n = snprintf(head, sizeof head, "250-%s\r\n250-PIPELINING\r\n250-SIZE %zu\r\n",
                     s->ctx->hostname, s->ctx->max_message_size);
    si_sbuf_add(&s->out, head, n > 0 && (size_t)n < sizeof head ? (size_t)n : 0);
    si_sbuf_add(&s->out, "250-8BITMIME\r\n", 14);
    if (s->ctx->ssl_ctx && !s->tls) si_sbuf_add(&s->out, "250-STARTTLS\r\n", 14);
    if (s->submission && s->tls && !s->auth_account)
        si_sbuf_add(&s->out, "250-AUTH PLAIN LOGIN\r\n", 22);
    si_sbuf_add(&s->out, "250 ENHANCEDSTATUSCODES\r\n", 25);
    si_metrics_reply(&s->ctx->metrics, 250); /* one multi-line reply */
}

/* The submission listener sends mail for authenticated logins only (RFC 6409). */
static int needs_auth(si_session *s)
{
    if (!s->submission || s->auth_account) return 0;
    si_session_reply(s, 530, "5.7.0",
                     s->tls ? "authentication required" : "must issue a STARTTLS command first");
    return 1;
}

/* The transaction's submit id, which every log line about it carries from MAIL on
 * (and the router keys the submission by). 0, or -1 with 451 sent. */
static int new_id(si_session *s)
{
    char id[SI_ID_LEN + 1];
    int rc = si_submit_new_id(id);
    if (rc == 0) {
        snprintf(s->id, sizeof s->id, "%s", id);
        return 0;
    }
    cm_warn("s%lu: no submit id for <%s>: %s", s->sid, s->mail_from, strerror(-rc));
    si_session_reset(s);
    si_session_reply(s, 451, "4.3.0", "temporary failure, try again later");
    return -1;
}

static void cmd_mail(si_session *s, const si_cmd *c)
{
    si_reply r;
    const char *addr = c->source_route ? strchr(c->arg, ':') + 1 : c->arg;
    if (c->size >= 0 && (unsigned long long)c->size > s->ctx->max_message_size) {
        si_session_reply(s, 552, "5.3.4", "message size exceeds fixed maximum message size");
        return;
    }
    if (needs_auth(s)) return;
    if (s->auth_account) /* the login is the proof: the account's sender rules do not apply */
        si_reply_set(&r, 0, "", "%s", s->auth_account);
    else
        si_policy_sender(s->ctx->policy, addr, &r);
    if (r.code) {
        cm_info("s%lu: refused sender <%s> from %s: %d %s", s->sid, addr, s->client_ip, r.code,
                r.text);
        si_session_send_reply(s, &r);
        return;
    }
    if (!(s->mail_from = strdup(addr)) || !(s->account = strdup(r.text))) {
        si_session_reset(s);
        si_session_reply(s, 452, "4.3.1", "insufficient system storage");
        return;
    }
    if (new_id(s) < 0) return;
    cm_debug("s%lu: %s: sender <%s> is account %s", s->sid, s->id, addr, r.text);
    si_session_enter(s, SI_ST_MAIL);
    si_session_reply(s, 250, "2.1.0", "sender OK");
}

static int has_rcpt(const si_session *s, const char *addr)
{
    for (size_t i = 0; i < s->n_rcpts; i++)
        if (strcasecmp(s->rcpts[i], addr) == 0) return 1;
    return 0;
}

static int add_rcpt(si_session *s, const char *addr)
{
    char **nr = realloc(s->rcpts, (s->n_rcpts + 1) * sizeof *nr);
    if (!nr) return -1;
    s->rcpts = nr;
    if (!(s->rcpts[s->n_rcpts] = strdup(addr))) return -1;
    s->n_rcpts++;
    return 0;
}

static void cmd_rcpt(si_session *s, const si_cmd *c)
{
    si_reply r;
    if (s->n_rcpts >= s->ctx->max_recipients) {
        si_session_reply(s, 452, "4.5.3", "too many recipients");
        return;
    }
    si_policy_rcpt(s->ctx->policy, c->arg, c->source_route, &r);
    if (r.code) {
        cm_info("s%lu: %s: refused recipient <%s> from <%s>: %d %s", s->sid, s->id, c->arg,
                s->mail_from, r.code, r.text);
        si_session_send_reply(s, &r);
        return;
    }
    if (has_rcpt(s, c->arg)) {
        si_session_reply(s, 250, "2.1.5", "recipient OK");
        return;
    }
    if (si_antispam_count(s, 1) < 0) return;
    if (add_rcpt(s, c->arg) < 0) {
        si_session_reply(s, 452, "4.3.1", "insufficient system storage");
        return;
    }
    si_session_enter(s, SI_ST_RCPT);
    si_session_reply(s, 250, "2.1.5", "recipient OK");
}

static void cmd_data(si_session *s, const si_cmd *c)
{
    const si_limits *l = &s->ctx->lim;
    s->data_start = uv_now(s->ctx->loop);
    s->data_deadline =
        s->data_start +
        (l->command_timeout_ms < l->data_timeout_ms ? l->command_timeout_ms : l->data_timeout_ms);
    si_data_init(&s->data, s->ctx->max_message_size);
    si_session_enter(s, SI_ST_DATA);
    si_session_reply(s, 354, "", "End data with <CR><LF>.<CR><LF>");
}

static void cmd_rset(si_session *s, const si_cmd *c)
{
    si_session_reset(s);
    if (s->state != SI_ST_CONNECTED) si_session_enter(s, SI_ST_GREETED);
    si_session_reply(s, 250, "2.0.0", "OK");
}

static void cmd_noop(si_session *s, const si_cmd *c)
{
    si_session_reply(s, 250, "2.0.0", "OK");
}

static void cmd_quit(si_session *s, const si_cmd *c)
{
    si_session_abort(s, 221, "2.0.0", "bye");
}

static void cmd_vrfy(si_session *s, const si_cmd *c)
{
    si_session_reply(s, 252, "2.5.0", "cannot VRFY user, but will accept message");
}

static void cmd_help(si_session *s, const si_cmd *c)
{
    si_session_reply(s, 214, "2.0.0", "send SMS: mail to SMS=<number>@<domain>");
}

static const struct {
    enum si_verb verb;
    void (*fn)(si_session *s, const si_cmd *c);
    unsigned states;     /* where the verb is allowed */
    const char *refusal; /* 503 text elsewhere */
    int junk;            /* counts towards junk_command_limit (Postfix: NOOP VRFY RSET) */
} CMDS[] = {
    {SI_VERB_HELO, cmd_helo, ST_ANY_CMD, NULL, 0},
    {SI_VERB_EHLO, cmd_ehlo, ST_ANY_CMD, NULL, 0},
    {SI_VERB_MAIL, cmd_mail, ST(SI_ST_GREETED), "send HELO/EHLO first, one MAIL per message", 0},
    {SI_VERB_RCPT, cmd_rcpt, ST(SI_ST_MAIL) | ST(SI_ST_RCPT), "need MAIL command", 0},
    {SI_VERB_DATA, cmd_data, ST(SI_ST_RCPT), "need RCPT command", 0},
    {SI_VERB_RSET, cmd_rset, ST_ANY_CMD, NULL, 1},
    {SI_VERB_NOOP, cmd_noop, ST_ANY_CMD, NULL, 1},
    {SI_VERB_QUIT, cmd_quit, ST_ANY_CMD, NULL, 0},
    {SI_VERB_VRFY, cmd_vrfy, ST_ANY_CMD, NULL, 1},
    {SI_VERB_HELP, cmd_help, ST_ANY_CMD, NULL, 1},
    {SI_VERB_STARTTLS, si_cmd_starttls, ST(SI_ST_GREETED), "send EHLO first, not in a mail", 0},
    {SI_VERB_AUTH, si_cmd_auth, ST_ANY_CMD, NULL, 0},
};

/* The reply to a command that did not parse. */
static void parse_error(si_session *s, const si_cmd *c)
{
    switch (c->err) {
    case SI_CMD_E_UNKNOWN:
        si_session_reply(s, 502, "5.5.1", "command not recognised");
        break;
    case SI_CMD_E_PATH:
        si_session_reply(s, 501, c->verb == SI_VERB_MAIL ? "5.1.7" : "5.1.3", "bad address syntax");
        break;
    case SI_CMD_E_PARAM:
        si_session_reply(s, 555, "5.5.4", "unsupported or malformed parameter");
        break;
    default:
        si_session_reply(s, 501, "5.5.4", "syntax error in %s arguments", si_verb_name(c->verb));
        break;
    }
}

void si_cmds_dispatch(si_session *s, const si_cmd *c)
{
    if (c->err) {
        parse_error(s, c);
        return;
    }
    for (size_t i = 0; i < sizeof CMDS / sizeof CMDS[0]; i++) {
        if (CMDS[i].verb != c->verb) continue;
        if (CMDS[i].junk && ++s->junk > s->ctx->lim.junk_command_limit) s->errors++;
        if (!(CMDS[i].states & ST(s->state)))
            si_session_reply(s, 503, "5.5.1", "bad sequence of commands: %s", CMDS[i].refusal);
        else
            CMDS[i].fn(s, c);
        return;
    }
    si_session_reply(s, 502, "5.5.1", "command not implemented");
}
