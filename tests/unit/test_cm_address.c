/* Unit tests for cm_address: split, local part modes, LISTE.TXT lines, cm_fields; golden
 * files address/liste_*.txt rendered and compared with address/liste_*.expected. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cm_address.h"

#ifndef SMSGW_TEST_DATA
#define SMSGW_TEST_DATA "tests/unit/data"
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *rc_name(int rc)
{
    switch (rc) {
    case 0:
        return "OK";
    case CM_ADDR_SKIP:
        return "SKIP";
    case CM_ADDR_EMEDIA:
        return "EMEDIA";
    case -EINVAL:
        return "EINVAL";
    case -E2BIG:
        return "E2BIG";
    case -EEXIST:
        return "EEXIST";
    case -ENOSPC:
        return "ENOSPC";
    default:
        return "?";
    }
}

/* Fields as "#NAME=value#NAME=value" (the input syntax, upper-cased names). */
static void render_fields(const cm_fields *f, char *buf, size_t cap)
{
    size_t i, used = 0;

    buf[0] = '\0';
    for (i = 0; i < f->count; i++) {
        int n = snprintf(buf + used, cap - used, "#%s=%s", f->items[i].name, f->items[i].value);

        assert_true(n >= 0 && (size_t)n < cap - used);
        used += (size_t)n;
    }
}

/* ---- cm_address_split ---- */

typedef struct split_case {
    const char *addr;
    int rc;
    const char *local, *domain;
} split_case;

static const split_case SPLIT[] = {
    {"SMS=0601020304@sms.example.com", 0, "SMS=0601020304", "sms.example.com"},
    {"sms=0601020304#NOM=Dupont@SMS.Example.COM", 0, "sms=0601020304#NOM=Dupont",
     "SMS.Example.COM"},
    {"multi@gw.test", 0, "multi", "gw.test"},
    {"MULTI_SMS@gw.test", 0, "MULTI_SMS", "gw.test"},
    {"SMS=06.01.02.03.04@gw.test", 0, "SMS=06.01.02.03.04", "gw.test"},
    {"SMS=+33601020304@gw.test", 0, "SMS=+33601020304", "gw.test"},
    {"SMS=0601020304#NOM=\xc3\x89lodie@gw.test", 0, "SMS=0601020304#NOM=\xc3\x89lodie", "gw.test"},
    {"a@b", 0, "a", "b"},
    {"a@xn--bcher-kva.example", 0, "a", "xn--bcher-kva.example"},
    /* refused */
    {"", -EINVAL, "", ""},
    {"multi", -EINVAL, "", ""},
    {"@gw.test", -EINVAL, "", ""},
    {"multi@", -EINVAL, "", ""},
    {"@a:b@c", -EINVAL, "", ""},
    {"@relay.example:user@gw.test", -EINVAL, "", ""},
    {"a@b@c", -EINVAL, "", ""},
    {"user%other.example@gw.test", -EINVAL, "", ""},
    {"other.example!user@gw.test", -EINVAL, "", ""},
    {"\"SMS=0601020304\"@gw.test", -EINVAL, "", ""},
    {"\"a@b\"@gw.test", -EINVAL, "", ""},
    {"SMS=06 01 02 03 04@gw.test", -EINVAL, "", ""},
    {"<multi@gw.test>", -EINVAL, "", ""},
    {"multi@[192.0.2.1]", -EINVAL, "", ""},
    {"multi@gw..test", -EINVAL, "", ""},
    {"multi@.gw.test", -EINVAL, "", ""},
    {"multi@gw.test.", -EINVAL, "", ""},
    {"multi@-gw.test", -EINVAL, "", ""},
    {"multi@gw-.test", -EINVAL, "", ""},
    {"multi@gw_test", -EINVAL, "", ""},
    {"multi@gw.test ", -EINVAL, "", ""},
    {".multi@gw.test", -EINVAL, "", ""},
    {"multi.@gw.test", -EINVAL, "", ""},
    {"SMS=06..01@gw.test", -EINVAL, "", ""},
    {"mu\tlti@gw.test", -EINVAL, "", ""},
    {"mu\x7flti@gw.test", -EINVAL, "", ""},
    {"a,b@gw.test", -EINVAL, "", ""},
    {"a;b@gw.test", -EINVAL, "", ""},
    {"a:b@gw.test", -EINVAL, "", ""},
    {"a\\b@gw.test", -EINVAL, "", ""},
    {"a(comment)@gw.test", -EINVAL, "", ""},
    /* labels of 63 bytes are fine, 64 are not */
    {"multi@012345678901234567890123456789012345678901234567890123456789abc.fr", 0, "multi",
     "012345678901234567890123456789012345678901234567890123456789abc.fr"},
    {"multi@012345678901234567890123456789012345678901234567890123456789abcd.fr", -EINVAL, "", ""},
};

static void test_split_table(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < N_ELEMS(SPLIT); i++) {
        const split_case *c = &SPLIT[i];
        char local[128], domain[128];
        int rc;

        memset(local, 'x', sizeof(local));
        memset(domain, 'x', sizeof(domain));
        rc = cm_address_split(c->addr, local, sizeof(local), domain, sizeof(domain));
        if (rc != c->rc || strcmp(local, c->local) != 0 || strcmp(domain, c->domain) != 0)
            fail_msg("row %zu \"%s\": got %s \"%s\" \"%s\", want %s \"%s\" \"%s\"", i, c->addr,
                     rc_name(rc), local, domain, rc_name(c->rc), c->local, c->domain);
    }
}

static void test_split_buffers(void **state)
{
    char local[6], domain[8];
    (void)state;

    assert_int_equal(cm_address_split("multi@gw.test", local, 6, domain, 8), 0);
    assert_string_equal(local, "multi");
    assert_string_equal(domain, "gw.test");
    assert_int_equal(cm_address_split("multi@gw.test", local, 5, domain, 8), -ENOSPC);
    assert_string_equal(local, "");
    assert_int_equal(cm_address_split("multi@gw.test", local, 6, domain, 7), -ENOSPC);
    assert_string_equal(local, "");
    assert_string_equal(domain, "");
    assert_int_equal(cm_address_split(NULL, local, 6, domain, 8), -EINVAL);
    assert_int_equal(cm_address_split("multi@gw.test", NULL, 6, domain, 8), -EINVAL);
    assert_int_equal(cm_address_split("multi@gw.test", local, 6, NULL, 8), -EINVAL);
}

/* ---- cm_address_parse_local ---- */

typedef struct local_case {
    const char *local;
    int rc;
    cm_address_mode mode; /* 0: not set */
    const char *raw, *e164;
    int number_rc;
    const char *fields; /* rendered */
} local_case;

static const local_case LOCAL[] = {
    {"SMS=0601020304", 0, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, ""},
    {"sms=0601020304#NOM=Dupont#PRENOM=Jean#REFCLIENT=A12", 0, CM_ADDR_SINGLE, "0601020304",
     "+33601020304", 0, "#NOM=Dupont#PRENOM=Jean#REFCLIENT=A12"},
    {"Sms=+447911123456#facturation=TEST#RefClient=0001", 0, CM_ADDR_SINGLE, "+447911123456",
     "+447911123456", 0, "#FACTURATION=TEST#REFCLIENT=0001"},
    {"SMS=06.01.02.03.04#NOM=c1", 0, CM_ADDR_SINGLE, "06.01.02.03.04", "+33601020304", 0,
     "#NOM=c1"},
    {"SMS=0692123456#DATE=202501311830", 0, CM_ADDR_SINGLE, "0692123456", "+262692123456", 0,
     "#DATE=202501311830"},
    {"SMS=0601020304#MY_FIELD_2=x=y", 0, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0,
     "#MY_FIELD_2=x=y"},
    {"SMS=0601020304#NOM=", 0, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, "#NOM="},
    {"SMS=0601020304#NOM=\xc3\x89lodie", 0, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0,
     "#NOM=\xc3\x89lodie"},
    {"SMS=0601020304#_=1", 0, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, "#_=1"},
    {"multi", 0, CM_ADDR_MULTI, "", "", 0, ""},
    {"Multi", 0, CM_ADDR_MULTI, "", "", 0, ""},
    {"MULTI", 0, CM_ADDR_MULTI, "", "", 0, ""},
    {"multi_sms", 0, CM_ADDR_MULTI_SMS, "", "", 0, ""},
    {"MULTI_SMS", 0, CM_ADDR_MULTI_SMS, "", "", 0, ""},
    {"Multi_Sms", 0, CM_ADDR_MULTI_SMS, "", "", 0, ""},
    /* invalid number: syntax fine, number_rc says why */
    {"SMS=", -EINVAL, CM_ADDR_SINGLE, "", "", -EINVAL, ""},
    {"SMS=06", -EINVAL, CM_ADDR_SINGLE, "06", "", -EINVAL, ""},
    {"SMS=060102030", -EINVAL, CM_ADDR_SINGLE, "060102030", "", -EINVAL, ""},
    {"SMS=06a1020304#NOM=x", -EINVAL, CM_ADDR_SINGLE, "06a1020304", "", -EINVAL, "#NOM=x"},
    /* field syntax errors (number_rc still reported) */
    {"SMS=06#", -EINVAL, CM_ADDR_SINGLE, "06", "", -EINVAL, ""},
    {"SMS=0601020304#", -EINVAL, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304##NOM=x", -EINVAL, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#NOM", -EINVAL, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#=x", -EINVAL, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#NO-M=x", -EINVAL, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#NOM.X=x", -EINVAL, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#N\xc3\x89=x", -EINVAL, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#SMS=0701020304", -EINVAL, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#NOM=a#nom=b", -EEXIST, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0,
     "#NOM=a"},
    {"SMS=0601020304#NOM=\x01", -EINVAL, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#NOM=\xc3", -EINVAL, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#NOM=\xc2\x85", -EINVAL, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#NOM=\xc0\xaf", -EINVAL, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#NOM=\xed\xa0\x80", -EINVAL, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0,
     ""},
    {"SMS=0601020304#NOM=\xff", -EINVAL, CM_ADDR_SINGLE, "0601020304", "+33601020304", 0, ""},
    /* not a mode */
    {"", -EINVAL, 0, "", "", 0, ""},
    {"SMS", -EINVAL, 0, "", "", 0, ""},
    {"SMS0601020304", -EINVAL, 0, "", "", 0, ""},
    {"0601020304", -EINVAL, 0, "", "", 0, ""},
    {"FAX=0102030405", -EINVAL, 0, "", "", 0, ""},
    {"multi2", -EINVAL, 0, "", "", 0, ""},
    {"multi_", -EINVAL, 0, "", "", 0, ""},
    {"multisms", -EINVAL, 0, "", "", 0, ""},
    {"postmaster", -EINVAL, 0, "", "", 0, ""},
    {" SMS=0601020304", -EINVAL, 0, "", "", 0, ""},
};

static void test_parse_local_table(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < N_ELEMS(LOCAL); i++) {
        const local_case *c = &LOCAL[i];
        cm_address_mode mode = 0;
        cm_recipient r;
        char fields[4096];
        int rc;

        memset(&r, 0x55, sizeof(r));
        rc = cm_address_parse_local(c->local, &mode, &r);
        render_fields(&r.fields, fields, sizeof(fields));
        if (rc != c->rc || mode != c->mode || strcmp(r.raw_number, c->raw) != 0 ||
            strcmp(r.e164, c->e164) != 0 || r.number_rc != c->number_rc ||
            strcmp(fields, c->fields) != 0)
            fail_msg("row %zu \"%s\": got %s mode %d raw \"%s\" e164 \"%s\" nrc %d fields "
                     "\"%s\"; want %s mode %d raw \"%s\" e164 \"%s\" nrc %d fields \"%s\"",
                     i, c->local, rc_name(rc), (int)mode, r.raw_number, r.e164, r.number_rc, fields,
                     rc_name(c->rc), (int)c->mode, c->raw, c->e164, c->number_rc, c->fields);
    }
}

/* Builds "SMS=0601020304" followed by n fields F0=v ... F<n-1>=v. */
static void build_fields(char *buf, size_t cap, int n)
{
    size_t used = (size_t)snprintf(buf, cap, "SMS=0601020304");
    int i;

    for (i = 0; i < n; i++)
        used += (size_t)snprintf(buf + used, cap - used, "#F%d=v%d", i, i);
}

static void test_parse_local_limits(void **state)
{
    char buf[2048], name[64], value[400];
    cm_address_mode mode;
    cm_recipient r;
    (void)state;

    build_fields(buf, sizeof(buf), CM_FIELDS_MAX);
    assert_int_equal(cm_address_parse_local(buf, &mode, &r), 0);
    assert_int_equal(r.fields.count, CM_FIELDS_MAX);
    assert_string_equal(cm_fields_get(&r.fields, "F31"), "v31");
    build_fields(buf, sizeof(buf), CM_FIELDS_MAX + 1);
    assert_int_equal(cm_address_parse_local(buf, &mode, &r), -E2BIG);
    assert_int_equal(r.fields.count, CM_FIELDS_MAX);

    memset(name, 'N', CM_FIELD_NAME_MAX);
    name[CM_FIELD_NAME_MAX] = '\0';
    snprintf(buf, sizeof(buf), "SMS=0601020304#%s=x", name);
    assert_int_equal(cm_address_parse_local(buf, &mode, &r), 0);
    assert_string_equal(cm_fields_get(&r.fields, name), "x");
    snprintf(buf, sizeof(buf), "SMS=0601020304#%sN=x", name);
    assert_int_equal(cm_address_parse_local(buf, &mode, &r), -E2BIG);

    memset(value, 'v', CM_FIELD_VALUE_MAX);
    value[CM_FIELD_VALUE_MAX] = '\0';
    snprintf(buf, sizeof(buf), "SMS=0601020304#NOM=%s", value);
    assert_int_equal(cm_address_parse_local(buf, &mode, &r), 0);
    assert_int_equal(strlen(cm_fields_get(&r.fields, "NOM")), CM_FIELD_VALUE_MAX);
    snprintf(buf, sizeof(buf), "SMS=0601020304#NOM=%sv", value);
    assert_int_equal(cm_address_parse_local(buf, &mode, &r), -E2BIG);

    /* a number longer than CM_ADDR_NUMBER_MAX is refused before normalisation */
    memset(value, '0', CM_ADDR_NUMBER_MAX + 1);
    value[CM_ADDR_NUMBER_MAX + 1] = '\0';
    snprintf(buf, sizeof(buf), "SMS=%s", value);
    assert_int_equal(cm_address_parse_local(buf, &mode, &r), -E2BIG);
    assert_string_equal(r.raw_number, "");
    assert_int_equal(r.number_rc, -EINVAL);

    assert_int_equal(cm_address_parse_local(NULL, &mode, &r), -EINVAL);
    assert_int_equal(cm_address_parse_local("multi", NULL, &r), -EINVAL);
    assert_int_equal(cm_address_parse_local("multi", &mode, NULL), -EINVAL);
}

/* ---- cm_address_parse_list_line ---- */

typedef struct line_case {
    const char *line;
    int require_sms;
    int rc;
    const char *raw, *e164;
    int number_rc;
    const char *fields;
} line_case;

static const line_case LINES[] = {
    /* multi: SMS= prefix required */
    {"SMS=0601020304", 1, 0, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#FACTURATION=TEST#REFCLIENT=0001#NOM=c1", 1, 0, "0601020304", "+33601020304", 0,
     "#FACTURATION=TEST#REFCLIENT=0001#NOM=c1"},
    {"sms=06 01 02 03 04#NOM=Dupont Jean", 1, 0, "06 01 02 03 04", "+33601020304", 0,
     "#NOM=Dupont Jean"},
    {"SMS= 06.01.02.03.04 #NOM=x", 1, 0, "06.01.02.03.04", "+33601020304", 0, "#NOM=x"},
    {"SMS=0601020304\r\n", 1, 0, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304\n", 1, 0, "0601020304", "+33601020304", 0, ""},
    {"  SMS=0601020304#NOM=x  \t\r\n", 1, 0, "0601020304", "+33601020304", 0, "#NOM=x"},
    {"\xef\xbb\xbfSMS=0601020304", 1, 0, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#NOM= espace ", 1, 0, "0601020304", "+33601020304", 0, "#NOM= espace"},
    {"FAX=0102030405", 1, CM_ADDR_EMEDIA, "", "", 0, ""},
    {"fax=0102030405#NOM=x", 1, CM_ADDR_EMEDIA, "", "", 0, ""},
    {"VOCAL=0601020304", 1, CM_ADDR_EMEDIA, "", "", 0, ""},
    {"EMAIL=a@b.fr", 1, CM_ADDR_EMEDIA, "", "", 0, ""},
    {"Courrier=1 rue de la Paix", 1, CM_ADDR_EMEDIA, "", "", 0, ""},
    {"0601020304", 1, -EINVAL, "", "", 0, ""},
    {"SMS0601020304", 1, -EINVAL, "", "", 0, ""},
    {"TEL=0601020304", 1, -EINVAL, "", "", 0, ""},
    {"SMS=", 1, -EINVAL, "", "", -EINVAL, ""},
    {"SMS=06#", 1, -EINVAL, "06", "", -EINVAL, ""},
    {"SMS=060102030", 1, -EINVAL, "060102030", "", -EINVAL, ""},
    {"SMS=0601020304#BAD NAME=x", 1, -EINVAL, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#NOM=a\tb", 1, -EINVAL, "0601020304", "+33601020304", 0, ""},
    {"SMS=0601020304#NOM=a\rb", 1, -EINVAL, "0601020304", "+33601020304", 0, ""},
    {"", 1, CM_ADDR_SKIP, "", "", 0, ""},
    {"\r\n", 1, CM_ADDR_SKIP, "", "", 0, ""},
    {" \t \n", 1, CM_ADDR_SKIP, "", "", 0, ""},
    {"\xef\xbb\xbf\r\n", 1, CM_ADDR_SKIP, "", "", 0, ""},
    /* multi_sms: bare numbers */
    {"0601020304", 0, 0, "0601020304", "+33601020304", 0, ""},
    {"0601020304#NOM=c1#PRENOM=p1", 0, 0, "0601020304", "+33601020304", 0, "#NOM=c1#PRENOM=p1"},
    {"06 01 02 03 04", 0, 0, "06 01 02 03 04", "+33601020304", 0, ""},
    {"06-01-02-03-04 #nom=x", 0, 0, "06-01-02-03-04", "+33601020304", 0, "#NOM=x"},
    {"+447911123456\r\n", 0, 0, "+447911123456", "+447911123456", 0, ""},
    {"0692123456", 0, 0, "0692123456", "+262692123456", 0, ""},
    {"SMS=0601020304", 0, 0, "0601020304", "+33601020304", 0, ""},
    {"FAX=0102030405", 0, CM_ADDR_EMEDIA, "", "", 0, ""},
    {"06a1020304", 0, -EINVAL, "06a1020304", "", -EINVAL, ""},
    {"#NOM=x", 0, -EINVAL, "", "", -EINVAL, "#NOM=x"},
    {"0601020304#", 0, -EINVAL, "0601020304", "+33601020304", 0, ""},
    {"0601020304#NOM=a#NOM=b", 0, -EEXIST, "0601020304", "+33601020304", 0, "#NOM=a"},
    {"0601020304;Dupont", 0, -EINVAL, "0601020304;Dupont", "", -EINVAL, ""},
    {"   ", 0, CM_ADDR_SKIP, "", "", 0, ""},
};

static void test_list_line_table(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < N_ELEMS(LINES); i++) {
        const line_case *c = &LINES[i];
        cm_recipient r;
        char fields[4096];
        int rc;

        memset(&r, 0x55, sizeof(r));
        rc = cm_address_parse_list_line(c->line, c->require_sms, &r);
        render_fields(&r.fields, fields, sizeof(fields));
        if (rc != c->rc || strcmp(r.raw_number, c->raw) != 0 || strcmp(r.e164, c->e164) != 0 ||
            r.number_rc != c->number_rc || strcmp(fields, c->fields) != 0)
            fail_msg("row %zu \"%s\" (%d): got %s raw \"%s\" e164 \"%s\" nrc %d fields \"%s\"; "
                     "want %s raw \"%s\" e164 \"%s\" nrc %d fields \"%s\"",
                     i, c->line, c->require_sms, rc_name(rc), r.raw_number, r.e164, r.number_rc,
                     fields, rc_name(c->rc), c->raw, c->e164, c->number_rc, c->fields);
    }
}

static void test_list_line_limits(void **state)
{
    char buf[2048];
    cm_recipient r;
    int i;
    size_t used;
    (void)state;

    used = (size_t)snprintf(buf, sizeof(buf), "0601020304");
    for (i = 0; i <= CM_FIELDS_MAX; i++)
        used += (size_t)snprintf(buf + used, sizeof(buf) - used, "#F%d=v", i);
    assert_int_equal(cm_address_parse_list_line(buf, 0, &r), -E2BIG);
    assert_int_equal(cm_address_parse_list_line(NULL, 0, &r), -EINVAL);
    assert_int_equal(cm_address_parse_list_line("0601020304", 0, NULL), -EINVAL);
}

/* ---- cm_fields ---- */

static void test_fields_api(void **state)
{
    cm_fields f;
    char name[64], value[400];
    int i;
    (void)state;

    cm_fields_init(&f);
    assert_int_equal(f.count, 0);
    assert_null(cm_fields_get(&f, "NOM"));
    assert_int_equal(cm_fields_set(&f, "nom", "Dupont"), 0);
    assert_int_equal(cm_fields_set(&f, "Prenom", "Jean"), 0);
    assert_int_equal(cm_fields_set(&f, "DATE", "202501311830"), 0);
    assert_int_equal(f.count, 3);
    assert_string_equal(f.items[0].name, "NOM");
    assert_string_equal(f.items[1].name, "PRENOM");
    assert_string_equal(cm_fields_get(&f, "NOM"), "Dupont");
    assert_string_equal(cm_fields_get(&f, "nom"), "Dupont");
    assert_string_equal(cm_fields_get(&f, "pReNoM"), "Jean");
    assert_string_equal(cm_fields_get(&f, "DATE"), "202501311830");
    assert_null(cm_fields_get(&f, "NO"));
    assert_null(cm_fields_get(&f, "NOMS"));
    assert_null(cm_fields_get(&f, "REFCLIENT"));
    assert_null(cm_fields_get(&f, NULL));
    assert_null(cm_fields_get(NULL, "NOM"));

    assert_int_equal(cm_fields_set(&f, "NOM", "Durand"), -EEXIST);
    assert_int_equal(cm_fields_set(&f, "", "x"), -EINVAL);
    assert_int_equal(cm_fields_set(&f, "A B", "x"), -EINVAL);
    assert_int_equal(cm_fields_set(&f, "SMS", "x"), -EINVAL);
    assert_int_equal(cm_fields_set(&f, "X", "a#b"), -EINVAL);
    assert_int_equal(cm_fields_set(&f, "X", "a\nb"), -EINVAL);
    assert_int_equal(cm_fields_set(&f, "X", "a\x7f"), -EINVAL);
    assert_int_equal(cm_fields_set(&f, "X", NULL), -EINVAL);
    assert_int_equal(cm_fields_set(&f, NULL, "x"), -EINVAL);
    assert_int_equal(cm_fields_set(NULL, "X", "x"), -EINVAL);
    assert_int_equal(f.count, 3);

    memset(name, 'A', CM_FIELD_NAME_MAX + 1);
    name[CM_FIELD_NAME_MAX + 1] = '\0';
    assert_int_equal(cm_fields_set(&f, name, "x"), -E2BIG);
    memset(value, 'v', CM_FIELD_VALUE_MAX + 1);
    value[CM_FIELD_VALUE_MAX + 1] = '\0';
    assert_int_equal(cm_fields_set(&f, "X", value), -E2BIG);
    assert_int_equal(f.count, 3);

    /* UTF-8 values: 2, 3 and 4-byte characters */
    assert_int_equal(cm_fields_set(&f, "U", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), 0);
    assert_string_equal(cm_fields_get(&f, "U"), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");

    for (i = (int)f.count; i < CM_FIELDS_MAX; i++) {
        snprintf(name, sizeof(name), "C%d", i);
        assert_int_equal(cm_fields_set(&f, name, "v"), 0);
    }
    assert_int_equal(f.count, CM_FIELDS_MAX);
    assert_int_equal(cm_fields_set(&f, "ONE_MORE", "v"), -E2BIG);
    assert_int_equal(f.count, CM_FIELDS_MAX);

    cm_fields_init(&f);
    assert_int_equal(f.count, 0);
}

/* ---- golden LISTE.TXT files ---- */

/* Renders one parsed line as "<lineno> <RESULT> <e164|-> <fields>". */
static void render_line(int lineno, int rc, const cm_recipient *r, char *out, size_t cap)
{
    char fields[4096];
    const char *result = rc_name(rc);

    render_fields(&r->fields, fields, sizeof(fields));
    if (rc == -EINVAL && r->number_rc != 0) result = "EINVAL(number)";
    if (rc == 0)
        snprintf(out, cap, "%d OK %s %s", lineno, r->e164, fields);
    else
        snprintf(out, cap, "%d %s", lineno, result);
}

static void check_golden(const char *name, int require_sms)
{
    char path_in[512], path_exp[512], line[4096], got[8192], want[8192];
    FILE *in, *exp;
    int lineno = 0;
    cm_recipient r;

    snprintf(path_in, sizeof(path_in), "%s/address/%s.txt", SMSGW_TEST_DATA, name);
    snprintf(path_exp, sizeof(path_exp), "%s/address/%s.expected", SMSGW_TEST_DATA, name);
    in = fopen(path_in, "rb");
    exp = fopen(path_exp, "r");
    assert_non_null(in);
    assert_non_null(exp);
    while (fgets(line, sizeof(line), in) != NULL) {
        int rc = cm_address_parse_list_line(line, require_sms, &r);
        size_t len;

        render_line(++lineno, rc, &r, got, sizeof(got));
        if (fgets(want, sizeof(want), exp) == NULL)
            fail_msg("%s.expected: missing line %d (got \"%s\")", name, lineno, got);
        len = strlen(want);
        if (len > 0 && want[len - 1] == '\n') want[len - 1] = '\0';
        if (strcmp(got, want) != 0)
            fail_msg("%s.txt:%d: got \"%s\", want \"%s\"", name, lineno, got, want);
    }
    assert_null(fgets(want, sizeof(want), exp));
    assert_true(lineno > 5);
    fclose(in);
    fclose(exp);
}

static void test_golden_multi(void **state)
{
    (void)state;
    check_golden("liste_multi", 1);
}

static void test_golden_multi_sms(void **state)
{
    (void)state;
    check_golden("liste_multi_sms", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_table),       cmocka_unit_test(test_split_buffers),
        cmocka_unit_test(test_parse_local_table), cmocka_unit_test(test_parse_local_limits),
        cmocka_unit_test(test_list_line_table),   cmocka_unit_test(test_list_line_limits),
        cmocka_unit_test(test_fields_api),        cmocka_unit_test(test_golden_multi),
        cmocka_unit_test(test_golden_multi_sms),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
