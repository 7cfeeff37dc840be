/* rt_clock: the router's wall clock, in ms since the epoch (rt_ctx.h). */
#include "rt_ctx.h"

#include <time.h>

uint64_t rt_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
