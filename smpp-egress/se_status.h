/* se_status: SMPP command_status values: names, texts, and the retry class that decides
 * whether a failed submit is retried later (RETRY) or fails for good (FAILED).
 *
 * Temporary (SPEC §7): ESME_RTHROTTLED 0x58, ESME_RMSGQFUL 0x14, ESME_RSYSERR 0x08,
 * ESME_RINVBNDSTS 0x04 (our bind was not ready), ESME_RX_T_APPN 0x64; every other
 * non-zero status is permanent. Pure functions, never fail. */
#ifndef SE_STATUS_H
#define SE_STATUS_H

#include <stddef.h>
#include <stdint.h>

enum se_status_class { SE_STATUS_OK, SE_STATUS_TEMPORARY, SE_STATUS_PERMANENT };

/* "ESME_RINVDSTADR", "vendor-specific", or "unknown". */
const char *se_status_name(uint32_t status);
/* "invalid destination address", ... ("" for unknown values). */
const char *se_status_text(uint32_t status);
enum se_status_class se_status_class(uint32_t status);
/* "ESME_RINVDSTADR (0x0000000B) invalid destination address" into buf[size]. */
void se_status_reason(uint32_t status, char *buf, size_t size);

#endif
