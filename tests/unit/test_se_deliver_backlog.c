/* Unit tests for se_deliver_backlog, the egress's receipt flow control: submits pause
 * from SE_DLV_SLOW_AT receipts waiting for a live dlr until SE_DLV_RESUME_AT are left
 * (hysteresis), and never for a dlr that acknowledged nothing in SE_DLV_ALIVE_MS (or
 * ever). Table-driven: each row is one decision. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "se_deliver.h"

#define NOW 1000000ull

typedef struct {
    const char *name;
    int paused;
    uint64_t waiting, acked_ms;
    int expect;
} row;

static const row ROWS[] = {
    {"below the mark: submits go on", 0, SE_DLV_SLOW_AT - 1, NOW - 10, 0},
    {"at the mark with a live dlr: pause", 0, SE_DLV_SLOW_AT, NOW - 10, 1},
    {"paused, still above the resume mark", 1, SE_DLV_RESUME_AT + 1, NOW - 10, 1},
    {"paused, down to the resume mark: resume", 1, SE_DLV_RESUME_AT, NOW - 10, 0},
    {"between the marks, not paused: stays so", 0, SE_DLV_RESUME_AT + 1, NOW - 10, 0},
    {"dlr silent for SE_DLV_ALIVE_MS: never paused", 0, SE_DLV_SLOW_AT * 2, NOW - SE_DLV_ALIVE_MS,
     0},
    {"paused, then dlr falls silent: resume", 1, SE_DLV_SLOW_AT, NOW - SE_DLV_ALIVE_MS - 1, 0},
    {"dlr never acknowledged anything: never paused", 0, SE_DLV_SLOW_AT, 0, 0},
};

static void decisions(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        const row *r = &ROWS[i];
        int got = se_deliver_backlog(r->paused, r->waiting, r->acked_ms, NOW);
        if (got != r->expect) fail_msg("%s: got %d, expected %d", r->name, got, r->expect);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(decisions)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
