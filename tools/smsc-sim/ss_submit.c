/* ss_submit: submit_sm → submit_sm_resp, log line, receipt (see ss_submit.h). */
#include "ss_submit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ss_text.h"

/* What the log line and the receipt need from one submit_sm. */
struct sms {
    const submit_sm_t *pdu;
    const uint8_t *ud; /* user data: short_message, or message_payload if sm_length is 0 */
    size_t ud_len;
    char part[64]; /* "1/3 ref 12 udh", "1/3 ref 12 sar", or "" */
    char text[4096];
};

static void send_submit_resp(struct ss_session *s, uint32_t status, uint32_t seq,
                             const char *msg_id)
{
    submit_sm_resp_t r;
    uint8_t out[SS_PDU_OUT_MAX];
    size_t len;

    memset(&r, 0, sizeof r);
    r.command_id = SUBMIT_SM_RESP;
    r.command_status = status;
    r.sequence_number = seq;
    snprintf((char *)r.message_id, sizeof r.message_id, "%s", msg_id);
    if (ss_pdu_pack(SUBMIT_SM_RESP, &r, out, sizeof out, &len) == 0) {
        ss_session_send(s, out, len);
        return;
    }
    ss_pdu_header_only(out, GENERIC_NACK, ESME_RSYSERR, seq);
    ss_session_send(s, out, SS_PDU_HEADER_LEN);
}

/* A 1- or 2-byte integer TLV; 0 if absent or of another width. */
static int tlv_uint(const struct ss_pdu_view *v, uint16_t tag, unsigned *out)
{
    const uint8_t *val;
    uint16_t len;

    if (ss_pdu_tlv_find(v, tag, &val, &len) < 0 || len < 1 || len > 2) return 0;
    *out = len == 1 ? val[0] : (unsigned)val[0] << 8 | val[1];
    return 1;
}

/* Finds the user data, strips and describes a UDH, notes SAR TLVs, decodes the text. */
static void describe(struct sms *m, const struct ss_pdu_view *v)
{
    const submit_sm_t *p = m->pdu;
    unsigned ref, total, seq;
    struct ss_udh u;
    uint16_t plen;
    int hl;

    m->ud = p->short_message;
    m->ud_len = p->sm_length;
    if (p->sm_length == 0 && ss_pdu_tlv_find(v, TLVID_message_payload, &m->ud, &plen) == 0)
        m->ud_len = plen;
    m->part[0] = '\0';
    if (p->esm_class & 0x40) {
        hl = ss_text_udh(m->ud, m->ud_len, &u);
        if (hl < 0) {
            snprintf(m->part, sizeof m->part, "bad udh");
        } else {
            if (u.concat)
                snprintf(m->part, sizeof m->part, "%u/%u ref %u udh", u.seq, u.total, u.ref);
            else
                snprintf(m->part, sizeof m->part, "udh with %u IEs", u.other);
            m->ud += hl;
            m->ud_len -= (size_t)hl;
        }
    } else if (tlv_uint(v, TLVID_sar_msg_ref_num, &ref) &&
               tlv_uint(v, TLVID_sar_total_segments, &total) &&
               tlv_uint(v, TLVID_sar_segment_seqnum, &seq)) {
        snprintf(m->part, sizeof m->part, "%u/%u ref %u sar", seq, total, ref);
    }
    ss_text_decode(p->data_coding, m->ud, m->ud_len, m->text, sizeof m->text);
}

static void log_sms(struct ss_session *s, const struct sms *m, const char *msg_id)
{
    char quoted[8192], from[96], to[96], sys[72];
    char part[80] = "";

    if (!ss_log_wants(s->srv->log, SS_LOG_TRAFFIC)) return;
    ss_text_quote(m->text, quoted, sizeof quoted);
    ss_text_token((const char *)m->pdu->source_addr, from, sizeof from);
    ss_text_token((const char *)m->pdu->destination_addr, to, sizeof to);
    ss_text_token(s->system_id, sys, sizeof sys);
    if (m->part[0]) snprintf(part, sizeof part, " part=\"%s\"", m->part);
    ss_log_line(s->srv->log, SS_LOG_TRAFFIC,
                "SMS id=%s sess=%llu system_id=%s from=%s to=%s dcs=0x%02X esm=0x%02X "
                "reg=0x%02X%s len=%zu text=\"%s\"",
                msg_id, (unsigned long long)s->id, sys, from, to, m->pdu->data_coding,
                m->pdu->esm_class, m->pdu->registered_delivery, part, m->ud_len, quoted);
}

/* registered_delivery bits 0-1: 1 always, 2 on failure, 3 on success (SMPP 5.0). */
static bool wants_receipt(uint8_t reg, bool failed)
{
    switch (reg & 0x03) {
    case 1:
        return true;
    case 2:
        return failed;
    case 3:
        return !failed;
    }
    return false;
}

static void queue_receipt(struct ss_session *s, const struct sms *m, const char *msg_id)
{
    const submit_sm_t *p = m->pdu;
    struct ss_dlr d;

    memset(&d, 0, sizeof d);
    d.failed = ss_server_dest_fails(s->srv, (const char *)p->destination_addr);
    if (!wants_receipt(p->registered_delivery, d.failed)) return;
    d.session_id = s->id;
    snprintf(d.system_id, sizeof d.system_id, "%s", s->system_id);
    snprintf(d.msg_id, sizeof d.msg_id, "%s", msg_id);
    snprintf(d.src, sizeof d.src, "%s", (const char *)p->source_addr);
    snprintf(d.dst, sizeof d.dst, "%s", (const char *)p->destination_addr);
    d.src_ton = p->source_addr_ton;
    d.src_npi = p->source_addr_npi;
    d.dst_ton = p->dest_addr_ton;
    d.dst_npi = p->dest_addr_npi;
    d.submit_time = time(NULL);
    ss_text_receipt(m->text, 20, d.text, sizeof d.text);
    if (ss_dlr_queue_push(&s->srv->dlrs, &d) < 0)
        ss_log_line(s->srv->log, SS_LOG_WARN, "WARN receipt for %s dropped: out of memory", msg_id);
}

void ss_submit_handle(struct ss_session *s, struct ss_pdu_view *v)
{
    submit_sm_t pdu;
    struct sms m;
    uint32_t status;
    char msg_id[16];

    if (ss_pdu_validate(v, &status) < 0 && (v->seq == 0 || v->seq > 0x7FFFFFFFu)) {
        uint8_t out[SS_PDU_HEADER_LEN];
        ss_session_send(s, out, ss_pdu_header_only(out, GENERIC_NACK, ESME_RINVCMDLEN, v->seq));
        return;
    }
    if (status == ESME_ROK && !ss_session_can_submit(s)) status = ESME_RINVBNDSTS;
    memset(&pdu, 0, sizeof pdu);
    if (status == ESME_ROK && ss_pdu_unpack(v, &pdu) < 0) status = ESME_RSYSERR;
    if (status == ESME_ROK && pdu.destination_addr[0] == '\0') status = ESME_RINVDSTADR;
    if (status != ESME_ROK) {
        ss_log_line(s->srv->log, SS_LOG_WARN, "WARN sess=%llu submit_sm seq=%u refused 0x%08X",
                    (unsigned long long)s->id, v->seq, status);
        send_submit_resp(s, status, v->seq, "");
        return;
    }
    memset(&m, 0, sizeof m);
    m.pdu = &pdu;
    describe(&m, v);
    ss_server_message_id(s->srv, msg_id);
    send_submit_resp(s, ESME_ROK, v->seq, msg_id);
    s->srv->n_submits++;
    log_sms(s, &m, msg_id);
    queue_receipt(s, &m, msg_id);
}

/* ---- receipts ---------------------------------------------------------------------- */

static void add_tlv(deliver_sm_t *p, uint16_t tag, const void *val, uint16_t len)
{
    tlv_t t;

    memset(&t, 0, sizeof t);
    t.tag = tag;
    t.length = len;
    memcpy(t.value.octet, val, len);
    build_tlv(&p->tlv, &t); /* prepends: TLVs go out in reverse order of these calls */
}

static void fill_receipt(deliver_sm_t *p, const struct ss_dlr *d, uint32_t seq)
{
    uint8_t state = d->failed ? 5 : 2;                    /* UNDELIVERABLE : DELIVERED */
    static const uint8_t net_err[3] = {0x03, 0x00, 0x01}; /* GSM, error 1 */

    memset(p, 0, sizeof *p);
    p->command_id = DELIVER_SM;
    p->sequence_number = seq;
    p->source_addr_ton = d->dst_ton;
    p->source_addr_npi = d->dst_npi;
    snprintf((char *)p->source_addr, sizeof p->source_addr, "%s", d->dst);
    p->dest_addr_ton = d->src_ton;
    p->dest_addr_npi = d->src_npi;
    snprintf((char *)p->destination_addr, sizeof p->destination_addr, "%s", d->src);
    p->esm_class = 0x04;
    p->sm_length = (uint8_t)ss_dlr_receipt_text(d, time(NULL), (char *)p->short_message, 200);
    if (d->failed) add_tlv(p, TLVID_network_error_code, net_err, sizeof net_err);
    add_tlv(p, TLVID_message_state, &state, 1);
    add_tlv(p, TLVID_receipted_message_id, d->msg_id, (uint16_t)(strlen(d->msg_id) + 1));
}

int ss_submit_send_receipt(void *ctx, const struct ss_dlr *d)
{
    struct ss_server *srv = ctx;
    struct ss_session *s = ss_server_receiver(srv, d->system_id, d->session_id);
    uint8_t out[SS_PDU_OUT_MAX];
    char to[96];
    deliver_sm_t p;
    size_t len;
    int rc;

    if (!s) return -ENOTCONN;
    fill_receipt(&p, d, ss_session_next_seq(s));
    rc = ss_pdu_pack(DELIVER_SM, &p, out, sizeof out, &len);
    destroy_tlv(p.tlv);
    if (rc < 0) {
        ss_log_line(srv->log, SS_LOG_WARN, "WARN receipt for %s not packed: %s", d->msg_id,
                    smpp34_strerror);
        return -EINVAL;
    }
    ss_session_send(s, out, len);
    struct ss_dlr sent = *d;
    sent.seq = p.sequence_number;
    ss_session_receipt_sent(s, &sent);
    srv->n_receipts++;
    if (ss_log_wants(srv->log, SS_LOG_TRAFFIC)) {
        ss_text_token(d->src, to, sizeof to);
        ss_log_line(srv->log, SS_LOG_TRAFFIC, "DLR id=%s sess=%llu to=%s stat=%s seq=%u", d->msg_id,
                    (unsigned long long)s->id, to, d->failed ? "UNDELIV" : "DELIVRD",
                    p.sequence_number);
    }
    return 0;
}
