#!/usr/bin/python3
"""Several egress instances serve one operator (SPEC §7): two `smsgw-egress --operator
opa` processes share the router's jobs by credit; when one is killed -9, the other
takes the rest, and every SMS reaches the SMSC (Net::SMPP), duplicates only for what
the killed one held in its SMPP window."""
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import gateway, run, wait_until  # noqa: E402


def numbers(n, base=0):
    return ["0612%06d" % (base + i) for i in range(n)]


def test_two_instances_share_and_survive_a_kill():
    with gateway("two-egress", smsc_args=["--dlr-delay", "0.2"]) as gw:
        gw.start_smsc()
        gw.start_sink()
        for name in ("router", "dlr", "ingress"):
            gw.start(name)
        first = gw.start("egress")
        second = gw.start("egress")
        wait_until(lambda: gw.procs["router"].text().count("is up") >= 2, 20, "both egress up")
        code, _ = gw.send("compta@acme.test", ["multi_sms@sms.test"], "a", "x",
                          attachments=[("LISTE.TXT", "\n".join(numbers(30)).encode())])
        assert code == 250
        wait_until(lambda: len(gw.submits()) >= 30, 30, "the first 30 SMS")
        used = [p for p in (first, second) if "SUBMITTED" in p.text()]
        assert len(used) == 2, "one instance did all the work"
        first.kill9()
        for n in numbers(20, 100):
            assert gw.send("compta@acme.test", ["SMS=%s@sms.test" % n], "b", "y")[0] == 250
        want = {"33" + n[1:] for n in numbers(30) + numbers(20, 100)}
        wait_until(lambda: want <= {s["destination_addr"] for s in gw.submits()}, 60,
                   "every SMS, the second instance alone")
        per_dest = collections.Counter(s["destination_addr"] for s in gw.submits())
        dups = sum(c - 1 for c in per_dest.values())
        assert dups <= 10, per_dest  # at most the killed instance's window


if __name__ == "__main__":
    run([test_two_instances_share_and_survive_a_kill])
