#!/usr/bin/python3
"""tests/chaos/faults.py — the fault campaign (issue 10): one gateway per fault, a small
mixed load (load.py) while the fault is on, then SPEC §10's invariants (invariants.py:
no lost recipient, duplicates only across an SMPP window death, one acceptance and one
final receipt per submission, one accepted submission per email) and consistent stores
(stores.py), plus what each fault must show by itself. Each fault is a function with
its own verdict: PASS, FAIL (with the reasons) or SKIP (with why it cannot run here).

    tests/chaos/faults.py [--only NAME,NAME] [--seed N] [--keep] [--threads T] [--rate R]
                          [--drain S]

  smsc_disconnect   kill -9 the SMSC peer (Net::SMPP) under load, restart it 3 s later:
                    egress rebinds; receipts the dead SMSC never sent end as expired
                    (validity 20 s); duplicates only across the disconnect
  throttling        the SMSC answers the first 15 submit_sm with 0x58 (throttled): each
                    is retried, nothing fails, nothing is duplicated
  slow_smsc         the SMSC answers the first 40 submit_sm 2 s late (under the 5 s
                    response time-out): nothing lost, nothing duplicated
  silent_smsc       SIGSTOP the SMSC for 7 s (beyond response_timeout_s and
                    enquire_link_s), then SIGCONT; duplicates only if the egress dropped
                    that connection (the SMSC saw a second bind)
  smarthost_refuses the sink answers 451 to every RCPT for 6 s, then recovers: every
                    receipt arrives once, none is dead
  smarthost_vanishes the sink is stopped for 6 s, then restarted: same checks
  router_down       kill -9 the router: the ingress answers 451 4.3.0 after its router
                    time-out, never 250; the retry after the restart is accepted once
  fsync_fails       the router runs under fiu-run -x; fsync/fdatasync/msync fail for
                    3 s (fiu-ctrl): clients get 4xx or a dropped connection, never a 250
                    for what was not committed (every 250 is submitted later); the
                    router is restarted if it died
  disk_full         the router's store is on a 2 MiB tmpfs, no egress runs, and
                    2,000-line lists are sent until one is refused (stands for LMDB map
                    full: the map size is compiled in, RT_MAP_SIZE): that one must get
                    4xx, never a false 250; space is added, the egress starts, every
                    250 is submitted (the fast smsc-sim here)
  network           delay 50 ms and loss 2% on the loopback of a network namespace of
                    its own (netfault.py: tc netem where the kernel has it, else
                    iptables `statistic` DROP and NFQUEUE to tests/chaos/nfq-delay),
                    smsc_disconnect re-run inside it (this file, --only smsc_disconnect,
                    with a load the delayed links can carry: --threads 2 --rate 2
                    --drain 90); prints the TCP round trip and UDP loss measured in the
                    namespace before and after, and the packets seen and dropped;
                    SKIP when not root or namespaces, iptables or NFQUEUE are unavailable
Options for the load of every fault (default: each fault's own): --threads T client
threads, --rate R emails/s in all, --drain S seconds of drain at least.
Exit status 0 when no fault FAILed. Needs root for disk_full (mount) and network (ip
netns); fiu-utils for fsync_fails. Environment: SMSGW_BUILD = the build directory.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
import crash  # noqa: E402
import invariants  # noqa: E402
import netfault  # noqa: E402
from load import Load, Mail, deliver  # noqa: E402

# --threads, --rate, --drain: None keeps each fault's own.
LOAD = {"threads": None, "rate": None, "drain_s": None}


class Skip(Exception):
    pass


class Run:
    """One fault's gateway, load and verdict."""

    def __init__(self, name, seed, smsc_args=("--dlr-delay", "0.3"), smsc="perl", **kw):
        kw.setdefault("job_timeout_s", 5)
        kw.setdefault("router_timeout_ms", 3000)
        self.gw = crash.harness.Gateway("fault-" + name, **kw)
        self.seed = seed
        self.notes = []
        self.failures = []
        self.load = None
        if smsc is None:  # the fault runs its gateway elsewhere (network: in a namespace)
            return
        if smsc == "perl":
            self.gw.smsc_args = list(smsc_args)
            log = self.gw.start_smsc().log
            self.read = lambda: crash.smsc_log.read_perl(self.gw.smsc_log)
            self.unacked = lambda: crash.smsc_log.unacked_perl(log)
        else:
            self.read, self.unacked = crash.start_smsc(self.gw, smsc)
        self.gw.start_sink()

    def start(self, wrap_router=()):
        for p in crash.GATEWAY:
            self.gw.start(p, wrap=wrap_router if p == "router" else ())

    def start_load(self, rate=8.0, threads=3, first=0):
        self.load = Load(self.gw.ports["smtp"], self.seed, threads=LOAD["threads"] or threads,
                         rate=LOAD["rate"] or rate, retry_s=40, first=first)
        self.load.start()

    def verdict(self, windows=(), dlr_windows=(), final=None, drain_s=45):
        drain_s = max(drain_s, LOAD["drain_s"] or 0)
        ok = self.load.stop()
        if not ok:
            self.failures.append("client threads still busy after their retry budget")
        receipts, left = crash.drain(self.gw, self.load, self.read, drain_s)
        submits = self.read()
        info = {"unacked": self.unacked(),
                "early": crash.stores.keys(crash.dlr_env(self.gw), "early")}
        r = invariants.evaluate(self.load.mails, submits, receipts, windows, dlr_windows,
                                final_status=final, info=info)
        crash.check_early(info["early"], submits, r)
        r["load"] = self.load.summary()
        if r["load"]["not_accepted"]:
            r["failures"].append("%d emails never got 250: %s" % (
                len(r["load"]["not_accepted"]), r["load"]["not_accepted"][:3]))
        r["failures"].extend(crash.self_deaths(self.gw))
        crash.check_stores(self.gw, r)
        self.failures.extend(r["failures"])
        self.notes.append("%d emails (%d retried), %d recipients, %d submits, %d duplicate SMS, "
                          "%d duplicate receipts, left after drain %s"
                          % (r["load"]["emails"], r["load"]["retried"], r["load"]["recipients"],
                             r["submits"], r["duplicate_sms"], r["duplicate_receipts"], left))
        return r

    def codes(self):
        """Every SMTP answer the clients got: {code: count} (0 = connection trouble)."""
        out = {}
        for m in self.load.mails:
            for _, code in m.tries:
                out[code] = out.get(code, 0) + 1
        return out

    def close(self, keep=False):
        for p in self.gw.all:
            p.stop()
        if self.failures or keep:
            self.notes.append("kept " + self.gw.dir)
        else:
            shutil.rmtree(self.gw.dir, ignore_errors=True)


# ---- SMSC faults --------------------------------------------------------------------

def smsc_disconnect(run):
    run.start()
    run.start_load()
    time.sleep(4)
    killed = time.time()
    run.gw.procs["smsc"].kill9()
    time.sleep(3)
    run.gw.start_smsc()
    time.sleep(5)
    before = len([s for s in run.read() if s.time < killed])
    r = run.verdict(windows=[killed], final=invariants.FINAL_KINDS)
    after = len(run.read()) - before
    run.notes.append("submits after the SMSC restart: %d" % after)
    if after == 0:
        run.failures.append("nothing submitted after the SMSC came back")


def throttling(run):
    run.start()
    run.start_load()
    time.sleep(8)
    run.verdict()
    log = crash.harness.Gateway.submits(run.gw)
    throttled = len([x for x in log if x.get("command_status") == 0x58])
    run.notes.append("submit_sm answered 0x58: %d" % throttled)
    if throttled != 15:
        run.failures.append("expected 15 throttled submit_sm, saw %d" % throttled)


def slow_smsc(run):
    run.start()
    run.start_load()
    time.sleep(8)
    run.verdict()


def silent_smsc(run):
    run.start()
    run.start_load()
    time.sleep(3)
    smsc = run.gw.procs["smsc"].p
    stopped = time.time()
    smsc.send_signal(signal.SIGSTOP)
    time.sleep(7)
    smsc.send_signal(signal.SIGCONT)
    resumed = time.time()
    time.sleep(4)
    binds = run.gw.procs["smsc"].text().count("\nBIND ")
    run.notes.append("binds seen by the SMSC: %d" % binds)
    # A duplicate is allowed only if the window's connection died (SPEC §10): with one
    # bind in all, the connection never died, and no duplicate is explained.
    run.verdict(windows=[stopped, resumed] if binds > 1 else [])


# ---- smarthost faults -----------------------------------------------------------------

def smarthost_refuses(run):
    run.start()
    run.gw.start_sink(["--reply-code", "451"])
    run.start_load()
    time.sleep(6)
    run.gw.start_sink()
    time.sleep(3)
    r = run.verdict(drain_s=60)
    dead = r["store_dlr"]["entries"].get("dead", 0)
    if dead:
        run.failures.append("%d receipts dead after a temporary refusal" % dead)


def smarthost_vanishes(run):
    run.start()
    run.start_load()
    time.sleep(2)
    run.gw.procs["sink"].stop()
    time.sleep(6)
    run.gw.start_sink()
    time.sleep(3)
    r = run.verdict(drain_s=60)
    dead = r["store_dlr"]["entries"].get("dead", 0)
    if dead:
        run.failures.append("%d receipts dead after the smarthost vanished" % dead)


# ---- router faults ----------------------------------------------------------------------

def router_down(run):
    import random
    run.start()
    run.gw.kill9("router")
    mail = Mail(900000, run.seed, random.Random(run.seed))
    t0 = time.time()
    deliver(run.gw.ports["smtp"], mail, max_tries=1, retry_s=0, timeout=20)
    took = time.time() - t0
    run.notes.append("router down: %s %r after %.1fs" % (mail.code, mail.reply[:40], took))
    if mail.code != 451 or "4.3.0" not in mail.reply:
        run.failures.append("router down: got %s %r, want 451 4.3.0" % (mail.code, mail.reply))
    if not 2.5 <= took <= 6:
        run.failures.append("router down: answered after %.1fs (router_timeout_ms 3000)" % took)
    run.gw.start("router")
    run.load = Load(run.gw.ports["smtp"], run.seed, threads=1, limit=0)
    deliver(run.gw.ports["smtp"], mail, max_tries=20, retry_s=20, timeout=20)
    run.load.mails.append(mail)
    if mail.code != 250:
        run.failures.append("after the restart: got %s %r" % (mail.code, mail.reply))
    run.verdict()


def fiu_ctrl(pid, cmd):
    subprocess.run(["fiu-ctrl", "-c", cmd, str(pid)], check=True, timeout=10)


SYNC_POINTS = ("posix/io/sync/fsync", "posix/io/sync/fdatasync", "posix/mm/msync")


def fsync_fails(run):
    if not shutil.which("fiu-run"):
        raise Skip("fiu-run not installed (Debian fiu-utils)")
    run.start(wrap_router=["fiu-run", "-x"])
    run.start_load()
    time.sleep(3)
    router = run.gw.procs["router"]
    fault_at = time.time()
    for point in SYNC_POINTS:
        fiu_ctrl(router.p.pid, "enable name=%s" % point)
    time.sleep(6)  # beyond the ingress's router time-out (3 s): clients must see 4xx
    if router.p.poll() is None:
        for point in SYNC_POINTS:
            fiu_ctrl(router.p.pid, "disable name=%s" % point)
        run.notes.append("router survived the failing syncs")
    else:
        run.notes.append("router exited (%s) on the failing sync: restarted 6 s later; its "
                         "last words: %s" % (router.p.returncode, router.text().strip()
                                             .splitlines()[-1]))
        run.gw.start("router")
    time.sleep(5)
    run.verdict()
    during = {}
    for m in run.load.mails:
        for t, code in m.tries:
            if fault_at <= t <= fault_at + 6:
                during[code] = during.get(code, 0) + 1
    run.notes.append("SMTP answers while syncs failed (6 s): %s; all: %s" % (during, run.codes()))
    if not [c for c in during if c != 250]:
        run.failures.append("no 4xx nor dropped connection while fsync failed: %s" % during)


def mounted_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    rc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % size, "tmpfs", path],
                        capture_output=True, text=True)
    if rc.returncode != 0:
        raise Skip("cannot mount a tmpfs: %s" % rc.stderr.strip())


class BigList(Mail):
    """A multi_sms@ email whose LISTE.TXT has `lines` numbers of its own."""

    def __init__(self, k, seed, lines):
        import random
        Mail.__init__(self, 700000 + k, seed, random.Random(k))
        self.mode, self.invalid = "multi", []
        self.national = ["06%08d" % (50000000 + k * 100000 + i) for i in range(lines)]
        self.valid = ["33" + x[1:] for x in self.national]


def fill_until_refused(run, lines, most):
    """Sends big lists until one is not answered 250 (or `most` were sent)."""
    for k in range(most):
        mail = BigList(k, run.seed, lines)
        run.load.mails.append(mail)  # the load's threads only append under the lock
        deliver(run.gw.ports["smtp"], mail, max_tries=1, retry_s=0, timeout=30)
        if mail.code != 250:
            return mail
    return None


def disk_full(run):
    path = os.path.join(run.gw.dir, "state", "router")
    mounted_tmpfs(path, "2m")
    try:
        for p in ("router", "dlr", "ingress"):  # no egress yet: the jobs stay queued
            run.gw.start(p)
        run.start_load(rate=5.0, threads=2)
        refused = fill_until_refused(run, 2000, 30)
        router = run.gw.procs["router"]
        run.notes.append("store full: %s; router %s" % (
            "a %d-line list got %s %r" % (len(refused.valid), refused.code, refused.reply[:60])
            if refused else "never",
            "exited: " + router.text().strip().splitlines()[-1] if router.p.poll() is not None
            else "alive"))
        if refused is None:
            run.failures.append("the store never filled up")
        elif refused.code == 0 or refused.code >= 500:
            run.failures.append("full store answered %s %r, want 4xx" % (refused.code, refused.reply))
        if refused is not None:
            deliver(run.gw.ports["smtp"], refused, max_tries=1, retry_s=0, timeout=30)
            run.notes.append("sent again while still full: %s %r" % (refused.code, refused.reply[:60]))
        subprocess.run(["mount", "-o", "remount,size=256m", path], check=True)
        if router.p.poll() is not None:
            run.gw.start("router")
        if refused is not None and refused.code != 250:
            deliver(run.gw.ports["smtp"], refused, max_tries=10, retry_s=20, timeout=30)
        run.gw.start("egress")
        run.verdict(drain_s=120)
        run.notes.append("SMTP answers: %s" % run.codes())
    finally:
        for p in run.gw.all:
            p.stop()
        subprocess.run(["umount", "-l", path], capture_output=True)


# ---- network faults -------------------------------------------------------------------------

def network_fault(seed, delay_ms=50, loss_pct=2.0, inner="smsc_disconnect",
                  inner_args=("--threads", "2", "--rate", "2", "--drain", "90"), timeout=300):
    """Runs fault `inner` of this file inside a namespace whose loopback delays and loses
    packets (netfault.py). Returns {how, before, after (probes), counters, nfq, status
    (the inner fault's PASS/FAIL), output (its lines)}; raises netfault.Unavailable."""
    net = netfault.Namespace(delay_ms, loss_pct, crash.harness.BUILD)
    r = {}
    try:
        r["before"] = net.probe()
        net.impair()
        r["how"] = net.how
        r["after"] = net.probe()
        net.zero()
        cmd = [sys.executable, os.path.abspath(__file__), "--only", inner, "--seed", str(seed)]
        inner_run = net.run(cmd + list(inner_args), timeout=timeout,
                            env=dict(os.environ, SMSGW_BUILD=crash.harness.BUILD))
        r["counters"] = net.counters()
        out = inner_run.stdout.strip().splitlines()
        r["output"] = [x for x in out if not x.startswith("faults: ")]
        r["status"] = out[0].split()[0] if out and inner_run.returncode in (0, 1) else "FAIL"
        if inner_run.returncode not in (0, 1):
            r["output"].append("exit %s: %s" % (inner_run.returncode, inner_run.stderr[-500:]))
    finally:
        net.close()
        r["nfq"] = net.nfq_stats
    return r


def network_notes(r):
    """The lines the network fault prints: how, what was measured, the inner verdict."""
    c = r.get("counters", {})
    lines = ["impairment: %s" % r.get("how"),
             "before: " + netfault.describe(r["before"]) if "before" in r else "no probe",
             "after:  " + netfault.describe(r["after"]) if "after" in r else "no probe"]
    if c:
        lines.append("during the run: %d loopback packets, %d dropped (%.2f%%)" % (
            c["packets"], c["dropped"], 100.0 * c["dropped"] / max(1, c["packets"])))
    if r.get("nfq"):
        lines.append("nfq-delay: " + ", ".join("%s %s" % kv for kv in sorted(r["nfq"].items())))
    return lines + ["inside: " + x.strip() for x in r.get("output", [])]


def network(run):
    """smsc_disconnect re-run inside a namespace with delay 50 ms and loss 2% on lo."""
    try:
        r = network_fault(run.seed)
    except netfault.Unavailable as e:
        raise Skip(str(e))
    run.notes.extend(network_notes(r))
    if r["status"] != "PASS":
        run.failures.append("smsc_disconnect under delay and loss: %s" % r["status"])
    rtt = r["after"]["rtt_ms"]["median"]
    if not 2 * 50 * 0.95 <= rtt <= 2 * 50 * 1.5:
        run.failures.append("round trip %.1f ms under a 50 ms delay, want about 100" % rtt)
    if r["counters"]["dropped"] == 0:
        run.failures.append("no packet was dropped")


FAULTS = [
    (smsc_disconnect, dict(validity_s=20, dlr_extra="expiry_grace_s = 2;")),
    (throttling, dict(smsc_args=("--dlr-delay", "0.3", "--submit-status", "0x58",
                                 "--submit-status-count", "15"))),
    (slow_smsc, dict(smsc_args=("--dlr-delay", "0.3", "--resp-delay", "2",
                                "--resp-delay-count", "40"))),
    (silent_smsc, {}),
    (smarthost_refuses, {}),
    (smarthost_vanishes, {}),
    (router_down, {}),
    (fsync_fails, {}),
    (disk_full, dict(smsc="sim", router_timeout_ms=10000)),
    (network, dict(smsc=None)),
]


def run_fault(fn, kw, seed, keep):
    start = time.time()
    run = Run(fn.__name__, seed, **kw)
    status = "PASS"
    try:
        fn(run)
        if run.failures:
            status = "FAIL"
    except Skip as e:
        status = "SKIP"
        run.notes.append(str(e))
    except Exception as e:  # noqa: BLE001 - one fault's crash is that fault's FAIL
        status = "FAIL"
        run.failures.append("%s: %s" % (type(e).__name__, e))
    finally:
        run.close(keep)
    print("%-4s %s (%.0fs)" % (status, fn.__name__, time.time() - start), flush=True)
    for n in run.notes:
        print("       " + n)
    for f in run.failures[:15]:
        print("       FAIL " + f)
    return status


def main():
    ap = argparse.ArgumentParser(description="fault campaign against a loaded gateway")
    ap.add_argument("--only", default="")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--rate", type=float)
    ap.add_argument("--drain", type=float)
    a = ap.parse_args()
    LOAD.update(threads=a.threads, rate=a.rate, drain_s=a.drain)
    only = set(a.only.split(",")) - {""}
    results = [run_fault(fn, kw, a.seed, a.keep) for fn, kw in FAULTS
               if not only or fn.__name__ in only]
    print("faults: %d passed, %d failed, %d skipped" % (
        results.count("PASS"), results.count("FAIL"), results.count("SKIP")))
    sys.exit(1 if "FAIL" in results else 0)


if __name__ == "__main__":
    main()
