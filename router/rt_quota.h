/* rt_quota: the daily SMS quotas of SPEC.md section 4, enforced by the router for
 * every ingress instance and across restarts: a count per (account, UTC day) and per
 * (envelope sender, UTC day) in queue.mdb's `quota` sub-database, written in the
 * batch transaction that stores the submission.
 *
 * Unit: an accepted submission costs the jobs it queued (one per recipient sent an
 * SMS; the parts of a long SMS are not counted). The check is made before any job is
 * made, with the submission's queued recipients (an upper bound of its jobs): a
 * submission that would go over either quota is refused whole (452 4.7.1 by the
 * caller), nothing stored. Limits: the account's daily_quota (>= 0) else
 * ingress.account_daily_quota; ingress.sender_daily_quota; 0 = unlimited (not counted).
 * The envelope sender is compared lowercased; an empty one (bounce) is not counted.
 *
 * Key: kind ('a' account, 's' sender), 0, name, 0, BE32(UTC day since the epoch);
 * value: native u64 count. Entries of days before yesterday are pruned
 * (rt_quota_prune: the caller runs it at the first submission of each day).
 * Errors: negative errno (cm_store's). */
#ifndef RT_QUOTA_H
#define RT_QUOTA_H

#include "cm_config.h"

#include <lmdb.h>
#include <stdint.h>

#define RT_QUOTA_ACCOUNT 1 /* rt_quota_check: the account's quota would be exceeded */
#define RT_QUOTA_SENDER 2  /* the envelope sender's */

typedef struct {
    uint32_t day;
    const char *name[3]; /* [RT_QUOTA_ACCOUNT], [RT_QUOTA_SENDER]; index 0 unused */
    uint64_t limit[3];   /* 0: unlimited */
    uint64_t used[3];    /* filled by rt_quota_check */
    char sender[320];
} rt_quota_keys;

uint32_t rt_quota_day(uint64_t ms);
/* The keys and limits of a submission of `acc` from `mail_from` at now_ms. */
void rt_quota_keys_of(const cm_config *cfg, const cm_config_account *acc, const char *mail_from,
                      uint64_t now_ms, rt_quota_keys *k);
/* 0 when n more SMS fit both quotas, else RT_QUOTA_ACCOUNT or RT_QUOTA_SENDER (the
 * first over); k->used[] gets today's counts. Or a negative errno. */
int rt_quota_check(MDB_txn *txn, MDB_dbi dbi, rt_quota_keys *k, uint64_t n);
/* Adds n to today's counts of the limited keys. */
int rt_quota_add(MDB_txn *txn, MDB_dbi dbi, const rt_quota_keys *k, uint64_t n);
/* Deletes the entries of days before today - 1; the number deleted or a negative errno. */
int rt_quota_prune(MDB_txn *txn, MDB_dbi dbi, uint32_t today);

#endif
