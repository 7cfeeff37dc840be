/* si_reply: one SMTP reply (code, enhanced status code, text) as the ingress builds it.
 *
 * si_reply_set() formats the text (printf-style) and truncates it to SI_REPLY_TEXT_MAX
 * bytes; control characters in the text (a client's address echoed back, a router's
 * text) become spaces, so a reply is always exactly one line; it clears `submission`,
 * which only a router's answer sets (the submission number it committed, si_router.h).
 * si_reply_format() writes
 * "<code> <enhanced> <text>\r\n" (or "<code> <text>\r\n" when enhanced is "") into out
 * and returns its length. code 0 means "no reply / go on" for the checks that return
 * a si_reply. Pure; no allocation. */
#ifndef SI_REPLY_H
#define SI_REPLY_H

#include <stdarg.h>
#include <stddef.h>

#define SI_REPLY_TEXT_MAX 400
#define SI_REPLY_LINE_MAX (SI_REPLY_TEXT_MAX + 32)

typedef struct {
    int code;
    char enhanced[16];
    char text[SI_REPLY_TEXT_MAX + 1];
    char submission[32]; /* the router's submission number, "" if none */
} si_reply;

void si_reply_set(si_reply *r, int code, const char *enhanced, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void si_reply_vset(si_reply *r, int code, const char *enhanced, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
size_t si_reply_format(const si_reply *r, char out[SI_REPLY_LINE_MAX]);
/* 1 if s is an RFC 3463 "class.subject.detail" whose class matches code/100. */
int si_reply_enhanced_ok(int code, const char *s);

#endif
