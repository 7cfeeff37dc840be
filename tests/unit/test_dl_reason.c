/* Unit tests for dl_reason (SMPP command_status and network_error_code in words) and
 * for the reason line dl_mail_reason() writes from them, in French and English. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dl_mail.h"
#include "dl_reason.h"
#include "dl_sb.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void test_smpp_codes(void **state)
{
    static const struct {
        uint32_t status;
        const char *fr, *en;
    } CASES[] = {
        {0x0B, "adresse du destinataire invalide", "invalid destination address"},
        {0x58, "débit limité par l'opérateur", "throttled by the operator"},
        {0x45, "échec de la soumission", "submit failed"},
        {0xFF, "erreur inconnue", "unknown error"},
        {0x00, NULL, NULL},
        {0x09, NULL, NULL},  /* reserved */
        {0x401, NULL, NULL}, /* vendor-specific */
    };
    (void)state;

    for (size_t i = 0; i < N_ELEMS(CASES); i++) {
        const char *fr = dl_reason_smpp(CASES[i].status, "fr");
        const char *en = dl_reason_smpp(CASES[i].status, "en");
        if (CASES[i].fr == NULL) {
            assert_null(fr);
            assert_null(en);
            continue;
        }
        assert_string_equal(fr, CASES[i].fr);
        assert_string_equal(en, CASES[i].en);
        assert_string_equal(dl_reason_smpp(CASES[i].status, NULL), CASES[i].fr);
    }
}

static void test_network_codes(void **state)
{
    static const struct {
        const char *hex;
        const char *type_name;
        unsigned type, code;
        const char *fr, *en;
    } CASES[] = {
        {"030001", "GSM", 3, 1, "numéro inconnu du réseau", "unknown subscriber"},
        {"03001B", "GSM", 3, 27, "téléphone éteint ou hors couverture",
         "phone switched off or out of coverage"},
        {"03000d", "GSM", 3, 13, "réception des SMS bloquée pour ce numéro",
         "SMS barred for this number"},
        {"030063", "GSM", 3, 99, NULL, NULL},
        {"07000b", "SMPP", 7, 11, "adresse du destinataire invalide",
         "invalid destination address"},
        {"060005", "ANSI-41", 6, 5, NULL, NULL},
        {"090005", "other", 9, 5, NULL, NULL},
        {"", "", 0, 0, NULL, NULL},
        {"0300", "", 0, 0, NULL, NULL},
        {"03000001", "", 0, 0, NULL, NULL},
        {"03zz01", "", 0, 0, NULL, NULL},
    };
    (void)state;

    for (size_t i = 0; i < N_ELEMS(CASES); i++) {
        dl_net_error ne;
        const char *fr = dl_reason_network(CASES[i].hex, "fr", &ne);
        const char *en = dl_reason_network(CASES[i].hex, "en", &ne);
        assert_string_equal(ne.type_name, CASES[i].type_name);
        assert_int_equal(ne.type, CASES[i].type);
        assert_int_equal(ne.code, CASES[i].code);
        if (CASES[i].fr == NULL) {
            assert_null(fr);
            assert_null(en);
        } else {
            assert_string_equal(fr, CASES[i].fr);
            assert_string_equal(en, CASES[i].en);
        }
    }
    assert_null(dl_reason_network(NULL, "fr", &(dl_net_error){0}));
}

/* The reason column / line for each kind of failure. */
static void test_reason_lines(void **state)
{
    static const struct {
        dl_final_rcpt r;
        const char *fr, *en;
    } CASES[] = {
        {{"+1", "", 0, 1, DL_OUT_UNDELIVERED, DL_STAT_UNDELIVERABLE, "001", 0, "", 0, "030001"},
         "destinataire injoignable, numéro inconnu du réseau (UNDELIV, code erreur 001, erreur "
         "réseau GSM 1)",
         "undeliverable, unknown subscriber (UNDELIV, error code 001, GSM network error 1)"},
        {{"+1", "", 0, 1, DL_OUT_UNDELIVERED, DL_STAT_REJECTED, "000", 0, "", 0, "07000b"},
         "message rejeté par l'opérateur, adresse du destinataire invalide (REJECTD, erreur "
         "réseau SMPP 0x000B)",
         "rejected by the operator, invalid destination address (REJECTD, SMPP network error "
         "0x000B)"},
        {{"+1", "", 0, 1, DL_OUT_UNDELIVERED, DL_STAT_FAILED, "0000", 0, "", 0, ""},
         "échec de la remise (FAILED)",
         "delivery failed (FAILED)"},
        {{"+1", "", 0, 1, DL_OUT_UNDELIVERED, DL_STAT_UNKNOWN, "", 0, "", 0, "060005"},
         "état inconnu (UNKNOWN, erreur réseau ANSI-41 5)",
         "unknown state (UNKNOWN, ANSI-41 network error 5)"},
        {{"+1", "", 0, 1, DL_OUT_UNDELIVERED, DL_STAT_NONE, "", 0x0B, "ESME_RINVDSTADR", 0, NULL},
         "refusé par l'opérateur, adresse du destinataire invalide (erreur SMPP 0x0000000B)",
         "refused by the operator, invalid destination address (SMPP error 0x0000000B)"},
        {{"+1", "", 0, 1, DL_OUT_UNDELIVERED, DL_STAT_NONE, "", 0x401,
          "vendor-specific (0x00000401)", 0, NULL},
         "refusé par l'opérateur (erreur SMPP 0x00000401 : vendor-specific (0x00000401))",
         "refused by the operator (SMPP error 0x00000401: vendor-specific (0x00000401))"},
        {{"+1", "", 0, 1, DL_OUT_UNDELIVERED, DL_STAT_NONE, "", 0, "expired before submission", 0,
          NULL},
         "expired before submission",
         "expired before submission"},
        {{"+1", "", 0, 1, DL_OUT_EXPIRED, DL_STAT_NONE, "", 0, "", 0, NULL},
         "pas d'accusé de réception de l'opérateur dans le délai de validité",
         "no delivery report from the operator within the validity period"},
        {{"+1", "", 0, 1, DL_OUT_DELIVERED, DL_STAT_DELIVERED, "000", 0, "", 0, NULL}, "", ""},
    };
    (void)state;

    for (size_t i = 0; i < N_ELEMS(CASES); i++) {
        dl_sb fr = {0}, en = {0};
        dl_mail_reason(&fr, "fr", &CASES[i].r);
        dl_mail_reason(&en, "en", &CASES[i].r);
        assert_int_equal(fr.err, 0);
        assert_string_equal(fr.s ? fr.s : "", CASES[i].fr);
        assert_string_equal(en.s ? en.s : "", CASES[i].en);
        dl_sb_free(&fr);
        dl_sb_free(&en);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_smpp_codes),
        cmocka_unit_test(test_network_codes),
        cmocka_unit_test(test_reason_lines),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
