/* dl_reply: an SMS reply forwarded by mail to the sender of the submission it answers
 * (dl_mail_reply, see dl_mail.h; SPEC 6 "other mobile-originated replies"). */
#include "dl_mail.h"

#include "dl_compose.h"
#include "dl_mime.h"
#include "dl_words.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void reply_subject(dl_sb *b, const dl_words *w, const cm_msg_mo_reply *mo,
                          const cm_msg_accepted *orig)
{
    dl_sb_printf(b, "%s ", w->subj_reply);
    dl_mime_clean(b, mo->from);
    if (mo->submission[0] != '\0') dl_sb_printf(b, " - %s%s", w->msg_no, mo->submission);
    if (orig != NULL && orig->subject[0] != '\0') dl_sb_printf(b, " - %s", orig->subject);
}

static void reply_body(dl_sb *b, const dl_words *w, const cm_msg_mo_reply *mo,
                       const cm_msg_accepted *orig, const char *domain)
{
    dl_sb who = {0};

    dl_mime_clean(&who, mo->from);
    dl_sb_printf(b, "%s\n\n", w->hello);
    dl_sb_printf(b, w->intro_reply, who.s != NULL ? who.s : "");
    dl_sb_puts(b, "\n\n");
    b->err = b->err ? b->err : who.err;
    dl_sb_free(&who);
    if (mo->submission[0] != '\0') dl_compose_kv(b, w, w->l_number, mo->submission);
    if (orig != NULL) dl_compose_kv(b, w, w->l_subject, orig->subject);
    dl_compose_kv(b, w, w->l_phone, mo->from);
    dl_compose_time_kv(b, w, w->l_reply_at, mo->at_ms);
    if (mo->to[0] != '\0') dl_compose_kv(b, w, w->l_reply_to, mo->to);
    dl_sb_printf(b, "\n%s%s\n", w->l_reply_text, strcmp(dl_words_lang(w), "fr") ? ":" : " :");
    dl_compose_indented(b, mo->text);
    if (domain != NULL && domain[0] != '\0') {
        dl_sb_printf(b, "\n%s SMS=", w->answer_hint);
        dl_mime_clean(b, mo->from);
        dl_sb_putc(b, '@');
        dl_mime_clean(b, domain);
        dl_sb_putc(b, '\n');
    }
}

int dl_mail_reply(const dl_mail_env *env, const cm_msg_mo_reply *mo, const cm_msg_accepted *orig,
                  const char *domain, char **out, size_t *len)
{
    const dl_words *w = dl_words_for(mo->lang);
    const dl_compose_ids ids = {orig != NULL ? orig->message_id : "", mo->submission,
                                dl_words_lang(w)};
    dl_sb subject = {0}, body = {0};

    if (!dl_mime_rcpt_ok(env->to, env->from)) return -EINVAL;
    reply_subject(&subject, w, mo, orig);
    reply_body(&body, w, mo, orig, domain);
    dl_compose_footer(&body, w);
    return dl_compose_mail(env, &ids, &subject, "reply", &body, NULL, out, len);
}
