/* Unit tests of rt_mo_is_stop: what counts as a STOP request. */
#include "rt_mo.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static const struct {
    const char *text;
    int stop;
} rows[] = {
    {"STOP", 1},         {"stop", 1},       {" Stop ", 1},
    {"STOP SMS", 1},     {"stop sms.", 1},  {"S T O P", 1},
    {"STÔP", 1},         {"Stop!\r\n", 1},  {"STOPSMS", 1},
    {"STOP MERCI", 0},   {"ARRET", 0},      {"STOPPER", 0},
    {"Merci, stop", 0},  {"", 0},           {"OK", 0},
    {"STOP STOP", 0},    {"stop 36105", 1}, {"Non merci STOP", 0},
    {"\xC3\x89STOP", 0},
};

static void stop_words(void **state)
{
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        if (rt_mo_is_stop(rows[i].text) != rows[i].stop)
            fail_msg("'%s': expected %d", rows[i].text, rows[i].stop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(stop_words)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
