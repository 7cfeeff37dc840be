#!/usr/bin/python3
"""smsgwctl hold / release / retry against a running gateway (issue 9): a held
submission's SMS stay in the queue while another submission's go out; released, they
go out; a retry request sends at once a job that waits for its retry delay; unknown
submissions are refused with exit code 1."""
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
    return p.returncode, p.stdout + p.stderr


def submission_of(text):
    return re.search(r"submission (\d+)", text).group(1)


def dests(gw):
    return sorted(s["destination_addr"] for s in gw.submits())


def test_hold_release():
    with gateway("hold", smsc_args=["--dlr-delay", "0.2"]) as gw:
        gw.start_sink()
        for name in ("router", "dlr", "egress", "ingress"):
            gw.start(name)  # no SMSC yet: the jobs wait in the queue
        code, text = gw.send("compta@acme.test", ["SMS=0601000001@sms.test",
                                                  "SMS=0601000002@sms.test"], "held", "x")
        held = submission_of(text)
        assert ctl(gw, "hold", held)[0] == 0
        assert ctl(gw, "hold", "999999")[0] == 1
        rc, out = ctl(gw, "held")
        assert rc == 0 and out.startswith(held + " "), out
        time.sleep(1.2)  # the router reads the control store every second
        gw.start_smsc()
        code, text = gw.send("compta@acme.test", ["SMS=0601000003@sms.test"], "free", "y")
        wait_until(gw.submits, 20, "the other submission's SMS")
        time.sleep(1.5)
        assert dests(gw) == ["33601000003"], dests(gw)
        assert ctl(gw, "release", held)[0] == 0
        wait_until(lambda: len(gw.submits()) == 3, 20, "the released SMS")
        assert dests(gw) == ["33601000001", "33601000002", "33601000003"]
        assert ctl(gw, "release", held)[0] == 1  # no longer held


def test_retry_now():
    with gateway("retry", smsc_args=["--dlr-delay", "0.2", "--submit-status", "0x58",
                                     "--submit-status-count", "2"]) as gw:
        gw.start_all()
        code, text = gw.send("compta@acme.test", ["SMS=0601000004@sms.test"], "r", "z")
        sub = submission_of(text)
        # throttled twice: the second retry delay is 2 to 4 s, longer than the router
        # takes to read a request (1 s)
        wait_until(lambda: gw.procs["router"].text().count("to retry") == 2, 20,
                   "the second throttled result")
        assert ctl(gw, "retry", sub)[0] == 0
        wait_until(lambda: "retry requested, 1 job(s) ready now" in gw.procs["router"].text(),
                   10, "the router to act on the retry")
        wait_until(lambda: gw.receipts(sub, "delivered"), 20, "the SMS delivered")


if __name__ == "__main__":
    run([test_hold_release, test_retry_now])
