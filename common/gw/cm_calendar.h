/*
 * cm_calendar: quiet hours of commercial SMS (SPEC.md section 6).
 *
 * What it does
 *   A cm_calendar_policy says when commercial SMS may be sent, in the recipient's local
 *   time: a daily window [start, end) in minutes of the day, a set of allowed weekdays
 *   and a set of holidays (named French public holidays plus extra fixed dates).
 *   cm_calendar_policy_default() gives the SPEC's default: 08:00-21:00 (08:00 allowed,
 *   21:00 not), Monday to Saturday, the 11 French public holidays.
 *
 *   cm_calendar_next_allowed() returns `now` when now is allowed in zone `tz`, else the
 *   earliest later instant that is allowed: normally the window start of the next
 *   allowed day that is not a holiday. "Allowed" is judged on the local wall clock:
 *   the local date's weekday is allowed, the date is not a holiday, and the local time
 *   of day is in [start, end). Hence across DST changes:
 *     - a window start that falls in a spring-forward gap (does not exist that day) is
 *       moved to the first existing local instant after the gap (the switch instant);
 *     - a window start that occurs twice (autumn fold) is taken at its first occurrence
 *       unless that one is already past;
 *     - the search also stops at a switch instant when the clock jumps into the window.
 *
 *   Easter Sunday is computed with the Gregorian computus (Anonymous / Meeus-Jones-
 *   Butcher). Moveable holidays: Good Friday = Easter - 2 days (optional, Alsace-
 *   Moselle), Easter Monday = +1, Ascension Thursday = +39, Whit Monday = +50.
 *
 * Time zones (design choice)
 *   localtime_r()/mktime() with TZ switching mutate process-global state and are not
 *   thread-safe, and TZif parsing is more code than the job needs, so the zones are a
 *   built-in rules table (deterministic, independent of the installed tzdata):
 *     Europe/Paris        UTC+1, summer time UTC+2 from the last Sunday of March
 *                         01:00 UTC to the last Sunday of October 01:00 UTC (EU rules,
 *                         applied to every year; accurate from 1996 on)
 *     Indian/Reunion      UTC+4, no DST
 *     Indian/Mayotte      UTC+3, no DST
 *     America/Guadeloupe  UTC-4, no DST
 *     America/Martinique  UTC-4, no DST
 *     America/Cayenne     UTC-3, no DST
 *   These are exactly the zones cm_number_timezone() returns. Any other name: -ENOENT.
 *   The unit test cross-checks the table against the system tz database (tzdata).
 *
 * Configuration strings (parsers, for cm_config)
 *   window    "HH:MM-HH:MM", two digits each, start 00:00-23:59, end 00:01-24:00, start
 *             before end (no window across midnight); spaces around '-' tolerated.
 *   days      comma-separated items, each a day or an inclusive range of days:
 *             "mon-sat", "mon,tue,wed", "mon-fri, sat". Days are mon tue wed thu fri
 *             sat sun (case-insensitive); a range may wrap ("fri-mon" = fri sat sun
 *             mon); spaces around items and '-' tolerated; at least one day.
 *   holidays  a list of items (a libconfig array of strings), each either a name
 *             (case-insensitive) or a fixed date "MM-DD" (02-29 matches leap years):
 *               new_year (1 Jan)   easter_monday   labour_day (1 May)
 *               victory_day (8 May)   ascension   whit_monday   bastille_day (14 Jul)
 *               assumption (15 Aug)   all_saints (1 Nov)   armistice (11 Nov)
 *               christmas (25 Dec)   good_friday (not in the default set)
 *               french (all 11 French public holidays above, without good_friday)
 *             e.g. ["french", "good_friday", "12-26"] for Alsace-Moselle. The list
 *             replaces the whole holiday set; an empty list means no holidays.
 *   A parser writes the policy only on success; on failure the policy is unchanged.
 *
 * Ownership
 *   The policy is a plain value owned by the caller (no allocation, copy freely).
 *   Strings and the policy are borrowed and only read during the call. Output buffers
 *   and out-parameters are the caller's; they are written only on success.
 *
 * Failure
 *   Functions return 0 (or a documented non-negative value) on success, or a negative
 *   errno:
 *     -EINVAL  NULL argument, malformed string, invalid date or invalid policy (window
 *              not 0 <= start < end <= 1440, no allowed weekday, bad extra date);
 *     -ENOENT  unknown time zone name;
 *     -ERANGE  instant outside [CM_CALENDAR_UTC_MIN, CM_CALENDAR_UTC_MAX], year outside
 *              [CM_CALENDAR_YEAR_MIN, CM_CALENDAR_YEAR_MAX], or no allowed instant
 *              within CM_CALENDAR_SEARCH_DAYS days (a policy that forbids nearly all);
 *     -E2BIG   more than CM_CALENDAR_EXTRA_MAX distinct extra dates;
 *     -ENOSPC  output buffer too small (CM_CALENDAR_LOCAL_BUFSZ always suffices).
 *   Pure: no logging, no mutable global state, no allocation, no libc time zone
 *   functions; thread-safe.
 */
#ifndef CM_CALENDAR_H
#define CM_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

/* Weekday bits, bit n = struct tm's tm_wday n (0 = Sunday). */
#define CM_CAL_SUN (1u << 0)
#define CM_CAL_MON (1u << 1)
#define CM_CAL_TUE (1u << 2)
#define CM_CAL_WED (1u << 3)
#define CM_CAL_THU (1u << 4)
#define CM_CAL_FRI (1u << 5)
#define CM_CAL_SAT (1u << 6)
#define CM_CAL_ALL_DAYS 0x7fu

/* Named holiday bits. */
#define CM_HOL_NEW_YEAR (1u << 0)      /* 1 Jan */
#define CM_HOL_EASTER_MONDAY (1u << 1) /* Easter + 1 */
#define CM_HOL_LABOUR_DAY (1u << 2)    /* 1 May */
#define CM_HOL_VICTORY_DAY (1u << 3)   /* 8 May */
#define CM_HOL_ASCENSION (1u << 4)     /* Easter + 39 */
#define CM_HOL_WHIT_MONDAY (1u << 5)   /* Easter + 50 */
#define CM_HOL_BASTILLE_DAY (1u << 6)  /* 14 Jul */
#define CM_HOL_ASSUMPTION (1u << 7)    /* 15 Aug */
#define CM_HOL_ALL_SAINTS (1u << 8)    /* 1 Nov */
#define CM_HOL_ARMISTICE (1u << 9)     /* 11 Nov */
#define CM_HOL_CHRISTMAS (1u << 10)    /* 25 Dec */
#define CM_HOL_GOOD_FRIDAY (1u << 11)  /* Easter - 2, Alsace-Moselle only */
#define CM_HOL_FRENCH 0x7ffu           /* the 11 French public holidays */
#define CM_HOL_ALL 0xfffu

/* Most extra fixed holiday dates in a policy. */
#define CM_CALENDAR_EXTRA_MAX 32
/* Days searched ahead by cm_calendar_next_allowed() before giving up with -ERANGE. */
#define CM_CALENDAR_SEARCH_DAYS 800
/* Instants accepted: 1970-01-01T00:00:00Z .. 9999-12-31T00:00:00Z. */
#define CM_CALENDAR_UTC_MIN INT64_C(0)
#define CM_CALENDAR_UTC_MAX INT64_C(253402214400)
/* Years accepted by cm_calendar_easter() and cm_calendar_is_holiday(). */
#define CM_CALENDAR_YEAR_MIN 1583
#define CM_CALENDAR_YEAR_MAX 9999
/* "YYYY-MM-DD HH:MM" and the NUL. */
#define CM_CALENDAR_LOCAL_BUFSZ 17

typedef struct cm_calendar_date {
    uint8_t month; /* 1..12 */
    uint8_t day;   /* 1..31, valid for that month (02-29 allowed) */
} cm_calendar_date;

typedef struct cm_calendar_policy {
    int start_min;     /* window start, minutes of the day, 0..1439, inclusive */
    int end_min;       /* window end, minutes of the day, start+1..1440, exclusive */
    unsigned weekdays; /* CM_CAL_* bits: allowed days, nonzero */
    unsigned holidays; /* CM_HOL_* bits: named holidays (forbidden) */
    size_t n_extra;    /* extra fixed holidays (forbidden), <= CM_CALENDAR_EXTRA_MAX */
    cm_calendar_date extra[CM_CALENDAR_EXTRA_MAX];
} cm_calendar_policy;

/* Fill *p with the default: 08:00-21:00, Monday-Saturday, CM_HOL_FRENCH, no extra. */
void cm_calendar_policy_default(cm_calendar_policy *p);

/* "HH:MM-HH:MM" -> p->start_min, p->end_min. Returns 0 or -EINVAL. */
int cm_calendar_parse_window(cm_calendar_policy *p, const char *s);

/* "mon-sat", "mon,tue,wed", ... -> p->weekdays. Returns 0 or -EINVAL. */
int cm_calendar_parse_days(cm_calendar_policy *p, const char *s);

/* items[0..n) (names or "MM-DD") -> p->holidays, p->n_extra, p->extra (replaced).
 * items may be NULL when n is 0. Returns 0, -EINVAL or -E2BIG. */
int cm_calendar_parse_holidays(cm_calendar_policy *p, const char *const *items, size_t n);

/* Easter Sunday of a Gregorian year. Returns 0, -EINVAL or -ERANGE (year). */
int cm_calendar_easter(int year, int *month, int *day);

/* 1 if year-month-day is a holiday of p (named or extra), 0 if not (weekdays are not
 * considered), or -EINVAL (NULL, invalid policy or date) / -ERANGE (year). */
int cm_calendar_is_holiday(const cm_calendar_policy *p, int year, int month, int day);

/* UTC offset in seconds (local = UTC + offset) of zone tz at instant utc_s.
 * Returns 0, -EINVAL, -ENOENT or -ERANGE. */
int cm_calendar_utc_offset(const char *tz, int64_t utc_s, int *offset_s);

/* *out_utc_s = now_utc_s if now is allowed by p in zone tz, else the next allowed
 * instant (see above). Returns 0, -EINVAL, -ENOENT or -ERANGE. */
int cm_calendar_next_allowed(const cm_calendar_policy *p, const char *tz, int64_t now_utc_s,
                             int64_t *out_utc_s);

/* utc_s as local time "YYYY-MM-DD HH:MM" (seconds truncated) of zone tz in buf[cap],
 * e.g. a receipt's planned sending time. Returns 0, -EINVAL, -ENOENT, -ERANGE or
 * -ENOSPC. */
int cm_calendar_format_local(const char *tz, int64_t utc_s, char *buf, size_t cap);

#endif /* CM_CALENDAR_H */
