/* Unit tests of cm_metrics (and cm_http, cm_http_text under it): the exact Prometheus
 * text of a small registry, escaping, refused names, the series cap, NULL-safety when
 * disabled, the JSON status, and the HTTP listener answering GET /metrics,
 * /status.json, 404, 405 and HEAD while a libuv loop runs in this thread and a
 * plain-socket client runs in another. */
#include "cm_http.h"
#include "cm_metrics.h"
#include "cm_store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

static char *text_of(cm_metrics *m, int json)
{
    cm_wbuf w = {0};
    if (json)
        cm_metrics_render_json(m, &w);
    else
        cm_metrics_render_text(m, &w);
    cm_put_raw(&w, "", 1);
    assert_int_equal(w.err, 0);
    return (char *)w.data;
}

static void text_format(void **state)
{
    cm_metrics *m;
    assert_int_equal(cm_metrics_create_local("t", &m), 0);
    cm_metric *r =
        cm_metrics_counter(m, "smsgw_smtp_replies_total", "SMTP replies, by code", "code");
    cm_metric *q = cm_metrics_gauge(m, "smsgw_jobs", "Jobs \\ by\nstate", "operator,state");
    cm_metric *s = cm_metrics_counter(m, "smsgw_sessions_total", "Sessions", NULL);
    cm_metric *e = cm_metrics_gauge(m, "smsgw_empty", "No series yet", "x");
    assert_non_null(r);
    assert_non_null(q);
    assert_non_null(s);
    assert_non_null(e);
    cm_metrics_add(r, 1, "250");
    cm_metrics_add(r, 2, "451");
    cm_metrics_add(r, 1, "250");
    cm_metrics_add(r, -5, "250"); /* counters never go down */
    cm_metrics_set(q, 7, "orange", "ready");
    cm_metrics_set(q, 0.25, "sfr\"x\\\n", "inflight");
    cm_metrics_set(q, 3, "orange", "ready");
    char *t = text_of(m, 0);
    const char *want = "# HELP smsgw_smtp_replies_total SMTP replies, by code\n"
                       "# TYPE smsgw_smtp_replies_total counter\n"
                       "smsgw_smtp_replies_total{code=\"250\"} 2\n"
                       "smsgw_smtp_replies_total{code=\"451\"} 2\n"
                       "# HELP smsgw_jobs Jobs \\\\ by\\nstate\n"
                       "# TYPE smsgw_jobs gauge\n"
                       "smsgw_jobs{operator=\"orange\",state=\"ready\"} 3\n"
                       "smsgw_jobs{operator=\"sfr\\\"x\\\\\\n\",state=\"inflight\"} 0.25\n"
                       "# HELP smsgw_sessions_total Sessions\n"
                       "# TYPE smsgw_sessions_total counter\n"
                       "smsgw_sessions_total 0\n"
                       "# HELP smsgw_empty No series yet\n"
                       "# TYPE smsgw_empty gauge\n";
    const char *tail = strstr(t, "# HELP smsgw_smtp_replies_total");
    assert_non_null(tail);
    assert_string_equal(tail, want);
    double start = 0;
    const char *st = strstr(t, "\nsmsgw_process_start_time_seconds ");
    assert_non_null(st);
    assert_int_equal(sscanf(st, "\nsmsgw_process_start_time_seconds %lf", &start), 1);
    assert_true(start > 1.6e9);
    assert_non_null(strstr(t, "# TYPE smsgw_metrics_dropped_total counter\n"
                              "smsgw_metrics_dropped_total 0\n"));
    free(t);
    cm_metrics_reset(q);
    t = text_of(m, 0);
    assert_null(strstr(t, "smsgw_jobs{"));
    free(t);
    cm_metrics_free(m);
}

static void refused_names(void **state)
{
    cm_metrics *m;
    assert_int_equal(cm_metrics_create_local("t", &m), 0);
    static const struct {
        const char *name, *labels;
    } BAD[] = {{"1abc", NULL},
               {"a-b", NULL},
               {"", NULL},
               {NULL, NULL},
               {"ok", ""},
               {"ok", "a,,b"},
               {"ok", "a,"},
               {"ok", "__x"},
               {"ok", "a:b"},
               {"ok", "a,b,c,d,e"},
               {"ok", "9a"},
               {"ok", "a b"},
               {"smsgw_process_start_time_seconds", NULL}};
    for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++)
        assert_null(cm_metrics_counter(m, BAD[i].name, "h", BAD[i].labels));
    assert_non_null(cm_metrics_counter(m, "ok:sub_total", "h", "a,b,c,d"));
    assert_null(cm_metrics_gauge(m, "ok:sub_total", "h", NULL)); /* twice */
    cm_metrics_free(m);
}

static void disabled_is_null(void **state)
{
    cm_metrics *m = (cm_metrics *)1;
    assert_int_equal(cm_metrics_create(uv_default_loop(), "t", "", &m), 0);
    assert_null(m);
    assert_int_equal(cm_metrics_create(uv_default_loop(), "t", NULL, &m), 0);
    assert_null(m);
    cm_metric *c = cm_metrics_counter(NULL, "a_total", "h", NULL);
    assert_null(c);
    cm_metrics_add(c, 1);
    cm_metrics_set(c, 1, "x");
    cm_metrics_reset(c);
    cm_metrics_info(NULL, "k", "v");
    cm_metrics_on_collect(NULL, NULL, NULL);
    assert_int_equal(cm_metrics_port(NULL), 0);
    cm_metrics_free(NULL);
}

static void series_capped(void **state)
{
    cm_metrics *m;
    assert_int_equal(cm_metrics_create_local("t", &m), 0);
    cm_metric *c = cm_metrics_counter(m, "x_total", "h", "status");
    char v[16];
    for (int i = 0; i < CM_METRICS_MAX_SERIES + 5; i++) {
        snprintf(v, sizeof v, "%d", i);
        cm_metrics_add(c, 1, v);
    }
    cm_metrics_add(c, 1, "0");
    char *t = text_of(m, 0);
    assert_non_null(strstr(t, "\nsmsgw_metrics_dropped_total 5\n"));
    assert_non_null(strstr(t, "\nx_total{status=\"0\"} 2\n"));
    assert_non_null(strstr(t, "\nx_total{status=\"999\"} 1\n"));
    assert_null(strstr(t, "\nx_total{status=\"1000\"}"));
    free(t);
    cm_metrics_free(m);
}

static void json_status(void **state)
{
    cm_metrics *m;
    assert_int_equal(cm_metrics_create_local("smsgw-x", &m), 0);
    cm_metrics_info(m, "listen", "127.0.0.1:25");
    cm_metrics_info(m, "listen", "127.0.0.1:2525"); /* replaced */
    cm_metrics_add(cm_metrics_counter(m, "a_total", "A \"quoted\"", "code"), 3, "2\n5");
    cm_metrics_set(cm_metrics_gauge(m, "b", "B", NULL), 1.5);
    char *t = text_of(m, 1);
    char pid[64];
    snprintf(pid, sizeof pid, "{\"process\":\"smsgw-x\",\"pid\":%ld,", (long)getpid());
    assert_memory_equal(t, pid, strlen(pid));
    assert_non_null(strstr(t, ",\"info\":{\"listen\":\"127.0.0.1:2525\"},"));
    assert_non_null(strstr(t, "\"a_total\":{\"type\":\"counter\",\"help\":\"A \\\"quoted\\\"\","
                              "\"series\":[{\"labels\":{\"code\":\"2\\u000a5\"},\"value\":3}]}"));
    assert_non_null(strstr(t, "\"b\":{\"type\":\"gauge\",\"help\":\"B\","
                              "\"series\":[{\"labels\":{},\"value\":1.5}]}}}\n"));
    free(t);
    cm_metrics_free(m);
}

/* ---- HTTP ------------------------------------------------------------------ */

typedef struct {
    int port;
    char reply[6][4096];
    uv_async_t done;
} client;

static void http(int port, const char *request, char *out, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct timeval tv = {5, 0};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    out[0] = 0;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        write(fd, request, strlen(request)) == (ssize_t)strlen(request)) {
        size_t len = 0;
        ssize_t n;
        while (len + 1 < cap && (n = read(fd, out + len, cap - 1 - len)) > 0)
            len += (size_t)n;
        out[len] = 0;
    }
    close(fd);
}

static void *client_main(void *arg)
{
    client *c = arg;
    static const char *const REQ[] = {"GET /metrics HTTP/1.0\r\n\r\n",
                                      "GET /metrics HTTP/1.0\r\n\r\n",
                                      "GET /status.json HTTP/1.0\r\n\r\n",
                                      "GET /nope HTTP/1.0\r\n\r\n",
                                      "POST /metrics HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
                                      "HEAD /metrics HTTP/1.0\r\n\r\n"};
    for (int i = 0; i < 6; i++)
        http(c->port, REQ[i], c->reply[i], sizeof c->reply[i]);
    uv_async_send(&c->done);
    return NULL;
}

static void on_done(uv_async_t *a)
{
    uv_stop(a->loop);
}

static void on_timeout(uv_timer_t *t)
{
    uv_stop(t->loop);
}

static void collect(void *arg)
{
    cm_metrics_add(arg, 1, "scrape"); /* counts its own renderings */
}

static void serves_http(void **state)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    cm_metrics *m;
    assert_int_equal(cm_metrics_create(&loop, "smsgw-t", "127.0.0.1:0", &m), 0);
    assert_non_null(m);
    assert_true(cm_metrics_port(m) > 0);
    cm_metrics_on_collect(m, collect, cm_metrics_counter(m, "t_collect_total", "h", "why"));
    static const char *const DBS[] = {"jobs", "meta", NULL};
    char dir[] = "/tmp/smsgw-metrics-XXXXXX";
    cm_store *store;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(cm_store_open(dir, 1 << 22, DBS, &store), 0);
    MDB_txn *txn = cm_store_batch_txn(store);
    assert_int_equal(cm_store_put(txn, cm_store_dbi(store, "jobs"), "a", 1, "1", 1, 0), 0);
    assert_int_equal(cm_store_put(txn, cm_store_dbi(store, "jobs"), "b", 1, "2", 1, 0), 0);
    assert_int_equal(cm_store_batch_commit(store), 0);
    assert_int_equal(cm_metrics_watch_store(m, "router", store, DBS), 0);
    client c = {.port = cm_metrics_port(m)};
    uv_async_init(&loop, &c.done, on_done);
    uv_timer_t timer;
    uv_timer_init(&loop, &timer);
    uv_timer_start(&timer, on_timeout, 20000, 0);
    pthread_t th;
    pthread_create(&th, NULL, client_main, &c);
    uv_run(&loop, UV_RUN_DEFAULT);
    pthread_join(th, NULL);
    assert_non_null(strstr(c.reply[0], "HTTP/1.1 200 OK\r\n"));
    assert_non_null(strstr(c.reply[0], "Content-Type: text/plain; version=0.0.4; charset=utf-8"));
    assert_non_null(strstr(c.reply[0], "\r\n\r\n# HELP smsgw_process_start_time_seconds "));
    assert_non_null(strstr(c.reply[0], "\nt_collect_total{why=\"scrape\"} 1\n"));
    assert_non_null(strstr(c.reply[1], "\nt_collect_total{why=\"scrape\"} 2\n"));
    assert_non_null(strstr(c.reply[0], "\nsmsgw_store_entries{store=\"router\",db=\"jobs\"} 2\n"
                                       "smsgw_store_entries{store=\"router\",db=\"meta\"} 0\n"));
    assert_non_null(strstr(c.reply[0], "\nsmsgw_store_used_bytes{store=\"router\"} "));
    assert_non_null(strstr(c.reply[2], "Content-Type: application/json"));
    assert_non_null(strstr(c.reply[2], "\r\n\r\n{\"process\":\"smsgw-t\","));
    assert_non_null(strstr(c.reply[2], "\"metrics_listen\":\"127.0.0.1:0\""));
    assert_non_null(strstr(c.reply[3], "HTTP/1.1 404 Not Found\r\n"));
    assert_non_null(strstr(c.reply[4], "HTTP/1.1 405 Method Not Allowed\r\n"));
    assert_non_null(strstr(c.reply[4], "Allow: GET, HEAD\r\n"));
    assert_non_null(strstr(c.reply[5], "HTTP/1.1 200 OK\r\n"));
    assert_null(strstr(c.reply[5], "# HELP"));
    cm_metrics_free(m);
    cm_store_close(store);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    uv_close((uv_handle_t *)&c.done, NULL);
    uv_close((uv_handle_t *)&timer, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

static void listen_errors(void **state)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    cm_metrics *a, *b = NULL;
    static const char *const BAD[] = {"127.0.0.1",       ":80",     "127.0.0.1:x",
                                      "127.0.0.1:70000", "[::1:80", "no.such.host.invalid:80"};
    for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++)
        assert_int_equal(cm_metrics_create(&loop, "t", BAD[i], &b), -EINVAL);
    assert_int_equal(cm_metrics_create(&loop, "t", "127.0.0.1:0", &a), 0);
    char busy[64];
    snprintf(busy, sizeof busy, "127.0.0.1:%d", cm_metrics_port(a));
    assert_int_equal(cm_metrics_create(&loop, "t", busy, &b), -EADDRINUSE);
    assert_null(b);
    cm_metrics_free(a);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_format),      cmocka_unit_test(refused_names),
        cmocka_unit_test(disabled_is_null), cmocka_unit_test(series_capped),
        cmocka_unit_test(json_status),      cmocka_unit_test(serves_http),
        cmocka_unit_test(listen_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
