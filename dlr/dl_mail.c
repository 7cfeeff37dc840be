/* dl_mail: the final receipt and the words of a recipient's outcome (see dl_mail.h).
 * The acceptance receipt is in dl_accept.c, forwarded replies in dl_reply.c; the
 * sentences are in dl_words.c. */
#include "dl_mail.h"

#include "dl_compose.h"
#include "dl_csv.h"
#include "dl_mime.h"
#include "dl_reason.h"
#include "dl_sb.h"
#include "dl_time.h"
#include "dl_words.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "<kind> - message n° <sub> - <subject>" */
void dl_mail_subject(dl_sb *b, const char *lang, const char *kind, const cm_msg_accepted *acc)
{
    const dl_words *w = dl_words_for(lang);

    dl_sb_puts(b, kind);
    if (acc->submission[0] != '\0') dl_sb_printf(b, " - %s%s", w->msg_no, acc->submission);
    if (acc->subject[0] != '\0') dl_sb_printf(b, " - %s", acc->subject);
}

/* ", erreur réseau GSM 1" (SMPP-type codes in hex, as command_status values). */
static void put_net_code(dl_sb *b, const dl_words *w, const dl_net_error *ne)
{
    char code[16];

    snprintf(code, sizeof(code), ne->type == 7 ? "0x%04X" : "%u", ne->code);
    dl_sb_puts(b, ", ");
    dl_sb_printf(b, w->net_fmt, ne->type_name, code);
}

/* "destinataire injoignable, numéro inconnu du réseau (UNDELIV, code erreur 001,
 * erreur réseau GSM 1)": the receipt's state, the network's reason, the codes. */
static void put_receipt_failure(dl_sb *b, const dl_words *w, const dl_final_rcpt *r)
{
    const char *s = (unsigned)r->stat < 9 ? w->stat[r->stat] : w->stat[0];
    dl_net_error ne;
    const char *net = dl_reason_network(r->network_error, dl_words_lang(w), &ne);

    dl_sb_puts(b, s[0] ? s : w->stat[0]);
    if (net != NULL) dl_sb_printf(b, ", %s", net);
    dl_sb_printf(b, " (%s", dl_stat_name(r->stat));
    if (r->err != NULL && !dl_err_is_zero(r->err)) {
        dl_sb_printf(b, ", %s ", w->err);
        dl_mime_clean(b, r->err);
    }
    if (ne.type_name[0] != '\0') put_net_code(b, w, &ne);
    dl_sb_putc(b, ')');
}

/* "refusé par l'opérateur, adresse du destinataire invalide (erreur SMPP 0x0000000B)";
 * the egress's own text only for codes without words. */
static void put_smpp_failure(dl_sb *b, const dl_words *w, const dl_final_rcpt *r)
{
    const char *text = dl_reason_smpp(r->smpp_status, dl_words_lang(w));

    dl_sb_puts(b, w->refused);
    if (text != NULL) dl_sb_printf(b, ", %s", text);
    dl_sb_printf(b, " (%s 0x%08X", w->smpp, r->smpp_status);
    if (text == NULL && r->reason != NULL && r->reason[0] != '\0') {
        dl_sb_puts(b, dl_compose_colon(w));
        dl_compose_reason(b, w, r->reason);
    }
    dl_sb_putc(b, ')');
}

/* Why a receipt or the SMSC said no, in words. */
static void put_failure(dl_sb *b, const dl_words *w, const dl_final_rcpt *r)
{
    if (r->outcome == DL_OUT_EXPIRED)
        dl_sb_puts(b, w->expired);
    else if (r->stat != DL_STAT_NONE)
        put_receipt_failure(b, w, r);
    else if (r->smpp_status != 0)
        put_smpp_failure(b, w, r);
    else if (r->reason != NULL && r->reason[0] != '\0')
        dl_compose_reason(b, w, r->reason);
    else
        dl_sb_puts(b, w->stat[0]);
}

void dl_mail_reason(dl_sb *b, const char *lang, const dl_final_rcpt *r)
{
    const dl_words *w = dl_words_for(lang);

    switch (r->outcome) {
    case DL_OUT_DELIVERED:
        break;
    case DL_OUT_REJECTED:
        dl_compose_reason(b, w, r->reason);
        break;
    case DL_OUT_BLACKLISTED:
        dl_sb_puts(b, w->blacklisted);
        break;
    default:
        put_failure(b, w, r);
        break;
    }
}

static void put_final_line(dl_sb *b, const dl_words *w, const dl_final_rcpt *r)
{
    char t[48];

    dl_sb_puts(b, "- ");
    dl_compose_who(b, w, r->number, r->fields, r->line);
    dl_sb_puts(b, dl_compose_colon(w));
    switch (r->outcome) {
    case DL_OUT_DELIVERED:
        dl_time_human(r->at_ms, dl_words_lang(w), t, sizeof(t));
        dl_sb_printf(b, "%s %s", w->delivered, t);
        break;
    case DL_OUT_REJECTED:
    case DL_OUT_BLACKLISTED:
        dl_sb_printf(b, "%s%s", w->not_sent, dl_compose_colon(w));
        dl_mail_reason(b, dl_words_lang(w), r);
        break;
    default:
        dl_sb_printf(b, "%s%s", w->undelivered, dl_compose_colon(w));
        put_failure(b, w, r);
        break;
    }
    if (r->parts > 1) dl_sb_printf(b, " (%u %s)", r->parts, w->sms);
    dl_sb_puts(b, ".\n");
}

/* Recipients the router accepted (refused ones were reported at acceptance) and, of
 * those, how many were delivered. */
static void count_one(const dl_final_rcpt *r, size_t *accepted, size_t *delivered)
{
    *accepted += r->outcome != DL_OUT_REJECTED;
    *delivered += r->outcome == DL_OUT_DELIVERED;
}

static const char *status_of(size_t accepted, size_t delivered)
{
    return delivered == accepted && accepted > 0 ? "delivered"
           : delivered == 0                      ? "undelivered"
                                                 : "partial";
}

const char *dl_mail_final_status(const dl_final_rcpt *r, size_t n)
{
    size_t accepted = 0, delivered = 0;

    for (size_t i = 0; i < n; i++)
        count_one(&r[i], &accepted, &delivered);
    return status_of(accepted, delivered);
}

/* Recipient i of src handed to fn, then its strings freed. */
static int with_rcpt(const dl_final_src *src, size_t i, void (*fn)(void *, const dl_final_rcpt *),
                     void *arg)
{
    cm_arena *keep = NULL;
    dl_final_rcpt r;
    int rc = src->get(src->arg, i, &r, &keep);

    if (rc == 0) fn(arg, &r);
    cm_arena_free(keep);
    return rc;
}

typedef struct {
    size_t accepted, delivered;
} counts;

static void count_fn(void *arg, const dl_final_rcpt *r)
{
    counts *c = arg;
    count_one(r, &c->accepted, &c->delivered);
}

typedef struct {
    dl_sb *b;
    const dl_words *w;
} line_ctx;

static void line_fn(void *arg, const dl_final_rcpt *r)
{
    line_ctx *l = arg;
    put_final_line(l->b, l->w, r);
}

/* The CSV as a dl_compose_stream: the header, then one row per call. */
typedef struct {
    const dl_final_src *src;
    const char *lang;
    dl_sb *b;
    size_t next; /* 0: the header; i + 1: row i */
} csv_ctx;

static void row_fn(void *arg, const dl_final_rcpt *r)
{
    csv_ctx *c = arg;
    dl_csv_row(c->b, c->lang, r);
}

static int csv_next(void *arg, dl_sb *b)
{
    csv_ctx *c = arg;
    int rc = 0;

    if (c->next > c->src->n) return 0;
    c->b = b;
    if (c->next == 0)
        dl_csv_header(b);
    else
        rc = with_rcpt(c->src, c->next - 1, row_fn, c);
    c->next++;
    return rc < 0 ? rc : 1;
}

/* The body's head: greeting, submission, counts. */
static void final_head(dl_sb *body, const dl_words *w, const cm_msg_accepted *acc, const counts *c,
                       size_t n)
{
    dl_sb_printf(body, "%s\n\n%s\n\n", w->hello, w->intro_final);
    dl_compose_kv(body, w, w->l_number, acc->submission);
    dl_compose_kv(body, w, w->l_subject, acc->subject);
    dl_compose_time_kv(body, w, w->l_received, acc->at_ms);
    dl_sb_printf(body, "%s%s%zu / %zu\n", w->l_delivered, dl_compose_colon(w), c->delivered,
                 c->accepted);
    dl_sb_printf(body, "%s%s%zu\n", w->l_undelivered, dl_compose_colon(w),
                 c->accepted - c->delivered);
    if (n > c->accepted)
        dl_sb_printf(body, "%s%s%zu\n", w->l_refused, dl_compose_colon(w), n - c->accepted);
    dl_sb_printf(body, "\n%s\n", w->h_results);
}

/* The first `listed` recipients, and the sentence about the others. */
static int final_lines(dl_sb *body, const dl_words *w, const dl_final_src *src, size_t listed)
{
    line_ctx l = {body, w};
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < listed; i++)
        rc = with_rcpt(src, i, line_fn, &l);
    if (listed < src->n) {
        dl_sb_printf(body, w->more_in_csv, src->n - listed, src->n);
        dl_sb_putc(body, '\n');
    }
    return rc;
}

int dl_mail_final_to(const dl_mail_env *env, const cm_msg_accepted *acc, const dl_final_src *src,
                     size_t list_max, dl_sb *m, const char **status)
{
    const dl_words *w = dl_words_for(acc->lang);
    const dl_compose_ids ids = {acc->message_id, acc->submission, dl_words_lang(w)};
    dl_sb subject = {0}, body = {0};
    counts c = {0, 0};
    csv_ctx cc = {src, acc->lang, NULL, 0};
    dl_compose_stream csv = {csv_next, &cc};
    int rc = 0;

    if (!dl_mime_rcpt_ok(env->to, env->from)) return -EINVAL;
    for (size_t i = 0; rc == 0 && i < src->n; i++)
        rc = with_rcpt(src, i, count_fn, &c);
    if (rc < 0) return rc;
    if (status != NULL) *status = status_of(c.accepted, c.delivered);
    dl_mail_subject(&subject, acc->lang, w->subj_final, acc);
    final_head(&body, w, acc, &c, src->n);
    rc = final_lines(&body, w, src, src->n > 1 && src->n > list_max ? list_max : src->n);
    dl_compose_footer(&body, w);
    if (rc < 0) {
        dl_sb_free(&subject);
        dl_sb_free(&body);
        return rc;
    }
    return dl_compose_mail_to(env, &ids, &subject, status_of(c.accepted, c.delivered), &body,
                              src->n > 1 ? &csv : NULL, m);
}

int dl_mail_final_src(const dl_mail_env *env, const cm_msg_accepted *acc, const dl_final_src *src,
                      size_t list_max, char **out, size_t *len, const char **status)
{
    dl_sb m = {0};

    return dl_sb_hand_over(&m, dl_mail_final_to(env, acc, src, list_max, &m, status), out, len);
}

/* An array as a dl_final_src. */
static int array_get(void *arg, size_t i, dl_final_rcpt *out, cm_arena **keep)
{
    (void)keep;
    *out = ((const dl_final_rcpt *)arg)[i];
    return 0;
}

int dl_mail_final(const dl_mail_env *env, const cm_msg_accepted *acc, const dl_final_rcpt *r,
                  size_t n, char **out, size_t *len)
{
    const dl_final_src src = {n, array_get, (void *)r};

    return dl_mail_final_src(env, acc, &src, (size_t)-1, out, len, NULL);
}
