/* dl_rec: the values dlr keeps in dlr.mdb, and their versioned binary encoding
 * (cm_buf primitives; first byte DL_REC_VERSION; decoders also read the records of
 * earlier versions back to DL_REC_VERSION_MIN, with defaults for the fields added
 * since, and refuse any other version, truncation and trailing bytes with -EBADMSG).
 * Version 2 added dl_rcpt.network_error and dl_progress.done_at_ms; version 3
 * dl_mailrec.queued_ms (older mails read it as their next_try_ms).
 *
 * Sub-databases (keys -> values):
 *   submissions  submission                 -> the ACCEPTED payload as received (cm_wire)
 *   progress     submission                 -> dl_progress
 *   expiry       BE64(expire ms) submission -> "" (ordered for the expiry timer)
 *   recipients   BE64(job id)               -> dl_rcpt
 *   msgids       operator \0 key            -> BE64(job id) BE32(part)  (one key per id,
 *                dl_msgid_key_stored; stores of earlier versions hold every key of an
 *                auto id: read and pruned alike)
 *   early        operator \0 key \0 BE64(seq) -> DELIVER payload, receipt without its
 *                RESULT yet; stored under every key of its id, deleted when matched
 *   unmatched    BE64(seq)                  -> DELIVER payload that names no usable id
 *   outbox       BE64(seq)                  -> dl_mailrec, sent in order per recipient
 *                and submission (dl_outq.h)
 *   outbox_rcpt  rcpt \0 submission \0 BE64(seq) -> "" (each group's mails, in order;
 *                layout version in meta "outbox_layout", rebuilt when it differs)
 *   outbox_due   BE64(next try ms) BE64(seq) -> "" (only the first mail of each
 *                group: what the sender may try, by due time; dl_outbox.h)
 *   dead         BE64(seq)                  -> dl_mailrec refused for good by the smarthost
 *   seen         handoff key                -> BE64(ms) (idempotency, MDB_NOOVERWRITE; not
 *                for RESULTs nor matched DELIVERs, which apply twice harmlessly: dl_intake)
 *   aging        kind BE64(ms) key          -> "" (what pruning deletes, oldest first per
 *                kind; dl_prune.h)
 *   meta         counter name               -> counters (cm_store_next_seq), and
 *                "outbox_layout" -> native u64 (dl_outq)
 *
 * Ownership: encoders fill a cm_wbuf the caller frees; decoders allocate strings
 * in *arena (the caller frees it with cm_arena_free). Never log. */
#ifndef DL_REC_H
#define DL_REC_H

#include "cm_buf.h"

#include <stddef.h>
#include <stdint.h>

#define DL_REC_VERSION 3
#define DL_REC_VERSION_MIN 1

#define DL_DB_NAMES                                                                                \
    "submissions", "progress", "expiry", "recipients", "msgids", "early", "unmatched", "outbox",   \
        "dead", "seen", "meta", "aging", "outbox_due", "outbox_rcpt"

/* One recipient (one job) after the router queued it. */
typedef struct {
    char *submission, *operator_name;
    uint8_t outcome;      /* enum dl_outcome: DL_OUT_PENDING until final */
    uint8_t submitted;    /* a RESULT SUBMITTED was recorded */
    uint8_t stat;         /* enum dl_stat of the receipt that ended it, 0 if none */
    char *err;            /* that receipt's err:, "" if none */
    uint32_t smpp_status; /* RESULT FAILED's command_status, 0 if none */
    char *reason;         /* free text (RESULT reason), "" if none */
    uint64_t final_at_ms; /* delivery or failure time */
    uint32_t attempt;
    cm_bytes parts;      /* one enum dl_stat per part, the part's latest receipt */
    char *network_error; /* that receipt's network_error_code TLV (hex), "" if none */
} dl_rcpt;

/* The counters of one submission. */
typedef struct {
    uint32_t queued; /* recipients the router queued (job id != 0) */
    uint32_t final;  /* of those, how many are final */
    uint8_t done;    /* the final receipt was decided */
    uint64_t expires_ms;
    uint64_t done_at_ms; /* when it was decided, 0 if not (or unknown) */
} dl_progress;

/* A mail waiting for the smarthost. */
typedef struct {
    uint64_t next_try_ms;
    uint32_t tries;
    char *env_from, *rcpt, *submission, *kind; /* kind: "acceptance", "final", "reply" */
    cm_bytes mail;                             /* RFC 5322, CRLF */
    char *last_error;
    uint64_t queued_ms; /* when it entered the outbox */
} dl_mailrec;

void dl_rcpt_encode(const dl_rcpt *r, cm_wbuf *w);
int dl_rcpt_decode(const void *p, size_t n, cm_arena **arena, dl_rcpt *out);
void dl_progress_encode(const dl_progress *p, cm_wbuf *w);
int dl_progress_decode(const void *p, size_t n, dl_progress *out);
void dl_mailrec_encode(const dl_mailrec *m, cm_wbuf *w);
/* The encoded record without the mail's bytes: what goes before them (head) and after
 * them (tail); the record is head, m->mail, tail. Lets a store write a big mail once,
 * straight into its own space (dl_outq_put). -E2BIG in head->err for a mail over 4 GiB. */
void dl_mailrec_encode_around(const dl_mailrec *m, cm_wbuf *head, cm_wbuf *tail);
int dl_mailrec_decode(const void *p, size_t n, cm_arena **arena, dl_mailrec *out);
/* The same, but out->mail points into p (not copied, not NUL-terminated): valid while p
 * is (a sender reads a big mail from the store in pieces, dl_outbox). */
int dl_mailrec_decode_view(const void *p, size_t n, cm_arena **arena, dl_mailrec *out);
/* The next try, the recipient and the submission of a stored mail without copying it
 * (*rcpt and *sub point into p, *rcpt_len and *sub_len bytes, not NUL-terminated): the
 * mail itself, megabytes for a big final receipt, is not read. -EBADMSG when malformed. */
int dl_mailrec_peek(const void *p, size_t n, uint64_t *next_try_ms, const char **rcpt,
                    size_t *rcpt_len, const char **sub, size_t *sub_len);

#endif
