/* rt_schedule: see rt_schedule.h. */
#include "rt_schedule.h"
#include "cm_number.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int valid_fields(int y, int mo, int d, int h, int mi, int s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= mdays[mo - 1] &&
           (mo != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) && h >= 0 &&
           h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

static int64_t seconds_of(int y, int mo, int d, int h, int mi, int s)
{
    return days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
}

int rt_schedule_parse_header(const char *v, uint64_t *out_ms)
{
    int y, mo, d, h, mi, s = 0, n = 0, oh, om;
    char sep, tz[8];
    if (sscanf(v, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &n) != 6 ||
        (sep != 'T' && sep != 't' && sep != ' '))
        return -EINVAL;
    v += n;
    if (*v == ':' && sscanf(v, ":%2d%n", &s, &n) == 1) v += n;
    if (*v == '.') v += strspn(v + 1, "0123456789") + 1;
    int64_t offset = 0;
    if ((*v == 'Z' || *v == 'z') && v[1] == 0)
        offset = 0;
    else if (sscanf(v, "%7[+-]%2d:%2d%n", tz, &oh, &om, &n) == 3 && strlen(tz) == 1 && !v[n] &&
             oh <= 23 && om <= 59)
        offset = (tz[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    else
        return -EINVAL;
    if (!valid_fields(y, mo, d, h, mi, s)) return -EINVAL;
    *out_ms = (uint64_t)(seconds_of(y, mo, d, h, mi, s) - offset) * 1000;
    return 0;
}

int rt_schedule_parse_date(const char *v, uint64_t *out_ms)
{
    int y, mo, d, h, mi, n = 0, off;
    if (strlen(v) != 12 || strspn(v, "0123456789") != 12 ||
        sscanf(v, "%4d%2d%2d%2d%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 ||
        !valid_fields(y, mo, d, h, mi, 0))
        return -EINVAL;
    int64_t local = seconds_of(y, mo, d, h, mi, 0), utc = local;
    for (int i = 0; i < 2; i++) /* the offset at the guess, then at the corrected guess */
        if (cm_calendar_utc_offset("Europe/Paris", utc, &off) == 0) utc = local - off;
    *out_ms = (uint64_t)utc * 1000;
    return 0;
}

uint64_t rt_schedule_release(const cm_calendar_policy *quiet, int commercial, const char *e164,
                             uint64_t now_ms, uint64_t wanted_ms)
{
    uint64_t at = wanted_ms > now_ms ? wanted_ms : now_ms;
    const char *tz = cm_number_timezone(e164);
    int64_t next;
    if (!commercial ||
        cm_calendar_next_allowed(quiet, tz ? tz : "Europe/Paris", (int64_t)(at / 1000), &next))
        return at;
    return (uint64_t)next * 1000 > at ? (uint64_t)next * 1000 : at;
}
