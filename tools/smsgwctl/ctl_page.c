/* ctl_page: see ctl_page.h. */
#include "ctl_page.h"

#include "cm_http_text.h"
#include "ctl_fmt.h"
#include "ctl_sub.h"

#include <string.h>

static const char STYLE[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{padding:.2em .6em;text-align:left;"
    "border-bottom:1px solid #ddd}th{background:#f4f4f4}.num{text-align:right}"
    ".up{color:#1a7f37;font-weight:bold}.down{color:#c62828;font-weight:bold}"
    ".unknown{color:#888}small{color:#666}svg{background:#fafafa;border:1px solid #ddd}"
    ".acc{fill:#1e88e5;color:#1e88e5}.dlv{fill:#2e7d32;color:#2e7d32}"
    ".fail{fill:#c62828;color:#c62828}";

static void cell(cm_wbuf *o, const char *cls, const char *text)
{
    cm_text_printf(o, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    cm_text_html(o, text);
    cm_text_str(o, "</td>");
}

static void cell_num(cm_wbuf *o, unsigned long v)
{
    cm_text_printf(o, "<td class=\"num\">%lu</td>", v);
}

static void procs(const ctl_state *s, cm_wbuf *o)
{
    cm_text_str(o, "<section id=\"processes\"><h2>Processes</h2><table><tr><th>process</th>"
                   "<th>metrics</th><th>state</th><th>uptime</th><th>detail</th></tr>");
    for (size_t i = 0; i < s->n_procs; i++) {
        const ctl_proc *p = &s->procs[i];
        const char *st = !p->configured ? "unknown" : p->up ? "up" : "down";
        char age[32] = "-";
        if (p->up) ctl_fmt_age((uint64_t)(p->uptime_s * 1000), age, sizeof age);
        cm_text_str(o, "<tr data-process=\"");
        cm_text_html(o, p->name);
        cm_text_printf(o, "\" data-state=\"%s\">", st);
        cell(o, NULL, p->name);
        cell(o, NULL, p->configured ? p->listen : "-");
        cell(o, st, st);
        cell(o, NULL, age);
        cell(o, NULL, !p->configured ? "no metrics_listen" : p->up ? p->detail : p->error);
        cm_text_str(o, "</tr>");
    }
    cm_text_str(o, "</table></section>");
}

static void queue_row(const ctl_opq *q, cm_wbuf *o)
{
    cm_text_str(o, "<tr data-operator=\"");
    cm_text_html(o, q->name);
    cm_text_printf(o, "\" data-jobs=\"%u\">", q->jobs);
    cell(o, NULL, q->name);
    cell_num(o, q->jobs);
    cell_num(o, q->deferred);
    for (int b = 0; b < CTL_AGE_BUCKETS; b++)
        cell_num(o, q->age[b]);
    cm_text_str(o, "</tr>");
}

static void queues(const ctl_state *s, cm_wbuf *o)
{
    cm_text_str(o, "<section id=\"queues\"><h2>Queues</h2>");
    if (s->have_rt) {
        cm_text_str(o, "<table><tr><th>operator</th><th>jobs</th><th>deferred</th>");
        for (int b = 0; b < CTL_AGE_BUCKETS; b++) {
            cm_text_str(o, "<th>");
            cm_text_html(o, ctl_age_labels[b]);
            cm_text_str(o, "</th>");
        }
        cm_text_str(o, "</tr>");
        queue_row(&s->total, o);
        for (size_t i = 0; i < s->n_ops; i++)
            queue_row(&s->ops[i], o);
        cm_text_printf(o,
                       "</table><p id=\"router-store\">%zu submissions; %zu events waiting "
                       "for dlr</p>",
                       s->submissions, s->to_dlr);
    } else
        cm_text_str(o, "<p>router store not readable here</p>");
    if (s->have_dl)
        cm_text_printf(o,
                       "<p id=\"dlr-store\" data-awaiting=\"%zu\" data-unmatched=\"%zu\">"
                       "%zu submissions awaiting receipts; receipts unmatched %zu, early %zu; "
                       "receipt mails queued %zu, refused for good %zu</p>",
                       s->dl_awaiting, s->dl_unmatched, s->dl_awaiting, s->dl_unmatched,
                       s->dl_early, s->dl_outbox, s->dl_dead);
    cm_text_str(o, "</section>");
}

static void bar(cm_wbuf *o, const char *cls, int i, int dx, unsigned v, unsigned max)
{
    if (!v) return;
    int hgt = (int)(v * 100u / (max ? max : 1)), x = 30 + i * 10 + dx;
    if (hgt < 1) hgt = 1;
    cm_text_printf(o,
                   "<rect class=\"%s\" data-minute=\"%d\" data-count=\"%u\" x=\"%d\" y=\"%d\" "
                   "width=\"3\" height=\"%d\"><title>%u</title></rect>",
                   cls, i, v, x, 110 - hgt, hgt, v);
}

void ctl_page_chart(const ctl_history *h, cm_wbuf *o)
{
    unsigned max = 0;
    for (int i = 0; i < CTL_HISTORY_MINUTES; i++) {
        unsigned m = h->accepted[i] > h->delivered[i] ? h->accepted[i] : h->delivered[i];
        max = m > max ? m : h->failed[i] > max ? h->failed[i] : max;
    }
    cm_text_printf(o,
                   "<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" "
                   "height=\"130\" viewBox=\"0 0 640 130\" role=\"img\" data-max=\"%u\">"
                   "<title>per minute over the last hour</title>"
                   "<line x1=\"28\" y1=\"110\" x2=\"632\" y2=\"110\" stroke=\"#999\"/>"
                   "<text x=\"2\" y=\"16\" font-size=\"10\">%u</text>"
                   "<text x=\"30\" y=\"124\" font-size=\"10\">-60 min</text>"
                   "<text x=\"600\" y=\"124\" font-size=\"10\">now</text>",
                   max, max);
    for (int i = 0; i < CTL_HISTORY_MINUTES; i++) {
        bar(o, "acc", i, 0, h->accepted[i], max);
        bar(o, "dlv", i, 3, h->delivered[i], max);
        bar(o, "fail", i, 6, h->failed[i], max);
    }
    cm_text_str(o, "</svg>");
}

static void recent(ctl_ctx *c, const ctl_history *h, cm_wbuf *o)
{
    cm_text_str(o, "<section id=\"recent\"><h2>Recent submissions</h2><table><tr>"
                   "<th>submission</th><th>received</th><th>account</th><th>recipients</th>"
                   "<th>status</th><th>subject</th></tr>");
    for (size_t i = 0; i < h->n_recent; i++) {
        cm_arena *a = NULL;
        cm_msg_accepted acc;
        char when[32], summary[256];
        if (ctl_sub_load(c, h->recent[i], &a, &acc) == 0) {
            ctl_sub_summary(c, &acc, summary, sizeof summary);
            cm_text_str(o, "<tr data-submission=\"");
            cm_text_html(o, acc.submission);
            cm_text_str(o, "\">");
            cell(o, NULL, acc.submission);
            cell(o, NULL, ctl_fmt_time(acc.at_ms, when, sizeof when));
            cell(o, NULL, acc.account);
            cell_num(o, acc.recipients_n);
            cell(o, "status", summary);
            cell(o, NULL, acc.subject);
            cm_text_str(o, "</tr>");
        }
        cm_arena_free(a);
    }
    cm_text_str(o, "</table></section>");
}

void ctl_page_render(ctl_ctx *c, const ctl_state *s, const ctl_history *h, cm_wbuf *o)
{
    char when[32];
    cm_text_str(o, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                   "<meta http-equiv=\"refresh\" content=\"10\"><title>smsgw status: ");
    cm_text_html(o, c->cfg->domain);
    cm_text_printf(o, "</title><style>%s</style></head><body><h1>smsgw status <small>", STYLE);
    cm_text_html(o, c->cfg->domain);
    cm_text_printf(o, ", %s</small></h1>", ctl_fmt_time(h->now_ms, when, sizeof when));
    procs(s, o);
    queues(s, o);
    cm_text_printf(o,
                   "<section id=\"throughput\"><h2>Last hour</h2><p id=\"totals\" "
                   "data-accepted=\"%u\" data-delivered=\"%u\" data-failed=\"%u\">"
                   "<span class=\"acc\">&#9632;</span> %u submissions accepted, "
                   "<span class=\"dlv\">&#9632;</span> %u SMS delivered, "
                   "<span class=\"fail\">&#9632;</span> %u failed</p>",
                   h->total_accepted, h->total_delivered, h->total_failed, h->total_accepted,
                   h->total_delivered, h->total_failed);
    ctl_page_chart(h, o);
    cm_text_str(o, "</section>");
    recent(c, h, o);
    cm_text_str(o, "</body></html>\n");
}
