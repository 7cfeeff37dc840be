/* se_deliver: a decoded deliver_sm as the DELIVER message for dlr (receipts) or the
 * router (mobile-originated). Pure: se_deliver_build() fills a caller-owned se_dlv
 * whose message borrows the se_pdu (addresses, short_message) and the se_dlv's own
 * arrays; it stays valid while both live.
 *
 * short_message is the PDU's short_message, or its message_payload TLV when
 * sm_length is 0. receipted_message_id (TLV 0x001E) is copied when it is a printable
 * C-string ("" otherwise), message_state (0x0427) read as an integer (0 if absent or
 * malformed), network_error_code (0x0423) written as lower-case hex ("" if absent or
 * longer than 16 octets). Never fails.
 *
 * se_deliver_backlog(): receipt flow control, pure. Submits pause while SE_DLV_SLOW_AT
 * receipts or more wait for a live dlr (one that acknowledged something in the last
 * SE_DLV_ALIVE_MS), until they are down to SE_DLV_RESUME_AT: an SMSC that answers
 * receipts at once can then never push dlr further behind, and no receipt is refused
 * for want of room. Never for a dlr that is down: its receipts are refused past
 * SE_DLV_PENDING_MAX and the SMSC delivers them again, while SMS keep going out.
 * Returns whether submits are paused now, given whether they were. */
#ifndef SE_DELIVER_H
#define SE_DELIVER_H

#include "cm_wire.h"
#include "se_pdu.h"

#include <stdint.h>

typedef struct {
    cm_msg_deliver m;
    char rmid[SE_MSGID_MAX + 1];
    char net_err[33];
} se_dlv;

#define SE_DLV_SLOW_AT 5000
#define SE_DLV_RESUME_AT 2500
#define SE_DLV_ALIVE_MS 2000

void se_deliver_build(const se_pdu *p, const char *operator_name, uint64_t now_ms, se_dlv *out);
int se_deliver_backlog(int paused, uint64_t waiting, uint64_t dlr_acked_ms, uint64_t now_ms);
/* A delivery receipt (esm_class bit 0x04) goes to dlr, anything else to the router. */
int se_deliver_is_receipt(const se_pdu *p);

#endif
