/* si_cmd: see si_cmd.h. Table-driven verb lookup, then one small parser per
 * argument kind. */
#include "si_cmd.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum si_line_rc si_line_scan(const uint8_t *buf, size_t len, size_t *line_len, size_t *used)
{
    size_t lim = len < SI_LINE_MAX ? len : SI_LINE_MAX;
    for (size_t i = 0; i < lim; i++) {
        if (buf[i] == '\n') return SI_LINE_BARE_LF;
        if (buf[i] == '\0') return SI_LINE_NUL;
        if (buf[i] != '\r') continue;
        if (i + 1 >= SI_LINE_MAX) /* the CRLF itself would not fit */
            return SI_LINE_TOO_LONG;
        if (i + 1 == len) return SI_LINE_MORE;
        if (buf[i + 1] != '\n') return SI_LINE_BARE_CR;
        *line_len = i;
        *used = i + 2;
        return SI_LINE_OK;
    }
    return len >= SI_LINE_MAX ? SI_LINE_TOO_LONG : SI_LINE_MORE;
}

enum arg_kind { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL, ARG_MAIL, ARG_RCPT };

static const struct {
    const char *name;
    enum si_verb verb;
    enum arg_kind kind;
} VERBS[] = {
    {"HELO", SI_VERB_HELO, ARG_REQUIRED},     {"EHLO", SI_VERB_EHLO, ARG_REQUIRED},
    {"MAIL", SI_VERB_MAIL, ARG_MAIL},         {"RCPT", SI_VERB_RCPT, ARG_RCPT},
    {"DATA", SI_VERB_DATA, ARG_NONE},         {"RSET", SI_VERB_RSET, ARG_NONE},
    {"NOOP", SI_VERB_NOOP, ARG_OPTIONAL},     {"QUIT", SI_VERB_QUIT, ARG_NONE},
    {"VRFY", SI_VERB_VRFY, ARG_REQUIRED},     {"HELP", SI_VERB_HELP, ARG_OPTIONAL},
    {"STARTTLS", SI_VERB_STARTTLS, ARG_NONE}, {"AUTH", SI_VERB_AUTH, ARG_REQUIRED},
};

const char *si_verb_name(enum si_verb v)
{
    for (size_t i = 0; i < sizeof VERBS / sizeof VERBS[0]; i++)
        if (VERBS[i].verb == v) return VERBS[i].name;
    return "?";
}

static const char *skip_sp(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Scans a path after "FROM:"/"TO:" into out->arg; returns the text after it, or NULL. */
static const char *parse_path(const char *p, si_cmd *out)
{
    size_t n = 0;
    int bracket = *p == '<', quoted = 0;
    if (bracket) p++;
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f) return NULL;
        if (quoted && c == '\\' && p[1]) {
            out->arg[n++] = *p++;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && (c == ' ' || c == '>' || c == '<')) {
            break;
        }
        out->arg[n++] = *p;
    }
    out->arg[n] = '\0';
    if (quoted || (bracket && *p != '>') || (!bracket && (n == 0 || *p == '>' || *p == '<')))
        return NULL;
    if (out->arg[0] == '@') {
        out->source_route = 1;
        if (!strchr(out->arg, ':')) return NULL;
    }
    return bracket ? p + 1 : p;
}

/* One "KEYWORD[=value]" MAIL parameter. */
static int mail_param(const char *kw, size_t klen, const char *val, si_cmd *out)
{
    if (klen == 4 && strncasecmp(kw, "SIZE", 4) == 0 && val && out->size < 0) {
        size_t nd = strspn(val, "0123456789");
        if (nd == 0 || nd > 15 || val[nd]) return -1;
        out->size = 0;
        for (size_t i = 0; i < nd; i++)
            out->size = out->size * 10 + (val[i] - '0');
        return 0;
    }
    if (klen == 4 && strncasecmp(kw, "BODY", 4) == 0 && val) {
        if (strcasecmp(val, "8BITMIME") == 0)
            out->body_8bit = 1;
        else if (strcasecmp(val, "7BIT") != 0)
            return -1;
        return 0;
    }
    return -1;
}

/* Space-separated parameters after the path (modifies the copy it is given). */
static enum si_cmd_err parse_params(char *p, int is_mail, si_cmd *out)
{
    while (*(p = (char *)skip_sp(p))) {
        char *end = p + strcspn(p, " \t");
        char save = *end;
        *end = '\0';
        char *eq = strchr(p, '=');
        size_t klen = eq ? (size_t)(eq - p) : strlen(p);
        if (!is_mail || klen == 0 || mail_param(p, klen, eq ? eq + 1 : NULL, out))
            return SI_CMD_E_PARAM;
        *end = save;
        p = end;
    }
    return SI_CMD_OK;
}

static enum si_cmd_err parse_mail_rcpt(const char *p, int is_mail, si_cmd *out)
{
    const char *kw = is_mail ? "FROM:" : "TO:";
    size_t kl = strlen(kw);
    char rest[SI_LINE_MAX];
    if (strncasecmp(p, kw, kl) != 0) return SI_CMD_E_SYNTAX;
    p = parse_path(skip_sp(p + kl), out);
    if (!p || (!is_mail && out->arg[0] == '\0')) return SI_CMD_E_PATH;
    if (*p && *p != ' ' && *p != '\t') return SI_CMD_E_PATH;
    snprintf(rest, sizeof rest, "%s", p);
    return parse_params(rest, is_mail, out);
}

static enum si_cmd_err parse_arg(enum arg_kind kind, const char *p, si_cmd *out)
{
    switch (kind) {
    case ARG_NONE:
        return *p ? SI_CMD_E_SYNTAX : SI_CMD_OK;
    case ARG_REQUIRED:
    case ARG_OPTIONAL:
        if (kind == ARG_REQUIRED && !*p) return SI_CMD_E_SYNTAX;
        snprintf(out->arg, sizeof out->arg, "%s", p);
        return SI_CMD_OK;
    case ARG_MAIL:
    case ARG_RCPT:
        return parse_mail_rcpt(p, kind == ARG_MAIL, out);
    }
    return SI_CMD_E_SYNTAX;
}

enum si_cmd_err si_cmd_parse(const char *line, size_t len, si_cmd *out)
{
    char buf[SI_LINE_MAX];
    memset(out, 0, sizeof *out);
    out->size = -1;
    if (len >= sizeof buf || memchr(line, '\0', len)) return out->err = SI_CMD_E_SYNTAX;
    memcpy(buf, line, len);
    while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
        len--; /* some clients send "DATA " */
    buf[len] = '\0';
    size_t vlen = strcspn(buf, " \t");
    for (size_t i = 0; i < sizeof VERBS / sizeof VERBS[0]; i++) {
        if (vlen != strlen(VERBS[i].name) || strncasecmp(buf, VERBS[i].name, vlen) != 0) continue;
        out->verb = VERBS[i].verb;
        out->err = parse_arg(VERBS[i].kind, skip_sp(buf + vlen), out);
        return out->err;
    }
    return out->err = SI_CMD_E_UNKNOWN;
}
