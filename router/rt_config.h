/* rt_config: the router's view of the config file: the config itself, the compiled
 * account rules and the quiet-hours policy, loaded at start-up (fatal on error) and
 * again on SIGHUP (on error the running config stays and the reason is logged).
 * A reload that changes the operators (names or order) is refused: jobs in memory
 * refer to them; restart the router for that. ctx->config_path is borrowed. */
#ifndef RT_CONFIG_H
#define RT_CONFIG_H

#include "rt_ctx.h"

void rt_config_load(rt_ctx *ctx);
void rt_config_reload(rt_ctx *ctx);

#endif
