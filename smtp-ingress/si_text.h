/* si_text: shaping the decoded body into the SMS text (SPEC.md section 2), and a small
 * growable string used by the MIME and HTML code.
 *
 * si_text_normalise() takes UTF-8 text and returns a new malloc'd string where CRLF
 * and lone CR became LF, NUL bytes are dropped, everything from the first run of five
 * or more '#' onwards is cut (the signature), and trailing white space (ASCII space,
 * tab, LF, VT, FF) is trimmed. NULL only on allocation failure.
 *
 * si_sbuf: append-only buffer, always NUL-terminated once something was appended;
 * the first allocation failure is remembered in ->err (-ENOMEM) and later appends are
 * ignored. The caller owns ->p (free()). */
#ifndef SI_TEXT_H
#define SI_TEXT_H

#include <stddef.h>

typedef struct {
    char *p;
    size_t len, cap;
    int err;
} si_sbuf;

void si_sbuf_add(si_sbuf *b, const char *s, size_t n);
void si_sbuf_addc(si_sbuf *b, char c);
char si_sbuf_last(const si_sbuf *b);   /* '\0' when empty */
void si_sbuf_rtrim_spaces(si_sbuf *b); /* drops trailing ' ' and '\t' */

char *si_text_normalise(const char *s, size_t len);

#endif
