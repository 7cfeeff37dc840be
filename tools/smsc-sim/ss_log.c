/* ss_log: event lines on stdout / stderr / log file (see ss_log.h). */
#include "ss_log.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

int ss_log_open(struct ss_log *l, const char *path, bool quiet)
{
    l->file = NULL;
    l->quiet = quiet;
    if (path) {
        l->file = fopen(path, "a");
        if (!l->file) return -errno;
    }
    return 0;
}

void ss_log_close(struct ss_log *l)
{
    if (l->file) fclose(l->file);
    l->file = NULL;
}

void ss_log_timestamp(char out[32])
{
    struct timespec ts;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    unsigned ms = (unsigned)(ts.tv_nsec / 1000000) % 1000;

    if (n == 0 || n + 6 > 32) {
        out[0] = '\0';
        return;
    }
    out[n++] = '.';
    out[n++] = (char)('0' + ms / 100);
    out[n++] = (char)('0' + ms / 10 % 10);
    out[n++] = (char)('0' + ms % 10);
    out[n++] = 'Z';
    out[n] = '\0';
}

static void emit(FILE *f, const char *stamp, const char *text)
{
    fprintf(f, "%s %s\n", stamp, text);
    fflush(f);
}

bool ss_log_wants(const struct ss_log *l, enum ss_log_kind kind)
{
    return kind != SS_LOG_TRAFFIC || !l->quiet || l->file != NULL;
}

void ss_log_line(struct ss_log *l, enum ss_log_kind kind, const char *fmt, ...)
{
    char stamp[32];
    char text[8192];
    va_list ap;

    if (!ss_log_wants(l, kind)) return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    ss_log_timestamp(stamp);
    if (kind == SS_LOG_WARN)
        emit(stderr, stamp, text);
    else if (kind == SS_LOG_EVENT || !l->quiet)
        emit(stdout, stamp, text);
    if (l->file) emit(l->file, stamp, text);
}
