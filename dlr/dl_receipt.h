/* dl_receipt: understand one SMPP delivery receipt (SPEC 8).
 *
 * Input: the deliver_sm's TLVs as egress forwarded them (receipted_message_id,
 * message_state, network_error_code; empty / 0 when absent) and its short_message.
 * TLVs win over the text. The text is parsed tolerantly, in the usual form
 *   id:IIII sub:001 dlvrd:001 submit date:YYMMDDhhmm[ss] done date:YYMMDDhhmm[ss]
 *   stat:DELIVRD err:000 text:...
 * keys in any case, in any order, with "submit_date"/"done_date" spellings, missing
 * fields, spaces after the colon, empty values; `text:` runs to the end. Stat words:
 * DELIVRD/DELIVERED, EXPIRED, DELETED, UNDELIV/UNDELIVERABLE, ACCEPTD/ACCEPTED,
 * UNKNOWN, REJECTD/REJECTED, ENROUTE, FAILED/FAIL, BUFFRED/BUFFERED, ACKED.
 *
 * Intermediate states (ENROUTE, ACCEPTD, BUFFRED, ACKED) do not end a part; DELIVRD
 * ends it delivered, every other known state ends it undelivered.
 *
 * Pure, no allocation. dl_receipt_parse() returns 0 when an id was found (out->stat
 * may still be DL_STAT_NONE when no state was given), -EINVAL when neither the TLV
 * nor the text carries a message id (out is then still filled as far as possible). */
#ifndef DL_RECEIPT_H
#define DL_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

/* Values 1..8 are SMPP 3.4 message_state (5.2.28); the rest are our own. */
enum dl_stat {
    DL_STAT_NONE = 0,
    DL_STAT_ENROUTE = 1,
    DL_STAT_DELIVERED = 2,
    DL_STAT_EXPIRED = 3,
    DL_STAT_DELETED = 4,
    DL_STAT_UNDELIVERABLE = 5,
    DL_STAT_ACCEPTED = 6,
    DL_STAT_UNKNOWN = 7,
    DL_STAT_REJECTED = 8,
    DL_STAT_FAILED = 20,
    DL_STAT_BUFFERED = 21,
    DL_STAT_ACKED = 22,
};

typedef struct {
    char id[65];            /* message id, "" if none */
    enum dl_stat stat;      /* DL_STAT_NONE if none */
    char err[16];           /* "err:" value as written, "" if none */
    char network_error[16]; /* TLV network_error_code as hex, "" if none */
    char submit_date[13];   /* digits as written (10 or 12), "" if none or malformed */
    char done_date[13];
    int sub, dlvrd; /* -1 when absent or not a number */
} dl_receipt;

int dl_receipt_parse(const uint8_t *text, size_t len, const char *tlv_id, uint32_t tlv_state,
                     const char *tlv_network_error, dl_receipt *out);

int dl_stat_is_final(enum dl_stat s);
int dl_stat_is_delivered(enum dl_stat s);
/* "DELIVRD", "UNDELIV"...: the canonical 7-letter word, "" for DL_STAT_NONE. */
const char *dl_stat_name(enum dl_stat s);
/* The state of a stat word (case-insensitive), DL_STAT_NONE when unknown. */
enum dl_stat dl_stat_parse(const char *word, size_t len);
/* Whether err is absent or all zeros ("", "000", "0000"). */
int dl_err_is_zero(const char *err);

#endif
