/* si_authcheck: the sender-authentication verdicts the ingress computes and passes to
 * the router in SUBMIT.spf / SUBMIT.dkim (enum cm_auth_result); the router enforces
 * them per account (require_spf, require_dkim).
 *
 *   si_spf_check()   SPF (RFC 7208, libspf2) of the MAIL FROM domain for the client
 *                    address (IPv4, IPv6 or IPv4-mapped IPv6) and HELO: pass -> PASS;
 *                    fail, softfail, permerror -> FAIL; neutral, none -> NONE;
 *                    temperror -> TEMPERROR. libspf2 answers pass for a loopback client
 *                    whatever the record says (a local MTA is trusted).
 *   si_dkim_check()  DKIM (RFC 6376, libopendkim) of the message as received (CRLF):
 *                    PASS when a signature verifies (header and body hash) and its d=
 *                    is aligned with from_domain (equal, or from_domain is a subdomain
 *                    of d=: relaxed alignment without a public-suffix list); NONE when
 *                    there is no signature; TEMPERROR when a key could not be fetched
 *                    and nothing passed; FAIL otherwise.
 *
 * Resolver: real DNS (libspf2's cache over libresolv, libopendkim's resolver, each
 * query bounded by SI_AUTHCHECK_DNS_TIMEOUT_S), or, when a si_dnszone is given, only
 * that zone (offline tests: the zone is libspf2's "zone" DNS layer and libopendkim's
 * key-lookup callback). Both checks block on DNS: call them from a worker thread; they
 * are thread-safe on one si_authcheck. The zone is borrowed for the checker's life.
 * Errors of create: -ENOMEM or -EIO with the reason in err. */
#ifndef SI_AUTHCHECK_H
#define SI_AUTHCHECK_H

#include "cm_wire.h"
#include "si_dnszone.h"

#include <stddef.h>
#include <stdint.h>

#define SI_AUTHCHECK_DNS_TIMEOUT_S 5

typedef struct si_authcheck si_authcheck;

int si_authcheck_create(const si_dnszone *zone, si_authcheck **out, char *err, size_t errlen);
void si_authcheck_free(si_authcheck *a);
enum cm_auth_result si_spf_check(si_authcheck *a, const char *ip, const char *helo,
                                 const char *mail_from);
enum cm_auth_result si_dkim_check(si_authcheck *a, const uint8_t *msg, size_t len,
                                  const char *from_domain);

#endif
