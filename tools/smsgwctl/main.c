/* smsgwctl: the operator's command-line tool.
 *
 *   smsgwctl [-c CONFIG] config check       load the config, report the first error
 *   smsgwctl [-c CONFIG] config operators   print the operators' names, one a line
 *
 * Reads the config only; never writes a store. Exit status: 0 success, 1 failure
 * (with a message on stderr), 2 usage error. */
#include "cm_accounts.h"
#include "cm_config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: smsgwctl [-c CONFIG] config check|operators\n"
               "  config check      load the configuration and report the first error\n"
               "  config operators  print the configured operators, one a line\n");
}

static int config_cmd(const char *path, const char *what)
{
    char err[512];
    cm_config *cfg;
    cm_accounts *acc;
    if (cm_config_load(path, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "smsgwctl: %s\n", err);
        return 1;
    }
    int rc = 0;
    if (cm_accounts_create(cfg, &acc, err, sizeof err) != 0) {
        fprintf(stderr, "smsgwctl: %s: %s\n", path, err);
        rc = 1;
    } else
        cm_accounts_free(acc);
    if (!rc && strcmp(what, "operators") == 0)
        for (size_t i = 0; i < cfg->n_operators; i++)
            printf("%s\n", cfg->operators[i].name);
    else if (!rc)
        printf("%s: OK (%zu operators, %zu accounts)\n", path, cfg->n_operators, cfg->n_accounts);
    cm_config_free(cfg);
    return rc;
}

int main(int argc, char **argv)
{
    const char *config = cm_config_default_path();
    int opt;
    while ((opt = getopt(argc, argv, "c:h")) != -1) {
        if (opt == 'c')
            config = optarg;
        else {
            usage(opt == 'h' ? stdout : stderr);
            return opt == 'h' ? 0 : 2;
        }
    }
    if (argc - optind == 2 && strcmp(argv[optind], "config") == 0 &&
        (strcmp(argv[optind + 1], "check") == 0 || strcmp(argv[optind + 1], "operators") == 0))
        return config_cmd(config, argv[optind + 1]);
    usage(stderr);
    return 2;
}
