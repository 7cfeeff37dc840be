/* se_rate: the submit rate of one bind: a token bucket at the configured max_rate, and
 * an adaptive limit that the SMSC's flow control sets (AIMD).
 *
 * Bucket: `rate` tokens a second, at most one second's worth saved; one token per
 * submit_sm. The rate in force is the adaptive limit when one is set, else max_rate
 * (0 = unlimited: the window alone limits).
 *
 * Adaptive limit (SPEC §7 flow control): a submit answered ESME_RTHROTTLED (0x58) or
 * ESME_RMSGQFUL (0x14) calls se_rate_throttled(): the limit becomes half the rate in
 * force (half the rate actually sent in the last second when max_rate is 0), at least
 * SE_RATE_MIN, and the bucket is emptied, so the bind pauses for one token's time. At
 * most one halving per SE_RATE_STEP_MS: the other throttled answers of the same burst
 * were sent at the old rate and say nothing new. Each SE_RATE_STEP_MS without a
 * throttle, se_rate_tick() raises the limit by 10% (at least 1 submit/s); once it
 * reaches the ceiling (max_rate, or the rate before the first halving when max_rate is
 * 0) the limit is lifted. So a bind throttled at 100/s drops to 50/s at once and is
 * back at 100/s after about 8 s without throttling.
 *
 * Pure (the caller passes the time in ms), never fails, never logs. */
#ifndef SE_RATE_H
#define SE_RATE_H

#include <stdint.h>

#define SE_RATE_MIN 1.0
#define SE_RATE_STEP_MS 1000u

typedef struct {
    int max_rate;        /* configured, 0 = unlimited */
    double limit;        /* adaptive limit in force, 0 = none */
    double ceiling;      /* limit lifted at or above this */
    double tokens;       /* bucket */
    uint64_t tok_ms;     /* bucket last refilled */
    uint64_t changed_ms; /* limit last halved or raised */
    uint64_t slot_ms;    /* start of the current one-second counting slot */
    unsigned slot_n, prev_n;
} se_rate;

enum se_rate_change { SE_RATE_SAME, SE_RATE_LOWERED, SE_RATE_RAISED, SE_RATE_LIFTED };

void se_rate_init(se_rate *r, int max_rate, uint64_t now_ms);
/* A new connection: the bucket holds one token (the limit is kept). */
void se_rate_bound(se_rate *r, uint64_t now_ms);
/* Submits allowed now, at most cap. */
int se_rate_room(se_rate *r, uint64_t now_ms, int cap);
/* When room is 0: milliseconds until the next token. */
uint64_t se_rate_wait_ms(const se_rate *r);
void se_rate_sent(se_rate *r, uint64_t now_ms);
enum se_rate_change se_rate_throttled(se_rate *r, uint64_t now_ms);
enum se_rate_change se_rate_tick(se_rate *r, uint64_t now_ms);
/* The rate in force, submits/s; 0 = unlimited. */
double se_rate_in_force(const se_rate *r);

#endif
