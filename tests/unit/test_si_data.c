/* Unit tests for si_data, the DATA terminator scanner: end of message, dot-unstuffing,
 * limits, and the SMTP smuggling sequences, each fed in one piece, byte by byte and in
 * random chunk splits (the result must not depend on how TCP cut the stream). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "si_data.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

typedef struct {
    enum si_data_rc rc;
    size_t pos; /* input bytes consumed when rc was returned (or all) */
    enum si_data_err err;
    char out[4096];
    size_t out_len;
} run_result;

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

/* Feeds in[0..n) in chunks: chunk == 0 means random sizes 1..17, else fixed size. */
static void run(const char *in, size_t n, size_t max, size_t chunk, run_result *r)
{
    si_data d;
    si_data_init(&d, max);
    memset(r, 0, sizeof *r);
    r->rc = SI_DATA_MORE;
    size_t off = 0;
    while (off < n && r->rc == SI_DATA_MORE) {
        size_t k = chunk ? chunk : 1 + rng() % 17;
        if (k > n - off) k = n - off;
        size_t used = 0;
        r->rc = si_data_feed(&d, (const uint8_t *)in + off, k, &used);
        assert_true(used <= k);
        if (r->rc == SI_DATA_MORE) assert_int_equal(used, k);
        off += used;
    }
    r->pos = off;
    r->err = d.err;
    uint8_t *buf = si_data_take(&d, &r->out_len);
    assert_true(r->out_len < sizeof r->out);
    if (r->out_len) memcpy(r->out, buf, r->out_len);
    free(buf);
    si_data_free(&d);
}

/* Runs in one piece, byte by byte and with 200 random splits; all must agree. */
static void run_all_ways(const char *in, size_t n, size_t max, run_result *r)
{
    run_result other;
    run(in, n, max, n ? n : 1, r);
    for (int i = 0; i < 202; i++) {
        run(in, n, max, i == 0 ? 1 : i == 1 ? 2 : 0, &other);
        assert_int_equal(other.rc, r->rc);
        assert_int_equal(other.pos, r->pos);
        assert_int_equal(other.err, r->err);
        if (r->err != SI_DATA_E_NONE) continue; /* what was stored before an error is not used */
        assert_int_equal(other.out_len, r->out_len);
        assert_memory_equal(other.out, r->out, r->out_len);
    }
}

typedef struct {
    const char *in;
    enum si_data_rc rc;
    const char *out; /* stored message when rc == SI_DATA_END */
    size_t rest;     /* bytes left after the end */
} data_case;

static const data_case CASES[] = {
    {"Subject: x\r\n\r\nhello\r\n.\r\n", SI_DATA_END, "Subject: x\r\n\r\nhello\r\n", 0},
    {".\r\n", SI_DATA_END, "", 0},
    {".\r\nQUIT\r\n", SI_DATA_END, "", 6},
    {"a\r\n.\r\nMAIL FROM:<x@y>\r\n", SI_DATA_END, "a\r\n", 17},
    {"..\r\n.\r\n", SI_DATA_END, ".\r\n", 0},
    {"..leading dot\r\n...two\r\n.\r\n", SI_DATA_END, ".leading dot\r\n..two\r\n", 0},
    {".x\r\n.\r\n", SI_DATA_END, "x\r\n", 0},
    {"a.\r\n.b\r\n.\r\n", SI_DATA_END, "a.\r\nb\r\n", 0},
    {"hello\r\n", SI_DATA_MORE, NULL, 0},
    {"hello\r\n.", SI_DATA_MORE, NULL, 0},
    {"hello\r\n.\r", SI_DATA_MORE, NULL, 0},
    {"hello\n", SI_DATA_BARE_LF, NULL, 0},
    {"hello\rx", SI_DATA_BARE_CR, NULL, 0},
    {"\n", SI_DATA_BARE_LF, NULL, 0},
    {".\n", SI_DATA_BARE_LF, NULL, 0},
    {".\rx", SI_DATA_BARE_CR, NULL, 0},
    {"\r\r\n.\r\n", SI_DATA_BARE_CR, NULL, 0},
};

static void test_table(void **state)
{
    for (size_t i = 0; i < N_ELEMS(CASES); i++) {
        const data_case *c = &CASES[i];
        size_t n = strlen(c->in);
        run_result r;
        run_all_ways(c->in, n, 1000, &r);
        if (r.rc != c->rc) fail_msg("case %zu: rc %d, expected %d", i, r.rc, c->rc);
        if (c->rc != SI_DATA_END) continue;
        assert_int_equal(r.err, SI_DATA_E_NONE);
        assert_int_equal(n - r.pos, c->rest);
        assert_int_equal(r.out_len, strlen(c->out));
        assert_memory_equal(r.out, c->out, r.out_len);
    }
}

/* SMTP smuggling (CVE-2023-51764 and friends): a non-standard end of data followed by
 * a second, smuggled transaction. None of these may end the message. */
static const struct {
    const char *seq;
    size_t len;
} SMUGGLE[] = {
    {"\n.\n", 3},         {"\r.\r", 3}, {"\n.\r\n", 4}, {"\r\n.\n", 4},     {"\r.\r\n", 4},
    {"\r\n\x00.\r\n", 6}, {"\n.\r", 3}, {"\r\n.\r", 4}, {"\r\n.\r\r\n", 6}, {"\n..\n", 4},
};

static void test_smuggling(void **state)
{
    static const char head[] = "From: a@b\r\n\r\nhello";
    static const char tail[] = "MAIL FROM:<evil@x>\r\nRCPT TO:<SMS=0600000000@d>\r\nDATA\r\n"
                               "smuggled\r\n.\r\n";
    for (size_t i = 0; i < N_ELEMS(SMUGGLE); i++) {
        char in[512];
        size_t n = 0;
        memcpy(in + n, head, sizeof head - 1);
        n += sizeof head - 1;
        memcpy(in + n, SMUGGLE[i].seq, SMUGGLE[i].len);
        n += SMUGGLE[i].len;
        memcpy(in + n, tail, sizeof tail - 1);
        n += sizeof tail - 1;
        run_result r;
        run_all_ways(in, n, 100000, &r);
        if (r.rc == SI_DATA_END && r.pos != n)
            fail_msg("sequence %zu ended the message early at %zu of %zu", i, r.pos, n);
        if (r.rc == SI_DATA_END && r.err == SI_DATA_E_NONE)
            fail_msg("sequence %zu was accepted as a clean message", i);
        if (r.rc == SI_DATA_MORE) fail_msg("sequence %zu: scanner still waiting", i);
    }
}

static void test_size_limit(void **state)
{
    static const char in[] = "0123456789abcdef\r\nmore\r\n.\r\nQUIT\r\n";
    run_result r;
    run_all_ways(in, sizeof in - 1, 10, &r);
    assert_int_equal(r.rc, SI_DATA_END);
    assert_int_equal(r.err, SI_DATA_E_SIZE);
    assert_int_equal(sizeof in - 1 - r.pos, 6);
    assert_true(r.out_len <= 10);
    /* exactly at the limit is fine */
    run_all_ways("abcdefgh\r\n.\r\n", 13, 10, &r);
    assert_int_equal(r.err, SI_DATA_E_NONE);
    assert_int_equal(r.out_len, 10);
}

static void test_nul(void **state)
{
    static const char in[] = "abc\0def\r\n.\r\n";
    run_result r;
    run_all_ways(in, sizeof in - 1, 1000, &r);
    assert_int_equal(r.rc, SI_DATA_END);
    assert_int_equal(r.err, SI_DATA_E_NUL);
    assert_int_equal(r.pos, sizeof in - 1);
}

/* A large message crosses many buffer growths and keeps every byte. */
static void test_large(void **state)
{
    size_t lines = 5000, n = 0;
    char *in = malloc(lines * 80 + 8), *expect = malloc(lines * 80);
    size_t en = 0;
    for (size_t i = 0; i < lines; i++) {
        int k = snprintf(in + n, 80, "%sline %zu of the message\r\n", i % 7 ? "" : "..", i);
        n += (size_t)k;
        k = snprintf(expect + en, 80, "%sline %zu of the message\r\n", i % 7 ? "" : ".", i);
        en += (size_t)k;
    }
    memcpy(in + n, ".\r\n", 3);
    n += 3;
    si_data d;
    si_data_init(&d, 1 << 20);
    size_t used;
    assert_int_equal(si_data_feed(&d, (uint8_t *)in, n, &used), SI_DATA_END);
    assert_int_equal(used, n);
    assert_int_equal(d.len, en);
    assert_memory_equal(d.buf, expect, en);
    si_data_free(&d);
    free(in);
    free(expect);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),      cmocka_unit_test(test_smuggling),
        cmocka_unit_test(test_size_limit), cmocka_unit_test(test_nul),
        cmocka_unit_test(test_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
