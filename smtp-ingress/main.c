/* smsgw-ingress: the SMTP ingress process (SPEC.md sections 1, 2, 4; docs/architecture.md).
 *
 * Stores owned: none (stateless: an email is answered 250 only once the router has
 *   committed it; until then the customer's MTA keeps it).
 * Binds: ingress.listen (SMTP), ingress.submission_listen (submission, AUTH),
 *   ingress.metrics_listen (Prometheus, si_metrics).
 * Connects: router.listen_ingress (cm_link DEALER, SUBMIT items, key "sub:<id>").
 * Never touches: any LMDB store, the SMSCs, the smarthost.
 *
 * Usage: smsgw-ingress [-c CONFIG]. SIGTERM/SIGINT: stop accepting, answer what is in
 * flight, exit 0. SIGHUP: reload the accounts' sender rules and the domain. */
#include "cm_config.h"
#include "cm_log.h"
#include "si_ctx.h"
#include "si_metrics.h"
#include "si_policy.h"
#include "si_router.h"
#include "si_server.h"
#include "si_tls.h"

#include <curl/curl.h>
#include <errno.h>
#include <gmime/gmime.h>
#include <libxml/parser.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zmq.h>

typedef struct {
    si_ctx si;
    void *zctx;
    uv_signal_t sigterm, sigint, sighup;
    char hostname[256];
    const char *config_path;
    cm_config *rules_cfg; /* the config the policy borrows after a SIGHUP reload */
    si_dnszone *zone;     /* ingress.dns_zone_file, NULL for DNS */
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

/* ingress.spf / ingress.dkim: "on", "off", or "auto" = when some account requires it. */
static void set_wanted(si_ctx *c, const cm_config *cfg)
{
    int spf = 0, dkim = 0;
    for (size_t i = 0; i < cfg->n_accounts; i++) {
        spf |= cfg->accounts[i].require_spf;
        dkim |= cfg->accounts[i].require_dkim;
    }
    c->want_spf =
        strcmp(cfg->ingress.spf, "on") == 0 || (strcmp(cfg->ingress.spf, "auto") == 0 && spf);
    c->want_dkim =
        strcmp(cfg->ingress.dkim, "on") == 0 || (strcmp(cfg->ingress.dkim, "auto") == 0 && dkim);
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
    set_wanted(&g->si, cfg);
    cm_info("reload: %zu account(s), domain %s", cfg->n_accounts, cfg->domain);
}

static void set_limits(si_limits *l, const cm_config *cfg)
{
    const struct cm_config_ingress *i = &cfg->ingress;
    l->max_sessions = (size_t)i->max_sessions;
    l->max_sessions_per_ip = (size_t)i->max_sessions_per_ip;
    l->greet_wait_ms = (unsigned)i->greet_wait_ms;
    l->command_timeout_ms = (unsigned)i->command_timeout_ms;
    l->data_timeout_ms = (unsigned)i->data_timeout_ms;
    l->min_data_rate = (unsigned)i->min_data_rate;
    l->soft_error_limit = (unsigned)i->soft_error_limit;
    l->hard_error_limit = (unsigned)i->hard_error_limit;
    l->error_delay_ms = (unsigned)i->error_delay_ms;
    l->junk_command_limit = (unsigned)i->junk_command_limit;
    l->mime.max_header_size = (size_t)i->max_header_size;
    l->mime.max_depth = (unsigned)i->mime_max_depth;
    l->mime.max_parts = (unsigned)i->mime_max_parts;
}

/* Room for max_sessions sockets: the soft descriptor limit up to the hard one. */
static void raise_fd_limit(size_t sessions)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= sessions + 64) return;
    rl.rlim_cur =
        rl.rlim_max == RLIM_INFINITY || rl.rlim_max > sessions + 64 ? sessions + 64 : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) cm_warn("cannot raise the descriptor limit");
}

/* The SPF/DKIM checker, unless both are "off"; on the zone file when one is named. */
static void start_checker(ingress *g, const cm_config *cfg)
{
    char err[512];
    const char *zf = cfg->ingress.dns_zone_file;
    set_wanted(&g->si, cfg);
    g->si.auth_check_timeout_ms = (unsigned)cfg->ingress.auth_check_timeout_ms;
    if (strcmp(cfg->ingress.spf, "off") == 0 && strcmp(cfg->ingress.dkim, "off") == 0) return;
    if (*zf && si_dnszone_load(zf, &g->zone, err, sizeof err) < 0) cm_log_fatal("zone: %s", err);
    if (si_authcheck_create(g->zone, &g->si.checker, err, sizeof err) < 0)
        cm_log_fatal("SPF/DKIM: %s", err);
    cm_info("SPF %s, DKIM %s, resolver %s", g->si.want_spf ? "checked" : "not checked",
            g->si.want_dkim ? "checked" : "not checked", *zf ? zf : "DNS");
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
    c->on_drained = on_drained;
    set_limits(&c->lim, cfg);
}

static void start(ingress *g, const cm_config *cfg)
{
    char err[512];
    int rc;
    apply_settings(g, cfg);
    raise_fd_limit(g->si.lim.max_sessions);
    if ((rc = si_policy_create(cfg, &g->si.policy, err, sizeof err)) < 0)
        cm_log_fatal("accounts: %s", rc == -ENOMEM ? "out of memory" : err);
    start_checker(g, cfg);
    if (!(g->si.rates = si_ratelimit_create((size_t)cfg->ingress.limit_table_size)))
        cm_log_fatal("out of memory");
    if (*cfg->ingress.tls_cert_file &&
        si_tls_ctx_create(cfg->ingress.tls_cert_file, cfg->ingress.tls_key_file, &g->si.ssl_ctx,
                          err, sizeof err) < 0)
        cm_log_fatal("TLS: %s", err);
    if (!(g->zctx = zmq_ctx_new())) cm_log_fatal("zmq_ctx_new failed");
    si_metrics_start(&g->si);
    if ((rc = si_router_create(g->si.loop, g->zctx, cfg->router.listen_ingress, &g->si.metrics,
                               &g->si.router)) < 0)
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
    cm_info("listening on %s%s%s as %s, router %s%s", cfg->ingress.listen,
            *cfg->ingress.submission_listen ? " and submission " : "",
            cfg->ingress.submission_listen, g->si.hostname, cfg->router.listen_ingress,
            g->si.ssl_ctx ? ", STARTTLS offered" : "");
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
    setenv("UV_THREADPOOL_SIZE", "16", 0); /* SPF/DKIM wait on DNS there, AUTH on crypt */
    curl_global_init(CURL_GLOBAL_DEFAULT); /* rspamd, from worker threads */
    g_mime_init();
    xmlInitParser();
    ingress *g = calloc(1, sizeof *g);
    if (!g) cm_log_fatal("out of memory");
    g->si.loop = uv_default_loop();
    g->config_path = path;
    start(g, cfg);
    uv_run(g->si.loop, UV_RUN_DEFAULT);
    si_metrics_stop(&g->si);
    zmq_ctx_term(g->zctx);
    si_policy_free(g->si.policy);
    cm_config_free(g->rules_cfg);
    free(g->si.read_buf);
    SSL_CTX_free(g->si.ssl_ctx);
    si_authcheck_free(g->si.checker);
    si_ratelimit_free(g->si.rates);
    curl_global_cleanup();
    si_dnszone_free(g->zone);
    free(g);
    cm_config_free(cfg);
    g_mime_shutdown();
    xmlCleanupParser();
    return 0;
}
