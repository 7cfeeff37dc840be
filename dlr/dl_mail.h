/* dl_mail: the two receipts of a submission, as complete RFC 5322 messages
 * (SPEC 5, the customer guide's section 5 wording).
 *
 * - Acceptance receipt, from the router's ACCEPTED event: positive (accepted,
 *   duplicate, dry-run) with the submission number, subject, reception time, planned
 *   time, encoding, parts per SMS, counts, every recipient with its fields, and every
 *   refused one with its line number and reason; negative (rejected) with the reason.
 * - Final receipt, once every recipient is final: per recipient delivered (with the
 *   delivery time, Europe/Paris) or not delivered with the reason in words (the
 *   receipt's state, the network_error_code's meaning and an SMPP refusal's meaning
 *   from dl_reason, followed by the codes themselves); with more than one recipient,
 *   multipart/mixed with a CSV attachment (dl_csv).
 * French unless acc->lang is "en". Headers: From, To, Subject (RFC 2047), Date,
 * Message-ID, In-Reply-To/References (when the customer's Message-ID is usable),
 * X-SMSGW-Submission, X-SMSGW-Status, Auto-Submitted: auto-replied, MIME-Version,
 * text/plain; charset=UTF-8, quoted-printable. Every value taken from the customer is
 * cleaned of control characters first (dl_mime).
 *
 * Ownership: everything is borrowed; *out is malloc'd (the caller frees it), CRLF
 * line ends, NUL-terminated, its length in *len. Errors: -EINVAL when env->to may
 * not receive a receipt (dl_mime_rcpt_ok), -ENOMEM. Pure: the time comes from env. */
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
    const char *reason;        /* free text (router or egress), "" if none */
    uint64_t at_ms;            /* when it became final */
    const char *network_error; /* receipt's network_error_code (hex), "" or NULL if none */
} dl_final_rcpt;

typedef struct {
    const char *from;       /* dlr.from, the receipts' sender */
    const char *to;         /* the customer's reply_to */
    uint64_t now_ms;        /* Date: */
    const char *msgid_left; /* unique left-hand side of our Message-ID */
} dl_mail_env;

int dl_mail_acceptance(const dl_mail_env *env, const cm_msg_accepted *acc, char **out, size_t *len);
int dl_mail_final(const dl_mail_env *env, const cm_msg_accepted *acc, const dl_final_rcpt *r,
                  size_t n, char **out, size_t *len);
/* Why a recipient was not delivered, in words of `lang` ("" when delivered). */
void dl_mail_reason(dl_sb *b, const char *lang, const dl_final_rcpt *r);
/* "delivered", "undelivered" or "partial" for n recipients. */
const char *dl_mail_final_status(const dl_final_rcpt *r, size_t n);

#endif
