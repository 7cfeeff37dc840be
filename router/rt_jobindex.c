/* rt_jobindex: see rt_jobindex.h. */
#include "rt_jobindex.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void *rt_jobindex_get(const rt_jobindex *x, uint64_t id)
{
    uint64_t p = id / RT_JOBINDEX_PAGE;
    return p < x->npages && x->pages[p] ? x->pages[p][id % RT_JOBINDEX_PAGE] : NULL;
}

static int grow(rt_jobindex *x, uint64_t p)
{
    size_t n = x->npages ? x->npages : 16;
    while (n <= p)
        n *= 2;
    void ***pages = realloc(x->pages, n * sizeof *pages);
    uint32_t *used = pages ? realloc(x->used, n * sizeof *used) : NULL;
    if (pages) x->pages = pages;
    if (!used) return -ENOMEM;
    x->used = used;
    memset(x->pages + x->npages, 0, (n - x->npages) * sizeof *pages);
    memset(x->used + x->npages, 0, (n - x->npages) * sizeof *used);
    x->npages = n;
    return 0;
}

int rt_jobindex_put(rt_jobindex *x, uint64_t id, void *value)
{
    uint64_t p = id / RT_JOBINDEX_PAGE;
    if (p >= x->npages && grow(x, p) != 0) return -ENOMEM;
    if (!x->pages[p] && !(x->pages[p] = calloc(RT_JOBINDEX_PAGE, sizeof **x->pages)))
        return -ENOMEM;
    void **slot = &x->pages[p][id % RT_JOBINDEX_PAGE];
    if (*slot) return -EEXIST;
    *slot = value;
    x->used[p]++;
    x->size++;
    return 0;
}

void *rt_jobindex_del(rt_jobindex *x, uint64_t id)
{
    uint64_t p = id / RT_JOBINDEX_PAGE;
    void *v = rt_jobindex_get(x, id);
    if (!v) return NULL;
    x->pages[p][id % RT_JOBINDEX_PAGE] = NULL;
    x->size--;
    if (--x->used[p] == 0) { /* a page whose jobs all finished */
        free(x->pages[p]);
        x->pages[p] = NULL;
    }
    return v;
}

void rt_jobindex_each(rt_jobindex *x, int (*fn)(uint64_t id, void *value, void *arg), void *arg)
{
    for (size_t p = 0; p < x->npages; p++)
        for (size_t i = 0; x->pages[p] && i < RT_JOBINDEX_PAGE; i++)
            if (x->pages[p][i] && fn(p * RT_JOBINDEX_PAGE + i, x->pages[p][i], arg)) return;
}

void rt_jobindex_free(rt_jobindex *x)
{
    for (size_t p = 0; p < x->npages; p++)
        free(x->pages[p]);
    free(x->pages);
    free(x->used);
    memset(x, 0, sizeof *x);
}
