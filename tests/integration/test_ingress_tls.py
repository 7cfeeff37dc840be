#!/usr/bin/python3
"""STARTTLS and SMTP AUTH on the real smsgw-ingress, with clients we did not write:
swaks (--tls, --auth PLAIN / LOGIN) and Python's ssl module on raw sockets. A
self-signed certificate is made at test time with the openssl CLI. Checks: mail over
TLS on the MX listener; the submission listener wants STARTTLS before AUTH and AUTH
before MAIL; a login sends as its account whatever MAIL FROM says (the router logs that
account); a wrong password is 535 5.7.8; plaintext pipelined behind STARTTLS is
discarded (CVE-2011-0411); the session starts again after STARTTLS (EHLO needed). The
handshakes, AUTH results and sessions per listener are counted in the metrics."""
import os
import socket
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import free_port, run, wait_until  # noqa: E402
from ingress_util import (RCPT, SENDER, crypt_hash, ingress_gateway, make_cert,  # noqa: E402
                          metric, parse_replies, router_count, set_ingress_keys,
                          start_router_ingress, wait_router_count)

PASSWORD = "correct horse battery"
ACCOUNTS = ('{ name = "acme"; senders = [ "allow:@acme.test" ]; sender_id = "ACME"; }, '
            '{ name = "beta"; senders = [ "allow:@beta.test" ]; sender_id = "BETA"; '
            'smtp_users = ( { user = "beta-relay"; password_hash = "%s"; } ); }')


class Tls:
    """One gateway with STARTTLS on both listeners and a submission listener."""

    def __init__(self, gw):
        self.gw = gw
        cert, key = make_cert(gw.dir)
        self.sub, self.mport = free_port(), free_port()
        set_ingress_keys(gw, tls_cert_file=cert, tls_key_file=key,
                         submission_listen="127.0.0.1:%d" % self.sub,
                         metrics_listen="127.0.0.1:%d" % self.mport)
        start_router_ingress(gw)

    def swaks(self, port, *args):
        p = subprocess.run(["swaks", "--server", "127.0.0.1:%d" % port, "--to", RCPT,
                            "--header", "Subject: tls test", "--body", "Bonjour"] + list(args),
                           capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout + p.stderr


def gateway_tls(name):
    return ingress_gateway(name, gw_args=dict(accounts=ACCOUNTS % crypt_hash(PASSWORD)))


def test_swaks_tls_on_mx():
    with gateway_tls("tls-mx") as gw:
        t = Tls(gw)
        rc, out = t.swaks(gw.ports["smtp"], "--tls", "--from", SENDER)
        assert rc == 0, out
        assert "<~  250 2.0.0" in out, out  # "<~": swaks read it over TLS
        assert wait_router_count(gw, 1) == 1
        assert "TLS with 127.0.0.1: TLSv1.3" in gw.procs["ingress"].text()
        assert metric(t.mport, "smsgw_ingress_tls_sessions_total") == {"": 1}


def test_swaks_auth_on_submission():
    with gateway_tls("tls-auth") as gw:
        t = Tls(gw)
        for mech in ("PLAIN", "LOGIN"):
            before = router_count(gw)
            rc, out = t.swaks(t.sub, "--tls", "--auth", mech, "--auth-user", "beta-relay",
                              "--auth-password", PASSWORD, "--from", "ops@elsewhere.test")
            assert rc == 0, out
            assert "<~  235 2.7.0" in out and "<~  250 2.0.0" in out, out
            assert wait_router_count(gw, before + 1) == before + 1
        log = gw.procs["router"].text()
        assert log.count("from <ops@elsewhere.test> account beta: accepted") == 2, log
        rc, out = t.swaks(t.sub, "--tls", "--auth", "PLAIN", "--auth-user", "beta-relay",
                          "--auth-password", "wrong", "--from", "ops@elsewhere.test")
        assert rc != 0 and "<~* 535 5.7.8" in out, out
        rc, out = t.swaks(t.sub, "--tls", "--auth", "LOGIN", "--auth-user", "nobody",
                          "--auth-password", PASSWORD, "--from", "ops@elsewhere.test")
        assert rc != 0 and "<~* 535 5.7.8" in out, out
        assert wait_router_count(gw, 2) == 2
        assert metric(t.mport, "smsgw_ingress_auth_total") == {"ok": 2, "failed": 2,
                                                                "tempfail": 0}
        assert metric(t.mport, "smsgw_ingress_tls_sessions_total") == {"": 4}
        assert metric(t.mport, "smsgw_smtp_sessions_total")["submission"] == 4


class Raw:
    """A line-oriented SMTP client on a socket that can switch to TLS."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.read()  # greeting

    def read(self):
        """One complete reply (multi-line aware) as "code enhanced"."""
        while True:
            lines = self.buf.split(b"\r\n")
            for i, line in enumerate(lines[:-1]):
                if len(line) >= 4 and line[3:4] == b" ":
                    self.buf = b"\r\n".join(lines[i + 1:])
                    return parse_replies(line + b"\r\n")[0]
            chunk = self.sock.recv(4096)
            if not chunk:
                raise EOFError("closed after %r" % self.buf)
            self.buf += chunk

    def cmd(self, line):
        self.sock.sendall(line)
        return self.read()

    def starttls(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        assert self.buf == b"", self.buf
        self.sock = ctx.wrap_socket(self.sock)


def test_submission_rules_and_starttls_injection():
    with gateway_tls("tls-raw") as gw:
        t = Tls(gw)
        c = Raw(t.sub)
        c.sock.sendall(b"EHLO x\r\n")
        ehlo = b""
        while b"250 " not in ehlo:
            ehlo += c.sock.recv(4096)
        assert b"250-STARTTLS" in ehlo and b"AUTH" not in ehlo, ehlo
        assert c.cmd(b"MAIL FROM:<%s>\r\n" % SENDER.encode()) == "530 5.7.0"
        assert c.cmd(b"AUTH PLAIN AGJldGEtcmVsYXkAeA==\r\n") == "538 5.7.11"
        # CVE-2011-0411: HELP pipelined in plaintext behind STARTTLS must never be answered
        assert c.cmd(b"STARTTLS\r\nHELP\r\n") == "220 2.0.0"
        c.starttls()
        assert c.cmd(b"NOOP\r\n") == "250 2.0.0"  # not the 214 of HELP
        assert c.cmd(b"MAIL FROM:<%s>\r\n" % SENDER.encode()) == "503 5.5.1"  # EHLO again
        c.sock.sendall(b"EHLO x\r\n")
        ehlo = b""
        while b"250 " not in ehlo:
            ehlo += c.sock.recv(4096)
        assert b"250-AUTH PLAIN LOGIN" in ehlo and b"STARTTLS" not in ehlo, ehlo
        assert c.cmd(b"STARTTLS\r\n") == "554 5.5.1"
        assert c.cmd(b"MAIL FROM:<%s>\r\n" % SENDER.encode()) == "530 5.7.0"
        assert c.cmd(b"AUTH CRAM-MD5\r\n") == "504 5.5.4"
        assert c.cmd(b"AUTH LOGIN\r\n") == "334"
        assert c.cmd(b"*\r\n") == "501 5.0.0"
        assert c.cmd(b"AUTH PLAIN\r\n") == "334"
        assert c.cmd(b"not base64!\r\n") == "501 5.5.2"
        assert c.cmd(b"QUIT\r\n") == "221 2.0.0"
        log = gw.procs["ingress"].text()
        assert "6 octets pipelined after STARTTLS from 127.0.0.1 discarded" in log, log
        # on the MX listener there is no AUTH, even over TLS
        m = Raw(gw.ports["smtp"])
        assert m.cmd(b"EHLO x\r\n") == "250"
        assert m.cmd(b"STARTTLS\r\n") == "220 2.0.0"
        m.starttls()
        assert m.cmd(b"EHLO x\r\n") == "250"
        assert m.cmd(b"AUTH PLAIN AGJldGEtcmVsYXkAeA==\r\n") == "502 5.5.1"
        # a client that talks plaintext where the handshake should be is dropped
        p = Raw(gw.ports["smtp"])
        assert p.cmd(b"EHLO x\r\n") == "250"
        assert p.cmd(b"STARTTLS\r\n") == "220 2.0.0"
        p.sock.sendall(b"MAIL FROM:<a@b>\r\n")
        wait_until(lambda: "TLS with 127.0.0.1: handshake" in gw.procs["ingress"].text(), 5,
                   "the handshake failure")
        assert router_count(gw) == 0


if __name__ == "__main__":
    run([test_swaks_tls_on_mx, test_swaks_auth_on_submission,
         test_submission_rules_and_starttls_injection])
