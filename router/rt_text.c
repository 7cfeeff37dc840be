/* rt_text: see rt_text.h. */
#include "rt_text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const standard_names[] = {"FACTURATION", "REFCLIENT", "NOM", "PRENOM", NULL};

/* Is name[0..n) a placeholder name? */
static int is_placeholder(const char *name, size_t n, const char *names)
{
    if (n == 0 || n > CM_FIELD_NAME_MAX) return 0;
    for (const char *const *s = standard_names; *s; s++)
        if (strlen(*s) == n && strncasecmp(*s, name, n) == 0) return 1;
    for (const char *p = names; p && *p;) {
        size_t len = strcspn(p, "\t");
        if (len == n && strncasecmp(p, name, n) == 0) return 1;
        p += len + (p[len] == '\t');
    }
    return 0;
}

/* Appends piece[0..n) to out (length *len, capacity *cap); frees out on ENOMEM. */
static char *append(char *out, size_t *len, size_t *cap, const char *piece, size_t n)
{
    if (*len + n + 1 > *cap) {
        char *grown = realloc(out, *cap = (*len + n + 1) * 2);
        if (!grown) free(out);
        out = grown;
        if (!out) return NULL;
    }
    memcpy(out + *len, piece, n);
    *len += n;
    return out;
}

/* Copies the text up to each '@' in one piece; a placeholder becomes its value. */
char *rt_text_render(const char *text, const cm_fields *fields, const char *names)
{
    size_t cap = strlen(text) + 1, len = 0;
    char *out = malloc(cap);
    while (out && *text) {
        const char *end = text[0] == '@' ? strchr(text + 1, '@') : NULL;
        const char *piece = text;
        size_t n = text[0] == '@' ? 1 : strcspn(text, "@");
        char name[CM_FIELD_NAME_MAX + 1];
        if (end && is_placeholder(text + 1, (size_t)(end - text - 1), names)) {
            memcpy(name, text + 1, (size_t)(end - text - 1));
            name[end - text - 1] = 0;
            piece = cm_fields_get(fields, name);
            piece = piece ? piece : "";
            n = strlen(piece);
            text = end + 1;
        } else
            text += n;
        out = append(out, &len, &cap, piece, n);
    }
    if (out) out[len] = 0;
    return out;
}

int rt_text_sms(const char *text, const cm_fields *fields, const rt_text_opts *opts, char **out,
                cm_sms_text *enc)
{
    char *t = rt_text_render(text, fields, opts->names);
    if (t && opts->stop_mention && !strcasestr(t, "STOP")) {
        size_t n = strlen(t), m = strlen(opts->stop_mention);
        char *longer = realloc(t, n + m + 1);
        if (!longer) free(t);
        t = longer;
        if (t) memcpy(t + n, opts->stop_mention, m + 1);
    }
    if (!t) return -ENOMEM;
    int rc = cm_sms_encode(t, strlen(t), opts->flags, enc);
    if (rc) {
        free(t);
        return rc;
    }
    *out = t;
    return 0;
}

void rt_text_fields_line(const cm_fields *fields, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < fields->count && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s=%s", i ? "\t" : "",
                                fields->items[i].name, fields->items[i].value);
}
