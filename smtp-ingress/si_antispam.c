/* si_antispam: the per-minute rate limits of SPEC.md section 4 ("a compromised
 * mailbox must not pump thousands of SMS"), counted in recipients: one per accepted
 * RCPT, and after DATA the lines of a LISTE.TXT / LISTE.CSV attachment sent to multi@
 * or multi_sms@ (LISTE.XLSX rows are not counted here). Two keys per transaction: the
 * envelope sender ("s:<address>") and the account ("a:<name>"); the account's own
 * rate_limit overrides the ingress default. Over a limit: 452 4.7.1 (a temporary
 * refusal: the customer's MTA retries later) and a warning in the log. The counters
 * are this process's (si_ratelimit): right for a minute window. The daily quotas
 * (sender_daily_quota, account_daily_quota, daily_quota) are the router's
 * (router/rt_quota.c: one count for every ingress instance, kept across restarts). */
#include "cm_log.h"
#include "si_smtp_session.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

static uint64_t wall_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
}

typedef struct {
    char key[300];
    unsigned rate;
    const char *who;
} limit;

static void limits_of(const si_session *s, limit l[2])
{
    const struct cm_config_ingress *in = &s->ctx->cfg->ingress;
    const cm_config_account *a = si_policy_account(s->ctx->policy, s->account);
    snprintf(l[0].key, sizeof l[0].key, "s:%s", s->mail_from ? s->mail_from : "");
    for (char *p = l[0].key; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    l[0].rate = (unsigned)in->sender_rate_limit;
    l[0].who = "sender";
    snprintf(l[1].key, sizeof l[1].key, "a:%s", s->account ? s->account : "");
    l[1].rate = (unsigned)(a && a->rate_limit >= 0 ? a->rate_limit : in->account_rate_limit);
    l[1].who = "account";
}

static void refuse(si_session *s, const limit *l, int rc, unsigned n)
{
    char reason[32];
    snprintf(reason, sizeof reason, "%s_%s", l->who, rc == SI_RL_RATE ? "rate" : "table_full");
    si_metrics_refused(&s->ctx->metrics, reason);
    cm_warn("s%lu: %s: %s %s over its %s (%u/min): %u recipient(s) refused, from %s", s->sid, s->id,
            l->who, l->key + 2, rc == SI_RL_RATE ? "rate limit" : "limit table", l->rate, n,
            s->client_ip);
    if (rc == SI_RL_RATE)
        si_session_reply(s, 452, "4.7.1", "%s rate limit exceeded, try again later", l->who);
    else
        si_session_reply(s, 452, "4.7.1", "too busy to count recipients, try again later");
}

int si_antispam_count(si_session *s, unsigned n)
{
    limit l[2];
    uint64_t now = wall_ms();
    si_ratelimit *rl = s->ctx->rates;
    if (!rl) return 0;
    limits_of(s, l);
    for (int i = 0; i < 2; i++) {
        int rc = si_ratelimit_check(rl, l[i].key, l[i].rate, n, now);
        if (rc != SI_RL_OK) {
            refuse(s, &l[i], rc, n);
            return -1;
        }
    }
    for (int i = 0; i < 2; i++)
        si_ratelimit_take(rl, l[i].key, l[i].rate, n, now);
    return 0;
}

static int is_multi(const char *rcpt)
{
    size_t n = strcspn(rcpt, "@");
    return (n == 5 && strncasecmp(rcpt, "multi", 5) == 0) ||
           (n == 9 && strncasecmp(rcpt, "multi_sms", 9) == 0);
}

/* Lines holding something other than white space. */
static unsigned count_lines(const uint8_t *p, size_t len)
{
    unsigned n = 0;
    int content = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\n') {
            n += content;
            content = 0;
        } else if (!isspace(p[i])) {
            content = 1;
        }
    }
    return n + content;
}

unsigned si_antispam_list_extra(const si_session *s, const si_mail *mail)
{
    int multi = 0;
    for (size_t i = 0; i < s->n_rcpts; i++)
        multi |= is_multi(s->rcpts[i]);
    for (size_t i = 0; multi && i < mail->n_att; i++) {
        const char *name = mail->att[i].name;
        int txt = strcasecmp(name, "liste.txt") == 0, csv = strcasecmp(name, "liste.csv") == 0;
        if (!txt && !csv) continue;
        unsigned lines = count_lines(mail->att[i].data, mail->att[i].len) - (csv ? 1 : 0);
        return lines > 1 && lines < 0x80000000u ? lines - 1 : 0;
    }
    return 0;
}
