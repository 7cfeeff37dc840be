/* se_job: live jobs (held FIFO, sending list) and compact done records (FIFO by
 * completion time, for eviction), each kind indexed by job id (se_idx); see se_job.h. */
#include "se_job.h"

#include "se_idx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    se_job *head, *tail;
    size_t n;
} job_list;

struct se_jobs {
    se_idx live, done;
    job_list held, sending;
    se_done *done_head, *done_tail; /* FIFO, `gone` records included */
    size_t n_done;                  /* records in the FIFO */
    size_t max_done;
    uint64_t max_age_ms;
};

static void list_push(job_list *l, se_job *j)
{
    j->next_in_list = NULL;
    j->prev = l->tail;
    *(l->tail ? &l->tail->next_in_list : &l->head) = j;
    l->tail = j;
    l->n++;
}

static void list_unlink(job_list *l, se_job *j)
{
    *(j->prev ? &j->prev->next_in_list : &l->head) = j->next_in_list;
    *(j->next_in_list ? &j->next_in_list->prev : &l->tail) = j->prev;
    j->prev = j->next_in_list = NULL;
    l->n--;
}

static job_list *list_of(se_jobs *s, const se_job *j)
{
    return j->state == SE_JOB_HELD ? &s->held : &s->sending;
}

static void job_free(se_job *j)
{
    if (!j) return;
    se_text_free(&j->text);
    for (size_t i = 0; j->msg_ids && i < j->n_submits; i++)
        free(j->msg_ids[i]);
    free(j->msg_ids);
    free(j->submission);
    free(j->dest);
    free(j->source);
    free(j);
}

se_jobs *se_jobs_create(size_t max_done, uint64_t max_age_ms)
{
    se_jobs *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->max_done = max_done;
    s->max_age_ms = max_age_ms;
    return s;
}

/* Frees the oldest done record. */
static void done_pop(se_jobs *s)
{
    se_done *d = s->done_head;
    if (!(s->done_head = d->next)) s->done_tail = NULL;
    s->n_done--;
    if (!d->gone) se_idx_del(&s->done, d->job_id);
    free(d);
}

void se_jobs_free(se_jobs *s)
{
    if (!s) return;
    while (s->held.head)
        se_jobs_remove(s, s->held.head);
    while (s->sending.head)
        se_jobs_remove(s, s->sending.head);
    while (s->done_head)
        done_pop(s);
    se_idx_free(&s->live);
    se_idx_free(&s->done);
    free(s);
}

se_job *se_jobs_get(se_jobs *s, uint64_t job_id)
{
    return se_idx_get(&s->live, job_id);
}

se_done *se_jobs_done_get(se_jobs *s, uint64_t job_id)
{
    return se_idx_get(&s->done, job_id);
}

static int job_fill(se_job *j, const cm_msg_job *m, const cm_config_operator *op)
{
    j->job_id = m->job_id;
    j->attempt = m->attempt;
    j->source_ton = m->source_ton;
    j->source_npi = m->source_npi;
    j->registered_delivery = m->registered_delivery;
    j->expires_ms = m->expires_ms;
    if (!(j->submission = strdup(m->submission)) || !(j->dest = strdup(m->dest)) ||
        !(j->source = strdup(m->source)))
        return -ENOMEM;
    int rc = se_text_make(m->payload.data, m->payload.len, m->coding, &m->part_ends, op->gsm_coding,
                          &j->text);
    if (rc) return rc;
    j->n_submits = se_text_submits(&j->text, op->long_method);
    j->msg_ids = calloc(j->n_submits, sizeof *j->msg_ids);
    return j->msg_ids ? 0 : -ENOMEM;
}

int se_jobs_add(se_jobs *s, const cm_msg_job *m, const cm_config_operator *op, unsigned ref,
                se_job **out)
{
    *out = NULL;
    if (se_jobs_get(s, m->job_id) || se_jobs_done_get(s, m->job_id)) return -EEXIST;
    se_job *j = calloc(1, sizeof *j);
    int rc = j ? job_fill(j, m, op) : -ENOMEM;
    if (!rc) rc = se_idx_put(&s->live, m->job_id, j);
    if (rc) {
        job_free(j);
        return rc;
    }
    j->ref = ref;
    j->state = SE_JOB_HELD;
    list_push(&s->held, j);
    *out = j;
    return 0;
}

void se_jobs_remove(se_jobs *s, se_job *j)
{
    list_unlink(list_of(s, j), j);
    se_idx_del(&s->live, j->job_id);
    job_free(j);
}

void se_jobs_forget_done(se_jobs *s, se_done *d)
{
    if (d->gone) return;
    se_idx_del(&s->done, d->job_id);
    d->gone = 1; /* freed when it reaches the head of the FIFO */
}

se_job *se_jobs_held_first(se_jobs *s)
{
    return s->held.head;
}

size_t se_jobs_held(const se_jobs *s)
{
    return s->held.n;
}

size_t se_jobs_count(const se_jobs *s)
{
    return s->live.n + s->done.n;
}

void se_jobs_sending(se_jobs *s, se_job *j)
{
    if (j->state != SE_JOB_HELD) return;
    list_unlink(&s->held, j);
    j->state = SE_JOB_SENDING;
    list_push(&s->sending, j);
}

/* The compact record of j: reason, then its message ids if SUBMITTED. */
static se_done *done_make(const se_job *j, uint8_t status, uint32_t smpp_status, const char *reason,
                          uint64_t now_ms)
{
    size_t n_ids = status == CM_RESULT_SUBMITTED ? j->n_submits : 0;
    size_t len = strlen(reason) + 1;
    if (n_ids > UINT16_MAX) return NULL;
    for (size_t i = 0; i < n_ids; i++)
        len += strlen(j->msg_ids[i] ? j->msg_ids[i] : "") + 1;
    se_done *d = malloc(sizeof *d + len);
    if (!d) return NULL;
    *d = (se_done){.job_id = j->job_id,
                   .done_ms = now_ms,
                   .attempt = j->attempt,
                   .smpp_status = smpp_status,
                   .status = status,
                   .n_ids = (uint16_t)n_ids};
    char *p = stpcpy(d->text, reason) + 1;
    for (size_t i = 0; i < n_ids; i++)
        p = stpcpy(p, j->msg_ids[i] ? j->msg_ids[i] : "") + 1;
    return d;
}

int se_jobs_done(se_jobs *s, se_job *j, uint8_t status, uint32_t smpp_status, const char *reason,
                 uint64_t now_ms)
{
    se_done *d = done_make(j, status, smpp_status, reason ? reason : "", now_ms);
    se_jobs_remove(s, j);
    if (d && se_idx_put(&s->done, d->job_id, d) != 0) {
        free(d);
        d = NULL;
    }
    if (!d) return -ENOMEM;
    *(s->done_tail ? &s->done_tail->next : &s->done_head) = d;
    s->done_tail = d;
    s->n_done++;
    se_jobs_expire(s, now_ms);
    return 0;
}

void se_jobs_expire(se_jobs *s, uint64_t now_ms)
{
    se_done *d;
    while ((d = s->done_head) &&
           (s->n_done > s->max_done || d->gone || d->done_ms + s->max_age_ms < now_ms))
        done_pop(s);
}

int se_job_set_msg_id(se_job *j, size_t i, const char *id)
{
    if (i >= j->n_submits) return -EINVAL;
    free(j->msg_ids[i]);
    j->msg_ids[i] = strdup(id);
    return j->msg_ids[i] ? 0 : -ENOMEM;
}

void se_done_result(const se_done *d, const char *submission, const char *operator_name,
                    uint64_t at_ms, char **ids, cm_msg_result *r)
{
    const char *p = d->text + strlen(d->text) + 1;
    for (size_t i = 0; i < d->n_ids; i++, p += strlen(p) + 1)
        ids[i] = (char *)p;
    *r = (cm_msg_result){.job_id = d->job_id,
                         .attempt = d->attempt,
                         .submission = (char *)submission,
                         .operator_name = (char *)operator_name,
                         .status = d->status,
                         .smpp_status = d->smpp_status,
                         .reason = (char *)d->text,
                         .message_ids = {ids, d->n_ids},
                         .at_ms = at_ms};
}

int se_done_encode(const se_done *d, const char *submission, const char *operator_name,
                   uint32_t attempt, uint64_t at_ms, cm_wbuf *out)
{
    char **ids = malloc((d->n_ids ? d->n_ids : 1) * sizeof *ids);
    cm_msg_result r;
    if (!ids) return -ENOMEM;
    se_done_result(d, submission, operator_name, at_ms, ids, &r);
    r.attempt = attempt;
    int rc = cm_wire_encode_result(&r, out);
    free(ids);
    return rc;
}
