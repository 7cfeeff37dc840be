/* ctl_billing: `billing --month YYYY-MM`: one CSV row per account and FACTURATION code
 * with the SMS sent that month (by the submission's acceptance time, in the host's
 * time zone): messages (recipients queued), parts (their SMS parts, the billing unit)
 * and delivered (recipients whose final state is delivered). Rejected, duplicate and
 * dry-run submissions and rejected recipients are not billed. Rows sorted by account,
 * then FACTURATION ("" = none given). Read-only (ctl_sub). */
#include "ctl_cmds.h"
#include "ctl_fmt.h"
#include "ctl_sub.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char account[128], code[128];
    unsigned long messages, parts, delivered;
} row;

typedef struct {
    char month[8];
    row *rows;
    size_t n, cap;
    int oom;
} report;

static row *row_of(report *r, const char *account, const char *code)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->rows[i].account, account) && !strcmp(r->rows[i].code, code))
            return &r->rows[i];
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        row *grown = realloc(r->rows, cap * sizeof *grown);
        if (!grown) return NULL;
        r->rows = grown;
        r->cap = cap;
    }
    row *w = memset(&r->rows[r->n++], 0, sizeof(row));
    snprintf(w->account, sizeof w->account, "%s", account);
    snprintf(w->code, sizeof w->code, "%s", code);
    return w;
}

static int add_submission(ctl_ctx *c, const cm_msg_accepted *a, void *arg)
{
    report *r = arg;
    char month[8], code[128];
    ctl_fmt_month(a->at_ms, month);
    if (a->status != CM_ACCEPT_ACCEPTED || strcmp(month, r->month) != 0) return 0;
    for (size_t i = 0; i < a->recipients_n; i++) {
        const struct cm_wire_recipient *p = &a->recipients[i];
        ctl_rcpt_state st;
        if (p->job_id == 0 || p->state != CM_RCPT_QUEUED) continue;
        row *w = row_of(r, a->account, ctl_fmt_field(p->fields, "FACTURATION", code, sizeof code));
        if (!w) {
            r->oom = 1;
            return 1;
        }
        ctl_sub_rcpt_state(c, p, &st);
        w->messages++;
        w->parts += p->parts;
        w->delivered += !strcmp(st.state, "delivered");
    }
    return 0;
}

static int by_account_code(const void *a, const void *b)
{
    const row *x = a, *y = b;
    int d = strcmp(x->account, y->account);
    return d ? d : strcmp(x->code, y->code);
}

static int valid_month(const char *m)
{
    return strlen(m) == 7 && m[4] == '-' && strspn(m, "0123456789-") == 7 &&
           strchr(m, '-') == m + 4 && atoi(m + 5) >= 1 && atoi(m + 5) <= 12;
}

int ctl_cmd_billing(ctl_ctx *c, int argc, char **argv)
{
    static const struct option OPTS[] = {{"month", required_argument, NULL, 'm'},
                                         {NULL, 0, NULL, 0}};
    report r = {{0}};
    const char *month = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "m:", OPTS, NULL)) != -1)
        if (opt == 'm')
            month = optarg;
        else
            return CTL_EXIT_USAGE;
    if (month && valid_month(month)) memcpy(r.month, month, 8);
    if (optind != argc || !month || !valid_month(month)) {
        fprintf(c->err, "usage: smsgwctl billing --month YYYY-MM\n");
        return CTL_EXIT_USAGE;
    }
    if (ctl_sub_each(c, add_submission, &r, NULL) < 0 || !c->dl.txn || r.oom) {
        fprintf(c->err, "smsgwctl: cannot read dlr's store under %s\n", c->cfg->state_dir);
        free(r.rows);
        return CTL_EXIT_UNAVAILABLE;
    }
    qsort(r.rows, r.n, sizeof *r.rows, by_account_code);
    fputs("account,FACTURATION,messages,parts,delivered\n", c->out);
    for (size_t i = 0; i < r.n; i++) {
        ctl_fmt_csv(c->out, r.rows[i].account);
        fputc(',', c->out);
        ctl_fmt_csv(c->out, r.rows[i].code);
        fprintf(c->out, ",%lu,%lu,%lu\n", r.rows[i].messages, r.rows[i].parts, r.rows[i].delivered);
    }
    free(r.rows);
    return CTL_EXIT_OK;
}
