/* rt_route: see rt_route.h. Linear over the configured prefixes (a handful per
 * operator); one LMDB read for the portability database. */
#include "rt_route.h"

#include <string.h>

const cm_config_operator *rt_route_lookup(const cm_config *cfg, cm_portability *port,
                                          const char *e164)
{
    const cm_config_operator *best = NULL, *fallback = NULL;
    char ported[64];
    if (port && cm_portability_lookup(port, e164, ported, sizeof ported) == 0 &&
        (best = cm_config_operator_find(cfg, ported)) != NULL)
        return best;
    size_t best_len = 0;
    for (size_t i = 0; i < cfg->n_operators; i++) {
        const cm_config_operator *o = &cfg->operators[i];
        if (o->is_default && !fallback) fallback = o;
        for (size_t j = 0; j < o->n_prefixes; j++) {
            size_t n = strlen(o->prefixes[j]);
            if (n > best_len && strncmp(e164, o->prefixes[j], n) == 0) {
                best = o;
                best_len = n;
            }
        }
    }
    return best ? best : fallback;
}
