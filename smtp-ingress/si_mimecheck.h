/* si_mimecheck: a bounded structural pre-scan of a received email, run before GMime
 * sees it, so that MIME bombs are refused cheaply and never reach a recursive parser.
 *
 * si_mime_check() walks the message line by line (CRLF or LF) like Postfix's
 * mime_state: it reads each header section (the message's, each body part's, each
 * embedded message/rfc822's), finds its Content-Type, pushes a level for every
 * multipart with a boundary and every message/rfc822 or message/global, and pops levels
 * when an enclosing boundary line ("--b" or "--b--") appears. It stops at the first
 * limit broken:
 *   SI_MIMECHK_HEADER  a header section longer than lim->max_header_size octets;
 *   SI_MIMECHK_DEPTH   more than lim->max_depth levels open at once;
 *   SI_MIMECHK_PARTS   more than lim->max_parts header sections (parts) in all.
 * Every multipart or message type seen in a header section counts, even where a
 * parser would later ignore it: the depth found is an upper bound of GMime's.
 *
 * Memory: one array of lim->max_depth boundary references (pointers into data, no
 * copies), allocated per call; -ENOMEM if that fails. Pure otherwise; st (may be
 * NULL) receives what was counted up to the stop. */
#ifndef SI_MIMECHECK_H
#define SI_MIMECHECK_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t max_header_size;
    unsigned max_depth, max_parts;
} si_mime_limits;

typedef struct {
    unsigned depth; /* deepest nesting seen */
    unsigned parts; /* header sections seen */
    size_t header;  /* largest header section, octets */
} si_mime_stats;

enum si_mimechk { SI_MIMECHK_OK, SI_MIMECHK_HEADER, SI_MIMECHK_DEPTH, SI_MIMECHK_PARTS };

/* Returns an enum si_mimechk value, or -ENOMEM. */
int si_mime_check(const uint8_t *data, size_t len, const si_mime_limits *lim, si_mime_stats *st);

#endif
