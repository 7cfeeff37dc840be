/*
 * cm_address: recipient addressing (SPEC.md section 1).
 *
 * What it does
 *   - cm_address_split(): splits an envelope address "local@domain" strictly (no angle
 *     brackets: the SMTP layer removes them). Refused with -EINVAL: no '@' or more than
 *     one, empty local part or domain, source routes ("@a:b@c"), quoted local parts,
 *     relay hacks ('%' or '!' in the local part), spaces, control characters, any of
 *     ( ) , : ; < > [ ] \ " in the local part, a leading, trailing or doubled '.' in the
 *     local part, and domains that are not [A-Za-z0-9-] labels joined by single dots
 *     (address literals "[1.2.3.4]" are refused). Bytes >= 0x80 are allowed in the local
 *     part (SMTPUTF8); cm_address_parse_local() then requires them to be valid UTF-8.
 *     The domain is copied as written; comparing it with the gateway's domain D
 *     (case-insensitively) is the caller's job.
 *   - cm_address_parse_local(): the local part -> a mode, case-insensitively:
 *       "multi"                          CM_ADDR_MULTI
 *       "multi_sms"                      CM_ADDR_MULTI_SMS
 *       "SMS=<number>[#FIELD=value]..."  CM_ADDR_SINGLE, with one recipient.
 *   - cm_address_parse_list_line(): one LISTE.TXT line (already converted to UTF-8 by the
 *     caller; a leading UTF-8 BOM and a trailing CR/LF are tolerated, spaces and tabs at
 *     both ends are trimmed):
 *       require_sms_prefix != 0 (multi):      "SMS=<number>[#FIELD=value]..."
 *       require_sms_prefix == 0 (multi_sms):  "<number>[#FIELD=value]..." (an "SMS="
 *                                             prefix is tolerated there too).
 *     A line starting with another media prefix, "FAX=", "VOCAL=", "EMAIL=" or
 *     "COURRIER=" (any case), fails with CM_ADDR_EMEDIA ("media not offered") in both
 *     modes. A line that is empty or only spaces/tabs returns CM_ADDR_SKIP.
 *   - cm_fields: a fixed-capacity set of FIELD=value pairs, inline buffers, no
 *     allocation; used for addresses, LISTE.TXT lines and (via cm_fields_set) CSV/XLSX
 *     columns.
 *
 * Grammar of a recipient "<number>[#FIELD=value]..."
 *   - <number> is everything before the first '#', passed to cm_number_normalise() (see
 *     cm_number.h; separators '.', '-', ' ' allowed). In list lines, spaces and tabs
 *     around it are trimmed. At most CM_ADDR_NUMBER_MAX bytes, else -E2BIG.
 *   - FIELD is [A-Za-z0-9_]+, stored upper-case, 1 to CM_FIELD_NAME_MAX bytes. "SMS" is
 *     not a field name (catches "SMS=06...#SMS=07..."). Standard names: FACTURATION,
 *     REFCLIENT, NOM, PRENOM, DATE (DATE=YYYYMMDDHHMM is checked by the router, not
 *     here); any other name is a custom field.
 *   - value is every byte up to the next '#' or the end: valid UTF-8 without control
 *     characters (U+0000-U+001F, U+007F-U+009F) and without '#'; '=' is allowed; it may
 *     be empty; at most CM_FIELD_VALUE_MAX bytes. Case is preserved.
 *   - Each segment between '#' must be FIELD=value: an empty segment ("06...##NOM=x",
 *     "06...#") is -EINVAL. A name given twice is -EEXIST. More than CM_FIELDS_MAX
 *     fields is -E2BIG.
 *
 * Ownership
 *   All input strings are borrowed and only read during the call. Output structs and
 *   buffers belong to the caller and hold no pointers (copy them freely); on failure
 *   their contents are as far as parsing got (cm_recipient.number_rc is meaningful as
 *   soon as the number was reached). Strings returned by cm_fields_get() point into the
 *   cm_fields and live as long as it does.
 *
 * Failure (negative errno)
 *   -EINVAL     syntax error, NULL argument, invalid number (then out->number_rc holds
 *               cm_number_normalise()'s error, so the caller can say "invalid number"
 *               rather than "bad syntax"); unknown local part (neither SMS=, multi nor
 *               multi_sms).
 *   -E2BIG      more than CM_FIELDS_MAX fields, a name, value or number too long.
 *   -EEXIST     a field name given twice.
 *   -ENOSPC     cm_address_split(): an output buffer is too small.
 *   CM_ADDR_EMEDIA (-EPROTONOSUPPORT)  list line for another medium.
 *   Syntax errors in fields are reported before number errors.
 *   Pure: no logging, no global state, no allocation; thread-safe.
 */
#ifndef CM_ADDRESS_H
#define CM_ADDRESS_H

#include <errno.h>
#include <stddef.h>

#include "cm_number.h"

#define CM_FIELDS_MAX 32
#define CM_FIELD_NAME_MAX 32   /* bytes, without the NUL */
#define CM_FIELD_VALUE_MAX 256 /* bytes, without the NUL */
#define CM_ADDR_NUMBER_MAX 64  /* bytes of the number as written, without the NUL */

/* cm_address_parse_list_line(): the line holds no recipient (blank). */
#define CM_ADDR_SKIP 1
/* cm_address_parse_list_line(): FAX=, VOCAL=, EMAIL=, COURRIER= ("media not offered"). */
#define CM_ADDR_EMEDIA (-EPROTONOSUPPORT)

typedef enum cm_address_mode {
    CM_ADDR_SINGLE = 1, /* SMS=<number>[#F=v]...@D */
    CM_ADDR_MULTI,      /* multi@D, LISTE.TXT lines "SMS=<number>[#F=v]..." */
    CM_ADDR_MULTI_SMS,  /* multi_sms@D, LISTE.TXT lines "<number>[#F=v]..." */
} cm_address_mode;

typedef struct cm_field {
    char name[CM_FIELD_NAME_MAX + 1];   /* upper-case [A-Z0-9_]+ */
    char value[CM_FIELD_VALUE_MAX + 1]; /* UTF-8, no control characters, no '#' */
} cm_field;

/* Fields in input order. Zero-initialised ({0} or cm_fields_init) is an empty set. */
typedef struct cm_fields {
    size_t count;
    cm_field items[CM_FIELDS_MAX];
} cm_fields;

typedef struct cm_recipient {
    char raw_number[CM_ADDR_NUMBER_MAX + 1]; /* as written (list lines: trimmed) */
    char e164[CM_E164_BUFSZ];                /* "+..." when number_rc == 0, else "" */
    int number_rc;                           /* 0 or cm_number_normalise()'s error */
    cm_fields fields;
} cm_recipient;

void cm_fields_init(cm_fields *f);

/* Adds name=value after checking both as above (name case-insensitive, stored upper).
 * Returns 0, -EINVAL, -E2BIG (full, or too long) or -EEXIST (name already there). */
int cm_fields_set(cm_fields *f, const char *name, const char *value);

/* Value of the field called name (case-insensitive), or NULL if absent. */
const char *cm_fields_get(const cm_fields *f, const char *name);

/* "local@domain" -> local[local_cap], domain[domain_cap]. Returns 0, -EINVAL or -ENOSPC. */
int cm_address_split(const char *addr, char *local, size_t local_cap, char *domain,
                     size_t domain_cap);

/* Local part -> *mode; for CM_ADDR_SINGLE, *out is the recipient (for multi modes *out is
 * cleared). *mode is set as soon as the mode is recognised, so after "SMS=<bad>" it is
 * CM_ADDR_SINGLE with an error; it is left untouched when the local part names no mode.
 * Returns 0, -EINVAL, -E2BIG or -EEXIST. */
int cm_address_parse_local(const char *local, cm_address_mode *mode, cm_recipient *out);

/* One LISTE.TXT line -> *out. Returns 0, CM_ADDR_SKIP (blank line, *out cleared),
 * CM_ADDR_EMEDIA, -EINVAL, -E2BIG or -EEXIST. */
int cm_address_parse_list_line(const char *line, int require_sms_prefix, cm_recipient *out);

#endif /* CM_ADDRESS_H */
