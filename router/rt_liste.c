/* rt_liste: see rt_liste.h. */
#include "rt_liste.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Windows-1252 0x80..0x9F (0 = undefined, read as U+FFFD). */
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

static char *cp1252_to_utf8(const uint8_t *s, size_t n)
{
    char *out = malloc(n * 3 + 1), *p = out;
    for (size_t i = 0; out && i < n; i++) {
        unsigned c = s[i] < 0x80 ? s[i] : s[i] < 0xA0 ? cp1252_high[s[i] - 0x80] : s[i];
        c = c ? c : 0xFFFD;
        if (c < 0x80)
            *p++ = (char)c;
        else if (c < 0x800) {
            *p++ = (char)(0xC0 | c >> 6);
            *p++ = (char)(0x80 | (c & 0x3F));
        } else {
            *p++ = (char)(0xE0 | c >> 12);
            *p++ = (char)(0x80 | (c >> 6 & 0x3F));
            *p++ = (char)(0x80 | (c & 0x3F));
        }
    }
    if (out) *p = 0;
    return out;
}

const struct cm_wire_attachment *rt_liste_find(const cm_msg_submit *m)
{
    for (size_t i = 0; i < m->attachments_n; i++)
        if (strcasecmp(m->attachments[i].name, "LISTE.TXT") == 0) return &m->attachments[i];
    return NULL;
}

int rt_liste_each(const cm_bytes *data, int require_sms_prefix, rt_liste_line_cb cb, void *arg)
{
    const uint8_t *s = data->data;
    size_t n = data->len;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, n -= 3;
    char *text = valid_utf8(s, n) ? strndup((const char *)s, n) : cp1252_to_utf8(s, n);
    if (!text) return -ENOMEM;
    unsigned lineno = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r') line[len - 1] = 0;
        lineno++;
        cm_recipient r;
        int rc = cm_address_parse_list_line(line, require_sms_prefix, &r);
        if (rc != CM_ADDR_SKIP) cb(lineno, line, rc, &r, arg);
    }
    free(text);
    return 0;
}
