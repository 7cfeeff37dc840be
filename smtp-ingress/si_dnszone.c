/* si_dnszone: see si_dnszone.h. A plain array: test zones hold a few records. */
#include "si_dnszone.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct si_dnszone {
    si_dnsrec *recs;
    size_t n;
};

static const char *const TYPES[] = {"TXT", "A", "AAAA", "MX"};

void si_dnszone_free(si_dnszone *z)
{
    if (!z) return;
    for (size_t i = 0; i < z->n; i++) {
        free(z->recs[i].name);
        free(z->recs[i].type);
        free(z->recs[i].data);
    }
    free(z->recs);
    free(z);
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Parses one line into a new record; 1 = added, 0 = blank or comment, <0 = error. */
static int parse_line(si_dnszone *z, char *line, const char **why)
{
    line[strcspn(line, "\r\n")] = '\0';
    char *p = line + strspn(line, " \t");
    if (!*p || *p == '#') return 0;
    size_t nl = strcspn(p, " \t");
    char *t = p + nl + strspn(p + nl, " \t");
    size_t tl = strcspn(t, " \t");
    char *d = t + tl + strspn(t + tl, " \t");
    int known = 0;
    for (size_t i = 0; i < sizeof TYPES / sizeof *TYPES; i++)
        known |= tl == strlen(TYPES[i]) && strncasecmp(t, TYPES[i], tl) == 0;
    *why = !known ? "type must be TXT, A, AAAA or MX" : !*d ? "missing data" : NULL;
    if (*why) return -EINVAL;
    if (nl > 1 && p[nl - 1] == '.') nl--;
    si_dnsrec *nr = realloc(z->recs, (z->n + 1) * sizeof *nr);
    if (!nr) return -ENOMEM;
    z->recs = nr;
    si_dnsrec *r = &z->recs[z->n];
    r->name = dup_n(p, nl);
    r->type = dup_n(t, tl);
    r->data = dup_n(d, strlen(d));
    z->n++;
    return r->name && r->type && r->data ? 1 : -ENOMEM;
}

int si_dnszone_load(const char *path, si_dnszone **out, char *err, size_t errlen)
{
    char line[4096];
    const char *why = NULL;
    int rc = 0, lineno = 0;
    FILE *f = fopen(path, "r");
    si_dnszone *z = calloc(1, sizeof *z);
    if (!f || !z) {
        snprintf(err, errlen, "%s: %s", path, f ? "out of memory" : strerror(errno));
        if (f) fclose(f);
        free(z);
        return f ? -ENOMEM : -EINVAL;
    }
    while (rc >= 0 && fgets(line, sizeof line, f)) {
        lineno++;
        rc = parse_line(z, line, &why);
    }
    fclose(f);
    if (rc < 0) {
        snprintf(err, errlen, "%s:%d: %s", path, lineno, why ? why : "out of memory");
        si_dnszone_free(z);
        return rc;
    }
    *out = z;
    return 0;
}

const char *si_dnszone_find(const si_dnszone *z, const char *name, const char *type, size_t n)
{
    size_t len = strlen(name);
    if (len > 1 && name[len - 1] == '.') len--;
    for (size_t i = 0; i < z->n; i++) {
        const si_dnsrec *r = &z->recs[i];
        if (strlen(r->name) == len && strncasecmp(r->name, name, len) == 0 &&
            strcasecmp(r->type, type) == 0 && n-- == 0)
            return r->data;
    }
    return NULL;
}

size_t si_dnszone_count(const si_dnszone *z)
{
    return z->n;
}

const si_dnsrec *si_dnszone_get(const si_dnszone *z, size_t i)
{
    return i < z->n ? &z->recs[i] : NULL;
}
