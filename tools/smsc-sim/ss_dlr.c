/* ss_dlr: receipt FIFO on one timer, held receipts, receipt text (see ss_dlr.h). */
#include "ss_dlr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hold(struct ss_dlr_queue *q, struct ss_dlr *d)
{
    d->next = NULL;
    if (q->held_tail)
        q->held_tail->next = d;
    else
        q->held = d;
    q->held_tail = d;
    q->n_held++;
    while (q->n_held > SS_DLR_MAX_HELD) {
        struct ss_dlr *old = q->held;
        q->held = old->next;
        free(old);
        q->n_held--;
        q->dropped++;
    }
}

static void deliver(struct ss_dlr_queue *q, struct ss_dlr *d)
{
    if (q->send(q->ctx, d) == -ENOTCONN)
        hold(q, d);
    else
        free(d);
}

static void on_timer(uv_timer_t *t)
{
    struct ss_dlr_queue *q = t->data;
    uint64_t now = uv_now(t->loop);

    while (q->head && q->head->due_ms <= now) {
        struct ss_dlr *d = q->head;
        q->head = d->next;
        if (!q->head) q->tail = NULL;
        q->n_waiting--;
        deliver(q, d);
    }
    if (q->head) uv_timer_start(&q->timer, on_timer, q->head->due_ms - now, 0);
}

int ss_dlr_queue_init(struct ss_dlr_queue *q, uv_loop_t *loop, uint64_t delay_ms,
                      ss_dlr_send_fn send, void *ctx)
{
    int rc;

    memset(q, 0, sizeof *q);
    q->delay_ms = delay_ms;
    q->send = send;
    q->ctx = ctx;
    rc = uv_timer_init(loop, &q->timer);
    q->timer.data = q;
    return rc;
}

int ss_dlr_queue_push(struct ss_dlr_queue *q, const struct ss_dlr *d)
{
    struct ss_dlr *c = malloc(sizeof *c);

    if (!c) return -ENOMEM;
    *c = *d;
    c->next = NULL;
    c->due_ms = uv_now(q->timer.loop) + q->delay_ms;
    if (q->tail)
        q->tail->next = c;
    else
        q->head = c;
    q->tail = c;
    q->n_waiting++;
    if (!uv_is_active((uv_handle_t *)&q->timer))
        uv_timer_start(&q->timer, on_timer, q->delay_ms, 0);
    return 0;
}

void ss_dlr_queue_release(struct ss_dlr_queue *q, const char *system_id)
{
    struct ss_dlr *list = q->held, *d;

    q->held = q->held_tail = NULL;
    q->n_held = 0;
    while ((d = list) != NULL) {
        list = d->next;
        if (strcmp(d->system_id, system_id) == 0)
            deliver(q, d);
        else
            hold(q, d);
    }
}

static void free_list(struct ss_dlr *d)
{
    while (d) {
        struct ss_dlr *next = d->next;
        free(d);
        d = next;
    }
}

void ss_dlr_queue_close(struct ss_dlr_queue *q)
{
    free_list(q->head);
    free_list(q->held);
    q->head = q->tail = q->held = q->held_tail = NULL;
    q->n_waiting = q->n_held = 0;
    if (!uv_is_closing((uv_handle_t *)&q->timer)) uv_close((uv_handle_t *)&q->timer, NULL);
}

static void yymmddhhmm(time_t t, char out[16])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    if (strftime(out, 16, "%y%m%d%H%M", &tm) == 0) out[0] = '\0';
}

size_t ss_dlr_receipt_text(const struct ss_dlr *d, time_t done, char *out, size_t outsz)
{
    char sub[16], fin[16];
    int n;

    yymmddhhmm(d->submit_time, sub);
    yymmddhhmm(done, fin);
    n = snprintf(out, outsz,
                 "id:%s sub:001 dlvrd:%s submit date:%s done date:%s stat:%s err:%s text:%s",
                 d->msg_id, d->failed ? "000" : "001", sub, fin, d->failed ? "UNDELIV" : "DELIVRD",
                 d->failed ? "001" : "000", d->text);
    if (n < 0) return 0;
    return (size_t)n < outsz ? (size_t)n : outsz - 1;
}
