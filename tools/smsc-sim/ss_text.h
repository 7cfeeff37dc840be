/* ss_text: makes the user data of a submit_sm readable.
 *
 * Contract: pure functions, no allocation, no global state. Outputs are always
 * NUL-terminated and truncated (never overflowing) to the given size; each returns the
 * length written.
 *  - ss_text_udh() parses a User Data Header at the start of `ud` (esm_class bit 0x40):
 *    returns its total length (UDHL + 1) and fills `u`, or -EBADMSG if the header runs
 *    past the data. Concatenation IEs 0x00 (8-bit ref) and 0x08 (16-bit ref) are
 *    understood; other IEs are counted.
 *  - ss_text_decode() turns the message bytes into UTF-8 according to data_coding:
 *    GSM 03.38 default alphabet one septet per octet (unpacked, with the 0x1B extension
 *    table), IA5/ASCII, Latin-1, UCS-2/UTF-16BE (surrogate pairs joined, lone halves
 *    become U+FFFD); binary and unknown codings are shown as "<hex:...>".
 *  - ss_text_quote() escapes UTF-8 text for a one-line log field (\" \\ \n \r \t, other
 *    control characters as \xNN).
 *  - ss_text_token() escapes a field from the wire (address, system_id) so it stays one
 *    log token: bytes outside '!'..'~' and " \ = become \xNN; "" becomes "-".
 *  - ss_text_receipt() keeps at most `max` characters of UTF-8 text for the text: field
 *    of a delivery receipt sent with data_coding 0: only characters that are the same in
 *    ASCII and in the GSM default alphabet (letters, digits, space, !"#%&'()*+,-./:;<=>?)
 *    are kept, others become '?'.
 */
#ifndef SS_TEXT_H
#define SS_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct ss_udh {
    int concat;     /* 1 if a concatenation IE was found */
    unsigned ref;   /* concatenation reference */
    unsigned total; /* number of parts */
    unsigned seq;   /* this part, 1-based */
    unsigned other; /* number of other IEs */
};

int ss_text_udh(const uint8_t *ud, size_t len, struct ss_udh *u);
size_t ss_text_decode(uint8_t data_coding, const uint8_t *in, size_t len, char *out, size_t outsz);
size_t ss_text_quote(const char *in, char *out, size_t outsz);
size_t ss_text_token(const char *in, char *out, size_t outsz);
size_t ss_text_receipt(const char *in, size_t max, char *out, size_t outsz);

#endif
