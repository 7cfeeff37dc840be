/* ctl_serve: `serve-status --listen HOST:PORT [--timeout MS]`: serves the status page
 * (ctl_page) at / over cm_http until SIGTERM or SIGINT. Each request renders afresh:
 * new read snapshots of the stores (opened when they appear), the processes asked
 * with the time-out, the last hour read. Read-only like every command; prints
 * "serving http://HOST:PORT/" once listening (port 0 picks a free port). */
#include "cm_http.h"
#include "ctl_cmds.h"
#include "ctl_fmt.h"
#include "ctl_page.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef struct {
    ctl_ctx *c;
    long timeout_ms;
} serve;

static void fresh(ctl_ctx *c, ctl_store *s, const char *name)
{
    char dir[4096];
    if (s->txn && ctl_store_renew(s) == 0) return;
    ctl_store_close(s);
    snprintf(dir, sizeof dir, "%s/%s", c->cfg->state_dir, name);
    ctl_store_open(s, dir);
}

static void render(cm_wbuf *out, void *arg)
{
    serve *sv = arg;
    ctl_state *s = calloc(1, sizeof *s);
    ctl_history *h = calloc(1, sizeof *h);
    if (s && h) {
        fresh(sv->c, &sv->c->rt, "router");
        fresh(sv->c, &sv->c->dl, "dlr");
        ctl_state_procs(sv->c, s, sv->timeout_ms);
        ctl_state_queues(sv->c, s);
        ctl_history_read(sv->c, h, ctl_now_ms());
        ctl_page_render(sv->c, s, h, out);
    }
    free(s);
    free(h);
}

static void on_signal(uv_signal_t *sig, int signum)
{
    uv_stop(sig->loop);
}

static int run(ctl_ctx *c, const char *listen, serve *sv)
{
    uv_loop_t *loop = uv_default_loop();
    cm_http *http;
    int rc = cm_http_create(loop, listen, &http);
    if (rc != 0) {
        fprintf(c->err, "smsgwctl: cannot listen on %s: %s\n", listen, strerror(-rc));
        return CTL_EXIT_UNAVAILABLE;
    }
    cm_http_page(http, "/", "text/html; charset=utf-8", render, sv);
    cm_http_set_wait(http, sv->timeout_ms * (long)(c->cfg->n_operators + 3) + 2000);
    uv_signal_t term, intr;
    uv_signal_init(loop, &term);
    uv_signal_init(loop, &intr);
    uv_signal_start(&term, on_signal, SIGTERM);
    uv_signal_start(&intr, on_signal, SIGINT);
    char host[256];
    snprintf(host, sizeof host, "%.*s", (int)(strrchr(listen, ':') - listen), listen);
    fprintf(c->out, "serving http://%s:%d/\n", host, cm_http_port(http));
    fflush(c->out);
    uv_run(loop, UV_RUN_DEFAULT);
    cm_http_free(http);
    uv_close((uv_handle_t *)&term, NULL);
    uv_close((uv_handle_t *)&intr, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
    return CTL_EXIT_OK;
}

int ctl_cmd_serve(ctl_ctx *c, int argc, char **argv)
{
    static const struct option OPTS[] = {{"listen", required_argument, NULL, 'l'},
                                         {"timeout", required_argument, NULL, 't'},
                                         {NULL, 0, NULL, 0}};
    serve sv = {c, 1000};
    const char *listen = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "l:t:", OPTS, NULL)) != -1) {
        if (opt == 'l') listen = optarg;
        if (opt == 't') sv.timeout_ms = strtol(optarg, NULL, 10);
        if (opt == '?') return CTL_EXIT_USAGE;
    }
    struct sockaddr_storage sa;
    if (optind != argc || !listen || cm_http_parse_listen(listen, &sa) != 0 || sv.timeout_ms <= 0) {
        fprintf(c->err, "usage: smsgwctl serve-status --listen HOST:PORT [--timeout MS]\n");
        return CTL_EXIT_USAGE;
    }
    return run(c, listen, &sv);
}
