/* smtp-latency: an open-loop SMTP load generator that measures, for each message, the
 * time from the end of DATA (the final ".\r\n" written) to the server's reply.
 *
 * Usage: smtp-latency HOST PORT SESSIONS RATE COUNT FROM TO SIZE
 * SESSIONS persistent connections (one thread each) share COUNT messages sent at RATE
 * messages per second in all (message k is due at k / RATE seconds; a session that is
 * late sends at once). Each transaction pipelines MAIL, RCPT and DATA, then sends a
 * message of about SIZE octets (From: FROM, To: TO). Prints one line:
 *   sent N ok N rate R p50 X p90 X p99 X max X (milliseconds)
 * and exits 1 if any reply was not 250 (the first such reply is printed). Used by
 * bench/ingress/run; not part of the gateway. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../smtp_client.h"

typedef struct {
    const char *host, *from, *to;
    int port, sessions, count, size;
    double rate, start;
    double *lat; /* seconds, per message index */
    int *ok;
    int id;
} job;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *make_message(const job *j, int k, size_t *len)
{
    size_t cap = (size_t)j->size + 1024, n;
    char *m = malloc(cap);
    n = (size_t)snprintf(
        m, cap, "From: %s\r\nTo: %s\r\nSubject: bench %d\r\nMessage-ID: <%d.%d@bench>\r\n\r\n",
        j->from, j->to, k, k, (int)getpid());
    while (n < (size_t)j->size && n + 80 < cap - 8) {
        memset(m + n, 'x', 76);
        memcpy(m + n + 76, "\r\n", 2);
        n += 78;
    }
    memcpy(m + n, ".\r\n", 3);
    *len = n + 3;
    return m;
}

static void *session(void *arg)
{
    job *j = arg;
    char buf[8192], cmd[1024];
    size_t have = 0;
    int fd = smtp_connect(j->host, j->port);
    if (fd < 0 || smtp_reply(fd, buf, sizeof buf, &have) != 220) return NULL;
    if (smtp_send_all(fd, "EHLO bench.test\r\n", 17) < 0 ||
        smtp_reply(fd, buf, sizeof buf, &have) != 250)
        return NULL;
    int cl =
        snprintf(cmd, sizeof cmd, "MAIL FROM:<%s>\r\nRCPT TO:<%s>\r\nDATA\r\n", j->from, j->to);
    for (int k = j->id; k < j->count; k += j->sessions) {
        double due = j->start + k / j->rate, t = now();
        if (due > t) usleep((useconds_t)((due - t) * 1e6));
        size_t len;
        char *m = make_message(j, k, &len);
        int ok = smtp_send_all(fd, cmd, (size_t)cl) == 0 &&
                 smtp_reply(fd, buf, sizeof buf, &have) == 250 &&
                 smtp_reply(fd, buf, sizeof buf, &have) == 250 &&
                 smtp_reply(fd, buf, sizeof buf, &have) == 354 && smtp_send_all(fd, m, len) == 0;
        double t0 = now();
        int code = ok ? smtp_reply(fd, buf, sizeof buf, &have) : -1;
        j->lat[k] = now() - t0;
        j->ok[k] = code == 250;
        free(m);
        if (code != 250) {
            fprintf(stderr, "message %d: reply %d\n", k, code);
            break;
        }
    }
    close(fd);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 9) {
        fprintf(stderr, "usage: %s HOST PORT SESSIONS RATE COUNT FROM TO SIZE\n", argv[0]);
        return 2;
    }
    job base = {.host = argv[1],
                .port = atoi(argv[2]),
                .sessions = atoi(argv[3]),
                .rate = atof(argv[4]),
                .count = atoi(argv[5]),
                .from = argv[6],
                .to = argv[7],
                .size = atoi(argv[8])};
    base.lat = calloc((size_t)base.count, sizeof *base.lat);
    base.ok = calloc((size_t)base.count, sizeof *base.ok);
    job *jobs = calloc((size_t)base.sessions, sizeof *jobs);
    pthread_t *th = calloc((size_t)base.sessions, sizeof *th);
    base.start = now() + 0.2;
    for (int i = 0; i < base.sessions; i++) {
        jobs[i] = base;
        jobs[i].id = i;
        pthread_create(&th[i], NULL, session, &jobs[i]);
    }
    for (int i = 0; i < base.sessions; i++)
        pthread_join(th[i], NULL);
    double elapsed = now() - base.start;
    int ok = 0;
    for (int k = 0; k < base.count; k++)
        if (base.ok[k]) base.lat[ok++] = base.lat[k];
    qsort(base.lat, (size_t)ok, sizeof *base.lat, cmp);
#define PCT(p) (ok ? base.lat[(size_t)((ok - 1) * (p))] * 1000 : 0)
    printf("sent %d ok %d rate %.0f p50 %.2f p90 %.2f p99 %.2f max %.2f\n", base.count, ok,
           ok / elapsed, PCT(0.50), PCT(0.90), PCT(0.99), PCT(1.0));
    return ok == base.count ? 0 : 1;
}
