/* Unit tests for si_policy: MAIL FROM authorisation against the accounts' sender rules,
 * RCPT TO relay and address checks, and the From: coherence check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "si_policy.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static char *acme_rules[] = {"allow:@acme.fr", "deny:bad@acme.fr"};
static char *other_rules[] = {"allow:boss@other.com", "allow:shared@both.org"};
static char *third_rules[] = {"allow:shared@both.org"};

static cm_config_account ACCOUNTS[] = {
    {"acme", acme_rules, 2, "", "fr", 750},
    {"other", other_rules, 2, "", "en", 750},
    {"third", third_rules, 1, "", "fr", 750},
};

static cm_config make_config(void)
{
    cm_config c;
    memset(&c, 0, sizeof c);
    c.domain = "sms.example.net";
    c.accounts = ACCOUNTS;
    c.n_accounts = N_ELEMS(ACCOUNTS);
    return c;
}

static const struct {
    const char *addr;
    int code;
} SENDERS[] = {
    {"alice@acme.fr", 0},
    {"ALICE@ACME.FR", 0},
    {"bad@acme.fr", 550},
    {"x@sub.acme.fr", 550},
    {"boss@other.com", 0},
    {"x@other.com", 550},
    {"", 550},
    {"noatsign", 550},
    {"shared@both.org", 451},
};

static void test_sender(void **state)
{
    cm_config cfg = make_config();
    si_policy *p;
    char err[256];
    assert_int_equal(si_policy_create(&cfg, &p, err, sizeof err), 0);
    for (size_t i = 0; i < N_ELEMS(SENDERS); i++) {
        si_reply r;
        si_policy_sender(p, SENDERS[i].addr, &r);
        if (r.code != SENDERS[i].code)
            fail_msg("<%s>: %d, expected %d", SENDERS[i].addr, r.code, SENDERS[i].code);
        if (r.code == 550) {
            assert_string_equal(r.enhanced, "5.7.1");
            assert_non_null(strstr(r.text, "is not authorised to send SMS"));
        }
    }
    si_policy_free(p);
}

static void test_bad_rule(void **state)
{
    static char *bad[] = {"allow:@acme.fr", "permit:x@y"};
    cm_config_account acc = {"broken", bad, 2, "", "fr", 750};
    cm_config cfg = make_config();
    cfg.accounts = &acc;
    cfg.n_accounts = 1;
    si_policy *p = NULL;
    char err[256] = "";
    assert_true(si_policy_create(&cfg, &p, err, sizeof err) < 0);
    assert_non_null(strstr(err, "permit:x@y"));
}

static const struct {
    const char *path;
    int source_route;
    int code;
    const char *enhanced;
} RCPTS[] = {
    {"SMS=0612345678@sms.example.net", 0, 0, ""},
    {"sms=0612345678@SMS.EXAMPLE.NET", 0, 0, ""},
    {"SMS=0612345678#NOM=Dupont#REFCLIENT=42@sms.example.net", 0, 0, ""},
    {"multi@sms.example.net", 0, 0, ""},
    {"MULTI_SMS@sms.example.net", 0, 0, ""},
    {"SMS=not-a-number@sms.example.net", 0, 0, ""}, /* negative receipt later */
    {"SMS=06#@sms.example.net", 0, 0, ""},
    {"SMS=0612345678@other.net", 0, 550, "5.7.1"},
    {"SMS=0612345678@sms.example.net.evil.com", 0, 550, "5.7.1"},
    {"u%other.com@sms.example.net", 0, 550, "5.7.1"},
    {"u!other.com@sms.example.net", 0, 550, "5.7.1"},
    {"@relay:SMS=0612345678@sms.example.net", 1, 550, "5.7.1"},
    {"\"SMS=0612345678\"@sms.example.net", 0, 550, "5.7.1"},
    {"u@other.com@sms.example.net", 0, 550, "5.7.1"},
    {"bob@sms.example.net", 0, 550, "5.1.1"},
    {"postmaster", 0, 550, "5.1.1"},
};

static void test_rcpt(void **state)
{
    cm_config cfg = make_config();
    si_policy *p;
    char err[256];
    assert_int_equal(si_policy_create(&cfg, &p, err, sizeof err), 0);
    for (size_t i = 0; i < N_ELEMS(RCPTS); i++) {
        si_reply r;
        si_policy_rcpt(p, RCPTS[i].path, RCPTS[i].source_route, &r);
        if (r.code != RCPTS[i].code || strcmp(r.enhanced, RCPTS[i].enhanced) != 0)
            fail_msg("<%s>: %d %s, expected %d %s", RCPTS[i].path, r.code, r.enhanced,
                     RCPTS[i].code, RCPTS[i].enhanced);
    }
    si_policy_free(p);
}

static void test_header_from(void **state)
{
    si_reply r;
    si_policy_header_from("Alice@Acme.fr", "alice@acme.fr", 1, &r);
    assert_int_equal(r.code, 0);
    si_policy_header_from("alice@acme.fr", "bob@acme.fr", 1, &r);
    assert_int_equal(r.code, 550);
    assert_string_equal(r.enhanced, "5.7.1");
    assert_string_equal(r.text, "From: header does not match the envelope sender");
    si_policy_header_from("alice@acme.fr", "alice@acme.fr", 2, &r);
    assert_int_equal(r.code, 550);
    si_policy_header_from("alice@acme.fr", "", 0, &r);
    assert_int_equal(r.code, 550);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sender),
        cmocka_unit_test(test_bad_rule),
        cmocka_unit_test(test_rcpt),
        cmocka_unit_test(test_header_from),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
