/* rt_mo: see rt_mo.h. */
#include "rt_mo.h"
#include "cm_log.h"
#include "cm_number.h"
#include "cm_sms.h"
#include "rt_dlr_out.h"
#include "rt_ingress.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Upper-case ASCII letters of utf8, accents folded (Latin-1 supplement and Œ), other
 * characters dropped; at most cap-1 letters. */
static void letters_of(const char *utf8, char *out, size_t cap)
{
    static const char fold[] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTSaaaaaaaceeeeiiiidnooooo/ouuuuyty";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)utf8; *p && n + 1 < cap; p++) {
        int c = -1;
        if (isalpha(*p))
            c = toupper(*p);
        else if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF)
            c = toupper((unsigned char)fold[*++p - 0x80]);
        if (c >= 'A' && c <= 'Z') out[n++] = (char)c;
    }
    out[n] = 0;
}

int rt_mo_is_stop(const char *utf8)
{
    char l[16];
    letters_of(utf8, l, sizeof l);
    return strcmp(l, "STOP") == 0 || strcmp(l, "STOPSMS") == 0;
}

/* The account an MO addressed to `dest` belongs to: by short code, else NULL. */
static const char *account_of_shortcode(const cm_config *cfg, const char *dest)
{
    for (size_t i = 0; i < cfg->n_accounts; i++)
        if (cfg->accounts[i].sender_id[0] && strcmp(cfg->accounts[i].sender_id, dest) == 0)
            return cfg->accounts[i].name;
    return NULL;
}

typedef struct {
    char account[128], submission[64], reply_to[512];
    uint64_t at_ms;
} last_sent;

/* Reads RT_DB_LAST_SENT for e164 ("account\nsubmission\nms\nreply_to"); -ENOENT if
 * never messaged, -EBADMSG for a record it cannot read. */
static int read_last_sent(rt_ctx *ctx, MDB_txn *txn, const char *e164, last_sent *out)
{
    MDB_val v;
    char rec[1024], *f[4];
    int rc = cm_store_get(txn, cm_store_dbi(ctx->store, RT_DB_LAST_SENT), e164, strlen(e164), &v);
    if (rc) return rc;
    if (v.mv_size >= sizeof rec) return -EBADMSG;
    memcpy(rec, v.mv_data, v.mv_size);
    rec[v.mv_size] = 0;
    f[0] = rec;
    for (int i = 1; i < 4; i++) {
        char *nl = strchr(f[i - 1], '\n');
        if (!nl) return -EBADMSG;
        *nl = 0;
        f[i] = nl + 1;
    }
    if (strlen(f[0]) >= sizeof out->account || strlen(f[1]) >= sizeof out->submission ||
        strlen(f[3]) >= sizeof out->reply_to)
        return -EBADMSG;
    strcpy(out->account, f[0]);
    strcpy(out->submission, f[1]);
    strcpy(out->reply_to, f[3]);
    out->at_ms = strtoull(f[2], NULL, 10);
    return 0;
}

/* Queues the reply for dlr to mail to the sender of the submission it answers. */
static int forward_reply(rt_ctx *ctx, MDB_txn *txn, const char *key, const cm_msg_deliver *d,
                         const char *e164, const char *text, const last_sent *ls)
{
    const cm_config_account *acc = cm_config_account_find(ctx->cfg, ls->account);
    uint64_t window = (uint64_t)ctx->cfg->router.mo_reply_days * 86400000;
    if (!ls->reply_to[0] || !acc || rt_now_ms() - ls->at_ms > window) {
        cm_info("reply from %s to account %s (submission %s) not forwarded: no recent sender", e164,
                ls->account, ls->submission);
        return 0;
    }
    cm_msg_mo_reply r = {(char *)e164, d->dest_addr,           (char *)text,         d->at_ms,
                         acc->name,    (char *)ls->submission, (char *)ls->reply_to, acc->lang};
    cm_wbuf w = {0};
    char okey[600];
    snprintf(okey, sizeof okey, "mo:%s", key);
    int rc = cm_wire_encode_mo_reply(&r, &w);
    if (!rc) rc = rt_dlr_out_put(ctx, txn, okey, w.data, w.len);
    cm_wbuf_free(&w);
    if (!rc)
        cm_info("reply from %s to submission %s forwarded to <%s>", e164, ls->submission,
                ls->reply_to);
    return rc;
}

/* The account's confirmation SMS of a STOP, if it has one. */
static void confirm_stop(rt_ctx *ctx, MDB_txn *txn, const char *key, const char *account,
                         const char *e164)
{
    const cm_config_account *acc = cm_config_account_find(ctx->cfg, account);
    char id[600];
    if (!acc || !acc->stop_confirmation[0]) return;
    snprintf(id, sizeof id, "stop:%s", key);
    rt_ingress_own_sms(ctx, txn, id, account, e164, acc->stop_confirmation);
}

int rt_mo_apply(rt_ctx *ctx, MDB_txn *txn, const char *key, const cm_msg_deliver *d)
{
    char e164[CM_E164_BUFSZ], plus[40];
    char *text = NULL;
    last_sent ls = {0};
    snprintf(plus, sizeof plus, "+%s", d->source_addr);
    if (cm_number_normalise(d->source_addr[0] == '+' ? d->source_addr : plus, e164, sizeof e164) ||
        cm_sms_decode(d->data_coding, d->short_message.data, d->short_message.len,
                      (d->esm_class & 0x40) != 0, &text) < 0) {
        cm_warn("mobile-originated SMS from %s to %s unreadable: ignored", d->source_addr,
                d->dest_addr);
        free(text);
        return 0;
    }
    int rc = read_last_sent(ctx, txn, e164, &ls);
    if (rc && rc != -ENOENT && rc != -EBADMSG) {
        free(text);
        return rc;
    }
    const char *by_code = account_of_shortcode(ctx->cfg, d->dest_addr);
    const char *account = by_code ? by_code : ls.account;
    rc = 0;
    cm_metrics_add(ctx->metrics.mo, 1,
                   !account[0]           ? "dropped"
                   : rt_mo_is_stop(text) ? "stop"
                                         : "reply");
    if (!account[0])
        cm_warn("mobile-originated SMS from %s to %s: no account messaged it", e164, d->dest_addr);
    else if (rt_mo_is_stop(text)) {
        rc = cm_blacklist_add(ctx->blacklist, account, e164, rt_now_ms(), "mo");
        if (!rc) cm_info("STOP from %s: on the STOP list of account %s", e164, account);
        if (!rc) confirm_stop(ctx, txn, key, account, e164);
    } else if (ls.account[0])
        rc = forward_reply(ctx, txn, key, d, e164, text, &ls);
    free(text);
    return rc;
}
