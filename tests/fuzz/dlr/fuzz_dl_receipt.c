/* libFuzzer target: dlr's delivery receipt parser (dl_receipt) and what consumes its
 * output (message id keys, dl_msgid; network error words, dl_reason), on arbitrary
 * bytes. The input is the receipt text (short_message); a second parse takes TLV
 * values made from the same bytes (message_state from the first byte, the
 * receipted_message_id from the last bytes, network_error_code from the first six).
 * Besides memory errors (ASan, UBSan), it aborts when an output breaks the contract
 * of dl_receipt.h: id non-empty exactly when 0 is returned, strings NUL-terminated in
 * their arrays, a known state, dates of 10 or 12 digits, sub/dlvrd -1 or a number. */
#include "dl_msgid.h"
#include "dl_reason.h"
#include "dl_receipt.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_str(const char *s, size_t cap)
{
    if (memchr(s, '\0', cap) == NULL) abort();
}

static void check_date(const char *d)
{
    size_t n = strlen(d);

    if (n != 0 && n != 10 && n != 12) abort();
    for (size_t i = 0; i < n; i++)
        if (d[i] < '0' || d[i] > '9') abort();
}

static void check(const dl_receipt *r, int rc)
{
    dl_msgid_keys keys;
    dl_net_error ne;

    check_str(r->id, sizeof(r->id));
    check_str(r->err, sizeof(r->err));
    check_str(r->network_error, sizeof(r->network_error));
    if ((rc == 0) != (r->id[0] != '\0')) abort();
    if (r->stat != DL_STAT_NONE && dl_stat_name(r->stat)[0] == '\0') abort();
    if (dl_stat_is_delivered(r->stat) && !dl_stat_is_final(r->stat)) abort();
    check_date(r->submit_date);
    check_date(r->done_date);
    if (r->sub < -1 || r->dlvrd < -1) abort();
    if (rc == 0 && dl_msgid_canon(r->id, &keys) == 0) {
        if (keys.n < 1 || keys.n > DL_MSGID_KEYS) abort();
        for (int i = 0; i < keys.n; i++) {
            char k[DL_MSGID_DBKEY_CAP];
            check_str(keys.k[i], sizeof(keys.k[i]));
            if (dl_msgid_dbkey("orange", keys.k[i], k, sizeof(k)) <= 0) abort();
        }
    }
    (void)dl_reason_network(r->network_error, "fr", &ne);
    if (ne.type_name == NULL) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char id[80] = "", net[8] = "";
    dl_receipt r;
    int rc = dl_receipt_parse(data, size, "", 0, "", &r);

    check(&r, rc);
    if (size == 0) return 0;
    size_t idn = size < sizeof(id) - 1 ? size : sizeof(id) - 1;
    memcpy(id, data + size - idn, idn); /* may hold NULs: a shorter C string */
    memcpy(net, data, size < 6 ? size : 6);
    rc = dl_receipt_parse(data, size, id, data[0] & 0x0F, net, &r);
    check(&r, rc);
    return 0;
}
