"""bench/kannel.py: the Kannel anchor of the benchmarks, and what both sides of a
same-run comparison share (the SMSC simulator, its log, peak RSS). Imported by
bench/egress/run, bench/e2e/run and bench/submissions/run; not a benchmark itself.

Kannel is Debian's `kannel` 1.4.5 (installed by ensure_kannel() if missing, never by
tools/install-deps): bearerbox (store-type file, internal DLR storage, one SMPP
transceiver to the simulator) and smsbox (the sendsms HTTP interface, one user
bench/bench). Messages go in through sendsms: sendsms() from Python threads, or
Kannel.load() with the C generator bench/e2e/e2e-load.c --http (keep-alive sessions,
open or closed loop, the time of each request and of its answer). Receipts (dlr-mask=3) come
back through dlr-url to DlrCounter, which counts them by type.

Sim is tools/smsc-sim (smsgw-smsc-sim), the fast C SMSC both systems submit to;
SimLog reads its --log lines (one per SMS, a millisecond UTC stamp, the destination).
rss_kb(pid): (VmHWM, RssAnon) in kB. Every wait is bounded (harness.wait_until)."""
import asyncio
import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(BENCH), "tests", "integration"))
sys.path.insert(0, os.path.join(os.path.dirname(BENCH), "tests", "chaos"))
import harness  # noqa: E402  (Proc, free_port, wait_until)
import smsc_log  # noqa: E402  (SIM_LINE, iso_time)

KANNEL_CONF = """group = core
admin-port = %(admin)d
admin-password = bench
status-password = bench
smsbox-port = %(smsbox)d
log-file = "%(dir)s/bearerbox.log"
log-level = 2
store-type = file
store-location = "%(dir)s/kannel.store"
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = sim
host = 127.0.0.1
port = %(smsc)d
transceiver-mode = true
smsc-username = kannel
smsc-password = pw
system-type = ""
max-pending-submits = %(window)d
reconnect-delay = 1
enquire-link-interval = 30
msg-id-type = 0x03

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = %(smsbox)d
sendsms-port = %(sendsms)d
log-file = "%(dir)s/smsbox.log"
log-level = 2

group = sendsms-user
username = bench
password = bench
max-messages = 1
"""
SENDSMS = "/cgi-bin/sendsms?username=bench&password=bench&from=ACME"
DLR_URL = "&dlr-mask=3&dlr-url=http%%3A%%2F%%2F127.0.0.1%%3A%d%%2Fdlr%%3Ftype%%3D%%25d"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def ensure_kannel():
    if os.path.exists("/usr/sbin/bearerbox"):
        return
    log("installing Debian's kannel")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "kannel"],
                   check=True, env=env, stdout=subprocess.DEVNULL)


def kannel_version():
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "kannel"], capture_output=True,
                         text=True)
    return out.stdout.strip()


def rss_kb(pid):
    """(peak RSS, private memory now) in kB: VmHWM counts the file pages the process
    maps (LMDB: page cache, shared and reclaimable); RssAnon is what it holds."""
    try:
        with open("/proc/%d/status" % pid) as f:
            text = f.read()
        return (int(re.search(r"VmHWM:\s+(\d+)", text).group(1)),
                int(re.search(r"RssAnon:\s+(\d+)", text).group(1)))
    except (OSError, AttributeError):
        return (0, 0)


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), 0.3):
            return True
    except OSError:
        return False


# ------------------------------------------------------------- the SMSC -----------


def start_sim(port, logdir, dlr_delay_ms, log_path=None, stats_ms=0):
    """smsgw-smsc-sim on 127.0.0.1:port (a harness.Proc), quiet, receipts after
    dlr_delay_ms; log_path: every SMS logged there; stats_ms: STATS lines."""
    argv = [os.path.join(harness.BUILD, "tools", "smsgw-smsc-sim"), "--listen",
            "127.0.0.1:%d" % port, "--quiet", "--dlr-delay-ms", str(dlr_delay_ms)]
    argv += ["--log", log_path] if log_path else []
    argv += ["--stats-ms", str(stats_ms)] if stats_ms else []
    return harness.Proc("smsc-sim", argv, logdir, "READY")


class SimLog:
    """Reads the simulator's --log incrementally: destination -> first submit time
    (epoch seconds), and the count and time of the latest submit."""

    def __init__(self, path):
        self.path, self.pos, self.first, self.count, self.last = path, 0, {}, 0, None

    def refresh(self):
        if not os.path.exists(self.path):
            return self.first
        with open(self.path, encoding="utf-8", errors="replace") as f:
            f.seek(self.pos)
            while True:
                line = f.readline()
                if not line.endswith("\n"):
                    break
                self.pos = f.tell()
                m = smsc_log.SIM_LINE.match(line.rstrip("\n"))
                if m:
                    t = smsc_log.iso_time(m.group(1))
                    self.first.setdefault(m.group(3), t)
                    self.count += 1
                    self.last = t if self.last is None else max(self.last, t)
        return self.first

    def wait_count(self, n, timeout):
        """Waits (bounded) until n submits were logged; returns True if they were."""
        end = time.time() + timeout
        while self.refresh() is not None and self.count < n and time.time() < end:
            time.sleep(0.2)
        return self.count >= n


# ------------------------------------------------------------- receipts -----------


class DlrCounter:
    """A minimal keep-alive HTTP server on a thread that counts dlr-url calls by type."""

    def __init__(self, port):
        self.port, self.counts, self.last = port, {}, 0.0
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", self.port))
        self.loop.run_forever()

    async def _client(self, r, w):
        try:
            while True:
                head = await r.readuntil(b"\r\n\r\n")
                m = re.search(rb"[?&]type=(\d+)", head.split(b"\r\n", 1)[0])
                k = int(m.group(1)) if m else -1
                self.counts[k] = self.counts.get(k, 0) + 1
                self.last = time.time()
                w.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok")
        except (asyncio.IncompleteReadError, ConnectionError):
            w.close()


# ------------------------------------------------------------- Kannel -------------


def configure(window):
    """A temporary dir with kannel.conf (max-pending-submits window) and its free
    ports (admin, smsbox, sendsms, smsc, dlr): returns (dir, ports)."""
    d = tempfile.mkdtemp(prefix="bench-kannel-")
    p = {k: harness.free_port() for k in ("admin", "smsbox", "sendsms", "smsc", "dlr")}
    with open(os.path.join(d, "kannel.conf"), "w") as f:
        f.write(KANNEL_CONF % dict(p, dir=d, window=window))
    return d, p


def start(d, p, procs):
    """Starts bearerbox then smsbox of configure()'s (d, p), each appended to procs as
    it starts; returns (bearerbox, smsbox) once sendsms listens."""
    conf = os.path.join(d, "kannel.conf")
    bb = harness.Proc("bearerbox", ["/usr/sbin/bearerbox", "-v", "2", conf], d)
    procs.append(bb)
    harness.wait_until(lambda: port_open(p["smsbox"]), 30, "bearerbox")
    sb = harness.Proc("smsbox", ["/usr/sbin/smsbox", "-v", "2", conf], d)
    procs.append(sb)
    harness.wait_until(lambda: port_open(p["sendsms"]), 30, "smsbox")
    return bb, sb


def queue_status(admin):
    c = http.client.HTTPConnection("127.0.0.1", admin, timeout=5)
    c.request("GET", "/status.txt?password=bench")
    return c.getresponse().read().decode("latin-1")


def queued(admin):
    """Messages bearerbox holds for sending (its status page), -1 if unknown."""
    try:
        s = queue_status(admin)
    except OSError:
        return -1
    m = re.search(r"SMS: received \d+ \((\d+) queued\), sent \d+ \((\d+) queued\)", s)
    return int(m.group(2)) if m else -1


def sendsms(port, dests, text, dlr_port=0, threads=8):
    """Sends text to each of dests (e.g. "+33612345678") through sendsms from Python
    threads (keep-alive); dlr_port: receipts requested to a DlrCounter there."""
    errors = []
    body = text.replace(" ", "+")

    def worker(k):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(k, len(dests), threads):
            q = SENDSMS + "&to=%s&text=%s" % (dests[i].replace("+", "%2B"), body)
            c.request("GET", q + (DLR_URL % dlr_port if dlr_port else ""))
            r = c.getresponse()
            r.read()
            if r.status not in (200, 202):
                errors.append(r.status)
                return

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors, "sendsms answered %r" % errors[:5]


def build_load(work):
    """Compiles bench/e2e/e2e-load.c (SMTP, or HTTP with --http) into work."""
    tool = os.path.join(work, "e2e-load")
    subprocess.run(["cc", "-O2", "-std=c11", "-D_GNU_SOURCE", "-pthread",
                    os.path.join(BENCH, "e2e", "e2e-load.c"), "-o", tool], check=True)
    return tool


def run_load(argv, timeout):
    """Runs e2e-load (argv); returns ({k: (t_request_end, t_answer, code)}, summary:
    {"sent", "ok", "rate", "start", "end"})."""
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    rows, summary = {}, {}
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) == 4 and f[0].isdigit():
            rows[int(f[0])] = (float(f[1]), float(f[2]), int(f[3]))
        elif f and f[0] == "sent":
            summary = {f[i]: float(f[i + 1]) for i in range(0, len(f) - 1, 2)}
    assert summary, "e2e-load: %s" % p.stderr
    return rows, summary


class Kannel:
    """bearerbox + smsbox started at once (configure() then start()), the simulator
    started by start_sim() (now or later: bearerbox reconnects every second)."""

    def __init__(self, window, tool):
        self.dir, self.ports = configure(window)
        self.tool, self.procs, self.sim, self.dlr = tool, [], None, None
        try:
            self.bearerbox, self.smsbox = start(self.dir, self.ports, self.procs)
        except BaseException:
            self.stop()
            raise

    def start_sim(self, dlr_delay_ms):
        """Starts the simulator, waits until bearerbox bound to it; returns its SimLog."""
        path = os.path.join(self.dir, "submits.log")
        self.sim = start_sim(self.ports["smsc"], self.dir, dlr_delay_ms, path)
        self.procs.append(self.sim)
        harness.wait_until(lambda: "(bound)" in self.sim.text(), 30, "bearerbox to bind")
        return SimLog(path)

    def count_receipts(self):
        self.dlr = DlrCounter(self.ports["dlr"])
        return self.dlr

    def load(self, rate, count, first, sessions=20, budget_s=3600, quiet=False, text="e2e {n}"):
        """Runs e2e-load --http: message k goes to +336<first + k, 8 digits> with text, where
        "{n}" is that number (receipts requested if count_receipts() was called).
        Returns ({k: (t_send, t_reply, status)}, summary dict: sent ok rate start end)."""
        body = urllib.parse.quote_plus(text).replace("%7Bn%7D", "{n}")
        path = SENDSMS + "&to=%2B336{n}&text=" + body
        path += DLR_URL % self.ports["dlr"] if self.dlr else ""
        argv = [self.tool, "--http", path, "--budget", str(budget_s)] + (["--quiet"] if quiet else [])
        argv += ["127.0.0.1", str(self.ports["sendsms"]), str(sessions), str(rate), str(count), str(first)]
        return run_load(argv, budget_s + 120)

    def boxes(self):
        return {"bearerbox": self.bearerbox, "smsbox": self.smsbox}

    def queued(self):
        return queued(self.ports["admin"])

    def stop(self):
        """Stops the processes and deletes the store (up to hundreds of MB); the logs stay."""
        for pr in reversed(self.procs):
            pr.stop()
        for name in ("kannel.store", "kannel.store.bak", "kannel.store.new"):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(self.dir, name))
