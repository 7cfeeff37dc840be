/* cm_address: see cm_address.h for the contract. */
#include "cm_address.h"

#include <string.h>

#define DOMAIN_LABEL_MAX 63

/* A text slice: not NUL-terminated. */
typedef struct slice {
    const char *p;
    size_t len;
} slice;

static const char *const OTHER_MEDIA[] = {"FAX=", "VOCAL=", "EMAIL=", "COURRIER="};

static char ascii_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static int is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Does s start with the upper-case ASCII prefix, ignoring case? */
static int ci_prefix(const char *s, size_t len, const char *prefix)
{
    size_t i, n = strlen(prefix);

    if (len < n) return 0;
    for (i = 0; i < n; i++) {
        if (ascii_upper(s[i]) != prefix[i]) return 0;
    }
    return 1;
}

static int ci_equal(const char *s, size_t len, const char *upper)
{
    return strlen(upper) == len && ci_prefix(s, len, upper);
}

/* Length of the UTF-8 sequence at s (at most len bytes) if it is a valid character that
 * is neither a control character (C0, DEL, C1) nor '#'; 0 otherwise. */
static size_t value_char(const unsigned char *s, size_t len)
{
    unsigned cp;
    size_t n, i;

    if (s[0] < 0x80) return (s[0] < 0x20 || s[0] == 0x7F || s[0] == '#') ? 0 : 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        n = 2, cp = s[0] & 0x1Fu;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        n = 3, cp = s[0] & 0x0Fu;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        n = 4, cp = s[0] & 0x07u;
    else
        return 0;
    if (n > len) return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0u) != 0x80u) return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp <= 0x9F)
        return 0;
    return n;
}

static int check_name(slice name)
{
    size_t i;

    if (name.len == 0) return -EINVAL;
    for (i = 0; i < name.len; i++) {
        if (!is_alnum(name.p[i]) && name.p[i] != '_') return -EINVAL;
    }
    if (name.len > CM_FIELD_NAME_MAX) return -E2BIG;
    if (ci_equal(name.p, name.len, "SMS")) return -EINVAL;
    return 0;
}

static int check_value(slice value)
{
    size_t i = 0, n;

    while (i < value.len) {
        n = value_char((const unsigned char *)value.p + i, value.len - i);
        if (n == 0) return -EINVAL;
        i += n;
    }
    return value.len > CM_FIELD_VALUE_MAX ? -E2BIG : 0;
}

static int fields_add(cm_fields *f, slice name, slice value)
{
    cm_field *item;
    size_t i;
    int rc;

    if ((rc = check_name(name)) < 0 || (rc = check_value(value)) < 0) return rc;
    for (i = 0; i < f->count; i++) {
        if (ci_equal(name.p, name.len, f->items[i].name)) return -EEXIST;
    }
    if (f->count == CM_FIELDS_MAX) return -E2BIG;
    item = &f->items[f->count++];
    for (i = 0; i < name.len; i++)
        item->name[i] = ascii_upper(name.p[i]);
    item->name[name.len] = '\0';
    memcpy(item->value, value.p, value.len);
    item->value[value.len] = '\0';
    return 0;
}

void cm_fields_init(cm_fields *f)
{
    if (f != NULL) memset(f, 0, sizeof(*f));
}

int cm_fields_set(cm_fields *f, const char *name, const char *value)
{
    if (f == NULL || name == NULL || value == NULL || f->count > CM_FIELDS_MAX) return -EINVAL;
    return fields_add(f, (slice){name, strlen(name)}, (slice){value, strlen(value)});
}

const char *cm_fields_get(const cm_fields *f, const char *name)
{
    size_t i, len;

    if (f == NULL || name == NULL) return NULL;
    len = strlen(name);
    for (i = 0; i < f->count && i < CM_FIELDS_MAX; i++) {
        const char *stored = f->items[i].name;
        size_t j;

        if (strlen(stored) != len) continue;
        for (j = 0; j < len && ascii_upper(name[j]) == stored[j]; j++)
            ;
        if (j == len) return f->items[i].value;
    }
    return NULL;
}

/* "#F=v#G=w..." (s starts after the number, at a '#' or at the end). */
static int parse_fields(slice s, cm_fields *f)
{
    const char *end = s.p + s.len, *p = s.p;
    int rc;

    while (p < end) {
        const char *seg = p + 1, *q = seg, *eq = NULL;

        while (q < end && *q != '#') {
            if (*q == '=' && eq == NULL) eq = q;
            q++;
        }
        if (eq == NULL) return -EINVAL;
        rc = fields_add(f, (slice){seg, (size_t)(eq - seg)}, (slice){eq + 1, (size_t)(q - eq - 1)});
        if (rc < 0) return rc;
        p = q;
    }
    return 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* "<number>[#F=v]..." in s -> out. trim: spaces/tabs around the number are dropped. */
static int parse_recipient(slice s, int trim, cm_recipient *out)
{
    const char *hash = memchr(s.p, '#', s.len);
    slice num = {s.p, hash ? (size_t)(hash - s.p) : s.len};
    slice rest = {s.p + num.len, s.len - num.len};
    int rc;

    while (trim && num.len > 0 && is_blank(num.p[0]))
        num.p++, num.len--;
    while (trim && num.len > 0 && is_blank(num.p[num.len - 1]))
        num.len--;
    if (num.len > CM_ADDR_NUMBER_MAX) {
        out->number_rc = -EINVAL;
        return -E2BIG;
    }
    memcpy(out->raw_number, num.p, num.len);
    out->raw_number[num.len] = '\0';
    out->number_rc = cm_number_normalise(out->raw_number, out->e164, sizeof(out->e164));
    rc = parse_fields(rest, &out->fields);
    return rc < 0 ? rc : out->number_rc;
}

int cm_address_parse_local(const char *local, cm_address_mode *mode, cm_recipient *out)
{
    size_t len;

    if (local == NULL || mode == NULL || out == NULL) return -EINVAL;
    memset(out, 0, sizeof(*out));
    len = strlen(local);
    if (ci_equal(local, len, "MULTI")) {
        *mode = CM_ADDR_MULTI;
        return 0;
    }
    if (ci_equal(local, len, "MULTI_SMS")) {
        *mode = CM_ADDR_MULTI_SMS;
        return 0;
    }
    if (!ci_prefix(local, len, "SMS=")) return -EINVAL;
    *mode = CM_ADDR_SINGLE;
    return parse_recipient((slice){local + 4, len - 4}, 0, out);
}

int cm_address_parse_list_line(const char *line, int require_sms_prefix, cm_recipient *out)
{
    slice s;
    size_t i;

    if (line == NULL || out == NULL) return -EINVAL;
    memset(out, 0, sizeof(*out));
    s = (slice){line, strlen(line)};
    if (ci_prefix(s.p, s.len, "\xEF\xBB\xBF")) s.p += 3, s.len -= 3;
    while (s.len > 0 &&
           (is_blank(s.p[s.len - 1]) || s.p[s.len - 1] == '\r' || s.p[s.len - 1] == '\n'))
        s.len--;
    while (s.len > 0 && is_blank(s.p[0]))
        s.p++, s.len--;
    if (s.len == 0) return CM_ADDR_SKIP;
    if (ci_prefix(s.p, s.len, "SMS=")) return parse_recipient((slice){s.p + 4, s.len - 4}, 1, out);
    for (i = 0; i < sizeof(OTHER_MEDIA) / sizeof(OTHER_MEDIA[0]); i++) {
        if (ci_prefix(s.p, s.len, OTHER_MEDIA[i])) return CM_ADDR_EMEDIA;
    }
    if (require_sms_prefix) return -EINVAL;
    return parse_recipient(s, 1, out);
}

static int check_local(slice l)
{
    size_t i;

    if (l.len == 0 || l.p[0] == '.' || l.p[l.len - 1] == '.') return -EINVAL;
    for (i = 0; i < l.len; i++) {
        unsigned char c = (unsigned char)l.p[i];

        if (c <= 0x20 || c == 0x7F || strchr("()<>[]\\,;:\"%!@", c) != NULL) return -EINVAL;
        if (c == '.' && l.p[i + 1] == '.') return -EINVAL;
    }
    return 0;
}

static int check_domain(slice d)
{
    size_t i, label = 0;

    if (d.len == 0) return -EINVAL;
    for (i = 0; i < d.len; i++) {
        char c = d.p[i];

        if (c == '.') {
            if (label == 0 || d.p[i - 1] == '-') return -EINVAL;
            label = 0;
        } else if (is_alnum(c) || (c == '-' && label > 0)) {
            if (++label > DOMAIN_LABEL_MAX) return -EINVAL;
        } else {
            return -EINVAL;
        }
    }
    return (label == 0 || d.p[d.len - 1] == '-') ? -EINVAL : 0;
}

static int copy_out(slice s, char *dst, size_t cap)
{
    if (s.len + 1 > cap) return -ENOSPC;
    memcpy(dst, s.p, s.len);
    dst[s.len] = '\0';
    return 0;
}

int cm_address_split(const char *addr, char *local, size_t local_cap, char *domain,
                     size_t domain_cap)
{
    const char *at;
    slice l, d;
    int rc;

    if (local == NULL || domain == NULL) return -EINVAL;
    if (local_cap > 0) local[0] = '\0';
    if (domain_cap > 0) domain[0] = '\0';
    if (addr == NULL || (at = strchr(addr, '@')) == NULL) return -EINVAL;
    l = (slice){addr, (size_t)(at - addr)};
    d = (slice){at + 1, strlen(at + 1)};
    if ((rc = check_local(l)) < 0 || (rc = check_domain(d)) < 0) return rc;
    if ((rc = copy_out(l, local, local_cap)) < 0 || (rc = copy_out(d, domain, domain_cap)) < 0) {
        if (local_cap > 0) local[0] = '\0';
        return rc;
    }
    return 0;
}
