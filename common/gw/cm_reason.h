/* cm_reason: why a submission or a recipient was not sent, as a stable code that
 * travels between processes ("no_route", "text_too_long:812:750") and is put into
 * words only when a receipt is written, in the receipt's language (SPEC §5).
 *
 * A reason is a code, optionally followed by ':'-separated arguments. Codes are listed
 * in cm_reason.c with their French and English wording ("%1", "%2" stand for the
 * arguments, "%+" for everything after the first argument). cm_reason_render() writes the wording
 * into buf (always NUL-terminated, truncated to cap) and returns buf; a reason whose code is
 * unknown (a text that came from elsewhere, e.g. an SMSC error) is written as it is. Pure, no
 * allocation. */
#ifndef CM_REASON_H
#define CM_REASON_H

#include <stddef.h>

#define CM_REASON_TO_FIELD "to_field"
#define CM_REASON_NO_BODY "no_body"
#define CM_REASON_MULTI_NO_LIST "multi_no_list"
#define CM_REASON_NO_VALID_RECIPIENT "no_valid_recipient"
#define CM_REASON_INVALID_NUMBER "invalid_number"
#define CM_REASON_NUMBER_TOO_LONG "number_too_long"
#define CM_REASON_INVALID_LINE "invalid_line"
#define CM_REASON_MEDIA_NOT_OFFERED "media_not_offered"
#define CM_REASON_DUPLICATE_NUMBER "duplicate_number"
#define CM_REASON_TEXT_TOO_LONG "text_too_long" /* :<length>:<maximum> */
#define CM_REASON_TEXT_UNENCODABLE "text_unencodable"
#define CM_REASON_NO_ROUTE "no_route"
#define CM_REASON_BAD_DATE "bad_date"
#define CM_REASON_BAD_SEND_AT "bad_send_at"
#define CM_REASON_DUPLICATE_OF "duplicate_of" /* :<submission> */
#define CM_REASON_BLACKLISTED "blacklisted"
#define CM_REASON_BAD_LIST "bad_list" /* :<file name>:<what is wrong, may hold ':'> */

/* lang: "fr" (default for anything else) or "en". */
const char *cm_reason_render(const char *reason, const char *lang, char *buf, size_t cap);

#endif
