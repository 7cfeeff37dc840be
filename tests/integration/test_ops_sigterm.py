#!/usr/bin/python3
"""SIGTERM during load loses nothing (issue 9): while three SMTP clients send emails
(each to its own number, each with its own Message-ID, retried like an MTA retries on
4xx), the router gets SIGTERM and is started again; then dlr, then the egress, the
same way. At the end every email that got a 250 has its SMS at the SMSC exactly once,
and every email has exactly one acceptance receipt ("accepted"), plus at most one
"duplicate" receipt when a retry followed a lost 250."""
import collections
import os
import smtplib
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import gateway, run, wait_until  # noqa: E402

EMAILS_PER_CLIENT = 25


def client(gw, cid, accepted, errors):
    for i in range(EMAILS_PER_CLIENT):
        number = "06%02d%06d" % (cid, i)
        for _ in range(60):  # an MTA's retries, compressed
            try:
                code, text = gw.send("compta@acme.test", ["SMS=%s@sms.test" % number],
                                     "load %d-%d" % (cid, i), "Message %d-%d" % (cid, i),
                                     msgid="<load-%d-%d@acme.test>" % (cid, i))
            except (OSError, smtplib.SMTPException):
                code, text = 0, "connection"
            if code == 250:
                accepted[number] = text
                break
            time.sleep(0.2)
        else:
            errors.append(number)


def test_sigterm_during_load_loses_nothing():
    with gateway("sigterm", smsc_args=["--dlr-delay", "0.2"], router_timeout_ms=2000) as gw:
        gw.start_all()
        accepted, errors = {}, []
        threads = [threading.Thread(target=client, args=(gw, c, accepted, errors))
                   for c in range(3)]
        for t in threads:
            t.start()
        for name in ("router", "dlr", "egress"):
            time.sleep(1.0)
            gw.procs[name].stop()  # SIGTERM, waits for the exit
            assert gw.procs[name].p.returncode == 0, (name, gw.procs[name].p.returncode)
            time.sleep(0.3)
            gw.start(name)
        for t in threads:
            t.join(120)
        assert not errors, "never accepted: %r" % errors
        assert len(accepted) == 3 * EMAILS_PER_CLIENT
        wait_until(lambda: len({s["destination_addr"] for s in gw.submits()}) == len(accepted),
                   60, "every SMS at the SMSC")
        per_number = collections.Counter(s["destination_addr"] for s in gw.submits())
        assert max(per_number.values()) == 1, [n for n, c in per_number.items() if c > 1]
        def receipts_done():
            statuses = collections.Counter(m["X-SMSGW-Status"] for m in gw.mails())
            return statuses["accepted"] == len(accepted) and statuses["delivered"] == len(accepted)
        wait_until(receipts_done, 60, "one acceptance and one final receipt per email")
        statuses = collections.Counter(m["X-SMSGW-Status"] for m in gw.mails())
        assert set(statuses) <= {"accepted", "delivered", "duplicate"}, statuses


if __name__ == "__main__":
    run([test_sigterm_during_load_loses_nothing])
