#!/usr/bin/python3
"""Hostile and malformed SMTP sessions against the real smsgw-ingress and router, over
raw sockets. Each row of TABLE: the bytes sent (possibly split across writes, and
paced), the exact replies expected ("code enhanced"), whether the server closes, and how
many submissions reached the router (0 or 1 — 2 for the one row that pipelines two
legitimate messages — counted in the router's log). Limits are
set small in the config so that each one is hit quickly; the session limits (in total,
per client address) are checked separately from several loopback addresses."""
import os
import re
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import free_port, run, wait_until  # noqa: E402
from ingress_util import (RCPT, SENDER, ingress_gateway, message, raw_session,  # noqa: E402
                          router_count, start_router_ingress, wait_router_count)

LIMITS = dict(max_recipients=3, max_message_size=20000, greet_wait_ms=100,
              command_timeout_ms=1500, data_timeout_ms=2500, min_data_rate=500,
              soft_error_limit=5, hard_error_limit=8, error_delay_ms=100,
              junk_command_limit=3, max_header_size=2000, mime_max_depth=5,
              mime_max_parts=20, max_sessions=4, max_sessions_per_ip=3)

EHLO = b"EHLO client.acme.test\r\n"
MAIL = ("MAIL FROM:<%s>\r\n" % SENDER).encode()
RCPT_OK = ("RCPT TO:<%s>\r\n" % RCPT).encode()
ENV = EHLO + MAIL + RCPT_OK  # pipelined: replies 250 250 250
OK3 = ["250", "250 2.1.0", "250 2.1.5"]
QUIT = b"QUIT\r\n"
BYE = ["221 2.0.0"]


def mime_message(depth=0, parts=0):
    """A message whose top-level header opens `depth` nested multiparts (or one multipart
    of `parts` text parts)."""
    top = "From: %s\r\nTo: %s\r\nSubject: t\r\nMessage-ID: <m%d@acme.test>\r\n" % (
        SENDER, RCPT, time.time_ns())
    if parts:
        body = "".join("--p\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i
                       for i in range(parts))
        return (top + "Content-Type: multipart/mixed; boundary=p\r\n\r\n" + body
                + "--p--\r\n.\r\n").encode()
    out = top
    for i in range(depth):
        out += "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
    out += "Content-Type: text/plain\r\n\r\nhi\r\n"
    for i in reversed(range(depth)):
        out += "--b%d--\r\n" % i
    return (out + ".\r\n").encode()


def split(data, size):
    return [data[i:i + size] for i in range(0, len(data), size)]


def slow(data, pause):
    out = []
    for b in data:
        out += [bytes([b]), pause]
    return out


HUGE = message(body="x" * 998 + "\r\n" + ("y" * 998 + "\r\n") * 25)  # > 20000 octets
BIG_HEADER = message(headers="X-Big: " + "z" * 990 + "\r\nX-Big2: " + "z" * 990 + "\r\n")

# (name, steps, expected replies after the greeting, server closes, submissions)
TABLE = [
    ("baseline", [ENV + b"DATA\r\n", message(), QUIT], OK3 + ["354", "250 2.0.0"] + BYE, 1),
    ("baseline split in 1-byte writes", split(ENV + b"DATA\r\n" + message() + QUIT, 1),
     OK3 + ["354", "250 2.0.0"] + BYE, 1),
    # never an open relay
    ("relay: other domain", [EHLO, MAIL, b"RCPT TO:<x@other.test>\r\n", QUIT],
     ["250", "250 2.1.0", "550 5.7.1"] + BYE, 0),
    ("relay: percent hack", [EHLO, MAIL, b"RCPT TO:<u%other.test@sms.test>\r\n", QUIT],
     ["250", "250 2.1.0", "550 5.7.1"] + BYE, 0),
    ("relay: source route", [EHLO, MAIL, b"RCPT TO:<@sms.test:u@other.test>\r\n", QUIT],
     ["250", "250 2.1.0", "550 5.7.1"] + BYE, 0),
    ("relay: quoted local part", [EHLO, MAIL, b"RCPT TO:<\"u@other.test\"@sms.test>\r\n", QUIT],
     ["250", "250 2.1.0", "550 5.7.1"] + BYE, 0),
    ("relay: two @", [EHLO, MAIL, b"RCPT TO:<u@other.test@sms.test>\r\n", QUIT],
     ["250", "250 2.1.0", "550 5.7.1"] + BYE, 0),
    # limits
    ("SIZE= over the limit", [EHLO, ("MAIL FROM:<%s> SIZE=20001\r\n" % SENDER).encode(), QUIT],
     ["250", "552 5.3.4"] + BYE, 0),
    ("SIZE= at the limit", [EHLO, ("MAIL FROM:<%s> SIZE=20000\r\n" % SENDER).encode(), QUIT],
     ["250", "250 2.1.0"] + BYE, 0),
    ("recipients per message", [ENV + b"RCPT TO:<SMS=0601020305@sms.test>\r\n"
                                b"RCPT TO:<SMS=0601020306@sms.test>\r\n"
                                b"RCPT TO:<SMS=0601020307@sms.test>\r\n", QUIT],
     OK3 + ["250 2.1.5", "250 2.1.5", "452 4.5.3"] + BYE, 0),
    ("message too large", [ENV + b"DATA\r\n", HUGE, QUIT], OK3 + ["354", "552 5.3.4"] + BYE, 0),
    ("header section too large", [ENV + b"DATA\r\n", BIG_HEADER, QUIT],
     OK3 + ["354", "552 5.3.4"] + BYE, 0),
    ("MIME nesting at the limit", [ENV + b"DATA\r\n", mime_message(depth=5), QUIT],
     OK3 + ["354", "250 2.0.0"] + BYE, 1),
    ("MIME nesting too deep", [ENV + b"DATA\r\n", mime_message(depth=6), QUIT],
     OK3 + ["354", "554 5.6.0"] + BYE, 0),
    ("MIME nesting bomb", [ENV + b"DATA\r\n", mime_message(depth=300), QUIT],
     OK3 + ["354", "554 5.6.0"] + BYE, 0),
    ("MIME parts over the limit", [ENV + b"DATA\r\n", mime_message(parts=20), QUIT],
     OK3 + ["354", "554 5.6.0"] + BYE, 0),
    ("commands before the greeting", [EHLO], ["554 5.5.1"], 0),
    ("command deadline (partial line)", [EHLO, b"MAIL FR", 2.2], ["250", "421 4.4.2"], 0),
    ("slowloris in DATA", [ENV + b"DATA\r\n"] + slow(b"Subject: x\r\n\r\nhello hello", 0.1),
     OK3 + ["354", "421 4.4.2"], 0),
    ("hard error limit", [b"FOO\r\n" * 8], ["502 5.5.1"] * 8 + ["421 4.7.0"], 0),
    ("junk commands count as errors", [b"NOOP\r\n" * 12],
     ["250 2.0.0"] * 11 + ["421 4.7.0"], 0),
    ("errors before a delivery", [b"FOO\r\n" * 6 + ENV + b"DATA\r\n", message(), QUIT],
     ["502 5.5.1"] * 6 + OK3 + ["354", "250 2.0.0"] + BYE, 1),
    # SMTP smuggling: never a second message, connection dropped
    ("smuggling \\n.\\n", [ENV + b"DATA\r\n", b"Subject: a\r\n\r\nx\n.\nMAIL FROM:<a@b>\r\n"],
     OK3 + ["354", "550 5.5.2"], 0),
    ("smuggling \\r\\n.\\n split", [ENV + b"DATA\r\n", b"Subject: a\r\n\r\nx\r\n.", b"\n",
                                    b"MAIL FROM:<a@b>\r\n"], OK3 + ["354", "550 5.5.2"], 0),
    ("smuggling \\r\\n\\x00.\\r\\n", [ENV + b"DATA\r\n", b"Subject: a\r\n\r\nx\r\n\x00.\r\n"
                                       b"QUIT\r\n.\r\n", QUIT],
     OK3 + ["354", "550 5.6.0"] + BYE, 0),
    ("smuggling \\r.\\r", [ENV + b"DATA\r\n", b"Subject: a\r\n\r\nx\r.\rMAIL FROM:<a@b>\r\n"],
     OK3 + ["354", "550 5.5.2"], 0),
    ("smuggling \\n.\\r\\n split", [ENV + b"DATA\r\n", b"Subject: a\r\n\r\nx", b"\n", b".",
                                      b"\r\nRSET\r\n"], OK3 + ["354", "550 5.5.2"], 0),
    ("smuggling \\r.\\r\\n", [ENV + b"DATA\r\n", b"Subject: a\r\n\r\nx\r.\r\nRSET\r\n"],
     OK3 + ["354", "550 5.5.2"], 0),
    ("pipelined second message is a second message", [
        ENV + b"DATA\r\n", message() + ("MAIL FROM:<%s>\r\n" % SENDER).encode() + RCPT_OK
        + b"DATA\r\n", message(), QUIT],
     OK3 + ["354", "250 2.0.0", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0"] + BYE, 2),
    ("bare LF in a command", [b"EHLO x\n"], ["500 5.5.2"], 0),
    ("NUL in a command", [b"EHLO \x00x\r\n"], ["500 5.5.2"], 0),
]


def run_row(gw, row):
    name, steps, expected, subs = row
    before = router_count(gw)
    pregreet = name == "commands before the greeting"
    replies, closed = raw_session(gw.ports["smtp"], steps, greet=not pregreet, timeout=12)
    if not pregreet:
        assert replies[:1] == ["220"], (name, replies)
        replies = replies[1:]
    assert replies == expected, "%s: got %r, expected %r" % (name, replies, expected)
    assert closed, "%s: the server did not close" % name
    got = wait_router_count(gw, before + subs) - before
    assert got == subs, "%s: %d submission(s) at the router, expected %d" % (name, got, subs)


def refusals(port):
    """smsgw_ingress_refusals_total by reason, from the ingress's /metrics."""
    text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5).read()
    return {m.group(1): float(m.group(2)) for m in re.finditer(
        r'smsgw_ingress_refusals_total\{reason="([a-z_]+)"\} ([0-9.]+)', text.decode())}


def test_hostile_table():
    mport = free_port()
    with ingress_gateway("hostile", metrics_listen="127.0.0.1:%d" % mport, **LIMITS) as gw:
        start_router_ingress(gw)
        failures = []
        for row in TABLE:
            try:
                run_row(gw, row)
            except AssertionError as e:
                failures.append(str(e))
        assert not failures, "\n".join(failures)
        got = refusals(mport)
        want = {"pregreet": 1, "mime_depth": 2, "mime_parts": 1, "header_size": 1,
                "hard_error_limit": 2, "data_timeout": 1}
        assert got == want, got


def test_session_limits():
    """3 sessions per address, 4 in all: the 4th from 127.0.0.1 and the 5th overall get
    421 4.7.0 at once; a freed slot is usable again."""
    import socket
    with ingress_gateway("sessions", **LIMITS) as gw:
        start_router_ingress(gw)
        port = gw.ports["smtp"]
        held = []

        def connect(src):
            """The start of the first reply; accepted sessions are kept open."""
            s = socket.socket()
            s.bind((src, 0))
            s.settimeout(5)
            s.connect(("127.0.0.1", port))
            line = s.recv(512)[:9].decode()
            if line.startswith("220"):
                held.append(s)
            else:
                s.close()
            return line

        got = [connect("127.0.0.1") for _ in range(4)]
        assert got == ["220 sms.t"] * 3 + ["421 4.7.0"], got
        # a refused session counts until the server has closed it: retry briefly
        wait_until(lambda: connect("127.0.0.2") == "220 sms.t", 5, "a 4th session")
        assert connect("127.0.0.3") == "421 4.7.0"  # 4 open: over the total
        held[0].close()  # frees a slot once the server noticed
        wait_until(lambda: connect("127.0.0.3") == "220 sms.t", 5, "a free slot")
        for s in held:
            s.close()


if __name__ == "__main__":
    run([test_hostile_table, test_session_limits])
