/* ctl_prom: see ctl_prom.h. */
#include "ctl_prom.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *p;
    size_t len;
    int oom;
} sink;

static size_t on_data(char *d, size_t size, size_t n, void *arg)
{
    sink *s = arg;
    char *grown = s->len + size * n < (64u << 20) ? realloc(s->p, s->len + size * n + 1) : NULL;
    if (!grown) {
        s->oom = 1;
        return 0;
    }
    memcpy(grown + s->len, d, size * n);
    s->p = grown;
    s->len += size * n;
    s->p[s->len] = 0;
    return size * n;
}

int ctl_prom_fetch(const char *listen, const char *path, long timeout_ms, char **body, char *err,
                   size_t errlen)
{
    char url[512];
    sink s = {0};
    long code = 0;
    CURL *h = curl_easy_init();
    snprintf(url, sizeof url, "http://%s%s", listen, path);
    *body = NULL;
    if (!h) return snprintf(err, errlen, "out of memory"), -1;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK || code != 200) {
        if (rc != CURLE_OK)
            snprintf(err, errlen, "%s", curl_easy_strerror(rc));
        else
            snprintf(err, errlen, "HTTP %ld", code);
        free(s.p);
        return -1;
    }
    *body = s.p ? s.p : strdup("");
    return *body ? 0 : -1;
}

/* Does the label block [lb, le) hold every pair of match ("a=\"x\",b=\"y\"")? */
static int labels_match(const char *lb, const char *le, const char *match)
{
    char pair[256];
    for (const char *p = match; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n >= sizeof pair) return 0;
        memcpy(pair, p, n);
        pair[n] = 0;
        const char *hit = memmem(lb, (size_t)(le - lb), pair, n);
        if (!hit || (hit != lb && hit[-1] != ',') || (hit + n != le && hit[n] != ',')) return 0;
        p += n + (p[n] == ',');
    }
    return 1;
}

/* Calls back each sample of `name` matching `match`; stops when fn returns nonzero. */
static void each(const char *text, const char *name, const char *match,
                 int (*fn)(double v, void *arg), void *arg)
{
    size_t n = strlen(name);
    for (const char *line = text; line && *line;) {
        const char *eol = strchr(line, '\n');
        if (!strncmp(line, name, n) && (line[n] == ' ' || line[n] == '{')) {
            const char *lb = line + n, *le = lb, *val = lb;
            if (*lb == '{') {
                lb++;
                le = memchr(lb, '}', eol ? (size_t)(eol - lb) : strlen(lb));
                val = le ? le + 1 : NULL;
            }
            if (val && labels_match(lb, le, match) && fn(strtod(val, NULL), arg)) return;
        }
        line = eol ? eol + 1 : NULL;
    }
}

typedef struct {
    double v;
    int found;
} first;

static int take_first(double v, void *arg)
{
    *(first *)arg = (first){v, 1};
    return 1;
}

static int add(double v, void *arg)
{
    *(double *)arg += v;
    return 0;
}

int ctl_prom_value(const char *text, const char *name, const char *match, double *out)
{
    first f = {0, 0};
    each(text, name, match, take_first, &f);
    if (f.found) *out = f.v;
    return f.found;
}

double ctl_prom_sum(const char *text, const char *name, const char *match)
{
    double v = 0;
    each(text, name, match, add, &v);
    return v;
}
