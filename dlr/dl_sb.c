/* dl_sb: a growing NUL-terminated string, or a counting or fixed-buffer sink (see
 * dl_sb.h). */
#include "dl_sb.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRINTF_STACK 256 /* a formatted piece up to this long goes to a sink without malloc */

void dl_sb_counter(dl_sb *b)
{
    *b = (dl_sb){NULL, 0, 0, 0, DL_SB_COUNT};
}

void dl_sb_fixed(dl_sb *b, char *buf, size_t cap)
{
    *b = (dl_sb){buf, 0, cap, 0, DL_SB_FIXED};
}

void dl_sb_free(dl_sb *b)
{
    if (b->sink == DL_SB_GROW) free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

static int grow(dl_sb *b, size_t extra)
{
    size_t need, cap;
    char *s;

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

/* Where the next n bytes go (->len is advanced past them); NULL when they are only
 * counted, or cannot be written (->err). */
static char *room(dl_sb *b, size_t n)
{
    char *p;

    if (b->err) return NULL;
    if (b->sink == DL_SB_COUNT) {
        b->len += n;
        return NULL;
    }
    if (b->sink == DL_SB_FIXED && n > b->cap - b->len) {
        b->err = -ENOSPC;
        return NULL;
    }
    if (b->sink == DL_SB_GROW && grow(b, n) < 0) return NULL;
    p = b->s + b->len;
    b->len += n;
    if (b->sink == DL_SB_GROW) b->s[b->len] = '\0';
    return p;
}

void dl_sb_putn(dl_sb *b, const char *p, size_t n)
{
    char *to = room(b, n);

    if (to != NULL && n > 0) memcpy(to, p, n);
}

void dl_sb_puts(dl_sb *b, const char *p)
{
    dl_sb_putn(b, p, strlen(p));
}

void dl_sb_putc(dl_sb *b, char c)
{
    char *to = room(b, 1);

    if (to != NULL) *to = c;
}

/* A formatted piece of n bytes for a sink (no room for vsnprintf's NUL there). */
static void sink_vprintf(dl_sb *b, size_t n, const char *fmt, va_list ap)
{
    char small[PRINTF_STACK], *tmp = small;

    if (b->sink == DL_SB_COUNT || b->err) {
        room(b, n);
        return;
    }
    if (n >= sizeof(small) && (tmp = malloc(n + 1)) == NULL) {
        b->err = -ENOMEM;
        return;
    }
    vsnprintf(tmp, n + 1, fmt, ap);
    dl_sb_putn(b, tmp, n);
    if (tmp != small) free(tmp);
}

void dl_sb_printf(dl_sb *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || b->err) return;
    va_start(ap, fmt);
    if (b->sink != DL_SB_GROW) {
        sink_vprintf(b, (size_t)n, fmt, ap);
    } else if (grow(b, (size_t)n) == 0) {
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
        b->len += (size_t)n;
    }
    va_end(ap);
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

int dl_sb_hand_over(dl_sb *b, int rc, char **out, size_t *len)
{
    if (rc < 0) {
        dl_sb_free(b);
        return rc;
    }
    *out = dl_sb_take(b, len);
    return *out != NULL ? 0 : -ENOMEM;
}
