/* ss_text: user data decoding for the simulator's log (see ss_text.h).
 * GSM tables: 3GPP TS 23.038 §6.2.1 (default alphabet) and §6.2.1.1 (extension table). */
#include "ss_text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum alphabet { A_GSM, A_ASCII, A_LATIN1, A_UCS2, A_BINARY };

static const uint16_t gsm_default[128] = {
    0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7, 0x000A, 0x00D8,
    0x00F8, 0x000D, 0x00C5, 0x00E5, 0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,
    0x03A3, 0x0398, 0x039E, 0x00A0, 0x00C6, 0x00E6, 0x00DF, 0x00C9, 0x0020, 0x0021, 0x0022, 0x0023,
    0x00A4, 0x0025, 0x0026, 0x0027, 0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
    0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, 0x0038, 0x0039, 0x003A, 0x003B,
    0x003C, 0x003D, 0x003E, 0x003F, 0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
    0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F, 0x0050, 0x0051, 0x0052, 0x0053,
    0x0054, 0x0055, 0x0056, 0x0057, 0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
    0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, 0x0068, 0x0069, 0x006A, 0x006B,
    0x006C, 0x006D, 0x006E, 0x006F, 0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
    0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0};

/* Extension table: septet after 0x1B → code point; 0 = not defined. */
static uint32_t gsm_extension(uint8_t c)
{
    switch (c) {
    case 0x0A:
        return 0x000C;
    case 0x14:
        return '^';
    case 0x28:
        return '{';
    case 0x29:
        return '}';
    case 0x2F:
        return '\\';
    case 0x3C:
        return '[';
    case 0x3D:
        return '~';
    case 0x3E:
        return ']';
    case 0x40:
        return '|';
    case 0x65:
        return 0x20AC;
    }
    return 0;
}

/* SMPP 3.4 §5.2.19 for 0x00-0x0F, TS 23.038 §4 coding groups above. */
static enum alphabet classify(uint8_t dcs)
{
    if (dcs == 0x00) return A_GSM;
    if (dcs == 0x01) return A_ASCII;
    if (dcs == 0x03) return A_LATIN1;
    if (dcs == 0x08) return A_UCS2;
    if (dcs < 0x10) return A_BINARY;
    if (dcs < 0x40 && !(dcs & 0x20)) { /* general data coding, uncompressed */
        unsigned a = (dcs >> 2) & 3;
        return a == 0 ? A_GSM : a == 2 ? A_UCS2 : A_BINARY;
    }
    if (dcs >= 0xC0 && dcs < 0xE0) return A_GSM;
    if (dcs >= 0xE0 && dcs < 0xF0) return A_UCS2;
    if (dcs >= 0xF0) return (dcs & 0x04) ? A_BINARY : A_GSM;
    return A_BINARY;
}

struct sink {
    char *out;
    size_t size, len;
};

static void put_bytes(struct sink *s, const char *b, size_t n)
{
    if (s->size == 0 || s->len + n >= s->size) return; /* full: drop whole characters only */
    memcpy(s->out + s->len, b, n);
    s->len += n;
    s->out[s->len] = '\0';
}

static void put_cp(struct sink *s, uint32_t cp)
{
    char b[4];

    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        b[0] = (char)cp;
        put_bytes(s, b, 1);
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        put_bytes(s, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        put_bytes(s, b, 3);
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        put_bytes(s, b, 4);
    }
}

static void decode_gsm(struct sink *s, const uint8_t *in, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = in[i];
        if (c > 0x7F) {
            put_cp(s, 0xFFFD);
        } else if (c == 0x1B && i + 1 < len && in[i + 1] <= 0x7F) {
            uint32_t ext = gsm_extension(in[++i]);
            /* TS 23.038: an undefined escape shows the default-table character */
            put_cp(s, ext ? ext : gsm_default[in[i]]);
        } else {
            put_cp(s, gsm_default[c]);
        }
    }
}

static void decode_ucs2(struct sink *s, const uint8_t *in, size_t len)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        uint32_t u = (uint32_t)in[i] << 8 | in[i + 1];
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
            uint32_t lo = (uint32_t)in[i + 2] << 8 | in[i + 3];
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                put_cp(s, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                i += 2;
                continue;
            }
        }
        put_cp(s, u); /* lone surrogates become U+FFFD in put_cp */
    }
    if (i < len) put_cp(s, 0xFFFD); /* odd trailing byte */
}

static void decode_hex(struct sink *s, const uint8_t *in, size_t len)
{
    char b[4];

    put_bytes(s, "<hex:", 5);
    for (size_t i = 0; i < len; i++) {
        snprintf(b, sizeof b, "%02x", in[i]);
        put_bytes(s, b, 2);
    }
    put_bytes(s, ">", 1);
}

size_t ss_text_decode(uint8_t data_coding, const uint8_t *in, size_t len, char *out, size_t outsz)
{
    struct sink s = {out, outsz, 0};

    if (outsz) out[0] = '\0';
    switch (classify(data_coding)) {
    case A_GSM:
        decode_gsm(&s, in, len);
        break;
    case A_ASCII:
        for (size_t i = 0; i < len; i++)
            put_cp(&s, in[i] < 0x80 ? in[i] : 0xFFFD);
        break;
    case A_LATIN1:
        for (size_t i = 0; i < len; i++)
            put_cp(&s, in[i]);
        break;
    case A_UCS2:
        decode_ucs2(&s, in, len);
        break;
    case A_BINARY:
        decode_hex(&s, in, len);
        break;
    }
    return s.len;
}

int ss_text_udh(const uint8_t *ud, size_t len, struct ss_udh *u)
{
    size_t udhl, i;

    memset(u, 0, sizeof *u);
    if (len < 1 || (size_t)ud[0] + 1 > len) return -EBADMSG;
    udhl = ud[0];
    for (i = 1; i + 1 < udhl + 1;) {
        uint8_t iei = ud[i], iel = ud[i + 1];
        const uint8_t *v = ud + i + 2;
        if (i + 2 + iel > udhl + 1) return -EBADMSG;
        if (iei == 0x00 && iel == 3) {
            *u = (struct ss_udh){1, v[0], v[1], v[2], u->other};
        } else if (iei == 0x08 && iel == 4) {
            *u = (struct ss_udh){1, (unsigned)v[0] << 8 | v[1], v[2], v[3], u->other};
        } else {
            u->other++;
        }
        i += 2 + (size_t)iel;
    }
    return (int)(udhl + 1);
}

size_t ss_text_quote(const char *in, char *out, size_t outsz)
{
    struct sink s = {out, outsz, 0};
    char b[8];

    if (outsz) out[0] = '\0';
    for (; *in; in++) {
        unsigned char c = (unsigned char)*in;
        if (c == '"' || c == '\\') {
            b[0] = '\\';
            b[1] = (char)c;
            put_bytes(&s, b, 2);
        } else if (c == '\n' || c == '\r' || c == '\t') {
            b[0] = '\\';
            b[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
            put_bytes(&s, b, 2);
        } else if (c < 0x20 || c == 0x7F) {
            snprintf(b, sizeof b, "\\x%02x", c);
            put_bytes(&s, b, 4);
        } else {
            put_bytes(&s, (const char *)&c, 1);
        }
    }
    return s.len;
}

size_t ss_text_token(const char *in, char *out, size_t outsz)
{
    struct sink s = {out, outsz, 0};
    char b[8];

    if (outsz) out[0] = '\0';
    if (*in == '\0') put_bytes(&s, "-", 1);
    for (; *in; in++) {
        unsigned char c = (unsigned char)*in;
        if (c <= 0x20 || c >= 0x7F || c == '"' || c == '\\' || c == '=') {
            snprintf(b, sizeof b, "\\x%02x", c);
            put_bytes(&s, b, 4);
        } else {
            put_bytes(&s, (const char *)&c, 1);
        }
    }
    return s.len;
}

size_t ss_text_receipt(const char *in, size_t max, char *out, size_t outsz)
{
    static const char same_in_gsm[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                      "0123456789 !\"#%&'()*+,-./:;<=>?";
    struct sink s = {out, outsz, 0};
    size_t n = 0;

    if (outsz) out[0] = '\0';
    for (; *in && n < max; in++) {
        unsigned char c = (unsigned char)*in;
        if ((c & 0xC0) == 0x80) continue; /* continuation byte of a character already replaced */
        char r = c < 0x80 && strchr(same_in_gsm, c) ? (char)c : '?';
        put_bytes(&s, &r, 1);
        n++;
    }
    return s.len;
}
