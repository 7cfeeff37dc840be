/* ss_dlr: delivery receipts waiting for their time.
 *
 * Contract: a FIFO of receipts, all with the same delay, on one uv_timer (due times are
 * monotonic, so the head is always the next one due). ss_dlr_queue_push() copies the
 * caller's struct (-ENOMEM if the copy cannot be allocated). When a receipt is due the
 * queue calls send(ctx, d): 0 = sent (the queue frees it), -ENOTCONN = no receiver or
 * transceiver of that system_id is bound: the receipt is held, and
 * ss_dlr_queue_release() (called when a receiver binds) offers the held ones again.
 * At most SS_DLR_MAX_HELD are held; older ones are dropped (counted in `dropped`).
 * ss_dlr_queue_close() stops the timer and frees everything; the struct must stay alive
 * until the loop has run the timer's close (i.e. until uv_run returns).
 * ss_dlr_receipt_text() formats the SMPP 3.4 appendix B text:
 *   id:<id> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD
 *   err:000 text:<first 20 chars>
 * (dlvrd:000 stat:UNDELIV err:001 for failures), dates in UTC.
 */
#ifndef SS_DLR_H
#define SS_DLR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <uv.h>

#define SS_DLR_MAX_HELD 100000
#define SS_DLR_RETRY_MS 1000 /* a receipt refused by the ESME is offered again after this */

struct ss_dlr {
    struct ss_dlr *next;
    uint64_t due_ms;     /* uv_now() scale; set by push */
    uint64_t session_id; /* the session that submitted: preferred for the receipt */
    char system_id[16];
    char msg_id[16];
    char src[21], dst[21]; /* of the submit_sm (the receipt goes dst → src) */
    uint8_t src_ton, src_npi, dst_ton, dst_npi;
    time_t submit_time;
    bool failed; /* UNDELIV, message_state 5, instead of DELIVRD, 2 */
    char text[24];
    uint32_t seq; /* the deliver_sm that carried it, while its answer is awaited */
};

typedef int (*ss_dlr_send_fn)(void *ctx, const struct ss_dlr *d);

struct ss_dlr_queue {
    uv_timer_t timer;
    uint64_t delay_ms;
    struct ss_dlr *head, *tail; /* waiting, in due order */
    struct ss_dlr *held, *held_tail;
    size_t n_waiting, n_held;
    uint64_t dropped;
    ss_dlr_send_fn send;
    void *ctx;
};

int ss_dlr_queue_init(struct ss_dlr_queue *q, uv_loop_t *loop, uint64_t delay_ms,
                      ss_dlr_send_fn send, void *ctx);
int ss_dlr_queue_push(struct ss_dlr_queue *q, const struct ss_dlr *d);
void ss_dlr_queue_release(struct ss_dlr_queue *q, const char *system_id);
void ss_dlr_queue_close(struct ss_dlr_queue *q);

size_t ss_dlr_receipt_text(const struct ss_dlr *d, time_t done, char *out, size_t outsz);

#endif
