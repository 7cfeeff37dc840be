/* dl_sb: a growing NUL-terminated string for building mails and keys, or a sink with
 * the same appends that only counts bytes or fills a fixed buffer (a big mail is
 * composed twice: counted, then written straight where it is stored).
 *
 * A zeroed dl_sb grows: it owns its buffer, always NUL-terminated; dl_sb_take() hands
 * it to the caller (free()) and resets the builder. dl_sb_counter() makes a sink that
 * stores nothing and only advances ->len. dl_sb_fixed() makes a sink that writes into
 * buf[0..cap) (borrowed, never NUL-terminated, never reallocated); appending past cap
 * sets ->err to -ENOSPC. dl_sb_take() and dl_sb_free() are for growing builders only
 * (dl_sb_free() of a sink only resets it). Failure model: the first failure is
 * remembered in ->err (-ENOMEM, -ENOSPC) and later appends are ignored; check ->err
 * once at the end. Never logs. */
#ifndef DL_SB_H
#define DL_SB_H

#include <stddef.h>

enum dl_sb_sink { DL_SB_GROW = 0, DL_SB_COUNT = 1, DL_SB_FIXED = 2 };

typedef struct {
    char *s;
    size_t len, cap;
    int err;
    enum dl_sb_sink sink;
} dl_sb;

void dl_sb_counter(dl_sb *b);
void dl_sb_fixed(dl_sb *b, char *buf, size_t cap);
void dl_sb_free(dl_sb *b);
void dl_sb_putn(dl_sb *b, const char *p, size_t n);
void dl_sb_puts(dl_sb *b, const char *p);
void dl_sb_putc(dl_sb *b, char c);
void dl_sb_printf(dl_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The owned string (never NULL unless err), length in *len if len != NULL. */
char *dl_sb_take(dl_sb *b, size_t *len);
/* The end of a builder that a step filled with result rc: rc < 0 frees it and returns
 * rc; else its string goes to *out (dl_sb_take) and 0 is returned (-ENOMEM if none). */
int dl_sb_hand_over(dl_sb *b, int rc, char **out, size_t *len);

#endif
