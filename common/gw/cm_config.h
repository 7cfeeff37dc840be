/* cm_config: the one configuration file of every smsgw process (libconfig syntax;
 * deploy/smsgw.conf.example documents every key).
 *
 * cm_config_load() reads and checks the whole file and returns an owned, read-only
 * tree (free with cm_config_free). On failure it returns a negative errno and writes
 * a one-line reason with the file and line number into err. Defaults are applied
 * for absent optional keys; unknown keys are refused so typos do not go unnoticed. */
#ifndef CM_CONFIG_H
#define CM_CONFIG_H

#include <stddef.h>

enum cm_bind_mode { CM_BIND_TRANSCEIVER, CM_BIND_TRANSMITTER_RECEIVER };
/* How a long SMS goes out: UDH with an 8-bit reference (05 00 03), UDH with a 16-bit
 * reference (06 08 04: parts of 152 septets / 66 UCS-2 units), SAR TLVs, or one
 * submit_sm with message_payload. */
enum cm_long_method { CM_LONG_UDH, CM_LONG_SAR, CM_LONG_PAYLOAD, CM_LONG_UDH16 };
/* How an operator's SMSC writes message ids (operators.message_id_format; dlr/dl_msgid.h):
 * AUTO tolerates hex, decimal, case and leading zeros; the others pin one reading. */
enum cm_msgid_format {
    CM_MSGID_AUTO,
    CM_MSGID_HEX,
    CM_MSGID_DECIMAL,
    CM_MSGID_HEX_RESP_DECIMAL_RECEIPT,
    CM_MSGID_TEXT
};

typedef struct {
    char *host;
    int port;
    char *system_id, *password, *system_type;
    enum cm_bind_mode mode;
    int count;    /* number of such binds */
    int window;   /* outstanding submit_sm per bind */
    int max_rate; /* submits per second per bind, 0 = unlimited */
} cm_config_bind;

typedef struct {
    char *name;
    char **prefixes;      /* E.164 prefixes with '+' */
    char *metrics_listen; /* of this operator's egress, "" = none */
    size_t n_prefixes;
    int is_default; /* serves numbers no other operator's prefix matches */
    cm_config_bind *binds;
    size_t n_binds;
    int enquire_link_s, response_timeout_s;
    int source_ton, source_npi; /* for a numeric source; alphanumeric ids use TON 5 NPI 0 */
    enum cm_long_method long_method;
    int gsm_coding;                    /* data_coding for GSM 7-bit text: 0 or 3 */
    enum cm_msgid_format msgid_format; /* message_id_format, default CM_MSGID_AUTO */
} cm_config_operator;

/* SMTP AUTH credentials of an account (submission listener). */
typedef struct {
    char *user;
    char *password_hash; /* crypt(3) format: "$6$salt$..." (SHA-512), "$y$..." */
} cm_config_smtp_user;

typedef struct {
    char *name;
    char **senders; /* "allow:addr", "allow:@domain", "deny:addr" */
    size_t n_senders;
    char *sender_id;               /* source address of its SMS */
    char *lang;                    /* "fr" or "en" */
    int max_length;                /* characters */
    int commercial;                /* its SMS are commercial unless X-SMS-Category says otherwise */
    int transliterate;             /* map typographic characters to GSM before encoding */
    int require_spf, require_dkim; /* refuse mail whose SPF / aligned DKIM did not pass */
    char *stop_mention;            /* appended to commercial SMS under a custom sender name */
    int dedup_days;                /* same sender + Message-ID within this many days = duplicate */
    char *stop_confirmation;       /* SMS answering a STOP ("" = none), without promotion */
    cm_config_smtp_user *smtp_users;
    size_t n_smtp_users;
    int rate_limit, daily_quota; /* recipients per minute / SMS per day; -1 = ingress default */
    double rspamd_threshold;     /* spam score refused above it; < 0 = ingress default */
} cm_config_account;

typedef struct {
    char *domain;
    char *state_dir;
    char *log_level;
    struct cm_config_ingress {
        char *listen;         /* "127.0.0.1:2525" */
        char *metrics_listen; /* HTTP metrics/status "HOST:PORT", "" = none (cm_metrics) */
        char *hostname;
        long max_message_size;
        int max_recipients;
        int router_timeout_ms;
        /* limits (smtp-ingress; Postfix-like defaults, see smsgw.conf.example) */
        int max_sessions, max_sessions_per_ip;
        int greet_wait_ms; /* pregreet test; 0 = peek only */
        int command_timeout_ms, data_timeout_ms;
        int min_data_rate; /* octets/s during DATA, 0 = off */
        int soft_error_limit, hard_error_limit, error_delay_ms;
        int junk_command_limit;
        long max_header_size;
        int mime_max_depth, mime_max_parts;
        /* STARTTLS (both "" = not offered) and the submission listener ("" = none) */
        char *tls_cert_file, *tls_key_file;
        char *submission_listen;
        /* SPF / DKIM verdicts for the router: "auto" (when an account requires it),
         * "on" or "off"; the time they may take; an offline DNS zone file ("" = DNS) */
        char *spf, *dkim;
        int auth_check_timeout_ms;
        char *dns_zone_file;
        /* anti-spam: recipients per minute (counted by each ingress instance) and SMS
         * per UTC day (the daily quotas: enforced by the router, router/rt_quota.c, for
         * all ingress instances, durable), per envelope sender and per account (0 = no
         * limit; an account's own keys override the account ones), the size of the
         * ingress counters' table, and the optional rspamd content check */
        int sender_rate_limit, sender_daily_quota;
        int account_rate_limit, account_daily_quota;
        int limit_table_size;
        char *rspamd_url; /* "http://127.0.0.1:11333", "" = no content check */
        int rspamd_timeout_ms;
        double rspamd_threshold;
        char *rspamd_on_error; /* "accept" or "tempfail" */
    } ingress;
    struct {
        char *listen_ingress, *listen_egress;
        char *metrics_listen;
        int job_timeout_s;
        int validity_s;
        int mo_reply_days; /* SMS replies are mailed to who messaged the number this recently */
        char *shard;       /* prefix of this router's submission numbers ("" for one router) */
    } router;
    struct {
        char *listen;
        char *metrics_listen;
        char *smarthost; /* "smtp://127.0.0.1:2526" */
        char *from;      /* receipts' sender address */
        int retry_min_s, retry_max_s;
        int expiry_grace_s;            /* wait after a submission's validity before "expired" */
        int seen_retention_days;       /* handoff keys kept for idempotency */
        int msgid_retention_days;      /* SMSC message id -> part mappings */
        int submission_retention_days; /* submissions after their final receipt */
        int unmatched_retention_days;  /* receipts no submission claimed */
        int final_list_max;            /* recipients listed in a final receipt's body (the
                                          CSV attachment lists them all) */
    } dlr;
    cm_config_operator *operators;
    size_t n_operators;
    cm_config_account *accounts;
    size_t n_accounts;
    struct {
        char *window;    /* commercial SMS allowed "HH:MM-HH:MM", local time */
        char *days;      /* allowed days, e.g. "mon-sat" */
        char **holidays; /* names ("french", "easter_monday", ...) or "MM-DD" */
        size_t n_holidays;
    } quiet_hours;
} cm_config;

int cm_config_load(const char *path, cm_config **out, char *err, size_t errlen);
void cm_config_free(cm_config *c);
const cm_config_operator *cm_config_operator_find(const cm_config *c, const char *name);
const cm_config_account *cm_config_account_find(const cm_config *c, const char *name);
/* The quiet-hours policy of the config (validated at load time, so this only fails
 * with a policy the loader already accepted: never). */
struct cm_calendar_policy;
int cm_config_quiet_policy(const cm_config *c, struct cm_calendar_policy *out);
/* The default path: $SMSGW_CONFIG, else /etc/smsgw/smsgw.conf. */
const char *cm_config_default_path(void);

#endif
