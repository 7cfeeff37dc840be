/* cm_number: see cm_number.h for the contract. */
#include "cm_number.h"

#include <errno.h>
#include <string.h>

/* Longest digit string worth looking at: "00" + 15 digits, with margin. */
#define DIGITS_MAX 20
#define E164_DIGITS_MIN 8
#define E164_DIGITS_MAX 15
#define FR_NSN_LEN 9

/* French national ranges (first 3 digits of the 9-digit national significant number)
 * that belong to an overseas country code. */
static const struct overseas {
    const char prefix[4];
    const char cc[4];
} OVERSEAS[] = {
    {"639", "262"}, {"269", "262"},                                 /* Mayotte */
    {"692", "262"}, {"693", "262"}, {"262", "262"}, {"263", "262"}, /* Reunion */
    {"690", "590"}, {"691", "590"}, {"590", "590"},                 /* Guadeloupe */
    {"694", "594"}, {"594", "594"},                                 /* Guyane */
    {"696", "596"}, {"697", "596"}, {"596", "596"},                 /* Martinique */
};

static const struct zone {
    const char *prefix; /* E.164 with '+' */
    const char *tz;
} ZONES[] = {
    /* Longest prefixes first: the first match wins. */
    {"+262269", "Indian/Mayotte"},  {"+262639", "Indian/Mayotte"}, {"+262", "Indian/Reunion"},
    {"+590", "America/Guadeloupe"}, {"+594", "America/Cayenne"},   {"+596", "America/Martinique"},
    {"+33", "Europe/Paris"},
};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_separator(char c)
{
    return c == '.' || c == '-' || c == ' ';
}

/* Copies the digits of in to digits[DIGITS_MAX + 1], sets *plus if in starts with '+'.
 * Separators are allowed only between two digits. */
static int extract_digits(const char *in, char digits[DIGITS_MAX + 1], int *plus)
{
    size_t n = 0;
    const char *p = in;

    *plus = 0;
    if (*p == '+') {
        *plus = 1;
        p++;
    }
    for (; *p != '\0'; p++) {
        if (is_digit(*p)) {
            if (n == DIGITS_MAX) return -EINVAL;
            digits[n++] = *p;
        } else if (!is_separator(*p) || n == 0) {
            return -EINVAL;
        }
    }
    if (n == 0 || !is_digit(p[-1])) return -EINVAL;
    digits[n] = '\0';
    return 0;
}

static int emit(char *out, size_t cap, const char *cc, const char *rest)
{
    size_t lc = strlen(cc), lr = strlen(rest);

    if (1 + lc + lr + 1 > cap) return -ENOSPC;
    out[0] = '+';
    memcpy(out + 1, cc, lc);
    memcpy(out + 1 + lc, rest, lr + 1);
    return 0;
}

/* nsn: the 9 digits after +33 or after the national trunk '0'. */
static int french(const char *nsn, char *out, size_t cap)
{
    size_t i;

    if (strlen(nsn) != FR_NSN_LEN || nsn[0] == '0' || nsn[0] == '8') return -EINVAL;
    for (i = 0; i < sizeof(OVERSEAS) / sizeof(OVERSEAS[0]); i++) {
        if (strncmp(nsn, OVERSEAS[i].prefix, 3) == 0) return emit(out, cap, OVERSEAS[i].cc, nsn);
    }
    return emit(out, cap, "33", nsn);
}

/* intl: the digits after '+' or "00". */
static int international(const char *intl, char *out, size_t cap)
{
    size_t len = strlen(intl);

    if (len == 0 || intl[0] == '0') return -EINVAL;
    if (strncmp(intl, "33", 2) == 0) return french(intl + 2, out, cap);
    if (len < E164_DIGITS_MIN || len > E164_DIGITS_MAX) return -EINVAL;
    return emit(out, cap, "", intl);
}

int cm_number_normalise(const char *in, char *e164, size_t cap)
{
    char digits[DIGITS_MAX + 1];
    int plus, rc;

    if (e164 == NULL) return -EINVAL;
    if (cap > 0) e164[0] = '\0';
    if (in == NULL) return -EINVAL;
    rc = extract_digits(in, digits, &plus);
    if (rc < 0) return rc;
    if (plus)
        rc = international(digits, e164, cap);
    else if (digits[0] == '0' && digits[1] == '0')
        rc = international(digits + 2, e164, cap);
    else if (digits[0] == '0' && strlen(digits) == 1 + FR_NSN_LEN)
        rc = french(digits + 1, e164, cap);
    else
        rc = -EINVAL;
    if (rc < 0 && cap > 0) e164[0] = '\0';
    return rc;
}

int cm_number_smpp_digits(const char *e164, char *digits, size_t cap)
{
    size_t len, i;

    if (digits == NULL) return -EINVAL;
    if (cap > 0) digits[0] = '\0';
    if (e164 == NULL || e164[0] != '+') return -EINVAL;
    len = strlen(e164 + 1);
    if (len < E164_DIGITS_MIN || len > E164_DIGITS_MAX || e164[1] == '0') return -EINVAL;
    for (i = 1; i <= len; i++) {
        if (!is_digit(e164[i])) return -EINVAL;
    }
    if (len + 1 > cap) return -ENOSPC;
    memcpy(digits, e164 + 1, len + 1);
    return 0;
}

const char *cm_number_timezone(const char *e164)
{
    size_t i;

    if (e164 == NULL) return NULL;
    for (i = 0; i < sizeof(ZONES) / sizeof(ZONES[0]); i++) {
        if (strncmp(e164, ZONES[i].prefix, strlen(ZONES[i].prefix)) == 0) return ZONES[i].tz;
    }
    return NULL;
}
