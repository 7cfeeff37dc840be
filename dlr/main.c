/* smsgw-dlr: delivery reports and receipts (SPEC 5 and 8).
 *
 * Owns:     <state_dir>/dlr (LMDB, layout in dl_rec.h): submissions, recipients,
 *           SMSC message ids, early/unmatched receipts, the receipt outbox and its
 *           indexes (dl_outq), the `aging` notes that pruning follows (dl_prune:
 *           dlr.*_retention_days; expiry after dlr.expiry_grace_s).
 * Binds:    dlr.listen (cm_hub, ROUTER): ACCEPTED and MO_REPLY from the router, RESULT
 *           and DELIVER (receipts) from the egresses; each acknowledged after its commit.
 *           dlr.metrics_listen (cm_metrics, dl_metrics): Prometheus metrics and status.
 * Connects: the smarthost dlr.smarthost (libcurl SMTP) for acceptance and final
 *           receipts and forwarded SMS replies, From dlr.from.
 * Never:    touches the router's queue, sends SMS, or mails <>, an empty address or
 *           dlr.from itself.
 * SIGTERM/SIGINT: stop taking items, commit and ack what was taken, let the mails in
 * flight finish, exit 0. */
#include "cm_config.h"
#include "cm_log.h"
#include "dl_ctx.h"
#include "dl_match.h"
#include "dl_rec.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#define DL_MAP_SIZE ((size_t)16 << 30) /* sparse */
/* malloc: blocks from 2.5 MiB up get their own mappings, given back when freed; the
 * heap keeps at most 4 MiB free at its top. */
#define DL_MMAP_THRESHOLD (2560 * 1024)
#define DL_TRIM_THRESHOLD (4096 * 1024)

/* Big blocks (an ACCEPTED of 100,000 recipients, its acceptance receipt, a final
 * receipt's LMDB pages) are given back to the system when freed. Left dynamic, glibc
 * raises its mmap threshold to the largest block freed (up to 32 MiB) and then keeps
 * up to twice that free in the heap: ~10 MB of RSS for the life of the process after
 * one big submission (mallopt(3): setting M_MMAP_THRESHOLD turns the dynamic threshold
 * off). The threshold stays above the blocks LMDB allocates for every nested
 * transaction (one per item: a 2 MiB dirty list and a 1 MiB free list), which must
 * come from the heap: an mmap and munmap of each per item halved dlr's throughput, and
 * the trim threshold keeps them from being given back and taken again each time. */
static void tune_malloc(void)
{
    if (mallopt(M_MMAP_THRESHOLD, DL_MMAP_THRESHOLD) != 1 ||
        mallopt(M_TRIM_THRESHOLD, DL_TRIM_THRESHOLD) != 1)
        cm_warn("mallopt refused");
}

static enum cm_log_level level_of(const char *s)
{
    static const struct {
        const char *name;
        enum cm_log_level level;
    } LEVELS[] = {{"debug", CM_LOG_DEBUG},
                  {"info", CM_LOG_INFO},
                  {"warn", CM_LOG_WARN},
                  {"warning", CM_LOG_WARN},
                  {"error", CM_LOG_ERROR}};

    for (size_t i = 0; s != NULL && i < sizeof(LEVELS) / sizeof(LEVELS[0]); i++)
        if (strcmp(s, LEVELS[i].name) == 0) return LEVELS[i].level;
    return CM_LOG_INFO;
}

#define DAY_MS (86400000ull)

/* Validity, grace and retention periods from the config. Message ids are kept at
 * least as long as receipts may come (validity + grace). */
static void set_periods(dl_state *st, const cm_config *cfg)
{
    st->from = cfg->dlr.from;
    st->domain = cfg->domain;
    st->validity_ms =
        (uint64_t)(cfg->router.validity_s > 0 ? cfg->router.validity_s : 172800) * 1000u;
    st->expiry_grace_ms = (uint64_t)cfg->dlr.expiry_grace_s * 1000u;
    st->keep.seen_ms = (uint64_t)cfg->dlr.seen_retention_days * DAY_MS;
    st->keep.msgid_ms = (uint64_t)cfg->dlr.msgid_retention_days * DAY_MS;
    if (st->keep.msgid_ms < st->validity_ms + st->expiry_grace_ms)
        st->keep.msgid_ms = st->validity_ms + st->expiry_grace_ms;
    st->keep.submission_ms = (uint64_t)cfg->dlr.submission_retention_days * DAY_MS;
    st->keep.unmatched_ms = (uint64_t)cfg->dlr.unmatched_retention_days * DAY_MS;
    cm_info("expiry grace %d s; kept: seen %d d, message ids %" PRIu64 " d, submissions %d d, "
            "unmatched %d d",
            cfg->dlr.expiry_grace_s, cfg->dlr.seen_retention_days,
            (uint64_t)(st->keep.msgid_ms / DAY_MS), cfg->dlr.submission_retention_days,
            cfg->dlr.unmatched_retention_days);
}

/* Receipts match message ids in each operator's message_id_format (dl_match). */
static void set_id_formats(dl_state *st, const cm_config *cfg)
{
    st->cfg = cfg;
    for (size_t i = 0; i < cfg->n_operators; i++) {
        enum dl_msgid_format f = dl_match_format(st, cfg->operators[i].name);
        if (f != DL_MSGID_AUTO)
            cm_info("operator %s: message ids %s", cfg->operators[i].name, dl_msgid_format_name(f));
    }
}

static void store_failed(int err, void *arg)
{
    cm_log_fatal("dlr.mdb commit failed: %s", strerror(-err));
}

static void open_store(dl_ctx *c)
{
    static const char *const NAMES[] = {DL_DB_NAMES, NULL};
    char dir[4096];
    int rc;

    snprintf(dir, sizeof(dir), "%s/dlr", c->cfg->state_dir);
    rc = cm_store_open(dir, DL_MAP_SIZE, NAMES, &c->store);
    if (rc < 0) cm_log_fatal("cannot open %s: %s", dir, strerror(-rc));
    rc = cm_store_attach(c->store, c->loop, store_failed, c);
    if (rc < 0) cm_log_fatal("cannot attach %s: %s", dir, strerror(-rc));
    dl_state_open_dbs(c->store, &c->st);
    cm_info("state in %s", dir);
}

static void bind_hub(dl_ctx *c)
{
    const char *l = c->cfg->dlr.listen;
    char ep[512];
    cm_hub_opts o = {ep, dl_intake_item, c};
    int rc;

    snprintf(ep, sizeof(ep), "%s%s", strstr(l, "://") ? "" : "tcp://", l);
    rc = cm_hub_create(c->loop, c->zctx, &o, &c->hub);
    if (rc < 0) cm_log_fatal("cannot bind %s: %s", ep, strerror(-rc));
    cm_info("listening on %s", ep);
}

/* The outbox's SMTP sessions run in libuv's thread pool (4 threads by default): one
 * thread per sending slot, and two spare. Read when the pool first starts (the first
 * uv_queue_work), so set before; an operator's UV_THREADPOOL_SIZE wins. */
static void size_pool(void)
{
    char n[16];

    snprintf(n, sizeof(n), "%d", DL_OUTBOX_PARALLEL + 2);
    setenv("UV_THREADPOOL_SIZE", n, 0);
}

static void start_outbox(dl_ctx *c)
{
    dl_outbox_opts o = {c->cfg->dlr.smarthost, c->cfg->dlr.from, (unsigned)c->cfg->dlr.retry_min_s,
                        (unsigned)c->cfg->dlr.retry_max_s, 60};
    int rc = dl_outbox_start(c->loop, c->store, &c->st, &o, &c->outbox);

    if (rc < 0) cm_log_fatal("cannot start the outbox: %s", strerror(-rc));
    cm_info("receipts from %s through %s", o.from, o.smarthost);
}

/* The mails in flight are done: leave the loop. This runs from a commit callback,
 * so it must not commit itself; cm_store_close() commits what is left. */
static void outbox_drained(void *arg)
{
    dl_ctx *c = arg;

    uv_stop(c->loop);
}

static void on_signal(uv_signal_t *s, int signum)
{
    dl_ctx *c = s->data;

    if (c->stopping) return;
    cm_info("signal %d: draining", signum);
    c->stopping = 1;
    dl_timer_stop(c);
    if (cm_store_batch_commit(c->store) < 0) /* acks of what was taken go out */
        cm_log_fatal("commit failed while stopping");
    cm_hub_free(c->hub);
    c->hub = NULL;
    dl_outbox_stop(c->outbox, outbox_drained, c);
}

static void watch_signals(dl_ctx *c)
{
    uv_signal_init(c->loop, &c->sig_term);
    uv_signal_init(c->loop, &c->sig_int);
    c->sig_term.data = c->sig_int.data = c;
    uv_signal_start(&c->sig_term, on_signal, SIGTERM);
    uv_signal_start(&c->sig_int, on_signal, SIGINT);
}

static const char *parse_args(int argc, char **argv)
{
    const char *path = cm_config_default_path();
    int opt;

    while ((opt = getopt(argc, argv, "c:h")) != -1) {
        if (opt == 'c') {
            path = optarg;
        } else {
            fprintf(stderr, "usage: %s [-c CONFIG]\n", argv[0]);
            exit(opt == 'h' ? 0 : 2);
        }
    }
    return path;
}

static void shutdown_all(dl_ctx *c)
{
    dl_outbox_free(c->outbox);
    uv_close((uv_handle_t *)&c->expiry_timer, NULL);
    uv_close((uv_handle_t *)&c->sig_term, NULL);
    uv_close((uv_handle_t *)&c->sig_int, NULL);
    cm_store_close(c->store);
    for (int i = 0; i < 8; i++)
        uv_run(c->loop, UV_RUN_NOWAIT);
    zmq_ctx_term(c->zctx);
    curl_global_cleanup();
}

int main(int argc, char **argv)
{
    const char *path = parse_args(argc, argv);
    cm_config *cfg = NULL;
    dl_ctx c;
    char err[512];

    cm_log_init("smsgw-dlr", CM_LOG_INFO);
    tune_malloc();
    if (cm_config_load(path, &cfg, err, sizeof(err)) < 0) cm_log_fatal("%s", err);
    cm_log_init("smsgw-dlr", level_of(cfg->log_level));
    memset(&c, 0, sizeof(c));
    c.loop = uv_default_loop();
    size_pool();
    c.cfg = cfg;
    set_periods(&c.st, cfg);
    set_id_formats(&c.st, cfg);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) cm_log_fatal("curl_global_init failed");
    c.zctx = zmq_ctx_new();
    if (c.zctx == NULL) cm_log_fatal("zmq_ctx_new failed");
    open_store(&c);
    start_outbox(&c);
    bind_hub(&c);
    dl_timer_start(&c);
    watch_signals(&c);
    static const char *const DBS[] = {DL_DB_NAMES, NULL};
    dl_metrics_start(&c, DBS);
    uv_run(c.loop, UV_RUN_DEFAULT);
    dl_metrics_stop(&c);
    shutdown_all(&c);
    cm_config_free(cfg);
    cm_info("stopped");
    return 0;
}
