/* cm_http_text: text output helpers for what the HTTP listeners serve (Prometheus text,
 * JSON, HTML): formatted appends to a cm_wbuf and the escaping each format needs.
 *
 * Every function appends to `w` (which the caller owns and frees with cm_wbuf_free);
 * like every cm_wbuf writer, a failed allocation is remembered in w->err and later
 * appends are ignored. Strings are borrowed; NULL is written as "". Never fails
 * otherwise, never logs. */
#ifndef CM_HTTP_TEXT_H
#define CM_HTTP_TEXT_H

#include "cm_buf.h"

void cm_text_printf(cm_wbuf *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cm_text_str(cm_wbuf *w, const char *s); /* as is */
/* A number as Prometheus and JSON read it: integers without a decimal point, others
 * with up to 15 significant digits; NaN and infinities as Prometheus spells them
 * ("NaN", "+Inf", "-Inf": JSON callers must not pass them). */
void cm_text_num(cm_wbuf *w, double v);
/* Prometheus label value: \ " and newline escaped (no quotes added). */
void cm_text_prom_label(cm_wbuf *w, const char *s);
/* Prometheus HELP text: \ and newline escaped. */
void cm_text_prom_help(cm_wbuf *w, const char *s);
/* JSON string with its quotes; control characters as \u00XX. Bytes >= 0x80 are copied
 * (the caller passes UTF-8). */
void cm_text_json_str(cm_wbuf *w, const char *s);
/* HTML text or attribute value: & < > " ' escaped. */
void cm_text_html(cm_wbuf *w, const char *s);

#endif
