"""chaos killer: kill -9 a random gateway process at random moments, restart it.

Killer(gw, seed, kinds, gap=(a, b), down=(c, d)) runs one thread that, until stop():
waits uniform(a, b) seconds, picks a kind from `kinds` (router, dlr, egress, ingress),
sends it SIGKILL (harness Proc.kill9: waits for it to be gone), waits uniform(c, d)
seconds and starts a new one with gw.start(kind). Every choice comes from
random.Random(seed), so a seed replays the same sequence of kinds and delays (the
moments they land in the load still vary with timing).

events: one dict per kill: kind, pid, killed (time.time() at SIGKILL), up (time.time()
when the new process was started), pid_new. Bounded: stop() ends the thread within one
restart (a killed process is always restarted before the thread exits).
"""
import random
import threading
import time

KINDS = ("router", "dlr", "egress", "ingress")


class Killer:
    def __init__(self, gw, seed, kinds=KINDS, gap=(1.5, 4.0), down=(0.1, 1.0)):
        self.gw = gw
        self.rng = random.Random(seed ^ 0x5EED)
        self.kinds, self.gap, self.down = tuple(kinds), gap, down
        self.events = []
        self._stop = threading.Event()
        self._thread = None
        self.error = None

    def _one(self):
        kind = self.rng.choice(self.kinds)
        down = self.rng.uniform(*self.down)
        proc = self.gw.procs[kind]
        ev = {"kind": kind, "pid": proc.p.pid, "killed": time.time()}
        proc.kill9()
        time.sleep(down)
        new = self.gw.start(kind)
        ev["up"] = time.time()
        ev["pid_new"] = new.p.pid
        self.events.append(ev)

    def _run(self):
        try:
            while not self._stop.wait(self.rng.uniform(*self.gap)):
                self._one()
        except Exception as e:  # noqa: BLE001 - reported by the campaign
            self.error = "%s: %s" % (type(e).__name__, e)

    def start(self):
        self._thread = threading.Thread(target=self._run, name="killer", daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join(30)

    def kills(self, kind):
        return [e for e in self.events if e["kind"] == kind]

    def summary(self):
        out = {}
        for e in self.events:
            out[e["kind"]] = out.get(e["kind"], 0) + 1
        return out
