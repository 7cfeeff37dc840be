/* dl_accept: the acceptance receipt (dl_mail_acceptance, see dl_mail.h): positive
 * (accepted, duplicate, dry-run) or negative (rejected), in the words of dl_words.c,
 * with the reasons of the router's codes worded by cm_reason (dl_compose_reason). */
#include "dl_mail.h"

#include "dl_compose.h"
#include "dl_mime.h"
#include "dl_time.h"
#include "dl_words.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const ACC_STATUS[] = {"accepted", "accepted", "rejected", "duplicate",
                                         "dry-run"};

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

/* Whether code point cp would be invisible or ambiguous in a list (spaces, controls,
 * joiners, BOM): such characters are written U+XXXX. */
static int invisible(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp == 0xad ||
           (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
           (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000 || cp == 0xfeff;
}

/* Length of the UTF-8 sequence at p (1 for a stray byte) and its code point. */
static size_t utf8_next(const unsigned char *p, uint32_t *cp)
{
    size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : 4;

    if ((*p >= 0x80 && *p < 0xc0) || *p >= 0xf8) {
        *cp = 0xfffd;
        return 1;
    }
    *cp = n == 1 ? *p : (uint32_t)(*p & (0x7f >> n));
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return 1;
        }
        *cp = *cp << 6 | (p[i] & 0x3f);
    }
    return n;
}

/* "’ « » U+00A0": the characters that forced UCS-2, one by one. */
static void put_chars(dl_sb *b, const char *chars)
{
    const unsigned char *p = (const unsigned char *)chars;

    for (int first = 1; *p; first = 0) {
        uint32_t cp;
        size_t n = utf8_next(p, &cp);
        if (!first) dl_sb_putc(b, ' ');
        if (invisible(cp) || cp == 0xfffd)
            dl_sb_printf(b, "U+%04X", (unsigned)cp);
        else
            dl_sb_putn(b, (const char *)p, n);
        p += n;
    }
}

/* Encoding, parts, and what forced UCS-2 and what transliteration would save (only
 * when it saves parts). */
static void put_encoding(dl_sb *b, const dl_words *w, const cm_msg_accepted *acc)
{
    dl_compose_kv(b, w, w->l_coding, acc->encoding);
    dl_sb_printf(b, "%s%s%u\n", w->l_parts, dl_compose_colon(w), acc->parts);
    if (acc->ucs2_chars[0] != '\0') {
        dl_sb_printf(b, "%s%s", w->l_ucs2, dl_compose_colon(w));
        put_chars(b, acc->ucs2_chars);
        dl_sb_putc(b, '\n');
    }
    if (acc->translit_parts > 0 && acc->translit_parts < acc->parts) {
        dl_sb_printf(b, w->translit, acc->translit_parts, acc->parts);
        dl_sb_putc(b, '\n');
    }
}

/* ": envoi prévu le 02/06/2024 à 08:00:00" when the recipient's time is not the
 * submission's; nothing otherwise. */
static void put_rcpt_time(dl_sb *b, const dl_words *w, const cm_msg_accepted *acc,
                          const struct cm_wire_recipient *r)
{
    char t[48];

    if (r->send_at_ms == acc->send_at_ms) return;
    dl_sb_puts(b, dl_compose_colon(w));
    if (r->send_at_ms == 0) {
        dl_sb_puts(b, w->at_once);
        return;
    }
    dl_time_human(r->send_at_ms, dl_words_lang(w), t, sizeof(t));
    dl_sb_printf(b, "%s %s", w->planned, t);
}

static void put_accepted_list(dl_sb *b, const dl_words *w, const cm_msg_accepted *acc)
{
    unsigned ok, refused;

    count_recipients(acc, &ok, &refused);
    if (ok == 0) return;
    dl_sb_printf(b, "\n%s\n", w->h_accepted);
    for (size_t i = 0; i < acc->recipients_n; i++) {
        const struct cm_wire_recipient *r = &acc->recipients[i];
        if (r->state != CM_RCPT_QUEUED) continue;
        dl_sb_puts(b, "- ");
        dl_compose_who(b, w, r->number, r->fields, r->line);
        put_rcpt_time(b, w, acc, r);
        dl_sb_putc(b, '\n');
    }
}

static void put_refused_list(dl_sb *b, const dl_words *w, const cm_msg_accepted *acc)
{
    unsigned ok, refused;

    count_recipients(acc, &ok, &refused);
    if (refused == 0) return;
    dl_sb_printf(b, "\n%s\n", w->h_refused);
    for (size_t i = 0; i < acc->recipients_n; i++) {
        const struct cm_wire_recipient *r = &acc->recipients[i];
        if (r->state == CM_RCPT_QUEUED) continue;
        dl_sb_puts(b, "- ");
        dl_compose_who(b, w, r->number, r->fields, r->line);
        dl_sb_puts(b, dl_compose_colon(w));
        if (r->state == CM_RCPT_BLACKLISTED)
            dl_sb_puts(b, w->blacklisted);
        else
            dl_compose_reason(b, w, r->reason);
        dl_sb_putc(b, '\n');
    }
}

/* Dry run: the SMS of the accepted recipients the router rendered (the first few),
 * each with its parts; the submission's text when it rendered none. */
static void put_preview(dl_sb *b, const dl_words *w, const cm_msg_accepted *acc)
{
    unsigned ok, refused;
    size_t shown = 0;

    count_recipients(acc, &ok, &refused);
    for (size_t i = 0; i < acc->recipients_n; i++)
        shown += acc->recipients[i].state == CM_RCPT_QUEUED && acc->recipients[i].text[0];
    if (shown == 0) {
        if (acc->text[0] == '\0') return;
        dl_sb_printf(b, "\n%s%s\n", w->l_text, strcmp(dl_words_lang(w), "fr") ? ":" : " :");
        dl_compose_indented(b, acc->text);
        return;
    }
    dl_sb_putc(b, '\n');
    dl_sb_printf(b, w->h_preview, shown, ok);
    dl_sb_putc(b, '\n');
    for (size_t i = 0; i < acc->recipients_n; i++) {
        const struct cm_wire_recipient *r = &acc->recipients[i];
        if (r->state != CM_RCPT_QUEUED || r->text[0] == '\0') continue;
        dl_sb_puts(b, "- ");
        dl_compose_who(b, w, r->number, r->fields, r->line);
        dl_sb_printf(b, "%s%u %s\n", dl_compose_colon(w), r->parts, w->sms);
        dl_compose_indented(b, r->text);
    }
}

static void acceptance_body(dl_sb *b, const dl_words *w, const cm_msg_accepted *acc)
{
    unsigned ok, refused;
    const char *intro = acc->status == CM_ACCEPT_DUPLICATE ? w->intro_dup
                        : acc->status == CM_ACCEPT_DRY_RUN ? w->intro_dry
                                                           : w->intro_acc;

    count_recipients(acc, &ok, &refused);
    dl_sb_printf(b, "%s\n\n%s\n\n", w->hello, intro);
    dl_compose_kv(b, w, w->l_number, acc->submission);
    dl_compose_kv(b, w, w->l_subject, acc->subject);
    dl_compose_time_kv(b, w, w->l_received, acc->at_ms);
    if (acc->send_at_ms != 0) dl_compose_time_kv(b, w, w->l_planned, acc->send_at_ms);
    if (acc->reason[0] != '\0') {
        dl_sb_printf(b, "%s%s", w->l_detail, dl_compose_colon(w));
        dl_compose_reason(b, w, acc->reason);
        dl_sb_putc(b, '\n');
    }
    put_encoding(b, w, acc);
    dl_sb_printf(b, "%s%s%u\n", w->l_accepted, dl_compose_colon(w), ok);
    dl_sb_printf(b, "%s%s%u\n", w->l_refused, dl_compose_colon(w), refused);
    put_accepted_list(b, w, acc);
    put_refused_list(b, w, acc);
    if (acc->status == CM_ACCEPT_DRY_RUN) put_preview(b, w, acc);
    if (acc->status == CM_ACCEPT_ACCEPTED && ok > 0) dl_sb_printf(b, "\n%s\n", w->final_note);
}

static void rejection_body(dl_sb *b, const dl_words *w, const cm_msg_accepted *acc)
{
    dl_sb_printf(b, "%s\n\n%s\n\n", w->hello, w->intro_rej);
    if (acc->submission[0] != '\0') dl_compose_kv(b, w, w->l_number, acc->submission);
    dl_compose_kv(b, w, w->l_subject, acc->subject);
    dl_compose_time_kv(b, w, w->l_received, acc->at_ms);
    dl_sb_printf(b, "%s%s", w->l_reason, dl_compose_colon(w));
    dl_compose_reason(b, w, acc->reason);
    dl_sb_putc(b, '\n');
    put_refused_list(b, w, acc);
}

int dl_mail_acceptance(const dl_mail_env *env, const cm_msg_accepted *acc, char **out, size_t *len)
{
    const dl_words *w = dl_words_for(acc->lang);
    const dl_compose_ids ids = {acc->message_id, acc->submission, dl_words_lang(w)};
    int rejected = acc->status == CM_ACCEPT_REJECTED;
    unsigned st = acc->status <= CM_ACCEPT_DRY_RUN ? acc->status : 0;
    dl_sb subject = {0}, body = {0};

    if (!dl_mime_rcpt_ok(env->to, env->from)) return -EINVAL;
    dl_mail_subject(&subject, acc->lang, rejected ? w->subj_rej : w->subj_acc, acc);
    if (rejected)
        rejection_body(&body, w, acc);
    else
        acceptance_body(&body, w, acc);
    dl_compose_footer(&body, w);
    return dl_compose_mail(env, &ids, &subject, ACC_STATUS[st], &body, NULL, out, len);
}
