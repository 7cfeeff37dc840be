/* si_html: see si_html.h. */
#include "si_html.h"
#include "si_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

enum elem_kind { EL_INLINE, EL_SKIP, EL_BLOCK, EL_BR, EL_CELL, EL_PRE };

static const struct {
    const char *name;
    enum elem_kind kind;
} ELEMS[] = {
    {"head", EL_SKIP},        {"title", EL_SKIP},     {"script", EL_SKIP},
    {"style", EL_SKIP},       {"template", EL_SKIP},  {"br", EL_BR},
    {"td", EL_CELL},          {"th", EL_CELL},        {"pre", EL_PRE},
    {"p", EL_BLOCK},          {"div", EL_BLOCK},      {"li", EL_BLOCK},
    {"tr", EL_BLOCK},         {"table", EL_BLOCK},    {"ul", EL_BLOCK},
    {"ol", EL_BLOCK},         {"dl", EL_BLOCK},       {"dt", EL_BLOCK},
    {"dd", EL_BLOCK},         {"h1", EL_BLOCK},       {"h2", EL_BLOCK},
    {"h3", EL_BLOCK},         {"h4", EL_BLOCK},       {"h5", EL_BLOCK},
    {"h6", EL_BLOCK},         {"hr", EL_BLOCK},       {"blockquote", EL_BLOCK},
    {"address", EL_BLOCK},    {"article", EL_BLOCK},  {"aside", EL_BLOCK},
    {"center", EL_BLOCK},     {"section", EL_BLOCK},  {"header", EL_BLOCK},
    {"footer", EL_BLOCK},     {"nav", EL_BLOCK},      {"main", EL_BLOCK},
    {"form", EL_BLOCK},       {"fieldset", EL_BLOCK}, {"figure", EL_BLOCK},
    {"figcaption", EL_BLOCK}, {"caption", EL_BLOCK},  {"body", EL_BLOCK},
};

typedef struct {
    si_sbuf out;
    int pre; /* depth of <pre> elements */
} walker;

static enum elem_kind kind_of(const xmlNode *n)
{
    if (n->type != XML_ELEMENT_NODE || !n->name) return EL_INLINE;
    for (size_t i = 0; i < sizeof ELEMS / sizeof ELEMS[0]; i++)
        if (strcasecmp((const char *)n->name, ELEMS[i].name) == 0) return ELEMS[i].kind;
    return EL_INLINE;
}

static void newline(walker *w, int always)
{
    si_sbuf_rtrim_spaces(&w->out);
    if (always || (w->out.len && si_sbuf_last(&w->out) != '\n')) si_sbuf_addc(&w->out, '\n');
}

/* Appends a text node: NBSP -> space, white space collapsed unless inside <pre>. */
static void add_text(walker *w, const char *s)
{
    for (; *s; s++) {
        char c = *s;
        if ((unsigned char)c == 0xC2 && (unsigned char)s[1] == 0xA0) {
            si_sbuf_addc(&w->out, ' ');
            s++;
        } else if (w->pre) {
            si_sbuf_addc(&w->out, c);
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            char last = si_sbuf_last(&w->out);
            if (last != ' ' && last != '\n' && last != '\0') si_sbuf_addc(&w->out, ' ');
        } else {
            si_sbuf_addc(&w->out, c);
        }
    }
}

/* Called when the walk reaches n; returns whether to visit its children. */
static int enter(walker *w, const xmlNode *n)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content) add_text(w, (const char *)n->content);
        return 0;
    }
    switch (kind_of(n)) {
    case EL_SKIP:
        return 0;
    case EL_BR:
        newline(w, 1);
        return 0;
    case EL_PRE:
        w->pre++;
        /* fall through */
    case EL_BLOCK:
        newline(w, 0);
        return 1;
    default:
        return n->type == XML_ELEMENT_NODE;
    }
}

static void leave(walker *w, const xmlNode *n)
{
    switch (kind_of(n)) {
    case EL_PRE:
        w->pre--;
        /* fall through */
    case EL_BLOCK:
        newline(w, 0);
        break;
    case EL_CELL:
        if (si_sbuf_last(&w->out) != ' ' && si_sbuf_last(&w->out) != '\n')
            si_sbuf_addc(&w->out, ' ');
        break;
    default:
        break;
    }
}

static void walk(walker *w, const xmlNode *root)
{
    const xmlNode *n = root;
    while (n) {
        if (enter(w, n) && n->children) {
            n = n->children;
            continue;
        }
        for (;;) {
            leave(w, n);
            if (n == root) return;
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
        }
    }
}

char *si_html_to_text(const char *html, size_t len)
{
    walker w = {{0}, 0};
    si_sbuf_add(&w.out, "", 0);
    if (len > 0 && len < (size_t)INT32_MAX) {
        int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                   HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC;
        htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8", opts);
        const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
        if (root) walk(&w, root);
        xmlFreeDoc(doc);
    }
    if (w.out.err) {
        free(w.out.p);
        return NULL;
    }
    return w.out.p;
}
