/* se_parts: turns a JOB's payload into the short_message (and TLVs) of each submit_sm.
 *
 * se_text_make() copies the payload and checks part_ends (decimal byte offsets, strictly
 * increasing, the last one = payload length; none = one part). For GSM text (coding 0)
 * with an operator that wants Latin-1 (gsm_coding 3), each part's septets are converted
 * to Latin-1 when every character of the whole text has one; otherwise the text stays
 * GSM with data_coding 0. UCS-2 (coding 8) goes out as data_coding 8.
 *
 * se_text_part() fills the i-th submit_sm of the long-message method:
 *   1 part    the payload as is (any method);
 *   UDH       05 00 03 ref total seq + the part bytes, esm_class 0x40 (cm_sms_part_udh);
 *   SAR       the part bytes, with sar_msg_ref_num / sar_total_segments / seqnum TLVs;
 *   PAYLOAD   one submit_sm, sm_length 0, the whole text in message_payload; a text
 *             longer than SE_PAYLOAD_MAX (libsmpp34's cap) falls back to UDH.
 * se_text_submits() says how many submit_sm that makes.
 *
 * Ownership: se_text owns its buffers (se_text_free, safe on a zeroed struct); an
 * se_part borrows the se_text for `payload`. Errors: -EINVAL (bad part_ends, a part too
 * long for a short_message, index out of range), -ENOTSUP (coding), -ENOMEM. */
#ifndef SE_PARTS_H
#define SE_PARTS_H

#include "cm_config.h"
#include "cm_wire.h"

#include <stddef.h>
#include <stdint.h>

#define SE_SM_MAX 254
#define SE_PAYLOAD_MAX 1024

typedef struct {
    uint8_t *data;
    size_t len;
    size_t *bound; /* n_parts + 1 offsets */
    size_t n_parts;
    uint8_t data_coding;
} se_text;

typedef struct {
    uint8_t sm[SE_SM_MAX];
    size_t sm_len;
    const uint8_t *payload; /* message_payload TLV, NULL if none */
    size_t payload_len;
    uint8_t esm_class, data_coding;
    int sar; /* add the three SAR TLVs */
    uint16_t sar_ref;
    uint8_t sar_total, sar_seq;
} se_part;

int se_text_make(const uint8_t *payload, size_t len, uint8_t coding, const cm_strs *part_ends,
                 int gsm_coding, se_text *out);
void se_text_free(se_text *t);
size_t se_text_submits(const se_text *t, enum cm_long_method m);
int se_text_part(const se_text *t, enum cm_long_method m, unsigned ref, size_t i, se_part *out);

/* GSM unpacked septets -> Latin-1 into out[size] (size >= len suffices). Returns the
 * length, or -EILSEQ when a character has no Latin-1 form (Greek capitals, €). */
int se_gsm_to_latin1(const uint8_t *gsm, size_t len, uint8_t *out, size_t size);

#endif
