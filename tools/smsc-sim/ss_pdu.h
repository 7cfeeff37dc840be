/* ss_pdu: SMPP 3.4 framing, validation of inbound PDUs, and packing of outbound ones.
 *
 * libsmpp34 is not safe on hostile input (see docs LIBRARIES.md: unbounded trace buffer,
 * strlen() on unterminated strings, leaks on failure), so an inbound PDU goes through
 * three steps here before the simulator trusts it:
 *  1. ss_pdu_header(): the 16-byte header; command_length must be within
 *     SS_PDU_MIN_LEN..SS_PDU_MAX_LEN, else the caller drops the session.
 *  2. ss_pdu_validate(): a strict walk of the whole body for the commands whose body we
 *     read (bind_*, submit_sm): every C-octet string NUL-terminated within its maximum
 *     size, TON/NPI values libsmpp34 accepts, sm_length inside the PDU, then a bounded TLV
 *     walk (at most SS_PDU_MAX_TLVS, each inside the PDU). On failure it returns
 *     -EBADMSG and the SMPP command_status to answer with.
 *  3. ss_pdu_unpack(): libsmpp34 unpacks a private copy of the header + mandatory part
 *     only (command_length rewritten, command_status zeroed, interface_version forced to
 *     0x34 for binds), so its trace stays bounded and no TLV list is allocated. TLVs are
 *     read with ss_pdu_tlv_find() from the validated view instead.
 * A view borrows the caller's buffer. Packing: ss_pdu_pack() wraps smpp34_pack() (the
 * caller's struct keeps ownership of its TLV list); ss_pdu_header_only() writes the
 * 16-byte PDUs (generic_nack, enquire_link_resp, unbind_resp) itself, because
 * smpp34_pack() refuses sequence_number 0, which a generic_nack may need to echo.
 * Functions return 0 or a negative errno and never log.
 */
#ifndef SS_PDU_H
#define SS_PDU_H

#include <stddef.h>
#include <stdint.h>

#include <smpp34.h>
#include <smpp34_structs.h>
#include <smpp34_params.h>

#define SS_PDU_HEADER_LEN 16
#define SS_PDU_MIN_LEN 16
#define SS_PDU_MAX_LEN 65536
#define SS_PDU_MAX_TLVS 32
#define SS_PDU_OUT_MAX 2048 /* enough for every PDU the simulator sends, + 1 for pack */

struct ss_pdu_view {
    const uint8_t *raw; /* whole PDU, header included (borrowed) */
    uint32_t length, command_id, status, seq;
    size_t mandatory_len; /* header + mandatory body (after ss_pdu_validate) */
    size_t version_off;   /* offset of interface_version in a bind, else 0 */
    const uint8_t *tlv;   /* first TLV byte */
    size_t tlv_len;
    unsigned tlv_count;
};

/* Step 1: hdr has SS_PDU_HEADER_LEN bytes. -EMSGSIZE if command_length is out of range. */
int ss_pdu_header(const uint8_t *hdr, struct ss_pdu_view *v);

/* Step 2: v->raw must hold v->length bytes. *status receives the status to answer. */
int ss_pdu_validate(struct ss_pdu_view *v, uint32_t *status);

/* Step 3: out is the libsmpp34 struct for v->command_id (bind_*_t, submit_sm_t). */
int ss_pdu_unpack(const struct ss_pdu_view *v, void *out);

/* Finds a TLV in a validated view. -ENOENT if absent. */
int ss_pdu_tlv_find(const struct ss_pdu_view *v, uint16_t tag, const uint8_t **val, uint16_t *len);

/* smpp34_pack() into out (outsz bytes); *len = PDU length. -EINVAL if libsmpp34 refuses. */
int ss_pdu_pack(uint32_t command_id, void *pdu, uint8_t *out, size_t outsz, size_t *len);

/* Writes a body-less PDU; returns SS_PDU_HEADER_LEN. */
size_t ss_pdu_header_only(uint8_t out[SS_PDU_HEADER_LEN], uint32_t command_id, uint32_t status,
                          uint32_t seq);

/* Short name for logs, e.g. "submit_sm"; "0x00000103" style for others (static buffer
 * not used: writes into buf). */
const char *ss_pdu_command_name(uint32_t command_id, char buf[16]);

#endif
