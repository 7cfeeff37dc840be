/* rt_xlsx: the recipients of a multi submission from its LISTE.XLSX attachment (SPEC §1):
 * the first worksheet of an Office Open XML workbook, read as a table with a header
 * row by rt_table (same column names, number repairs, fields, text, callback and error
 * codes: see rt_table.h).
 *
 * What it reads
 *   - The zip archive is opened in memory (libzip). xl/_rels/workbook.xml.rels and
 *     xl/workbook.xml name the sheets; the first <sheet> in workbook order whose
 *     relationship is a worksheet is read (hidden or not). The shared strings part is
 *     the one the workbook's relationships name (else xl/sharedStrings.xml), optional.
 *     Part names are matched case-insensitively.
 *   - Cells: shared strings (t="s"; rich-text runs concatenated, phonetic runs left
 *     out), inline strings (t="inlineStr"), formula strings (t="str"), booleans (TRUE /
 *     FALSE), errors and ISO dates (t="e", t="d") as written, and numbers. A number is
 *     rendered exactly, without exponent and without floating point (6.01020304E8 is
 *     "601020304", 33601020304 is "33601020304"), then the number column applies
 *     rt_table's repairs (601020304 -> +33601020304, 33601020304 -> +33601020304).
 *     In the column named DATE, a number from 1 to 2958465 is an Excel date serial
 *     (1900 system with its phantom 29 Feb 1900, or 1904 when the workbook says so) and
 *     becomes YYYYMMDDHHMM (rounded to the minute). OOXML escapes _xHHHH_ are decoded.
 *   - The callback's line number is the row number Excel shows (<row r>; rows
 *     without r count on from the previous one). Missing rows are simply absent;
 *     empty rows are skipped. Cells past column RT_TABLE_COLS_MAX are ignored in data
 *     rows; in the header row a non-empty one is RT_TABLE_ELIMIT.
 *
 * Hostile input (every case is a list failure with info->detail, never a crash)
 *   - Not a zip, a legacy or password-protected .xls/.xlsx (OLE2 file), an encrypted
 *     or corrupt entry (CRC), inconsistent zip directories: RT_TABLE_EFORMAT.
 *   - Zip bombs: an entry read is at most RT_XLSX_ENTRY_MAX bytes uncompressed
 *     (RT_XLSX_PART_MAX for the workbook and its relationships), checked on the
 *     declared size and again on the bytes actually inflated, and an entry over 1 MiB
 *     may not expand more than RT_XLSX_RATIO_MAX times: RT_TABLE_ELIMIT.
 *   - XML: parsed by libxml2's streaming reader without network access, without DTD
 *     loading and without entity substitution; a part with a DOCTYPE is refused, so
 *     no external or expanding entity is ever read. Malformed XML, a shared string
 *     index out of range, more than RT_XLSX_STRINGS_MAX shared strings:
 *     RT_TABLE_EFORMAT / RT_TABLE_ELIMIT.
 *   - Rows and columns are bounded as in rt_table.h.
 *
 * Ownership: data is borrowed for the call (never copied whole, never written);
 * callback arguments are borrowed for the callback; info (may be NULL) is the caller's.
 * Failure: 0 or a negative code for the whole list, as rt_table_each(); rows already
 * given to the callback must then be discarded. No logging: libxml2's error output is
 * captured into info->detail. Uses libxml2's global parser state: a multi-threaded
 * process calls xmlInitParser() once before its threads start. */
#ifndef RT_XLSX_H
#define RT_XLSX_H

#include "rt_table.h"

#define RT_XLSX_ENTRY_MAX (64u << 20) /* bytes, uncompressed, worksheet or shared strings */
#define RT_XLSX_PART_MAX (4u << 20)   /* bytes, uncompressed, workbook and relationships */
#define RT_XLSX_RATIO_MAX 200         /* uncompressed / compressed, above 1 MiB */
#define RT_XLSX_STRINGS_MAX 4000000   /* shared strings */

/* LISTE.XLSX (attachment name matched case-insensitively) in m, or NULL. */
const struct cm_wire_attachment *rt_xlsx_find(const cm_msg_submit *m);

/* Every data row of the workbook's first worksheet -> cb. See above and rt_table.h. */
int rt_xlsx_each(const cm_bytes *data, rt_liste_line_cb cb, void *arg, rt_table_info *info);

#endif
