/* ctl_fmt: small formatting helpers of smsgwctl: local times, the recipients'
 * "NAME=value\tNAME=value" fields, CSV cells. Pure; never fail (they truncate to cap). */
#ifndef CTL_FMT_H
#define CTL_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "YYYY-MM-DD HH:MM:SS" in the host's time zone (TZ), "-" for 0. Returns buf. */
const char *ctl_fmt_time(uint64_t ms, char *buf, size_t cap);
/* "YYYY-MM" of ms in the host's time zone. */
void ctl_fmt_month(uint64_t ms, char out[8]);
/* "1h02m", "3m05s", "12s", "2d03h": a duration for people. Returns buf. */
const char *ctl_fmt_age(uint64_t ms, char *buf, size_t cap);
/* The value of field `name` in a '\t'-separated "NAME=value" list, copied to out
 * ("" when absent). Returns out. */
const char *ctl_fmt_field(const char *fields, const char *name, char *out, size_t cap);
/* One CSV cell (RFC 4180: quoted when it holds , " CR or LF; " doubled). */
void ctl_fmt_csv(FILE *f, const char *s);
uint64_t ctl_now_ms(void);

#endif
