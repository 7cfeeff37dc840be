/* Stand-ins for the socket and router sides of smsgw-ingress (si_server.c, si_router.c)
 * so that the fuzz targets drive the real session state machine without sockets,
 * timers or ZeroMQ. Replies are hashed into fz_out_hash instead of written; a SUBMIT
 * is decoded strictly (cm_wire) and kept pending until fz_router_answer() replies 250
 * to it, as the router would after its commit. */
#include "fuzz_stubs.h"
#include "cm_wire.h"
#include "si_smtp_session.h"

#include <stdlib.h>
#include <string.h>

uint64_t fz_out_hash;
unsigned fz_submits;
static si_router_req *pending;
static si_router_done_cb pending_done;
static void *pending_arg;

struct si_router_req {
    int unused;
};

static void check(int ok)
{
    if (!ok) abort();
}

void fz_reset(void)
{
    fz_out_hash = 1469598103934665603ull;
    fz_submits = 0;
}

void si_conn_flush(si_session *s)
{
    for (size_t i = 0; i < s->out.len; i++)
        fz_out_hash = (fz_out_hash ^ (uint8_t)s->out.p[i]) * 1099511628211ull;
    free(s->out.p);
    memset(&s->out, 0, sizeof s->out);
}

void si_conn_close(si_session *s)
{
    si_conn_flush(s);
    s->close_started = 1;
}

void si_conn_update_reading(si_session *s) {}
void si_conn_arm(si_session *s) {}
void si_conn_greet(si_session *s) {}

int si_conn_starttls(si_session *s)
{
    return -1; /* the fuzzed ingress offers no TLS */
}

int si_router_submit(si_router *rt, const char *id, const void *payload, size_t len,
                     unsigned timeout_ms, si_router_done_cb done, void *arg, si_router_req **out)
{
    cm_arena *arena = NULL;
    cm_msg_submit m;
    check(pending == NULL); /* one message at a time per session */
    check(cm_wire_decode_submit(payload, len, &arena, &m) == 0);
    check(strcmp(m.id, id) == 0 && m.rcpts.n > 0 && m.text != NULL);
    cm_arena_free(arena);
    static struct si_router_req one;
    pending = &one;
    pending_done = done;
    pending_arg = arg;
    *out = pending;
    fz_submits++;
    return 0;
}

void si_router_cancel(si_router_req *req)
{
    check(req == pending);
    pending = NULL;
}

int fz_router_answer(void)
{
    si_reply r;
    if (!pending) return 0;
    pending = NULL;
    si_reply_set(&r, 250, "2.0.0", "message received as submission 000001");
    pending_done(pending_arg, &r);
    return 1;
}
