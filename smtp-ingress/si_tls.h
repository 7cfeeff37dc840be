/* si_tls: server-side TLS for one SMTP connection with OpenSSL over memory BIOs, so
 * the socket stays libuv's (no sockets here; unit-testable with an in-memory client).
 *
 * si_tls_ctx_create() loads the certificate chain and key (PEM files) into a server
 * SSL_CTX (TLS 1.2 minimum, no compression, no renegotiation); on failure it returns
 * -EINVAL and writes OpenSSL's reason into err.
 *
 * Per connection: si_tls_new() after the "220 Ready to start TLS" reply was written in
 * plaintext; si_tls_feed() takes the ciphertext read from the socket, runs the
 * handshake and calls plain(arg, p, n) for every piece of plaintext it decrypts (in
 * order; plain may call si_tls_write); si_tls_write() encrypts plaintext to send;
 * si_tls_take() hands over the ciphertext waiting to be written to the socket
 * (handshake records, alerts, encrypted replies) as a malloc'd buffer the caller frees,
 * NULL when there is none. Errors (negative errno, connection unusable from then on):
 * -EPROTO for a handshake or record failure (the reason is in si_tls_error()),
 * -ECONNRESET when the client sent close_notify, -ENOMEM.
 *
 * Ownership: the SSL_CTX is the process's (SSL_CTX_free at exit); a si_tls is the
 * session's (si_tls_free). */
#ifndef SI_TLS_H
#define SI_TLS_H

#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>

typedef struct si_tls si_tls;
typedef void (*si_tls_plain_cb)(void *arg, const uint8_t *p, size_t n);

int si_tls_ctx_create(const char *cert_file, const char *key_file, SSL_CTX **out, char *err,
                      size_t errlen);
si_tls *si_tls_new(SSL_CTX *ctx);
void si_tls_free(si_tls *t);
int si_tls_feed(si_tls *t, const uint8_t *in, size_t n, si_tls_plain_cb plain, void *arg);
int si_tls_write(si_tls *t, const void *p, size_t n);
uint8_t *si_tls_take(si_tls *t, size_t *len);
int si_tls_done(const si_tls *t); /* 1 once the handshake completed */
const char *si_tls_error(const si_tls *t);
/* "TLSv1.3 TLS_AES_256_GCM_SHA384" once the handshake is done, else "". */
const char *si_tls_describe(const si_tls *t, char *buf, size_t len);

#endif
