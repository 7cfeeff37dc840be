/* libFuzzer target for the SMTP session state machine of smsgw-ingress: the input is
 * what a client sends after the greeting (commands, DATA, anything), fed to the real
 * si_smtp_session / si_smtp_cmds / si_smtp_data / si_cmd / si_data / MIME code with the
 * socket and router replaced by fuzz_stubs.c.
 *
 * Each input runs twice: in one piece, and cut into random chunks of 1 to 64 bytes (the
 * cuts derived from the input itself, so a crash reproduces). The replies (hashed) and
 * the number of SUBMITs must be the same both ways (how TCP cuts the stream must never
 * matter: that is what SMTP smuggling exploits), every SUBMIT must decode strictly, and
 * there can be no more SUBMITs than DATA commands. A violation aborts. */
#include "cm_log.h"
#include "fuzz_stubs.h"
#include "si_smtp_session.h"

#include <gmime/gmime.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static si_ctx ctx;

static const char CONFIG[] =
    "domain = \"sms.test\";\n"
    "dlr = { from = \"a@sms.test\"; };\n"
    "operators = ( { name = \"o\"; default = true; binds = ( { host = \"h\"; system_id = \"s\"; "
    "} ); } );\n"
    "accounts = ( { name = \"acme\"; senders = [ \"allow:@acme.test\", \"deny:x@acme.test\" ]; } "
    ");\n";

static void check(int ok)
{
    if (!ok) abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char path[] = "/tmp/fuzz-si-conf-XXXXXX", err[512];
    cm_config *cfg;
    si_policy *policy;
    int fd = mkstemp(path);
    check(fd >= 0 && write(fd, CONFIG, sizeof CONFIG - 1) == (ssize_t)sizeof CONFIG - 1);
    close(fd);
    check(cm_config_load(path, &cfg, err, sizeof err) == 0);
    unlink(path);
    check(si_policy_create(cfg, &policy, err, sizeof err) == 0);
    cm_log_init("fuzz_session", CM_LOG_ERROR); /* the session logs every command */
    g_mime_init();
    xmlInitParser();
    ctx.loop = uv_default_loop();
    ctx.cfg = cfg;
    ctx.policy = policy;
    ctx.hostname = "fuzz.test";
    ctx.max_message_size = 65536;
    ctx.max_recipients = 20;
    ctx.router_timeout_ms = 1000;
    ctx.lim = (si_limits){.max_sessions = 10,
                          .max_sessions_per_ip = 10,
                          .command_timeout_ms = 300000,
                          .data_timeout_ms = 600000,
                          .min_data_rate = 500,
                          .soft_error_limit = 5,
                          .hard_error_limit = 20,
                          .error_delay_ms = 1,
                          .junk_command_limit = 30,
                          .mime = {.max_header_size = 8192, .max_depth = 20, .max_parts = 200}};
    return 0;
}

/* What the server's timers and the router would do next: answer the router, end an
 * error delay; until nothing is pending. */
static void settle(si_session *s)
{
    for (int i = 0; i < 100000; i++) {
        if (fz_router_answer()) continue;
        if (!s->delaying) return;
        s->delaying = 0;
        si_session_input(s, NULL, 0);
    }
    abort(); /* a loop that never settles */
}

static void run(const uint8_t *d, size_t n, int chunked, uint64_t *hash, unsigned *subs)
{
    uint32_t seed = 2166136261u;
    for (size_t i = 0; i < n && i < 16; i++)
        seed = (seed ^ d[i]) * 16777619u;
    fz_reset();
    si_session *s = si_session_new(&ctx);
    check(s != NULL);
    snprintf(s->client_ip, sizeof s->client_ip, "192.0.2.1");
    s->greeted = 1;
    si_session_start(s);
    for (size_t off = 0; off < n && s->state != SI_ST_CLOSING;) {
        seed = seed * 1103515245u + 12345u;
        size_t k = chunked ? 1 + (seed >> 16) % 64 : n - off;
        if (k > n - off) k = n - off;
        si_session_input(s, d + off, k);
        settle(s);
        off += k;
    }
    settle(s);
    *hash = fz_out_hash;
    *subs = fz_submits;
    si_session_free(s);
}

static unsigned count_data(const uint8_t *d, size_t n)
{
    unsigned c = 0;
    for (size_t i = 0; i + 4 <= n; i++)
        c += strncasecmp((const char *)d + i, "DATA", 4) == 0;
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    uint64_t h1, h2;
    unsigned s1, s2;
    run(d, n, 0, &h1, &s1);
    run(d, n, 1, &h2, &s2);
    check(h1 == h2 && s1 == s2);
    check(s1 <= count_data(d, n));
    return 0;
}
