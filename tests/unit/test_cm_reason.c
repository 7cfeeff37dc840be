/* Unit tests of cm_reason: every code in both languages, arguments, unknown reasons
 * passed through, truncation. */
#include "cm_reason.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static const struct {
    const char *reason, *lang, *expected;
} rows[] = {
    {"no_route", "fr", "aucun opérateur ne dessert ce numéro"},
    {"no_route", "en", "no operator serves this number"},
    {"no_route", "de", "aucun opérateur ne dessert ce numéro"},
    {"text_too_long:812:750", "fr", "texte trop long : 812 caractères (maximum 750)"},
    {"text_too_long:812:750", "en", "text too long: 812 characters (maximum 750)"},
    {"text_too_long", "en", "text too long:  characters (maximum )"},
    {"duplicate_of:000042", "en", "already received as submission 000042: not sent twice"},
    {"media_not_offered", "fr", "média non proposé"},
    {"to_field", "fr", "erreur dans le champ « A »"},
    {"blacklisted", "en", "opted out (STOP)"},
    {"ESME_RINVDSTADR (0x0000000B) invalid destination address", "fr",
     "ESME_RINVDSTADR (0x0000000B) invalid destination address"},
    {"no_route_extra", "en", "no_route_extra"},
    {"", "fr", ""},
    {"bad_list:LISTE.CSV:no number column: header \"a;b\"", "en",
     "recipient list LISTE.CSV unreadable: no number column: header \"a;b\""},
};

static void renders(void **state)
{
    char buf[256];
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        assert_string_equal(cm_reason_render(rows[i].reason, rows[i].lang, buf, sizeof buf),
                            rows[i].expected);
}

static void truncates(void **state)
{
    char buf[8];
    assert_string_equal(cm_reason_render("no_route", "en", buf, sizeof buf), "no oper");
    assert_string_equal(cm_reason_render("text_too_long:123456789:1", "en", buf, sizeof buf),
                        "text to");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(renders), cmocka_unit_test(truncates)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
