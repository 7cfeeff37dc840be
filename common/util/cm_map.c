/* cm_map: separate chaining, power-of-two bucket count, FNV-1a, grows at load 1. */
#include "cm_map.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    struct entry *next;
    void *value;
    char key[];
} entry;

struct cm_map {
    entry **buckets;
    size_t nbuckets, size;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

cm_map *cm_map_create(void)
{
    cm_map *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->nbuckets = 64;
    m->buckets = calloc(m->nbuckets, sizeof *m->buckets);
    if (!m->buckets) {
        free(m);
        return NULL;
    }
    return m;
}

void cm_map_free(cm_map *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->nbuckets; i++)
        for (entry *e = m->buckets[i], *next; e; e = next) {
            next = e->next;
            free(e);
        }
    free(m->buckets);
    free(m);
}

static entry **find(const cm_map *m, const char *key)
{
    entry **p = &m->buckets[hash(key) & (m->nbuckets - 1)];
    while (*p && strcmp((*p)->key, key) != 0)
        p = &(*p)->next;
    return p;
}

static void grow(cm_map *m)
{
    size_t n = m->nbuckets * 2;
    entry **b = calloc(n, sizeof *b);
    if (!b) return; /* stays correct, only slower */
    for (size_t i = 0; i < m->nbuckets; i++)
        for (entry *e = m->buckets[i], *next; e; e = next) {
            next = e->next;
            entry **slot = &b[hash(e->key) & (n - 1)];
            e->next = *slot;
            *slot = e;
        }
    free(m->buckets);
    m->buckets = b;
    m->nbuckets = n;
}

int cm_map_put(cm_map *m, const char *key, void *value, void **old)
{
    entry **p = find(m, key);
    if (*p) {
        if (old) *old = (*p)->value;
        (*p)->value = value;
        return 0;
    }
    size_t klen = strlen(key);
    entry *e = malloc(sizeof *e + klen + 1);
    if (!e) return -ENOMEM;
    memcpy(e->key, key, klen + 1);
    e->value = value;
    e->next = NULL;
    *p = e;
    if (old) *old = NULL;
    if (++m->size > m->nbuckets) grow(m);
    return 0;
}

void *cm_map_get(const cm_map *m, const char *key)
{
    entry *e = *find(m, key);
    return e ? e->value : NULL;
}

void *cm_map_del(cm_map *m, const char *key)
{
    entry **p = find(m, key), *e = *p;
    if (!e) return NULL;
    void *v = e->value;
    *p = e->next;
    free(e);
    m->size--;
    return v;
}

size_t cm_map_size(const cm_map *m)
{
    return m->size;
}

void cm_map_each(cm_map *m, int (*fn)(const char *key, void *value, void *arg), void *arg)
{
    for (size_t i = 0; i < m->nbuckets; i++)
        for (entry *e = m->buckets[i], *next; e; e = next) {
            next = e->next;
            if (fn(e->key, e->value, arg)) return;
        }
}
