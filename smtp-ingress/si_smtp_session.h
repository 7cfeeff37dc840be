/* si_smtp_session: one SMTP connection's protocol state machine.
 *
 * States (enum si_state): CONNECTED (greeting sent) -> GREETED (HELO/EHLO) -> MAIL ->
 * RCPT -> DATA -> WAIT_ROUTER (the email was handed to the router; input is paused
 * until its answer or the time-out) -> GREETED again; CLOSING from anywhere.
 * si_session_enter() is the only place that changes state (and logs it at debug).
 *
 * Input: si_session_input() takes the bytes of one read (pipelining: any number of
 * commands, or a command and the start of the message, may arrive at once) and keeps
 * what it cannot use yet (a partial line, or commands pipelined after the end of DATA
 * while the router is asked). Output: replies are queued with si_session_reply() and
 * written with si_conn_flush() (si_server.c) once per input batch.
 *
 * Life cycle: si_server.c allocates a session on accept (si_session_new) and frees it
 * (si_session_free) when its handles are closed; si_session_free() rolls back what the
 * session had open: it cancels a pending router request, frees the message buffer and
 * the envelope. The session stays valid until then even after si_conn_close(). */
#ifndef SI_SMTP_SESSION_H
#define SI_SMTP_SESSION_H

#include "si_cmd.h"
#include "si_ctx.h"
#include "si_data.h"
#include "si_reply.h"
#include "si_router.h"
#include "si_text.h"

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

enum si_state {
    SI_ST_CONNECTED,
    SI_ST_GREETED,
    SI_ST_MAIL,
    SI_ST_RCPT,
    SI_ST_DATA,
    SI_ST_WAIT_ROUTER,
    SI_ST_CLOSING,
};

typedef struct si_session {
    si_ctx *ctx;
    unsigned long sid;
    enum si_state state;
    uv_tcp_t tcp;
    uv_timer_t idle; /* idle time-out; after si_conn_close, the limit on closing */
    uv_shutdown_t shutdown;
    int open_handles;    /* the session is freed when both handles are closed */
    int close_started;   /* si_conn_close() was called */
    int handles_closing; /* uv_close() was called */
    int reading;
    /* input kept between reads */
    uint8_t *in;
    size_t in_len, in_cap;
    int skip_line, skip_cr; /* discarding the rest of an over-long command line */
    si_sbuf out;            /* replies not written yet */
    /* connection and transaction */
    char client_ip[64];
    char helo[256];
    int esmtp;
    char *mail_from;
    char **rcpts;
    size_t n_rcpts;
    si_data data;
    si_router_req *req;
    char id[40];
    struct si_session *prev, *next;
} si_session;

const char *si_state_name(enum si_state st);
void si_session_enter(si_session *s, enum si_state st);
si_session *si_session_new(si_ctx *ctx);
void si_session_free(si_session *s);
void si_session_start(si_session *s); /* sends the greeting */
void si_session_input(si_session *s, const uint8_t *p, size_t n);
void si_session_reply(si_session *s, int code, const char *enhanced, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void si_session_send_reply(si_session *s, const si_reply *r);
void si_session_reset(si_session *s); /* forgets the transaction (RSET) */
/* Replies then closes once the reply is written (421 on shutdown and time-outs). */
void si_session_abort(si_session *s, int code, const char *enhanced, const char *text);

/* Command handlers (si_smtp_cmds.c) and the end of DATA (si_smtp_data.c). */
void si_cmds_dispatch(si_session *s, const si_cmd *cmd);
void si_smtp_data_end(si_session *s);

/* Connection I/O (si_server.c). */
void si_conn_flush(si_session *s);
void si_conn_close(si_session *s);
void si_conn_update_reading(si_session *s);
void si_conn_idle_restart(si_session *s);

#endif
