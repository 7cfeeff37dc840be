/* tests/chaos/nfq-delay.c — test tool (issue 10): delays packets on their way, standing
 * in for `tc qdisc add ... netem delay D` on kernels built without the netem qdisc.
 *
 *   nfq-delay [--queue N] [--delay-ms D] [--limit L]
 *
 * An iptables rule sends packets to NFQUEUE N (`-j NFQUEUE --queue-num N`); this
 * program binds that queue in its own network namespace, in metadata-only copy mode (the
 * kernel keeps each packet; we keep its id and the time it arrived), and accepts each
 * packet D ms (default 50) after it arrived. The delay is constant, so packets leave in
 * the order they came (a FIFO ring; nothing is reordered).
 *
 * Bounded memory: a ring of L held packets (default 4096, 1..1048576), allocated once.
 * A packet that arrives while the ring is full is dropped (verdict NF_DROP) and counted,
 * as netem drops beyond its queue `limit`; TCP retransmits it. The kernel's own queue is
 * bounded at 2L packets (beyond that the kernel drops). GSO packets are queued whole.
 *
 * Prints "READY queue N delay D ms limit L" on stdout once bound. On SIGTERM or SIGINT
 * it accepts every held packet at once, unbinds and prints one line of counters:
 *   nfq-delay: queued Q released R dropped_full F dropped_exit X max_held M
 * then exits 0 (Q = R + F + X). X counts the packets that came while unbinding: the
 * kernel drops those; remove the NFQUEUE rule first to have none. Exit 1 on a bad
 * argument, 2 when the queue cannot be bound (not root, the queue taken by another
 * program) or the netlink socket fails, with the reason on stderr.
 *
 * Without this program bound, packets sent to the queue are dropped (use no
 * --queue-bypass): a delay that silently vanished would make a test pass for the wrong
 * reason. The queue is per network namespace: runs in other namespaces do not collide.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

enum { ND_LIMIT_MAX = 1 << 20, ND_RCVBUF = 8 << 20 };

struct nd_held {
    uint32_t id;
    int64_t due_ns;
};

struct nd {
    struct nfq_handle *h;
    struct nfq_q_handle *qh;
    struct nd_held *ring;
    uint32_t limit, head, count;
    int64_t delay_ns;
    uint64_t queued, released, dropped_full, max_held;
};

static volatile sig_atomic_t nd_stop;

static void nd_on_signal(int sig)
{
    (void)sig;
    nd_stop = 1;
}

static int64_t nd_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Called by nfq_handle_packet for each queued packet: hold it, or drop it when full. */
static int nd_on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa,
                        void *data)
{
    struct nd *d = data;
    struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
    if (!ph) return 0;
    uint32_t id = ntohl(ph->packet_id);
    d->queued++;
    if (d->count == d->limit) {
        d->dropped_full++;
        return nfq_set_verdict(qh, id, NF_DROP, 0, NULL) < 0 ? -1 : 0;
    }
    struct nd_held *slot = &d->ring[(d->head + d->count) % d->limit];
    slot->id = id;
    slot->due_ns = nd_now_ns() + d->delay_ns;
    d->count++;
    if (d->count > d->max_held) d->max_held = d->count;
    return 0;
}

/* Accepts the held packets that are due (all of them when `all`); returns the number of
 * nanoseconds until the next one is due, or -1 when none is held. */
static int64_t nd_release(struct nd *d, int all)
{
    int64_t now = nd_now_ns();
    while (d->count > 0) {
        struct nd_held *slot = &d->ring[d->head];
        if (!all && slot->due_ns > now) return slot->due_ns - now;
        if (nfq_set_verdict(d->qh, slot->id, NF_ACCEPT, 0, NULL) < 0)
            fprintf(stderr, "nfq-delay: verdict for packet %u: %s\n", slot->id, strerror(errno));
        d->head = (d->head + 1) % d->limit;
        d->count--;
        d->released++;
    }
    return -1;
}

/* Reads what the kernel queued, without blocking and at most 64 messages at a time (the
 * due packets are released in between). Returns 0, or -1 on a fatal error. */
static int nd_read(struct nd *d, int fd)
{
    static char buf[65536] __attribute__((aligned));
    for (int i = 0; i < 64; i++) {
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) {
            nfq_handle_packet(d->h, buf, (int)n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR || errno == ENOBUFS)) return 0;
        fprintf(stderr, "nfq-delay: recv: %s\n", n < 0 ? strerror(errno) : "closed");
        return -1;
    }
    return 0;
}

/* SIGTERM and SIGINT are blocked except inside ppoll (`waitmask`): a signal is never missed
 * between the check of nd_stop and the wait. */
static int nd_loop(struct nd *d, const sigset_t *waitmask)
{
    int fd = nfq_fd(d->h);
    while (!nd_stop) {
        int64_t wait = nd_release(d, 0);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        struct timespec ts = {.tv_sec = wait / 1000000000, .tv_nsec = wait % 1000000000};
        int rc = ppoll(&p, 1, wait < 0 ? NULL : &ts, waitmask);
        if (rc < 0 && errno != EINTR) {
            perror("nfq-delay: ppoll");
            return -1;
        }
        if (rc > 0 && nd_read(d, fd) < 0) return -1;
    }
    return 0;
}

static int nd_bind(struct nd *d, uint16_t queue)
{
    d->h = nfq_open();
    if (!d->h) return -1;
    d->qh = nfq_create_queue(d->h, queue, nd_on_packet, d);
    if (!d->qh) return -1;
    if (nfq_set_mode(d->qh, NFQNL_COPY_META, 0) < 0 ||
        nfq_set_queue_maxlen(d->qh, 2 * d->limit) < 0)
        return -1;
    /* GSO packets whole (no software segmentation); an old kernel may refuse: harmless. */
    nfq_set_queue_flags(d->qh, NFQA_CFG_F_GSO, NFQA_CFG_F_GSO);
    nfnl_rcvbufsiz(nfq_nfnlh(d->h), ND_RCVBUF);
    int one = 1;
    setsockopt(nfq_fd(d->h), SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one);
    return 0;
}

static void nd_unbind(struct nd *d)
{
    if (d->qh) nfq_destroy_queue(d->qh);
    if (d->h) nfq_close(d->h);
}

static int nd_number(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

/* Parses --queue, --delay-ms and --limit (table-driven); returns 0 or -1. */
static int nd_args(int argc, char **argv, long *queue, long *delay_ms, long *limit)
{
    const struct {
        const char *name;
        long lo, hi;
        long *out;
    } opts[] = {
        {"--queue", 0, 65535, queue},
        {"--delay-ms", 0, 60000, delay_ms},
        {"--limit", 1, ND_LIMIT_MAX, limit},
    };
    for (int i = 1; i < argc; i += 2) {
        size_t k = 0;
        while (k < sizeof opts / sizeof opts[0] && strcmp(argv[i], opts[k].name) != 0)
            k++;
        if (k == sizeof opts / sizeof opts[0] || i + 1 >= argc ||
            nd_number(argv[i + 1], opts[k].lo, opts[k].hi, opts[k].out) < 0) {
            fprintf(stderr,
                    "usage: nfq-delay [--queue 0..65535] [--delay-ms 0..60000] "
                    "[--limit 1..%d]\n",
                    ND_LIMIT_MAX);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    long queue = 0, delay_ms = 50, limit = 4096;
    if (nd_args(argc, argv, &queue, &delay_ms, &limit) < 0) return 1;
    struct nd d = {.limit = (uint32_t)limit, .delay_ns = delay_ms * 1000000};
    d.ring = calloc(d.limit, sizeof *d.ring);
    struct sigaction sa = {.sa_handler = nd_on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigset_t stop, waitmask;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigprocmask(SIG_BLOCK, &stop, &waitmask);
    if (!d.ring || nd_bind(&d, (uint16_t)queue) < 0) {
        fprintf(stderr, "nfq-delay: cannot bind queue %ld: %s\n", queue, strerror(errno));
        nd_unbind(&d);
        free(d.ring);
        return 2;
    }
    printf("READY queue %ld delay %ld ms limit %ld\n", queue, delay_ms, limit);
    fflush(stdout);
    int rc = nd_loop(&d, &waitmask);
    nd_release(&d, 1);
    nd_unbind(&d); /* packets read while unbinding are held by no one: the kernel drops them */
    free(d.ring);
    printf("nfq-delay: queued %llu released %llu dropped_full %llu dropped_exit %u "
           "max_held %llu\n",
           (unsigned long long)d.queued, (unsigned long long)d.released,
           (unsigned long long)d.dropped_full, d.count, (unsigned long long)d.max_held);
    return rc < 0 ? 2 : 0;
}
