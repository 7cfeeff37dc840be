/* rt_liste: the recipients of a multi submission, from its LISTE.TXT attachment
 * (SPEC §1): decoded by rt_charset (UTF-8 with or without BOM, UTF-16 with BOM,
 * otherwise Windows-1252); CRLF, LF and blank lines tolerated.
 *
 * rt_liste_find() returns the attachment named LISTE.TXT (case-insensitive) or NULL.
 * rt_liste_each() calls `line_cb` once per non-blank line with its 1-based line
 * number, the line as UTF-8 (borrowed for the call) and the parse result of
 * cm_address_parse_list_line(); it returns 0, -ENOMEM, or -EBADMSG for a file that is
 * not text (rt_charset). */
#ifndef RT_LISTE_H
#define RT_LISTE_H

#include "cm_address.h"
#include "cm_wire.h"

typedef void (*rt_liste_line_cb)(unsigned line, const char *text, int rc, const cm_recipient *r,
                                 void *arg);

const struct cm_wire_attachment *rt_liste_find(const cm_msg_submit *m);
int rt_liste_each(const cm_bytes *data, int require_sms_prefix, rt_liste_line_cb cb, void *arg);

#endif
