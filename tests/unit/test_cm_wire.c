/* Unit tests of cm_wire: every message type round-trips; every truncation, a trailing
 * byte, another version, another type, a NUL inside a string and an absurd list
 * count are refused with -EBADMSG. */
#include "cm_wire.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static char *rcpts[] = {"SMS=0601020304@d", "multi@d"};
static char *ends[] = {"153", "200"};

static cm_msg_submit sample_submit(void)
{
    static struct cm_wire_attachment att[] = {{"LISTE.TXT", {(uint8_t *)"0601\n\0x", 7}}};
    cm_msg_submit m = {0};
    m.id = "0123456789abcdef0123456789abcdef";
    m.received_ms = 1790000000123ULL;
    m.mail_from = "compta@acme.example";
    m.rcpts = (cm_strs){rcpts, 2};
    m.subject = "Rappel é";
    m.text = "Bonjour";
    m.attachments = att;
    m.attachments_n = 1;
    m.spf = CM_AUTH_PASS;
    return m;
}

static void submit_round_trip(void **state)
{
    cm_msg_submit m = sample_submit(), d;
    cm_wbuf w = {0};
    cm_arena *arena = NULL;
    assert_int_equal(cm_wire_encode_submit(&m, &w), 0);
    assert_int_equal(cm_wire_type(w.data, w.len), CM_MSG_SUBMIT);
    assert_int_equal(cm_wire_decode_submit(w.data, w.len, &arena, &d), 0);
    assert_string_equal(d.id, m.id);
    assert_true(d.received_ms == m.received_ms);
    assert_string_equal(d.helo, ""); /* NULL encodes as "" */
    assert_int_equal(d.rcpts.n, 2);
    assert_string_equal(d.rcpts.v[1], "multi@d");
    assert_string_equal(d.subject, "Rappel é");
    assert_int_equal(d.attachments_n, 1);
    assert_int_equal(d.attachments[0].data.len, 7);
    assert_memory_equal(d.attachments[0].data.data, "0601\n\0x", 7);
    assert_int_equal(d.spf, CM_AUTH_PASS);
    cm_arena_free(arena);
    cm_wbuf_free(&w);
}

static void job_and_accepted_round_trip(void **state)
{
    struct cm_wire_recipient r[] = {{7, "+33601020304", 0, CM_RCPT_QUEUED, "", "NOM=Dupont", 2},
                                    {0, "06xx", 3, CM_RCPT_REJECTED, "invalid number", "", 0}};
    cm_msg_accepted a = {
        .submission = "000042", .status = CM_ACCEPT_ACCEPTED, .recipients = r, .recipients_n = 2};
    cm_msg_job j = {.job_id = UINT64_MAX,
                    .dest = "33601020304",
                    .payload = {(uint8_t *)"\0\1\2", 3},
                    .part_ends = {ends, 2}};
    cm_wbuf wa = {0}, wj = {0};
    cm_arena *arena = NULL;
    cm_msg_accepted da;
    cm_msg_job dj;
    assert_int_equal(cm_wire_encode_accepted(&a, &wa), 0);
    assert_int_equal(cm_wire_encode_job(&j, &wj), 0);
    assert_int_equal(cm_wire_decode_accepted(wa.data, wa.len, &arena, &da), 0);
    assert_int_equal(cm_wire_decode_job(wj.data, wj.len, &arena, &dj), 0);
    assert_int_equal(da.recipients_n, 2);
    assert_string_equal(da.recipients[1].reason, "invalid number");
    assert_int_equal(da.recipients[1].line, 3);
    assert_true(dj.job_id == UINT64_MAX);
    assert_memory_equal(dj.payload.data, "\0\1\2", 3);
    assert_string_equal(dj.part_ends.v[1], "200");
    cm_arena_free(arena);
    cm_wbuf_free(&wa);
    cm_wbuf_free(&wj);
}

/* The recipients of an ACCEPTED read one at a time give what the whole decode gives; a
 * truncated list is refused when read, and a truncated head at once. */
static void accepted_recipients_one_at_a_time(void **state)
{
    struct cm_wire_recipient r[] = {{7, "+33601020304", 0, CM_RCPT_QUEUED, "", "NOM=Dupont", 2},
                                    {0, "06xx", 3, CM_RCPT_REJECTED, "invalid number", "", 0}};
    cm_msg_accepted a = {
        .submission = "000042", .subject = "Promo", .recipients = r, .recipients_n = 2};
    cm_msg_accepted h;
    cm_wire_recipients it, again;
    struct cm_wire_recipient got;
    cm_wbuf w = {0};
    cm_arena *arena = NULL;
    (void)state;

    assert_int_equal(cm_wire_encode_accepted(&a, &w), 0);
    assert_int_equal(cm_wire_decode_accepted_head(w.data, w.len, &arena, &h, &it), 0);
    assert_string_equal(h.subject, "Promo");
    assert_int_equal(h.recipients_n, 2);
    assert_null(h.recipients);
    again = it;
    assert_int_equal(cm_wire_recipients_next(&it, &arena, &got), 0);
    assert_string_equal(got.fields, "NOM=Dupont");
    assert_int_equal(got.job_id, 7);
    assert_int_equal(cm_wire_recipients_next(&it, &arena, &got), 0);
    assert_string_equal(got.reason, "invalid number");
    assert_int_equal(cm_wire_recipients_next(&it, &arena, &got), -ENOENT);
    assert_int_equal(cm_wire_recipients_next(&again, &arena, &got), 0); /* a copy reads again */
    assert_string_equal(got.number, "+33601020304");
    for (size_t n = 0; n < w.len; n++) { /* every truncation fails, at the head or in the list */
        int rc = cm_wire_decode_accepted_head(w.data, n, &arena, &h, &it);
        while (rc == 0)
            rc = cm_wire_recipients_next(&it, &arena, &got);
        assert_int_equal(rc, -EBADMSG);
    }
    cm_arena_free(arena);
    cm_wbuf_free(&w);
}

static void malformed_refused(void **state)
{
    cm_msg_submit m = sample_submit(), d;
    cm_wbuf w = {0};
    assert_int_equal(cm_wire_encode_submit(&m, &w), 0);
    for (size_t n = 0; n < w.len; n++) { /* every truncation */
        cm_arena *arena = NULL;
        assert_int_equal(cm_wire_decode_submit(w.data, n, &arena, &d), -EBADMSG);
        cm_arena_free(arena);
    }
    uint8_t buf[1024];
    assert_true(w.len + 1 <= sizeof buf);
    const struct {
        size_t at;
        uint8_t value;
        int extra;
    } cases[] = {
        {0, 2, 0},                                  /* another version */
        {1, CM_MSG_JOB, 0},                         /* decoded as the wrong type */
        {0, 1, 1},                                  /* a trailing byte */
        {2 + 4 + 3, 0, 0},                          /* a NUL inside the id string */
        {2 + 4 + 32 + 8 + 8 + 4 + 19 + 0, 0xFF, 0}, /* rcpts count high byte */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cm_arena *arena = NULL;
        memcpy(buf, w.data, w.len);
        buf[cases[i].at] = cases[i].value;
        assert_int_equal(cm_wire_decode_submit(buf, w.len + cases[i].extra, &arena, &d), -EBADMSG);
        cm_arena_free(arena);
    }
    cm_wbuf_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(submit_round_trip),
        cmocka_unit_test(job_and_accepted_round_trip),
        cmocka_unit_test(accepted_recipients_one_at_a_time),
        cmocka_unit_test(malformed_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
