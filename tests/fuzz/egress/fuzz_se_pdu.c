/* libFuzzer target for se_pdu, the strict decoder of every PDU an SMSC sends us.
 *
 * The input is the bytes read from the socket: the header is checked as se_bind does,
 * then the PDU it announces is decoded, then every TLV accessor is run on the result.
 * Beyond the sanitizers (ASan, UBSan), the decoded structure's invariants are checked:
 * the length is the header's, every borrowed pointer (short_message, TLV values) lies
 * inside the input, the counts are within their bounds, the strings are terminated.
 * A violation aborts (the fuzzer reports it as a crash). */
#include "se_pdu.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(int ok)
{
    if (!ok) abort();
}

static int inside(const uint8_t *buf, size_t len, const uint8_t *p, size_t n)
{
    return p >= buf && n <= len && p - buf <= (ptrdiff_t)(len - n);
}

static void check_strings(const se_pdu *p)
{
    check(memchr(p->id, 0, sizeof p->id) != NULL);
    check(memchr(p->service_type, 0, sizeof p->service_type) != NULL);
    check(memchr(p->source_addr, 0, sizeof p->source_addr) != NULL);
    check(memchr(p->dest_addr, 0, sizeof p->dest_addr) != NULL);
    check(memchr(p->schedule_delivery_time, 0, sizeof p->schedule_delivery_time) != NULL);
    check(memchr(p->validity_period, 0, sizeof p->validity_period) != NULL);
}

static void use_tlvs(const se_pdu *p)
{
    char s[SE_MSGID_MAX + 1], hex[2 * 64 + 1];
    uint32_t v;
    for (size_t i = 0; i < p->n_tlv; i++) {
        uint16_t tag = p->tlv[i].tag;
        check(se_pdu_tlv(p, tag) != NULL);
        int rc = se_pdu_tlv_str(p, tag, s, sizeof s);
        if (rc >= 0) check(memchr(s, 0, sizeof s) != NULL);
        rc = se_pdu_tlv_hex(p, tag, hex, sizeof hex);
        if (rc >= 0) check(memchr(hex, 0, sizeof hex) != NULL);
        se_pdu_tlv_uint(p, tag, &v);
    }
}

static void check_decoded(const uint8_t *buf, size_t len, const se_pdu *p)
{
    check(p->h.length == len);
    check(p->n_tlv <= SE_TLV_MAX);
    check(p->sm_len <= 255 && (p->sm_len == 0 || inside(buf, len, p->sm, p->sm_len)));
    for (size_t i = 0; i < p->n_tlv; i++)
        check(p->tlv[i].len == 0 || inside(buf, len, p->tlv[i].val, p->tlv[i].len));
    check_strings(p);
    check(se_pdu_cmd_name(p->h.id) != NULL);
    use_tlvs(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    se_pdu_hdr h;
    se_pdu p;
    int rc = se_pdu_header(data, size, &h);
    if (rc == 0) {
        check(h.length >= SE_PDU_HEADER_LEN && h.length <= SE_PDU_MAX_LEN);
        if (h.length <= size) {
            /* a copy of exactly the PDU, so that ASan sees any read past its end */
            uint8_t *pdu = malloc(h.length);
            memcpy(pdu, data, h.length);
            rc = se_pdu_decode(pdu, h.length, &p);
            check(rc == 0 || rc == -EBADMSG || rc == -ENOTSUP);
            if (rc == 0) check_decoded(pdu, h.length, &p);
            free(pdu);
        }
    } else {
        check(rc == -EAGAIN || rc == -EMSGSIZE);
    }
    if (size >= SE_PDU_HEADER_LEN) se_pdu_decode(data, size, &p); /* any length mismatch */
    return 0;
}
