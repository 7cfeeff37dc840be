/* cm_accounts: see cm_accounts.h. */
#include "cm_accounts.h"
#include "cm_sender_rules.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

struct cm_accounts {
    const cm_config *cfg;
    cm_sender_account *list;
    size_t n;
};

void cm_accounts_free(cm_accounts *a)
{
    if (!a) return;
    for (size_t i = 0; i < a->n; i++)
        cm_sender_rules_free((cm_sender_rules *)a->list[i].rules);
    free(a->list);
    free(a);
}

int cm_accounts_create(const cm_config *cfg, cm_accounts **out, char *err, size_t errlen)
{
    cm_accounts *a = calloc(1, sizeof *a);
    if (!a || !(a->list = calloc(cfg->n_accounts + 1, sizeof *a->list))) {
        free(a);
        return -ENOMEM;
    }
    a->cfg = cfg;
    for (size_t i = 0; i < cfg->n_accounts; i++) {
        const cm_config_account *acc = &cfg->accounts[i];
        cm_sender_rules *r;
        int rc = cm_sender_rules_create(&r);
        if (rc) {
            cm_accounts_free(a);
            return rc;
        }
        a->list[a->n++] = (cm_sender_account){acc->name, r};
        for (size_t j = 0; j < acc->n_senders && !rc; j++)
            if ((rc = cm_sender_rules_add(r, acc->senders[j])) != 0)
                snprintf(err, errlen, "account '%s': bad sender rule '%s'", acc->name,
                         acc->senders[j]);
        if (rc) {
            cm_accounts_free(a);
            return rc;
        }
    }
    *out = a;
    return 0;
}

const cm_config_account *cm_accounts_find(const cm_accounts *a, const char *addr, int *rc)
{
    size_t idx;
    *rc = cm_sender_rules_lookup(a->list, a->n, addr, &idx);
    return *rc == 0 ? &a->cfg->accounts[idx] : NULL;
}
