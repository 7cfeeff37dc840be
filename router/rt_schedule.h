/* rt_schedule: when a recipient's SMS may leave (SPEC §6 quiet hours, §11 scheduled
 * sending). Pure; borrows its arguments.
 *
 * rt_schedule_parse_header() reads an X-SMS-Send-At value (RFC 3339, e.g.
 * "2026-12-01T09:30:00+01:00" or "...Z"; seconds optional) into ms since the epoch.
 * rt_schedule_parse_date() reads a DATE field "YYYYMMDDHHMM" in Europe/Paris local
 * time. Both return 0 or -EINVAL.
 * rt_schedule_release() returns the moment the SMS may be sent: `wanted_ms` (or now,
 * if earlier), then, for a commercial SMS, the next moment the quiet-hours policy
 * allows in the recipient's zone (cm_number_timezone; Europe/Paris for other
 * numbers). */
#ifndef RT_SCHEDULE_H
#define RT_SCHEDULE_H

#include "cm_calendar.h"

#include <stdint.h>

int rt_schedule_parse_header(const char *value, uint64_t *out_ms);
int rt_schedule_parse_date(const char *value, uint64_t *out_ms);
uint64_t rt_schedule_release(const cm_calendar_policy *quiet, int commercial, const char *e164,
                             uint64_t now_ms, uint64_t wanted_ms);

#endif
