/*
 * cm_sms: SMS text codec -- UTF-8 <-> GSM 03.38 / UCS-2, length and segmentation
 * (SPEC.md section 3; 3GPP TS 23.038 and 23.040).
 *
 * What it does
 *   cm_sms_encode() decides the coding of a UTF-8 text and encodes it:
 *     - CM_SMS_GSM7 (SMPP data_coding 0) when every character is in the GSM 7-bit default
 *       alphabet or its extension table. Output is UNPACKED septets, one byte (0x00-0x7F)
 *       per septet; an extension character (form feed ^ { } \ [ ~ ] | €) is the escape
 *       0x1B followed by its code and counts 2 septets. Note '@' is septet 0x00: the
 *       payload is binary, never a C string.
 *     - CM_SMS_UCS2 (data_coding 8) otherwise: UTF-16BE; a character outside the BMP is a
 *       surrogate pair and counts 2 units.
 *   With CM_SMS_TRANSLIT, typographic characters (’ ‘ “ ” « » – — … U+00A0 and the other
 *   Unicode spaces, œ Œ, accented letters missing from GSM such as ê ç, Greek capitals
 *   that look Latin, zero-width characters, ...) are mapped to GSM equivalents, so that
 *   "l’été" stays GSM. Transliteration is applied
 *   only when it makes the WHOLE text GSM; if some character still needs UCS-2 (an
 *   emoji, Cyrillic, ...) the original text is sent untouched in UCS-2, since
 *   transliterating would lose information for no saving. info.translit tells whether
 *   it was applied.
 *
 *   Length: info.units is septets (escape = 2) or UTF-16 units (pair = 2); info.chars is
 *   the number of code points of the text actually encoded (after transliteration, so
 *   "…" becoming "..." counts 3). The caller enforces the per-account maximum (750 by
 *   default) on info.chars; the codec has no length limit except the parts bound.
 *
 *   Segmentation: one SMS holds 160 septets / 70 UCS-2 units. Beyond that, parts hold
 *   153 / 67 (8-bit reference UDH, 6 octets) or 152 / 66 with CM_SMS_REF16 (7 octets).
 *   So 1/2/3 parts hold 160/306/459 septets and 70/134/201 units. An escape pair or a
 *   surrogate pair is never split: it moves whole to the next part. Part i is
 *   data[bound[i] .. bound[i+1]). The empty text is valid: GSM7, 0 units, 1 part of 0
 *   bytes (an empty SMS, like any SMSC sends it). At most CM_SMS_MAX_PARTS parts (the
 *   UDH sequence number is one octet).
 *
 *   cm_sms_measure() gives the same info without keeping the payload (e.g. for receipts:
 *   "would be N parts with transliteration"); cm_sms_ucs2_chars() lists the distinct
 *   characters that force UCS-2.
 *
 *   cm_sms_part_udh() builds the SMPP short_message of part i. With one part: the payload
 *   alone (no UDH, esm_class unchanged). With several parts: the concatenation UDH
 *   05 00 03 ref total seq (or 06 08 04 refhi reflo total seq with CM_SMS_REF16), then
 *   the part's payload; the caller sets esm_class |= 0x40 (UDHI). For GSM7 the payload
 *   stays unpacked: 6 (7) UDH octets then the septets, one byte each -- the SMSC packs
 *   them after the UDH and its fill bits, which is why a part holds 153 (152) septets.
 *   seq is 1-based. Callers that prefer SAR TLVs or message_payload use data/bound
 *   directly (the SMSC adds the UDH, so the 153/67 split still applies).
 *
 *   cm_sms_decode() turns a received short_message (MO, display) into UTF-8 for
 *   data_coding 0 (GSM 03.38 unpacked septets, our reading of "SMSC default"), 3
 *   (Latin-1) and 8 (UCS-2/UTF-16BE). With has_udh the UDH (first octet = its length) is
 *   skipped. Lenient where a handset could produce it: an escape followed by an unknown
 *   code gives the default-table character, a trailing escape is dropped, a lone
 *   surrogate gives U+FFFD, NUL code units (0x00 in Latin-1, U+0000 in UCS-2) are
 *   dropped. cm_sms_udh_concat() reads the concatenation IE (8- or 16-bit ref) of a UDH.
 *
 * Ownership
 *   Input texts and buffers are borrowed and only read during the call. cm_sms_encode()
 *   fills the caller's cm_sms_text with two owned allocations (data, bound); release them
 *   with cm_sms_text_free(), which also zeroes the struct (safe to call twice, and on a
 *   struct zeroed by a failed encode). cm_sms_part_udh() and cm_sms_ucs2_chars() write
 *   into the caller's buffer. cm_sms_decode() returns a malloc'd NUL-terminated UTF-8
 *   string in *utf8_out; the caller frees it with free().
 *
 * Failure
 *   Functions return >= 0 on success, or a negative errno:
 *     -EINVAL  NULL argument, unknown flag, part index out of range, malformed UDH,
 *              input too large to decode;
 *     -EILSEQ  invalid UTF-8 input (overlong, surrogate, > U+10FFFF, truncated) or a NUL
 *              character; septet > 0x7F for data_coding 0; odd UCS-2 length;
 *     -E2BIG   more than CM_SMS_MAX_PARTS parts;
 *     -ENOSPC  the caller's buffer is too small (CM_SMS_SM_MAX always suffices for a part);
 *     -ENOTSUP data_coding other than 0, 3, 8 in cm_sms_decode();
 *     -ENOENT  no concatenation IE in the UDH (cm_sms_udh_concat());
 *     -ENOMEM  allocation failed.
 *   On failure the outputs are zeroed / NULL. Pure: no logging, no global mutable state;
 *   thread-safe.
 */
#ifndef CM_SMS_H
#define CM_SMS_H

#include <stddef.h>
#include <stdint.h>

/* Coding, in SMPP data_coding terms. */
#define CM_SMS_GSM7 0
#define CM_SMS_LATIN1 3
#define CM_SMS_UCS2 8

/* cm_sms_encode() flags. CM_SMS_TRANSLIT is 1 so that a boolean "transliterate" works. */
#define CM_SMS_TRANSLIT 0x1u /* map typographic characters to GSM when that avoids UCS-2 */
#define CM_SMS_REF16 0x2u    /* segment for the 16-bit reference UDH (152 / 66 per part) */

#define CM_SMS_MAX_PARTS 255
/* Largest short_message cm_sms_part_udh() writes (single GSM7 SMS: 160 septets). */
#define CM_SMS_SM_MAX 160

typedef struct cm_sms_info {
    int coding;   /* CM_SMS_GSM7 or CM_SMS_UCS2 */
    int translit; /* 1 if transliteration was applied to the encoded text */
    size_t units; /* septets (escape counts 2) or UTF-16 units (pair counts 2) */
    size_t chars; /* code points of the encoded text */
    size_t parts; /* >= 1 (the billing unit) */
} cm_sms_info;

typedef struct cm_sms_text {
    cm_sms_info info;
    unsigned flags; /* flags given to cm_sms_encode() */
    uint8_t *data;  /* owned: unpacked septets (GSM7) or UTF-16BE bytes (UCS2) */
    size_t len;     /* bytes in data: units (GSM7) or 2 * units (UCS2) */
    size_t *bound;  /* owned: info.parts + 1 byte offsets; bound[0] = 0, bound[parts] = len */
} cm_sms_text;

/* Encode utf8[len] (need not be NUL-terminated). Returns 0, -EINVAL, -EILSEQ, -E2BIG or
 * -ENOMEM; on failure *out is zeroed. */
int cm_sms_encode(const char *utf8, size_t len, unsigned flags, cm_sms_text *out);

/* Releases t->data and t->bound and zeroes *t. NULL is a no-op. */
void cm_sms_text_free(cm_sms_text *t);

/* Same result as cm_sms_encode() without keeping the payload. */
int cm_sms_measure(const char *utf8, size_t len, unsigned flags, cm_sms_info *info);

/* Writes into buf[size] the distinct characters of utf8[len] that force UCS-2 (after
 * transliteration when flags has CM_SMS_TRANSLIT), in order of first appearance, as a
 * NUL-terminated UTF-8 string; stops before the first one that does not fit. Returns the
 * number of characters written (0: the text is GSM), -EINVAL (size 0) or -EILSEQ. */
int cm_sms_ucs2_chars(const char *utf8, size_t len, unsigned flags, char *buf, size_t size);

/* Writes the short_message of part i (0-based) into buf[size]; ref is the concatenation
 * reference (low 8 bits used, or 16 with CM_SMS_REF16). Returns the number of bytes
 * written (<= CM_SMS_SM_MAX), -EINVAL or -ENOSPC. */
int cm_sms_part_udh(const cm_sms_text *t, size_t i, unsigned ref, uint8_t *buf, size_t size);

/* Decodes sm[len] of the given data_coding to a malloc'd UTF-8 string in *utf8_out.
 * Returns the string length in bytes, -EINVAL, -EILSEQ, -ENOTSUP or -ENOMEM. */
int cm_sms_decode(int data_coding, const uint8_t *sm, size_t len, int has_udh, char **utf8_out);

/* Reads the concatenation IE (IEI 0x00 or 0x08) of the UDH at the start of sm[len].
 * Returns 0 with *ref, *total, *seq set, -ENOENT if absent, -EINVAL if malformed. */
int cm_sms_udh_concat(const uint8_t *sm, size_t len, unsigned *ref, unsigned *total, unsigned *seq);

#endif /* CM_SMS_H */
