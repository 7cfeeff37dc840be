/*
 * cm_number: phone numbers as customers write them -> E.164 (SPEC.md section 1).
 *
 * What it does
 *   cm_number_normalise() turns one number as written in an address or a LISTE.TXT line
 *   into E.164 with a leading '+'. Accepted input (after removing separators):
 *     - French national, 10 digits: 01-05, 06, 07, 09 followed by 8 digits -> +33 + 9
 *       digits (0601020304 -> +33601020304). 08 (special services) and 00... as a national
 *       number are invalid.
 *     - French overseas ranges dialled nationally go to their own country code, keeping
 *       the 9 national digits (0692123456 -> +262692123456):
 *         0639 (mobile), 0269 (fixed)             Mayotte    -> +262
 *         0692, 0693 (mobile), 0262, 0263 (fixed) Reunion    -> +262
 *         0690, 0691 (mobile), 0590 (fixed)       Guadeloupe -> +590
 *         0694 (mobile), 0594 (fixed)             Guyane     -> +594
 *         0696, 0697 (mobile), 0596 (fixed)       Martinique -> +596
 *       The same ranges written +33xxx / 0033xxx are mapped the same way (+33692... is a
 *       common mistake for +262692...).
 *     - +33 / 0033 followed by exactly 9 digits, the first one 1-7 or 9.
 *     - International +CC... / 00CC...: the country code does not start with 0, 8 to 15
 *       digits in total after the '+'.
 *   Separators '.', '-' and ' ' are tolerated between two digits (one or several), always
 *   (SPEC says "inside list lines"; in an envelope address they are harmless). A separator
 *   before the first digit, after the last digit, or next to the '+' is invalid, as is
 *   any other character (letters, tabs, '(', '/', a second '+', ...).
 *
 *   cm_number_smpp_digits() gives the digits of an E.164 number without the '+', as
 *   sent in SMPP destination_addr with TON 1 (international) / NPI 1 (E.164):
 *   "+33601020304" -> "33601020304".
 *
 *   cm_number_timezone() names the IANA time zone of an E.164 number for quiet hours:
 *   +33 Europe/Paris; +262 Indian/Reunion except +262269 and +262639 Indian/Mayotte;
 *   +590 America/Guadeloupe; +594 America/Cayenne; +596 America/Martinique; else NULL.
 *
 * Ownership
 *   All input strings are borrowed and only read during the call. Output buffers are
 *   the caller's; on success they hold a NUL-terminated string. cm_number_timezone()
 *   returns a pointer to a static, read-only string (never free it) or NULL.
 *
 * Failure
 *   Functions return 0 on success, or a negative errno:
 *     -EINVAL  NULL argument or not a valid number (the output buffer is set to "" when
 *              cap > 0);
 *     -ENOSPC  the output buffer is too small (CM_E164_BUFSZ always suffices).
 *   Pure: no logging, no global state, no allocation; thread-safe.
 */
#ifndef CM_NUMBER_H
#define CM_NUMBER_H

#include <stddef.h>

/* Longest E.164 number: '+' and 15 digits. */
#define CM_E164_MAX 16
/* Buffer size that always holds an E.164 number or its SMPP digits, with the NUL. */
#define CM_E164_BUFSZ (CM_E164_MAX + 1)

/* in -> "+<digits>" in e164[cap]. Returns 0, -EINVAL or -ENOSPC. */
int cm_number_normalise(const char *in, char *e164, size_t cap);

/* "+<8..15 digits>" -> "<digits>" in digits[cap] (SMPP TON 1 / NPI 1).
 * Returns 0, -EINVAL (e164 is not '+' followed by 8 to 15 digits) or -ENOSPC. */
int cm_number_smpp_digits(const char *e164, char *digits, size_t cap);

/* IANA time zone name for a normalised E.164 number, or NULL when unknown. */
const char *cm_number_timezone(const char *e164);

#endif /* CM_NUMBER_H */
