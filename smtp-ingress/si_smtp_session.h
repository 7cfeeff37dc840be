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
#include "si_mime.h"
#include "si_reply.h"
#include "si_router.h"
#include "si_submit.h"
#include "si_text.h"
#include "si_tls.h"

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
    SI_ST_AUTH,      /* AUTH: the next line is the client's base64 response */
    SI_ST_AUTH_WAIT, /* the password is being checked (thread pool); input paused */
    SI_ST_CHECKING,  /* SPF/DKIM of a received message (thread pool); input paused */
    SI_ST_CLOSING,
};

struct si_auth_job;
struct si_check_job;

/* What the session's one timer currently measures (si_server.c). */
enum si_timer {
    SI_T_NONE,
    SI_T_GREET,
    SI_T_COMMAND,
    SI_T_DATA,
    SI_T_DELAY,
    SI_T_CHECK,
    SI_T_CLOSE
};

typedef struct si_session {
    si_ctx *ctx;
    unsigned long sid;
    enum si_state state;
    uv_tcp_t tcp;
    uv_timer_t idle; /* the deadline of enum si_timer `timer` */
    enum si_timer timer;
    uv_shutdown_t shutdown;
    int open_handles;    /* the session is freed when both handles are closed */
    int close_started;   /* si_conn_close() was called */
    int handles_closing; /* uv_close() was called */
    int reading;
    int greeted;  /* the 220 was sent: input is read from then on */
    int delaying; /* over the soft error limit: replies held, input paused */
    /* limits: errors and junk commands so far, commands seen (a command deadline
     * restarts only when a command was completed), DATA deadline in loop ms */
    unsigned errors, junk;
    unsigned long n_cmds, n_cmds_armed;
    uint64_t data_start, data_deadline;
    /* input kept between reads */
    uint8_t *in;
    size_t in_len, in_cap;
    int skip_line, skip_cr; /* discarding the rest of an over-long command line */
    si_sbuf out;            /* replies not written yet */
    /* TLS and AUTH (si_smtp_auth.c) */
    int submission;    /* accepted on the submission listener: AUTH required to send */
    si_tls *tls;       /* set by STARTTLS; all I/O goes through it from then on */
    int discard_input; /* STARTTLS: drop what was pipelined after it (CVE-2011-0411) */
    int tls_logged;
    char *auth_account; /* account of the authenticated login, NULL if none */
    char *auth_user;
    int auth_login;      /* AUTH LOGIN (else PLAIN) in SI_ST_AUTH */
    char auth_name[256]; /* AUTH LOGIN user name between its two steps */
    struct si_auth_job *auth_job;
    /* connection and transaction */
    char client_ip[64];
    char helo[256];
    int esmtp;
    char *mail_from;
    char *account; /* the transaction's account (sender rules or login), NULL before MAIL */
    char **rcpts;
    size_t n_rcpts;
    si_data data;
    si_router_req *req;
    struct si_check_job *check_job; /* SPF/DKIM running for check_mail */
    si_mail check_mail;
    char id[SI_ID_LEN + 1]; /* the transaction's submit id, from MAIL on ("" outside) */
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
/* STARTTLS and AUTH (si_smtp_auth.c); si_auth_line() takes a line in SI_ST_AUTH;
 * si_auth_detach() is called when a session is freed with a check running. */
void si_cmd_starttls(si_session *s, const si_cmd *c);
void si_cmd_auth(si_session *s, const si_cmd *c);
void si_auth_line(si_session *s, const char *line, size_t len);
void si_auth_detach(si_session *s);
int si_session_waiting(const si_session *s); /* WAIT_ROUTER or AUTH_WAIT */
void si_smtp_data_end(si_session *s);
/* Sends the parsed mail (taken: freed here) to the router with these verdicts; the
 * session then waits for the router (or is back in GREETED after a refusal). */
void si_smtp_submit(si_session *s, si_mail *mail, uint8_t spf, uint8_t dkim);
/* SPF/DKIM (si_smtp_check.c): si_check_start() takes data and *mail and returns 1
 * when checks run (the session waits in CHECKING), 0 when none is wanted (nothing
 * taken). si_check_timeout() gives up waiting (temperror); si_check_detach() is for a
 * session freed meanwhile. */
int si_check_start(si_session *s, uint8_t *data, size_t len, si_mail *mail);
/* Rate limits and daily quotas (si_antispam.c): 0 when n more recipients of this
 * transaction fit (and they are counted), else -1 with 452 4.7.1 sent and logged. */
int si_antispam_count(si_session *s, unsigned n);
/* Recipients a LISTE attachment adds beyond its one multi@ RCPT (0 if none). */
unsigned si_antispam_list_extra(const si_session *s, const si_mail *mail);
void si_check_timeout(si_session *s);
void si_check_detach(si_session *s);

/* Connection I/O (si_server.c). */
void si_conn_flush(si_session *s);
void si_conn_close(si_session *s);
void si_conn_update_reading(si_session *s);
/* Arms the session's timer for its state: command deadline (restarted only after a
 * complete command), DATA deadline, error delay; none while the router is asked. */
void si_conn_arm(si_session *s);
/* STARTTLS: writes the queued plaintext reply, then routes all I/O through TLS. */
int si_conn_starttls(si_session *s);
/* Sends the greeting, or refuses a client that talked before it (pregreet). */
void si_conn_greet(si_session *s);

#endif
