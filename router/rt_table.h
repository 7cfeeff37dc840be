/* rt_table: the recipients of a multi submission from a table with a header row
 * (SPEC §1): LISTE.CSV here, and the row-level API that rt_xlsx.h (LISTE.XLSX) feeds.
 * Rows reach the caller through the same callback as LISTE.TXT lines
 * (rt_liste_line_cb), so the router treats the three formats alike.
 *
 * LISTE.CSV (rt_table_each)
 *   - Text: UTF-8 with or without BOM; UTF-16 LE/BE with its BOM (Excel's "Unicode
 *     text"); otherwise any text that is not valid UTF-8 is read as Windows-1252. A NUL
 *     byte in 8-bit text (a binary file renamed .CSV) fails with RT_TABLE_EFORMAT.
 *   - Records: RFC 4180. A field whose first non-blank character is '"' is quoted: it
 *     ends at a '"' not followed by another '"' ("" is one quote) and may hold
 *     separators, CR and LF; text after the closing quote, up to the separator, is kept
 *     as written (Excel's leniency). Quotes inside an unquoted field are kept. Lines
 *     end with CRLF, LF or a lone CR. An unterminated quoted field fails the whole list
 *     with RT_TABLE_EFORMAT. A record is at most RT_TABLE_RECORD_MAX bytes (decoded).
 *   - Separator: taken from the first non-blank record (the header): whichever of ';',
 *     ',' and TAB occurs most often outside quotes (';' on a tie or when none occurs).
 *     A first line "sep=X" (Excel's hint; X one of ; , TAB |) sets it and is
 *     skipped.
 *   - The line number given to the callback is the physical line where the record
 *     starts (1-based, counting every line of the file, header and blank lines
 *     included), so a quoted field spanning lines moves the next record's number on.
 *
 * Header (rt_table_header; the first non-blank record or row)
 *   - Names are trimmed, case-insensitive, and Latin accents are folded for matching
 *     ("Téléphone" is TELEPHONE, "Prénom" is PRENOM).
 *   - The number column is the first column named SMS, NUMERO, NUMBER, TEL, MOBILE or
 *     TELEPHONE. None: RT_TABLE_ENONUMBER for the whole list (before any callback).
 *   - Every other column named [A-Za-z0-9_]{1,CM_FIELD_NAME_MAX} (after folding) is a
 *     field, stored upper-case: NOM, PRENOM, FACTURATION, REFCLIENT, DATE or a custom
 *     name. Ignored and reported in rt_table_info: other names ("Ville natale",
 *     "E-mail"), a second column with a name already taken, "SMS" after another number
 *     column, and fields beyond CM_FIELDS_MAX. Columns with an empty name are ignored
 *     silently. More than RT_TABLE_COLS_MAX columns up to the last named one:
 *     RT_TABLE_ELIMIT.
 *
 * Data rows (rt_table_row) -> one callback each, except rows whose cells are all
 * blank (skipped, like blank lines). Cells past the header's last column are ignored.
 *   - Number cell: trimmed (spaces, tabs, U+00A0, U+202F; the two no-break spaces
 *     inside it become spaces); an "SMS=" prefix (any case) is dropped; "FAX=",
 *     "VOCAL=", "EMAIL=", "COURRIER=" give CM_ADDR_EMEDIA. The rest is
 *     cm_number_normalise()d ("06 01 02 03 04", "06.01.02.03.04", "+33 6 01 02 03 04",
 *     "0033601020304" as there). When that fails, spreadsheet artefacts are repaired:
 *       * scientific notation that needs no padding zeros ("6.01020304E+08",
 *         "6,01020304E8") becomes its digits; a rounded display such as "6.01E+08"
 *         is NOT repaired (it would dial a wrong number) and stays invalid;
 *       * exactly 9 digits starting with 6 or 7 (a French mobile that lost its leading
 *         0: "601020304") are read as "0" + digits (so +33601020304, and 0639/0692...
 *         go overseas as usual);
 *       * 11 to 15 digits not starting with 0 (an international number that lost its
 *         '+': "33601020304", "447911123456") are read as "+" + digits.
 *     raw_number holds the cell as written (after the prefix and trimming); e164 the
 *     result. An empty number cell, a cell with '#', or an invalid number: rc -EINVAL
 *     with number_rc set (as cm_address_parse_list_line()); longer than
 *     CM_ADDR_NUMBER_MAX: -E2BIG.
 *   - Field cells: trimmed (spaces and tabs); CR, LF, CRLF and TAB inside become one
 *     space each; an empty cell sets no field (the recipient lacks that value). Each
 *     other value goes through cm_fields_set(): a value with '#' or another control
 *     character is -EINVAL, longer than CM_FIELD_VALUE_MAX is -E2BIG. Field errors are
 *     reported before number errors (as in LISTE.TXT). In the DATE column, dates as
 *     spreadsheets export them, "DD/MM/YYYY[ HH:MM[:SS]]" (French order) or
 *     "YYYY-MM-DD[ HH:MM[:SS]]" ('T' also), become YYYYMMDDHHMM (seconds dropped,
 *     00:00 without a time); other DATE values are passed as written for the router
 *     to judge.
 *   - text given to the callback: the row as a LISTE.TXT line, "<number cell>#NAME=
 *     value..." (fields in column order, empty ones left out, control characters as
 *     spaces, cut at RT_TABLE_TEXT_MAX bytes on a character boundary with "...").
 *   - More than RT_TABLE_ROWS_MAX non-blank data rows: RT_TABLE_ELIMIT.
 *
 * Ownership
 *   Inputs are borrowed for the call. The callback's text and recipient are borrowed
 *   for the duration of the callback. rt_table_create() returns an owned table freed
 *   with rt_table_free() (NULL is fine). info (may be NULL) is the caller's and is
 *   cleared then filled; on failure info->detail says what and where, in English.
 *
 * Failure
 *   rt_table_each() and rt_xlsx_each() return 0 or a negative code for the WHOLE list:
 *   RT_TABLE_ENOHEADER, RT_TABLE_ENONUMBER, RT_TABLE_EFORMAT, RT_TABLE_ELIMIT or
 *   -ENOMEM. Rows already given to the callback before a failure must be discarded by
 *   the caller: the list is rejected as a whole (rt_table_strerror() gives a reason).
 *   A bad row is never a list failure: it reaches the callback with its rc. Pure: no
 *   logging, no global state; thread-safe.
 */
#ifndef RT_TABLE_H
#define RT_TABLE_H

#include <errno.h>
#include <stddef.h>

#include "rt_liste.h"

#define RT_TABLE_COLS_MAX 64
#define RT_TABLE_ROWS_MAX 1000000
#define RT_TABLE_RECORD_MAX 65536 /* bytes of one decoded CSV record */
#define RT_TABLE_TEXT_MAX 2048    /* bytes of the callback's text, NUL excluded */

#define RT_TABLE_ENOHEADER (-ENODATA) /* no non-blank row at all */
#define RT_TABLE_ENONUMBER (-ENOENT)  /* the header names no number column */
#define RT_TABLE_EFORMAT (-EBADMSG)   /* malformed file (CSV quoting, zip, XML, ...) */
#define RT_TABLE_ELIMIT (-EFBIG)      /* a size limit (rows, columns, record, zip entry) */

typedef struct rt_table_info {
    unsigned header_line;   /* line (CSV) or row (XLSX) of the header, 0 if none */
    char separator;         /* CSV: ';', ',' or '\t'; XLSX: 0 */
    char number_column[64]; /* its header as written (cut to fit) */
    unsigned fields_n;      /* columns read as fields */
    unsigned ignored_n;     /* named columns ignored */
    char ignored[512];      /* their names as written, ", "-separated, cut with "..." */
    unsigned rows;          /* data rows given to the callback */
    char detail[192];       /* on failure: what and where */
} rt_table_info;

typedef struct rt_table rt_table;

/* LISTE.CSV (attachment name matched case-insensitively) in m, or NULL. */
const struct cm_wire_attachment *rt_table_find(const cm_msg_submit *m);

/* Every data row of the CSV file in data -> cb. See above. */
int rt_table_each(const cm_bytes *data, rt_liste_line_cb cb, void *arg, rt_table_info *info);

/* Reason for a list failure, English, static: "LISTE: no number column (SMS, ...)". */
const char *rt_table_strerror(int rc);

/* Row-level API (used by rt_xlsx). cells[0..n) are NUL-terminated UTF-8 strings,
 * borrowed; a missing cell is "". info may be NULL; it must be the same for a table.
 * rt_table_header() returns 0, RT_TABLE_ENONUMBER or RT_TABLE_ELIMIT (call it with
 * the first non-blank row; rt_table_blank() tells). rt_table_row() returns 0 (row given
 * to cb, or blank and skipped) or RT_TABLE_ELIMIT. */
rt_table *rt_table_create(rt_table_info *info);
void rt_table_free(rt_table *t);
int rt_table_blank(const char *const *cells, size_t n);
int rt_table_header(rt_table *t, unsigned line, const char *const *cells, size_t n);
int rt_table_row(rt_table *t, unsigned line, const char *const *cells, size_t n,
                 rt_liste_line_cb cb, void *arg);
/* Column index of the field called name (case-insensitive) after the header, or -1. */
int rt_table_field_column(const rt_table *t, const char *name);

/* A number as a spreadsheet stores it ("6.01020304E8", "-1.5e-3", "12,50") -> plain
 * decimal text without exponent, exact (string arithmetic, no floating point):
 * "601020304", "-0.0015", "12.5". Grammar: [+-]digits[(.|,)digits][(e|E)[+-]digits],
 * at least one mantissa digit, at most 40 significant digits, |exponent| <= 40.
 * Returns the number of zeros the exponent had to pad beyond the mantissa's digits
 * (0 when every digit was written), -EINVAL (not such a number) or -ENOSPC. */
int rt_table_plain_number(const char *in, char *out, size_t cap);

#endif
