/* si_auth: see si_auth.h. */
#include "si_auth.h"

#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char c)
{
    const char *p = c ? strchr(B64, c) : NULL;
    return p ? (int)(p - B64) : -1;
}

int si_b64_decode(const char *in, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = strlen(in), o = 0;
    if (n % 4) return -EINVAL;
    for (size_t i = 0; i < n; i += 4) {
        int v[4], pad = 0;
        for (int k = 0; k < 4; k++) {
            int last = i + 4 == n;
            if (in[i + k] == '=' && last && k >= 2 && (k == 3 || in[i + 3] == '=')) {
                v[k] = 0;
                pad++;
            } else if ((v[k] = b64_value(in[i + k])) < 0 || pad) {
                return -EINVAL;
            }
        }
        uint32_t w =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        if (o + 3 - (size_t)pad > cap) return -ENOSPC;
        out[o++] = (uint8_t)(w >> 16);
        if (pad < 2) out[o++] = (uint8_t)(w >> 8);
        if (pad < 1) out[o++] = (uint8_t)w;
    }
    *len = o;
    return 0;
}

size_t si_b64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t w = (uint32_t)in[i] << 16;
        if (i + 1 < n) w |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n) w |= in[i + 2];
        out[o++] = B64[w >> 18 & 63];
        out[o++] = B64[w >> 12 & 63];
        out[o++] = i + 1 < n ? B64[w >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? B64[w & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

/* Copies msg[0..n) into out (cap with its NUL); -EINVAL if empty or too long. */
static int copy_field(const uint8_t *p, size_t n, char *out, size_t cap)
{
    if (n == 0 || n >= cap) return -EINVAL;
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

int si_auth_plain(const uint8_t *msg, size_t n, char *user, size_t ucap, char *pass, size_t pcap)
{
    const uint8_t *nul1 = memchr(msg, '\0', n);
    if (!nul1) return -EINVAL;
    const uint8_t *u = nul1 + 1, *end = msg + n;
    const uint8_t *nul2 = memchr(u, '\0', (size_t)(end - u));
    if (!nul2 || memchr(nul2 + 1, '\0', (size_t)(end - nul2 - 1))) return -EINVAL;
    size_t zlen = (size_t)(nul1 - msg), ulen = (size_t)(nul2 - u);
    if (zlen && (zlen != ulen || memcmp(msg, u, ulen) != 0)) return -EINVAL;
    if (copy_field(u, ulen, user, ucap) < 0) return -EINVAL;
    return copy_field(nul2 + 1, (size_t)(end - nul2 - 1), pass, pcap);
}

int si_auth_verify(const char *hash, const char *password)
{
    struct crypt_data *cd = calloc(1, sizeof *cd); /* ~32 KiB: not on the stack */
    if (!cd) return 0;
    const char *out = crypt_r(password, hash, cd);
    size_t hl = strlen(hash);
    int ok = out && out[0] != '*' && strlen(out) == hl;
    unsigned char diff = 0;
    for (size_t i = 0; ok && i < hl; i++)
        diff |= (unsigned char)(out[i] ^ hash[i]);
    ok = ok && diff == 0;
    explicit_bzero(cd, sizeof *cd);
    free(cd);
    return ok;
}
