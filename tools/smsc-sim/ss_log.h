/* ss_log: the simulator's event output, one line per event.
 *
 * Contract: every line is "<UTC time> <EVENT> key=value ..." (time as
 * 2025-01-31T12:34:56.789Z). Lines go to stdout (unless quiet and the event is a per-SMS
 * one) and, with a log file, are appended to it too; each line is flushed at once so a
 * test can follow it. Warnings go to stderr with the same prefix. The struct is owned by
 * main; ss_log_open() returns -errno if the file cannot be opened. ss_log_close() is
 * safe to call twice.
 */
#ifndef SS_LOG_H
#define SS_LOG_H

#include <stdbool.h>
#include <stdio.h>

struct ss_log {
    FILE *file; /* NULL: no --log */
    bool quiet;
};

enum ss_log_kind {
    SS_LOG_EVENT,   /* connections, binds: stdout and file */
    SS_LOG_TRAFFIC, /* one SMS, one receipt: file, and stdout unless quiet */
    SS_LOG_WARN     /* stderr and file */
};

int ss_log_open(struct ss_log *l, const char *path, bool quiet);
void ss_log_close(struct ss_log *l);

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void ss_log_line(struct ss_log *l, enum ss_log_kind kind, const char *fmt, ...);
/* Whether a line of this kind goes anywhere (a quiet run without --log drops the
 * per-SMS lines: callers skip building them). */
bool ss_log_wants(const struct ss_log *l, enum ss_log_kind kind);

/* Writes "YYYY-mm-ddTHH:MM:SS.mmmZ" (24 chars + NUL) for the current time. */
void ss_log_timestamp(char out[32]);

#endif
