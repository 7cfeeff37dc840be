/* se_parts: payload -> short_message of each submit_sm (see se_parts.h). */
#include "se_parts.h"

#include "cm_sms.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define UDH_LEN 6

void se_text_free(se_text *t)
{
    if (!t) return;
    free(t->data);
    free(t->bound);
    memset(t, 0, sizeof *t);
}

/* Decimal offsets, strictly increasing, the last = len. */
static int parse_ends(const cm_strs *ends, size_t len, size_t *bound)
{
    bound[0] = 0;
    if (ends->n == 0) {
        bound[1] = len;
        return 0;
    }
    for (size_t i = 0; i < ends->n; i++) {
        const char *s = ends->v[i];
        char *end;
        if (*s < '0' || *s > '9') return -EINVAL;
        unsigned long v = strtoul(s, &end, 10);
        if (*end || v <= bound[i] || v > len) return -EINVAL;
        bound[i + 1] = v;
    }
    return bound[ends->n] == len ? 0 : -EINVAL;
}

int se_gsm_to_latin1(const uint8_t *gsm, size_t len, uint8_t *out, size_t size)
{
    char *utf8 = NULL;
    int n = cm_sms_decode(CM_SMS_GSM7, gsm, len, 0, &utf8);
    if (n < 0) return n;
    size_t o = 0;
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        uint8_t c = (uint8_t)utf8[i];
        if (o >= size)
            rc = -ENOSPC;
        else if (c < 0x80)
            out[o++] = c;
        else if ((c == 0xC2 || c == 0xC3) && i + 1 < n)
            out[o++] = (uint8_t)((c & 0x03) << 6 | ((uint8_t)utf8[++i] & 0x3F));
        else
            rc = -EILSEQ;
    }
    free(utf8);
    return rc ? rc : (int)o;
}

/* Each part converted separately (bounds move: an escape pair becomes one byte). */
static int to_latin1(se_text *t)
{
    uint8_t *out = malloc(t->len ? t->len : 1);
    size_t *bound = malloc((t->n_parts + 1) * sizeof *bound);
    size_t o = 0;
    int rc = out && bound ? 0 : -ENOMEM;
    if (!rc) bound[0] = 0;
    for (size_t i = 0; i < t->n_parts && !rc; i++) {
        int n = se_gsm_to_latin1(t->data + t->bound[i], t->bound[i + 1] - t->bound[i], out + o,
                                 t->len - o);
        if (n < 0)
            rc = n;
        else
            bound[i + 1] = o += (size_t)n;
    }
    if (rc) {
        free(out);
        free(bound);
        return rc;
    }
    free(t->data);
    free(t->bound);
    t->data = out;
    t->bound = bound;
    t->len = o;
    t->data_coding = CM_SMS_LATIN1;
    return 0;
}

int se_text_make(const uint8_t *payload, size_t len, uint8_t coding, const cm_strs *part_ends,
                 int gsm_coding, se_text *out)
{
    memset(out, 0, sizeof *out);
    if (coding != CM_SMS_GSM7 && coding != CM_SMS_UCS2) return -ENOTSUP;
    if (part_ends->n > CM_SMS_MAX_PARTS) return -EINVAL;
    out->n_parts = part_ends->n ? part_ends->n : 1;
    out->data = malloc(len ? len : 1);
    out->bound = malloc((out->n_parts + 1) * sizeof *out->bound);
    if (!out->data || !out->bound) {
        se_text_free(out);
        return -ENOMEM;
    }
    if (len) memcpy(out->data, payload, len);
    out->len = len;
    out->data_coding = coding;
    int rc = parse_ends(part_ends, len, out->bound);
    for (size_t i = 0; !rc && i < out->n_parts; i++)
        if (out->bound[i + 1] - out->bound[i] + (out->n_parts > 1 ? UDH_LEN : 0) > SE_SM_MAX)
            rc = -EINVAL;
    if (rc) {
        se_text_free(out);
        return rc;
    }
    if (coding == CM_SMS_GSM7 && gsm_coding == CM_SMS_LATIN1)
        to_latin1(out); /* -EILSEQ: no Latin-1 form, stays GSM (data_coding 0) */
    return 0;
}

static int use_payload(const se_text *t, enum cm_long_method m)
{
    return m == CM_LONG_PAYLOAD && t->n_parts > 1 && t->len <= SE_PAYLOAD_MAX;
}

size_t se_text_submits(const se_text *t, enum cm_long_method m)
{
    return use_payload(t, m) ? 1 : t->n_parts;
}

static void copy_part(const se_text *t, size_t i, se_part *out)
{
    out->sm_len = t->bound[i + 1] - t->bound[i];
    memcpy(out->sm, t->data + t->bound[i], out->sm_len);
}

int se_text_part(const se_text *t, enum cm_long_method m, unsigned ref, size_t i, se_part *out)
{
    memset(out, 0, sizeof *out);
    if (i >= se_text_submits(t, m)) return -EINVAL;
    out->data_coding = t->data_coding;
    if (use_payload(t, m)) {
        out->payload = t->data;
        out->payload_len = t->len;
    } else if (t->n_parts == 1) {
        copy_part(t, i, out);
    } else if (m == CM_LONG_SAR) {
        copy_part(t, i, out);
        out->sar = 1;
        out->sar_ref = (uint16_t)ref;
        out->sar_total = (uint8_t)t->n_parts;
        out->sar_seq = (uint8_t)(i + 1);
    } else {
        unsigned wide = m == CM_LONG_UDH16;
        cm_sms_text st = {.info = {.parts = t->n_parts},
                          .flags = wide ? CM_SMS_REF16 : 0,
                          .data = t->data,
                          .len = t->len,
                          .bound = t->bound};
        int n = cm_sms_part_udh(&st, i, ref & (wide ? 0xFFFF : 0xFF), out->sm, sizeof out->sm);
        if (n < 0) return n;
        out->sm_len = (size_t)n;
        out->esm_class = 0x40;
    }
    return 0;
}
