/* Unit tests of cm_portability on a real LMDB environment: import with a header, bad
 * lines and repeated numbers (last wins), lookups, a second import replacing the first
 * atomically, a file without any valid row refused (table kept), read-only access. */
#include "cm_portability.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[64];

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/smsgw-port-%d", getpid());
    return mkdir(dir, 0700);
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static long import_text(cm_portability *p, const char *text, long *bad)
{
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    long n = cm_portability_import(p, in, bad);
    fclose(in);
    return n;
}

static void lookup_is(cm_portability *p, const char *e164, const char *op)
{
    char got[64];
    int rc = cm_portability_lookup(p, e164, got, sizeof got);
    if (!op)
        assert_int_equal(rc, -ENOENT);
    else {
        assert_int_equal(rc, 0);
        assert_string_equal(got, op);
    }
}

static void import_and_replace(void **state)
{
    cm_portability *p, *ro;
    long bad;
    assert_int_equal(cm_portability_open(dir, 0, &p), 0);
    lookup_is(p, "+33601020304", NULL);
    assert_int_equal(import_text(p,
                                 "numero;operateur\n0601020304;sfr\n+33601020305,bouygues\n"
                                 "garbage\n06 01 02 03 06;bad op!\n\n0601020304;free\n",
                                 &bad),
                     2);
    assert_int_equal(bad, 2);
    lookup_is(p, "+33601020304", "free");
    lookup_is(p, "+33601020305", "bouygues");
    lookup_is(p, "+33601020306", NULL);
    assert_int_equal(cm_portability_count(p), 2);
    assert_int_equal(cm_portability_open(dir, 1, &ro), 0);
    assert_int_equal(import_text(p, "0701020304;orange\n", &bad), 1);
    lookup_is(ro, "+33701020304", "orange");
    lookup_is(ro, "+33601020304", NULL); /* replaced, not merged */
    assert_int_equal(import_text(p, "header only\n", &bad), -EINVAL);
    lookup_is(ro, "+33701020304", "orange"); /* a bad file leaves the table */
    cm_portability_close(ro);
    cm_portability_close(p);
}

static void many_rows(void **state)
{
    cm_portability *p;
    char *csv = NULL;
    size_t len = 0;
    long bad;
    FILE *gen = open_memstream(&csv, &len);
    for (int i = 299999; i >= 0; i--) /* unsorted input */
        fprintf(gen, "+336%08d;op%d\n", i, i % 3);
    fclose(gen);
    assert_int_equal(cm_portability_open(dir, 0, &p), 0);
    assert_int_equal(import_text(p, csv, &bad), 300000);
    lookup_is(p, "+33600000000", "op0");
    lookup_is(p, "+33600299999", "op2");
    lookup_is(p, "+33600123457", "op1");
    assert_int_equal(cm_portability_count(p), 300000);
    free(csv);
    cm_portability_close(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(import_and_replace),
        cmocka_unit_test(many_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
