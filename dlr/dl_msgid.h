/* dl_msgid: the lookup keys of an SMSC message id, so that a delivery receipt finds
 * the part it reports on although SMSCs write the same id differently in
 * submit_sm_resp and in the receipt (hex vs decimal, leading zeros, case).
 *
 * Rule (SPEC 8, LIBRARIES "Known SMPP field trouble"). Let `low` be the id
 * lower-cased and `norm` be low without its leading '0's ("0" if nothing is left).
 * The keys of an id depend on the operator's message_id_format (enum dl_msgid_format,
 * in the order of cm_config.h's enum cm_msgid_format) and on the side the id comes
 * from (submit_sm_resp or receipt):
 *   auto (both sides, dl_msgid_canon):
 *     "t:" + norm — always;
 *     "n:" + the decimal value of norm read as hexadecimal — when it is 1 to 16 hex
 *            digits;
 *     "n:" + the decimal value of norm read as decimal — when it is 1 to 20 decimal
 *            digits and fits in 64 bits.
 *   hex (both sides): one key, "n:" + the value read as hexadecimal, so "16" is 0x16;
 *   decimal (both sides): one key, "n:" + the value read as decimal;
 *   hex_resp_decimal_receipt: as hex on the submit_sm_resp side, as decimal on the
 *     receipt side;
 *     (for these three, an id that is not such a number has the one key "t:" + norm)
 *   text (both sides): one key, "t:" + low (case-insensitive, leading zeros count).
 * The submitted id is stored under all its keys; a receipt's id is looked up under
 * its keys, in order. So under auto "1A2B" in submit_sm_resp matches "6699", "06699",
 * "1a2b" and "00001A2B" in receipts, and "6699" matches "1a2b"; two different messages
 * can then collide when their ids read alike in the other notation (hex "10" and
 * decimal "16" share "n:16"), and the first stored mapping wins (MDB_NOOVERWRITE). A
 * pinned format reads each id one way only: within one format, two ids share a key
 * only when they name the same number (or the same text).
 *
 * Stored once (dl_msgid_key_stored): `msgids` holds a submitted id under ONE key, the
 * first of its submit_sm_resp-side keys ("t:" + norm under auto; the pinned formats
 * have one key anyway), and a receipt's id is looked up (dl_msgid_keys_lookup) under
 * the keys that key can have: for a pinned format its receipt-side key; under auto
 * "t:" + norm, then "t:" + the lower-case hexadecimal writing of norm's decimal value
 * (when it is 1 to 20 decimal digits and fits in 64 bits), then "t:" + the decimal
 * writing of norm's hexadecimal value (1 to 16 hex digits). These match exactly the
 * pairs of ids that the "n:" keys above made match (two ids share "n:v" when one reads
 * v in one base and the other in the other, i.e. when one's norm is the other's value
 * written in that base), so nothing that matched before fails now. Stores written when
 * auto ids were stored under all their keys are read the same way (their first key
 * was "t:" + norm too); pruning deletes all the keys an id may have (dl_match_forget).
 *
 * dl_msgid_keys_any() gives every key any format could have given the id, on either
 * side (at most DL_MSGID_KEYS): to delete entries whose key also holds a unique
 * sequence number, whatever format wrote them.
 *
 * Pure, no allocation. Errors: -EINVAL for an empty id, one over DL_MSGID_MAX bytes,
 * bytes outside printable ASCII (0x21..0x7e), or an unknown format or side. */
#ifndef DL_MSGID_H
#define DL_MSGID_H

#include <stddef.h>

#define DL_MSGID_MAX 64
#define DL_MSGID_KEYS 4
#define DL_MSGID_KEY_CAP (DL_MSGID_MAX + 3)
/* A database key: operator name, a NUL, the key. */
#define DL_MSGID_DBKEY_CAP (256 + DL_MSGID_KEY_CAP)

/* Same values as enum cm_msgid_format (this file stays free of common/ for the fuzz
 * target; dl_match converts). */
enum dl_msgid_format {
    DL_MSGID_AUTO,
    DL_MSGID_HEX,
    DL_MSGID_DECIMAL,
    DL_MSGID_HEX_RESP_DECIMAL_RECEIPT,
    DL_MSGID_TEXT,
    DL_MSGID_FORMATS
};
enum dl_msgid_side { DL_MSGID_RESP, DL_MSGID_RECEIPT };

typedef struct {
    char k[DL_MSGID_KEYS][DL_MSGID_KEY_CAP];
    int n;
} dl_msgid_keys;

int dl_msgid_keys_of(const char *id, enum dl_msgid_format fmt, enum dl_msgid_side side,
                     dl_msgid_keys *out);
/* The one key a submitted id is stored under in `msgids` (out->n is 1). */
int dl_msgid_key_stored(const char *id, enum dl_msgid_format fmt, dl_msgid_keys *out);
/* The keys a receipt's id is looked up under in `msgids`, in order. */
int dl_msgid_keys_lookup(const char *id, enum dl_msgid_format fmt, dl_msgid_keys *out);
/* The keys under "auto" (either side). */
int dl_msgid_canon(const char *id, dl_msgid_keys *out);
int dl_msgid_keys_any(const char *id, dl_msgid_keys *out);
/* The configuration name of fmt ("auto", "hex", ...), "?" if unknown. */
const char *dl_msgid_format_name(enum dl_msgid_format fmt);
/* operator "\0" key into out; returns the length, or -EINVAL if it does not fit or
 * the operator name is empty or over 255 bytes. */
int dl_msgid_dbkey(const char *op, const char *key, char *out, size_t cap);

#endif
