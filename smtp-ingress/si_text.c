/* si_text: see si_text.h. */
#include "si_text.h"
#include "cm_buf.h"

#include <stdlib.h>
#include <string.h>

/* The growth and the failure model are cm_wbuf's (cm_put_raw), plus a NUL not counted. */
void si_sbuf_add(si_sbuf *b, const char *s, size_t n)
{
    if (b->err) return;
    cm_wbuf w = {.data = (uint8_t *)b->p, .len = b->len, .cap = b->cap};
    cm_put_raw(&w, s, n);
    cm_put_u8(&w, 0);
    b->p = (char *)w.data;
    b->cap = w.cap;
    b->err = w.err;
    if (!w.err)
        b->len = w.len - 1;
    else if (b->p)
        b->p[b->len] = '\0'; /* as it was */
}

void si_sbuf_addc(si_sbuf *b, char c)
{
    si_sbuf_add(b, &c, 1);
}

char si_sbuf_last(const si_sbuf *b)
{
    return b->len ? b->p[b->len - 1] : '\0';
}

void si_sbuf_rtrim_spaces(si_sbuf *b)
{
    while (b->len && (b->p[b->len - 1] == ' ' || b->p[b->len - 1] == '\t'))
        b->p[--b->len] = '\0';
}

static int is_trailing_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f';
}

/* Length of the text before the first run of five '#'. */
static size_t signature_cut(const char *s, size_t len)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        run = s[i] == '#' ? run + 1 : 0;
        if (run == 5) return i - 4;
    }
    return len;
}

char *si_text_normalise(const char *s, size_t len)
{
    si_sbuf b = {0};
    si_sbuf_add(&b, "", 0);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\r') {
            si_sbuf_addc(&b, '\n');
            if (i + 1 < len && s[i + 1] == '\n') i++;
        } else if (s[i] != '\0') {
            si_sbuf_addc(&b, s[i]);
        }
    }
    if (b.err) {
        free(b.p);
        return NULL;
    }
    b.len = signature_cut(b.p, b.len);
    while (b.len && is_trailing_space(b.p[b.len - 1]))
        b.len--;
    b.p[b.len] = '\0';
    return b.p;
}
