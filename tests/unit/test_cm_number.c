/* Unit tests for cm_number: normalisation, SMPP digits, time zones; golden file
 * number/normalise.tsv (input <TAB> expected E.164 or error name). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cm_number.h"

#ifndef SMSGW_TEST_DATA
#define SMSGW_TEST_DATA "tests/unit/data"
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

typedef struct number_case {
    const char *in;
    int rc;
    const char *e164; /* expected output ("" on error) */
} number_case;

static const number_case NORMALISE[] = {
    /* French mobiles, all spellings */
    {"0601020304", 0, "+33601020304"},
    {"06.01.02.03.04", 0, "+33601020304"},
    {"06 01 02 03 04", 0, "+33601020304"},
    {"06-01-02-03-04", 0, "+33601020304"},
    {"06 .01-- 02  03.04", 0, "+33601020304"},
    {"0701020304", 0, "+33701020304"},
    {"+33601020304", 0, "+33601020304"},
    {"+33 6 01 02 03 04", 0, "+33601020304"},
    {"0033601020304", 0, "+33601020304"},
    {"00 33 6 01 02 03 04", 0, "+33601020304"},
    /* French landlines */
    {"0102030405", 0, "+33102030405"},
    {"0299887766", 0, "+33299887766"},
    {"0312345678", 0, "+33312345678"},
    {"0412345678", 0, "+33412345678"},
    {"0512345678", 0, "+33512345678"},
    {"0912345678", 0, "+33912345678"},
    /* overseas, dialled nationally */
    {"0692123456", 0, "+262692123456"},
    {"0693123456", 0, "+262693123456"},
    {"0639123456", 0, "+262639123456"},
    {"0269601234", 0, "+262269601234"},
    {"0262123456", 0, "+262262123456"},
    {"0263123456", 0, "+262263123456"},
    {"0690123456", 0, "+590690123456"},
    {"0691123456", 0, "+590691123456"},
    {"0590123456", 0, "+590590123456"},
    {"0694123456", 0, "+594694123456"},
    {"0594123456", 0, "+594594123456"},
    {"0696123456", 0, "+596696123456"},
    {"0697123456", 0, "+596697123456"},
    {"0596123456", 0, "+596596123456"},
    {"06.92.12.34.56", 0, "+262692123456"},
    /* overseas ranges written with +33 / 0033 go to their own code */
    {"+33692123456", 0, "+262692123456"},
    {"0033694123456", 0, "+594694123456"},
    /* overseas, already international */
    {"+262692123456", 0, "+262692123456"},
    {"00262692123456", 0, "+262692123456"},
    {"+590690123456", 0, "+590690123456"},
    /* neighbours of the overseas ranges stay metropolitan */
    {"0638123456", 0, "+33638123456"},
    {"0695123456", 0, "+33695123456"},
    {"0698123456", 0, "+33698123456"},
    {"0591123456", 0, "+33591123456"},
    /* international */
    {"+447911123456", 0, "+447911123456"},
    {"00447911123456", 0, "+447911123456"},
    {"+44 7911 123456", 0, "+447911123456"},
    {"+4915123456789", 0, "+4915123456789"},
    {"+12025550123", 0, "+12025550123"},
    {"+3212345", -EINVAL, ""},                   /* 7 digits */
    {"+32123456", 0, "+32123456"},               /* 8 digits: shortest accepted */
    {"+123456789012345", 0, "+123456789012345"}, /* 15 digits: longest */
    {"+1234567890123456", -EINVAL, ""},          /* 16 digits */
    /* invalid French numbers */
    {"060102030", -EINVAL, ""},
    {"06010203045", -EINVAL, ""},
    {"06a1020304", -EINVAL, ""},
    {"0801020304", -EINVAL, ""},
    {"0001020304", -EINVAL, ""},
    {"601020304", -EINVAL, ""},
    {"33601020304", -EINVAL, ""},
    {"+330601020304", -EINVAL, ""},
    {"+3360102030", -EINVAL, ""},
    {"+336010203045", -EINVAL, ""},
    {"+33801020304", -EINVAL, ""},
    {"0033060102030", -EINVAL, ""},
    /* invalid international */
    {"+0447911123456", -EINVAL, ""},
    {"000447911123456", -EINVAL, ""},
    {"00", -EINVAL, ""},
    /* syntax */
    {"", -EINVAL, ""},
    {"+", -EINVAL, ""},
    {"++33601020304", -EINVAL, ""},
    {"+ 33601020304", -EINVAL, ""},
    {" 0601020304", -EINVAL, ""},
    {"0601020304 ", -EINVAL, ""},
    {".0601020304", -EINVAL, ""},
    {"0601020304-", -EINVAL, ""},
    {"06\t01020304", -EINVAL, ""},
    {"06/01/02/03/04", -EINVAL, ""},
    {"(0)601020304", -EINVAL, ""},
    {"06010203+04", -EINVAL, ""},
    {"06 01 02 03 04\n", -EINVAL, ""},
    {"0６01020304", -EINVAL, ""}, /* full-width digit */
    {"0000000000000000000000000000601020304", -EINVAL, ""},
};

static void test_normalise_table(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < N_ELEMS(NORMALISE); i++) {
        const number_case *c = &NORMALISE[i];
        char out[CM_E164_BUFSZ];

        int rc;

        memset(out, 'x', sizeof(out));
        rc = cm_number_normalise(c->in, out, sizeof(out));
        if (rc != c->rc || strcmp(out, c->e164) != 0)
            fail_msg("row %zu \"%s\": got %d \"%s\", want %d \"%s\"", i, c->in, rc, out, c->rc,
                     c->e164);
    }
}

static void test_normalise_buffers(void **state)
{
    char out[CM_E164_BUFSZ];
    char small[12];
    (void)state;

    /* exactly fits: "+33601020304" is 12 chars + NUL */
    assert_int_equal(cm_number_normalise("0601020304", out, 13), 0);
    assert_string_equal(out, "+33601020304");
    assert_int_equal(cm_number_normalise("0601020304", small, sizeof(small)), -ENOSPC);
    assert_string_equal(small, "");
    assert_int_equal(cm_number_normalise("+123456789012345", out, sizeof(out)), 0);
    assert_string_equal(out, "+123456789012345");
    assert_int_equal(cm_number_normalise("0601020304", out, 0), -ENOSPC);
    assert_int_equal(cm_number_normalise(NULL, out, sizeof(out)), -EINVAL);
    assert_string_equal(out, "");
    assert_int_equal(cm_number_normalise("0601020304", NULL, 17), -EINVAL);
}

typedef struct smpp_case {
    const char *in;
    int rc;
    const char *digits;
} smpp_case;

static const smpp_case SMPP[] = {
    {"+33601020304", 0, "33601020304"},
    {"+262692123456", 0, "262692123456"},
    {"+447911123456", 0, "447911123456"},
    {"+32123456", 0, "32123456"},
    {"+123456789012345", 0, "123456789012345"},
    {"33601020304", -EINVAL, ""},
    {"0601020304", -EINVAL, ""},
    {"+", -EINVAL, ""},
    {"", -EINVAL, ""},
    {"+1234567", -EINVAL, ""},
    {"+1234567890123456", -EINVAL, ""},
    {"+03601020304", -EINVAL, ""},
    {"+336010203a4", -EINVAL, ""},
    {"+33 601020304", -EINVAL, ""},
    {"++33601020304", -EINVAL, ""},
};

static void test_smpp_digits_table(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < N_ELEMS(SMPP); i++) {
        char out[CM_E164_BUFSZ];
        int rc;

        memset(out, 'x', sizeof(out));
        rc = cm_number_smpp_digits(SMPP[i].in, out, sizeof(out));
        if (rc != SMPP[i].rc || strcmp(out, SMPP[i].digits) != 0)
            fail_msg("row %zu \"%s\": got %d \"%s\", want %d \"%s\"", i, SMPP[i].in, rc, out,
                     SMPP[i].rc, SMPP[i].digits);
    }
}

static void test_smpp_digits_buffers(void **state)
{
    char out[12];
    (void)state;

    assert_int_equal(cm_number_smpp_digits("+33601020304", out, 12), 0);
    assert_string_equal(out, "33601020304");
    assert_int_equal(cm_number_smpp_digits("+33601020304", out, 11), -ENOSPC);
    assert_string_equal(out, "");
    assert_int_equal(cm_number_smpp_digits(NULL, out, sizeof(out)), -EINVAL);
    assert_int_equal(cm_number_smpp_digits("+33601020304", NULL, 12), -EINVAL);
}

typedef struct tz_case {
    const char *e164;
    const char *tz; /* NULL: unknown */
} tz_case;

static const tz_case TZ[] = {
    {"+33601020304", "Europe/Paris"},
    {"+33102030405", "Europe/Paris"},
    {"+262692123456", "Indian/Reunion"},
    {"+262693123456", "Indian/Reunion"},
    {"+262262123456", "Indian/Reunion"},
    {"+262639123456", "Indian/Mayotte"},
    {"+262269601234", "Indian/Mayotte"},
    {"+590690123456", "America/Guadeloupe"},
    {"+594694123456", "America/Cayenne"},
    {"+596696123456", "America/Martinique"},
    {"+447911123456", NULL},
    {"+3212345678", NULL},
    {"+3", NULL},
    {"33601020304", NULL},
    {"", NULL},
    {NULL, NULL},
};

static void test_timezone_table(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < N_ELEMS(TZ); i++) {
        const char *got = cm_number_timezone(TZ[i].e164);

        if ((got == NULL) != (TZ[i].tz == NULL) || (got != NULL && strcmp(got, TZ[i].tz) != 0))
            fail_msg("row %zu \"%s\": got %s, want %s", i, TZ[i].e164 ? TZ[i].e164 : "(null)",
                     got ? got : "NULL", TZ[i].tz ? TZ[i].tz : "NULL");
    }
}

/* Every normalised number of the table gives its time zone through the same path the
 * router uses: normalise, then look up. */
static void test_timezone_after_normalise(void **state)
{
    char out[CM_E164_BUFSZ];
    (void)state;

    assert_int_equal(cm_number_normalise("0639123456", out, sizeof(out)), 0);
    assert_string_equal(cm_number_timezone(out), "Indian/Mayotte");
    assert_int_equal(cm_number_normalise("06 92 12 34 56", out, sizeof(out)), 0);
    assert_string_equal(cm_number_timezone(out), "Indian/Reunion");
    assert_int_equal(cm_number_normalise("0594123456", out, sizeof(out)), 0);
    assert_string_equal(cm_number_timezone(out), "America/Cayenne");
    assert_int_equal(cm_number_normalise("0033601020304", out, sizeof(out)), 0);
    assert_string_equal(cm_number_timezone(out), "Europe/Paris");
}

static int error_code(const char *name)
{
    if (strcmp(name, "EINVAL") == 0) return -EINVAL;
    if (strcmp(name, "ENOSPC") == 0) return -ENOSPC;
    fail_msg("unknown error name %s", name);
    return 0;
}

/* Golden file: "<input>\t<+E.164 | EINVAL>" per line; '#' lines and blank lines are
 * comments. The input may contain spaces (but no tab). */
static void test_normalise_golden(void **state)
{
    FILE *f = fopen(SMSGW_TEST_DATA "/number/normalise.tsv", "r");
    char line[256];
    int lineno = 0, cases = 0;
    (void)state;

    assert_non_null(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        char out[CM_E164_BUFSZ], *tab, *want;
        size_t len = strlen(line);
        int rc;

        lineno++;
        if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
        if (len == 0 || line[0] == '#') continue;
        tab = strchr(line, '\t');
        if (tab == NULL) fail_msg("normalise.tsv:%d: no tab", lineno);
        *tab = '\0';
        want = tab + 1;
        rc = cm_number_normalise(line, out, sizeof(out));
        if (want[0] == '+' ? (rc != 0 || strcmp(out, want) != 0)
                           : (rc != error_code(want) || out[0] != '\0'))
            fail_msg("normalise.tsv:%d \"%s\": got %d \"%s\", want %s", lineno, line, rc, out,
                     want);
        cases++;
    }
    fclose(f);
    assert_true(cases >= 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise_table),   cmocka_unit_test(test_normalise_buffers),
        cmocka_unit_test(test_smpp_digits_table), cmocka_unit_test(test_smpp_digits_buffers),
        cmocka_unit_test(test_timezone_table),    cmocka_unit_test(test_timezone_after_normalise),
        cmocka_unit_test(test_normalise_golden),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
