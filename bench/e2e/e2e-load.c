/* e2e-load: a load generator for the end-to-end benchmarks that records, for each
 * message, the wall-clock time of the end of its request and of the server's answer,
 * so that the answer (the acceptance) can be matched to the submit_sm an SMSC logged
 * for that message. Two protocols: SMTP (smsgw's ingress, bench/e2e/run) and, with
 * --http, HTTP/1.1 GET (Kannel's sendsms, bench/kannel.py).
 *
 * Usage: e2e-load [--http PATH] [--budget S] [--quiet] HOST PORT SESSIONS RATE COUNT FIRST
 *                 [FROM DOMAIN]
 * SESSIONS persistent connections (one thread each) share COUNT messages sent at RATE
 * messages per second in all (message k is due at k / RATE seconds; a late session
 * sends at once); RATE 0: each session sends as soon as it has its previous answer
 * (closed loop). No message is started after S seconds (default: no limit).
 * SMTP (FROM and DOMAIN given): message k goes to SMS=06<FIRST + k, 8 digits>@DOMAIN,
 * body "e2e <FIRST + k>"; each transaction pipelines MAIL, RCPT and DATA; the request
 * ends with the final dot. HTTP: GET PATH with each "{n}" replaced by FIRST + k (8
 * digits), keep-alive (a connection the server closes is opened again).
 * Output, stdout: unless --quiet, one line per message "k t_request_end t_answer code"
 * (CLOCK_REALTIME seconds with microseconds; code -1: no answer, 0: not sent), then
 * "sent N ok N rate R start T end T" (ok: 250, or 2xx for HTTP; R: ok answers per
 * second from the start to the last answer). Exit 0 when every message was ok, else 1.
 * Not part of the gateway. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../smtp_client.h"
#include "http_client.h"

typedef struct {
    const char *host, *from, *domain, *path; /* path: HTTP mode */
    int port, sessions, count, first, id;
    double rate, start, deadline;
    double *t_data, *t_reply;
    int *code;
} job;

typedef struct {
    char buf[16384];
    size_t have;
    int fd;
} conn;

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int ok(const job *j, int code)
{
    return j->path ? code >= 200 && code < 300 : code == 250;
}

/* Opens the connection if needed (SMTP: greeting and EHLO); -1 on failure. */
static int ensure_open(const job *j, conn *c)
{
    if (c->fd >= 0) return 0;
    c->have = 0;
    c->fd = smtp_connect(j->host, j->port);
    if (c->fd < 0 || j->path) return c->fd < 0 ? -1 : 0;
    if (smtp_reply(c->fd, c->buf, sizeof c->buf, &c->have) == 220 &&
        smtp_send_all(c->fd, "EHLO bench.test\r\n", 17) == 0 &&
        smtp_reply(c->fd, c->buf, sizeof c->buf, &c->have) == 250)
        return 0;
    close(c->fd);
    c->fd = -1;
    return -1;
}

/* One SMTP transaction for message k: its final reply code, -1 on error. */
static int one_smtp(job *j, conn *c, int k)
{
    char cmd[512], msg[1024];
    int n = j->first + k;
    size_t clen =
        (size_t)snprintf(cmd, sizeof cmd, "MAIL FROM:<%s>\r\nRCPT TO:<SMS=06%08d@%s>\r\nDATA\r\n",
                         j->from, n, j->domain);
    size_t mlen = (size_t)snprintf(msg, sizeof msg,
                                   "From: %s\r\nTo: SMS=06%08d@%s\r\nSubject: e2e %d\r\n"
                                   "Message-ID: <e2e.%d.%d@bench>\r\n\r\ne2e %d\r\n.\r\n",
                                   j->from, n, j->domain, n, n, (int)getpid(), n);
    char *b = c->buf;
    size_t cap = sizeof c->buf, *h = &c->have;
    if (smtp_send_all(c->fd, cmd, clen) < 0 || smtp_reply(c->fd, b, cap, h) != 250 ||
        smtp_reply(c->fd, b, cap, h) != 250 || smtp_reply(c->fd, b, cap, h) != 354 ||
        smtp_send_all(c->fd, msg, mlen) < 0)
        return -1;
    j->t_data[k] = wall();
    return smtp_reply(c->fd, b, cap, h);
}

/* One HTTP request for message k: the answer's status, -1 on error (*closing: the
 * connection is to be opened again). */
static int one_http(job *j, conn *c, int k, int *closing)
{
    char req[4096];
    size_t len = http_request(j->path, j->host, j->first + k, req, sizeof req);
    if (!len || smtp_send_all(c->fd, req, len) < 0) return -1;
    j->t_data[k] = wall();
    return http_answer(c->fd, c->buf, sizeof c->buf, &c->have, closing);
}

static void *session(void *arg)
{
    job *j = arg;
    conn c = {.fd = -1};
    for (int k = j->id; k < j->count; k += j->sessions) {
        double due = j->start + (j->rate > 0 ? k / j->rate : 0), t = wall();
        if (due > t) usleep((useconds_t)((due - t) * 1e6));
        if (wall() > j->deadline || ensure_open(j, &c) < 0) break;
        int closing = 0;
        j->code[k] = j->path ? one_http(j, &c, k, &closing) : one_smtp(j, &c, k);
        j->t_reply[k] = wall();
        if (!ok(j, j->code[k]) && !j->path) break; /* an SMTP session stops at a refusal */
        if (j->code[k] < 0 || closing) {
            close(c.fd);
            c.fd = -1;
        }
    }
    if (c.fd >= 0) close(c.fd);
    return NULL;
}

static int report(const job *base, int quiet)
{
    double end = base->start;
    int n_ok = 0, sent = 0;
    for (int k = 0; k < base->count; k++) {
        if (!quiet)
            printf("%d %.6f %.6f %d\n", k, base->t_data[k], base->t_reply[k], base->code[k]);
        sent += base->code[k] != 0;
        n_ok += ok(base, base->code[k]);
        if (base->t_reply[k] > end) end = base->t_reply[k];
    }
    printf("sent %d ok %d rate %.1f start %.6f end %.6f\n", sent, n_ok,
           end > base->start ? n_ok / (end - base->start) : 0.0, base->start, end);
    return n_ok == base->count ? 0 : 1;
}

/* Options, then the positional arguments; returns 0, or -1 on a usage error. */
static int parse(int argc, char **argv, job *j, int *quiet)
{
    int i = 1;
    double budget = 1e9;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--quiet") == 0)
            *quiet = 1;
        else if (strcmp(argv[i], "--http") == 0)
            j->path = argv[++i];
        else if (strcmp(argv[i], "--budget") == 0)
            budget = atof(argv[++i]);
        else
            return -1;
    }
    if (argc - i != (j->path ? 6 : 8)) return -1;
    *j = (job){.host = argv[i],
               .port = atoi(argv[i + 1]),
               .sessions = atoi(argv[i + 2]),
               .rate = atof(argv[i + 3]),
               .count = atoi(argv[i + 4]),
               .first = atoi(argv[i + 5]),
               .path = j->path,
               .from = j->path ? NULL : argv[i + 6],
               .domain = j->path ? NULL : argv[i + 7],
               .start = wall() + 0.2};
    j->deadline = j->start + budget;
    return j->sessions < 1 || j->count < 1 || j->rate < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
    job base = {0};
    int quiet = 0;
    if (parse(argc, argv, &base, &quiet) < 0) {
        fprintf(stderr,
                "usage: %s [--http PATH] [--budget S] [--quiet] HOST PORT SESSIONS RATE "
                "COUNT FIRST [FROM DOMAIN]\n",
                argv[0]);
        return 2;
    }
    base.t_data = calloc((size_t)base.count, sizeof *base.t_data);
    base.t_reply = calloc((size_t)base.count, sizeof *base.t_reply);
    base.code = calloc((size_t)base.count, sizeof *base.code);
    job *jobs = calloc((size_t)base.sessions, sizeof *jobs);
    pthread_t *th = calloc((size_t)base.sessions, sizeof *th);
    if (!base.t_data || !base.t_reply || !base.code || !jobs || !th) return 2;
    for (int i = 0; i < base.sessions; i++) {
        jobs[i] = base;
        jobs[i].id = i;
        pthread_create(&th[i], NULL, session, &jobs[i]);
    }
    for (int i = 0; i < base.sessions; i++)
        pthread_join(th[i], NULL);
    return report(&base, quiet);
}
