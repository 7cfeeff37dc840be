/* rt_recipients: the recipients of one submission (SPEC §1), gathered into
 * s->accepted.recipients (allocated in s->arena): SMS=... envelope addresses, or the
 * rows of the list attachment of a multi@ / multi_sms@ address: LISTE.TXT (rt_liste),
 * else LISTE.CSV (rt_table), else LISTE.XLSX (rt_xlsx). Each invalid
 * address or line becomes a rejected recipient with its reason and line number; a
 * number given twice is kept once (later ones rejected as duplicates).
 *
 * rt_recipients_collect() returns NULL, or the reason that rejects the whole
 * submission as a cm_reason code (to_field, multi_no_list, bad_list:<file>:<why>); *failed is set
 * on ENOMEM. rt_recipients_field_names() returns the field names present, '\t'-separated, in the
 * arena (NULL on ENOMEM). rt_recipients_fields() parses a recipient's "NAME=value\t..." back into
 * fields. */
#ifndef RT_RECIPIENTS_H
#define RT_RECIPIENTS_H

#include "cm_address.h"
#include "rt_submit.h"

const char *rt_recipients_collect(rt_submission *s, const cm_msg_submit *in, int *failed);
void rt_recipients_dedup(rt_submission *s, int *failed);
char *rt_recipients_field_names(rt_submission *s);
void rt_recipients_fields(const char *line, cm_fields *f);
void rt_recipients_reject(struct cm_wire_recipient *r, const char *reason);

#endif
