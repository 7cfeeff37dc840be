/* cm_calendar: quiet hours of commercial SMS; see cm_calendar.h for the contract. */
#include "cm_calendar.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define DAY_S INT64_C(86400)
#define MIN_PER_DAY 1440

/* ---- civil dates (proleptic Gregorian, days since 1970-01-01) ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* H. Hinnant's days_from_civil. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 0 = Sunday, like tm_wday (1970-01-01 was a Thursday). */
static int weekday(int64_t days)
{
    return (int)(((days % 7) + 11) % 7);
}

static int month_days(int month)
{
    static const int DAYS[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return DAYS[month - 1];
}

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static bool date_valid(int year, int month, int day)
{
    if (month < 1 || month > 12 || day < 1 || day > month_days(month)) return false;
    return !(month == 2 && day == 29 && !is_leap(year));
}

/* Anonymous Gregorian computus (Meeus-Jones-Butcher); any year >= 1. */
static void easter(int y, int *month, int *day)
{
    int a = y % 19, b = y / 100, c = y % 100;
    int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    *month = (h + l - 7 * m + 114) / 31;
    *day = (h + l - 7 * m + 114) % 31 + 1;
}

/* ---- holidays ---- */

typedef struct named_holiday {
    const char *name;
    unsigned bit;
    int month, day;    /* fixed date, or 0 */
    int easter_offset; /* days after Easter Sunday when month is 0 */
} named_holiday;

static const named_holiday HOLIDAYS[] = {
    {"new_year", CM_HOL_NEW_YEAR, 1, 1, 0},
    {"easter_monday", CM_HOL_EASTER_MONDAY, 0, 0, 1},
    {"labour_day", CM_HOL_LABOUR_DAY, 5, 1, 0},
    {"victory_day", CM_HOL_VICTORY_DAY, 5, 8, 0},
    {"ascension", CM_HOL_ASCENSION, 0, 0, 39},
    {"whit_monday", CM_HOL_WHIT_MONDAY, 0, 0, 50},
    {"bastille_day", CM_HOL_BASTILLE_DAY, 7, 14, 0},
    {"assumption", CM_HOL_ASSUMPTION, 8, 15, 0},
    {"all_saints", CM_HOL_ALL_SAINTS, 11, 1, 0},
    {"armistice", CM_HOL_ARMISTICE, 11, 11, 0},
    {"christmas", CM_HOL_CHRISTMAS, 12, 25, 0},
    {"good_friday", CM_HOL_GOOD_FRIDAY, 0, 0, -2},
    {"french", CM_HOL_FRENCH, 0, 0, 0}, /* a set, matched by name only */
};

static bool policy_valid(const cm_calendar_policy *p)
{
    if (p->start_min < 0 || p->start_min >= p->end_min || p->end_min > MIN_PER_DAY) return false;
    if (p->weekdays == 0 || (p->weekdays & ~CM_CAL_ALL_DAYS) != 0) return false;
    if ((p->holidays & ~CM_HOL_ALL) != 0 || p->n_extra > CM_CALENDAR_EXTRA_MAX) return false;
    for (size_t i = 0; i < p->n_extra; i++)
        if (!date_valid(2000, p->extra[i].month, p->extra[i].day)) return false;
    return true;
}

/* Holiday test for a valid policy and a valid date (any year >= 1). */
static bool holiday(const cm_calendar_policy *p, int year, int month, int day)
{
    for (size_t i = 0; i < p->n_extra; i++)
        if (p->extra[i].month == month && p->extra[i].day == day) return true;
    int64_t date = days_from_civil(year, month, day);
    int em, ed;
    easter(year, &em, &ed);
    int64_t easter_days = days_from_civil(year, em, ed);
    for (size_t i = 0; i < N_ELEMS(HOLIDAYS); i++) {
        const named_holiday *h = &HOLIDAYS[i];
        if ((p->holidays & h->bit) == 0 || h->bit == CM_HOL_FRENCH) continue;
        if (h->month != 0 ? (h->month == month && h->day == day)
                          : easter_days + h->easter_offset == date)
            return true;
    }
    return false;
}

static bool day_allowed(const cm_calendar_policy *p, int64_t days)
{
    if ((p->weekdays & (1u << weekday(days))) == 0) return false;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    return !holiday(p, y, m, d);
}

/* ---- time zones: built-in rules table ---- */

typedef struct tz_zone {
    const char *name;
    int32_t std_off_s; /* standard UTC offset */
    bool eu_dst;       /* +1 h from last Sunday of March to last Sunday of October, 01:00 UTC */
} tz_zone;

static const tz_zone ZONES[] = {
    {"Europe/Paris", 3600, true},
    {"Indian/Reunion", 4 * 3600, false},
    {"Indian/Mayotte", 3 * 3600, false},
    {"America/Guadeloupe", -4 * 3600, false},
    {"America/Martinique", -4 * 3600, false},
    {"America/Cayenne", -3 * 3600, false},
};

static const tz_zone *zone_find(const char *name)
{
    for (size_t i = 0; i < N_ELEMS(ZONES); i++)
        if (strcmp(ZONES[i].name, name) == 0) return &ZONES[i];
    return NULL;
}

/* Last Sunday of a 31-day month, 01:00 UTC: the EU summer time switch. */
static int64_t eu_switch(int year, int month)
{
    int64_t last = days_from_civil(year, month, 31);
    return (last - weekday(last)) * DAY_S + 3600;
}

static int32_t zone_offset(const tz_zone *z, int64_t t)
{
    if (!z->eu_dst) return z->std_off_s;
    int y, m, d;
    civil_from_days(floor_div(t, DAY_S), &y, &m, &d);
    bool summer = t >= eu_switch(y, 3) && t < eu_switch(y, 10);
    return z->std_off_s + (summer ? 3600 : 0);
}

/* Local wall clock of t: day number and seconds since local midnight. */
static void to_local(const tz_zone *z, int64_t t, int64_t *days, int *sec)
{
    int64_t local = t + zone_offset(z, t);
    *days = floor_div(local, DAY_S);
    *sec = (int)(local - *days * DAY_S);
}

static int zone_lookup(const char *tz, int64_t t, const tz_zone **z)
{
    if (tz == NULL) return -EINVAL;
    if ((*z = zone_find(tz)) == NULL) return -ENOENT;
    if (t < CM_CALENDAR_UTC_MIN || t > CM_CALENDAR_UTC_MAX) return -ERANGE;
    return 0;
}

/* ---- quiet hours ---- */

static bool instant_allowed(const cm_calendar_policy *p, const tz_zone *z, int64_t t)
{
    int64_t days;
    int sec;
    to_local(z, t, &days, &sec);
    if (sec < p->start_min * 60 || sec >= p->end_min * 60) return false;
    return day_allowed(p, days);
}

/* Instants of local day `days` at which an allowed stretch may begin: each existing
 * occurrence of the window start (0, 1 or 2 of them) and the zone's switch instants
 * that land on that day (which also end a gap swallowing the window start). */
static size_t day_candidates(const cm_calendar_policy *p, const tz_zone *z, int64_t days,
                             int64_t out[4])
{
    int64_t local = days * DAY_S + p->start_min * 60;
    size_t n = 0;
    for (int32_t dst = 0; dst <= (z->eu_dst ? 3600 : 0); dst += 3600) {
        int32_t off = z->std_off_s + dst;
        if (zone_offset(z, local - off) == off) out[n++] = local - off;
    }
    if (!z->eu_dst) return n;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    int64_t sw[2] = {eu_switch(y, 3), eu_switch(y, 10)};
    for (size_t i = 0; i < 2; i++) {
        int64_t sw_days;
        int sec;
        to_local(z, sw[i], &sw_days, &sec);
        if (sw_days == days) out[n++] = sw[i];
    }
    return n;
}

int cm_calendar_next_allowed(const cm_calendar_policy *p, const char *tz, int64_t now_utc_s,
                             int64_t *out_utc_s)
{
    const tz_zone *z;
    if (p == NULL || out_utc_s == NULL) return -EINVAL;
    int rc = zone_lookup(tz, now_utc_s, &z);
    if (rc < 0) return rc;
    if (!policy_valid(p)) return -EINVAL;
    if (instant_allowed(p, z, now_utc_s)) {
        *out_utc_s = now_utc_s;
        return 0;
    }
    int64_t today;
    int sec;
    to_local(z, now_utc_s, &today, &sec);
    for (int64_t days = today; days <= today + CM_CALENDAR_SEARCH_DAYS; days++) {
        if (!day_allowed(p, days)) continue;
        int64_t cand[4], best = INT64_MAX;
        size_t n = day_candidates(p, z, days, cand);
        for (size_t i = 0; i < n; i++)
            if (cand[i] > now_utc_s && cand[i] < best && instant_allowed(p, z, cand[i]))
                best = cand[i];
        if (best == INT64_MAX) continue;
        if (best > CM_CALENDAR_UTC_MAX) return -ERANGE;
        *out_utc_s = best;
        return 0;
    }
    return -ERANGE;
}

/* ---- public date functions ---- */

void cm_calendar_policy_default(cm_calendar_policy *p)
{
    if (p == NULL) return;
    memset(p, 0, sizeof(*p));
    p->start_min = 8 * 60;
    p->end_min = 21 * 60;
    p->weekdays = CM_CAL_ALL_DAYS & ~CM_CAL_SUN;
    p->holidays = CM_HOL_FRENCH;
}

int cm_calendar_easter(int year, int *month, int *day)
{
    if (month == NULL || day == NULL) return -EINVAL;
    if (year < CM_CALENDAR_YEAR_MIN || year > CM_CALENDAR_YEAR_MAX) return -ERANGE;
    easter(year, month, day);
    return 0;
}

int cm_calendar_is_holiday(const cm_calendar_policy *p, int year, int month, int day)
{
    if (p == NULL || !policy_valid(p)) return -EINVAL;
    if (year < CM_CALENDAR_YEAR_MIN || year > CM_CALENDAR_YEAR_MAX) return -ERANGE;
    if (!date_valid(year, month, day)) return -EINVAL;
    return holiday(p, year, month, day) ? 1 : 0;
}

int cm_calendar_utc_offset(const char *tz, int64_t utc_s, int *offset_s)
{
    const tz_zone *z;
    if (offset_s == NULL) return -EINVAL;
    int rc = zone_lookup(tz, utc_s, &z);
    if (rc < 0) return rc;
    *offset_s = zone_offset(z, utc_s);
    return 0;
}

int cm_calendar_format_local(const char *tz, int64_t utc_s, char *buf, size_t cap)
{
    const tz_zone *z;
    if (buf == NULL) return -EINVAL;
    int rc = zone_lookup(tz, utc_s, &z);
    if (rc < 0) return rc;
    if (cap < CM_CALENDAR_LOCAL_BUFSZ) return -ENOSPC;
    int64_t days;
    int sec, y, m, d;
    to_local(z, utc_s, &days, &sec);
    civil_from_days(days, &y, &m, &d);
    snprintf(buf, cap, "%04d-%02d-%02d %02d:%02d", y, m, d, sec / 3600, sec / 60 % 60);
    return 0;
}

/* ---- configuration parsers ---- */

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* "HH:MM" at *s, advancing *s; max_min is the largest value accepted. */
static int parse_hhmm(const char **s, int max_min)
{
    const char *c = *s;
    for (int i = 0; i < 5; i++)
        if (i == 2 ? c[i] != ':' : (c[i] < '0' || c[i] > '9')) return -EINVAL;
    int hh = (c[0] - '0') * 10 + (c[1] - '0');
    int mm = (c[3] - '0') * 10 + (c[4] - '0');
    if (hh > 24 || mm > 59 || hh * 60 + mm > max_min) return -EINVAL;
    *s = c + 5;
    return hh * 60 + mm;
}

int cm_calendar_parse_window(cm_calendar_policy *p, const char *s)
{
    if (p == NULL || s == NULL) return -EINVAL;
    s = skip_spaces(s);
    int start = parse_hhmm(&s, MIN_PER_DAY - 1);
    if (start < 0) return start;
    s = skip_spaces(s);
    if (*s++ != '-') return -EINVAL;
    s = skip_spaces(s);
    int end = parse_hhmm(&s, MIN_PER_DAY);
    if (end < 0) return end;
    if (*skip_spaces(s) != '\0' || start >= end) return -EINVAL;
    p->start_min = start;
    p->end_min = end;
    return 0;
}

/* A three-letter day name at *s (case-insensitive), advancing *s; tm_wday or -EINVAL. */
static int parse_day(const char **s)
{
    static const char *const NAMES[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    const char *c = *s;
    for (int i = 0; i < 7; i++) {
        if (strncasecmp(c, NAMES[i], 3) != 0) continue;
        char next = c[3];
        if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z')) return -EINVAL;
        *s = c + 3;
        return i;
    }
    return -EINVAL;
}

/* One item "day" or "day-day" (wrapping) at *s; ORs its days into *mask. */
static int parse_day_item(const char **s, unsigned *mask)
{
    *s = skip_spaces(*s);
    int first = parse_day(s), last;
    if (first < 0) return first;
    *s = skip_spaces(*s);
    last = first;
    if (**s == '-') {
        *s = skip_spaces(*s + 1);
        if ((last = parse_day(s)) < 0) return last;
        *s = skip_spaces(*s);
    }
    for (int d = first;; d = (d + 1) % 7) {
        *mask |= 1u << d;
        if (d == last) break;
    }
    return 0;
}

int cm_calendar_parse_days(cm_calendar_policy *p, const char *s)
{
    if (p == NULL || s == NULL) return -EINVAL;
    unsigned mask = 0;
    for (;;) {
        int rc = parse_day_item(&s, &mask);
        if (rc < 0) return rc;
        if (*s == '\0') break;
        if (*s++ != ',') return -EINVAL;
    }
    p->weekdays = mask;
    return 0;
}

/* "MM-DD" exactly. */
static int parse_mmdd(const char *s, cm_calendar_date *out)
{
    for (int i = 0; i < 5; i++)
        if (i == 2 ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return -EINVAL;
    if (s[5] != '\0') return -EINVAL;
    int month = (s[0] - '0') * 10 + (s[1] - '0');
    int day = (s[3] - '0') * 10 + (s[4] - '0');
    if (!date_valid(2000, month, day)) return -EINVAL;
    out->month = (uint8_t)month;
    out->day = (uint8_t)day;
    return 0;
}

static int add_holiday_item(cm_calendar_policy *h, const char *item)
{
    for (size_t i = 0; i < N_ELEMS(HOLIDAYS); i++) {
        if (strcasecmp(item, HOLIDAYS[i].name) == 0) {
            h->holidays |= HOLIDAYS[i].bit;
            return 0;
        }
    }
    cm_calendar_date date;
    if (parse_mmdd(item, &date) < 0) return -EINVAL;
    for (size_t i = 0; i < h->n_extra; i++)
        if (h->extra[i].month == date.month && h->extra[i].day == date.day) return 0;
    if (h->n_extra == CM_CALENDAR_EXTRA_MAX) return -E2BIG;
    h->extra[h->n_extra++] = date;
    return 0;
}

int cm_calendar_parse_holidays(cm_calendar_policy *p, const char *const *items, size_t n)
{
    if (p == NULL || (items == NULL && n > 0)) return -EINVAL;
    cm_calendar_policy h = {0};
    for (size_t i = 0; i < n; i++) {
        if (items[i] == NULL) return -EINVAL;
        int rc = add_holiday_item(&h, items[i]);
        if (rc < 0) return rc;
    }
    p->holidays = h.holidays;
    p->n_extra = h.n_extra;
    memcpy(p->extra, h.extra, sizeof(h.extra));
    return 0;
}
