/* Unit tests for si_authcheck and si_dnszone, offline: a zone file written at test time
 * is the only DNS. SPF: pass, fail, softfail, neutral, none, permerror for client
 * addresses in and out of the records (IPv4, IPv6, IPv4-mapped), and loopback. DKIM: a
 * message signed at test time by libopendkim with an RSA key made by OpenSSL (public
 * half published in the zone) verifies when aligned with From:, fails when the body or
 * a signed header is changed, when d= is not aligned or the key is missing, and is
 * NONE when unsigned. The zone loader refuses malformed lines with their number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <opendkim/dkim.h>

#include "si_auth.h"
#include "si_authcheck.h"
#include "si_dnszone.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static char zone_path[] = "/tmp/si-zone-XXXXXX";
static char *priv_pem;
static si_dnszone *zone;
static si_authcheck *checker;

static const char ZONE_HEAD[] = "# test zone\n"
                                "good.test TXT v=spf1 ip4:198.51.100.0/24 ip6:2001:db8::/32 -all\n"
                                "soft.test TXT v=spf1 ip4:198.51.100.7 ~all\n"
                                "neutral.test. TXT v=spf1 ?all\n"
                                "perm.test TXT v=spf1 foo:bar -all\n"
                                "mx.test TXT v=spf1 mx -all\n"
                                "mx.test MX mail.mx.test\n"
                                "mail.mx.test A 203.0.113.5\n";

/* An RSA key: the private half as PEM, the public half as base64 DER for "p=". */
static char *make_key(void)
{
    EVP_PKEY *k = EVP_RSA_gen(2048);
    assert_non_null(k);
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
    char *data;
    long n = BIO_get_mem_data(b, &data);
    priv_pem = strndup(data, (size_t)n);
    BIO_free(b);
    unsigned char *der = NULL;
    int dl = i2d_PUBKEY(k, &der);
    char *b64 = malloc(4 * ((size_t)dl + 2) / 3 + 4);
    si_b64_encode(der, (size_t)dl, b64);
    OPENSSL_free(der);
    EVP_PKEY_free(k);
    return b64;
}

static int setup(void **state)
{
    char *pub = make_key();
    int fd = mkstemp(zone_path);
    FILE *f = fdopen(fd, "w");
    fputs(ZONE_HEAD, f);
    fprintf(f, "sel._domainkey.acme.test TXT v=DKIM1; k=rsa; p=%s\n", pub);
    fclose(f);
    free(pub);
    char err[256];
    assert_int_equal(si_dnszone_load(zone_path, &zone, err, sizeof err), 0);
    assert_int_equal(si_authcheck_create(zone, &checker, err, sizeof err), 0);
    return 0;
}

static int teardown(void **state)
{
    si_authcheck_free(checker);
    si_dnszone_free(zone);
    unlink(zone_path);
    free(priv_pem);
    return 0;
}

static void spf(void **state)
{
    static const struct {
        const char *ip, *from;
        enum cm_auth_result r;
    } cases[] = {
        {"198.51.100.7", "a@good.test", CM_AUTH_PASS},
        {"192.0.2.1", "a@good.test", CM_AUTH_FAIL},
        {"2001:db8::1", "a@good.test", CM_AUTH_PASS},
        {"2001:db9::1", "a@good.test", CM_AUTH_FAIL},
        {"::ffff:198.51.100.9", "a@good.test", CM_AUTH_PASS},
        {"192.0.2.1", "a@soft.test", CM_AUTH_FAIL}, /* softfail */
        {"198.51.100.7", "a@soft.test", CM_AUTH_PASS},
        {"192.0.2.1", "a@neutral.test", CM_AUTH_NONE},
        {"192.0.2.1", "a@perm.test", CM_AUTH_FAIL}, /* permerror */
        {"192.0.2.1", "a@nowhere.test", CM_AUTH_NONE},
        {"203.0.113.5", "a@mx.test", CM_AUTH_PASS},
        {"203.0.113.6", "a@mx.test", CM_AUTH_FAIL},
        {"127.0.0.1", "a@good.test", CM_AUTH_PASS}, /* libspf2 trusts loopback */
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        enum cm_auth_result r = si_spf_check(checker, cases[i].ip, "client.test", cases[i].from);
        if (r != cases[i].r)
            fail_msg("%s from %s: %d, expected %d", cases[i].from, cases[i].ip, r, cases[i].r);
    }
}

static const char MSG[] = "From: Compta <compta@acme.test>\r\n"
                          "To: SMS=0601020304@sms.test\r\n"
                          "Subject: rappel\r\n"
                          "Message-ID: <1@acme.test>\r\n"
                          "\r\n"
                          "Bonjour, RDV demain 10h\r\n";

/* MSG signed by d=domain s=selector, as "DKIM-Signature: ...\r\n" + MSG (malloc'd). */
static char *sign(const char *domain, const char *selector)
{
    DKIM_STAT st;
    DKIM_LIB *lib = dkim_init(NULL, NULL);
    DKIM *d = dkim_sign(lib, (const unsigned char *)"t", NULL, (dkim_sigkey_t)priv_pem,
                        (const unsigned char *)selector, (const unsigned char *)domain,
                        DKIM_CANON_RELAXED, DKIM_CANON_RELAXED, DKIM_SIGN_RSASHA256, -1, &st);
    assert_non_null(d);
    assert_int_equal(dkim_chunk(d, (u_char *)MSG, sizeof MSG - 1), DKIM_STAT_OK);
    assert_int_equal(dkim_chunk(d, NULL, 0), DKIM_STAT_OK);
    assert_int_equal(dkim_eom(d, NULL), DKIM_STAT_OK);
    unsigned char hdr[4096];
    assert_int_equal(dkim_getsighdr(d, hdr, sizeof hdr, strlen("DKIM-Signature: ")), DKIM_STAT_OK);
    char *out = malloc(sizeof hdr + sizeof MSG + 32);
    snprintf(out, sizeof hdr + sizeof MSG + 32, "DKIM-Signature: %s\r\n%s", hdr, MSG);
    dkim_free(d);
    dkim_close(lib);
    return out;
}

static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    assert_non_null(at);
    char *out = malloc(strlen(s) + strlen(to) + 1);
    sprintf(out, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    return out;
}

static void dkim(void **state)
{
    char *good = sign("acme.test", "sel"), *nokey = sign("acme.test", "gone");
    char *body = replace(good, "demain 10h", "demain 11h");
    char *subject = replace(good, "Subject: rappel", "Subject: changed");
    const struct {
        const char *msg, *from_domain;
        enum cm_auth_result r;
    } cases[] = {
        {good, "acme.test", CM_AUTH_PASS},      {good, "ACME.test", CM_AUTH_PASS},
        {good, "mail.acme.test", CM_AUTH_PASS}, /* relaxed alignment */
        {good, "other.test", CM_AUTH_FAIL},     /* valid but not aligned */
        {good, "xacme.test", CM_AUTH_FAIL},     {body, "acme.test", CM_AUTH_FAIL},
        {subject, "acme.test", CM_AUTH_FAIL},   {nokey, "acme.test", CM_AUTH_FAIL},
        {MSG, "acme.test", CM_AUTH_NONE},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        enum cm_auth_result r = si_dkim_check(checker, (const uint8_t *)cases[i].msg,
                                              strlen(cases[i].msg), cases[i].from_domain);
        if (r != cases[i].r) fail_msg("case %zu: %d, expected %d", i, r, cases[i].r);
    }
    free(good);
    free(nokey);
    free(body);
    free(subject);
}

static void zone_errors(void **state)
{
    static const struct {
        const char *text, *err;
    } cases[] = {
        {"ok.test TXT v=spf1 -all\nbad.test CNAME x\n", ":2: type must be"},
        {"\n\nbad.test TXT\n", ":3: missing data"},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        char path[] = "/tmp/si-zone-bad-XXXXXX", err[256] = "";
        int fd = mkstemp(path);
        assert_true(write(fd, cases[i].text, strlen(cases[i].text)) > 0);
        close(fd);
        si_dnszone *z = NULL;
        assert_int_equal(si_dnszone_load(path, &z, err, sizeof err), -22);
        assert_non_null(strstr(err, cases[i].err));
        unlink(path);
    }
    char err[256];
    si_dnszone *z = NULL;
    assert_int_equal(si_dnszone_load("/nonexistent/zone", &z, err, sizeof err), -22);
    assert_string_equal(si_dnszone_find(zone, "NEUTRAL.TEST.", "txt", 0), "v=spf1 ?all");
    assert_null(si_dnszone_find(zone, "neutral.test", "txt", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spf),
        cmocka_unit_test(dkim),
        cmocka_unit_test(zone_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
