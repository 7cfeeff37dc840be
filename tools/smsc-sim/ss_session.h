/* ss_session: one accepted SMPP connection and its state machine.
 *
 * States: OPEN (connected, not bound) → BOUND_TX / BOUND_RX / BOUND_TRX after a
 * successful bind_transmitter / bind_receiver / bind_transceiver → CLOSING (unbind,
 * error, peer gone, shutdown). Every state change goes through one function that logs
 * it. Framing: the 16-byte header is read first; a command_length outside 16..65536
 * drops the session; the body is buffered until complete, then dispatched by
 * command_id through a table. Bodies are validated by ss_pdu before libsmpp34 sees
 * them. Unknown requests get generic_nack(ESME_RINVCMDID); responses we did not expect
 * are logged and ignored.
 *
 * Ownership: ss_session_accept() allocates a session and links it into srv; the
 * session frees itself (and unlinks) in its close callback, after libuv has cancelled
 * its pending writes. Pointers to a session are valid until the loop runs that close
 * callback; keep a session id (not a pointer) across loop turns. ss_session_send() copies
 * the bytes; on write error the session closes itself. Returns 0 or a negative code.
 */
#ifndef SS_SESSION_H
#define SS_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "ss_server.h"

enum ss_state { SS_OPEN, SS_BOUND_TX, SS_BOUND_RX, SS_BOUND_TRX, SS_CLOSING };

struct ss_session {
    struct ss_server *srv;
    struct ss_session *prev, *next;
    uv_tcp_t tcp;
    uint64_t id;
    enum ss_state state;
    char peer[64];
    char system_id[16];
    uint8_t *in; /* received bytes not yet dispatched */
    size_t in_len, in_cap;
    uint32_t next_seq;                       /* for PDUs we originate (deliver_sm) */
    struct write_req *out;                   /* PDUs sent since the last flush, in one buffer */
    struct ss_dlr *awaiting, *awaiting_tail; /* receipts sent, deliver_sm_resp not yet in */
    size_t n_awaiting;
    bool paused; /* reading stopped while the peer does not read our writes */
};

int ss_session_accept(struct ss_server *srv);
/* Appends to the session's output, which leaves in one write at the next flush: the
 * end of the read that produced it, the server's idle handle (before the loop sleeps),
 * or a close. */
int ss_session_send(struct ss_session *s, const uint8_t *data, size_t len);
/* Writes the pending output now; on error the session closes itself. */
int ss_session_flush(struct ss_session *s);
/* Graceful: flush queued writes first (after unbind_resp). Safe to call again; a
 * non-graceful call on a session still flushing closes it at once. */
void ss_session_close(struct ss_session *s, const char *reason, bool graceful);
uint32_t ss_session_next_seq(struct ss_session *s);
/* A receipt just sent in deliver_sm d->seq: a copy waits for its deliver_sm_resp. An
 * error answer (the ESME could not take it now) or a session that ends first sends it
 * again through the server's retry queue, as an SMSC does. At most SS_DLR_MAX_HELD
 * wait per session (the oldest are forgotten). */
void ss_session_receipt_sent(struct ss_session *s, const struct ss_dlr *d);
bool ss_session_can_submit(const struct ss_session *s);
bool ss_session_can_receive(const struct ss_session *s);

#endif
