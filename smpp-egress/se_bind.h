/* se_bind: one SMPP client connection (a "bind") and its state machine.
 *
 *   IDLE --start/back-off timer--> RESOLVING --> CONNECTING --> BINDING --bind_resp OK-->
 *   BOUND --stop--> UNBINDING --unbind_resp--> CLOSING --> IDLE (reconnect) or STOPPED
 * Any error (connect/read/write failure, a header with a bad command_length, bind
 * refused, bind / enquire_link / unbind response time-out) goes to CLOSING, which
 * returns every in-window submit to the owner as SE_RESP_LOST, then to IDLE with a
 * jittered exponential back-off (1 s doubling to 60 s; reset once bound). An unbind
 * from the SMSC is answered with unbind_resp and the bind is re-established.
 * se_bind_enter() is the only function that changes the state (and logs it);
 * se_bind_close() is the only one that tears a connection down.
 *
 * Roles: a transceiver submits and receives; with mode transmitter+receiver the owner
 * creates one TX and one RX bind per count (RX binds have no window).
 *
 * Window: at most cfg->window submit_sm outstanding; each is answered exactly once
 * through ops.resp_cb: SE_RESP_PDU (submit_sm_resp or generic_nack, with its status),
 * SE_RESP_TIMEOUT (no response within response_timeout_s; a late response is then
 * ignored), or SE_RESP_LOST (connection closed; the count is logged: those submits may
 * reach the SMSC twice, and never more than a window's worth per connection).
 * Rate: a token bucket at max_rate, and an adaptive limit (se_rate.h): a submit_sm_resp
 * ESME_RTHROTTLED or ESME_RMSGQFUL halves the rate at once, each second without one
 * raises it by 10% until the limit is lifted; changes are logged. se_bind_get_stats()
 * tells the submits written, throttling answers and LOST submits counted so far, the
 * window in use and the adaptive limit in force (for se_metrics). Log lines about one
 * submit name its job through ops.job_name. enquire_link is sent every
 * enquire_link_s; every inbound PDU is decoded by se_pdu first. deliver_sm goes to
 * ops.deliver_cb with the connection generation; the owner answers later with
 * se_bind_deliver_resp(), which does nothing if that connection is gone.
 *
 * Ownership: the bind borrows the operator and bind config for its life. Callbacks
 * borrow what they are given. Errors: -EAGAIN (not bound / window full), -EINVAL
 * (PDU could not be packed), -ESTALE (connection gone). Logs its own transitions. */
#ifndef SE_BIND_H
#define SE_BIND_H

#include "cm_config.h"
#include "se_pack.h"
#include "se_pdu.h"

#include <stdint.h>
#include <uv.h>

enum se_bind_state {
    SE_BIND_IDLE,
    SE_BIND_RESOLVING,
    SE_BIND_CONNECTING,
    SE_BIND_BINDING,
    SE_BIND_BOUND,
    SE_BIND_UNBINDING,
    SE_BIND_CLOSING,
    SE_BIND_STOPPED,
};

enum se_bind_role { SE_ROLE_TRX, SE_ROLE_TX, SE_ROLE_RX };
enum se_resp_kind { SE_RESP_PDU, SE_RESP_TIMEOUT, SE_RESP_LOST };

typedef struct se_bind se_bind;

typedef struct {
    void (*state_cb)(se_bind *b, enum se_bind_state st, void *arg);
    void (*resp_cb)(se_bind *b, uint64_t job_id, size_t part, enum se_resp_kind kind,
                    uint32_t status, const char *message_id, void *arg);
    void (*deliver_cb)(se_bind *b, uint64_t conn, const se_pdu *p, void *arg);
    /* Room may have grown (a response arrived, a rate token came back). */
    void (*room_cb)(se_bind *b, void *arg);
    /* Names a job for a log line about one of its submits (e.g. "submission 42 job 7
     * attempt 1"); optional: without it the bind writes "job <id>". */
    void (*job_name)(uint64_t job_id, char *buf, size_t size, void *arg);
    void *arg;
} se_bind_ops;

/* What a bind counted over its life, and its state now (for metrics). */
typedef struct {
    uint64_t submits;   /* submit_sm written */
    uint64_t throttled; /* submit_sm_resp ESME_RTHROTTLED or ESME_RMSGQFUL */
    uint64_t lost;      /* in the window when a connection ended (may be duplicates) */
    int window_used;    /* submit_sm awaiting a response */
    int window_size;    /* cfg->window for TX/TRX binds, 0 for RX */
    double rate_limit;  /* adaptive limit in force, submits/s; 0 = none (se_rate.h) */
} se_bind_stats;

int se_bind_create(uv_loop_t *loop, const cm_config_operator *op, const cm_config_bind *cfg,
                   enum se_bind_role role, int index, const se_bind_ops *ops, se_bind **out);
/* Frees a STOPPED or never started bind (closes its timers; memory freed later by
 * the loop). */
void se_bind_free(se_bind *b);
void se_bind_start(se_bind *b);
/* Unbinds (if bound) and closes; the state becomes STOPPED (state_cb). */
void se_bind_stop(se_bind *b);

enum se_bind_state se_bind_state(const se_bind *b);
const char *se_bind_state_name(enum se_bind_state st);
const char *se_bind_name(const se_bind *b);
/* Submits that may be written now (0 unless BOUND, window and rate allow). */
int se_bind_room(se_bind *b);
/* Window room if bound, ignoring the rate (for credit). */
int se_bind_window_room(const se_bind *b);
/* Jobs worth holding beyond the window if bound: one window, or one second at the
 * rate in force when that is less (so that a slow or throttled bind hoards little). */
int se_bind_readahead(const se_bind *b);
int se_bind_in_window(const se_bind *b);
int se_bind_submit(se_bind *b, uint64_t job_id, size_t part, const se_submit *s);
int se_bind_deliver_resp(se_bind *b, uint64_t conn, uint32_t seq, uint32_t status);
void se_bind_get_stats(const se_bind *b, se_bind_stats *out);

#endif
