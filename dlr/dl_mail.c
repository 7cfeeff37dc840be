/* dl_mail: acceptance and final receipts (see dl_mail.h). The wording follows the
 * customer guide (section 5: "Accusé de prise en compte", "Accusé final", "Votre
 * message a bien été délivré", "n'a pas pu être délivré"); one table per language. */
#include "dl_mail.h"

#include "dl_csv.h"
#include "dl_mime.h"
#include "dl_reason.h"
#include "dl_sb.h"
#include "dl_time.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *subj_acc, *subj_rej, *subj_final, *msg_no;
    const char *hello, *intro_acc, *intro_dup, *intro_dry, *intro_rej, *intro_final;
    const char *l_number, *l_subject, *l_received, *l_planned, *l_coding, *l_parts;
    const char *l_accepted, *l_refused, *l_reason, *l_text, *l_delivered, *l_undelivered;
    const char *h_accepted, *h_refused, *h_results, *line, *blacklisted, *final_note;
    const char *delivered, *undelivered, *not_sent, *expired, *refused, *smpp, *err, *sms;
    const char *net_fmt; /* "erreur réseau %s %s": network name, code */
    const char *footer;
    const char *stat[9]; /* by enum dl_stat 0..8; FAILED and others use stat[0] */
} words;

static const words FR = {
    "Accusé de prise en compte",
    "Accusé de prise en compte négatif",
    "Accusé final",
    "message n° ",
    "Bonjour,",
    "Votre message a bien été pris en compte.",
    "Ce message avait déjà été reçu (même expéditeur, même Message-ID) : il n'a pas été "
    "envoyé une seconde fois.",
    "Message de test ([TEST]) : aucun SMS n'a été envoyé.",
    "Votre message n'a pas été pris en compte.",
    "Voici l'accusé final de votre message.",
    "Numéro de message",
    "Objet",
    "Reçu le",
    "Envoi prévu le",
    "Codage",
    "Nombre de SMS par message",
    "Destinataires acceptés",
    "Destinataires refusés",
    "Motif du refus",
    "Texte du SMS",
    "Délivrés",
    "Non délivrés",
    "Destinataires acceptés :",
    "Destinataires refusés :",
    "Résultat par destinataire :",
    "ligne",
    "liste d'opposition (STOP)",
    "Vous recevrez un accusé final lorsque le sort de chaque SMS sera connu.",
    "Votre message a bien été délivré le",
    "Votre message n'a pas pu être délivré",
    "Votre message n'a pas été envoyé",
    "pas d'accusé de réception de l'opérateur dans le délai de validité",
    "refusé par l'opérateur",
    "erreur SMPP",
    "code erreur",
    "SMS",
    "erreur réseau %s %s",
    "Ce message est envoyé automatiquement par la passerelle SMS, merci de ne pas y "
    "répondre.",
    {"échec de la remise", "", "", "délai de validité expiré", "message supprimé par l'opérateur",
     "destinataire injoignable", "", "état inconnu", "message rejeté par l'opérateur"},
};

static const words EN = {
    "Acceptance receipt",
    "Acceptance receipt (rejected)",
    "Final receipt",
    "message no. ",
    "Hello,",
    "Your message has been accepted.",
    "This message had already been received (same sender, same Message-ID): it was not "
    "sent a second time.",
    "Test message ([TEST]): no SMS was sent.",
    "Your message was not accepted.",
    "Here is the final receipt of your message.",
    "Message number",
    "Subject",
    "Received",
    "Planned sending time",
    "Encoding",
    "SMS per message",
    "Recipients accepted",
    "Recipients refused",
    "Reason",
    "SMS text",
    "Delivered",
    "Not delivered",
    "Accepted recipients:",
    "Refused recipients:",
    "Result per recipient:",
    "line",
    "opted out (STOP)",
    "You will receive a final receipt once the outcome of every SMS is known.",
    "Your message was delivered on",
    "Your message could not be delivered",
    "Your message was not sent",
    "no delivery report from the operator within the validity period",
    "refused by the operator",
    "SMPP error",
    "error code",
    "SMS",
    "%s network error %s",
    "This message was sent automatically by the SMS gateway, please do not reply.",
    {"delivery failed", "", "", "validity period expired", "deleted by the operator",
     "undeliverable", "", "unknown state", "rejected by the operator"},
};

static const words *words_for(const char *lang)
{
    return lang != NULL && strcmp(lang, "en") == 0 ? &EN : &FR;
}

static const char *const ACC_STATUS[] = {"accepted", "accepted", "rejected", "duplicate",
                                         "dry-run"};

/* "Label : value" (French typography puts a space before the colon). */
static void put_kv(dl_sb *b, const words *w, const char *label, const char *value)
{
    dl_sb_printf(b, "%s%s", label, w == &FR ? " : " : ": ");
    dl_mime_clean(b, value);
    dl_sb_putc(b, '\n');
}

static void put_time_kv(dl_sb *b, const words *w, const char *label, uint64_t ms)
{
    char t[48];

    dl_time_human(ms, w == &FR ? "fr" : "en", t, sizeof(t));
    put_kv(b, w, label, t);
}

/* "+33601020304 (NOM=Dupont, PRENOM=Jean)" or "ligne 3 : 0801..." */
static void put_who(dl_sb *b, const words *w, const char *number, const char *fields, uint32_t line)
{
    if (line > 0) dl_sb_printf(b, "%s %u%s", w->line, line, w == &FR ? " : " : ": ");
    dl_mime_clean(b, number);
    if (fields != NULL && fields[0] != '\0') {
        dl_sb_puts(b, " (");
        for (const char *p = fields; *p; p++) {
            if (*p == '\t')
                dl_sb_puts(b, ", ");
            else
                dl_sb_putc(b, (unsigned char)*p < 0x20 ? ' ' : *p);
        }
        dl_sb_putc(b, ')');
    }
}

static const char *colon(const words *w)
{
    return w == &FR ? " : " : ": ";
}

static void put_headers(dl_sb *b, const dl_mail_env *env, const cm_msg_accepted *acc,
                        const char *subject, const char *status)
{
    const char *at = strchr(env->from, '@');
    char date[48];

    dl_time_rfc5322(env->now_ms, date, sizeof(date));
    dl_mime_header_raw(b, "From", env->from);
    dl_mime_header_raw(b, "To", env->to);
    dl_mime_header_text(b, "Subject", subject);
    dl_mime_header_raw(b, "Date", date);
    dl_sb_puts(b, "Message-ID: <");
    dl_mime_clean(b, env->msgid_left);
    dl_sb_printf(b, "@%s>\r\n", at != NULL && dl_mime_msgid_ok(at + 1) ? at + 1 : "smsgw.invalid");
    if (dl_mime_msgid_ok(acc->message_id)) {
        dl_sb_printf(b, "In-Reply-To: <%s>\r\n", acc->message_id);
        dl_sb_printf(b, "References: <%s>\r\n", acc->message_id);
    }
    dl_mime_header_text(b, "X-SMSGW-Submission", acc->submission);
    dl_mime_header_raw(b, "X-SMSGW-Status", status);
    dl_sb_puts(b, "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n");
}

/* "<kind> - message n° <sub> - <subject>" */
static void put_subject(dl_sb *b, const words *w, const char *kind, const cm_msg_accepted *acc)
{
    dl_sb_puts(b, kind);
    if (acc->submission[0] != '\0') dl_sb_printf(b, " - %s%s", w->msg_no, acc->submission);
    if (acc->subject[0] != '\0') dl_sb_printf(b, " - %s", acc->subject);
}

static const char TEXT_PART[] = "Content-Type: text/plain; charset=UTF-8\r\n"
                                "Content-Transfer-Encoding: quoted-printable\r\n\r\n";

/* The text body alone, or multipart/mixed with the CSV attached when csv != NULL. */
static void put_content(dl_sb *m, const dl_mail_env *env, const dl_sb *body, const dl_sb *csv,
                        const char *csv_name)
{
    if (csv == NULL) {
        dl_sb_puts(m, TEXT_PART);
        dl_mime_qp(m, body->s);
        return;
    }
    /* "=_" never occurs in quoted-printable or base64 text: a safe boundary */
    dl_sb_puts(m, "Content-Type: multipart/mixed; boundary=\"=_smsgw_");
    dl_mime_clean(m, env->msgid_left);
    dl_sb_puts(m, "\"\r\n\r\n--=_smsgw_");
    dl_mime_clean(m, env->msgid_left);
    dl_sb_printf(m, "\r\n%s", TEXT_PART);
    dl_mime_qp(m, body->s);
    dl_sb_puts(m, "\r\n--=_smsgw_");
    dl_mime_clean(m, env->msgid_left);
    dl_sb_puts(m, "\r\nContent-Type: text/csv; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n"
                  "Content-Disposition: attachment; filename=\"");
    dl_mime_clean(m, csv_name);
    dl_sb_puts(m, "\"\r\n\r\n");
    dl_mime_base64(m, csv->s, csv->len);
    dl_sb_puts(m, "\r\n--=_smsgw_");
    dl_mime_clean(m, env->msgid_left);
    dl_sb_puts(m, "--\r\n");
}

/* Assemble headers + body (+ CSV) into *out; frees the parts. */
static int finish(const dl_mail_env *env, const cm_msg_accepted *acc, dl_sb *subject,
                  const char *status, dl_sb *body, dl_sb *csv, char **out, size_t *len)
{
    dl_sb m = {0};
    char name[160];
    int err = subject->err ? subject->err : body->err ? body->err : csv ? csv->err : 0;

    if (!err) {
        snprintf(name, sizeof(name), "%s-%.100s.csv",
                 strcmp(acc->lang, "en") ? "accuse" : "receipt", acc->submission);
        for (char *p = name; *p; p++)
            if (*p == '"' || *p == '\\' || *p == '/') *p = '_';
        put_headers(&m, env, acc, subject->s, status);
        put_content(&m, env, body, csv != NULL && csv->len > 0 ? csv : NULL, name);
    }
    dl_sb_free(subject);
    dl_sb_free(body);
    if (csv != NULL) dl_sb_free(csv);
    if (err || m.err) {
        dl_sb_free(&m);
        return -ENOMEM;
    }
    *out = dl_sb_take(&m, len);
    return *out != NULL ? 0 : -ENOMEM;
}

static void put_footer(dl_sb *b, const words *w)
{
    dl_sb_printf(b, "\n-- \n%s\n", w->footer);
}

static void count_recipients(const cm_msg_accepted *acc, unsigned *ok, unsigned *refused)
{
    *ok = *refused = 0;
    for (size_t i = 0; i < acc->recipients_n; i++) {
        if (acc->recipients[i].state == CM_RCPT_QUEUED)
            (*ok)++;
        else
            (*refused)++;
    }
}

static void put_refused_list(dl_sb *b, const words *w, const cm_msg_accepted *acc)
{
    unsigned ok, refused;

    count_recipients(acc, &ok, &refused);
    if (refused == 0) return;
    dl_sb_printf(b, "\n%s\n", w->h_refused);
    for (size_t i = 0; i < acc->recipients_n; i++) {
        const struct cm_wire_recipient *r = &acc->recipients[i];
        if (r->state == CM_RCPT_QUEUED) continue;
        dl_sb_puts(b, "- ");
        put_who(b, w, r->number, r->fields, r->line);
        dl_sb_puts(b, colon(w));
        dl_mime_clean(b, r->state == CM_RCPT_BLACKLISTED ? w->blacklisted : r->reason);
        dl_sb_putc(b, '\n');
    }
}

static void put_accepted_list(dl_sb *b, const words *w, const cm_msg_accepted *acc)
{
    unsigned ok, refused;

    count_recipients(acc, &ok, &refused);
    if (ok == 0) return;
    dl_sb_printf(b, "\n%s\n", w->h_accepted);
    for (size_t i = 0; i < acc->recipients_n; i++) {
        const struct cm_wire_recipient *r = &acc->recipients[i];
        if (r->state != CM_RCPT_QUEUED) continue;
        dl_sb_puts(b, "- ");
        put_who(b, w, r->number, r->fields, r->line);
        dl_sb_putc(b, '\n');
    }
}

/* The SMS text, indented, for dry runs. */
static void put_sms_text(dl_sb *b, const words *w, const char *text)
{
    dl_sb_printf(b, "\n%s%s\n", w->l_text, w == &FR ? " :" : ":");
    dl_sb_puts(b, "  ");
    for (const char *p = text; *p; p++) {
        if (*p == '\n')
            dl_sb_puts(b, "\n  ");
        else
            dl_sb_putc(b, (unsigned char)*p < 0x20 ? ' ' : *p);
    }
    dl_sb_putc(b, '\n');
}

static void acceptance_body(dl_sb *b, const words *w, const cm_msg_accepted *acc)
{
    unsigned ok, refused;
    const char *intro = acc->status == CM_ACCEPT_DUPLICATE ? w->intro_dup
                        : acc->status == CM_ACCEPT_DRY_RUN ? w->intro_dry
                                                           : w->intro_acc;

    count_recipients(acc, &ok, &refused);
    dl_sb_printf(b, "%s\n\n%s\n\n", w->hello, intro);
    put_kv(b, w, w->l_number, acc->submission);
    put_kv(b, w, w->l_subject, acc->subject);
    put_time_kv(b, w, w->l_received, acc->at_ms);
    if (acc->send_at_ms != 0) put_time_kv(b, w, w->l_planned, acc->send_at_ms);
    put_kv(b, w, w->l_coding, acc->encoding);
    dl_sb_printf(b, "%s%s%u\n", w->l_parts, colon(w), acc->parts);
    dl_sb_printf(b, "%s%s%u\n", w->l_accepted, colon(w), ok);
    dl_sb_printf(b, "%s%s%u\n", w->l_refused, colon(w), refused);
    put_accepted_list(b, w, acc);
    put_refused_list(b, w, acc);
    if (acc->status == CM_ACCEPT_DRY_RUN && acc->text[0] != '\0') put_sms_text(b, w, acc->text);
    if (acc->status == CM_ACCEPT_ACCEPTED && ok > 0) dl_sb_printf(b, "\n%s\n", w->final_note);
}

static void rejection_body(dl_sb *b, const words *w, const cm_msg_accepted *acc)
{
    dl_sb_printf(b, "%s\n\n%s\n\n", w->hello, w->intro_rej);
    if (acc->submission[0] != '\0') put_kv(b, w, w->l_number, acc->submission);
    put_kv(b, w, w->l_subject, acc->subject);
    put_time_kv(b, w, w->l_received, acc->at_ms);
    put_kv(b, w, w->l_reason, acc->reason);
    put_refused_list(b, w, acc);
}

int dl_mail_acceptance(const dl_mail_env *env, const cm_msg_accepted *acc, char **out, size_t *len)
{
    const words *w = words_for(acc->lang);
    int rejected = acc->status == CM_ACCEPT_REJECTED;
    unsigned st = acc->status <= CM_ACCEPT_DRY_RUN ? acc->status : 0;
    dl_sb subject = {0}, body = {0};

    if (!dl_mime_rcpt_ok(env->to, env->from)) return -EINVAL;
    put_subject(&subject, w, rejected ? w->subj_rej : w->subj_acc, acc);
    if (rejected)
        rejection_body(&body, w, acc);
    else
        acceptance_body(&body, w, acc);
    put_footer(&body, w);
    return finish(env, acc, &subject, ACC_STATUS[st], &body, NULL, out, len);
}

/* ", erreur réseau GSM 1" (SMPP-type codes in hex, as command_status values). */
static void put_net_code(dl_sb *b, const words *w, const dl_net_error *ne)
{
    char code[16];

    snprintf(code, sizeof(code), ne->type == 7 ? "0x%04X" : "%u", ne->code);
    dl_sb_puts(b, ", ");
    dl_sb_printf(b, w->net_fmt, ne->type_name, code);
}

/* "destinataire injoignable, numéro inconnu du réseau (UNDELIV, code erreur 001,
 * erreur réseau GSM 1)": the receipt's state, the network's reason, the codes. */
static void put_receipt_failure(dl_sb *b, const words *w, const dl_final_rcpt *r)
{
    const char *s = (unsigned)r->stat < 9 ? w->stat[r->stat] : w->stat[0];
    dl_net_error ne;
    const char *net = dl_reason_network(r->network_error, w == &FR ? "fr" : "en", &ne);

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
static void put_smpp_failure(dl_sb *b, const words *w, const dl_final_rcpt *r)
{
    const char *text = dl_reason_smpp(r->smpp_status, w == &FR ? "fr" : "en");

    dl_sb_puts(b, w->refused);
    if (text != NULL) dl_sb_printf(b, ", %s", text);
    dl_sb_printf(b, " (%s 0x%08X", w->smpp, r->smpp_status);
    if (text == NULL && r->reason != NULL && r->reason[0] != '\0') {
        dl_sb_puts(b, colon(w));
        dl_mime_clean(b, r->reason);
    }
    dl_sb_putc(b, ')');
}

/* Why a receipt or the SMSC said no, in words. */
static void put_failure(dl_sb *b, const words *w, const dl_final_rcpt *r)
{
    if (r->outcome == DL_OUT_EXPIRED)
        dl_sb_puts(b, w->expired);
    else if (r->stat != DL_STAT_NONE)
        put_receipt_failure(b, w, r);
    else if (r->smpp_status != 0)
        put_smpp_failure(b, w, r);
    else
        dl_mime_clean(b, r->reason != NULL && r->reason[0] ? r->reason : w->stat[0]);
}

void dl_mail_reason(dl_sb *b, const char *lang, const dl_final_rcpt *r)
{
    const words *w = words_for(lang);

    switch (r->outcome) {
    case DL_OUT_DELIVERED:
        break;
    case DL_OUT_REJECTED:
        dl_mime_clean(b, r->reason != NULL ? r->reason : "");
        break;
    case DL_OUT_BLACKLISTED:
        dl_sb_puts(b, w->blacklisted);
        break;
    default:
        put_failure(b, w, r);
        break;
    }
}

static void put_final_line(dl_sb *b, const words *w, const dl_final_rcpt *r)
{
    char t[48];

    dl_sb_puts(b, "- ");
    put_who(b, w, r->number, r->fields, r->line);
    dl_sb_puts(b, colon(w));
    switch (r->outcome) {
    case DL_OUT_DELIVERED:
        dl_time_human(r->at_ms, w == &FR ? "fr" : "en", t, sizeof(t));
        dl_sb_printf(b, "%s %s", w->delivered, t);
        break;
    case DL_OUT_REJECTED:
        dl_sb_printf(b, "%s%s", w->not_sent, colon(w));
        dl_mime_clean(b, r->reason != NULL ? r->reason : "");
        break;
    case DL_OUT_BLACKLISTED:
        dl_sb_printf(b, "%s%s%s", w->not_sent, colon(w), w->blacklisted);
        break;
    default:
        dl_sb_printf(b, "%s%s", w->undelivered, colon(w));
        put_failure(b, w, r);
        break;
    }
    if (r->parts > 1) dl_sb_printf(b, " (%u %s)", r->parts, w->sms);
    dl_sb_puts(b, ".\n");
}

const char *dl_mail_final_status(const dl_final_rcpt *r, size_t n)
{
    size_t delivered = 0;

    for (size_t i = 0; i < n; i++)
        delivered += r[i].outcome == DL_OUT_DELIVERED;
    return delivered == n && n > 0 ? "delivered" : delivered == 0 ? "undelivered" : "partial";
}

int dl_mail_final(const dl_mail_env *env, const cm_msg_accepted *acc, const dl_final_rcpt *r,
                  size_t n, char **out, size_t *len)
{
    const words *w = words_for(acc->lang);
    dl_sb subject = {0}, body = {0};
    size_t delivered = 0;

    if (!dl_mime_rcpt_ok(env->to, env->from)) return -EINVAL;
    for (size_t i = 0; i < n; i++)
        delivered += r[i].outcome == DL_OUT_DELIVERED;
    put_subject(&subject, w, w->subj_final, acc);
    dl_sb_printf(&body, "%s\n\n%s\n\n", w->hello, w->intro_final);
    put_kv(&body, w, w->l_number, acc->submission);
    put_kv(&body, w, w->l_subject, acc->subject);
    put_time_kv(&body, w, w->l_received, acc->at_ms);
    dl_sb_printf(&body, "%s%s%zu / %zu\n", w->l_delivered, colon(w), delivered, n);
    dl_sb_printf(&body, "%s%s%zu\n", w->l_undelivered, colon(w), n - delivered);
    dl_sb_printf(&body, "\n%s\n", w->h_results);
    for (size_t i = 0; i < n; i++)
        put_final_line(&body, w, &r[i]);
    put_footer(&body, w);
    dl_sb csv = {0};
    if (n > 1) dl_csv_final(&csv, acc->lang, r, n);
    return finish(env, acc, &subject, dl_mail_final_status(r, n), &body, &csv, out, len);
}
