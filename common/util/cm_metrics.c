/* cm_metrics: see cm_metrics.h. A registry of metrics, each a small array of series
 * (one per label-value combination, found by linear search: label sets are small),
 * rendered as Prometheus text or JSON; served through cm_http. */
#include "cm_metrics.h"

#include "cm_http.h"
#include "cm_http_text.h"
#include "cm_store.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

enum { COUNTER, GAUGE };
static const char *const TYPE_NAMES[] = {"counter", "gauge"};

typedef struct {
    char *vals[CM_METRICS_MAX_LABELS];
    double v;
} series;

struct cm_metric {
    cm_metrics *owner;
    char *name, *help;
    int type, n_labels;
    char *labels[CM_METRICS_MAX_LABELS];
    series *s;
    size_t n, cap;
};

struct cm_metrics {
    char *process;
    double started;
    cm_http *http;
    cm_metric **v;
    size_t n;
    cm_metric *dropped;
    void (*collect)(void *arg);
    void *collect_arg;
    char **info; /* key, value, key, value... */
    size_t n_info;
    struct {
        char *name;
        cm_store *store;
        const char *const *dbs;
    } stores[CM_METRICS_MAX_STORES];
    size_t n_stores;
    cm_metric *store_entries, *store_bytes;
};

static int valid_name(const char *s, int colon_ok)
{
    if (!s || !*s || (*s >= '0' && *s <= '9')) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || (colon_ok && *s == ':')))
            return 0;
    return 1;
}

/* Splits "a,b" into h->labels: 0, or -EINVAL for an empty, malformed or reserved
 * ("__...") name or more than CM_METRICS_MAX_LABELS of them. */
static int parse_labels(cm_metric *h, const char *labels)
{
    if (!labels) return 0;
    const char *p = labels;
    for (;;) {
        size_t n = strcspn(p, ",");
        char name[128];
        if (h->n_labels == CM_METRICS_MAX_LABELS || n == 0 || n >= sizeof name) return -EINVAL;
        memcpy(name, p, n);
        name[n] = 0;
        if (!valid_name(name, 0) || strncmp(name, "__", 2) == 0) return -EINVAL;
        if (!(h->labels[h->n_labels] = strdup(name))) return -ENOMEM;
        h->n_labels++;
        if (!p[n]) return 0;
        p += n + 1;
    }
}

static void metric_free(cm_metric *h)
{
    for (size_t i = 0; i < h->n; i++)
        for (int j = 0; j < h->n_labels; j++)
            free(h->s[i].vals[j]);
    for (int j = 0; j < h->n_labels; j++)
        free(h->labels[j]);
    free(h->s);
    free(h->name);
    free(h->help);
    free(h);
}

static cm_metric *reg(cm_metrics *m, int type, const char *name, const char *help,
                      const char *labels)
{
    if (!m || !valid_name(name, 1)) return NULL;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->v[i]->name, name) == 0) return NULL;
    cm_metric *h = calloc(1, sizeof *h);
    cm_metric **grown = realloc(m->v, (m->n + 1) * sizeof *grown);
    if (grown) m->v = grown;
    if (!h || !grown || !(h->name = strdup(name)) || !(h->help = strdup(help ? help : "")) ||
        parse_labels(h, labels) != 0) {
        if (h) metric_free(h);
        return NULL;
    }
    h->owner = m;
    h->type = type;
    m->v[m->n++] = h;
    return h;
}

cm_metric *cm_metrics_counter(cm_metrics *m, const char *name, const char *help, const char *labels)
{
    return reg(m, COUNTER, name, help, labels);
}

cm_metric *cm_metrics_gauge(cm_metrics *m, const char *name, const char *help, const char *labels)
{
    return reg(m, GAUGE, name, help, labels);
}

/* The series for the label values in ap, created if absent; NULL when full. */
static series *find(cm_metric *h, va_list ap)
{
    const char *vals[CM_METRICS_MAX_LABELS];
    for (int j = 0; j < h->n_labels; j++) {
        vals[j] = va_arg(ap, const char *);
        if (!vals[j]) vals[j] = "";
    }
    for (size_t i = 0; i < h->n; i++) {
        int j = 0;
        while (j < h->n_labels && strcmp(h->s[i].vals[j], vals[j]) == 0)
            j++;
        if (j == h->n_labels) return &h->s[i];
    }
    if (h->n == CM_METRICS_MAX_SERIES) return NULL;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 4;
        series *s = realloc(h->s, cap * sizeof *s);
        if (!s) return NULL;
        h->s = s;
        h->cap = cap;
    }
    series *s = &h->s[h->n];
    memset(s, 0, sizeof *s);
    for (int j = 0; j < h->n_labels; j++)
        if (!(s->vals[j] = strdup(vals[j]))) {
            while (j-- > 0)
                free(s->vals[j]);
            return NULL;
        }
    h->n++;
    return s;
}

static void update(cm_metric *h, double v, int add, va_list ap)
{
    series *s = find(h, ap);
    if (!s) {
        if (h != h->owner->dropped) cm_metrics_add(h->owner->dropped, 1);
        return;
    }
    s->v = add ? s->v + v : v;
}

void cm_metrics_add(cm_metric *h, double v, ...)
{
    if (!h || (h->type == COUNTER && !(v >= 0))) return;
    va_list ap;
    va_start(ap, v);
    update(h, v, 1, ap);
    va_end(ap);
}

void cm_metrics_set(cm_metric *h, double v, ...)
{
    if (!h) return;
    va_list ap;
    va_start(ap, v);
    update(h, v, 0, ap);
    va_end(ap);
}

void cm_metrics_reset(cm_metric *h)
{
    if (!h) return;
    for (size_t i = 0; i < h->n; i++)
        for (int j = 0; j < h->n_labels; j++)
            free(h->s[i].vals[j]);
    h->n = 0;
}

void cm_metrics_on_collect(cm_metrics *m, void (*collect)(void *arg), void *arg)
{
    if (!m) return;
    m->collect = collect;
    m->collect_arg = arg;
}

void cm_metrics_info(cm_metrics *m, const char *key, const char *value)
{
    if (!m || !key) return;
    for (size_t i = 0; i < m->n_info; i += 2)
        if (strcmp(m->info[i], key) == 0) {
            char *v = strdup(value ? value : "");
            if (v) free(m->info[i + 1]), m->info[i + 1] = v;
            return;
        }
    char **grown = realloc(m->info, (m->n_info + 2) * sizeof *grown);
    if (!grown) return;
    m->info = grown;
    char *k = strdup(key), *v = strdup(value ? value : "");
    if (!k || !v) {
        free(k);
        free(v);
        return;
    }
    m->info[m->n_info++] = k;
    m->info[m->n_info++] = v;
}

static void render_series_text(const cm_metric *h, const series *s, cm_wbuf *out)
{
    cm_text_str(out, h->name);
    for (int j = 0; j < h->n_labels; j++) {
        cm_text_printf(out, "%s%s=\"", j ? "," : "{", h->labels[j]);
        cm_text_prom_label(out, s->vals[j]);
        cm_text_str(out, "\"");
    }
    cm_text_str(out, h->n_labels ? "} " : " ");
    cm_text_num(out, s->v);
    cm_text_str(out, "\n");
}

void cm_metrics_render_text(cm_metrics *m, cm_wbuf *out)
{
    for (size_t i = 0; m && i < m->n; i++) {
        const cm_metric *h = m->v[i];
        cm_text_printf(out, "# HELP %s ", h->name);
        cm_text_prom_help(out, h->help);
        cm_text_printf(out, "\n# TYPE %s %s\n", h->name, TYPE_NAMES[h->type]);
        if (h->n_labels == 0 && h->n == 0) cm_text_printf(out, "%s 0\n", h->name);
        for (size_t k = 0; k < h->n; k++)
            render_series_text(h, &h->s[k], out);
    }
}

static void render_metric_json(const cm_metric *h, cm_wbuf *out)
{
    cm_text_json_str(out, h->name);
    cm_text_printf(out, ":{\"type\":\"%s\",\"help\":", TYPE_NAMES[h->type]);
    cm_text_json_str(out, h->help);
    cm_text_str(out, ",\"series\":[");
    for (size_t k = 0; k < h->n || (k == 0 && h->n_labels == 0); k++) {
        cm_text_str(out, k ? ",{\"labels\":{" : "{\"labels\":{");
        for (int j = 0; j < h->n_labels; j++) {
            cm_text_str(out, j ? "," : "");
            cm_text_json_str(out, h->labels[j]);
            cm_text_str(out, ":");
            cm_text_json_str(out, h->s[k].vals[j]);
        }
        double v = k < h->n ? h->s[k].v : 0;
        cm_text_str(out, "},\"value\":");
        if (isfinite(v))
            cm_text_num(out, v);
        else
            cm_text_str(out, "null");
        cm_text_str(out, "}");
    }
    cm_text_str(out, "]}");
}

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

void cm_metrics_render_json(cm_metrics *m, cm_wbuf *out)
{
    if (!m) return;
    cm_text_str(out, "{\"process\":");
    cm_text_json_str(out, m->process);
    cm_text_printf(out, ",\"pid\":%ld,\"start_time\":%.3f,\"now\":%.3f,\"info\":{", (long)getpid(),
                   m->started, now_s());
    for (size_t i = 0; i < m->n_info; i += 2) {
        cm_text_str(out, i ? "," : "");
        cm_text_json_str(out, m->info[i]);
        cm_text_str(out, ":");
        cm_text_json_str(out, m->info[i + 1]);
    }
    cm_text_str(out, "},\"metrics\":{");
    for (size_t i = 0; i < m->n; i++) {
        cm_text_str(out, i ? "," : "");
        render_metric_json(m->v[i], out);
    }
    cm_text_str(out, "}}\n");
}

int cm_metrics_watch_store(cm_metrics *m, const char *name, cm_store *store,
                           const char *const *dbnames)
{
    if (!m) return 0;
    if (m->n_stores == CM_METRICS_MAX_STORES) return -ENOSPC;
    if (!m->store_entries) {
        m->store_entries =
            cm_metrics_gauge(m, "smsgw_store_entries",
                             "Entries in each sub-database of a store (queue depths)", "store,db");
        m->store_bytes = cm_metrics_gauge(m, "smsgw_store_used_bytes",
                                          "Bytes of the store's map in use (pages)", "store");
    }
    char *copy = strdup(name);
    if (!copy || !m->store_entries || !m->store_bytes) {
        free(copy);
        return -ENOMEM;
    }
    m->stores[m->n_stores].name = copy;
    m->stores[m->n_stores].store = store;
    m->stores[m->n_stores++].dbs = dbnames;
    return 0;
}

static void collect_store(cm_metrics *m, size_t i)
{
    MDB_txn *txn;
    MDB_stat st;
    MDB_envinfo info;
    cm_store *s = m->stores[i].store;
    if (cm_store_read_begin(s, &txn) != 0) return;
    for (const char *const *db = m->stores[i].dbs; *db; db++)
        if (mdb_stat(txn, cm_store_dbi(s, *db), &st) == 0)
            cm_metrics_set(m->store_entries, (double)st.ms_entries, m->stores[i].name, *db);
    if (mdb_env_info(cm_store_env(s), &info) == 0 && mdb_env_stat(cm_store_env(s), &st) == 0)
        cm_metrics_set(m->store_bytes, (double)(info.me_last_pgno + 1) * st.ms_psize,
                       m->stores[i].name);
    mdb_txn_abort(txn);
}

static void collect_all(cm_metrics *m)
{
    for (size_t i = 0; i < m->n_stores; i++)
        collect_store(m, i);
    if (m->collect) m->collect(m->collect_arg);
}

static void page_text(cm_wbuf *out, void *arg)
{
    cm_metrics *m = arg;
    collect_all(m);
    cm_metrics_render_text(m, out);
}

static void page_json(cm_wbuf *out, void *arg)
{
    cm_metrics *m = arg;
    collect_all(m);
    cm_metrics_render_json(m, out);
}

int cm_metrics_create_local(const char *process, cm_metrics **out)
{
    cm_metrics *m = calloc(1, sizeof *m);
    if (!m || !(m->process = strdup(process ? process : ""))) {
        free(m);
        return -ENOMEM;
    }
    m->started = now_s();
    cm_metrics_set(cm_metrics_gauge(m, "smsgw_process_start_time_seconds",
                                    "Start time of the process since the Unix epoch, in seconds",
                                    NULL),
                   floor(m->started));
    m->dropped =
        cm_metrics_counter(m, "smsgw_metrics_dropped_total",
                           "Metric updates dropped because a metric had too many series", NULL);
    *out = m;
    return 0;
}

int cm_metrics_create(uv_loop_t *loop, const char *process, const char *listen, cm_metrics **out)
{
    *out = NULL;
    if (!listen || !*listen) return 0;
    cm_metrics *m = NULL;
    int rc = cm_metrics_create_local(process, &m);
    if (rc == 0) rc = cm_http_create(loop, listen, &m->http);
    if (rc == 0)
        rc = cm_http_page(m->http, "/metrics", "text/plain; version=0.0.4; charset=utf-8",
                          page_text, m);
    if (rc == 0) rc = cm_http_page(m->http, "/status.json", "application/json", page_json, m);
    if (rc != 0) {
        if (m) cm_metrics_free(m);
        return rc;
    }
    cm_metrics_info(m, "metrics_listen", listen);
    *out = m;
    return 0;
}

int cm_metrics_port(const cm_metrics *m)
{
    return m && m->http ? cm_http_port(m->http) : 0;
}

struct cm_http *cm_metrics_http(cm_metrics *m)
{
    return m ? m->http : NULL;
}

void cm_metrics_free(cm_metrics *m)
{
    if (!m) return;
    cm_http_free(m->http);
    for (size_t i = 0; i < m->n; i++)
        metric_free(m->v[i]);
    for (size_t i = 0; i < m->n_info; i++)
        free(m->info[i]);
    for (size_t i = 0; i < m->n_stores; i++)
        free(m->stores[i].name);
    free(m->info);
    free(m->v);
    free(m->process);
    free(m);
}
