/* dl_compose: the building blocks shared by the mails dlr writes (acceptance and final
 * receipts in dl_mail.c and dl_accept.c, forwarded SMS replies in dl_reply.c).
 *
 * Body blocks (UTF-8, LF line ends; the assembly turns them into quoted-printable
 * with CRLF): "Label : value" lines with French or English typography, Paris times,
 * "ligne 3 : +33601020304 (NOM=Dupont, PRENOM=Jean)", indented texts, a reason code
 * put into words by cm_reason_render() (unknown text, e.g. an SMSC's, as it is).
 * Every value that came from a customer or a phone is cleaned of control characters
 * (dl_mime_clean) so it cannot break a line of the mail.
 *
 * dl_compose_mail() assembles headers and body: From, To, Subject (RFC 2047), Date,
 * Message-ID <msgid_left@domain of from>, In-Reply-To/References when ids->message_id
 * is usable (dl_mime_msgid_ok), X-SMSGW-Submission, X-SMSGW-Status, Auto-Submitted:
 * auto-replied, MIME-Version, then text/plain UTF-8 quoted-printable, or
 * multipart/mixed with a CSV attachment when csv is not NULL. The attachment is
 * streamed: csv->next() appends its next piece (a CSV row) to a small buffer, whose
 * whole 57-byte groups go out as base64 lines at once (the same lines as encoding the
 * whole file), so the CSV is never held whole; the body is freed once encoded. It
 * frees subject and body in every case; *out is malloc'd (CRLF, NUL-terminated,
 * length in *len). Errors: -ENOMEM, or the negative errno csv->next() returned.
 * dl_compose_mail_to() appends the same bytes to m instead, which may be a counting or
 * fixed-buffer sink (dl_sb.h): the same arguments give the same bytes, so a big mail
 * can be counted first, then written where it is stored; its errors also include
 * m->err (-ENOSPC when a fixed buffer is too small); m is left to the caller.
 * Appends report allocation failure in the dl_sb's ->err. Pure. */
#ifndef DL_COMPOSE_H
#define DL_COMPOSE_H

#include "dl_mail.h"
#include "dl_sb.h"
#include "dl_words.h"

#include <stddef.h>
#include <stdint.h>

/* ": " in English, " : " in French. */
const char *dl_compose_colon(const dl_words *w);
void dl_compose_kv(dl_sb *b, const dl_words *w, const char *label, const char *value);
void dl_compose_time_kv(dl_sb *b, const dl_words *w, const char *label, uint64_t ms);
/* "ligne N : " when line > 0, the number, then " (fields)" when there are fields. */
void dl_compose_who(dl_sb *b, const dl_words *w, const char *number, const char *fields,
                    uint32_t line);
/* The reason code in words of w's language (cleaned). */
void dl_compose_reason(dl_sb *b, const dl_words *w, const char *reason);
/* Each line of text prefixed by two spaces, control characters as spaces, then LF. */
void dl_compose_indented(dl_sb *b, const char *text);
void dl_compose_footer(dl_sb *b, const dl_words *w);

/* What the headers need besides env: the customer's Message-ID ("" if none), the
 * submission number, the receipt's language (for the CSV file name). */
typedef struct {
    const char *message_id, *submission, *lang;
} dl_compose_ids;

/* An attachment given piece by piece: next(arg, b) appends the next piece to b and
 * returns 1, returns 0 when there is no more, or a negative errno. */
typedef struct {
    int (*next)(void *arg, dl_sb *b);
    void *arg;
} dl_compose_stream;

int dl_compose_mail(const dl_mail_env *env, const dl_compose_ids *ids, dl_sb *subject,
                    const char *status, dl_sb *body, const dl_compose_stream *csv, char **out,
                    size_t *len);
int dl_compose_mail_to(const dl_mail_env *env, const dl_compose_ids *ids, dl_sb *subject,
                       const char *status, dl_sb *body, const dl_compose_stream *csv, dl_sb *m);

#endif
