/* Unit tests for si_mimecheck, the MIME bomb pre-scan: generated nesting, part counts
 * and header sizes on each side of the limits (exact depth/parts counted), boundary
 * lines recognised like GMime's, embedded messages, and the sample emails of
 * data/ingress all passing with default limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "si_mimecheck.h"
#include "si_text.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const si_mime_limits LIM = {.max_header_size = 1000, .max_depth = 10, .max_parts = 50};

/* depth nested multiparts, each with one text part inside the innermost. */
static char *nested(unsigned depth, const char *ct_fmt)
{
    si_sbuf b = {0};
    char line[256];
    si_sbuf_add(&b, "From: a@b\r\n", 11);
    for (unsigned i = 0; i < depth; i++) {
        int n = snprintf(line, sizeof line, ct_fmt, i);
        si_sbuf_add(&b, line, (size_t)n);
        n = snprintf(line, sizeof line, "\r\n\r\n--b%u\r\n", i);
        si_sbuf_add(&b, line, (size_t)n);
    }
    si_sbuf_add(&b, "Content-Type: text/plain\r\n\r\nhi\r\n", 32);
    for (unsigned i = depth; i-- > 0;) {
        int n = snprintf(line, sizeof line, "--b%u--\r\n", i);
        si_sbuf_add(&b, line, (size_t)n);
    }
    return b.p;
}

/* One multipart with n text parts. */
static char *many_parts(unsigned n)
{
    si_sbuf b = {0};
    const char head[] = "From: a@b\r\nContent-Type: multipart/mixed; boundary=\"x y\"\r\n\r\n";
    si_sbuf_add(&b, head, sizeof head - 1);
    for (unsigned i = 0; i < n; i++) {
        const char part[] = "--x y\r\nContent-Type: text/plain\r\n\r\npart\r\n";
        si_sbuf_add(&b, part, sizeof part - 1);
    }
    si_sbuf_add(&b, "--x y--\r\n", 9);
    return b.p;
}

static int check(const char *m, si_mime_stats *st)
{
    return si_mime_check((const uint8_t *)m, strlen(m), &LIM, st);
}

static void nesting(void **state)
{
    static const struct {
        const char *fmt;
        unsigned depth;
        int rc;
        unsigned seen;
    } cases[] = {
        {"Content-Type: multipart/mixed; boundary=b%u", 10, SI_MIMECHK_OK, 10},
        {"Content-Type: multipart/mixed; boundary=b%u", 11, SI_MIMECHK_DEPTH, 10},
        {"Content-Type: MULTIPART/Alternative;\r\n\tboundary=\"b%u\"", 10, SI_MIMECHK_OK, 10},
        {"content-type: multipart/related; charset=x; BOUNDARY = b%u", 11, SI_MIMECHK_DEPTH, 10},
        {"Content-Type: multipart/mixed; boundary=b%u", 5000, SI_MIMECHK_DEPTH, 10},
        {"Content-Type: text/plain; boundary=b%u", 50, SI_MIMECHK_OK, 0},
        {"Content-Type: multipart/mixed", 50, SI_MIMECHK_OK, 0}, /* no boundary: a leaf */
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        si_mime_stats st;
        char *m = nested(cases[i].depth, cases[i].fmt);
        assert_int_equal(check(m, &st), cases[i].rc);
        assert_int_equal(st.depth, cases[i].seen);
        free(m);
    }
}

static void parts(void **state)
{
    static const struct {
        unsigned n;
        int rc;
        unsigned seen;
    } cases[] = {{1, SI_MIMECHK_OK, 2},
                 {49, SI_MIMECHK_OK, 50},
                 {50, SI_MIMECHK_PARTS, 51},
                 {5000, SI_MIMECHK_PARTS, 51}};
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        si_mime_stats st;
        char *m = many_parts(cases[i].n);
        assert_int_equal(check(m, &st), cases[i].rc);
        assert_int_equal(st.parts, cases[i].seen);
        assert_int_equal(st.depth, 1);
        free(m);
    }
}

static void boundaries_and_messages(void **state)
{
    static const struct {
        const char *m;
        int rc;
        unsigned depth, parts;
    } cases[] = {
        /* "--b--" closes; a boundary followed by text is not a boundary */
        {"Content-Type: multipart/mixed; boundary=b\r\n\r\n--bx\r\n--b \r\n\r\nx\r\n--b-- \r\n"
         "--b\r\n",
         SI_MIMECHK_OK, 1, 2},
        /* an outer boundary closes the inner multipart */
        {"Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/mixed; "
         "boundary=i\n\n--i\n\nx\n--o\n\ny\n--o--\n",
         SI_MIMECHK_OK, 2, 4},
        /* message/rfc822 opens a level and a header section */
        {"Content-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\nSubject: "
         "x\r\n\r\n",
         SI_MIMECHK_OK, 2, 3},
        {"Subject: no body", SI_MIMECHK_OK, 0, 1},
        {"", SI_MIMECHK_OK, 0, 1},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        si_mime_stats st;
        assert_int_equal(check(cases[i].m, &st), cases[i].rc);
        assert_int_equal(st.depth, cases[i].depth);
        assert_int_equal(st.parts, cases[i].parts);
    }
}

static void header_size(void **state)
{
    char m[3000];
    for (size_t size = 990; size <= 1010; size += 10) {
        /* "X: " + filler + CRLF = size octets, then the body */
        memset(m, 'a', sizeof m);
        memcpy(m, "X: ", 3);
        memcpy(m + size - 2, "\r\n\r\nbody", 9);
        si_mime_stats st;
        assert_int_equal(check(m, &st), size <= 1000 ? SI_MIMECHK_OK : SI_MIMECHK_HEADER);
        assert_int_equal(st.header, size);
    }
    /* a part's header section counts too */
    char *p = many_parts(1);
    si_sbuf b = {0};
    si_sbuf_add(&b, p, strlen(p) - 9);
    si_sbuf_add(&b, "--x y\r\nX: ", 10);
    for (int i = 0; i < 1000; i++)
        si_sbuf_addc(&b, 'a');
    si_sbuf_add(&b, "\r\n\r\nz\r\n--x y--\r\n", 16);
    assert_int_equal(check(b.p, NULL), SI_MIMECHK_HEADER);
    free(b.p);
    free(p);
}

static void samples_pass(void **state)
{
    static const char *const files[] = {"alternative.eml", "base64-utf8.eml", "html-only.eml",
                                        "liste.eml",       "plain.eml",       "qp-latin1.eml",
                                        "signature.eml",   "subject-2047.eml"};
    si_mime_limits def = {102400, 100, 1000};
    for (size_t i = 0; i < N_ELEMS(files); i++) {
        char path[512], buf[65536];
        snprintf(path, sizeof path, "%s/ingress/%s", SMSGW_TEST_DATA, files[i]);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        si_mime_stats st;
        assert_int_equal(si_mime_check((const uint8_t *)buf, n, &def, &st), SI_MIMECHK_OK);
        assert_true(st.parts >= 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nesting),
        cmocka_unit_test(parts),
        cmocka_unit_test(boundaries_and_messages),
        cmocka_unit_test(header_size),
        cmocka_unit_test(samples_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
