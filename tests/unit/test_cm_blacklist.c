/* Unit tests of cm_blacklist on a real LMDB environment in a temporary directory:
 * add / contains / remove per account, import of a CSV with a header, bad lines and
 * accounts per line, export, read-only opening, and a 200,000-number import. */
#include "cm_blacklist.h"

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
    snprintf(dir, sizeof dir, "/tmp/smsgw-bl-%d", getpid());
    return mkdir(dir, 0700);
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static void add_contains_remove(void **state)
{
    cm_blacklist *b;
    assert_int_equal(cm_blacklist_open(dir, 0, &b), 0);
    assert_int_equal(cm_blacklist_add(b, "acme", "+33601020304", 1000, "mo"), 0);
    assert_int_equal(cm_blacklist_contains(b, "acme", "+33601020304"), 1);
    assert_int_equal(cm_blacklist_contains(b, "other", "+33601020304"), 0);
    assert_int_equal(cm_blacklist_contains(b, "acme", "+33601020305"), 0);
    assert_int_equal(cm_blacklist_add(b, "acme", "0601020304", 1000, "mo"), -EINVAL);
    assert_int_equal(cm_blacklist_add(b, "", "+33601020304", 1000, "mo"), -EINVAL);
    assert_int_equal(cm_blacklist_remove(b, "acme", "+33601020304"), 0);
    assert_int_equal(cm_blacklist_remove(b, "acme", "+33601020304"), -ENOENT);
    assert_int_equal(cm_blacklist_contains(b, "acme", "+33601020304"), 0);
    cm_blacklist_close(b);
}

static void import_export(void **state)
{
    cm_blacklist *b, *ro;
    const char *csv = "numero;compte\n06 01 02 03 04\n+33701020304;promo\nnot a number\n\n"
                      "0033601020305,acme\n";
    FILE *in = fmemopen((void *)csv, strlen(csv), "r");
    long bad;
    assert_int_equal(cm_blacklist_open(dir, 0, &b), 0);
    assert_int_equal(cm_blacklist_import(b, "acme", in, 5000, &bad), 3);
    fclose(in);
    assert_int_equal(bad, 1);
    assert_int_equal(cm_blacklist_contains(b, "promo", "+33701020304"), 1);
    assert_int_equal(cm_blacklist_open(dir, 1, &ro), 0);
    assert_int_equal(cm_blacklist_contains(ro, "acme", "+33601020305"), 1);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_int_equal(cm_blacklist_export(ro, "acme", out), 2);
    fclose(out);
    assert_string_equal(text, "acme;+33601020304;1970-01-01T00:00:05Z;import\n"
                              "acme;+33601020305;1970-01-01T00:00:05Z;import\n");
    free(text);
    cm_blacklist_close(ro);
    cm_blacklist_close(b);
}

static void large_import(void **state)
{
    cm_blacklist *b;
    char *csv = NULL;
    size_t len = 0;
    long bad;
    FILE *gen = open_memstream(&csv, &len);
    for (int i = 0; i < 200000; i++)
        fprintf(gen, "+336%08d\n", i);
    fclose(gen);
    FILE *in = fmemopen(csv, len, "r");
    assert_int_equal(cm_blacklist_open(dir, 0, &b), 0);
    assert_int_equal(cm_blacklist_import(b, "bulk", in, 1, &bad), 200000);
    assert_int_equal(bad, 0);
    assert_int_equal(cm_blacklist_contains(b, "bulk", "+33600199999"), 1);
    fclose(in);
    free(csv);
    cm_blacklist_close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_contains_remove),
        cmocka_unit_test(import_export),
        cmocka_unit_test(large_import),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
