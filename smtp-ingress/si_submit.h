/* si_submit: the SMTP envelope plus the parsed email -> the SUBMIT wire message.
 *
 * si_submit_new_id() writes 32 random lower-case hex digits (getrandom(2)) into id;
 * returns 0 or a negative errno.
 *
 * si_submit_fill() fills *out from the envelope and the mail. The strings of *out
 * point into env and mail (borrowed: keep both alive while *out is used); only the
 * attachment array is allocated, in *arena (free with cm_arena_free). rcpts are the
 * envelope recipients as received; header_from is the lower-cased From: address.
 * Returns 0 or -ENOMEM.
 *
 * si_submit_encode() is fill + cm_wire_encode_submit into *out (the caller frees it
 * with cm_wbuf_free, also on failure). */
#ifndef SI_SUBMIT_H
#define SI_SUBMIT_H

#include "cm_wire.h"
#include "si_mime.h"

#include <stdint.h>

#define SI_ID_LEN 32

typedef struct {
    char id[SI_ID_LEN + 1];
    uint64_t received_ms;
    const char *client_ip, *helo, *mail_from;
    char **rcpts;
    size_t n_rcpts;
    const char *auth_user; /* account of an SMTP AUTH login, NULL or "" if none */
    uint8_t spf, dkim;     /* enum cm_auth_result */
} si_envelope;

int si_submit_new_id(char id[SI_ID_LEN + 1]);
int si_submit_fill(const si_envelope *env, const si_mail *mail, cm_arena **arena,
                   cm_msg_submit *out);
int si_submit_encode(const si_envelope *env, const si_mail *mail, cm_wbuf *out);

#endif
