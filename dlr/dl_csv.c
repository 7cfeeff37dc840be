/* dl_csv: the final receipt's CSV attachment (see dl_csv.h). */
#include "dl_csv.h"

#include "dl_time.h"

#include <stdio.h>
#include <string.h>

static const char *const STATUS[] = {"pending", "delivered", "undelivered",
                                     "expired", "rejected",  "blacklisted"};

/* A phone number as written: digits with an optional leading '+'. */
static int is_number(const char *v)
{
    if (*v == '+') v++;
    if (*v == '\0') return 0;
    return strspn(v, "0123456789") == strlen(v);
}

static void put_cell(dl_sb *b, const char *v)
{
    int quote = strpbrk(v, ";\"\r\n") != NULL;

    if (quote) dl_sb_putc(b, '"');
    if (strchr("=+-@", v[0]) != NULL && v[0] != '\0' && !is_number(v)) dl_sb_putc(b, '\'');
    for (const char *p = v; *p; p++) {
        if (*p == '"') dl_sb_putc(b, '"');
        dl_sb_putc(b, (*p == '\t') ? ' ' : *p);
    }
    if (quote) dl_sb_putc(b, '"');
}

static void put_time(dl_sb *b, uint64_t ms)
{
    struct tm tm;
    int off;

    if (ms == 0) return;
    dl_time_paris(ms, &tm, &off);
    dl_sb_printf(b, "%04d-%02d-%02dT%02d:%02d:%02d+%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off / 60, off % 60);
}

void dl_csv_row(dl_sb *b, const char *lang, const dl_final_rcpt *r)
{
    dl_sb tmp = {0};

    put_cell(b, r->number != NULL ? r->number : "");
    dl_sb_putc(b, ';');
    for (const char *p = r->fields != NULL ? r->fields : ""; *p; p++) {
        if (*p == '\t')
            dl_sb_puts(&tmp, ", ");
        else
            dl_sb_putc(&tmp, *p);
    }
    put_cell(b, tmp.s != NULL ? tmp.s : "");
    dl_sb_free(&tmp);
    dl_sb_printf(b, ";%s;", (unsigned)r->outcome < 6 ? STATUS[r->outcome] : "pending");
    if (r->outcome == DL_OUT_DELIVERED || r->outcome == DL_OUT_UNDELIVERED ||
        r->outcome == DL_OUT_EXPIRED)
        put_time(b, r->at_ms);
    dl_sb_putc(b, ';');
    dl_mail_reason(&tmp, lang, r);
    put_cell(b, tmp.s != NULL ? tmp.s : "");
    dl_sb_free(&tmp);
    dl_sb_printf(b, ";%u\r\n", r->parts);
    if (tmp.err) b->err = tmp.err;
}

void dl_csv_header(dl_sb *b)
{
    dl_sb_puts(b, "\xef\xbb\xbfnumber;fields;status;time;reason;parts\r\n");
}

void dl_csv_final(dl_sb *b, const char *lang, const dl_final_rcpt *r, size_t n)
{
    dl_csv_header(b);
    for (size_t i = 0; i < n; i++)
        dl_csv_row(b, lang, &r[i]);
}
