/* si_auth: the pure parts of SMTP AUTH (RFC 4954) on the submission listener: strict
 * base64, the PLAIN message (RFC 4616), and password verification against a crypt(3)
 * hash with libcrypt's crypt_r (thread-safe: the session runs it on the libuv thread
 * pool, see si_smtp_auth.c).
 *
 * si_b64_decode() decodes in (NUL-terminated, no white space) into out[0..cap) and sets
 * *len; -EINVAL when it is not canonical base64 (length not a multiple of 4, a foreign
 * character, padding elsewhere than at the end), -ENOSPC when out is too small.
 * si_b64_encode() writes the NUL-terminated encoding of in[0..n) into out (cap at least
 * 4 * ((n + 2) / 3) + 1); returns its length.
 *
 * si_auth_plain() splits "authzid NUL authcid NUL passwd" into user and pass (copied,
 * NUL-terminated); an authzid other than "" or the authcid itself (acting for someone
 * else) is refused, as are empty names, NUL-less messages and values longer than the
 * buffers: -EINVAL.
 *
 * si_auth_verify() returns 1 when crypt_r(password, hash) reproduces hash exactly
 * (compared in constant time), 0 otherwise (also for a malformed hash). */
#ifndef SI_AUTH_H
#define SI_AUTH_H

#include <stddef.h>
#include <stdint.h>

int si_b64_decode(const char *in, uint8_t *out, size_t cap, size_t *len);
size_t si_b64_encode(const uint8_t *in, size_t n, char *out);
int si_auth_plain(const uint8_t *msg, size_t n, char *user, size_t ucap, char *pass, size_t pcap);
int si_auth_verify(const char *hash, const char *password);

#endif
