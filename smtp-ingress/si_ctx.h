/* si_ctx: the one context struct of smsgw-ingress (no other mutable globals).
 * main.c creates and owns it; sessions and the server borrow it. */
#ifndef SI_CTX_H
#define SI_CTX_H

#include "cm_config.h"
#include "si_authcheck.h"
#include "si_metrics.h"
#include "si_mimecheck.h"
#include "si_policy.h"
#include "si_ratelimit.h"
#include "si_router.h"

#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct si_session;

/* The session limits (cm_config ingress keys of the same names; 0 = off where the
 * example config says so). */
typedef struct {
    size_t max_sessions, max_sessions_per_ip;
    unsigned greet_wait_ms, command_timeout_ms, data_timeout_ms;
    unsigned min_data_rate; /* octets/s */
    unsigned soft_error_limit, hard_error_limit, error_delay_ms, junk_command_limit;
    si_mime_limits mime;
} si_limits;

typedef struct si_ctx {
    uv_loop_t *loop;
    const cm_config *cfg;
    si_policy *policy;
    si_router *router;
    uv_tcp_t listener, submission; /* port 25 style, and the submission listener */
    int listening, submission_listening;
    SSL_CTX *ssl_ctx;      /* NULL when STARTTLS is not offered */
    si_authcheck *checker; /* SPF/DKIM; NULL when both are "off" */
    int want_spf, want_dkim;
    unsigned auth_check_timeout_ms;
    si_ratelimit *rates; /* recipients per sender and per account (si_antispam.c) */
    si_metrics metrics;  /* si_metrics.h; handles NULL when metrics are off */
    char *read_buf;      /* one read buffer shared by all sessions (reads are processed at once) */
    struct si_session *sessions; /* all open sessions (doubly linked) */
    size_t n_sessions;
    unsigned long next_sid;
    int draining;                         /* SIGTERM: no new sessions, close idle ones */
    void (*on_drained)(struct si_ctx *c); /* called once draining and no session is left */
    /* settings derived from cfg (defaults applied) */
    const char *hostname;
    size_t max_message_size;
    size_t max_recipients;
    unsigned router_timeout_ms;
    si_limits lim;
} si_ctx;

#endif
