/* se_pdu: our own strict decoder of inbound SMPP 3.4 PDUs (pure functions).
 *
 * Every PDU read from an SMSC goes through here and nowhere else: libsmpp34 is only
 * used for packing (see LIBRARIES.md: its unpacker overflows a global buffer on
 * hostile TLVs and rejects values real SMSCs send).
 *
 * se_pdu_header() reads the 16-byte header and checks SE_PDU_HEADER_LEN <=
 * command_length <= SE_PDU_MAX_LEN; a connection whose header fails this check must be
 * dropped (the stream cannot be resynchronised).
 *
 * se_pdu_decode() decodes one whole PDU (buf[len], len == command_length). Known
 * commands: generic_nack, bind_{transmitter,receiver,transceiver}_resp, submit_sm_resp,
 * deliver_sm, enquire_link(_resp), unbind(_resp). C-strings must end with a NUL within
 * their field's maximum size; the TLV walk is bounded (at most SE_TLV_MAX TLVs, each
 * length inside the body, no trailing partial TLV); header-only PDUs must have no
 * body. For a response with command_status != 0 the body is not parsed (SMSCs send
 * anything there). Unexpected trailing bytes after the mandatory fields are TLVs.
 *
 * Ownership: the decoded se_pdu borrows buf (sm, TLV values point into it); strings
 * are copied into fixed arrays. Never allocates, never logs.
 *
 * Errors: se_pdu_header: -EAGAIN (fewer than 16 bytes), -EMSGSIZE (bad length).
 * se_pdu_decode: -ENOTSUP unknown command id (header fields are filled: answer a
 * request with generic_nack ESME_RINVCMDID), -EBADMSG malformed body (header fields are
 * filled, body fields are zero), -EINVAL len differs from command_length. */
#ifndef SE_PDU_H
#define SE_PDU_H

#include <stddef.h>
#include <stdint.h>

#define SE_PDU_HEADER_LEN 16
#define SE_PDU_MAX_LEN 65536
#define SE_TLV_MAX 32
#define SE_MSGID_MAX 254 /* characters; SMPP says 64, real SMSCs send more */
#define SE_ADDR_MAX 64   /* characters; SMPP says 20 */

/* Command ids (SMPP 3.4 §5.1.2.1). */
#define SE_GENERIC_NACK 0x80000000u
#define SE_BIND_RECEIVER 0x00000001u
#define SE_BIND_RECEIVER_RESP 0x80000001u
#define SE_BIND_TRANSMITTER 0x00000002u
#define SE_BIND_TRANSMITTER_RESP 0x80000002u
#define SE_SUBMIT_SM 0x00000004u
#define SE_SUBMIT_SM_RESP 0x80000004u
#define SE_DELIVER_SM 0x00000005u
#define SE_DELIVER_SM_RESP 0x80000005u
#define SE_UNBIND 0x00000006u
#define SE_UNBIND_RESP 0x80000006u
#define SE_BIND_TRANSCEIVER 0x00000009u
#define SE_BIND_TRANSCEIVER_RESP 0x80000009u
#define SE_ENQUIRE_LINK 0x00000015u
#define SE_ENQUIRE_LINK_RESP 0x80000015u
#define SE_IS_RESPONSE(id) (((id)&0x80000000u) != 0)

/* TLV tags we read or write. */
#define SE_TLV_RECEIPTED_MESSAGE_ID 0x001E
#define SE_TLV_SAR_MSG_REF_NUM 0x020C
#define SE_TLV_SAR_TOTAL_SEGMENTS 0x020E
#define SE_TLV_SAR_SEGMENT_SEQNUM 0x020F
#define SE_TLV_NETWORK_ERROR_CODE 0x0423
#define SE_TLV_MESSAGE_PAYLOAD 0x0424
#define SE_TLV_MESSAGE_STATE 0x0427

typedef struct {
    uint32_t length, id, status, seq;
} se_pdu_hdr;

typedef struct {
    uint16_t tag, len;
    const uint8_t *val; /* borrowed from the PDU buffer */
} se_tlv;

typedef struct {
    se_pdu_hdr h;
    /* bind_*_resp: system_id; submit_sm_resp: message_id. "" when absent. */
    char id[SE_MSGID_MAX + 1];
    /* deliver_sm */
    char service_type[6];
    uint8_t source_ton, source_npi, dest_ton, dest_npi;
    char source_addr[SE_ADDR_MAX + 1], dest_addr[SE_ADDR_MAX + 1];
    uint8_t esm_class, protocol_id, priority_flag;
    char schedule_delivery_time[17], validity_period[17];
    uint8_t registered_delivery, replace_if_present, data_coding, sm_default_msg_id;
    const uint8_t *sm; /* short_message, borrowed; NULL when sm_len is 0 */
    size_t sm_len;
    se_tlv tlv[SE_TLV_MAX];
    size_t n_tlv;
} se_pdu;

int se_pdu_header(const uint8_t *buf, size_t len, se_pdu_hdr *h);
int se_pdu_decode(const uint8_t *buf, size_t len, se_pdu *p);

/* The first TLV with this tag, or NULL. */
const se_tlv *se_pdu_tlv(const se_pdu *p, uint16_t tag);
/* Copies a C-octet-string TLV value (up to its NUL or its length) into out[size];
 * -EBADMSG if it does not fit or holds a control character, -ENOENT if absent. */
int se_pdu_tlv_str(const se_pdu *p, uint16_t tag, char *out, size_t size);
/* Lower-case hex of a TLV value into out[size] (size >= 2 * len + 1); -ENOENT if
 * absent, -ENOSPC if too long. */
int se_pdu_tlv_hex(const se_pdu *p, uint16_t tag, char *out, size_t size);
/* Integer TLV of 1, 2 or 4 octets; -ENOENT if absent, -EBADMSG for another width. */
int se_pdu_tlv_uint(const se_pdu *p, uint16_t tag, uint32_t *out);

/* "submit_sm_resp", ..., or "unknown". */
const char *se_pdu_cmd_name(uint32_t id);

#endif
