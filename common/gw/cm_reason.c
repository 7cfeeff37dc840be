/* cm_reason: see cm_reason.h. French wording follows the customer guide's receipts. */
#include "cm_reason.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *code, *fr, *en;
} wording;

static const wording wordings[] = {
    {CM_REASON_TO_FIELD, "erreur dans le champ « A »", "error in the To field"},
    {CM_REASON_NO_BODY, "aucun corps de texte n'est présent", "no message body"},
    {CM_REASON_MULTI_NO_LIST, "envoi MULTI sans la pièce jointe LISTE.TXT",
     "MULTI submission without the LISTE.TXT attachment"},
    {CM_REASON_NO_VALID_RECIPIENT, "aucun destinataire valide", "no valid recipient"},
    {CM_REASON_INVALID_NUMBER, "numéro invalide", "invalid number"},
    {CM_REASON_NUMBER_TOO_LONG, "numéro trop long", "number too long"},
    {CM_REASON_INVALID_LINE, "ligne invalide", "invalid line"},
    {CM_REASON_MEDIA_NOT_OFFERED, "média non proposé", "media not offered"},
    {CM_REASON_DUPLICATE_NUMBER, "numéro en double (envoyé une seule fois)",
     "duplicate number (sent once)"},
    {CM_REASON_TEXT_TOO_LONG, "texte trop long : %1 caractères (maximum %2)",
     "text too long: %1 characters (maximum %2)"},
    {CM_REASON_TEXT_UNENCODABLE, "texte impossible à coder en SMS", "text cannot be encoded"},
    {CM_REASON_NO_ROUTE, "aucun opérateur ne dessert ce numéro", "no operator serves this number"},
    {CM_REASON_BAD_DATE, "champ DATE invalide (attendu : AAAAMMJJHHMM)",
     "invalid DATE field (expected YYYYMMDDHHMM)"},
    {CM_REASON_BAD_SEND_AT, "en-tête X-SMS-Send-At invalide (attendu : 2026-12-01T09:30:00+01:00)",
     "invalid X-SMS-Send-At header (expected 2026-12-01T09:30:00+01:00)"},
    {CM_REASON_DUPLICATE_OF,
     "message déjà reçu sous le numéro %1 : il n'est pas envoyé une seconde fois",
     "already received as submission %1: not sent twice"},
    {CM_REASON_BLACKLISTED, "liste d'opposition (STOP)", "opted out (STOP)"},
    {CM_REASON_BAD_LIST, "liste de destinataires %1 illisible : %+",
     "recipient list %1 unreadable: %+"},
};

/* The n-th (1-based) ':'-separated argument of reason, into arg. */
static void argument(const char *reason, int n, char *arg, size_t cap)
{
    const char *p = reason;
    for (int i = 0; i < n && p; i++)
        if ((p = strchr(p, ':'))) p++;
    size_t len = p ? strcspn(p, ":") : 0;
    snprintf(arg, cap, "%.*s", (int)len, p ? p : "");
}

static void expand(const char *tmpl, const char *reason, char *buf, size_t cap)
{
    size_t len = 0;
    for (const char *t = tmpl; *t && len + 1 < cap; t++) {
        char arg[64];
        if (t[0] == '%' && t[1] == '+') {
            const char *rest = strchr(reason, ':');
            rest = rest ? strchr(rest + 1, ':') : NULL;
            len += (size_t)snprintf(buf + len, cap - len, "%s", rest ? rest + 1 : "");
            t++;
        } else if (t[0] == '%' && (t[1] == '1' || t[1] == '2')) {
            argument(reason, t[1] - '0', arg, sizeof arg);
            len += (size_t)snprintf(buf + len, cap - len, "%s", arg);
            t++;
        } else
            buf[len++] = *t;
        len = len < cap ? len : cap - 1;
    }
    buf[len] = 0;
}

const char *cm_reason_render(const char *reason, const char *lang, char *buf, size_t cap)
{
    size_t code_len = strcspn(reason, ":");
    int english = lang && strcmp(lang, "en") == 0;
    if (!cap) return buf;
    for (size_t i = 0; i < sizeof wordings / sizeof *wordings; i++)
        if (strlen(wordings[i].code) == code_len &&
            strncmp(wordings[i].code, reason, code_len) == 0) {
            expand(english ? wordings[i].en : wordings[i].fr, reason, buf, cap);
            return buf;
        }
    snprintf(buf, cap, "%s", reason);
    return buf;
}
