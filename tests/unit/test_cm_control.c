/* Unit tests of cm_control: hold and retry requests are kept apart, listed in order,
 * deleted, and refused when malformed. */
#include "cm_control.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static int collect(const char *submission, uint64_t at_ms, void *arg)
{
    char *out = arg;
    char line[64];
    snprintf(line, sizeof line, "%s@%llu;", submission, (unsigned long long)at_ms);
    strcat(out, line);
    return 0;
}

static void requests(void **state)
{
    char dir[64], seen[256] = "", cmd[96];
    cm_control *c;
    snprintf(dir, sizeof dir, "/tmp/smsgw-control-%d", getpid());
    assert_int_equal(cm_control_open(dir, &c), 0);
    assert_int_equal(cm_control_put(c, CM_CONTROL_HOLD, "000002", 20), 0);
    assert_int_equal(cm_control_put(c, CM_CONTROL_HOLD, "000001", 10), 0);
    assert_int_equal(cm_control_put(c, CM_CONTROL_RETRY, "000003", 30), 0);
    assert_int_equal(cm_control_put(c, CM_CONTROL_HOLD, "", 1), -EINVAL);
    assert_int_equal(cm_control_put(c, CM_CONTROL_HOLD, "a\nb", 1), -EINVAL);
    assert_int_equal(cm_control_each(c, CM_CONTROL_HOLD, collect, seen), 2);
    assert_string_equal(seen, "000001@10;000002@20;");
    seen[0] = 0;
    assert_int_equal(cm_control_each(c, CM_CONTROL_RETRY, collect, seen), 1);
    assert_string_equal(seen, "000003@30;");
    assert_int_equal(cm_control_del(c, CM_CONTROL_HOLD, "000001"), 0);
    assert_int_equal(cm_control_del(c, CM_CONTROL_HOLD, "000001"), -ENOENT);
    seen[0] = 0;
    assert_int_equal(cm_control_each(c, CM_CONTROL_HOLD, collect, seen), 1);
    assert_string_equal(seen, "000002@20;");
    cm_control_close(c);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(requests)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
