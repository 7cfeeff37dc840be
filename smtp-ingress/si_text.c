/* si_text: see si_text.h. */
#include "si_text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Grows by doubling from 256 bytes, like cm_wbuf; one byte more for the NUL. */
void si_sbuf_add(si_sbuf *b, const char *s, size_t n)
{
    if (b->err) return;
    if (b->cap - b->len <= n) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len <= n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->err = -ENOMEM;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
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

/* One pass into a buffer of the input's size (the result is never longer). */
char *si_text_normalise(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    size_t n = 0;
    if (!out) return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\r') {
            out[n++] = '\n';
            if (i + 1 < len && s[i + 1] == '\n') i++;
        } else if (s[i] != '\0') {
            out[n++] = s[i];
        }
    }
    n = signature_cut(out, n);
    while (n && is_trailing_space(out[n - 1]))
        n--;
    out[n] = '\0';
    return out;
}
