/* cm_buf: see cm_buf.h. */
#include "cm_buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct cm_arena {
    struct cm_arena *next;
    size_t used, cap;
    max_align_t data[];
};

void *cm_arena_alloc(cm_arena **a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!*a || (*a)->cap - (*a)->used < n) {
        size_t cap = n > 16384 ? n : 16384;
        cm_arena *c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->next = *a;
        c->used = 0;
        c->cap = cap;
        *a = c;
    }
    void *p = (char *)(*a)->data + (*a)->used;
    (*a)->used += n;
    memset(p, 0, n);
    return p;
}

char *cm_arena_strdup(cm_arena **a, const char *s)
{
    size_t n = strlen(s);
    char *d = cm_arena_alloc(a, n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

void cm_arena_free(cm_arena *a)
{
    while (a) {
        cm_arena *next = a->next;
        free(a);
        a = next;
    }
}

void cm_wbuf_free(cm_wbuf *w)
{
    free(w->data);
    w->data = NULL;
    w->len = w->cap = 0;
}

void cm_put_raw(cm_wbuf *w, const void *p, size_t n)
{
    if (w->err) return;
    if (w->cap - w->len < n) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap - w->len < n)
            cap *= 2;
        uint8_t *d = realloc(w->data, cap);
        if (!d) {
            w->err = -ENOMEM;
            return;
        }
        w->data = d;
        w->cap = cap;
    }
    if (n) memcpy(w->data + w->len, p, n);
    w->len += n;
}

void cm_put_u8(cm_wbuf *w, uint8_t v)
{
    cm_put_raw(w, &v, 1);
}

void cm_put_u32(cm_wbuf *w, uint32_t v)
{
    uint8_t b[4];
    cm_be32_put(b, v);
    cm_put_raw(w, b, 4);
}

void cm_be32_put(uint8_t out[4], uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        out[i] = (uint8_t)v;
}

uint32_t cm_be32_get(const uint8_t in[4])
{
    return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
}

void cm_be64_put(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        out[i] = (uint8_t)v;
}

uint64_t cm_be64_get(const uint8_t in[8])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | in[i];
    return v;
}

void cm_put_u64(cm_wbuf *w, uint64_t v)
{
    uint8_t b[8];
    cm_be64_put(b, v);
    cm_put_raw(w, b, 8);
}

void cm_put_mem(cm_wbuf *w, const void *p, size_t n)
{
    if (n > UINT32_MAX) {
        w->err = -E2BIG;
        return;
    }
    cm_put_u32(w, (uint32_t)n);
    cm_put_raw(w, p, n);
}

void cm_put_str(cm_wbuf *w, const char *s)
{
    cm_put_mem(w, s ? s : "", s ? strlen(s) : 0);
}

static const uint8_t *get_raw(cm_rbuf *r, size_t n)
{
    if (r->err || (size_t)(r->end - r->p) < n) {
        r->err = -EBADMSG;
        return NULL;
    }
    const uint8_t *p = r->p;
    r->p += n;
    return p;
}

uint8_t cm_get_u8(cm_rbuf *r)
{
    const uint8_t *p = get_raw(r, 1);
    return p ? p[0] : 0;
}

uint32_t cm_get_u32(cm_rbuf *r)
{
    const uint8_t *p = get_raw(r, 4);
    return p ? cm_be32_get(p) : 0;
}

uint64_t cm_get_u64(cm_rbuf *r)
{
    const uint8_t *p = get_raw(r, 8);
    return p ? cm_be64_get(p) : 0;
}

cm_bytes cm_get_view(cm_rbuf *r)
{
    uint32_t n = cm_get_u32(r);
    const uint8_t *p = get_raw(r, n);
    return p ? (cm_bytes){(uint8_t *)p, n} : (cm_bytes){(uint8_t *)"", 0};
}

cm_bytes cm_get_bytes(cm_rbuf *r)
{
    cm_bytes v = cm_get_view(r);
    uint8_t *d = r->err ? NULL : cm_arena_alloc(r->arena, v.len + 1); /* zeroed: NUL */
    if (!d) {
        r->err = r->err ? r->err : -ENOMEM;
        return (cm_bytes){(uint8_t *)"", 0};
    }
    memcpy(d, v.data, v.len);
    return (cm_bytes){d, v.len};
}

char *cm_get_str(cm_rbuf *r)
{
    cm_bytes b = cm_get_bytes(r);
    if (!r->err && memchr(b.data, 0, b.len)) r->err = -EBADMSG;
    return r->err ? "" : (char *)b.data;
}

uint32_t cm_get_count(cm_rbuf *r, uint32_t max, size_t min_item_size)
{
    uint32_t n = cm_get_u32(r);
    if (r->err) return 0;
    if (n > max || (min_item_size && (size_t)(r->end - r->p) / min_item_size < n)) {
        r->err = -EBADMSG;
        return 0;
    }
    return n;
}
