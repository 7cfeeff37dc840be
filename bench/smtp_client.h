/* smtp_client: the blocking SMTP client pieces the C load generators of bench/ share
 * (bench/ingress/smtp-latency.c, bench/e2e/e2e-load.c): read one complete reply, write
 * a buffer, connect with TCP_NODELAY. Header-only (each tool is one file compiled by its
 * run script). Errors: -1. */
#ifndef SMTP_CLIENT_H
#define SMTP_CLIENT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Reads one complete reply (its last line "ddd "); returns its code, -1 on error. */
static int smtp_reply(int fd, char *buf, size_t cap, size_t *have)
{
    for (;;) {
        char *line = buf;
        for (char *nl; (nl = memchr(line, '\n', (size_t)(buf + *have - line)));) {
            if (nl - line >= 4 && line[3] == ' ') {
                int code = atoi(line);
                size_t used = (size_t)(nl + 1 - buf);
                memmove(buf, nl + 1, *have - used);
                *have -= used;
                return code;
            }
            line = nl + 1;
        }
        if (*have == cap) return -1;
        ssize_t n = read(fd, buf + *have, cap - *have);
        if (n <= 0) return -1;
        *have += (size_t)n;
    }
}

static int smtp_send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int smtp_connect(const char *host, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    inet_pton(AF_INET, host, &sa.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

#endif
