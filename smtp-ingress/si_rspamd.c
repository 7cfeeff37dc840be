/* si_rspamd: see si_rspamd.h. The answer is kept up to SI_RSPAMD_MAX_ANSWER bytes. */
#include "si_rspamd.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SI_RSPAMD_MAX_ANSWER (256 * 1024)

typedef struct {
    char *p;
    size_t len;
} answer;

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    answer *a = arg;
    size_t add = size * n;
    if (a->len + add > SI_RSPAMD_MAX_ANSWER) return 0; /* curl fails the transfer */
    char *np = realloc(a->p, a->len + add + 1);
    if (!np) return 0;
    memcpy(np + a->len, p, add);
    a->p = np;
    a->len += add;
    a->p[a->len] = '\0';
    return add;
}

static struct curl_slist *header(struct curl_slist *h, const char *name, const char *v)
{
    char line[1100];
    if (!v || !*v) return h;
    snprintf(line, sizeof line, "%s: %s", name, v);
    for (char *c = line; *c; c++) /* an echoed value must not start a new header */
        if (*c == '\r' || *c == '\n') *c = ' ';
    struct curl_slist *n = curl_slist_append(h, line);
    return n ? n : h;
}

static struct curl_slist *meta_headers(const si_rspamd_meta *m)
{
    struct curl_slist *h = header(NULL, "IP", m->ip);
    h = header(h, "Helo", m->helo);
    h = header(h, "From", m->mail_from);
    h = header(h, "Queue-Id", m->queue_id);
    h = header(h, "User", m->user);
    for (size_t i = 0; i < m->n_rcpts; i++)
        h = header(h, "Rcpt", m->rcpts[i]);
    struct curl_slist *n = curl_slist_append(h, "Expect:"); /* no 100-continue wait */
    return n ? n : h;
}

int si_rspamd_check(const char *url, unsigned timeout_ms, const si_rspamd_meta *m,
                    const uint8_t *msg, size_t len, double *score, char *err, size_t errlen)
{
    char full[1024];
    long status = 0;
    answer a = {0};
    CURL *c = curl_easy_init();
    if (!c) return -ENOMEM;
    struct curl_slist *h = meta_headers(m);
    snprintf(full, sizeof full, "%s/checkv2", url);
    curl_easy_setopt(c, CURLOPT_URL, full);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)msg);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    int r = 0;
    if (rc != CURLE_OK || status != 200) {
        snprintf(err, errlen, "%s: %s", full,
                 rc != CURLE_OK ? curl_easy_strerror(rc) : "HTTP status not 200");
        r = -EIO;
    } else if ((r = si_rspamd_score(a.p ? a.p : "", a.len, score)) < 0) {
        snprintf(err, errlen, "%s: no score in the answer", full);
    }
    free(a.p);
    return r;
}

/* Skips a JSON string starting at p[i] == '"'; returns the index after it, at most len
 * (an unterminated string ends the text). */
static size_t skip_string(const char *p, size_t len, size_t i)
{
    for (i++; i < len && p[i] != '"'; i++)
        if (p[i] == '\\') i++;
    return i < len ? i + 1 : len;
}

/* The index of the value of the top-level member "key" (quoted, as in the text), past
 * the colon and blanks; len when there is none. */
static size_t top_member(const char *json, size_t len, const char *key)
{
    size_t klen = strlen(key);
    int depth = 0;
    for (size_t i = 0; i < len;) {
        char c = json[i];
        if (c == '"') {
            size_t end = skip_string(json, len, i);
            if (depth == 1 && end - i == klen && memcmp(json + i, key, klen) == 0) {
                while (end < len && (json[end] == ' ' || json[end] == ':' || json[end] == '\t'))
                    end++;
                return end;
            }
            i = end;
            continue;
        }
        depth += (c == '{' || c == '[') - (c == '}' || c == ']');
        i++;
    }
    return len;
}

/* Whether rspamd skipped scoring to force a reject (GTUBE, a prefilter): it answers then
 * with its reject threshold as the score (15 by default), not with a high score. */
static bool forced_reject(const char *json, size_t len)
{
    size_t a = top_member(json, len, "\"action\"");
    size_t s = top_member(json, len, "\"is_skipped\"");
    return len - a >= 8 && memcmp(json + a, "\"reject\"", 8) == 0 && len - s >= 4 &&
           memcmp(json + s, "true", 4) == 0;
}

int si_rspamd_score(const char *json, size_t len, double *score)
{
    size_t j = top_member(json, len, "\"score\"");
    char num[64], *stop; /* json need not be NUL-terminated */
    size_t k = 0;
    while (j + k < len && k < sizeof num - 1 && json[j + k] &&
           strchr("+-.0123456789eE", json[j + k]))
        k++;
    memcpy(num, json + j, k);
    num[k] = '\0';
    double v = strtod(num, &stop);
    if (k == 0 || *stop) return -EBADMSG;
    *score = forced_reject(json, len) ? INFINITY : v;
    return 0;
}
