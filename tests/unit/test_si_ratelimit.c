/* Unit tests for si_ratelimit (recipient rate per minute, in bounded memory) and
 * si_rspamd_score (the top-level score of a /checkv2 answer): scripted timelines with
 * exact expected verdicts, bucket debt for lists larger than the rate, the key table
 * full and swept, and JSON answers with nested
 * "score" members, odd spacing and garbage. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "si_ratelimit.h"
#include "si_rspamd.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define DAY 86400000ull
#define T0 (20000 * DAY + 1000) /* some UTC day, just after midnight */

typedef struct {
    uint64_t at_ms;
    const char *key;
    unsigned rate, n;
    int expect; /* check result; taken when SI_RL_OK */
} step;

static void play(const step *steps, size_t n, size_t max_keys)
{
    si_ratelimit *rl = si_ratelimit_create(max_keys);
    for (size_t i = 0; i < n; i++) {
        const step *s = &steps[i];
        int rc = si_ratelimit_check(rl, s->key, s->rate, s->n, s->at_ms);
        if (rc != s->expect) fail_msg("step %zu: %d, expected %d", i, rc, s->expect);
        if (rc == SI_RL_OK) si_ratelimit_take(rl, s->key, s->rate, s->n, s->at_ms);
    }
    si_ratelimit_free(rl);
}

static void rate(void **state)
{
    static const step steps[] = {
        /* 60/min: a burst of 60, then one per second */
        {T0, "s:a", 60, 30, SI_RL_OK},
        {T0, "s:a", 60, 30, SI_RL_OK},
        {T0, "s:a", 60, 1, SI_RL_RATE},
        {T0 + 999, "s:a", 60, 1, SI_RL_RATE},
        {T0 + 1000, "s:a", 60, 1, SI_RL_OK},
        {T0 + 1000, "s:b", 60, 1, SI_RL_OK}, /* keys are independent */
        /* a list of 150 with a full bucket passes, and leaves a debt of 90 */
        {T0, "s:c", 60, 150, SI_RL_OK},
        {T0 + 60000, "s:c", 60, 1, SI_RL_RATE},   /* -30 after a minute */
        {T0 + 91000, "s:c", 60, 1, SI_RL_OK},     /* +1 after 91 s */
        {T0 + 91000, "s:c", 60, 150, SI_RL_RATE}, /* needs a full bucket */
        {T0, "s:off", 0, 100000, SI_RL_OK},
    };
    play(steps, N_ELEMS(steps), 100);
}

static void table_bound(void **state)
{
    static const step steps[] = {
        {T0, "k1", 10, 1, SI_RL_OK},
        {T0 + 30000, "k2", 10, 1, SI_RL_OK},
        {T0 + 30000, "k3", 10, 1, SI_RL_FULL}, /* nobody at rest yet */
        {T0 + 60000, "k3", 10, 1, SI_RL_OK},   /* k1 unused for a minute: dropped */
        {T0 + 60000, "k4", 10, 1, SI_RL_FULL}, /* k2 used 30 s ago, k3 busy */
        {T0 + 90000, "k4", 10, 1, SI_RL_OK},   /* k2 at rest now */
        {T0, "k5", 0, 1, SI_RL_OK},            /* no limit: never stored */
    };
    play(steps, N_ELEMS(steps), 2);
}

static void rspamd_score(void **state)
{
    static const struct {
        const char *json;
        int rc;
        double score;
    } cases[] = {
        {"{\"is_skipped\":false,\"score\":5.5,\"required_score\":15,\"action\":\"add header\"}", 0,
         5.5},
        {"{\"symbols\":{\"A\":{\"name\":\"A\",\"score\":9.0}},\"score\": -1.25 }", 0, -1.25},
        {"{\"action\":\"no action\", \"messages\":{\"score\":\"x\"}, \"score\" :\t12}", 0, 12},
        {"{\"note\":\"\\\"score\\\":99\",\"score\":0}", 0, 0},
        {"{\"required_score\":15}", -74, 0},
        {"{\"score\":\"high\"}", -74, 0},
        {"{\"is_skipped\":true,\"score\":15.0,\"required_score\":15.0,\"action\":\"reject\"}", 0,
         INFINITY},
        {"{\"is_skipped\":false,\"score\":16,\"action\":\"reject\"}", 0, 16},
        {"{\"symbols\":{\"action\":\"reject\",\"is_skipped\":true},\"score\":3}", 0, 3},
        {"not json", -74, 0},
        {"", -74, 0},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        double score = -99;
        int rc = si_rspamd_score(cases[i].json, strlen(cases[i].json), &score);
        if (rc != cases[i].rc) fail_msg("case %zu: rc %d", i, rc);
        if (rc == 0 && score != cases[i].score) fail_msg("case %zu: score %g", i, score);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rate),
        cmocka_unit_test(table_bound),
        cmocka_unit_test(rspamd_score),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
