/* Unit tests for cm_sender_rules: rule syntax, per-account matching (the guide's
 * P1/P2/P3 example, section 6 "Securite"), lookup across accounts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cm_sender_rules.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_RULES 8

static const char *verdict_name(cm_sender_verdict v)
{
    switch (v) {
    case CM_SENDER_NONE:
        return "NONE";
    case CM_SENDER_ALLOW:
        return "ALLOW";
    case CM_SENDER_DENY:
        return "DENY";
    }
    return "?";
}

static cm_sender_rules *build(const char *const *rules)
{
    cm_sender_rules *r = NULL;
    size_t i;

    assert_int_equal(cm_sender_rules_create(&r), 0);
    assert_non_null(r);
    for (i = 0; i < MAX_RULES && rules[i] != NULL; i++) {
        int rc = cm_sender_rules_add(r, rules[i]);

        if (rc != 0) fail_msg("rule \"%s\": %d", rules[i], rc);
    }
    return r;
}

/* ---- rule syntax ---- */

typedef struct add_case {
    const char *rule;
    int rc;
} add_case;

static const add_case ADD[] = {
    {"allow:compta@acme.fr", 0},
    {"allow:@acme.fr", 0},
    {"allow:acme.fr", 0},
    {"deny:stagiaire@acme.fr", 0},
    {"ALLOW:Compta@ACME.FR", 0},
    {"Deny:x@acme.fr", 0},
    {"  allow:@sub.acme.fr \t", 0},
    {"allow:first.last+tag@mail-1.acme.fr", 0},
    {"allow:a_b-c=d@x.y", 0},
    {"allow:", -EINVAL},
    {"deny:", -EINVAL},
    {"allow:@", -EINVAL},
    {"allow:user@", -EINVAL},
    {"allow:@acme..fr", -EINVAL},
    {"allow:.acme.fr", -EINVAL},
    {"allow:acme.fr.", -EINVAL},
    {"allow:-acme.fr", -EINVAL},
    {"allow:acme_fr", -EINVAL},
    {"allow:a@b@acme.fr", -EINVAL},
    {"allow:@@acme.fr", -EINVAL},
    {"allow: compta@acme.fr", -EINVAL},
    {"allow:compta @acme.fr", -EINVAL},
    {"allow:comp ta@acme.fr", -EINVAL},
    {"allow:*@acme.fr", 0}, /* '*' is a legal (if odd) local part, not a wildcard */
    {"deny:@acme.fr", -EINVAL},
    {"deny:acme.fr", -EINVAL},
    {"permit:compta@acme.fr", -EINVAL},
    {"allow compta@acme.fr", -EINVAL},
    {"compta@acme.fr", -EINVAL},
    {"", -EINVAL},
    {"allow:comp\x01ta@acme.fr", -EINVAL},
    {"allow:\xc3\xa9@acme.fr", -EINVAL},
};

static void test_add_table(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < N_ELEMS(ADD); i++) {
        cm_sender_rules *r = NULL;
        int rc;

        assert_int_equal(cm_sender_rules_create(&r), 0);
        rc = cm_sender_rules_add(r, ADD[i].rule);
        if (rc != ADD[i].rc || cm_sender_rules_count(r) != (rc == 0 ? 1u : 0u))
            fail_msg("row %zu \"%s\": got %d (count %zu), want %d", i, ADD[i].rule, rc,
                     cm_sender_rules_count(r), ADD[i].rc);
        cm_sender_rules_free(r);
    }
}

static void test_add_duplicates(void **state)
{
    cm_sender_rules *r = NULL;
    (void)state;

    assert_int_equal(cm_sender_rules_create(&r), 0);
    assert_int_equal(cm_sender_rules_add(r, "allow:a@acme.fr"), 0);
    assert_int_equal(cm_sender_rules_add(r, "allow:A@ACME.fr"), 0); /* same rule again */
    assert_int_equal(cm_sender_rules_count(r), 1);
    assert_int_equal(cm_sender_rules_add(r, "deny:a@acme.fr"), -EEXIST);
    assert_int_equal(cm_sender_rules_add(r, "allow:@acme.fr"), 0);
    assert_int_equal(cm_sender_rules_add(r, "allow:acme.fr"), 0); /* same as @acme.fr */
    assert_int_equal(cm_sender_rules_count(r), 2);
    assert_int_equal(cm_sender_rules_match(r, "a@acme.fr"), CM_SENDER_ALLOW);
    assert_int_equal(cm_sender_rules_add(NULL, "allow:a@b"), -EINVAL);
    assert_int_equal(cm_sender_rules_add(r, NULL), -EINVAL);
    assert_int_equal(cm_sender_rules_create(NULL), -EINVAL);
    assert_int_equal(cm_sender_rules_count(NULL), 0);
    cm_sender_rules_free(r);
    cm_sender_rules_free(NULL);
}

static void test_many_rules(void **state)
{
    cm_sender_rules *r = NULL;
    char rule[64], addr[64];
    int i;
    (void)state;

    assert_int_equal(cm_sender_rules_create(&r), 0);
    for (i = 0; i < 100; i++) {
        snprintf(rule, sizeof(rule), "%s:user%d@acme.fr", i % 2 ? "deny" : "allow", i);
        assert_int_equal(cm_sender_rules_add(r, rule), 0);
    }
    assert_int_equal(cm_sender_rules_count(r), 100);
    for (i = 0; i < 100; i++) {
        snprintf(addr, sizeof(addr), "USER%d@acme.fr", i);
        assert_int_equal(cm_sender_rules_match(r, addr), i % 2 ? CM_SENDER_DENY : CM_SENDER_ALLOW);
    }
    assert_int_equal(cm_sender_rules_match(r, "user100@acme.fr"), CM_SENDER_NONE);
    cm_sender_rules_free(r);
}

/* ---- matching within one account ---- */

typedef struct match_case {
    const char *rules[MAX_RULES];
    const char *addr;
    cm_sender_verdict want;
} match_case;

#define P123                                                                                       \
    {                                                                                              \
        "allow:P1@efidem.com", "deny:P2@efidem.com", "allow:P3@efidem.com"                         \
    }
#define DOMAIN_ONLY                                                                                \
    {                                                                                              \
        "allow:@EFIDEM.COM"                                                                        \
    }
#define DOMAIN_BUT_P2                                                                              \
    {                                                                                              \
        "allow:efidem.com", "deny:P2@efidem.com"                                                   \
    }
#define ACME                                                                                       \
    {                                                                                              \
        "allow:compta@acme.fr", "allow:@acme.fr", "deny:stagiaire@acme.fr"                         \
    }

static const match_case MATCH[] = {
    /* the guide, first table: only P1 and P3 */
    {P123, "P1@efidem.com", CM_SENDER_ALLOW},
    {P123, "p1@EFIDEM.COM", CM_SENDER_ALLOW},
    {P123, "P2@efidem.com", CM_SENDER_DENY},
    {P123, "p2@efidem.com", CM_SENDER_DENY},
    {P123, "P3@efidem.com", CM_SENDER_ALLOW},
    {P123, "P4@efidem.com", CM_SENDER_NONE},
    {P123, "P1@other.com", CM_SENDER_NONE},
    {P123, "P1@sub.efidem.com", CM_SENDER_NONE},
    /* the guide, later: the whole domain EFIDEM.COM */
    {DOMAIN_ONLY, "P1@efidem.com", CM_SENDER_ALLOW},
    {DOMAIN_ONLY, "P2@efidem.com", CM_SENDER_ALLOW},
    {DOMAIN_ONLY, "anyone@Efidem.Com", CM_SENDER_ALLOW},
    {DOMAIN_ONLY, "p1@sub.efidem.com", CM_SENDER_NONE},
    {DOMAIN_ONLY, "p1@efidem.com.evil.org", CM_SENDER_NONE},
    {DOMAIN_ONLY, "p1@notefidem.com", CM_SENDER_NONE},
    /* the domain with P2 still refused: deny inside an allowed domain wins */
    {DOMAIN_BUT_P2, "P1@efidem.com", CM_SENDER_ALLOW},
    {DOMAIN_BUT_P2, "P2@efidem.com", CM_SENDER_DENY},
    {DOMAIN_BUT_P2, "P4@efidem.com", CM_SENDER_ALLOW},
    /* the brief's example */
    {ACME, "compta@acme.fr", CM_SENDER_ALLOW},
    {ACME, "stagiaire@acme.fr", CM_SENDER_DENY},
    {ACME, "Stagiaire@Acme.FR", CM_SENDER_DENY},
    {ACME, "direction@acme.fr", CM_SENDER_ALLOW},
    {ACME, "compta@acme.com", CM_SENDER_NONE},
    /* malformed senders are never authorised */
    {DOMAIN_ONLY, "", CM_SENDER_NONE},
    {DOMAIN_ONLY, "efidem.com", CM_SENDER_NONE},
    {DOMAIN_ONLY, "@efidem.com", CM_SENDER_NONE},
    {DOMAIN_ONLY, "P1@", CM_SENDER_NONE},
    {DOMAIN_ONLY, "<P1@efidem.com>", CM_SENDER_NONE},
    {DOMAIN_ONLY, "P1@efidem.com ", CM_SENDER_NONE},
    {DOMAIN_ONLY, "a@b@efidem.com", CM_SENDER_NONE},
    {DOMAIN_ONLY, NULL, CM_SENDER_NONE},
    /* no rule at all */
    {{NULL}, "P1@efidem.com", CM_SENDER_NONE},
};

static void test_match_table(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < N_ELEMS(MATCH); i++) {
        cm_sender_rules *r = build(MATCH[i].rules);
        cm_sender_verdict got = cm_sender_rules_match(r, MATCH[i].addr);

        if (got != MATCH[i].want)
            fail_msg("row %zu \"%s\": got %s, want %s", i, MATCH[i].addr ? MATCH[i].addr : "(null)",
                     verdict_name(got), verdict_name(MATCH[i].want));
        cm_sender_rules_free(r);
    }
    assert_int_equal(cm_sender_rules_match(NULL, "P1@efidem.com"), CM_SENDER_NONE);
}

/* ---- lookup across accounts ---- */

#define N_ACCOUNTS 4
#define NO_ACCOUNT ((size_t)-1)

typedef struct lookup_case {
    const char *rules[N_ACCOUNTS][MAX_RULES]; /* one rule list per account */
    const char *addr;
    int rc;
    size_t index; /* when rc == 0 */
} lookup_case;

static const lookup_case LOOKUP[] = {
    /* the guide's P1/P2/P3 account next to another company */
    {{P123, {"allow:@other.com"}}, "P1@efidem.com", 0, 0},
    {{P123, {"allow:@other.com"}}, "P2@efidem.com", -EACCES, NO_ACCOUNT},
    {{P123, {"allow:@other.com"}}, "P4@efidem.com", -ENOENT, NO_ACCOUNT},
    {{P123, {"allow:@other.com"}}, "anyone@other.com", 0, 1},
    /* an exact allow in B beats a domain allow in A */
    {{{"allow:@acme.fr"}, {"allow:compta@acme.fr"}}, "compta@acme.fr", 0, 1},
    {{{"allow:@acme.fr"}, {"allow:compta@acme.fr"}}, "COMPTA@acme.fr", 0, 1},
    {{{"allow:@acme.fr"}, {"allow:compta@acme.fr"}}, "rh@acme.fr", 0, 0},
    /* a deny at the most specific level refuses, whatever the other accounts say */
    {{{"allow:@acme.fr", "deny:stagiaire@acme.fr"}, {"allow:@acme.fr"}},
     "stagiaire@acme.fr",
     -EACCES,
     NO_ACCOUNT},
    {{{"allow:@acme.fr", "deny:stagiaire@acme.fr"}, {"allow:stagiaire@acme.fr"}},
     "stagiaire@acme.fr",
     -EACCES,
     NO_ACCOUNT},
    {{{"allow:stagiaire@acme.fr"}, {"deny:stagiaire@acme.fr"}},
     "stagiaire@acme.fr",
     -EACCES,
     NO_ACCOUNT},
    /* a deny in A does not leak to other addresses */
    {{{"deny:stagiaire@acme.fr"}, {"allow:@acme.fr"}}, "compta@acme.fr", 0, 1},
    /* ambiguous: two accounts at the same level */
    {{{"allow:@acme.fr"}, {"allow:acme.fr"}}, "compta@acme.fr", -ENOTUNIQ, NO_ACCOUNT},
    {{{"allow:x@acme.fr"}, {"allow:x@acme.fr"}}, "x@acme.fr", -ENOTUNIQ, NO_ACCOUNT},
    /* ... but a more specific rule settles it */
    {{{"allow:@acme.fr"}, {"allow:acme.fr"}, {"allow:x@acme.fr"}}, "x@acme.fr", 0, 2},
    /* an empty account in the middle */
    {{{NULL}, {NULL}, {NULL}, {"allow:@z.org"}}, "a@z.org", 0, 3},
    {{{NULL}}, "a@z.org", -ENOENT, NO_ACCOUNT},
    /* malformed sender */
    {{{"allow:@acme.fr"}}, "", -EINVAL, NO_ACCOUNT},
    {{{"allow:@acme.fr"}}, "acme.fr", -EINVAL, NO_ACCOUNT},
    {{{"allow:@acme.fr"}}, "x@@acme.fr", -EINVAL, NO_ACCOUNT},
};

static void test_lookup_table(void **state)
{
    size_t i, j;
    (void)state;

    for (i = 0; i < N_ELEMS(LOOKUP); i++) {
        cm_sender_rules *sets[N_ACCOUNTS];
        cm_sender_account accounts[N_ACCOUNTS];
        static const char *const names[N_ACCOUNTS] = {"A", "B", "C", "D"};
        size_t index = NO_ACCOUNT;
        int rc;

        for (j = 0; j < N_ACCOUNTS; j++) {
            sets[j] = build(LOOKUP[i].rules[j]);
            accounts[j] = (cm_sender_account){names[j], sets[j]};
        }
        rc = cm_sender_rules_lookup(accounts, N_ACCOUNTS, LOOKUP[i].addr, &index);
        if (rc != LOOKUP[i].rc || index != LOOKUP[i].index)
            fail_msg("row %zu \"%s\": got %d index %zu, want %d index %zu", i, LOOKUP[i].addr, rc,
                     index, LOOKUP[i].rc, LOOKUP[i].index);
        for (j = 0; j < N_ACCOUNTS; j++)
            cm_sender_rules_free(sets[j]);
    }
}

static void test_lookup_args(void **state)
{
    cm_sender_rules *r = build((const char *const[MAX_RULES]){"allow:@acme.fr"});
    cm_sender_account accounts[2] = {{"A", NULL}, {"B", r}};
    size_t index = 42;
    (void)state;

    assert_int_equal(cm_sender_rules_lookup(accounts, 2, "x@acme.fr", &index), 0);
    assert_int_equal(index, 1);
    assert_int_equal(cm_sender_rules_lookup(accounts, 1, "x@acme.fr", &index), -ENOENT);
    assert_int_equal(cm_sender_rules_lookup(NULL, 0, "x@acme.fr", &index), -ENOENT);
    assert_int_equal(cm_sender_rules_lookup(NULL, 1, "x@acme.fr", &index), -EINVAL);
    assert_int_equal(cm_sender_rules_lookup(accounts, 2, NULL, &index), -EINVAL);
    assert_int_equal(cm_sender_rules_lookup(accounts, 2, "x@acme.fr", NULL), -EINVAL);
    cm_sender_rules_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_table),    cmocka_unit_test(test_add_duplicates),
        cmocka_unit_test(test_many_rules),   cmocka_unit_test(test_match_table),
        cmocka_unit_test(test_lookup_table), cmocka_unit_test(test_lookup_args),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
