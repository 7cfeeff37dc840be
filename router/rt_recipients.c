/* rt_recipients: see rt_recipients.h. */
#include "rt_recipients.h"
#include "cm_map.h"
#include "cm_reason.h"
#include "rt_liste.h"
#include "rt_table.h"
#include "rt_xlsx.h"
#include "rt_text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RT_MAX_RECIPIENTS 1000000

typedef struct {
    rt_submission *s;
    int *failed;
} collector;

static struct cm_wire_recipient *add_rcpt(collector *b, const char *number, unsigned line,
                                          const cm_fields *fields)
{
    rt_submission *s = b->s;
    cm_msg_accepted *a = &s->accepted;
    if (a->recipients_n == s->recipients_cap) {
        /* realloc, not the arena: the arena would keep every smaller copy (a list of
         * 100,000 held 16.8 MB of arrays for 6.4 MB of recipients) */
        size_t cap = s->recipients_cap ? s->recipients_cap * 2 : 16;
        struct cm_wire_recipient *r =
            cap > RT_MAX_RECIPIENTS ? NULL : realloc(a->recipients, cap * sizeof *r);
        if (!r) {
            *b->failed = 1;
            return NULL;
        }
        memset(r + s->recipients_cap, 0, (cap - s->recipients_cap) * sizeof *r);
        a->recipients = r;
        s->recipients_cap = cap;
    }
    struct cm_wire_recipient *r = &a->recipients[a->recipients_n++];
    char line_fields[CM_FIELDS_MAX * (CM_FIELD_NAME_MAX + CM_FIELD_VALUE_MAX + 2) + 1] = "";
    if (fields) rt_text_fields_line(fields, line_fields, sizeof line_fields);
    r->number = cm_arena_strdup(&s->arena, number);
    r->fields = cm_arena_strdup(&s->arena, line_fields);
    r->reason = r->text = "";
    r->line = line;
    r->state = CM_RCPT_QUEUED;
    return r;
}

void rt_recipients_reject(struct cm_wire_recipient *r, const char *reason)
{
    if (r) {
        r->state = CM_RCPT_REJECTED;
        r->reason = (char *)reason;
    }
}

static const char *number_reason(int rc)
{
    return rc == -ENOSPC ? CM_REASON_NUMBER_TOO_LONG : CM_REASON_INVALID_NUMBER;
}

/* One recipient from an address or a list line. */
static void take_recipient(collector *b, unsigned line, const char *raw, int rc,
                           const cm_recipient *r)
{
    int number_ok = rc == 0 && r->number_rc == 0;
    struct cm_wire_recipient *w =
        add_rcpt(b, number_ok ? r->e164 : raw, line, rc == 0 ? &r->fields : NULL);
    if (rc == CM_ADDR_EMEDIA)
        rt_recipients_reject(w, CM_REASON_MEDIA_NOT_OFFERED);
    else if (r->number_rc != 0)
        rt_recipients_reject(w, number_reason(r->number_rc));
    else if (rc != 0)
        rt_recipients_reject(w, CM_REASON_INVALID_LINE);
}

static void on_list_line(unsigned line, const char *text, int rc, const cm_recipient *r, void *arg)
{
    take_recipient(arg, line, text, rc, r);
}

/* Recipients from the envelope: SMS=... addresses, or the list of a multi address. */
/* The list formats, in order of preference, each with its reader. */
static int each_txt(const cm_bytes *d, int sms_prefix, void *arg, char *why, size_t cap)
{
    int rc = rt_liste_each(d, sms_prefix, on_list_line, arg);
    if (rc == -EBADMSG) snprintf(why, cap, "not a text file");
    return rc;
}

static int table_result(int rc, const rt_table_info *info, char *why, size_t cap)
{
    if (rc < 0)
        snprintf(why, cap, "%s%s%s", rt_table_strerror(rc), info->detail[0] ? ": " : "",
                 info->detail);
    return rc < 0 ? rc : 0;
}

static int each_csv(const cm_bytes *d, int sms_prefix, void *arg, char *why, size_t cap)
{
    rt_table_info info;
    return table_result(rt_table_each(d, on_list_line, arg, &info), &info, why, cap);
}

static int each_xlsx(const cm_bytes *d, int sms_prefix, void *arg, char *why, size_t cap)
{
    rt_table_info info;
    return table_result(rt_xlsx_each(d, on_list_line, arg, &info), &info, why, cap);
}

static const struct {
    const struct cm_wire_attachment *(*find)(const cm_msg_submit *m);
    int (*each)(const cm_bytes *d, int sms_prefix, void *arg, char *why, size_t cap);
} list_formats[] = {
    {rt_liste_find, each_txt}, {rt_table_find, each_csv}, {rt_xlsx_find, each_xlsx}};

/* Recipients from the list attachment; NULL or the reason that rejects it all. */
static const char *take_list(collector *b, const cm_msg_submit *in, int sms_prefix)
{
    for (size_t f = 0; f < sizeof list_formats / sizeof *list_formats; f++) {
        const struct cm_wire_attachment *att = list_formats[f].find(in);
        size_t before = b->s->accepted.recipients_n;
        char why[256] = "", reason[512];
        if (!att) continue;
        int rc = list_formats[f].each(&att->data, sms_prefix, b, why, sizeof why);
        if (rc == -ENOMEM) *b->failed = 1;
        if (rc == 0 || rc == -ENOMEM) return NULL;
        b->s->accepted.recipients_n = before; /* the whole list is refused */
        snprintf(reason, sizeof reason, CM_REASON_BAD_LIST ":%s:%s", att->name,
                 why[0] ? why : "unreadable");
        const char *r = cm_arena_strdup(&b->s->arena, reason);
        if (!r) *b->failed = 1;
        return r ? r : CM_REASON_BAD_LIST;
    }
    return CM_REASON_MULTI_NO_LIST;
}

const char *rt_recipients_collect(rt_submission *s, const cm_msg_submit *in, int *failed)
{
    collector c = {s, failed}, *b = &c;
    for (size_t i = 0; i < in->rcpts.n && !*failed; i++) {
        char local[512], domain[256];
        cm_address_mode mode;
        cm_recipient r;
        if (cm_address_split(in->rcpts.v[i], local, sizeof local, domain, sizeof domain) != 0)
            return CM_REASON_TO_FIELD;
        int rc = cm_address_parse_local(local, &mode, &r);
        if (rc == 0 && mode == CM_ADDR_SINGLE) {
            take_recipient(b, 0, local, 0, &r);
            continue;
        }
        if (rc != 0 && rc != -EINVAL) return CM_REASON_TO_FIELD;
        if (rc == -EINVAL) { /* SMS=<bad> is a bad recipient, anything else a bad To */
            if (strncasecmp(local, "SMS=", 4) != 0) return CM_REASON_TO_FIELD;
            take_recipient(b, 0, local + 4, r.number_rc ? 0 : rc, &r);
            continue;
        }
        const char *why = take_list(b, in, mode == CM_ADDR_MULTI);
        if (why) return why;
    }
    return NULL;
}

/* Numbers given twice are sent once: later occurrences are rejected as duplicates. */
void rt_recipients_dedup(rt_submission *s, int *failed)
{
    cm_msg_accepted *a = &s->accepted;
    cm_map *seen = cm_map_create();
    if (!seen) {
        *failed = 1;
        return;
    }
    for (size_t i = 0; i < a->recipients_n && !*failed; i++) {
        struct cm_wire_recipient *r = &a->recipients[i];
        if (r->state != CM_RCPT_QUEUED) continue;
        if (cm_map_get(seen, r->number))
            rt_recipients_reject(r, CM_REASON_DUPLICATE_NUMBER);
        else if (cm_map_put(seen, r->number, r, NULL) != 0)
            *failed = 1;
    }
    cm_map_free(seen);
}

/* Field names present in the submission, '\t'-separated (for personalisation). */
char *rt_recipients_field_names(rt_submission *s)
{
    cm_map *names = cm_map_create();
    cm_wbuf w = {0};
    const cm_msg_accepted *a = &s->accepted;
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
    char *out = w.err ? NULL : cm_arena_strdup(&s->arena, (char *)w.data);
    cm_wbuf_free(&w);
    return out;
}

/* Parses "NAME=value\t..." back into fields (for rendering). */
void rt_recipients_fields(const char *line, cm_fields *f)
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
