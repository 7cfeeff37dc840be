/* cm_sender_rules: see cm_sender_rules.h for the contract. */
#include "cm_sender_rules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DOMAIN_LABEL_MAX 63
#define ADDR_MAX 320 /* RFC 5321: 64 + '@' + 255 */

typedef enum rule_kind { RULE_DOMAIN = 1, RULE_ADDRESS } rule_kind;

typedef struct rule {
    rule_kind kind;
    cm_sender_verdict verdict;
    char *key; /* lower-case "user@dom" or "dom" */
} rule;

struct cm_sender_rules {
    rule *items;
    size_t count;
    size_t cap;
};

/* An address split and lower-cased, ready for matching. */
typedef struct sender {
    char addr[ADDR_MAX + 1];
    const char *domain; /* points into addr, after the '@' */
} sender;

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ci_prefix(const char *s, const char *lower_prefix)
{
    size_t i;

    for (i = 0; lower_prefix[i] != '\0'; i++) {
        if (ascii_lower(s[i]) != lower_prefix[i]) return 0;
    }
    return 1;
}

static int valid_domain(const char *d, size_t len)
{
    size_t i, label = 0;

    for (i = 0; i < len; i++) {
        if (d[i] == '.') {
            if (label == 0 || d[i - 1] == '-') return 0;
            label = 0;
        } else if (is_alnum(d[i]) || (d[i] == '-' && label > 0)) {
            if (++label > DOMAIN_LABEL_MAX) return 0;
        } else {
            return 0;
        }
    }
    return label > 0 && d[len - 1] != '-';
}

static int valid_local(const char *l, size_t len)
{
    size_t i;

    if (len == 0) return 0;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)l[i];

        if (c <= 0x20 || c >= 0x7F || c == '@') return 0;
    }
    return 1;
}

/* addr ("user@dom", len bytes) -> lower-case copy in s. Returns 0 or -EINVAL. */
static int sender_parse(const char *addr, size_t len, sender *s)
{
    const char *at = memchr(addr, '@', len);
    size_t i, llen;

    if (at == NULL || len > ADDR_MAX) return -EINVAL;
    llen = (size_t)(at - addr);
    if (!valid_local(addr, llen) || !valid_domain(at + 1, len - llen - 1)) return -EINVAL;
    for (i = 0; i < len; i++)
        s->addr[i] = ascii_lower(addr[i]);
    s->addr[len] = '\0';
    s->domain = s->addr + llen + 1;
    return 0;
}

int cm_sender_rules_create(cm_sender_rules **out)
{
    if (out == NULL) return -EINVAL;
    *out = calloc(1, sizeof(**out));
    return *out == NULL ? -ENOMEM : 0;
}

void cm_sender_rules_free(cm_sender_rules *rules)
{
    size_t i;

    if (rules == NULL) return;
    for (i = 0; i < rules->count; i++)
        free(rules->items[i].key);
    free(rules->items);
    free(rules);
}

size_t cm_sender_rules_count(const cm_sender_rules *rules)
{
    return rules == NULL ? 0 : rules->count;
}

static const rule *find(const cm_sender_rules *rules, rule_kind kind, const char *key)
{
    size_t i;

    for (i = 0; i < rules->count; i++) {
        if (rules->items[i].kind == kind && strcmp(rules->items[i].key, key) == 0)
            return &rules->items[i];
    }
    return NULL;
}

static int append(cm_sender_rules *rules, rule_kind kind, cm_sender_verdict verdict,
                  const char *key)
{
    const rule *old = find(rules, kind, key);
    size_t len = strlen(key);
    char *copy;

    if (old != NULL) return old->verdict == verdict ? 0 : -EEXIST;
    if (rules->count == rules->cap) {
        size_t cap = rules->cap ? rules->cap * 2 : 8;
        rule *items = realloc(rules->items, cap * sizeof(*items));

        if (items == NULL) return -ENOMEM;
        rules->items = items;
        rules->cap = cap;
    }
    if ((copy = malloc(len + 1)) == NULL) return -ENOMEM;
    memcpy(copy, key, len + 1);
    rules->items[rules->count++] = (rule){kind, verdict, copy};
    return 0;
}

/* Trims spaces and tabs: *s and *len describe the trimmed text. */
static void trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t'))
        (*s)++, (*len)--;
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

int cm_sender_rules_add(cm_sender_rules *rules, const char *text)
{
    cm_sender_verdict verdict;
    const char *t;
    size_t len, i;
    sender s;

    if (rules == NULL || text == NULL) return -EINVAL;
    t = text;
    len = strlen(text);
    trim(&t, &len);
    if (len >= 6 && ci_prefix(t, "allow:"))
        verdict = CM_SENDER_ALLOW, t += 6, len -= 6;
    else if (len >= 5 && ci_prefix(t, "deny:"))
        verdict = CM_SENDER_DENY, t += 5, len -= 5;
    else
        return -EINVAL;
    if (len > 0 && t[0] == '@')
        t++, len--;
    else if (memchr(t, '@', len) != NULL)
        return sender_parse(t, len, &s) < 0 ? -EINVAL
                                            : append(rules, RULE_ADDRESS, verdict, s.addr);
    if (verdict == CM_SENDER_DENY || len > ADDR_MAX || !valid_domain(t, len)) return -EINVAL;
    for (i = 0; i < len; i++)
        s.addr[i] = ascii_lower(t[i]);
    s.addr[len] = '\0';
    return append(rules, RULE_DOMAIN, verdict, s.addr);
}

/* Verdict of one set for a parsed sender; *level is 2 (address), 1 (domain) or 0. */
static cm_sender_verdict match_sender(const cm_sender_rules *rules, const sender *s, int *level)
{
    const rule *r;

    if ((r = find(rules, RULE_ADDRESS, s->addr)) != NULL) {
        *level = 2;
        return r->verdict;
    }
    if ((r = find(rules, RULE_DOMAIN, s->domain)) != NULL) {
        *level = 1;
        return r->verdict;
    }
    *level = 0;
    return CM_SENDER_NONE;
}

cm_sender_verdict cm_sender_rules_match(const cm_sender_rules *rules, const char *addr)
{
    sender s;
    int level;

    if (rules == NULL || addr == NULL || sender_parse(addr, strlen(addr), &s) < 0)
        return CM_SENDER_NONE;
    return match_sender(rules, &s, &level);
}

int cm_sender_rules_lookup(const cm_sender_account *accounts, size_t n, const char *addr,
                           size_t *index)
{
    size_t i, found = 0, best_i = 0;
    int best = 0, denied = 0;
    sender s;

    if ((accounts == NULL && n > 0) || addr == NULL || index == NULL ||
        sender_parse(addr, strlen(addr), &s) < 0)
        return -EINVAL;
    for (i = 0; i < n; i++) {
        int level;
        cm_sender_verdict v;

        if (accounts[i].rules == NULL) continue;
        v = match_sender(accounts[i].rules, &s, &level);
        if (level == 0 || level < best) continue;
        if (level > best) best = level, found = 0, denied = 0;
        if (v == CM_SENDER_DENY)
            denied = 1;
        else if (found++ == 0)
            best_i = i;
    }
    if (denied) return -EACCES;
    if (found > 1) return -ENOTUNIQ;
    if (found == 0) return -ENOENT;
    *index = best_i;
    return 0;
}
