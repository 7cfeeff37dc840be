/* ctl_control: smsgwctl's requests to the router about one submission, written to
 * <state_dir>/control (cm_control) and acted on by the running router within a second
 * (router/rt_control.c):
 *
 *   hold SUBMISSION      its jobs stop going out (those already at an egress finish)
 *   release SUBMISSION   they go out again
 *   retry SUBMISSION     its jobs waiting for a retry delay go out now
 *   held                 the held submissions, "number held-since-utc" a line
 *
 * The submission must exist in the router's store (exit 1 otherwise). Exit codes as
 * in ctl.h. */
#include "cm_control.h"
#include "ctl_cmds.h"

#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static int print_held(const char *submission, uint64_t at_ms, void *arg)
{
    char when[32];
    time_t t = (time_t)(at_ms / 1000);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    fprintf(arg, "%s %s\n", submission, when);
    return 0;
}

static int known_submission(ctl_ctx *c, const char *number)
{
    MDB_val v;
    if (c->rt.env && ctl_store_get(&c->rt, "submissions", number, strlen(number), &v) == 0)
        return 1;
    fprintf(c->err, "smsgwctl: no submission %s in %s\n", number, c->rt.dir);
    return 0;
}

static int request(ctl_ctx *c, cm_control *ctl, const char *verb, const char *number)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    uint64_t now = (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
    int rc = !strcmp(verb, "hold")      ? cm_control_put(ctl, CM_CONTROL_HOLD, number, now)
             : !strcmp(verb, "release") ? cm_control_del(ctl, CM_CONTROL_HOLD, number)
                                        : cm_control_put(ctl, CM_CONTROL_RETRY, number, now);
    if (rc == -ENOENT) {
        fprintf(c->err, "smsgwctl: submission %s is not held\n", number);
        return CTL_EXIT_NOTFOUND;
    }
    if (rc) {
        fprintf(c->err, "smsgwctl: control store: %s\n", strerror(-rc));
        return CTL_EXIT_UNAVAILABLE;
    }
    fprintf(c->out, "%s: %s requested (the router acts on it within a second)\n", number, verb);
    return CTL_EXIT_OK;
}

int ctl_cmd_control(ctl_ctx *c, int argc, char **argv)
{
    int listing = !strcmp(argv[0], "held");
    if ((listing && argc != 1) || (!listing && argc != 2)) {
        fprintf(c->err, "usage: smsgwctl hold|release|retry SUBMISSION | held\n");
        return CTL_EXIT_USAGE;
    }
    if (!listing && !known_submission(c, argv[1])) return CTL_EXIT_NOTFOUND;
    cm_control *ctl;
    int rc = cm_control_open(c->cfg->state_dir, &ctl);
    if (rc) {
        fprintf(c->err, "smsgwctl: cannot open %s/control: %s\n", c->cfg->state_dir, strerror(-rc));
        return CTL_EXIT_UNAVAILABLE;
    }
    if (listing) {
        long n = cm_control_each(ctl, CM_CONTROL_HOLD, print_held, c->out);
        rc = n < 0 ? CTL_EXIT_UNAVAILABLE : CTL_EXIT_OK;
    } else
        rc = request(c, ctl, argv[0], argv[1]);
    cm_control_close(ctl);
    return rc;
}
