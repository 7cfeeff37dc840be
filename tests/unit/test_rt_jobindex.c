/* Unit tests of rt_jobindex: put / get / del across pages, duplicates refused, pages
 * freed when empty, iteration in id order, a million entries. */
#include "rt_jobindex.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static int sum_ids(uint64_t id, void *value, void *arg)
{
    uint64_t *acc = arg;
    if (*acc > id)
        fail_msg("ids out of order: %llu after %llu", (unsigned long long)id,
                 (unsigned long long)*acc);
    *acc = id;
    return 0;
}

static void basics(void **state)
{
    rt_jobindex x = {0};
    int a, b, c;
    assert_null(rt_jobindex_get(&x, 1));
    assert_int_equal(rt_jobindex_put(&x, 1, &a), 0);
    assert_int_equal(rt_jobindex_put(&x, RT_JOBINDEX_PAGE, &b), 0); /* second page */
    assert_int_equal(rt_jobindex_put(&x, 10 * RT_JOBINDEX_PAGE + 7, &c), 0);
    assert_int_equal(rt_jobindex_put(&x, 1, &c), -EEXIST);
    assert_ptr_equal(rt_jobindex_get(&x, 1), &a);
    assert_ptr_equal(rt_jobindex_get(&x, RT_JOBINDEX_PAGE), &b);
    assert_ptr_equal(rt_jobindex_get(&x, 10 * RT_JOBINDEX_PAGE + 7), &c);
    assert_null(rt_jobindex_get(&x, 2));
    assert_null(rt_jobindex_get(&x, 1000 * RT_JOBINDEX_PAGE));
    assert_int_equal(x.size, 3);
    assert_ptr_equal(rt_jobindex_del(&x, RT_JOBINDEX_PAGE), &b);
    assert_null(x.pages[1]); /* its only job gone: the page is freed */
    assert_null(rt_jobindex_del(&x, RT_JOBINDEX_PAGE));
    uint64_t last = 0;
    rt_jobindex_each(&x, sum_ids, &last);
    assert_true(last == 10 * RT_JOBINDEX_PAGE + 7);
    rt_jobindex_free(&x);
}

static void a_million(void **state)
{
    rt_jobindex x = {0};
    static char v;
    for (uint64_t id = 1; id <= 1000000; id++)
        assert_int_equal(rt_jobindex_put(&x, id, &v), 0);
    assert_int_equal(x.size, 1000000);
    for (uint64_t id = 1; id <= 1000000; id += 2)
        assert_non_null(rt_jobindex_del(&x, id));
    assert_int_equal(x.size, 500000);
    assert_null(rt_jobindex_get(&x, 999999));
    assert_non_null(rt_jobindex_get(&x, 1000000));
    rt_jobindex_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(basics), cmocka_unit_test(a_million)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
