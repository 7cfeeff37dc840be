/* e2e-load: an open-loop SMTP load generator for bench/e2e/run that records, for each
 * message, the wall-clock time of the end of DATA and of the server's reply, so that the
 * reply can be matched to the submit_sm an SMSC logged for that message.
 *
 * Usage: e2e-load HOST PORT SESSIONS RATE COUNT FIRST FROM DOMAIN
 * SESSIONS persistent connections (one thread each) share COUNT messages sent at RATE
 * messages per second in all (message k is due at k / RATE seconds; a late session
 * sends at once). Message k goes to SMS=06<FIRST + k, 8 digits>@DOMAIN, with the body
 * "e2e <FIRST + k>". Each transaction pipelines MAIL, RCPT and DATA. Output, stdout:
 * one line per message "k t_data t_reply code" (CLOCK_REALTIME seconds with
 * microseconds; code -1 when the connection failed), then
 * "sent N ok N rate R" (R: replies 250 per second of wall-clock time).
 * Exit 0 when every reply was 250, else 1. Not part of the gateway. */
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
    const char *host, *from, *domain;
    int port, sessions, count, first, id;
    double rate, start;
    double *t_data, *t_reply;
    int *code;
} job;

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The envelope commands and the message of number n, in one buffer each. */
static void make(const job *j, int n, char *cmd, size_t ccap, size_t *clen, char *msg, size_t mcap,
                 size_t *mlen)
{
    *clen = (size_t)snprintf(cmd, ccap, "MAIL FROM:<%s>\r\nRCPT TO:<SMS=06%08d@%s>\r\nDATA\r\n",
                             j->from, n, j->domain);
    *mlen = (size_t)snprintf(msg, mcap,
                             "From: %s\r\nTo: SMS=06%08d@%s\r\nSubject: e2e %d\r\n"
                             "Message-ID: <e2e.%d.%d@bench>\r\n\r\ne2e %d\r\n.\r\n",
                             j->from, n, j->domain, n, n, (int)getpid(), n);
}

static int one(job *j, int fd, int k, char *buf, size_t cap, size_t *have)
{
    char cmd[512], msg[1024];
    size_t clen, mlen;

    make(j, j->first + k, cmd, sizeof cmd, &clen, msg, sizeof msg, &mlen);
    if (smtp_send_all(fd, cmd, clen) < 0 || smtp_reply(fd, buf, cap, have) != 250 ||
        smtp_reply(fd, buf, cap, have) != 250 || smtp_reply(fd, buf, cap, have) != 354 ||
        smtp_send_all(fd, msg, mlen) < 0)
        return -1;
    j->t_data[k] = wall();
    int code = smtp_reply(fd, buf, cap, have);
    j->t_reply[k] = wall();
    return code;
}

static void *session(void *arg)
{
    job *j = arg;
    char buf[8192];
    size_t have = 0;
    int fd = smtp_connect(j->host, j->port);

    if (fd < 0 || smtp_reply(fd, buf, sizeof buf, &have) != 220 ||
        smtp_send_all(fd, "EHLO bench.test\r\n", 17) < 0 ||
        smtp_reply(fd, buf, sizeof buf, &have) != 250)
        return NULL;
    for (int k = j->id; k < j->count; k += j->sessions) {
        double due = j->start + k / j->rate, t = wall();
        if (due > t) usleep((useconds_t)((due - t) * 1e6));
        j->code[k] = one(j, fd, k, buf, sizeof buf, &have);
        if (j->code[k] != 250) break;
    }
    close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 9) {
        fprintf(stderr, "usage: %s HOST PORT SESSIONS RATE COUNT FIRST FROM DOMAIN\n", argv[0]);
        return 2;
    }
    job base = {.host = argv[1],
                .port = atoi(argv[2]),
                .sessions = atoi(argv[3]),
                .rate = atof(argv[4]),
                .count = atoi(argv[5]),
                .first = atoi(argv[6]),
                .from = argv[7],
                .domain = argv[8]};
    if (base.sessions < 1 || base.count < 1 || base.rate <= 0) return 2;
    base.t_data = calloc((size_t)base.count, sizeof *base.t_data);
    base.t_reply = calloc((size_t)base.count, sizeof *base.t_reply);
    base.code = calloc((size_t)base.count, sizeof *base.code);
    job *jobs = calloc((size_t)base.sessions, sizeof *jobs);
    pthread_t *th = calloc((size_t)base.sessions, sizeof *th);
    if (!base.t_data || !base.t_reply || !base.code || !jobs || !th) return 2;
    base.start = wall() + 0.2;
    for (int i = 0; i < base.sessions; i++) {
        jobs[i] = base;
        jobs[i].id = i;
        pthread_create(&th[i], NULL, session, &jobs[i]);
    }
    for (int i = 0; i < base.sessions; i++)
        pthread_join(th[i], NULL);
    double end = base.start;
    int ok = 0;
    for (int k = 0; k < base.count; k++) {
        printf("%d %.6f %.6f %d\n", k, base.t_data[k], base.t_reply[k], base.code[k]);
        if (base.code[k] == 250) ok++;
        if (base.t_reply[k] > end) end = base.t_reply[k];
    }
    printf("sent %d ok %d rate %.1f\n", base.count, ok, ok / (end - base.start));
    return ok == base.count ? 0 : 1;
}
