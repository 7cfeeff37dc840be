/* Unit tests of rt_text_render (personalisation): one row per shape of text —
 * placeholders standard and named, unknown @...@ kept, lone and doubled '@', e-mail
 * addresses, a value that itself contains '@' (not expanded again), missing values. */
#include "rt_text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *in, *names, *out;
} ROWS[] = {
    {"plain text, no placeholder", NULL, "plain text, no placeholder"},
    {"Bonjour @PRENOM@ @NOM@,", NULL, "Bonjour Jean Dupont,"},
    {"@nom@ lower-case name", NULL, "Dupont lower-case name"},
    {"ref @REFCLIENT@ absent", NULL, "ref  absent"},
    {"@VILLE@ named field", "VILLE\tCODE", "Paris named field"},
    {"@VILLE@ not a field name here", NULL, "@VILLE@ not a field name here"},
    {"@CODE@ named, no value", "VILLE\tCODE", " named, no value"},
    {"mail me: jean@acme.fr or @ alone", NULL, "mail me: jean@acme.fr or @ alone"},
    {"@@NOM@@", NULL, "@Dupont@"},
    {"@", NULL, "@"},
    {"", NULL, ""},
    {"x@MAIL@y", "MAIL", "xa@NOM@by"},
    {"trailing @NOM", NULL, "trailing @NOM"},
};

static void test_render(void **state)
{
    cm_fields f;
    cm_fields_init(&f);
    assert_int_equal(cm_fields_set(&f, "NOM", "Dupont"), 0);
    assert_int_equal(cm_fields_set(&f, "PRENOM", "Jean"), 0);
    assert_int_equal(cm_fields_set(&f, "VILLE", "Paris"), 0);
    assert_int_equal(cm_fields_set(&f, "MAIL", "a@NOM@b"), 0);
    for (size_t i = 0; i < N_ELEMS(ROWS); i++) {
        char *t = rt_text_render(ROWS[i].in, &f, ROWS[i].names);
        assert_non_null(t);
        if (strcmp(t, ROWS[i].out) != 0)
            fail_msg("\"%s\" -> \"%s\", expected \"%s\"", ROWS[i].in, t, ROWS[i].out);
        free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_render)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
