/* ss_pdu: framing, strict validation, bounded unpack and pack (see ss_pdu.h).
 * libsmpp34 behaviour relied on: smpp34_unpack.c resets and appends to
 * smpp34_strerror[2048] for every field (about 30 bytes each, C-strings printed in
 * full), uses strlen() on C-octet strings, rejects sequence_number 0, command_status
 * values it does not know, interface_version != 0x34 and TON/NPI values outside
 * def_list/addr_{ton,npi}.list; smpp34_pack.c needs the output buffer one byte larger
 * than the PDU. */
#include "ss_pdu.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum field_kind { F_END, F_CSTR, F_U8, F_TON, F_NPI, F_VERSION, F_SM };

struct field {
    uint8_t kind;
    uint8_t max;     /* F_CSTR: size including the NUL */
    uint32_t status; /* what to answer when this field is bad */
};

static const struct field bind_layout[] = {
    {F_CSTR, 16, ESME_RINVSYSID},  {F_CSTR, 9, ESME_RINVPASWD},
    {F_CSTR, 13, ESME_RINVSYSTYP}, {F_VERSION, 0, ESME_RBINDFAIL},
    {F_TON, 0, ESME_RBINDFAIL},    {F_NPI, 0, ESME_RBINDFAIL},
    {F_CSTR, 41, ESME_RBINDFAIL},  {F_END, 0, 0}};

static const struct field submit_layout[] = {
    {F_CSTR, 6, ESME_RINVSERTYP},  {F_TON, 0, ESME_RINVSRCTON},  {F_NPI, 0, ESME_RINVSRCNPI},
    {F_CSTR, 21, ESME_RINVSRCADR}, {F_TON, 0, ESME_RINVDSTTON},  {F_NPI, 0, ESME_RINVDSTNPI},
    {F_CSTR, 21, ESME_RINVDSTADR}, {F_U8, 0, ESME_RINVESMCLASS}, {F_U8, 0, ESME_RINVCMDLEN},
    {F_U8, 0, ESME_RINVPRTFLG},    {F_CSTR, 17, ESME_RINVSCHED}, {F_CSTR, 17, ESME_RINVEXPIRY},
    {F_U8, 0, ESME_RINVREGDLVFLG}, {F_U8, 0, ESME_RINVREPFLAG},  {F_U8, 0, ESME_RINVCMDLEN},
    {F_U8, 0, ESME_RINVDFTMSGID},  {F_SM, 0, ESME_RINVMSGLEN},   {F_END, 0, 0}};

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

int ss_pdu_header(const uint8_t *hdr, struct ss_pdu_view *v)
{
    memset(v, 0, sizeof *v);
    v->length = rd32(hdr);
    v->command_id = rd32(hdr + 4);
    v->status = rd32(hdr + 8);
    v->seq = rd32(hdr + 12);
    if (v->length < SS_PDU_MIN_LEN || v->length > SS_PDU_MAX_LEN) return -EMSGSIZE;
    return 0;
}

static int npi_ok(uint8_t npi)
{
    return npi == 0 || npi == 1 || npi == 3 || npi == 4 || npi == 6 || npi == 8 || npi == 9 ||
           npi == 10 || npi == 14 || npi == 18;
}

/* Checks one field at *off and advances *off: -ENODATA if the PDU ends inside the
 * field, -EBADMSG if its value is not acceptable. */
static int walk_field(struct ss_pdu_view *v, const struct field *f, size_t *off)
{
    const uint8_t *p = v->raw + *off;
    size_t left = v->length - *off;

    if (f->kind == F_CSTR) {
        const uint8_t *nul = memchr(p, 0, left < f->max ? left : f->max);
        if (!nul) return left < f->max ? -ENODATA : -EBADMSG;
        *off += (size_t)(nul - p) + 1;
        return 0;
    }
    if (left < 1) return -ENODATA;
    if (f->kind == F_TON && p[0] > 6) return -EBADMSG;
    if (f->kind == F_NPI && !npi_ok(p[0])) return -EBADMSG;
    if (f->kind == F_VERSION) v->version_off = *off;
    if (f->kind == F_SM && (size_t)p[0] + 1 > left) return -ENODATA;
    *off += f->kind == F_SM ? (size_t)p[0] + 1 : 1;
    return 0;
}

static int walk_tlvs(struct ss_pdu_view *v, size_t off)
{
    v->tlv = v->raw + off;
    v->tlv_len = v->length - off;
    v->tlv_count = 0;
    while (off < v->length) {
        if (v->length - off < 4 || v->tlv_count >= SS_PDU_MAX_TLVS) return -EBADMSG;
        size_t vlen = (size_t)v->raw[off + 2] << 8 | v->raw[off + 3];
        if (vlen > v->length - off - 4) return -EBADMSG;
        off += 4 + vlen;
        v->tlv_count++;
    }
    return 0;
}

static const struct field *layout_for(uint32_t command_id)
{
    switch (command_id) {
    case BIND_RECEIVER:
    case BIND_TRANSMITTER:
    case BIND_TRANSCEIVER:
        return bind_layout;
    case SUBMIT_SM:
        return submit_layout;
    }
    return NULL;
}

int ss_pdu_validate(struct ss_pdu_view *v, uint32_t *status)
{
    const struct field *f = layout_for(v->command_id);
    size_t off = SS_PDU_HEADER_LEN;

    *status = ESME_ROK;
    if (v->seq == 0 || v->seq > 0x7FFFFFFFu) {
        *status = ESME_RSYSERR; /* not answerable with libsmpp34; caller sends a nack */
        return -EBADMSG;
    }
    for (; f && f->kind != F_END; f++) {
        int rc = walk_field(v, f, &off);
        if (rc < 0) {
            *status = rc == -ENODATA ? ESME_RINVCMDLEN : f->status;
            return -EBADMSG;
        }
    }
    v->mandatory_len = off;
    if (walk_tlvs(v, off) < 0) {
        *status = ESME_RINVOPTPARSTREAM;
        return -EBADMSG;
    }
    return 0;
}

int ss_pdu_unpack(const struct ss_pdu_view *v, void *out)
{
    uint8_t copy[512]; /* largest mandatory part: submit_sm, 16 + 364 bytes */

    if (v->mandatory_len < SS_PDU_HEADER_LEN || v->mandatory_len > sizeof copy) return -EINVAL;
    memcpy(copy, v->raw, v->mandatory_len);
    wr32(copy, (uint32_t)v->mandatory_len);
    wr32(copy + 8, 0);
    if (v->version_off) copy[v->version_off] = SMPP_VERSION;
    if (smpp34_unpack(v->command_id, out, copy, (int)v->mandatory_len) != 0) return -EBADMSG;
    return 0;
}

int ss_pdu_tlv_find(const struct ss_pdu_view *v, uint16_t tag, const uint8_t **val, uint16_t *len)
{
    size_t off = 0;

    while (off + 4 <= v->tlv_len) {
        uint16_t t = (uint16_t)(v->tlv[off] << 8 | v->tlv[off + 1]);
        uint16_t l = (uint16_t)(v->tlv[off + 2] << 8 | v->tlv[off + 3]);
        if (t == tag) {
            *val = v->tlv + off + 4;
            *len = l;
            return 0;
        }
        off += 4 + (size_t)l;
    }
    return -ENOENT;
}

int ss_pdu_pack(uint32_t command_id, void *pdu, uint8_t *out, size_t outsz, size_t *len)
{
    int n = 0;

    if (outsz > SS_PDU_MAX_LEN) outsz = SS_PDU_MAX_LEN;
    if (smpp34_pack(command_id, out, (int)outsz, &n, pdu) != 0 || n < SS_PDU_HEADER_LEN)
        return -EINVAL;
    *len = (size_t)n;
    return 0;
}

size_t ss_pdu_header_only(uint8_t out[SS_PDU_HEADER_LEN], uint32_t command_id, uint32_t status,
                          uint32_t seq)
{
    wr32(out, SS_PDU_HEADER_LEN);
    wr32(out + 4, command_id);
    wr32(out + 8, status);
    wr32(out + 12, seq);
    return SS_PDU_HEADER_LEN;
}

const char *ss_pdu_command_name(uint32_t command_id, char buf[16])
{
    static const struct {
        uint32_t id;
        const char *name;
    } names[] = {{BIND_RECEIVER, "bind_receiver"},
                 {BIND_TRANSMITTER, "bind_transmitter"},
                 {BIND_TRANSCEIVER, "bind_transceiver"},
                 {SUBMIT_SM, "submit_sm"},
                 {DELIVER_SM_RESP, "deliver_sm_resp"},
                 {UNBIND, "unbind"},
                 {UNBIND_RESP, "unbind_resp"},
                 {ENQUIRE_LINK, "enquire_link"},
                 {ENQUIRE_LINK_RESP, "enquire_link_resp"},
                 {GENERIC_NACK, "generic_nack"}};

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].id == command_id) return names[i].name;
    snprintf(buf, 16, "0x%08X", command_id);
    return buf;
}
