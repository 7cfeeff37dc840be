/* Unit tests for dl_receipt (delivery receipt TLVs and text) and dl_msgid (message id
 * keys); golden file dlr/receipts.tsv (real-world receipt texts and what they mean). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dl_msgid.h"
#include "dl_receipt.h"

#ifndef SMSGW_TEST_DATA
#define SMSGW_TEST_DATA "tests/unit/data"
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static int parse_text(const char *text, dl_receipt *r)
{
    return dl_receipt_parse((const uint8_t *)text, strlen(text), "", 0, "", r);
}

static void test_standard_text(void **state)
{
    dl_receipt r;
    (void)state;

    assert_int_equal(parse_text("id:1234567890 sub:001 dlvrd:001 submit date:2406011403 done "
                                "date:2406011405 stat:DELIVRD err:000 text:Bonjour",
                                &r),
                     0);
    assert_string_equal(r.id, "1234567890");
    assert_int_equal(r.stat, DL_STAT_DELIVERED);
    assert_string_equal(r.err, "000");
    assert_int_equal(r.sub, 1);
    assert_int_equal(r.dlvrd, 1);
    assert_string_equal(r.submit_date, "2406011403");
    assert_string_equal(r.done_date, "2406011405");
    assert_true(dl_stat_is_final(r.stat));
    assert_true(dl_stat_is_delivered(r.stat));
}

static void test_tlvs_win(void **state)
{
    dl_receipt r;
    const char *text = "id:111 stat:UNDELIV err:001";
    (void)state;

    assert_int_equal(dl_receipt_parse((const uint8_t *)text, strlen(text), "ABC", 2, "030001", &r),
                     0);
    assert_string_equal(r.id, "ABC");
    assert_int_equal(r.stat, DL_STAT_DELIVERED);
    assert_string_equal(r.network_error, "030001");
    /* TLVs only, no text */
    assert_int_equal(dl_receipt_parse(NULL, 0, "42", 5, "", &r), 0);
    assert_string_equal(r.id, "42");
    assert_int_equal(r.stat, DL_STAT_UNDELIVERABLE);
    /* an out-of-range message_state is ignored, the text's stat stays */
    assert_int_equal(dl_receipt_parse((const uint8_t *)text, strlen(text), "", 99, "", &r), 0);
    assert_int_equal(r.stat, DL_STAT_UNDELIVERABLE);
    /* message_state values 1..8 */
    for (uint32_t s = 1; s <= 8; s++) {
        assert_int_equal(dl_receipt_parse(NULL, 0, "1", s, "", &r), 0);
        assert_int_equal(r.stat, (enum dl_stat)s);
    }
}

static void test_no_id(void **state)
{
    dl_receipt r;
    (void)state;

    assert_int_equal(parse_text("stat:DELIVRD", &r), -EINVAL);
    assert_int_equal(r.stat, DL_STAT_DELIVERED);
    assert_int_equal(dl_receipt_parse(NULL, 0, NULL, 0, NULL, &r), -EINVAL);
    assert_int_equal(parse_text("", &r), -EINVAL);
}

static void test_not_nul_terminated(void **state)
{
    /* the short_message is bytes: parsing must stop at len */
    const char buf[] = "id:12 stat:DELIVRDxxxxxxxx";
    dl_receipt r;
    (void)state;

    assert_int_equal(dl_receipt_parse((const uint8_t *)buf, 18, "", 0, "", &r), 0);
    assert_string_equal(r.id, "12");
    assert_int_equal(r.stat, DL_STAT_DELIVERED);
}

static void test_long_id_truncated(void **state)
{
    char text[200];
    dl_receipt r;
    (void)state;

    memset(text, 'a', sizeof(text));
    memcpy(text, "id:", 3);
    text[150] = '\0';
    assert_int_equal(parse_text(text, &r), 0);
    assert_int_equal(strlen(r.id), 64);
}

static void test_stat_words(void **state)
{
    static const struct {
        const char *w;
        enum dl_stat s;
        int final, delivered;
    } C[] = {
        {"DELIVRD", DL_STAT_DELIVERED, 1, 1},
        {"delivered", DL_STAT_DELIVERED, 1, 1},
        {"EXPIRED", DL_STAT_EXPIRED, 1, 0},
        {"DELETED", DL_STAT_DELETED, 1, 0},
        {"UNDELIV", DL_STAT_UNDELIVERABLE, 1, 0},
        {"REJECTD", DL_STAT_REJECTED, 1, 0},
        {"UNKNOWN", DL_STAT_UNKNOWN, 1, 0},
        {"FAILED", DL_STAT_FAILED, 1, 0},
        {"ENROUTE", DL_STAT_ENROUTE, 0, 0},
        {"ACCEPTD", DL_STAT_ACCEPTED, 0, 0},
        {"BUFFRED", DL_STAT_BUFFERED, 0, 0},
        {"ACKED", DL_STAT_ACKED, 0, 0},
        {"DELIV", DL_STAT_NONE, 0, 0},
        {"", DL_STAT_NONE, 0, 0},
    };
    (void)state;

    for (size_t i = 0; i < N_ELEMS(C); i++) {
        enum dl_stat s = dl_stat_parse(C[i].w, strlen(C[i].w));
        print_message("stat %s\n", C[i].w);
        assert_int_equal(s, C[i].s);
        assert_int_equal(dl_stat_is_final(s), C[i].final);
        assert_int_equal(dl_stat_is_delivered(s), C[i].delivered);
    }
    assert_true(dl_err_is_zero(""));
    assert_true(dl_err_is_zero("0000"));
    assert_false(dl_err_is_zero("001"));
}

static const char *dash(const char *s)
{
    return strcmp(s, "-") == 0 ? "" : s;
}

static void check_golden_line(char *line, int lineno)
{
    char *f[6];
    dl_receipt r;
    int n = 0, rc;

    for (char *p = line; n < 6; n++) {
        f[n] = p;
        p = strchr(p, '\t');
        if (p == NULL) {
            n++;
            break;
        }
        *p++ = '\0';
    }
    if (n != 6) fail_msg("receipts.tsv:%d: %d fields", lineno, n);
    print_message("receipts.tsv:%d: %s\n", lineno, f[0]);
    rc = parse_text(f[0], &r);
    assert_int_equal(rc, strcmp(f[1], "-") == 0 ? -EINVAL : 0);
    assert_string_equal(r.id, dash(f[1]));
    assert_string_equal(dl_stat_name(r.stat), dash(f[2]));
    assert_string_equal(r.err, dash(f[3]));
    assert_string_equal(r.done_date, dash(f[4]));
    assert_string_equal(r.stat == DL_STAT_NONE     ? "none"
                        : dl_stat_is_final(r.stat) ? "final"
                                                   : "interim",
                        f[5]);
}

static void test_golden(void **state)
{
    FILE *fp = fopen(SMSGW_TEST_DATA "/dlr/receipts.tsv", "r");
    char line[1024];
    int lineno = 0, cases = 0;
    (void)state;

    assert_non_null(fp);
    while (fgets(line, sizeof(line), fp) != NULL) {
        size_t len = strlen(line);
        lineno++;
        if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
        if (len == 0 || line[0] == '#') continue;
        check_golden_line(line, lineno);
        cases++;
    }
    fclose(fp);
    assert_true(cases >= 20);
}

/* Two ids match when they share a key. */
static int ids_match(const char *a, const char *b)
{
    dl_msgid_keys ka, kb;

    if (dl_msgid_canon(a, &ka) < 0 || dl_msgid_canon(b, &kb) < 0) return -1;
    for (int i = 0; i < ka.n; i++)
        for (int j = 0; j < kb.n; j++)
            if (strcmp(ka.k[i], kb.k[j]) == 0) return 1;
    return 0;
}

static void test_msgid_match(void **state)
{
    static const struct {
        const char *submitted, *receipt;
        int match;
    } C[] = {
        {"1A2B", "6699", 1},     /* hex in submit_sm_resp, decimal in the receipt */
        {"6699", "1a2b", 1},     /* and the other way round */
        {"1A2B", "1a2b", 1},     /* case */
        {"00001A2B", "1A2B", 1}, /* leading zeros */
        {"1A2B", "0006699", 1},
        {"abc-def", "ABC-DEF", 1}, /* not numeric: text form only */
        {"abc-def", "abc-deg", 0},
        {"1A2B", "6698", 0},
        {"FFFFFFFFFFFFFFFF", "18446744073709551615", 1}, /* 16 hex digits */
        {"0", "000", 1},
        {"12345678901234567890", "ab54a98ceb1f0ad2", 1},     /* 20 digits still fit 64 bits */
        {"98765432109876543210", "98765432109876543210", 1}, /* over 64 bits: text only */
        {"98765432109876543210", "55aa54d38e5267eea", 0},
    };
    (void)state;

    for (size_t i = 0; i < N_ELEMS(C); i++) {
        print_message("msgid %s ~ %s\n", C[i].submitted, C[i].receipt);
        assert_int_equal(ids_match(C[i].submitted, C[i].receipt), C[i].match);
    }
}

static void test_msgid_keys(void **state)
{
    dl_msgid_keys k;
    char buf[DL_MSGID_DBKEY_CAP];
    char long_id[DL_MSGID_MAX + 2];
    (void)state;

    assert_int_equal(dl_msgid_canon("00123", &k), 0);
    assert_int_equal(k.n, 3);
    assert_string_equal(k.k[0], "t:123");
    assert_string_equal(k.k[1], "n:291");
    assert_string_equal(k.k[2], "n:123");
    assert_int_equal(dl_msgid_canon("x-1", &k), 0);
    assert_int_equal(k.n, 1);
    assert_int_equal(dl_msgid_canon("", &k), -EINVAL);
    assert_int_equal(dl_msgid_canon(NULL, &k), -EINVAL);
    assert_int_equal(dl_msgid_canon("a b", &k), -EINVAL);
    assert_int_equal(dl_msgid_canon("a\xc3\xa9", &k), -EINVAL);
    memset(long_id, '1', sizeof(long_id));
    long_id[DL_MSGID_MAX + 1] = '\0';
    assert_int_equal(dl_msgid_canon(long_id, &k), -EINVAL);
    long_id[DL_MSGID_MAX] = '\0';
    assert_int_equal(dl_msgid_canon(long_id, &k), 0);
    assert_int_equal(dl_msgid_dbkey("orange", "t:1", buf, sizeof(buf)), 10);
    assert_memory_equal(buf, "orange\0t:1", 10);
    assert_int_equal(dl_msgid_dbkey("", "t:1", buf, sizeof(buf)), -EINVAL);
    assert_int_equal(dl_msgid_dbkey("orange", "t:1", buf, 5), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_standard_text),
        cmocka_unit_test(test_tlvs_win),
        cmocka_unit_test(test_no_id),
        cmocka_unit_test(test_not_nul_terminated),
        cmocka_unit_test(test_long_id_truncated),
        cmocka_unit_test(test_stat_words),
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_msgid_match),
        cmocka_unit_test(test_msgid_keys),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
