"""Integration-test harness: starts smsgw's real processes on loopback with peers we
did not write (the Net::SMPP SMSC in tests/peers/smsc.pl, the aiosmtpd mail sink in
tools/mail-sink), talks SMTP to the ingress with Python's smtplib or swaks, and reads
what the SMSC logged and what the sink stored.

Every wait is bounded (wait_until raises after its time-out) and every process is
killed when the test ends; logs of every process are printed when a test fails.
Listening ports come from free_port(): below the kernel's ephemeral range and claimed
with a lock file, so that parallel tests and outgoing connections never take them.
Environment: SMSGW_BUILD is the build directory (set by ctest)."""
import contextlib
import email
import email.utils
import email.policy
import fcntl
import glob
import json
import os
import random
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("SMSGW_BUILD", os.path.join(TOP, "build"))
BINARIES = {
    "router": ("router", "smsgw-router"),
    "dlr": ("dlr", "smsgw-dlr"),
    "ingress": ("smtp-ingress", "smsgw-ingress"),
    "egress": ("smpp-egress", "smsgw-egress"),
}

# GSM 03.38 default alphabet and extension table, written out here independently of
# the gateway's own codec, to read what the SMSC received.
GSM_DEFAULT = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
               "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[",
                 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€"}


def gsm_decode(data):
    out, esc = [], False
    for b in data:
        if esc:
            out.append(GSM_EXTENSION.get(b, GSM_DEFAULT[b]))
            esc = False
        elif b == 0x1B:
            esc = True
        else:
            out.append(GSM_DEFAULT[b])
    return "".join(out)


def sms_text(submit):
    """The text of one logged submit_sm (no UDH), decoded by its data_coding."""
    raw = bytes.fromhex(submit["short_message_hex"])
    if submit["esm_class"] & 0x40:
        raw = raw[raw[0] + 1:]
    if submit["data_coding"] == 8:
        return raw.decode("utf-16-be")
    if submit["data_coding"] == 3:
        return raw.decode("latin-1")
    return gsm_decode(raw)


PORT_CLAIMS = os.path.join(tempfile.gettempdir(), "smsgw-test-ports")
_claimed = []  # open claim files: each holds its port for the life of this process


def _ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _claim(port):
    """Claims port with an exclusive flock on its file in PORT_CLAIMS, held until this
    process exits (the kernel releases a dead process's locks: no stale claims)."""
    fd = os.open(os.path.join(PORT_CLAIMS, str(port)), os.O_CREAT | os.O_RDWR, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    _claimed.append(fd)
    return True


def free_port():
    """A loopback TCP port for a listener to bind. Taken below the kernel's ephemeral
    range, so that no outgoing connection's local port can take it between this call and
    the bind (with bind(0) that happened: "Address already in use"); free now; and claimed
    (see _claim), so that tests running in parallel never get the same one."""
    os.makedirs(PORT_CLAIMS, exist_ok=True)
    top = min(_ephemeral_low(), 32768)
    rng = random.SystemRandom()
    for _ in range(2000):
        port = rng.randrange(20000, top)
        if not _claim(port):
            continue
        with socket.socket() as s:  # no SO_REUSEADDR: a port with TIME_WAIT leftovers is passed over
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue  # in use by something else: the claim keeps us off it
    raise RuntimeError("no free loopback port in 20000-%d" % top)


def wait_until(pred, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        value = pred()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))


class Proc:
    def __init__(self, name, argv, logdir, ready_line=None):
        self.name = name
        self.log = os.path.join(logdir, name + ".log")
        self.out = open(self.log, "ab")
        self.p = subprocess.Popen(argv, stdout=self.out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
        if ready_line:
            wait_until(lambda: ready_line in self.text() or self.p.poll() is not None, 20,
                       "%s to be ready" % name)
            if self.p.poll() is not None:
                raise AssertionError("%s exited: %s" % (name, self.text()))

    def text(self):
        with open(self.log, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def kill9(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGKILL)
        self.p.wait()

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()
        self.out.close()


class Gateway:
    """One gateway under test: its config, peers and processes in a temporary dir."""

    def __init__(self, name, smsc_args=(), router_timeout_ms=3000, accounts=None,
                 operator_opts="", bind_opts="", extra_operators="", extra_ports=(),
                 job_timeout_s=20, validity_s=600, dlr_extra=""):
        """validity_s: router.validity_s; dlr_extra: more `key = value;` for the dlr group.
        operator_opts / bind_opts: extra config keys written into operator "opa" and
        its bind (e.g. 'long_method = "sar";'; 'window = 2;' replaces the default 10,
        'response_timeout_s = 2;' or 'enquire_link_s = 1;' the default 5);
        extra_operators: more operator groups for the `operators` list, formatted with
        self.ports (extra_ports names more free ports, e.g. "smsc2")."""
        self.dir = tempfile.mkdtemp(prefix="smsgw-it-%s-" % name)
        self.procs = {}  # the current process of each name
        self.all = []  # every process started, for logs and clean-up
        self.starts = {}
        self.domain = "sms.test"
        p = {k: free_port() for k in ("smtp", "smsc", "sink", "zin", "zeg", "zdl") + tuple(extra_ports)}
        self.ports = p
        self.smsc_log = os.path.join(self.dir, "smsc.jsonl")
        self.maildir = os.path.join(self.dir, "mail")
        self.config = os.path.join(self.dir, "smsgw.conf")
        accounts = accounts or ('{ name = "acme"; senders = [ "allow:@acme.test", '
                                '"deny:intern@acme.test" ]; sender_id = "ACME"; }')
        with open(self.config, "w") as f:
            f.write("""domain = "%(domain)s";
state_dir = "%(dir)s/state";
ingress = { listen = "127.0.0.1:%(smtp)d"; router_timeout_ms = %(rto)d; };
router = { listen_ingress = "tcp://127.0.0.1:%(zin)d"; listen_egress = "tcp://127.0.0.1:%(zeg)d";
           job_timeout_s = %(jto)d; validity_s = %(validity)d; };
dlr = { listen = "tcp://127.0.0.1:%(zdl)d"; smarthost = "smtp://127.0.0.1:%(sink)d";
        from = "accuses@%(domain)s"; retry_min_s = 1; retry_max_s = 5; %(dlr_extra)s };
operators = ( { name = "opa"; prefixes = [ "+336", "+337" ]; default = true; %(opopts)s
                binds = ( { host = "127.0.0.1"; port = %(smsc)d; system_id = "smsgw";
                            password = "pw"; %(bindopts)s } ); } %(extraops)s );
accounts = ( %(accounts)s );
""" % dict(p, domain=self.domain, dir=self.dir, rto=router_timeout_ms, accounts=accounts,
           jto=job_timeout_s,
           opopts="".join("%s = 5; " % k for k in ("enquire_link_s", "response_timeout_s")
                          if k not in operator_opts) + operator_opts, validity=validity_s, dlr_extra=dlr_extra,
           bindopts=bind_opts if "window" in bind_opts else "window = 10; " + bind_opts,
           extraops=(", " + extra_operators % p) if extra_operators else ""))
        self.smsc_args = list(smsc_args)

    # peers -----------------------------------------------------------------
    def start_smsc(self, key="smsc", args=None):
        """The Net::SMPP SMSC on self.ports[key], logging to <key>.jsonl (self.smsc_log
        for the default one), with args (default: the constructor's smsc_args)."""
        log = self.smsc_log if key == "smsc" else os.path.join(self.dir, key + ".jsonl")
        self.procs[key] = self._add(Proc(key, ["perl", os.path.join(TOP, "tests/peers/smsc.pl"),
                                          "--port", str(self.ports[key]), "--log", log]
                                         + list(self.smsc_args if args is None else args),
                                         self.dir, "READY"))
        return self.procs[key]

    def start_sink(self, args=()):
        """(Re)starts the mail sink on its port; args: more mail-sink options
        (e.g. ["--reply-code", "451"]). A running sink is stopped first."""
        if "sink" in self.procs:
            self.procs["sink"].stop()
        self.procs["sink"] = self._add(Proc("sink", ["/usr/bin/python3", os.path.join(TOP, "tools/mail-sink"),
                                           "--listen", "127.0.0.1:%d" % self.ports["sink"],
                                           "--maildir", self.maildir, "--print"] + list(args),
                                           self.dir, "READY"))

    def _add(self, proc):
        self.all.append(proc)
        return proc

    # gateway processes -------------------------------------------------------
    def start(self, name, operator="opa", wrap=()):
        """Starts one gateway process; an egress for another operator than "opa" is
        known as "egress-<operator>" in self.procs. wrap: a command line the process
        runs under (e.g. ["fiu-run", "-x"])."""
        sub, binary = BINARIES[name]
        argv = list(wrap) + [os.path.join(BUILD, sub, binary), "-c", self.config]
        key = name
        if name == "egress":
            argv += ["--operator", operator]
            key = name if operator == "opa" else "egress-" + operator
        self.starts[key] = self.starts.get(key, 0) + 1
        proc = Proc("%s.%d" % (key, self.starts[key]), argv, self.dir)
        self.procs[key] = proc
        self.all.append(proc)
        if name == "ingress":
            wait_until(self.smtp_up, 20, "ingress to listen")
        return proc

    def start_all(self):
        self.start_smsc()
        self.start_sink()
        for name in ("router", "dlr", "egress", "ingress"):
            self.start(name)

    def kill9(self, name):
        self.procs[name].kill9()

    def smtp_up(self):
        try:
            with socket.create_connection(("127.0.0.1", self.ports["smtp"]), 0.5):
                return True
        except OSError:
            return False

    # clients -------------------------------------------------------------------
    def send(self, mail_from, rcpts, subject, body, headers=None, msgid=None, attachments=()):
        """Sends with smtplib; returns (code, text) of the end of DATA, or raises
        smtplib.SMTPResponseException subclasses for refusals before DATA.
        attachments: (filename, bytes) pairs, attached as text/plain."""
        msg = email.message.EmailMessage()
        msg["From"] = mail_from
        msg["To"] = ", ".join(rcpts)
        msg["Subject"] = subject
        msg["Message-ID"] = msgid or email.utils.make_msgid(domain="acme.test")
        for k, v in (headers or {}).items():
            msg[k] = v
        msg.set_content(body)
        for name, data in attachments:
            msg.add_attachment(data, maintype="text", subtype="plain", filename=name)
        with smtplib.SMTP("127.0.0.1", self.ports["smtp"], timeout=30) as s:
            s.ehlo("client.acme.test")
            s.mail(mail_from)
            for r in rcpts:
                code, text = s.rcpt(r)
                if code >= 400:
                    return code, text.decode()
            code, text = s.data(msg.as_bytes(policy=email.policy.SMTP))
            return code, text.decode()

    def smtp_dialogue(self, commands):
        """Raw SMTP: sends each command line, returns the list of (code, text) replies
        (the greeting first)."""
        replies = []
        with smtplib.SMTP("127.0.0.1", self.ports["smtp"], timeout=30) as s:
            for c in commands:
                s.putcmd(c)
                replies.append(s.getreply())
        return replies

    # what the peers saw ----------------------------------------------------------
    def submits(self, key="smsc"):
        log = self.smsc_log if key == "smsc" else os.path.join(self.dir, key + ".jsonl")
        if not os.path.exists(log):
            return []
        with open(log) as f:
            return [json.loads(l) for l in f if l.strip()]

    def mails(self):
        out = []
        for path in sorted(glob.glob(os.path.join(self.maildir, "new", "*"))):
            with open(path, "rb") as f:
                out.append(email.message_from_binary_file(f, policy=email.policy.default))
        return out

    def receipts(self, submission, status=None):
        return [m for m in self.mails() if m["X-SMSGW-Submission"] == submission
                and (status is None or m["X-SMSGW-Status"] == status)]

    def dump_logs(self):
        for p in self.all:
            sys.stderr.write("----- %s (%s)\n%s\n" % (p.name, p.log, p.text()[-6000:]))

    def close(self, ok):
        for p in self.all:
            p.stop()
        if not ok:
            self.dump_logs()
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def gateway(name, **kw):
    """A Gateway that is closed (processes stopped; logs printed on failure) at the end."""
    gw = Gateway(name, **kw)
    ok = False
    try:
        yield gw
        ok = True
    finally:
        gw.close(ok)


def run(tests):
    """Runs test functions, each with a fresh Gateway it builds itself; prints one line per
    test and the closing 'N passed, N failed' line; exits non-zero on any failure."""
    passed = failed = 0
    for t in tests:
        start = time.time()
        try:
            t()
            passed += 1
            print("ok   %s (%.1fs)" % (t.__name__, time.time() - start), flush=True)
        except Exception as e:  # noqa: BLE001 - report every failure the same way
            failed += 1
            print("FAIL %s: %s: %s" % (t.__name__, type(e).__name__, e), flush=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
