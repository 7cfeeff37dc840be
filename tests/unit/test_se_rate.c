/* Unit tests for se_rate: the token bucket of a bind and its adaptive limit (halved on a
 * throttled answer, at most once a second; +10% (at least +1/s) per second without;
 * lifted at the ceiling). Table-driven: each row is a scripted sequence of events at
 * given times with the rate in force expected after each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "se_rate.h"

enum ev { SENT, THROTTLED, TICK, END };

typedef struct {
    enum ev ev;
    uint64_t at_ms;
    int n;           /* SENT: how many submits */
    int change;      /* expected enum se_rate_change (THROTTLED, TICK) */
    double in_force; /* expected afterwards, 0 = unlimited */
} step;

typedef struct {
    const char *name;
    int max_rate;
    step steps[12];
} script;

static const script SCRIPTS[] = {
    {"configured 20/s: halved, raised 10% a second, lifted at 20",
     20,
     {{THROTTLED, 100, 0, SE_RATE_LOWERED, 10},
      {THROTTLED, 600, 0, SE_RATE_SAME, 10}, /* same burst: not halved again */
      {TICK, 1000, 0, SE_RATE_SAME, 10},     /* less than a second since */
      {TICK, 1100, 0, SE_RATE_RAISED, 11},
      {TICK, 2100, 0, SE_RATE_RAISED, 12.1},
      {THROTTLED, 2200, 0, SE_RATE_SAME, 12.1},
      {THROTTLED, 3200, 0, SE_RATE_LOWERED, 6.05},
      {TICK, 4200, 0, SE_RATE_RAISED, 7.05}, /* +1/s beats +10% below 10/s */
      {END}}},
    {"unlimited: half the rate sent in the last second",
     0,
     {{SENT, 0, 30, 0, 0},
      {SENT, 1000, 8, 0, 0},
      {THROTTLED, 1500, 0, SE_RATE_LOWERED, 15}, /* last full second had 30 */
      {TICK, 2500, 0, SE_RATE_RAISED, 16.5},
      {TICK, 3500, 0, SE_RATE_RAISED, 18.15},
      {TICK, 4500, 0, SE_RATE_RAISED, 19.965},
      {TICK, 5500, 0, SE_RATE_RAISED, 21.9615},
      {TICK, 6500, 0, SE_RATE_RAISED, 24.15765},
      {TICK, 7500, 0, SE_RATE_RAISED, 26.573415},
      {TICK, 8500, 0, SE_RATE_RAISED, 29.2307565},
      {TICK, 9500, 0, SE_RATE_LIFTED, 0},
      {END}}},
    {"never below 1/s",
     1,
     {{THROTTLED, 0, 0, SE_RATE_LOWERED, 1},
      {TICK, 1000, 0, SE_RATE_LIFTED, 1}, /* 2 >= ceiling 1: back to max_rate */
      {END}}},
};

static void run_script(const script *sc)
{
    se_rate r;
    se_rate_init(&r, sc->max_rate, 0);
    for (const step *s = sc->steps; s->ev != END; s++) {
        int ch = 0;
        if (s->ev == SENT)
            for (int i = 0; i < s->n; i++)
                se_rate_sent(&r, s->at_ms);
        else
            ch = s->ev == THROTTLED ? (int)se_rate_throttled(&r, s->at_ms)
                                    : (int)se_rate_tick(&r, s->at_ms);
        if (s->ev != SENT) assert_int_equal(ch, s->change);
        if (se_rate_in_force(&r) - s->in_force > 1e-6 || s->in_force - se_rate_in_force(&r) > 1e-6)
            fail_msg("%s: step %d: rate %f, expected %f", sc->name, (int)(s - sc->steps),
                     se_rate_in_force(&r), s->in_force);
    }
}

static void test_scripts(void **state)
{
    for (size_t i = 0; i < sizeof SCRIPTS / sizeof SCRIPTS[0]; i++)
        run_script(&SCRIPTS[i]);
}

/* The bucket: one token on a new connection, max_rate a second, one second saved. */
static void test_bucket(void **state)
{
    se_rate r;
    se_rate_init(&r, 10, 0);
    assert_int_equal(se_rate_room(&r, 0, 100), 1);
    se_rate_sent(&r, 0);
    assert_int_equal(se_rate_room(&r, 0, 100), 0);
    assert_int_equal(se_rate_wait_ms(&r), 101);
    assert_int_equal(se_rate_room(&r, 100, 100), 1);
    assert_int_equal(se_rate_room(&r, 5000, 100), 10); /* one second's worth at most */
    assert_int_equal(se_rate_room(&r, 5000, 4), 4);    /* capped by the window */
    se_rate_throttled(&r, 5000);
    assert_int_equal(se_rate_room(&r, 5000, 100), 0); /* emptied: a pause */
    assert_int_equal(se_rate_wait_ms(&r), 201);       /* one token at 5/s */
    assert_int_equal(se_rate_room(&r, 5200, 100), 1);
    se_rate_bound(&r, 9000);
    assert_int_equal(se_rate_room(&r, 9000, 100), 1);
}

static void test_unlimited(void **state)
{
    se_rate r;
    se_rate_init(&r, 0, 0);
    assert_int_equal(se_rate_room(&r, 0, 7), 7);
    for (int i = 0; i < 1000; i++)
        se_rate_sent(&r, 10);
    assert_int_equal(se_rate_room(&r, 10, 7), 7);
    assert_int_equal(se_rate_wait_ms(&r), 0);
    assert_int_equal(se_rate_tick(&r, 5000), SE_RATE_SAME);
    /* throttled with nothing sent for a while: the floor */
    assert_int_equal(se_rate_throttled(&r, 10000), SE_RATE_LOWERED);
    assert_true(se_rate_in_force(&r) == SE_RATE_MIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scripts),
        cmocka_unit_test(test_bucket),
        cmocka_unit_test(test_unlimited),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
