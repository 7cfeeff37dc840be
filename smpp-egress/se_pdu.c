/* se_pdu: strict decoder of inbound SMPP PDUs (see se_pdu.h). A cursor walks the body;
 * every read checks what remains, and the first failure sticks (rd.err). Decoding is
 * dispatched through a table of known command ids. */
#include "se_pdu.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const uint8_t *p, *end;
    int err;
} rd;

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint8_t rd_u8(rd *r)
{
    if (r->err || r->p >= r->end) {
        r->err = -EBADMSG;
        return 0;
    }
    return *r->p++;
}

/* A C-octet string of at most `max` bytes including its NUL, copied into out. */
static void rd_cstr(rd *r, char *out, size_t max)
{
    out[0] = 0;
    if (r->err) return;
    size_t avail = (size_t)(r->end - r->p);
    const uint8_t *nul = memchr(r->p, 0, avail < max ? avail : max);
    if (!nul) {
        r->err = -EBADMSG;
        return;
    }
    size_t n = (size_t)(nul - r->p);
    memcpy(out, r->p, n);
    out[n] = 0;
    r->p = nul + 1;
}

/* The TLVs up to the end of the body: bounded count, each inside the body. */
static void rd_tlvs(rd *r, se_pdu *p)
{
    while (!r->err && r->p < r->end) {
        if (r->end - r->p < 4 || p->n_tlv >= SE_TLV_MAX) {
            r->err = -EBADMSG;
            return;
        }
        se_tlv *t = &p->tlv[p->n_tlv];
        t->tag = (uint16_t)(r->p[0] << 8 | r->p[1]);
        t->len = (uint16_t)(r->p[2] << 8 | r->p[3]);
        r->p += 4;
        if ((size_t)(r->end - r->p) < t->len) {
            r->err = -EBADMSG;
            return;
        }
        t->val = r->p;
        r->p += t->len;
        p->n_tlv++;
    }
}

static void dec_empty(rd *r, se_pdu *p)
{
    if (r->p != r->end) r->err = -EBADMSG;
}

/* bind_*_resp and submit_sm_resp: an id string then TLVs (bind_resp may carry
 * sc_interface_version). An empty body on success is tolerated (id ""). */
static void dec_id_resp(rd *r, se_pdu *p, size_t max)
{
    if (p->h.status != 0 || r->p == r->end) return;
    rd_cstr(r, p->id, max);
    rd_tlvs(r, p);
}

static void dec_bind_resp(rd *r, se_pdu *p)
{
    dec_id_resp(r, p, 16);
}

static void dec_submit_resp(rd *r, se_pdu *p)
{
    dec_id_resp(r, p, SE_MSGID_MAX + 1);
}

/* deliver_sm up to destination_addr. */
static void dec_deliver_addrs(rd *r, se_pdu *p)
{
    rd_cstr(r, p->service_type, sizeof p->service_type);
    p->source_ton = rd_u8(r);
    p->source_npi = rd_u8(r);
    rd_cstr(r, p->source_addr, sizeof p->source_addr);
    p->dest_ton = rd_u8(r);
    p->dest_npi = rd_u8(r);
    rd_cstr(r, p->dest_addr, sizeof p->dest_addr);
}

static void dec_deliver(rd *r, se_pdu *p)
{
    dec_deliver_addrs(r, p);
    p->esm_class = rd_u8(r);
    p->protocol_id = rd_u8(r);
    p->priority_flag = rd_u8(r);
    rd_cstr(r, p->schedule_delivery_time, sizeof p->schedule_delivery_time);
    rd_cstr(r, p->validity_period, sizeof p->validity_period);
    p->registered_delivery = rd_u8(r);
    p->replace_if_present = rd_u8(r);
    p->data_coding = rd_u8(r);
    p->sm_default_msg_id = rd_u8(r);
    size_t n = rd_u8(r);
    if (r->err || (size_t)(r->end - r->p) < n || n > 254) {
        r->err = -EBADMSG;
        return;
    }
    p->sm = n ? r->p : NULL;
    p->sm_len = n;
    r->p += n;
    rd_tlvs(r, p);
}

typedef struct {
    uint32_t id;
    const char *name;
    void (*decode)(rd *r, se_pdu *p); /* NULL: known name only, not accepted inbound */
} cmd_entry;

static const cmd_entry CMDS[] = {
    {SE_GENERIC_NACK, "generic_nack", dec_empty},
    {SE_BIND_RECEIVER, "bind_receiver", NULL},
    {SE_BIND_RECEIVER_RESP, "bind_receiver_resp", dec_bind_resp},
    {SE_BIND_TRANSMITTER, "bind_transmitter", NULL},
    {SE_BIND_TRANSMITTER_RESP, "bind_transmitter_resp", dec_bind_resp},
    {SE_SUBMIT_SM, "submit_sm", NULL},
    {SE_SUBMIT_SM_RESP, "submit_sm_resp", dec_submit_resp},
    {SE_DELIVER_SM, "deliver_sm", dec_deliver},
    {SE_DELIVER_SM_RESP, "deliver_sm_resp", NULL},
    {SE_UNBIND, "unbind", dec_empty},
    {SE_UNBIND_RESP, "unbind_resp", dec_empty},
    {SE_BIND_TRANSCEIVER, "bind_transceiver", NULL},
    {SE_BIND_TRANSCEIVER_RESP, "bind_transceiver_resp", dec_bind_resp},
    {SE_ENQUIRE_LINK, "enquire_link", dec_empty},
    {SE_ENQUIRE_LINK_RESP, "enquire_link_resp", dec_empty},
};

static const cmd_entry *cmd_find(uint32_t id)
{
    for (size_t i = 0; i < sizeof CMDS / sizeof CMDS[0]; i++)
        if (CMDS[i].id == id) return &CMDS[i];
    return NULL;
}

const char *se_pdu_cmd_name(uint32_t id)
{
    const cmd_entry *c = cmd_find(id);
    return c ? c->name : "unknown";
}

int se_pdu_header(const uint8_t *buf, size_t len, se_pdu_hdr *h)
{
    if (len < SE_PDU_HEADER_LEN) return -EAGAIN;
    h->length = be32(buf);
    h->id = be32(buf + 4);
    h->status = be32(buf + 8);
    h->seq = be32(buf + 12);
    if (h->length < SE_PDU_HEADER_LEN || h->length > SE_PDU_MAX_LEN) return -EMSGSIZE;
    return 0;
}

int se_pdu_decode(const uint8_t *buf, size_t len, se_pdu *p)
{
    memset(p, 0, sizeof *p);
    int rc = se_pdu_header(buf, len, &p->h);
    if (rc) return rc == -EAGAIN ? -EINVAL : rc;
    if (p->h.length != len) return -EINVAL;
    const cmd_entry *c = cmd_find(p->h.id);
    if (!c || !c->decode) return -ENOTSUP;
    rd r = {buf + SE_PDU_HEADER_LEN, buf + len, 0};
    c->decode(&r, p);
    if (r.err) {
        se_pdu_hdr h = p->h;
        memset(p, 0, sizeof *p);
        p->h = h;
        return -EBADMSG;
    }
    return 0;
}

const se_tlv *se_pdu_tlv(const se_pdu *p, uint16_t tag)
{
    for (size_t i = 0; i < p->n_tlv; i++)
        if (p->tlv[i].tag == tag) return &p->tlv[i];
    return NULL;
}

int se_pdu_tlv_str(const se_pdu *p, uint16_t tag, char *out, size_t size)
{
    const se_tlv *t = se_pdu_tlv(p, tag);
    out[0] = 0;
    if (!t) return -ENOENT;
    size_t n = 0;
    while (n < t->len && t->val[n])
        n++;
    if (n >= size) return -EBADMSG;
    for (size_t i = 0; i < n; i++)
        if (t->val[i] < 0x20 || t->val[i] == 0x7F) return -EBADMSG;
    memcpy(out, t->val, n);
    out[n] = 0;
    return 0;
}

int se_pdu_tlv_hex(const se_pdu *p, uint16_t tag, char *out, size_t size)
{
    const se_tlv *t = se_pdu_tlv(p, tag);
    out[0] = 0;
    if (!t) return -ENOENT;
    if (size < 2 * (size_t)t->len + 1) return -ENOSPC;
    for (size_t i = 0; i < t->len; i++)
        snprintf(out + 2 * i, 3, "%02x", t->val[i]);
    out[2 * t->len] = 0;
    return 0;
}

int se_pdu_tlv_uint(const se_pdu *p, uint16_t tag, uint32_t *out)
{
    const se_tlv *t = se_pdu_tlv(p, tag);
    *out = 0;
    if (!t) return -ENOENT;
    if (t->len != 1 && t->len != 2 && t->len != 4) return -EBADMSG;
    for (size_t i = 0; i < t->len; i++)
        *out = *out << 8 | t->val[i];
    return 0;
}
