/* se_idx: a hash index from job id (uint64, never 0) to a borrowed pointer, for the
 * egress's job store (se_job): open addressing with linear probing, 16 bytes a slot,
 * at most half full, deletions by backward shift (no tombstones), so a lookup costs a
 * few cache lines and 100,000 entries take 2 to 4 MB.
 *
 * The index borrows the values. se_idx_put() returns 0, -EEXIST (id taken), -EINVAL
 * (id 0) or -ENOMEM; se_idx_del() returns the value it removed, NULL if absent. A zeroed
 * se_idx is an empty index; se_idx_free() releases its table (not the values). */
#ifndef SE_IDX_H
#define SE_IDX_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    struct se_idx_slot *slots;
    size_t cap, n; /* cap: 0 or a power of two */
} se_idx;

void *se_idx_get(const se_idx *x, uint64_t id);
int se_idx_put(se_idx *x, uint64_t id, void *value);
void *se_idx_del(se_idx *x, uint64_t id);
void se_idx_free(se_idx *x);

#endif
