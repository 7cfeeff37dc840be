/* smsgw-ingress: the SMTP ingress process (SPEC.md sections 1, 2, 4; docs/architecture.md).
 *
 * Stores owned: none (stateless: an email is answered 250 only once the router has
 *   committed it; until then the customer's MTA keeps it).
 * Binds: ingress.listen (SMTP).
 * Connects: router.listen_ingress (cm_link DEALER, SUBMIT items, key "sub:<id>").
 * Never touches: any LMDB store, the SMSCs, the smarthost.
 *
 * Usage: smsgw-ingress [-c CONFIG]. SIGTERM/SIGINT: stop accepting, answer what is in
 * flight, exit 0. SIGHUP: reload the accounts' sender rules and the domain. */
#include "cm_config.h"
#include "cm_log.h"
#include "si_ctx.h"
#include "si_policy.h"
#include "si_router.h"
#include "si_server.h"

#include <errno.h>
#include <gmime/gmime.h>
#include <libxml/parser.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#define SI_IDLE_TIMEOUT_MS 300000 /* RFC 5321 4.5.3.2: at least 5 minutes */

typedef struct {
    si_ctx si;
    void *zctx;
    uv_signal_t sigterm, sigint, sighup;
    char hostname[256];
    const char *config_path;
    cm_config *rules_cfg; /* the config the policy borrows after a SIGHUP reload */
} ingress;

static enum cm_log_level parse_level(const char *s)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; i < 4; i++)
        if (s && strcmp(s, names[i]) == 0) return (enum cm_log_level)i;
    return CM_LOG_INFO;
}

static void on_drained(si_ctx *c)
{
    ingress *g = (ingress *)c;
    cm_info("drained, exiting");
    si_router_free(c->router);
    c->router = NULL;
    uv_close((uv_handle_t *)&g->sigterm, NULL);
    uv_close((uv_handle_t *)&g->sigint, NULL);
    uv_close((uv_handle_t *)&g->sighup, NULL);
}

static void on_signal(uv_signal_t *h, int signum)
{
    ingress *g = h->data;
    cm_info("signal %d: stopping", signum);
    si_server_stop(&g->si);
}

/* SIGHUP: re-reads the file and swaps the accounts' sender rules and the domain (the
 * policy is only used synchronously, so the old one can go at once). Listen address,
 * sizes and time-outs keep their start-up values. A bad file keeps the old rules. */
static void on_sighup(uv_signal_t *h, int signum)
{
    ingress *g = h->data;
    char err[512];
    cm_config *cfg = NULL;
    si_policy *p = NULL;
    int rc = cm_config_load(g->config_path, &cfg, err, sizeof err);
    if (rc == 0 && (rc = si_policy_create(cfg, &p, err, sizeof err)) < 0) cm_config_free(cfg);
    if (rc < 0) {
        cm_error("reload: %s; keeping the current accounts", err);
        return;
    }
    si_policy_free(g->si.policy);
    cm_config_free(g->rules_cfg);
    g->si.policy = p;
    g->rules_cfg = cfg;
    cm_info("reload: %zu account(s), domain %s", cfg->n_accounts, cfg->domain);
}

static void apply_settings(ingress *g, const cm_config *cfg)
{
    si_ctx *c = &g->si;
    c->cfg = cfg;
    c->hostname = cfg->ingress.hostname && *cfg->ingress.hostname ? cfg->ingress.hostname : NULL;
    if (!c->hostname) {
        gethostname(g->hostname, sizeof g->hostname - 1);
        c->hostname = g->hostname;
    }
    c->max_message_size =
        cfg->ingress.max_message_size > 0 ? (size_t)cfg->ingress.max_message_size : 10240000;
    c->max_recipients =
        cfg->ingress.max_recipients > 0 ? (size_t)cfg->ingress.max_recipients : 1000;
    c->router_timeout_ms =
        cfg->ingress.router_timeout_ms > 0 ? (unsigned)cfg->ingress.router_timeout_ms : 10000;
    c->idle_timeout_ms = SI_IDLE_TIMEOUT_MS;
    c->on_drained = on_drained;
}

static void start(ingress *g, const cm_config *cfg)
{
    char err[512];
    int rc;
    apply_settings(g, cfg);
    if ((rc = si_policy_create(cfg, &g->si.policy, err, sizeof err)) < 0)
        cm_log_fatal("accounts: %s", rc == -ENOMEM ? "out of memory" : err);
    if (!(g->zctx = zmq_ctx_new())) cm_log_fatal("zmq_ctx_new failed");
    if ((rc = si_router_create(g->si.loop, g->zctx, cfg->router.listen_ingress, &g->si.router)) < 0)
        cm_log_fatal("router link %s: %s", cfg->router.listen_ingress, strerror(-rc));
    if ((rc = si_server_start(&g->si)) < 0)
        cm_log_fatal("listen on %s: %s", cfg->ingress.listen, uv_strerror(rc));
    uv_signal_init(g->si.loop, &g->sigterm);
    uv_signal_init(g->si.loop, &g->sigint);
    uv_signal_init(g->si.loop, &g->sighup);
    g->sigterm.data = g->sigint.data = g->sighup.data = g;
    uv_signal_start(&g->sigterm, on_signal, SIGTERM);
    uv_signal_start(&g->sigint, on_signal, SIGINT);
    uv_signal_start(&g->sighup, on_sighup, SIGHUP);
    cm_info("listening on %s as %s, router %s", cfg->ingress.listen, g->si.hostname,
            cfg->router.listen_ingress);
}

int main(int argc, char **argv)
{
    const char *path = cm_config_default_path();
    char err[512];
    cm_config *cfg = NULL;
    int opt;
    cm_log_init("smsgw-ingress", CM_LOG_INFO);
    while ((opt = getopt(argc, argv, "c:")) != -1) {
        if (opt != 'c') {
            fprintf(stderr, "usage: %s [-c CONFIG]\n", argv[0]);
            return 2;
        }
        path = optarg;
    }
    if (cm_config_load(path, &cfg, err, sizeof err) < 0) cm_log_fatal("config: %s", err);
    cm_log_init("smsgw-ingress", parse_level(cfg->log_level));
    signal(SIGPIPE, SIG_IGN);
    g_mime_init();
    xmlInitParser();
    ingress *g = calloc(1, sizeof *g);
    if (!g) cm_log_fatal("out of memory");
    g->si.loop = uv_default_loop();
    g->config_path = path;
    start(g, cfg);
    uv_run(g->si.loop, UV_RUN_DEFAULT);
    zmq_ctx_term(g->zctx);
    si_policy_free(g->si.policy);
    cm_config_free(g->rules_cfg);
    free(g->si.read_buf);
    free(g);
    cm_config_free(cfg);
    g_mime_shutdown();
    xmlCleanupParser();
    return 0;
}
