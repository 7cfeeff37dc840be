#!/usr/bin/python3
"""smsgwctl against a running gateway (real processes, Net::SMPP SMSC, aiosmtpd sink):
show, search by REFCLIENT / subject / number, the monthly billing CSV and status, all
read from the stores while the processes run, with their exit codes."""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, gateway, run, wait_until  # noqa: E402

CTL = os.path.join(BUILD, "tools", "smsgwctl")


def ctl(gw, *args):
    p = subprocess.run([CTL, "-c", gw.config] + list(args), capture_output=True, text=True,
                       timeout=30)
    return p.returncode, p.stdout, p.stderr


def submission_of(reply):
    m = re.search(r"submission (\d+)", reply)
    assert m, "no submission number in %r" % reply
    return m.group(1)


def send(gw, rcpts, subject):
    code, text = gw.send("compta@acme.test", rcpts, subject, "Bonjour")
    assert code == 250, (code, text)
    return submission_of(text)


def finals(gw, sub):
    return gw.receipts(sub, "delivered") + gw.receipts(sub, "undelivered") + \
        gw.receipts(sub, "partial")


def test_show_search_billing_status():
    with gateway("ctl", smsc_args=["--dlr-delay", "0.2", "--fail-prefix", "3370"]) as gw:
        gw.start_all()
        a = send(gw, ["SMS=0601020304#REFCLIENT=R-17#FACTURATION=F1@sms.test"], "Rappel facture")
        b = send(gw, ["SMS=0601020305#FACTURATION=F1@sms.test",
                      "SMS=0701020306#FACTURATION=F2@sms.test"], "Promo de mars")
        c = send(gw, ["SMS=0601020307@sms.test"], "Sans code")
        for sub in (a, b, c):
            wait_until(lambda: finals(gw, sub), 30, "final receipt of %s" % sub)

        rc, out, err = ctl(gw, "show", a)
        assert rc == 0, (rc, out, err)
        assert re.search(r"^submission: %s$" % a, out, re.M), out
        assert "subject:    Rappel facture" in out and "account:    acme" in out, out
        assert "status:     1/1 delivered" in out, out
        assert re.search(r"^  \+33601020304 +delivered +1 ", out, re.M), out
        assert "REFCLIENT=R-17 FACTURATION=F1" in out, out
        rc, out, _ = ctl(gw, "show", b)
        assert "status:     1/2 delivered, 1 undelivered" in out, out
        assert re.search(r"^  \+33701020306 +undelivered ", out, re.M), out

        rc, out, _ = ctl(gw, "search", "--refclient", "R-17")
        assert rc == 0 and [l.split()[0] for l in out.splitlines()[1:]] == [a], out
        rc, out, _ = ctl(gw, "search", "--subject", "PROMO")
        assert rc == 0 and [l.split()[0] for l in out.splitlines()[1:]] == [b], out
        rc, out, _ = ctl(gw, "search", "--number", "07 01 02 03 06")
        assert rc == 0 and [l.split()[0] for l in out.splitlines()[1:]] == [b], out
        rc, out, _ = ctl(gw, "search", "--subject", "facture", "--number", "0601020305")
        assert rc == 1 and out == "", (rc, out)
        assert ctl(gw, "search")[0] == 2
        rc, out, err = ctl(gw, "show", "999999")
        assert rc == 1 and "not found" in err, (rc, err)

        month = time.strftime("%Y-%m", time.localtime())
        rc, out, err = ctl(gw, "billing", "--month", month)
        assert rc == 0, (rc, err)
        assert out == ("account,FACTURATION,messages,parts,delivered\n"
                       "acme,,1,1,1\n"
                       "acme,F1,2,2,2\n"
                       "acme,F2,1,1,0\n"), out
        rc, out, _ = ctl(gw, "billing", "--month", "2001-01")
        assert rc == 0 and out == "account,FACTURATION,messages,parts,delivered\n", out
        for bad in ("2026-13", "2026-1", "202601", "2026-011"):
            assert ctl(gw, "billing", "--month", bad)[0] == 2, bad

        rc, out, err = ctl(gw, "status")
        assert rc == 0, (rc, out, err)
        assert re.search(r"^smsgw-router +- +\? ", out, re.M), out
        assert re.search(r"^  TOTAL +0 +0 ", out, re.M), out
        assert "submissions: 3, events waiting for dlr: 0" in out, out
        assert "submissions awaiting receipts: 0" in out, out
        assert ctl(gw, "bogus")[0] == 2


def test_status_shows_a_queue_then_drains():
    """With the SMSC not started, the jobs wait in the router's queue: status shows them
    under the operator; once the SMSC is up they drain to zero."""
    with gateway("ctlq") as gw:
        gw.start_sink()
        for name in ("router", "dlr", "egress", "ingress"):
            gw.start(name)
        subs = [send(gw, ["SMS=060102030%d@sms.test" % i], "file %d" % i) for i in range(3)]

        def jobs():
            out = ctl(gw, "status")[1]
            m = re.search(r"^  opa +(\d+) +(\d+) +(\d+)", out, re.M)
            return m and (int(m.group(1)), int(m.group(3)))
        assert wait_until(lambda: jobs() == (3, 3) and jobs(), 10, "3 jobs queued") == (3, 3)
        rc, out, _ = ctl(gw, "show", subs[0])
        assert re.search(r"^  \+33601020300 +(queued|pending) ", out, re.M), out
        gw.start_smsc()
        wait_until(lambda: jobs() == (0, 0), 60, "the queue to drain")
        for sub in subs:
            wait_until(lambda: gw.receipts(sub, "delivered"), 30, "receipt of %s" % sub)


if __name__ == "__main__":
    run([test_show_search_billing_status, test_status_shows_a_queue_then_drains])
