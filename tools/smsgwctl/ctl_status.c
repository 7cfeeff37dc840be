/* ctl_status: `status [--timeout MS]`: the processes (through their metrics
 * listeners), then the queues like Postfix's qshape (unfinished jobs per operator by
 * age of their submission), then dlr's receipts and mails. Exit 0 when every
 * configured process answered, 1 when one did not, 3 when no store could be read. */
#include "ctl_cmds.h"
#include "ctl_fmt.h"
#include "ctl_state.h"

#include <getopt.h>
#include <stdlib.h>

static void print_procs(ctl_ctx *c, const ctl_state *s)
{
    fprintf(c->out, "%-24s %-22s %-6s %-8s %s\n", "PROCESS", "METRICS", "STATE", "UPTIME",
            "DETAIL");
    for (size_t i = 0; i < s->n_procs; i++) {
        const ctl_proc *p = &s->procs[i];
        char age[32];
        fprintf(c->out, "%-24s %-22s %-6s %-8s %s\n", p->name, p->configured ? p->listen : "-",
                !p->configured ? "?"
                : p->up        ? "up"
                               : "DOWN",
                p->up ? ctl_fmt_age((uint64_t)(p->uptime_s * 1000), age, sizeof age) : "-",
                !p->configured ? "no metrics_listen configured"
                : p->up        ? p->detail
                               : p->error);
    }
}

static void print_row(ctl_ctx *c, const ctl_opq *q)
{
    fprintf(c->out, "  %-20s %6u %8u", q->name, q->jobs, q->deferred);
    for (int b = 0; b < CTL_AGE_BUCKETS; b++)
        fprintf(c->out, " %6u", q->age[b]);
    fputc('\n', c->out);
}

static void print_queues(ctl_ctx *c, const ctl_state *s)
{
    fprintf(c->out, "\nQUEUE (router store %s/router)\n", c->cfg->state_dir);
    if (!s->have_rt) {
        fprintf(c->out, "  not readable here\n");
    } else {
        fprintf(c->out, "  %-20s %6s %8s", "OPERATOR", "JOBS", "DEFERRED");
        for (int b = 0; b < CTL_AGE_BUCKETS; b++)
            fprintf(c->out, " %6s", ctl_age_labels[b]);
        fputc('\n', c->out);
        print_row(c, &s->total);
        for (size_t i = 0; i < s->n_ops; i++)
            print_row(c, &s->ops[i]);
        fprintf(c->out, "  submissions: %zu, events waiting for dlr: %zu\n", s->submissions,
                s->to_dlr);
    }
    fprintf(c->out, "\nRECEIPTS (dlr store %s/dlr)\n", c->cfg->state_dir);
    if (!s->have_dl)
        fprintf(c->out, "  not readable here\n");
    else
        fprintf(c->out,
                "  submissions awaiting receipts: %zu\n"
                "  receipts unmatched: %zu, early (before their submit result): %zu\n"
                "  receipt mails queued: %zu, refused for good: %zu\n",
                s->dl_awaiting, s->dl_unmatched, s->dl_early, s->dl_outbox, s->dl_dead);
}

int ctl_cmd_status(ctl_ctx *c, int argc, char **argv)
{
    static const struct option OPTS[] = {{"timeout", required_argument, NULL, 't'},
                                         {NULL, 0, NULL, 0}};
    long timeout = 1000;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "t:", OPTS, NULL)) != -1)
        if (opt != 't' || (timeout = strtol(optarg, NULL, 10)) <= 0) {
            fprintf(c->err, "usage: smsgwctl status [--timeout MS]\n");
            return CTL_EXIT_USAGE;
        }
    if (optind != argc) {
        fprintf(c->err, "usage: smsgwctl status [--timeout MS]\n");
        return CTL_EXIT_USAGE;
    }
    ctl_state *s = calloc(1, sizeof *s);
    if (!s) return CTL_EXIT_UNAVAILABLE;
    ctl_state_procs(c, s, timeout);
    ctl_state_queues(c, s);
    print_procs(c, s);
    print_queues(c, s);
    int rc = !s->have_rt && !s->have_dl ? CTL_EXIT_UNAVAILABLE
             : s->procs_down            ? CTL_EXIT_NOTFOUND
                                        : CTL_EXIT_OK;
    free(s);
    return rc;
}
