/* si_data: see si_data.h. States: start of a line, inside a line, after a CR, after a
 * line-leading dot, after ".\r". */
#include "si_data.h"

#include <stdlib.h>
#include <string.h>

enum { ST_BOL, ST_MID, ST_CR, ST_DOT, ST_DOT_CR };

void si_data_init(si_data *d, size_t max)
{
    memset(d, 0, sizeof *d);
    d->max = max;
}

static void store(si_data *d, const char *s, size_t n)
{
    if (d->err || n == 0) return;
    if (n > d->max - d->len) {
        d->err = SI_DATA_E_SIZE;
        return;
    }
    if (d->len + n > d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16384;
        while (cap < d->len + n)
            cap *= 2;
        if (cap > d->max) cap = d->max;
        uint8_t *nb = realloc(d->buf, cap);
        if (!nb) {
            d->err = SI_DATA_E_NOMEM;
            return;
        }
        d->buf = nb;
        d->cap = cap;
    }
    memcpy(d->buf + d->len, s, n);
    d->len += n;
}

/* An ordinary byte (neither CR nor LF): stored unless NUL. */
static void plain(si_data *d, uint8_t c)
{
    if (c == '\0') {
        if (!d->err) d->err = SI_DATA_E_NUL;
        return;
    }
    store(d, (const char *)&c, 1);
}

/* One byte; returns SI_DATA_MORE, SI_DATA_END or an error. */
static enum si_data_rc step(si_data *d, uint8_t c)
{
    switch (d->state) {
    case ST_CR:
        if (c != '\n') return SI_DATA_BARE_CR;
        store(d, "\r\n", 2);
        d->state = ST_BOL;
        return SI_DATA_MORE;
    case ST_DOT_CR:
        return c == '\n' ? SI_DATA_END : SI_DATA_BARE_CR;
    case ST_BOL:
    case ST_DOT:
    case ST_MID:
        if (c == '\n') return SI_DATA_BARE_LF;
        if (c == '\r') {
            d->state = d->state == ST_DOT ? ST_DOT_CR : ST_CR;
        } else if (c == '.' && d->state == ST_BOL) {
            d->state = ST_DOT; /* dropped: either the end or a stuffed dot */
        } else {
            plain(d, c);
            d->state = ST_MID;
        }
        return SI_DATA_MORE;
    }
    return SI_DATA_BARE_CR;
}

/* Length of the run of ordinary bytes (no CR, LF or NUL) at in[0..n). */
static size_t plain_run(const uint8_t *in, size_t n)
{
    size_t i = 0;
    while (i < n && in[i] != '\r' && in[i] != '\n' && in[i] != '\0')
        i++;
    return i;
}

enum si_data_rc si_data_feed(si_data *d, const uint8_t *in, size_t n, size_t *used)
{
    for (size_t i = 0; i < n; i++) {
        if (d->state == ST_MID) { /* fast path: copy a run of text at once */
            size_t run = plain_run(in + i, n - i);
            store(d, (const char *)in + i, run);
            if ((i += run) == n) break;
        }
        enum si_data_rc rc = step(d, in[i]);
        if (rc != SI_DATA_MORE) {
            *used = i + 1;
            return rc;
        }
    }
    *used = n;
    return SI_DATA_MORE;
}

uint8_t *si_data_take(si_data *d, size_t *len)
{
    uint8_t *b = d->buf;
    *len = d->len;
    d->buf = NULL;
    d->len = d->cap = 0;
    return b;
}

void si_data_free(si_data *d)
{
    free(d->buf);
    d->buf = NULL;
    d->len = d->cap = 0;
}
