/* dl_time: Paris local time by the EU summer-time rule (see dl_time.h). */
#include "dl_time.h"

#include <stdio.h>
#include <string.h>
#include <uv.h>

/* UTC seconds of the last Sunday of `mon` (0-based) of `year` at 01:00 UTC. */
static time_t last_sunday_0100(int year, int mon)
{
    struct tm tm;
    time_t t;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = year - 1900;
    tm.tm_mon = mon + 1; /* first day of the next month ... */
    tm.tm_mday = 1;
    tm.tm_hour = 1;
    t = timegm(&tm) - 86400; /* ... minus one day: the month's last day */
    gmtime_r(&t, &tm);
    return t - (time_t)tm.tm_wday * 86400;
}

void dl_time_paris(uint64_t ms, struct tm *tm, int *offset_min)
{
    time_t t = (time_t)(ms / 1000);
    int off;

    gmtime_r(&t, tm);
    off = 60;
    if (t >= last_sunday_0100(tm->tm_year + 1900, 2) && t < last_sunday_0100(tm->tm_year + 1900, 9))
        off = 120;
    t += (time_t)off * 60;
    gmtime_r(&t, tm);
    if (offset_min != NULL) *offset_min = off;
}

void dl_time_rfc5322(uint64_t ms, char *out, size_t cap)
{
    static const char *const DAYS[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const MONTHS[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    int off;

    dl_time_paris(ms, &tm, &off);
    snprintf(out, cap, "%s, %02d %s %04d %02d:%02d:%02d +%02d%02d", DAYS[tm.tm_wday], tm.tm_mday,
             MONTHS[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, off / 60,
             off % 60);
}

void dl_time_human(uint64_t ms, const char *lang, char *out, size_t cap)
{
    struct tm tm;

    dl_time_paris(ms, &tm, NULL);
    if (lang != NULL && strcmp(lang, "en") == 0)
        snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d (Paris time)", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    else
        snprintf(out, cap, "%02d/%02d/%04d \xc3\xa0 %02d:%02d:%02d", tm.tm_mday, tm.tm_mon + 1,
                 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

uint64_t dl_time_now_ms(void)
{
    uv_timeval64_t tv;

    if (uv_gettimeofday(&tv) != 0) return 0;
    return (uint64_t)tv.tv_sec * 1000u + (uint64_t)tv.tv_usec / 1000u;
}
