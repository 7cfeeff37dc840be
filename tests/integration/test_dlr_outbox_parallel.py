#!/usr/bin/python3
"""dlr's receipts outbox orders mails per (recipient, submission), not per recipient:
one sender posts several single-recipient submissions in a row to a smarthost that is
slow to answer the end of DATA (an aiosmtpd server in this process that waits DELAY s
there and records what arrives). The acceptance receipts of the different submissions
are in DATA at the same time (overlapping SMTP sessions observed), each submission's
final receipt starts only after its acceptance receipt was answered, every receipt
arrives exactly once, and the sending slots keep their SMTP connections (fewer
connections than mails)."""
import asyncio
import email
import email.policy
import os
import re
import sys
import time

from aiosmtpd.controller import Controller

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import gateway, run, wait_until  # noqa: E402

SENDER = "compta@acme.test"
SUBMISSIONS = 6
DELAY = 1.0  # seconds the smarthost waits before answering the end of DATA
PARALLEL = 8  # DL_OUTBOX_PARALLEL: connections kept at most


class SlowSmarthost:
    """aiosmtpd handler: every mail waits DELAY s in DATA; records what it saw."""

    def __init__(self):
        self.active = 0
        self.max_active = 0
        self.mails = []  # dicts: sub, status, rcpt, peer, start, end (monotonic)

    async def handle_DATA(self, server, session, envelope):
        start = time.monotonic()
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            await asyncio.sleep(DELAY)
        finally:
            self.active -= 1
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.mails.append({"sub": msg["X-SMSGW-Submission"], "status": msg["X-SMSGW-Status"],
                           "rcpt": list(envelope.rcpt_tos), "peer": session.peer,
                           "start": start, "end": time.monotonic()})
        return "250 2.0.0 OK"


def submission_of(reply):
    m = re.search(r"submission (\d+)", reply)
    assert m, "no submission number in %r" % reply
    return m.group(1)


def test_one_sender_parallel_receipts():
    with gateway("outbox-parallel", smsc_args=["--dlr-delay", "0.1"]) as gw:
        host = SlowSmarthost()
        smarthost = Controller(host, hostname="127.0.0.1", port=gw.ports["sink"])
        smarthost.start()
        try:
            gw.start_smsc()
            for name in ("router", "dlr", "egress", "ingress"):
                gw.start(name)
            subs = []
            for i in range(SUBMISSIONS):
                code, text = gw.send(SENDER, ["SMS=06010203%02d@sms.test" % i], "s%d" % i, "Bonjour")
                assert code == 250, (code, text)
                subs.append(submission_of(text))
            wait_until(lambda: len(host.mails) >= 2 * SUBMISSIONS, 30, "all receipts")
            time.sleep(0.5)  # nothing more comes
            mails = list(host.mails)
        finally:
            smarthost.stop()
        assert len(mails) == 2 * SUBMISSIONS, [(m["sub"], m["status"]) for m in mails]
        assert all(m["rcpt"] == [SENDER] for m in mails), mails
        # different submissions to one address were in DATA side by side
        print("max in DATA at once: %d; connections: %d for %d mails" % (
            host.max_active, len({m["peer"] for m in mails}), len(mails)))
        assert host.max_active >= 3, host.max_active
        for sub in subs:  # exactly one acceptance then one final, the final after it
            mine = [m for m in mails if m["sub"] == sub]
            assert [m["status"] for m in mine] == ["accepted", "delivered"], (sub, mine)
            assert mine[1]["start"] > mine[0]["end"], (sub, mine)
        peers = {m["peer"] for m in mails}  # slots kept their connections
        assert len(peers) <= PARALLEL and len(peers) < len(mails), sorted(peers)
        log = gw.procs["dlr"].text()
        assert log.count("receipt of ") == 2 * SUBMISSIONS and "; try " not in log, log


if __name__ == "__main__":
    run([test_one_sender_parallel_receipts])
