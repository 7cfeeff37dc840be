/* Unit tests for si_cmd: command line framing (si_line_scan) and the command parser
 * (si_cmd_parse), table-driven, no sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "si_cmd.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

typedef struct {
    const char *line;
    enum si_verb verb;
    enum si_cmd_err err;
    const char *arg; /* NULL: not checked */
    long long size;
    int source_route;
    int body_8bit;
} cmd_case;

static const cmd_case CMDS[] = {
    {"EHLO client.example.com", SI_VERB_EHLO, SI_CMD_OK, "client.example.com", -1, 0, 0},
    {"ehlo x", SI_VERB_EHLO, SI_CMD_OK, "x", -1, 0, 0},
    {"HELO [192.0.2.1]", SI_VERB_HELO, SI_CMD_OK, "[192.0.2.1]", -1, 0, 0},
    {"HELO", SI_VERB_HELO, SI_CMD_E_SYNTAX, NULL, -1, 0, 0},
    {"EHLO   ", SI_VERB_EHLO, SI_CMD_E_SYNTAX, NULL, -1, 0, 0},
    {"MAIL FROM:<alice@acme.fr>", SI_VERB_MAIL, SI_CMD_OK, "alice@acme.fr", -1, 0, 0},
    {"mail from: <alice@acme.fr>", SI_VERB_MAIL, SI_CMD_OK, "alice@acme.fr", -1, 0, 0},
    {"MAIL FROM:alice@acme.fr", SI_VERB_MAIL, SI_CMD_OK, "alice@acme.fr", -1, 0, 0},
    {"MAIL FROM:<>", SI_VERB_MAIL, SI_CMD_OK, "", -1, 0, 0},
    {"MAIL FROM:<a@b.c> SIZE=12345", SI_VERB_MAIL, SI_CMD_OK, "a@b.c", 12345, 0, 0},
    {"MAIL FROM:<a@b.c> size=0 BODY=8BITMIME", SI_VERB_MAIL, SI_CMD_OK, "a@b.c", 0, 0, 1},
    {"MAIL FROM:<a@b.c> BODY=7BIT", SI_VERB_MAIL, SI_CMD_OK, "a@b.c", -1, 0, 0},
    {"MAIL FROM:<a@b.c> BODY=BINARYMIME", SI_VERB_MAIL, SI_CMD_E_PARAM, NULL, -1, 0, 0},
    {"MAIL FROM:<a@b.c> SIZE=12x", SI_VERB_MAIL, SI_CMD_E_PARAM, NULL, -1, 0, 0},
    {"MAIL FROM:<a@b.c> SIZE=", SI_VERB_MAIL, SI_CMD_E_PARAM, NULL, -1, 0, 0},
    {"MAIL FROM:<a@b.c> SIZE=1 SIZE=2", SI_VERB_MAIL, SI_CMD_E_PARAM, NULL, -1, 0, 0},
    {"MAIL FROM:<a@b.c> SIZE=99999999999999999999", SI_VERB_MAIL, SI_CMD_E_PARAM, NULL, -1, 0, 0},
    {"MAIL FROM:<a@b.c> SMTPUTF8", SI_VERB_MAIL, SI_CMD_E_PARAM, NULL, -1, 0, 0},
    {"MAIL FROM:<a@b.c", SI_VERB_MAIL, SI_CMD_E_PATH, NULL, -1, 0, 0},
    {"MAIL FROM:<a b@c>", SI_VERB_MAIL, SI_CMD_E_PATH, NULL, -1, 0, 0},
    {"MAIL FROM:<a@b.c>x", SI_VERB_MAIL, SI_CMD_E_PATH, NULL, -1, 0, 0},
    {"MAIL FROM:", SI_VERB_MAIL, SI_CMD_E_PATH, NULL, -1, 0, 0},
    {"MAIL TO:<a@b.c>", SI_VERB_MAIL, SI_CMD_E_SYNTAX, NULL, -1, 0, 0},
    {"MAIL", SI_VERB_MAIL, SI_CMD_E_SYNTAX, NULL, -1, 0, 0},
    {"MAIL FROM:<@relay.example:a@b.c>", SI_VERB_MAIL, SI_CMD_OK, "@relay.example:a@b.c", -1, 1, 0},
    {"RCPT TO:<SMS=0612345678@sms.example.net>", SI_VERB_RCPT, SI_CMD_OK,
     "SMS=0612345678@sms.example.net", -1, 0, 0},
    {"rcpt to:<SMS=0612345678#NOM=Dupont#PRENOM=Jean@D>", SI_VERB_RCPT, SI_CMD_OK,
     "SMS=0612345678#NOM=Dupont#PRENOM=Jean@D", -1, 0, 0},
    {"RCPT TO:<@a,@b:u@d>", SI_VERB_RCPT, SI_CMD_OK, "@a,@b:u@d", -1, 1, 0},
    {"RCPT TO:<\"a b>c\"@d>", SI_VERB_RCPT, SI_CMD_OK, "\"a b>c\"@d", -1, 0, 0},
    {"RCPT TO:<\"unterminated@d>", SI_VERB_RCPT, SI_CMD_E_PATH, NULL, -1, 0, 0},
    {"RCPT TO:<>", SI_VERB_RCPT, SI_CMD_E_PATH, NULL, -1, 0, 0},
    {"RCPT TO:<@nocolon>", SI_VERB_RCPT, SI_CMD_E_PATH, NULL, -1, 0, 0},
    {"RCPT TO:<u@d> NOTIFY=NEVER", SI_VERB_RCPT, SI_CMD_E_PARAM, NULL, -1, 0, 0},
    {"RCPT FROM:<u@d>", SI_VERB_RCPT, SI_CMD_E_SYNTAX, NULL, -1, 0, 0},
    {"RCPT TO:<u@d\x01>", SI_VERB_RCPT, SI_CMD_E_PATH, NULL, -1, 0, 0},
    {"DATA", SI_VERB_DATA, SI_CMD_OK, "", -1, 0, 0},
    {"data ", SI_VERB_DATA, SI_CMD_OK, "", -1, 0, 0},
    {"DATA now", SI_VERB_DATA, SI_CMD_E_SYNTAX, NULL, -1, 0, 0},
    {"RSET", SI_VERB_RSET, SI_CMD_OK, "", -1, 0, 0},
    {"NOOP", SI_VERB_NOOP, SI_CMD_OK, "", -1, 0, 0},
    {"NOOP anything at all", SI_VERB_NOOP, SI_CMD_OK, "anything at all", -1, 0, 0},
    {"QUIT", SI_VERB_QUIT, SI_CMD_OK, "", -1, 0, 0},
    {"QUIT now", SI_VERB_QUIT, SI_CMD_E_SYNTAX, NULL, -1, 0, 0},
    {"VRFY bob", SI_VERB_VRFY, SI_CMD_OK, "bob", -1, 0, 0},
    {"STARTTLS", SI_VERB_STARTTLS, SI_CMD_OK, NULL, -1, 0, 0},
    {"starttls ", SI_VERB_STARTTLS, SI_CMD_OK, NULL, -1, 0, 0},
    {"STARTTLS now", SI_VERB_STARTTLS, SI_CMD_E_SYNTAX, NULL, -1, 0, 0},
    {"STARTTL", SI_VERB_NONE, SI_CMD_E_UNKNOWN, NULL, -1, 0, 0},
    {"STARTTLSX", SI_VERB_NONE, SI_CMD_E_UNKNOWN, NULL, -1, 0, 0},
    {"AUTH PLAIN AAAA", SI_VERB_AUTH, SI_CMD_OK, "PLAIN AAAA", -1, 0, 0},
    {"auth login", SI_VERB_AUTH, SI_CMD_OK, "login", -1, 0, 0},
    {"AUTH", SI_VERB_AUTH, SI_CMD_E_SYNTAX, NULL, -1, 0, 0},
    {"MAILFROM:<a@b>", SI_VERB_NONE, SI_CMD_E_UNKNOWN, NULL, -1, 0, 0},
    {"", SI_VERB_NONE, SI_CMD_E_UNKNOWN, NULL, -1, 0, 0},
    {"GET / HTTP/1.1", SI_VERB_NONE, SI_CMD_E_UNKNOWN, NULL, -1, 0, 0},
};

static void test_parse_table(void **state)
{
    for (size_t i = 0; i < N_ELEMS(CMDS); i++) {
        const cmd_case *c = &CMDS[i];
        si_cmd cmd;
        enum si_cmd_err err = si_cmd_parse(c->line, strlen(c->line), &cmd);
        if (err != c->err || cmd.verb != c->verb)
            fail_msg("\"%s\": err %d verb %d, expected err %d verb %d", c->line, err, cmd.verb,
                     c->err, c->verb);
        if (err != SI_CMD_OK) continue;
        if (c->arg && strcmp(cmd.arg, c->arg) != 0)
            fail_msg("\"%s\": arg \"%s\", expected \"%s\"", c->line, cmd.arg, c->arg);
        assert_int_equal(cmd.size, c->size);
        assert_int_equal(cmd.source_route, c->source_route);
        assert_int_equal(cmd.body_8bit, c->body_8bit);
    }
}

static void test_parse_embedded_nul(void **state)
{
    si_cmd cmd;
    assert_int_equal(si_cmd_parse("NOOP\0x", 6, &cmd), SI_CMD_E_SYNTAX);
}

typedef struct {
    const char *buf;
    size_t len; /* 0: strlen */
    enum si_line_rc rc;
    size_t line_len, used;
} line_case;

static const line_case LINES[] = {
    {"NOOP\r\n", 0, SI_LINE_OK, 4, 6},
    {"NOOP\r\nQUIT\r\n", 0, SI_LINE_OK, 4, 6},
    {"\r\n", 0, SI_LINE_OK, 0, 2},
    {"NOOP", 0, SI_LINE_MORE, 0, 0},
    {"NOOP\r", 0, SI_LINE_MORE, 0, 0},
    {"", 0, SI_LINE_MORE, 0, 0},
    {"NOOP\n", 0, SI_LINE_BARE_LF, 0, 0},
    {"NO\nOP\r\n", 0, SI_LINE_BARE_LF, 0, 0},
    {"NOOP\rQUIT\r\n", 0, SI_LINE_BARE_CR, 0, 0},
    {"NOOP\r\r\n", 0, SI_LINE_BARE_CR, 0, 0},
    {"NO\0OP\r\n", 7, SI_LINE_NUL, 0, 0},
};

static void test_line_table(void **state)
{
    for (size_t i = 0; i < N_ELEMS(LINES); i++) {
        const line_case *c = &LINES[i];
        size_t len = c->len ? c->len : strlen(c->buf), line_len = 0, used = 0;
        enum si_line_rc rc = si_line_scan((const uint8_t *)c->buf, len, &line_len, &used);
        if (rc != c->rc) fail_msg("case %zu: rc %d, expected %d", i, rc, c->rc);
        if (rc == SI_LINE_OK) {
            assert_int_equal(line_len, c->line_len);
            assert_int_equal(used, c->used);
        }
    }
}

/* 512 octets with the CRLF is the longest line; 513 is too long. */
static void test_line_limit(void **state)
{
    uint8_t buf[600];
    size_t line_len, used;
    memset(buf, 'a', sizeof buf);
    memcpy(buf + 510, "\r\n", 2);
    assert_int_equal(si_line_scan(buf, 512, &line_len, &used), SI_LINE_OK);
    assert_int_equal(line_len, 510);
    memset(buf, 'a', sizeof buf);
    memcpy(buf + 511, "\r\n", 2);
    assert_int_equal(si_line_scan(buf, 513, &line_len, &used), SI_LINE_TOO_LONG);
    memset(buf, 'a', sizeof buf);
    assert_int_equal(si_line_scan(buf, 511, &line_len, &used), SI_LINE_MORE);
    assert_int_equal(si_line_scan(buf, 512, &line_len, &used), SI_LINE_TOO_LONG);
    assert_int_equal(si_line_scan(buf, sizeof buf, &line_len, &used), SI_LINE_TOO_LONG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_parse_embedded_nul),
        cmocka_unit_test(test_line_table),
        cmocka_unit_test(test_line_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
