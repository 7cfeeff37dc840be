/* ctl_query: `show SUBMISSION` (a submission and every recipient's state) and
 * `search --subject TEXT --refclient REF --number NUMBER` (one line per matching
 * submission; criteria combine with AND). Read-only (ctl_sub). */
#include "cm_number.h"
#include "ctl_cmds.h"
#include "ctl_fmt.h"
#include "ctl_sub.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

static void show_recipients(ctl_ctx *c, const cm_msg_accepted *a)
{
    fprintf(c->out, "\n  %-16s %-11s %5s  %-19s  %s\n", "NUMBER", "STATE", "PARTS", "FINAL AT",
            "DETAIL");
    for (size_t i = 0; i < a->recipients_n; i++) {
        const struct cm_wire_recipient *r = &a->recipients[i];
        ctl_rcpt_state st;
        char when[32];
        ctl_sub_rcpt_state(c, r, &st);
        fprintf(c->out, "  %-16s %-11s %5u  %-19s  %s", r->number, st.state, r->parts,
                ctl_fmt_time(st.at_ms, when, sizeof when), st.detail);
        if (r->line) fprintf(c->out, "%sline %u", st.detail[0] ? ", " : "", r->line);
        if (r->fields[0]) {
            fputs(st.detail[0] || r->line ? ", " : "", c->out);
            for (const char *p = r->fields; *p; p++)
                fputc(*p == '\t' ? ' ' : *p, c->out);
        }
        fputc('\n', c->out);
    }
}

int ctl_cmd_show(ctl_ctx *c, int argc, char **argv)
{
    if (argc != 2) {
        fprintf(c->err, "usage: smsgwctl show SUBMISSION\n");
        return CTL_EXIT_USAGE;
    }
    cm_arena *arena = NULL;
    cm_msg_accepted a;
    int rc = ctl_sub_load(c, argv[1], &arena, &a);
    if (rc != 0) {
        fprintf(c->err, "smsgwctl: submission %s: %s\n", argv[1],
                rc == -ENOENT ? "not found" : "unreadable record");
        cm_arena_free(arena);
        return CTL_EXIT_NOTFOUND;
    }
    char when[32], summary[256];
    ctl_sub_summary(c, &a, summary, sizeof summary);
    fprintf(c->out,
            "submission: %s\nreceived:   %s\naccount:    %s\nsubject:    %s\n"
            "status:     %s\nreply-to:   %s\nencoding:   %s, %u part(s) per SMS\n"
            "send at:    %s\n",
            a.submission, ctl_fmt_time(a.at_ms, when, sizeof when), a.account, a.subject, summary,
            a.reply_to[0] ? a.reply_to : "(no receipts)", a.encoding[0] ? a.encoding : "-", a.parts,
            a.send_at_ms ? ctl_fmt_time(a.send_at_ms, when, sizeof when) : "now");
    fprintf(c->out, "expires:    %s\ntext:       ", ctl_fmt_time(a.expires_ms, when, sizeof when));
    for (const char *p = a.text; *p; p++)
        fputs(*p == '\n' ? "\n            " : (char[2]){*p, 0}, c->out);
    fprintf(c->out, "\nrecipients: %zu\n", a.recipients_n);
    show_recipients(c, &a);
    cm_arena_free(arena);
    return CTL_EXIT_OK;
}

typedef struct {
    const char *subject, *refclient;
    char number[32];
    long found;
} criteria;

static int matches(const cm_msg_accepted *a, const criteria *q)
{
    if (q->subject && !strcasestr(a->subject, q->subject)) return 0;
    int ref = !q->refclient, num = !q->number[0];
    for (size_t i = 0; i < a->recipients_n && !(ref && num); i++) {
        char v[256];
        if (!ref)
            ref = !strcmp(ctl_fmt_field(a->recipients[i].fields, "REFCLIENT", v, sizeof v),
                          q->refclient);
        if (!num) num = !strcmp(a->recipients[i].number, q->number);
    }
    return ref && num;
}

static int print_match(ctl_ctx *c, const cm_msg_accepted *a, void *arg)
{
    criteria *q = arg;
    char when[32], summary[256];
    if (!matches(a, q)) return 0;
    if (q->found++ == 0)
        fprintf(c->out, "%-10s %-19s %-12s %5s  %-28s %s\n", "SUBMISSION", "RECEIVED", "ACCOUNT",
                "RCPTS", "STATUS", "SUBJECT");
    ctl_sub_summary(c, a, summary, sizeof summary);
    fprintf(c->out, "%-10s %-19s %-12s %5zu  %-28s %s\n", a->submission,
            ctl_fmt_time(a->at_ms, when, sizeof when), a->account, a->recipients_n, summary,
            a->subject);
    return 0;
}

int ctl_cmd_search(ctl_ctx *c, int argc, char **argv)
{
    static const struct option OPTS[] = {{"subject", required_argument, NULL, 's'},
                                         {"refclient", required_argument, NULL, 'r'},
                                         {"number", required_argument, NULL, 'n'},
                                         {NULL, 0, NULL, 0}};
    criteria q = {0};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "s:r:n:", OPTS, NULL)) != -1) {
        if (opt == 's') q.subject = optarg;
        if (opt == 'r') q.refclient = optarg;
        if (opt == 'n' && cm_number_normalise(optarg, q.number, sizeof q.number) != 0)
            snprintf(q.number, sizeof q.number, "%s", optarg); /* as stored when invalid */
        if (opt == '?') return CTL_EXIT_USAGE;
    }
    if (optind != argc || (!q.subject && !q.refclient && !q.number[0])) {
        fprintf(c->err, "usage: smsgwctl search [--subject TEXT] [--refclient REF] "
                        "[--number NUMBER] (at least one)\n");
        return CTL_EXIT_USAGE;
    }
    if (ctl_sub_each(c, print_match, &q, NULL) < 0) {
        fprintf(c->err, "smsgwctl: no store under %s\n", c->cfg->state_dir);
        return CTL_EXIT_UNAVAILABLE;
    }
    return q.found ? CTL_EXIT_OK : CTL_EXIT_NOTFOUND;
}
