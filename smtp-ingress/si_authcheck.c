/* si_authcheck: see si_authcheck.h. libspf2 needs the resolver headers first and
 * HAVE_NS_TYPE (its headers otherwise redefine ns_type). */
#include "si_authcheck.h"

#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HAVE_NS_TYPE 1
#include <opendkim/dkim.h>
#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>

struct si_authcheck {
    SPF_server_t *spf;
    DKIM_LIB *dkim;
    const si_dnszone *zone;
};

static const struct {
    const char *name;
    ns_type type;
} RR_TYPES[] = {{"TXT", ns_t_txt}, {"A", ns_t_a}, {"AAAA", ns_t_aaaa}, {"MX", ns_t_mx}};

/* libspf2's zone layer filled with every record of the zone. */
static SPF_server_t *spf_from_zone(const si_dnszone *z)
{
    SPF_dns_server_t *dns = SPF_dns_zone_new(NULL, "smsgw-zone", 0);
    for (size_t i = 0; dns && i < si_dnszone_count(z); i++) {
        const si_dnsrec *r = si_dnszone_get(z, i);
        for (size_t t = 0; t < sizeof RR_TYPES / sizeof *RR_TYPES; t++)
            if (strcasecmp(r->type, RR_TYPES[t].name) == 0)
                SPF_dns_zone_add_str(dns, r->name, RR_TYPES[t].type, NETDB_SUCCESS, r->data);
    }
    return dns ? SPF_server_new_dns(dns, 0) : NULL;
}

static DKIM_CBSTAT zone_key(DKIM *d, DKIM_SIGINFO *sig, u_char *buf, size_t buflen)
{
    const si_dnszone *z = dkim_get_user_context(d);
    char name[600];
    snprintf(name, sizeof name, "%s._domainkey.%s", (const char *)dkim_sig_getselector(sig),
             (const char *)dkim_sig_getdomain(sig));
    const char *data = z ? si_dnszone_find(z, name, "TXT", 0) : NULL;
    if (!data) return DKIM_CBSTAT_NOTFOUND;
    if (strlen(data) >= buflen) return DKIM_CBSTAT_ERROR;
    memcpy(buf, data, strlen(data) + 1);
    return DKIM_CBSTAT_CONTINUE;
}

int si_authcheck_create(const si_dnszone *zone, si_authcheck **out, char *err, size_t errlen)
{
    si_authcheck *a = calloc(1, sizeof *a);
    if (!a) return -ENOMEM;
    a->zone = zone;
    a->spf = zone ? spf_from_zone(zone) : SPF_server_new(SPF_DNS_CACHE, 0);
    a->dkim = dkim_init(NULL, NULL);
    if (!a->spf || !a->dkim) {
        snprintf(err, errlen, "cannot set up %s", a->spf ? "libopendkim" : "libspf2");
        si_authcheck_free(a);
        return -EIO;
    }
    unsigned int timeout = SI_AUTHCHECK_DNS_TIMEOUT_S;
    dkim_options(a->dkim, DKIM_OP_SETOPT, DKIM_OPTS_TIMEOUT, &timeout, sizeof timeout);
    if (zone) dkim_set_key_lookup(a->dkim, zone_key);
    *out = a;
    return 0;
}

void si_authcheck_free(si_authcheck *a)
{
    if (!a) return;
    if (a->spf) SPF_server_free(a->spf);
    if (a->dkim) dkim_close(a->dkim);
    free(a);
}

static enum cm_auth_result spf_result(SPF_result_t r)
{
    switch (r) {
    case SPF_RESULT_PASS:
        return CM_AUTH_PASS;
    case SPF_RESULT_FAIL:
    case SPF_RESULT_SOFTFAIL:
    case SPF_RESULT_PERMERROR:
    case SPF_RESULT_INVALID: /* what libspf2 answers for a record that does not parse */
        return CM_AUTH_FAIL;
    case SPF_RESULT_TEMPERROR:
        return CM_AUTH_TEMPERROR;
    default:
        return CM_AUTH_NONE;
    }
}

enum cm_auth_result si_spf_check(si_authcheck *a, const char *ip, const char *helo,
                                 const char *mail_from)
{
    SPF_request_t *req = SPF_request_new(a->spf);
    SPF_response_t *resp = NULL;
    enum cm_auth_result res = CM_AUTH_TEMPERROR;
    if (!req) return res;
    if (strncasecmp(ip, "::ffff:", 7) == 0 && strchr(ip, '.')) ip += 7; /* IPv4-mapped */
    int bad =
        strchr(ip, ':') ? SPF_request_set_ipv6_str(req, ip) : SPF_request_set_ipv4_str(req, ip);
    if (!bad && helo && *helo) SPF_request_set_helo_dom(req, helo);
    if (!bad && SPF_request_set_env_from(req, mail_from) == 0) {
        SPF_request_query_mailfrom(req, &resp);
        res = resp ? spf_result(SPF_response_result(resp)) : CM_AUTH_TEMPERROR;
    } else {
        res = CM_AUTH_NONE; /* no usable identity to check */
    }
    if (resp) SPF_response_free(resp);
    SPF_request_free(req);
    return res;
}

static int aligned(const char *d, const char *from)
{
    size_t dl = strlen(d), fl = strlen(from);
    if (!dl || !fl) return 0;
    return strcasecmp(d, from) == 0 ||
           (fl > dl && from[fl - dl - 1] == '.' && strcasecmp(from + fl - dl, d) == 0);
}

/* The verdict over every signature once the message was fed. */
static enum cm_auth_result dkim_result(DKIM *d, DKIM_STAT st, const char *from_domain)
{
    DKIM_SIGINFO **sigs = NULL;
    int n = 0, keyfail = st == DKIM_STAT_KEYFAIL || st == DKIM_STAT_CANTVRFY;
    if (st == DKIM_STAT_NOSIG || dkim_getsiglist(d, &sigs, &n) != DKIM_STAT_OK || n == 0)
        return keyfail ? CM_AUTH_TEMPERROR : CM_AUTH_NONE;
    for (int i = 0; i < n; i++) {
        if (DKIM_SIG_CHECK(sigs[i]) &&
            aligned((const char *)dkim_sig_getdomain(sigs[i]), from_domain))
            return CM_AUTH_PASS;
        keyfail |= dkim_sig_geterror(sigs[i]) == DKIM_SIGERROR_KEYFAIL;
    }
    return keyfail ? CM_AUTH_TEMPERROR : CM_AUTH_FAIL;
}

enum cm_auth_result si_dkim_check(si_authcheck *a, const uint8_t *msg, size_t len,
                                  const char *from_domain)
{
    DKIM_STAT st;
    DKIM *d = dkim_verify(a->dkim, (const unsigned char *)"smsgw", NULL, &st);
    if (!d) return CM_AUTH_TEMPERROR;
    if (a->zone) dkim_set_user_context(d, (void *)a->zone);
    st = dkim_chunk(d, (u_char *)msg, len);
    if (st == DKIM_STAT_OK) st = dkim_chunk(d, NULL, 0);
    if (st == DKIM_STAT_OK) st = dkim_eom(d, NULL);
    enum cm_auth_result r = dkim_result(d, st, from_domain ? from_domain : "");
    dkim_free(d);
    return r;
}
