/* ss_opts: command line of smsgw-smsc-sim.
 *
 * Contract: ss_opts_parse() fills a caller-owned struct ss_opts from argv. String fields
 * borrow argv (which outlives the process's main), nothing is allocated. Returns 0 when
 * the simulator should run, 1 when --help was printed (exit 0), -EINVAL after printing a
 * message on stderr (exit 2). Never exits by itself.
 */
#ifndef SS_OPTS_H
#define SS_OPTS_H

#include <stdbool.h>

#define SS_OPTS_MAX_FAIL_PREFIXES 16

struct ss_opts {
    char listen_host[64];  /* numeric IPv4 or IPv6 address */
    int listen_port;       /* 0: any free port (printed in the READY line) */
    const char *system_id; /* NULL: accept any credentials */
    const char *password;  /* NULL: any password (only checked with system_id) */
    unsigned dlr_delay_ms; /* delay between submit_sm_resp and the receipt */
    const char *fail_prefix[SS_OPTS_MAX_FAIL_PREFIXES]; /* destinations that fail */
    int n_fail_prefix;
    const char *log_path; /* NULL: stdout only */
    bool quiet;           /* no per-SMS lines on stdout (the --log file still gets them) */
    unsigned stats_ms;    /* 0: no STATS lines; else one every stats_ms */
};

int ss_opts_parse(struct ss_opts *o, int argc, char **argv);

#endif
