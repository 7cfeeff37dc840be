/* dl_compose: body blocks and the assembly of dlr's mails (see dl_compose.h). */
#include "dl_compose.h"

#include "cm_reason.h"
#include "dl_mime.h"
#include "dl_time.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define REASON_MAX 1024 /* a rendered reason (bad_list carries a parser message) */

const char *dl_compose_colon(const dl_words *w)
{
    return strcmp(dl_words_lang(w), "fr") == 0 ? " : " : ": ";
}

void dl_compose_kv(dl_sb *b, const dl_words *w, const char *label, const char *value)
{
    dl_sb_printf(b, "%s%s", label, dl_compose_colon(w));
    dl_mime_clean(b, value);
    dl_sb_putc(b, '\n');
}

void dl_compose_time_kv(dl_sb *b, const dl_words *w, const char *label, uint64_t ms)
{
    char t[48];

    dl_time_human(ms, dl_words_lang(w), t, sizeof(t));
    dl_compose_kv(b, w, label, t);
}

void dl_compose_who(dl_sb *b, const dl_words *w, const char *number, const char *fields,
                    uint32_t line)
{
    if (line > 0) dl_sb_printf(b, "%s %u%s", w->line, line, dl_compose_colon(w));
    dl_mime_clean(b, number);
    if (fields == NULL || fields[0] == '\0') return;
    dl_sb_puts(b, " (");
    for (const char *p = fields; *p; p++) {
        if (*p == '\t')
            dl_sb_puts(b, ", ");
        else
            dl_sb_putc(b, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
    }
    dl_sb_putc(b, ')');
}

void dl_compose_reason(dl_sb *b, const dl_words *w, const char *reason)
{
    char words[REASON_MAX];

    cm_reason_render(reason != NULL ? reason : "", dl_words_lang(w), words, sizeof(words));
    dl_mime_clean(b, words);
}

void dl_compose_indented(dl_sb *b, const char *text)
{
    dl_sb_puts(b, "  ");
    for (const char *p = text; *p; p++) {
        if (*p == '\n')
            dl_sb_puts(b, "\n  ");
        else
            dl_sb_putc(b, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
    }
    dl_sb_putc(b, '\n');
}

void dl_compose_footer(dl_sb *b, const dl_words *w)
{
    dl_sb_printf(b, "\n-- \n%s\n", w->footer);
}

static void put_headers(dl_sb *b, const dl_mail_env *env, const dl_compose_ids *ids,
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
    if (dl_mime_msgid_ok(ids->message_id)) {
        dl_sb_printf(b, "In-Reply-To: <%s>\r\n", ids->message_id);
        dl_sb_printf(b, "References: <%s>\r\n", ids->message_id);
    }
    dl_mime_header_text(b, "X-SMSGW-Submission", ids->submission);
    dl_mime_header_raw(b, "X-SMSGW-Status", status);
    dl_sb_puts(b, "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n");
}

static const char TEXT_PART[] = "Content-Type: text/plain; charset=UTF-8\r\n"
                                "Content-Transfer-Encoding: quoted-printable\r\n\r\n";

static void put_boundary(dl_sb *m, const dl_mail_env *env, const char *before, const char *after)
{
    dl_sb_printf(m, "%s--=_smsgw_", before);
    dl_mime_clean(m, env->msgid_left);
    dl_sb_puts(m, after);
}

/* The text body alone, or multipart/mixed with the CSV attached when csv != NULL. */
/* The body is freed once encoded: a final receipt of 100,000 recipients has a body of
 * several MB, not to be held while its CSV is encoded too. */
static void put_content(dl_sb *m, const dl_mail_env *env, dl_sb *body, const dl_sb *csv,
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
    dl_sb_puts(m, "\"\r\n\r\n");
    put_boundary(m, env, "", "\r\n");
    dl_sb_puts(m, TEXT_PART);
    dl_mime_qp(m, body->s);
    dl_sb_free(body);
    put_boundary(m, env, "\r\n", "\r\n");
    dl_sb_puts(m, "Content-Type: text/csv; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n"
                  "Content-Disposition: attachment; filename=\"");
    dl_mime_clean(m, csv_name);
    dl_sb_puts(m, "\"\r\n\r\n");
    dl_mime_base64(m, csv->s, csv->len);
    put_boundary(m, env, "\r\n", "--\r\n");
}

int dl_compose_mail(const dl_mail_env *env, const dl_compose_ids *ids, dl_sb *subject,
                    const char *status, dl_sb *body, dl_sb *csv, char **out, size_t *len)
{
    dl_sb m = {0};
    char name[160];
    int err = subject->err ? subject->err : body->err ? body->err : csv ? csv->err : 0;

    if (!err) {
        snprintf(name, sizeof(name), "%s-%.100s.csv",
                 strcmp(ids->lang, "en") ? "accuse" : "receipt", ids->submission);
        for (char *p = name; *p; p++)
            if (*p == '"' || *p == '\\' || *p == '/') *p = '_';
        put_headers(&m, env, ids, subject->s != NULL ? subject->s : "", status);
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
