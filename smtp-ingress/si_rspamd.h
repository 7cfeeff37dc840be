/* si_rspamd: the optional content check by rspamd over its HTTP API (POST /checkv2,
 * the message as the body, the envelope in headers), with libcurl.
 *
 * si_rspamd_check() blocks (call it from a worker thread; curl_global_init must have
 * run once): it posts msg[0..len) to url + "/checkv2" with the headers IP, Helo, From,
 * Rcpt (one per recipient), Queue-Id and, for a login, User; waits at most timeout_ms;
 * returns 0 with rspamd's total *score, or -EIO (connection, time-out, HTTP status other
 * than 200) / -EBADMSG (no score in the answer), with the reason in err.
 *
 * si_rspamd_score() finds the top-level "score" number of a /checkv2 JSON answer
 * (members of nested objects, such as each symbol's "score", are skipped); 0 or
 * -EBADMSG. When rspamd skipped scoring to force a reject (top-level "action" "reject"
 * with "is_skipped" true: GTUBE, a prefilter), *score is +INFINITY: rspamd answers then
 * with its reject threshold as the score (15.0 by default), which a threshold of ours at
 * or above it would let through. Otherwise the account's threshold alone decides. Pure. */
#ifndef SI_RSPAMD_H
#define SI_RSPAMD_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *ip, *helo, *mail_from, *queue_id, *user; /* user: NULL or "" if none */
    char **rcpts;
    size_t n_rcpts;
} si_rspamd_meta;

int si_rspamd_check(const char *url, unsigned timeout_ms, const si_rspamd_meta *m,
                    const uint8_t *msg, size_t len, double *score, char *err, size_t errlen);
int si_rspamd_score(const char *json, size_t len, double *score);

#endif
