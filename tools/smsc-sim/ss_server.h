/* ss_server: the simulator's context: listener, live sessions, message ids, receipts.
 *
 * Contract: one struct per process, owned by main (lives until uv_run returns).
 * ss_server_start() binds and listens on opts->listen_host:listen_port (borrowing opts
 * and log for the server's life) and writes the actual port to *port; returns a negative
 * libuv/errno code on failure, with nothing left open but the handles it closes itself.
 * ss_server_stop() closes the listener, every session and the receipt queues (receipts
 * due, and receipts to send again: refused by the ESME or unanswered); the loop
 * then ends by itself. With opts->stats_ms, a "STATS submits=N receipts=N sessions=N" line
 * (counts since the start) is logged every stats_ms. Sessions link/unlink themselves
 * (ss_session.c); the server only walks the list. ss_server_receiver() returns a borrowed session
 * bound as receiver or transceiver with that system_id (the one with id `prefer` if it qualifies),
 * or NULL.
 */
#ifndef SS_SERVER_H
#define SS_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "ss_dlr.h"
#include "ss_log.h"
#include "ss_opts.h"

struct ss_session;

struct ss_server {
    uv_loop_t *loop;
    const struct ss_opts *opts;
    struct ss_log *log;
    uv_tcp_t listener;
    struct ss_session *sessions; /* doubly linked, newest first */
    uint64_t next_session_id;
    uint32_t next_message_id;
    struct ss_dlr_queue dlrs;
    struct ss_dlr_queue retries; /* receipts refused by the ESME or left unanswered */
    uint64_t n_submits, n_receipts, n_sessions;
    uv_timer_t stats_timer; /* --stats-ms: STATS lines */
    uv_idle_t flush_idle;   /* runs while a session has output to flush */
    bool stopping;
};

int ss_server_start(struct ss_server *srv, uv_loop_t *loop, const struct ss_opts *opts,
                    struct ss_log *log, int *port);
void ss_server_stop(struct ss_server *srv);

/* Writes a fresh id, 8 upper-case hex digits ("1A2B3C4D"), into out. */
void ss_server_message_id(struct ss_server *srv, char out[16]);
bool ss_server_dest_fails(const struct ss_server *srv, const char *dst);
struct ss_session *ss_server_receiver(struct ss_server *srv, const char *system_id,
                                      uint64_t prefer);
/* A session has output: flush every session before the loop sleeps. */
void ss_server_wants_flush(struct ss_server *srv);
/* A session just bound as receiver or transceiver: offer it the held receipts. */
void ss_server_receiver_bound(struct ss_server *srv, const char *system_id);

#endif
