/* dl_mail: the mails dlr sends, as complete RFC 5322 messages (SPEC 5 and 6, the
 * customer guide's section 5 wording; sentences in dl_words.c, shared blocks in
 * dl_compose.c).
 *
 * - Acceptance receipt (dl_accept.c), from the router's ACCEPTED event: positive
 *   (accepted, duplicate, dry-run) with the submission number, subject, reception time,
 *   planned time, encoding, parts per SMS, the characters that forced UCS-2 and what
 *   transliteration would save (when it saves parts), counts, every accepted recipient
 *   with its fields (and its own planned time when it is not the submission's), and
 *   every refused one with its line number and reason; a duplicate also gives the
 *   reason (the original submission's number); a dry run shows the SMS the router
 *   rendered for the first accepted recipients, each with its parts. Negative
 *   (rejected): the reason.
 * - Final receipt (dl_mail.c), once every recipient is final: per recipient delivered
 *   (with the delivery time, Europe/Paris) or not delivered with the reason in words
 *   (the receipt's state, the network_error_code's meaning and an SMPP refusal's
 *   meaning from dl_reason, followed by the codes themselves); with more than one
 *   recipient, multipart/mixed with a CSV attachment (dl_csv). Its status and its
 *   counts ("Délivrés : 2 / 3") are over the recipients the router accepted (blacklisted
 *   ones included); those it refused at acceptance (invalid lines, a number's
 *   duplicate line, no route...) were reported then: they are listed and counted
 *   apart, and do not make a fully delivered list "partial". The body lists at most
 *   `list_max` recipients when there is a CSV (dlr.final_list_max; dl_mail_final lists
 *   them all), then says how many more there are and that the CSV lists them all: the
 *   CSV always has every recipient. dl_mail_final_src() reads the recipients one at a
 *   time from a dl_final_src (three passes at most: counts, body, CSV), so a list of
 *   100,000 is never held whole, and the CSV is streamed into base64 (dl_compose);
 *   dl_mail_final_to() writes the same bytes into a counting or fixed-buffer sink, so
 *   dlr counts a final receipt, then composes it straight into its outbox record.
 * - Forwarded SMS reply (dl_reply.c), from the router's MO_REPLY: subject "Réponse SMS
 *   de <number> - message n° <submission>[ - <subject>]", the number, the time (Paris),
 *   the text, the number it was sent to, the original subject and In-Reply-To /
 *   References to the customer's Message-ID when `orig` (the submission's ACCEPTED) is
 *   known, and how to answer by SMS (SMS=<number>@domain) when domain is not NULL.
 *   X-SMSGW-Status: reply.
 * Reasons travel as cm_reason codes ("no_route", "text_too_long:812:750") and are
 *   worded by cm_reason_render() in the receipt's language; text it does not know (an
 *   SMSC's) is shown as it is.
 * French unless lang is "en". Headers: From, To, Subject (RFC 2047), Date,
 * Message-ID, In-Reply-To/References (when the customer's Message-ID is usable),
 * X-SMSGW-Submission, X-SMSGW-Status, Auto-Submitted: auto-replied, MIME-Version,
 * text/plain; charset=UTF-8, quoted-printable. Every value taken from the customer or
 * a phone is cleaned of control characters first (dl_mime).
 *
 * Ownership: everything is borrowed; *out is malloc'd (the caller frees it), CRLF
 * line ends, NUL-terminated, its length in *len. Errors: -EINVAL when env->to may
 * not receive a mail (dl_mime_rcpt_ok: "", "<>", env->from, not an address), -ENOMEM.
 * Pure: the time comes from env. */
#ifndef DL_MAIL_H
#define DL_MAIL_H

#include "cm_wire.h"
#include "dl_receipt.h"
#include "dl_sb.h"

#include <stddef.h>
#include <stdint.h>

enum dl_outcome {
    DL_OUT_PENDING = 0,
    DL_OUT_DELIVERED = 1,
    DL_OUT_UNDELIVERED = 2, /* by a receipt (stat, err) or an SMPP error */
    DL_OUT_EXPIRED = 3,     /* no delivery report within the validity period */
    DL_OUT_REJECTED = 4,    /* refused by the router (reason) */
    DL_OUT_BLACKLISTED = 5, /* STOP */
};

typedef struct {
    const char *number, *fields; /* fields: "NAME=value" separated by '\t' */
    uint32_t line, parts;
    enum dl_outcome outcome;
    enum dl_stat stat;         /* receipt state, DL_STAT_NONE when none */
    const char *err;           /* receipt err:, "" if none */
    uint32_t smpp_status;      /* command_status when refused at submit, 0 if none */
    const char *reason;        /* cm_reason code (router) or text (egress), "" if none */
    uint64_t at_ms;            /* when it became final */
    const char *network_error; /* receipt's network_error_code (hex), "" or NULL if none */
} dl_final_rcpt;

typedef struct {
    const char *from;       /* dlr.from, the receipts' sender */
    const char *to;         /* the customer's reply_to */
    uint64_t now_ms;        /* Date: */
    const char *msgid_left; /* unique left-hand side of our Message-ID */
} dl_mail_env;

/* The recipients of a final receipt, read one at a time: get(arg, i, out, keep) fills
 * *out with recipient i (i < n); its strings are borrowed from arg or allocated in
 * *keep, which the caller frees after each recipient. 0 or a negative errno. */
typedef struct {
    size_t n;
    int (*get)(void *arg, size_t i, dl_final_rcpt *out, cm_arena **keep);
    void *arg;
} dl_final_src;

int dl_mail_acceptance(const dl_mail_env *env, const cm_msg_accepted *acc, char **out, size_t *len);
int dl_mail_final(const dl_mail_env *env, const cm_msg_accepted *acc, const dl_final_rcpt *r,
                  size_t n, char **out, size_t *len);
/* The final receipt from a source; *status (if not NULL) is dl_mail_final_status's
 * word. Errors as above, and get()'s negative errno. */
int dl_mail_final_src(const dl_mail_env *env, const cm_msg_accepted *acc, const dl_final_src *src,
                      size_t list_max, char **out, size_t *len, const char **status);
/* The same bytes appended to m, a growing builder or a sink (dl_sb.h): counted in a
 * first call, written into a buffer of exactly that size by a second one with the same
 * arguments (src read again from its start), a receipt of megabytes is never held in
 * the heap. Errors as above, and m->err. m is left to the caller. */
int dl_mail_final_to(const dl_mail_env *env, const cm_msg_accepted *acc, const dl_final_src *src,
                     size_t list_max, dl_sb *m, const char **status);
int dl_mail_reply(const dl_mail_env *env, const cm_msg_mo_reply *mo, const cm_msg_accepted *orig,
                  const char *domain, char **out, size_t *len);
/* Why a recipient was not delivered, in words of `lang` ("" when delivered). */
void dl_mail_reason(dl_sb *b, const char *lang, const dl_final_rcpt *r);
/* "<kind> - message n° <submission> - <subject>" (the parts that are not empty). */
void dl_mail_subject(dl_sb *b, const char *lang, const char *kind, const cm_msg_accepted *acc);
/* "delivered" (every recipient the router accepted was delivered, and there was one),
 * "undelivered" (none was) or "partial"; recipients refused by the router do not
 * count. */
const char *dl_mail_final_status(const dl_final_rcpt *r, size_t n);

#endif
