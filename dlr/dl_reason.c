/* dl_reason: SMPP command_status and network error codes in words (see dl_reason.h).
 * Sources: SMPP 3.4 5.1.3 (command_status) and 5.3.2.31 (network_error_code);
 * 3GPP TS 29.002 17.6 (MAP error codes that GSM networks report for SMS). */
#include "dl_reason.h"

#include <stddef.h>
#include <string.h>

typedef struct {
    unsigned code;
    const char *fr, *en;
} code_words;

static const code_words SMPP[] = {
    {0x01, "longueur de message invalide", "invalid message length"},
    {0x02, "longueur de commande invalide", "invalid command length"},
    {0x03, "commande inconnue de l'opérateur", "invalid command id"},
    {0x04, "connexion à l'opérateur dans un état incorrect", "incorrect bind status"},
    {0x05, "connexion déjà établie", "already bound"},
    {0x06, "priorité invalide", "invalid priority flag"},
    {0x07, "demande d'accusé invalide", "invalid registered delivery flag"},
    {0x08, "erreur système de l'opérateur", "operator system error"},
    {0x0A, "expéditeur invalide", "invalid source address"},
    {0x0B, "adresse du destinataire invalide", "invalid destination address"},
    {0x0C, "identifiant de message invalide", "invalid message id"},
    {0x0D, "échec de la connexion", "bind failed"},
    {0x0E, "mot de passe invalide", "invalid password"},
    {0x0F, "identifiant système invalide", "invalid system id"},
    {0x11, "échec de l'annulation", "cancel failed"},
    {0x13, "échec du remplacement", "replace failed"},
    {0x14, "file d'attente de l'opérateur pleine", "operator message queue full"},
    {0x15, "type de service invalide", "invalid service type"},
    {0x33, "nombre de destinataires invalide", "invalid number of destinations"},
    {0x34, "nom de liste de distribution invalide", "invalid distribution list name"},
    {0x40, "indicateur de destination invalide", "invalid destination flag"},
    {0x42, "demande de remplacement invalide", "invalid submit with replace request"},
    {0x43, "classe de message invalide", "invalid esm_class"},
    {0x44, "envoi à une liste de distribution impossible", "cannot submit to a distribution list"},
    {0x45, "échec de la soumission", "submit failed"},
    {0x48, "type de numéro de l'expéditeur invalide", "invalid source address TON"},
    {0x49, "plan de numérotation de l'expéditeur invalide", "invalid source address NPI"},
    {0x50, "type de numéro du destinataire invalide", "invalid destination address TON"},
    {0x51, "plan de numérotation du destinataire invalide", "invalid destination address NPI"},
    {0x53, "type de système invalide", "invalid system_type"},
    {0x54, "indicateur de remplacement invalide", "invalid replace_if_present flag"},
    {0x55, "nombre de messages invalide", "invalid number of messages"},
    {0x58, "débit limité par l'opérateur", "throttled by the operator"},
    {0x61, "date d'envoi programmé invalide", "invalid scheduled delivery time"},
    {0x62, "durée de validité invalide", "invalid validity period"},
    {0x63, "message prédéfini introuvable", "predefined message not found"},
    {0x64, "erreur temporaire chez le destinataire", "receiver temporary application error"},
    {0x65, "erreur permanente chez le destinataire", "receiver permanent application error"},
    {0x66, "message rejeté par le destinataire", "receiver rejected the message"},
    {0x67, "échec de la consultation", "query failed"},
    {0xC0, "erreur dans les paramètres optionnels", "error in the optional parameters"},
    {0xC1, "paramètre optionnel non autorisé", "optional parameter not allowed"},
    {0xC2, "longueur de paramètre invalide", "invalid parameter length"},
    {0xC3, "paramètre optionnel manquant", "expected optional parameter missing"},
    {0xC4, "valeur de paramètre optionnel invalide", "invalid optional parameter value"},
    {0xFE, "échec de la remise", "delivery failure"},
    {0xFF, "erreur inconnue", "unknown error"},
};

static const code_words GSM_MAP[] = {
    {1, "numéro inconnu du réseau", "unknown subscriber"},
    {5, "abonné non identifié", "unidentified subscriber"},
    {6, "téléphone éteint ou hors couverture", "phone switched off or out of coverage"},
    {8, "itinérance non autorisée", "roaming not allowed"},
    {9, "abonné non autorisé sur le réseau", "illegal subscriber"},
    {10, "service non souscrit", "bearer service not provisioned"},
    {11, "SMS non souscrits par l'abonné", "SMS not provisioned for the subscriber"},
    {12, "téléphone non autorisé sur le réseau", "illegal equipment"},
    {13, "réception des SMS bloquée pour ce numéro", "SMS barred for this number"},
    {21, "service non pris en charge par le réseau", "facility not supported"},
    {27, "téléphone éteint ou hors couverture", "phone switched off or out of coverage"},
    {31, "abonné occupé", "subscriber busy"},
    {32, "échec de la remise au téléphone (mémoire pleine ou erreur du téléphone)",
     "delivery to the phone failed (memory full or phone error)"},
    {33, "file d'attente de l'abonné pleine", "message waiting list full"},
    {34, "panne du réseau", "network system failure"},
    {35, "données manquantes", "data missing"},
    {36, "données inattendues", "unexpected data value"},
};

/* SMPP 3.4 5.3.2.31, network types 1..8. */
static const char *const NETWORK[] = {"",      "ANSI-136", "IS-95", "GSM", "ANSI-136",
                                      "IS-95", "ANSI-41",  "SMPP",  "SMSC"};

static const char *lookup(const code_words *t, size_t n, unsigned code, const char *lang)
{
    int en = lang != NULL && strcmp(lang, "en") == 0;

    for (size_t i = 0; i < n; i++)
        if (t[i].code == code) return en ? t[i].en : t[i].fr;
    return NULL;
}

const char *dl_reason_smpp(uint32_t status, const char *lang)
{
    return lookup(SMPP, sizeof(SMPP) / sizeof(SMPP[0]), status, lang);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

const char *dl_reason_network(const char *hex, const char *lang, dl_net_error *out)
{
    unsigned v = 0;

    out->type_name = "";
    out->type = out->code = 0;
    if (hex == NULL || strlen(hex) != 6) return NULL;
    for (int i = 0; i < 6; i++) {
        int d = hex_digit(hex[i]);
        if (d < 0) return NULL;
        v = v << 4 | (unsigned)d;
    }
    out->type = v >> 16;
    out->code = v & 0xFFFF;
    out->type_name = out->type >= 1 && out->type <= 8 ? NETWORK[out->type] : "other";
    if (out->type == 3)
        return lookup(GSM_MAP, sizeof(GSM_MAP) / sizeof(GSM_MAP[0]), out->code, lang);
    if (out->type == 7) return dl_reason_smpp(out->code, lang);
    return NULL;
}
