/* Unit tests of the acknowledged handoff (cm_link / cm_hub on a libuv loop, over an
 * ipc:// endpoint) and of commit-then-ack (cm_commit_ack with cm_store):
 * acks reach the sender once per key; at most max_inflight items are on the wire and
 * each ack or cancel lets the next one go, in order; unacknowledged items are re-sent; a receiver
 * that restarts gets every outstanding item again; one-way messages flow both ways;
 * an ack registered for a batch leaves only when the batch commits. */
#include "cm_commit_ack.h"
#include "cm_handoff.h"
#include "cm_store.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include <cmocka.h>

typedef struct {
    uv_loop_t loop;
    void *zctx;
    char endpoint[128];
    cm_link *link;
    cm_hub *hub;
    cm_store *store;
    int auto_ack, commit_ack;
    int received, acked, oneway_at_link, oneway_at_hub;
    char last_key[64], last_body[64];
    char order[64]; /* first letters of the reliable keys received, in order */
    cm_peer last_peer;
} fixture;

static void hub_item(cm_hub *h, const cm_peer *from, const char *key, const void *p, size_t len,
                     void *arg)
{
    fixture *f = arg;
    f->last_peer = *from;
    if (!key[0]) {
        f->oneway_at_hub++;
        cm_hub_send_oneway(h, from, "pong", 4);
        return;
    }
    f->received++;
    snprintf(f->last_key, sizeof f->last_key, "%s", key);
    size_t n = strlen(f->order);
    if (n + 1 < sizeof f->order) f->order[n] = key[0];
    if (f->auto_ack) cm_hub_ack(h, from, key, "ok", 2);
    if (f->commit_ack) {
        assert_non_null(cm_store_batch_txn(f->store));
        assert_int_equal(cm_commit_ack(f->store, h, from, key, "durable", 7), 0);
    }
}

static void link_ack(cm_link *l, const char *key, const void *body, size_t len, void *arg)
{
    fixture *f = arg;
    f->acked++;
    snprintf(f->last_body, sizeof f->last_body, "%.*s", (int)len, (const char *)body);
}

static void link_msg(cm_link *l, const void *msg, size_t len, void *arg)
{
    ((fixture *)arg)->oneway_at_link++;
}

/* Runs the loop until *counter >= want or 3 s pass; returns the final value. */
static int run_until(fixture *f, int *counter, int want)
{
    for (int i = 0; i < 3000 && *counter < want; i++) {
        uv_run(&f->loop, UV_RUN_NOWAIT);
        usleep(1000);
    }
    return *counter;
}

static void start_hub(fixture *f)
{
    cm_hub_opts o = {f->endpoint, hub_item, f};
    assert_int_equal(cm_hub_create(&f->loop, f->zctx, &o, &f->hub), 0);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    uv_loop_init(&f->loop);
    f->zctx = zmq_ctx_new();
    snprintf(f->endpoint, sizeof f->endpoint, "ipc:///tmp/smsgw-test-%d", getpid());
    start_hub(f);
    cm_link_opts lo = {.endpoint = f->endpoint,
                       .identity = "test-link",
                       .retry_ms = 200,
                       .max_inflight = 2,
                       .ack_cb = link_ack,
                       .msg_cb = link_msg,
                       .arg = f};
    assert_int_equal(cm_link_create(&f->loop, f->zctx, &lo, &f->link), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    cm_link_free(f->link);
    cm_hub_free(f->hub);
    if (f->store) cm_store_close(f->store);
    uv_run(&f->loop, UV_RUN_NOWAIT);
    zmq_ctx_term(f->zctx);
    uv_loop_close(&f->loop);
    free(f);
    return 0;
}

static void acked_once_per_key(void **state)
{
    fixture *f = *state;
    f->auto_ack = 1;
    assert_int_equal(cm_link_send(f->link, "k1", "a", 1), 0);
    assert_int_equal(cm_link_send(f->link, "k1", "a", 1), -EEXIST);
    assert_int_equal(cm_link_send(f->link, "k2", "b", 1), 0);
    assert_int_equal(cm_link_send(f->link, "k3", "c", 1), 0); /* beyond max_inflight 2 */
    assert_int_equal(run_until(f, &f->acked, 3), 3);
    assert_int_equal(cm_link_pending(f->link), 0);
    assert_string_equal(f->last_body, "ok");
    cm_hub_ack(f->hub, &f->last_peer, "k1", "dup", 3); /* a late duplicate ack is ignored */
    run_until(f, &f->acked, 4);
    assert_int_equal(f->acked, 3);
    assert_string_equal(f->last_body, "ok");
}

static void inflight_window_moves_on_acks_and_cancels(void **state)
{
    fixture *f = *state;
    cm_link_free(f->link); /* a link that re-sends only after 10 s: every receipt is new */
    cm_link_opts lo = {.endpoint = f->endpoint,
                       .retry_ms = 10000,
                       .max_inflight = 2,
                       .ack_cb = link_ack,
                       .arg = f};
    assert_int_equal(cm_link_create(&f->loop, f->zctx, &lo, &f->link), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(cm_link_send(f->link, (const char[]){(char)('a' + i), 0}, "x", 1), 0);
    assert_int_equal(run_until(f, &f->received, 2), 2);
    for (int i = 0; i < 100; i++) /* 100 ms: nothing beyond the two in flight */
        uv_run(&f->loop, UV_RUN_NOWAIT), usleep(1000);
    assert_string_equal(f->order, "ab");
    cm_hub_ack(f->hub, &f->last_peer, "a", "", 0);
    assert_int_equal(run_until(f, &f->received, 3), 3);
    assert_string_equal(f->order, "abc");
    assert_int_equal(cm_link_cancel(f->link, "b"), 0);
    assert_int_equal(run_until(f, &f->received, 4), 4);
    assert_string_equal(f->order, "abcd");
    assert_int_equal(f->acked, 1);
    assert_int_equal(cm_link_pending(f->link), 3); /* c, d on the wire; e waits */
}

static void unacked_items_are_resent(void **state)
{
    fixture *f = *state;
    assert_int_equal(cm_link_send(f->link, "x", "payload", 7), 0);
    assert_true(run_until(f, &f->received, 3) >= 3); /* retry_ms 200: re-sent */
    assert_int_equal(f->acked, 0);
    assert_true(cm_link_is_pending(f->link, "x"));
    assert_int_equal(cm_link_cancel(f->link, "x"), 0);
    assert_int_equal(cm_link_pending(f->link), 0);
}

static void receiver_restart_gets_outstanding(void **state)
{
    fixture *f = *state;
    assert_int_equal(cm_link_send(f->link, "r1", "1", 1), 0);
    assert_int_equal(cm_link_send(f->link, "r2", "2", 1), 0);
    run_until(f, &f->received, 2);
    cm_hub_free(f->hub); /* the receiver dies without acking */
    uv_run(&f->loop, UV_RUN_NOWAIT);
    f->received = 0;
    f->auto_ack = 1;
    start_hub(f);
    assert_int_equal(run_until(f, &f->acked, 2), 2);
    assert_int_equal(cm_link_pending(f->link), 0);
}

static void oneway_both_ways(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 50 && cm_link_send_oneway(f->link, "ping", 4) != 0; i++)
        uv_run(&f->loop, UV_RUN_NOWAIT), usleep(10000);
    assert_int_equal(run_until(f, &f->oneway_at_link, 1), 1);
    assert_int_equal(f->oneway_at_hub, 1);
    assert_int_equal(f->received, 0);
}

static void ack_leaves_after_commit(void **state)
{
    fixture *f = *state;
    const char *const dbs[] = {"seen", NULL};
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/smsgw-test-store-%d", getpid());
    assert_int_equal(cm_store_open(dir, 1 << 24, dbs, &f->store), 0);
    f->commit_ack = 1; /* store not attached: nothing commits by itself */
    assert_int_equal(cm_link_send(f->link, "c1", "x", 1), 0);
    run_until(f, &f->received, 1);
    run_until(f, &f->acked, 1);
    assert_int_equal(f->acked, 0); /* received, not committed: no ack */
    f->commit_ack = 0;
    assert_int_equal(cm_store_batch_commit(f->store), 0);
    assert_int_equal(run_until(f, &f->acked, 1), 1);
    assert_string_equal(f->last_body, "durable");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(acked_once_per_key, setup, teardown),
        cmocka_unit_test_setup_teardown(inflight_window_moves_on_acks_and_cancels, setup, teardown),
        cmocka_unit_test_setup_teardown(unacked_items_are_resent, setup, teardown),
        cmocka_unit_test_setup_teardown(receiver_restart_gets_outstanding, setup, teardown),
        cmocka_unit_test_setup_teardown(oneway_both_ways, setup, teardown),
        cmocka_unit_test_setup_teardown(ack_leaves_after_commit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
