/* dl_csv: the CSV attached to the final receipt of a multi submission (SPEC 5): one
 * header row, then one row a recipient, in submission order:
 *   number;fields;status;time;reason;parts
 * status is a stable keyword (delivered, undelivered, expired, rejected, blacklisted,
 * pending); time is ISO 8601 in Europe/Paris with its offset
 * (2024-06-01T14:05:10+02:00), empty when unknown; reason is worded in `lang`
 * (dl_mail_reason); fields are "NAME=value" joined by ", ". Separator ';' (what
 * French spreadsheets expect), CRLF line ends, UTF-8 with a BOM so spreadsheets read
 * accents; a value containing ';', '"', CR or LF is quoted with '"' doubled (RFC 4180).
 * A value starting with '=', '+', '-' or '@' gets a leading "'" so a spreadsheet
 * never evaluates it as a formula (CSV injection) — except numbers written "+33...".
 * Appends to b (b->err on allocation failure); pure. */
#ifndef DL_CSV_H
#define DL_CSV_H

#include "dl_mail.h"
#include "dl_sb.h"

#include <stddef.h>

void dl_csv_final(dl_sb *b, const char *lang, const dl_final_rcpt *r, size_t n);
/* The same, a piece at a time (the final receipt streams its rows into base64). */
void dl_csv_header(dl_sb *b);
void dl_csv_row(dl_sb *b, const char *lang, const dl_final_rcpt *r);

#endif
