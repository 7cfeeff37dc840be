/* Unit tests for dl_msgid's formats (operators.message_id_format): golden file
 * dlr/msgid_formats.tsv gives, per format, a submitted id, a receipt id, whether they
 * match and the exact keys of each side; plus the keys every format could give
 * (dl_msgid_keys_any), the format names and the refusals. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dl_msgid.h"

#ifndef SMSGW_TEST_DATA
#define SMSGW_TEST_DATA "tests/unit/data"
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const NAMES[] = {"auto", "hex", "decimal", "hex_resp_decimal_receipt", "text"};

static int format_of(const char *name)
{
    for (size_t i = 0; i < N_ELEMS(NAMES); i++)
        if (strcmp(name, NAMES[i]) == 0) return (int)i;
    fail_msg("unknown format %s", name);
    return -1;
}

/* The keys, comma-separated. */
static void joined(const dl_msgid_keys *k, char *out, size_t cap)
{
    size_t at = 0;

    out[0] = '\0';
    for (int i = 0; i < k->n; i++)
        at += (size_t)snprintf(out + at, cap - at, "%s%s", i ? "," : "", k->k[i]);
}

static int share_a_key(const dl_msgid_keys *a, const dl_msgid_keys *b)
{
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            if (strcmp(a->k[i], b->k[j]) == 0) return 1;
    return 0;
}

/* format, resp id, receipt id, match, resp keys, receipt keys */
static void check_row(char *line, int lineno)
{
    char *f[6], *save = NULL, got[512];
    dl_msgid_keys resp, rcpt;
    int n = 0, fmt;

    for (char *t = strtok_r(line, "\t", &save); t != NULL && n < 6; t = strtok_r(NULL, "\t", &save))
        f[n++] = t;
    if (n != 6) fail_msg("line %d: %d fields", lineno, n);
    print_message("line %d: %s %s ~ %s\n", lineno, f[0], f[1], f[2]);
    fmt = format_of(f[0]);
    assert_int_equal(dl_msgid_keys_of(f[1], (enum dl_msgid_format)fmt, DL_MSGID_RESP, &resp), 0);
    assert_int_equal(dl_msgid_keys_of(f[2], (enum dl_msgid_format)fmt, DL_MSGID_RECEIPT, &rcpt), 0);
    joined(&resp, got, sizeof(got));
    assert_string_equal(got, f[4]);
    joined(&rcpt, got, sizeof(got));
    assert_string_equal(got, f[5]);
    assert_int_equal(share_a_key(&resp, &rcpt), f[3][0] == '1');
}

static void test_golden(void **state)
{
    FILE *fp = fopen(SMSGW_TEST_DATA "/dlr/msgid_formats.tsv", "r");
    char line[1024];
    int lineno = 0, per_format[N_ELEMS(NAMES)] = {0};
    (void)state;

    assert_non_null(fp);
    while (fgets(line, sizeof(line), fp) != NULL) {
        size_t len = strlen(line);
        lineno++;
        if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
        if (len == 0 || line[0] == '#') continue;
        char name[64];
        snprintf(name, sizeof(name), "%.*s", (int)strcspn(line, "\t"), line);
        per_format[format_of(name)]++;
        check_row(line, lineno);
    }
    fclose(fp);
    for (size_t i = 0; i < N_ELEMS(NAMES); i++)
        assert_true(per_format[i] >= 5);
}

/* auto is dl_msgid_canon, and reads both sides alike. */
static void test_auto_is_canon(void **state)
{
    static const char *const IDS[] = {"1A2B", "00123", "x-1", "0", "98765432109876543210"};
    dl_msgid_keys a, b, c;
    (void)state;

    for (size_t i = 0; i < N_ELEMS(IDS); i++) {
        assert_int_equal(dl_msgid_canon(IDS[i], &a), 0);
        assert_int_equal(dl_msgid_keys_of(IDS[i], DL_MSGID_AUTO, DL_MSGID_RESP, &b), 0);
        assert_int_equal(dl_msgid_keys_of(IDS[i], DL_MSGID_AUTO, DL_MSGID_RECEIPT, &c), 0);
        assert_int_equal(a.n, b.n);
        assert_int_equal(a.n, c.n);
        for (int k = 0; k < a.n; k++) {
            assert_string_equal(a.k[k], b.k[k]);
            assert_string_equal(a.k[k], c.k[k]);
        }
    }
}

static void test_keys_any(void **state)
{
    static const struct {
        const char *id, *keys;
    } C[] = {
        {"007", "t:7,n:7,t:007"}, {"1A2B", "t:1a2b,n:6699"},
        {"0A", "t:a,n:10,t:0a"},  {"016", "t:16,n:22,n:16,t:016"}, /* DL_MSGID_KEYS of them */
        {"Msg-7", "t:msg-7"},
    };
    dl_msgid_keys k;
    char got[512];
    (void)state;

    for (size_t i = 0; i < N_ELEMS(C); i++) {
        assert_int_equal(dl_msgid_keys_any(C[i].id, &k), 0);
        joined(&k, got, sizeof(got));
        assert_string_equal(got, C[i].keys);
    }
    assert_int_equal(dl_msgid_keys_any("", &k), -EINVAL);
    assert_int_equal(dl_msgid_keys_any("a b", &k), -EINVAL);
}

/* The one stored key and the lookup keys match exactly the pairs (submitted id,
 * receipt id) that sharing a key of dl_msgid_keys_of matched, in every format. */
static void test_stored_once_same_matches(void **state)
{
    static const char *const IDS[] = {"1A2B",
                                      "6699",
                                      "00001a2b",
                                      "1a2b",
                                      "16",
                                      "10",
                                      "22",
                                      "0",
                                      "000",
                                      "ffffffffffffffff",
                                      "18446744073709551615",
                                      "18446744073709551616",
                                      "abc-1",
                                      "ABC-1",
                                      "0001",
                                      "1",
                                      "12345",
                                      "74565",
                                      "00012345",
                                      "9",
                                      "a",
                                      "fffffffffffffffff"};
    enum { N = sizeof(IDS) / sizeof(IDS[0]) };
    (void)state;

    for (int fmt = 0; fmt < DL_MSGID_FORMATS; fmt++)
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < N; j++) {
                dl_msgid_keys resp, rcpt, stored, look;
                int found = 0;
                assert_int_equal(dl_msgid_keys_of(IDS[i], fmt, DL_MSGID_RESP, &resp), 0);
                assert_int_equal(dl_msgid_keys_of(IDS[j], fmt, DL_MSGID_RECEIPT, &rcpt), 0);
                assert_int_equal(dl_msgid_key_stored(IDS[i], fmt, &stored), 0);
                assert_int_equal(dl_msgid_keys_lookup(IDS[j], fmt, &look), 0);
                assert_int_equal(stored.n, 1);
                assert_string_equal(stored.k[0], resp.k[0]);
                for (int k = 0; k < look.n; k++)
                    found |= strcmp(look.k[k], stored.k[0]) == 0;
                if (found != share_a_key(&resp, &rcpt))
                    print_message("%s: %s / %s\n", NAMES[fmt], IDS[i], IDS[j]);
                assert_int_equal(found, share_a_key(&resp, &rcpt));
            }
}

static void test_names_and_refusals(void **state)
{
    dl_msgid_keys k;
    (void)state;

    for (size_t i = 0; i < N_ELEMS(NAMES); i++)
        assert_string_equal(dl_msgid_format_name((enum dl_msgid_format)i), NAMES[i]);
    assert_int_equal(DL_MSGID_FORMATS, N_ELEMS(NAMES));
    assert_string_equal(dl_msgid_format_name(DL_MSGID_FORMATS), "?");
    assert_int_equal(dl_msgid_keys_of("12", DL_MSGID_FORMATS, DL_MSGID_RESP, &k), -EINVAL);
    assert_int_equal(k.n, 0);
    assert_int_equal(dl_msgid_keys_of("12", DL_MSGID_HEX, (enum dl_msgid_side)2, &k), -EINVAL);
    for (size_t i = 0; i < N_ELEMS(NAMES); i++) {
        assert_int_equal(dl_msgid_keys_of("", (enum dl_msgid_format)i, DL_MSGID_RESP, &k), -EINVAL);
        assert_int_equal(dl_msgid_keys_of("a\x7f", (enum dl_msgid_format)i, DL_MSGID_RECEIPT, &k),
                         -EINVAL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_auto_is_canon),
        cmocka_unit_test(test_keys_any),
        cmocka_unit_test(test_stored_once_same_matches),
        cmocka_unit_test(test_names_and_refusals),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
