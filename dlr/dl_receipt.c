/* dl_receipt: delivery receipt TLVs and text (see dl_receipt.h). */
#include "dl_receipt.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const char *word;
    enum dl_stat stat;
} stat_word;

static const stat_word STAT_WORDS[] = {
    {"DELIVRD", DL_STAT_DELIVERED},     {"DELIVERED", DL_STAT_DELIVERED},
    {"EXPIRED", DL_STAT_EXPIRED},       {"DELETED", DL_STAT_DELETED},
    {"UNDELIV", DL_STAT_UNDELIVERABLE}, {"UNDELIVERABLE", DL_STAT_UNDELIVERABLE},
    {"ACCEPTD", DL_STAT_ACCEPTED},      {"ACCEPTED", DL_STAT_ACCEPTED},
    {"UNKNOWN", DL_STAT_UNKNOWN},       {"REJECTD", DL_STAT_REJECTED},
    {"REJECTED", DL_STAT_REJECTED},     {"ENROUTE", DL_STAT_ENROUTE},
    {"FAILED", DL_STAT_FAILED},         {"FAIL", DL_STAT_FAILED},
    {"BUFFRED", DL_STAT_BUFFERED},      {"BUFFERED", DL_STAT_BUFFERED},
    {"ACKED", DL_STAT_ACKED},
};

enum dl_stat dl_stat_parse(const char *word, size_t len)
{
    for (size_t i = 0; i < sizeof(STAT_WORDS) / sizeof(STAT_WORDS[0]); i++)
        if (strlen(STAT_WORDS[i].word) == len && strncasecmp(STAT_WORDS[i].word, word, len) == 0)
            return STAT_WORDS[i].stat;
    return DL_STAT_NONE;
}

const char *dl_stat_name(enum dl_stat s)
{
    switch (s) {
    case DL_STAT_ENROUTE:
        return "ENROUTE";
    case DL_STAT_DELIVERED:
        return "DELIVRD";
    case DL_STAT_EXPIRED:
        return "EXPIRED";
    case DL_STAT_DELETED:
        return "DELETED";
    case DL_STAT_UNDELIVERABLE:
        return "UNDELIV";
    case DL_STAT_ACCEPTED:
        return "ACCEPTD";
    case DL_STAT_UNKNOWN:
        return "UNKNOWN";
    case DL_STAT_REJECTED:
        return "REJECTD";
    case DL_STAT_FAILED:
        return "FAILED";
    case DL_STAT_BUFFERED:
        return "BUFFRED";
    case DL_STAT_ACKED:
        return "ACKED";
    default:
        return "";
    }
}

int dl_stat_is_final(enum dl_stat s)
{
    return !(s == DL_STAT_NONE || s == DL_STAT_ENROUTE || s == DL_STAT_ACCEPTED ||
             s == DL_STAT_BUFFERED || s == DL_STAT_ACKED);
}

int dl_stat_is_delivered(enum dl_stat s)
{
    return s == DL_STAT_DELIVERED;
}

int dl_err_is_zero(const char *err)
{
    for (; *err; err++)
        if (*err != '0') return 0;
    return 1;
}

/* The text fields, in the order tried at each position (longest spelling first). */
enum tfield { F_ID, F_SUB, F_DLVRD, F_SUBMIT, F_DONE, F_STAT, F_ERR, F_TEXT };

typedef struct {
    const char *key;
    enum tfield f;
} text_key;

static const text_key TEXT_KEYS[] = {
    {"id:", F_ID},
    {"sub:", F_SUB},
    {"dlvrd:", F_DLVRD},
    {"submit date:", F_SUBMIT},
    {"submit_date:", F_SUBMIT},
    {"submitdate:", F_SUBMIT},
    {"done date:", F_DONE},
    {"done_date:", F_DONE},
    {"donedate:", F_DONE},
    {"stat:", F_STAT},
    {"err:", F_ERR},
    {"text:", F_TEXT},
};

#define N_KEYS (sizeof(TEXT_KEYS) / sizeof(TEXT_KEYS[0]))

typedef struct {
    const char *p, *end;
} span;

/* The key starting at p (after a space or at the start), or -1. */
static int key_at(const char *p, const char *end, size_t *klen)
{
    for (size_t i = 0; i < N_KEYS; i++) {
        size_t n = strlen(TEXT_KEYS[i].key);
        if ((size_t)(end - p) >= n && strncasecmp(p, TEXT_KEYS[i].key, n) == 0) {
            *klen = n;
            return (int)i;
        }
    }
    return -1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Value after a key: optional spaces, then up to the next space; empty when the
 * next word is itself a key. */
static span value_at(const char *p, const char *end)
{
    span v;
    size_t kl;

    while (p < end && is_space(*p))
        p++;
    v.p = v.end = p;
    if (p < end && key_at(p, end, &kl) >= 0) return v;
    while (v.end < end && !is_space(*v.end))
        v.end++;
    return v;
}

static void copy_span(span v, char *out, size_t cap)
{
    size_t n = (size_t)(v.end - v.p);

    if (n >= cap) n = cap - 1;
    memcpy(out, v.p, n);
    out[n] = '\0';
}

static int span_int(span v)
{
    int n = 0;

    if (v.p == v.end || v.end - v.p > 6) return -1;
    for (const char *p = v.p; p < v.end; p++) {
        if (*p < '0' || *p > '9') return -1;
        n = n * 10 + (*p - '0');
    }
    return n;
}

static void span_date(span v, char out[13])
{
    size_t n = (size_t)(v.end - v.p);

    out[0] = '\0';
    if (n != 10 && n != 12) return;
    for (size_t i = 0; i < n; i++)
        if (v.p[i] < '0' || v.p[i] > '9') return;
    copy_span(v, out, 13);
}

static void store_field(dl_receipt *r, enum tfield f, span v)
{
    switch (f) {
    case F_ID:
        copy_span(v, r->id, sizeof(r->id));
        break;
    case F_SUB:
        r->sub = span_int(v);
        break;
    case F_DLVRD:
        r->dlvrd = span_int(v);
        break;
    case F_SUBMIT:
        span_date(v, r->submit_date);
        break;
    case F_DONE:
        span_date(v, r->done_date);
        break;
    case F_STAT:
        r->stat = dl_stat_parse(v.p, (size_t)(v.end - v.p));
        break;
    case F_ERR:
        copy_span(v, r->err, sizeof(r->err));
        break;
    case F_TEXT:
        break;
    }
}

static void parse_text(const char *p, const char *end, dl_receipt *r)
{
    int at_word = 1;

    while (p < end) {
        size_t kl;
        int k = at_word ? key_at(p, end, &kl) : -1;

        if (k < 0) {
            at_word = is_space(*p);
            p++;
            continue;
        }
        if (TEXT_KEYS[k].f == F_TEXT) return;
        span v = value_at(p + kl, end);
        store_field(r, TEXT_KEYS[k].f, v);
        p = v.end; /* a space, the end, or (empty value) the next key */
        at_word = 1;
    }
}

int dl_receipt_parse(const uint8_t *text, size_t len, const char *tlv_id, uint32_t tlv_state,
                     const char *tlv_network_error, dl_receipt *out)
{
    memset(out, 0, sizeof(*out));
    out->sub = out->dlvrd = -1;
    if (text != NULL) parse_text((const char *)text, (const char *)text + len, out);
    if (tlv_id != NULL && tlv_id[0] != '\0' && strlen(tlv_id) < sizeof(out->id))
        strcpy(out->id, tlv_id);
    if (tlv_state >= DL_STAT_ENROUTE && tlv_state <= DL_STAT_REJECTED)
        out->stat = (enum dl_stat)tlv_state;
    if (tlv_network_error != NULL && strlen(tlv_network_error) < sizeof(out->network_error))
        strcpy(out->network_error, tlv_network_error);
    return out->id[0] != '\0' ? 0 : -EINVAL;
}
