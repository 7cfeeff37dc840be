#!/usr/bin/python3
"""The network fault of the fault campaign (tests/chaos/faults.py `network`), short and
bounded for CI (about 25 s): a network namespace of its own whose loopback delays every
packet 50 ms and loses 2 % of them (tests/chaos/netfault.py: tc netem where the kernel
has it, else iptables `statistic` DROP + NFQUEUE to tests/chaos/nfq-delay), and inside
it the smsc_disconnect fault (kill -9 of the Net::SMPP SMSC under load, restart 3 s
later) with one client thread at 1 email/s, then SPEC §10's invariants (faults.py: no
lost recipient, duplicates only across the disconnect, one acceptance and one final
receipt per submission, consistent stores).
Checked here, with exact bounds: the impairment is real (TCP round trip under 5 ms
before, 95..150 ms after = 2 x 50 ms; UDP echo loses datagrams after, none before;
loopback packets dropped during the run, under 6 %), nfq-delay (when used) dropped
nothing for lack of room and released every packet it held, and the inner fault PASSed.
Prints "SKIP: <reason>" and exits 0 when it cannot run here (not root, no network
namespaces, no iptables/NFQUEUE, nfq-delay not built)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "chaos"))
import faults  # noqa: E402
import netfault  # noqa: E402
from harness import run  # noqa: E402

SEED = 11
INNER = ("--threads", "1", "--rate", "1", "--drain", "30")


def check(r):
    before, after, c = r["before"], r["after"], r["counters"]
    assert before["rtt_ms"]["median"] < 5, before
    assert before["udp"]["lost"] == 0, before
    assert 95 <= after["rtt_ms"]["median"] <= 150, after
    assert after["udp"]["lost"] > 0, after
    assert c["packets"] >= 300 and 0 < c["dropped"] < 0.06 * c["packets"], c
    if r["how"] != "tc netem":
        n = r["nfq"]
        assert n["exit"] == 0 and n["dropped_full"] == 0 and n["dropped_exit"] == 0, n
        assert n["queued"] == n["released"] and n["queued"] >= c["packets"] - c["dropped"], n
    assert r["status"] == "PASS", r["output"]


def test_checker_fails_without_impairment():
    """check() must reject a run where the delay or the loss did not happen."""
    probe = {"rtt_ms": {"median": 0.02, "min": 0.01, "max": 0.1, "n": 20},
             "udp": {"sent": 300, "lost": 0}}
    slow = {"rtt_ms": {"median": 100.4, "min": 100.2, "max": 300.0, "n": 20},
            "udp": {"sent": 300, "lost": 9}}
    good = {"before": probe, "after": slow, "counters": {"packets": 1000, "dropped": 20},
            "how": "nfq", "status": "PASS", "output": [],
            "nfq": {"exit": 0, "dropped_full": 0, "dropped_exit": 0, "queued": 1200,
                    "released": 1200}}
    check(good)
    bad = [dict(good, after=probe), dict(good, counters={"packets": 1000, "dropped": 0}),
           dict(good, nfq=dict(good["nfq"], dropped_full=3)), dict(good, status="FAIL")]
    for b in bad:
        try:
            check(b)
        except AssertionError:
            continue
        raise AssertionError("check() passed a run it must fail: %r" % b)


def test_smsc_disconnect_under_delay_and_loss():
    try:
        r = faults.network_fault(SEED, inner_args=INNER, timeout=90)
    except netfault.Unavailable as e:
        print("SKIP: %s" % e)
        return
    print("\n".join("  " + x for x in faults.network_notes(r)), flush=True)
    check(r)


if __name__ == "__main__":
    run([test_checker_fails_without_impairment, test_smsc_disconnect_under_delay_and_loss])
