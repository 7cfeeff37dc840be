/* cm_http_text: see cm_http_text.h. */
#include "cm_http_text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cm_text_printf(cm_wbuf *w, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        cm_put_raw(w, small, (size_t)n);
        return;
    }
    char big[(size_t)n + 1];
    va_start(ap, fmt);
    vsnprintf(big, sizeof big, fmt, ap);
    va_end(ap);
    cm_put_raw(w, big, (size_t)n);
}

void cm_text_str(cm_wbuf *w, const char *s)
{
    if (s) cm_put_raw(w, s, strlen(s));
}

void cm_text_num(cm_wbuf *w, double v)
{
    if (isnan(v))
        cm_text_str(w, "NaN");
    else if (isinf(v))
        cm_text_str(w, v > 0 ? "+Inf" : "-Inf");
    else if (v == floor(v) && fabs(v) < 9e15)
        cm_text_printf(w, "%.0f", v);
    else
        cm_text_printf(w, "%.15g", v);
}

/* Appends s, replacing each byte listed in `from` by the string at the same index. */
static void escape(cm_wbuf *w, const char *s, const char *from, const char *const *to)
{
    const char *run = s;
    for (; s && *s; s++) {
        const char *hit = strchr(from, *s);
        if (!hit) continue;
        cm_put_raw(w, run, (size_t)(s - run));
        cm_text_str(w, to[hit - from]);
        run = s + 1;
    }
    if (s) cm_put_raw(w, run, (size_t)(s - run));
}

void cm_text_prom_label(cm_wbuf *w, const char *s)
{
    static const char *const to[] = {"\\\\", "\\\"", "\\n"};
    escape(w, s, "\\\"\n", to);
}

void cm_text_prom_help(cm_wbuf *w, const char *s)
{
    static const char *const to[] = {"\\\\", "\\n"};
    escape(w, s, "\\\n", to);
}

void cm_text_json_str(cm_wbuf *w, const char *s)
{
    cm_put_raw(w, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            cm_text_printf(w, "\\%c", *p);
        else if (*p < 0x20)
            cm_text_printf(w, "\\u%04x", *p);
        else
            cm_put_raw(w, p, 1);
    }
    cm_put_raw(w, "\"", 1);
}

void cm_text_html(cm_wbuf *w, const char *s)
{
    static const char *const to[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    escape(w, s, "&<>\"'", to);
}
