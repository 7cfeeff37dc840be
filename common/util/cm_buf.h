/* cm_buf: strict binary encoding primitives for messages between processes.
 *
 * A cm_wbuf grows as values are appended (integers big-endian, strings and byte
 * strings as a 32-bit length then the bytes). A cm_rbuf reads them back with every
 * length checked against what remains; values read as strings or byte strings are
 * copied into the reader's arena, which owns them until cm_arena_free().
 *
 * Failure model: writers remember the first allocation failure (err = -ENOMEM) and
 * ignore later writes; readers remember the first malformed or truncated value
 * (err = -EBADMSG) and return zeroes after it. Check ->err once at the end. */
#ifndef CM_BUF_H
#define CM_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct cm_arena cm_arena; /* chunks of memory freed all at once */

typedef struct {
    uint8_t *data;
    size_t len, cap;
    int err;
} cm_wbuf;

typedef struct {
    const uint8_t *p, *end;
    cm_arena **arena;
    int err;
} cm_rbuf;

typedef struct {
    uint8_t *data;
    size_t len;
} cm_bytes;

void *cm_arena_alloc(cm_arena **a, size_t n); /* zeroed; NULL on ENOMEM */
char *cm_arena_strdup(cm_arena **a, const char *s);
void cm_arena_free(cm_arena *a);

void cm_wbuf_free(cm_wbuf *w);
void cm_put_u8(cm_wbuf *w, uint8_t v);
void cm_put_u32(cm_wbuf *w, uint32_t v);
void cm_put_u64(cm_wbuf *w, uint64_t v);
void cm_put_raw(cm_wbuf *w, const void *p, size_t n); /* the bytes only */
void cm_put_mem(cm_wbuf *w, const void *p, size_t n); /* length-prefixed */
void cm_put_str(cm_wbuf *w, const char *s);           /* NULL is written as "" */

uint8_t cm_get_u8(cm_rbuf *r);
uint32_t cm_get_u32(cm_rbuf *r);
uint64_t cm_get_u64(cm_rbuf *r);
cm_bytes cm_get_bytes(cm_rbuf *r); /* NUL-terminated copy in the arena, NUL not counted */
/* The same field without a copy: points into the buffer, not NUL-terminated. */
cm_bytes cm_get_view(cm_rbuf *r);
char *cm_get_str(cm_rbuf *r); /* refuses embedded NUL bytes; never NULL ("" on error) */
/* A list count, refused if larger than `max` or than the bytes left could hold. */
uint32_t cm_get_count(cm_rbuf *r, uint32_t max, size_t min_item_size);

void cm_be32_put(uint8_t out[4], uint32_t v);
uint32_t cm_be32_get(const uint8_t in[4]);
void cm_be64_put(uint8_t out[8], uint64_t v);
uint64_t cm_be64_get(const uint8_t in[8]);

#endif
