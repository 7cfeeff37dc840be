/* Unit tests for se_parts (short_message of each submit_sm: single, UDH, SAR, payload,
 * Latin-1), se_pack (what goes on the wire, read back with se_pdu-style offsets) and
 * se_status (names, reasons, retry classes). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cm_sms.h"
#include "se_pack.h"
#include "se_parts.h"
#include "se_pdu.h"
#include "se_status.h"

/* part_ends from decimal offsets. */
static cm_strs ends(cm_arena **a, const size_t *v, size_t n)
{
    cm_strs s = {NULL, 0};
    for (size_t i = 0; i < n; i++) {
        char b[24];
        snprintf(b, sizeof b, "%zu", v[i]);
        assert_int_equal(cm_strs_push(a, &s, b), 0);
    }
    return s;
}

static void test_single(void **state)
{
    cm_strs none = {NULL, 0};
    se_text t;
    se_part p;
    assert_int_equal(se_text_make((const uint8_t *)"Hello", 5, CM_SMS_GSM7, &none, 0, &t), 0);
    assert_int_equal(se_text_submits(&t, CM_LONG_UDH), 1);
    assert_int_equal(se_text_part(&t, CM_LONG_UDH, 7, 0, &p), 0);
    assert_int_equal(p.sm_len, 5);
    assert_memory_equal(p.sm, "Hello", 5);
    assert_int_equal(p.esm_class, 0);
    assert_int_equal(p.data_coding, 0);
    assert_false(p.sar);
    assert_null(p.payload);
    assert_int_equal(se_text_part(&t, CM_LONG_UDH, 7, 1, &p), -EINVAL);
    se_text_free(&t);
    se_text_free(&t); /* twice is safe */
}

/* 200 septets in two parts (153 + 47): the three methods. */
static void test_long_methods(void **state)
{
    cm_arena *a = NULL;
    uint8_t text[200];
    for (int i = 0; i < 200; i++)
        text[i] = (uint8_t)('a' + i % 26);
    size_t e[] = {153, 200};
    cm_strs pe = ends(&a, e, 2);
    se_text t;
    se_part p;
    assert_int_equal(se_text_make(text, 200, CM_SMS_GSM7, &pe, 0, &t), 0);
    /* UDH: 05 00 03 ref total seq */
    assert_int_equal(se_text_submits(&t, CM_LONG_UDH), 2);
    assert_int_equal(se_text_part(&t, CM_LONG_UDH, 0x1A5, 1, &p), 0);
    assert_int_equal(p.esm_class, 0x40);
    assert_int_equal(p.sm_len, 6 + 47);
    assert_memory_equal(p.sm, "\x05\x00\x03\xA5\x02\x02", 6);
    assert_memory_equal(p.sm + 6, text + 153, 47);
    /* SAR: the bytes alone and three TLVs */
    assert_int_equal(se_text_part(&t, CM_LONG_SAR, 0x1A5, 0, &p), 0);
    assert_int_equal(p.esm_class, 0);
    assert_int_equal(p.sm_len, 153);
    assert_true(p.sar);
    assert_int_equal(p.sar_ref, 0x1A5);
    assert_int_equal(p.sar_total, 2);
    assert_int_equal(p.sar_seq, 1);
    /* payload: one submit, everything in message_payload */
    assert_int_equal(se_text_submits(&t, CM_LONG_PAYLOAD), 1);
    assert_int_equal(se_text_part(&t, CM_LONG_PAYLOAD, 1, 0, &p), 0);
    assert_int_equal(p.sm_len, 0);
    assert_int_equal(p.payload_len, 200);
    assert_ptr_equal(p.payload, t.data);
    se_text_free(&t);
    cm_arena_free(a);
}

/* A text over libsmpp34's 1024-octet message_payload cap goes as UDH parts. */
static void test_payload_fallback(void **state)
{
    cm_arena *a = NULL;
    static uint8_t text[1340];
    memset(text, 0, sizeof text);
    size_t e[10];
    for (int i = 0; i < 10; i++)
        e[i] = (size_t)(i + 1) * 134;
    cm_strs pe = ends(&a, e, 10);
    se_text t;
    se_part p;
    assert_int_equal(se_text_make(text, sizeof text, CM_SMS_UCS2, &pe, 0, &t), 0);
    assert_int_equal(se_text_submits(&t, CM_LONG_PAYLOAD), 10);
    assert_int_equal(se_text_part(&t, CM_LONG_PAYLOAD, 3, 9, &p), 0);
    assert_int_equal(p.esm_class, 0x40);
    assert_int_equal(p.data_coding, 8);
    assert_int_equal(p.sm_len, 140);
    se_text_free(&t);
    cm_arena_free(a);
}

static void test_bad_ends(void **state)
{
    static const struct {
        const char *v[3];
        size_t n;
    } CASES[] = {
        {{"10", "5"}, 2},  /* decreasing */
        {{"5", "5"}, 2},   /* empty part */
        {{"5", "19"}, 2},  /* does not end at the length */
        {{"5", "21"}, 2},  /* beyond */
        {{"x", "20"}, 2},  /* not a number */
        {{"-5", "20"}, 2}, /* sign */
        {{"5 ", "20"}, 2}, /* trailing junk */
        {{""}, 1},         /* empty */
    };
    uint8_t text[20] = {0};
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        cm_strs s = {(char **)CASES[i].v, CASES[i].n};
        se_text t;
        assert_int_equal(se_text_make(text, 20, CM_SMS_GSM7, &s, 0, &t), -EINVAL);
        assert_null(t.data);
    }
    cm_strs none = {NULL, 0};
    se_text t;
    assert_int_equal(se_text_make(text, 20, 4, &none, 0, &t), -ENOTSUP);
    /* one part longer than a short_message */
    static uint8_t big[300];
    assert_int_equal(se_text_make(big, 255, CM_SMS_GSM7, &none, 0, &t), -EINVAL);
    /* with a UDH a part has 6 octets less */
    cm_arena *a = NULL;
    size_t e[] = {249, 260};
    cm_strs pe = ends(&a, e, 2);
    assert_int_equal(se_text_make(big, 260, CM_SMS_GSM7, &pe, 0, &t), -EINVAL);
    cm_arena_free(a);
}

/* gsm_coding 3: septets to Latin-1 per part when the whole text can; otherwise GSM. */
static void test_latin1(void **state)
{
    cm_strs none = {NULL, 0};
    se_text t;
    cm_sms_text g;
    const char *ok = "été [x] @£$ ü";
    assert_int_equal(cm_sms_encode(ok, strlen(ok), 0, &g), 0);
    assert_int_equal(se_text_make(g.data, g.len, CM_SMS_GSM7, &none, 3, &t), 0);
    assert_int_equal(t.data_coding, 3);
    const char *want = "\xE9t\xE9 [x] @\xA3$ \xFC";
    assert_int_equal(t.len, strlen(want));
    assert_memory_equal(t.data, want, t.len);
    se_text_free(&t);
    cm_sms_text_free(&g);
    /* Greek capital delta and the euro sign have no Latin-1 form: stays data_coding 0 */
    const char *no[] = {"Δ ok", "5 €"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(cm_sms_encode(no[i], strlen(no[i]), 0, &g), 0);
        assert_int_equal(se_text_make(g.data, g.len, CM_SMS_GSM7, &none, 3, &t), 0);
        assert_int_equal(t.data_coding, 0);
        assert_int_equal(t.len, g.len);
        assert_memory_equal(t.data, g.data, g.len);
        se_text_free(&t);
        cm_sms_text_free(&g);
    }
    /* UCS-2 is never converted */
    assert_int_equal(se_text_make((const uint8_t *)"\x00\xE9", 2, CM_SMS_UCS2, &none, 3, &t), 0);
    assert_int_equal(t.data_coding, 8);
    se_text_free(&t);
}

/* Multi-part Latin-1: boundaries move when an escape pair becomes one byte. */
static void test_latin1_parts(void **state)
{
    cm_arena *a = NULL;
    uint8_t text[160];
    memset(text, 'a', sizeof text);
    text[0] = 0x1B, text[1] = 0x3C; /* '[' as an escape pair */
    size_t e[] = {153, 160};
    cm_strs pe = ends(&a, e, 2);
    se_text t;
    se_part p;
    assert_int_equal(se_text_make(text, 160, CM_SMS_GSM7, &pe, 3, &t), 0);
    assert_int_equal(t.data_coding, 3);
    assert_int_equal(t.bound[1], 152);
    assert_int_equal(t.len, 159);
    assert_int_equal(se_text_part(&t, CM_LONG_UDH, 9, 0, &p), 0);
    assert_int_equal(p.sm_len, 6 + 152);
    assert_int_equal(p.sm[6], '[');
    se_text_free(&t);
    cm_arena_free(a);
}

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* A packed submit_sm, read back field by field. */
static void test_pack_submit(void **state)
{
    se_part part = {
        .sm_len = 3, .data_coding = 8, .sar = 1, .sar_ref = 0x0102, .sar_total = 3, .sar_seq = 2};
    memcpy(part.sm, "\x00\x41\x00", 3);
    se_submit s = {"ACME", 5, 0, "33601020304", 1, &part};
    uint8_t buf[SE_PACK_MAX];
    int n = se_pack_submit(buf, sizeof buf, 9, &s);
    assert_true(n > 16);
    assert_int_equal(be32(buf), (uint32_t)n);
    assert_int_equal(be32(buf + 4), SE_SUBMIT_SM);
    assert_int_equal(be32(buf + 12), 9);
    const uint8_t *p = buf + 16;
    assert_int_equal(*p, 0); /* service_type "" */
    p++;
    assert_int_equal(p[0], 5);
    assert_int_equal(p[1], 0);
    assert_string_equal((const char *)p + 2, "ACME");
    p += 2 + 5;
    assert_int_equal(p[0], 1); /* destination TON 1 NPI 1 */
    assert_int_equal(p[1], 1);
    assert_string_equal((const char *)p + 2, "33601020304");
    p += 2 + 12;
    assert_int_equal(p[0], 0); /* esm_class */
    p += 3 + 1 + 1;            /* esm, protocol_id, priority, two empty times */
    assert_int_equal(p[0], 1); /* registered_delivery */
    assert_int_equal(p[2], 8); /* data_coding */
    assert_int_equal(p[4], 3); /* sm_length */
    assert_memory_equal(p + 5, "\x00\x41\x00", 3);
    p += 8;
    /* SAR TLVs in wire order ref, total, seq */
    static const uint8_t TLVS[] = {0x02, 0x0C, 0, 2,    0x01, 0x02, 0x02, 0x0E,
                                   0,    1,    3, 0x02, 0x0F, 0,    1,    2};
    assert_int_equal(buf + n - p, sizeof TLVS);
    assert_memory_equal(p, TLVS, sizeof TLVS);
    /* too long for SMPP */
    s.dest = "123456789012345678901";
    assert_int_equal(se_pack_submit(buf, sizeof buf, 10, &s), -EINVAL);
    s.dest = "336";
    assert_int_equal(se_pack_submit(buf, sizeof buf, 0, &s), -EINVAL);
}

static void test_pack_payload(void **state)
{
    static uint8_t text[1000];
    memset(text, 'z', sizeof text);
    se_part part = {.payload = text, .payload_len = sizeof text};
    se_submit s = {"36111", 3, 0, "33601020304", 0, &part};
    uint8_t buf[SE_PACK_MAX];
    int n = se_pack_submit(buf, sizeof buf, 1, &s);
    assert_true(n > 1000);
    const uint8_t *t = buf + n - 1000 - 4;
    assert_int_equal(t[0] << 8 | t[1], SE_TLV_MESSAGE_PAYLOAD);
    assert_int_equal(t[2] << 8 | t[3], 1000);
}

static void test_pack_bind_and_small(void **state)
{
    cm_config_bind b = {.system_id = "smsgw", .password = "secret", .system_type = ""};
    uint8_t buf[SE_PACK_MAX];
    int n = se_pack_bind(buf, sizeof buf, SE_BIND_TRANSCEIVER, 1, &b);
    assert_int_equal(n, 16 + 6 + 7 + 1 + 1 + 1 + 1 + 1);
    assert_string_equal((const char *)buf + 16, "smsgw");
    assert_int_equal(buf[16 + 6 + 7 + 1], 0x34);
    b.password = "123456789"; /* 9 > 8 */
    assert_int_equal(se_pack_bind(buf, sizeof buf, SE_BIND_TRANSMITTER, 1, &b), -EINVAL);
    assert_int_equal(se_pack_header(buf, sizeof buf, SE_GENERIC_NACK, 3, 0), 16);
    assert_int_equal(be32(buf + 8), 3);
    assert_int_equal(se_pack_deliver_sm_resp(buf, sizeof buf, 0, 77), 17);
    assert_int_equal(be32(buf), 17);
    assert_int_equal(be32(buf + 4), SE_DELIVER_SM_RESP);
    assert_int_equal(be32(buf + 12), 77);
    assert_int_equal(buf[16], 0);
}

static void test_status(void **state)
{
    char r[160];
    se_status_reason(0x0B, r, sizeof r);
    assert_string_equal(r, "ESME_RINVDSTADR (0x0000000B) invalid destination address");
    se_status_reason(0x58, r, sizeof r);
    assert_string_equal(r, "ESME_RTHROTTLED (0x00000058) throttled");
    se_status_reason(0x432, r, sizeof r);
    assert_string_equal(r, "vendor-specific (0x00000432)");
    assert_int_equal(se_status_class(0x58), SE_STATUS_TEMPORARY);
    assert_int_equal(se_status_class(0x14), SE_STATUS_TEMPORARY);
    assert_int_equal(se_status_class(0x08), SE_STATUS_TEMPORARY);
    assert_int_equal(se_status_class(0x0B), SE_STATUS_PERMANENT);
    assert_int_equal(se_status_class(0x45), SE_STATUS_PERMANENT);
    assert_int_equal(se_status_class(0x432), SE_STATUS_PERMANENT);
    assert_int_equal(se_status_class(0), SE_STATUS_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single),
        cmocka_unit_test(test_long_methods),
        cmocka_unit_test(test_payload_fallback),
        cmocka_unit_test(test_bad_ends),
        cmocka_unit_test(test_latin1),
        cmocka_unit_test(test_latin1_parts),
        cmocka_unit_test(test_pack_submit),
        cmocka_unit_test(test_pack_payload),
        cmocka_unit_test(test_pack_bind_and_small),
        cmocka_unit_test(test_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
