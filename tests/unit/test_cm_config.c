/* Unit tests of cm_config: the example config loads with its documented values; each
 * line of data/config/bad-cases.txt is refused with the expected reason, prefixed by
 * the file name (and the line number where libconfig knows it). */
#include "cm_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static void example_loads(void **state)
{
    cm_config *c;
    char err[512] = "";
    assert_int_equal(
        cm_config_load(SMSGW_TEST_DATA "/../../../deploy/smsgw.conf.example", &c, err, sizeof err),
        0);
    assert_string_equal(c->domain, "sms.example.net");
    assert_int_equal(c->ingress.max_recipients, 1000);
    assert_int_equal(c->router.validity_s, 172800);
    assert_string_equal(c->dlr.from, "accuses@sms.example.net");
    assert_int_equal(c->n_operators, 1);
    const cm_config_operator *o = cm_config_operator_find(c, "orange");
    assert_non_null(o);
    assert_int_equal(o->n_prefixes, 2);
    assert_string_equal(o->prefixes[1], "+33608");
    assert_int_equal(o->binds[0].port, 2775);
    assert_int_equal(o->binds[0].mode, CM_BIND_TRANSCEIVER);
    assert_int_equal(o->long_method, CM_LONG_UDH);
    const cm_config_account *a = cm_config_account_find(c, "acme");
    assert_non_null(a);
    assert_int_equal(a->n_senders, 2);
    assert_int_equal(a->max_length, 750);
    assert_null(cm_config_account_find(c, "nobody"));
    cm_config_free(c);
}

static void defaults_apply(void **state)
{
    char path[] = "/tmp/smsgw-cfg-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "domain=\"d\"; dlr={from=\"a@d\";};"
                       "operators=({name=\"o\";binds=({host=\"h\";system_id=\"s\";});});";
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    cm_config *c;
    char err[256];
    assert_int_equal(cm_config_load(path, &c, err, sizeof err), 0);
    unlink(path);
    assert_string_equal(c->state_dir, "/var/lib/smsgw");
    assert_string_equal(c->ingress.hostname, "d");
    assert_int_equal(c->operators[0].binds[0].window, 10);
    assert_int_equal(c->operators[0].enquire_link_s, 30);
    assert_int_equal(c->n_accounts, 0);
    cm_config_free(c);
}

static void bad_configs_refused(void **state)
{
    FILE *f = fopen(SMSGW_TEST_DATA "/config/bad-cases.txt", "r");
    char line[2048];
    int cases = 0;
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab) continue;
        *tab = 0;
        char path[] = "/tmp/smsgw-cfg-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_true(write(fd, tab + 1, strlen(tab + 1)) > 0);
        close(fd);
        cm_config *c = NULL;
        char err[512] = "";
        int rc = cm_config_load(path, &c, err, sizeof err);
        unlink(path);
        if (rc == 0 || !strstr(err, line) || strncmp(err, path, strlen(path)) != 0)
            fail_msg("expected '%s', got rc %d '%s'", line, rc, err);
        cases++;
    }
    fclose(f);
    assert_true(cases >= 17); /* every line is a case; none may be skipped silently */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_loads),
        cmocka_unit_test(defaults_apply),
        cmocka_unit_test(bad_configs_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
