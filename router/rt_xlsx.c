/* rt_xlsx: see rt_xlsx.h. Zip entries are read whole into bounded buffers, then each
 * XML part goes through libxml2's streaming reader with one node handler per part
 * (relationships, workbook, shared strings, worksheet). */
#include "rt_xlsx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlreader.h>
#include <zip.h>

#define CELL_MAX 1024          /* bytes kept of one cell (more fails as a field anyway) */
#define RATIO_FLOOR (1u << 20) /* the ratio limit applies above this uncompressed size */
#define RELS_MAX 1024
#define PATH_MAX_LEN 256
#define ROW_MAX 100000000u /* a row number above this is taken as missing */
#define NO_ENTRY 1         /* read_entry(): no such zip entry (not an error code) */

enum { REL_OTHER, REL_WORKSHEET, REL_STRINGS };

typedef struct {
    char id[64];
    char target[PATH_MAX_LEN];
    int kind;
} xrel;

typedef struct xlsx {
    rt_table_info *info;
    rt_table *table;
    zip_t *zip;
    rt_liste_line_cb cb;
    void *arg;
    const char *part; /* being parsed, for messages */
    xrel *rels;
    size_t rels_n;
    int date1904;
    char sheet[PATH_MAX_LEN], strings[PATH_MAX_LEN];
    /* shared strings, NUL-terminated back to back */
    char *ss;
    size_t ss_len, ss_cap, *ss_off, ss_n, ss_off_cap;
    int in_si, in_t, in_rph, in_v, in_is, in_data;
    /* the row being read */
    char (*slot)[CELL_MAX + 1];
    size_t width;
    int wide, have_header, date_col;
    unsigned row;
    long col, next_col;
    char type[16];
    char cell[CELL_MAX + 1];
    size_t cell_len;
} xlsx;

/* Sets info->detail; returns code. */
__attribute__((format(printf, 3, 4))) static int fail(xlsx *x, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->info->detail, sizeof x->info->detail, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- zip ---- */

static int check_stat(xlsx *x, const char *name, const zip_stat_t *st, size_t max)
{
    if ((st->valid & ZIP_STAT_ENCRYPTION_METHOD) && st->encryption_method != ZIP_EM_NONE)
        return fail(x, RT_TABLE_EFORMAT, "%s: encrypted", name);
    if (!(st->valid & ZIP_STAT_SIZE) || !(st->valid & ZIP_STAT_COMP_SIZE))
        return fail(x, RT_TABLE_EFORMAT, "%s: size unknown", name);
    if (st->size > max)
        return fail(x, RT_TABLE_ELIMIT, "%s: %llu bytes uncompressed (at most %zu)", name,
                    (unsigned long long)st->size, max);
    if (st->size > RATIO_FLOOR &&
        st->size / (st->comp_size ? st->comp_size : 1) > RT_XLSX_RATIO_MAX)
        return fail(x, RT_TABLE_ELIMIT, "%s: compressed %llu times (at most %d)", name,
                    (unsigned long long)(st->size / (st->comp_size ? st->comp_size : 1)),
                    RT_XLSX_RATIO_MAX);
    return 0;
}

/* The entry called name (case-insensitive) -> *out (owned, NUL-terminated), *len.
 * Returns 0, NO_ENTRY, RT_TABLE_EFORMAT, RT_TABLE_ELIMIT or -ENOMEM. */
static int read_entry(xlsx *x, const char *name, size_t max, char **out, size_t *len)
{
    zip_stat_t st;
    zip_int64_t idx = zip_name_locate(x->zip, name, ZIP_FL_NOCASE), got = 0;
    int rc;
    if (idx < 0) return NO_ENTRY;
    zip_stat_init(&st);
    if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) != 0)
        return fail(x, RT_TABLE_EFORMAT, "%s: unreadable zip entry", name);
    if ((rc = check_stat(x, name, &st, max)) != 0) return rc;
    zip_file_t *f = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (!f) return fail(x, RT_TABLE_EFORMAT, "%s: %s", name, zip_strerror(x->zip));
    char *buf = malloc(st.size + 1);
    size_t n = 0;
    rc = buf ? 0 : -ENOMEM;
    /* Ask for one byte more than declared: getting it means the entry lies. */
    while (rc == 0 && n <= st.size && (got = zip_fread(f, buf + n, st.size + 1 - n)) > 0)
        n += (size_t)got;
    if (rc == 0 && got < 0) rc = fail(x, RT_TABLE_EFORMAT, "%s: %s", name, zip_file_strerror(f));
    if (rc == 0 && n > st.size)
        rc = fail(x, RT_TABLE_ELIMIT, "%s: inflates beyond its declared %llu bytes", name,
                  (unsigned long long)st.size);
    if (rc == 0 && n < st.size) rc = fail(x, RT_TABLE_EFORMAT, "%s: truncated", name);
    zip_fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

static int open_zip(xlsx *x, const cm_bytes *data)
{
    zip_error_t err;
    if (data->len >= 4 && memcmp(data->data, "\xD0\xCF\x11\xE0", 4) == 0)
        return fail(x, RT_TABLE_EFORMAT,
                    "an old (.xls) or password-protected Excel file: save it as .xlsx");
    if (data->len < 4 ||
        (memcmp(data->data, "PK\x03\x04", 4) != 0 && memcmp(data->data, "PK\x05\x06", 4) != 0))
        return fail(x, RT_TABLE_EFORMAT, "not an .xlsx file (not a zip archive)");
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(data->data, data->len, 0, &err);
    if (src) x->zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    int rc = 0;
    if (!x->zip) {
        rc = zip_error_code_zip(&err) == ZIP_ER_MEMORY ? -ENOMEM : RT_TABLE_EFORMAT;
        fail(x, rc, "not an .xlsx file (zip: %s)", zip_error_strerror(&err));
        if (src) zip_source_free(src);
    }
    zip_error_fini(&err);
    return rc;
}

/* ---- XML ---- */

typedef int (*node_fn)(xlsx *x, xmlTextReaderPtr r, int type);

typedef struct {
    char msg[96];
    int line;
} xml_error;

static void on_xml_error(void *arg, xmlErrorPtr e)
{
    xml_error *xe = arg;
    if (e->level < XML_ERR_ERROR || xe->msg[0]) return;
    snprintf(xe->msg, sizeof xe->msg, "%s", e->message ? e->message : "error");
    xe->msg[strcspn(xe->msg, "\r\n")] = 0;
    xe->line = e->line;
}

static const char *lname(xmlTextReaderPtr r)
{
    const xmlChar *n = xmlTextReaderConstLocalName(r);
    return n ? (const char *)n : "";
}

/* Attribute name (no namespace; ns: in that namespace) into out[cap]; 1 if present. */
static int attr(xmlTextReaderPtr r, const char *name, const char *ns, char *out, size_t cap)
{
    xmlChar *v = ns ? xmlTextReaderGetAttributeNs(r, BAD_CAST name, BAD_CAST ns)
                    : xmlTextReaderGetAttribute(r, BAD_CAST name);
    out[0] = 0;
    if (!v) return 0;
    snprintf(out, cap, "%s", (const char *)v);
    xmlFree(v);
    return 1;
}

static int parse_xml(xlsx *x, const char *part, const char *buf, size_t len, node_fn fn)
{
    xml_error xe = {{0}, 0};
    int rc = 0, rd = 0;
    x->part = part;
    if (memmem(buf, len, "<!DOCTYPE", 9))
        return fail(x, RT_TABLE_EFORMAT, "%s: DOCTYPE refused", part);
    xmlTextReaderPtr r = xmlReaderForMemory(
        buf, (int)len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!r) return -ENOMEM;
    xmlTextReaderSetStructuredErrorHandler(r, on_xml_error, &xe);
    while (rc == 0 && (rd = xmlTextReaderRead(r)) == 1) {
        int type = xmlTextReaderNodeType(r);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE)
            rc = fail(x, RT_TABLE_EFORMAT, "%s: DTD or entity refused", part);
        else
            rc = fn(x, r, type);
    }
    if (rc == 0 && rd < 0)
        rc = fail(x, RT_TABLE_EFORMAT, "%s: malformed XML (line %d: %s)", part, xe.line,
                  xe.msg[0] ? xe.msg : "?");
    xmlFreeTextReader(r);
    return rc;
}

/* Reads and parses one part; a missing part is NO_ENTRY. */
static int load_part(xlsx *x, const char *part, size_t max, node_fn fn)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = read_entry(x, part, max, &buf, &len);
    if (rc == 0) rc = parse_xml(x, part, buf, len, fn);
    free(buf);
    return rc;
}

/* ---- relationships and workbook ---- */

/* A relationship target (relative to xl/, or absolute) -> the zip entry name. */
static int resolve(const char *target, char *out, size_t cap)
{
    char tmp[2 * PATH_MAX_LEN], *save = NULL;
    size_t n = 0;
    int len = snprintf(tmp, sizeof tmp, "%s%s", target[0] == '/' ? "" : "xl/", target);
    if (len < 0 || (size_t)len >= sizeof tmp) return -1;
    out[0] = 0;
    for (char *seg = strtok_r(tmp, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        if (strcmp(seg, ".") == 0) continue;
        if (strcmp(seg, "..") == 0) {
            char *slash = strrchr(out, '/');
            n = slash ? (size_t)(slash - out) : 0;
            out[n] = 0;
            continue;
        }
        len = snprintf(out + n, cap - n, "%s%s", n ? "/" : "", seg);
        if (len < 0 || (size_t)len >= cap - n) return -1;
        n += (size_t)len;
    }
    return n ? 0 : -1;
}

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

static int rels_node(xlsx *x, xmlTextReaderPtr r, int type)
{
    char kind[256], mode[32];
    if (type != XML_READER_TYPE_ELEMENT || strcmp(lname(r), "Relationship") != 0) return 0;
    if (x->rels_n == RELS_MAX) return 0;
    xrel *rel = &x->rels[x->rels_n];
    attr(r, "TargetMode", NULL, mode, sizeof mode);
    if (!attr(r, "Id", NULL, rel->id, sizeof rel->id) || strcasecmp(mode, "External") == 0)
        return 0;
    if (!attr(r, "Target", NULL, kind, sizeof kind) ||
        resolve(kind, rel->target, sizeof rel->target) != 0)
        return 0;
    attr(r, "Type", NULL, kind, sizeof kind);
    rel->kind = ends_with(kind, "/worksheet")       ? REL_WORKSHEET
                : ends_with(kind, "/sharedStrings") ? REL_STRINGS
                                                    : REL_OTHER;
    if (rel->kind == REL_STRINGS && !x->strings[0]) strcpy(x->strings, rel->target);
    x->rels_n++;
    return 0;
}

static int workbook_node(xlsx *x, xmlTextReaderPtr r, int type)
{
    static const char *const ns[] = {
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships"};
    char id[64], v[16];
    if (type != XML_READER_TYPE_ELEMENT) return 0;
    if (strcmp(lname(r), "workbookPr") == 0 && attr(r, "date1904", NULL, v, sizeof v))
        x->date1904 = strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0;
    if (strcmp(lname(r), "sheet") != 0 || x->sheet[0]) return 0;
    if (!attr(r, "id", ns[0], id, sizeof id) && !attr(r, "id", ns[1], id, sizeof id)) return 0;
    for (size_t i = 0; i < x->rels_n; i++)
        if (strcmp(x->rels[i].id, id) == 0 && x->rels[i].kind == REL_WORKSHEET)
            strcpy(x->sheet, x->rels[i].target);
    return 0;
}

/* ---- text ---- */

static int is_cont(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

/* Appends s to buf (len, at most CELL_MAX bytes), cut on a character boundary. */
static void text_add(char *buf, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n > CELL_MAX) {
        n = CELL_MAX - *len;
        while (n && is_cont(s[n]))
            n--;
    }
    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* OOXML _xHHHH_ escapes, in place (the UTF-8 form is never longer). */
static void unescape_x(char *s)
{
    char *w = s;
    for (const char *p = s; *p;) {
        int h[4] = {-1, -1, -1, -1};
        if (p[0] == '_' && p[1] == 'x')
            for (int i = 0; i < 4 && p[2 + i]; i++)
                h[i] = hexval(p[2 + i]);
        if (h[0] < 0 || h[1] < 0 || h[2] < 0 || h[3] < 0 || p[6] != '_') {
            *w++ = *p++;
            continue;
        }
        unsigned c = (unsigned)(h[0] << 12 | h[1] << 8 | h[2] << 4 | h[3]);
        p += 7;
        if (c == 0) continue;
        if (c >= 0xD800 && c < 0xE000) c = 0xFFFD;
        if (c < 0x80) {
            *w++ = (char)c;
        } else if (c < 0x800) {
            *w++ = (char)(0xC0 | c >> 6);
            *w++ = (char)(0x80 | (c & 0x3F));
        } else {
            *w++ = (char)(0xE0 | c >> 12);
            *w++ = (char)(0x80 | (c >> 6 & 0x3F));
            *w++ = (char)(0x80 | (c & 0x3F));
        }
    }
    *w = 0;
}

/* ---- shared strings ---- */

static int ss_push(xlsx *x)
{
    if (x->ss_n == RT_XLSX_STRINGS_MAX)
        return fail(x, RT_TABLE_ELIMIT, "%s: more than %d shared strings", x->part,
                    RT_XLSX_STRINGS_MAX);
    if (x->ss_n == x->ss_off_cap) {
        size_t cap = x->ss_off_cap ? x->ss_off_cap * 2 : 1024;
        size_t *off = realloc(x->ss_off, cap * sizeof *off);
        if (!off) return -ENOMEM;
        x->ss_off = off, x->ss_off_cap = cap;
    }
    if (x->ss_len + x->cell_len + 1 > x->ss_cap) {
        size_t cap = x->ss_cap ? x->ss_cap * 2 : 65536;
        while (cap < x->ss_len + x->cell_len + 1)
            cap *= 2;
        char *ss = realloc(x->ss, cap);
        if (!ss) return -ENOMEM;
        x->ss = ss, x->ss_cap = cap;
    }
    unescape_x(x->cell);
    x->ss_off[x->ss_n++] = x->ss_len;
    memcpy(x->ss + x->ss_len, x->cell, strlen(x->cell) + 1);
    x->ss_len += strlen(x->cell) + 1;
    return 0;
}

static int is_text(int type)
{
    return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
           type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

static int strings_node(xlsx *x, xmlTextReaderPtr r, int type)
{
    const char *name = lname(r);
    int start = type == XML_READER_TYPE_ELEMENT, end = type == XML_READER_TYPE_END_ELEMENT;
    if (start && xmlTextReaderIsEmptyElement(r)) { /* <si/>: an empty string */
        if (strcmp(name, "si") == 0) return x->cell_len = 0, x->cell[0] = 0, ss_push(x);
        return 0;
    }
    if (start || end) {
        if (strcmp(name, "si") == 0) {
            x->in_si = start;
            if (end) return ss_push(x);
            x->cell_len = 0, x->cell[0] = 0;
        }
        if (strcmp(name, "t") == 0) x->in_t = start;
        if (strcmp(name, "rPh") == 0) x->in_rph = start;
    } else if (is_text(type) && x->in_si && x->in_t && !x->in_rph) {
        text_add(x->cell, &x->cell_len, (const char *)xmlTextReaderConstValue(r));
    }
    return 0;
}

/* ---- worksheet ---- */

/* Excel date serial (plain decimal) -> "YYYYMMDDHHMM"; 0 or -EINVAL. */
static int excel_date(const char *plain, int date1904, char *out, size_t cap)
{
    long days = 0;
    long long frac = 0, scale = 1;
    const char *p = plain;
    for (; *p >= '0' && *p <= '9' && days <= 2958465; p++)
        days = days * 10 + (*p - '0');
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            if (scale < 1000000000000LL) frac = frac * 10 + (*p - '0'), scale *= 10;
    if (*p || days < 1 || days > 2958465 || (!date1904 && days == 60)) return -EINVAL;
    long minutes = (long)((frac * 1440 + scale / 2) / scale);
    if (minutes >= 1440) days++, minutes -= 1440;
    long z = days + (date1904 ? -24107 : days < 60 ? -25568 : -25569) + 719468; /* civil */
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    long y = yoe + era * 400 + (m <= 2);
    snprintf(out, cap, "%04ld%02ld%02ld%02ld%02ld", y, m, d, minutes / 60, minutes % 60);
    return 0;
}

/* "B12" -> 1; -1 without letters. */
static long column_of(const char *ref)
{
    long col = 0;
    for (; *ref >= 'A' && *ref <= 'Z' && col < 100000; ref++)
        col = col * 26 + (*ref - 'A' + 1);
    return col - 1;
}

/* The value of the finished cell -> out (may point into x->ss or x->cell). */
static int cell_value(xlsx *x, const char **out, char *buf, size_t cap)
{
    const char *t = x->type;
    *out = x->cell;
    if (strcmp(t, "s") == 0) {
        char *end;
        unsigned long i = strtoul(x->cell, &end, 10);
        if (!x->cell[0] || *end || i >= x->ss_n)
            return fail(x, RT_TABLE_EFORMAT, "%s: row %u: shared string \"%.16s\" missing", x->part,
                        x->row, x->cell);
        *out = x->ss + x->ss_off[i];
    } else if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0) {
        unescape_x(x->cell);
    } else if (strcmp(t, "b") == 0) {
        *out = !x->cell[0] ? "" : strcmp(x->cell, "1") == 0 ? "TRUE" : "FALSE";
    } else if (strcmp(t, "e") != 0 && strcmp(t, "d") != 0 && x->cell[0] &&
               rt_table_plain_number(x->cell, buf, cap) >= 0) { /* a number */
        *out = buf;
        if (x->col == x->date_col) excel_date(buf, x->date1904, buf, cap);
    }
    return 0;
}

static int cell_end(xlsx *x)
{
    char buf[128];
    const char *v;
    int rc = cell_value(x, &v, buf, sizeof buf);
    if (rc) return rc;
    if (x->col < RT_TABLE_COLS_MAX) {
        size_t len = 0;
        text_add(x->slot[x->col], &len, v);
        if ((size_t)x->col + 1 > x->width) x->width = (size_t)x->col + 1;
    } else if (!rt_table_blank(&v, 1)) {
        x->wide = 1;
    }
    x->next_col = x->col + 1;
    x->in_v = x->in_is = x->in_t = x->in_rph = 0;
    return 0;
}

static void cell_start(xlsx *x, xmlTextReaderPtr r)
{
    char ref[32];
    x->col = attr(r, "r", NULL, ref, sizeof ref) ? column_of(ref) : -1;
    if (x->col < 0) x->col = x->next_col;
    attr(r, "t", NULL, x->type, sizeof x->type);
    x->cell_len = 0, x->cell[0] = 0;
}

static void row_start(xlsx *x, xmlTextReaderPtr r)
{
    char v[32], *end;
    unsigned long n = attr(r, "r", NULL, v, sizeof v) ? strtoul(v, &end, 10) : 0;
    x->row = n > x->row && n <= ROW_MAX && v[0] >= '0' && v[0] <= '9' && !*end ? (unsigned)n
                                                                               : x->row + 1;
    x->next_col = 0;
}

static int row_end(xlsx *x)
{
    const char *cells[RT_TABLE_COLS_MAX];
    size_t n = x->width;
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        cells[i] = x->slot[i];
    if (x->have_header) {
        rc = rt_table_row(x->table, x->row, cells, n, x->cb, x->arg);
    } else if (x->wide) {
        rc = fail(x, RT_TABLE_ELIMIT, "row %u: the header has more than %d columns", x->row,
                  RT_TABLE_COLS_MAX);
    } else if (!rt_table_blank(cells, n)) {
        rc = rt_table_header(x->table, x->row, cells, n);
        x->have_header = rc == 0;
        x->date_col = rt_table_field_column(x->table, "DATE");
    }
    for (size_t i = 0; i < n; i++)
        x->slot[i][0] = 0;
    x->width = 0, x->wide = 0;
    return rc;
}

static int sheet_element(xlsx *x, xmlTextReaderPtr r, const char *name, int start)
{
    int empty = start && xmlTextReaderIsEmptyElement(r), rc = 0;
    if (strcmp(name, "sheetData") == 0) x->in_data = start && !empty;
    if (!x->in_data) return 0;
    if (strcmp(name, "row") == 0) {
        if (start) row_start(x, r);
        if (!start || empty) rc = row_end(x);
    } else if (strcmp(name, "c") == 0) {
        if (start) cell_start(x, r);
        if (!start || empty) rc = cell_end(x);
    } else if (strcmp(name, "v") == 0) {
        x->in_v = start && !empty;
    } else if (strcmp(name, "is") == 0) {
        x->in_is = start && !empty;
    } else if (strcmp(name, "t") == 0) {
        x->in_t = start && !empty;
    } else if (strcmp(name, "rPh") == 0) {
        x->in_rph = start && !empty;
    }
    return rc;
}

static int sheet_node(xlsx *x, xmlTextReaderPtr r, int type)
{
    if (type == XML_READER_TYPE_ELEMENT || type == XML_READER_TYPE_END_ELEMENT)
        return sheet_element(x, r, lname(r), type == XML_READER_TYPE_ELEMENT);
    if (is_text(type) && (x->in_v || (x->in_is && x->in_t && !x->in_rph)))
        text_add(x->cell, &x->cell_len, (const char *)xmlTextReaderConstValue(r));
    return 0;
}

/* ---- the workbook ---- */

static int read_workbook(xlsx *x)
{
    int rc = load_part(x, "xl/_rels/workbook.xml.rels", RT_XLSX_PART_MAX, rels_node);
    if (rc == NO_ENTRY) return fail(x, RT_TABLE_EFORMAT, "xl/_rels/workbook.xml.rels missing");
    if (rc == 0) rc = load_part(x, "xl/workbook.xml", RT_XLSX_PART_MAX, workbook_node);
    if (rc == NO_ENTRY) return fail(x, RT_TABLE_EFORMAT, "xl/workbook.xml missing");
    if (rc == 0 && !x->sheet[0]) return fail(x, RT_TABLE_EFORMAT, "the workbook has no worksheet");
    if (rc == 0 && !x->strings[0]) strcpy(x->strings, "xl/sharedStrings.xml");
    if (rc == 0) rc = load_part(x, x->strings, RT_XLSX_ENTRY_MAX, strings_node);
    if (rc == NO_ENTRY) rc = 0;
    if (rc == 0) rc = load_part(x, x->sheet, RT_XLSX_ENTRY_MAX, sheet_node);
    if (rc == NO_ENTRY) return fail(x, RT_TABLE_EFORMAT, "%s missing", x->sheet);
    if (rc == 0 && !x->have_header)
        return fail(x, RT_TABLE_ENOHEADER, "the first worksheet is empty");
    return rc;
}

int rt_xlsx_each(const cm_bytes *data, rt_liste_line_cb cb, void *arg, rt_table_info *info)
{
    xlsx *x = calloc(1, sizeof *x);
    rt_table_info local;
    int rc = -ENOMEM;
    if (!x) return -ENOMEM;
    x->cb = cb, x->arg = arg, x->date_col = -1;
    x->info = info ? info : &local;
    x->table = rt_table_create(x->info);
    x->rels = calloc(RELS_MAX, sizeof *x->rels);
    x->slot = calloc(RT_TABLE_COLS_MAX, sizeof *x->slot);
    if (x->table && x->rels && x->slot) {
        xmlInitParser();
        rc = open_zip(x, data);
        if (rc == 0) rc = read_workbook(x);
    }
    if (x->zip) zip_discard(x->zip);
    rt_table_free(x->table);
    free(x->rels), free(x->slot), free(x->ss), free(x->ss_off), free(x);
    return rc;
}

const struct cm_wire_attachment *rt_xlsx_find(const cm_msg_submit *m)
{
    for (size_t i = 0; i < m->attachments_n; i++)
        if (strcasecmp(m->attachments[i].name, "LISTE.XLSX") == 0) return &m->attachments[i];
    return NULL;
}
