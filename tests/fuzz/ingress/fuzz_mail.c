/* libFuzzer target for email -> submission in smsgw-ingress: the input is a message as
 * received after DATA (dot-unstuffed). It goes through the MIME bomb pre-scan
 * (si_mimecheck), GMime parsing (si_mime), the SUBMIT encoding (si_submit + cm_wire)
 * and the DKIM verifier (si_authcheck, with an empty offline zone: no DNS); the same
 * bytes are also read as an rspamd JSON answer (si_rspamd_score).
 *
 * Checks beyond the sanitizers: the parsed strings contain no CR or LF where the
 * receipts put them in headers (subject, From address, attachment names), the SMS text
 * has no CR (normalised), and the SUBMIT decodes back to the same subject, text and
 * attachments. A violation aborts. */
#include "si_authcheck.h"
#include "si_mime.h"
#include "si_mimecheck.h"
#include "si_rspamd.h"
#include "si_submit.h"

#include <gmime/gmime.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static si_authcheck *checker;

static void check(int ok)
{
    if (!ok) abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char path[] = "/tmp/fuzz-si-zone-XXXXXX", err[256];
    si_dnszone *zone;
    close(mkstemp(path));
    check(si_dnszone_load(path, &zone, err, sizeof err) == 0);
    unlink(path);
    check(si_authcheck_create(zone, &checker, err, sizeof err) == 0);
    g_mime_init();
    xmlInitParser();
    return 0;
}

static int one_line(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

static void round_trip(const si_mail *m)
{
    char *rcpts[] = {"SMS=0601020304@sms.test"};
    si_envelope env = {.id = "0123456789abcdef0123456789abcdef",
                       .client_ip = "192.0.2.1",
                       .helo = "c.test",
                       .mail_from = "a@acme.test",
                       .rcpts = rcpts,
                       .n_rcpts = 1};
    cm_wbuf w = {0};
    cm_arena *arena = NULL;
    cm_msg_submit back;
    check(si_submit_encode(&env, m, &w) == 0);
    check(cm_wire_decode_submit(w.data, w.len, &arena, &back) == 0);
    check(strcmp(back.subject, m->subject) == 0 && strcmp(back.text, m->text) == 0);
    check(back.attachments_n == m->n_att);
    for (size_t i = 0; i < m->n_att; i++)
        check(back.attachments[i].data.len == m->att[i].len &&
              (m->att[i].len == 0 ||
               memcmp(back.attachments[i].data.data, m->att[i].data, m->att[i].len) == 0));
    cm_arena_free(arena);
    cm_wbuf_free(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    const si_mime_limits lim = {.max_header_size = 16384, .max_depth = 20, .max_parts = 200};
    double score;
    si_rspamd_score((const char *)d, n, &score);
    if (si_mime_check(d, n, &lim, NULL) != SI_MIMECHK_OK) return 0;
    si_mail m;
    if (si_mime_parse(d, n, &m) == 0) {
        check(one_line(m.subject) && one_line(m.from) && one_line(m.message_id));
        check(m.text && !strchr(m.text, '\r'));
        for (size_t i = 0; i < m.n_att; i++)
            check(one_line(m.att[i].name));
        round_trip(&m);
        si_dkim_check(checker, d, n, m.from);
    }
    si_mail_free(&m);
    return 0;
}
