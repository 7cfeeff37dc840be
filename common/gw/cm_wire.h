/* cm_wire: the messages that travel between smsgw processes, and their strict codec.
 *
 * Every message is encoded as: version byte (CM_WIRE_VERSION), type byte, then the
 * fields of that type in the order listed below. Integers are big-endian; strings and
 * byte strings are a 32-bit length then the bytes. The decoder refuses another
 * version, another type than asked, a truncated or oversized value, a string with a
 * NUL byte, and trailing bytes (-EBADMSG).
 *
 * Transport (common/util/cm_link.h, cm_hub.h) carries these payloads with a key for
 * acknowledgement; the key conventions are:
 *   SUBMIT   ingress -> router   key "sub:<submit id>"   ack body: SUBMIT_REPLY
 *   JOB      router  -> egress   one-way (the RESULT closes it)
 *   CREDIT   egress  -> router   one-way heartbeat, every second and on change
 *   RESULT   egress  -> router and -> dlr   key "res:<job id>:<attempt>"
 *   DELIVER  egress  -> dlr (receipts) or -> router (mobile-originated)
 *                                  key "dlv:<operator>:<egress epoch>:<counter>"
 *   ACCEPTED router  -> dlr        key "acc:<submission>"
 *   MO_REPLY router  -> dlr        key "mo:<the DELIVER's key>"
 *
 * Ownership: cm_wire_encode_T() fills a cm_wbuf the caller frees (cm_wbuf_free);
 * it borrows the struct. cm_wire_decode_T() allocates everything it returns in
 * *arena (NULL on the first call); the caller frees it with cm_arena_free(). Strings
 * are never NULL after decoding; NULL strings encode as "". */
#ifndef CM_WIRE_H
#define CM_WIRE_H

#include "cm_buf.h"

#include <stddef.h>
#include <stdint.h>

#define CM_WIRE_VERSION 1

enum cm_msg_type {
    CM_MSG_SUBMIT = 1,
    CM_MSG_SUBMIT_REPLY = 2,
    CM_MSG_JOB = 3,
    CM_MSG_CREDIT = 4,
    CM_MSG_RESULT = 5,
    CM_MSG_DELIVER = 6,
    CM_MSG_ACCEPTED = 7,
    CM_MSG_MO_REPLY = 8,
};

typedef struct {
    char **v;
    size_t n;
} cm_strs;

/* X(kind, name, record) — kinds: U8 U32 U64 STR BYTES STRS LIST (a list of
 * struct cm_wire_<record>, with its count in <name>_n). */
// clang-format off

/* An attachment as the customer sent it (file name decoded, bytes untouched). */
#define CM_REC_ATTACHMENT(X)                                \
    X(STR, name, _)                                         \
    X(BYTES, data, _)

/* ingress -> router: one email, turned into a structured submission. */
#define CM_MSG_SUBMIT_FIELDS(X)                                                              \
    X(STR, id, _)                     /* 32 hex digits, unique per DATA */                   \
    X(U64, received_ms, _)            /* when DATA ended, ms since the epoch */              \
    X(STR, client_ip, _)                                                                     \
    X(STR, helo, _)                                                                          \
    X(STR, mail_from, _)              /* envelope sender, "" for <> */                       \
    X(STRS, rcpts, _)                 /* envelope recipients as received */                  \
    X(STR, header_from, _)            /* address of From:, lower-cased */                    \
    X(STR, subject, _)                /* RFC 2047 decoded, UTF-8, one line */                \
    X(STR, message_id, _)             /* Message-ID without <> */                            \
    X(STR, auto_submitted, _)         /* Auto-Submitted header value, "" if none */          \
    X(STR, category, _)               /* X-SMS-Category, "" if none */                       \
    X(STR, send_at, _)                /* X-SMS-Send-At, "" if none */                        \
    X(STR, text, _)                   /* the SMS text: UTF-8, LF line ends, signature cut */ \
    X(LIST, attachments, attachment)                                                         \
    X(STR, auth_user, _)              /* SMTP AUTH identity, "" if none */                   \
    X(U8, spf, _)                     /* enum cm_auth_result */                              \
    X(U8, dkim, _)                    /* enum cm_auth_result */

/* router -> ingress, the acknowledgement body of SUBMIT: what to answer after DATA. */
#define CM_MSG_SUBMIT_REPLY_FIELDS(X)                                     \
    X(U32, smtp_code, _)              /* 250, 451, 550... */              \
    X(STR, enhanced, _)               /* "2.0.0" */                       \
    X(STR, text, _)                   /* human text of the reply */       \
    X(STR, submission, _)             /* submission number, "" if none */

/* router -> egress: one recipient's SMS (all its parts). */
#define CM_MSG_JOB_FIELDS(X)                                                              \
    X(U64, job_id, _)                                                                     \
    X(U32, attempt, _)                                                                    \
    X(STR, submission, _)                                                                 \
    X(STR, operator_name, _)                                                              \
    X(STR, dest, _)                   /* international digits without '+', TON 1 NPI 1 */ \
    X(STR, source, _)                                                                     \
    X(U8, source_ton, _)                                                                  \
    X(U8, source_npi, _)                                                                  \
    X(U8, coding, _)                  /* 0 GSM 7-bit, 8 UCS-2 (cm_sms.h) */               \
    X(BYTES, payload, _)              /* unpacked septets (0x1B escapes) or UTF-16BE */   \
    X(STRS, part_ends, _)             /* byte offsets where each part ends, decimal */    \
    X(U8, registered_delivery, _)                                                         \
    X(U64, expires_ms, _)

/* egress -> router: how many more jobs it can take (see rt_feed for the arithmetic). */
#define CM_MSG_CREDIT_FIELDS(X)                                                      \
    X(STR, operator_name, _)                                                         \
    X(STR, epoch, _)                  /* random per egress start */                  \
    X(U64, received, _)               /* jobs received since that start */           \
    X(U32, free_slots, _)             /* room in its windows beyond what it holds */ \
    X(U32, binds_up, _)

// clang-format on

enum cm_result_status { CM_RESULT_SUBMITTED = 1, CM_RESULT_RETRY = 2, CM_RESULT_FAILED = 3 };

// clang-format off
/* egress -> router and dlr: what became of one job attempt. */
#define CM_MSG_RESULT_FIELDS(X)                                                               \
    X(U64, job_id, _)                                                                         \
    X(U32, attempt, _)                                                                        \
    X(STR, submission, _)                                                                     \
    X(STR, operator_name, _)                                                                  \
    X(U8, status, _)                  /* enum cm_result_status */                             \
    X(U32, smpp_status, _)            /* command_status of the failing response, 0 if none */ \
    X(STR, reason, _)                 /* readable reason when not submitted */                \
    X(STRS, message_ids, _)           /* SMSC message id of each part, in part order */       \
    X(U64, at_ms, _)

/* egress -> dlr or router: one deliver_sm (receipt or mobile-originated). */
#define CM_MSG_DELIVER_FIELDS(X)                                            \
    X(STR, operator_name, _)                                                \
    X(U64, at_ms, _)                                                        \
    X(STR, source_addr, _)                                                  \
    X(STR, dest_addr, _)                                                    \
    X(U8, esm_class, _)                                                     \
    X(U8, data_coding, _)                                                   \
    X(BYTES, short_message, _)                                              \
    X(STR, receipted_message_id, _)   /* TLV 0x001E, "" if absent */        \
    X(U32, message_state, _)          /* TLV 0x0427, 0 if absent */         \
    X(STR, network_error, _)          /* TLV 0x0423 as hex, "" if absent */

/* A recipient of a submission as the router decided it. */
#define CM_REC_RECIPIENT(X)                                                                 \
    X(U64, job_id, _)                 /* 0 when not sent */                                 \
    X(STR, number, _)                 /* E.164, or the text as given when invalid */        \
    X(U32, line, _)                   /* LISTE line number, 0 for an address */             \
    X(U8, state, _)                   /* enum cm_rcpt_state */                              \
    X(STR, reason, _)                 /* why not sent */                                    \
    X(STR, fields, _)                 /* "NAME=value" pairs separated by '\t' */            \
    X(U32, parts, _)                                                                        \
    X(U64, send_at_ms, _)             /* planned sending time, 0 = at once */               \
    X(STR, text, _)                   /* rendered SMS when the receipt shows it, else "" */

// clang-format on

enum cm_rcpt_state { CM_RCPT_QUEUED = 1, CM_RCPT_REJECTED = 2, CM_RCPT_BLACKLISTED = 3 };
enum cm_accept_status {
    CM_ACCEPT_ACCEPTED = 1,
    CM_ACCEPT_REJECTED = 2,
    CM_ACCEPT_DUPLICATE = 3,
    CM_ACCEPT_DRY_RUN = 4
};

// clang-format off
/* router -> dlr: a submission was committed; dlr mails the acceptance receipt and
 * tracks every queued recipient to its final state. */
#define CM_MSG_ACCEPTED_FIELDS(X)                                                         \
    X(STR, submission, _)                                                                 \
    X(U64, at_ms, _)                                                                      \
    X(STR, reply_to, _)               /* receipt address, "" = send no receipt */         \
    X(STR, message_id, _)             /* the customer's Message-ID, for In-Reply-To */    \
    X(STR, subject, _)                                                                    \
    X(STR, account, _)                                                                    \
    X(STR, lang, _)                   /* "fr" or "en" */                                  \
    X(U8, status, _)                  /* enum cm_accept_status */                         \
    X(STR, reason, _)                 /* why rejected; "" otherwise */                    \
    X(STR, encoding, _)               /* "GSM 7-bit" or "UCS-2", "" if no text */         \
    X(U32, parts, _)                  /* SMS parts per message */                         \
    X(STR, text, _)                   /* the SMS text (rendered, first recipient) */      \
    X(U64, send_at_ms, _)             /* planned sending time, 0 = now */                 \
    X(U64, expires_ms, _)             /* end of validity: no receipt by then = expired */ \
    X(STR, ucs2_chars, _)             /* characters that forced UCS-2, "" if GSM */       \
    X(U32, translit_parts, _)         /* parts with transliteration, 0 if no saving */    \
    X(LIST, recipients, recipient)
// clang-format on

// clang-format off
/* router -> dlr: an SMS reply to a submission, to be mailed to its sender (SPEC §6). */
#define CM_MSG_MO_REPLY_FIELDS(X)                                                         \
    X(STR, from, _)                   /* E.164 of the phone that replied */               \
    X(STR, to, _)                     /* the address it was sent to (sender id, code) */  \
    X(STR, text, _)                   /* UTF-8 */                                         \
    X(U64, at_ms, _)                                                                      \
    X(STR, account, _)                                                                    \
    X(STR, submission, _)             /* the submission it answers */                     \
    X(STR, reply_to, _)               /* who gets the mail */                             \
    X(STR, lang, _)                   /* "fr" or "en" */
// clang-format on

enum cm_auth_result { CM_AUTH_NONE = 0, CM_AUTH_PASS = 1, CM_AUTH_FAIL = 2, CM_AUTH_TEMPERROR = 3 };

/* Struct generation. */
#define CM_WIRE_FIELD_U8(n, r) uint8_t n;
#define CM_WIRE_FIELD_U32(n, r) uint32_t n;
#define CM_WIRE_FIELD_U64(n, r) uint64_t n;
#define CM_WIRE_FIELD_STR(n, r) char *n;
#define CM_WIRE_FIELD_BYTES(n, r) cm_bytes n;
#define CM_WIRE_FIELD_STRS(n, r) cm_strs n;
#define CM_WIRE_FIELD_LIST(n, r)                                                                   \
    struct cm_wire_##r *n;                                                                         \
    size_t n##_n;
#define CM_WIRE_FIELD(kind, n, r) CM_WIRE_FIELD_##kind(n, r)

struct cm_wire_attachment {
    CM_REC_ATTACHMENT(CM_WIRE_FIELD)
};
struct cm_wire_recipient {
    CM_REC_RECIPIENT(CM_WIRE_FIELD)
};

// clang-format off
#define CM_WIRE_MESSAGES(M)                                                               \
    M(submit, SUBMIT)                                                                     \
    M(submit_reply, SUBMIT_REPLY)                                                         \
    M(job, JOB)                                                                           \
    M(credit, CREDIT)                                                                     \
    M(result, RESULT)                                                                     \
    M(deliver, DELIVER)                                                                   \
    M(accepted, ACCEPTED)                                                                 \
    M(mo_reply, MO_REPLY)
// clang-format on

#define CM_WIRE_DECLARE(name, NAME)                                                                \
    typedef struct cm_msg_##name {                                                                 \
        CM_MSG_##NAME##_FIELDS(CM_WIRE_FIELD)                                                      \
    } cm_msg_##name;                                                                               \
    int cm_wire_encode_##name(const cm_msg_##name *m, cm_wbuf *out);                               \
    int cm_wire_decode_##name(const uint8_t *data, size_t len, cm_arena **arena,                   \
                              cm_msg_##name *out);
CM_WIRE_MESSAGES(CM_WIRE_DECLARE)

/* An ACCEPTED's recipients read one at a time: a list of 100,000 decoded at once costs
 * megabytes of strings. cm_wire_decode_accepted_head() decodes every other field (its
 * recipients stay NULL, recipients_n is their count) and sets *it at the first one;
 * cm_wire_recipients_next() decodes the next into *out, its strings in *arena: 0, -ENOENT
 * after the last, -EBADMSG when malformed (the list is checked as it is read, not by
 * the head). The data must outlive *it; copy *it to read the list again. */
typedef struct {
    const uint8_t *p, *end;
    uint32_t left;
} cm_wire_recipients;

int cm_wire_decode_accepted_head(const uint8_t *data, size_t len, cm_arena **arena,
                                 cm_msg_accepted *m, cm_wire_recipients *it);
int cm_wire_recipients_next(cm_wire_recipients *it, cm_arena **arena,
                            struct cm_wire_recipient *out);

/* The type of an encoded message, or -EBADMSG (wrong version, too short). */
int cm_wire_type(const uint8_t *data, size_t len);

/* Helpers for the '\t'-separated "NAME=value" fields and the decimal part ends. */
int cm_strs_push(cm_arena **arena, cm_strs *s, const char *v); /* copies v */

#endif
