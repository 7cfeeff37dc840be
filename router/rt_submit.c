/* rt_submit: see rt_submit.h. The steps: account, recipients, then for each queued
 * recipient its text, operator and release time, which make its job. */
#include "rt_submit.h"
#include "cm_number.h"
#include "cm_reason.h"
#include "cm_sms.h"
#include "rt_quota.h"
#include "rt_recipients.h"
#include "rt_route.h"
#include "rt_schedule.h"
#include "rt_text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RT_DRY_RUN_SHOWN 3 /* rendered SMS shown in a dry-run receipt */

typedef struct {
    rt_submission *s;
    const rt_submit_env *env;
    const cm_config_account *acc;
    const cm_msg_submit *in;
    rt_text_opts text;
    int commercial;
    uint64_t header_send_at;
    int failed; /* 1: out of memory; negative: the job sink's error */
} builder;

static int numeric_sender(const char *id)
{
    if (!*id) return 1; /* no custom name: the operator's short code */
    for (const char *p = id; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (p == id && *p == '+'))) return 0;
    return 1;
}

static void set_source(const cm_config_account *acc, const cm_config_operator *op, cm_msg_job *j)
{
    int numeric = numeric_sender(acc->sender_id);
    j->source = acc->sender_id;
    j->source_ton = numeric ? (uint8_t)op->source_ton : 5;
    j->source_npi = numeric ? (uint8_t)op->source_npi : 0;
}

static const char *coding_name(int coding)
{
    return coding == CM_SMS_UCS2 ? "UCS-2" : "GSM 7-bit";
}

static char *arena_printf(builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *arena_printf(builder *b, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *s = cm_arena_strdup(&b->s->arena, buf);
    b->failed |= !s;
    return s ? s : "";
}

/* The text as the phone will show it (after transliteration), in the arena. */
static char *sent_text(builder *b, const char *text, const cm_sms_text *enc)
{
    char *decoded = NULL, *out;
    if (enc->info.translit &&
        cm_sms_decode(enc->info.coding, enc->data, enc->len, 0, &decoded) >= 0)
        text = decoded;
    out = cm_arena_strdup(&b->s->arena, text);
    free(decoded);
    b->failed |= !out;
    return out ? out : "";
}

/* The first queued recipient's text describes the submission in the receipt. */
static void describe_text(builder *b, const char *text, const cm_sms_text *enc)
{
    cm_msg_accepted *a = &b->s->accepted;
    char chars[128];
    cm_sms_info translit;
    a->encoding = (char *)coding_name(enc->info.coding);
    a->parts = (uint32_t)enc->info.parts;
    a->text = sent_text(b, text, enc);
    if (enc->info.coding != CM_SMS_UCS2) return;
    if (cm_sms_ucs2_chars(text, strlen(text), 0, chars, sizeof chars) > 0)
        a->ucs2_chars = cm_arena_strdup(&b->s->arena, chars);
    if (!(b->text.flags & CM_SMS_TRANSLIT) &&
        cm_sms_measure(text, strlen(text), CM_SMS_TRANSLIT, &translit) == 0 && translit.translit &&
        translit.parts < enc->info.parts)
        a->translit_parts = (uint32_t)translit.parts;
}

/* The job of recipient r, handed to the sink (which numbers and stores it) when the
 * submission is to be sent; counted in s->n_jobs either way. The job borrows enc. */
static void emit_job(builder *b, struct cm_wire_recipient *r, const cm_config_operator *op,
                     const cm_sms_text *enc, uint64_t release)
{
    rt_submission *s = b->s;
    char digits[CM_E164_BUFSZ], ends[CM_SMS_MAX_PARTS][24];
    char *end_ptrs[CM_SMS_MAX_PARTS];
    cm_msg_job j = {.submission = "", .operator_name = op->name, .dest = digits};
    cm_number_smpp_digits(r->number, digits, sizeof digits);
    set_source(b->acc, op, &j);
    j.coding = (uint8_t)enc->info.coding;
    j.payload = (cm_bytes){enc->data, enc->len};
    for (size_t p = 0; p < enc->info.parts; p++) {
        snprintf(ends[p], sizeof ends[p], "%zu", enc->bound[p + 1]);
        end_ptrs[p] = ends[p];
    }
    j.part_ends = (cm_strs){end_ptrs, enc->info.parts};
    j.registered_delivery = 1;
    j.expires_ms = release + (uint64_t)b->env->cfg->router.validity_s * 1000;
    r->parts = (uint32_t)enc->info.parts;
    r->send_at_ms = release > b->env->now_ms ? release : 0;
    if (r->send_at_ms && (!s->accepted.send_at_ms || r->send_at_ms < s->accepted.send_at_ms))
        s->accepted.send_at_ms = r->send_at_ms;
    if (j.expires_ms > s->accepted.expires_ms) s->accepted.expires_ms = j.expires_ms;
    s->n_jobs++;
    if (s->accepted.status != CM_ACCEPT_ACCEPTED || !b->env->job_sink) return;
    int rc = b->env->job_sink(b->env->job_arg, &j, release);
    if (rc) b->failed = rc;
    r->job_id = j.job_id;
}

/* Routes, renders, encodes and schedules recipient r; adds its job or rejects it. */
static void make_job(builder *b, struct cm_wire_recipient *r, size_t *shown)
{
    rt_submission *s = b->s;
    cm_fields f;
    rt_recipients_fields(r->fields, &f);
    uint64_t wanted = b->header_send_at;
    const char *date = cm_fields_get(&f, "DATE");
    if (date && rt_schedule_parse_date(date, &wanted) != 0) {
        rt_recipients_reject(r, CM_REASON_BAD_DATE);
        return;
    }
    char *text;
    cm_sms_text enc;
    const cm_config_operator *op = rt_route_lookup(b->env->cfg, b->env->portability, r->number);
    rt_text_opts opts = b->text; /* parts as the operator's long-message method cuts them */
    if (op && op->long_method == CM_LONG_UDH16) opts.flags |= CM_SMS_REF16;
    int rc = rt_text_sms(b->in->text, &f, &opts, &text, &enc);
    if (rc) {
        b->failed |= rc == -ENOMEM;
        rt_recipients_reject(r, CM_REASON_TEXT_UNENCODABLE);
        return;
    }
    if (!*s->accepted.encoding) describe_text(b, text, &enc);
    if (enc.info.chars > (size_t)b->acc->max_length)
        rt_recipients_reject(r, arena_printf(b, CM_REASON_TEXT_TOO_LONG ":%zu:%d", enc.info.chars,
                                             b->acc->max_length));
    else if (!op)
        rt_recipients_reject(r, CM_REASON_NO_ROUTE);
    else
        emit_job(
            b, r, op, &enc,
            rt_schedule_release(b->env->quiet, b->commercial, r->number, b->env->now_ms, wanted));
    if (s->accepted.status == CM_ACCEPT_DRY_RUN && *shown < RT_DRY_RUN_SHOWN) {
        r->text = sent_text(b, text, &enc);
        ++*shown;
    }
    free(text);
    cm_sms_text_free(&enc);
}

static int wants_receipt(const cm_config *cfg, const cm_msg_submit *in)
{
    return in->mail_from[0] && strcasecmp(in->mail_from, cfg->dlr.from) != 0 &&
           (!in->auto_submitted[0] || strcasecmp(in->auto_submitted, "no") == 0);
}

static void start_event(builder *b)
{
    cm_msg_accepted *a = &b->s->accepted;
    const cm_msg_submit *in = b->in;
    a->submission = "";
    a->at_ms = b->env->now_ms;
    a->reply_to = wants_receipt(b->env->cfg, in) ? in->mail_from : "";
    a->message_id = in->message_id;
    a->subject = in->subject;
    a->account = b->acc->name;
    a->lang = b->acc->lang;
    a->status = strncmp(in->subject, "[TEST]", 6) == 0 ? CM_ACCEPT_DRY_RUN : CM_ACCEPT_ACCEPTED;
    a->reason = a->encoding = a->text = a->ucs2_chars = "";
    a->expires_ms = b->env->now_ms + (uint64_t)b->env->cfg->router.validity_s * 1000;
}

/* Account options that shape every SMS of the submission. */
static void set_options(builder *b)
{
    const char *cat = b->in->category;
    b->commercial = strcasecmp(cat, "commercial") == 0      ? 1
                    : strcasecmp(cat, "transactional") == 0 ? 0
                                                            : b->acc->commercial;
    b->text.flags = b->acc->transliterate ? CM_SMS_TRANSLIT : 0;
    b->text.stop_mention =
        b->commercial && !numeric_sender(b->acc->sender_id) && *b->acc->stop_mention
            ? b->acc->stop_mention
            : NULL;
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
    size_t shown = 0;
    b->text.names = rt_recipients_field_names(s);
    if (!b->text.names) {
        b->failed = 1;
        return;
    }
    for (size_t i = 0; i < a->recipients_n && !b->failed; i++) {
        struct cm_wire_recipient *r = &a->recipients[i];
        if (r->state == CM_RCPT_QUEUED && b->env->blacklisted &&
            b->env->blacklisted(b->env->blacklist_arg, b->acc->name, r->number) > 0) {
            r->state = CM_RCPT_BLACKLISTED;
            r->reason = CM_REASON_BLACKLISTED;
        }
        if (r->state == CM_RCPT_QUEUED) make_job(b, r, &shown);
    }
}

/* A check that could not complete (DNS): the sender's MTA should try again later. */
static void auth_temperror(cm_msg_submit_reply *reply, const char *check)
{
    reply->smtp_code = 451;
    reply->enhanced = "4.7.5";
    reply->text = strcmp(check, "SPF") == 0
                      ? "SPF check of the sender could not complete, try again later"
                      : "DKIM check of the sender could not complete, try again later";
}

/* The account: an authenticated session's, else the sender rules'; NULL if refused. */
static const cm_config_account *find_account(const rt_submit_env *env, const cm_msg_submit *in,
                                             cm_msg_submit_reply *reply)
{
    int rc;
    const cm_config_account *acc =
        in->auth_user[0] ? cm_config_account_find(env->cfg, in->auth_user) : NULL;
    acc = acc ? acc : cm_accounts_find(env->accounts, in->mail_from, &rc);
    *reply = (cm_msg_submit_reply){550, "5.7.1", "sender is not authorised to send SMS", ""};
    if (!acc) return NULL;
    if (acc->require_spf && in->spf != CM_AUTH_PASS && !in->auth_user[0]) {
        reply->text = "SPF check of the sender did not pass (required by the account)";
        if (in->spf == CM_AUTH_TEMPERROR) auth_temperror(reply, "SPF");
        return NULL;
    }
    if (acc->require_dkim && in->dkim != CM_AUTH_PASS && !in->auth_user[0]) {
        reply->text = "no valid DKIM signature of the sender (required by the account)";
        if (in->dkim == CM_AUTH_TEMPERROR) auth_temperror(reply, "DKIM");
        return NULL;
    }
    *reply = (cm_msg_submit_reply){250, "2.0.0", "message accepted", ""};
    return acc;
}

static int any_blacklisted(const cm_msg_accepted *a)
{
    for (size_t i = 0; i < a->recipients_n; i++)
        if (a->recipients[i].state == CM_RCPT_BLACKLISTED) return 1;
    return 0;
}

/* Whole-submission rejections and statuses known before any job is made (so that no
 * job of such a submission reaches the sink). */
static void decide_before(builder *b, const char *fatal)
{
    rt_submission *s = b->s;
    const rt_submit_env *env = b->env;
    if (fatal)
        reject_all(s, fatal);
    else if (!b->in->text[0])
        reject_all(s, CM_REASON_NO_BODY);
    else if (env->dup_submission &&
             env->now_ms - env->dup_at_ms < (uint64_t)b->acc->dedup_days * 86400000) {
        s->accepted.status = CM_ACCEPT_DUPLICATE;
        s->accepted.reason = arena_printf(b, CM_REASON_DUPLICATE_OF ":%s", env->dup_submission);
    }
}

/* Once the jobs are made: a submission with nothing to send is rejected, unless its
 * recipients are on the STOP list (then its receipts say so). Only accepted
 * submissions keep a job count. */
static void decide_after(rt_submission *s)
{
    if (s->accepted.status == CM_ACCEPT_ACCEPTED && s->n_jobs == 0 &&
        !any_blacklisted(&s->accepted))
        reject_all(s, CM_REASON_NO_VALID_RECIPIENT);
    if (s->accepted.status != CM_ACCEPT_ACCEPTED) s->n_jobs = 0;
}

/* The daily quotas, once the queued recipients are known: 1 when the submission is
 * refused (452 4.7.1, no event), 0 when it goes on, or a negative errno. */
static int quota_refused(builder *b)
{
    rt_submission *s = b->s;
    size_t n = 0;
    if (!b->env->over_quota || s->accepted.status != CM_ACCEPT_ACCEPTED) return 0;
    for (size_t i = 0; i < s->accepted.recipients_n; i++)
        n += s->accepted.recipients[i].state == CM_RCPT_QUEUED;
    int rc = n ? b->env->over_quota(b->env->quota_arg, b->acc, n) : 0;
    if (rc <= 0) return rc;
    s->has_event = 0;
    s->reply = (cm_msg_submit_reply){452, "4.7.1",
                                     rc == RT_QUOTA_ACCOUNT
                                         ? "daily SMS quota of the account exceeded, try "
                                           "again tomorrow"
                                         : "daily SMS quota of the sender exceeded, try "
                                           "again tomorrow",
                                     ""};
    return 1;
}

int rt_submit_build(const rt_submit_env *env, const cm_msg_submit *in, rt_submission *out)
{
    memset(out, 0, sizeof *out);
    builder b = {.s = out, .env = env, .in = in};
    b.acc = out->account = find_account(env, in, &out->reply);
    if (!b.acc) return 0;
    out->has_event = 1;
    start_event(&b);
    set_options(&b);
    const char *fatal = rt_recipients_collect(out, in, &b.failed);
    if (!fatal && in->send_at[0] && rt_schedule_parse_header(in->send_at, &b.header_send_at))
        fatal = CM_REASON_BAD_SEND_AT;
    if (!fatal && !b.failed) rt_recipients_dedup(out, &b.failed);
    decide_before(&b, fatal);
    int refused = fatal || b.failed ? 0 : quota_refused(&b);
    if (refused < 0) b.failed = refused;
    if (refused > 0) return 0;
    if (!fatal && !b.failed) build_jobs(&b);
    if (b.failed) {
        rt_submission_free(out);
        return b.failed < 0 ? b.failed : -ENOMEM;
    }
    decide_after(out);
    return 0;
}

void rt_submission_number(rt_submission *s, const char *number)
{
    char text[96];
    s->accepted.submission = cm_arena_strdup(&s->arena, number);
    s->reply.submission = s->accepted.submission;
    snprintf(text, sizeof text, "message received as submission %s", number);
    s->reply.text = cm_arena_strdup(&s->arena, text);
}

void rt_submission_drop_recipients(rt_submission *s)
{
    if (s->recipients_cap) free(s->accepted.recipients);
    s->accepted.recipients = NULL;
    s->accepted.recipients_n = s->recipients_cap = 0;
}

void rt_submission_free(rt_submission *s)
{
    if (s->recipients_cap) free(s->accepted.recipients); /* rt_recipients: malloc'd */
    cm_arena_free(s->arena);
    memset(s, 0, sizeof *s);
}
