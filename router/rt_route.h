/* rt_route: the operator of an E.164 number (SPEC §7): the portability database first
 * (an exact number moved to another operator; ignored when it names an operator the
 * config does not have), then the longest configured prefix, then the operator marked
 * default, else none (NULL). Borrows the config and the database (NULL: none). */
#ifndef RT_ROUTE_H
#define RT_ROUTE_H

#include "cm_config.h"
#include "cm_portability.h"

const cm_config_operator *rt_route_lookup(const cm_config *cfg, cm_portability *port,
                                          const char *e164);

#endif
