/* si_mimecheck: see si_mimecheck.h. Boundary lines are recognised as GMime's parser does
 * (gmime-parser.c is_boundary: "--" boundary, optionally "--", then only linear white
 * space), against every open boundary from the innermost out. */
#include "si_mimecheck.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const char *b; /* boundary (into the message), NULL for an embedded message */
    size_t n;
} level;

typedef struct {
    const si_mime_limits *lim;
    level *stack;
    unsigned depth;
    int in_header;
    size_t header_len;
    const char *ct; /* Content-Type value of the current header section, NULL if none */
    size_t ct_len;
    int in_ct; /* the last header line was (part of) Content-Type */
    si_mime_stats st;
} scan;

enum ct_kind { CT_LEAF, CT_MULTIPART, CT_MESSAGE };

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && is_ws(*p))
        p++;
    return p;
}

static int token_is(const char *p, size_t n, const char *word)
{
    return n == strlen(word) && strncasecmp(p, word, n) == 0;
}

/* Finds boundary=value among the parameters in [p, end). */
static int find_boundary(const char *p, const char *end, const char **b, size_t *bn)
{
    while ((p = memchr(p, ';', (size_t)(end - p))) != NULL) {
        const char *name = skip_ws(p + 1, end), *q = name;
        while (q < end && *q != '=' && *q != ';' && !is_ws(*q))
            q++;
        size_t nlen = (size_t)(q - name);
        q = skip_ws(q, end);
        p = q;
        if (q >= end || *q != '=' || !token_is(name, nlen, "boundary")) continue;
        q = skip_ws(q + 1, end);
        const char *v = q;
        if (q < end && *q == '"') {
            v++;
            const char *close = memchr(v, '"', (size_t)(end - v));
            *b = v;
            *bn = (size_t)((close ? close : end) - v);
            return 1;
        }
        while (q < end && *q != ';' && !is_ws(*q))
            q++;
        *b = v;
        *bn = (size_t)(q - v);
        return 1;
    }
    return 0;
}

static enum ct_kind ct_parse(const char *v, size_t n, const char **b, size_t *bn)
{
    const char *end = v + n, *p = skip_ws(v, end), *slash = p;
    while (slash < end && *slash != '/' && *slash != ';' && !is_ws(*slash))
        slash++;
    if (slash >= end || *slash != '/') return CT_LEAF;
    const char *sub = slash + 1, *se = sub;
    while (se < end && *se != ';' && !is_ws(*se))
        se++;
    if (token_is(p, (size_t)(slash - p), "multipart"))
        return find_boundary(se, end, b, bn) ? CT_MULTIPART : CT_LEAF;
    if (token_is(p, (size_t)(slash - p), "message") &&
        (token_is(sub, (size_t)(se - sub), "rfc822") ||
         token_is(sub, (size_t)(se - sub), "global")))
        return CT_MESSAGE;
    return CT_LEAF;
}

static int push(scan *s, const char *b, size_t n)
{
    if (s->depth >= s->lim->max_depth) return SI_MIMECHK_DEPTH;
    s->stack[s->depth].b = b;
    s->stack[s->depth].n = n;
    if (++s->depth > s->st.depth) s->st.depth = s->depth;
    return SI_MIMECHK_OK;
}

static int header_start(scan *s)
{
    s->in_header = 1;
    s->header_len = 0;
    s->ct = NULL;
    s->in_ct = 0;
    return ++s->st.parts > s->lim->max_parts ? SI_MIMECHK_PARTS : SI_MIMECHK_OK;
}

/* The blank line after a header section: opens what its Content-Type announces. */
static int header_end(scan *s)
{
    const char *b = NULL;
    size_t bn = 0;
    enum ct_kind k = s->ct ? ct_parse(s->ct, s->ct_len, &b, &bn) : CT_LEAF;
    s->in_header = 0;
    if (k == CT_MULTIPART) return push(s, b, bn);
    if (k != CT_MESSAGE) return SI_MIMECHK_OK;
    int rc = push(s, NULL, 0);
    return rc ? rc : header_start(s);
}

static int header_line(scan *s, const char *line, size_t n, size_t raw)
{
    if (n == 0) return header_end(s);
    s->header_len += raw;
    if (s->header_len > s->st.header) s->st.header = s->header_len;
    if (s->header_len > s->lim->max_header_size) return SI_MIMECHK_HEADER;
    if (line[0] == ' ' || line[0] == '\t') {
        if (s->in_ct) s->ct_len = (size_t)(line + n - s->ct);
        return SI_MIMECHK_OK;
    }
    s->in_ct = n >= 13 && strncasecmp(line, "content-type:", 13) == 0;
    if (s->in_ct) {
        s->ct = line + 13;
        s->ct_len = n - 13;
    }
    return SI_MIMECHK_OK;
}

static int only_lwsp(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p == end;
}

/* A body line: a boundary of an open multipart closes what is inside it. */
static int body_line(scan *s, const char *line, size_t n)
{
    if (n < 2 || line[0] != '-' || line[1] != '-') return SI_MIMECHK_OK;
    for (unsigned k = s->depth; k-- > 0;) {
        const level *lv = &s->stack[k];
        if (!lv->b || n < 2 + lv->n || memcmp(line + 2, lv->b, lv->n) != 0) continue;
        const char *rest = line + 2 + lv->n, *end = line + n;
        int close = end - rest >= 2 && rest[0] == '-' && rest[1] == '-';
        if (!only_lwsp(close ? rest + 2 : rest, end)) continue;
        s->depth = close ? k : k + 1;
        return close ? SI_MIMECHK_OK : header_start(s);
    }
    return SI_MIMECHK_OK;
}

int si_mime_check(const uint8_t *data, size_t len, const si_mime_limits *lim, si_mime_stats *st)
{
    scan s = {.lim = lim};
    const char *p = (const char *)data, *end = p + len;
    if (!(s.stack = calloc(lim->max_depth ? lim->max_depth : 1, sizeof *s.stack))) return -ENOMEM;
    int rc = header_start(&s);
    while (rc == SI_MIMECHK_OK && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *next = nl ? nl + 1 : end, *le = nl ? nl : end;
        if (le > p && le[-1] == '\r') le--;
        size_t n = (size_t)(le - p);
        rc = s.in_header ? header_line(&s, p, n, (size_t)(next - p)) : body_line(&s, p, n);
        p = next;
    }
    free(s.stack);
    if (st) *st = s.st;
    return rc;
}
