/* Unit tests of rt_route_lookup: longest prefix, default route, no route, and the
 * portability database taking precedence (unless it names an unknown operator). */
#include "rt_route.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static const char *op_of(const cm_config *cfg, cm_portability *port, const char *e164)
{
    const cm_config_operator *o = rt_route_lookup(cfg, port, e164);
    return o ? o->name : "(none)";
}

static void routes(void **state)
{
    cm_config *cfg;
    char err[256], dir[64], cmd[96];
    cm_portability *port;
    long bad;
    assert_int_equal(cm_config_load(SMSGW_TEST_DATA "/router/route.conf", &cfg, err, sizeof err),
                     0);
    assert_string_equal(op_of(cfg, NULL, "+33607000000"), "orange");
    assert_string_equal(op_of(cfg, NULL, "+33603000000"), "sfr");
    assert_string_equal(op_of(cfg, NULL, "+33603500000"), "sfr");
    assert_string_equal(op_of(cfg, NULL, "+33611111111"), "orange");
    assert_string_equal(op_of(cfg, NULL, "+447911123456"), "intl");
    snprintf(dir, sizeof dir, "/tmp/smsgw-route-%d", getpid());
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(cm_portability_open(dir, 0, &port), 0);
    const char *file = "0607000000;sfr\n0603000000;nowhere\n";
    FILE *in = fmemopen((void *)file, strlen(file), "r");
    assert_int_equal(cm_portability_import(port, in, &bad), 2);
    fclose(in);
    assert_string_equal(op_of(cfg, port, "+33607000000"), "sfr");    /* ported */
    assert_string_equal(op_of(cfg, port, "+33607000001"), "orange"); /* not ported */
    assert_string_equal(op_of(cfg, port, "+33603000000"), "sfr");    /* unknown op: prefix */
    cm_portability_close(port);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    cm_config_free(cfg);
}

static void no_route(void **state)
{
    cm_config *cfg;
    char err[256];
    assert_int_equal(cm_config_load(SMSGW_TEST_DATA "/router/router.conf", &cfg, err, sizeof err),
                     0);
    assert_null(rt_route_lookup(cfg, NULL, "+447911123456"));
    cm_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(routes), cmocka_unit_test(no_route)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
