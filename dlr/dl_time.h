/* dl_time: wall-clock helpers for receipts, independent of the process's TZ.
 *
 * Receipts show times in Europe/Paris local time (CET, UTC+1, and CEST, UTC+2,
 * from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC:
 * the EU rule in force since 1996). dl_time_paris() computes it by that rule
 * instead of changing TZ (which would be process-global and not thread-safe).
 *
 * Pure and thread-safe; never fails for times between 1970 and 9999. */
#ifndef DL_TIME_H
#define DL_TIME_H

#include <stdint.h>
#include <time.h>

/* Broken-down Paris local time of `ms` (ms since the epoch); *offset_min gets the
 * offset from UTC in minutes (60 or 120). */
void dl_time_paris(uint64_t ms, struct tm *tm, int *offset_min);
/* RFC 5322 date ("Sat, 01 Jun 2024 14:05:10 +0200") in Paris time; cap >= 32. */
void dl_time_rfc5322(uint64_t ms, char *out, size_t cap);
/* "01/06/2024 à 14:05:10" (lang "fr") or "2024-06-01 14:05:10 (Paris time)" (else);
 * cap >= 48. */
void dl_time_human(uint64_t ms, const char *lang, char *out, size_t cap);
/* Milliseconds since the epoch, now. */
uint64_t dl_time_now_ms(void);

#endif
