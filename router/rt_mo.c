/* rt_mo: see rt_mo.h. */
#include "rt_mo.h"
#include "cm_log.h"
#include "cm_number.h"
#include "cm_sms.h"

#include <ctype.h>
#include <errno.h>
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

/* Fills account and submission from RT_DB_LAST_SENT; -ENOENT if never messaged. */
static int last_sent(rt_ctx *ctx, MDB_txn *txn, const char *e164, char *account, char *sub,
                     size_t cap)
{
    MDB_val v;
    char rec[256];
    int rc = cm_store_get(txn, cm_store_dbi(ctx->store, RT_DB_LAST_SENT), e164, strlen(e164), &v);
    if (rc) return rc;
    snprintf(rec, sizeof rec, "%.*s", (int)v.mv_size, (const char *)v.mv_data);
    char *nl = strchr(rec, '\n'), *nl2 = nl ? strchr(nl + 1, '\n') : NULL;
    if (!nl || !nl2) return -EBADMSG;
    *nl = *nl2 = 0;
    if (strlen(rec) >= cap || strlen(nl + 1) >= cap) return -EBADMSG;
    memcpy(account, rec, strlen(rec) + 1);
    memcpy(sub, nl + 1, strlen(nl + 1) + 1);
    return 0;
}

int rt_mo_apply(rt_ctx *ctx, MDB_txn *txn, const cm_msg_deliver *d)
{
    char e164[CM_E164_BUFSZ], plus[40], account[128] = "", sub[128] = "";
    char *text = NULL;
    snprintf(plus, sizeof plus, "+%s", d->source_addr);
    if (cm_number_normalise(d->source_addr[0] == '+' ? d->source_addr : plus, e164, sizeof e164) ||
        cm_sms_decode(d->data_coding, d->short_message.data, d->short_message.len,
                      (d->esm_class & 0x40) != 0, &text) < 0) {
        cm_warn("mobile-originated SMS from %s to %s unreadable: ignored", d->source_addr,
                d->dest_addr);
        free(text);
        return 0;
    }
    const char *by_code = account_of_shortcode(ctx->cfg, d->dest_addr);
    int rc = last_sent(ctx, txn, e164, account, sub, sizeof account);
    if (by_code) snprintf(account, sizeof account, "%s", by_code);
    if (rc && rc != -ENOENT && rc != -EBADMSG) {
        free(text);
        return rc;
    }
    rc = 0;
    if (!account[0])
        cm_warn("mobile-originated SMS from %s to %s: no account messaged it", e164, d->dest_addr);
    else if (rt_mo_is_stop(text)) {
        rc = cm_blacklist_add(ctx->blacklist, account, e164, rt_now_ms(), "mo");
        if (!rc) cm_info("STOP from %s: on the STOP list of account %s", e164, account);
    } else
        cm_info("reply from %s to account %s (submission %s): %zu bytes", e164, account,
                sub[0] ? sub : "?", strlen(text));
    free(text);
    return rc;
}
