/* cm_config: see cm_config.h. Reads with libconfig, copies every value into an owned
 * tree (so the libconfig tree can be dropped at once), applies defaults, refuses
 * unknown keys. */
#include "cm_config.h"

#include "cm_http.h"
#include "cm_calendar.h"

#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *path;
    char *err;
    size_t errlen;
    int failed;
} ctx;

static void fail(ctx *c, const config_setting_t *s, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    if (c->failed++) return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *file = s ? config_setting_source_file(s) : NULL;
    int line = s ? config_setting_source_line(s) : 0;
    if (line > 0)
        snprintf(c->err, c->errlen, "%s:%d: %s", file ? file : c->path, line, msg);
    else
        snprintf(c->err, c->errlen, "%s: %s", c->path, msg);
}

/* Refuses members of group `g` whose name is not in the NULL-terminated `known`. */
static void check_keys(ctx *c, const config_setting_t *g, const char *const *known)
{
    for (int i = 0; g && i < config_setting_length(g); i++) {
        const config_setting_t *m = config_setting_get_elem(g, i);
        const char *name = config_setting_name(m);
        int ok = 0;
        for (const char *const *k = known; *k && !ok; k++)
            ok = strcmp(*k, name) == 0;
        if (!ok) fail(c, m, "unknown key '%s'", name);
    }
}

static char *get_str(ctx *c, const config_setting_t *g, const char *key, const char *def)
{
    const char *v = NULL;
    if (g && config_setting_get_member(g, key) && !config_setting_lookup_string(g, key, &v))
        fail(c, config_setting_get_member(g, key), "'%s' must be a string", key);
    if (!v && !def) fail(c, g, "missing '%s'", key);
    return strdup(v ? v : def ? def : "");
}

static long get_int(ctx *c, const config_setting_t *g, const char *key, long def)
{
    long long v = def;
    const config_setting_t *m = g ? config_setting_get_member(g, key) : NULL;
    if (m && !config_setting_lookup_int64(g, key, &v)) {
        int iv;
        if (config_setting_lookup_int(g, key, &iv))
            v = iv;
        else
            fail(c, m, "'%s' must be an integer", key);
    }
    return (long)v;
}

static double get_double(ctx *c, const config_setting_t *g, const char *key, double def)
{
    double v = def;
    long long iv;
    const config_setting_t *m = g ? config_setting_get_member(g, key) : NULL;
    if (m && !config_setting_lookup_float(g, key, &v)) {
        if (config_setting_lookup_int64(g, key, &iv))
            v = (double)iv;
        else
            fail(c, m, "'%s' must be a number", key);
    }
    return v;
}

static int get_bool(ctx *c, const config_setting_t *g, const char *key, int def)
{
    int v = def;
    const config_setting_t *m = g ? config_setting_get_member(g, key) : NULL;
    if (m && !config_setting_lookup_bool(g, key, &v)) fail(c, m, "'%s' must be true or false", key);
    return v;
}

static char **get_strs(ctx *c, const config_setting_t *g, const char *key, size_t *n)
{
    const config_setting_t *a = g ? config_setting_get_member(g, key) : NULL;
    *n = 0;
    if (!a) return calloc(1, sizeof(char *));
    if (!config_setting_is_array(a) && !config_setting_is_list(a)) {
        fail(c, a, "'%s' must be a list of strings", key);
        return calloc(1, sizeof(char *));
    }
    int len = config_setting_length(a);
    char **v = calloc((size_t)len + 1, sizeof *v);
    for (int i = 0; v && i < len; i++) {
        const char *s = config_setting_get_string_elem(a, i);
        if (!s) fail(c, a, "'%s' must be a list of strings", key);
        v[(*n)++] = strdup(s ? s : "");
    }
    return v;
}

/* metrics_listen of group g: "" (no listener) or "HOST:PORT" / "[V6]:PORT" (cm_http). */
static char *get_listen(ctx *c, const config_setting_t *g)
{
    char *v = get_str(c, g, "metrics_listen", "");
    struct sockaddr_storage sa;
    if (v && *v && cm_http_parse_listen(v, &sa) != 0)
        fail(c, config_setting_get_member(g, "metrics_listen"),
             "metrics_listen must be \"HOST:PORT\" or \"[IPV6]:PORT\"");
    return v;
}

static const char *const bind_keys[] = {"host", "port",  "system_id", "password", "system_type",
                                        "mode", "count", "window",    "max_rate", NULL};

static void read_bind(ctx *c, const config_setting_t *g, cm_config_bind *b)
{
    check_keys(c, g, bind_keys);
    b->host = get_str(c, g, "host", NULL);
    b->port = (int)get_int(c, g, "port", 2775);
    b->system_id = get_str(c, g, "system_id", NULL);
    b->password = get_str(c, g, "password", "");
    b->system_type = get_str(c, g, "system_type", "");
    char *mode = get_str(c, g, "mode", "transceiver");
    if (strcmp(mode, "transceiver") == 0)
        b->mode = CM_BIND_TRANSCEIVER;
    else if (strcmp(mode, "transmitter+receiver") == 0)
        b->mode = CM_BIND_TRANSMITTER_RECEIVER;
    else
        fail(c, g, "mode must be \"transceiver\" or \"transmitter+receiver\"");
    free(mode);
    b->count = (int)get_int(c, g, "count", 1);
    b->window = (int)get_int(c, g, "window", 10);
    b->max_rate = (int)get_int(c, g, "max_rate", 0);
    if (b->port <= 0 || b->port > 65535 || b->count < 1 || b->window < 1 || b->max_rate < 0)
        fail(c, g, "bind: port, count, window or max_rate out of range");
}

static const char *const operator_keys[] = {
    "name",       "prefixes",   "default",     "binds",      "enquire_link_s", "response_timeout_s",
    "source_ton", "source_npi", "long_method", "gsm_coding", "metrics_listen", "message_id_format",
    NULL};

/* operators.message_id_format: names in the order of enum cm_msgid_format. */
static enum cm_msgid_format get_msgid_format(ctx *c, const config_setting_t *g)
{
    static const char *const NAMES[] = {"auto", "hex", "decimal", "hex_resp_decimal_receipt",
                                        "text"};
    char *v = get_str(c, g, "message_id_format", "auto");
    int f = -1;

    for (int i = 0; v && f < 0 && i < (int)(sizeof(NAMES) / sizeof(NAMES[0])); i++)
        if (strcmp(v, NAMES[i]) == 0) f = i;
    if (f < 0)
        fail(c, config_setting_get_member(g, "message_id_format"),
             "message_id_format must be \"auto\", \"hex\", \"decimal\", "
             "\"hex_resp_decimal_receipt\" or \"text\"");
    free(v);
    return f < 0 ? CM_MSGID_AUTO : (enum cm_msgid_format)f;
}

static void read_operator(ctx *c, const config_setting_t *g, cm_config_operator *o)
{
    check_keys(c, g, operator_keys);
    o->name = get_str(c, g, "name", NULL);
    o->metrics_listen = get_listen(c, g);
    o->prefixes = get_strs(c, g, "prefixes", &o->n_prefixes);
    o->is_default = get_bool(c, g, "default", 0);
    o->enquire_link_s = (int)get_int(c, g, "enquire_link_s", 30);
    o->response_timeout_s = (int)get_int(c, g, "response_timeout_s", 10);
    o->source_ton = (int)get_int(c, g, "source_ton", 1);
    o->source_npi = (int)get_int(c, g, "source_npi", 1);
    o->gsm_coding = (int)get_int(c, g, "gsm_coding", 0);
    o->msgid_format = get_msgid_format(c, g);
    char *lm = get_str(c, g, "long_method", "udh");
    o->long_method = strcmp(lm, "sar") == 0       ? CM_LONG_SAR
                     : strcmp(lm, "payload") == 0 ? CM_LONG_PAYLOAD
                     : strcmp(lm, "udh16") == 0   ? CM_LONG_UDH16
                                                  : CM_LONG_UDH;
    if (strcmp(lm, "udh") && strcmp(lm, "sar") && strcmp(lm, "payload") && strcmp(lm, "udh16"))
        fail(c, g, "long_method must be \"udh\", \"udh16\", \"sar\" or \"payload\"");
    free(lm);
    if (o->gsm_coding != 0 && o->gsm_coding != 3) fail(c, g, "gsm_coding must be 0 or 3");
    const config_setting_t *binds = config_setting_get_member(g, "binds");
    int n = binds ? config_setting_length(binds) : 0;
    if (n == 0) fail(c, g, "operator '%s' has no binds", o->name);
    o->binds = calloc((size_t)n + 1, sizeof *o->binds);
    for (int i = 0; o->binds && i < n; i++)
        read_bind(c, config_setting_get_elem(binds, i), &o->binds[o->n_binds++]);
}

static const char *const account_keys[] = {"name",
                                           "senders",
                                           "sender_id",
                                           "lang",
                                           "max_length",
                                           "commercial",
                                           "transliterate",
                                           "require_spf",
                                           "require_dkim",
                                           "stop_mention",
                                           "dedup_days",
                                           "stop_confirmation",
                                           "smtp_users",
                                           "rate_limit",
                                           "daily_quota",
                                           "rspamd_threshold",
                                           NULL};
static const char *const smtp_user_keys[] = {"user", "password_hash", NULL};

/* accounts.smtp_users: ( { user = "..."; password_hash = "$6$..."; }, ... ) */
static void read_smtp_users(ctx *c, const config_setting_t *g, cm_config_account *a)
{
    const config_setting_t *l = config_setting_get_member(g, "smtp_users");
    int n = l ? config_setting_length(l) : 0;
    if (l && !config_setting_is_list(l)) fail(c, l, "smtp_users must be a list of groups");
    a->smtp_users = calloc((size_t)n + 1, sizeof *a->smtp_users);
    for (int i = 0; a->smtp_users && i < n; i++) {
        const config_setting_t *u = config_setting_get_elem(l, i);
        cm_config_smtp_user *su = &a->smtp_users[a->n_smtp_users++];
        check_keys(c, u, smtp_user_keys);
        su->user = get_str(c, u, "user", NULL);
        su->password_hash = get_str(c, u, "password_hash", NULL);
        if (su->password_hash[0] != '$' || strchr(su->password_hash + 1, '$') == NULL)
            fail(c, u, "password_hash must be a crypt(3) hash such as \"$6$salt$...\"");
    }
}

static void read_account(ctx *c, const config_setting_t *g, cm_config_account *a)
{
    check_keys(c, g, account_keys);
    a->name = get_str(c, g, "name", NULL);
    a->senders = get_strs(c, g, "senders", &a->n_senders);
    a->sender_id = get_str(c, g, "sender_id", "");
    a->lang = get_str(c, g, "lang", "fr");
    a->max_length = (int)get_int(c, g, "max_length", 750);
    a->commercial = get_bool(c, g, "commercial", 0);
    a->transliterate = get_bool(c, g, "transliterate", 0);
    a->require_spf = get_bool(c, g, "require_spf", 0);
    a->require_dkim = get_bool(c, g, "require_dkim", 0);
    a->stop_mention = get_str(c, g, "stop_mention", " STOP au 36105");
    a->dedup_days = (int)get_int(c, g, "dedup_days", 7);
    a->stop_confirmation = get_str(c, g, "stop_confirmation", "");
    read_smtp_users(c, g, a);
    a->rate_limit = (int)get_int(c, g, "rate_limit", -1);
    a->daily_quota = (int)get_int(c, g, "daily_quota", -1);
    a->rspamd_threshold = get_double(c, g, "rspamd_threshold", -1);
    if (strcmp(a->lang, "fr") && strcmp(a->lang, "en")) fail(c, g, "lang must be \"fr\" or \"en\"");
    if (a->max_length < 1) fail(c, g, "max_length must be positive");
}

static const char *const top_keys[] = {"domain", "state_dir", "log_level", "ingress",     "router",
                                       "dlr",    "operators", "accounts",  "quiet_hours", NULL};
static const char *const quiet_keys[] = {"window", "days", "holidays", NULL};
static const char *const ingress_keys[] = {
    "listen", "metrics_listen", "hostname", "max_message_size", "max_recipients",
    "router_timeout_ms",
    /* limits */
    "max_sessions", "max_sessions_per_ip", "greet_wait_ms", "command_timeout_ms", "data_timeout_ms",
    "min_data_rate", "soft_error_limit", "hard_error_limit", "error_delay_ms", "junk_command_limit",
    "max_header_size", "mime_max_depth", "mime_max_parts", "tls_cert_file", "tls_key_file",
    "submission_listen", "spf", "dkim", "auth_check_timeout_ms", "dns_zone_file",
    "sender_rate_limit", "sender_daily_quota", "account_rate_limit", "account_daily_quota",
    "limit_table_size", "rspamd_url", "rspamd_timeout_ms", "rspamd_threshold", "rspamd_on_error",
    NULL};
static const char *const router_keys[] = {
    "listen_ingress", "listen_egress", "job_timeout_s", "validity_s",
    "metrics_listen", "mo_reply_days", "shard",         NULL};
static const char *const dlr_keys[] = {"listen",
                                       "smarthost",
                                       "from",
                                       "retry_min_s",
                                       "retry_max_s",
                                       "metrics_listen",
                                       "expiry_grace_s",
                                       "seen_retention_days",
                                       "msgid_retention_days",
                                       "submission_retention_days",
                                       "unmatched_retention_days",
                                       "final_list_max",
                                       NULL};

/* dlr's waiting and keeping periods (read by smsgw-dlr and smsgwctl). */
static void read_dlr_periods(ctx *c, const config_setting_t *dl, cm_config *cfg)
{
    cfg->dlr.expiry_grace_s = (int)get_int(c, dl, "expiry_grace_s", 900);
    cfg->dlr.seen_retention_days = (int)get_int(c, dl, "seen_retention_days", 7);
    cfg->dlr.msgid_retention_days = (int)get_int(c, dl, "msgid_retention_days", 7);
    cfg->dlr.submission_retention_days = (int)get_int(c, dl, "submission_retention_days", 30);
    cfg->dlr.unmatched_retention_days = (int)get_int(c, dl, "unmatched_retention_days", 30);
    cfg->dlr.final_list_max = (int)get_int(c, dl, "final_list_max", 1000);
    if (cfg->dlr.final_list_max < 1) fail(c, dl, "dlr: final_list_max must be at least 1");
    if (cfg->dlr.expiry_grace_s < 0 || cfg->dlr.seen_retention_days < 1 ||
        cfg->dlr.msgid_retention_days < 1 || cfg->dlr.submission_retention_days < 1 ||
        cfg->dlr.unmatched_retention_days < 1)
        fail(c, dl, "dlr: a period is out of range");
}

/* Rate limits, daily quotas and rspamd (all off by default). */
static void read_ingress_antispam(ctx *c, const config_setting_t *in, struct cm_config_ingress *i)
{
    i->sender_rate_limit = (int)get_int(c, in, "sender_rate_limit", 0);
    i->sender_daily_quota = (int)get_int(c, in, "sender_daily_quota", 0);
    i->account_rate_limit = (int)get_int(c, in, "account_rate_limit", 0);
    i->account_daily_quota = (int)get_int(c, in, "account_daily_quota", 0);
    i->limit_table_size = (int)get_int(c, in, "limit_table_size", 100000);
    i->rspamd_url = get_str(c, in, "rspamd_url", "");
    i->rspamd_timeout_ms = (int)get_int(c, in, "rspamd_timeout_ms", 2000);
    i->rspamd_threshold = get_double(c, in, "rspamd_threshold", 15.0);
    i->rspamd_on_error = get_str(c, in, "rspamd_on_error", "accept");
    if (i->sender_rate_limit < 0 || i->sender_daily_quota < 0 || i->account_rate_limit < 0 ||
        i->account_daily_quota < 0 || i->limit_table_size < 1 || i->rspamd_timeout_ms < 1)
        fail(c, in, "ingress: a rate limit, quota or time-out is out of range");
    if (strcmp(i->rspamd_on_error, "accept") && strcmp(i->rspamd_on_error, "tempfail"))
        fail(c, in, "ingress: rspamd_on_error must be \"accept\" or \"tempfail\"");
}

/* The ingress limits; names and defaults follow Postfix's smtpd where it has one. */
static void read_ingress_limits(ctx *c, const config_setting_t *in, cm_config *cfg)
{
    struct cm_config_ingress *i = &cfg->ingress;
    i->max_sessions = (int)get_int(c, in, "max_sessions", 1000);
    i->max_sessions_per_ip = (int)get_int(c, in, "max_sessions_per_ip", 50);
    i->greet_wait_ms = (int)get_int(c, in, "greet_wait_ms", 0);
    i->command_timeout_ms = (int)get_int(c, in, "command_timeout_ms", 300000);
    i->data_timeout_ms = (int)get_int(c, in, "data_timeout_ms", 600000);
    i->min_data_rate = (int)get_int(c, in, "min_data_rate", 500);
    i->soft_error_limit = (int)get_int(c, in, "soft_error_limit", 10);
    i->hard_error_limit = (int)get_int(c, in, "hard_error_limit", 20);
    i->error_delay_ms = (int)get_int(c, in, "error_delay_ms", 1000);
    i->junk_command_limit = (int)get_int(c, in, "junk_command_limit", 100);
    i->max_header_size = get_int(c, in, "max_header_size", 102400);
    i->mime_max_depth = (int)get_int(c, in, "mime_max_depth", 100);
    i->mime_max_parts = (int)get_int(c, in, "mime_max_parts", 1000);
    if (i->max_sessions < 1 || i->max_sessions_per_ip < 1 || i->greet_wait_ms < 0 ||
        i->command_timeout_ms < 1 || i->data_timeout_ms < 1 || i->min_data_rate < 0 ||
        i->soft_error_limit < 1 || i->hard_error_limit < 1 || i->error_delay_ms < 0 ||
        i->junk_command_limit < 1 || i->max_header_size < 1 || i->mime_max_depth < 1 ||
        i->mime_max_parts < 1)
        fail(c, in, "ingress: a limit is out of range");
    i->tls_cert_file = get_str(c, in, "tls_cert_file", "");
    i->tls_key_file = get_str(c, in, "tls_key_file", "");
    i->submission_listen = get_str(c, in, "submission_listen", "");
    if (!*i->tls_cert_file != !*i->tls_key_file)
        fail(c, in, "ingress: tls_cert_file and tls_key_file go together");
    if (*i->submission_listen && !*i->tls_cert_file)
        fail(c, in, "ingress: submission_listen needs tls_cert_file and tls_key_file");
    i->spf = get_str(c, in, "spf", "auto");
    i->dkim = get_str(c, in, "dkim", "auto");
    i->auth_check_timeout_ms = (int)get_int(c, in, "auth_check_timeout_ms", 5000);
    i->dns_zone_file = get_str(c, in, "dns_zone_file", "");
    for (const char *const *v = (const char *const[]){i->spf, i->dkim, NULL}; *v; v++)
        if (strcmp(*v, "auto") && strcmp(*v, "on") && strcmp(*v, "off"))
            fail(c, in, "ingress: spf and dkim must be \"auto\", \"on\" or \"off\"");
    if (i->auth_check_timeout_ms < 1) fail(c, in, "ingress: auth_check_timeout_ms out of range");
    read_ingress_antispam(c, in, i);
}

static void read_sections(ctx *c, config_t *cf, cm_config *cfg)
{
    const config_setting_t *root = config_root_setting(cf);
    const config_setting_t *in = config_lookup(cf, "ingress"), *rt = config_lookup(cf, "router"),
                           *dl = config_lookup(cf, "dlr");
    check_keys(c, root, top_keys);
    check_keys(c, in, ingress_keys);
    check_keys(c, rt, router_keys);
    check_keys(c, dl, dlr_keys);
    cfg->domain = get_str(c, root, "domain", NULL);
    cfg->state_dir = get_str(c, root, "state_dir", "/var/lib/smsgw");
    cfg->log_level = get_str(c, root, "log_level", "info");
    cfg->ingress.listen = get_str(c, in, "listen", "0.0.0.0:25");
    cfg->ingress.metrics_listen = get_listen(c, in);
    cfg->ingress.hostname = get_str(c, in, "hostname", cfg->domain);
    cfg->ingress.max_message_size = get_int(c, in, "max_message_size", 10240000);
    cfg->ingress.max_recipients = (int)get_int(c, in, "max_recipients", 1000);
    cfg->ingress.router_timeout_ms = (int)get_int(c, in, "router_timeout_ms", 10000);
    read_ingress_limits(c, in, cfg);
    cfg->router.listen_ingress = get_str(c, rt, "listen_ingress", "tcp://127.0.0.1:7101");
    cfg->router.listen_egress = get_str(c, rt, "listen_egress", "tcp://127.0.0.1:7102");
    cfg->router.metrics_listen = get_listen(c, rt);
    cfg->router.job_timeout_s = (int)get_int(c, rt, "job_timeout_s", 120);
    cfg->router.validity_s = (int)get_int(c, rt, "validity_s", 172800);
    cfg->router.mo_reply_days = (int)get_int(c, rt, "mo_reply_days", 7);
    cfg->router.shard = get_str(c, rt, "shard", "");
    if (strlen(cfg->router.shard) > 2 ||
        strspn(cfg->router.shard, "ABCDEFGHJKLMNPQRSTUVWXYZ") != strlen(cfg->router.shard))
        fail(c, rt, "shard must be one or two capital letters (not I or O), or empty");
    cfg->dlr.listen = get_str(c, dl, "listen", "tcp://127.0.0.1:7103");
    cfg->dlr.metrics_listen = get_listen(c, dl);
    cfg->dlr.smarthost = get_str(c, dl, "smarthost", "smtp://127.0.0.1:25");
    cfg->dlr.from = get_str(c, dl, "from", NULL);
    cfg->dlr.retry_min_s = (int)get_int(c, dl, "retry_min_s", 30);
    cfg->dlr.retry_max_s = (int)get_int(c, dl, "retry_max_s", 3600);
    read_dlr_periods(c, dl, cfg);
    const config_setting_t *qh = config_lookup(cf, "quiet_hours");
    check_keys(c, qh, quiet_keys);
    cfg->quiet_hours.window = get_str(c, qh, "window", "08:00-21:00");
    cfg->quiet_hours.days = get_str(c, qh, "days", "mon-sat");
    if (qh && config_setting_get_member(qh, "holidays"))
        cfg->quiet_hours.holidays = get_strs(c, qh, "holidays", &cfg->quiet_hours.n_holidays);
    else {
        cfg->quiet_hours.holidays = calloc(2, sizeof(char *));
        if (cfg->quiet_hours.holidays)
            cfg->quiet_hours.holidays[cfg->quiet_hours.n_holidays++] = strdup("french");
    }
}

static void read_lists(ctx *c, config_t *cf, cm_config *cfg)
{
    const config_setting_t *ops = config_lookup(cf, "operators"),
                           *acc = config_lookup(cf, "accounts");
    int nops = ops ? config_setting_length(ops) : 0, nacc = acc ? config_setting_length(acc) : 0;
    if (nops == 0) fail(c, ops, "no operators configured");
    cfg->operators = calloc((size_t)nops + 1, sizeof *cfg->operators);
    for (int i = 0; cfg->operators && i < nops; i++)
        read_operator(c, config_setting_get_elem(ops, i), &cfg->operators[cfg->n_operators++]);
    cfg->accounts = calloc((size_t)nacc + 1, sizeof *cfg->accounts);
    for (int i = 0; cfg->accounts && i < nacc; i++)
        read_account(c, config_setting_get_elem(acc, i), &cfg->accounts[cfg->n_accounts++]);
    for (size_t i = 0; i < cfg->n_operators; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(cfg->operators[i].name, cfg->operators[j].name) == 0)
                fail(c, ops, "operator '%s' defined twice", cfg->operators[i].name);
}

int cm_config_load(const char *path, cm_config **out, char *err, size_t errlen)
{
    config_t cf;
    ctx c = {path, err, errlen, 0};
    cm_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg) return -ENOMEM;
    config_init(&cf);
    if (!config_read_file(&cf, path)) {
        snprintf(err, errlen, "%s:%d: %s", config_error_file(&cf) ? config_error_file(&cf) : path,
                 config_error_line(&cf), config_error_text(&cf));
        config_destroy(&cf);
        free(cfg);
        return -EINVAL;
    }
    read_sections(&c, &cf, cfg);
    read_lists(&c, &cf, cfg);
    cm_calendar_policy quiet;
    if (!c.failed && cm_config_quiet_policy(cfg, &quiet) != 0)
        fail(&c, config_lookup(&cf, "quiet_hours"),
             "quiet_hours: bad window, days or holidays (e.g. \"08:00-21:00\", \"mon-sat\", "
             "[\"french\", \"12-26\"])");
    config_destroy(&cf);
    if (c.failed) {
        cm_config_free(cfg);
        return -EINVAL;
    }
    *out = cfg;
    return 0;
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

void cm_config_free(cm_config *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n_operators; i++) {
        cm_config_operator *o = &c->operators[i];
        for (size_t j = 0; j < o->n_binds; j++) {
            free(o->binds[j].host);
            free(o->binds[j].system_id);
            free(o->binds[j].password);
            free(o->binds[j].system_type);
        }
        free(o->binds);
        free(o->name);
        free(o->metrics_listen);
        free_strs(o->prefixes, o->n_prefixes);
    }
    for (size_t i = 0; i < c->n_accounts; i++) {
        cm_config_account *a = &c->accounts[i];
        free(a->name);
        free_strs(a->senders, a->n_senders);
        free(a->sender_id);
        free(a->lang);
        free(a->stop_mention);
        free(a->stop_confirmation);
        for (size_t j = 0; j < a->n_smtp_users; j++) {
            free(a->smtp_users[j].user);
            free(a->smtp_users[j].password_hash);
        }
        free(a->smtp_users);
    }
    free(c->operators);
    free(c->accounts);
    free_strs(c->quiet_hours.holidays, c->quiet_hours.n_holidays);
    free(c->quiet_hours.window);
    free(c->quiet_hours.days);
    free(c->router.shard);
    char *strs[] = {c->domain,
                    c->state_dir,
                    c->log_level,
                    c->ingress.listen,
                    c->ingress.metrics_listen,
                    c->router.metrics_listen,
                    c->dlr.metrics_listen,
                    c->ingress.hostname,
                    c->ingress.tls_cert_file,
                    c->ingress.tls_key_file,
                    c->ingress.submission_listen,
                    c->ingress.spf,
                    c->ingress.dkim,
                    c->ingress.dns_zone_file,
                    c->ingress.rspamd_url,
                    c->ingress.rspamd_on_error,
                    c->router.listen_ingress,
                    c->router.listen_egress,
                    c->dlr.listen,
                    c->dlr.smarthost,
                    c->dlr.from};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        free(strs[i]);
    free(c);
}

const cm_config_operator *cm_config_operator_find(const cm_config *c, const char *name)
{
    for (size_t i = 0; i < c->n_operators; i++)
        if (strcmp(c->operators[i].name, name) == 0) return &c->operators[i];
    return NULL;
}

const cm_config_account *cm_config_account_find(const cm_config *c, const char *name)
{
    for (size_t i = 0; i < c->n_accounts; i++)
        if (strcmp(c->accounts[i].name, name) == 0) return &c->accounts[i];
    return NULL;
}

int cm_config_quiet_policy(const cm_config *c, cm_calendar_policy *out)
{
    int rc;
    cm_calendar_policy_default(out);
    if ((rc = cm_calendar_parse_window(out, c->quiet_hours.window)) != 0 ||
        (rc = cm_calendar_parse_days(out, c->quiet_hours.days)) != 0)
        return rc;
    return cm_calendar_parse_holidays(out, (const char *const *)c->quiet_hours.holidays,
                                      c->quiet_hours.n_holidays);
}

const char *cm_config_default_path(void)
{
    const char *p = getenv("SMSGW_CONFIG");
    return p && *p ? p : "/etc/smsgw/smsgw.conf";
}
