/* cm_zsock: one ZeroMQ socket driven by a libuv loop.
 *
 * ZMQ_FD is edge-triggered and shared with libzmq's internals, so the socket is not
 * read from the uv_poll callback: uv_poll only wakes the loop, a uv_prepare looks at
 * ZMQ_EVENTS before the loop blocks (and keeps a uv_idle running while messages are
 * pending), and a uv_check drains up to CM_ZSOCK_BATCH messages per loop turn.
 *
 * cm_zsock_create() takes ownership of the ZeroMQ socket; cm_zsock_free() stops the
 * handles and closes the socket once they are closed (LINGER is set to 0). The
 * receive callback borrows the frames for the duration of the call. cm_zsock_send()
 * never blocks: -EAGAIN when the socket would block (no peer, high-water mark),
 * -EHOSTUNREACH for an unknown ROUTER identity (ZMQ_ROUTER_MANDATORY), other
 * negative errno values for the rest. */
#ifndef CM_ZSOCK_H
#define CM_ZSOCK_H

#include <stddef.h>
#include <uv.h>

#define CM_ZSOCK_BATCH 512
#define CM_ZSOCK_MAX_FRAMES 8

typedef struct {
    const void *data;
    size_t len;
} cm_frame;

typedef struct cm_zsock cm_zsock;
typedef void (*cm_zsock_recv_cb)(cm_zsock *z, const cm_frame *frames, int nframes, void *arg);

int cm_zsock_create(uv_loop_t *loop, void *zsocket, cm_zsock_recv_cb cb, void *arg, cm_zsock **out);
void cm_zsock_free(cm_zsock *z);
int cm_zsock_send(cm_zsock *z, const cm_frame *frames, int nframes);

#endif
