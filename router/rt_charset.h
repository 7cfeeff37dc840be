/* rt_charset: a customer's text attachment (LISTE.TXT, LISTE.CSV) as UTF-8. Read as
 * UTF-16 when it starts with a byte-order mark, else as UTF-8 (a UTF-8 BOM is
 * dropped) when it is valid UTF-8, else as Windows-1252 (SPEC §1). Unpaired
 * surrogates and undefined Windows-1252 bytes become U+FFFD.
 *
 * rt_charset_utf8() returns 0 with a NUL-terminated, malloc'd string in *out (the
 * caller frees it) and its length in *out_len; -EBADMSG when the 8-bit text holds a
 * NUL byte (not a text file); -ENOMEM. */
#ifndef RT_CHARSET_H
#define RT_CHARSET_H

#include "cm_buf.h"

int rt_charset_utf8(const cm_bytes *data, char **out, size_t *out_len);

#endif
