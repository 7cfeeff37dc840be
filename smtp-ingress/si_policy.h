/* si_policy: the checks the SMTP session applies to the envelope and the headers
 * (SPEC.md sections 1 and 4). Each check fills a si_reply: code 0 means "accepted, go
 * on"; otherwise the reply to send.
 *
 *   si_policy_sender()       MAIL FROM must be allowed by exactly one account's sender
 *                            rules (cm_accounts_find): else 550 5.7.1 "sender <x>
 *                            is not authorised to send SMS"; an address claimed by two
 *                            accounts is a configuration error: 451 4.3.5. <> is never
 *                            authorised.
 *   si_policy_rcpt()         the path of RCPT TO: source routes, quoted local parts,
 *                            several '@', '%' or '!' in the local part and any domain
 *                            other than the configured one (case-insensitive) are 550
 *                            5.7.1 "relaying denied"; a local part that is neither
 *                            SMS=..., multi nor multi_sms is 550 5.1.1 "unknown
 *                            recipient"; a local part starting with "SMS=" that does not
 *                            parse is accepted (the router answers it with a negative
 *                            acceptance receipt, "error in the To field").
 *   si_policy_header_from()  the From: header must name exactly one mailbox, equal to
 *                            MAIL FROM case-insensitively: else 550 5.7.1.
 *   si_policy_smtp_user()    the SMTP AUTH login `user` (exact match) -> its crypt(3)
 *                            hash and its account's name (borrowed from the config);
 *                            -ENOENT if no account has it.
 *
 * Ownership: si_policy_create() borrows cfg for the life of the policy (the process's
 * read-only config) and compiles the accounts' sender rules with cm_accounts (the same
 * rule sets as the router's); on a malformed rule or an SMTP login given to two
 * accounts it returns -EINVAL and writes why into err. Strings passed to the checks
 * are borrowed for the call. No logging. */
#ifndef SI_POLICY_H
#define SI_POLICY_H

#include "cm_config.h"
#include "si_reply.h"

#include <stddef.h>

typedef struct si_policy si_policy;

int si_policy_create(const cm_config *cfg, si_policy **out, char *err, size_t errlen);
void si_policy_free(si_policy *p);

void si_policy_sender(const si_policy *p, const char *addr, si_reply *r);
void si_policy_rcpt(const si_policy *p, const char *path, int source_route, si_reply *r);
/* The account of that name in the policy's config, NULL if none. */
const cm_config_account *si_policy_account(const si_policy *p, const char *name);
int si_policy_smtp_user(const si_policy *p, const char *user, const char **hash,
                        const char **account);
void si_policy_header_from(const char *mail_from, const char *header_from, int n_from, si_reply *r);

#endif
