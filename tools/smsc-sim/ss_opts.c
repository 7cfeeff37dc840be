/* ss_opts: parses the command line (see ss_opts.h). */
#include "ss_opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: smsgw-smsc-sim --listen HOST:PORT [--system-id ID --password PW]\n"
    "                      [--dlr-delay-ms MS] [--fail-prefix DIGITS]... [--log FILE]\n"
    "                      [--quiet] [--stats-ms MS]\n"
    "  --listen HOST:PORT   numeric address to listen on (default 127.0.0.1:2775;\n"
    "                       port 0 picks a free port, see the READY line)\n"
    "  --system-id, --password  credentials binds must present (default: accept any)\n"
    "  --dlr-delay-ms MS    delay before the delivery receipt (default 1000); a receipt\n"
    "                       the ESME refuses (deliver_sm_resp error) or leaves\n"
    "                       unanswered when its session ends is sent again 1 s later\n"
    "  --fail-prefix DIGITS destinations starting with DIGITS get stat:UNDELIV\n"
    "                       (repeatable, up to 16)\n"
    "  --log FILE           append every event line to FILE as well\n"
    "  --quiet              no per-SMS and per-receipt lines on stdout\n"
    "  --stats-ms MS        every MS ms, a line STATS submits=N receipts=N sessions=N\n"
    "                       (receipts: deliver_sm sent, re-sent ones included)\n";

/* "127.0.0.1:2775", "[::1]:2775" → host, port. */
static int parse_listen(struct ss_opts *o, const char *arg)
{
    const char *colon = strrchr(arg, ':');
    const char *host = arg;
    size_t hlen;
    char *end;
    long port;

    if (!colon) return -EINVAL;
    hlen = (size_t)(colon - arg);
    if (hlen >= 2 && arg[0] == '[' && arg[hlen - 1] == ']') {
        host++;
        hlen -= 2;
    }
    if (hlen == 0 || hlen >= sizeof o->listen_host) return -EINVAL;
    port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || end == colon + 1 || port < 0 || port > 65535) return -EINVAL;
    memcpy(o->listen_host, host, hlen);
    o->listen_host[hlen] = '\0';
    o->listen_port = (int)port;
    return 0;
}

static int parse_uint(const char *arg, unsigned max, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(arg, &end, 10);

    if (*end != '\0' || end == arg || arg[0] == '-' || v > max) return -EINVAL;
    *out = (unsigned)v;
    return 0;
}

static void set_defaults(struct ss_opts *o)
{
    memset(o, 0, sizeof *o);
    strcpy(o->listen_host, "127.0.0.1");
    o->listen_port = 2775;
    o->dlr_delay_ms = 1000;
}

static int apply(struct ss_opts *o, int c, const char *arg)
{
    switch (c) {
    case 'l':
        return parse_listen(o, arg);
    case 's':
        o->system_id = arg;
        return strlen(arg) <= 15 ? 0 : -EINVAL;
    case 'p':
        o->password = arg;
        return strlen(arg) <= 8 ? 0 : -EINVAL;
    case 'd':
        return parse_uint(arg, 86400000u, &o->dlr_delay_ms);
    case 'f':
        if (o->n_fail_prefix >= SS_OPTS_MAX_FAIL_PREFIXES || arg[0] == '\0') return -EINVAL;
        o->fail_prefix[o->n_fail_prefix++] = arg;
        return 0;
    case 'L':
        o->log_path = arg;
        return 0;
    case 'q':
        o->quiet = true;
        return 0;
    case 'S':
        return parse_uint(arg, 3600000u, &o->stats_ms);
    }
    return -EINVAL;
}

int ss_opts_parse(struct ss_opts *o, int argc, char **argv)
{
    static const struct option longopts[] = {{"listen", required_argument, NULL, 'l'},
                                             {"system-id", required_argument, NULL, 's'},
                                             {"password", required_argument, NULL, 'p'},
                                             {"dlr-delay-ms", required_argument, NULL, 'd'},
                                             {"fail-prefix", required_argument, NULL, 'f'},
                                             {"log", required_argument, NULL, 'L'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"stats-ms", required_argument, NULL, 'S'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int c;

    set_defaults(o);
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return 1;
        }
        if (c == '?' || apply(o, c, optarg) < 0) {
            if (c != '?') fprintf(stderr, "smsgw-smsc-sim: bad option value '%s'\n", optarg);
            fputs(usage, stderr);
            return -EINVAL;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "smsgw-smsc-sim: unexpected argument: %s\n", argv[optind]);
        return -EINVAL;
    }
    return 0;
}
