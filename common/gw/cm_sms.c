/*
 * cm_sms: SMS text codec. Contract in cm_sms.h.
 *
 * Two passes: a scan decides the coding (raw GSM, transliterated GSM or raw UCS-2) and
 * counts units, then an encoder fills an exactly-sized buffer. Segmentation works on the
 * encoded bytes: a cut that would leave an escape (0x1B) or a high surrogate as the last
 * unit of a part moves back by that one unit.
 */
#include "cm_sms.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define GSM_ESC 0x1B
#define GSM_EXT 0x100 /* gsm_code() flag: extension table, sent as ESC + code */
#define NO_CP 0xFFFF  /* gsm_default[] slot that maps no character (the escape) */
#define REPLACEMENT 0xFFFD

/* 3GPP TS 23.038 6.2.1: GSM 7-bit default alphabet, septet -> Unicode. */
static const uint16_t gsm_default[128] = {
    0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, /* 0x00 */
    0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5, /* 0x08 */
    0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8, /* 0x10 */
    0x03A3, 0x0398, 0x039E, NO_CP,  0x00C6, 0x00E6, 0x00DF, 0x00C9, /* 0x18 */
    0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027, /* 0x20 */
    0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F, /* 0x28 */
    0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, /* 0x30 */
    0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F, /* 0x38 */
    0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047, /* 0x40 */
    0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F, /* 0x48 */
    0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057, /* 0x50 */
    0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7, /* 0x58 */
    0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, /* 0x60 */
    0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F, /* 0x68 */
    0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077, /* 0x70 */
    0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0, /* 0x78 */
};

/* 3GPP TS 23.038 6.2.1.1: extension table (after the escape). */
static const struct {
    uint8_t code;
    uint16_t cp;
} gsm_ext[] = {
    {0x0A, 0x000C}, {0x14, 0x005E}, {0x28, 0x007B}, {0x29, 0x007D}, {0x2F, 0x005C},
    {0x3C, 0x005B}, {0x3D, 0x007E}, {0x3E, 0x005D}, {0x40, 0x007C}, {0x65, 0x20AC},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Transliteration: characters outside GSM 03.38 -> GSM text ("" drops the character). */
static const struct {
    uint32_t cp;
    const char *to;
} translit[] = {
    {0x0009, " "}, {0x00A0, " "},   {0x00A6, "|"},   {0x00A9, "(c)"}, {0x00AB, "\""},
    {0x00AD, ""},  {0x00AE, "(R)"}, {0x00B4, "'"},   {0x00B7, "."},   {0x00BB, "\""},
    {0x00C0, "A"}, {0x00C1, "A"},   {0x00C2, "A"},   {0x00C3, "A"},   {0x00C8, "E"},
    {0x00CA, "E"}, {0x00CB, "E"},   {0x00CC, "I"},   {0x00CD, "I"},   {0x00CE, "I"},
    {0x00CF, "I"}, {0x00D2, "O"},   {0x00D3, "O"},   {0x00D4, "O"},   {0x00D5, "O"},
    {0x00D7, "x"}, {0x00D9, "U"},   {0x00DA, "U"},   {0x00DB, "U"},   {0x00DD, "Y"},
    {0x00E1, "a"}, {0x00E2, "a"},   {0x00E3, "a"},   {0x00E7, "c"},   {0x00EA, "e"},
    {0x00EB, "e"}, {0x00ED, "i"},   {0x00EE, "i"},   {0x00EF, "i"},   {0x00F3, "o"},
    {0x00F4, "o"}, {0x00F5, "o"},   {0x00F7, "/"},   {0x00FA, "u"},   {0x00FB, "u"},
    {0x00FD, "y"}, {0x00FF, "y"},   {0x0152, "OE"},  {0x0153, "oe"},  {0x0178, "Y"},
    {0x02BC, "'"}, {0x02C6, "^"},   {0x02DC, "~"},   {0x0391, "A"},   {0x0392, "B"},
    {0x0395, "E"}, {0x0396, "Z"},   {0x0397, "H"},   {0x0399, "I"},   {0x039A, "K"},
    {0x039C, "M"}, {0x039D, "N"},   {0x039F, "O"},   {0x03A1, "P"},   {0x03A4, "T"},
    {0x03A5, "Y"}, {0x03A7, "X"},   {0x2000, " "},   {0x2001, " "},   {0x2002, " "},
    {0x2003, " "}, {0x2004, " "},   {0x2005, " "},   {0x2006, " "},   {0x2007, " "},
    {0x2008, " "}, {0x2009, " "},   {0x200A, " "},   {0x200B, ""},    {0x200C, ""},
    {0x200D, ""},  {0x2010, "-"},   {0x2011, "-"},   {0x2012, "-"},   {0x2013, "-"},
    {0x2014, "-"}, {0x2015, "-"},   {0x2018, "'"},   {0x2019, "'"},   {0x201A, "'"},
    {0x201B, "'"}, {0x201C, "\""},  {0x201D, "\""},  {0x201E, "\""},  {0x201F, "\""},
    {0x2022, "-"}, {0x2024, "."},   {0x2026, "..."}, {0x2028, "\n"},  {0x2029, "\n"},
    {0x202F, " "}, {0x2032, "'"},   {0x2033, "\""},  {0x2039, "'"},   {0x203A, "'"},
    {0x2044, "/"}, {0x205F, " "},   {0x2060, ""},    {0x2122, "TM"},  {0x2212, "-"},
    {0x3000, " "}, {0xFEFF, ""},
};

/* Per coding: unit size, capacities in units (single / 8-bit ref UDH / 16-bit ref UDH),
 * how to emit a code point and where to cut without splitting a pair. */
typedef struct coding_desc {
    int coding;
    size_t unit_bytes;
    size_t single, multi8, multi16;
    size_t (*emit)(uint8_t *p, uint32_t cp);
    size_t (*cut)(const uint8_t *data, size_t end);
} coding_desc;

typedef struct cp_iter {
    const uint8_t *s;
    size_t len, pos;
    const uint8_t *rep; /* pending transliteration */
    size_t rep_len, rep_pos;
    int translit;
} cp_iter;

typedef struct scan {
    size_t chars, septets, u16;
    int gsm;
} scan;

/* ---- UTF-8 ---- */

static int utf8_next(const uint8_t *s, size_t len, size_t *pos, uint32_t *cp)
{
    static const uint32_t min[4] = {0, 0x80, 0x800, 0x10000};
    size_t i = *pos, n;
    uint32_t c = s[i];

    if (c < 0x80)
        n = 0;
    else if ((c & 0xE0) == 0xC0)
        n = 1, c &= 0x1F;
    else if ((c & 0xF0) == 0xE0)
        n = 2, c &= 0x0F;
    else if ((c & 0xF8) == 0xF0)
        n = 3, c &= 0x07;
    else
        return -EILSEQ;
    if (n > len - i - 1) return -EILSEQ;
    for (size_t k = 1; k <= n; k++) {
        if ((s[i + k] & 0xC0) != 0x80) return -EILSEQ;
        c = (c << 6) | (s[i + k] & 0x3F);
    }
    if (c < min[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) || c == 0) return -EILSEQ;
    *pos = i + 1 + n;
    *cp = c;
    return 0;
}

static size_t utf8_put(uint8_t *p, uint32_t cp)
{
    if (cp < 0x80) {
        p[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        p[0] = (uint8_t)(0xC0 | cp >> 6);
        p[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        p[0] = (uint8_t)(0xE0 | cp >> 12);
        p[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        p[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    p[0] = (uint8_t)(0xF0 | cp >> 18);
    p[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    p[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    p[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* ---- tables ---- */

/* Septet (0..0x7F), GSM_EXT | code for the extension table, or -1. Most ASCII
 * characters are their own septet: each code point appears once in gsm_default, so
 * that slot is the answer without the search (which costs ~60 comparisons a character). */
static int gsm_code(uint32_t cp)
{
    if (cp < NELEM(gsm_default) && gsm_default[cp] == cp) return (int)cp;
    for (size_t i = 0; i < NELEM(gsm_default); i++)
        if (gsm_default[i] == cp && i != GSM_ESC) return (int)i;
    for (size_t i = 0; i < NELEM(gsm_ext); i++)
        if (gsm_ext[i].cp == cp) return GSM_EXT | gsm_ext[i].code;
    return -1;
}

/* Character after an escape; unknown codes fall back to the default table (23.038). */
static uint32_t gsm_ext_cp(uint8_t code)
{
    for (size_t i = 0; i < NELEM(gsm_ext); i++)
        if (gsm_ext[i].code == code) return gsm_ext[i].cp;
    return code == GSM_ESC ? ' ' : gsm_default[code];
}

static const char *translit_of(uint32_t cp)
{
    for (size_t i = 0; i < NELEM(translit); i++)
        if (translit[i].cp == cp) return translit[i].to;
    return NULL;
}

/* ---- code point iteration, with optional transliteration ---- */

static void iter_init(cp_iter *it, const char *s, size_t len, int translit_on)
{
    memset(it, 0, sizeof(*it));
    it->s = (const uint8_t *)s;
    it->len = len;
    it->translit = translit_on;
}

/* 1: *cp set; 0: end; -EILSEQ. */
static int iter_next(cp_iter *it, uint32_t *cp)
{
    for (;;) {
        if (it->rep_pos < it->rep_len)
            return utf8_next(it->rep, it->rep_len, &it->rep_pos, cp) == 0 ? 1 : -EILSEQ;
        if (it->pos >= it->len) return 0;
        int rc = utf8_next(it->s, it->len, &it->pos, cp);
        if (rc < 0) return rc;
        const char *to = it->translit ? translit_of(*cp) : NULL;
        if (!to) return 1;
        it->rep = (const uint8_t *)to;
        it->rep_len = strlen(to);
        it->rep_pos = 0;
    }
}

static int scan_text(const char *s, size_t len, int translit_on, scan *sc)
{
    cp_iter it;
    uint32_t cp;
    int rc;

    memset(sc, 0, sizeof(*sc));
    sc->gsm = 1;
    iter_init(&it, s, len, translit_on);
    while ((rc = iter_next(&it, &cp)) > 0) {
        int g = gsm_code(cp);
        sc->chars++;
        if (g < 0)
            sc->gsm = 0;
        else
            sc->septets += (g & GSM_EXT) ? 2 : 1;
        sc->u16 += cp > 0xFFFF ? 2 : 1;
    }
    return rc;
}

/* ---- codings ---- */

static size_t gsm_emit(uint8_t *p, uint32_t cp)
{
    int g = gsm_code(cp);

    if (g & GSM_EXT) {
        p[0] = GSM_ESC;
        p[1] = (uint8_t)(g & 0x7F);
        return 2;
    }
    p[0] = (uint8_t)g;
    return 1;
}

static size_t gsm_cut(const uint8_t *data, size_t end)
{
    return data[end - 1] == GSM_ESC ? end - 1 : end;
}

static void put16(uint8_t *p, uint32_t u)
{
    p[0] = (uint8_t)(u >> 8);
    p[1] = (uint8_t)(u & 0xFF);
}

static size_t ucs2_emit(uint8_t *p, uint32_t cp)
{
    if (cp < 0x10000) {
        put16(p, cp);
        return 2;
    }
    cp -= 0x10000;
    put16(p, 0xD800 | (cp >> 10));
    put16(p + 2, 0xDC00 | (cp & 0x3FF));
    return 4;
}

static size_t ucs2_cut(const uint8_t *data, size_t end)
{
    return (data[end - 2] & 0xFC) == 0xD8 ? end - 2 : end;
}

static const coding_desc codings[] = {
    {CM_SMS_GSM7, 1, 160, 153, 152, gsm_emit, gsm_cut},
    {CM_SMS_UCS2, 2, 70, 67, 66, ucs2_emit, ucs2_cut},
};

/* ---- encoding ---- */

/* Number of parts; fills bound[0..parts] when bound is not NULL. Stops counting past
 * CM_SMS_MAX_PARTS. */
static size_t segment(const coding_desc *c, const uint8_t *data, size_t len, unsigned flags,
                      size_t *bound)
{
    size_t cap = (flags & CM_SMS_REF16 ? c->multi16 : c->multi8) * c->unit_bytes;
    size_t n = 0, off = 0;

    if (bound) bound[0] = 0;
    if (len <= c->single * c->unit_bytes) {
        if (bound) bound[1] = len;
        return 1;
    }
    while (off < len && n <= CM_SMS_MAX_PARTS) {
        size_t end = off + cap >= len ? len : c->cut(data, off + cap);
        n++;
        if (bound) bound[n] = end;
        off = end;
    }
    return n;
}

/* Decides the coding; on success *sc describes the text to encode. */
static int choose(const char *s, size_t len, unsigned flags, scan *sc, int *translit_on)
{
    scan t;
    int rc = scan_text(s, len, 0, sc);

    *translit_on = 0;
    if (rc < 0 || sc->gsm || !(flags & CM_SMS_TRANSLIT)) return rc;
    rc = scan_text(s, len, 1, &t);
    if (rc == 0 && t.gsm) {
        *sc = t;
        *translit_on = 1;
    }
    return rc;
}

static int fill(cm_sms_text *t, const coding_desc *c, const char *s, size_t len)
{
    cp_iter it;
    uint32_t cp;
    size_t parts;

    t->data = malloc(t->len ? t->len : 1);
    if (!t->data) return -ENOMEM;
    iter_init(&it, s, len, t->info.translit);
    for (size_t off = 0; iter_next(&it, &cp) > 0;)
        off += c->emit(t->data + off, cp);
    parts = segment(c, t->data, t->len, t->flags, NULL);
    if (parts > CM_SMS_MAX_PARTS) return -E2BIG;
    t->bound = malloc((parts + 1) * sizeof(*t->bound));
    if (!t->bound) return -ENOMEM;
    t->info.parts = segment(c, t->data, t->len, t->flags, t->bound);
    return 0;
}

int cm_sms_encode(const char *utf8, size_t len, unsigned flags, cm_sms_text *out)
{
    scan sc;
    int translit_on, rc;

    if (!out) return -EINVAL;
    memset(out, 0, sizeof(*out));
    if ((!utf8 && len) || (flags & ~(CM_SMS_TRANSLIT | CM_SMS_REF16))) return -EINVAL;
    rc = choose(utf8, len, flags, &sc, &translit_on);
    if (rc < 0) return rc;
    const coding_desc *c = &codings[sc.gsm ? 0 : 1];
    out->flags = flags;
    out->info.coding = c->coding;
    out->info.translit = translit_on;
    out->info.units = sc.gsm ? sc.septets : sc.u16;
    out->info.chars = sc.chars;
    out->len = out->info.units * c->unit_bytes;
    rc = fill(out, c, utf8, len);
    if (rc < 0) cm_sms_text_free(out);
    return rc;
}

void cm_sms_text_free(cm_sms_text *t)
{
    if (!t) return;
    free(t->data);
    free(t->bound);
    memset(t, 0, sizeof(*t));
}

int cm_sms_measure(const char *utf8, size_t len, unsigned flags, cm_sms_info *info)
{
    cm_sms_text t;
    int rc;

    if (!info) return -EINVAL;
    memset(info, 0, sizeof(*info));
    rc = cm_sms_encode(utf8, len, flags, &t);
    if (rc == 0) *info = t.info;
    cm_sms_text_free(&t);
    return rc;
}

/* ---- diagnostics ---- */

static int already_listed(const char *buf, size_t used, uint32_t cp)
{
    uint32_t c;

    for (size_t pos = 0; pos < used;) {
        if (utf8_next((const uint8_t *)buf, used, &pos, &c) < 0) return 0;
        if (c == cp) return 1;
    }
    return 0;
}

int cm_sms_ucs2_chars(const char *utf8, size_t len, unsigned flags, char *buf, size_t size)
{
    cp_iter it;
    uint32_t cp;
    size_t used = 0;
    int n = 0, full = 0, rc;

    if (!buf || !size || (!utf8 && len)) return -EINVAL;
    buf[0] = '\0';
    iter_init(&it, utf8, len, (flags & CM_SMS_TRANSLIT) != 0);
    while ((rc = iter_next(&it, &cp)) > 0) {
        uint8_t tmp[4];
        if (full || gsm_code(cp) >= 0 || already_listed(buf, used, cp)) continue;
        size_t k = utf8_put(tmp, cp);
        if (used + k + 1 > size || n == INT_MAX) {
            full = 1;
            continue;
        }
        memcpy(buf + used, tmp, k);
        used += k;
        buf[used] = '\0';
        n++;
    }
    if (rc < 0) buf[0] = '\0';
    return rc < 0 ? rc : n;
}

/* ---- short_message of one part ---- */

static size_t udh_concat_put(uint8_t *p, int ref16, unsigned ref, size_t total, size_t seq)
{
    size_t n = 0;

    p[n++] = ref16 ? 0x06 : 0x05;
    p[n++] = ref16 ? 0x08 : 0x00;
    p[n++] = ref16 ? 0x04 : 0x03;
    if (ref16) p[n++] = (uint8_t)((ref >> 8) & 0xFF);
    p[n++] = (uint8_t)(ref & 0xFF);
    p[n++] = (uint8_t)total;
    p[n++] = (uint8_t)seq;
    return n;
}

int cm_sms_part_udh(const cm_sms_text *t, size_t i, unsigned ref, uint8_t *buf, size_t size)
{
    uint8_t udh[7];
    size_t h = 0, plen;

    if (!t || !buf || !t->data || !t->bound || i >= t->info.parts) return -EINVAL;
    if (t->info.parts > 1)
        h = udh_concat_put(udh, (t->flags & CM_SMS_REF16) != 0, ref, t->info.parts, i + 1);
    plen = t->bound[i + 1] - t->bound[i];
    if (h + plen > size) return -ENOSPC;
    memcpy(buf, udh, h);
    memcpy(buf + h, t->data + t->bound[i], plen);
    return (int)(h + plen);
}

/* ---- decoding ---- */

static int dec_gsm(const uint8_t *p, size_t n, uint8_t *out)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        uint32_t cp;
        if (p[i] > 0x7F) return -EILSEQ;
        if (p[i] != GSM_ESC) {
            cp = gsm_default[p[i]];
        } else if (i + 1 >= n) {
            break; /* trailing escape */
        } else {
            if (p[++i] > 0x7F) return -EILSEQ;
            cp = gsm_ext_cp(p[i]);
        }
        o += utf8_put(out + o, cp);
    }
    return (int)o;
}

static int dec_latin1(const uint8_t *p, size_t n, uint8_t *out)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++)
        if (p[i]) o += utf8_put(out + o, p[i]);
    return (int)o;
}

static int dec_ucs2(const uint8_t *p, size_t n, uint8_t *out)
{
    size_t o = 0;

    if (n % 2) return -EILSEQ;
    for (size_t i = 0; i < n; i += 2) {
        uint32_t u = (uint32_t)p[i] << 8 | p[i + 1], lo = 0;
        if (i + 3 < n) lo = (uint32_t)p[i + 2] << 8 | p[i + 3];
        if (u >= 0xD800 && u <= 0xDBFF && lo >= 0xDC00 && lo <= 0xDFFF) {
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            i += 2;
        } else if (u >= 0xD800 && u <= 0xDFFF) {
            u = REPLACEMENT;
        }
        if (u) o += utf8_put(out + o, u);
    }
    return (int)o;
}

static const struct {
    int data_coding;
    int (*fn)(const uint8_t *p, size_t n, uint8_t *out);
} decoders[] = {
    {CM_SMS_GSM7, dec_gsm},
    {CM_SMS_LATIN1, dec_latin1},
    {CM_SMS_UCS2, dec_ucs2},
};

int cm_sms_decode(int data_coding, const uint8_t *sm, size_t len, int has_udh, char **utf8_out)
{
    size_t skip = 0, d;
    uint8_t *s;
    int rc;

    if (!utf8_out) return -EINVAL;
    *utf8_out = NULL;
    if ((!sm && len) || len > (INT_MAX - 1) / 3) return -EINVAL;
    for (d = 0; d < NELEM(decoders) && decoders[d].data_coding != data_coding; d++)
        ;
    if (d == NELEM(decoders)) return -ENOTSUP;
    if (has_udh && (len == 0 || (size_t)sm[0] + 1 > len)) return -EINVAL;
    if (has_udh) skip = (size_t)sm[0] + 1;
    s = malloc(3 * (len - skip) + 1);
    if (!s) return -ENOMEM;
    rc = decoders[d].fn(sm + skip, len - skip, s);
    if (rc < 0) {
        free(s);
        return rc;
    }
    s[rc] = '\0';
    *utf8_out = (char *)s;
    return rc;
}

int cm_sms_udh_concat(const uint8_t *sm, size_t len, unsigned *ref, unsigned *total, unsigned *seq)
{
    size_t end, i = 1;

    if (!sm || !ref || !total || !seq || len == 0 || (size_t)sm[0] + 1 > len) return -EINVAL;
    end = (size_t)sm[0] + 1;
    while (i + 2 <= end) {
        const uint8_t *v = sm + i + 2;
        size_t l = sm[i + 1];
        if (i + 2 + l > end) return -EINVAL;
        if ((sm[i] == 0x00 && l == 3) || (sm[i] == 0x08 && l == 4)) {
            *ref = l == 3 ? v[0] : (unsigned)v[0] << 8 | v[1];
            *total = v[l - 2];
            *seq = v[l - 1];
            return (*total == 0 || *seq == 0 || *seq > *total) ? -EINVAL : 0;
        }
        i += 2 + l;
    }
    return i == end ? -ENOENT : -EINVAL;
}
