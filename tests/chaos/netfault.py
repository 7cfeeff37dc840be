#!/usr/bin/python3
"""tests/chaos/netfault.py — delay and loss on loopback inside a network namespace, for
faults.py's `network` fault (issue 10) and tests/integration/test_chaos_network.py.

Namespace(delay_ms, loss_pct, build) creates `smsgw-chaos-<pid>` (ip netns add, lo up);
impair() then makes its loopback delay every packet by delay_ms and lose loss_pct % of
them, the closest way this kernel allows:
  - `tc qdisc add dev lo root netem delay D loss L%` when the kernel has netem;
  - otherwise (CONFIG_NET_SCH_NETEM not set) netfilter, as iptables rules on OUTPUT -o lo
    (every loopback packet crosses OUTPUT once, as it crosses lo's root qdisc once):
    `-m statistic --mode random --probability L/100 -j DROP` first, then
    `-j NFQUEUE --queue-num 0` to nfq-delay (tests/chaos/nfq-delay.c, built into
    <build>/tests/chaos/), which holds each packet D ms and accepts it. No
    --queue-bypass: if nfq-delay dies, loopback stops instead of silently losing the
    delay. A round trip is then 2*D ms, as under netem on lo; IPv4 only (the gateway
    and its peers use 127.0.0.1).
Either way it applies to every packet on the namespace's loopback: SMTP into the
ingress, ZeroMQ between the processes, SMPP to the SMSC, SMTP to the smarthost.
probe() runs this file inside the namespace (`probe` mode): 20 one-byte TCP round trips
(TCP_NODELAY; median, min, max in ms) and 300 UDP datagrams to an echo socket (how many
came back), so the delay and loss are measured, not assumed. counters() reads what the
impairment did: packets seen and dropped (iptables rule counters or tc -s), nfq-delay's
own counters after stop. run(argv) runs a command inside the namespace. close() stops
nfq-delay (after removing its rule, so none of its packets is dropped at exit), ends the
processes still in the namespace (they are ours: only this code starts any there) and
deletes it. Raises Unavailable (with the reason) when not root or namespaces, iptables
or NFQUEUE cannot be used; every command is bounded in time.
"""
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


class Unavailable(Exception):
    pass


def sh(argv, timeout=20):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


class Namespace:
    def __init__(self, delay_ms, loss_pct, build):
        self.name = "smsgw-chaos-%d" % os.getpid()
        self.delay_ms, self.loss_pct, self.build = delay_ms, loss_pct, build
        self.how = None
        self.nfq = None
        self.nfq_stats = {}
        if os.geteuid() != 0:
            raise Unavailable("not root: ip netns needs CAP_SYS_ADMIN")
        rc = sh(["ip", "netns", "add", self.name])
        if rc.returncode != 0:
            raise Unavailable("network namespaces not permitted: %s" % rc.stderr.strip())
        self.check(self.run(["ip", "link", "set", "lo", "up"]), "lo up")

    def run(self, argv, timeout=20, **kw):
        return subprocess.run(["ip", "netns", "exec", self.name] + list(argv),
                              capture_output=True, text=True, timeout=timeout, **kw)

    def check(self, rc, what):
        if rc.returncode != 0:
            self.close()
            raise Unavailable("%s: %s" % (what, (rc.stderr or rc.stdout).strip()))
        return rc

    # ---- the impairment ----------------------------------------------------------------

    def impair(self):
        q = self.run(["tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay",
                      "%dms" % self.delay_ms, "loss", "%g%%" % self.loss_pct])
        if q.returncode == 0:
            self.how = "tc netem"
            return
        self.netem_error = q.stderr.strip()
        self.how = "iptables statistic DROP + NFQUEUE nfq-delay (no netem: %s)" % self.netem_error
        self.start_nfq()
        rules = [["-m", "statistic", "--mode", "random", "--probability",
                  "%g" % (self.loss_pct / 100.0), "-j", "DROP"],
                 ["-j", "NFQUEUE", "--queue-num", "0"]]
        for r in rules:
            self.check(self.run(["iptables", "-w", "5", "-A", "OUTPUT", "-o", "lo"] + r),
                       "iptables " + " ".join(r))

    def start_nfq(self):
        binary = os.path.join(self.build, "tests", "chaos", "nfq-delay")
        if not os.access(binary, os.X_OK):
            self.close()
            raise Unavailable("%s not built (libnetfilter-queue-dev)" % binary)
        self.nfq = subprocess.Popen(["ip", "netns", "exec", self.name, binary, "--queue", "0",
                                     "--delay-ms", str(self.delay_ms)],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.nfq.stdout.readline()  # READY, or why not (then it exits)
        if not line.startswith("READY"):
            self.nfq.wait(5)
            self.nfq = None
            self.close()
            raise Unavailable("nfq-delay: %s" % line.strip())

    def stop_nfq(self):
        if self.nfq is None:
            return
        self.run(["iptables", "-w", "5", "-D", "OUTPUT", "-o", "lo", "-j", "NFQUEUE",
                  "--queue-num", "0"])
        self.nfq.send_signal(signal.SIGTERM)
        try:
            out, _ = self.nfq.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.nfq.kill()
            out, _ = self.nfq.communicate()
        for line in out.splitlines():
            if line.startswith("nfq-delay:"):
                words = line.split()[1:]
                self.nfq_stats = dict(zip(words[0::2], map(int, words[1::2])))
        self.nfq_stats["exit"] = self.nfq.returncode
        self.nfq = None

    def zero(self):
        """Starts the counters afresh (iptables -Z; tc's cannot be reset: counters()
        subtracts what they held then)."""
        self.run(["iptables", "-w", "5", "-Z", "OUTPUT"])
        self.base = self.counters(raw=True)

    def counters(self, raw=False):
        """{'packets': seen on lo, 'dropped': of them} since zero()."""
        if self.how == "tc netem":
            out = self.run(["tc", "-s", "qdisc", "show", "dev", "lo"]).stdout.split()
            c = {"packets": int(out[out.index("Sent") + 3]) if "Sent" in out else 0,
                 "dropped": int(out[out.index("(dropped") + 1].rstrip(",")) if "(dropped" in out else 0}
            base = {} if raw else getattr(self, "base", {})
            return {k: v - base.get(k, 0) for k, v in c.items()}
        rows = self.run(["iptables", "-w", "5", "-L", "OUTPUT", "-v", "-n", "-x"]).stdout.splitlines()
        drop = [int(r.split()[0]) for r in rows if " DROP " in r and "statistic" in r]
        rest = [int(r.split()[0]) for r in rows if "NFQUEUE" in r]
        dropped = sum(drop)
        return {"packets": dropped + sum(rest), "dropped": dropped}

    # ---- measuring it ------------------------------------------------------------------

    def probe(self):
        rc = self.run([sys.executable, os.path.abspath(__file__), "probe"], timeout=60)
        if rc.returncode != 0:
            raise RuntimeError("probe failed: %s" % rc.stderr.strip()[-300:])
        return json.loads(rc.stdout)

    def close(self):
        self.stop_nfq()
        pids = sh(["ip", "netns", "pids", self.name]).stdout.split()
        for pid in pids:  # only this code starts processes in this namespace
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        sh(["ip", "netns", "del", self.name])


def describe(p):
    return ("TCP round trip median %.2f ms (min %.2f, max %.2f, %d), UDP echo %d/%d lost "
            "(%.1f%%)" % (p["rtt_ms"]["median"], p["rtt_ms"]["min"], p["rtt_ms"]["max"],
                          p["rtt_ms"]["n"], p["udp"]["lost"], p["udp"]["sent"],
                          100.0 * p["udp"]["lost"] / p["udp"]["sent"]))


# ---- probe mode (runs inside the namespace) -------------------------------------------

def tcp_rtt(n=20):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def echo():
        c, _ = srv.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            b = c.recv(1)
            if not b:
                break
            c.sendall(b)
        c.close()

    t = threading.Thread(target=echo, daemon=True)
    t.start()
    c = socket.create_connection(srv.getsockname(), timeout=10)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    rtt = []
    for _ in range(n):
        t0 = time.monotonic()
        c.sendall(b"x")
        if c.recv(1) != b"x":
            raise RuntimeError("echo broke")
        rtt.append((time.monotonic() - t0) * 1000.0)
    c.close()
    t.join(10)
    srv.close()
    return {"median": statistics.median(rtt), "min": min(rtt), "max": max(rtt), "n": n}


def udp_loss(n=300):
    """n datagrams, 1 ms apart, to an echo socket; a thread reads the echoes as they come
    back (no receive buffer overflows): how many never came back."""
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind(("127.0.0.1", 0))
    b.bind(("127.0.0.1", 0))
    a.settimeout(1.0)
    b.settimeout(1.0)
    got = set()

    def echo():
        try:
            while True:
                data, peer = b.recvfrom(64)
                try:
                    b.sendto(data, peer)
                except PermissionError:
                    pass
        except socket.timeout:
            pass

    def collect():
        try:
            while len(got) < n:
                got.add(int(a.recvfrom(64)[0]))
        except socket.timeout:
            pass

    threads = [threading.Thread(target=f, daemon=True) for f in (echo, collect)]
    for t in threads:
        t.start()
    for i in range(n):
        try:
            a.sendto(b"%d" % i, b.getsockname())
        except PermissionError:  # dropped by the DROP rule on its way out: lost
            pass
        time.sleep(0.001)
    for t in threads:
        t.join(5)
    return {"sent": n, "lost": n - len(got)}


if __name__ == "__main__" and sys.argv[1:] == ["probe"]:
    print(json.dumps({"rtt_ms": tcp_rtt(), "udp": udp_loss()}))
