/* rt_submit: see rt_submit.h. The steps: account, recipients, text, then one job per
 * valid, routable, distinct number. */
#include "rt_submit.h"
#include "cm_address.h"
#include "cm_map.h"
#include "cm_number.h"
#include "cm_sms.h"
#include "rt_liste.h"
#include "rt_route.h"
#include "rt_text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RT_MAX_RECIPIENTS 1000000

typedef struct {
    rt_submission *s;
    const cm_config *cfg;
    const cm_config_account *acc;
    const cm_msg_submit *in;
    size_t cap;
    int failed; /* ENOMEM */
} builder;

static struct cm_wire_recipient *add_rcpt(builder *b, const char *number, unsigned line,
                                          const cm_fields *fields)
{
    rt_submission *s = b->s;
    cm_msg_accepted *a = &s->accepted;
    if (a->recipients_n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        struct cm_wire_recipient *r = cm_arena_alloc(&s->arena, cap * sizeof *r);
        if (!r || cap > RT_MAX_RECIPIENTS) {
            b->failed = 1;
            return NULL;
        }
        if (b->cap) memcpy(r, a->recipients, b->cap * sizeof *r);
        a->recipients = r;
        b->cap = cap;
    }
    struct cm_wire_recipient *r = &a->recipients[a->recipients_n++];
    char line_fields[CM_FIELDS_MAX * (CM_FIELD_NAME_MAX + CM_FIELD_VALUE_MAX + 2) + 1] = "";
    if (fields) rt_text_fields_line(fields, line_fields, sizeof line_fields);
    r->number = cm_arena_strdup(&s->arena, number);
    r->fields = cm_arena_strdup(&s->arena, line_fields);
    r->reason = "";
    r->line = line;
    r->state = CM_RCPT_QUEUED;
    return r;
}

static void reject_rcpt(struct cm_wire_recipient *r, const char *reason)
{
    if (r) {
        r->state = CM_RCPT_REJECTED;
        r->reason = (char *)reason;
    }
}

static const char *number_reason(int rc)
{
    return rc == -ENOSPC ? "number too long" : "invalid number";
}

/* One recipient from an address or a list line. */
static void take_recipient(builder *b, unsigned line, const char *raw, int rc,
                           const cm_recipient *r)
{
    struct cm_wire_recipient *w = add_rcpt(b, rc == 0 && r->number_rc == 0 ? r->e164 : raw, line,
                                           rc == 0 ? &r->fields : NULL);
    if (rc == CM_ADDR_EMEDIA)
        reject_rcpt(w, "media not offered");
    else if (rc != 0)
        reject_rcpt(w, "invalid recipient line");
    else if (r->number_rc != 0)
        reject_rcpt(w, number_reason(r->number_rc));
}

static void on_list_line(unsigned line, const char *text, int rc, const cm_recipient *r, void *arg)
{
    take_recipient(arg, line, text, rc, r);
}

/* Recipients from the envelope: SMS=... addresses, or the list of a multi address. */
static const char *collect_recipients(builder *b)
{
    const cm_msg_submit *in = b->in;
    for (size_t i = 0; i < in->rcpts.n && !b->failed; i++) {
        char local[512], domain[256];
        cm_address_mode mode;
        cm_recipient r;
        if (cm_address_split(in->rcpts.v[i], local, sizeof local, domain, sizeof domain) != 0)
            return "error in the To field";
        int rc = cm_address_parse_local(local, &mode, &r);
        if (rc == 0 && mode == CM_ADDR_SINGLE) {
            take_recipient(b, 0, local, 0, &r);
            continue;
        }
        if (rc != 0 && rc != -EINVAL) return "error in the To field";
        if (rc == -EINVAL) { /* SMS=<bad> is a bad recipient, anything else a bad To */
            if (strncasecmp(local, "SMS=", 4) != 0) return "error in the To field";
            take_recipient(b, 0, local + 4, r.number_rc ? 0 : rc, &r);
            continue;
        }
        const struct cm_wire_attachment *list = rt_liste_find(in);
        if (!list) return "multi submission without LISTE.TXT attachment";
        if (rt_liste_each(&list->data, mode == CM_ADDR_MULTI, on_list_line, b) != 0) b->failed = 1;
    }
    return NULL;
}

/* Numbers given twice are sent once: later occurrences are rejected as duplicates. */
static void reject_duplicates(builder *b)
{
    cm_msg_accepted *a = &b->s->accepted;
    cm_map *seen = cm_map_create();
    if (!seen) {
        b->failed = 1;
        return;
    }
    for (size_t i = 0; i < a->recipients_n && !b->failed; i++) {
        struct cm_wire_recipient *r = &a->recipients[i];
        if (r->state != CM_RCPT_QUEUED) continue;
        if (cm_map_get(seen, r->number))
            reject_rcpt(r, "duplicate number (sent once)");
        else if (cm_map_put(seen, r->number, r, NULL) != 0)
            b->failed = 1;
    }
    cm_map_free(seen);
}

static const char *coding_name(int coding)
{
    return coding == CM_SMS_UCS2 ? "UCS-2" : "GSM 7-bit";
}

/* Field names present in the submission, '\t'-separated (for personalisation). */
static char *field_names(builder *b)
{
    cm_map *names = cm_map_create();
    cm_wbuf w = {0};
    const cm_msg_accepted *a = &b->s->accepted;
    for (size_t i = 0; names && i < a->recipients_n; i++)
        for (const char *p = a->recipients[i].fields; *p;) {
            size_t len = strcspn(p, "="), end = strcspn(p, "\t");
            char name[CM_FIELD_NAME_MAX + 1];
            snprintf(name, sizeof name, "%.*s", (int)(len < end ? len : end), p);
            if (!cm_map_get(names, name) && cm_map_put(names, name, names, NULL) == 0) {
                cm_put_u8(&w, '\t');
                for (const char *c = name; *c; c++)
                    cm_put_u8(&w, (uint8_t)*c);
            }
            p += end + (p[end] == '\t');
        }
    cm_put_u8(&w, 0);
    cm_map_free(names);
    char *out = w.err ? NULL : cm_arena_strdup(&b->s->arena, (char *)w.data);
    cm_wbuf_free(&w);
    if (!out) b->failed = 1;
    return out;
}

/* Parses "NAME=value\t..." back into fields (for rendering). */
static void fields_from_line(const char *line, cm_fields *f)
{
    cm_fields_init(f);
    while (*line) {
        size_t end = strcspn(line, "\t"), eq = strcspn(line, "=");
        char name[CM_FIELD_NAME_MAX + 1], value[CM_FIELD_VALUE_MAX + 1];
        if (eq < end) {
            snprintf(name, sizeof name, "%.*s", (int)eq, line);
            snprintf(value, sizeof value, "%.*s", (int)(end - eq - 1), line + eq + 1);
            cm_fields_set(f, name, value);
        }
        line += end + (line[end] == '\t');
    }
}

static void set_source(const cm_config_account *acc, const cm_config_operator *op, cm_msg_job *j)
{
    int numeric = acc->sender_id[0] != 0;
    for (const char *p = acc->sender_id; *p && numeric; p++)
        numeric = (*p >= '0' && *p <= '9') || (p == acc->sender_id && *p == '+');
    j->source = acc->sender_id;
    j->source_ton = numeric ? (uint8_t)op->source_ton : 5;
    j->source_npi = numeric ? (uint8_t)op->source_npi : 0;
}

/* Renders, encodes and routes recipient r; adds its job or rejects it. */
static void make_job(builder *b, struct cm_wire_recipient *r, const char *names, size_t ridx)
{
    rt_submission *s = b->s;
    cm_fields f;
    fields_from_line(r->fields, &f);
    char *text = rt_text_render(b->in->text, &f, names);
    cm_sms_text enc;
    const cm_config_operator *op = rt_route_lookup(b->cfg, r->number);
    if (!text || cm_sms_encode(text, strlen(text), 0, &enc) != 0) {
        reject_rcpt(r, "text cannot be encoded");
        free(text);
        return;
    }
    char reason[96];
    if (enc.info.chars > (size_t)b->acc->max_length) {
        snprintf(reason, sizeof reason, "text too long: %zu characters (maximum %d)",
                 enc.info.chars, b->acc->max_length);
        reject_rcpt(r, cm_arena_strdup(&s->arena, reason));
    } else if (!op)
        reject_rcpt(r, "no route to this number");
    else {
        cm_msg_job *j = &s->jobs[s->n_jobs];
        char digits[CM_E164_BUFSZ], end[24];
        cm_number_smpp_digits(r->number, digits, sizeof digits);
        j->submission = "", j->operator_name = op->name;
        j->dest = cm_arena_strdup(&s->arena, digits);
        set_source(b->acc, op, j);
        j->coding = (uint8_t)enc.info.coding;
        j->payload.data = cm_arena_alloc(&s->arena, enc.len + 1);
        if (!j->payload.data || !j->dest) {
            b->failed = 1;
        } else {
            memcpy(j->payload.data, enc.data, enc.len);
            j->payload.len = enc.len;
        }
        for (size_t p = 1; p <= enc.info.parts && !b->failed; p++) {
            snprintf(end, sizeof end, "%zu", enc.bound[p]);
            b->failed = cm_strs_push(&s->arena, &j->part_ends, end) != 0;
        }
        j->registered_delivery = 1;
        j->expires_ms = s->accepted.expires_ms;
        r->parts = (uint32_t)enc.info.parts;
        s->job_rcpt[s->n_jobs++] = ridx;
    }
    if (ridx == 0 || !*s->accepted.encoding) {
        s->accepted.encoding = (char *)coding_name(enc.info.coding);
        s->accepted.parts = (uint32_t)enc.info.parts;
        s->accepted.text = cm_arena_strdup(&s->arena, text);
    }
    cm_sms_text_free(&enc);
    free(text);
}

static int wants_receipt(const cm_config *cfg, const cm_msg_submit *in)
{
    return in->mail_from[0] && strcasecmp(in->mail_from, cfg->dlr.from) != 0 &&
           (!in->auto_submitted[0] || strcasecmp(in->auto_submitted, "no") == 0);
}

static void start_event(builder *b, uint64_t now_ms)
{
    cm_msg_accepted *a = &b->s->accepted;
    const cm_msg_submit *in = b->in;
    a->submission = "";
    a->at_ms = now_ms;
    a->reply_to = wants_receipt(b->cfg, in) ? in->mail_from : "";
    a->message_id = in->message_id;
    a->subject = in->subject;
    a->account = b->acc->name;
    a->lang = b->acc->lang;
    a->status = strncmp(in->subject, "[TEST]", 6) == 0 ? CM_ACCEPT_DRY_RUN : CM_ACCEPT_ACCEPTED;
    a->reason = a->encoding = a->text = "";
    a->expires_ms = now_ms + (uint64_t)b->cfg->router.validity_s * 1000;
}

static void reject_all(rt_submission *s, const char *reason)
{
    s->accepted.status = CM_ACCEPT_REJECTED;
    s->accepted.reason = (char *)reason;
    s->n_jobs = 0;
}

static void build_jobs(builder *b)
{
    rt_submission *s = b->s;
    cm_msg_accepted *a = &s->accepted;
    const char *names = field_names(b);
    size_t n = a->recipients_n ? a->recipients_n : 1;
    s->jobs = cm_arena_alloc(&s->arena, n * sizeof *s->jobs);
    s->job_rcpt = cm_arena_alloc(&s->arena, n * sizeof *s->job_rcpt);
    if (!s->jobs || !s->job_rcpt || !names) {
        b->failed = 1;
        return;
    }
    for (size_t i = 0; i < a->recipients_n && !b->failed; i++)
        if (a->recipients[i].state == CM_RCPT_QUEUED) make_job(b, &a->recipients[i], names, i);
}

int rt_submit_build(const cm_config *cfg, const cm_accounts *accounts, const cm_msg_submit *in,
                    uint64_t now_ms, rt_submission *out)
{
    int rc;
    memset(out, 0, sizeof *out);
    builder b = {out, cfg, cm_accounts_find(accounts, in->mail_from, &rc), in, 0, 0};
    out->reply = (cm_msg_submit_reply){550, "5.7.1", "sender is not authorised to send SMS", ""};
    if (!b.acc) return 0;
    out->has_event = 1;
    out->reply = (cm_msg_submit_reply){250, "2.0.0", "message accepted", ""};
    start_event(&b, now_ms);
    const char *fatal = collect_recipients(&b);
    if (!fatal && !b.failed) {
        reject_duplicates(&b);
        build_jobs(&b);
    }
    if (b.failed) {
        rt_submission_free(out);
        return -ENOMEM;
    }
    if (fatal)
        reject_all(out, fatal);
    else if (!in->text[0])
        reject_all(out, "no message body");
    else if (out->n_jobs == 0)
        reject_all(out, "no valid recipient");
    else if (out->accepted.status == CM_ACCEPT_DRY_RUN)
        out->n_jobs = 0;
    return 0;
}

void rt_submission_number(rt_submission *s, const char *number, uint64_t first_job_id)
{
    char text[96];
    s->accepted.submission = cm_arena_strdup(&s->arena, number);
    s->reply.submission = s->accepted.submission;
    snprintf(text, sizeof text, "message accepted as submission %s", number);
    s->reply.text = cm_arena_strdup(&s->arena, text);
    for (size_t k = 0; k < s->n_jobs; k++) {
        s->jobs[k].job_id = first_job_id + k;
        s->jobs[k].submission = s->accepted.submission;
        s->accepted.recipients[s->job_rcpt[k]].job_id = first_job_id + k;
    }
}

void rt_submission_free(rt_submission *s)
{
    cm_arena_free(s->arena);
    memset(s, 0, sizeof *s);
}
