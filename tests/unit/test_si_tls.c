/* Unit tests for si_tls: a self-signed certificate made at test time (EC P-256, in a
 * temporary directory, never committed), a real OpenSSL client over memory BIOs doing
 * the handshake with si_tls and exchanging plaintext both ways, split into 1-byte
 * pieces too; plaintext where the handshake should be fails with -EPROTO; a missing or
 * mismatched key fails to load with the reason. */
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
#include <openssl/x509.h>

#include "si_tls.h"

static char dir[] = "/tmp/si-tls-test-XXXXXX";
static char cert_path[64], key_path[64], key2_path[64];

static EVP_PKEY *write_key(const char *path)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    FILE *f = fopen(path, "w");
    assert_non_null(k);
    assert_non_null(f);
    assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
    fclose(f);
    return k;
}

static int setup(void **state)
{
    assert_non_null(mkdtemp(dir));
    snprintf(cert_path, sizeof cert_path, "%s/cert.pem", dir);
    snprintf(key_path, sizeof key_path, "%s/key.pem", dir);
    snprintf(key2_path, sizeof key2_path, "%s/other.pem", dir);
    EVP_PKEY *k = write_key(key_path);
    EVP_PKEY_free(write_key(key2_path));
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, k);
    X509_NAME *n = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1,
                               0);
    X509_set_issuer_name(x, n);
    assert_true(X509_sign(x, k, EVP_sha256()) > 0);
    FILE *f = fopen(cert_path, "w");
    assert_non_null(f);
    PEM_write_X509(f, x);
    fclose(f);
    X509_free(x);
    EVP_PKEY_free(k);
    return 0;
}

static int teardown(void **state)
{
    unlink(cert_path);
    unlink(key_path);
    unlink(key2_path);
    rmdir(dir);
    return 0;
}

typedef struct {
    char got[256];
    size_t len;
} sink;

static void on_plain(void *arg, const uint8_t *p, size_t n)
{
    sink *k = arg;
    assert_true(k->len + n < sizeof k->got);
    memcpy(k->got + k->len, p, n);
    k->len += n;
}

/* Moves the client's pending bytes to the server (in pieces of `piece`) and back. */
static void pump(SSL *client, si_tls *server, sink *k, size_t piece)
{
    BIO *cw = SSL_get_wbio(client), *cr = SSL_get_rbio(client);
    char buf[16384];
    int n;
    while ((n = BIO_read(cw, buf, sizeof buf)) > 0)
        for (int off = 0; off < n; off += (int)piece) {
            size_t len = (size_t)n - (size_t)off < piece ? (size_t)n - (size_t)off : piece;
            assert_int_equal(si_tls_feed(server, (uint8_t *)buf + off, len, on_plain, k), 0);
        }
    size_t len;
    uint8_t *out = si_tls_take(server, &len);
    if (out) BIO_write(cr, out, (int)len);
    free(out);
}

static void round_trip(size_t piece)
{
    SSL_CTX *sctx = NULL, *cctx = SSL_CTX_new(TLS_client_method());
    char err[256];
    assert_int_equal(si_tls_ctx_create(cert_path, key_path, &sctx, err, sizeof err), 0);
    si_tls *t = si_tls_new(sctx);
    SSL *c = SSL_new(cctx);
    SSL_set_bio(c, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_connect_state(c);
    sink k = {0};
    for (int i = 0; i < 10 && !(SSL_is_init_finished(c) && si_tls_done(t)); i++) {
        SSL_do_handshake(c);
        pump(c, t, &k, piece);
    }
    assert_true(SSL_is_init_finished(c));
    assert_true(si_tls_done(t));
    char desc[128];
    assert_non_null(strstr(si_tls_describe(t, desc, sizeof desc), "TLSv1."));
    assert_int_equal(SSL_write(c, "EHLO client\r\n", 13), 13);
    pump(c, t, &k, piece);
    assert_int_equal(k.len, 13);
    assert_memory_equal(k.got, "EHLO client\r\n", 13);
    assert_int_equal(si_tls_write(t, "250 ok\r\n", 8), 0);
    pump(c, t, &k, piece);
    char reply[32] = "";
    assert_int_equal(SSL_read(c, reply, sizeof reply - 1), 8);
    assert_string_equal(reply, "250 ok\r\n");
    SSL_free(c);
    SSL_CTX_free(cctx);
    si_tls_free(t);
    SSL_CTX_free(sctx);
}

static void handshake_and_data(void **state)
{
    round_trip(16384);
    round_trip(1);
}

static void plaintext_instead_of_handshake(void **state)
{
    SSL_CTX *sctx = NULL;
    char err[256];
    assert_int_equal(si_tls_ctx_create(cert_path, key_path, &sctx, err, sizeof err), 0);
    si_tls *t = si_tls_new(sctx);
    sink k = {0};
    const char inject[] = "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n";
    assert_int_equal(si_tls_feed(t, (const uint8_t *)inject, sizeof inject - 1, on_plain, &k),
                     -71); /* -EPROTO */
    assert_int_equal(k.len, 0);
    assert_non_null(strstr(si_tls_error(t), "handshake"));
    si_tls_free(t);
    SSL_CTX_free(sctx);
}

static void bad_files(void **state)
{
    SSL_CTX *sctx = NULL;
    char err[256] = "";
    assert_int_equal(si_tls_ctx_create("/nonexistent/cert.pem", key_path, &sctx, err, sizeof err),
                     -22);
    assert_non_null(strstr(err, "/nonexistent/cert.pem"));
    assert_int_equal(si_tls_ctx_create(cert_path, key2_path, &sctx, err, sizeof err), -22);
    assert_non_null(strstr(err, key2_path)); /* key does not match the certificate */
    assert_null(sctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(handshake_and_data),
        cmocka_unit_test(plaintext_instead_of_handshake),
        cmocka_unit_test(bad_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
