/* rt_jobindex: job id -> pointer, for the router's in-memory jobs (rt_feed). Job ids
 * are handed out in increasing order and never reused, so the index is a table of
 * pages of RT_JOBINDEX_PAGE slots, allocated when a page gets its first job and freed
 * when it loses its last: 8 bytes a job instead of a hash entry (it holds a million
 * queued jobs in about 8 MB).
 *
 * The index borrows the pointers (the caller owns what they point to). Id 0 is not a
 * job id. rt_jobindex_put() returns 0, -EEXIST (the id is taken) or -ENOMEM;
 * rt_jobindex_each() calls fn on every entry in id order and stops when fn returns
 * non-zero; fn must not change the index. */
#ifndef RT_JOBINDEX_H
#define RT_JOBINDEX_H

#include <stddef.h>
#include <stdint.h>

#define RT_JOBINDEX_PAGE 4096

typedef struct {
    void ***pages;  /* pages[id / RT_JOBINDEX_PAGE][id % RT_JOBINDEX_PAGE] */
    uint32_t *used; /* entries in each page */
    size_t npages;
    size_t size;
} rt_jobindex;

void *rt_jobindex_get(const rt_jobindex *x, uint64_t id);
int rt_jobindex_put(rt_jobindex *x, uint64_t id, void *value);
void *rt_jobindex_del(rt_jobindex *x, uint64_t id);
void rt_jobindex_each(rt_jobindex *x, int (*fn)(uint64_t id, void *value, void *arg), void *arg);
void rt_jobindex_free(rt_jobindex *x); /* frees the index, not the values */

#endif
