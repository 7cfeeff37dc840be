/* ctl_cmds: the smsgwctl commands. Each takes the context and its own argv (argv[0] is
 * the command's name; options are parsed with getopt_long from there) and returns an
 * exit code (CTL_EXIT_* in ctl.h). Output on c->out, diagnostics on c->err. */
#ifndef CTL_CMDS_H
#define CTL_CMDS_H

#include "ctl.h"

int ctl_cmd_show(ctl_ctx *c, int argc, char **argv);        /* ctl_query.c */
int ctl_cmd_search(ctl_ctx *c, int argc, char **argv);      /* ctl_query.c */
int ctl_cmd_billing(ctl_ctx *c, int argc, char **argv);     /* ctl_billing.c */
int ctl_cmd_status(ctl_ctx *c, int argc, char **argv);      /* ctl_status.c */
int ctl_cmd_serve(ctl_ctx *c, int argc, char **argv);       /* ctl_serve.c */
int ctl_cmd_blacklist(ctl_ctx *c, int argc, char **argv);   /* ctl_lists.c */
int ctl_cmd_portability(ctl_ctx *c, int argc, char **argv); /* ctl_lists.c */
int ctl_cmd_control(ctl_ctx *c, int argc, char **argv);     /* ctl_control.c */

#endif
