/* dl_mo: MO_REPLY from the router: an SMS reply mailed to the sender of the submission
 * it answers (dl_state_mo_reply, see dl_state.h). */
#include "dl_state.h"

#include "cm_log.h"
#include "cm_store.h"
#include "cm_wire.h"
#include "dl_mail.h"
#include "dl_outbox.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The submission's ACCEPTED if dlr still keeps it; -ENOENT otherwise (also for a
 * record that cannot be read: the reply is mailed without it). */
static int load_orig(dl_state *st, MDB_txn *txn, const char *sub, cm_arena **a,
                     cm_msg_accepted *out)
{
    MDB_val v;
    int rc = sub[0] != '\0' ? cm_store_get(txn, st->db.submissions, sub, strlen(sub), &v) : -ENOENT;

    if (rc < 0) return rc;
    if (cm_wire_decode_accepted(v.mv_data, v.mv_size, a, out) < 0) {
        cm_warn("submission %s: stored ACCEPTED unreadable; reply mailed without it", sub);
        return -ENOENT;
    }
    return 0;
}

/* "rep.<submission>.<digits of the phone>.<now>": unique per reply. */
static void msgid_left(const cm_msg_mo_reply *mo, uint64_t now_ms, char *out, size_t cap)
{
    char digits[32];
    size_t n = 0;

    for (const char *p = mo->from; *p && n + 1 < sizeof(digits); p++)
        if (*p >= '0' && *p <= '9') digits[n++] = *p;
    digits[n] = '\0';
    snprintf(out, cap, "rep.%.100s.%s.%" PRIu64, mo->submission, digits, now_ms);
}

static int queue_reply(dl_state *st, MDB_txn *txn, const cm_msg_mo_reply *mo,
                       const cm_msg_accepted *orig, uint64_t now_ms)
{
    char left[200], *mail = NULL;
    size_t len = 0;

    msgid_left(mo, now_ms, left, sizeof(left));
    dl_mail_env env = {st->from, mo->reply_to, now_ms, left};
    int rc = dl_mail_reply(&env, mo, orig, st->domain, &mail, &len);

    if (rc == 0) {
        cm_info("reply from %s to submission %s: forwarded to %s", mo->from, mo->submission,
                mo->reply_to);
        rc = dl_outbox_put(st, txn, mo->reply_to, mo->submission, "reply", mail, len, now_ms);
    } else if (rc == -EINVAL) {
        cm_info("reply from %s to submission %s: no mail for address \"%s\"", mo->from,
                mo->submission, mo->reply_to);
        rc = 0;
    }
    free(mail);
    return rc;
}

int dl_state_mo_reply(dl_state *st, MDB_txn *txn, const uint8_t *p, size_t n, uint64_t now_ms)
{
    cm_arena *a = NULL;
    cm_msg_mo_reply mo;
    cm_msg_accepted orig;
    int rc = cm_wire_decode_mo_reply(p, n, &a, &mo), known = 0;

    if (rc < 0 || mo.from[0] == '\0') {
        rc = -EBADMSG;
        goto out;
    }
    rc = load_orig(st, txn, mo.submission, &a, &orig);
    known = rc == 0;
    if (rc == 0 || rc == -ENOENT) rc = queue_reply(st, txn, &mo, known ? &orig : NULL, now_ms);
out:
    cm_arena_free(a);
    return rc;
}
