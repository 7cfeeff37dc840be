/* se_pack: outbound SMPP PDUs. bind_* and submit_sm are packed with libsmpp34
 * (LIBRARIES.md: sequence_number 0 is rejected, build_tlv prepends so TLVs are built in
 * reverse, the buffer must be at least the PDU length + 1, sm_length <= 253 ... here
 * <= 254 is checked by se_parts and libsmpp34 refuses 254). The header-only PDUs
 * (enquire_link, unbind and their responses, generic_nack) and deliver_sm_resp are
 * written directly: 16 or 17 fixed bytes, and generic_nack must be able to answer a
 * PDU whose sequence_number was 0.
 *
 * All functions write into the caller's buf[size] (SE_PACK_MAX always suffices) and
 * return the PDU length, or -EINVAL (a field too long for SMPP, seq 0, libsmpp34
 * refusal) or -ENOSPC. Not thread-safe (libsmpp34 writes a global trace buffer): call
 * from the loop thread only. */
#ifndef SE_PACK_H
#define SE_PACK_H

#include "cm_config.h"
#include "se_parts.h"

#include <stddef.h>
#include <stdint.h>

#define SE_PACK_MAX 2048

typedef struct {
    const char *source;
    uint8_t source_ton, source_npi;
    const char *dest; /* international digits, sent TON 1 NPI 1 */
    uint8_t registered_delivery;
    const se_part *part;
} se_submit;

int se_pack_bind(uint8_t *buf, size_t size, uint32_t cmd, uint32_t seq, const cm_config_bind *b);
int se_pack_submit(uint8_t *buf, size_t size, uint32_t seq, const se_submit *s);
int se_pack_header(uint8_t *buf, size_t size, uint32_t cmd, uint32_t status, uint32_t seq);
int se_pack_deliver_sm_resp(uint8_t *buf, size_t size, uint32_t status, uint32_t seq);

#endif
