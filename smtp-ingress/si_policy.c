/* si_policy: see si_policy.h. */
#include "si_policy.h"
#include "cm_accounts.h"
#include "cm_address.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct si_policy {
    const cm_config *cfg;
    cm_accounts *accounts; /* the accounts' sender rules */
};

void si_policy_free(si_policy *p)
{
    if (!p) return;
    cm_accounts_free(p->accounts);
    free(p);
}

/* An SMTP login names one account only. */
static int unique_logins(const cm_config *cfg, char *err, size_t errlen)
{
    const si_policy probe = {.cfg = cfg};
    for (size_t i = 0; i < cfg->n_accounts; i++) {
        const cm_config_account *a = &cfg->accounts[i];
        for (size_t j = 0; j < a->n_smtp_users; j++) {
            const char *hash, *owner;
            si_policy_smtp_user(&probe, a->smtp_users[j].user, &hash, &owner);
            if (hash != a->smtp_users[j].password_hash) {
                snprintf(err, errlen, "smtp user \"%s\" is given to accounts %s and %s",
                         a->smtp_users[j].user, owner, a->name);
                return -EINVAL;
            }
        }
    }
    return 0;
}

int si_policy_create(const cm_config *cfg, si_policy **out, char *err, size_t errlen)
{
    si_policy *p = calloc(1, sizeof *p);
    if (!p) return -ENOMEM;
    p->cfg = cfg;
    int rc = cm_accounts_create(cfg, &p->accounts, err, errlen);
    if (rc == 0) rc = unique_logins(cfg, err, errlen);
    if (rc) {
        si_policy_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

int si_policy_smtp_user(const si_policy *p, const char *user, const char **hash,
                        const char **account)
{
    for (size_t i = 0; i < p->cfg->n_accounts; i++) {
        const cm_config_account *a = &p->cfg->accounts[i];
        for (size_t j = 0; j < a->n_smtp_users; j++) {
            if (strcmp(a->smtp_users[j].user, user) != 0) continue;
            *hash = a->smtp_users[j].password_hash;
            *account = a->name;
            return 0;
        }
    }
    return -ENOENT;
}

void si_policy_sender(const si_policy *p, const char *addr, si_reply *r)
{
    int rc = -EACCES;
    const cm_config_account *a = *addr ? cm_accounts_find(p->accounts, addr, &rc) : NULL;
    if (a)
        si_reply_set(r, 0, "", "%s", a->name);
    else if (rc == -ENOTUNIQ)
        si_reply_set(r, 451, "4.3.5", "sender <%s> matches several accounts, try again later",
                     addr);
    else
        si_reply_set(r, 550, "5.7.1", "sender <%s> is not authorised to send SMS", addr);
}

static int starts_with_sms(const char *local)
{
    return strncasecmp(local, "SMS=", 4) == 0;
}

/* The relay checks on the raw path; returns 1 (and sets r) when refused. */
static int relay_refused(const si_policy *p, const char *path, int source_route, si_reply *r)
{
    const char *at = strrchr(path, '@');
    int refused = source_route || strchr(path, '"') || (at && strchr(path, '@') != at);
    if (!refused && at) {
        refused =
            strcasecmp(at + 1, p->cfg->domain) != 0 || strcspn(path, "%!") < (size_t)(at - path);
    }
    if (refused) si_reply_set(r, 550, "5.7.1", "relaying denied");
    return refused;
}

void si_policy_rcpt(const si_policy *p, const char *path, int source_route, si_reply *r)
{
    char local[512], domain[256];
    if (relay_refused(p, path, source_route, r)) return;
    if (!strchr(path, '@')) {
        si_reply_set(r, 550, "5.1.1", "unknown recipient");
        return;
    }
    cm_address_mode mode;
    cm_recipient rcpt;
    int rc = cm_address_split(path, local, sizeof local, domain, sizeof domain);
    if (rc == 0) rc = cm_address_parse_local(local, &mode, &rcpt);
    if (rc == 0 || starts_with_sms(path))
        si_reply_set(r, 0, "", "OK");
    else
        si_reply_set(r, 550, "5.1.1", "unknown recipient");
}

void si_policy_header_from(const char *mail_from, const char *header_from, int n_from, si_reply *r)
{
    if (n_from == 1 && strcasecmp(mail_from, header_from) == 0)
        si_reply_set(r, 0, "", "OK");
    else
        si_reply_set(r, 550, "5.7.1", "From: header does not match the envelope sender");
}

const cm_config_account *si_policy_account(const si_policy *p, const char *name)
{
    return name ? cm_config_account_find(p->cfg, name) : NULL;
}
