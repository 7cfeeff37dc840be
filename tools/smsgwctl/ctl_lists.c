/* ctl_lists: smsgwctl's commands that change the gateway's shared lists (the only
 * ones that write): the STOP lists (cm_blacklist) and the portability database
 * (cm_portability), both separate LMDB environments under <state_dir> that the router
 * reads while it runs.
 *
 *   blacklist add|remove ACCOUNT NUMBER   one number (any form cm_number accepts)
 *   blacklist check ACCOUNT NUMBER        exit 0 if listed, 1 if not
 *   blacklist list|export [ACCOUNT]       "account;number;added_utc;origin" lines
 *   blacklist import ACCOUNT [FILE|-]     "number[;account]" lines (CSV)
 *   portability import [FILE|-]           "number;operator" lines, replaces the table
 *   portability lookup NUMBER             the operator a number was ported to
 *   portability count                     rows in the table
 *
 * Exit codes as in ctl.h. Operator names in a portability file that the config does
 * not know are reported (the router ignores such rows). */
#include "cm_blacklist.h"
#include "cm_number.h"
#include "cm_portability.h"
#include "ctl_cmds.h"

#include <errno.h>
#include <string.h>
#include <sys/time.h>

static uint64_t now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
}

static int number_arg(ctl_ctx *c, const char *in, char *e164)
{
    if (cm_number_normalise(in, e164, CM_E164_BUFSZ) == 0) return 0;
    fprintf(c->err, "smsgwctl: '%s' is not a phone number\n", in);
    return -1;
}

static FILE *input_of(ctl_ctx *c, const char *path)
{
    FILE *in = !path || strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!in) fprintf(c->err, "smsgwctl: %s: %s\n", path, strerror(errno));
    return in;
}

static int bl_one(ctl_ctx *c, cm_blacklist *b, const char *verb, char **argv)
{
    char e164[CM_E164_BUFSZ];
    if (number_arg(c, argv[1], e164)) return CTL_EXIT_USAGE;
    int rc = strcmp(verb, "add") == 0      ? cm_blacklist_add(b, argv[0], e164, now_ms(), "ctl")
             : strcmp(verb, "remove") == 0 ? cm_blacklist_remove(b, argv[0], e164)
                                           : cm_blacklist_contains(b, argv[0], e164);
    if (strcmp(verb, "check") == 0 && rc >= 0) {
        fprintf(c->out, "%s %s listed for %s\n", e164, rc ? "is" : "is not", argv[0]);
        return rc ? CTL_EXIT_OK : CTL_EXIT_NOTFOUND;
    }
    if (rc == -ENOENT) {
        fprintf(c->err, "smsgwctl: %s is not on the STOP list of %s\n", e164, argv[0]);
        return CTL_EXIT_NOTFOUND;
    }
    if (rc) fprintf(c->err, "smsgwctl: STOP list: %s\n", strerror(-rc));
    return rc ? CTL_EXIT_UNAVAILABLE : CTL_EXIT_OK;
}

static int bl_bulk(ctl_ctx *c, cm_blacklist *b, const char *verb, int argc, char **argv)
{
    long n, bad = 0;
    if (strcmp(verb, "import") == 0) {
        FILE *in = argc >= 1 ? input_of(c, argc > 1 ? argv[1] : NULL) : NULL;
        if (!in) return argc >= 1 ? CTL_EXIT_UNAVAILABLE : CTL_EXIT_USAGE;
        n = cm_blacklist_import(b, argv[0], in, now_ms(), &bad);
        if (in != stdin) fclose(in);
        if (n >= 0) fprintf(c->err, "%ld number(s) added, %ld line(s) refused\n", n, bad);
    } else
        n = cm_blacklist_export(b, argc ? argv[0] : NULL, c->out);
    if (n < 0) fprintf(c->err, "smsgwctl: STOP list: %s\n", strerror((int)-n));
    return n < 0 ? CTL_EXIT_UNAVAILABLE : CTL_EXIT_OK;
}

int ctl_cmd_blacklist(ctl_ctx *c, int argc, char **argv)
{
    const char *verb = argc > 1 ? argv[1] : "";
    int one = !strcmp(verb, "add") || !strcmp(verb, "remove") || !strcmp(verb, "check");
    int bulk = !strcmp(verb, "list") || !strcmp(verb, "export") || !strcmp(verb, "import");
    if ((one && argc != 4) || (!one && !bulk)) {
        fprintf(c->err, "usage: smsgwctl blacklist add|remove|check ACCOUNT NUMBER\n"
                        "       smsgwctl blacklist list|export [ACCOUNT]\n"
                        "       smsgwctl blacklist import ACCOUNT [FILE|-]\n");
        return CTL_EXIT_USAGE;
    }
    cm_blacklist *b;
    int rc = cm_blacklist_open(c->cfg->state_dir, 0, &b);
    if (rc) {
        fprintf(c->err, "smsgwctl: cannot open the STOP lists in %s: %s\n", c->cfg->state_dir,
                strerror(-rc));
        return CTL_EXIT_UNAVAILABLE;
    }
    rc = one ? bl_one(c, b, verb, argv + 2) : bl_bulk(c, b, verb, argc - 2, argv + 2);
    cm_blacklist_close(b);
    return rc;
}

static int port_import(ctl_ctx *c, cm_portability *p, const char *path)
{
    long bad;
    FILE *in = input_of(c, path);
    if (!in) return CTL_EXIT_UNAVAILABLE;
    long n = cm_portability_import(p, in, &bad);
    if (in != stdin) fclose(in);
    if (n < 0) {
        fprintf(c->err, "smsgwctl: portability import: %s\n",
                n == -EINVAL ? "no valid \"number;operator\" line: table kept" : strerror((int)-n));
        return n == -EINVAL ? CTL_EXIT_NOTFOUND : CTL_EXIT_UNAVAILABLE;
    }
    fprintf(c->err, "%ld number(s) loaded, %ld line(s) refused\n", n, bad);
    return CTL_EXIT_OK;
}

int ctl_cmd_portability(ctl_ctx *c, int argc, char **argv)
{
    const char *verb = argc > 1 ? argv[1] : "";
    char e164[CM_E164_BUFSZ], op[64];
    cm_portability *p;
    if (!((!strcmp(verb, "import") && argc <= 3) || (!strcmp(verb, "lookup") && argc == 3) ||
          (!strcmp(verb, "count") && argc == 2))) {
        fprintf(c->err, "usage: smsgwctl portability import [FILE|-] | lookup NUMBER | count\n");
        return CTL_EXIT_USAGE;
    }
    int rc = cm_portability_open(c->cfg->state_dir, 0, &p);
    if (rc) {
        fprintf(c->err, "smsgwctl: cannot open the portability database in %s: %s\n",
                c->cfg->state_dir, strerror(-rc));
        return CTL_EXIT_UNAVAILABLE;
    }
    if (!strcmp(verb, "import"))
        rc = port_import(c, p, argc == 3 ? argv[2] : NULL);
    else if (!strcmp(verb, "count")) {
        long n = cm_portability_count(p);
        fprintf(n >= 0 ? c->out : c->err, n >= 0 ? "%ld\n" : "smsgwctl: %ld\n", n);
        rc = n >= 0 ? CTL_EXIT_OK : CTL_EXIT_UNAVAILABLE;
    } else if (number_arg(c, argv[2], e164))
        rc = CTL_EXIT_USAGE;
    else if ((rc = cm_portability_lookup(p, e164, op, sizeof op)) == 0)
        fprintf(c->out, "%s %s%s\n", e164, op,
                cm_config_operator_find(c->cfg, op) ? "" : " (not a configured operator)");
    else {
        fprintf(c->out, "%s not ported\n", e164);
        rc = CTL_EXIT_NOTFOUND;
    }
    cm_portability_close(p);
    return rc;
}
