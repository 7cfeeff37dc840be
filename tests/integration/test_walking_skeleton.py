#!/usr/bin/python3
"""End to end on the real processes: an email to SMS=0601020304@<domain> becomes one
submit_sm at an SMSC we did not write (Net::SMPP) and two receipts in a real SMTP sink;
refusals happen in the SMTP session; kill -9 of the router or of dlr at the moments
named in the issue loses nothing and duplicates nothing."""
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TOP, BUILD, gateway, run, sms_text, wait_until  # noqa: E402

TEXT = "Bonjour, votre RDV est confirmé demain 10h"


def submission_of(reply):
    m = re.search(r"submission (\d+)", reply)
    assert m, "no submission number in %r" % reply
    return m.group(1)


def check_receipts(gw, sub, msgid, final_status="delivered", encoding="GSM"):
    """Exactly one acceptance and one final receipt for sub, threaded and marked."""
    wait_until(lambda: gw.receipts(sub, final_status), 30, "final receipt of %s" % sub)
    acc = gw.receipts(sub, "accepted")
    fin = gw.receipts(sub, final_status)
    assert len(acc) == 1 and len(fin) == 1, "receipts: %r" % [
        (m["X-SMSGW-Status"], m["Subject"]) for m in gw.receipts(sub)]
    assert len(gw.receipts(sub)) == 2
    for m in (acc[0], fin[0]):
        assert m["Auto-Submitted"] == "auto-replied", m["Auto-Submitted"]
        assert m["In-Reply-To"] == msgid, (m["In-Reply-To"], msgid)
        assert m["X-Envelope-To"] == "compta@acme.test"
    body = acc[0].get_body(("plain",)).get_content()
    assert sub in body and encoding in body, body
    return acc[0], fin[0]


def test_email_becomes_sms_and_two_receipts():
    with gateway("e2e", smsc_args=["--dlr-delay", "0.3"]) as gw:
        gw.start_all()
        msgid = "<rdv-1@acme.test>"
        code, text = gw.send("compta@acme.test", ["SMS=0601020304@sms.test"], "Rappel RDV",
                             TEXT, msgid=msgid)
        assert code == 250, (code, text)
        sub = submission_of(text)
        s = wait_until(gw.submits, 20, "submit_sm at the SMSC")
        assert len(s) == 1, s
        s = s[0]
        assert s["destination_addr"] == "33601020304"
        assert (s["dest_addr_ton"], s["dest_addr_npi"]) == (1, 1)
        assert s["source_addr"] == "ACME" and s["source_addr_ton"] == 5
        assert s["registered_delivery"] & 1 == 1
        assert s["data_coding"] == 0
        assert sms_text(s) == TEXT, sms_text(s)
        acc, fin = check_receipts(gw, sub, msgid)
        assert "Rappel RDV" in acc["Subject"]
        fbody = fin.get_body(("plain",)).get_content()
        assert "+33601020304" in fbody, fbody
        time.sleep(1)  # nothing more arrives
        assert len(gw.submits()) == 1 and len(gw.receipts(sub)) == 2


def test_ucs2_text_and_undelivered_reason():
    with gateway("ucs2", smsc_args=["--dlr-delay", "0.3", "--fail-prefix", "3370"]) as gw:
        gw.start_all()
        code, text = gw.send("compta@acme.test", ["SMS=0701020304@sms.test"], "Ελλάδα",
                             "Привет 👋", msgid="<u@acme.test>")
        assert code == 250, (code, text)
        sub = submission_of(text)
        s = wait_until(gw.submits, 20, "submit_sm")[0]
        assert s["data_coding"] == 8 and sms_text(s) == "Привет 👋", s
        check_receipts(gw, sub, "<u@acme.test>", final_status="undelivered", encoding="UCS-2")


def test_refusals_in_the_session():
    with gateway("refuse", router_timeout_ms=1500) as gw:
        gw.start_all()
        r = gw.smtp_dialogue(["EHLO c.test", "MAIL FROM:<compta@acme.test>",
                              "RCPT TO:<SMS=0601020304@other.test>", "RCPT TO:<x@other.test>",
                              "RSET", "MAIL FROM:<nobody@elsewhere.test>", "NOOP", "QUIT"])
        assert r[0][0] == 250 and r[1][0] == 250, r
        assert r[2][0] == 550 and b"5.7.1" in r[2][1], r[2]
        assert r[3][0] == 550 and b"5.7.1" in r[3][1], r[3]
        assert r[4][0] == 250, r[4]
        assert r[5][0] == 550 and b"5.7.1" in r[5][1], r[5]
        assert r[6][0] == 250 and r[7][0] == 221, r
        gw.procs["router"].stop()  # router down: the customer's MTA must retry later
        t = time.time()
        code, text = gw.send("compta@acme.test", ["SMS=0601020304@sms.test"], "s", "x")
        assert code == 451 and "4.3.0" in text, (code, text)
        assert 1.0 < time.time() - t < 10, time.time() - t
        assert gw.submits() == [] and gw.mails() == []


def test_swaks_client():
    with gateway("swaks") as gw:
        gw.start_all()
        out = subprocess.run(["swaks", "--server", "127.0.0.1:%d" % gw.ports["smtp"],
                              "--from", "compta@acme.test", "--to", "SMS=+33601020304@sms.test",
                              "--header", "Subject: via swaks", "--body", "Hello from swaks"],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stdout + out.stderr
        sub = submission_of(out.stdout)
        wait_until(lambda: gw.receipts(sub, "delivered"), 30, "final receipt")
        assert sms_text(gw.submits()[0]) == "Hello from swaks"


def test_kill9_router_after_250_before_submit():
    with gateway("kill-router") as gw:
        gw.start_smsc()
        gw.start_sink()
        for name in ("router", "dlr", "ingress"):  # no egress: the job stays queued
            gw.start(name)
        code, text = gw.send("compta@acme.test", ["SMS=0601020304@sms.test"], "k", "kill me",
                             msgid="<k1@acme.test>")
        assert code == 250, (code, text)
        sub = submission_of(text)
        gw.kill9("router")
        assert gw.submits() == []
        gw.start("router")
        gw.start("egress")
        wait_until(gw.submits, 20, "the job submitted after the restart")
        check_receipts(gw, sub, "<k1@acme.test>")
        assert len(gw.submits()) == 1, gw.submits()


def test_kill9_dlr_after_submit_before_receipt():
    with gateway("kill-dlr", smsc_args=["--dlr-delay", "2"]) as gw:
        gw.start_all()
        code, text = gw.send("compta@acme.test", ["SMS=0601020304@sms.test"], "k", "kill dlr",
                             msgid="<k2@acme.test>")
        assert code == 250, (code, text)
        sub = submission_of(text)
        wait_until(gw.submits, 20, "submit_sm")
        gw.kill9("dlr")
        assert gw.receipts(sub, "delivered") == []
        time.sleep(2.5)  # the receipt reaches egress while dlr is down
        gw.start("dlr")
        check_receipts(gw, sub, "<k2@acme.test>")
        assert len(gw.submits()) == 1


def test_run_local_starts_the_whole_gateway():
    with gateway("run-local", smsc_args=["--dlr-delay", "0.2"]) as gw:
        gw.start_smsc()
        gw.start_sink()
        log = open(os.path.join(gw.dir, "run-local.log"), "wb")
        p = subprocess.Popen([os.path.join(TOP, "deploy/run-local"), "--bin", BUILD, gw.config],
                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_until(gw.smtp_up, 20, "ingress started by run-local")
            code, text = gw.send("compta@acme.test", ["SMS=0601020304@sms.test"], "rl", "run-local")
            assert code == 250, (code, text)
            wait_until(lambda: gw.receipts(submission_of(text), "delivered"), 30, "final receipt")
        finally:
            p.send_signal(signal.SIGTERM)
            assert p.wait(20) == 0
            log.close()
        assert not gw.smtp_up(), "run-local left the ingress running"


if __name__ == "__main__":
    run([test_email_becomes_sms_and_two_receipts, test_ucs2_text_and_undelivered_reason,
         test_refusals_in_the_session, test_swaks_client,
         test_kill9_router_after_250_before_submit, test_kill9_dlr_after_submit_before_receipt,
         test_run_local_starts_the_whole_gateway])
