/* Unit tests for cm_calendar: Easter and holidays, the Europe/Paris DST switches, the
 * overseas zones, quiet-hours scheduling (boundaries, Sundays, holidays, DST days),
 * local formatting, parsers; golden files calendar/window.tsv and calendar/days.tsv.
 * The rules table is cross-checked against the system tz database when installed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cm_calendar.h"

#ifndef SMSGW_TEST_DATA
#define SMSGW_TEST_DATA "tests/unit/data"
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define PARIS "Europe/Paris"

/* "YYYY-MM-DDTHH:MM:SSZ" -> seconds since the epoch, with libc's timegm (independent
 * of the code under test). */
static int64_t utc(const char *iso)
{
    struct tm tm = {0};
    char z = 0;
    if (sscanf(iso, "%d-%d-%dT%d:%d:%d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &z) != 7 ||
        z != 'Z')
        fail_msg("bad test instant \"%s\"", iso);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm);
}

static const char *errname(int rc)
{
    switch (rc) {
    case 0:
        return "0";
    case -EINVAL:
        return "EINVAL";
    case -ENOENT:
        return "ENOENT";
    case -ERANGE:
        return "ERANGE";
    case -E2BIG:
        return "E2BIG";
    case -ENOSPC:
        return "ENOSPC";
    default:
        return "other";
    }
}

/* ---- Easter and holidays ---- */

typedef struct easter_case {
    int year, month, day;     /* Easter Sunday */
    int mon_month, mon_day;   /* Easter Monday */
    int asc_month, asc_day;   /* Ascension Thursday */
    int whit_month, whit_day; /* Whit Monday */
} easter_case;

static const easter_case EASTER[] = {
    {2024, 3, 31, 4, 1, 5, 9, 5, 20},   {2025, 4, 20, 4, 21, 5, 29, 6, 9},
    {2026, 4, 5, 4, 6, 5, 14, 5, 25},   {2027, 3, 28, 3, 29, 5, 6, 5, 17},
    {2028, 4, 16, 4, 17, 5, 25, 6, 5},  {2029, 4, 1, 4, 2, 5, 10, 5, 21},
    {2030, 4, 21, 4, 22, 5, 30, 6, 10}, {2031, 4, 13, 4, 14, 5, 22, 6, 2},
    {2032, 3, 28, 3, 29, 5, 6, 5, 17},  {2033, 4, 17, 4, 18, 5, 26, 6, 6},
    {2034, 4, 9, 4, 10, 5, 18, 5, 29},  {2035, 3, 25, 3, 26, 5, 3, 5, 14},
};

static void test_easter_table(void **state)
{
    (void)state;
    cm_calendar_policy p;
    cm_calendar_policy_default(&p);
    for (size_t i = 0; i < N_ELEMS(EASTER); i++) {
        const easter_case *c = &EASTER[i];
        int m = 0, d = 0;
        assert_int_equal(cm_calendar_easter(c->year, &m, &d), 0);
        if (m != c->month || d != c->day)
            fail_msg("Easter %d: got %02d-%02d, want %02d-%02d", c->year, m, d, c->month, c->day);
        /* Easter Sunday itself is no holiday; the derived days are. */
        assert_int_equal(cm_calendar_is_holiday(&p, c->year, c->month, c->day), 0);
        assert_int_equal(cm_calendar_is_holiday(&p, c->year, c->mon_month, c->mon_day), 1);
        assert_int_equal(cm_calendar_is_holiday(&p, c->year, c->asc_month, c->asc_day), 1);
        assert_int_equal(cm_calendar_is_holiday(&p, c->year, c->whit_month, c->whit_day), 1);
    }
}

typedef struct date_case {
    int year, month, day;
} date_case;

static void test_easter_other_years(void **state)
{
    (void)state;
    /* earliest and latest possible dates, and century years */
    static const date_case CASES[] = {
        {1583, 4, 10}, {1818, 3, 22}, {1943, 4, 25}, {2000, 4, 23},
        {2038, 4, 25}, {2100, 3, 28}, {2285, 3, 22}, {9999, 3, 28},
    };
    for (size_t i = 0; i < N_ELEMS(CASES); i++) {
        int m = 0, d = 0;
        assert_int_equal(cm_calendar_easter(CASES[i].year, &m, &d), 0);
        if (m != CASES[i].month || d != CASES[i].day)
            fail_msg("Easter %d: got %02d-%02d", CASES[i].year, m, d);
    }
    int m = 0, d = 0;
    assert_int_equal(cm_calendar_easter(1582, &m, &d), -ERANGE);
    assert_int_equal(cm_calendar_easter(10000, &m, &d), -ERANGE);
    assert_int_equal(cm_calendar_easter(2026, NULL, &d), -EINVAL);
    assert_int_equal(cm_calendar_easter(2026, &m, NULL), -EINVAL);
    assert_int_equal(m, 0);
}

/* Easter by a different formula (Oudin 1940, as in dateutil), for every year. */
static void easter_oudin(int y, int *month, int *day)
{
    int g = y % 19, c = y / 100;
    int h = (c - c / 4 - (8 * c + 13) / 25 + 19 * g + 15) % 30;
    int i = h - (h / 28) * (1 - (h / 28) * (29 / (h + 1)) * ((21 - g) / 11));
    int j = (y + y / 4 + i + 2 - c + c / 4) % 7;
    int p = i - j;
    *month = 3 + (p + 26) / 30;
    *day = 1 + (p + 27 + (p + 6) / 40) % 31;
}

static void test_easter_all_years(void **state)
{
    (void)state;
    for (int y = CM_CALENDAR_YEAR_MIN; y <= CM_CALENDAR_YEAR_MAX; y++) {
        int m, d, wm, wd;
        assert_int_equal(cm_calendar_easter(y, &m, &d), 0);
        easter_oudin(y, &wm, &wd);
        if (m != wm || d != wd)
            fail_msg("Easter %d: got %02d-%02d, want %02d-%02d", y, m, d, wm, wd);
    }
}

typedef struct holiday_case {
    int year, month, day;
    int want; /* 1, 0 or a negative errno */
} holiday_case;

static const holiday_case DEFAULT_HOLIDAYS[] = {
    {2026, 1, 1, 1},        {2026, 5, 1, 1},        {2026, 5, 8, 1},        {2026, 7, 14, 1},
    {2026, 8, 15, 1},       {2026, 11, 1, 1},       {2026, 11, 11, 1},      {2026, 12, 25, 1},
    {2026, 4, 6, 1},        {2026, 5, 14, 1},       {2026, 5, 25, 1},       {2026, 4, 3, 0},
    {2026, 4, 5, 0},        {2026, 5, 24, 0},       {2026, 12, 26, 0},      {2026, 12, 31, 0},
    {2026, 1, 2, 0},        {2026, 5, 2, 0},        {2026, 7, 13, 0},       {2028, 2, 29, 0},
    {2027, 2, 29, -EINVAL}, {2026, 4, 31, -EINVAL}, {2026, 13, 1, -EINVAL}, {2026, 0, 1, -EINVAL},
    {2026, 1, 0, -EINVAL},  {1582, 1, 1, -ERANGE},  {10000, 1, 1, -ERANGE},
};

static void test_is_holiday_default(void **state)
{
    (void)state;
    cm_calendar_policy p;
    cm_calendar_policy_default(&p);
    for (size_t i = 0; i < N_ELEMS(DEFAULT_HOLIDAYS); i++) {
        const holiday_case *c = &DEFAULT_HOLIDAYS[i];
        int rc = cm_calendar_is_holiday(&p, c->year, c->month, c->day);
        if (rc != c->want)
            fail_msg("%04d-%02d-%02d: got %d, want %d", c->year, c->month, c->day, rc, c->want);
    }
    assert_int_equal(cm_calendar_is_holiday(NULL, 2026, 1, 1), -EINVAL);
}

static void test_is_holiday_custom(void **state)
{
    (void)state;
    static const char *const ALSACE[] = {"french", "good_friday", "12-26"};
    static const char *const FEW[] = {"christmas", "02-29", "easter_monday"};
    cm_calendar_policy p;
    cm_calendar_policy_default(&p);
    assert_int_equal(cm_calendar_parse_holidays(&p, ALSACE, N_ELEMS(ALSACE)), 0);
    assert_int_equal(cm_calendar_is_holiday(&p, 2026, 4, 3), 1);   /* Good Friday */
    assert_int_equal(cm_calendar_is_holiday(&p, 2026, 12, 26), 1); /* St Stephen */
    assert_int_equal(cm_calendar_is_holiday(&p, 2026, 12, 25), 1);
    assert_int_equal(cm_calendar_is_holiday(&p, 2026, 12, 27), 0);
    assert_int_equal(cm_calendar_parse_holidays(&p, FEW, N_ELEMS(FEW)), 0);
    assert_int_equal(cm_calendar_is_holiday(&p, 2028, 2, 29), 1);
    assert_int_equal(cm_calendar_is_holiday(&p, 2026, 12, 25), 1);
    assert_int_equal(cm_calendar_is_holiday(&p, 2026, 4, 6), 1);
    assert_int_equal(cm_calendar_is_holiday(&p, 2026, 1, 1), 0);
    assert_int_equal(cm_calendar_is_holiday(&p, 2026, 5, 14), 0);
    assert_int_equal(cm_calendar_parse_holidays(&p, NULL, 0), 0);
    assert_int_equal(cm_calendar_is_holiday(&p, 2026, 12, 25), 0);
    assert_int_equal(cm_calendar_is_holiday(&p, 2026, 4, 6), 0);
}

/* ---- time zones ---- */

typedef struct dst_case {
    const char *spring; /* first instant of summer time (UTC+2) */
    const char *autumn; /* first instant of winter time (UTC+1) */
    const char *spring_before, *spring_after, *autumn_before, *autumn_after; /* local */
} dst_case;

static const dst_case DST[] = {
    {"2024-03-31T01:00:00Z", "2024-10-27T01:00:00Z", "2024-03-31 01:59", "2024-03-31 03:00",
     "2024-10-27 02:59", "2024-10-27 02:00"},
    {"2025-03-30T01:00:00Z", "2025-10-26T01:00:00Z", "2025-03-30 01:59", "2025-03-30 03:00",
     "2025-10-26 02:59", "2025-10-26 02:00"},
    {"2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z", "2026-03-29 01:59", "2026-03-29 03:00",
     "2026-10-25 02:59", "2026-10-25 02:00"},
    {"2027-03-28T01:00:00Z", "2027-10-31T01:00:00Z", "2027-03-28 01:59", "2027-03-28 03:00",
     "2027-10-31 02:59", "2027-10-31 02:00"},
    {"2028-03-26T01:00:00Z", "2028-10-29T01:00:00Z", "2028-03-26 01:59", "2028-03-26 03:00",
     "2028-10-29 02:59", "2028-10-29 02:00"},
    {"2029-03-25T01:00:00Z", "2029-10-28T01:00:00Z", "2029-03-25 01:59", "2029-03-25 03:00",
     "2029-10-28 02:59", "2029-10-28 02:00"},
    {"2030-03-31T01:00:00Z", "2030-10-27T01:00:00Z", "2030-03-31 01:59", "2030-03-31 03:00",
     "2030-10-27 02:59", "2030-10-27 02:00"},
    {"2031-03-30T01:00:00Z", "2031-10-26T01:00:00Z", "2031-03-30 01:59", "2031-03-30 03:00",
     "2031-10-26 02:59", "2031-10-26 02:00"},
    {"2032-03-28T01:00:00Z", "2032-10-31T01:00:00Z", "2032-03-28 01:59", "2032-03-28 03:00",
     "2032-10-31 02:59", "2032-10-31 02:00"},
    {"2033-03-27T01:00:00Z", "2033-10-30T01:00:00Z", "2033-03-27 01:59", "2033-03-27 03:00",
     "2033-10-30 02:59", "2033-10-30 02:00"},
    {"2034-03-26T01:00:00Z", "2034-10-29T01:00:00Z", "2034-03-26 01:59", "2034-03-26 03:00",
     "2034-10-29 02:59", "2034-10-29 02:00"},
    {"2035-03-25T01:00:00Z", "2035-10-28T01:00:00Z", "2035-03-25 01:59", "2035-03-25 03:00",
     "2035-10-28 02:59", "2035-10-28 02:00"},
};

static void expect_offset(const char *tz, int64_t t, int want)
{
    int off = -1;
    int rc = cm_calendar_utc_offset(tz, t, &off);
    if (rc != 0 || off != want)
        fail_msg("%s at %lld: got rc %d offset %d, want %d", tz, (long long)t, rc, off, want);
}

static void expect_local(const char *tz, int64_t t, const char *want)
{
    char buf[CM_CALENDAR_LOCAL_BUFSZ];
    int rc = cm_calendar_format_local(tz, t, buf, sizeof(buf));
    if (rc != 0 || strcmp(buf, want) != 0)
        fail_msg("%s at %lld: got rc %d \"%s\", want \"%s\"", tz, (long long)t, rc,
                 rc == 0 ? buf : "", want);
}

static void test_paris_dst_switches(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(DST); i++) {
        const dst_case *c = &DST[i];
        int64_t spring = utc(c->spring), autumn = utc(c->autumn);
        expect_offset(PARIS, spring - 1, 3600);
        expect_offset(PARIS, spring, 7200);
        expect_offset(PARIS, autumn - 1, 7200);
        expect_offset(PARIS, autumn, 3600);
        expect_local(PARIS, spring - 1, c->spring_before);
        expect_local(PARIS, spring, c->spring_after);
        expect_local(PARIS, autumn - 1, c->autumn_before);
        expect_local(PARIS, autumn, c->autumn_after);
    }
}

typedef struct offset_case {
    const char *tz;
    const char *when;
    int offset_s;
    const char *local;
} offset_case;

static const offset_case OFFSETS[] = {
    {"Indian/Reunion", "2026-01-15T12:00:00Z", 4 * 3600, "2026-01-15 16:00"},
    {"Indian/Reunion", "2026-07-15T21:30:00Z", 4 * 3600, "2026-07-16 01:30"},
    {"Indian/Mayotte", "2026-01-15T12:00:00Z", 3 * 3600, "2026-01-15 15:00"},
    {"Indian/Mayotte", "2026-07-15T12:00:00Z", 3 * 3600, "2026-07-15 15:00"},
    {"America/Guadeloupe", "2026-01-15T02:00:00Z", -4 * 3600, "2026-01-14 22:00"},
    {"America/Guadeloupe", "2026-07-15T12:00:00Z", -4 * 3600, "2026-07-15 08:00"},
    {"America/Martinique", "2026-01-15T12:00:00Z", -4 * 3600, "2026-01-15 08:00"},
    {"America/Martinique", "2026-07-15T12:00:00Z", -4 * 3600, "2026-07-15 08:00"},
    {"America/Cayenne", "2026-01-01T02:59:59Z", -3 * 3600, "2025-12-31 23:59"},
    {"America/Cayenne", "2026-07-15T12:00:00Z", -3 * 3600, "2026-07-15 09:00"},
    {"Europe/Paris", "2026-01-15T12:00:00Z", 3600, "2026-01-15 13:00"},
    {"Europe/Paris", "2026-07-15T12:00:00Z", 7200, "2026-07-15 14:00"},
    {"Europe/Paris", "2026-12-31T23:00:00Z", 3600, "2027-01-01 00:00"},
    {"Europe/Paris", "1970-01-01T00:00:00Z", 3600, "1970-01-01 01:00"},
    {"Europe/Paris", "9999-12-31T00:00:00Z", 3600, "9999-12-31 01:00"},
};

static void test_zone_offsets(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(OFFSETS); i++) {
        const offset_case *c = &OFFSETS[i];
        expect_offset(c->tz, utc(c->when), c->offset_s);
        expect_local(c->tz, utc(c->when), c->local);
    }
}

static void test_zone_errors(void **state)
{
    (void)state;
    static const char *const UNKNOWN[] = {"",
                                          "UTC",
                                          "Europe/London",
                                          "europe/paris",
                                          "Europe/Paris ",
                                          "Indian/Reunion/x",
                                          "CET",
                                          "Pacific/Noumea"};
    int64_t now = utc("2026-03-10T12:00:00Z"), out = 42;
    int off = 42;
    char buf[CM_CALENDAR_LOCAL_BUFSZ] = "untouched";
    cm_calendar_policy p;
    cm_calendar_policy_default(&p);
    for (size_t i = 0; i < N_ELEMS(UNKNOWN); i++) {
        assert_int_equal(cm_calendar_next_allowed(&p, UNKNOWN[i], now, &out), -ENOENT);
        assert_int_equal(cm_calendar_utc_offset(UNKNOWN[i], now, &off), -ENOENT);
        assert_int_equal(cm_calendar_format_local(UNKNOWN[i], now, buf, sizeof(buf)), -ENOENT);
    }
    assert_int_equal(out, 42);
    assert_int_equal(off, 42);
    assert_string_equal(buf, "untouched");
    assert_int_equal(cm_calendar_next_allowed(&p, NULL, now, &out), -EINVAL);
    assert_int_equal(cm_calendar_next_allowed(NULL, PARIS, now, &out), -EINVAL);
    assert_int_equal(cm_calendar_next_allowed(&p, PARIS, now, NULL), -EINVAL);
    assert_int_equal(cm_calendar_utc_offset(NULL, now, &off), -EINVAL);
    assert_int_equal(cm_calendar_utc_offset(PARIS, now, NULL), -EINVAL);
    assert_int_equal(cm_calendar_format_local(NULL, now, buf, sizeof(buf)), -EINVAL);
    assert_int_equal(cm_calendar_format_local(PARIS, now, NULL, 17), -EINVAL);
    assert_int_equal(cm_calendar_format_local(PARIS, now, buf, CM_CALENDAR_LOCAL_BUFSZ - 1),
                     -ENOSPC);
    assert_string_equal(buf, "untouched");
    /* instants out of range */
    assert_int_equal(cm_calendar_next_allowed(&p, PARIS, -1, &out), -ERANGE);
    assert_int_equal(cm_calendar_next_allowed(&p, PARIS, CM_CALENDAR_UTC_MAX + 1, &out), -ERANGE);
    assert_int_equal(cm_calendar_utc_offset(PARIS, INT64_MIN, &off), -ERANGE);
    assert_int_equal(cm_calendar_format_local(PARIS, INT64_MAX, buf, sizeof(buf)), -ERANGE);
    /* 9999-12-31 01:00 in Paris (a Friday): the window opens after CM_CALENDAR_UTC_MAX */
    assert_int_equal(cm_calendar_next_allowed(&p, PARIS, CM_CALENDAR_UTC_MAX, &out), -ERANGE);
    assert_int_equal(out, 42);
}

/* The rules table against the system tz database (tzdata), hourly for 2024-2035 and
 * around each switch. Single-threaded test, so switching TZ is fine here. */
static void test_zones_match_tzdata(void **state)
{
    (void)state;
    static const char *const ZONES[] = {"Europe/Paris",       "Indian/Reunion",
                                        "Indian/Mayotte",     "America/Guadeloupe",
                                        "America/Martinique", "America/Cayenne"};
    if (access("/usr/share/zoneinfo/Europe/Paris", R_OK) != 0) skip();
    const char *saved = getenv("TZ");
    char *old = saved ? strdup(saved) : NULL;
    int64_t from = utc("2024-01-01T00:00:00Z"), to = utc("2036-01-01T00:00:00Z");
    for (size_t z = 0; z < N_ELEMS(ZONES); z++) {
        setenv("TZ", ZONES[z], 1);
        tzset();
        for (int64_t t = from; t < to; t += 1800) {
            time_t tt = (time_t)t;
            struct tm tm;
            assert_non_null(localtime_r(&tt, &tm));
            expect_offset(ZONES[z], t, (int)tm.tm_gmtoff);
        }
    }
    if (old) {
        setenv("TZ", old, 1);
        free(old);
    } else {
        unsetenv("TZ");
    }
    tzset();
}

/* ---- quiet hours ---- */

typedef struct next_case {
    const char *tz;
    const char *window, *days; /* NULL: default 08:00-21:00, mon-sat */
    const char *now;           /* UTC */
    const char *want;          /* UTC */
    const char *want_local;    /* in tz */
    const char *what;
} next_case;

static const next_case NEXT[] = {
    /* boundaries, Paris in winter (UTC+1); 2026-03-10 is a Tuesday */
    {PARIS, NULL, NULL, "2026-03-10T19:59:59Z", "2026-03-10T19:59:59Z", "2026-03-10 20:59",
     "20:59:59 allowed"},
    {PARIS, NULL, NULL, "2026-03-10T20:00:00Z", "2026-03-11T07:00:00Z", "2026-03-11 08:00",
     "21:00:00 deferred to next day 08:00"},
    {PARIS, NULL, NULL, "2026-03-10T06:59:59Z", "2026-03-10T07:00:00Z", "2026-03-10 08:00",
     "07:59:59 deferred to 08:00 same day"},
    {PARIS, NULL, NULL, "2026-03-10T07:00:00Z", "2026-03-10T07:00:00Z", "2026-03-10 08:00",
     "08:00:00 allowed"},
    {PARIS, NULL, NULL, "2026-03-10T23:00:00Z", "2026-03-11T07:00:00Z", "2026-03-11 08:00",
     "local midnight"},
    {PARIS, NULL, NULL, "2026-03-10T22:59:59Z", "2026-03-11T07:00:00Z", "2026-03-11 08:00",
     "23:59:59"},
    /* summer (UTC+2) */
    {PARIS, NULL, NULL, "2026-06-10T18:59:59Z", "2026-06-10T18:59:59Z", "2026-06-10 20:59",
     "summer 20:59:59 allowed"},
    {PARIS, NULL, NULL, "2026-06-10T19:00:00Z", "2026-06-11T06:00:00Z", "2026-06-11 08:00",
     "summer 21:00 deferred"},
    {PARIS, NULL, NULL, "2026-06-10T05:59:59Z", "2026-06-10T06:00:00Z", "2026-06-10 08:00",
     "summer 07:59:59 deferred"},
    /* Saturday allowed, Sunday skipped */
    {PARIS, NULL, NULL, "2026-03-14T09:00:00Z", "2026-03-14T09:00:00Z", "2026-03-14 10:00",
     "Saturday 10:00 allowed"},
    {PARIS, NULL, NULL, "2026-03-14T21:00:00Z", "2026-03-16T07:00:00Z", "2026-03-16 08:00",
     "Saturday 22:00 -> Monday 08:00"},
    {PARIS, NULL, NULL, "2026-03-15T11:00:00Z", "2026-03-16T07:00:00Z", "2026-03-16 08:00",
     "Sunday noon -> Monday 08:00"},
    /* holidays */
    {PARIS, NULL, NULL, "2026-04-04T20:00:00Z", "2026-04-07T06:00:00Z", "2026-04-07 08:00",
     "Saturday 22:00 before Easter Monday -> Tuesday 08:00"},
    {PARIS, NULL, NULL, "2026-04-06T08:00:00Z", "2026-04-07T06:00:00Z", "2026-04-07 08:00",
     "Easter Monday 10:00 -> Tuesday"},
    {PARIS, NULL, NULL, "2026-12-24T20:30:00Z", "2026-12-26T07:00:00Z", "2026-12-26 08:00",
     "24 Dec 21:30 -> Saturday 26 Dec 08:00"},
    {PARIS, NULL, NULL, "2027-12-24T20:00:00Z", "2027-12-27T07:00:00Z", "2027-12-27 08:00",
     "Friday 24 Dec 21:00 -> Saturday Christmas, Sunday -> Monday 27"},
    {PARIS, NULL, NULL, "2026-05-13T19:30:00Z", "2026-05-15T06:00:00Z", "2026-05-15 08:00",
     "eve of Ascension -> Friday"},
    {PARIS, NULL, NULL, "2026-05-23T19:00:00Z", "2026-05-26T06:00:00Z", "2026-05-26 08:00",
     "Saturday before Whit Monday -> Tuesday"},
    {PARIS, NULL, NULL, "2026-12-31T20:00:00Z", "2027-01-02T07:00:00Z", "2027-01-02 08:00",
     "New Year's Eve 21:00 -> Saturday 2 Jan"},
    {PARIS, NULL, NULL, "2026-04-30T20:00:00Z", "2026-05-02T06:00:00Z", "2026-05-02 08:00",
     "30 Apr 22:00 -> Saturday 2 May"},
    {PARIS, NULL, NULL, "2026-07-13T19:00:00Z", "2026-07-15T06:00:00Z", "2026-07-15 08:00",
     "eve of 14 Jul"},
    /* DST switch nights and days */
    {PARIS, NULL, NULL, "2026-03-28T21:00:00Z", "2026-03-30T06:00:00Z", "2026-03-30 08:00",
     "Saturday 22:00 CET -> Monday 08:00 CEST"},
    {PARIS, NULL, NULL, "2027-03-27T21:00:00Z", "2027-03-30T06:00:00Z", "2027-03-30 08:00",
     "Saturday -> DST Easter Sunday -> Easter Monday -> Tuesday 08:00 CEST"},
    {PARIS, NULL, NULL, "2026-10-24T19:00:00Z", "2026-10-26T07:00:00Z", "2026-10-26 08:00",
     "Saturday 21:00 CEST -> Monday 08:00 CET"},
    {PARIS, NULL, "mon-sun", "2026-03-28T20:00:00Z", "2026-03-29T06:00:00Z", "2026-03-29 08:00",
     "spring switch day, window start 08:00 CEST"},
    {PARIS, NULL, "mon-sun", "2026-03-29T00:30:00Z", "2026-03-29T06:00:00Z", "2026-03-29 08:00",
     "spring switch day 01:30 CET -> 08:00 CEST"},
    {PARIS, NULL, "mon-sun", "2026-03-29T05:59:59Z", "2026-03-29T06:00:00Z", "2026-03-29 08:00",
     "spring switch day 07:59:59 CEST"},
    {PARIS, NULL, "mon-sun", "2026-10-25T00:30:00Z", "2026-10-25T07:00:00Z", "2026-10-25 08:00",
     "autumn switch day 02:30 CEST -> 08:00 CET"},
    {PARIS, NULL, "mon-sun", "2026-10-25T06:59:59Z", "2026-10-25T07:00:00Z", "2026-10-25 08:00",
     "autumn switch day 07:59:59 CET"},
    {PARIS, NULL, "mon-sun", "2026-10-25T19:59:59Z", "2026-10-25T19:59:59Z", "2026-10-25 20:59",
     "autumn switch day 20:59:59 CET allowed"},
    /* window start inside the spring gap (02:00-03:00 local does not exist) */
    {PARIS, "02:30-21:00", "mon-sun", "2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z",
     "2026-03-29 03:00", "start 02:30 in the gap -> 03:00 CEST"},
    {PARIS, "02:30-21:00", "mon-sun", "2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z",
     "2026-03-29 03:00", "01:59:59 CET -> 03:00 CEST"},
    {PARIS, "02:30-21:00", "mon-sun", "2026-03-29T01:00:00Z", "2026-03-29T01:00:00Z",
     "2026-03-29 03:00", "03:00 CEST allowed"},
    {PARIS, "02:00-21:00", "mon-sun", "2026-03-28T23:00:00Z", "2026-03-29T01:00:00Z",
     "2026-03-29 03:00", "start 02:00 is the gap start"},
    {PARIS, "03:00-21:00", "mon-sun", "2026-03-28T23:00:00Z", "2026-03-29T01:00:00Z",
     "2026-03-29 03:00", "start 03:00 is the gap end"},
    {PARIS, "02:10-02:50", "mon-sun", "2026-03-28T23:00:00Z", "2026-03-30T00:10:00Z",
     "2026-03-30 02:10", "whole window in the gap: next day"},
    /* window start inside the autumn fold (02:00-03:00 local happens twice) */
    {PARIS, "02:30-21:00", "mon-sun", "2026-10-24T23:00:00Z", "2026-10-25T00:30:00Z",
     "2026-10-25 02:30", "fold: first occurrence, 02:30 CEST"},
    {PARIS, "02:30-21:00", "mon-sun", "2026-10-25T00:45:00Z", "2026-10-25T00:45:00Z",
     "2026-10-25 02:45", "fold: 02:45 CEST allowed"},
    {PARIS, "02:30-21:00", "mon-sun", "2026-10-25T01:10:00Z", "2026-10-25T01:30:00Z",
     "2026-10-25 02:30", "fold: 02:10 CET (wall clock before start) -> 02:30 CET"},
    {PARIS, "01:30-02:30", "mon-sun", "2026-10-25T00:45:00Z", "2026-10-25T01:00:00Z",
     "2026-10-25 02:00", "fold: clock set back into the window"},
    /* other windows and days */
    {PARIS, "08:00-22:00", "mon-fri", "2026-03-10T20:30:00Z", "2026-03-10T20:30:00Z",
     "2026-03-10 21:30", "2024 charter window, 21:30 allowed"},
    {PARIS, "08:00-22:00", "mon-fri", "2026-03-13T21:00:00Z", "2026-03-16T07:00:00Z",
     "2026-03-16 08:00", "charter: Friday 22:00 -> Monday"},
    {PARIS, "00:00-24:00", "mon-sun", "2026-12-25T10:00:00Z", "2026-12-25T23:00:00Z",
     "2026-12-26 00:00", "whole-day window: holiday -> next midnight"},
    {PARIS, "00:00-24:00", "mon-sun", "2026-03-10T22:59:59Z", "2026-03-10T22:59:59Z",
     "2026-03-10 23:59", "whole-day window: 23:59:59 allowed"},
    {PARIS, "09:00-12:00", "sun", "2026-03-10T10:00:00Z", "2026-03-15T08:00:00Z",
     "2026-03-15 09:00", "Sundays only"},
    /* overseas departments */
    {"Indian/Reunion", NULL, NULL, "2026-03-10T16:59:59Z", "2026-03-10T16:59:59Z",
     "2026-03-10 20:59", "Reunion 20:59:59 allowed"},
    {"Indian/Reunion", NULL, NULL, "2026-03-10T17:00:00Z", "2026-03-11T04:00:00Z",
     "2026-03-11 08:00", "Reunion 21:00 deferred"},
    {"Indian/Reunion", NULL, NULL, "2026-03-14T22:00:00Z", "2026-03-16T04:00:00Z",
     "2026-03-16 08:00", "Reunion Sunday 02:00 (Saturday in UTC) -> Monday"},
    {"Indian/Reunion", NULL, NULL, "2026-06-15T04:00:00Z", "2026-06-15T04:00:00Z",
     "2026-06-15 08:00", "Reunion no DST, 08:00 in June"},
    {"Indian/Mayotte", NULL, NULL, "2026-03-10T04:59:59Z", "2026-03-10T05:00:00Z",
     "2026-03-10 08:00", "Mayotte 07:59:59 deferred"},
    {"Indian/Mayotte", NULL, NULL, "2026-12-24T18:30:00Z", "2026-12-26T05:00:00Z",
     "2026-12-26 08:00", "Mayotte Christmas Eve 21:30"},
    {"America/Guadeloupe", NULL, NULL, "2026-03-15T02:00:00Z", "2026-03-16T12:00:00Z",
     "2026-03-16 08:00", "Guadeloupe Saturday 22:00 (Sunday in UTC) -> Monday"},
    {"America/Guadeloupe", NULL, NULL, "2026-03-14T12:00:00Z", "2026-03-14T12:00:00Z",
     "2026-03-14 08:00", "Guadeloupe Saturday 08:00 allowed"},
    {"America/Martinique", NULL, NULL, "2026-07-14T14:00:00Z", "2026-07-15T12:00:00Z",
     "2026-07-15 08:00", "Martinique 14 Jul -> 15 Jul"},
    {"America/Martinique", NULL, NULL, "2026-04-05T00:30:00Z", "2026-04-05T00:30:00Z",
     "2026-04-04 20:30", "Martinique Saturday 20:30 allowed (Easter Sunday in UTC)"},
    {"America/Martinique", NULL, NULL, "2026-04-05T01:00:00Z", "2026-04-07T12:00:00Z",
     "2026-04-07 08:00", "Martinique Saturday 21:00 -> Easter -> Easter Monday -> Tuesday"},
    {"America/Cayenne", NULL, NULL, "2027-01-01T02:30:00Z", "2027-01-02T11:00:00Z",
     "2027-01-02 08:00", "Cayenne 31 Dec 23:30 -> 2 Jan (1 Jan in local time)"},
    {"America/Cayenne", NULL, NULL, "2026-03-10T15:00:00Z", "2026-03-10T15:00:00Z",
     "2026-03-10 12:00", "Cayenne noon allowed"},
};

static void policy_for(const next_case *c, cm_calendar_policy *p)
{
    cm_calendar_policy_default(p);
    if (c->window && cm_calendar_parse_window(p, c->window) != 0)
        fail_msg("bad window \"%s\"", c->window);
    if (c->days && cm_calendar_parse_days(p, c->days) != 0) fail_msg("bad days \"%s\"", c->days);
}

static void test_next_allowed_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(NEXT); i++) {
        const next_case *c = &NEXT[i];
        cm_calendar_policy p;
        policy_for(c, &p);
        int64_t now = utc(c->now), want = utc(c->want), out = -1;
        int rc = cm_calendar_next_allowed(&p, c->tz, now, &out);
        if (rc != 0 || out != want) {
            char got[CM_CALENDAR_LOCAL_BUFSZ] = "?";
            if (rc == 0) cm_calendar_format_local(c->tz, out, got, sizeof(got));
            fail_msg("row %zu (%s, %s): got rc %d out %lld (%s), want %s (%s)", i, c->what, c->now,
                     rc, (long long)out, got, c->want, c->want_local);
        }
        expect_local(c->tz, out, c->want_local);
        /* the answer is a fixed point */
        assert_int_equal(cm_calendar_next_allowed(&p, c->tz, out, &out), 0);
        assert_int_equal(out, want);
    }
}

/* Every minute of two weeks around each 2026 switch and around Christmas: the answer is
 * never earlier than now and is allowed (a fixed point), and nothing between now and the
 * answer is allowed (checked minute by minute: next(t - 60) > t implies next(t) equal). */
static void test_next_allowed_minutely(void **state)
{
    (void)state;
    static const char *const FROM[] = {"2026-03-21T00:00:00Z", "2026-10-21T00:00:00Z",
                                       "2026-12-20T00:00:00Z"};
    cm_calendar_policy p;
    cm_calendar_policy_default(&p);
    for (size_t k = 0; k < N_ELEMS(FROM); k++) {
        int64_t start = utc(FROM[k]), prev = -1;
        for (int64_t t = start; t < start + 14 * 86400; t += 60) {
            int64_t out = -1, again = -1;
            assert_int_equal(cm_calendar_next_allowed(&p, PARIS, t, &out), 0);
            assert_true(out >= t);
            assert_int_equal(cm_calendar_next_allowed(&p, PARIS, out, &again), 0);
            assert_int_equal(again, out);
            /* monotone: minute t-60 deferred to prev means nothing allowed in between */
            if (prev >= t) assert_int_equal(out, prev);
            prev = out;
        }
    }
}

static void test_invalid_policy(void **state)
{
    (void)state;
    int64_t now = utc("2026-03-10T12:00:00Z"), out = 42;
    cm_calendar_policy p;
    cm_calendar_policy_default(&p);
    p.start_min = 21 * 60;
    p.end_min = 8 * 60;
    assert_int_equal(cm_calendar_next_allowed(&p, PARIS, now, &out), -EINVAL);
    cm_calendar_policy_default(&p);
    p.end_min = 1441;
    assert_int_equal(cm_calendar_next_allowed(&p, PARIS, now, &out), -EINVAL);
    cm_calendar_policy_default(&p);
    p.start_min = -1;
    assert_int_equal(cm_calendar_next_allowed(&p, PARIS, now, &out), -EINVAL);
    cm_calendar_policy_default(&p);
    p.weekdays = 0;
    assert_int_equal(cm_calendar_next_allowed(&p, PARIS, now, &out), -EINVAL);
    p.weekdays = 0x80;
    assert_int_equal(cm_calendar_next_allowed(&p, PARIS, now, &out), -EINVAL);
    cm_calendar_policy_default(&p);
    p.holidays = 0x1000;
    assert_int_equal(cm_calendar_next_allowed(&p, PARIS, now, &out), -EINVAL);
    assert_int_equal(cm_calendar_is_holiday(&p, 2026, 1, 1), -EINVAL);
    cm_calendar_policy_default(&p);
    p.n_extra = CM_CALENDAR_EXTRA_MAX + 1;
    assert_int_equal(cm_calendar_next_allowed(&p, PARIS, now, &out), -EINVAL);
    cm_calendar_policy_default(&p);
    p.n_extra = 1;
    p.extra[0] = (cm_calendar_date){2, 30};
    assert_int_equal(cm_calendar_next_allowed(&p, PARIS, now, &out), -EINVAL);
    assert_int_equal(out, 42);
}

/* ---- parsers ---- */

static char *next_line(FILE *f, char *line, size_t cap, int *lineno)
{
    while (fgets(line, (int)cap, f) != NULL) {
        (*lineno)++;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] != '\0' && line[0] != '#') return line;
    }
    return NULL;
}

static void test_parse_window_golden(void **state)
{
    (void)state;
    FILE *f = fopen(SMSGW_TEST_DATA "/calendar/window.tsv", "r");
    assert_non_null(f);
    char line[256];
    int lineno = 0, rows = 0;
    while (next_line(f, line, sizeof(line), &lineno) != NULL) {
        char *tab = strchr(line, '\t');
        if (tab == NULL) fail_msg("window.tsv:%d: no tab", lineno);
        *tab = '\0';
        cm_calendar_policy p;
        cm_calendar_policy_default(&p);
        int rc = cm_calendar_parse_window(&p, line);
        char got[32];
        if (rc == 0)
            snprintf(got, sizeof(got), "%d %d", p.start_min, p.end_min);
        else
            snprintf(got, sizeof(got), "%s", errname(rc));
        if (strcmp(got, tab + 1) != 0)
            fail_msg("window.tsv:%d \"%s\": got %s, want %s", lineno, line, got, tab + 1);
        if (rc != 0) assert_true(p.start_min == 480 && p.end_min == 1260);
        rows++;
    }
    fclose(f);
    assert_true(rows >= 20);
}

static void days_string(unsigned mask, char out[8])
{
    static const char LETTERS[] = "SMTWTFS";
    for (int d = 0; d < 7; d++)
        out[d] = (mask & (1u << d)) ? LETTERS[d] : '.';
    out[7] = '\0';
}

static void test_parse_days_golden(void **state)
{
    (void)state;
    FILE *f = fopen(SMSGW_TEST_DATA "/calendar/days.tsv", "r");
    assert_non_null(f);
    char line[256];
    int lineno = 0, rows = 0;
    while (next_line(f, line, sizeof(line), &lineno) != NULL) {
        char *tab = strchr(line, '\t');
        if (tab == NULL) fail_msg("days.tsv:%d: no tab", lineno);
        *tab = '\0';
        cm_calendar_policy p;
        cm_calendar_policy_default(&p);
        int rc = cm_calendar_parse_days(&p, line);
        char got[16];
        if (rc == 0)
            days_string(p.weekdays, got);
        else
            snprintf(got, sizeof(got), "%s", errname(rc));
        if (strcmp(got, tab + 1) != 0)
            fail_msg("days.tsv:%d \"%s\": got %s, want %s", lineno, line, got, tab + 1);
        if (rc != 0) assert_int_equal(p.weekdays, CM_CAL_ALL_DAYS & ~CM_CAL_SUN);
        rows++;
    }
    fclose(f);
    assert_true(rows >= 20);
}

typedef struct holidays_case {
    const char *items[6];
    size_t n;
    int rc;
    unsigned mask;     /* when rc == 0 */
    const char *extra; /* when rc == 0: "MM-DD MM-DD ..." */
} holidays_case;

static const holidays_case HOLIDAY_PARSE[] = {
    {{"new_year", "easter_monday", "labour_day", "victory_day", "ascension", "whit_monday"},
     6,
     0,
     0x3f,
     ""},
    {{"bastille_day", "assumption", "all_saints", "armistice", "christmas", "good_friday"},
     6,
     0,
     0xfc0,
     ""},
    {{"french"}, 1, 0, CM_HOL_FRENCH, ""},
    {{"french", "good_friday", "12-26"}, 3, 0, CM_HOL_ALL, "12-26"},
    {{"Christmas", "NEW_YEAR"}, 2, 0, CM_HOL_CHRISTMAS | CM_HOL_NEW_YEAR, ""},
    {{"12-26", "02-29", "12-26", "01-02"}, 4, 0, 0, "12-26 02-29 01-02"},
    {{"christmas", "christmas"}, 2, 0, CM_HOL_CHRISTMAS, ""},
    {{NULL}, 0, 0, 0, ""},
    {{"12-32"}, 1, -EINVAL, 0, NULL},
    {{"02-30"}, 1, -EINVAL, 0, NULL},
    {{"13-01"}, 1, -EINVAL, 0, NULL},
    {{"00-10"}, 1, -EINVAL, 0, NULL},
    {{"1-1"}, 1, -EINVAL, 0, NULL},
    {{"12/26"}, 1, -EINVAL, 0, NULL},
    {{"12-26 "}, 1, -EINVAL, 0, NULL},
    {{" christmas"}, 1, -EINVAL, 0, NULL},
    {{"2026-12-26"}, 1, -EINVAL, 0, NULL},
    {{""}, 1, -EINVAL, 0, NULL},
    {{"noel"}, 1, -EINVAL, 0, NULL},
    {{"christmas", "pentecost"}, 2, -EINVAL, 0, NULL},
    {{"christmas", NULL}, 2, -EINVAL, 0, NULL},
};

static void test_parse_holidays_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(HOLIDAY_PARSE); i++) {
        const holidays_case *c = &HOLIDAY_PARSE[i];
        cm_calendar_policy p;
        cm_calendar_policy_default(&p);
        p.n_extra = 1;
        p.extra[0] = (cm_calendar_date){6, 21};
        int rc = cm_calendar_parse_holidays(&p, c->n ? c->items : NULL, c->n);
        if (rc != c->rc) fail_msg("row %zu: got %s, want %s", i, errname(rc), errname(c->rc));
        char extra[6 * CM_CALENDAR_EXTRA_MAX + 1] = "";
        for (size_t k = 0; k < p.n_extra; k++)
            snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), "%s%02d-%02d",
                     k ? " " : "", p.extra[k].month, p.extra[k].day);
        if (rc == 0) {
            if (p.holidays != c->mask || strcmp(extra, c->extra) != 0)
                fail_msg("row %zu: got 0x%x \"%s\", want 0x%x \"%s\"", i, p.holidays, extra,
                         c->mask, c->extra);
        } else {
            assert_int_equal(p.holidays, CM_HOL_FRENCH); /* unchanged */
            assert_string_equal(extra, "06-21");
        }
    }
}

static void test_parse_holidays_limits(void **state)
{
    (void)state;
    char dates[CM_CALENDAR_EXTRA_MAX + 1][6];
    const char *items[CM_CALENDAR_EXTRA_MAX + 1];
    for (int i = 0; i <= CM_CALENDAR_EXTRA_MAX; i++) {
        snprintf(dates[i], sizeof(dates[i]), "%02d-%02d", 1 + i / 28, 1 + i % 28);
        items[i] = dates[i];
    }
    cm_calendar_policy p;
    cm_calendar_policy_default(&p);
    assert_int_equal(cm_calendar_parse_holidays(&p, items, CM_CALENDAR_EXTRA_MAX + 1), -E2BIG);
    assert_int_equal(p.n_extra, 0);
    assert_int_equal(cm_calendar_parse_holidays(&p, items, CM_CALENDAR_EXTRA_MAX), 0);
    assert_int_equal(p.n_extra, CM_CALENDAR_EXTRA_MAX);
    assert_int_equal(p.holidays, 0);
    assert_int_equal(cm_calendar_parse_holidays(NULL, items, 1), -EINVAL);
    assert_int_equal(cm_calendar_parse_holidays(&p, NULL, 1), -EINVAL);
    assert_int_equal(cm_calendar_parse_window(NULL, "08:00-21:00"), -EINVAL);
    assert_int_equal(cm_calendar_parse_window(&p, NULL), -EINVAL);
    assert_int_equal(cm_calendar_parse_days(NULL, "mon"), -EINVAL);
    assert_int_equal(cm_calendar_parse_days(&p, NULL), -EINVAL);
}

static void test_policy_default(void **state)
{
    (void)state;
    cm_calendar_policy p;
    memset(&p, 0xa5, sizeof(p));
    cm_calendar_policy_default(&p);
    assert_int_equal(p.start_min, 480);
    assert_int_equal(p.end_min, 1260);
    assert_int_equal(p.weekdays,
                     CM_CAL_MON | CM_CAL_TUE | CM_CAL_WED | CM_CAL_THU | CM_CAL_FRI | CM_CAL_SAT);
    assert_int_equal(p.holidays, CM_HOL_FRENCH);
    assert_int_equal(p.n_extra, 0);
    cm_calendar_policy_default(NULL); /* harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_easter_table),          cmocka_unit_test(test_easter_other_years),
        cmocka_unit_test(test_easter_all_years),      cmocka_unit_test(test_is_holiday_default),
        cmocka_unit_test(test_is_holiday_custom),     cmocka_unit_test(test_paris_dst_switches),
        cmocka_unit_test(test_zone_offsets),          cmocka_unit_test(test_zone_errors),
        cmocka_unit_test(test_zones_match_tzdata),    cmocka_unit_test(test_next_allowed_table),
        cmocka_unit_test(test_next_allowed_minutely), cmocka_unit_test(test_invalid_policy),
        cmocka_unit_test(test_parse_window_golden),   cmocka_unit_test(test_parse_days_golden),
        cmocka_unit_test(test_parse_holidays_table),  cmocka_unit_test(test_parse_holidays_limits),
        cmocka_unit_test(test_policy_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
