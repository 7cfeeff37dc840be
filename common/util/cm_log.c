/* cm_log: see cm_log.h. The only state is the name and level set once at start-up. */
#include "cm_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static struct {
    const char *name;
    enum cm_log_level min;
    int with_time;
} log_cfg = {"smsgw", CM_LOG_INFO, 0};

static const char *const level_names[] = {"debug", "info", "warning", "error"};

void cm_log_init(const char *name, enum cm_log_level min_level)
{
    const char *t = getenv("SMSGW_LOG_TIME");
    log_cfg.name = name;
    log_cfg.min = min_level;
    log_cfg.with_time = t ? strcmp(t, "0") != 0 : isatty(2);
    if (getenv("SMSGW_DEBUG")) log_cfg.min = CM_LOG_DEBUG;
}

static void log_line(const char *level, const char *fmt, va_list ap)
{
    char line[2048];
    int n = 0;
    if (log_cfg.with_time) {
        struct timeval tv;
        struct tm tm;
        gettimeofday(&tv, NULL);
        gmtime_r(&tv.tv_sec, &tm);
        n = (int)strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
        n += snprintf(line + n, sizeof line - n, ".%03ldZ ", (long)tv.tv_usec / 1000);
    }
    n += snprintf(line + n, sizeof line - n, "%s: %s: ", log_cfg.name, level);
    if (n < (int)sizeof line) vsnprintf(line + n, sizeof line - n, fmt, ap);
    fprintf(stderr, "%s\n", line);
}

void cm_log(enum cm_log_level level, const char *fmt, ...)
{
    va_list ap;
    if (level < log_cfg.min) return;
    va_start(ap, fmt);
    log_line(level_names[level], fmt, ap);
    va_end(ap);
}

void cm_log_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line("fatal", fmt, ap);
    va_end(ap);
    exit(1);
}
