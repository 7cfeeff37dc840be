/* cm_map: a hash map from NUL-terminated string keys to pointers.
 *
 * The map copies keys and borrows values (the caller owns what values point to).
 * cm_map_put() replaces an existing value and returns the old one through *old (may
 * be NULL). Iteration order is unspecified; do not modify the map while iterating
 * except through cm_map_del of the current key. Errors: -ENOMEM. */
#ifndef CM_MAP_H
#define CM_MAP_H

#include <stddef.h>

typedef struct cm_map cm_map;

cm_map *cm_map_create(void);
void cm_map_free(cm_map *m); /* frees keys, not values */
int cm_map_put(cm_map *m, const char *key, void *value, void **old);
void *cm_map_get(const cm_map *m, const char *key);
void *cm_map_del(cm_map *m, const char *key); /* returns the value, NULL if absent */
size_t cm_map_size(const cm_map *m);
/* Calls fn for each entry; stops early when fn returns non-zero. */
void cm_map_each(cm_map *m, int (*fn)(const char *key, void *value, void *arg), void *arg);

#endif
