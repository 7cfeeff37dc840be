/* si_ctx: the one context struct of smsgw-ingress (no other mutable globals).
 * main.c creates and owns it; sessions and the server borrow it. */
#ifndef SI_CTX_H
#define SI_CTX_H

#include "cm_config.h"
#include "si_policy.h"
#include "si_router.h"

#include <stddef.h>
#include <uv.h>

struct si_session;

typedef struct si_ctx {
    uv_loop_t *loop;
    const cm_config *cfg;
    si_policy *policy;
    si_router *router;
    uv_tcp_t listener;
    int listening;
    char *read_buf; /* one read buffer shared by all sessions (reads are processed at once) */
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
    unsigned idle_timeout_ms;
} si_ctx;

#endif
