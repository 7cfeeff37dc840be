/* dl_mime: header cleaning, RFC 2047 encoded words, quoted-printable, receipt
 * address checks (see dl_mime.h). */
#include "dl_mime.h"

#include <string.h>
#include <strings.h>

#define QP_LINE 76
#define EW_MAX_BYTES 45   /* 45 bytes -> 60 base64 chars -> a 72-character word */
#define LINE_MAX_CHARS 78 /* RFC 5322 2.1.1: longer ASCII header lines are encoded, to fold */

static int is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

void dl_mime_clean(dl_sb *b, const char *value)
{
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        dl_sb_putc(b, is_ctl(*p) ? ' ' : (char)*p);
}

static void base64(dl_sb *b, const unsigned char *p, size_t n)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n) v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n) v |= p[i + 2];
        dl_sb_putc(b, A[(v >> 18) & 63]);
        dl_sb_putc(b, A[(v >> 12) & 63]);
        dl_sb_putc(b, i + 1 < n ? A[(v >> 6) & 63] : '=');
        dl_sb_putc(b, i + 2 < n ? A[v & 63] : '=');
    }
}

/* Non-ASCII, looking like an encoded word, or too long for one line after `used`
 * characters ("Name: "). */
static int needs_encoding(const char *v, size_t used)
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)v; *p; p++, n++)
        if (*p >= 0x80) return 1;
    return used + n > LINE_MAX_CHARS || strstr(v, "=?") != NULL;
}

/* Encoded words of clean UTF-8 text s, folded; the first line already holds `used`
 * characters ("Name: "), and no line exceeds 78 characters. */
static void encoded_words(dl_sb *b, const unsigned char *s, size_t n, size_t used)
{
    size_t i = 0;

    while (i < n) {
        size_t room = (i == 0 ? 78 - used : 77) - 12; /* 12: "=?UTF-8?B?" "?=" */
        size_t max = room / 4 * 3 < EW_MAX_BYTES ? room / 4 * 3 : EW_MAX_BYTES;
        size_t k = n - i > max ? max : n - i;
        while (k > 1 && i + k < n && (s[i + k] & 0xC0) == 0x80)
            k--; /* never split a UTF-8 sequence */
        if (i > 0) dl_sb_puts(b, "\r\n ");
        dl_sb_puts(b, "=?UTF-8?B?");
        base64(b, s + i, k);
        dl_sb_puts(b, "?=");
        i += k;
    }
}

void dl_mime_header_text(dl_sb *b, const char *name, const char *value)
{
    /* names are ours and short (< 40 characters): the first word always has room */
    dl_sb clean = {0};

    dl_mime_clean(&clean, value);
    dl_sb_puts(b, name);
    dl_sb_puts(b, ": ");
    if (clean.err)
        b->err = clean.err;
    else if (clean.len > 0 && needs_encoding(clean.s, strlen(name) + 2))
        encoded_words(b, (const unsigned char *)clean.s, clean.len, strlen(name) + 2);
    else if (clean.len > 0)
        dl_sb_puts(b, clean.s);
    dl_sb_puts(b, "\r\n");
    dl_sb_free(&clean);
}

void dl_mime_header_raw(dl_sb *b, const char *name, const char *value)
{
    dl_sb_puts(b, name);
    dl_sb_puts(b, ": ");
    dl_mime_clean(b, value);
    dl_sb_puts(b, "\r\n");
}

/* One body line (without its LF) as quoted-printable. */
static void qp_line(dl_sb *b, const unsigned char *p, size_t n)
{
    static const char H[] = "0123456789ABCDEF";
    size_t col = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        int last = i + 1 == n;
        int enc = c == '=' || c >= 0x80 || (c < 0x20 && c != '\t') || c == 0x7f ||
                  (last && (c == ' ' || c == '\t'));
        size_t w = enc ? 3 : 1;

        if (col + w > QP_LINE - 1 && !(last && col + w <= QP_LINE)) {
            dl_sb_puts(b, "=\r\n");
            col = 0;
        }
        if (enc) {
            char e[3] = {'=', H[c >> 4], H[c & 15]};
            dl_sb_putn(b, e, 3);
        } else {
            dl_sb_putc(b, (char)c);
        }
        col += w;
    }
}

void dl_mime_qp(dl_sb *b, const char *body)
{
    const unsigned char *p = (const unsigned char *)body;

    while (*p) {
        const unsigned char *nl = (const unsigned char *)strchr((const char *)p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen((const char *)p);

        if (n > 0 && p[n - 1] == '\r') n--;
        qp_line(b, p, n);
        dl_sb_puts(b, "\r\n");
        if (nl == NULL) break;
        p = nl + 1;
    }
}

void dl_mime_base64(dl_sb *b, const void *data, size_t n)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < n; i += 57) { /* 57 bytes -> 76 characters */
        base64(b, p + i, n - i > 57 ? 57 : n - i);
        dl_sb_puts(b, "\r\n");
    }
}

int dl_mime_rcpt_ok(const char *addr, const char *self)
{
    const char *at;
    size_t n;

    if (addr == NULL || addr[0] == '\0' || strcmp(addr, "<>") == 0) return 0;
    n = strlen(addr);
    if (n > 254 || strpbrk(addr, " <>()[],;:\"\\") != NULL) return 0;
    for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f) return 0;
    at = strchr(addr, '@');
    if (at == NULL || at == addr || at[1] == '\0' || strchr(at + 1, '@') != NULL) return 0;
    if (self != NULL && strcasecmp(addr, self) == 0) return 0;
    return 1;
}

int dl_mime_msgid_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;

    if (n == 0 || n > 900 || strpbrk(id, "<> ") != NULL) return 0;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f) return 0;
    return 1;
}
