/* Unit tests for rt_xlsx (LISTE.XLSX): the workbooks written by
 * data/liste/make_xlsx.py, valid and hostile (zip bombs, entities, malformed XML),
 * and inline non-zip bytes; each row rendered
 * "line|rc|number_rc|raw_number|e164|#FIELD=value...|text" and compared exactly, with
 * the list's return code and rt_table_info. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_xlsx.h"

#ifndef SMSGW_TEST_DATA
#define SMSGW_TEST_DATA "tests/unit/data"
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ROWS 12

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
    char rows[MAX_ROWS][4096];
} seen;

static void collect(unsigned line, const char *text, int rc, const cm_recipient *r, void *arg)
{
    seen *s = arg;
    char fields[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < r->fields.count && used < sizeof fields; i++)
        used += (size_t)snprintf(fields + used, sizeof fields - used, "#%s=%s",
                                 r->fields.items[i].name, r->fields.items[i].value);
    assert_true(s->n < MAX_ROWS);
    snprintf(s->rows[s->n++], sizeof s->rows[0], "%u|%s|%s|%s|%s|%s|%s", line, rc_name(rc),
             rc_name(r->number_rc), r->raw_number, r->e164, fields, text);
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

typedef struct {
    const char *file;
    int rc;
    unsigned header_line;
    const char *number;  /* info.number_column */
    unsigned fields_n;   /* info.fields_n */
    const char *ignored; /* info.ignored */
    const char *detail;  /* info.detail */
    const char *rows[MAX_ROWS];
} xlsx_case;

static const xlsx_case CASES[] = {
    {"shared.xlsx",
     0,
     1,
     "SMS",
     4,
     "Ville natale",
     "",
     {"2|OK|OK|33601020304|+33601020304|#NOM=Dupont#PRENOM=Jean#DATE=202501211030#REFCLIENT=12345|"
      "33601020304#NOM=Dupont#PRENOM=Jean#DATE=202501211030#REFCLIENT=12345",
      "3|OK|OK|601020304|+33601020304|#NOM=Le Gall#PRENOM=Élodie|601020304#NOM=Le Gall#PRENOM="
      "Élodie",
      "6|OK|OK|601020304|+33601020304|#NOM=Martin#PRENOM=Ligne deux#REFCLIENT=TRUE|601020304#NOM="
      "Martin#PRENOM=Ligne deux#REFCLIENT=TRUE",
      "7|OK|OK|06 01 02 03 04|+33601020304|#REFCLIENT=0.0015|06 01 02 03 04#REFCLIENT=0.0015",
      "8|OK|OK|0701020304|+33701020304|#NOM=Durand#PRENOM=7|0701020304#NOM=Durand#PRENOM=7",
      "9|EINVAL|EINVAL|123||#NOM=Renée|123#NOM=Renée", "10|EINVAL|EINVAL|#N/A|||#N/A"}},
    {"inline.xlsx",
     0,
     3,
     "Téléphone",
     3,
     "E-mail",
     "",
     {"4|OK|OK|+33 6 01 02 03 04|+33601020304|#PRENOM=Zoé#DATE=202501211800#FACTURATION=FAC-1|+33 "
      "6 01 02 03 04#PRENOM=Zoé#DATE=202501211800#FACTURATION=FAC-1",
      "5|OK|OK|0692123456|+262692123456|#DATE=202501211800|SMS=0692123456#DATE=202501211800",
      "6|EMEDIA|EINVAL|||#PRENOM=Luc|FAX=0102030405#PRENOM=Luc"}},
    {"datadesc.xlsx", 0, 1, "Mobile", 0, "", "", {"2|OK|OK|33701020304|+33701020304||33701020304"}},
    {"no_number.xlsx",
     RT_TABLE_ENONUMBER,
     1,
     "",
     2,
     "",
     "line 1: no number column (SMS, NUMERO, NUMBER, TEL, MOBILE or TELEPHONE)",
     {NULL}},
    {"wide.xlsx",
     RT_TABLE_ELIMIT,
     0,
     "",
     0,
     "",
     "row 1: the header has more than 64 columns",
     {NULL}},
    {"badindex.xlsx",
     RT_TABLE_EFORMAT,
     1,
     "SMS",
     0,
     "",
     "xl/worksheets/sheet1.xml: row 2: shared string \"5\" missing",
     {NULL}},
    {"malformed.xlsx", /* libxml2 reads ahead: the error comes before row 1 ends */
     RT_TABLE_EFORMAT,
     0,
     "",
     0,
     "",
     "xl/worksheets/sheet1.xml: malformed XML (line 2: Opening and ending tag mismatch: v line 2 "
     "and c)",
     {NULL}},
    {"doctype.xlsx",
     RT_TABLE_EFORMAT,
     0,
     "",
     0,
     "",
     "xl/worksheets/sheet1.xml: DOCTYPE refused",
     {NULL}},
    {"doctype16.xlsx",
     RT_TABLE_EFORMAT,
     0,
     "",
     0,
     "",
     "xl/worksheets/sheet1.xml: malformed XML (line 1: Detected an entity reference loop)",
     {NULL}},
    {"external16.xlsx",
     RT_TABLE_EFORMAT,
     0,
     "",
     0,
     "",
     "xl/worksheets/sheet1.xml: DTD or entity refused",
     {NULL}},
    {"bomb.xlsx",
     RT_TABLE_ELIMIT,
     0,
     "",
     0,
     "",
     "xl/worksheets/sheet1.xml: 68157608 bytes uncompressed (at most 67108864)",
     {NULL}},
    {"ratio.xlsx",
     RT_TABLE_ELIMIT,
     0,
     "",
     0,
     "",
     "xl/worksheets/sheet1.xml: compressed 954 times (at most 200)",
     {NULL}},
    {"lying.xlsx",
     RT_TABLE_ELIMIT,
     0,
     "",
     0,
     "",
     "xl/worksheets/sheet1.xml: inflates beyond its declared 1000 bytes",
     {NULL}},
};

static void check(const char *name, const cm_bytes *b, const xlsx_case *c)
{
    seen s = {0};
    rt_table_info info;
    int rc = rt_xlsx_each(b, collect, &s, &info);
    print_message("case: %s\n", name);
    assert_string_equal(info.detail, c->detail);
    assert_string_equal(rc_name(rc), rc_name(c->rc));
    assert_int_equal(info.header_line, c->header_line);
    assert_int_equal(info.separator, 0);
    assert_string_equal(info.number_column, c->number);
    assert_int_equal(info.fields_n, c->fields_n);
    assert_string_equal(info.ignored, c->ignored);
    size_t expected = 0;
    while (expected < MAX_ROWS && c->rows[expected])
        expected++;
    for (size_t i = 0; i < s.n && i < expected; i++)
        assert_string_equal(s.rows[i], c->rows[i]);
    assert_int_equal(s.n, expected);
    assert_int_equal(info.rows, expected);
}

static void test_files(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(CASES); i++) {
        cm_bytes b = read_data(CASES[i].file);
        check(CASES[i].file, &b, &CASES[i]);
        free(b.data);
    }
}

/* Bytes that are no workbook at all, and a workbook cut short. */
static void test_not_xlsx(void **state)
{
    (void)state;
    static const struct {
        const char *name, *data;
        size_t len;
        const char *detail;
    } bad[] = {
        {"empty", "", 0, "not an .xlsx file (not a zip archive)"},
        {"text", "SMS;NOM\n0601020304;Dupont\n", 26, "not an .xlsx file (not a zip archive)"},
        {"OLE2 (.xls or encrypted)", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8,
         "an old (.xls) or password-protected Excel file: save it as .xlsx"},
        {"zip header only", "PK\x03\x04", 4, "not an .xlsx file (zip: Not a zip archive)"},
        {"empty zip", "PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 22,
         "xl/_rels/workbook.xml.rels missing"},
    };
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        xlsx_case c = {NULL, RT_TABLE_EFORMAT, 0, "", 0, "", bad[i].detail, {NULL}};
        cm_bytes b = {(uint8_t *)bad[i].data, bad[i].len};
        check(bad[i].name, &b, &c);
    }
    /* Every truncation of a valid workbook fails cleanly (or, cut in its slack, reads). */
    cm_bytes whole = read_data("shared.xlsx");
    for (size_t len = 0; len < whole.len; len += 7) {
        cm_bytes b = {whole.data, len};
        seen s = {0};
        int rc = rt_xlsx_each(&b, collect, &s, NULL);
        assert_true(rc == RT_TABLE_EFORMAT || rc == RT_TABLE_ELIMIT);
    }
    free(whole.data);
}

/* Flipping bytes anywhere in a workbook never crashes: each result is a list error or
 * rows. */
static void test_corrupt_bytes(void **state)
{
    (void)state;
    cm_bytes whole = read_data("shared.xlsx");
    uint8_t *copy = malloc(whole.len);
    assert_non_null(copy);
    for (size_t pos = 0; pos < whole.len; pos += 3) {
        memcpy(copy, whole.data, whole.len);
        copy[pos] ^= 0x5A;
        cm_bytes b = {copy, whole.len};
        seen s = {0};
        rt_table_info info;
        int rc = rt_xlsx_each(&b, collect, &s, &info);
        assert_true(rc == 0 || rc == RT_TABLE_EFORMAT || rc == RT_TABLE_ELIMIT ||
                    rc == RT_TABLE_ENONUMBER || rc == RT_TABLE_ENOHEADER);
        assert_true(rc == 0 || info.detail[0]);
    }
    free(copy);
    free(whole.data);
}

static void test_find(void **state)
{
    (void)state;
    struct cm_wire_attachment att[3] = {{0}};
    att[0].name = "liste.csv";
    att[1].name = "LISTE.XLSX.zip";
    att[2].name = "Liste.Xlsx";
    cm_msg_submit m;
    memset(&m, 0, sizeof m);
    m.attachments = att;
    m.attachments_n = 3;
    assert_ptr_equal(rt_xlsx_find(&m), &att[2]);
    m.attachments_n = 2;
    assert_null(rt_xlsx_find(&m));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_not_xlsx),
        cmocka_unit_test(test_corrupt_bytes),
        cmocka_unit_test(test_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
