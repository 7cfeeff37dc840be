/* cm_wire: codec generated from the field lists in cm_wire.h. */
#include "cm_wire.h"

#include <errno.h>
#include <string.h>

#define CM_WIRE_MAX_LIST 10000000u

static void put_strs(cm_wbuf *w, const cm_strs *s)
{
    cm_put_u32(w, (uint32_t)s->n);
    for (size_t i = 0; i < s->n; i++)
        cm_put_str(w, s->v[i]);
}

static cm_strs get_strs(cm_rbuf *r)
{
    cm_strs s = {NULL, 0};
    uint32_t n = cm_get_count(r, CM_WIRE_MAX_LIST, 4);
    if (!n) return s;
    s.v = cm_arena_alloc(r->arena, n * sizeof *s.v);
    if (!s.v) {
        r->err = -ENOMEM;
        return s;
    }
    for (uint32_t i = 0; i < n; i++)
        s.v[i] = cm_get_str(r);
    s.n = r->err ? 0 : n;
    return s;
}

int cm_strs_push(cm_arena **arena, cm_strs *s, const char *v)
{
    if ((s->n & (s->n - 1)) == 0) { /* capacity doubles at powers of two */
        char **nv = cm_arena_alloc(arena, (s->n ? s->n * 2 : 1) * sizeof *nv);
        if (!nv) return -ENOMEM;
        if (s->n) memcpy(nv, s->v, s->n * sizeof *nv);
        s->v = nv;
    }
    s->v[s->n] = cm_arena_strdup(arena, v);
    if (!s->v[s->n]) return -ENOMEM;
    s->n++;
    return 0;
}

/* Per-kind encode and decode of one field of struct pointer `m`. */
#define PUT_U8(n, r) cm_put_u8(w, m->n);
#define PUT_U32(n, r) cm_put_u32(w, m->n);
#define PUT_U64(n, r) cm_put_u64(w, m->n);
#define PUT_STR(n, r) cm_put_str(w, m->n);
#define PUT_BYTES(n, r) cm_put_mem(w, m->n.data, m->n.len);
#define PUT_STRS(n, r) put_strs(w, &m->n);
#define PUT_LIST(n, r)                                                                             \
    cm_put_u32(w, (uint32_t)m->n##_n);                                                             \
    for (size_t i = 0; i < m->n##_n; i++)                                                          \
        put_rec_##r(w, &m->n[i]);
#define PUT(kind, n, r) PUT_##kind(n, r)

#define GET_U8(n, r) m->n = cm_get_u8(rb);
#define GET_U32(n, r) m->n = cm_get_u32(rb);
#define GET_U64(n, r) m->n = cm_get_u64(rb);
#define GET_STR(n, r) m->n = cm_get_str(rb);
#define GET_BYTES(n, r) m->n = cm_get_bytes(rb);
#define GET_STRS(n, r) m->n = get_strs(rb);
#define GET_LIST(n, r)                                                                             \
    m->n##_n = cm_get_count(rb, CM_WIRE_MAX_LIST, 4);                                              \
    m->n = m->n##_n ? cm_arena_alloc(rb->arena, m->n##_n * sizeof *m->n) : NULL;                   \
    if (m->n##_n && !m->n) rb->err = -ENOMEM;                                                      \
    for (size_t i = 0; !rb->err && i < m->n##_n; i++)                                              \
        get_rec_##r(rb, &m->n[i]);                                                                 \
    if (rb->err) m->n##_n = 0;
#define GET(kind, n, r) GET_##kind(n, r)

#define DEFINE_RECORD(r, LIST)                                                                     \
    static void put_rec_##r(cm_wbuf *w, const struct cm_wire_##r *m)                               \
    {                                                                                              \
        LIST(PUT)                                                                                  \
    }                                                                                              \
    static void get_rec_##r(cm_rbuf *rb, struct cm_wire_##r *m)                                    \
    {                                                                                              \
        LIST(GET)                                                                                  \
    }
DEFINE_RECORD(attachment, CM_REC_ATTACHMENT)
DEFINE_RECORD(recipient, CM_REC_RECIPIENT)

#define DEFINE_MESSAGE(name, NAME)                                                                 \
    int cm_wire_encode_##name(const cm_msg_##name *m, cm_wbuf *w)                                  \
    {                                                                                              \
        cm_put_u8(w, CM_WIRE_VERSION);                                                             \
        cm_put_u8(w, CM_MSG_##NAME);                                                               \
        CM_MSG_##NAME##_FIELDS(PUT) return w->err;                                                 \
    }                                                                                              \
    int cm_wire_decode_##name(const uint8_t *data, size_t len, cm_arena **arena, cm_msg_##name *m) \
    {                                                                                              \
        cm_rbuf rbuf = {data, data + len, arena, 0}, *rb = &rbuf;                                  \
        memset(m, 0, sizeof *m);                                                                   \
        if (cm_wire_type(data, len) != CM_MSG_##NAME) return -EBADMSG;                             \
        rb->p += 2;                                                                                \
        CM_MSG_##NAME##_FIELDS(GET) if (!rb->err && rb->p != rb->end) rb->err = -EBADMSG;          \
        return rb->err;                                                                            \
    }
CM_WIRE_MESSAGES(DEFINE_MESSAGE)

/* The ACCEPTED's fields but its list, which is last: counted, then left where it is. */
#define HEAD_U8 GET_U8
#define HEAD_U32 GET_U32
#define HEAD_U64 GET_U64
#define HEAD_STR GET_STR
#define HEAD_BYTES GET_BYTES
#define HEAD_STRS GET_STRS
#define HEAD_LIST(n, r)                                                                            \
    it->left = cm_get_count(rb, CM_WIRE_MAX_LIST, 4);                                              \
    it->p = rb->p;                                                                                 \
    it->end = rb->end;                                                                             \
    rb->p = rb->end;
#define HEAD(kind, n, r) HEAD_##kind(n, r)

int cm_wire_decode_accepted_head(const uint8_t *data, size_t len, cm_arena **arena,
                                 cm_msg_accepted *m, cm_wire_recipients *it)
{
    cm_rbuf rbuf = {data, data + len, arena, 0}, *rb = &rbuf;

    memset(m, 0, sizeof *m);
    memset(it, 0, sizeof *it);
    if (cm_wire_type(data, len) != CM_MSG_ACCEPTED) return -EBADMSG;
    rb->p += 2;
    CM_MSG_ACCEPTED_FIELDS(HEAD)
    m->recipients_n = rb->err ? 0 : it->left;
    if (rb->err) it->left = 0;
    return rb->err;
}

int cm_wire_recipients_next(cm_wire_recipients *it, cm_arena **arena, struct cm_wire_recipient *out)
{
    cm_rbuf rbuf = {it->p, it->end, arena, 0};

    memset(out, 0, sizeof *out);
    if (it->left == 0) return -ENOENT;
    get_rec_recipient(&rbuf, out);
    if (rbuf.err) {
        it->left = 0;
        return rbuf.err == -ENOMEM ? -ENOMEM : -EBADMSG;
    }
    it->p = rbuf.p;
    it->left--;
    return 0;
}

int cm_wire_type(const uint8_t *data, size_t len)
{
    if (len < 2 || data[0] != CM_WIRE_VERSION) return -EBADMSG;
    return data[1];
}
