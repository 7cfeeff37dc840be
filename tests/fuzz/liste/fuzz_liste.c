/* libFuzzer target for the recipient list readers (router/rt_liste, rt_table,
 * rt_xlsx, rt_charset): any attachment bytes are read as LISTE.TXT (both modes),
 * LISTE.CSV and LISTE.XLSX without crashing, leaking or reading out of bounds; every
 * recipient handed to the callback has a line number, a text, and, when valid, an
 * E.164 number. */
#include "rt_liste.h"
#include "rt_table.h"
#include "rt_xlsx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(int ok)
{
    if (!ok) abort();
}

static void on_line(unsigned line, const char *text, int rc, const cm_recipient *r, void *arg)
{
    check(line > 0 && text != NULL);
    if (rc == 0 && r->number_rc == 0) check(r->e164[0] == '+' && strlen(r->e164) <= 16);
    ++*(unsigned *)arg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cm_bytes b = {(uint8_t *)data, size};
    rt_table_info info;
    unsigned n = 0;
    if (size > (1u << 20)) return 0;
    rt_liste_each(&b, 1, on_line, &n);
    rt_liste_each(&b, 0, on_line, &n);
    rt_table_each(&b, on_line, &n, &info);
    rt_xlsx_each(&b, on_line, &n, &info);
    return 0;
}
