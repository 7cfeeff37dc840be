#!/usr/bin/python3
"""Anti-spam in the real smsgw-ingress: recipient rate limits per account and per
sender (452 4.7.1 and a warning in the log), the daily SMS quotas per account and per
sender that the router enforces behind it (the whole submission refused 452 4.7.1 at
the end of DATA, LISTE lines included; router/rt_quota.c), and the rspamd content check over HTTP /checkv2 with per-account thresholds,
rspamd down accepted or refused 451 as configured.

rspamd itself is not started: Debian's rspamd package runs as a system service with
workers and a Redis dependency and takes seconds to start. A small HTTP server in this
test answers /checkv2 like rspamd does (a JSON object with a top-level "score"), records
the requests, and scores a message 20.0 when it contains "SPAMMY", else 1.0."""
import email.message
import email.policy
import http.server
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import free_port, run  # noqa: E402
from ingress_util import (RCPT, ingress_gateway, raw_session, router_count,  # noqa: E402
                          start_router_ingress, wait_router_count)

ACCOUNTS = ('{ name = "acme"; senders = [ "allow:@acme.test" ]; rate_limit = 3; }, '
            '{ name = "beta"; senders = [ "allow:@beta.test" ]; rspamd_threshold = 0.5; }, '
            '{ name = "gamma"; senders = [ "allow:@gamma.test" ]; daily_quota = 10; }')


def number(i):
    return "SMS=06010203%02d@sms.test" % i


def mail(sender, rcpts, body="Bonjour", liste=None):
    m = email.message.EmailMessage()
    m["From"] = sender
    m["To"] = ", ".join(rcpts)
    m["Subject"] = "antispam"
    m["Message-ID"] = "<%d@test>" % time.time_ns()
    m.set_content(body)
    if liste is not None:
        m.add_attachment(liste.encode(), maintype="text", subtype="plain", filename="LISTE.TXT")
    return m.as_bytes(policy=email.policy.SMTP)


def transaction(gw, sender, rcpts, msg=None, data=True):
    """One session: EHLO, MAIL, the RCPTs, then DATA unless data is False. Returns the
    replies after EHLO/MAIL (RCPT replies, then 354 and the end of DATA if sent)."""
    head = ("EHLO c.test\r\nMAIL FROM:<%s>\r\n" % sender
            + "".join("RCPT TO:<%s>\r\n" % r for r in rcpts)).encode()
    msg = msg or mail(sender, rcpts)
    data = data and b"DATA\r\n" + msg.replace(b"\r\n.", b"\r\n..") + b".\r\n"
    steps = [head, 0.3, data, b"QUIT\r\n"] if data else [head, b"QUIT\r\n"]
    replies, _ = raw_session(gw.ports["smtp"], steps, timeout=15)
    assert replies[:3] == ["220", "250", "250 2.1.0"], replies
    return replies[3:-1]


class FakeRspamd:
    def __init__(self):
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append((self.path, dict(self.headers.items()),
                                       self.headers.get_all("Rcpt"), body))
                score = 20.0 if b"SPAMMY" in body else 1.0
                out = json.dumps({"is_skipped": False, "symbols": {"X": {"score": 99.0}},
                                  "score": score, "required_score": 15.0,
                                  "action": "no action"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_rates_and_quotas():
    with ingress_gateway("rates", gw_args=dict(accounts=ACCOUNTS), sender_daily_quota=5) as gw:
        start_router_ingress(gw)
        # account acme: 3 recipients a minute
        got = transaction(gw, "a@acme.test", [number(i) for i in range(4)])
        assert got == ["250 2.1.5"] * 3 + ["452 4.7.1", "354", "250 2.0.0"], got
        assert transaction(gw, "b@acme.test", [number(9)], data=False) == ["452 4.7.1"]
        # sender ops@beta.test: 5 SMS a day (ingress.sender_daily_quota), counted by the
        # router: a submission that would go over is refused whole after DATA
        got = transaction(gw, "ops@beta.test", [number(i) for i in range(3)])
        assert got == ["250 2.1.5"] * 3 + ["354", "250 2.0.0"], got
        got = transaction(gw, "ops@beta.test", [number(i) for i in range(3, 6)])
        assert got == ["250 2.1.5"] * 3 + ["354", "452 4.7.1"], got
        got = transaction(gw, "ops@beta.test", [number(3), number(4)])  # exactly at 5
        assert got == ["250 2.1.5"] * 2 + ["354", "250 2.0.0"], got
        got = transaction(gw, "other@beta.test", [number(7)])  # another sender is not counted
        assert got == ["250 2.1.5", "354", "250 2.0.0"], got
        # account gamma: 10 a day over all its senders
        for i in range(3):
            got = transaction(gw, "g%d@gamma.test" % i, [number(j) for j in range(3)])
            assert got == ["250 2.1.5"] * 3 + ["354", "250 2.0.0"], got
        got = transaction(gw, "g3@gamma.test", [number(0), number(1)])
        assert got == ["250 2.1.5"] * 2 + ["354", "452 4.7.1"], got
        # a LISTE of 12 numbers counts 12: refused after DATA (sender quota 5)
        liste = "\r\n".join("06020304%02d" % i for i in range(12)) + "\r\n\r\n"
        got = transaction(gw, "x@beta.test", ["multi_sms@sms.test"],
                          mail("x@beta.test", ["multi_sms@sms.test"], liste=liste))
        assert got == ["250 2.1.5", "354", "452 4.7.1"], got
        assert wait_router_count(gw, 10) == 10  # the router decided (or refused) each one
        log = gw.procs["ingress"].text()
        line = "account acme over its rate limit (3/min): 1 recipient(s) refused"
        assert line in log, (line, log)
        log = gw.procs["router"].text()
        for line in ("sender ops@beta.test over its daily SMS quota (5/day, 3 used today): "
                     "3 SMS refused",
                     "account gamma over its daily SMS quota (10/day, 9 used today): 2 SMS",
                     "sender x@beta.test over its daily SMS quota (5/day, 0 used today): 12 SMS"):
            assert line in log, (line, log)


def test_rspamd_scores():
    fake = FakeRspamd()
    try:
        with ingress_gateway("rspamd", gw_args=dict(accounts=ACCOUNTS), rspamd_url=fake.url,
                             rspamd_threshold=10.0) as gw:
            start_router_ingress(gw)
            ok = transaction(gw, "a@acme.test", [RCPT])
            spam = transaction(gw, "a@acme.test", [RCPT],
                               mail("a@acme.test", [RCPT], body="SPAMMY offer"))
            strict = transaction(gw, "ops@beta.test", [RCPT])  # beta's threshold is 0.5
            assert ok == ["250 2.1.5", "354", "250 2.0.0"], ok
            assert spam == ["250 2.1.5", "354", "550 5.7.1"], spam
            assert strict == ["250 2.1.5", "354", "550 5.7.1"], strict
            assert wait_router_count(gw, 1) == 1
            assert len(fake.requests) == 3
            path, headers, rcpts, body = fake.requests[0]
            assert path == "/checkv2" and headers["IP"] == "127.0.0.1", headers
            assert headers["From"] == "a@acme.test" and rcpts == [RCPT], (headers, rcpts)
            assert body.startswith(b"From: a@acme.test"), body[:80]
            assert "refused as spam: rspamd score 20.00 over 10.00" in gw.procs["ingress"].text()
    finally:
        fake.close()


def test_rspamd_down():
    down = "http://127.0.0.1:%d" % free_port()
    for policy, want, subs in (("accept", "250 2.0.0", 1), ("tempfail", "451 4.7.1", 0)):
        with ingress_gateway("rspamd-" + policy, rspamd_url=down, rspamd_on_error=policy) as gw:
            start_router_ingress(gw)
            got = transaction(gw, "compta@acme.test", [RCPT])
            assert got == ["250 2.1.5", "354", want], (policy, got)
            assert wait_router_count(gw, subs) == subs
            assert "rspamd check of <compta@acme.test> failed" in gw.procs["ingress"].text()
            assert router_count(gw) == subs


if __name__ == "__main__":
    run([test_rates_and_quotas, test_rspamd_scores, test_rspamd_down])
