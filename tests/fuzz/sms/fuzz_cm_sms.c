/* libFuzzer target for the SMS codec (common/gw/cm_sms): any valid UTF-8 text is
 * encoded, its parts never exceed 153/67 units (160/70 for one part) nor split an
 * escape or a surrogate pair, and the parts decoded one by one and joined give back
 * exactly the text (or its transliteration when that was applied). Invalid UTF-8 must
 * be refused with -EILSEQ, never crash. */
#include "cm_sms.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(int ok)
{
    if (!ok) abort();
}

/* Decodes each part on its own (UDH included, as the phone sees it) and joins them. */
static char *reassemble(const cm_sms_text *t)
{
    size_t cap = t->len * 4 + 1, len = 0;
    char *out = malloc(cap);
    check(out != NULL);
    for (size_t i = 0; i < t->info.parts; i++) {
        uint8_t sm[CM_SMS_SM_MAX];
        char *part;
        int n = cm_sms_part_udh(t, i, 7, sm, sizeof sm);
        check(n >= 0);
        int m = cm_sms_decode(t->info.coding, sm, (size_t)n, t->info.parts > 1, &part);
        check(m >= 0 && len + (size_t)m < cap);
        memcpy(out + len, part, (size_t)m);
        len += (size_t)m;
        free(part);
    }
    out[len] = 0;
    return out;
}

static void check_parts(const cm_sms_text *t)
{
    size_t unit = t->info.coding == CM_SMS_UCS2 ? 2 : 1;
    size_t max = t->info.parts == 1 ? (unit == 2 ? 70 : 160) : (unit == 2 ? 67 : 153);
    for (size_t i = 0; i < t->info.parts; i++) {
        size_t a = t->bound[i], b = t->bound[i + 1];
        check(b >= a && (b - a) / unit <= max);
        if (unit == 1 && b > a) check(t->data[b - 1] != 0x1B || b == t->len); /* no split escape */
        if (unit == 2 && b > a && b < t->len) {
            unsigned last = (unsigned)t->data[b - 2] << 8 | t->data[b - 1];
            check(last < 0xD800 || last > 0xDBFF); /* no split surrogate pair */
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    for (unsigned flags = 0; flags <= CM_SMS_TRANSLIT; flags++) {
        cm_sms_text t;
        int rc = cm_sms_encode((const char *)data, size, flags, &t);
        if (rc == -EILSEQ || rc == -E2BIG) continue;
        check(rc == 0);
        check_parts(&t);
        char *back = reassemble(&t);
        if (!t.info.translit) check(strlen(back) == size && memcmp(back, data, size) == 0);
        free(back);
        cm_sms_text_free(&t);
    }
    return 0;
}
