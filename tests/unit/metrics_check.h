/* metrics_check: what the metrics unit tests (test_*_metrics.c) share: render a
 * registry to Prometheus text, assert that a line is there, count lines by prefix, and
 * check that every metric family of a process has its row in docs/operations.md.
 * Include after cmocka.h; SMSGW_TEST_DATA must be defined (tests/CMakeLists.txt). */
#ifndef METRICS_CHECK_H
#define METRICS_CHECK_H

#include "cm_metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The registry as Prometheus text (malloc'd, NUL-terminated). */
static inline char *mc_render(cm_metrics *m)
{
    cm_wbuf w = {0};
    cm_metrics_render_text(m, &w);
    assert_int_equal(w.err, 0);
    char *s = strndup((const char *)w.data, w.len);
    assert_non_null(s);
    cm_wbuf_free(&w);
    return s;
}

static inline void mc_assert_line(const char *text, const char *line)
{
    char want[256];
    snprintf(want, sizeof want, "\n%s\n", line);
    if (strstr(text, want) == NULL) fail_msg("line \"%s\" not in:\n%s", line, text);
}

/* Lines of the text that start with prefix. */
static inline int mc_count_lines(const char *text, const char *prefix)
{
    int n = 0;
    char want[256];
    snprintf(want, sizeof want, "\n%s", prefix);
    for (const char *p = strstr(text, want); p; p = strstr(p + 1, want))
        n++;
    return n;
}

static inline char *mc_read_doc(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/../../../docs/operations.md", SMSGW_TEST_DATA);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *doc = calloc(1, (size_t)n + 1);
    assert_non_null(doc);
    assert_int_equal(fread(doc, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return doc;
}

/* Fails unless every family named `prefix`... that m renders has a row "| `name` |" in
 * docs/operations.md; returns how many families it checked. */
static inline int mc_documented(cm_metrics *m, const char *prefix)
{
    char row[160], type[96], *doc = mc_read_doc(), *t = mc_render(m);
    int families = 0;
    snprintf(type, sizeof type, "# TYPE %s", prefix);
    for (const char *p = strstr(t, type); p; p = strstr(p + 1, type)) {
        const char *name = p + strlen("# TYPE "), *end = strchr(name, ' ');
        assert_non_null(end);
        snprintf(row, sizeof row, "| `%.*s` |", (int)(end - name), name);
        if (strstr(doc, row) == NULL) fail_msg("%s has no row in docs/operations.md", row);
        families++;
    }
    free(t);
    free(doc);
    return families;
}

#endif
