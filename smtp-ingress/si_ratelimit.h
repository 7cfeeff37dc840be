/* si_ratelimit: recipients counted per key (an envelope sender, an account) against a
 * rate per minute, in bounded memory. Pure (the time is given). (Daily quotas are the
 * router's: router/rt_quota.h.)
 *
 * Rate: a token bucket of `rate` tokens refilled at rate/minute, full at first; a
 * request of n recipients fits while the bucket holds min(n, rate) tokens and then
 * takes n (the bucket may go below zero: a list larger than the rate passes once, and
 * the next ones wait until it is paid back). A rate of 0 means no limit.
 *
 * si_ratelimit_check() says whether n more recipients fit (SI_RL_OK, SI_RL_RATE) without
 * counting them; si_ratelimit_take() counts them. Checking first for every key then
 * taking from each keeps keys consistent when one refuses.
 * At most max_keys keys are tracked: when full, keys unused for a minute (back to rest)
 * are dropped; if none is, SI_RL_FULL (the caller refuses temporarily rather than
 * forget a limit). -ENOMEM on allocation failure. */
#ifndef SI_RATELIMIT_H
#define SI_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

enum si_rl { SI_RL_OK, SI_RL_RATE, SI_RL_FULL };

typedef struct si_ratelimit si_ratelimit;

si_ratelimit *si_ratelimit_create(size_t max_keys);
void si_ratelimit_free(si_ratelimit *rl);
int si_ratelimit_check(si_ratelimit *rl, const char *key, unsigned rate, unsigned n,
                       uint64_t now_ms);
int si_ratelimit_take(si_ratelimit *rl, const char *key, unsigned rate, unsigned n,
                      uint64_t now_ms);
size_t si_ratelimit_size(const si_ratelimit *rl);

#endif
