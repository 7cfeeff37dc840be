#!/usr/bin/python3
"""The receipts outbox against a failing smarthost, on the real processes: the mail sink
(aiosmtpd) answers 451 for a while, then is stopped (connection refused), then a normal
sink comes back on the same port (dlr is killed -9 and restarted meanwhile): every receipt arrives exactly once, in order per
customer. A permanent 5xx is logged, counted, moved to `dead` and never retried."""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import gateway, run, wait_until  # noqa: E402

SENDERS = ["compta@acme.test", "compta@acme.test", "compta@acme.test", "rh@acme.test"]


def submission_of(reply):
    m = re.search(r"submission (\d+)", reply)
    assert m, "no submission number in %r" % reply
    return m.group(1)


def entries(gw, db):
    """Entries of a dlr.mdb sub-database, read with lmdb-utils' mdb_stat."""
    out = subprocess.run(["mdb_stat", "-s", db, os.path.join(gw.dir, "state", "dlr")],
                         capture_output=True, text=True, timeout=20)
    assert out.returncode == 0, out.stderr
    return int(re.search(r"Entries: (\d+)", out.stdout).group(1))


def start_gateway(gw, sink_args):
    gw.start_smsc()
    gw.start_sink(sink_args)
    for name in ("router", "dlr", "egress", "ingress"):
        gw.start(name)


def dlr_log(gw):
    return gw.procs["dlr"].text()


def test_smarthost_failing_then_back():
    with gateway("smarthost-back", smsc_args=["--dlr-delay", "0.2"]) as gw:
        start_gateway(gw, ["--reply-code", "451"])
        subs = []
        for i, sender in enumerate(SENDERS):
            code, text = gw.send(sender, ["SMS=06010203%02d@sms.test" % i], "s%d" % i, "Bonjour")
            assert code == 250, (code, text)
            subs.append(submission_of(text))
        wait_until(lambda: dlr_log(gw).count("final receipt for") == 4, 30, "4 final receipts queued")
        wait_until(lambda: dlr_log(gw).count("(SMTP 451)") >= 4, 20, "451 answers")
        gw.procs["sink"].stop()  # smarthost down: connection refused
        n = dlr_log(gw).count("(SMTP 0)")
        wait_until(lambda: dlr_log(gw).count("(SMTP 0)") > n, 20, "refused connections")
        assert gw.mails() == []
        first = gw.procs["dlr"]
        gw.kill9("dlr")  # and dlr dies meanwhile: its outbox is on disk
        gw.start("dlr")
        gw.start_sink()  # back, on the same port
        for sub in subs:
            wait_until(lambda: len(gw.receipts(sub)) == 2, 30, "both receipts of %s" % sub)
        wait_until(lambda: entries(gw, "outbox") == 0, 10, "an empty outbox")
        time.sleep(1.5)  # nothing more comes
        mails = gw.mails()
        assert len(mails) == 8, [(m["X-SMSGW-Submission"], m["X-SMSGW-Status"]) for m in mails]
        for sub in subs:  # acceptance first, then the final receipt
            assert [m["X-SMSGW-Status"] for m in mails if m["X-SMSGW-Submission"] == sub] == \
                ["accepted", "delivered"], sub
        assert entries(gw, "dead") == 0
        assert "refused for good" not in dlr_log(gw) + first.text()
        assert entries(gw, "outbox_due") == 0 and entries(gw, "outbox_rcpt") == 0


def test_smarthost_permanent_refusal():
    with gateway("smarthost-5xx", smsc_args=["--dlr-delay", "0.2"]) as gw:
        start_gateway(gw, ["--reply-code", "550"])
        code, text = gw.send("compta@acme.test", ["SMS=0601020304@sms.test"], "x", "Bonjour")
        assert code == 250, (code, text)
        sub = submission_of(text)
        wait_until(lambda: dlr_log(gw).count("refused for good") == 2, 30, "both receipts refused")
        log = dlr_log(gw)
        assert re.search(r"acceptance receipt of %s to compta@acme.test refused for good by the "
                         r"smarthost: .*\(SMTP 550\) \(moved to dead; 1 since start\)" % sub, log), log
        assert "(moved to dead; 2 since start)" in log, log
        assert "(SMTP 550); try" not in log, log  # never deferred
        # the log line comes when the refusal is decided, the store has it after the commit
        wait_until(lambda: entries(gw, "dead") == 2 and entries(gw, "outbox") == 0, 10,
                   "both mails in dead, none left in the outbox")
        gw.start_sink()  # a working smarthost now: dead mails stay dead
        time.sleep(2.5)
        assert gw.mails() == [] and dlr_log(gw).count("refused for good") == 2


if __name__ == "__main__":
    run([test_smarthost_failing_then_back, test_smarthost_permanent_refusal])
