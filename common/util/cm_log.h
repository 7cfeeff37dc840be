/* cm_log: the processes' logging. One line per event on stderr (journald adds the
 * time and unit under systemd; when stderr is a terminal or SMSGW_LOG_TIME=1 each
 * line starts with an ISO-8601 UTC time). Lines start with the process name and
 * the level. Only processes log: common/ code returns errors instead.
 *
 * cm_log_init() borrows `name` for the life of the process. cm_log_fatal() logs
 * and exits with status 1 (systemd restarts the process). Never fails. */
#ifndef CM_LOG_H
#define CM_LOG_H

enum cm_log_level { CM_LOG_DEBUG, CM_LOG_INFO, CM_LOG_WARN, CM_LOG_ERROR };

void cm_log_init(const char *name, enum cm_log_level min_level);
void cm_log(enum cm_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void cm_log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define cm_debug(...) cm_log(CM_LOG_DEBUG, __VA_ARGS__)
#define cm_info(...) cm_log(CM_LOG_INFO, __VA_ARGS__)
#define cm_warn(...) cm_log(CM_LOG_WARN, __VA_ARGS__)
#define cm_error(...) cm_log(CM_LOG_ERROR, __VA_ARGS__)

#endif
