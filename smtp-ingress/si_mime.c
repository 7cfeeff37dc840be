/* si_mime: see si_mime.h. GMime does the MIME structure, transfer decoding and RFC
 * 2047/2231 decoding; charset conversion is ours (GMime's text-part helper passes
 * undeclared 8-bit text through unchanged and fails on unknown charsets). */
#include "si_mime.h"
#include "si_html.h"
#include "si_text.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

typedef struct {
    si_mail *m;
    char *plain, *html; /* raw UTF-8 of the first body part of each kind (malloc) */
    int err;
} collect;

/* A malloc'd copy of s with white space trimmed and CR/LF removed ("" for NULL). */
static char *dup_clean(const char *s)
{
    si_sbuf b = {0};
    si_sbuf_add(&b, "", 0);
    for (; s && *s; s++)
        if (*s != '\r' && *s != '\n') si_sbuf_addc(&b, *s == '\t' ? ' ' : *s);
    si_sbuf_rtrim_spaces(&b);
    if (b.err) return NULL;
    size_t start = 0;
    while (b.p[start] == ' ') /* stops at the NUL: a blank name becomes "" */
        start++;
    memmove(b.p, b.p + start, b.len - start + 1);
    return b.p;
}

/* The part's content after transfer decoding, as a GByteArray the caller frees. */
static GByteArray *part_bytes(GMimePart *part)
{
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    GMimeStream *stream = g_mime_stream_mem_new();
    if (content) g_mime_data_wrapper_write_to_stream(content, stream);
    GByteArray *bytes = g_mime_stream_mem_get_byte_array((GMimeStreamMem *)stream);
    g_mime_stream_mem_set_owner((GMimeStreamMem *)stream, FALSE); /* LIBRARIES.md */
    g_object_unref(stream);
    return bytes;
}

static char *try_convert(const char *s, size_t len, const char *charset)
{
    gsize out_len = 0;
    char *g = g_convert(s, (gssize)len, "UTF-8", charset, NULL, &out_len, NULL);
    if (!g) return NULL;
    char *r = malloc(out_len + 1);
    if (r) {
        memcpy(r, g, out_len);
        r[out_len] = '\0';
    }
    g_free(g);
    return r;
}

/* The iconv name to convert a declared charset with, NULL to skip it: like WHATWG
 * browsers, ISO-8859-1 labels are read as its superset Windows-1252 (mailers label
 * cp1252 text "iso-8859-1"), and US-ASCII labels are not trusted for 8-bit bytes. */
static const char *source_charset(const char *declared)
{
    if (!declared || !*declared) return NULL;
    const char *name = g_mime_charset_iconv_name(declared);
    if (!name || g_ascii_strcasecmp(name, "us-ascii") == 0 ||
        g_ascii_strcasecmp(name, "ascii") == 0)
        return NULL;
    if (g_ascii_strcasecmp(name, "iso-8859-1") == 0 || g_ascii_strcasecmp(name, "latin1") == 0)
        return "WINDOWS-1252";
    return name;
}

/* A copy of valid UTF-8 (what iconv from UTF-8 to UTF-8 gives, without iconv's cost:
 * g_utf8_validate refuses what glibc's UTF-8 decoder refuses: overlong forms,
 * surrogates, code points over U+10FFFF); NULL if s is not valid UTF-8. */
static char *copy_utf8(const char *s, size_t len)
{
    char *r = g_utf8_validate(s, (gssize)len, NULL) ? malloc(len + 1) : NULL;
    if (r) {
        memcpy(r, s, len);
        r[len] = '\0';
    }
    return r;
}

static int is_utf8_name(const char *cs)
{
    return g_ascii_strcasecmp(cs, "UTF-8") == 0 || g_ascii_strcasecmp(cs, "utf8") == 0;
}

/* s[0..len) (NUL bytes already removed) in `charset` -> malloc'd UTF-8: the declared
 * charset, else UTF-8 if valid, else Windows-1252, else ISO-8859-1 (never fails). */
static char *to_utf8(const char *s, size_t len, const char *charset)
{
    const char *cs = source_charset(charset);
    char *r = cs && !is_utf8_name(cs) ? try_convert(s, len, cs) : NULL;
    if (!r) r = copy_utf8(s, len);
    if (!r) r = try_convert(s, len, "WINDOWS-1252");
    if (!r) r = try_convert(s, len, "ISO-8859-1");
    return r;
}

static char *part_text(GMimePart *part)
{
    GByteArray *b = part_bytes(part);
    size_t n = 0;
    for (size_t i = 0; i < b->len; i++) /* NUL bytes would end the C string */
        if (b->data[i]) b->data[n++] = b->data[i];
    const char *cs = g_mime_object_get_content_type_parameter((GMimeObject *)part, "charset");
    /* an empty part may have no buffer at all: g_convert(NULL) fails, which is not ENOMEM */
    char *r = n ? to_utf8((const char *)b->data, n, cs) : strdup("");
    g_byte_array_free(b, TRUE);
    return r;
}

static int add_attachment(si_mail *m, GMimePart *part)
{
    si_attachment *na = realloc(m->att, (m->n_att + 1) * sizeof *na);
    if (!na) return -ENOMEM;
    m->att = na;
    si_attachment *a = &m->att[m->n_att];
    a->name = dup_clean(g_mime_part_get_filename(part));
    GByteArray *b = part_bytes(part);
    a->len = b->len;
    a->data = malloc(b->len ? b->len : 1);
    if (a->data && b->len) memcpy(a->data, b->data, b->len);
    g_byte_array_free(b, TRUE);
    m->n_att++;
    return a->name && a->data ? 0 : -ENOMEM;
}

static void on_part(GMimeObject *parent, GMimeObject *obj, gpointer arg)
{
    collect *c = arg;
    if (c->err || !GMIME_IS_PART(obj)) return;
    GMimePart *part = (GMimePart *)obj;
    if (g_mime_part_is_attachment(part) || g_mime_part_get_filename(part)) {
        c->err = add_attachment(c->m, part);
        return;
    }
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    char **slot = NULL;
    if (g_mime_content_type_is_type(ct, "text", "plain"))
        slot = &c->plain;
    else if (g_mime_content_type_is_type(ct, "text", "html"))
        slot = &c->html;
    if (slot && !*slot && !(*slot = part_text(part))) c->err = -ENOMEM;
}

/* Counts the mailboxes of a list (groups expanded) and finds the first one. */
static int mailboxes(InternetAddressList *l, const char **first)
{
    int n = 0;
    for (int i = 0; l && i < internet_address_list_length(l); i++) {
        InternetAddress *ia = internet_address_list_get_address(l, i);
        if (INTERNET_ADDRESS_IS_GROUP(ia)) {
            n += mailboxes(internet_address_group_get_members((InternetAddressGroup *)ia), first);
        } else if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
            if (!n++ && !*first)
                *first = internet_address_mailbox_get_addr((InternetAddressMailbox *)ia);
        }
    }
    return n;
}

static char *header(GMimeMessage *msg, const char *name)
{
    return dup_clean(g_mime_object_get_header((GMimeObject *)msg, name));
}

static void fill_headers(GMimeMessage *msg, si_mail *m)
{
    const char *from = NULL;
    m->n_from = mailboxes(g_mime_message_get_from(msg), &from);
    m->from = dup_clean(from);
    for (char *p = m->from; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    m->subject = dup_clean(g_mime_message_get_subject(msg));
    m->message_id = dup_clean(g_mime_message_get_message_id(msg));
    m->auto_submitted = header(msg, "Auto-Submitted");
    m->category = header(msg, "X-SMS-Category");
    m->send_at = header(msg, "X-SMS-Send-At");
}

static int fill_text(collect *c)
{
    char *raw = c->plain;
    if (!raw && c->html) {
        raw = si_html_to_text(c->html, strlen(c->html));
        if (!raw) return -ENOMEM;
    }
    c->m->text = si_text_normalise(raw ? raw : "", raw ? strlen(raw) : 0);
    if (raw != c->plain) free(raw);
    return c->m->text ? 0 : -ENOMEM;
}

int si_mime_parse(const uint8_t *data, size_t len, si_mail *out)
{
    memset(out, 0, sizeof *out);
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer((const char *)data, len);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_object_unref(stream);
    GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
    g_object_unref(parser);
    if (!msg) return -EBADMSG;
    collect c = {out, NULL, NULL, 0};
    fill_headers(msg, out);
    g_mime_message_foreach(msg, on_part, &c);
    if (!c.err) c.err = fill_text(&c);
    free(c.plain);
    free(c.html);
    g_object_unref(msg);
    if (!c.err && (!out->from || !out->subject || !out->message_id || !out->auto_submitted ||
                   !out->category || !out->send_at))
        c.err = -ENOMEM;
    return c.err;
}

void si_mail_free(si_mail *m)
{
    char *strs[] = {m->from,     m->subject, m->message_id, m->auto_submitted,
                    m->category, m->send_at, m->text};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(strs[i]);
    for (size_t i = 0; i < m->n_att; i++) {
        free(m->att[i].name);
        free(m->att[i].data);
    }
    free(m->att);
    memset(m, 0, sizeof *m);
}
