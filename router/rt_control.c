/* rt_control: see rt_control.h. */
#include "rt_control.h"
#include "cm_log.h"
#include "cm_map.h"
#include "rt_ctx.h"
#include "rt_feed.h"

#include <errno.h>
#include <string.h>

#define RT_CONTROL_PERIOD_MS 1000

static int add_held(const char *submission, uint64_t at_ms, void *arg)
{
    return cm_map_put(arg, submission, arg, NULL) != 0;
}

/* Releases the submissions of the old set that the new one does not hold. */
static int release_gone(const char *submission, void *value, void *arg)
{
    rt_ctx *ctx = arg;
    if (!cm_map_get(ctx->held, submission))
        cm_info("submission %s released: %zu job(s) ready", submission,
                rt_feed_release(ctx->feed, submission));
    return 0;
}

static int do_retry(const char *submission, uint64_t at_ms, void *arg)
{
    rt_ctx *ctx = arg;
    cm_info("submission %s: retry requested, %zu job(s) ready now", submission,
            rt_feed_retry_now(ctx->feed, submission));
    return 0;
}

static int drop_retry(const char *submission, uint64_t at_ms, void *arg)
{
    return cm_control_del(arg, CM_CONTROL_RETRY, submission) != 0;
}

static void on_tick(uv_timer_t *t)
{
    rt_ctx *ctx = t->data;
    cm_map *old = ctx->held, *now = cm_map_create();
    if (!now || cm_control_each(ctx->control, CM_CONTROL_HOLD, add_held, now) < 0) {
        cm_map_free(now);
        return; /* try again next second */
    }
    ctx->held = now;
    cm_map_each(old, release_gone, ctx);
    cm_map_free(old);
    if (cm_control_each(ctx->control, CM_CONTROL_RETRY, do_retry, ctx) > 0)
        cm_control_each(ctx->control, CM_CONTROL_RETRY, drop_retry, ctx->control);
    rt_feed_dispatch_all(ctx->feed);
}

int rt_control_start(rt_ctx *ctx)
{
    int rc = cm_control_open(ctx->cfg->state_dir, &ctx->control);
    if (rc) return rc;
    if (!(ctx->held = cm_map_create())) return -ENOMEM;
    uv_timer_init(ctx->loop, &ctx->control_timer);
    ctx->control_timer.data = ctx;
    uv_timer_start(&ctx->control_timer, on_tick, 0, RT_CONTROL_PERIOD_MS);
    return 0;
}

void rt_control_stop(rt_ctx *ctx)
{
    uv_timer_stop(&ctx->control_timer);
    cm_control_close(ctx->control);
    cm_map_free(ctx->held);
    ctx->control = NULL;
    ctx->held = NULL;
}
