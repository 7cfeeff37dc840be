/* dl_msgid: canonical keys of SMSC message ids (rule in dl_msgid.h). */
#include "dl_msgid.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Value of the lower-case digits s in `base`, or -1 when not all digits or too long. */
static int parse_num(const char *s, unsigned base, size_t maxlen, uint64_t *v)
{
    size_t n = strlen(s);

    if (n == 0 || n > maxlen) return -1;
    *v = 0;
    for (; *s; s++) {
        int d = hexval(*s);
        if (d < 0 || (unsigned)d >= base || *v > (UINT64_MAX - (uint64_t)d) / base)
            return -1; /* not a digit, or over 64 bits */
        *v = *v * base + (uint64_t)d;
    }
    return 0;
}

int dl_msgid_canon(const char *id, dl_msgid_keys *out)
{
    char low[DL_MSGID_MAX + 1];
    const char *t;
    size_t i, n;
    uint64_t v;

    out->n = 0;
    n = id ? strlen(id) : 0;
    if (n == 0 || n > DL_MSGID_MAX) return -EINVAL;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id[i];
        if (c < 0x21 || c > 0x7e) return -EINVAL;
        low[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    low[n] = '\0';
    for (t = low; *t == '0' && t[1] != '\0'; t++)
        ;
    snprintf(out->k[out->n++], DL_MSGID_KEY_CAP, "t:%s", t);
    if (parse_num(t, 16, 16, &v) == 0)
        snprintf(out->k[out->n++], DL_MSGID_KEY_CAP, "n:%" PRIu64, v);
    if (parse_num(t, 10, 20, &v) == 0)
        snprintf(out->k[out->n++], DL_MSGID_KEY_CAP, "n:%" PRIu64, v);
    return 0;
}

int dl_msgid_dbkey(const char *op, const char *key, char *out, size_t cap)
{
    size_t ol = op ? strlen(op) : 0, kl = strlen(key);

    if (ol == 0 || ol > 255 || ol + 1 + kl > cap) return -EINVAL;
    memcpy(out, op, ol);
    out[ol] = '\0';
    memcpy(out + ol + 1, key, kl);
    return (int)(ol + 1 + kl);
}
