/* dl_msgid: the lookup keys of an SMSC message id, so that a delivery receipt finds
 * the part it reports on although SMSCs write the same id differently in
 * submit_sm_resp and in the receipt (hex vs decimal, leading zeros, case).
 *
 * Rule (SPEC 8, LIBRARIES "Known SMPP field trouble"): an id has up to three keys,
 *   "t:" + the id lower-cased, leading '0's removed ("0" if nothing is left) — always;
 *   "n:" + the decimal value of the id read as hexadecimal — when it is 1 to 16 hex
 *          digits (after removing leading zeros);
 *   "n:" + the decimal value of the id read as decimal — when it is 1 to 20 decimal
 *          digits (after removing leading zeros) and fits in 64 bits.
 * The submitted id is stored under all its keys; a receipt's id is looked up under
 * its keys, "t:" first. So "1A2B" in submit_sm_resp matches "6699", "06699", "1a2b"
 * and "00001A2B" in receipts, and "6699" matches "1a2b". Two different messages of
 * one operator could only be confused when one SMSC mixes both notations and the
 * numbers collide; the first stored mapping then wins (MDB_NOOVERWRITE).
 *
 * Pure, no allocation. Errors: -EINVAL for an empty id, one over DL_MSGID_MAX bytes,
 * or bytes outside printable ASCII (0x21..0x7e). */
#ifndef DL_MSGID_H
#define DL_MSGID_H

#include <stddef.h>

#define DL_MSGID_MAX 64
#define DL_MSGID_KEYS 3
#define DL_MSGID_KEY_CAP (DL_MSGID_MAX + 3)
/* A database key: operator name, a NUL, the key. */
#define DL_MSGID_DBKEY_CAP (256 + DL_MSGID_KEY_CAP)

typedef struct {
    char k[DL_MSGID_KEYS][DL_MSGID_KEY_CAP];
    int n;
} dl_msgid_keys;

int dl_msgid_canon(const char *id, dl_msgid_keys *out);
/* operator "\0" key into out; returns the length, or -EINVAL if it does not fit or
 * the operator name is empty or over 255 bytes. */
int dl_msgid_dbkey(const char *op, const char *key, char *out, size_t cap);

#endif
