/*
 * cm_sender_rules: which sender addresses may use an account (SPEC.md section 4).
 *
 * What it does
 *   An account holds a set of rules on sender addresses (the envelope MAIL FROM):
 *     "allow:user@dom"   allow this address
 *     "allow:@dom"       allow every address of this domain (exactly this domain, not
 *     "allow:dom"        its subdomains; both spellings mean the same)
 *     "deny:user@dom"    deny this address (typically inside an allowed domain)
 *   Rule strings: the keyword is case-insensitive, spaces/tabs around the whole string
 *   are trimmed, none are allowed inside. The address's local part is any printable
 *   ASCII except '@' and spaces; the domain is [A-Za-z0-9-] labels joined by single dots.
 *   "deny:@dom" is refused (-EINVAL): without a rule a sender is already refused.
 *   Everything is compared case-insensitively (stored lower-case).
 *
 *   cm_sender_rules_match(): the most specific rule wins: an address rule decides for
 *   that address (allow or deny); otherwise a domain rule allows; otherwise NONE (the
 *   sender is not authorised). The guide's example: allow:P1@efidem.com,
 *   deny:P2@efidem.com, allow:P3@efidem.com; later just allow:@efidem.com.
 *
 *   cm_sender_rules_lookup(): finds which of several accounts a sender belongs to,
 *   deciding at the most specific level where any account has a rule:
 *     1. address level: if any account denies the address -> -EACCES; else if exactly
 *        one account allows it -> that account; several -> -ENOTUNIQ.
 *     2. domain level (only if no account has an address rule for it): exactly one
 *        account allowing the domain -> that account; several -> -ENOTUNIQ.
 *     3. no rule anywhere -> -ENOENT.
 *   So an exact allow in account B beats a domain allow in account A, and a deny of
 *   the address in any account refuses it. Linear in the total number of rules.
 *
 * Ownership
 *   cm_sender_rules_create() returns an owned set; free it with cm_sender_rules_free()
 *   (NULL is accepted). Rule and address strings are borrowed and copied. The accounts
 *   array and the sets it points to are borrowed for the duration of the call. A set is
 *   not modified by match/lookup, so it can be shared read-only between threads once
 *   built.
 *
 * Failure (negative errno)
 *   -EINVAL   NULL argument, malformed rule, address or domain.
 *   -EEXIST   cm_sender_rules_add(): the same target already has the opposite verdict
 *             (adding an identical rule again is a no-op returning 0).
 *   -ENOMEM   allocation failed (the set is unchanged).
 *   -EACCES, -ENOTUNIQ, -ENOENT   cm_sender_rules_lookup(), as above.
 *   cm_sender_rules_match() never fails: a NULL or malformed address gives
 *   CM_SENDER_NONE (an empty MAIL FROM <> is never authorised).
 *   No logging, no global state.
 */
#ifndef CM_SENDER_RULES_H
#define CM_SENDER_RULES_H

#include <stddef.h>

typedef enum cm_sender_verdict {
    CM_SENDER_NONE = 0, /* no rule applies: not authorised */
    CM_SENDER_ALLOW,
    CM_SENDER_DENY,
} cm_sender_verdict;

typedef struct cm_sender_rules cm_sender_rules;

typedef struct cm_sender_account {
    const char *name;             /* borrowed, only reported back to the caller */
    const cm_sender_rules *rules; /* borrowed */
} cm_sender_account;

/* New empty rule set in *out. Returns 0 or -ENOMEM / -EINVAL. */
int cm_sender_rules_create(cm_sender_rules **out);
void cm_sender_rules_free(cm_sender_rules *rules);

/* Adds one rule "allow:user@dom", "allow:@dom", "allow:dom" or "deny:user@dom".
 * Returns 0, -EINVAL, -EEXIST or -ENOMEM. */
int cm_sender_rules_add(cm_sender_rules *rules, const char *rule);

/* Number of distinct rules in the set. */
size_t cm_sender_rules_count(const cm_sender_rules *rules);

/* Verdict of one account's rules for the sender address addr ("user@dom"). */
cm_sender_verdict cm_sender_rules_match(const cm_sender_rules *rules, const char *addr);

/* Finds the account that authorises addr among accounts[0..n). On success returns 0 and
 * sets *index. Returns -EACCES, -ENOTUNIQ, -ENOENT or -EINVAL otherwise. */
int cm_sender_rules_lookup(const cm_sender_account *accounts, size_t n, const char *addr,
                           size_t *index);

#endif /* CM_SENDER_RULES_H */
