/* http_client: the blocking HTTP/1.1 client pieces of bench/e2e/e2e-load.c (its --http
 * mode, used on Kannel's sendsms by bench/kannel.py): build a GET request from a path
 * template, read one complete answer (status line, headers, Content-Length body).
 * Header-only (the tool is one file compiled by its run script). Errors: -1 / 0. */
#ifndef HTTP_CLIENT_H
#define HTTP_CLIENT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* "GET <path> HTTP/1.1" with each "{n}" of path replaced by n written with 8 digits;
 * returns the request's length, 0 if it does not fit in cap. */
static size_t http_request(const char *path, const char *host, int n, char *out, size_t cap)
{
    char num[16];
    size_t len = (size_t)snprintf(out, cap, "GET ");
    snprintf(num, sizeof num, "%08d", n);
    for (const char *p = path; *p && len + 16 < cap; p++) {
        if (strncmp(p, "{n}", 3) == 0) {
            len += (size_t)snprintf(out + len, cap - len, "%s", num);
            p += 2;
        } else {
            out[len++] = *p;
        }
    }
    len += (size_t)snprintf(out + len, cap - len, " HTTP/1.1\r\nHost: %s\r\n\r\n", host);
    return len < cap ? len : 0;
}

/* The value of header name in the head [buf, end), or NULL. */
static const char *http_header(const char *buf, const char *end, const char *name)
{
    size_t n = strlen(name);
    for (const char *l = buf; l && l < end; l = memchr(l, '\n', (size_t)(end - l))) {
        if (*l == '\n') l++;
        if (l + n < end && strncasecmp(l, name, n) == 0 && l[n] == ':') return l + n + 1;
    }
    return NULL;
}

static int http_fill(int fd, char *buf, size_t cap, size_t *have)
{
    if (*have == cap) return -1;
    ssize_t r = read(fd, buf + *have, cap - *have);
    if (r <= 0) return -1;
    *have += (size_t)r;
    return 0;
}

/* Reads one answer; returns its status, -1 on error; *close_after: the server closes
 * the connection after it (Connection: close, or no Content-Length). The bytes after
 * the answer stay in buf. */
static int http_answer(int fd, char *buf, size_t cap, size_t *have, int *close_after)
{
    char *end;
    while (!(end = memmem(buf, *have, "\r\n\r\n", 4)))
        if (http_fill(fd, buf, cap, have) < 0) return -1;
    int status = strncmp(buf, "HTTP/1.", 7) == 0 ? atoi(buf + 9) : -1;
    const char *cl = http_header(buf, end, "Content-Length");
    const char *conn = http_header(buf, end, "Connection");
    size_t total = (size_t)(end + 4 - buf) + (cl ? strtoul(cl, NULL, 10) : 0);
    *close_after = !cl || (conn && strncasecmp(conn + strspn(conn, " "), "close", 5) == 0);
    while (*have < total)
        if (total > cap || http_fill(fd, buf, cap, have) < 0) return -1;
    memmove(buf, buf + total, *have - total);
    *have -= total;
    return status;
}

#endif
