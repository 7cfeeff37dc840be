/* rt_table: see rt_table.h. Text decoding, then a CSV record reader, then the
 * header and row logic shared with rt_xlsx. */
#include "rt_table.h"
#include "rt_charset.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- small string helpers ---- */

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Length of a no-break space (U+00A0, U+202F) at s, else 0. */
static size_t nbsp_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == 0xC2 && u[1] == 0xA0) return 2;
    if (u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xAF) return 3;
    return 0;
}

static int is_cont(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

/* Copies s into out[cap] without blanks (and, if nbsp, no-break spaces) at both ends;
 * inside, CR LF / CR / LF / TAB become one space, and no-break spaces a space if nbsp.
 * Returns the length, or cap when s does not fit (out then cut on a character
 * boundary). */
static size_t clean_cell(const char *s, char *out, size_t cap, int nbsp)
{
    size_t n = 0, k;
    while (is_blank(*s) || *s == '\r' || *s == '\n' || (nbsp && nbsp_len(s)))
        s += is_blank(*s) || *s == '\r' || *s == '\n' ? 1 : nbsp_len(s);
    for (; *s && n + 1 < cap; s++) {
        if (*s == '\r' && s[1] == '\n') s++;
        if (*s == '\r' || *s == '\n' || *s == '\t') {
            out[n++] = ' ';
        } else if (nbsp && (k = nbsp_len(s))) {
            out[n++] = ' ';
            s += k - 1;
        } else {
            out[n++] = *s;
        }
    }
    if (*s && is_cont(*s)) {
        while (n && is_cont(out[n - 1]))
            n--;
        n -= n ? 1 : 0;
    }
    while (!*s && n && out[n - 1] == ' ')
        n--;
    out[n] = 0;
    return *s ? cap : n;
}

static int ci_prefix(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* A bounded text: appends are cut on a character boundary, then "..." ends it. */
typedef struct {
    char *buf;
    size_t cap, used;
    int full;
} sbuf;

/* Appends s with control characters as spaces. When s does not fit, as much as fits
 * before a final "..." is kept, on a character boundary, and b is full from then on. */
static void sbuf_add(sbuf *b, const char *s)
{
    size_t n = strlen(s), end = b->cap - 4; /* where "..." starts */
    if (b->full) return;
    b->full = b->used + n > b->cap - 1;
    if (b->full) {
        n = b->used < end ? end - b->used : 0;
        while (n && is_cont(s[n]))
            n--;
        if (b->used > end) b->used = end;
        while (b->used && is_cont(b->buf[b->used]))
            b->used--;
    }
    for (size_t i = 0; i < n; i++)
        b->buf[b->used++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7F ? ' ' : s[i];
    if (b->full) memcpy(b->buf + b->used, "...", 3), b->used += 3;
    b->buf[b->used] = 0;
}

/* ---- header and rows ---- */

enum { COL_IGNORED, COL_NUMBER, COL_FIELD };

struct rt_table {
    rt_table_info *info, own_info;
    size_t ncols;
    int number_col;
    unsigned char kind[RT_TABLE_COLS_MAX];
    char name[RT_TABLE_COLS_MAX][CM_FIELD_NAME_MAX + 1];
    unsigned rows;
    char cell[CM_FIELD_VALUE_MAX * 4 + 8];
    char text[RT_TABLE_TEXT_MAX + 1];
};

__attribute__((format(printf, 2, 3))) static void set_detail(rt_table_info *info, const char *fmt,
                                                             ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(info->detail, sizeof info->detail, fmt, ap);
    va_end(ap);
}

rt_table *rt_table_create(rt_table_info *info)
{
    rt_table *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->info = info ? info : &t->own_info;
    memset(t->info, 0, sizeof *t->info);
    t->number_col = -1;
    return t;
}

void rt_table_free(rt_table *t)
{
    free(t);
}

int rt_table_blank(const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (const char *s = cells[i]; *s; s++)
            if (!is_blank(*s) && *s != '\r' && *s != '\n') return 0;
    return 1;
}

/* Second byte of an accented Latin-1 letter (UTF-8 C3 xx) -> its base letter, or 0. */
static char fold_latin(unsigned char b)
{
    static const char map[] = "AAAAAAACEEEEIIII"
                              "DNOOOOO_OUUUUYTs"
                              "aaaaaaaceeeeiiii"
                              "dnooooo_ouuuuyty";
    return map[b & 0x3F] == '_' ? 0 : map[b & 0x3F];
}

/* Header cell -> upper-case [A-Z0-9_] name in out[CM_FIELD_NAME_MAX + 1]; 0 or -EINVAL. */
static int header_name(const char *cell, char *out)
{
    char buf[256];
    size_t n = 0, len = clean_cell(cell, buf, sizeof buf, 1);
    if (len == 0 || len >= sizeof buf) return -EINVAL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == 0xC3 && i + 1 < len && is_cont(buf[i + 1]) &&
            fold_latin((unsigned char)buf[i + 1]))
            c = (unsigned char)fold_latin((unsigned char)buf[++i]);
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return -EINVAL;
        if (n == CM_FIELD_NAME_MAX) return -EINVAL;
        out[n++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    out[n] = 0;
    return 0;
}

static int is_number_name(const char *name)
{
    static const char *const names[] = {"SMS", "NUMERO", "NUMBER", "TEL", "MOBILE", "TELEPHONE"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) return 1;
    return 0;
}

static int name_taken(const rt_table *t, size_t upto, const char *name)
{
    for (size_t j = 0; j < upto; j++)
        if (t->kind[j] == COL_FIELD && strcmp(t->name[j], name) == 0) return 1;
    return 0;
}

/* Decides the kind of column i from its header cell. */
static void header_column(rt_table *t, size_t i, const char *cell)
{
    rt_table_info *info = t->info;
    char *name = t->name[i], shown[128];
    t->kind[i] = COL_IGNORED;
    clean_cell(cell, shown, sizeof shown, 1);
    if (header_name(cell, name) == 0) {
        if (t->number_col < 0 && is_number_name(name)) {
            t->kind[i] = COL_NUMBER;
            t->number_col = (int)i;
            sbuf b = {info->number_column, sizeof info->number_column, 0, 0};
            sbuf_add(&b, shown);
            return;
        }
        if (strcmp(name, "SMS") != 0 && !name_taken(t, i, name) && info->fields_n < CM_FIELDS_MAX) {
            t->kind[i] = COL_FIELD;
            info->fields_n++;
            return;
        }
    }
    if (!shown[0]) return;
    sbuf b = {info->ignored, sizeof info->ignored, strlen(info->ignored), 0};
    b.full = b.used >= 3 && strcmp(info->ignored + b.used - 3, "...") == 0;
    if (info->ignored_n++) sbuf_add(&b, ", ");
    sbuf_add(&b, shown);
}

/* A first row whose first cell is a valid number: a list without its header row. */
static int looks_like_data(const char *cell)
{
    char e164[CM_E164_BUFSZ], buf[CM_ADDR_NUMBER_MAX + 1];
    clean_cell(cell, buf, sizeof buf, 1);
    return cm_number_normalise(ci_prefix(buf, "SMS=") ? buf + 4 : buf, e164, sizeof e164) == 0;
}

int rt_table_header(rt_table *t, unsigned line, const char *const *cells, size_t n)
{
    rt_table_info *info = t->info;
    while (n && rt_table_blank(&cells[n - 1], 1))
        n--;
    info->header_line = line;
    if (n > RT_TABLE_COLS_MAX) {
        set_detail(info, "line %u: the header has %zu columns (at most %d)", line, n,
                   RT_TABLE_COLS_MAX);
        return RT_TABLE_ELIMIT;
    }
    t->ncols = n;
    for (size_t i = 0; i < n; i++)
        header_column(t, i, cells[i]);
    if (t->number_col >= 0) return 0;
    if (n && looks_like_data(cells[0]))
        set_detail(info, "line %u: no header row naming the columns (SMS;NOM;PRENOM;...)", line);
    else
        set_detail(info,
                   "line %u: no number column (SMS, NUMERO, NUMBER, TEL, MOBILE or TELEPHONE)",
                   line);
    return RT_TABLE_ENONUMBER;
}

int rt_table_field_column(const rt_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (t->kind[i] == COL_FIELD && strcasecmp(t->name[i], name) == 0) return (int)i;
    return -1;
}

/* Spreadsheet artefacts (see the header): exact scientific notation, then 9 digits
 * starting 6/7 -> "0" + digits, 11..15 digits not starting with 0 -> "+" + digits. */
static int repair_number(const char *raw, char *e164, size_t cap)
{
    char plain[64], fixed[64];
    const char *d = raw;
    if (strpbrk(raw, "eE")) {
        if (rt_table_plain_number(raw, plain, sizeof plain) != 0) return -EINVAL;
        d = plain;
    }
    size_t n = strspn(d, "0123456789");
    if (d[n]) return -EINVAL;
    if (n == 9 && (d[0] == '6' || d[0] == '7'))
        fixed[0] = '0';
    else if (n >= 11 && n <= 15 && d[0] != '0')
        fixed[0] = '+';
    else
        return -EINVAL;
    memcpy(fixed + 1, d, n + 1);
    return cm_number_normalise(fixed, e164, cap);
}

/* The number cell -> r (t->cell keeps the cleaned cell for the text). */
static int number_cell(rt_table *t, const char *cell, cm_recipient *r)
{
    static const char *const media[] = {"FAX=", "VOCAL=", "EMAIL=", "COURRIER="};
    char *s = t->cell;
    size_t len = clean_cell(cell, t->cell, sizeof t->cell, 1);
    r->number_rc = -EINVAL;
    if (ci_prefix(s, "SMS="))
        for (s += 4; is_blank(*s);)
            s++;
    for (size_t i = 0; i < sizeof media / sizeof media[0]; i++)
        if (ci_prefix(s, media[i])) return CM_ADDR_EMEDIA;
    if (len == sizeof t->cell || strlen(s) > CM_ADDR_NUMBER_MAX) return -E2BIG;
    memcpy(r->raw_number, s, strlen(s) + 1);
    if (!*s || strchr(s, '#')) return -EINVAL;
    r->number_rc = cm_number_normalise(s, r->e164, sizeof r->e164);
    if (r->number_rc != 0 && repair_number(s, r->e164, sizeof r->e164) == 0) r->number_rc = 0;
    if (r->number_rc != 0) r->e164[0] = 0;
    return r->number_rc;
}

/* Reads min..max digits at *p into *v, moving *p on. */
static int read_num(const char **p, int min, int max, unsigned *v)
{
    int n = 0;
    for (*v = 0; n < max && **p >= '0' && **p <= '9'; n++)
        *v = *v * 10 + (unsigned)(*(*p)++ - '0');
    return n >= min;
}

static int expect(const char **p, char c)
{
    return **p == c ? (++*p, 1) : 0;
}

/* A DATE cell as spreadsheets write it, "DD/MM/YYYY[ HH:MM[:SS]]" or "YYYY-MM-DD[ |T]
 * HH:MM[:SS]]", -> "YYYYMMDDHHMM" in place; anything else is left as it is. */
static void date_value(char *v)
{
    static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = v;
    unsigned y, m, d, hh = 0, mm = 0, ss;
    if (read_num(&p, 4, 4, &y) && expect(&p, '-')) {
        if (!read_num(&p, 1, 2, &m) || !expect(&p, '-') || !read_num(&p, 1, 2, &d)) return;
    } else if (p = v, !read_num(&p, 1, 2, &d) || !expect(&p, '/') || !read_num(&p, 1, 2, &m) ||
                          !expect(&p, '/') || !read_num(&p, 4, 4, &y)) {
        return;
    }
    if (expect(&p, ' ') || expect(&p, 'T'))
        if (!read_num(&p, 1, 2, &hh) || !expect(&p, ':') || !read_num(&p, 2, 2, &mm) ||
            (expect(&p, ':') && !read_num(&p, 2, 2, &ss)))
            return;
    if (*p || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || hh > 23 || mm > 59 ||
        (m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))))
        return;
    char out[32];
    snprintf(out, sizeof out, "%04u%02u%02u%02u%02u", y, m, d, hh, mm);
    memcpy(v, out, 13);
}

int rt_table_row(rt_table *t, unsigned line, const char *const *cells, size_t n,
                 rt_liste_line_cb cb, void *arg)
{
    if (n > t->ncols) n = t->ncols;
    if (rt_table_blank(cells, n)) return 0;
    if (t->rows == RT_TABLE_ROWS_MAX) {
        set_detail(t->info, "line %u: more than %d recipients", line, RT_TABLE_ROWS_MAX);
        return RT_TABLE_ELIMIT;
    }
    cm_recipient r;
    memset(&r, 0, sizeof r);
    sbuf text = {t->text, sizeof t->text, 0, 0};
    int rc = number_cell(t, (size_t)t->number_col < n ? cells[t->number_col] : "", &r), frc = 0;
    sbuf_add(&text, t->cell);
    for (size_t i = 0; i < n; i++) {
        if (t->kind[i] != COL_FIELD) continue;
        size_t len = clean_cell(cells[i], t->cell, sizeof t->cell, 0);
        if (len == 0) continue;
        if (strcmp(t->name[i], "DATE") == 0) date_value(t->cell);
        int rc1 = len == sizeof t->cell ? -E2BIG : cm_fields_set(&r.fields, t->name[i], t->cell);
        frc = frc ? frc : rc1;
        sbuf_add(&text, "#");
        sbuf_add(&text, t->name[i]);
        sbuf_add(&text, "=");
        sbuf_add(&text, t->cell);
    }
    t->info->rows = ++t->rows;
    cb(line, t->text, frc && rc != CM_ADDR_EMEDIA ? frc : rc, &r, arg);
    return 0;
}

/* ---- CSV records ---- */

typedef struct {
    const char *s;
    size_t len, pos;
    unsigned line; /* of the next character */
    char sep;
    char *buf; /* the record's cells, NUL-terminated */
    size_t used;
    const char *cells[RT_TABLE_COLS_MAX];
    size_t n;       /* cells stored (at most RT_TABLE_COLS_MAX) */
    size_t all;     /* cells seen */
    size_t last_nb; /* 1 + index of the last cell with a non-blank character */
} csv;

static int csv_eol(csv *c)
{
    if (c->pos >= c->len) return 0;
    if (c->s[c->pos] == '\r')
        c->pos += c->pos + 1 < c->len && c->s[c->pos + 1] == '\n' ? 2 : 1;
    else if (c->s[c->pos] == '\n')
        c->pos++;
    else
        return 0;
    c->line++;
    return 1;
}

/* Stores one character of the current cell; -1 when the record is too long. */
static int csv_put(csv *c, char ch)
{
    if (!is_blank(ch) && ch != '\r' && ch != '\n') c->last_nb = c->all;
    if (c->all > RT_TABLE_COLS_MAX) return 0;
    if (c->used >= RT_TABLE_RECORD_MAX) return -1;
    c->buf[c->used++] = ch;
    return 0;
}

/* The quoted part of a field, c->pos at the opening quote. Not closed: c->line is set
 * back to where it opened, for the message. */
static int csv_quoted(csv *c)
{
    unsigned open_line = c->line;
    for (c->pos++;; c->pos++) {
        if (c->pos >= c->len) return c->line = open_line, RT_TABLE_EFORMAT;
        char ch = c->s[c->pos];
        if (ch == '"' && (c->pos + 1 >= c->len || c->s[c->pos + 1] != '"')) break;
        if (ch == '"') c->pos++;
        if (ch == '\n' || (ch == '\r' && (c->pos + 1 >= c->len || c->s[c->pos + 1] != '\n')))
            c->line++;
        if (csv_put(c, ch)) return -1;
    }
    c->pos++;
    return 0;
}

/* One field from c->pos, up to the separator or the end of the line. 0, -1 (record too
 * long) or RT_TABLE_EFORMAT (quote not closed). */
static int csv_field(csv *c)
{
    size_t p = c->pos;
    while (p < c->len && is_blank(c->s[p]))
        p++;
    if (p < c->len && c->s[p] == '"') {
        c->pos = p;
        int rc = csv_quoted(c);
        if (rc) return rc;
    }
    for (; c->pos < c->len; c->pos++) {
        char ch = c->s[c->pos];
        if (ch == c->sep || ch == '\r' || ch == '\n') break;
        if (csv_put(c, ch)) return -1;
    }
    return 0;
}

/* Next record into c->cells. Returns 1, 0 at the end, or a list error. */
static int csv_record(csv *c, rt_table_info *info)
{
    if (c->pos >= c->len) return 0;
    unsigned first = c->line;
    c->used = c->n = c->all = c->last_nb = 0;
    for (;;) {
        size_t start = c->used;
        c->all++;
        int rc = csv_field(c);
        if (rc == RT_TABLE_EFORMAT) {
            set_detail(info, "line %u: quoted field not closed", c->line);
            return rc;
        }
        if (rc) {
            set_detail(info, "line %u: record longer than %d bytes", first, RT_TABLE_RECORD_MAX);
            return RT_TABLE_ELIMIT;
        }
        if (c->all <= RT_TABLE_COLS_MAX) {
            c->buf[c->used++] = 0;
            c->cells[c->n++] = c->buf + start;
        }
        if (c->pos < c->len && c->s[c->pos] == c->sep) {
            c->pos++;
            continue;
        }
        csv_eol(c);
        return 1;
    }
}

/* Separator of the record at c->pos (quotes respected), ';' by default. */
static char csv_sniff(const csv *c)
{
    size_t semi = 0, comma = 0, tab = 0;
    int quoted = 0;
    for (size_t p = c->pos; p < c->len; p++) {
        char ch = c->s[p];
        if (ch == '"') quoted = !quoted;
        if (quoted) continue;
        if (ch == '\r' || ch == '\n') break;
        semi += ch == ';', comma += ch == ',', tab += ch == '\t';
    }
    if (comma > semi && comma >= tab) return ',';
    return tab > semi && tab > comma ? '\t' : ';';
}

/* Skips leading blank lines; takes the separator from "sep=X" or the header. */
static void csv_start(csv *c)
{
    do {
        while (c->pos < c->len && is_blank(c->s[c->pos]))
            c->pos++;
    } while (csv_eol(c));
    const char *s = c->s + c->pos;
    size_t left = c->len - c->pos;
    if (left >= 5 && strncasecmp(s, "sep=", 4) == 0 && s[4] && strchr(";,\t|", s[4]) &&
        (left == 5 || s[5] == '\r' || s[5] == '\n')) {
        c->sep = s[4];
        c->pos += 5;
        csv_eol(c);
    } else {
        c->sep = csv_sniff(c);
    }
}

static int csv_rows(csv *c, rt_table *t, rt_liste_line_cb cb, void *arg)
{
    int have_header = 0, rc;
    unsigned line = c->line;
    while ((rc = csv_record(c, t->info)) == 1) {
        if (have_header) {
            if ((rc = rt_table_row(t, line, c->cells, c->n, cb, arg)) != 0) return rc;
        } else if (c->last_nb > RT_TABLE_COLS_MAX) {
            set_detail(t->info, "line %u: the header has %zu columns (at most %d)", line,
                       c->last_nb, RT_TABLE_COLS_MAX);
            return RT_TABLE_ELIMIT;
        } else if (c->last_nb) {
            if ((rc = rt_table_header(t, line, c->cells, c->n)) != 0) return rc;
            have_header = 1;
        }
        line = c->line;
    }
    if (rc < 0) return rc;
    if (have_header) return 0;
    set_detail(t->info, "the list is empty");
    return RT_TABLE_ENOHEADER;
}

int rt_table_each(const cm_bytes *data, rt_liste_line_cb cb, void *arg, rt_table_info *info)
{
    rt_table *t = rt_table_create(info);
    csv c = {.line = 1};
    char *text = NULL;
    if (!t) return -ENOMEM;
    int rc = rt_charset_utf8(data, &text, &c.len);
    if (rc == RT_TABLE_EFORMAT) set_detail(t->info, "not a text file (NUL bytes)");
    if (rc == 0 && !(c.buf = malloc(RT_TABLE_RECORD_MAX + RT_TABLE_COLS_MAX + 1))) rc = -ENOMEM;
    if (rc == 0) {
        c.s = text;
        csv_start(&c);
        t->info->separator = c.sep;
        rc = csv_rows(&c, t, cb, arg);
    }
    free(c.buf);
    free(text);
    rt_table_free(t);
    return rc;
}

/* ---- misc ---- */

const struct cm_wire_attachment *rt_table_find(const cm_msg_submit *m)
{
    for (size_t i = 0; i < m->attachments_n; i++)
        if (strcasecmp(m->attachments[i].name, "LISTE.CSV") == 0) return &m->attachments[i];
    return NULL;
}

const char *rt_table_strerror(int rc)
{
    switch (rc) {
    case 0:
        return "no error";
    case RT_TABLE_ENOHEADER:
        return "LISTE: the list is empty";
    case RT_TABLE_ENONUMBER:
        return "LISTE: no number column (SMS, NUMERO, NUMBER, TEL, MOBILE or TELEPHONE) in the "
               "header row";
    case RT_TABLE_EFORMAT:
        return "LISTE: the file is malformed or not of its type";
    case RT_TABLE_ELIMIT:
        return "LISTE: the list is too large (rows, columns or size)";
    case -ENOMEM:
        return "out of memory";
    default:
        return "LISTE: unreadable list";
    }
}

/* Parses the grammar of rt_table_plain_number into sign, digits (leading zeros
 * dropped) and the decimal exponent of the last digit. */
static int parse_decimal(const char *s, int *neg, char *dig, size_t *nd, long *exp10)
{
    size_t n = 0, mant = 0;
    long frac = 0, e = 0;
    *neg = *s == '-';
    if (*s == '-' || *s == '+') s++;
    for (int in_frac = 0;; s++) {
        if (*s >= '0' && *s <= '9') {
            mant++;
            frac += in_frac;
            if (n || *s != '0') {
                if (n == 40) return -EINVAL;
                dig[n++] = *s;
            }
        } else if ((*s == '.' || *s == ',') && !in_frac) {
            in_frac = 1;
        } else {
            break;
        }
    }
    if (!mant) return -EINVAL;
    if (*s == 'e' || *s == 'E') {
        int eneg = *++s == '-';
        if (*s == '-' || *s == '+') s++;
        if (!(*s >= '0' && *s <= '9')) return -EINVAL;
        for (; *s >= '0' && *s <= '9'; s++)
            if ((e = e * 10 + (*s - '0')) > 40) return -EINVAL;
        e = eneg ? -e : e;
    }
    if (*s) return -EINVAL;
    *nd = n;
    *exp10 = e - frac;
    return 0;
}

int rt_table_plain_number(const char *in, char *out, size_t cap)
{
    char dig[41], buf[128], *p = buf;
    size_t nd;
    long exp10;
    int neg, pad = 0;
    if (!in || !out || parse_decimal(in, &neg, dig, &nd, &exp10)) return -EINVAL;
    while (nd && exp10 < 0 && dig[nd - 1] == '0') /* trailing fraction zeros */
        nd--, exp10++;
    if (nd == 0) nd = 1, dig[0] = '0', exp10 = 0, neg = 0;
    long point = (long)nd + exp10; /* digits before the decimal point */
    if (neg) *p++ = '-';
    if (point <= 0) {
        *p++ = '0', *p++ = '.';
        for (long i = point; i < 0; i++)
            *p++ = '0';
        memcpy(p, dig, nd), p += nd;
    } else if ((size_t)point >= nd) {
        memcpy(p, dig, nd), p += nd;
        for (long i = (long)nd; i < point; i++)
            *p++ = '0', pad++;
    } else {
        memcpy(p, dig, (size_t)point), p += point;
        *p++ = '.';
        memcpy(p, dig + point, nd - (size_t)point), p += nd - (size_t)point;
    }
    *p = 0;
    if (strlen(buf) + 1 > cap) return -ENOSPC;
    memcpy(out, buf, strlen(buf) + 1);
    /* plain integers such as "33600000000" pad nothing: their zeros were written */
    return strpbrk(in, "eE") ? pad : 0;
}
