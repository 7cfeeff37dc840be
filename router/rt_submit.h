/* rt_submit: turns one email (cm_msg_submit) into the router's decision (SPEC §1-§6,
 * §11): the account, the recipients (rt_recipients), the SMS of each recipient
 * (personalised, STOP mention, encoded: rt_text), its operator (rt_route), when it may
 * leave (scheduled sending, quiet hours: rt_schedule), and the ACCEPTED event for dlr.
 *
 * rt_submit_build() borrows the environment and the message, and fills *out with the
 * decision, allocated in out->arena (free with rt_submission_free). Jobs are not kept:
 * each job of an accepted submission is handed, as soon as it is made, to
 * env->job_sink, which must give it a job id and the submission number and store it
 * (so that a list of 100,000 recipients never holds 100,000 SMS at once); the
 * recipient records keep the job ids. The caller then sets the submission number
 * (rt_submission_number()) before encoding the ACCEPTED event. Returns 0
 * (out->reply says what to answer the SMTP client: 250 for every submission, accepted
 * or rejected with a receipt; 452 4.7.1 when a daily quota would be exceeded
 * (env->over_quota), 550 5.7.1 when no account allows the sender or its
 * SPF/DKIM requirement failed, in which case there is no ACCEPTED event), -ENOMEM, or
 * the job sink's error. */
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
    /* Receives each job of an accepted submission, borrowed for the call: it sets
     * job->job_id and job->submission and stores it; 0 or a negative errno. */
    int (*job_sink)(void *arg, cm_msg_job *job, uint64_t release_ms);
    void *job_arg;
    /* > 0 when the account's STOP list holds the number (NULL: no lists). */
    int (*blacklisted)(void *arg, const char *account, const char *e164);
    void *blacklist_arg;
    /* Daily quotas (rt_quota), NULL: none. Asked before any job is made, with the
     * submission's queued recipients: > 0 refuses it (452 4.7.1, no event; the value
     * names what is over: RT_QUOTA_ACCOUNT or RT_QUOTA_SENDER), 0 lets it through, a
     * negative errno fails the build. */
    int (*over_quota)(void *arg, const cm_config_account *acc, size_t n);
    void *quota_arg;
} rt_submit_env;

typedef struct {
    cm_arena *arena;
    int has_event; /* 0: refused, nothing to store */
    const cm_config_account *account;
    cm_msg_submit_reply reply;
    cm_msg_accepted accepted;
    size_t recipients_cap; /* of accepted.recipients, malloc'd (not in the arena) */
    size_t n_jobs;         /* jobs handed to the sink (0 unless accepted) */
} rt_submission;

int rt_submit_build(const rt_submit_env *env, const cm_msg_submit *in, rt_submission *out);
/* Sets the submission number (in the event and the SMTP reply). */
void rt_submission_number(rt_submission *s, const char *number);
/* Frees the recipient array once the event is encoded (a list of 100,000 is 6.4 MB):
 * accepted.recipients becomes NULL and recipients_n 0. */
void rt_submission_drop_recipients(rt_submission *s);
void rt_submission_free(rt_submission *s);

#endif
