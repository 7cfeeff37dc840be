/* si_data: the DATA phase scanner, a pure byte-driven state machine (no sockets).
 *
 * It is fed the bytes that follow "354" in chunks of any size and:
 *   - ends the message only at <CRLF>.<CRLF> (the first line counts as following a
 *     CRLF, so ".\r\n" right after DATA is an empty message);
 *   - removes the leading dot of dot-stuffed lines (RFC 5321 4.5.2);
 *   - returns SI_DATA_BARE_LF / SI_DATA_BARE_CR at the first LF not preceded by CR or
 *     CR not followed by LF: the SMTP smuggling sequences ("\n.\n", "\r.\r",
 *     "\n.\r\n", "\r\n.\n", "\r.\r\n") therefore never end a message; the caller
 *     refuses the message and drops the connection (the rest of the stream cannot be
 *     trusted to be in step);
 *   - records (sticky, in d->err) a NUL byte (SI_DATA_E_NUL), a message larger than
 *     d->max bytes (SI_DATA_E_SIZE) or an allocation failure (SI_DATA_E_NOMEM), stops
 *     storing from then on (memory stays bounded by d->max) and keeps scanning for the
 *     end so that the reply comes at the right moment.
 * The stored message keeps its CRLF line ends, without the final ".\r\n".
 *
 * Ownership: d->buf belongs to the scanner until si_data_free(); si_data_take() hands
 * it to the caller (free() it). */
#ifndef SI_DATA_H
#define SI_DATA_H

#include <stddef.h>
#include <stdint.h>

enum si_data_rc { SI_DATA_MORE, SI_DATA_END, SI_DATA_BARE_LF, SI_DATA_BARE_CR };
enum si_data_err { SI_DATA_E_NONE, SI_DATA_E_NUL, SI_DATA_E_SIZE, SI_DATA_E_NOMEM };

typedef struct {
    int state;
    enum si_data_err err;
    size_t max; /* maximum message size in bytes (after unstuffing) */
    uint8_t *buf;
    size_t len, cap;
} si_data;

void si_data_init(si_data *d, size_t max);
/* Consumes in[0..n): *used is how many bytes belong to the message (all of them unless
 * SI_DATA_END, where the bytes after the final CRLF are the client's next commands). */
enum si_data_rc si_data_feed(si_data *d, const uint8_t *in, size_t n, size_t *used);
uint8_t *si_data_take(si_data *d, size_t *len);
void si_data_free(si_data *d);

#endif
