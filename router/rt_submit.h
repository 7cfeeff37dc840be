/* rt_submit: turns one email (cm_msg_submit) into the router's decision (SPEC §1-§6,
 * §11): the account, the recipients (rt_recipients), the SMS of each recipient
 * (personalised, STOP mention, encoded: rt_text), its operator (rt_route), when it may
 * leave (scheduled sending, quiet hours: rt_schedule), and the ACCEPTED event for dlr.
 *
 * rt_submit_build() is pure: it borrows the environment and the message, and fills
 * *out with everything allocated in out->arena (free with rt_submission_free). The
 * caller assigns the submission number and the job ids (rt_submission_number())
 * before encoding. Returns 0 (out->reply says what to answer the SMTP client: 250 for
 * every submission, accepted or rejected with a receipt; 550 5.7.1 when no account
 * allows the sender or its SPF/DKIM requirement failed, in which case there is no
 * ACCEPTED event), or -ENOMEM. */
#ifndef RT_SUBMIT_H
#define RT_SUBMIT_H

#include "cm_accounts.h"
#include "cm_calendar.h"
#include "cm_config.h"
#include "cm_portability.h"
#include "cm_wire.h"

#include <stdint.h>

typedef struct {
    const cm_config *cfg;
    const cm_accounts *accounts;
    const cm_calendar_policy *quiet;
    uint64_t now_ms;
    /* An earlier submission with the same sender and Message-ID, or NULL. */
    const char *dup_submission;
    uint64_t dup_at_ms;
    cm_portability *portability; /* NULL: none */
    /* > 0 when the account's STOP list holds the number (NULL: no lists). */
    int (*blacklisted)(void *arg, const char *account, const char *e164);
    void *blacklist_arg;
} rt_submit_env;

typedef struct {
    cm_arena *arena;
    int has_event; /* 0: refused, nothing to store */
    const cm_config_account *account;
    cm_msg_submit_reply reply;
    cm_msg_accepted accepted;
    size_t recipients_cap;
    cm_msg_job *jobs; /* jobs[k] is for accepted.recipients[job_rcpt[k]] */
    size_t *job_rcpt;
    size_t n_jobs;
} rt_submission;

int rt_submit_build(const rt_submit_env *env, const cm_msg_submit *in, rt_submission *out);
/* Sets the submission number and job ids (first_job_id, first_job_id + 1, ...). */
void rt_submission_number(rt_submission *s, const char *number, uint64_t first_job_id);
/* When job k may leave (ms since the epoch). */
uint64_t rt_submission_release(const rt_submission *s, size_t k);
void rt_submission_free(rt_submission *s);

#endif
