/* dl_mime: the RFC 5322 / MIME mechanics of the receipts dlr sends.
 *
 * - dl_mime_clean(): a header or body value with every control character (CR, LF,
 *   TAB, other C0, DEL) replaced by a space, so nothing a customer wrote can start a
 *   new header line (header injection) or break a line of the receipt.
 * - dl_mime_header_text(): "Name: value" + CRLF, the value cleaned, and encoded as
 *   RFC 2047 UTF-8 "B" encoded words (at most 75 characters each, never splitting a
 *   UTF-8 sequence, folded with CRLF SP) when it is not plain ASCII, contains "=?", or
 *   would make a line longer than 78 characters.
 * - dl_mime_qp(): the body (UTF-8, LF line ends) as quoted-printable with CRLF line
 *   ends and soft breaks at 76 characters (RFC 2045 6.7).
 * - dl_mime_base64(): an attachment's bytes as base64 lines (RFC 2045 6.8).
 * - dl_mime_rcpt_ok(): whether an address may receive a receipt: a plain addr-spec
 *   (local@domain, printable ASCII, no spaces, brackets, quotes or commas, at most
 *   254 bytes), not "<>" or empty, and not the gateway's own address `self`
 *   (case-insensitive) — the mail-loop rules of SPEC 4.
 *
 * Appends go to a dl_sb (whose ->err reports allocation failure). Pure; never logs. */
#ifndef DL_MIME_H
#define DL_MIME_H

#include "dl_sb.h"

void dl_mime_clean(dl_sb *b, const char *value);
void dl_mime_header_text(dl_sb *b, const char *name, const char *value);
/* A header whose value is built by us from checked parts (addresses, ids):
 * cleaned, never encoded. */
void dl_mime_header_raw(dl_sb *b, const char *name, const char *value);
void dl_mime_qp(dl_sb *b, const char *body);
/* Bytes as base64, lines of 76 characters ending with CRLF. */
void dl_mime_base64(dl_sb *b, const void *data, size_t n);
int dl_mime_rcpt_ok(const char *addr, const char *self);
/* Whether a Message-ID (without <>) is safe to echo in In-Reply-To. */
int dl_mime_msgid_ok(const char *id);

#endif
