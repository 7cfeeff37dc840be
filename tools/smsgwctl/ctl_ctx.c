/* ctl_ctx: the context of ctl.h. */
#include "ctl.h"

#include <errno.h>
#include <string.h>

static void open_one(ctl_ctx *c, ctl_store *s, const char *name)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", c->cfg->state_dir, name);
    int rc = ctl_store_open(s, dir);
    if (rc != 0 && rc != -ENOENT)
        fprintf(c->err, "smsgwctl: cannot read %s: %s\n", dir,
                rc == -EIO ? "LMDB error" : strerror(-rc));
}

void ctl_ctx_open(ctl_ctx *c, const cm_config *cfg, FILE *out, FILE *err)
{
    memset(c, 0, sizeof *c);
    c->cfg = cfg;
    c->out = out;
    c->err = err;
    open_one(c, &c->rt, "router");
    open_one(c, &c->dl, "dlr");
}

void ctl_ctx_close(ctl_ctx *c)
{
    ctl_store_close(&c->rt);
    ctl_store_close(&c->dl);
}
