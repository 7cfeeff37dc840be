/*
 * Unit tests for common/gw/cm_sms (SPEC.md section 3): coding choice, lengths,
 * segmentation boundaries, transliteration, UDH parts, decoding. Golden data:
 * data/sms/gsm0338.txt (the 3GPP TS 23.038 default and extension tables).
 */
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

#ifndef SMSGW_TEST_DATA
#define SMSGW_TEST_DATA "data"
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* unit repeated n times, then tail; caller frees. */
static char *repeat(const char *unit, size_t n, const char *tail)
{
    size_t u = strlen(unit), t = strlen(tail);
    char *s = malloc(u * n + t + 1);

    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * u, unit, u);
    memcpy(s + u * n, tail, t + 1);
    return s;
}

static void encode_ok(const char *s, unsigned flags, cm_sms_text *t)
{
    assert_int_equal(cm_sms_encode(s, strlen(s), flags, t), 0);
}

/* ---- the guide's figures ---- */

struct seg_case {
    const char *unit; /* one character, repeated */
    size_t n;
    unsigned flags;
    int coding;
    size_t units, parts;
    size_t last_part_bytes;
};

static const struct seg_case seg_cases[] = {
    {"a", 1, 0, CM_SMS_GSM7, 1, 1, 1},
    {"a", 160, 0, CM_SMS_GSM7, 160, 1, 160},
    {"a", 161, 0, CM_SMS_GSM7, 161, 2, 8},
    {"a", 306, 0, CM_SMS_GSM7, 306, 2, 153},
    {"a", 307, 0, CM_SMS_GSM7, 307, 3, 1},
    {"a", 459, 0, CM_SMS_GSM7, 459, 3, 153},
    {"a", 460, 0, CM_SMS_GSM7, 460, 4, 1},
    {"a", 304, CM_SMS_REF16, CM_SMS_GSM7, 304, 2, 152},
    {"a", 305, CM_SMS_REF16, CM_SMS_GSM7, 305, 3, 1},
    {"ж", 70, 0, CM_SMS_UCS2, 70, 1, 140},
    {"ж", 71, 0, CM_SMS_UCS2, 71, 2, 8},
    {"ж", 134, 0, CM_SMS_UCS2, 134, 2, 134},
    {"ж", 135, 0, CM_SMS_UCS2, 135, 3, 2},
    {"ж", 201, 0, CM_SMS_UCS2, 201, 3, 134},
    {"ж", 202, 0, CM_SMS_UCS2, 202, 4, 2},
    {"ж", 132, CM_SMS_REF16, CM_SMS_UCS2, 132, 2, 132},
    {"ж", 133, CM_SMS_REF16, CM_SMS_UCS2, 133, 3, 2},
};

static void test_segmentation_figures(void **state)
{
    (void)state;
    for (size_t k = 0; k < NELEM(seg_cases); k++) {
        const struct seg_case *c = &seg_cases[k];
        char *s = repeat(c->unit, c->n, "");
        cm_sms_text t;
        size_t unit_bytes = c->coding == CM_SMS_UCS2 ? 2 : 1;
        size_t full = (c->flags & CM_SMS_REF16 ? 152 : 153) * unit_bytes;

        encode_ok(s, c->flags, &t);
        assert_int_equal(t.info.coding, c->coding);
        assert_int_equal(t.info.units, c->units);
        assert_int_equal(t.info.chars, c->n);
        assert_int_equal(t.info.parts, c->parts);
        assert_int_equal(t.len, c->units * unit_bytes);
        assert_int_equal(t.bound[0], 0);
        assert_int_equal(t.bound[t.info.parts], t.len);
        if (c->coding == CM_SMS_UCS2) full = (c->flags & CM_SMS_REF16 ? 66 : 67) * 2;
        for (size_t i = 1; c->parts > 1 && i < c->parts; i++)
            assert_int_equal(t.bound[i] - t.bound[i - 1], full);
        assert_int_equal(t.bound[c->parts] - t.bound[c->parts - 1], c->last_part_bytes);
        cm_sms_text_free(&t);
        free(s);
    }
}

static void test_gsm_ascii_bytes(void **state)
{
    cm_sms_text t;
    static const uint8_t want[] = {0x00, 0x41, 0x02, 0x11, 0x05, 0x24};

    (void)state;
    encode_ok("@A$_é¤", 0, &t);
    assert_int_equal(t.info.coding, CM_SMS_GSM7);
    assert_int_equal(t.len, sizeof(want));
    assert_memory_equal(t.data, want, sizeof(want));
    cm_sms_text_free(&t);
}

static void test_bonjour_is_gsm(void **state)
{
    const char *s = "Bonjour, votre RDV est confirmé demain 10h";
    cm_sms_text t;

    (void)state;
    encode_ok(s, 0, &t);
    assert_int_equal(t.info.coding, CM_SMS_GSM7);
    assert_int_equal(t.info.translit, 0);
    assert_int_equal(t.info.units, 42);
    assert_int_equal(t.info.chars, 42);
    assert_int_equal(t.info.parts, 1);
    assert_int_equal(t.data[30], 0x05); /* é */
    cm_sms_text_free(&t);
}

/* ---- extension characters ---- */

static const struct {
    const char *ch;
    uint8_t code;
} ext_cases[] = {
    {"\f", 0x0A}, {"^", 0x14}, {"{", 0x28}, {"}", 0x29}, {"\\", 0x2F},
    {"[", 0x3C},  {"~", 0x3D}, {"]", 0x3E}, {"|", 0x40}, {"€", 0x65},
};

static void test_extension_counts_two(void **state)
{
    (void)state;
    for (size_t k = 0; k < NELEM(ext_cases); k++) {
        char *s = repeat("a", 1, ext_cases[k].ch);
        const uint8_t want[] = {0x61, 0x1B, ext_cases[k].code};
        cm_sms_text t;

        encode_ok(s, 0, &t);
        assert_int_equal(t.info.coding, CM_SMS_GSM7);
        assert_int_equal(t.info.units, 3);
        assert_int_equal(t.info.chars, 2);
        assert_int_equal(t.len, 3);
        assert_memory_equal(t.data, want, 3);
        cm_sms_text_free(&t);
        free(s);
    }
}

static void test_extension_single_sms_limit(void **state)
{
    cm_sms_text t;
    char *s80 = repeat("€", 80, ""), *s81 = repeat("€", 80, "a");

    (void)state;
    encode_ok(s80, 0, &t);
    assert_int_equal(t.info.units, 160);
    assert_int_equal(t.info.parts, 1);
    cm_sms_text_free(&t);
    encode_ok(s81, 0, &t);
    assert_int_equal(t.info.units, 161);
    assert_int_equal(t.info.parts, 2);
    assert_int_equal(t.bound[1], 152); /* 76 pairs; the 77th does not fit in 153 */
    assert_int_equal(t.data[152], 0x1B);
    cm_sms_text_free(&t);
    free(s80);
    free(s81);
}

/* ---- pairs at part boundaries ---- */

struct boundary_case {
    const char *head; /* repeated head_n times */
    size_t head_n;
    const char *tail;
    unsigned flags;
    size_t units, parts, bound1;
    uint8_t next[4]; /* first bytes of part 2 */
    size_t next_len;
};

static const struct boundary_case boundary_cases[] = {
    /* escape would take septets 153-154: moves whole to part 2 */
    {"a", 152, "€bbbbbbbbbb", 0, 164, 2, 152, {0x1B, 0x65, 0x62}, 3},
    /* escape ends exactly at 153: stays */
    {"a", 151, "€bbbbbbbbbb", 0, 163, 2, 153, {0x62, 0x62}, 2},
    {"a", 151, "€bbbbbbbbbb", CM_SMS_REF16, 163, 2, 151, {0x1B, 0x65}, 2},
    /* surrogate pair would take units 67-68: moves whole to part 2 */
    {"ж", 66, "😀жжжжж", 0, 73, 2, 132, {0xD8, 0x3D, 0xDE, 0x00}, 4},
    /* pair ends exactly at unit 67: stays */
    {"ж", 65, "😀жжжжж", 0, 72, 2, 134, {0x04, 0x36}, 2},
    {"ж", 65, "😀жжжжж", CM_SMS_REF16, 72, 2, 130, {0xD8, 0x3D, 0xDE, 0x00}, 4},
    /* 70 units in one SMS with a pair at the end */
    {"ж", 68, "😀", 0, 70, 1, 140, {0}, 0},
};

static void test_pair_never_split(void **state)
{
    (void)state;
    for (size_t k = 0; k < NELEM(boundary_cases); k++) {
        const struct boundary_case *c = &boundary_cases[k];
        char *s = repeat(c->head, c->head_n, c->tail);
        cm_sms_text t;

        encode_ok(s, c->flags, &t);
        assert_int_equal(t.info.units, c->units);
        assert_int_equal(t.info.parts, c->parts);
        assert_int_equal(t.bound[1], c->bound1);
        if (c->next_len) assert_memory_equal(t.data + t.bound[1], c->next, c->next_len);
        cm_sms_text_free(&t);
        free(s);
    }
}

static void test_emoji_counts(void **state)
{
    cm_sms_text t;
    static const uint8_t want[] = {0x00, 0x61, 0xD8, 0x3D, 0xDE, 0x00};

    (void)state;
    encode_ok("a😀", 0, &t);
    assert_int_equal(t.info.coding, CM_SMS_UCS2);
    assert_int_equal(t.info.units, 3);
    assert_int_equal(t.info.chars, 2);
    assert_int_equal(t.len, 6);
    assert_memory_equal(t.data, want, sizeof(want));
    cm_sms_text_free(&t);
}

/* ---- empty text and limits ---- */

static void test_empty_text(void **state)
{
    cm_sms_text t;
    uint8_t buf[CM_SMS_SM_MAX];

    (void)state;
    assert_int_equal(cm_sms_encode("", 0, 0, &t), 0);
    assert_int_equal(t.info.coding, CM_SMS_GSM7);
    assert_int_equal(t.info.units, 0);
    assert_int_equal(t.info.chars, 0);
    assert_int_equal(t.info.parts, 1);
    assert_int_equal(t.len, 0);
    assert_int_equal(t.bound[0], 0);
    assert_int_equal(t.bound[1], 0);
    assert_int_equal(cm_sms_part_udh(&t, 0, 7, buf, sizeof(buf)), 0);
    cm_sms_text_free(&t);
    assert_int_equal(cm_sms_encode(NULL, 0, CM_SMS_TRANSLIT, &t), 0);
    assert_int_equal(t.info.parts, 1);
    cm_sms_text_free(&t);
}

static void test_max_parts(void **state)
{
    static const struct {
        const char *unit;
        size_t n;
        int rc;
        size_t parts;
    } cases[] = {
        {"a", 255 * 153, 0, 255},
        {"a", 255 * 153 + 1, -E2BIG, 0},
        {"ж", 255 * 67, 0, 255},
        {"ж", 255 * 67 + 1, -E2BIG, 0},
    };

    (void)state;
    for (size_t k = 0; k < NELEM(cases); k++) {
        char *s = repeat(cases[k].unit, cases[k].n, "");
        cm_sms_text t;
        cm_sms_info info;

        assert_int_equal(cm_sms_encode(s, strlen(s), 0, &t), cases[k].rc);
        assert_int_equal(t.info.parts, cases[k].parts);
        if (cases[k].rc) assert_null(t.data);
        cm_sms_text_free(&t);
        assert_int_equal(cm_sms_measure(s, strlen(s), 0, &info), cases[k].rc);
        assert_int_equal(info.parts, cases[k].parts);
        free(s);
    }
}

static void test_bad_arguments(void **state)
{
    cm_sms_text t;
    cm_sms_info info;
    char buf[8];

    (void)state;
    assert_int_equal(cm_sms_encode("a", 1, 0, NULL), -EINVAL);
    assert_int_equal(cm_sms_encode(NULL, 1, 0, &t), -EINVAL);
    assert_int_equal(cm_sms_encode("a", 1, 0x4, &t), -EINVAL);
    assert_int_equal(cm_sms_measure("a", 1, 0, NULL), -EINVAL);
    assert_int_equal(cm_sms_measure("a", 1, 0x80, &info), -EINVAL);
    assert_int_equal(cm_sms_ucs2_chars("a", 1, 0, buf, 0), -EINVAL);
    assert_int_equal(cm_sms_ucs2_chars("a", 1, 0, NULL, 8), -EINVAL);
    cm_sms_text_free(NULL);
}

/* ---- invalid UTF-8 ---- */

static const struct {
    const char *s;
    size_t len;
} bad_utf8[] = {
    {"\xC3", 1},                 /* truncated */
    {"abc\xE2\x80", 5},          /* truncated 3-byte */
    {"\x80", 1},                 /* lone continuation */
    {"\xC0\xAF", 2},             /* overlong '/' */
    {"\xE0\x80\xAF", 3},         /* overlong */
    {"\xED\xA0\x80", 3},         /* encoded surrogate */
    {"\xF4\x90\x80\x80", 4},     /* > U+10FFFF */
    {"\xF8\x88\x80\x80\x80", 5}, /* 5-byte form */
    {"\xFF", 1},
    {"a\0b", 3},  /* NUL is not text */
    {"\xC3(", 2}, /* bad continuation */
};

static void test_invalid_utf8(void **state)
{
    (void)state;
    for (size_t k = 0; k < NELEM(bad_utf8); k++) {
        cm_sms_text t;
        cm_sms_info info;
        char buf[16] = "x";

        assert_int_equal(cm_sms_encode(bad_utf8[k].s, bad_utf8[k].len, 0, &t), -EILSEQ);
        assert_null(t.data);
        assert_null(t.bound);
        assert_int_equal(t.info.parts, 0);
        assert_int_equal(cm_sms_encode(bad_utf8[k].s, bad_utf8[k].len, 1, &t), -EILSEQ);
        assert_int_equal(cm_sms_measure(bad_utf8[k].s, bad_utf8[k].len, 1, &info), -EILSEQ);
        assert_int_equal(cm_sms_ucs2_chars(bad_utf8[k].s, bad_utf8[k].len, 0, buf, 16), -EILSEQ);
        assert_string_equal(buf, "");
    }
}

/* ---- transliteration ---- */

struct translit_case {
    const char *in;
    unsigned flags;
    int coding, translit;
    size_t units, chars;
    const char *sent; /* decoded payload */
};

static const struct translit_case translit_cases[] = {
    {"l’été", 0, CM_SMS_UCS2, 0, 5, 5, "l’été"},
    {"l’été", CM_SMS_TRANSLIT, CM_SMS_GSM7, 1, 5, 5, "l'été"},
    {"l'été", CM_SMS_TRANSLIT, CM_SMS_GSM7, 0, 5, 5, "l'été"},
    {"« Bonjour » – à bientôt…", CM_SMS_TRANSLIT, CM_SMS_GSM7, 1, 26, 26,
     "\" Bonjour \" - à bientot..."},
    {"“Œuvre” ‘cœur’ — ça", CM_SMS_TRANSLIT, CM_SMS_GSM7, 1, 21, 21, "\"OEuvre\" 'coeur' - ca"},
    {"10\u00a0h\u202f30\u2009!", CM_SMS_TRANSLIT, CM_SMS_GSM7, 1, 9, 9, "10 h 30 !"},
    {"zero\u200bwidth\ufeff", CM_SMS_TRANSLIT, CM_SMS_GSM7, 1, 9, 9, "zerowidth"},
    {"ΑΒΓ", CM_SMS_TRANSLIT, CM_SMS_GSM7, 1, 3, 3, "ABΓ"},
    /* an emoji forces UCS-2 anyway: the text is sent untouched */
    {"l’été 😀", CM_SMS_TRANSLIT, CM_SMS_UCS2, 0, 8, 7, "l’été 😀"},
};

static void test_transliteration(void **state)
{
    (void)state;
    for (size_t k = 0; k < NELEM(translit_cases); k++) {
        const struct translit_case *c = &translit_cases[k];
        cm_sms_text t;
        char *out = NULL;

        encode_ok(c->in, c->flags, &t);
        assert_int_equal(t.info.coding, c->coding);
        assert_int_equal(t.info.translit, c->translit);
        assert_int_equal(t.info.units, c->units);
        assert_int_equal(t.info.chars, c->chars);
        assert_int_equal(t.info.parts, 1);
        assert_int_equal(cm_sms_decode(c->coding, t.data, t.len, 0, &out), (int)strlen(c->sent));
        assert_string_equal(out, c->sent);
        free(out);
        cm_sms_text_free(&t);
    }
}

/* Every typographic character of SPEC section 3 alone becomes GSM. */
static void test_typographic_all_gsm(void **state)
{
    static const char *chars[] = {
        "’",      "‘",      "“",      "”", "«", "»", "–", "—", "…", "\u00a0", "\u2002", "\u2003",
        "\u2009", "\u202f", "\u3000", "œ", "Œ", "‚", "„", "′", "″", "‹",      "›",      "\t",
        "ç",      "ê",      "â",      "î", "ô", "û", "ë", "ï", "ÿ", "™"};

    (void)state;
    for (size_t k = 0; k < NELEM(chars); k++) {
        cm_sms_info raw, tr;

        assert_int_equal(cm_sms_measure(chars[k], strlen(chars[k]), 0, &raw), 0);
        assert_int_equal(raw.coding, CM_SMS_UCS2);
        assert_int_equal(cm_sms_measure(chars[k], strlen(chars[k]), CM_SMS_TRANSLIT, &tr), 0);
        assert_int_equal(tr.coding, CM_SMS_GSM7);
        assert_int_equal(tr.translit, 1);
    }
}

static void test_measure_parts_with_translit(void **state)
{
    char *s = repeat("l’été ", 20, ""); /* 120 characters */
    cm_sms_info raw, tr;

    (void)state;
    assert_int_equal(cm_sms_measure(s, strlen(s), 0, &raw), 0);
    assert_int_equal(raw.coding, CM_SMS_UCS2);
    assert_int_equal(raw.units, 120);
    assert_int_equal(raw.parts, 2);
    assert_int_equal(cm_sms_measure(s, strlen(s), CM_SMS_TRANSLIT, &tr), 0);
    assert_int_equal(tr.coding, CM_SMS_GSM7);
    assert_int_equal(tr.units, 120);
    assert_int_equal(tr.chars, 120);
    assert_int_equal(tr.parts, 1);
    free(s);
}

/* ---- diagnostics: characters that force UCS-2 ---- */

struct culprit_case {
    const char *in;
    unsigned flags;
    size_t size;
    int rc;
    const char *list;
};

static const struct culprit_case culprit_cases[] = {
    {"Bonjour €[]", 0, 64, 0, ""},
    {"a😀 ж’ 😀 жж’", 0, 64, 3, "😀ж’"},
    {"a😀 ж’ 😀 жж’", CM_SMS_TRANSLIT, 64, 2, "😀ж"},
    {"a😀 ж’ 😀 жж’", 0, 5, 1, "😀"}, /* 4 bytes + NUL */
    {"a😀 ж’ 😀 жж’", 0, 4, 0, ""},  /* the emoji does not fit: nothing after it */
    {"ж😀", 0, 7, 2, "ж😀"},
    {"ж😀", 0, 6, 1, "ж"},
};

static void test_ucs2_chars(void **state)
{
    (void)state;
    for (size_t k = 0; k < NELEM(culprit_cases); k++) {
        const struct culprit_case *c = &culprit_cases[k];
        char buf[64];

        memset(buf, 'x', sizeof(buf));
        assert_int_equal(cm_sms_ucs2_chars(c->in, strlen(c->in), c->flags, buf, c->size), c->rc);
        assert_string_equal(buf, c->list);
    }
}

/* ---- short_message with UDH ---- */

static void test_part_udh_ref8(void **state)
{
    char *s = repeat("a", 153, "bbbbbbbbbb");
    cm_sms_text t;
    uint8_t buf[CM_SMS_SM_MAX];
    static const uint8_t udh1[] = {0x05, 0x00, 0x03, 0x34, 0x02, 0x01};
    static const uint8_t udh2[] = {0x05, 0x00, 0x03, 0x34, 0x02, 0x02, 'b', 'b',
                                   'b',  'b',  'b',  'b',  'b',  'b',  'b', 'b'};

    (void)state;
    encode_ok(s, 0, &t);
    assert_int_equal(t.info.parts, 2);
    assert_int_equal(cm_sms_part_udh(&t, 0, 0x1234, buf, sizeof(buf)), 159);
    assert_memory_equal(buf, udh1, sizeof(udh1));
    assert_int_equal(buf[6], 'a');
    assert_int_equal(buf[158], 'a');
    assert_int_equal(cm_sms_part_udh(&t, 1, 0x1234, buf, sizeof(buf)), 16);
    assert_memory_equal(buf, udh2, sizeof(udh2));
    assert_int_equal(cm_sms_part_udh(&t, 2, 0x1234, buf, sizeof(buf)), -EINVAL);
    assert_int_equal(cm_sms_part_udh(&t, 0, 0x1234, buf, 158), -ENOSPC);
    assert_int_equal(cm_sms_part_udh(NULL, 0, 0, buf, sizeof(buf)), -EINVAL);
    cm_sms_text_free(&t);
    free(s);
}

static void test_part_udh_ref16_ucs2(void **state)
{
    char *s = repeat("ж", 66, "😀жжж");
    cm_sms_text t;
    uint8_t buf[CM_SMS_SM_MAX];
    static const uint8_t udh1[] = {0x06, 0x08, 0x04, 0xAB, 0xCD, 0x02, 0x01, 0x04, 0x36};
    static const uint8_t p2[] = {0x06, 0x08, 0x04, 0xAB, 0xCD, 0x02, 0x02, 0xD8, 0x3D,
                                 0xDE, 0x00, 0x04, 0x36, 0x04, 0x36, 0x04, 0x36};

    (void)state;
    encode_ok(s, CM_SMS_REF16, &t);
    assert_int_equal(t.info.coding, CM_SMS_UCS2);
    assert_int_equal(t.info.units, 71);
    assert_int_equal(t.info.parts, 2);
    assert_int_equal(cm_sms_part_udh(&t, 0, 0xABCD, buf, sizeof(buf)), 7 + 132);
    assert_memory_equal(buf, udh1, sizeof(udh1));
    assert_int_equal(cm_sms_part_udh(&t, 1, 0xABCD, buf, sizeof(buf)), (int)sizeof(p2));
    assert_memory_equal(buf, p2, sizeof(p2));
    cm_sms_text_free(&t);
    free(s);
}

static void test_part_single_no_udh(void **state)
{
    char *s = repeat("a", 159, "€");
    cm_sms_text t;
    uint8_t buf[CM_SMS_SM_MAX + 1];

    (void)state;
    encode_ok(s, 0, &t);
    assert_int_equal(t.info.units, 161);
    assert_int_equal(t.info.parts, 2);
    cm_sms_text_free(&t);
    free(s);
    s = repeat("a", 158, "€");
    encode_ok(s, 0, &t);
    assert_int_equal(t.info.parts, 1);
    assert_int_equal(cm_sms_part_udh(&t, 0, 1, buf, sizeof(buf)), 160);
    assert_int_equal(buf[0], 'a');
    assert_int_equal(buf[158], 0x1B);
    assert_int_equal(buf[159], 0x65);
    cm_sms_text_free(&t);
    free(s);
}

/* ---- decoding ---- */

struct decode_case {
    int dc;
    const char *sm;
    size_t len;
    int has_udh;
    int rc;
    const char *out;
};

static const struct decode_case decode_cases[] = {
    {0, "\x48\x65\x6c\x6c\x6f\x00\x02", 7, 0, 7, "Hello@$"},
    {0, "\x05\x00\x03\x01\x02\x01\x1b\x65\x20\x05", 10, 1, 6, "€ é"},
    {0, "a\x1b", 2, 0, 1, "a"},             /* trailing escape dropped */
    {0, "\x1b\x41\x1b\x1b", 4, 0, 2, "A "}, /* unknown ext -> default, ESC ESC -> space */
    {0, "a\x80", 2, 0, -EILSEQ, NULL},
    {0, "\x1b\x8a", 2, 0, -EILSEQ, NULL},
    {3, "caf\xe9\x00", 5, 0, 5, "café"},
    {8, "\x00\x63\x00\xe9\xd8\x3d\xde\x00", 8, 0, 7, "cé😀"},
    {8, "\xd8\x3d\x00\x61", 4, 0, 4,
     "\xef\xbf\xbd"
     "a"},                                    /* lone high surrogate */
    {8, "\xde\x00", 2, 0, 3, "\xef\xbf\xbd"}, /* lone low surrogate */
    {8, "\x00\x61\x00", 3, 0, -EILSEQ, NULL},
    {8, "\x05\x00\x03\x07\x02\x02\x04\x36", 8, 1, 2, "ж"},
    {8, "", 0, 0, 0, ""},
    {4, "ab", 2, 0, -ENOTSUP, NULL},
    {0, "\x05\x00\x03", 3, 1, -EINVAL, NULL}, /* UDH longer than the message */
    {0, "", 0, 1, -EINVAL, NULL},
};

static void test_decode(void **state)
{
    (void)state;
    for (size_t k = 0; k < NELEM(decode_cases); k++) {
        const struct decode_case *c = &decode_cases[k];
        char *out = (char *)"sentinel";

        assert_int_equal(cm_sms_decode(c->dc, (const uint8_t *)c->sm, c->len, c->has_udh, &out),
                         c->rc);
        if (c->out)
            assert_string_equal(out, c->out);
        else
            assert_null(out);
        free(out);
    }
    assert_int_equal(cm_sms_decode(0, (const uint8_t *)"a", 1, 0, NULL), -EINVAL);
}

/* ---- the whole GSM table, from the golden file ---- */

struct gsm_entry {
    uint8_t septets[2];
    size_t n;
    unsigned cp;
};

static size_t load_gsm_table(struct gsm_entry *e, size_t max)
{
    FILE *f = fopen(SMSGW_TEST_DATA "/sms/gsm0338.txt", "r");
    char line[256];
    size_t n = 0;

    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        unsigned hex, cp;
        char code[8];
        if (line[0] == '#' || sscanf(line, "%7s U+%x", code, &cp) != 2) continue;
        assert_true(n < max);
        assert_int_equal(sscanf(code, "%x", &hex), 1);
        e[n].n = strlen(code) / 2;
        e[n].septets[0] = (uint8_t)(e[n].n == 2 ? hex >> 8 : hex);
        e[n].septets[1] = (uint8_t)(hex & 0xFF);
        e[n++].cp = cp;
    }
    fclose(f);
    return n;
}

static size_t to_utf8(char *p, unsigned cp)
{
    if (cp < 0x80) {
        p[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        p[0] = (char)(0xC0 | cp >> 6);
        p[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    p[0] = (char)(0xE0 | cp >> 12);
    p[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    p[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

static void test_gsm_table_roundtrip(void **state)
{
    struct gsm_entry e[160];
    size_t n = load_gsm_table(e, NELEM(e)), len = 0, units = 0;
    char all[160 * 3 + 1], *out;
    cm_sms_text t;

    (void)state;
    assert_int_equal(n, 137); /* 127 default (no escape) + 10 extension */
    for (size_t k = 0; k < n; k++) {
        char one[4];
        size_t l = to_utf8(one, e[k].cp);
        assert_int_equal(cm_sms_encode(one, l, 0, &t), 0);
        assert_int_equal(t.info.coding, CM_SMS_GSM7);
        assert_int_equal(t.len, e[k].n);
        assert_memory_equal(t.data, e[k].septets, e[k].n);
        cm_sms_text_free(&t);
        memcpy(all + len, one, l);
        len += l;
        units += e[k].n;
    }
    all[len] = '\0';
    assert_int_equal(cm_sms_encode(all, len, 0, &t), 0);
    assert_int_equal(t.info.coding, CM_SMS_GSM7);
    assert_int_equal(t.info.units, units);
    assert_int_equal(t.info.units, 147);
    assert_int_equal(cm_sms_decode(0, t.data, t.len, 0, &out), (int)len);
    assert_memory_equal(out, all, len + 1);
    free(out);
    cm_sms_text_free(&t);
}

/* ---- concatenation IE of a received UDH ---- */

static void test_udh_concat(void **state)
{
    static const struct {
        const char *sm;
        size_t len;
        int rc;
        unsigned ref, total, seq;
    } cases[] = {
        {"\x05\x00\x03\x2a\x03\x02xx", 8, 0, 0x2a, 3, 2},
        {"\x06\x08\x04\x12\x34\x02\x01x", 8, 0, 0x1234, 2, 1},
        {"\x08\x24\x01\x01\x00\x03\x09\x04\x01", 9, 0, 9, 4, 1}, /* after another IE */
        {"\x03\x24\x01\x01", 4, -ENOENT, 0, 0, 0},
        {"\x05\x00\x03\x01\x02\x03", 6, -EINVAL, 0, 0, 0}, /* seq > total */
        {"\x05\x00\x03\x01\x00\x00", 6, -EINVAL, 0, 0, 0}, /* total 0 */
        {"\x05\x00\x04\x01\x02\x01", 6, -EINVAL, 0, 0, 0}, /* IE overruns UDH */
        {"\x09\x00\x03", 3, -EINVAL, 0, 0, 0},             /* UDH overruns message */
    };

    (void)state;
    for (size_t k = 0; k < NELEM(cases); k++) {
        unsigned ref = 0, total = 0, seq = 0;
        assert_int_equal(
            cm_sms_udh_concat((const uint8_t *)cases[k].sm, cases[k].len, &ref, &total, &seq),
            cases[k].rc);
        if (cases[k].rc == 0) {
            assert_int_equal(ref, cases[k].ref);
            assert_int_equal(total, cases[k].total);
            assert_int_equal(seq, cases[k].seq);
        }
    }
}

/* A part built by cm_sms_part_udh() reads back through the decoder and the UDH parser. */
static void test_parts_reassemble(void **state)
{
    char *s = repeat("Ça coûte 5€ [promo] ", 19, "");
    cm_sms_text t;
    char joined[2048] = "";

    (void)state;
    encode_ok(s, CM_SMS_TRANSLIT, &t);
    assert_int_equal(t.info.coding, CM_SMS_GSM7);
    assert_int_equal(t.info.units, 19 * 23);
    assert_int_equal(t.info.parts, 3);
    for (size_t i = 0; i < t.info.parts; i++) {
        uint8_t buf[CM_SMS_SM_MAX];
        unsigned ref, total, seq;
        char *out;
        int n = cm_sms_part_udh(&t, i, 77, buf, sizeof(buf));
        assert_true(n > 6 && n <= 159);
        assert_int_equal(cm_sms_udh_concat(buf, (size_t)n, &ref, &total, &seq), 0);
        assert_int_equal(ref, 77);
        assert_int_equal(total, 3);
        assert_int_equal(seq, i + 1);
        assert_true(cm_sms_decode(0, buf, (size_t)n, 1, &out) > 0);
        strcat(joined, out);
        free(out);
    }
    free(s);
    s = repeat("Ça coute 5€ [promo] ", 19, "");
    assert_string_equal(joined, s);
    cm_sms_text_free(&t);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_segmentation_figures),
        cmocka_unit_test(test_gsm_ascii_bytes),
        cmocka_unit_test(test_bonjour_is_gsm),
        cmocka_unit_test(test_extension_counts_two),
        cmocka_unit_test(test_extension_single_sms_limit),
        cmocka_unit_test(test_pair_never_split),
        cmocka_unit_test(test_emoji_counts),
        cmocka_unit_test(test_empty_text),
        cmocka_unit_test(test_max_parts),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_transliteration),
        cmocka_unit_test(test_typographic_all_gsm),
        cmocka_unit_test(test_measure_parts_with_translit),
        cmocka_unit_test(test_ucs2_chars),
        cmocka_unit_test(test_part_udh_ref8),
        cmocka_unit_test(test_part_udh_ref16_ucs2),
        cmocka_unit_test(test_part_single_no_udh),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_gsm_table_roundtrip),
        cmocka_unit_test(test_udh_concat),
        cmocka_unit_test(test_parts_reassemble),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
