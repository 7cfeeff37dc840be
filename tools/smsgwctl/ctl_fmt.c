/* ctl_fmt: see ctl_fmt.h. */
#include "ctl_fmt.h"

#include <string.h>
#include <sys/time.h>
#include <time.h>

const char *ctl_fmt_time(uint64_t ms, char *buf, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (ms == 0 || !localtime_r(&t, &tm) || strftime(buf, cap, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(buf, cap, "-");
    return buf;
}

void ctl_fmt_month(uint64_t ms, char out[8])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, 8, "%Y-%m", &tm) == 0) strcpy(out, "?");
}

const char *ctl_fmt_age(uint64_t ms, char *buf, size_t cap)
{
    uint64_t s = ms / 1000;
    if (s >= 86400)
        snprintf(buf, cap, "%llud%02lluh", (unsigned long long)(s / 86400),
                 (unsigned long long)(s % 86400 / 3600));
    else if (s >= 3600)
        snprintf(buf, cap, "%lluh%02llum", (unsigned long long)(s / 3600),
                 (unsigned long long)(s % 3600 / 60));
    else if (s >= 60)
        snprintf(buf, cap, "%llum%02llus", (unsigned long long)(s / 60),
                 (unsigned long long)(s % 60));
    else
        snprintf(buf, cap, "%llus", (unsigned long long)s);
    return buf;
}

const char *ctl_fmt_field(const char *fields, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    out[0] = 0;
    for (const char *p = fields; p && *p;) {
        const char *end = strchr(p, '\t');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > n && p[n] == '=' && strncmp(p, name, n) == 0) {
            snprintf(out, cap, "%.*s", (int)(len - n - 1), p + n + 1);
            return out;
        }
        p = end ? end + 1 : NULL;
    }
    return out;
}

void ctl_fmt_csv(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

uint64_t ctl_now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (uint64_t)tv.tv_sec * 1000u + (uint64_t)tv.tv_usec / 1000u;
}
