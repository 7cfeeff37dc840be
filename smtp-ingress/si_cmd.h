/* si_cmd: the SMTP command layer as pure functions (no sockets, no allocation).
 *
 * si_line_scan() finds the first command line in a buffer. Only <CRLF> ends a line
 * (RFC 5321 2.3.8); a bare LF, a bare CR or a NUL byte before it is an error, and so
 * is a line longer than SI_LINE_MAX octets (CRLF included, RFC 5321 4.5.3.1.4). A CR
 * at the very end of the buffer may still be followed by LF: SI_LINE_MORE.
 *
 * si_cmd_parse() turns one line (without its CRLF) into a verb, its argument and the
 * MAIL/RCPT parameters. Verbs are case-insensitive. MAIL FROM and RCPT TO accept an
 * optional space after the colon and a path with or without angle brackets; a source
 * route "<@a,@b:u@d>" is returned in `arg` as written with `source_route` set (MAIL
 * drops it, RCPT refuses it: that is policy, not syntax); a quoted local part is kept
 * with its quotes. MAIL parameters understood: SIZE=<digits>, BODY=7BIT|8BITMIME;
 * anything else, and any RCPT parameter, is SI_CMD_E_PARAM.
 *
 * Errors are values of enum si_cmd_err; the session maps each to its reply. */
#ifndef SI_CMD_H
#define SI_CMD_H

#include <stddef.h>
#include <stdint.h>

#define SI_LINE_MAX 512 /* octets of a command line, CRLF included */

enum si_line_rc {
    SI_LINE_OK,       /* *line_len bytes of command, *used includes the CRLF */
    SI_LINE_MORE,     /* no complete line yet (and nothing wrong so far) */
    SI_LINE_TOO_LONG, /* SI_LINE_MAX octets without CRLF */
    SI_LINE_BARE_LF,
    SI_LINE_BARE_CR,
    SI_LINE_NUL,
};

enum si_line_rc si_line_scan(const uint8_t *buf, size_t len, size_t *line_len, size_t *used);

enum si_verb {
    SI_VERB_NONE, /* parse failed */
    SI_VERB_HELO,
    SI_VERB_EHLO,
    SI_VERB_MAIL,
    SI_VERB_RCPT,
    SI_VERB_DATA,
    SI_VERB_RSET,
    SI_VERB_NOOP,
    SI_VERB_QUIT,
    SI_VERB_VRFY,
    SI_VERB_HELP,
    SI_VERB_STARTTLS,
    SI_VERB_AUTH,
};

enum si_cmd_err {
    SI_CMD_OK,
    SI_CMD_E_UNKNOWN, /* 502 5.5.1 */
    SI_CMD_E_SYNTAX,  /* 501 5.5.4: missing/extra argument, no "FROM:" */
    SI_CMD_E_PATH,    /* 501 5.1.7 (MAIL) / 5.1.3 (RCPT): bad path syntax */
    SI_CMD_E_PARAM,   /* 555 5.5.4: unsupported or malformed parameter */
};

typedef struct {
    enum si_verb verb;
    enum si_cmd_err err;
    char arg[SI_LINE_MAX]; /* HELO/EHLO domain, VRFY text, AUTH mechanism and initial
                              response, or the path without <> */
    int source_route;      /* the path started with "@...:" */
    long long size;        /* MAIL SIZE=, -1 if absent */
    int body_8bit;         /* MAIL BODY=8BITMIME */
} si_cmd;

/* Parses line[0..len) (no CRLF). Always fills *out; returns out->err. */
enum si_cmd_err si_cmd_parse(const char *line, size_t len, si_cmd *out);

const char *si_verb_name(enum si_verb v);

#endif
