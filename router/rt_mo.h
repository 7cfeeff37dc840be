/* rt_mo: mobile-originated SMS (SPEC §6).
 *
 * A text that says STOP (case, spaces, accents and a trailing "SMS" tolerated) puts the
 * sender's number on the STOP list of the account bound to the short code it was sent
 * to (an account whose sender_id is that address), else of the account that last
 * messaged the number (RT_DB_LAST_SENT, written by rt_ingress); an account with a
 * stop_confirmation text then sends that one SMS (rt_ingress_own_sms).
 *
 * Any other text is a reply: when an account messaged the number within
 * router.mo_reply_days and that submission had a receipt address, a MO_REPLY event
 * (key "mo:<key>") goes into the outbox to dlr, which mails it to that sender with
 * the original submission number. Otherwise it is logged and dropped.
 *
 * rt_mo_apply() works in the batch txn (the STOP list, a separate store, is committed
 * before it returns, so before the SMSC is answered). Returns 0, or a negative errno
 * on a storage failure. rt_mo_is_stop() is the pure text test. */
#ifndef RT_MO_H
#define RT_MO_H

#include "cm_wire.h"
#include "rt_ctx.h"

int rt_mo_apply(rt_ctx *ctx, MDB_txn *txn, const char *key, const cm_msg_deliver *d);
int rt_mo_is_stop(const char *utf8);

#endif
