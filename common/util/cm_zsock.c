/* cm_zsock: see cm_zsock.h. The handles: poll (wakes the loop on ZMQ_FD), prepare
 * (checks ZMQ_EVENTS before the loop blocks), idle (keeps the loop from blocking
 * while messages are pending), check (drains a bounded batch).
 *
 * Reading ZMQ_EVENTS costs two system calls (libzmq polls its signaler and checks
 * getpid), so it is read only when the socket is "stale": since the last reading
 * that said "nothing pending", ZMQ_FD fired or we sent (a send may process libzmq's
 * commands and so consume the edge of ZMQ_FD). When the last reading said "nothing
 * pending", every later arrival signals ZMQ_FD (libzmq's reader had found its pipes
 * empty and waits for an activation command), so skipping the reading is safe. */
#include "cm_zsock.h"

#include <errno.h>
#include <stdlib.h>
#include <zmq.h>

struct cm_zsock {
    void *sock;
    uv_poll_t poll;
    uv_prepare_t prepare;
    uv_idle_t idle;
    uv_check_t check;
    int open_handles;
    int stale; /* ZMQ_EVENTS must be read before the loop may sleep */
    cm_zsock_recv_cb cb;
    void *arg;
};

static int zsock_readable(cm_zsock *z)
{
    int events = 0;
    size_t len = sizeof events;
    if (zmq_getsockopt(z->sock, ZMQ_EVENTS, &events, &len) != 0) return 0;
    return (events & ZMQ_POLLIN) != 0;
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    cm_zsock *z = h->data;
    (void)status, (void)events; /* waking the loop (and marking it stale) is all it is for */
    z->stale = 1;
}

static void on_idle(uv_idle_t *h)
{
    (void)h;
}

static void on_prepare(uv_prepare_t *h)
{
    cm_zsock *z = h->data;
    if (z->stale && zsock_readable(z)) {
        uv_idle_start(&z->idle, on_idle);
        return;
    }
    z->stale = 0;
    uv_idle_stop(&z->idle);
}

/* Reads one whole multipart message; returns the number of frames, 0 if none. */
static int recv_message(void *sock, zmq_msg_t *msgs, int *truncated)
{
    int n = 0, more = 1;
    *truncated = 0;
    while (more) {
        zmq_msg_t scratch, *m = n < CM_ZSOCK_MAX_FRAMES ? &msgs[n] : &scratch;
        zmq_msg_init(m);
        if (zmq_msg_recv(m, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(m);
            return n;
        }
        more = zmq_msg_more(m);
        if (m == &scratch) {
            zmq_msg_close(m);
            *truncated = 1;
        } else
            n++;
    }
    return n;
}

/* Reads until libzmq says EAGAIN (which also processes its commands, as a ZMQ_EVENTS
 * reading would: the socket is then known empty and every later arrival signals
 * ZMQ_FD), or until a batch has been read (the socket stays stale: the prepare looks
 * again). A message costs no system call; the empty read at the end costs two. */
static void on_check(uv_check_t *h)
{
    cm_zsock *z = h->data;
    for (int i = 0; i < CM_ZSOCK_BATCH && z->stale; i++) {
        zmq_msg_t msgs[CM_ZSOCK_MAX_FRAMES];
        cm_frame frames[CM_ZSOCK_MAX_FRAMES];
        int truncated, n = recv_message(z->sock, msgs, &truncated);
        if (n == 0) {
            z->stale = 0;
            break;
        }
        for (int f = 0; f < n; f++) {
            frames[f].data = zmq_msg_data(&msgs[f]);
            frames[f].len = zmq_msg_size(&msgs[f]);
        }
        if (!truncated) z->cb(z, frames, n, z->arg);
        for (int f = 0; f < n; f++)
            zmq_msg_close(&msgs[f]);
    }
}

int cm_zsock_create(uv_loop_t *loop, void *zsocket, cm_zsock_recv_cb cb, void *arg, cm_zsock **out)
{
    int fd, linger = 0;
    size_t len = sizeof fd;
    cm_zsock *z = calloc(1, sizeof *z);
    if (!z) return -ENOMEM;
    if (zmq_getsockopt(zsocket, ZMQ_FD, &fd, &len) != 0) {
        free(z);
        return -errno;
    }
    zmq_setsockopt(zsocket, ZMQ_LINGER, &linger, sizeof linger);
    z->sock = zsocket;
    z->stale = 1;
    z->cb = cb;
    z->arg = arg;
    uv_poll_init(loop, &z->poll, fd);
    uv_prepare_init(loop, &z->prepare);
    uv_idle_init(loop, &z->idle);
    uv_check_init(loop, &z->check);
    z->poll.data = z->prepare.data = z->idle.data = z->check.data = z;
    uv_poll_start(&z->poll, UV_READABLE, on_poll);
    uv_prepare_start(&z->prepare, on_prepare);
    uv_check_start(&z->check, on_check);
    *out = z;
    return 0;
}

static void on_closed(uv_handle_t *h)
{
    cm_zsock *z = h->data;
    if (--z->open_handles == 0) {
        zmq_close(z->sock);
        free(z);
    }
}

void cm_zsock_free(cm_zsock *z)
{
    if (!z) return;
    z->open_handles = 4;
    uv_close((uv_handle_t *)&z->poll, on_closed);
    uv_close((uv_handle_t *)&z->prepare, on_closed);
    uv_close((uv_handle_t *)&z->idle, on_closed);
    uv_close((uv_handle_t *)&z->check, on_closed);
}

int cm_zsock_send(cm_zsock *z, const cm_frame *frames, int nframes)
{
    for (int i = 0; i < nframes; i++) {
        int flags = ZMQ_DONTWAIT | (i + 1 < nframes ? ZMQ_SNDMORE : 0);
        if (zmq_send(z->sock, frames[i].data, frames[i].len, flags) < 0)
            return -errno; /* only frame 0 can fail: later frames are accepted atomically */
    }
    /* A send can consume ZMQ_FD's edge while input is pending (LIBRARIES.md): the
     * idle handle keeps the loop from sleeping until the next prepare has looked
     * (one look for all the sends of a loop turn). */
    z->stale = 1;
    uv_idle_start(&z->idle, on_idle);
    return 0;
}
