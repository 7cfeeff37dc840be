/* rt_config: see rt_config.h. */
#include "rt_config.h"
#include "cm_log.h"

#include <string.h>

/* Loads everything; 0 or -1 with the reason in err. */
static int load_all(const char *path, cm_config **cfg, cm_accounts **acc, cm_calendar_policy *quiet,
                    char *err, size_t cap)
{
    if (cm_config_load(path, cfg, err, cap) != 0) return -1;
    if (cm_accounts_create(*cfg, acc, err, cap) != 0 || cm_config_quiet_policy(*cfg, quiet) != 0) {
        cm_config_free(*cfg);
        return -1;
    }
    return 0;
}

static int same_operators(const cm_config *a, const cm_config *b)
{
    if (a->n_operators != b->n_operators) return 0;
    for (size_t i = 0; i < a->n_operators; i++)
        if (strcmp(a->operators[i].name, b->operators[i].name) != 0) return 0;
    return 1;
}

void rt_config_load(rt_ctx *ctx)
{
    char err[512];
    if (load_all(ctx->config_path, &ctx->cfg, &ctx->accounts, &ctx->quiet, err, sizeof err))
        cm_log_fatal("config: %s", err);
}

void rt_config_reload(rt_ctx *ctx)
{
    char err[512];
    cm_config *cfg;
    cm_accounts *acc;
    cm_calendar_policy quiet;
    if (load_all(ctx->config_path, &cfg, &acc, &quiet, err, sizeof err)) {
        cm_error("reload refused, running config kept: %s", err);
        return;
    }
    if (!same_operators(ctx->cfg, cfg)) {
        cm_error("reload refused: the operators changed; restart the router to apply that");
        cm_accounts_free(acc);
        cm_config_free(cfg);
        return;
    }
    cm_accounts_free(ctx->accounts);
    cm_config_free(ctx->cfg);
    ctx->cfg = cfg;
    ctx->accounts = acc;
    ctx->quiet = quiet;
    cm_info("config reloaded from %s: %zu account(s)", ctx->config_path, cfg->n_accounts);
}
