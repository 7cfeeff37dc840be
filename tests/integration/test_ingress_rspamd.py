#!/usr/bin/python3
"""The ingress's content check against the real rspamd daemon (Debian's rspamd 3.4), not
the fake HTTP server of test_ingress_antispam.py: a GTUBE mail is refused 550 5.7.1 and
never reaches the router, an ordinary mail is accepted and reaches it exactly once.

rspamd runs in the foreground (-f) from Debian's /etc/rspamd/rspamd.conf with the
directories it writes (LOCAL_CONFDIR, DBDIR, RUNDIR, LOGDIR) moved to a temporary dir,
and override.d files there: only the normal worker, on a free port of 127.0.0.1 (no
controller, no proxy); DNS sent to a closed local port (a lookup fails at once: no
internet here); the modules that query the network off (fuzzy_check, rbl, surbl); no
Redis configured, so the modules needing it disable themselves. Two settings keep the
start to about a second instead of half a minute: a five-line TLD list for the URL
matcher (Debian's 9600 suffixes are compiled at every start with an empty cache dir)
and language detection limited to English and French. As root, rspamd's workers run as
_rspamd (-u/-g). rspamd_on_error is "tempfail", so a mail rspamd did not check cannot
pass as accepted. rspamd down (accept or 451) is covered by test_ingress_antispam.py."""
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import free_port, run, wait_until  # noqa: E402
from ingress_util import (RCPT, SENDER, ingress_gateway, message, raw_session,  # noqa: E402
                          router_count, start_router_ingress, wait_router_count)

# The standard GTUBE line (rspamd answers it with the "reject" action).
GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
START_TIMEOUT = 30  # seconds; rspamd starts in about 1 s here


class RealRspamd:
    """rspamd -f with its own config in a temporary dir; url; log(); close()."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="smsgw-rspamd-")
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self._configure()
        self.logfile = open(os.path.join(self.dir, "rspamd.log"), "wb")
        argv = ["rspamd", "-f", "-c", "/etc/rspamd/rspamd.conf"]
        for var in ("LOCAL_CONFDIR", "DBDIR", "RUNDIR", "LOGDIR"):
            argv += ["--var", "%s=%s" % (var, self._sub(var))]
        if os.geteuid() == 0:
            argv += ["-u", "_rspamd", "-g", "_rspamd"]
        start = time.time()
        self.p = subprocess.Popen(argv, stdout=self.logfile, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_until(lambda: self._pong() or self.p.poll() is not None, START_TIMEOUT,
                       "rspamd to answer /ping")
            assert self.p.poll() is None, "rspamd exited"
        except AssertionError:
            self.close(False)
            raise
        self.start_s = time.time() - start

    def _sub(self, var):
        return os.path.join(self.dir, var.lower())

    def _configure(self):
        os.chmod(self.dir, 0o755)  # the workers (_rspamd) read the config under it
        for var in ("LOCAL_CONFDIR", "DBDIR", "RUNDIR", "LOGDIR"):
            os.mkdir(self._sub(var))
        if os.geteuid() == 0:
            user = pwd.getpwnam("_rspamd")
            for var in ("DBDIR", "RUNDIR", "LOGDIR"):
                os.chown(self._sub(var), user.pw_uid, user.pw_gid)
        tld = os.path.join(self.dir, "tld.dat")
        with open(tld, "w") as f:
            f.write("com\nnet\norg\nfr\ntest\n")
        override = os.path.join(self._sub("LOCAL_CONFDIR"), "override.d")
        os.mkdir(override)
        files = {
            "worker-normal.inc": 'bind_socket = "127.0.0.1:%d"; count = 1;\n' % self.port,
            "worker-controller.inc": "enabled = false;\n",
            "worker-proxy.inc": "enabled = false;\n",
            "logging.inc": 'type = "console"; level = "info";\n',
            "options.inc": ('dns { nameserver = ["127.0.0.1:%d"]; timeout = 0.2s; '
                            'retransmits = 1; }\nurl_tld = "%s";\n'
                            'lang_detection { languages_enable = ["en", "fr"]; }\n'
                            % (free_port(), tld)),
        }
        for module in ("fuzzy_check", "rbl", "surbl"):
            files[module + ".conf"] = "enabled = false;\n"
        for name, text in files.items():
            with open(os.path.join(override, name), "w") as f:
                f.write(text)

    def _pong(self):
        try:
            return urllib.request.urlopen(self.url + "/ping", timeout=1).read().strip() == b"pong"
        except OSError:
            return False

    def log(self):
        with open(self.logfile.name, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def close(self, ok):
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGTERM)  # its own session: main and workers
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
        self.logfile.close()
        if not ok:
            sys.stderr.write("----- rspamd\n%s\n" % self.log()[-6000:])
        shutil.rmtree(self.dir, ignore_errors=True)


def send(gw, body):
    """One SMTP transaction of SENDER to RCPT; the replies after MAIL FROM."""
    head = ("EHLO c.test\r\nMAIL FROM:<%s>\r\nRCPT TO:<%s>\r\n" % (SENDER, RCPT)).encode()
    steps = [head, 0.3, b"DATA\r\n" + message(body=body), b"QUIT\r\n"]
    replies, _ = raw_session(gw.ports["smtp"], steps, timeout=15)
    assert replies[:3] == ["220", "250", "250 2.1.0"], replies
    return replies[3:-1]


def test_real_rspamd():
    rspamd = RealRspamd()
    ok = False
    try:
        print("rspamd answered /ping %.2fs after its start" % rspamd.start_s, flush=True)
        # ingress.rspamd_threshold stays at its default, 15.0: rspamd's GTUBE score
        with ingress_gateway("rspamd-real", rspamd_url=rspamd.url,
                             rspamd_on_error="tempfail") as gw:
            start_router_ingress(gw)
            spam = send(gw, "Offre\r\n" + GTUBE)
            assert spam == ["250 2.1.5", "354", "550 5.7.1"], spam
            assert router_count(gw) == 0
            ham = send(gw, "Bonjour, votre RDV est confirme demain 10h")
            assert ham == ["250 2.1.5", "354", "250 2.0.0"], ham
            assert wait_router_count(gw, 1) == 1  # the ordinary mail only, once
            log = gw.procs["ingress"].text()
            assert "refused as spam: rspamd score inf over 15.00" in log, log
            assert "rspamd check of" not in log, log  # no failed check
            # rspamd saw both: GTUBE rejected, the other scored with no action
            rlog = wait_until(lambda: "(no action)" in rspamd.log() and rspamd.log(), 5,
                              "rspamd's log line of the ordinary mail")
            assert "(reject): [15.00/15.00] [GTUBE" in rlog, rlog[-3000:]
        ok = True
    finally:
        rspamd.close(ok)


if __name__ == "__main__":
    run([test_real_rspamd])
