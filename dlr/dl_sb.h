/* dl_sb: a growing NUL-terminated string for building mails and keys.
 *
 * The builder owns its buffer; dl_sb_take() hands it to the caller (free()) and
 * resets the builder. Failure model: the first allocation failure is remembered in
 * ->err (-ENOMEM) and later appends are ignored; check ->err once at the end.
 * Never logs. */
#ifndef DL_SB_H
#define DL_SB_H

#include <stddef.h>

typedef struct {
    char *s;
    size_t len, cap;
    int err;
} dl_sb;

void dl_sb_free(dl_sb *b);
void dl_sb_putn(dl_sb *b, const char *p, size_t n);
void dl_sb_puts(dl_sb *b, const char *p);
void dl_sb_putc(dl_sb *b, char c);
void dl_sb_printf(dl_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The owned string (never NULL unless err), length in *len if len != NULL. */
char *dl_sb_take(dl_sb *b, size_t *len);

#endif
