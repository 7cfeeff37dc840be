/* si_ratelimit: see si_ratelimit.h. Entries live in a cm_map keyed by the caller's key. */
#include "si_ratelimit.h"
#include "cm_map.h"

#include <errno.h>
#include <stdlib.h>

typedef struct {
    double tokens;
    uint64_t last_ms;
} entry;

struct si_ratelimit {
    cm_map *map;
    size_t max_keys;
};

si_ratelimit *si_ratelimit_create(size_t max_keys)
{
    si_ratelimit *rl = calloc(1, sizeof *rl);
    if (rl && !(rl->map = cm_map_create())) {
        free(rl);
        return NULL;
    }
    if (rl) rl->max_keys = max_keys;
    return rl;
}

static int free_entry(const char *key, void *value, void *arg)
{
    free(value);
    return 0;
}

void si_ratelimit_free(si_ratelimit *rl)
{
    if (!rl) return;
    cm_map_each(rl->map, free_entry, NULL);
    cm_map_free(rl->map);
    free(rl);
}

/* Brings an entry up to now: refill. */
static void refresh(entry *e, unsigned rate, uint64_t now_ms)
{
    if (now_ms > e->last_ms) {
        e->tokens += (double)(now_ms - e->last_ms) * rate / 60000.0;
        e->last_ms = now_ms;
    }
    if (e->tokens > rate) e->tokens = rate;
}

typedef struct {
    si_ratelimit *rl;
    uint64_t now_ms;
} sweep_arg;

/* Drops entries at rest. Their rate is unknown here: a bucket counts as full once a
 * minute has passed since its last use (the refill time of any rate). */
static int sweep_one(const char *key, void *value, void *arg)
{
    sweep_arg *a = arg;
    entry *e = value;
    if (a->now_ms >= e->last_ms + 60000) {
        cm_map_del(a->rl->map, key);
        free(e);
    }
    return 0;
}

static entry *get(si_ratelimit *rl, const char *key, unsigned rate, uint64_t now_ms, int *rc)
{
    entry *e = cm_map_get(rl->map, key);
    *rc = 0;
    if (e) return e;
    if (cm_map_size(rl->map) >= rl->max_keys) {
        sweep_arg a = {rl, now_ms};
        cm_map_each(rl->map, sweep_one, &a);
        if (cm_map_size(rl->map) >= rl->max_keys) {
            *rc = SI_RL_FULL;
            return NULL;
        }
    }
    if (!(e = calloc(1, sizeof *e)) || cm_map_put(rl->map, key, e, NULL) < 0) {
        free(e);
        *rc = -ENOMEM;
        return NULL;
    }
    e->tokens = rate;
    e->last_ms = now_ms;
    return e;
}

/* The key's entry brought up to now, or NULL with *rc: SI_RL_OK when the key has no
 * limit (nothing is tracked), SI_RL_FULL, -ENOMEM. */
static entry *current(si_ratelimit *rl, const char *key, unsigned rate, uint64_t now_ms, int *rc)
{
    *rc = SI_RL_OK;
    entry *e = rate ? get(rl, key, rate, now_ms, rc) : NULL;
    if (e) refresh(e, rate, now_ms);
    return e;
}

int si_ratelimit_check(si_ratelimit *rl, const char *key, unsigned rate, unsigned n,
                       uint64_t now_ms)
{
    int rc;
    entry *e = current(rl, key, rate, now_ms, &rc);
    if (!e) return rc;
    return e->tokens < (double)(n < rate ? n : rate) ? SI_RL_RATE : SI_RL_OK;
}

int si_ratelimit_take(si_ratelimit *rl, const char *key, unsigned rate, unsigned n, uint64_t now_ms)
{
    int rc;
    entry *e = current(rl, key, rate, now_ms, &rc);
    if (!e) return rc;
    e->tokens -= n;
    return SI_RL_OK;
}

size_t si_ratelimit_size(const si_ratelimit *rl)
{
    return cm_map_size(rl->map);
}
