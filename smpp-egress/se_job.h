/* se_job: the jobs this egress knows: held (received, not yet fully submitted),
 * sending (every submit_sm written, responses outstanding), done (result known).
 *
 * A job is found by job_id for as long as it is held or sending, and once done for a
 * bounded time (max_done records, max_age_ms) so that a JOB received again (the router
 * restarted) is answered from what is known instead of being submitted twice. Held
 * jobs form a FIFO that the dispatcher serves.
 *
 * Ownership: the store owns every se_job; pointers stay valid until the job is evicted
 * (only se_jobs_done() and se_jobs_expire() evict, and only done jobs) or removed
 * (se_jobs_remove). se_jobs_add() copies what it needs from the decoded message.
 * Errors: -ENOMEM, -EEXIST (job_id already known), -EINVAL / -ENOTSUP from se_parts
 * (the job's payload cannot be sent). Never logs. */
#ifndef SE_JOB_H
#define SE_JOB_H

#include "cm_config.h"
#include "cm_wire.h"
#include "se_parts.h"

#include <stddef.h>
#include <stdint.h>

enum se_job_state { SE_JOB_HELD, SE_JOB_SENDING, SE_JOB_DONE };

typedef struct se_job {
    uint64_t job_id;
    uint32_t attempt;
    char *submission, *dest, *source;
    uint8_t source_ton, source_npi, registered_delivery;
    uint64_t expires_ms, done_ms;
    uint64_t held_since_ms; /* set by the owner when the job is taken */
    se_text text;           /* freed when done */
    size_t n_submits;       /* submit_sm PDUs this job needs */
    size_t next;            /* next submit to write */
    size_t n_ok;            /* successful submit_sm_resp */
    char **msg_ids;         /* n_submits entries, NULL until answered */
    unsigned ref;           /* concatenation reference */
    enum se_job_state state;
    uint8_t status; /* enum cm_result_status once done */
    uint32_t smpp_status;
    char *reason;
    struct se_job *prev, *next_in_list; /* held FIFO or done list */
} se_job;

typedef struct se_jobs se_jobs;

se_jobs *se_jobs_create(size_t max_done, uint64_t max_age_ms);
void se_jobs_free(se_jobs *s);
se_job *se_jobs_get(se_jobs *s, uint64_t job_id);
/* A new held job at the tail of the FIFO. */
int se_jobs_add(se_jobs *s, const cm_msg_job *m, const cm_config_operator *op, unsigned ref,
                se_job **out);
/* Forgets a job (any state) at once. */
void se_jobs_remove(se_jobs *s, se_job *j);
se_job *se_jobs_held_first(se_jobs *s);
size_t se_jobs_held(const se_jobs *s);
size_t se_jobs_count(const se_jobs *s);
/* Every submit of a held job is written: it leaves the FIFO. */
void se_jobs_sending(se_jobs *s, se_job *j);
/* Records the result (copies reason) and evicts the oldest done jobs beyond the bounds. */
int se_jobs_done(se_jobs *s, se_job *j, uint8_t status, uint32_t smpp_status, const char *reason,
                 uint64_t now_ms);
void se_jobs_expire(se_jobs *s, uint64_t now_ms);
/* Records message id of submit i (copied). */
int se_job_set_msg_id(se_job *j, size_t i, const char *id);
/* Encodes the job's RESULT (it must be done) for attempt `attempt`. */
int se_job_result(const se_job *j, const char *operator_name, uint32_t attempt, uint64_t at_ms,
                  cm_wbuf *out);

#endif
