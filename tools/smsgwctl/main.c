/* smsgwctl: the operator's command-line tool (docs/operations.md, "smsgwctl").
 *
 *   smsgwctl [-c CONFIG] COMMAND [ARGS]
 *
 * Reads the config, the stores (<state_dir>/router and <state_dir>/dlr, opened
 * read-only) and the processes' metrics listeners; never writes a store. The commands
 * are listed in COMMANDS below; exit codes in ctl.h (0 ok, 1 not found / a check
 * failed, 2 usage, 3 a store or listener unreadable). */
#include "cm_accounts.h"
#include "cm_config.h"
#include "ctl.h"
#include "ctl_cmds.h"

#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name, *args, *help;
    int (*run)(ctl_ctx *c, int argc, char **argv);
    int needs_stores;
} COMMANDS[] = {
    {"status", "[--timeout MS]",
     "processes (via metrics_listen), queue depths by operator and age, receipts", ctl_cmd_status,
     1},
    {"show", "SUBMISSION", "one submission and the state of each recipient", ctl_cmd_show, 1},
    {"search", "[--subject TEXT] [--refclient REF] [--number NUMBER]",
     "submissions matching all criteria, one a line", ctl_cmd_search, 1},
    {"billing", "--month YYYY-MM",
     "CSV: account,FACTURATION,messages,parts,delivered for that month", ctl_cmd_billing, 1},
    {"serve-status", "--listen HOST:PORT [--timeout MS]",
     "serve the read-only status page over HTTP until SIGTERM", ctl_cmd_serve, 1},
    {"blacklist", "add|remove|check ACCOUNT NUMBER | list|export [ACCOUNT] | import ACCOUNT [FILE]",
     "the STOP lists (import: CSV lines number[;account])", ctl_cmd_blacklist, 0},
    {"portability", "import [FILE] | lookup NUMBER | count",
     "the portability table (import: CSV lines number;operator, replaces it)", ctl_cmd_portability,
     0},
    {"hold", "SUBMISSION", "stop sending the submission's SMS (the router acts within 1 s)",
     ctl_cmd_control, 1},
    {"release", "SUBMISSION", "send a held submission's SMS again", ctl_cmd_control, 1},
    {"retry", "SUBMISSION", "send now the SMS waiting for a retry delay", ctl_cmd_control, 1},
    {"held", "", "the held submissions", ctl_cmd_control, 1},
    {"config", "check|operators", "validate the config / list its operators", NULL, 0},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: smsgwctl [-c CONFIG] COMMAND [ARGS]\n\n"
               "  -c CONFIG   the gateway's config (default $SMSGW_CONFIG, else "
               "/etc/smsgw/smsgw.conf)\n\ncommands:\n");
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        fprintf(f, "  %s %s\n      %s\n", COMMANDS[i].name, COMMANDS[i].args, COMMANDS[i].help);
    fprintf(f, "\nexit status: 0 ok, 1 nothing found or a process down, 2 usage error,\n"
               "3 a store or listener could not be read. See docs/operations.md.\n");
}

static int config_cmd(const cm_config *cfg, const char *path, const char *what)
{
    char err[512];
    cm_accounts *acc;
    if (cm_accounts_create(cfg, &acc, err, sizeof err) != 0) {
        fprintf(stderr, "smsgwctl: %s: %s\n", path, err);
        return 1;
    }
    cm_accounts_free(acc);
    if (strcmp(what, "operators") == 0)
        for (size_t i = 0; i < cfg->n_operators; i++)
            printf("%s\n", cfg->operators[i].name);
    else
        printf("%s: OK (%zu operators, %zu accounts)\n", path, cfg->n_operators, cfg->n_accounts);
    return 0;
}

static int dispatch(const cm_config *cfg, const char *path, int argc, char **argv)
{
    if (strcmp(argv[0], "config") == 0) {
        if (argc == 2 && (!strcmp(argv[1], "check") || !strcmp(argv[1], "operators")))
            return config_cmd(cfg, path, argv[1]);
        fprintf(stderr, "usage: smsgwctl config check|operators\n");
        return CTL_EXIT_USAGE;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        if (COMMANDS[i].run && strcmp(argv[0], COMMANDS[i].name) == 0) {
            ctl_ctx c;
            ctl_ctx_open(&c, cfg, stdout, stderr);
            int rc = COMMANDS[i].run(&c, argc, argv);
            ctl_ctx_close(&c);
            return rc;
        }
    fprintf(stderr, "smsgwctl: unknown command '%s' (smsgwctl --help lists them)\n", argv[0]);
    return CTL_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    static const struct option OPTS[] = {{"config", required_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *path = cm_config_default_path();
    int opt;
    while ((opt = getopt_long(argc, argv, "+c:h", OPTS, NULL)) != -1) {
        if (opt == 'c') {
            path = optarg;
            continue;
        }
        usage(opt == 'h' ? stdout : stderr);
        return opt == 'h' ? CTL_EXIT_OK : CTL_EXIT_USAGE;
    }
    if (optind == argc) {
        usage(stderr);
        return CTL_EXIT_USAGE;
    }
    char err[512];
    cm_config *cfg;
    if (cm_config_load(path, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "smsgwctl: %s\n", err);
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = dispatch(cfg, path, argc - optind, argv + optind);
    curl_global_cleanup();
    cm_config_free(cfg);
    return rc;
}
