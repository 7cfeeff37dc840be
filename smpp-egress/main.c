/* smsgw-egress --operator NAME [-c CONFIG]: wires the SMPP egress of one operator.
 *
 * Owns:     nothing durable: the SMPP windows and the recent-jobs map live in RAM
 *           (a job in a window when the process dies is the only duplicate source).
 * Binds:    the operator's metrics_listen (se_metrics: Prometheus metrics, status.json).
 * Connects: router.listen_egress (DEALER, identity egress:<op>:<host>:<pid>: JOB in,
 *           CREDIT / RESULT / mobile-originated DELIVER out), dlr.listen (DEALER:
 *           RESULT and receipt DELIVER out), and the operator's SMSCs (SMPP 3.4).
 * Never:    opens an LMDB store, sends mail, or decodes an inbound PDU with libsmpp34.
 * Signals:  SIGTERM/SIGINT drain (held jobs RETRY, windows answered, unbind, results
 *           flushed) and exit 0; another signal a second or more later exits at once.
 *           SIGHUP is logged and ignored; SIGPIPE is ignored. */
#include "cm_config.h"
#include "cm_log.h"
#include "se_egress.h"
#include "se_metrics.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

typedef struct {
    uv_loop_t *loop;
    se_ctx *egress;
    uv_signal_t sigterm, sigint, sighup;
    uint64_t first_signal_ms; /* 0: none yet */
} proc;

static void usage(FILE *f)
{
    fprintf(f, "usage: smsgw-egress --operator NAME [-c CONFIG]\n"
               "  -o, --operator NAME  the operator whose SMPP binds to serve\n"
               "  -c, --config FILE    configuration (default $SMSGW_CONFIG, else "
               "/etc/smsgw/smsgw.conf)\n");
}

static void on_stopped(se_ctx *ctx, void *arg)
{
    proc *p = arg;
    se_metrics_stop(ctx); /* before the context its collect callback reads */
    se_egress_free(ctx);
    p->egress = NULL;
    uv_close((uv_handle_t *)&p->sigterm, NULL);
    uv_close((uv_handle_t *)&p->sigint, NULL);
    uv_close((uv_handle_t *)&p->sighup, NULL);
}

static void on_sighup(uv_signal_t *s, int signum)
{
    cm_info("SIGHUP: nothing to reload (operator settings need a restart)");
}

static void on_signal(uv_signal_t *s, int signum)
{
    proc *p = s->data;
    uint64_t now = uv_now(p->loop);
    if (p->first_signal_ms && now - p->first_signal_ms < 1000)
        return; /* the same stop delivered twice (timeout(1) signals child and group) */
    if (p->first_signal_ms) {
        cm_warn("signal %d again: exiting now", signum);
        exit(0);
    }
    p->first_signal_ms = now ? now : 1;
    cm_info("signal %d: draining", signum);
    se_egress_stop(p->egress, on_stopped, p);
}

static enum cm_log_level level_of(const char *s)
{
    static const char *NAMES[] = {"debug", "info", "warning", "error"};
    for (int i = 0; s && i < 4; i++)
        if (strcmp(s, NAMES[i]) == 0) return (enum cm_log_level)i;
    return CM_LOG_INFO;
}

static int parse_args(int argc, char **argv, const char **config, const char **op)
{
    static const struct option LONG[] = {{"operator", required_argument, NULL, 'o'},
                                         {"config", required_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "o:c:h", LONG, NULL)) != -1) {
        if (opt == 'o')
            *op = optarg;
        else if (opt == 'c')
            *config = optarg;
        else {
            usage(opt == 'h' ? stdout : stderr);
            return opt == 'h' ? 0 : 2;
        }
    }
    if (!*op || optind != argc) {
        usage(stderr);
        return 2;
    }
    return -1;
}

int main(int argc, char **argv)
{
    const char *config = cm_config_default_path(), *op = NULL;
    int rc = parse_args(argc, argv, &config, &op);
    if (rc >= 0) return rc;
    cm_log_init("smsgw-egress", CM_LOG_INFO);
    cm_config *cfg;
    char err[512];
    if (cm_config_load(config, &cfg, err, sizeof err) != 0) cm_log_fatal("config: %s", err);
    cm_log_init("smsgw-egress", level_of(cfg->log_level));
    proc p = {.loop = uv_default_loop()};
    void *zctx = zmq_ctx_new();
    if (!zctx) cm_log_fatal("zmq_ctx_new failed");
    if ((rc = se_egress_create(p.loop, zctx, cfg, op, &p.egress)) != 0)
        cm_log_fatal("operator \"%s\": %s", op,
                     rc == -ENOENT ? "not in the config, or it has no bind" : strerror(-rc));
    uv_signal_init(p.loop, &p.sigterm);
    uv_signal_init(p.loop, &p.sigint);
    p.sigterm.data = p.sigint.data = &p;
    uv_signal_start(&p.sigterm, on_signal, SIGTERM);
    uv_signal_start(&p.sigint, on_signal, SIGINT);
    uv_signal_init(p.loop, &p.sighup);
    uv_signal_start(&p.sighup, on_sighup, SIGHUP);
    signal(SIGPIPE, SIG_IGN); /* a write to a reset SMSC socket must not kill us */
    se_metrics_start(p.egress);
    se_egress_start(p.egress);
    uv_run(p.loop, UV_RUN_DEFAULT);
    uv_run(p.loop, UV_RUN_NOWAIT); /* closes what the last callbacks closed */
    uv_loop_close(p.loop);
    zmq_ctx_term(zctx);
    cm_config_free(cfg);
    cm_info("stopped");
    return 0;
}
