/* si_tls: see si_tls.h. Two memory BIOs per connection: rbio holds ciphertext read from
 * the socket until SSL_read consumes it, wbio collects what OpenSSL wants sent. The
 * OpenSSL error queue is per thread: it is cleared before each call that reads it. */
#include "si_tls.h"

#include <errno.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct si_tls {
    SSL *ssl;
    BIO *rbio, *wbio;
    char err[200];
};

static void ssl_reason(char *err, size_t errlen, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[160] = "unknown error";
    if (e) ERR_error_string_n(e, buf, sizeof buf);
    snprintf(err, errlen, "%s: %s", what, buf);
    ERR_clear_error();
}

int si_tls_ctx_create(const char *cert_file, const char *key_file, SSL_CTX **out, char *err,
                      size_t errlen)
{
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    const char *what = "SSL_CTX_new";
    if (ctx) {
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
        SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                     SSL_OP_CIPHER_SERVER_PREFERENCE);
        SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS); /* idle sessions hold no buffers */
        what = cert_file;
        if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) == 1) {
            what = key_file;
            if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) == 1 &&
                SSL_CTX_check_private_key(ctx) == 1) {
                *out = ctx;
                return 0;
            }
        }
    }
    ssl_reason(err, errlen, what);
    SSL_CTX_free(ctx);
    return -EINVAL;
}

si_tls *si_tls_new(SSL_CTX *ctx)
{
    si_tls *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->ssl = SSL_new(ctx);
    t->rbio = BIO_new(BIO_s_mem());
    t->wbio = BIO_new(BIO_s_mem());
    if (!t->ssl || !t->rbio || !t->wbio) {
        BIO_free(t->rbio);
        BIO_free(t->wbio);
        SSL_free(t->ssl);
        free(t);
        return NULL;
    }
    BIO_set_mem_eof_return(t->rbio, -1); /* empty: "retry", not end of file */
    SSL_set_bio(t->ssl, t->rbio, t->wbio);
    SSL_set_accept_state(t->ssl);
    return t;
}

void si_tls_free(si_tls *t)
{
    if (!t) return;
    SSL_free(t->ssl); /* frees both BIOs */
    free(t);
}

int si_tls_feed(si_tls *t, const uint8_t *in, size_t n, si_tls_plain_cb plain, void *arg)
{
    uint8_t buf[16384];
    if (n && BIO_write(t->rbio, in, (int)n) != (int)n) return -ENOMEM;
    for (;;) {
        ERR_clear_error();
        int r = SSL_read(t->ssl, buf, sizeof buf);
        if (r > 0) {
            plain(arg, buf, (size_t)r);
            continue;
        }
        switch (SSL_get_error(t->ssl, r)) {
        case SSL_ERROR_WANT_READ:
        case SSL_ERROR_WANT_WRITE:
            return 0;
        case SSL_ERROR_ZERO_RETURN:
            return -ECONNRESET;
        default:
            ssl_reason(t->err, sizeof t->err, SSL_is_init_finished(t->ssl) ? "TLS" : "handshake");
            return -EPROTO;
        }
    }
}

int si_tls_write(si_tls *t, const void *p, size_t n)
{
    if (n == 0) return 0;
    ERR_clear_error();
    int r = SSL_write(t->ssl, p, (int)n);
    if (r == (int)n) return 0;
    ssl_reason(t->err, sizeof t->err, "write");
    return -EPROTO;
}

uint8_t *si_tls_take(si_tls *t, size_t *len)
{
    size_t n = BIO_ctrl_pending(t->wbio);
    uint8_t *b = n ? malloc(n) : NULL;
    *len = 0;
    if (!b) return NULL;
    int r = BIO_read(t->wbio, b, (int)n);
    if (r <= 0) {
        free(b);
        return NULL;
    }
    *len = (size_t)r;
    return b;
}

int si_tls_done(const si_tls *t)
{
    return SSL_is_init_finished(t->ssl);
}

const char *si_tls_error(const si_tls *t)
{
    return t->err;
}

const char *si_tls_describe(const si_tls *t, char *buf, size_t len)
{
    if (!si_tls_done(t)) return "";
    snprintf(buf, len, "%s %s", SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl));
    return buf;
}
