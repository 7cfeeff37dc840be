/* rt_quota: see rt_quota.h. */
#include "rt_quota.h"
#include "cm_buf.h"
#include "cm_store.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define DAY_MS 86400000ull

uint32_t rt_quota_day(uint64_t ms)
{
    return (uint32_t)(ms / DAY_MS);
}

void rt_quota_keys_of(const cm_config *cfg, const cm_config_account *acc, const char *mail_from,
                      uint64_t now_ms, rt_quota_keys *k)
{
    memset(k, 0, sizeof *k);
    k->day = rt_quota_day(now_ms);
    snprintf(k->sender, sizeof k->sender, "%s", mail_from ? mail_from : "");
    for (char *p = k->sender; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    k->name[RT_QUOTA_ACCOUNT] = acc->name;
    k->name[RT_QUOTA_SENDER] = k->sender;
    int own = acc->daily_quota >= 0 ? acc->daily_quota : cfg->ingress.account_daily_quota;
    k->limit[RT_QUOTA_ACCOUNT] = own > 0 ? (uint64_t)own : 0;
    int sender = cfg->ingress.sender_daily_quota;
    k->limit[RT_QUOTA_SENDER] = k->sender[0] && sender > 0 ? (uint64_t)sender : 0;
}

/* kind, 0, name, 0, BE32(day); its length, 0 when the name does not fit. */
static size_t make_key(int kind, const char *name, uint32_t day, uint8_t *key, size_t cap)
{
    size_t n = strlen(name);
    if (n + 7 > cap) return 0;
    key[0] = kind == RT_QUOTA_ACCOUNT ? 'a' : 's';
    key[1] = 0;
    memcpy(key + 2, name, n + 1);
    cm_be32_put(key + n + 3, day);
    return n + 7;
}

static int read_count(MDB_txn *txn, MDB_dbi dbi, const uint8_t *key, size_t klen, uint64_t *out)
{
    MDB_val v;
    int rc = cm_store_get(txn, dbi, key, klen, &v);
    *out = 0;
    if (rc == -ENOENT) return 0;
    if (rc) return rc;
    if (v.mv_size == sizeof *out) memcpy(out, v.mv_data, sizeof *out);
    return 0;
}

int rt_quota_check(MDB_txn *txn, MDB_dbi dbi, rt_quota_keys *k, uint64_t n)
{
    uint8_t key[400];
    for (int kind = RT_QUOTA_ACCOUNT; kind <= RT_QUOTA_SENDER; kind++) {
        if (!k->limit[kind]) continue;
        size_t klen = make_key(kind, k->name[kind], k->day, key, sizeof key);
        int rc = klen ? read_count(txn, dbi, key, klen, &k->used[kind]) : 0;
        if (rc) return rc;
        if (k->used[kind] + n > k->limit[kind]) return kind;
    }
    return 0;
}

int rt_quota_add(MDB_txn *txn, MDB_dbi dbi, const rt_quota_keys *k, uint64_t n)
{
    uint8_t key[400];
    for (int kind = RT_QUOTA_ACCOUNT; kind <= RT_QUOTA_SENDER && n; kind++) {
        uint64_t count;
        size_t klen = k->limit[kind] ? make_key(kind, k->name[kind], k->day, key, sizeof key) : 0;
        if (!klen) continue;
        int rc = read_count(txn, dbi, key, klen, &count);
        count += n;
        if (!rc) rc = cm_store_put(txn, dbi, key, klen, &count, sizeof count, 0);
        if (rc) return rc;
    }
    return 0;
}

int rt_quota_prune(MDB_txn *txn, MDB_dbi dbi, uint32_t today)
{
    MDB_cursor *c;
    MDB_val k, v;
    MDB_cursor_op op = MDB_FIRST;
    int n = 0, rc = mdb_cursor_open(txn, dbi, &c);
    if (rc) return cm_store_err(rc);
    for (; (rc = mdb_cursor_get(c, &k, &v, op)) == 0; op = MDB_NEXT) {
        const uint8_t *end = (const uint8_t *)k.mv_data + k.mv_size;
        uint32_t day = k.mv_size >= 7 ? cm_be32_get(end - 4) : 0;
        if (day + 1 >= today) continue;
        if ((rc = mdb_cursor_del(c, 0)) != 0) break;
        n++;
    }
    mdb_cursor_close(c);
    return rc == MDB_NOTFOUND ? n : cm_store_err(rc);
}
