#!/usr/bin/python3
"""The crash campaign (tests/chaos/crash.py), short and bounded for CI: about 25 s of
mixed load (single SMS= emails and multi_sms@ lists) against the Net::SMPP SMSC, with a
kill -9 of router, dlr, egress or ingress every 1.5-4 s (seed 7), then a drain of at
most 20 s; SPEC §10's invariants must hold (no lost recipient, duplicates only across
an egress death, one acceptance and one final receipt per submission, one accepted
submission per email, consistent LMDB stores, no process dying by itself).
First, the checker itself is shown to fail on made-up evidence (a lost recipient, a
duplicate without an egress death, a second final receipt, a missing one), so a green
run means something."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "chaos"))
import crash  # noqa: E402
import invariants  # noqa: E402
from harness import run  # noqa: E402
from load import Mail  # noqa: E402
from smsc_log import Submit  # noqa: E402

SEED = 7


class FakeReceipts(invariants.Receipts):
    def __init__(self, rows):
        self.rows = rows

    def refresh(self):
        return self.rows


def made_up(n_final=1, drop=False, dup_at=None, final_ids=("<f@x>",)):
    import random
    m = Mail(1, SEED, random.Random(1))
    m.code, m.submission, m.invalid = 250, "000001", []
    subs = [Submit(100.0, d, m.token) for d in m.valid]
    if drop:
        subs = subs[1:]
    if dup_at is not None:
        subs.append(Submit(dup_at, m.valid[-1], m.token))
    row = {"submission": "000001", "in_reply_to": m.msgid, "arrived": 100.0}
    rows = [dict(row, status="accepted", message_id="<a@x>")]
    rows += [dict(row, status="delivered", message_id=final_ids[i % len(final_ids)],
                  arrived=101.0 + i) for i in range(n_final)]
    return [m], subs, FakeReceipts(rows)


def test_checker_fails_on_bad_evidence():
    r = invariants.evaluate(*made_up(), windows=[])
    assert r["failures"] == [], r["failures"]
    r = invariants.evaluate(*made_up(drop=True), windows=[])
    assert r["lost_recipients"] == 1 and len(r["failures"]) == 1, r
    r = invariants.evaluate(*made_up(dup_at=110.0), windows=[])
    assert r["unexplained_duplicates"] == 1 and r["duplicate_sms"] == 1, r
    r = invariants.evaluate(*made_up(dup_at=110.0), windows=[105.0])
    assert r["unexplained_duplicates"] == 0 and r["duplicate_sms"] == 1, r
    assert r["failures"] == [], r["failures"]
    r = invariants.evaluate(*made_up(n_final=2), windows=[])
    assert r["duplicate_receipts"] == 1 and len(r["failures"]) == 1, r
    r = invariants.evaluate(*made_up(n_final=2), windows=[], dlr_windows=[101.5])
    assert r["duplicate_receipts"] == 1 and r["failures"] == [], r
    r = invariants.evaluate(*made_up(n_final=2, final_ids=("<f@x>", "<g@x>")), windows=[],
                            dlr_windows=[101.5])
    assert len(r["failures"]) == 1 and "final receipts" in r["failures"][0], r
    r = invariants.evaluate(*made_up(n_final=0), windows=[])
    assert len(r["failures"]) == 1 and "final receipts" in r["failures"][0], r


def test_crash_campaign_short():
    r = crash.campaign(duration=25, seed=SEED, smsc="perl", threads=4, rate=12.0, drain_s=20,
                       log=lambda s: None, dump_on_failure=True)
    crash.print_report(r)
    assert r["failures"] == [], "%d failures, first: %r" % (len(r["failures"]), r["failures"][:5])
    assert r["load"]["accepted"] >= 100, r["load"]
    assert sum(r["kills"].values()) >= 5, r["kills"]
    assert r["lost_recipients"] == 0 and r["unexplained_duplicates"] == 0


if __name__ == "__main__":
    run([test_checker_fails_on_bad_evidence, test_crash_campaign_short])
