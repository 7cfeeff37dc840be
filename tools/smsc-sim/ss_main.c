/* smsgw-smsc-sim: a demo and load SMSC speaking SMPP 3.4 (server side), on libuv and
 * libsmpp34. Not part of the gateway: a peer for the demo and for load tests.
 *
 * Wiring only: parse options, open the log, listen, print "READY port N" on stdout,
 * run the loop until SIGINT/SIGTERM, then close every session and exit 0.
 * Stores: none (everything is in memory; pending receipts are lost at exit).
 * Endpoints: listens on --listen (TCP, SMPP); connects to nothing.
 * Never touches: the gateway's files, queues or configuration.
 * Output: see ss_log.h (one line per event), ss_submit.c (SMS and DLR lines).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <uv.h>

#include "ss_log.h"
#include "ss_opts.h"
#include "ss_server.h"

struct ss_main {
    struct ss_server srv;
    uv_signal_t sigint, sigterm;
};

static void on_signal(uv_signal_t *h, int signum)
{
    struct ss_main *m = h->data;

    ss_log_line(m->srv.log, SS_LOG_EVENT, "SIGNAL %s: stopping",
                signum == SIGINT ? "SIGINT" : "SIGTERM");
    ss_server_stop(&m->srv);
    uv_close((uv_handle_t *)&m->sigint, NULL);
    uv_close((uv_handle_t *)&m->sigterm, NULL);
}

static int watch_signal(uv_loop_t *loop, uv_signal_t *h, int signum, struct ss_main *m)
{
    int rc = uv_signal_init(loop, h);

    h->data = m;
    return rc < 0 ? rc : uv_signal_start(h, on_signal, signum);
}

int main(int argc, char **argv)
{
    static struct ss_main m; /* the process's one context struct */
    struct ss_opts opts;
    struct ss_log log;
    uv_loop_t *loop = uv_default_loop();
    int rc, port = 0;

    rc = ss_opts_parse(&opts, argc, argv);
    if (rc != 0) return rc > 0 ? 0 : 2;
    signal(SIGPIPE, SIG_IGN);
    if ((rc = ss_log_open(&log, opts.log_path, opts.quiet)) < 0) {
        fprintf(stderr, "smsgw-smsc-sim: cannot open %s: %s\n", opts.log_path, uv_strerror(rc));
        return 1;
    }
    rc = ss_server_start(&m.srv, loop, &opts, &log, &port);
    if (rc == 0) rc = watch_signal(loop, &m.sigint, SIGINT, &m);
    if (rc == 0) rc = watch_signal(loop, &m.sigterm, SIGTERM, &m);
    if (rc < 0) {
        fprintf(stderr, "smsgw-smsc-sim: cannot listen on %s:%d: %s\n", opts.listen_host,
                opts.listen_port, uv_strerror(rc));
        return 1;
    }
    printf("READY port %d\n", port);
    fflush(stdout);
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    ss_log_close(&log);
    return 0;
}
