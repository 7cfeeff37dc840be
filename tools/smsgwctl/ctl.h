/* ctl: what every smsgwctl command borrows: the loaded config, the two stores opened
 * read-only, and where to write. Filled by main.c (or a test); commands never write a
 * store and never change the config.
 *
 * Exit codes shared by every command (CTL_EXIT_*): 0 success, 1 nothing found or a
 * check failed (like grep), 2 usage error, 3 a store or process could not be read. */
#ifndef CTL_H
#define CTL_H

#include "cm_config.h"
#include "ctl_store.h"

#include <stdio.h>

enum { CTL_EXIT_OK = 0, CTL_EXIT_NOTFOUND = 1, CTL_EXIT_USAGE = 2, CTL_EXIT_UNAVAILABLE = 3 };

typedef struct ctl_ctx {
    const cm_config *cfg;
    ctl_store rt, dl; /* <state_dir>/router and <state_dir>/dlr; .env NULL when absent */
    FILE *out, *err;
} ctl_ctx;

/* Opens both stores of cfg->state_dir (absent ones stay closed) and the read txns. */
void ctl_ctx_open(ctl_ctx *c, const cm_config *cfg, FILE *out, FILE *err);
void ctl_ctx_close(ctl_ctx *c);

#endif
