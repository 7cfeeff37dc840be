/* se_idx: see se_idx.h. */
#include "se_idx.h"

#include <errno.h>
#include <stdlib.h>

struct se_idx_slot {
    uint64_t id; /* 0: empty */
    void *value;
};

static size_t home(const se_idx *x, uint64_t id)
{
    id *= 0x9E3779B97F4A7C15ull; /* Fibonacci hashing: ids are consecutive */
    return (size_t)(id >> 32) & (x->cap - 1);
}

void *se_idx_get(const se_idx *x, uint64_t id)
{
    if (!x->cap || !id) return NULL;
    for (size_t i = home(x, id);; i = (i + 1) & (x->cap - 1)) {
        if (x->slots[i].id == id) return x->slots[i].value;
        if (!x->slots[i].id) return NULL;
    }
}

static void place(se_idx *x, uint64_t id, void *value)
{
    size_t i = home(x, id);
    while (x->slots[i].id)
        i = (i + 1) & (x->cap - 1);
    x->slots[i] = (struct se_idx_slot){id, value};
    x->n++;
}

static int resize(se_idx *x, size_t cap)
{
    struct se_idx_slot *old = x->slots;
    size_t old_cap = x->cap;
    struct se_idx_slot *slots = calloc(cap, sizeof *slots);
    if (!slots) return -ENOMEM;
    x->slots = slots;
    x->cap = cap;
    x->n = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].id) place(x, old[i].id, old[i].value);
    free(old);
    return 0;
}

int se_idx_put(se_idx *x, uint64_t id, void *value)
{
    if (!id) return -EINVAL;
    if (se_idx_get(x, id)) return -EEXIST;
    if ((x->n + 1) * 2 > x->cap && resize(x, x->cap ? x->cap * 2 : 64) != 0) return -ENOMEM;
    place(x, id, value);
    return 0;
}

/* Backward-shift deletion: moves later entries of the probe run into the hole. */
void *se_idx_del(se_idx *x, uint64_t id)
{
    size_t mask = x->cap - 1, i;
    if (!x->cap || !id) return NULL;
    for (i = home(x, id); x->slots[i].id != id; i = (i + 1) & mask)
        if (!x->slots[i].id) return NULL;
    void *value = x->slots[i].value;
    for (size_t j = (i + 1) & mask; x->slots[j].id; j = (j + 1) & mask) {
        size_t h = home(x, x->slots[j].id);
        if (((j - h) & mask) >= ((j - i) & mask)) { /* h is not in (i, j]: move it */
            x->slots[i] = x->slots[j];
            i = j;
        }
    }
    x->slots[i].id = 0;
    x->slots[i].value = NULL;
    x->n--;
    if (x->cap > 64 && x->n * 8 < x->cap) resize(x, x->cap / 2); /* shrink when sparse */
    return value;
}

void se_idx_free(se_idx *x)
{
    free(x->slots);
    *x = (se_idx){0};
}
