/* dl_msgid: canonical keys of SMSC message ids (rule in dl_msgid.h). */
#include "dl_msgid.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* How one side of one format reads an id. */
enum reading { R_AUTO, R_HEX, R_DEC, R_TEXT };

static const struct {
    const char *name;
    enum reading side[2]; /* by enum dl_msgid_side */
} FORMATS[] = {
    [DL_MSGID_AUTO] = {"auto", {R_AUTO, R_AUTO}},
    [DL_MSGID_HEX] = {"hex", {R_HEX, R_HEX}},
    [DL_MSGID_DECIMAL] = {"decimal", {R_DEC, R_DEC}},
    [DL_MSGID_HEX_RESP_DECIMAL_RECEIPT] = {"hex_resp_decimal_receipt", {R_HEX, R_DEC}},
    [DL_MSGID_TEXT] = {"text", {R_TEXT, R_TEXT}},
};

#define N_FORMATS (sizeof(FORMATS) / sizeof(FORMATS[0]))

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

/* low: the id lower-cased; *norm points into it past the leading zeros. */
static int lower(const char *id, char *low, const char **norm)
{
    size_t n = id ? strlen(id) : 0;

    if (n == 0 || n > DL_MSGID_MAX) return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id[i];
        if (c < 0x21 || c > 0x7e) return -EINVAL;
        low[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    low[n] = '\0';
    for (*norm = low; **norm == '0' && (*norm)[1] != '\0'; (*norm)++)
        ;
    return 0;
}

/* Add "prefix" + s unless it is there already. */
static void add(dl_msgid_keys *out, const char *prefix, const char *s)
{
    char k[DL_MSGID_KEY_CAP];

    snprintf(k, sizeof(k), "%s%s", prefix, s);
    for (int i = 0; i < out->n; i++)
        if (strcmp(out->k[i], k) == 0) return;
    memcpy(out->k[out->n++], k, sizeof(k));
}

/* Add "n:" + the value of norm in base; 0 if it is not such a number. */
static int add_num(dl_msgid_keys *out, const char *norm, unsigned base)
{
    char d[24];
    uint64_t v;

    if (parse_num(norm, base, base == 16 ? 16 : 20, &v) < 0) return 0;
    snprintf(d, sizeof(d), "%" PRIu64, v);
    add(out, "n:", d);
    return 1;
}

int dl_msgid_keys_of(const char *id, enum dl_msgid_format fmt, enum dl_msgid_side side,
                     dl_msgid_keys *out)
{
    char low[DL_MSGID_MAX + 1];
    const char *norm;
    int rc = lower(id, low, &norm);

    out->n = 0;
    if (rc < 0) return rc;
    if ((unsigned)fmt >= N_FORMATS || (side != DL_MSGID_RESP && side != DL_MSGID_RECEIPT))
        return -EINVAL;
    switch (FORMATS[fmt].side[side]) {
    case R_AUTO:
        add(out, "t:", norm);
        add_num(out, norm, 16);
        add_num(out, norm, 10);
        break;
    case R_HEX:
        if (!add_num(out, norm, 16)) add(out, "t:", norm);
        break;
    case R_DEC:
        if (!add_num(out, norm, 10)) add(out, "t:", norm);
        break;
    case R_TEXT:
        add(out, "t:", low);
        break;
    }
    return 0;
}

int dl_msgid_key_stored(const char *id, enum dl_msgid_format fmt, dl_msgid_keys *out)
{
    int rc = dl_msgid_keys_of(id, fmt, DL_MSGID_RESP, out);

    if (rc == 0 && out->n > 1) out->n = 1; /* auto: "t:" + norm comes first */
    return rc;
}

/* Add "t:" + the value of norm read in base `from`, written in the other base. */
static void add_other(dl_msgid_keys *out, const char *norm, unsigned from)
{
    char d[24];
    uint64_t v;

    if (parse_num(norm, from, from == 16 ? 16 : 20, &v) < 0) return;
    snprintf(d, sizeof(d), from == 16 ? "%" PRIu64 : "%" PRIx64, v);
    add(out, "t:", d);
}

int dl_msgid_keys_lookup(const char *id, enum dl_msgid_format fmt, dl_msgid_keys *out)
{
    char low[DL_MSGID_MAX + 1];
    const char *norm;
    int rc;

    if (fmt != DL_MSGID_AUTO) return dl_msgid_keys_of(id, fmt, DL_MSGID_RECEIPT, out);
    out->n = 0;
    rc = lower(id, low, &norm);
    if (rc < 0) return rc;
    add(out, "t:", norm);
    add_other(out, norm, 10);
    add_other(out, norm, 16);
    return 0;
}

int dl_msgid_canon(const char *id, dl_msgid_keys *out)
{
    return dl_msgid_keys_of(id, DL_MSGID_AUTO, DL_MSGID_RESP, out);
}

int dl_msgid_keys_any(const char *id, dl_msgid_keys *out)
{
    char low[DL_MSGID_MAX + 1];
    const char *norm;
    int rc = lower(id, low, &norm);

    out->n = 0;
    if (rc < 0) return rc;
    add(out, "t:", norm);
    add_num(out, norm, 16);
    add_num(out, norm, 10);
    add(out, "t:", low);
    return 0;
}

const char *dl_msgid_format_name(enum dl_msgid_format fmt)
{
    return (unsigned)fmt < N_FORMATS ? FORMATS[fmt].name : "?";
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
