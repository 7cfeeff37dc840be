/* rt_liste: see rt_liste.h. */
#include "rt_liste.h"
#include "rt_charset.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct cm_wire_attachment *rt_liste_find(const cm_msg_submit *m)
{
    for (size_t i = 0; i < m->attachments_n; i++)
        if (strcasecmp(m->attachments[i].name, "LISTE.TXT") == 0) return &m->attachments[i];
    return NULL;
}

int rt_liste_each(const cm_bytes *data, int require_sms_prefix, rt_liste_line_cb cb, void *arg)
{
    char *text;
    size_t text_len;
    int rc = rt_charset_utf8(data, &text, &text_len);
    if (rc) return rc;
    unsigned lineno = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r') line[len - 1] = 0;
        lineno++;
        cm_recipient r;
        rc = cm_address_parse_list_line(line, require_sms_prefix, &r);
        if (rc != CM_ADDR_SKIP) cb(lineno, line, rc, &r, arg);
    }
    free(text);
    return 0;
}
