/* rt_control: the operator's requests from `smsgwctl hold|release|retry`, read once a
 * second from <state_dir>/control (cm_control): the set of held submissions becomes
 * ctx->held (rt_feed stops their jobs at dispatch), a submission no longer held has
 * its jobs released, and a retry request makes the submission's jobs that wait for a
 * retry delay go out at once (the request is then deleted). Storage errors on the
 * control store are logged and retried the next second; they never stop the router. */
#ifndef RT_CONTROL_H
#define RT_CONTROL_H

struct rt_ctx;

int rt_control_start(struct rt_ctx *ctx);
void rt_control_stop(struct rt_ctx *ctx);

#endif
