/* se_job: job records by job_id (cm_map, decimal key), a held FIFO and a done list
 * ordered by completion time for eviction (see se_job.h). */
#include "se_job.h"

#include "cm_map.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    se_job *head, *tail;
    size_t n;
} job_list;

struct se_jobs {
    cm_map *by_id;
    job_list held, done;
    size_t max_done;
    uint64_t max_age_ms;
};

static void key_of(uint64_t id, char key[24])
{
    snprintf(key, 24, "%" PRIu64, id);
}

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
    free(j->reason);
    free(j);
}

se_jobs *se_jobs_create(size_t max_done, uint64_t max_age_ms)
{
    se_jobs *s = calloc(1, sizeof *s);
    if (!s || !(s->by_id = cm_map_create())) {
        free(s);
        return NULL;
    }
    s->max_done = max_done;
    s->max_age_ms = max_age_ms;
    return s;
}

static int free_each(const char *key, void *value, void *arg)
{
    job_free(value);
    return 0;
}

void se_jobs_free(se_jobs *s)
{
    if (!s) return;
    cm_map_each(s->by_id, free_each, NULL);
    cm_map_free(s->by_id);
    free(s);
}

se_job *se_jobs_get(se_jobs *s, uint64_t job_id)
{
    char key[24];
    key_of(job_id, key);
    return cm_map_get(s->by_id, key);
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
    char key[24];
    *out = NULL;
    if (se_jobs_get(s, m->job_id)) return -EEXIST;
    se_job *j = calloc(1, sizeof *j);
    int rc = j ? job_fill(j, m, op) : -ENOMEM;
    key_of(m->job_id, key);
    if (!rc) rc = cm_map_put(s->by_id, key, j, NULL);
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
    char key[24];
    if (j->state == SE_JOB_HELD)
        list_unlink(&s->held, j);
    else if (j->state == SE_JOB_DONE)
        list_unlink(&s->done, j);
    key_of(j->job_id, key);
    cm_map_del(s->by_id, key);
    job_free(j);
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
    return cm_map_size(s->by_id);
}

void se_jobs_sending(se_jobs *s, se_job *j)
{
    if (j->state != SE_JOB_HELD) return;
    list_unlink(&s->held, j);
    j->state = SE_JOB_SENDING;
}

int se_jobs_done(se_jobs *s, se_job *j, uint8_t status, uint32_t smpp_status, const char *reason,
                 uint64_t now_ms)
{
    if (j->state == SE_JOB_DONE) return 0;
    if (j->state == SE_JOB_HELD) list_unlink(&s->held, j);
    j->state = SE_JOB_DONE;
    j->status = status;
    j->smpp_status = smpp_status;
    j->done_ms = now_ms;
    j->reason = strdup(reason ? reason : "");
    se_text_free(&j->text);
    list_push(&s->done, j);
    se_jobs_expire(s, now_ms);
    return j->reason ? 0 : -ENOMEM;
}

void se_jobs_expire(se_jobs *s, uint64_t now_ms)
{
    se_job *j;
    while ((j = s->done.head) && (s->done.n > s->max_done || j->done_ms + s->max_age_ms < now_ms))
        se_jobs_remove(s, j);
}

int se_job_set_msg_id(se_job *j, size_t i, const char *id)
{
    if (i >= j->n_submits) return -EINVAL;
    free(j->msg_ids[i]);
    j->msg_ids[i] = strdup(id);
    return j->msg_ids[i] ? 0 : -ENOMEM;
}

int se_job_result(const se_job *j, const char *operator_name, uint32_t attempt, uint64_t at_ms,
                  cm_wbuf *out)
{
    cm_msg_result r = {
        .job_id = j->job_id,
        .attempt = attempt,
        .submission = j->submission,
        .operator_name = (char *)operator_name,
        .status = j->status,
        .smpp_status = j->smpp_status,
        .reason = j->reason,
        .at_ms = at_ms,
    };
    if (j->status == CM_RESULT_SUBMITTED) {
        r.message_ids.v = j->msg_ids;
        r.message_ids.n = j->n_submits;
    }
    return cm_wire_encode_result(&r, out);
}
