/* se_job: the jobs this egress knows: held (received, not yet fully submitted),
 * sending (every submit_sm written, responses outstanding), done (result known).
 *
 * A live job (held or sending) is a full se_job found by job_id. Once done it is kept,
 * for a bounded time (max_done records, max_age_ms), as a compact se_done (job id,
 * attempt, status, SMPP status, reason and message ids in one allocation, about 64
 * bytes for a one-part SMS) so that a JOB received again (the router restarted) is
 * answered from what is known instead of being submitted twice; its submission, dest
 * and text are not kept (the JOB received again carries them). Held jobs form a FIFO
 * that the dispatcher serves; done records a FIFO by completion time for eviction.
 *
 * Ownership: the store owns every se_job and se_done. An se_job pointer stays valid
 * until se_jobs_done() (which frees it) or se_jobs_remove(); an se_done pointer until
 * the next call that may evict (se_jobs_done, se_jobs_expire) or se_jobs_forget_done.
 * se_jobs_add() copies what it needs from the decoded message.
 * Errors: -ENOMEM, -EEXIST (job_id already known), -EINVAL / -ENOTSUP from se_parts
 * (the job's payload cannot be sent). Never logs. */
#ifndef SE_JOB_H
#define SE_JOB_H

#include "cm_config.h"
#include "cm_wire.h"
#include "se_parts.h"

#include <stddef.h>
#include <stdint.h>

enum se_job_state { SE_JOB_HELD, SE_JOB_SENDING };

typedef struct se_job {
    uint64_t job_id;
    uint32_t attempt;
    char *submission, *dest, *source;
    uint8_t source_ton, source_npi, registered_delivery;
    uint64_t expires_ms;
    uint64_t held_since_ms; /* set by the owner when the job is taken */
    se_text text;
    size_t n_submits; /* submit_sm PDUs this job needs */
    size_t next;      /* next submit to write */
    size_t n_ok;      /* successful submit_sm_resp */
    char **msg_ids;   /* n_submits entries, NULL until answered */
    unsigned ref;     /* concatenation reference */
    enum se_job_state state;
    struct se_job *prev, *next_in_list; /* held FIFO */
} se_job;

/* A done job: reason then each message id, NUL-terminated, in text[]. */
typedef struct se_done {
    struct se_done *next; /* done FIFO, by completion time */
    uint64_t job_id, done_ms;
    uint32_t attempt, smpp_status;
    uint8_t status; /* enum cm_result_status */
    uint8_t gone;   /* forgotten (se_jobs_forget_done), freed when it reaches the head */
    uint16_t n_ids; /* message ids (SUBMITTED only) */
    char text[];
} se_done;

typedef struct se_jobs se_jobs;

se_jobs *se_jobs_create(size_t max_done, uint64_t max_age_ms);
void se_jobs_free(se_jobs *s);
se_job *se_jobs_get(se_jobs *s, uint64_t job_id); /* a live job, NULL if none */
se_done *se_jobs_done_get(se_jobs *s, uint64_t job_id);
/* A new held job at the tail of the FIFO. */
int se_jobs_add(se_jobs *s, const cm_msg_job *m, const cm_config_operator *op, unsigned ref,
                se_job **out);
/* Forgets a live job at once. */
void se_jobs_remove(se_jobs *s, se_job *j);
/* Forgets a done record (a real retry of that job comes). */
void se_jobs_forget_done(se_jobs *s, se_done *d);
se_job *se_jobs_held_first(se_jobs *s);
size_t se_jobs_held(const se_jobs *s);
size_t se_jobs_count(const se_jobs *s);
/* Every submit of a held job is written: it leaves the FIFO. */
void se_jobs_sending(se_jobs *s, se_job *j);
/* The job is done: it becomes an se_done (reason and, if SUBMITTED, its message ids
 * copied), j is freed, and the oldest done records beyond the bounds are evicted.
 * -ENOMEM: j is freed all the same, without a record. */
int se_jobs_done(se_jobs *s, se_job *j, uint8_t status, uint32_t smpp_status, const char *reason,
                 uint64_t now_ms);
void se_jobs_expire(se_jobs *s, uint64_t now_ms);
/* Records message id of submit i (copied). */
int se_job_set_msg_id(se_job *j, size_t i, const char *id);
/* Fills r with the RESULT of a done record (strings point into d; ids in ids[], at
 * least d->n_ids entries). */
void se_done_result(const se_done *d, const char *submission, const char *operator_name,
                    uint64_t at_ms, char **ids, cm_msg_result *r);
/* Encodes the RESULT of a done record for attempt `attempt`. -ENOMEM. */
int se_done_encode(const se_done *d, const char *submission, const char *operator_name,
                   uint32_t attempt, uint64_t at_ms, cm_wbuf *out);

#endif
