/* Unit tests for si_auth: strict base64 both ways, the AUTH PLAIN message split, and
 * crypt(3) verification against hashes made by other tools (`openssl passwd -6/-5`,
 * Python's crypt for yescrypt), right and wrong passwords, malformed hashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "si_auth.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void base64(void **state)
{
    static const struct {
        const char *in;
        int rc;
        const char *out;
        size_t len;
    } cases[] = {
        {"", 0, "", 0},
        {"YQ==", 0, "a", 1},
        {"YWI=", 0, "ab", 2},
        {"YWJj", 0, "abc", 3},
        {"AHVzZXIAc2VjcmV0", 0, "\0user\0secret", 12},
        {"YQ=", -22, NULL, 0},      /* length not a multiple of 4 */
        {"Y===", -22, NULL, 0},     /* padding too early */
        {"YQ=a", -22, NULL, 0},     /* data after padding */
        {"YQ==YWJj", -22, NULL, 0}, /* padding in the middle */
        {"YW J", -22, NULL, 0},     /* foreign character */
        {"YW\nJ", -22, NULL, 0},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        uint8_t out[64];
        size_t len = 99;
        assert_int_equal(si_b64_decode(cases[i].in, out, sizeof out, &len), cases[i].rc);
        if (cases[i].rc) continue;
        assert_int_equal(len, cases[i].len);
        assert_memory_equal(out, cases[i].out, len);
        char back[64];
        assert_int_equal(si_b64_encode(out, len, back), strlen(cases[i].in));
        assert_string_equal(back, cases[i].in);
    }
    uint8_t small[2];
    size_t len;
    assert_int_equal(si_b64_decode("YWJj", small, sizeof small, &len), -28); /* -ENOSPC */
}

static void plain(void **state)
{
    static const struct {
        const char *msg;
        size_t n;
        int rc;
        const char *user, *pass;
    } cases[] = {
        {"\0user\0secret", 12, 0, "user", "secret"},
        {"user\0user\0secret", 16, 0, "user", "secret"},
        {"boss\0user\0secret", 16, -22, NULL, NULL}, /* acting for another identity */
        {"\0\0secret", 8, -22, NULL, NULL},          /* empty user */
        {"\0user\0", 6, -22, NULL, NULL},            /* empty password */
        {"\0user", 5, -22, NULL, NULL},              /* one NUL only */
        {"\0user\0sec\0ret", 13, -22, NULL, NULL},   /* a third NUL */
        {"usersecret", 10, -22, NULL, NULL},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        char user[16], pass[16];
        assert_int_equal(si_auth_plain((const uint8_t *)cases[i].msg, cases[i].n, user, sizeof user,
                                       pass, sizeof pass),
                         cases[i].rc);
        if (cases[i].rc) continue;
        assert_string_equal(user, cases[i].user);
        assert_string_equal(pass, cases[i].pass);
    }
    char u[4], p[16];
    assert_int_equal(si_auth_plain((const uint8_t *)"\0user\0secret", 12, u, sizeof u, p, sizeof p),
                     -22); /* user longer than the buffer */
}

static void verify(void **state)
{
    static const char SHA512[] = "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5"
                                 "knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1";
    static const struct {
        const char *hash, *password;
        int ok;
    } cases[] = {
        {SHA512, "secret", 1},
        {SHA512, "Secret", 0},
        {SHA512, "secret ", 0},
        {SHA512, "", 0},
        {"$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA", "secret", 1},
        {"$y$j9T$saltsaltsaltsalt$.Zt5W26jjocuW0wIHGgB6AJelofw6GEpOypHGyow2y5", "secret", 1},
        {"$6$saltsalt$", "secret", 0}, /* a salt alone never verifies */
        {"$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5", "secret", 0},
        {"plaintext", "plaintext", 0},
        {"$", "", 0},
        {"", "", 0},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++)
        assert_int_equal(si_auth_verify(cases[i].hash, cases[i].password), cases[i].ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base64),
        cmocka_unit_test(plain),
        cmocka_unit_test(verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
