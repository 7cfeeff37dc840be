/* ss_submit: the SMS concern: submit_sm in, submit_sm_resp + log line + receipt out.
 *
 * Contract: ss_submit_handle() answers one submit_sm on session s (borrowed; v borrows
 * the session's input buffer for this call only): ESME_RINVBNDSTS if s is not bound to
 * submit, a validation status from ss_pdu, else ESME_ROK with a fresh message id, one
 * "SMS" log line, and, if registered_delivery asks for it, a receipt queued on
 * srv->dlrs. ss_submit_send_receipt() is the queue's send callback (ctx = the server):
 * it packs a deliver_sm (esm_class 0x04, receipt text, TLVs receipted_message_id
 * 0x001E, message_state 0x0427 and for failures network_error_code 0x0423) and sends it
 * to a receiver/transceiver bound with the submitter's system_id (the submitting session
 * first); returns 0, -ENOTCONN if none is bound, or -EINVAL if packing failed (logged,
 * receipt dropped).
 */
#ifndef SS_SUBMIT_H
#define SS_SUBMIT_H

#include "ss_dlr.h"
#include "ss_pdu.h"
#include "ss_session.h"

void ss_submit_handle(struct ss_session *s, struct ss_pdu_view *v);
int ss_submit_send_receipt(void *ctx, const struct ss_dlr *d);

#endif
