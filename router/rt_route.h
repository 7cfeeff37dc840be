/* rt_route: the operator of an E.164 number (SPEC §7): the longest configured prefix,
 * else the operator marked default, else none (NULL). Borrows the config; pure. */
#ifndef RT_ROUTE_H
#define RT_ROUTE_H

#include "cm_config.h"

const cm_config_operator *rt_route_lookup(const cm_config *cfg, const char *e164);

#endif
