/* si_ratelimit: recipients counted per key (an envelope sender, an account) against a
 * rate per minute and a quota per UTC day, in bounded memory. Pure (the time is given).
 *
 * Rate: a token bucket of `rate` tokens refilled at rate/minute, full at first; a
 * request of n recipients fits while the bucket holds min(n, rate) tokens and then
 * takes n (the bucket may go below zero: a list larger than the rate passes once, and
 * the next ones wait until it is paid back). Quota: at most `quota` recipients per UTC
 * day (day = now_ms / 86400000). 0 means no limit for either.
 *
 * si_ratelimit_check() says whether n more recipients fit both (SI_RL_OK, SI_RL_RATE,
 * SI_RL_QUOTA) without counting them; si_ratelimit_take() counts them. Checking first
 * for every key then taking from each keeps keys consistent when one refuses.
 * At most max_keys keys are tracked: when full, keys that are back to rest (bucket
 * full, nothing counted today) are dropped; if none is, SI_RL_FULL (the caller refuses
 * temporarily rather than forget a limit). -ENOMEM on allocation failure. */
#ifndef SI_RATELIMIT_H
#define SI_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

enum si_rl { SI_RL_OK, SI_RL_RATE, SI_RL_QUOTA, SI_RL_FULL };

typedef struct si_ratelimit si_ratelimit;

si_ratelimit *si_ratelimit_create(size_t max_keys);
void si_ratelimit_free(si_ratelimit *rl);
int si_ratelimit_check(si_ratelimit *rl, const char *key, unsigned rate, unsigned quota, unsigned n,
                       uint64_t now_ms);
int si_ratelimit_take(si_ratelimit *rl, const char *key, unsigned rate, unsigned quota, unsigned n,
                      uint64_t now_ms);
size_t si_ratelimit_size(const si_ratelimit *rl);

#endif
