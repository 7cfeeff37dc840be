/* rt_egress: the router's side of the egress handoffs: CREDIT (one-way) feeds rt_feed;
 * RESULT and mobile-originated DELIVER items are applied once (by key, in the `seen`
 * sub-database) in the batch and acknowledged after the commit. Item callback for
 * the egress cm_hub. */
#ifndef RT_EGRESS_H
#define RT_EGRESS_H

#include "cm_handoff.h"

void rt_egress_item(cm_hub *h, const cm_peer *from, const char *key, const void *payload,
                    size_t len, void *arg);

#endif
