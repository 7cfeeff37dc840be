/* se_rate: token bucket and adaptive limit of one bind (see se_rate.h). */
#include "se_rate.h"

void se_rate_init(se_rate *r, int max_rate, uint64_t now_ms)
{
    *r = (se_rate){.max_rate = max_rate > 0 ? max_rate : 0, .tok_ms = now_ms, .slot_ms = now_ms};
    se_rate_bound(r, now_ms);
}

double se_rate_in_force(const se_rate *r)
{
    return r->limit > 0 ? r->limit : r->max_rate;
}

void se_rate_bound(se_rate *r, uint64_t now_ms)
{
    r->tokens = se_rate_in_force(r) > 0 ? 1 : 0;
    r->tok_ms = now_ms;
}

static void refill(se_rate *r, double rate, uint64_t now_ms)
{
    if (now_ms > r->tok_ms) r->tokens += (double)(now_ms - r->tok_ms) * rate / 1000.0;
    r->tok_ms = now_ms;
    double max = rate < 1 ? 1 : rate;
    if (r->tokens > max) r->tokens = max;
}

int se_rate_room(se_rate *r, uint64_t now_ms, int cap)
{
    double rate = se_rate_in_force(r);
    if (rate <= 0) return cap;
    refill(r, rate, now_ms);
    if (r->tokens < 1) return 0;
    return r->tokens < cap ? (int)r->tokens : cap;
}

uint64_t se_rate_wait_ms(const se_rate *r)
{
    double rate = se_rate_in_force(r);
    if (rate <= 0 || r->tokens >= 1) return 0;
    return (uint64_t)((1 - r->tokens) * 1000 / rate) + 1;
}

/* Counts submits per one-second slot; prev_n is the last complete slot. */
static void count_slot(se_rate *r, uint64_t now_ms)
{
    if (now_ms - r->slot_ms < 1000) return;
    r->prev_n = now_ms - r->slot_ms < 2000 ? r->slot_n : 0;
    r->slot_ms = now_ms;
    r->slot_n = 0;
}

void se_rate_sent(se_rate *r, uint64_t now_ms)
{
    count_slot(r, now_ms);
    r->slot_n++;
    if (se_rate_in_force(r) > 0) r->tokens -= 1;
}

enum se_rate_change se_rate_throttled(se_rate *r, uint64_t now_ms)
{
    if (r->limit > 0 && now_ms - r->changed_ms < SE_RATE_STEP_MS) return SE_RATE_SAME;
    count_slot(r, now_ms);
    double base = se_rate_in_force(r);
    if (base <= 0) base = r->slot_n > r->prev_n ? r->slot_n : r->prev_n;
    if (base < SE_RATE_MIN) base = SE_RATE_MIN;
    if (r->limit <= 0) r->ceiling = base;
    r->limit = base / 2 < SE_RATE_MIN ? SE_RATE_MIN : base / 2;
    r->tokens = 0;
    r->tok_ms = r->changed_ms = now_ms;
    return SE_RATE_LOWERED;
}

enum se_rate_change se_rate_tick(se_rate *r, uint64_t now_ms)
{
    if (r->limit <= 0 || now_ms - r->changed_ms < SE_RATE_STEP_MS) return SE_RATE_SAME;
    double rate = se_rate_in_force(r);
    refill(r, rate, now_ms); /* tokens so far at the old rate */
    r->limit = r->limit * 1.1 > r->limit + 1 ? r->limit * 1.1 : r->limit + 1;
    r->changed_ms = now_ms;
    if (r->limit < r->ceiling) return SE_RATE_RAISED;
    r->limit = 0;
    return SE_RATE_LIFTED;
}
