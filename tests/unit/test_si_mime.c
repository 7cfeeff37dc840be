/* Unit tests for the email -> submission conversion of smtp-ingress: si_text (newlines,
 * signature cut, trimming), si_html (HTML-only bodies), si_mime on the golden emails of
 * data/ingress/, and si_submit (the SUBMIT message, checked through the wire codec). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "si_html.h"
#include "si_mime.h"
#include "si_submit.h"
#include "si_text.h"

#ifndef SMSGW_TEST_DATA
#define SMSGW_TEST_DATA "tests/unit/data"
#endif

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static uint8_t *read_file(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/ingress/%s", SMSGW_TEST_DATA, name);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    uint8_t *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static const struct {
    const char *in, *out;
} TEXTS[] = {
    {"hello\r\nworld\r\n", "hello\nworld"},
    {"a\rb\r\n\r\nc", "a\nb\n\nc"},
    {"text   \t\r\n \r\n\r\n", "text"},
    {"keep  inner  spaces", "keep  inner  spaces"},
    {"msg\n#####\nsig", "msg"},
    {"msg #### not a sig", "msg #### not a sig"},
    {"a######b", "a"},
    {"#####", ""},
    {"", ""},
    {"  leading kept", "  leading kept"},
};

static void test_text_normalise(void **state)
{
    for (size_t i = 0; i < N_ELEMS(TEXTS); i++) {
        char *t = si_text_normalise(TEXTS[i].in, strlen(TEXTS[i].in));
        assert_non_null(t);
        assert_string_equal(t, TEXTS[i].out);
        free(t);
    }
    char *t = si_text_normalise("a\0b", 3);
    assert_string_equal(t, "ab");
    free(t);
}

static const struct {
    const char *in, *out; /* out after si_text_normalise */
} HTMLS[] = {
    {"<p>one</p><p>two</p>", "one\ntwo"},
    {"a<br>b<br/>c", "a\nb\nc"},
    {"<div>x   y\n  z</div>", "x y z"},
    {"<head><title>T</title></head><body>B</body>", "B"},
    {"<script>var a = '<p>';</script>ok<style>p{}</style>", "ok"},
    {"caf&eacute; &amp; th&eacute;&nbsp;!", "café & thé !"},
    {"<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
    {"<ul><li>un</li><li>deux</li></ul>", "un\ndeux"},
    {"<pre>  a\n  b</pre>", "  a\n  b"},
    {"<!-- comment -->visible", "visible"},
    {"<p>unclosed <b>bold", "unclosed bold"},
    {"<meta charset=\"iso-8859-1\"><p>déjà</p>", "déjà"},
    {"", ""},
};

static void test_html(void **state)
{
    for (size_t i = 0; i < N_ELEMS(HTMLS); i++) {
        char *raw = si_html_to_text(HTMLS[i].in, strlen(HTMLS[i].in));
        assert_non_null(raw);
        char *t = si_text_normalise(raw, strlen(raw));
        if (strcmp(t, HTMLS[i].out) != 0)
            fail_msg("html %zu: \"%s\", expected \"%s\"", i, t, HTMLS[i].out);
        free(raw);
        free(t);
    }
}

/* Deeply nested HTML must neither crash nor recurse. */
static void test_html_deep(void **state)
{
    size_t depth = 100000, n = 0;
    char *h = malloc(depth * 11 + 16);
    for (size_t i = 0; i < depth; i++)
        n += (size_t)sprintf(h + n, "<div><b>");
    n += (size_t)sprintf(h + n, "deep");
    char *t = si_html_to_text(h, n);
    assert_non_null(t);
    free(t);
    free(h);
}

typedef struct {
    const char *file;
    const char *from, *subject, *message_id, *text;
    int n_from;
    size_t n_att;
    const char *auto_submitted, *category, *send_at;
} golden;

static const golden GOLDEN[] = {
    {"plain.eml", "alice@acme.fr", "Rappel rendez-vous", "abc123@acme.fr",
     "Bonjour, votre rendez-vous est demain a 10h.\nA bientot.", 1, 0, "", "", ""},
    {"qp-latin1.eml", "alice@acme.fr", "Réunion déplacée", "qp1@acme.fr",
     "La réunion de l'été est déplacée à jeudi. Coût : 10 € pas cher.", 1, 0, "", "", ""},
    {"base64-utf8.eml", "alice@acme.fr", "Ça marche ✓", "b64@acme.fr",
     "Café crème à 2 € — 😀 merci\nLigne 2", 1, 0, "no", "transactional",
     "2024-06-01T09:30:00+02:00"},
    {"html-only.eml", "alice@acme.fr", "HTML", "html1@acme.fr",
     "Bonjour Marie,\nVotre colis est arrivé.\nMerci & à bientôt\na b", 1, 0, "", "", ""},
    {"alternative.eml", "alice@acme.fr", "Alternative", "alt1@acme.fr", "Plain version", 1, 0, "",
     "", ""},
    {"signature.eml", "alice@acme.fr", "Sig", "sig1@acme.fr",
     "Livraison prevue demain #1234 ####.\nMerci", 1, 0, "", "", ""},
    {"subject-2047.eml", "alice@acme.fr", "Promo été à saisir suite du sujet", "subj1@acme.fr",
     "texte", 1, 0, "", "", ""},
    {"liste.eml", "alice@acme.fr", "Liste", "liste1@acme.fr", "Bonjour @NOM@", 1, 1, "", "", ""},
};

static void check_golden(const golden *g)
{
    size_t len;
    uint8_t *data = read_file(g->file, &len);
    si_mail m;
    int rc = si_mime_parse(data, len, &m);
    if (rc != 0) fail_msg("%s: rc %d", g->file, rc);
    if (strcmp(m.text, g->text) != 0)
        fail_msg("%s: text \"%s\", expected \"%s\"", g->file, m.text, g->text);
    if (strcmp(m.subject, g->subject) != 0)
        fail_msg("%s: subject \"%s\", expected \"%s\"", g->file, m.subject, g->subject);
    assert_string_equal(m.from, g->from);
    assert_int_equal(m.n_from, g->n_from);
    assert_string_equal(m.message_id, g->message_id);
    assert_string_equal(m.auto_submitted, g->auto_submitted);
    assert_string_equal(m.category, g->category);
    assert_string_equal(m.send_at, g->send_at);
    assert_int_equal(m.n_att, g->n_att);
    si_mail_free(&m);
    free(data);
}

static void test_golden(void **state)
{
    for (size_t i = 0; i < N_ELEMS(GOLDEN); i++)
        check_golden(&GOLDEN[i]);
}

/* LISTE.TXT comes out byte for byte (Windows-1252 stays Windows-1252). */
static void test_attachment_bytes(void **state)
{
    size_t len, elen;
    uint8_t *data = read_file("liste.eml", &len), *expect = read_file("liste.expected", &elen);
    si_mail m;
    assert_int_equal(si_mime_parse(data, len, &m), 0);
    assert_int_equal(m.n_att, 1);
    assert_string_equal(m.att[0].name, "LISTE.TXT");
    assert_int_equal(m.att[0].len, elen);
    assert_memory_equal(m.att[0].data, expect, elen);
    si_mail_free(&m);
    free(data);
    free(expect);
}

/* The SUBMIT message carries the envelope and the mail, and survives the codec. */
static void test_submit_roundtrip(void **state)
{
    size_t len;
    uint8_t *data = read_file("liste.eml", &len);
    si_mail m;
    assert_int_equal(si_mime_parse(data, len, &m), 0);
    char *rcpts[] = {"multi@sms.example.net", "SMS=0612345678@sms.example.net"};
    si_envelope env = {.received_ms = 1700000000123ull,
                       .client_ip = "192.0.2.7",
                       .helo = "mx.acme.fr",
                       .mail_from = "alice@acme.fr",
                       .rcpts = rcpts,
                       .n_rcpts = 2};
    assert_int_equal(si_submit_new_id(env.id), 0);
    assert_int_equal(strlen(env.id), SI_ID_LEN);
    assert_int_equal(strspn(env.id, "0123456789abcdef"), SI_ID_LEN);
    cm_wbuf w = {0};
    assert_int_equal(si_submit_encode(&env, &m, &w), 0);
    cm_arena *arena = NULL;
    cm_msg_submit s;
    assert_int_equal(cm_wire_decode_submit(w.data, w.len, &arena, &s), 0);
    assert_string_equal(s.id, env.id);
    assert_true(s.received_ms == env.received_ms);
    assert_string_equal(s.client_ip, "192.0.2.7");
    assert_string_equal(s.helo, "mx.acme.fr");
    assert_string_equal(s.mail_from, "alice@acme.fr");
    assert_int_equal(s.rcpts.n, 2);
    assert_string_equal(s.rcpts.v[1], "SMS=0612345678@sms.example.net");
    assert_string_equal(s.header_from, "alice@acme.fr");
    assert_string_equal(s.subject, "Liste");
    assert_string_equal(s.message_id, "liste1@acme.fr");
    assert_string_equal(s.text, "Bonjour @NOM@");
    assert_int_equal(s.attachments_n, 1);
    assert_string_equal(s.attachments[0].name, "LISTE.TXT");
    assert_int_equal(s.attachments[0].data.len, m.att[0].len);
    assert_string_equal(s.auth_user, "");
    cm_arena_free(arena);
    cm_wbuf_free(&w);
    si_mail_free(&m);
    free(data);
}

/* Odd inputs: no headers, garbage, undeclared 8-bit text. */
static void test_odd_inputs(void **state)
{
    static const char *const inputs[] = {
        "",
        "no headers at all",
        "From: <>\r\n\r\nbody",
        "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x--\r\n",
        "From: a@b, c@d\r\nSubject: two\r\n\r\nx",
        /* a blank attachment name (found by fuzz_mail: trimmed past its end) */
        "From: a@b\r\nContent-Type: text/x; name=\"   \"\r\n\r\nLISTE",
        "From: a@b\r\nContent-Type: text/x; name=\"\t \r\n \"\r\n\r\nLISTE",
    };
    for (size_t i = 0; i < N_ELEMS(inputs); i++) {
        si_mail m;
        int rc = si_mime_parse((const uint8_t *)inputs[i], strlen(inputs[i]), &m);
        assert_true(rc == 0 || rc == -EBADMSG);
        if (rc == 0) {
            assert_non_null(m.text);
            assert_non_null(m.subject);
        }
        si_mail_free(&m);
    }
    static const char latin[] = "From: a@b\r\nSubject: x\r\n\r\ncaf\xe9\r\n";
    si_mail m;
    assert_int_equal(si_mime_parse((const uint8_t *)latin, sizeof latin - 1, &m), 0);
    assert_string_equal(m.text, "café");
    si_mail_free(&m);
    static const char two[] = "From: a@b, c@d\r\n\r\nx";
    assert_int_equal(si_mime_parse((const uint8_t *)two, sizeof two - 1, &m), 0);
    assert_int_equal(m.n_from, 2);
    si_mail_free(&m);
    /* an empty text part with a charset is an empty text, not an allocation failure
     * (found by fuzz_mail: g_convert was given no buffer) */
    static const char *const empty[] = {
        "From: a@b\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n",
        "From: a@b\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n\r\n",
    };
    for (size_t i = 0; i < N_ELEMS(empty); i++) {
        assert_int_equal(si_mime_parse((const uint8_t *)empty[i], strlen(empty[i]), &m), 0);
        assert_string_equal(m.text, "");
        si_mail_free(&m);
    }
}

/* The charset paths: UTF-8 (declared or not) is copied once validated, anything not
 * valid UTF-8 falls back to Windows-1252, a declared charset is converted. */
static const struct {
    const char *ct, *body, *text;
} CHARSETS[] = {
    {"",
     "\xc3\x87"
     "a \xe2\x9c\x93 \xf0\x9f\x98\x80",
     "\xc3\x87"
     "a \xe2\x9c\x93 \xf0\x9f\x98\x80"},
    {"text/plain; charset=utf-8", "caf\xc3\xa9", "caf\xc3\xa9"},
    {"text/plain; charset=UTF8", "caf\xc3\xa9", "caf\xc3\xa9"},
    {"text/plain; charset=utf-8", "caf\xe9", "caf\xc3\xa9"},        /* invalid: cp1252 */
    {"", "\xc0\xaf overlong", "\xc3\x80\xc2\xaf overlong"},         /* not UTF-8: cp1252 */
    {"", "\xed\xa0\x80", "\xc3\xad\xc2\xa0\xe2\x82\xac"},           /* a surrogate: cp1252 */
    {"text/plain; charset=iso-8859-2", "\xb9koda", "\xc5\xa1koda"}, /* declared: converted */
    {"text/plain; charset=us-ascii", "\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9"},
};

static void test_charsets(void **state)
{
    for (size_t i = 0; i < N_ELEMS(CHARSETS); i++) {
        char msg[512];
        si_mail m;
        int n = snprintf(msg, sizeof msg, "From: a@b\r\n%s%s%s\r\n%s\r\n",
                         *CHARSETS[i].ct ? "Content-Type: " : "", CHARSETS[i].ct,
                         *CHARSETS[i].ct ? "\r\n" : "", CHARSETS[i].body);
        assert_int_equal(si_mime_parse((const uint8_t *)msg, (size_t)n, &m), 0);
        if (strcmp(m.text, CHARSETS[i].text) != 0)
            fail_msg("row %zu: \"%s\", expected \"%s\"", i, m.text, CHARSETS[i].text);
        si_mail_free(&m);
    }
}

static int setup(void **state)
{
    g_mime_init();
    return 0;
}

static int teardown(void **state)
{
    g_mime_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_normalise),
        cmocka_unit_test(test_charsets),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_html_deep),
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_attachment_bytes),
        cmocka_unit_test(test_submit_roundtrip),
        cmocka_unit_test(test_odd_inputs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
