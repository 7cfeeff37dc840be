/* se_pack: outbound PDUs (see se_pack.h). */
#include "se_pack.h"
#include "se_pdu.h"

#include <errno.h>
#include <string.h>

#include <smpp34.h>
#include <smpp34_structs.h>
#include <smpp34_params.h>

/* Copies s into a C-octet field of `cap` bytes (NUL included). */
static int put_cstr(uint8_t *field, size_t cap, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n >= cap) return -EINVAL;
    memcpy(field, s ? s : "", n + 1);
    return 0;
}

static int pack(uint32_t cmd, uint8_t *buf, size_t size, void *pdu)
{
    int len = 0;
    if (size < 2 || size > SE_PACK_MAX * 4) return -ENOSPC;
    /* libsmpp34 needs one byte more than the PDU (LIBRARIES.md). */
    if (smpp34_pack(cmd, buf, (int)size, &len, pdu) != 0 || len <= 0 || (size_t)len >= size)
        return -EINVAL;
    return len;
}

int se_pack_bind(uint8_t *buf, size_t size, uint32_t cmd, uint32_t seq, const cm_config_bind *b)
{
    bind_transceiver_t r; /* the three bind requests share one layout */
    memset(&r, 0, sizeof r);
    if (seq == 0 ||
        (cmd != SE_BIND_TRANSCEIVER && cmd != SE_BIND_TRANSMITTER && cmd != SE_BIND_RECEIVER))
        return -EINVAL;
    r.command_id = cmd;
    r.sequence_number = seq;
    r.interface_version = SMPP_VERSION;
    if (put_cstr(r.system_id, sizeof r.system_id, b->system_id) ||
        put_cstr(r.password, sizeof r.password, b->password) ||
        put_cstr(r.system_type, sizeof r.system_type, b->system_type))
        return -EINVAL;
    return pack(cmd, buf, size, &r);
}

static void add_tlv(submit_sm_t *r, uint16_t tag, uint16_t len, uint32_t v, const void *octets)
{
    tlv_t t; /* ~1 KB, copied by build_tlv */
    memset(&t, 0, sizeof t);
    t.tag = tag;
    t.length = len;
    if (octets)
        memcpy(t.value.octet, octets, len);
    else if (len == 1)
        t.value.val08 = (uint8_t)v;
    else
        t.value.val16 = (uint16_t)v;
    build_tlv(&r->tlv, &t);
}

/* build_tlv prepends: build in reverse wire order. */
static void add_part_tlvs(submit_sm_t *r, const se_part *p)
{
    if (p->payload) add_tlv(r, SE_TLV_MESSAGE_PAYLOAD, (uint16_t)p->payload_len, 0, p->payload);
    if (p->sar) {
        add_tlv(r, SE_TLV_SAR_SEGMENT_SEQNUM, 1, p->sar_seq, NULL);
        add_tlv(r, SE_TLV_SAR_TOTAL_SEGMENTS, 1, p->sar_total, NULL);
        add_tlv(r, SE_TLV_SAR_MSG_REF_NUM, 2, p->sar_ref, NULL);
    }
}

int se_pack_submit(uint8_t *buf, size_t size, uint32_t seq, const se_submit *s)
{
    submit_sm_t r;
    const se_part *p = s->part;
    memset(&r, 0, sizeof r);
    if (seq == 0 || p->sm_len > 253 || p->payload_len > SE_PAYLOAD_MAX) return -EINVAL;
    r.command_id = SE_SUBMIT_SM;
    r.sequence_number = seq;
    r.source_addr_ton = s->source_ton;
    r.source_addr_npi = s->source_npi;
    r.dest_addr_ton = 1;
    r.dest_addr_npi = 1;
    if (put_cstr(r.source_addr, sizeof r.source_addr, s->source) ||
        put_cstr(r.destination_addr, sizeof r.destination_addr, s->dest))
        return -EINVAL;
    r.esm_class = p->esm_class;
    r.registered_delivery = s->registered_delivery;
    r.data_coding = p->data_coding;
    r.sm_length = (uint8_t)p->sm_len;
    memcpy(r.short_message, p->sm, p->sm_len);
    add_part_tlvs(&r, p);
    int rc = pack(SE_SUBMIT_SM, buf, size, &r);
    destroy_tlv(r.tlv);
    return rc;
}

static void put_be32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}

int se_pack_header(uint8_t *buf, size_t size, uint32_t cmd, uint32_t status, uint32_t seq)
{
    if (size < SE_PDU_HEADER_LEN) return -ENOSPC;
    put_be32(buf, SE_PDU_HEADER_LEN);
    put_be32(buf + 4, cmd);
    put_be32(buf + 8, status);
    put_be32(buf + 12, seq);
    return SE_PDU_HEADER_LEN;
}

int se_pack_deliver_sm_resp(uint8_t *buf, size_t size, uint32_t status, uint32_t seq)
{
    if (size < SE_PDU_HEADER_LEN + 1) return -ENOSPC;
    se_pack_header(buf, size, SE_DELIVER_SM_RESP, status, seq);
    put_be32(buf, SE_PDU_HEADER_LEN + 1);
    buf[SE_PDU_HEADER_LEN] = 0; /* message_id "" */
    return SE_PDU_HEADER_LEN + 1;
}
