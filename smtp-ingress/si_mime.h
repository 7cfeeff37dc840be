/* si_mime: one received email (the DATA bytes) -> the parts of it smsgw uses.
 *
 * si_mime_parse() parses with GMime 3 (g_mime_init() must have been called once) and
 * fills *out:
 *   from, n_from   the address of the first mailbox of From:, lower-cased ("" if
 *                  none), and how many mailboxes From: names (groups expanded);
 *   subject        RFC 2047 decoded, UTF-8, CR and LF removed ("" if none);
 *   message_id     without <> ("" if none);
 *   auto_submitted, category (X-SMS-Category), send_at (X-SMS-Send-At): header
 *                  values trimmed, "" if absent;
 *   text           the SMS text: the first text/plain body part (preferred, so the
 *                  plain half of multipart/alternative wins), else the first
 *                  text/html body part converted (si_html); decoded from its transfer
 *                  encoding and charset to UTF-8 (undeclared or wrong charsets: UTF-8
 *                  if valid, else Windows-1252), then si_text_normalise()d;
 *   att[n_att]     every part that is an attachment (Content-Disposition: attachment,
 *                  or a file name): the decoded file name ("" if none) and the bytes
 *                  after transfer decoding, untouched otherwise.
 * A part counts as a body part when it has no file name and is not an attachment.
 *
 * Ownership: every string and buffer in *out is malloc'd and owned by *out; free
 * with si_mail_free() (also after a failure). Strings are never NULL on success.
 * Errors: -EBADMSG (GMime could not build a message), -ENOMEM. No logging. */
#ifndef SI_MIME_H
#define SI_MIME_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *name;
    uint8_t *data;
    size_t len;
} si_attachment;

typedef struct {
    char *from;
    int n_from;
    char *subject, *message_id, *auto_submitted, *category, *send_at;
    char *text;
    si_attachment *att;
    size_t n_att;
} si_mail;

int si_mime_parse(const uint8_t *data, size_t len, si_mail *out);
void si_mail_free(si_mail *m);

#endif
