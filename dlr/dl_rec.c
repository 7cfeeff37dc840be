/* dl_rec: encoding of dlr's stored records (see dl_rec.h). */
#include "dl_rec.h"

#include <errno.h>

static int finish(cm_rbuf *r)
{
    if (r->err) return r->err == -ENOMEM ? -ENOMEM : -EBADMSG;
    return r->p == r->end ? 0 : -EBADMSG;
}

/* The record's version, or -EBADMSG. */
static int check_version(cm_rbuf *r)
{
    uint8_t v = cm_get_u8(r);

    return !r->err && v >= DL_REC_VERSION_MIN && v <= DL_REC_VERSION ? v : -EBADMSG;
}

void dl_rcpt_encode(const dl_rcpt *r, cm_wbuf *w)
{
    cm_put_u8(w, DL_REC_VERSION);
    cm_put_str(w, r->submission);
    cm_put_str(w, r->operator_name);
    cm_put_u8(w, r->outcome);
    cm_put_u8(w, r->submitted);
    cm_put_u8(w, r->stat);
    cm_put_str(w, r->err);
    cm_put_u32(w, r->smpp_status);
    cm_put_str(w, r->reason);
    cm_put_u64(w, r->final_at_ms);
    cm_put_u32(w, r->attempt);
    cm_put_mem(w, r->parts.data, r->parts.len);
    cm_put_str(w, r->network_error);
}

int dl_rcpt_decode(const void *p, size_t n, cm_arena **arena, dl_rcpt *out)
{
    cm_rbuf r = {(const uint8_t *)p, (const uint8_t *)p + n, arena, 0};
    int v = check_version(&r);

    if (v < 0) return -EBADMSG;
    out->submission = cm_get_str(&r);
    out->operator_name = cm_get_str(&r);
    out->outcome = cm_get_u8(&r);
    out->submitted = cm_get_u8(&r);
    out->stat = cm_get_u8(&r);
    out->err = cm_get_str(&r);
    out->smpp_status = cm_get_u32(&r);
    out->reason = cm_get_str(&r);
    out->final_at_ms = cm_get_u64(&r);
    out->attempt = cm_get_u32(&r);
    out->parts = cm_get_bytes(&r);
    out->network_error = v >= 2 ? cm_get_str(&r) : "";
    return finish(&r);
}

void dl_progress_encode(const dl_progress *p, cm_wbuf *w)
{
    cm_put_u8(w, DL_REC_VERSION);
    cm_put_u32(w, p->queued);
    cm_put_u32(w, p->final);
    cm_put_u8(w, p->done);
    cm_put_u64(w, p->expires_ms);
    cm_put_u64(w, p->done_at_ms);
}

int dl_progress_decode(const void *p, size_t n, dl_progress *out)
{
    cm_rbuf r = {(const uint8_t *)p, (const uint8_t *)p + n, NULL, 0};
    int v = check_version(&r);

    if (v < 0) return -EBADMSG;
    out->queued = cm_get_u32(&r);
    out->final = cm_get_u32(&r);
    out->done = cm_get_u8(&r);
    out->expires_ms = cm_get_u64(&r);
    out->done_at_ms = v >= 2 ? cm_get_u64(&r) : 0;
    return finish(&r);
}

void dl_mailrec_encode_around(const dl_mailrec *m, cm_wbuf *head, cm_wbuf *tail)
{
    if (m->mail.len > UINT32_MAX) {
        head->err = -E2BIG;
        return;
    }
    cm_put_u8(head, DL_REC_VERSION);
    cm_put_u64(head, m->next_try_ms);
    cm_put_u32(head, m->tries);
    cm_put_str(head, m->env_from);
    cm_put_str(head, m->rcpt);
    cm_put_str(head, m->submission);
    cm_put_str(head, m->kind);
    cm_put_u32(head, (uint32_t)m->mail.len);
    cm_put_str(tail, m->last_error);
    cm_put_u64(tail, m->queued_ms);
}

void dl_mailrec_encode(const dl_mailrec *m, cm_wbuf *w)
{
    cm_wbuf tail = {0};

    dl_mailrec_encode_around(m, w, &tail);
    cm_put_raw(w, m->mail.data, m->mail.len);
    cm_put_raw(w, tail.data, tail.len);
    if (tail.err && !w->err) w->err = tail.err;
    cm_wbuf_free(&tail);
}

/* The mail copied into the arena, or a view of p's bytes when view. */
static int mailrec_decode(const void *p, size_t n, cm_arena **arena, dl_mailrec *out, int view)
{
    cm_rbuf r = {(const uint8_t *)p, (const uint8_t *)p + n, arena, 0};
    int v = check_version(&r);

    if (v < 0) return -EBADMSG;
    out->next_try_ms = cm_get_u64(&r);
    out->tries = cm_get_u32(&r);
    out->env_from = cm_get_str(&r);
    out->rcpt = cm_get_str(&r);
    out->submission = cm_get_str(&r);
    out->kind = cm_get_str(&r);
    out->mail = view ? cm_get_view(&r) : cm_get_bytes(&r);
    out->last_error = cm_get_str(&r);
    out->queued_ms = v >= 3 ? cm_get_u64(&r) : out->next_try_ms;
    return finish(&r);
}

int dl_mailrec_decode(const void *p, size_t n, cm_arena **arena, dl_mailrec *out)
{
    return mailrec_decode(p, n, arena, out, 0);
}

int dl_mailrec_decode_view(const void *p, size_t n, cm_arena **arena, dl_mailrec *out)
{
    return mailrec_decode(p, n, arena, out, 1);
}

int dl_mailrec_peek(const void *p, size_t n, uint64_t *next_try_ms, const char **rcpt,
                    size_t *rcpt_len, const char **sub, size_t *sub_len)
{
    cm_rbuf r = {(const uint8_t *)p, (const uint8_t *)p + n, NULL, 0};

    if (check_version(&r) < 0) return -EBADMSG;
    *next_try_ms = cm_get_u64(&r);
    (void)cm_get_u32(&r);  /* tries */
    (void)cm_get_view(&r); /* env_from */
    cm_bytes to = cm_get_view(&r), s = cm_get_view(&r);
    *rcpt = (const char *)to.data;
    *rcpt_len = to.len;
    *sub = (const char *)s.data;
    *sub_len = s.len;
    return r.err ? -EBADMSG : 0;
}
