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

#define B64_GROUP 57               /* bytes of one base64 line (76 characters) */
#define B64_FLUSH (B64_GROUP * 64) /* encode the pieces once this much is waiting */

/* Encode the whole base64 lines waiting in c (all of it when last), keep the rest. */
static void b64_flush(dl_sb *m, dl_sb *c, int last)
{
    size_t n = last ? c->len : c->len / B64_GROUP * B64_GROUP;

    if (n == 0 || c->err) return;
    dl_mime_base64(m, c->s, n);
    memmove(c->s, c->s + n, c->len - n);
    c->len -= n;
    c->s[c->len] = '\0';
}

/* The attachment's pieces as base64 lines; 0 or the stream's negative errno. */
static int put_stream(dl_sb *m, const dl_compose_stream *s)
{
    dl_sb c = {0};
    int rc;

    while ((rc = s->next(s->arg, &c)) > 0 && !c.err && !m->err)
        if (c.len >= B64_FLUSH) b64_flush(m, &c, 0);
    if (rc == 0) b64_flush(m, &c, 1);
    if (rc >= 0 && c.err) rc = c.err;
    dl_sb_free(&c);
    return rc > 0 ? 0 : rc;
}

/* The text body alone, or multipart/mixed with the CSV attached when csv != NULL.
 * The body is freed once encoded: a big final receipt's is not held while its CSV is
 * encoded too. */
static int put_content(dl_sb *m, const dl_mail_env *env, dl_sb *body, const dl_compose_stream *csv,
                       const char *csv_name)
{
    int rc;

    if (csv == NULL) {
        dl_sb_puts(m, TEXT_PART);
        dl_mime_qp(m, body->s != NULL ? body->s : "");
        return 0;
    }
    /* "=_" never occurs in quoted-printable or base64 text: a safe boundary */
    dl_sb_puts(m, "Content-Type: multipart/mixed; boundary=\"=_smsgw_");
    dl_mime_clean(m, env->msgid_left);
    dl_sb_puts(m, "\"\r\n\r\n");
    put_boundary(m, env, "", "\r\n");
    dl_sb_puts(m, TEXT_PART);
    dl_mime_qp(m, body->s != NULL ? body->s : "");
    dl_sb_free(body);
    put_boundary(m, env, "\r\n", "\r\n");
    dl_sb_puts(m, "Content-Type: text/csv; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n"
                  "Content-Disposition: attachment; filename=\"");
    dl_mime_clean(m, csv_name);
    dl_sb_puts(m, "\"\r\n\r\n");
    rc = put_stream(m, csv);
    put_boundary(m, env, "\r\n", "--\r\n");
    return rc;
}

int dl_compose_mail_to(const dl_mail_env *env, const dl_compose_ids *ids, dl_sb *subject,
                       const char *status, dl_sb *body, const dl_compose_stream *csv, dl_sb *m)
{
    char name[160];
    int err = subject->err ? subject->err : body->err;

    if (!err) {
        snprintf(name, sizeof(name), "%s-%.100s.csv",
                 strcmp(ids->lang, "en") ? "accuse" : "receipt", ids->submission);
        for (char *p = name; *p; p++)
            if (*p == '"' || *p == '\\' || *p == '/') *p = '_';
        put_headers(m, env, ids, subject->s != NULL ? subject->s : "", status);
        err = put_content(m, env, body, csv, name);
    }
    dl_sb_free(subject);
    dl_sb_free(body);
    return err ? err : m->err;
}

int dl_compose_mail(const dl_mail_env *env, const dl_compose_ids *ids, dl_sb *subject,
                    const char *status, dl_sb *body, const dl_compose_stream *csv, char **out,
                    size_t *len)
{
    dl_sb m = {0};

    return dl_sb_hand_over(&m, dl_compose_mail_to(env, ids, subject, status, body, csv, &m), out,
                           len);
}
