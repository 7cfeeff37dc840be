/* rt_clock: the router's wall clock (rt_ctx.h), shiftable for tests by SMSGW_NOW. */
#include "cm_log.h"
#include "rt_ctx.h"
#include "rt_schedule.h"

#include <stdlib.h>
#include <time.h>

static uint64_t real_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t rt_now_ms(void)
{
    static int64_t offset_ms; /* read-only after the first call: set from the environment */
    static int ready;
    if (!ready) {
        const char *now = getenv("SMSGW_NOW");
        uint64_t at;
        ready = 1;
        if (now && *now) {
            if (rt_schedule_parse_header(now, &at) != 0)
                cm_log_fatal("SMSGW_NOW=%s is not an RFC 3339 time", now);
            offset_ms = (int64_t)at - (int64_t)real_now_ms();
            cm_warn("clock shifted by SMSGW_NOW: now is %s", now);
        }
    }
    return (uint64_t)((int64_t)real_now_ms() + offset_ms);
}
