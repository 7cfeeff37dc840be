/* si_submit: see si_submit.h. */
#include "si_submit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

int si_submit_new_id(char id[SI_ID_LEN + 1])
{
    uint8_t raw[SI_ID_LEN / 2];
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0 && errno != EINTR) return -errno;
        if (n > 0) got += (size_t)n;
    }
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(id + 2 * i, 3, "%02x", raw[i]);
    return 0;
}

int si_submit_fill(const si_envelope *env, const si_mail *mail, cm_arena **arena,
                   cm_msg_submit *out)
{
    memset(out, 0, sizeof *out);
    out->id = (char *)env->id;
    out->received_ms = env->received_ms;
    out->client_ip = (char *)env->client_ip;
    out->helo = (char *)env->helo;
    out->mail_from = (char *)env->mail_from;
    out->rcpts.v = env->rcpts;
    out->rcpts.n = env->n_rcpts;
    out->header_from = mail->from;
    out->subject = mail->subject;
    out->message_id = mail->message_id;
    out->auto_submitted = mail->auto_submitted;
    out->category = mail->category;
    out->send_at = mail->send_at;
    out->text = mail->text;
    out->auth_user = (char *)(env->auth_user ? env->auth_user : "");
    out->spf = env->spf;
    out->dkim = env->dkim;
    if (!mail->n_att) return 0;
    out->attachments = cm_arena_alloc(arena, mail->n_att * sizeof *out->attachments);
    if (!out->attachments) return -ENOMEM;
    for (size_t i = 0; i < mail->n_att; i++) {
        out->attachments[i].name = mail->att[i].name;
        out->attachments[i].data.data = mail->att[i].data;
        out->attachments[i].data.len = mail->att[i].len;
    }
    out->attachments_n = mail->n_att;
    return 0;
}

int si_submit_encode(const si_envelope *env, const si_mail *mail, cm_wbuf *out)
{
    cm_arena *arena = NULL;
    cm_msg_submit m;
    int rc = si_submit_fill(env, mail, &arena, &m);
    if (rc == 0) rc = cm_wire_encode_submit(&m, out);
    cm_arena_free(arena);
    return rc;
}
