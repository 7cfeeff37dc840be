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
static void final_counts(const dl_final_rcpt *r, size_t n, size_t *accepted, size_t *delivered)
{
    *accepted = *delivered = 0;
    for (size_t i = 0; i < n; i++) {
        *accepted += r[i].outcome != DL_OUT_REJECTED;
        *delivered += r[i].outcome == DL_OUT_DELIVERED;
    }
}

const char *dl_mail_final_status(const dl_final_rcpt *r, size_t n)
{
    size_t accepted, delivered;

    final_counts(r, n, &accepted, &delivered);
    return delivered == accepted && accepted > 0 ? "delivered"
           : delivered == 0                      ? "undelivered"
                                                 : "partial";
}

int dl_mail_final(const dl_mail_env *env, const cm_msg_accepted *acc, const dl_final_rcpt *r,
                  size_t n, char **out, size_t *len)
{
    const dl_words *w = dl_words_for(acc->lang);
    const dl_compose_ids ids = {acc->message_id, acc->submission, dl_words_lang(w)};
    dl_sb subject = {0}, body = {0}, csv = {0};
    size_t accepted, delivered;

    if (!dl_mime_rcpt_ok(env->to, env->from)) return -EINVAL;
    final_counts(r, n, &accepted, &delivered);
    dl_mail_subject(&subject, acc->lang, w->subj_final, acc);
    dl_sb_printf(&body, "%s\n\n%s\n\n", w->hello, w->intro_final);
    dl_compose_kv(&body, w, w->l_number, acc->submission);
    dl_compose_kv(&body, w, w->l_subject, acc->subject);
    dl_compose_time_kv(&body, w, w->l_received, acc->at_ms);
    dl_sb_printf(&body, "%s%s%zu / %zu\n", w->l_delivered, dl_compose_colon(w), delivered,
                 accepted);
    dl_sb_printf(&body, "%s%s%zu\n", w->l_undelivered, dl_compose_colon(w), accepted - delivered);
    if (n > accepted)
        dl_sb_printf(&body, "%s%s%zu\n", w->l_refused, dl_compose_colon(w), n - accepted);
    dl_sb_printf(&body, "\n%s\n", w->h_results);
    for (size_t i = 0; i < n; i++)
        put_final_line(&body, w, &r[i]);
    dl_compose_footer(&body, w);
    if (n > 1) dl_csv_final(&csv, acc->lang, r, n);
    return dl_compose_mail(env, &ids, &subject, dl_mail_final_status(r, n), &body, &csv, out, len);
}
