/* Unit tests for se_pdu (the egress's strict inbound SMPP decoder) and se_deliver:
 * golden table egress/pdus.tsv (name, expected outcome, bytes), field checks on valid
 * PDUs, every truncation of a valid deliver_sm, and random bytes behind valid headers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "se_deliver.h"
#include "se_pdu.h"

#ifndef SMSGW_TEST_DATA
#define SMSGW_TEST_DATA "tests/unit/data"
#endif

/* ---- a tiny PDU builder ---- */

typedef struct {
    uint8_t b[70000];
    size_t n;
} pb;

static void put(pb *p, const void *d, size_t n)
{
    memcpy(p->b + p->n, d, n);
    p->n += n;
}
static void put8(pb *p, uint8_t v)
{
    put(p, &v, 1);
}
static void put16(pb *p, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    put(p, b, 2);
}
static void put32(pb *p, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    put(p, b, 4);
}
static void putstr(pb *p, const char *s)
{
    put(p, s, strlen(s) + 1);
}
static void tlv(pb *p, uint16_t tag, const void *v, uint16_t len)
{
    put16(p, tag);
    put16(p, len);
    put(p, v, len);
}
static void header(pb *p, uint32_t id, uint32_t status, uint32_t seq)
{
    p->n = 0;
    put32(p, 0);
    put32(p, id);
    put32(p, status);
    put32(p, seq);
}
static void finish(pb *p)
{
    uint32_t n = (uint32_t)p->n;
    p->b[0] = (uint8_t)(n >> 24);
    p->b[1] = (uint8_t)(n >> 16);
    p->b[2] = (uint8_t)(n >> 8);
    p->b[3] = (uint8_t)n;
}
/* deliver_sm mandatory part. */
static void deliver(pb *p, uint8_t esm, const char *text)
{
    header(p, SE_DELIVER_SM, 0, 42);
    putstr(p, "");
    put8(p, 1);
    put8(p, 1);
    putstr(p, "33601020304");
    put8(p, 0);
    put8(p, 0);
    putstr(p, "36111");
    put8(p, esm);
    put8(p, 0);
    put8(p, 0);
    putstr(p, "");
    putstr(p, "");
    put8(p, 0);
    put8(p, 0);
    put8(p, 0); /* data_coding */
    put8(p, 0);
    put8(p, (uint8_t)strlen(text));
    put(p, text, strlen(text));
}

/* ---- golden table ---- */

static int expect_rc(const char *s)
{
    static const struct {
        const char *name;
        int rc;
    } E[] = {{"ok", 0},
             {"badmsg", -EBADMSG},
             {"notsup", -ENOTSUP},
             {"einval", -EINVAL},
             {"emsgsize", -EMSGSIZE}};
    for (size_t i = 0; i < sizeof E / sizeof E[0]; i++)
        if (strcmp(E[i].name, s) == 0) return E[i].rc;
    fail_msg("unknown expectation %s", s);
    return 1;
}

static size_t unhex(const char *h, uint8_t *out)
{
    size_t n = 0;
    for (; h[0] && h[1] && h[0] != '\n'; h += 2) {
        unsigned v;
        sscanf(h, "%2x", &v);
        out[n++] = (uint8_t)v;
    }
    return n;
}

static void test_golden(void **state)
{
    FILE *f = fopen(SMSGW_TEST_DATA "/egress/pdus.tsv", "r");
    assert_non_null(f);
    static char line[200000];
    static uint8_t buf[100000];
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char *name = strtok(line, "\t"), *exp = strtok(NULL, "\t"), *hex = strtok(NULL, "\t");
        assert_non_null(hex);
        size_t n = unhex(hex, buf);
        se_pdu p;
        int rc = se_pdu_decode(buf, n, &p);
        if (rc != expect_rc(exp)) fail_msg("%s: rc %d, expected %s", name, rc, exp);
        cases++;
    }
    fclose(f);
    assert_true(cases >= 50);
}

/* ---- field checks ---- */

static void test_header(void **state)
{
    uint8_t b[16] = {0, 0, 0, 16, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 9};
    se_pdu_hdr h;
    assert_int_equal(se_pdu_header(b, 15, &h), -EAGAIN);
    assert_int_equal(se_pdu_header(b, 16, &h), 0);
    assert_int_equal(h.length, 16);
    assert_int_equal(h.id, SE_ENQUIRE_LINK);
    assert_int_equal(h.seq, 9);
    b[1] = 1; /* 65552 */
    assert_int_equal(se_pdu_header(b, 16, &h), -EMSGSIZE);
    b[1] = 1, b[3] = 0; /* 65536: the largest accepted */
    assert_int_equal(se_pdu_header(b, 16, &h), 0);
}

static void test_submit_resp(void **state)
{
    pb p;
    se_pdu d;
    header(&p, SE_SUBMIT_SM_RESP, 0, 77);
    putstr(&p, "0A9CA000");
    finish(&p);
    assert_int_equal(se_pdu_decode(p.b, p.n, &d), 0);
    assert_string_equal(d.id, "0A9CA000");
    assert_int_equal(d.h.seq, 77);
    /* an error response: the body is not read, whatever it holds */
    header(&p, SE_SUBMIT_SM_RESP, 0x0B, 78);
    put(&p, "\xff\xff\xff\xff\xff", 5);
    finish(&p);
    assert_int_equal(se_pdu_decode(p.b, p.n, &d), 0);
    assert_int_equal(d.h.status, 0x0B);
    assert_string_equal(d.id, "");
}

static void test_receipt(void **state)
{
    pb p;
    se_pdu d;
    se_dlv out;
    deliver(&p, 0x04, "id:0A9CA000 sub:001 dlvrd:001 stat:DELIVRD err:000");
    tlv(&p, SE_TLV_RECEIPTED_MESSAGE_ID, "0A9CA000", 9);
    tlv(&p, SE_TLV_MESSAGE_STATE, "\x02", 1);
    tlv(&p, SE_TLV_NETWORK_ERROR_CODE, "\x03\x00\x45", 3);
    finish(&p);
    assert_int_equal(se_pdu_decode(p.b, p.n, &d), 0);
    assert_int_equal(d.n_tlv, 3);
    assert_true(se_deliver_is_receipt(&d));
    se_deliver_build(&d, "orange", 1234, &out);
    assert_string_equal(out.m.operator_name, "orange");
    assert_int_equal(out.m.at_ms, 1234);
    assert_string_equal(out.m.source_addr, "33601020304");
    assert_string_equal(out.m.dest_addr, "36111");
    assert_int_equal(out.m.esm_class, 4);
    assert_string_equal(out.m.receipted_message_id, "0A9CA000");
    assert_int_equal(out.m.message_state, 2);
    assert_string_equal(out.m.network_error, "030045");
    assert_int_equal(out.m.short_message.len, 50);
    /* and it encodes as a DELIVER */
    cm_wbuf w = {0};
    assert_int_equal(cm_wire_encode_deliver(&out.m, &w), 0);
    cm_wbuf_free(&w);
}

static void test_mo_payload(void **state)
{
    pb p;
    se_pdu d;
    se_dlv out;
    deliver(&p, 0x00, "");
    tlv(&p, SE_TLV_MESSAGE_PAYLOAD, "STOP SMS", 8);
    finish(&p);
    assert_int_equal(se_pdu_decode(p.b, p.n, &d), 0);
    assert_false(se_deliver_is_receipt(&d));
    se_deliver_build(&d, "sfr", 1, &out);
    assert_int_equal(out.m.short_message.len, 8);
    assert_memory_equal(out.m.short_message.data, "STOP SMS", 8);
    assert_string_equal(out.m.receipted_message_id, "");
    assert_int_equal(out.m.message_state, 0);
    assert_string_equal(out.m.network_error, "");
}

/* Malformed TLV values: ignored, never copied past their length. */
static void test_bad_tlv_values(void **state)
{
    pb p;
    se_pdu d;
    se_dlv out;
    deliver(&p, 0x04, "x");
    tlv(&p, SE_TLV_RECEIPTED_MESSAGE_ID,
        "AB\x01"
        "C",
        4);                                           /* control character */
    tlv(&p, SE_TLV_MESSAGE_STATE, "\x00\x00\x02", 3); /* odd width */
    uint8_t big[40] = {0};
    tlv(&p, SE_TLV_NETWORK_ERROR_CODE, big, sizeof big); /* longer than 16 octets */
    finish(&p);
    assert_int_equal(se_pdu_decode(p.b, p.n, &d), 0);
    se_deliver_build(&d, "x", 0, &out);
    assert_string_equal(out.m.receipted_message_id, "");
    assert_int_equal(out.m.message_state, 0);
    assert_string_equal(out.m.network_error, "");
    /* a receipted_message_id without its NUL is read up to its length */
    deliver(&p, 0x04, "x");
    tlv(&p, SE_TLV_RECEIPTED_MESSAGE_ID, "12345", 5);
    finish(&p);
    assert_int_equal(se_pdu_decode(p.b, p.n, &d), 0);
    se_deliver_build(&d, "x", 0, &out);
    assert_string_equal(out.m.receipted_message_id, "12345");
}

/* 30 empty vendor TLVs (the libsmpp34 global-buffer overflow case) decode cleanly. */
static void test_thirty_empty_tlvs(void **state)
{
    pb p;
    se_pdu d;
    deliver(&p, 0x04, "id:1");
    for (int i = 0; i < 30; i++)
        tlv(&p, (uint16_t)(0x1400 + i), "", 0);
    tlv(&p, SE_TLV_RECEIPTED_MESSAGE_ID, "1", 2);
    finish(&p);
    assert_int_equal(se_pdu_decode(p.b, p.n, &d), 0);
    assert_int_equal(d.n_tlv, 31);
    char id[8];
    assert_int_equal(se_pdu_tlv_str(&d, SE_TLV_RECEIPTED_MESSAGE_ID, id, sizeof id), 0);
    assert_string_equal(id, "1");
    /* with the TLV count cap exceeded the whole PDU is refused, header kept */
    deliver(&p, 0x04, "id:1");
    for (int i = 0; i < SE_TLV_MAX + 1; i++)
        tlv(&p, 0x1400, "", 0);
    finish(&p);
    assert_int_equal(se_pdu_decode(p.b, p.n, &d), -EBADMSG);
    assert_int_equal(d.h.id, SE_DELIVER_SM);
    assert_int_equal(d.h.seq, 42);
    assert_int_equal(d.n_tlv, 0);
}

/* Every truncation of a valid deliver_sm (length fixed up) is refused or, when cut on
 * a TLV boundary, accepted with fewer TLVs; nothing reads out of bounds (ASan). */
static void test_truncations(void **state)
{
    pb full, p;
    se_pdu d;
    deliver(&full, 0x04, "id:1 stat:DELIVRD");
    tlv(&full, SE_TLV_RECEIPTED_MESSAGE_ID, "1", 2);
    tlv(&full, SE_TLV_MESSAGE_STATE, "\x02", 1);
    finish(&full);
    size_t mandatory = full.n - 6 - 5;
    for (size_t n = 16; n < full.n; n++) {
        memcpy(p.b, full.b, n);
        p.n = n;
        finish(&p);
        uint8_t *exact = malloc(n); /* so that ASan sees any over-read */
        memcpy(exact, p.b, n);
        int rc = se_pdu_decode(exact, n, &d);
        free(exact);
        if (n == mandatory || n == mandatory + 6)
            assert_int_equal(rc, 0);
        else
            assert_int_equal(rc, -EBADMSG);
    }
}

/* Random bodies behind every command id we accept: no crash, only the documented codes. */
static void test_random(void **state)
{
    static const uint32_t IDS[] = {SE_GENERIC_NACK,          SE_BIND_RECEIVER_RESP,
                                   SE_BIND_TRANSMITTER_RESP, SE_BIND_TRANSCEIVER_RESP,
                                   SE_SUBMIT_SM_RESP,        SE_DELIVER_SM,
                                   SE_ENQUIRE_LINK,          SE_UNBIND};
    unsigned seed = 12345;
    for (int i = 0; i < 20000; i++) {
        size_t body = (size_t)rand_r(&seed) % 300;
        pb p;
        header(&p, IDS[i % 8], rand_r(&seed) % 4 == 0 ? 1 : 0, 1);
        for (size_t k = 0; k < body; k++)
            put8(&p, (uint8_t)(rand_r(&seed) % 4 ? rand_r(&seed) : 0));
        finish(&p);
        uint8_t *exact = malloc(p.n);
        memcpy(exact, p.b, p.n);
        se_pdu d;
        int rc = se_pdu_decode(exact, p.n, &d);
        free(exact);
        assert_true(rc == 0 || rc == -EBADMSG);
        assert_true(d.n_tlv <= SE_TLV_MAX);
        assert_true(strlen(d.id) <= SE_MSGID_MAX);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_submit_resp),
        cmocka_unit_test(test_receipt),
        cmocka_unit_test(test_mo_payload),
        cmocka_unit_test(test_bad_tlv_values),
        cmocka_unit_test(test_thirty_empty_tlvs),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
