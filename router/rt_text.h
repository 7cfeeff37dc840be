/* rt_text: personalisation of a text for one recipient (SPEC §2): `@NAME@` is
 * replaced by the recipient's field NAME when NAME is one of the four standard names
 * (FACTURATION, REFCLIENT, NOM, PRENOM) or a field present in the submission (`names`,
 * '\t'-separated, may be NULL); a placeholder whose value the recipient lacks becomes
 * empty; any other `@...@` text is left as it is.
 *
 * rt_text_render() returns a malloc'd string (caller frees) or NULL on ENOMEM. */
#ifndef RT_TEXT_H
#define RT_TEXT_H

#include "cm_address.h"

char *rt_text_render(const char *text, const cm_fields *fields, const char *names);
/* Appends "NAME=value" pairs separated by '\t' (the ACCEPTED recipient form) to buf. */
void rt_text_fields_line(const cm_fields *fields, char *buf, size_t cap);

#endif
