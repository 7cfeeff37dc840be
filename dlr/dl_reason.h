/* dl_reason: why an SMS was not delivered, in words a customer can read (French or
 * English), from the codes the operator gave.
 *
 * - dl_reason_smpp(): an SMPP 3.4 command_status (5.1.3, the value of a refused
 *   submit_sm_resp) in words, e.g. 0x0B -> "adresse du destinataire invalide" /
 *   "invalid destination address"; NULL for values the table does not know (vendor
 *   codes 0x400-0x4FF among them).
 * - dl_reason_network(): the network_error_code TLV (SMPP 3.4 5.3.2.31: one octet
 *   network type, two octets error code) as the lower-case hex egress forwards
 *   ("030001"). Fills *out with the network's name ("GSM", "ANSI-41", "SMPP", ...) and
 *   the code, and returns the words of the code when known: GSM codes are MAP errors
 *   (3GPP TS 29.002 17.6, e.g. 1 unknown subscriber, 27 absent subscriber), SMPP codes
 *   are command_status values. Returns NULL with out->type_name "" when the value is
 *   not 3 octets of hex, and NULL with out filled for codes without words.
 *
 * lang is "en" for English, anything else French. Pure, static strings, never fails. */
#ifndef DL_REASON_H
#define DL_REASON_H

#include <stdint.h>

typedef struct {
    const char *type_name; /* "GSM", ... or "" when unreadable */
    unsigned type;
    unsigned code;
} dl_net_error;

const char *dl_reason_smpp(uint32_t status, const char *lang);
const char *dl_reason_network(const char *hex, const char *lang, dl_net_error *out);

#endif
