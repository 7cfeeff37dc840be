#!/usr/bin/python3
"""smsgw-ingress's metrics and log lines after a few real SMTP sessions (raw sockets):
every reply code the clients received (and the 220 of the harness's readiness probe)
is counted in smsgw_smtp_replies_total exactly as many times, no other code is; sessions by listener, the session held open seen in
smsgw_smtp_sessions_active and by `smsgwctl status`; the submissions committed by the
router and the one it could not answer (router stopped: 451 after router_timeout_ms),
and the router wait quantiles between them. In the log, the lines about a submission
carry its submit id, and the router's answer its submission number (the one the router
logged)."""
import collections
import os
import re
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, free_port, run, wait_until  # noqa: E402
from ingress_util import (RCPT, SENDER, ingress_gateway, message, metric,  # noqa: E402
                          raw_session, start_router_ingress, wait_router_count)

CTL = os.path.join(BUILD, "tools", "smsgwctl")
EHLO = b"EHLO client.acme.test\r\n"
MAIL = ("MAIL FROM:<%s>\r\n" % SENDER).encode()
ENV = EHLO + MAIL + ("RCPT TO:<%s>\r\n" % RCPT).encode()
QUIT = b"QUIT\r\n"
# (steps, replies expected)
SESSIONS = [
    ([ENV, b"DATA\r\n", message(), QUIT],
     ["220", "250", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0", "221 2.0.0"]),
    ([EHLO + b"MAIL FROM:<nobody@evil.test>\r\n" + MAIL + b"RCPT TO:<a@elsewhere.test>\r\n"
      b"RSET\r\n" + QUIT],
     ["220", "250", "550 5.7.1", "250 2.1.0", "550 5.7.1", "250 2.0.0", "221 2.0.0"]),
    ([b"HELO x\r\nNOOP\r\nVRFY x\r\nHELP\r\nFOO\r\nDATA\r\n" + QUIT],
     ["220", "250", "250 2.0.0", "252 2.5.0", "214 2.0.0", "502 5.5.1", "503 5.5.1",
      "221 2.0.0"]),
]
TIMED_OUT = ([ENV, b"DATA\r\n", message(), QUIT],
             ["220", "250", "250 2.1.0", "250 2.1.5", "354", "451 4.3.0", "221 2.0.0"])


def session(port, steps, want, seen):
    replies, closed = raw_session(port, steps)
    assert replies == want and closed, (replies, want, closed)
    seen.update(r.split()[0] for r in replies)


def held_session(gw, mport, seen):
    """One session open while smsgw_smtp_sessions_active and smsgwctl status are read."""
    s = socket.create_connection(("127.0.0.1", gw.ports["smtp"]), timeout=10)
    assert s.recv(512).startswith(b"220 ")
    wait_until(lambda: metric(mport, "smsgw_smtp_sessions_active") == {"": 1}, 5,
               "one active session")
    p = subprocess.run([CTL, "-c", gw.config, "status"], capture_output=True, text=True,
                       timeout=30)
    assert re.search(r"smsgw-ingress .*sessions 1\b", p.stdout), p.stdout + p.stderr
    s.sendall(QUIT)
    assert s.recv(512) == b"221 2.0.0 bye\r\n"
    s.close()
    seen.update(["220", "221"])


def check_log(gw):
    """The committed submission: id on the line sent to the router and on the answer,
    with the number the router gave; the timed-out one: id on the router's time-out."""
    log = gw.procs["ingress"].text()
    ids = re.findall(r"s\d+: ([0-9a-f]{32}) from <%s> to 1 recipient" % SENDER, log)
    assert len(ids) == 2, log
    m = re.search(r"s\d+: %s from <%s>, submission (\S+): 250 2.0.0 " % (ids[0], SENDER), log)
    assert m, log
    assert "submission %s from <%s>" % (m.group(1), SENDER) in gw.procs["router"].text()
    assert re.search(r"s\d+: [0-9a-f]{32}: refused recipient <a@elsewhere.test>", log), log
    assert "router did not acknowledge sub:%s in time" % ids[1] in log, log
    assert re.search(r"s\d+: %s from <%s>: 451 4.3.0 " % (ids[1], SENDER), log), log


def test_metrics_after_sessions():
    mport = free_port()
    with ingress_gateway("ingress-metrics", gw_args=dict(router_timeout_ms=1000),
                         metrics_listen="127.0.0.1:%d" % mport) as gw:
        start_router_ingress(gw)
        # the harness's readiness probe was a session too (it got its 220): counted
        wait_until(lambda: metric(mport, "smsgw_smtp_sessions_total")["smtp"] >= 1
                   and metric(mport, "smsgw_smtp_sessions_active") == {"": 0}, 5, "the probe")
        probes = metric(mport, "smsgw_smtp_sessions_total")["smtp"]
        seen = collections.Counter(metric(mport, "smsgw_smtp_replies_total"))
        assert dict(seen) == {"220": probes}, seen
        for steps, want in SESSIONS:
            session(gw.ports["smtp"], steps, want, seen)
        assert wait_router_count(gw, 1, settle=0.1) == 1
        held_session(gw, mport, seen)
        gw.procs["router"].stop()
        session(gw.ports["smtp"], TIMED_OUT[0], TIMED_OUT[1], seen)
        wait_until(lambda: metric(mport, "smsgw_smtp_sessions_active") == {"": 0}, 5,
                   "no active session")
        assert metric(mport, "smsgw_smtp_replies_total") == dict(seen), seen
        assert metric(mport, "smsgw_smtp_sessions_total") == {"smtp": probes + 5,
                                                              "submission": 0}
        assert metric(mport, "smsgw_ingress_submissions_total") == {
            "committed": 1, "refused": 0, "router_timeout": 1}
        wait = metric(mport, "smsgw_ingress_router_wait_seconds")
        assert 0 < wait["0.5"] < 0.9 <= wait["0.99"] < 3.0, wait  # 1 s time-out (ms timers)
        assert metric(mport, "smsgw_ingress_tls_sessions_total") == {"": 0}
        assert metric(mport, "smsgw_ingress_auth_total") == {"ok": 0, "failed": 0,
                                                             "tempfail": 0}
        assert metric(mport, "smsgw_ingress_refusals_total") == {}
        check_log(gw)


if __name__ == "__main__":
    run([test_metrics_after_sessions])
