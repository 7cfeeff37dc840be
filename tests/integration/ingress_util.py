"""Helpers of the smtp-ingress integration tests (test_ingress_*.py): a gateway of just
the router and the ingress with extra `ingress` keys, raw-socket SMTP sessions whose
bytes can be split across writes and paced, the count of submissions the router
received (its log lines "submission N from <...>" and "submit ID from <...> refused"),
and the ingress's /metrics read back as {label value: number} per metric."""
import contextlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import gateway, wait_until  # noqa: E402

SENDER = "compta@acme.test"
RCPT = "SMS=0601020304@sms.test"
ROUTER_SEEN = re.compile(r"submission \S+ from <|submit \S+ from <.*> refused")


def message(body="Bonjour", headers="", sender=SENDER):
    """A small valid email, CRLF line ends, ending with the final dot."""
    return ("From: %s\r\nTo: %s\r\nSubject: t\r\nMessage-ID: <%s@acme.test>\r\n%s\r\n%s\r\n.\r\n"
            % (sender, RCPT, time.time_ns(), headers, body)).encode()


def set_ingress_keys(gw, **keys):
    """Adds `key = value;` pairs to the ingress group of gw's config."""
    with open(gw.config) as f:
        text = f.read()
    extra = "".join(" %s = %s;" % (k, '"%s"' % v if isinstance(v, str) else
                                   ("true" if v is True else "false" if v is False else v))
                    for k, v in keys.items())
    text = re.sub(r"(ingress = \{[^}]*)\}", lambda m: m.group(1) + extra + " }", text, count=1)
    with open(gw.config, "w") as f:
        f.write(text)


def start_router_ingress(gw):
    gw.start("router")
    gw.start("ingress")


def router_count(gw):
    proc = gw.procs.get("router")
    return len(ROUTER_SEEN.findall(proc.text())) if proc else 0


def parse_replies(data):
    """Final reply lines as "code enhanced" ("220" when no enhanced code follows)."""
    out = []
    for line in data.split(b"\r\n"):
        m = re.match(rb"(\d{3}) (\d\.\d{1,3}\.\d{1,3} )?", line)
        if m:
            out.append((m.group(1) + b" " + m.group(2).strip()).decode().strip()
                       if m.group(2) else m.group(1).decode())
    return out


def raw_session(port, steps, greet=True, src="127.0.0.1", timeout=15):
    """Connects from src, waits for the greeting unless greet is False, then plays the
    steps: bytes are written as one write each, a number sleeps that long. A reader
    thread collects everything the server sends until it closes (so a reply is not lost
    to a reset when the server closes while steps are still being written). Returns
    (replies, closed_by_server)."""
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    got = {"data": b"", "closed": False}

    def reader():
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    got["closed"] = True
                    return
                got["data"] += chunk
        except (ConnectionResetError, OSError):
            got["closed"] = True

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        if greet:
            wait_until(lambda: b"\r\n" in got["data"] or got["closed"], timeout, "greeting")
        for step in steps:
            if isinstance(step, (int, float)):
                time.sleep(step)
            else:
                s.sendall(step)
    except (ConnectionResetError, BrokenPipeError):
        pass
    t.join(timeout)
    s.close()
    return parse_replies(got["data"]), got["closed"]


def wait_router_count(gw, expected, settle=0.3, timeout=5):
    """The router's submission count once it reached `expected` (or after timeout), and
    `settle` seconds more to see that no other arrives."""
    end = time.time() + timeout
    while router_count(gw) < expected and time.time() < end:
        time.sleep(0.05)
    time.sleep(settle)
    return router_count(gw)


@contextlib.contextmanager
def ingress_gateway(name, gw_args=None, **keys):
    """harness.gateway(name, **gw_args) with extra ingress keys; the caller starts what
    it needs."""
    with gateway(name, **(gw_args or {})) as gw:
        set_ingress_keys(gw, **keys)
        yield gw


def make_cert(directory):
    """A self-signed EC certificate and its key, made now in directory (never kept)."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=localhost"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    return cert, key


def crypt_hash(password):
    """A crypt(3) SHA-512 hash made by another tool than the gateway (openssl passwd)."""
    return subprocess.run(["openssl", "passwd", "-6", password], check=True, timeout=30,
                          capture_output=True, text=True).stdout.strip()


def metric(port, name):
    """The series of one metric on the /metrics page served on port, as {label value:
    value} for a metric with one label ({"": value} for one without)."""
    text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5).read()
    out = {}
    for m in re.finditer(r'^%s(?:\{[a-z_]+="([^"]*)"\})? (\S+)$' % re.escape(name),
                         text.decode(), re.M):
        out[m.group(1) or ""] = float(m.group(2))
    return out
