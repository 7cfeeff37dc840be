/* cm_accounts: which configured account a sender address belongs to (SPEC §4).
 *
 * cm_accounts_create() compiles every account's `senders` rules of a loaded config
 * (borrowed: it must outlive the result) into rule sets; a malformed rule fails with
 * -EINVAL and a one-line reason in err naming the account and the rule.
 * cm_accounts_find() returns the account that authorises `addr` (most specific rule
 * across accounts wins, see cm_sender_rules_lookup), or NULL with *rc set to -ENOENT
 * (no rule), -EACCES (denied) or -ENOTUNIQ (several accounts claim it). */
#ifndef CM_ACCOUNTS_H
#define CM_ACCOUNTS_H

#include "cm_config.h"

#include <stddef.h>

typedef struct cm_accounts cm_accounts;

int cm_accounts_create(const cm_config *cfg, cm_accounts **out, char *err, size_t errlen);
void cm_accounts_free(cm_accounts *a);
const cm_config_account *cm_accounts_find(const cm_accounts *a, const char *addr, int *rc);

#endif
