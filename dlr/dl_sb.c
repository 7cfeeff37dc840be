/* dl_sb: a growing NUL-terminated string (see dl_sb.h). */
#include "dl_sb.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dl_sb_free(dl_sb *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

static int grow(dl_sb *b, size_t extra)
{
    size_t need, cap;
    char *s;

    if (b->err) return -1;
    need = b->len + extra + 1;
    if (need <= b->cap) return 0;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    s = realloc(b->s, cap);
    if (s == NULL) {
        b->err = -ENOMEM;
        return -1;
    }
    b->s = s;
    b->cap = cap;
    return 0;
}

void dl_sb_putn(dl_sb *b, const char *p, size_t n)
{
    if (grow(b, n) < 0) return;
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void dl_sb_puts(dl_sb *b, const char *p)
{
    dl_sb_putn(b, p, strlen(p));
}

void dl_sb_putc(dl_sb *b, char c)
{
    dl_sb_putn(b, &c, 1);
}

void dl_sb_printf(dl_sb *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || grow(b, (size_t)n) < 0) return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *dl_sb_take(dl_sb *b, size_t *len)
{
    char *s;

    if (b->err) {
        dl_sb_free(b);
        return NULL;
    }
    if (b->s == NULL && grow(b, 0) < 0) return NULL;
    if (b->len == 0) b->s[0] = '\0';
    s = b->s;
    if (len != NULL) *len = b->len;
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}
