/* si_html: HTML-only mail bodies to plain text, with libxml2's HTML parser
 * (htmlReadMemory with RECOVER|NOERROR|NOWARNING|NONET, and IGNORE_ENC because the
 * input is already UTF-8 whatever its <meta charset> says).
 *
 * Text of head, title, script, style and template elements is dropped; block elements
 * (p, div, li, tr, h1-h6, ...) and <br> become line breaks; td/th are separated by a
 * space; white space runs collapse to one space outside <pre>; entities are decoded
 * and a non-breaking space becomes an ordinary space. The tree is walked iteratively
 * (no recursion depth limit to worry about).
 *
 * si_html_to_text() borrows html[0..len) and returns a new malloc'd UTF-8 string
 * (line ends LF; not yet signature-cut or trimmed: see si_text_normalise), or NULL
 * when out of memory. Unparseable input gives "". Not thread-safe only in the ways
 * libxml2 itself is not (call xmlInitParser() once before using threads). */
#ifndef SI_HTML_H
#define SI_HTML_H

#include <stddef.h>

char *si_html_to_text(const char *html, size_t len);

#endif
