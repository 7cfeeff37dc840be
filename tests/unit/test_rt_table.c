/* Unit tests for rt_table (LISTE.CSV): golden files liste/<name>.csv and inline cases, each
 * row rendered "line|rc|number_rc|raw_number|e164|#FIELD=value...|text" and compared
 * exactly, with the list's return code and rt_table_info; rt_table_plain_number();
 * the limits (columns, record, rows); rt_table_find() and rt_table_strerror(). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_table.h"

#ifndef SMSGW_TEST_DATA
#define SMSGW_TEST_DATA "tests/unit/data"
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ROWS 16
#define X10 "xxxxxxxxxx"
#define X100 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10

static const char *rc_name(int rc)
{
    switch (rc) {
    case 0:
        return "OK";
    case CM_ADDR_EMEDIA:
        return "EMEDIA";
    case -EINVAL:
        return "EINVAL";
    case -E2BIG:
        return "E2BIG";
    case -EEXIST:
        return "EEXIST";
    case RT_TABLE_ENOHEADER:
        return "ENOHEADER";
    case RT_TABLE_ENONUMBER:
        return "ENONUMBER";
    case RT_TABLE_EFORMAT:
        return "EFORMAT";
    case RT_TABLE_ELIMIT:
        return "ELIMIT";
    default:
        return "?";
    }
}

typedef struct {
    size_t n;
    char *rows[MAX_ROWS];
} seen;

static void collect(unsigned line, const char *text, int rc, const cm_recipient *r, void *arg)
{
    seen *s = arg;
    char fields[CM_FIELDS_MAX * (CM_FIELD_NAME_MAX + CM_FIELD_VALUE_MAX + 2) + 1] = "";
    size_t used = 0;
    for (size_t i = 0; i < r->fields.count; i++)
        used += (size_t)snprintf(fields + used, sizeof fields - used, "#%s=%s",
                                 r->fields.items[i].name, r->fields.items[i].value);
    assert_true(s->n < MAX_ROWS);
    size_t cap = strlen(text) + strlen(fields) + 256;
    s->rows[s->n] = malloc(cap);
    assert_non_null(s->rows[s->n]);
    snprintf(s->rows[s->n++], cap, "%u|%s|%s|%s|%s|%s|%s", line, rc_name(rc), rc_name(r->number_rc),
             r->raw_number, r->e164, fields, text);
}

static void seen_free(seen *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->rows[i]);
    s->n = 0;
}

static cm_bytes read_data(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/liste/%s", SMSGW_TEST_DATA, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    cm_bytes b = {malloc(1 << 20), 0};
    assert_non_null(b.data);
    b.len = fread(b.data, 1, 1 << 20, f);
    fclose(f);
    return b;
}

/* ---- golden files and inline lists ---- */

typedef struct {
    const char *name;
    const char *file;    /* under liste/, or NULL: data below */
    const char *data;    /* inline CSV */
    size_t len;          /* of data when it holds NUL bytes, else 0 */
    int rc;              /* of rt_table_each */
    char sep;            /* info.separator */
    const char *number;  /* info.number_column */
    unsigned fields_n;   /* info.fields_n */
    const char *ignored; /* info.ignored */
    const char *detail;  /* info.detail */
    const char *rows[MAX_ROWS];
} csv_case;

static const csv_case CASES[] = {
    {"semicolon, Windows-1252, CRLF",
     "semicolon_cp1252.csv",
     NULL,
     0,
     0,
     ';',
     "Numéro",
     4,
     "Ville natale",
     "",
     {"2|OK|OK|06 01 02 03 04|+33601020304|#NOM=Dupont#PRENOM=Jean#FACTURATION=FAC-01#REFCLIENT="
      "R1|06 01 02 03 04#NOM=Dupont#PRENOM=Jean#FACTURATION=FAC-01#REFCLIENT=R1",
      "5|OK|OK|601020304|+33601020304|#NOM=Hélène#FACTURATION=FAC-01#REFCLIENT=R2|601020304#NOM="
      "Hélène#FACTURATION=FAC-01#REFCLIENT=R2",
      "6|OK|OK|33701020304|+33701020304|#NOM=Müller#PRENOM=Zoë|33701020304#NOM=Müller#PRENOM=Zoë",
      "7|OK|OK|+33 6 11 22 33 44|+33611223344|#NOM=Lefèvre#PRENOM=François|SMS=+33 6 11 22 33 "
      "44#NOM=Lefèvre#PRENOM=François",
      "8|EMEDIA|EINVAL|||#NOM=X|FAX=0102030405#NOM=X",
      "9|EINVAL|EINVAL|0601||#NOM=Court|0601#NOM=Court",
      "10|EINVAL|EINVAL|6,01E+08||#NOM=Arrondi|6,01E+08#NOM=Arrondi",
      "11|OK|OK|6,01020304E+08|+33601020304|#NOM=Exact|6,01020304E+08#NOM=Exact",
      "12|EINVAL|EINVAL|||#NOM=SansNuméro|#NOM=SansNuméro",
      "13|OK|OK|0692123456|+262692123456|#NOM=Œuvre €|0692123456#NOM=Œuvre €"}},
    {"comma, quotes, BOM, LF",
     "comma_quoted.csv",
     NULL,
     0,
     0,
     ',',
     "SMS",
     4,
     "NOM, E-mail",
     "",
     {"2|OK|OK|0601020304|+33601020304|#NOM=Dupont, Jean#PRENOM=Jean-Pierre#ADRESSE=12 rue \"des "
      "Lilas\" 75001 Paris#REF_INTERNE=X1|0601020304#NOM=Dupont, Jean#PRENOM=Jean-Pierre#ADRESSE="
      "12 rue \"des Lilas\" 75001 Paris#REF_INTERNE=X1",
      "4|OK|OK|0701020304|+33701020304|#NOM=O'Brien|0701020304#NOM=O'Brien",
      "5|EINVAL|OK|0601020305|+33601020305||0601020305#NOM=Hash #1",
      "6|E2BIG|OK|0601020306|+33601020306||0601020306#NOM=" X100 X100 X100,
      "7|OK|OK|+447911123456|+447911123456|#NOM=Smith#PRENOM=John#REF_INTERNE=R\"2|+447911123456#"
      "NOM=Smith#PRENOM=John#REF_INTERNE=R\"2"}},
    {"no number column",
     "no_number.csv",
     NULL,
     0,
     RT_TABLE_ENONUMBER,
     ';',
     "",
     2,
     "",
     "line 1: no number column (SMS, NUMERO, NUMBER, TEL, MOBILE or TELEPHONE)",
     {NULL}},
    {"empty", NULL, "", 0, RT_TABLE_ENOHEADER, ';', "", 0, "", "the list is empty", {NULL}},
    {"blank lines only",
     NULL,
     "\r\n \t\r\n;;\r\n",
     0,
     RT_TABLE_ENOHEADER,
     ';',
     "",
     0,
     "",
     "the list is empty",
     {NULL}},
    {"no header row",
     NULL,
     "\n0601020304;Dupont\n",
     0,
     RT_TABLE_ENONUMBER,
     ';',
     "",
     2,
     "",
     "line 2: no header row naming the columns (SMS;NOM;PRENOM;...)",
     {NULL}},
    {"sep= hint",
     NULL,
     "sep=,\r\nSMS,NOM\r\n0601020304,A;B\r\n",
     0,
     0,
     ',',
     "SMS",
     1,
     "",
     "",
     {"3|OK|OK|0601020304|+33601020304|#NOM=A;B|0601020304#NOM=A;B"}},
    {"tab separated",
     NULL,
     "Tel\tNom\n0601020304\tX, Y\n",
     0,
     0,
     '\t',
     "Tel",
     1,
     "",
     "",
     {"2|OK|OK|0601020304|+33601020304|#NOM=X, Y|0601020304#NOM=X, Y"}},
    {"UTF-16LE with BOM",
     NULL,
     "\xFF\xFES\0M\0S\0;\0N\0O\0M\0\r\0\n\0000\0006\0000\0001\0000\0002\0000\0003\0000\0004\0;"
     "\0Z\0o"
     "\0\xE9\0\r\0\n\0",
     sizeof "\xFF\xFES\0M\0S\0;"
            "\0N\0O\0M\0\r\0\n\0000\0006\0000\0001\0000\0002\0000\0003\0000\0004\0;\0Z\0o"
            "\0\xE9\0\r\0\n\0" -
         1,
     0,
     ';',
     "SMS",
     1,
     "",
     "",
     {"2|OK|OK|0601020304|+33601020304|#NOM=Zoé|0601020304#NOM=Zoé"}},
    {"UTF-16BE with BOM",
     NULL,
     "\xFE\xFF\0S\0M\0S\0;\0N\0O\0M\0\n\0000\0006\0000\0001\0000\0002\0000\0003\0000\0004\0;\0Z\0o"
     "\0\xE9",
     sizeof "\xFE\xFF\0S\0M\0S\0;\0N\0O\0M\0\n\0000\0006\0000\0001\0000\0002\0000\0003\0000\0004\0;"
            "\0Z\0o"
            "\0\xE9" -
         1,
     0,
     ';',
     "SMS",
     1,
     "",
     "",
     {"2|OK|OK|0601020304|+33601020304|#NOM=Zoé|0601020304#NOM=Zoé"}},
    {"NUL bytes (binary)",
     NULL,
     "SMS\n06\0\n",
     sizeof "SMS\n06\0\n" - 1,
     RT_TABLE_EFORMAT,
     0,
     "",
     0,
     "",
     "not a text file (NUL bytes)",
     {NULL}},
    {"quote not closed",
     NULL,
     "SMS;NOM\n0601020303;A\n\n0601020304;\"Dupont\n0601020305;x\n",
     0,
     RT_TABLE_EFORMAT,
     ';',
     "SMS",
     1,
     "",
     "line 4: quoted field not closed",
     {"2|OK|OK|0601020303|+33601020303|#NOM=A|0601020303#NOM=A"}},
    {"lone CR line ends, extra cells ignored",
     NULL,
     "SMS;NOM\r0601020304;A;extra;more\r\r0601020305;B",
     0,
     0,
     ';',
     "SMS",
     1,
     "",
     "",
     {"2|OK|OK|0601020304|+33601020304|#NOM=A|0601020304#NOM=A",
      "4|OK|OK|0601020305|+33601020305|#NOM=B|0601020305#NOM=B"}},
    {"number column first match, SMS later ignored",
     NULL,
     "numero;SMS;TEL;Prénom;N°;;prenom\n0601020304;0701020304;0801;Zoé;x;y;Z\n",
     0,
     0,
     ';',
     "numero",
     2,
     "SMS, N°, prenom",
     "",
     {"2|OK|OK|0601020304|+33601020304|#TEL=0801#PRENOM=Zoé|0601020304#TEL=0801#PRENOM=Zoé"}},
    {"number cells",
     NULL,
     "SMS\n0033601020304\n06-01-02-03-04\n06.01.02.03.04\n06\xC2\xA0"
     "01\xC2\xA0"
     "02\xC2\xA0"
     "03\xC2\xA0"
     "04\n447911123456\nsms= 0601020304\n0601020304#NOM=x\n"
     "01234567890123456789012345678901234567890123456789012345678901234567890\n"
     " 7.01020304e+08 \nCOURRIER=12 rue X\nEmail=a@b.c\n+33 (0)6 01 02 03 04\n0601\n",
     0,
     0,
     ';',
     "SMS",
     0,
     "",
     "",
     {"2|OK|OK|0033601020304|+33601020304||0033601020304",
      "3|OK|OK|06-01-02-03-04|+33601020304||06-01-02-03-04",
      "4|OK|OK|06.01.02.03.04|+33601020304||06.01.02.03.04",
      "5|OK|OK|06 01 02 03 04|+33601020304||06 01 02 03 04",
      "6|OK|OK|447911123456|+447911123456||447911123456",
      "7|OK|OK|0601020304|+33601020304||sms= 0601020304",
      "8|EINVAL|EINVAL|0601020304#NOM=x|||0601020304#NOM=x",
      "9|E2BIG|EINVAL||||"
      "01234567890123456789012345678901234567890123456789012345678901234567890",
      "10|OK|OK|7.01020304e+08|+33701020304||7.01020304e+08",
      "11|EMEDIA|EINVAL||||COURRIER=12 rue X", "12|EMEDIA|EINVAL||||Email=a@b.c",
      "13|EINVAL|EINVAL|+33 (0)6 01 02 03 04|||+33 (0)6 01 02 03 04",
      "14|EINVAL|EINVAL|0601|||0601"}},
    {"field errors before number errors",
     NULL,
     "SMS;NOM;PRENOM\n0601;a\x01"
     "b;\n0601020304;;\" \t\"\n;Seul;\n",
     0,
     0,
     ';',
     "SMS",
     2,
     "",
     "",
     {"2|EINVAL|EINVAL|0601|||0601#NOM=a b", "3|OK|OK|0601020304|+33601020304||0601020304",
      "4|EINVAL|EINVAL|||#NOM=Seul|#NOM=Seul"}},
    {"dates",
     NULL,
     "SMS;DATE\n0601020304;15/01/2025 10:30\n0601020304;2025-01-15T10:30:59\n0601020304;1/2/2025\n"
     "0601020304;31/02/2025\n0601020304;202501151030\n0601020304;29/02/2024 23:59\n"
     "0601020304;29/02/2100\n0601020304;2025-1-5 7:05\n",
     0,
     0,
     ';',
     "SMS",
     1,
     "",
     "",
     {"2|OK|OK|0601020304|+33601020304|#DATE=202501151030|0601020304#DATE=202501151030",
      "3|OK|OK|0601020304|+33601020304|#DATE=202501151030|0601020304#DATE=202501151030",
      "4|OK|OK|0601020304|+33601020304|#DATE=202502010000|0601020304#DATE=202502010000",
      "5|OK|OK|0601020304|+33601020304|#DATE=31/02/2025|0601020304#DATE=31/02/2025",
      "6|OK|OK|0601020304|+33601020304|#DATE=202501151030|0601020304#DATE=202501151030",
      "7|OK|OK|0601020304|+33601020304|#DATE=202402292359|0601020304#DATE=202402292359",
      "8|OK|OK|0601020304|+33601020304|#DATE=29/02/2100|0601020304#DATE=29/02/2100",
      "9|OK|OK|0601020304|+33601020304|#DATE=202501050705|0601020304#DATE=202501050705"}},
};

static void run_case(const csv_case *c)
{
    cm_bytes b;
    if (c->file)
        b = read_data(c->file);
    else
        b = (cm_bytes){(uint8_t *)c->data, c->len ? c->len : strlen(c->data)};
    seen s = {0};
    rt_table_info info;
    int rc = rt_table_each(&b, collect, &s, &info);
    print_message("case: %s\n", c->name);
    assert_string_equal(rc_name(rc), rc_name(c->rc));
    assert_int_equal(info.separator, c->sep);
    assert_string_equal(info.number_column, c->number);
    assert_int_equal(info.fields_n, c->fields_n);
    assert_string_equal(info.ignored, c->ignored);
    assert_string_equal(info.detail, c->detail);
    size_t expected = 0;
    while (expected < MAX_ROWS && c->rows[expected])
        expected++;
    for (size_t i = 0; i < s.n && i < expected; i++)
        assert_string_equal(s.rows[i], c->rows[i]);
    assert_int_equal(s.n, expected);
    assert_int_equal(info.rows, expected);
    seen_free(&s);
    if (c->file) free(b.data);
}

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(CASES); i++)
        run_case(&CASES[i]);
}

/* ---- limits ---- */

typedef struct {
    const char *name;
    unsigned header_cols, trailing_empty; /* header "SMS;C1;C2;..." then ";;;" */
    int rc;
    unsigned fields_n, ignored_n;
    const char *detail;
} cols_case;

static const cols_case COLS[] = {
    {"64 columns", 64, 0, 0, 32, 31, ""},
    {"64 columns and trailing empty ones", 64, 100, 0, 32, 31, ""},
    {"65 columns", 65, 0, RT_TABLE_ELIMIT, 0, 0, "line 1: the header has 65 columns (at most 64)"},
    {"65 columns, the last far away", 2, 200, RT_TABLE_ELIMIT, 0, 0,
     "line 1: the header has 202 columns (at most 64)"},
    {"33 fields", 34, 0, 0, 32, 1, ""},
};

static void test_columns(void **state)
{
    (void)state;
    for (size_t k = 0; k < N_ELEMS(COLS); k++) {
        const cols_case *c = &COLS[k];
        char csv[4096] = "SMS";
        for (unsigned i = 1; i < c->header_cols; i++)
            snprintf(csv + strlen(csv), sizeof csv - strlen(csv), ";C%u", i);
        for (unsigned i = 0; i < c->trailing_empty; i++)
            strcat(csv, ";");
        if (c->header_cols == 2 && c->trailing_empty) strcat(csv, "LAST");
        strcat(csv, "\n0601020304;v1\n");
        cm_bytes b = {(uint8_t *)csv, strlen(csv)};
        seen s = {0};
        rt_table_info info;
        print_message("case: %s\n", c->name);
        assert_int_equal(rt_table_each(&b, collect, &s, &info), c->rc);
        assert_int_equal(info.fields_n, c->fields_n);
        assert_int_equal(info.ignored_n, c->ignored_n);
        assert_string_equal(info.detail, c->detail);
        assert_int_equal(s.n, c->rc ? 0 : 1);
        if (c->rc == 0 && c->ignored_n == 1) assert_string_equal(info.ignored, "C33");
        if (c->rc == 0)
            assert_string_equal(s.rows[0],
                                "2|OK|OK|0601020304|+33601020304|#C1=v1|0601020304#C1=v1");
        seen_free(&s);
    }
}

static void test_ignored_list_cut(void **state)
{
    (void)state;
    char csv[8192] = "SMS";
    for (unsigned i = 1; i < 64; i++)
        snprintf(csv + strlen(csv), sizeof csv - strlen(csv), ";Colonne numéro %u", i);
    strcat(csv, "\n");
    cm_bytes b = {(uint8_t *)csv, strlen(csv)};
    seen s = {0};
    rt_table_info info;
    assert_int_equal(rt_table_each(&b, collect, &s, &info), 0);
    assert_int_equal(info.ignored_n, 63);
    size_t len = strlen(info.ignored);
    assert_true(len < sizeof info.ignored);
    assert_string_equal(info.ignored + len - 3, "...");
    assert_memory_equal(info.ignored, "Colonne numéro 1, Colonne numéro 2, ", 38);
}

static void test_record_too_long(void **state)
{
    (void)state;
    size_t n = RT_TABLE_RECORD_MAX + 100;
    char *csv = malloc(n + 64);
    assert_non_null(csv);
    strcpy(csv, "SMS;NOM\n0601020304;\"");
    size_t len = strlen(csv);
    memset(csv + len, 'x', n);
    strcpy(csv + len + n, "\"\n");
    cm_bytes b = {(uint8_t *)csv, strlen(csv)};
    seen s = {0};
    rt_table_info info;
    assert_int_equal(rt_table_each(&b, collect, &s, &info), RT_TABLE_ELIMIT);
    assert_string_equal(info.detail, "line 2: record longer than 65536 bytes");
    assert_int_equal(s.n, 0);
    free(csv);
}

static void count_rows(unsigned line, const char *text, int rc, const cm_recipient *r, void *arg)
{
    (void)line, (void)text, (void)r;
    if (rc == 0) ++*(size_t *)arg;
}

static void test_rows_limit(void **state)
{
    (void)state;
    const char row[] = "0601020304\n";
    size_t rows = RT_TABLE_ROWS_MAX + 1, len = 4 + rows * (sizeof row - 1);
    char *csv = malloc(len + 1);
    assert_non_null(csv);
    memcpy(csv, "SMS\n", 4);
    for (size_t i = 0; i < rows; i++)
        memcpy(csv + 4 + i * (sizeof row - 1), row, sizeof row - 1);
    cm_bytes b = {(uint8_t *)csv, len};
    size_t n = 0;
    rt_table_info info;
    assert_int_equal(rt_table_each(&b, count_rows, &n, &info), RT_TABLE_ELIMIT);
    assert_int_equal(n, RT_TABLE_ROWS_MAX);
    assert_int_equal(info.rows, RT_TABLE_ROWS_MAX);
    assert_string_equal(info.detail, "line 1000002: more than 1000000 recipients");
    b.len -= sizeof row - 1; /* exactly the maximum */
    n = 0;
    assert_int_equal(rt_table_each(&b, count_rows, &n, NULL), 0);
    assert_int_equal(n, RT_TABLE_ROWS_MAX);
    free(csv);
}

static void test_text_cut(void **state)
{
    (void)state;
    char csv[8192] = "SMS", value[251];
    memset(value, 'a', 250);
    value[250] = 0;
    value[248] = (char)0xC3, value[249] = (char)0xA9; /* ends with é */
    for (unsigned i = 1; i <= 10; i++)
        snprintf(csv + strlen(csv), sizeof csv - strlen(csv), ";F%u", i);
    strcat(csv, "\n0601020304");
    for (unsigned i = 1; i <= 10; i++)
        snprintf(csv + strlen(csv), sizeof csv - strlen(csv), ";%s", value);
    cm_bytes b = {(uint8_t *)csv, strlen(csv)};
    seen s = {0};
    assert_int_equal(rt_table_each(&b, collect, &s, NULL), 0);
    assert_int_equal(s.n, 1);
    const char *text = strrchr(s.rows[0], '|') + 1;
    assert_true(strlen(text) <= RT_TABLE_TEXT_MAX);
    assert_true(strlen(text) >= RT_TABLE_TEXT_MAX - 4);
    assert_string_equal(text + strlen(text) - 3, "...");
    assert_memory_equal(text, "0601020304#F1=aaa", 17);
    seen_free(&s);
}

/* ---- rt_table_plain_number ---- */

typedef struct {
    const char *in, *out;
    int rc;
} plain_case;

static const plain_case PLAIN[] = {
    {"6.01020304E8", "601020304", 0},
    {"6.01020304E+08", "601020304", 0},
    {"6,01020304e8", "601020304", 0},
    {"6.01E+08", "601000000", 6},
    {"33601020304", "33601020304", 0},
    {"33600000000", "33600000000", 0},
    {"3.36E10", "33600000000", 8},
    {"-1.5e-3", "-0.0015", 0},
    {"12,50", "12.5", 0},
    {"1.50E1", "15", 0},
    {"0.000", "0", 0},
    {"-0", "0", 0},
    {"+7", "7", 0},
    {"007", "7", 0},
    {".5", "0.5", 0},
    {"5.", "5", 0},
    {"45678.4375", "45678.4375", 0},
    {"1e40", "10000000000000000000000000000000000000000", 40},
    {"1234567890123456789012345678901234567890", "1234567890123456789012345678901234567890", 0},
    {"1e41", NULL, -EINVAL},
    {"12345678901234567890123456789012345678901", NULL, -EINVAL},
    {"", NULL, -EINVAL},
    {"abc", NULL, -EINVAL},
    {"1.2.3", NULL, -EINVAL},
    {"1E", NULL, -EINVAL},
    {"E5", NULL, -EINVAL},
    {"1 000", NULL, -EINVAL},
    {"0x10", NULL, -EINVAL},
};

static void test_plain_number(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(PLAIN); i++) {
        char out[64];
        print_message("plain: %s\n", PLAIN[i].in);
        assert_int_equal(rt_table_plain_number(PLAIN[i].in, out, sizeof out), PLAIN[i].rc);
        if (PLAIN[i].out) assert_string_equal(out, PLAIN[i].out);
    }
    char small[4];
    assert_int_equal(rt_table_plain_number("6.01E8", small, sizeof small), -ENOSPC);
    assert_int_equal(rt_table_plain_number("123", small, sizeof small), 0);
    assert_int_equal(rt_table_plain_number(NULL, small, sizeof small), -EINVAL);
}

/* ---- misc ---- */

static void test_find_and_strerror(void **state)
{
    (void)state;
    struct cm_wire_attachment att[3] = {{0}};
    att[0].name = "LISTE.TXT.bak";
    att[1].name = "liste.Csv";
    att[2].name = "Liste.xlsx";
    cm_msg_submit m;
    memset(&m, 0, sizeof m);
    m.attachments = att;
    m.attachments_n = 3;
    assert_ptr_equal(rt_table_find(&m), &att[1]);
    m.attachments_n = 1;
    assert_null(rt_table_find(&m));
    const int codes[] = {RT_TABLE_ENOHEADER, RT_TABLE_ENONUMBER, RT_TABLE_EFORMAT, RT_TABLE_ELIMIT,
                         -ENOMEM};
    for (size_t i = 0; i < N_ELEMS(codes); i++)
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(rt_table_strerror(codes[i]), rt_table_strerror(codes[j]));
    assert_non_null(strstr(rt_table_strerror(RT_TABLE_ENONUMBER), "SMS"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_ignored_list_cut),
        cmocka_unit_test(test_record_too_long),
        cmocka_unit_test(test_rows_limit),
        cmocka_unit_test(test_text_cut),
        cmocka_unit_test(test_plain_number),
        cmocka_unit_test(test_find_and_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
