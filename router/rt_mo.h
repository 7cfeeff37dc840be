/* rt_mo: mobile-originated SMS (SPEC §6). A text that says STOP (case, spaces,
 * accents and a trailing "SMS" tolerated) puts the sender's number on the STOP list of
 * the account bound to the short code it was sent to (an account whose sender_id is
 * that address), else of the account that last messaged the number (RT_DB_LAST_SENT).
 * Other texts are replies: logged with the account and submission they answer
 * (forwarding them by mail is dlr's job once it knows MO messages).
 *
 * rt_mo_apply() reads RT_DB_LAST_SENT in txn and writes the STOP list (committed
 * before it returns, so before the SMSC is answered). Returns 0, or a negative errno
 * on a storage failure. rt_mo_is_stop() is the pure text test. */
#ifndef RT_MO_H
#define RT_MO_H

#include "cm_wire.h"
#include "rt_ctx.h"

int rt_mo_apply(rt_ctx *ctx, MDB_txn *txn, const cm_msg_deliver *d);
int rt_mo_is_stop(const char *utf8);

#endif
