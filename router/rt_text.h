/* rt_text: the SMS text of one recipient (SPEC §2, §3, §6).
 *
 * Personalisation: `@NAME@` is
 * replaced by the recipient's field NAME when NAME is one of the four standard names
 * (FACTURATION, REFCLIENT, NOM, PRENOM) or a field present in the submission (`names`,
 * '\t'-separated, may be NULL); a placeholder whose value the recipient lacks becomes
 * empty; any other `@...@` text is left as it is.
 *
 * rt_text_render() returns a malloc'd string (caller frees) or NULL on ENOMEM.
 *
 * rt_text_sms() renders, appends the STOP mention (opts->stop_mention, unless NULL or
 * the text already contains "STOP", case-insensitive) and encodes (cm_sms_encode with
 * opts->flags). It returns 0 with *out (malloc'd, caller frees) and *enc (free with
 * cm_sms_text_free), or -ENOMEM, or the codec's error (-EILSEQ, -E2BIG). */
#ifndef RT_TEXT_H
#define RT_TEXT_H

#include "cm_address.h"

#include "cm_sms.h"

typedef struct {
    const char *names;        /* field names present in the submission, '\t'-separated */
    const char *stop_mention; /* NULL: none */
    unsigned flags;           /* cm_sms_encode() flags */
} rt_text_opts;

char *rt_text_render(const char *text, const cm_fields *fields, const char *names);
int rt_text_sms(const char *text, const cm_fields *fields, const rt_text_opts *opts, char **out,
                cm_sms_text *enc);
/* Appends "NAME=value" pairs separated by '\t' (the ACCEPTED recipient form) to buf. */
void rt_text_fields_line(const cm_fields *fields, char *buf, size_t cap);

#endif
