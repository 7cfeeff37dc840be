/* rt_charset: see rt_charset.h. */
#include "rt_charset.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

static int valid_utf8(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t len = s[i] < 0x80             ? 1
                     : (s[i] & 0xE0) == 0xC0 ? 2
                     : (s[i] & 0xF0) == 0xE0 ? 3
                     : (s[i] & 0xF8) == 0xF0 ? 4
                                             : 0;
        if (!len || i + len > n || (len == 2 && s[i] < 0xC2)) return 0;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80) return 0;
        i += len;
    }
    return 1;
}

static char *put_utf8(char *p, unsigned c)
{
    if (c < 0x80) {
        *p++ = (char)c;
    } else if (c < 0x800) {
        *p++ = (char)(0xC0 | c >> 6);
        *p++ = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        *p++ = (char)(0xE0 | c >> 12);
        *p++ = (char)(0x80 | (c >> 6 & 0x3F));
        *p++ = (char)(0x80 | (c & 0x3F));
    } else {
        *p++ = (char)(0xF0 | c >> 18);
        *p++ = (char)(0x80 | (c >> 12 & 0x3F));
        *p++ = (char)(0x80 | (c >> 6 & 0x3F));
        *p++ = (char)(0x80 | (c & 0x3F));
    }
    return p;
}

static char *cp1252_to_utf8(const uint8_t *s, size_t n, size_t *out_len)
{
    char *out = malloc(n * 3 + 1), *p = out;
    for (size_t i = 0; out && i < n; i++) {
        unsigned c = s[i] < 0x80 ? s[i] : s[i] < 0xA0 ? cp1252_high[s[i] - 0x80] : s[i];
        p = put_utf8(p, c ? c : 0xFFFD);
    }
    if (!out) return NULL;
    *p = 0;
    *out_len = (size_t)(p - out);
    return out;
}

/* UTF-16 (BOM already removed; be = big-endian) -> UTF-8; unpaired surrogates and a
 * trailing odd byte become U+FFFD. */
static char *utf16_to_utf8(const uint8_t *s, size_t n, int be, size_t *out_len)
{
    char *out = malloc(n / 2 * 3 + 4), *p = out;
    if (!out) return NULL;
    for (size_t i = 0; i + 1 < n; i += 2) {
        unsigned c = be ? (unsigned)s[i] << 8 | s[i + 1] : (unsigned)s[i + 1] << 8 | s[i];
        if (c >= 0xD800 && c < 0xDC00 && i + 3 < n) {
            unsigned d =
                be ? (unsigned)s[i + 2] << 8 | s[i + 3] : (unsigned)s[i + 3] << 8 | s[i + 2];
            if (d >= 0xDC00 && d < 0xE000) {
                c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
                i += 2;
            }
        }
        p = put_utf8(p, (c >= 0xD800 && c < 0xE000) || c == 0 ? 0xFFFD : c);
    }
    if (n % 2) p = put_utf8(p, 0xFFFD);
    *p = 0;
    *out_len = (size_t)(p - out);
    return out;
}

int rt_charset_utf8(const cm_bytes *data, char **out, size_t *out_len)
{
    const uint8_t *s = data->data;
    size_t n = data->len;
    if (n >= 2 && (memcmp(s, "\xFF\xFE", 2) == 0 || memcmp(s, "\xFE\xFF", 2) == 0)) {
        *out = utf16_to_utf8(s + 2, n - 2, s[0] == 0xFE, out_len);
        return *out ? 0 : -ENOMEM;
    }
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, n -= 3;
    if (memchr(s, 0, n)) return -EBADMSG;
    if (!valid_utf8(s, n)) {
        *out = cp1252_to_utf8(s, n, out_len);
        return *out ? 0 : -ENOMEM;
    }
    *out = malloc(n + 1);
    if (!*out) return -ENOMEM;
    if (n) memcpy(*out, s, n);
    (*out)[n] = 0;
    *out_len = n;
    return 0;
}
