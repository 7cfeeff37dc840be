#!/usr/bin/python3
"""tests/chaos/crash.py — the crash campaign (issue 10, SPEC §10 "nothing lost").

    tests/chaos/crash.py [--duration S] [--seed N] [--smsc perl|sim] [--threads T]
                         [--rate R] [--drain S] [--kinds router,dlr,egress,ingress]
                         [--gap A,B] [--keep] [--json FILE]

Starts one gateway on loopback (tests/integration/harness.py: router, dlr, one egress,
ingress; the Net::SMPP SMSC tests/peers/smsc.pl with --dlr-delay 0.3, or with
--smsc sim the C simulator tools/smsc-sim for longer and faster runs; the aiosmtpd
sink tools/mail-sink for receipts), sends a mixed load for S seconds (load.py: single
SMS= emails and multi_sms@ lists, T client threads at about R emails/s in all, each
email retried like an MTA on 4xx or a dropped connection), while killer.py sends
kill -9 to a random process kind every A..B seconds (seeded) and restarts it. Then it
stops the load (emails in their retries finish), lets the gateway drain (at most
--drain seconds) and checks (invariants.py, stores.py):
  - every email that got 250 has each valid recipient at the SMSC at least once;
  - duplicates only where an egress died between the copies (counted, reported);
  - exactly one acceptance and one final receipt per submission (a second copy with
    the same Message-ID is counted, and allowed only across a dlr kill: the smarthost
    took it and dlr died before recording that); one `accepted` submission per email
    (a retry after a lost 250 is a `duplicate`, counted);
  - no process died by itself; LMDB stores of router and dlr: no stale readers,
    router `jobs` and `to_dlr` empty, dlr `outbox` empty, dlr `early` (receipts
    without their RESULT) holding only first copies of duplicated SMS.
  An accepted submission without its final receipt fails, unless one of its receipts
  was sent by the SMSC peer on a bind that died before answering it (neither test peer
  re-sends such a receipt, a real SMSC does: counted as receipts_not_redelivered; with
  --smsc sim this is only inferred from the bind closing within 3 s, the simulator
  does not log deliver_sm_resp).
Prints the report (and writes it as JSON with --json); exit status 0 when every
invariant holds, 1 otherwise (the gateway's directory is kept and named then).
campaign(...) is the same as a function (tests/integration/test_chaos_short.py).
Environment: SMSGW_BUILD = the build directory (default ./build).
"""
import argparse
import collections
import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
import harness  # noqa: E402
import invariants  # noqa: E402
import smsc_log  # noqa: E402
import stores  # noqa: E402
from killer import KINDS, Killer  # noqa: E402
from load import Load  # noqa: E402

GATEWAY = ("router", "dlr", "egress", "ingress")


def start_smsc(gw, kind):
    """Starts the SMSC peer; returns (read, unacked): functions that read its submits
    and the message ids of the receipts it sent that were not answered."""
    if kind == "perl":
        gw.smsc_args = ["--dlr-delay", "0.3"]
        proc = gw.start_smsc()
        return (lambda: smsc_log.read_perl(gw.smsc_log)), (lambda: smsc_log.unacked_perl(proc.log))
    log = os.path.join(gw.dir, "smsc-sim.log")
    sim = os.path.join(harness.BUILD, "tools", "smsgw-smsc-sim")
    gw.procs["smsc"] = gw._add(harness.Proc(
        "smsc", [sim, "--listen", "127.0.0.1:%d" % gw.ports["smsc"], "--dlr-delay-ms", "300",
                 "--log", log, "--quiet"], gw.dir, "READY"))
    return (lambda: smsc_log.read_sim(log)), (lambda: smsc_log.unacked_sim(log))


def new_gateway(name, smsc, **kw):
    kw.setdefault("job_timeout_s", 5)
    kw.setdefault("router_timeout_ms", 3000)
    gw = harness.Gateway(name, **kw)
    read, unacked = start_smsc(gw, smsc)
    gw.start_sink()
    for p in GATEWAY:
        gw.start(p)
    return gw, read, unacked


def drain(gw, load, read, drain_s):
    """Waits (bounded) until every 250'd email's recipients and receipts are there."""
    receipts = invariants.Receipts(gw.maildir)
    end = time.time() + drain_s
    left = None
    while time.time() < end:
        left = invariants.pending(load.mails, read(), receipts)
        if left == (0, 0):
            break
        time.sleep(0.5)
    time.sleep(1.5)  # late duplicates and receipts would land now
    return receipts, left


def self_deaths(gw):
    """Gateway processes that exited although nobody killed them."""
    return ["%s exited with %s" % (k, gw.procs[k].p.returncode) for k in GATEWAY
            if gw.procs[k].p.poll() is not None]


def dlr_env(gw):
    return os.path.join(gw.dir, "state", "dlr")


def check_early(early, submits, report):
    """Receipts dlr keeps in `early` (no RESULT): only the first copy of a duplicated SMS
    may stay there (its RESULT died with the egress that sent it)."""
    count = collections.Counter((s.dest, s.text) for s in submits)
    dup_ids = [s.msg_id for s in submits if count[(s.dest, s.text)] > 1]
    left = [k for k in early if not [i for i in dup_ids if invariants.in_early(i, [k])]]
    report["early_receipts"] = len(early)
    if left:
        report["failures"].append("dlr keeps %d receipts in `early` that belong to no duplicated "
                                  "SMS: %r" % (len(left), left[:4]))


def check_stores(gw, report):
    state = os.path.join(gw.dir, "state")
    for name, empty in (("router", ("jobs", "to_dlr")), ("dlr", ("outbox",))):
        facts, problems = stores.check(os.path.join(state, name), empty)
        report["store_" + name] = {k: v for k, v in facts.items() if k != "entries"}
        report["store_" + name]["entries"] = {k: v for k, v in facts.get("entries", {}).items()
                                              if k in empty or k in ("unmatched", "dead", "early")}
        report["failures"].extend(problems)


def run_phase(gw, load, killer, duration):
    load.start()
    killer.start()
    time.sleep(duration)
    killer.stop()
    done = load.stop()
    return done


def campaign(duration=40, seed=1, smsc="perl", threads=4, rate=15.0, drain_s=60,
             kinds=KINDS, gap=(1.5, 4.0), keep=False, log=print, dump_on_failure=False):
    t0 = time.time()
    gw, read, unacked = new_gateway("chaos-crash", smsc)
    ok = False
    try:
        load = Load(gw.ports["smtp"], seed, threads=threads, rate=rate, retry_s=30)
        killer = Killer(gw, seed, kinds=kinds, gap=gap)
        log("chaos: gateway in %s, load %ss seed %d, smsc %s" % (gw.dir, duration, seed, smsc))
        clients_done = run_phase(gw, load, killer, duration)
        log("chaos: load stopped after %.0fs, draining" % (time.time() - t0))
        receipts, left = drain(gw, load, read, drain_s)
        windows = [e["killed"] for e in killer.kills("egress")]
        dlr_windows = [e["killed"] for e in killer.kills("dlr")]
        submits = read()
        info = {"unacked": unacked(), "early": stores.keys(dlr_env(gw), "early")}
        report = invariants.evaluate(load.mails, submits, receipts, windows, dlr_windows,
                                     info=info)
        check_early(info["early"], submits, report)
        report.update(seed=seed, duration=duration, smsc=smsc, kills=killer.summary(),
                      load=load.summary(), left_after_drain=left, kill_events=killer.events, seconds=round(time.time() - t0, 1))
        if not clients_done:
            report["failures"].append("client threads still busy after their retry budget")
        if killer.error:
            report["failures"].append("killer: " + killer.error)
        if report["load"]["not_accepted"]:
            report["failures"].append("%d emails never got 250 within their retry budget"
                                      % len(report["load"]["not_accepted"]))
        report["failures"].extend(self_deaths(gw))
        check_stores(gw, report)
        ok = not report["failures"]
        report["dir"] = gw.dir
        return report
    finally:
        for p in gw.all:
            p.stop()
        if not ok and dump_on_failure:
            for p in gw.all:
                sys.stderr.write("----- %s\n%s\n" % (p.name, p.text()[-2000:]))
        if ok and not keep:
            shutil.rmtree(gw.dir, ignore_errors=True)


def print_report(r):
    load = r["load"]
    print("crash campaign: seed %d, %ss of load, smsc %s, %.0fs in all"
          % (r["seed"], r["duration"], r["smsc"], r["seconds"]))
    print("  kills: %s" % ", ".join("%s %d" % kv for kv in sorted(r["kills"].items())))
    print("  emails: %d sent, %d got 250 (%d after retries), %d recipients"
          % (load["emails"], load["accepted"], load["retried"], load["recipients"]))
    print("  submits at the SMSC: %d; duplicate SMS: %d (%d recipients, %d unexplained)"
          % (r["submits"], r["duplicate_sms"], r["duplicate_recipients"],
             r["unexplained_duplicates"]))
    print("  lost recipients: %d; stray submits: %d; retries answered as duplicate: %d"
          % (r["lost_recipients"], r["stray_submits"], r["dedup_retries"]))
    print("  no final receipt: %d with a RESULT lost at dlr (bug), %d whose receipt the SMSC "
          "peer sent on a dying bind and never re-sent (peer limit)"
          % (r["result_lost"], r["receipts_not_redelivered"]))
    print("  submissions with receipts: %d; duplicate receipts (same Message-ID, dlr kill): %d;"
          " left after drain: %s" % (r["submissions_in_sink"], r["duplicate_receipts"],
                                     r["left_after_drain"]))
    for name in ("router", "dlr"):
        print("  store %s: %s" % (name, r.get("store_" + name)))
    for f in r["failures"][:30]:
        print("  FAIL " + f)
    if len(r["failures"]) > 30:
        print("  FAIL ... and %d more" % (len(r["failures"]) - 30))
    print("  RESULT: %s%s" % ("PASS" if not r["failures"] else "FAIL",
                              "" if not r["failures"] else " (kept %s)" % r["dir"]))


def main():
    ap = argparse.ArgumentParser(description="kill -9 campaign against a loaded gateway")
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--smsc", choices=("perl", "sim"), default="perl")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--rate", type=float, default=15.0)
    ap.add_argument("--drain", type=float, default=90)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--gap", default="1.5,4.0")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()
    r = campaign(a.duration, a.seed, a.smsc, a.threads, a.rate, a.drain,
                 tuple(a.kinds.split(",")), tuple(float(x) for x in a.gap.split(",")), a.keep)
    print_report(r)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(r, f, indent=1, default=str)
    sys.exit(0 if not r["failures"] else 1)


if __name__ == "__main__":
    main()
