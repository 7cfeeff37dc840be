/* si_reply: see si_reply.h. */
#include "si_reply.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void si_reply_vset(si_reply *r, int code, const char *enhanced, const char *fmt, va_list ap)
{
    r->code = code;
    snprintf(r->enhanced, sizeof r->enhanced, "%s", enhanced ? enhanced : "");
    vsnprintf(r->text, sizeof r->text, fmt, ap);
    r->submission[0] = '\0';
    for (char *p = r->text; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = ' ';
}

void si_reply_set(si_reply *r, int code, const char *enhanced, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    si_reply_vset(r, code, enhanced, fmt, ap);
    va_end(ap);
}

size_t si_reply_format(const si_reply *r, char out[SI_REPLY_LINE_MAX])
{
    int n;
    if (r->enhanced[0])
        n = snprintf(out, SI_REPLY_LINE_MAX, "%03d %s %s\r\n", r->code, r->enhanced, r->text);
    else
        n = snprintf(out, SI_REPLY_LINE_MAX, "%03d %s\r\n", r->code, r->text);
    return n < 0 ? 0 : (size_t)n >= SI_REPLY_LINE_MAX ? SI_REPLY_LINE_MAX - 1 : (size_t)n;
}

/* Reads 1 to `max` digits; returns the pointer after them or NULL. */
static const char *digits(const char *s, int max)
{
    int n = 0;
    while (isdigit((unsigned char)s[n]) && n < max)
        n++;
    return n ? s + n : NULL;
}

int si_reply_enhanced_ok(int code, const char *s)
{
    if (!s || s[0] - '0' != code / 100 || (s[0] != '2' && s[0] != '4' && s[0] != '5') ||
        s[1] != '.')
        return 0;
    const char *p = digits(s + 2, 3);
    if (!p || *p != '.') return 0;
    p = digits(p + 1, 3);
    return p && *p == '\0';
}
