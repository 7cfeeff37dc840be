/* si_dnszone: a fixed set of DNS records read from a file, the offline resolver of the
 * SPF and DKIM checks (config ingress.dns_zone_file; for tests and closed networks).
 *
 * File format, one record a line: NAME TYPE DATA, where TYPE is TXT, A, AAAA or MX and
 * DATA is the rest of the line (TXT data as it would be after joining its strings, no
 * quotes; MX data is the exchange host name). Blank lines and lines starting with '#'
 * are skipped. Names are compared case-insensitively, without a trailing dot.
 *
 * si_dnszone_load() returns 0, -ENOMEM, or -EINVAL with "FILE:LINE: reason" in err
 * (also for an unreadable file). si_dnszone_find() returns the DATA of the n-th record
 * (from 0) of that name and type, NULL past the last. The zone is read-only after
 * loading and may be read from several threads. */
#ifndef SI_DNSZONE_H
#define SI_DNSZONE_H

#include <stddef.h>

typedef struct si_dnszone si_dnszone;

typedef struct {
    char *name, *type, *data;
} si_dnsrec;

int si_dnszone_load(const char *path, si_dnszone **out, char *err, size_t errlen);
void si_dnszone_free(si_dnszone *z);
const char *si_dnszone_find(const si_dnszone *z, const char *name, const char *type, size_t n);
size_t si_dnszone_count(const si_dnszone *z);
const si_dnsrec *si_dnszone_get(const si_dnszone *z, size_t i);

#endif
