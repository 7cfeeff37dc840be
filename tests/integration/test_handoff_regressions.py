#!/usr/bin/python3
"""Regression tests for two faults the crash and fault campaigns (tests/chaos/) found:

1. A RESULT reached dlr only through the egress's memory: an egress killed while dlr
   was down lost it, and the submission never got its final receipt. The router now
   keeps a copy in its durable outbox to dlr.
2. After a submit_sm response time-out the egress re-submitted on the same live SMPP
   connection, so the SMSC got the SMS twice although nothing died (SPEC §10). The
   egress now drops the connection first."""
import collections
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import gateway, run, wait_until  # noqa: E402


def test_result_for_dlr_survives_an_egress_kill_while_dlr_is_down():
    with gateway("repro-result", smsc_args=["--dlr-delay", "3"]) as gw:
        gw.start_smsc()
        gw.start_sink()
        for name in ("router", "egress", "ingress"):
            gw.start(name)
        code, text = gw.send("compta@acme.test", ["SMS=0601020304@sms.test"], "r", "result lost?",
                             msgid="<repro-result@acme.test>")
        assert code == 250, (code, text)
        sub = re.search(r"submission (\d+)", text).group(1)
        wait_until(gw.submits, 20, "the submit_sm at the SMSC")
        wait_until(lambda: "submitted" in gw.procs["router"].text(), 10, "the router's RESULT")
        time.sleep(0.5)
        gw.kill9("egress")
        gw.start("dlr")
        gw.start("egress")
        wait_until(lambda: gw.receipts(sub, "accepted"), 20, "the acceptance receipt")
        wait_until(lambda: gw.receipts(sub, "delivered"), 20, "the final receipt of %s" % sub)
        assert len(gw.submits()) == 1


def test_no_resubmit_on_a_live_bind_after_a_response_timeout():
    with gateway("repro-timeout", smsc_args=["--dlr-delay", "0.3", "--resp-delay", "7",
                                             "--resp-delay-count", "1"]) as gw:
        gw.start_all()
        code, text = gw.send("compta@acme.test", ["SMS=0601020304@sms.test"], "t", "timeout",
                             msgid="<repro-timeout@acme.test>")
        assert code == 250, (code, text)
        wait_until(gw.submits, 20, "the first submit_sm")
        time.sleep(12)
        per_session = collections.Counter(s["sess"] for s in gw.submits())
        assert max(per_session.values()) == 1, "submit_sm per SMPP session: %r" % per_session


if __name__ == "__main__":
    run([test_result_for_dlr_survives_an_egress_kill_while_dlr_is_down,
         test_no_resubmit_on_a_live_bind_after_a_response_timeout])
